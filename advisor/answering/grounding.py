"""A deterministic check that an answer's figures come from its passages.

Small local models, asked about something near the document's topic ("How much does a
GPU server cost?"), sometimes invent plausible figures. Figures are what managers act
on, so an answer whose numbers appear in none of its passages is withdrawn rather than
shown as advice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Small integers are stage numbers, list positions and counts ("3 steps"): too common
# to carry a claim on their own.
_ALWAYS_ALLOWED = {str(n) for n in range(0, 6)}


def _numbers(text: str) -> set[str]:
    found = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", "")
        found.add(value.rstrip("0").rstrip(".") if "." in value else value)
    return found


def ungrounded_figures(answer: str, sources: Iterable[str]) -> list[str]:
    """Numbers in ``answer`` that appear in none of ``sources`` (sorted, may be empty).

    Unit conversions a careful writer makes are allowed: years to months (1.5年 -> 18).
    """
    allowed = set(_ALWAYS_ALLOWED)
    for text in sources:
        for value in _numbers(text):
            allowed.add(value)
            try:
                months = float(value) * 12
            except ValueError:
                continue
            allowed.add(str(int(months)) if months.is_integer() else str(months))
    if "半年" in "".join(sources):
        allowed.add("6")
    return sorted(_numbers(answer) - allowed, key=lambda v: (len(v), v))
