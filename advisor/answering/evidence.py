"""The article's own sentence for a question, shown before the model writes.

When a question names a stage and a topic (its duration, budget, KPIs, what marks the
move on…), the stage book holds the exact fact, quoted from the article and cited by its
passage. Shown first, it reaches the manager in a fraction of a second, with no model
call; for an English question it is the stage book's faithful English rendering. It also
stands in for the model where the model falls short: when the model says the passages
do not cover a question they do, or writes a figure the passages do not hold, the answer
is the quoted fact rather than a refusal. A question that only describes its stage ("our
first cross-department project") gets the same fact after the model's answer instead,
and so does a question on one of the article's general points (its principles, its
introduction, its conclusion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from advisor.knowledge.chunks import STAGE_DOCUMENT_SOURCE, STAGE_NAMES_ZH
from advisor.knowledge.stage_document import SECTIONS
from advisor.retrieval.general_points import general_point, point_item
from advisor.retrieval.query import stage_by_content, stage_described_as_current, stages_described, stages_named

LEAD = {"zh": "文档原文:", "en": "From the article: "}
MAX_ITEMS = 4  # a list (actions, KPIs) is quoted up to this many items


@dataclass(frozen=True)
class KeyFact:
    """A fact of one stage (or, with ``stage`` None, one of the article's general
    points), in both languages, with the label of its passage."""

    stage: int | None
    section: str
    zh: str
    en: str
    # The same topic's facts of the other stages a question compares ("阶段四和阶段五的
    # 项目周期分别多长?"), quoted after this one.
    also: tuple[KeyFact, ...] = ()

    @property
    def label(self) -> str:
        where = STAGE_NAMES_ZH[self.stage] if self.stage else STAGE_DOCUMENT_SOURCE
        return f"[{where} · {SECTIONS[self.section].zh}]"

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels of every passage the fact quotes."""
        return (self.label, *(fact.label for fact in self.also))

    def line(self, language: str) -> str:
        """The fact as the first line of an answer: lead, text, citation (a line each for
        the stages compared)."""
        lang = "zh" if language == "zh" else "en"
        own = f"{LEAD[lang]}{self.zh if lang == 'zh' else self.en} {self.label}"
        return "\n".join([own, *(fact.line(language) for fact in self.also)])


def _number(value: float) -> str:
    return f"{value:g}"


def kpi_text(kpi, language: str) -> str:
    """A KPI as a fact: its quote in Chinese; in English its name and target."""
    if language == "zh":
        return kpi.quote.rstrip("。")
    target = kpi.target
    if target is None or target.min is None:
        return kpi.name.en
    unit = target.unit or ""
    joined = "" if unit == "%" else " "
    if target.max is not None:
        figure = f"{_number(target.min)}-{_number(target.max)}{joined}{unit}"
    else:
        figure = f"at least {_number(target.min)}{joined}{unit}"
    return f"{kpi.name.en}: {figure}"


def _join(texts: list[str], language: str) -> str:
    texts = [t.strip().rstrip("。.;；") for t in texts[:MAX_ITEMS] if t.strip()]
    return ("；".join(texts) + "。") if language == "zh" else ("; ".join(texts) + ".")


def _one(item) -> tuple[str, str, str] | None:
    return None if item is None else (item.section, item.zh, item.en)


def _many(items, prefer: str | None = None) -> tuple[str, str, str] | None:
    """Several items of one passage: the preferred section's, else the first one's."""
    items = list(items)
    if not items:
        return None
    sections = [i.section for i in items]
    section = prefer if prefer in sections else sections[0]
    items = [i for i in items if i.section == section]
    return section, _join([i.zh for i in items], "zh"), _join([i.en for i in items], "en")


_LEADS = ("项目经理", "领导", "中高层", "带头", "一把手")


# A question on the article's example tools ("Is Midjourney one of the vertical tools?").
_TOOLS = re.compile(r"工具|模型|应用|软件|\b(?:tools?|models?|llms?|apps?|software|chatbots?)\b|midjourney|chatgpt|kimi|豆包"
                    r"|剪映|奇灵|讯飞|文心", re.I)


# A question on what can go wrong wants the risks the article names, not its rules.
_RISK = re.compile(r"风险|问题|坑|麻烦|挑战|难题|\b(?:risk|pitfall|problem|issue|challenge|go(?:es)? wrong|trouble)", re.I)


def key_fact(stage_book, stage: int | None, topic: str | None, question: str = "") -> KeyFact | None:
    """The stage book's fact on ``topic`` for ``stage``, or None when it has none.

    Only a stage and a topic the rules found select a fact. Matching the closing advice
    by shared words was tried and dropped: "在每个阶段" made it quote the advice on people
    for "哪个阶段需要自建AI模型?", and a quote beside the point costs more trust than it helps.
    """
    if stage_book is None or topic is None or stage is None or not 1 <= stage <= len(stage_book.stages):
        return None
    entry = stage_book.stage(stage)
    if topic == "project_team":
        # Who leads: the project manager where the article names one, else the leaders.
        leads = [a for a in entry.actions if a.section == "execution" and "项目经理" in a.zh]
        leads = leads or [a for a in entry.actions if any(word in a.zh for word in _LEADS)]
        found = _many(leads)
    elif topic == "kpis":
        kpis = [k for k in entry.kpis if k.section == "kpis"]
        found = ("kpis", _join([kpi_text(k, "zh") for k in kpis], "zh"),
                 _join([kpi_text(k, "en") for k in kpis], "en")) if kpis else None
    elif topic in ("duration", "project_period", "budget", "goal", "culture"):
        found = _one(getattr(entry, topic))
    elif topic == "data_security":
        found = _many(i for i in entry.items() if getattr(i, "section", None) == "data_security"
                      and hasattr(i, "zh"))
    elif topic == "cautions":
        found = _many(entry.cautions, prefer="execution" if _RISK.search(question) else None)
    elif topic in ("actions", "transition", "examples"):
        # What marks the move on is partly the stage's KPIs; the transition passage also
        # says what comes next, which is what a manager asking "and then?" wants.
        prefer = topic if topic in ("transition", "actions") else None
        if topic == "examples" and _TOOLS.search(question):
            prefer = "kpis"  # the tools it names are listed with the KPIs, the tasks in the actions
        found = _many(getattr(entry, topic), prefer=prefer)
    else:
        found = None
    if found is None:
        return None
    section, zh, en = found
    return KeyFact(stage, section, zh, en)


def fact_for_question(stage_book, question: str, stage: int | None, topic: str | None) -> KeyFact | None:
    """The fact to quote for ``question``, whose rules found ``stage`` and ``topic``.

    Without a stage named, the one the question describes as the company's own stands in
    ("我们已经有几个跨部门项目的成功案例了,下一步…" is stage 3's move on); the chain then
    shows the fact after the model's answer rather than before it, and never in place of
    an answer the model declined (see :meth:`AnswerChain.stream`). Of the 39
    tuning questions that get a fact this way, 38 ask about that stage; the other is
    off the article (when SaaS tools pay for themselves), where the fact can only follow
    an answer the model gave anyway. A stage described as the destination ("ready to
    move from individual use to team workflows") does not count.
    """
    named = stage
    if stage is None and topic is not None:
        compared = _stages_compared(question)
        if compared:
            return _with_others(key_fact(stage_book, compared[0], topic, question),
                                [key_fact(stage_book, other, topic, question) for other in compared[1:]])
        stage = stage_described_as_current(question, moving_on=topic == "transition")
    fact = key_fact(stage_book, stage, topic, question)
    if fact is not None and named is not None:
        fact = _with_others(fact, [key_fact(stage_book, other, topic, question)
                                   for other in stages_named(question)[1:]])
    if fact is not None:
        fact = _with_others(fact, [key_fact(stage_book, stage, other, question)
                                   for other in _companion_topics(topic, question)])
    # A stage mentioned in passing ("不能一上来就自建模型?") does not make a question on
    # no particular topic a question about that stage.
    if fact is None and named is None and (topic is None or stage_by_content(question) is None):
        fact = general_fact(stage_book, question)
    return fact


# "How long should ONE pilot run, versus how long the whole phase lasts?": a project's
# period asked beside the stage's own length.
_WHOLE_STAGE = re.compile(
    r"整个阶段|阶段本身|阶段(?:整体|总共|一共)|(?:整体|总共|一共).{0,4}(?:多久|多长)"
    r"|\b(?:whole|entire|overall) (?:[\w-]+ ){0,3}(?:stage|phase)\b|\b(?:stage|phase) (?:as a whole|overall|itself)\b"
    r"|\bhow long the (?:\w+ )?(?:stage|phase)\b"
    # "how long does the disruptive-growth stage take", not "how long should a stage 3 project run"
    r"|\bhow long (?:does|will|should|do) (?:the |this |that |each )?(?:[\w-]+ ){0,3}(?:stage|phase)\b"
    r"(?!\s*(?:#?\d|one|two|three|four|five)?\s*(?:projects?|pilots?)\b)"
    r"|阶段.{0,6}(?:多久|多长时间)|(?:多久|多长时间).{0,4}阶段", re.I)


# "Does the team-workflow phase take longer than the first leader-led phase?"
_COMPARES = re.compile(r"\bvs\.?(?=\s)|\bversus\b|\bcompared?\b|\bcomparison\b|\bthan\b|\bdiffer\w*|\bsame\b"
                       r"|相比|比较|对比|区别|不同|一样|比.{1,12}(?:长|短|久|多|少|高|低|快|慢)", re.I)


def _stages_compared(question: str) -> list[int]:
    """The stages a question compares by what happens in them (none named by number)."""
    described = stages_described(question)
    return described if len(described) >= 2 and _COMPARES.search(question) else []


def _with_others(fact: KeyFact | None, others: list[KeyFact | None]) -> KeyFact | None:
    """``fact`` with the facts of ``others`` that exist quoted after it."""
    others = tuple(other for other in others if other is not None)
    return replace(fact, also=fact.also + others) if fact is not None and others else fact


_WHO_LEADS = re.compile(r"项目经理|谁(?:来)?(?:负责|牵头|带头|主导)|\bproject managers?\b|\bwho (?:should )?(?:leads?|runs?)\b", re.I)


def _companion_topics(topic: str | None, question: str) -> list[str]:
    """Topics whose fact a question on ``topic`` also needs: what marks the move on is
    judged by the stage's KPIs as much as by its transition passage, and a project's
    period asked against the stage's length needs that length, and one asked beside who
    leads needs the project manager too."""
    if topic == "transition":
        return ["kpis"]
    companions = []
    if topic == "project_period" and _WHOLE_STAGE.search(question):
        companions.append("duration")
    if topic in ("project_period", "duration", "budget") and _WHO_LEADS.search(question):
        companions.append("project_team")  # "what kind of project manager should lead, and how long…?"
    return companions


def general_fact(stage_book, question: str) -> KeyFact | None:
    """The article's general point (a principle, its introduction or its conclusion)
    that ``question``, about no stage, asks about (see
    :mod:`advisor.retrieval.general_points`). The chain shows it after the model's
    answer, as it does a described stage's fact: it is never the answer on its own."""
    item = point_item(stage_book, general_point(question))
    return None if item is None else KeyFact(None, item.section, item.zh, item.en)
