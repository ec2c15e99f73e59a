"""Checking and cleaning a question before any work is spent on it."""

from __future__ import annotations

import time

import pytest

from advisor.answering.question import QuestionError, clean_question, mend_terms


@pytest.mark.parametrize("text", ["", "   ", "\t\n  \n", "\x00\x07", "\u202e\u200f"])
def test_empty_questions_are_refused(text):
    with pytest.raises(QuestionError, match="empty"):
        clean_question(text, 2000)


def test_not_text_is_refused():
    with pytest.raises(QuestionError):
        clean_question(None, 2000)  # type: ignore[arg-type]


def test_a_pasted_book_is_refused_fast_with_the_limit():
    text = "阶段三需要多长时间?" * 10_000  # 100,000 characters
    started = time.perf_counter()
    with pytest.raises(QuestionError) as info:
        clean_question(text, 2000)
    assert time.perf_counter() - started < 0.1
    assert "2,000" in str(info.value) and "100,000" in str(info.value)


def test_just_over_the_limit_is_refused_and_at_the_limit_accepted():
    assert clean_question("a" * 2000, 2000) == "a" * 2000
    with pytest.raises(QuestionError, match="limit is 2,000"):
        clean_question("a" * 2001, 2000)


def test_control_nul_and_direction_overrides_are_removed():
    dirty = "阶段三\x00需要\u202e多长\u2066时间\x1b?\u200f\ufeff"
    assert clean_question(dirty, 2000) == "阶段三需要多长时间?"


def test_spaces_are_collapsed_and_trimmed_but_newlines_kept():
    assert clean_question("  How   long\t\tdoes stage 3 take?  ", 2000) == "How long does stage 3 take?"
    assert clean_question("line one\nline two", 2000) == "line one\nline two"


@pytest.mark.parametrize(
    "text",
    ["阶段三需要多长时间?", "How long does stage 3 take?", "KPI: 15%-20% (阶段一) — ok?", "Café ünïcode"],
)
def test_normal_text_is_unchanged(text):
    assert clean_question(text, 2000) == text


def test_text_is_nfc_normalised():
    assert clean_question("Cafe\u0301", 2000) == "Caf\u00e9"


@pytest.mark.parametrize(("typed", "read"), [
    ("搞第一个跨部们AI项目要投多少钱?", "搞第一个跨部门AI项目要投多少钱?"),
    ("才算可以进入下一个阶断?", "才算可以进入下一个阶段?"),
    ("阶段三的KPI是什么?", "阶段三的KPI是什么?"),  # spelt right: left as it is
])
def test_the_articles_terms_are_read_as_meant(typed, read):
    assert mend_terms(typed) == read


def test_a_miswritten_term_still_finds_its_stage():
    from advisor.retrieval.query import stage_by_content

    assert stage_by_content(mend_terms("跨部们项目怎么做?")) == 3


def test_traditional_characters_are_read_as_the_articles_simplified_ones():
    from advisor.answering.question import mend_terms

    assert mend_terms("第一階段的目標是什麼?大概需要多長時間?") == "第一阶段的目标是什么?大概需要多长时间?"
    assert mend_terms("第五階段跟生態夥伴合作,有哪些風險?") == "第五阶段跟生态伙伴合作,有哪些风险?"
    assert mend_terms("What is stage 2's goal?") == "What is stage 2's goal?"
