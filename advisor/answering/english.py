"""An English question's answer kept in English.

Given Chinese passages, the small model often copies them into an English answer ("the
KPIs for stage 4 are: ● 整合业务流程后,整体运营效率提升 20%-40%。 ● 客户满意度提升至 95%。"),
or switches language halfway through a sentence. A line that is the article's own
Chinese is replaced by the stage book's English for it (:func:`english_rendering`), with
its bullet and citation kept. What is still mostly Chinese after that is no English
answer: the caller puts the article's sentence in its place, as for an answer that fails
the figure check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from advisor.answering.key_sentence import english_rendering, principles_of, stage_of
from advisor.retrieval.query import answer_language

_LABEL = re.compile(r"\s*[\[(（]\s*(?:阶段[一二三四五]|stage_document)[^\])）]*[\])）]")
_BULLET = re.compile(r"^\s*(?:[-*•●]|\d+[.)、])\s*")
_CJK = re.compile(r"[\u3400-\u9fff]")
def in_chinese(text: str) -> bool:
    """Whether ``text``, asides and citations aside, reads as Chinese."""
    return answer_language(text) == "zh"


def _render(sentence: str, stages: list, principles) -> str | None:
    """The stage book's English for ``sentence``: a fact of one of ``stages``, else one of
    the closing principles."""
    for stage in stages:
        english = english_rendering(sentence, stage)
        if english:
            return english
    return english_rendering(sentence, None, principles) if principles else None


def in_english(text: str, stage_book, stages: Iterable[int | None]) -> str | None:
    """``text`` with each line of the article's Chinese put in the stage book's English,
    or None when it still reads as Chinese."""
    if not _CJK.search(text):
        return text
    books = [stage_of(stage_book, s) for s in dict.fromkeys(stages) if s is not None]
    principles = principles_of(stage_book)
    lines = []
    for line in text.split("\n"):
        if _CJK.search(line) and in_chinese(line):
            bullet = _BULLET.match(line)
            labels = "".join(_LABEL.findall(line))
            body = _LABEL.sub("", line[bullet.end() if bullet else 0:]).strip()
            english = _render(body, books, principles)
            if english is not None:
                line = f"{bullet.group(0) if bullet else ''}{english}{labels}"
        if _CJK.search(line) and in_chinese(line):
            # Citations stay as they are; the runs of Chinese between them are put in English.
            parts = re.split(r"(\[[^\]]*\])", line)
            used: set[str] = set()
            line = "".join(part if part.startswith("[") else
                           _RUN.sub(lambda m: _spliced(m, books, principles, used), part) for part in parts)
            line = re.sub(r" {2,}", " ", line).replace(" .", ".")
        lines.append(line)
    result = "\n".join(lines)
    return None if in_chinese(result) else result


# A run of Chinese inside an English sentence ("…is to enhance team运用AI工具的频率、时长及质量,
# 提升团队效率。"): the Latin letters of "AI" and figures belong to it.
_RUN = re.compile(r"[\u3400-\u9fff](?:[\u3400-\u9fff\u3000-\u303f\uff00-\uffef、,。:;%.\-]|[A-Za-z0-9]+(?=[\u3400-\u9fff%]))*")


def _spliced(match: re.Match, stages: list, principles, used: set[str]) -> str:
    """The run's English; a second run of the same fact's words goes (it was said)."""
    english = _render(match.group(0), stages, principles)
    if not english:
        return match.group(0)
    if english in used:
        return " "
    used.add(english)
    return f" {english.rstrip('.')} "
