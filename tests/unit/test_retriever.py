"""Hybrid retrieval and the coverage call, with the real e5 model over the stage document."""

from __future__ import annotations

import time

import pytest


@pytest.fixture(scope="module")
def retriever(built_advisor):
    built_advisor.retriever.retrieve("warm-up: 阶段一")  # jieba and BM25 load on first use
    return built_advisor.retriever


@pytest.mark.parametrize("question", ["阶段三需要多长时间?", "How long does stage 3 take?"])
def test_stage_three_duration_comes_first(retriever, question):
    result = retriever.retrieve(question)
    assert result.covered, result.reason
    top = result.passages[0].chunk
    assert (top.stage, top.section) == (3, "duration")
    assert "约6个月至1年" in top.text
    assert result.stage == 3


def test_language_is_detected(retriever):
    assert retriever.retrieve("阶段三需要多长时间?").language == "zh"
    assert retriever.retrieve("How long does stage 3 take?").language == "en"


def test_a_named_stage_filters_the_passages(retriever):
    result = retriever.retrieve("What are the KPIs of stage 4?")
    assert result.covered and result.stage == 4
    assert result.passages and {p.chunk.stage for p in result.passages} == {4}
    assert result.passages[0].chunk.section == "kpis"


def test_top_k_passages_with_their_similarity(retriever):
    result = retriever.retrieve("阶段三的KPI是什么?")
    assert len(result.passages) == retriever.top_k == 4
    assert len({p.chunk.id for p in result.passages}) == 4
    assert all(0.0 < p.score <= 1.0 for p in result.passages)
    assert len(retriever.retrieve("阶段三的KPI是什么?", top_k=2).passages) == 2


@pytest.mark.parametrize(("question", "stage"), [("阶段六是什么?", 6), ("What happens in stage 7?", 7)])
def test_a_stage_the_document_does_not_have_is_not_covered(retriever, question, stage):
    result = retriever.retrieve(question)
    assert not result.covered and result.passages == []
    assert result.stage == stage and f"stage {stage}" in result.reason


@pytest.mark.parametrize("question", ["今天天气怎么样?", "What's the weather in Paris?"])
def test_off_topic_questions_are_not_covered(retriever, question):
    result = retriever.retrieve(question)
    assert not result.covered
    assert "no passage stands out" in result.reason


def test_retrieval_is_fast_once_warm(retriever):
    questions = ["阶段三需要多长时间?", "How long does stage 3 take?", "What are the KPIs of stage 4?"]
    started = time.perf_counter()
    for question in questions:
        result = retriever.retrieve(question)
    per_question = (time.perf_counter() - started) / len(questions)
    # Typically 20-30 ms; generous because the test machine is shared.
    assert per_question < 1.0
    assert 0 < result.seconds < 1.0
