"""The part of a passage an answer used: the spans to highlight when a citation is opened.

Two kinds of span count. A figure of the passage (with its unit: "6个月至1年", "15%-20%",
"1-3 个") whose number the answer also states, whatever the answer's language. And, for
an answer in the passage's language, every run of at least four characters (Chinese) or
three words (English) that the answer repeats. Citation labels in the answer are left
out, so a label does not highlight the section title it names.
"""

from __future__ import annotations

import re


MIN_CJK_RUN = 4
MIN_WORDS_RUN = 3
_CJK = re.compile(r"[\u3400-\u9fff]")
_CITATION = re.compile(r"\[[^\[\]]{2,80}\]")
# A figure with what it counts: digits or Chinese numerals, ranges, and a unit.
_FIGURE = re.compile(
    r"(?:约|至少|超过|不少于)?\s*"
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十两几半]+)\s*"
    r"(?:%|％|个月|个|年|月|周|天|倍|万|千|元|人)?"
    r"(?:\s*(?:-|–|~|至|到)\s*(?:\d+(?:\.\d+)?|[一二三四五六七八九十两几]+)\s*"
    r"(?:%|％|个月|个|年|月|周|天|倍|万|千|元|人)?)?"
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_ZH_NUMBERS = {"一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6",
               "七": "7", "八": "8", "九": "9", "十": "10", "半": "0.5"}
_ZH_UNITS = ("个月", "年", "%", "％", "个", "万", "千", "元")


def _numbers(text: str) -> set[str]:
    """The numbers ``text`` states, Chinese numerals included (三个月 → 3)."""
    found = {n.rstrip("0").rstrip(".") if "." in n else n for n in _NUMBER.findall(text)}
    for match in re.finditer(r"([一二两三四五六七八九十半])\s*(?=" + "|".join(_ZH_UNITS) + ")", text):
        found.add(_ZH_NUMBERS[match.group(1)])
    for word, digit in (("one", "1"), ("two", "2"), ("three", "3"), ("four", "4"), ("five", "5"),
                        ("six", "6"), ("eight", "8"), ("twelve", "12"), ("half", "0.5")):
        if re.search(rf"\b{word}\b", text, re.I):
            found.add(digit)
    if re.search(r"几千|few thousand", text, re.I):
        found.add("几千")
    return found


def _figure_spans(passage: str, answer_numbers: set[str]) -> list[tuple[int, int]]:
    spans = []
    for match in _FIGURE.finditer(passage):
        figure = match.group(0).strip()
        if not figure or not re.search(r"\d|[一二三四五六七八九十两几半]", figure):
            continue
        if not re.search(r"\d", figure) and not re.search("|".join(_ZH_UNITS), figure):
            continue  # a bare Chinese numeral is a word (一些, 一起), not a figure
        numbers = _numbers(figure)
        if numbers and numbers <= answer_numbers | {"几千"} and numbers & answer_numbers:
            start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
            spans.append((start, match.end()))
    return spans


def _shared_runs(passage: str, answer: str) -> list[tuple[int, int]]:
    """Runs of the passage that the answer repeats (CJK characters or English words)."""
    spans = []
    i = 0
    while i < len(passage):
        if not _CJK.match(passage[i]):
            i += 1
            continue
        length = MIN_CJK_RUN
        if passage[i:i + length] not in answer or len(_CJK.findall(passage[i:i + length])) < MIN_CJK_RUN:
            i += 1
            continue
        while i + length < len(passage) and passage[i:i + length + 1] in answer:
            length += 1
        spans.append((i, i + length))
        i += length
    words = list(re.finditer(r"[A-Za-z][A-Za-z'-]*", passage))
    lowered = " " + " ".join(re.findall(r"[A-Za-z][A-Za-z'-]*", answer.lower())) + " "
    j = 0
    while j + MIN_WORDS_RUN <= len(words):
        run = MIN_WORDS_RUN
        phrase = " ".join(w.group(0).lower() for w in words[j:j + run])
        if f" {phrase} " not in lowered:
            j += 1
            continue
        while j + run < len(words) and f" {phrase} {words[j + run].group(0).lower()} " in lowered:
            phrase += " " + words[j + run].group(0).lower()
            run += 1
        spans.append((words[j].start(), words[j + run - 1].end()))
        j += run
    return spans


def clean_spans(highlights, length: int) -> list[tuple[int, int]]:
    """Valid ``[start, end]`` spans within ``length``, sorted and merged; anything
    malformed (from a stored record, say) is skipped, never an error."""
    valid = []
    for span in highlights or []:
        if (isinstance(span, (list, tuple)) and len(span) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) for x in span)):
            start, end = max(0, span[0]), min(length, span[1])
            if start < end:
                valid.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(valid):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_spans(answer: str, passage: str) -> list[list[int]]:
    """``[start, end]`` character spans of ``passage`` that ``answer`` used, in order."""
    answer = _CITATION.sub(" ", answer)
    if not answer.strip() or not passage:
        return []
    spans = _figure_spans(passage, _numbers(answer))
    spans += _shared_runs(passage, answer)
    return [list(span) for span in clean_spans(spans, len(passage))]
