"""The company's own figure held against the stage's KPI target, worked out, not written.

"Our first cross-department project cut costs by 12%. Does that meet the target?" The
small model answered "12%, which is within the target range of 15%-20%": a comparison
of two numbers, stated with a citation, and wrong. The grounding check cannot see it (both
figures are in the passages or the question), so the comparison is made here, from the
stage book's target, and shown under the quoted KPI. An answer of the model's that says
the opposite is withdrawn in favour of the quote and this line.

Only a figure the company gives for itself counts ("we measured 17%", "我们的满意度85%"),
not one it was told ("My boss says stage 1 should make each of us 30% more productive.
Does the article say 30%?": that asks what the article says, and the quote answers it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.diagnosis.company_figures import measured, percentages

_OURS = re.compile(r"我们|我司|咱们|本公司|\b(?:we|we're|we've|our|ours|us)\b", re.I)
# A figure someone claims for the article or the stage, not one the company measured.
_TOLD = re.compile(r"听说|据说|号称|声称|有人说|(?:董事|老板|领导|同事|顾问|他|她)\S{0,6}?说|说是"
                   r"|\b(?:says?|said|claims?|claimed|told|tells|reckons?|according to)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.?!;。?!;])\s*")
_SATISFACTION = re.compile(r"满意|satisf", re.I)
_COST = re.compile(r"成本|降本|省钱|费用|\bcosts?\b|\bsaving", re.I)

# What the model writes when it judges the figure: to meet, or to fall short of, the target.
_SAYS_MEETS = re.compile(r"\bwithin\b|\bmeets?\b|\bmet\b|\bin line\b|\bachiev\w*|\breach\w*|\bexceed\w*|\benough\b"
                         r"|\bsatisf(?:y|ies)\b|达标|达到了|符合|满足|超过|已经达到", re.I)
_SAYS_SHORT = re.compile(r"\bbelow\b|\bshort of\b|\bnot (?:yet )?(?:meet|reach|enough|within)\w*|\bdoes(?:n't| not) meet"
                         r"|\bfalls? short|\bunder\b|未达|没有?达到|不够|低于|不符合|不满足|还差", re.I)


@dataclass(frozen=True)
class Yardstick:
    """The company's figure, the KPI it is held against, and whether it meets it."""

    value: float
    kpi_zh: str
    kpi_en: str
    target_min: float
    target_max: float | None
    meets: bool

    def _target(self, language: str) -> str:
        low = f"{self.target_min:g}%"
        if self.target_max is not None:
            return f"{self.target_min:g}%-{self.target_max:g}%"
        return f"至少{low}" if language == "zh" else f"at least {low}"

    def line(self, language: str) -> str:
        figure, target = f"{self.value:g}%", self._target(language)
        if language == "zh":
            verdict = "达到了" if self.meets else "低于"
            return f"对照文档:你们的{figure}{verdict}「{self.kpi_zh}」的目标({target})。"
        verdict = "meets" if self.meets else "is below"
        return f"Against the article: your {figure} {verdict} its target for {self.kpi_en.lower()} ({target})."

    def contradicted_by(self, text: str) -> bool:
        """Whether the model's ``text`` judges the figure the other way round."""
        if f"{self.value:g}" not in text:
            return False  # it does not speak of the company's figure
        if self.meets:
            return bool(_SAYS_SHORT.search(text)) and not _SAYS_MEETS.search(text)
        return bool(_SAYS_MEETS.search(text)) and not _SAYS_SHORT.search(text)


def yardstick(question: str, stage_book, stage: int | None) -> Yardstick | None:
    """The company's figure in ``question`` against ``stage``'s percentage KPI, or None
    when the question gives no figure of its own or it is unclear which KPI it is for."""
    if stage_book is None or stage is None or not 1 <= stage <= len(stage_book.stages):
        return None
    if not _OURS.search(question) or _TOLD.search(question):
        return None
    # The sentence that gives the figure says what was reached, not what is aimed at
    # ("我们的目标是提升20%"); "Does that meet the article's target?" may follow it.
    given = [s for s in _SENTENCE.split(question) if percentages(s)]
    if not given or not all(measured(s) for s in given):
        return None
    values = sorted(set(percentages(question)))
    if len(values) != 1:
        return None
    kpis = [k for k in stage_book.stage(stage).kpis
            if k.section == "kpis" and k.target is not None and k.target.unit == "%" and k.target.min is not None]
    satisfaction = bool(_SATISFACTION.search(question))
    kpis = [k for k in kpis if bool(_SATISFACTION.search(k.name.en)) == satisfaction]
    if len(kpis) > 1 and _COST.search(question):
        kpis = [k for k in kpis if _COST.search(k.name.en)] or kpis
    if not kpis or len({(k.target.min, k.target.max) for k in kpis}) != 1:
        return None
    kpi = kpis[0]
    return Yardstick(values[0], kpi.name.zh, kpi.name.en, kpi.target.min, kpi.target.max,
                     values[0] >= kpi.target.min)


# --- a length of time held against the stage's own ---------------------------------------
# "The article says the leaders-go-first stage only takes a couple of weeks, right?" The
# model answered "…only takes a couple of weeks (约3至6个月)": the premise repeated, the
# article's figure in brackets. A length the question gives is compared with the period
# the quote gives, and an answer that repeats it as the article's is withdrawn.
_EN_COUNT = {"a": 1, "an": 1, "one": 1, "a couple of": 2, "couple of": 2, "two": 2, "a few": 3, "few": 3,
             "several": 3, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24, "half a": 0.5}
_ZH_COUNT = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十二": 12, "十八": 18, "几": 3, "半": 0.5, "一两": 1.5}
_MONTHS = {"week": 12 / 52, "weeks": 12 / 52, "month": 1, "months": 1, "year": 12, "years": 12,
           "周": 12 / 52, "星期": 12 / 52, "个星期": 12 / 52, "个月": 1, "月": 1, "年": 12}
_EN_LENGTH = re.compile(
    r"(?<![\w-])(?P<count>\d+(?:\.\d+)?|" + "|".join(sorted(map(re.escape, _EN_COUNT), key=len, reverse=True)) + r")"
    r"(?:\s*(?:-|to)\s*(?P<upper>\d+(?:\.\d+)?))?\s+(?P<unit>weeks?|months?|years?)\b", re.I)
_ZH_LENGTH = re.compile(
    r"(?P<count>\d+(?:\.\d+)?|一两|十二|十八|[一两二三四五六七八九十几半])(?:\s*(?:-|到|至)\s*(?P<upper>\d+|[一两二三四五六七八九十]))?"
    r"\s*(?P<unit>个星期|星期|周|个月|年)(?![级度底初中])")
_NOT_SO = re.compile(r"\bnot\b|\bisn't\b|\brather than\b|\binstead\b|\bno,|\bincorrect\b|\bactually\b"
                     r"|不是|并非|而是|并不|不对|其实|实际上", re.I)

# The length is put to the article: to confirm it, or whether it is enough. How long the
# company has been at it ("我们做了两年AI", "we've been using AI for a year") is no such claim.
_CHECKS = re.compile(r"\bright\b|\bcorrect\b|\btrue\b|\bis that so\b|\benough\b|\brealistic\b|\bpossible\b"
                     r"|\bfinish\w*|\bcomplete\b|\bdone in\b|\bin (?:just |only )?(?:\d+|a|an|one|two|three|a few|a couple of) "
                     r"(?:weeks?|months?|years?)\b|\b(?:doesn't|isn't|don't|aren't) (?:it|they)\b|对吧|是吗|是不是|对不对|没错吧"
                     r"|[吗吧]\s*[??]?|够|来得及|走完|做完|完成|搞定", re.I)
_ALREADY = re.compile(r"已经|做了|用了|搞了|\bbeen\b|\bfor (?:the )?(?:past|last)\b|\bago\b|\bsince\b", re.I)


def _count(token: str) -> float | None:
    token = token.lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    return _EN_COUNT.get(token, _ZH_COUNT.get(token))


@dataclass(frozen=True)
class LengthCheck:
    """A length of time the question gives, against the period the article gives."""

    said: str  # the question's words for it ("a couple of weeks", "两年")
    months: float
    min_months: float
    max_months: float

    @property
    def within(self) -> bool:
        return self.min_months <= self.months <= self.max_months

    def line(self, language: str) -> str:
        """The comparison, under the quoted period (which it does not repeat)."""
        if language == "zh":
            verdict = "在文档给出的时间范围内" if self.within else (
                "比文档给出的时间短" if self.months < self.min_months else "比文档给出的时间长")
            return f"对照文档:「{self.said}」{verdict}。"
        verdict = "is within" if self.within else ("is shorter than" if self.months < self.min_months
                                                   else "is longer than")
        return f"Against the article: {self.said} {verdict} the time it gives."

    def contradicted_by(self, text: str) -> bool:
        """Whether the model's ``text`` repeats a length the article does not give as if it did."""
        return not self.within and self.said.lower() in text.lower() and not _NOT_SO.search(text)


def length_check(question: str, period) -> LengthCheck | None:
    """The one length of time ``question`` gives, against ``period`` (a stage's duration or
    project period from the stage book), or None."""
    found = [(m, _count(m.group("count")), m.group("unit").lower())
             for pattern in (_EN_LENGTH, _ZH_LENGTH) for m in pattern.finditer(question)]
    lengths = [(m.group(0).strip(), _months(m, count, unit)) for m, count, unit in found if count is not None]
    # One length, perhaps said twice ("一年吧?…按12个月排期")
    if period is None or len({months for _, months in lengths}) != 1 or not _CHECKS.search(question) \
            or _ALREADY.search(question):
        return None
    said, months = lengths[0]
    return LengthCheck(said, months, period.min_months, period.max_months)


def _months(match: re.Match, count: float, unit: str) -> float:
    if match.group("upper"):
        upper = _count(match.group("upper"))
        count = (count + upper) / 2 if upper is not None else count
    return round(count * _MONTHS[unit], 2)
