"""Whose span of time a duration figure is: one project's, or the whole stage's.

The article gives both for stages three to five, in different passages: a stage lasts
"约1.5至3年" (预期所需时间) while each of its projects runs "4-8 个月" (项目周期). A model
that answers "how long should a project run?" with the stage's years cites a real
figure for the wrong thing. So a duration an answer states as a project's must come from
a sentence about the project period, and one it states as the stage's from one about the
stage's duration.

The rule decides only where the wording does. In the answer, the clause before the
figure must name the subject: strong cues first ("项目周期", "project period", "projects
should run", "这个阶段", "stage 4 takes"), then, in Chinese, the nearest of 项目 and 阶段
a few characters before the figure (a Chinese modifier comes before its noun: in
"阶段四的项目约…" the subject is the project). English weak cues decide nothing: in
"Stage 3 launches projects and takes a year" the nearest noun is not the subject.
Anything else is undecided and checked by number and unit alone. In a passage, only the
sentence's own heading decides ("项目周期", "预期所需时间").
"""

from __future__ import annotations

import re

PROJECT, STAGE = "project", "stage"

_NUMBER_WORD = r"(?:\d|one|two|three|four|five)"
_STRONG = [
    (re.compile(
        r"项目周期|周期|\bproject (?:period|duration|length|cycle|timeline)s?\b|"
        r"\b(?:per|each|every|a|one|the first|first|your first|(?:a |one )?(?:typical|single|individual)) "
        r"project\b|"
        r"\bprojects?\s+(?:in|of|for|during)\s+(?:the\s+|this\s+)?(?:stage|phase)\b|"
        rf"\b(?:stage|phase)\s+{_NUMBER_WORD}\s+projects?\b|"
        # "a project inside it usually takes": where it sits does not part it from its verb
        r"\bprojects?\s+(?:(?:inside|within|in)\s+(?:it|this|that|the)(?:\s+(?:stage|phase))?\s+)?"
        r"(?:should|would|will|usually|typically|generally|normally|can|may|must)?\s*"
        r"(?:run|runs|last|lasts|take|takes)\b", re.I), PROJECT),
    (re.compile(
        r"预期所需时间|所需时间|这个阶段|该阶段|整个阶段|本阶段|"
        r"阶段[一二三四五1-5]?(?:一般|通常|大约|大概|约)?(?:需要|持续|历时|为期|耗时)|"
        rf"\b(?:stage|phase)\s*{_NUMBER_WORD}?\s+(?:usually\s+|typically\s+|generally\s+|normally\s+|"
        r"itself\s+)?(?:takes|lasts|requires|needs)\b|\bduration of (?:the |this |each )?(?:stage|phase)\b|"
        r"\b(?:stage|phase) duration\b|\bexpected duration\b|\bthe (?:whole |entire )?(?:stage|phase)\b",
        re.I), STAGE),
]
_WEAK_ZH = re.compile(r"项目|阶段")
WEAK_REACH = 8  # characters between a weak Chinese cue and the figure
# Where a clause ends; a full stop between digits is a decimal point.
_CLAUSE_END = re.compile(r"[,;。!?\n]|(?<!\d)\.(?!\d)")
_SENTENCE_END = re.compile(r"[;。!?\n]|(?<!\d)\.(?!\d)")
# Labels and asides hold no subject of the sentence: "[阶段三 · 项目执行]", "(跨部门项目)".
# Texts come here with full-width punctuation made ASCII (figures.normalise).
_ASIDE = re.compile(r"\[[^\[\]]*\]|\([^()]*\)")


def _blank_asides(text: str) -> str:
    return _ASIDE.sub(lambda m: " " * len(m.group(0)), text)


def _before(text: str, position: int, ends: re.Pattern[str]) -> str:
    start = 0
    for match in ends.finditer(text, 0, position):
        start = match.end()
    return text[start:position]


def _strongest(prefix: str) -> str | None:
    """The kind of the strong cue nearest the end of ``prefix``, if any."""
    # At the same place ("projects in the stage") the project is the subject.
    found = [(m.end(), kind == PROJECT, kind) for pattern, kind in _STRONG for m in pattern.finditer(prefix)]
    return max(found)[2] if found else None


def answer_subject(text: str, position: int) -> str | None:
    """Whether the answer states the duration at ``position`` as a project's period
    (PROJECT), as the stage's duration (STAGE), or leaves it undecided (None)."""
    # An aside between the subject and the figure does not part them.
    prefix = re.sub(r"\s+", " ", _before(_blank_asides(text), position, _CLAUSE_END))
    strong = _strongest(prefix)
    if strong is not None:
        return strong
    weak = list(_WEAK_ZH.finditer(prefix))
    if weak and len(prefix) - weak[-1].end() <= WEAK_REACH:
        return PROJECT if weak[-1].group(0) == "项目" else STAGE
    return None


def passage_subject(text: str, position: int) -> str | None:
    """What the passage sentence holding ``position`` gives a span of time for: a
    project's period, the stage's duration, or neither (a KPI's "半年内", say)."""
    prefix = _before(text, position, _SENTENCE_END)
    if re.search(r"项目周期|周期|project period|per project", prefix, re.I):
        return PROJECT
    if re.search(r"预期所需时间|这个阶段|stage takes|expected duration", prefix, re.I):
        return STAGE
    return None
