"""Checking and cleaning a question before any work is spent on it."""

from __future__ import annotations

import re
import unicodedata


class QuestionError(ValueError):
    """A question that cannot be answered as given; the message tells the user why."""


# Control characters (but tab and newline) and the bidirectional overrides that can make
# text display differently from what the model reads.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_question(text: str, max_chars: int) -> str:
    """The question ready for retrieval, or :class:`QuestionError` with a clear message."""
    if not isinstance(text, str):
        raise QuestionError("The question must be text.")
    # Reject the over-long before any other work, so a pasted book costs nothing.
    if len(text) > max_chars * 4:
        raise QuestionError(
            f"The question is {len(text):,} characters long; the limit is {max_chars:,}. "
            "Please shorten it to the part you want answered."
        )
    cleaned = _UNSAFE.sub("", unicodedata.normalize("NFC", text))
    cleaned = re.sub(r"[ \t]+", " ", cleaned).strip()
    if not cleaned:
        raise QuestionError("The question is empty. Please type a question.")
    if len(cleaned) > max_chars:
        raise QuestionError(
            f"The question is {len(cleaned):,} characters long; the limit is {max_chars:,}. "
            "Please shorten it to the part you want answered."
        )
    return cleaned
