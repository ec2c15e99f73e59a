"""Checking and cleaning a question before any work is spent on it."""

from __future__ import annotations

import functools
import re
import unicodedata

from advisor.errors import AdvisorError


class QuestionError(AdvisorError, ValueError):
    """A question that cannot be answered as given; the message tells the user why."""


# Control characters (but tab and newline) and the bidirectional overrides that can make
# text display differently from what the model reads; lone surrogates (undecodable bytes
# in a command-line argument) and U+FFFD (bytes a decoder replaced) carry no meaning.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
                     r"\ud800-\udfff\ufffd]")
# Terminal escape sequences (colours, cursor moves): the whole sequence, not just its ESC.
_TERMINAL_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")


def decode_question(data: bytes | str | None) -> str:
    """Text from bytes that may not be valid UTF-8 (a pipe, a web request): undecodable
    bytes become U+FFFD, which :func:`clean_question` then drops."""
    if isinstance(data, (bytes, bytearray)):
        return bytes(data).decode("utf-8", errors="replace")
    return data if isinstance(data, str) else str(data or "")


def _strip_unsafe(text: str) -> str:
    return _UNSAFE.sub("", _TERMINAL_ESCAPE.sub("", text))


def _too_long(length: int, max_chars: int) -> QuestionError:
    return QuestionError(f"The question is {length:,} characters long; the limit is {max_chars:,}. "
                         "Please shorten it to the part you want answered.")


# Miswritings of the article's own terms that managers type (a homophone picked by the
# input method, a neighbouring key). The rules that find a stage, a topic or a company's
# description read words, so "跨部们" must read as "跨部门" before any of them runs.
_MISWRITTEN = {"部们": "部门", "阶断": "阶段", "阶锻": "阶段", "介段": "阶段", "夸部门": "跨部门", "垮部门": "跨部门",
               "文话": "文化", "按全": "安全", "指表": "指标", "数剧": "数据", "模形": "模型"}
_MISWRITTEN_PATTERN = re.compile("|".join(_MISWRITTEN))
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@functools.lru_cache(maxsize=1)
def _to_simplified():
    # Imported on first use: the converter loads its dictionaries (a few milliseconds).
    import opencc

    return opencc.OpenCC("t2s")


def mend_terms(text: str) -> str:
    """``text`` with the article's terms spelt right ("跨部们" -> "跨部门"), in the
    simplified characters the article is written in: a manager from Hong Kong or Taiwan
    asks "第一階段的目標是什麼?", and every rule and the index read simplified Chinese."""
    if _CJK.search(text):
        text = _to_simplified().convert(text)
    return _MISWRITTEN_PATTERN.sub(lambda m: _MISWRITTEN[m.group()], text)


def clean_question(text: str, max_chars: int) -> str:
    """The question ready for retrieval, or :class:`QuestionError` with a clear message."""
    if isinstance(text, (bytes, bytearray)):
        text = decode_question(text)
    if not isinstance(text, str):
        raise QuestionError("The question must be text.")
    # Reject the over-long before any other work, so a pasted book costs nothing.
    if len(text) > max_chars * 4:
        raise _too_long(len(text), max_chars)
    cleaned = _strip_unsafe(unicodedata.normalize("NFC", text))
    cleaned = re.sub(r"[ \t]+", " ", cleaned)
    cleaned = re.sub(r" ?\n[ \n]*", lambda m: "\n\n" if m.group().count("\n") > 1 else "\n", cleaned).strip()
    if not cleaned:
        raise QuestionError("The question is empty. Please type a question.")
    if not any(ch.isalnum() for ch in cleaned):
        raise QuestionError("The question has no words in it. Please type a question.")
    if len(cleaned) > max_chars:
        raise _too_long(len(cleaned), max_chars)
    return cleaned


def shown_question(text, max_chars: int) -> str:
    """``text`` as a conversation may show it back: unsafe characters dropped and cut to
    ``max_chars`` (a refused 100,000-character paste is not echoed whole)."""
    text = _strip_unsafe(decode_question(text)[: max_chars * 2]).strip()
    return text if len(text) <= max_chars else text[:max_chars].rstrip() + "…"
