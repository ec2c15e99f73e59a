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


def reference_scores(advisor, question):
    """The cosine of every passage and their mean, from the build's saved vectors: what the
    retriever must report without ever scanning them itself."""
    import numpy as np

    index = advisor.index
    saved = np.load(index.builds_dir / index.current_build() / "vectors.npy").astype(np.float64)
    query = np.asarray(advisor.retriever.embeddings.embed_query(question), dtype=np.float64)
    cosine = saved @ query / (np.linalg.norm(saved, axis=1) * np.linalg.norm(query))
    return dict(zip((c.id for c in index.chunks), cosine)), float(cosine.mean())


@pytest.mark.parametrize("question", ["What should we do next?", "阶段三需要多长时间?", "今天天气怎么样?"])
def test_scores_and_margin_are_the_cosines_of_the_passages(built_advisor, retriever, question):
    import numpy as np

    result = retriever.retrieve(question)
    cosine, mean = reference_scores(built_advisor, question)
    assert [p.score for p in result.passages] == pytest.approx([cosine[p.chunk.id] for p in result.passages],
                                                               abs=1e-5)
    assert result.extra["margin"] == pytest.approx(result.extra["best_score"] - mean, abs=1e-5)
    if question == "What should we do next?":
        # Some of its passages are found by the keywords alone, outside the dense pool.
        query = np.asarray(retriever.embeddings.embed_query(question), dtype=np.float32)
        pool = {c.id for c, _ in built_advisor.index.search(query, 20)}
        assert {p.chunk.id for p in result.passages} - pool


def test_retrieval_reads_no_saved_vectors(private_root, make_advisor, retriever):
    from tests.conftest import make_settings

    index_dir = make_settings(private_root).index_dir
    build = (index_dir / "CURRENT").read_text().strip()
    (index_dir / "builds" / build / "vectors.npy").unlink()  # the next build's, not the search's
    copy = make_advisor(data_dir=private_root / "data").retriever
    for question in ["What should we do next?", "What are the KPIs of stage 4?", "What's the weather in Paris?"]:
        expected, found = retriever.retrieve(question), copy.retrieve(question)
        assert [p.chunk.id for p in found.passages] == [p.chunk.id for p in expected.passages]
        assert [p.score for p in found.passages] == pytest.approx([p.score for p in expected.passages], abs=1e-6)
        assert (found.covered, found.extra["margin"]) == (expected.covered, pytest.approx(expected.extra["margin"]))


@pytest.mark.parametrize(("question", "stage", "section"), [
    ("When we build an industry platform together with our suppliers and customers, what goals should it "
     "serve?", 5, "goal"),
    ("和上下游伙伴一起做行业平台时,目标是什么?", 5, "goal"),
    ("What should the culture be like once AI sits in our core business?", 4, "culture"),
])
def test_a_stage_described_by_what_happens_in_it_is_favoured(retriever, question, stage, section):
    result = retriever.retrieve(question)
    assert result.stage is None and result.extra["described_stage"] == stage
    assert (stage, section) in [(p.chunk.stage, p.chunk.section) for p in result.passages[:3]]


def test_a_described_stage_changes_the_ranking_not_the_coverage(built_advisor, retriever, monkeypatch):
    import advisor.retrieval.retriever as module

    question = "How do we keep customer data safe with our ecosystem partners?"
    monkeypatch.setattr(retriever, "section_probe", None)  # it favours stage 5 here too
    favoured = retriever.retrieve(question)
    monkeypatch.setattr(module, "STAGE_CONTENT_WEIGHT", 0.0)
    plain = retriever.retrieve(question)
    assert favoured.covered == plain.covered and favoured.extra["margin"] == plain.extra["margin"]
    assert [p.chunk.stage for p in favoured.passages].count(5) > [p.chunk.stage for p in plain.passages].count(5)


def test_the_section_probe_changes_the_ranking_not_the_coverage(retriever, monkeypatch):
    question = "一开始老板该做哪些事?"  # what to do: the actions, not the goal or the duration
    lifted = retriever.retrieve(question)
    monkeypatch.setattr(retriever, "section_probe", None)
    plain = retriever.retrieve(question)
    assert lifted.covered == plain.covered and lifted.extra["margin"] == plain.extra["margin"]
    assert (1, "actions") in [(p.chunk.stage, p.chunk.section) for p in lifted.passages[:3]]
    assert (1, "actions") not in [(p.chunk.stage, p.chunk.section) for p in plain.passages[:3]]


def test_a_part_of_the_article_named_is_covered_and_ranked(retriever):
    # It names the closing advice and mentions building a model (stage 4) in passing.
    result = retriever.retrieve("为什么要一个阶段一个阶段来,不能一上来就自建模型?文章的哲学思考里怎么解释?")
    assert result.covered and result.stage is None
    assert result.extra["named_section"] == "principles" and result.extra["described_stage"] is None
    assert "principles" in [p.chunk.section for p in result.passages[:3]]


def test_a_question_about_nothing_the_article_covers_is_declined_even_when_a_passage_stands_out(retriever):
    result = retriever.retrieve("下个月想去云南玩五天,帮我排一条路线呗")  # no word of a trip the outside rules know
    assert not result.covered
    assert result.reason == "the question speaks of nothing the article is about"
    assert retriever.retrieve("阶段三需要多长时间?").covered
