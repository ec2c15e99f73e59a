"""The sentence of a passage that carries the asked fact, quoted with its label.

When the model's answer cannot stand (a figure the passages do not hold, or "not
covered" for a question a passage plainly answers), the manager still gets the fact:
the passage's own sentence that shares most words with the question, verbatim and
cited. For an English question it comes in the stage book's faithful English rendering,
with the Chinese sentence beside it, so a reader can check the one against the other.

A question's words are compared as groups of alternatives: a Chinese word with the
article's own terms for it ("多久" with "预期所需时间"), an English word with the Chinese
terms the glossary gives it ("budget" with 投资, 成本, 费用 …). A group counts once, however
many of its terms a sentence holds: "cost" is one word of the question, not four.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from advisor.answering.evidence import LEAD, kpi_text
from advisor.answering.figures import normalise

# Words all over the article, or about it: they tell no passage or sentence apart.
_EVERYWHERE = {"ai", "人工智能", "阶段", "stage", "stages", "文章", "文档", "article", "document"}
_ENGLISH_STOP = set(
    "a an the of to in on for and or is are be do does did what how which who when why we our you your "
    "it its this that with at by from as should can could would will much many about i me my us "
    "there their they them have has had get any some".split())
# Lines that only open a part of the passage ("行动计划:", "● 项目执行:", "阶段三:").
_HEADING = re.compile(r"^[^,。.!?]{1,16}:\s*$")
_BULLET = re.compile(r"^\s*(?:[●•*-]|\d+[.)、])\s*")
_SENTENCE = re.compile(r"[^。!?]+[。!?]?")
# A rendering stands for the sentence only when its quote covers most of it.
MIN_COVERAGE = 0.6

Groups = list[tuple[str, ...]]


@dataclass(frozen=True)
class PassageQuote:
    """A passage's own sentence, its label, and its English rendering when the stage
    book has one."""

    sentence: str
    label: str
    en: str | None = None

    def line(self, language: str) -> str:
        """The sentence as an answer: lead, text (English with the Chinese), citation."""
        if language == "zh":
            return f"{LEAD['zh']}{self.sentence} {self.label}"
        if self.en:
            return f"{LEAD['en']}{self.en} (“{self.sentence}”) {self.label}"
        return f"{LEAD['en']}“{self.sentence}” (in the article's Chinese) {self.label}"


def question_groups(question: str, language: str, glossary, tokenize, zh_terms: dict) -> Groups:
    """The question's words, each with the article's terms for it.

    ``tokenize`` splits Chinese into words and drops function words (the retriever's);
    ``glossary`` maps English words to Chinese terms; ``zh_terms`` maps everyday Chinese
    question words to the article's headings.
    """
    groups: Groups = []
    if language == "zh":
        for word in dict.fromkeys(tokenize(question)):
            if word.lower() not in _EVERYWHERE and (len(word) > 1 or word.isdigit()):
                groups.append((word, *zh_terms.get(word, ())))
        for word, terms in zh_terms.items():
            if word in question and not any(word in g for g in groups):
                groups.append((word, *terms))
        return groups
    words = re.findall(r"[a-z0-9][a-z0-9%+-]*", question.lower())
    seen: set[str] = set()
    for size in (2, 1):  # "next stage" before "next"
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i:i + size])
            terms = [t for t in glossary.translate(phrase) if t.lower() not in _EVERYWHERE]
            if size == 1 and phrase in _ENGLISH_STOP | _EVERYWHERE:
                continue
            fresh = tuple(t for t in terms if t not in seen)
            if terms and not fresh:
                continue  # a word of a phrase already counted
            if terms or size == 1:
                seen.update(terms)
                groups.append((phrase, *terms))
    return groups


def shared(groups: Groups, text: str) -> int:
    """How many of the question's words ``text`` holds (in any of their forms)."""
    low = text.lower()
    return sum(any(term.lower() in low for term in group) for group in groups)


def heads_a_part(line: str) -> bool:
    """Whether ``line`` only opens a part of a passage ("行动计划:", "● 项目执行:"):
    alone it says nothing."""
    return bool(_HEADING.match(_BULLET.sub("", normalise(line)).strip()))


def sentences(passage: str) -> list[str]:
    """The passage's sentences, without bullets and without lines that only head a part."""
    found = []
    for line in normalise(passage).splitlines():
        line = _BULLET.sub("", line).strip()
        if not line or heads_a_part(line):
            continue
        found.extend(s.strip() for s in _SENTENCE.findall(line) if s.strip())
    return found


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text)).rstrip("。.")


def _renderings(stage, principles) -> list[tuple[str, str]]:
    """(quote, English) for every fact the stage book holds on the passage's stage."""
    if stage is None:
        return [(_squash(p.quote), p.en) for p in principles]
    pairs = [(_squash(stage.title.zh), stage.title.en)]  # the line that names the stage
    for item in stage.items():
        en = item.en if hasattr(item, "en") else kpi_text(item, "en")  # as key facts render KPIs
        pairs.append((_squash(item.quote), en))
    return [(quote, en) for quote, en in pairs if quote]


def _sentence_end(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?)" else text + "."


def english_rendering(sentence: str, stage, principles=()) -> str | None:
    """The stage book's English for ``sentence``, or None when it has none that covers
    enough of it.

    A fact whose verbatim quote holds the whole sentence renders it (the tightest such
    fact); else the facts quoted inside the sentence, longest first and not overlapping,
    render it in the sentence's order when together they cover most of it.
    """
    target = _squash(sentence)
    pairs = _renderings(stage, principles)
    holding = [(len(quote), i, en) for i, (quote, en) in enumerate(pairs) if target in quote]
    if holding:
        return min(holding)[2]
    chosen: list[tuple[int, int, str]] = []
    for quote, en in sorted(((q, en) for q, en in pairs if q in target), key=lambda p: -len(p[0])):
        start = target.find(quote)
        end = start + len(quote)
        if all(end <= s or start >= e for s, e, _ in chosen) and en not in (c[2] for c in chosen):
            chosen.append((start, end, en))
    if sum(e - s for s, e, _ in chosen) < MIN_COVERAGE * len(target):
        return None
    # One fact's English may already say another's ("New product … fit (PMF)" inside "A
    # new product … fit (PMF), laying the ground for …"): say it once.
    texts = [en for _, _, en in sorted(chosen)]
    kept = [en for en in texts if not any(en != other and en.lower().rstrip(".") in other.lower()
                                           for other in texts)]
    return " ".join(_sentence_end(en) for en in kept)


def key_sentence(passage_text: str, label: str, groups: Groups, stage=None, principles=(),
                 heading: str = "") -> PassageQuote | None:
    """The sentence of the passage sharing most words with the question, or None when no
    sentence shares any: a passage whose every sentence is beside the question has
    nothing to quote for it. Among equals, the sentence under the passage's own
    ``heading`` ("目标:…") comes first, then the earliest."""
    candidates = sentences(passage_text)
    if not candidates:
        return None
    scores = [shared(groups, s) for s in candidates]
    headed = [bool(heading) and _squash(s).startswith(_squash(heading)) for s in candidates]
    best = max(range(len(candidates)), key=lambda i: (scores[i], headed[i], -i))
    if scores[best] == 0:
        return None
    sentence = candidates[best]
    return PassageQuote(sentence, label, english_rendering(sentence, stage, principles))


def stage_of(stage_book, number: int | None):
    """The stage book's stage ``number``, or None (no book, or no such stage)."""
    if stage_book is None or number is None:
        return None
    try:
        return stage_book.stage(number)
    except KeyError:
        return None


def principles_of(stage_book) -> Sequence:
    return stage_book.principles if stage_book is not None else ()

