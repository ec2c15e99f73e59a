"""A deterministic check that an answer's figures come from its passages, unit and all
(and that the Chinese it quotes in parentheses does too).

Small local models, asked about something near the document's topic ("How much does a
GPU server cost?"), sometimes invent plausible figures; worse, they move a real number
onto the wrong thing: the article's "1-3 个云端 SaaS 的 AI 工具 … 年费用控制在几千元"
came back as "about 1-3 thousand yuan per year". Figures are what managers act on, so
every figure of an answer must appear in a passage attached to the same thing: the same
value in a compatible unit (:mod:`advisor.answering.figures`), and a span of time stated
as a project's period or as the stage's duration must be one the passages give for that
(:mod:`advisor.answering.periods`).

What stays allowed, as before the units were read: a bare number that some passage
holds, with or without a unit; a bare small integer (0-5: stage numbers, list positions,
counts such as "3 steps"); a stage number 1-5; conversions a careful writer makes
(1.5年 as 18 months, 半年 as 6 months, 1-3千元 as 1000-3000元).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from advisor.answering.figures import STAGE, TIME_UNITS, Figure, figures_in, normalise
from advisor.answering.periods import answer_subject, passage_subject

# Small integers are stage numbers, list positions and counts ("3 steps"): too common
# to carry a claim on their own.
SMALL = 5


@dataclass(frozen=True)
class _Evidence:
    figure: Figure
    subject: str | None  # for a span of time: a project's period or the stage's duration


def _same(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6 * max(1.0, abs(a), abs(b))


def _small(value: float) -> bool:
    return value.is_integer() and 0 <= value <= SMALL


def _evidence(sources: Iterable[str]) -> list[_Evidence]:
    found = []
    for text in sources:
        text = normalise(text)
        found.extend(_Evidence(f, passage_subject(text, f.start) if f.unit in TIME_UNITS else None)
                     for f in figures_in(text))
    return found


def _bare_grounded(figure: Figure, evidence: list[_Evidence]) -> bool:
    if _small(figure.value):
        return True
    for item in evidence:
        known = (item.figure.raw, item.figure.value, item.figure.raw * 12)  # 1.5 (年) -> 18
        if any(_same(figure.value, v) for v in known):
            return True
    return False


def _unit_grounded(figure: Figure, subject: str | None, evidence: list[_Evidence]) -> bool:
    if figure.unit == STAGE and _small(figure.value):
        return True
    for item in evidence:
        other = item.figure
        if other.unit != figure.unit or not _same(other.value, figure.value):
            continue
        if subject is None or item.subject is None or item.subject == subject:
            return True
    # A passage that gives the number without its unit (a company table whose header
    # names it) grounds it, unless some passage attaches that number to another thing.
    if _small(figure.value):
        return False
    same_value = [e.figure for e in evidence if _same(e.figure.value, figure.value)]
    return bool(same_value) and all(f.unit is None for f in same_value)


def ungrounded_figures(answer: str, sources: Iterable[str]) -> list[str]:
    """The figures of ``answer`` (as written, in order, once each) that ``sources`` do
    not ground: no passage has the number attached to the same thing. Empty when all do.
    """
    evidence = _evidence(sources)
    answer = normalise(answer)
    failed: list[str] = []
    for figure in figures_in(answer):
        if figure.unit is None:
            grounded = _bare_grounded(figure, evidence)
        else:
            subject = answer_subject(answer, figure.start) if figure.unit in TIME_UNITS else None
            grounded = _unit_grounded(figure, subject, evidence)
        if not grounded and figure.text not in failed:
            failed.append(figure.text)
    return failed


# The article's own words an answer puts in parentheses: "(约6个月至1年)". The system prompt
# allows a short Chinese quote beside an English answer; a small model asked about
# something the passages do not hold sometimes invents one ("Tencent's stock price will be
# next week (股票价格将在下周)"), a citation of words the article never wrote.
_PARENTHESISED = re.compile(r"[(（]([^()（）\[\]]*)[)）]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
# A quote shorter than this is a term, not a quote; one with less than this share of its
# two-character pieces in the passages was not taken from them. Real quotes, even
# shortened ("如讯飞星火、文心一言、ChatGPT 等"), keep most of theirs.
MIN_QUOTE_CHARS = 4
MIN_QUOTE_SHARE = 0.5


def unfounded_quotes(answer: str, sources: Iterable[str]) -> list[str]:
    """The Chinese quotes in parentheses of ``answer`` whose words are mostly not in
    ``sources``: quotes the passages never held."""
    found_in = "".join(normalise(t) for t in sources)
    failed = []
    for match in _PARENTHESISED.finditer(normalise(answer)):
        quote = match.group(1).strip()
        runs = _CJK_RUN.findall(quote)
        pairs = [run[i:i + 2] for run in runs for i in range(len(run) - 1)]  # its two-character pieces
        if sum(map(len, runs)) < MIN_QUOTE_CHARS or not pairs:
            continue
        if sum(p in found_in for p in pairs) < MIN_QUOTE_SHARE * len(pairs) and quote not in failed:
            failed.append(quote)
    return failed
