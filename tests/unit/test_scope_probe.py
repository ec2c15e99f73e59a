"""The scope probe: fitted on the tuning part only, loaded only for its embedding model,
and applied by retrieval as a second opinion that can only decline."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from advisor.fitting import items_fingerprint

from advisor.retrieval.scope_probe import COVERED_BELOW, DEFAULT_PROBE, SIGNALS, ScopeProbe, features, fit, load_probe, signal_values
from advisor.retrieval.scope_training import RuleCall, advisor_declines, batch_of, left_out_report, tuning_questions


def test_the_shipped_probe_was_fitted_on_the_tuning_part_as_it_is_now():
    probe = load_probe()
    assert probe is not None, f"{DEFAULT_PROBE} is missing: run make scope-probe"
    items = tuning_questions()
    assert all(i.split == "tuning" for i in items)
    fingerprint = items_fingerprint((i.id, i.question, i.refuse) for i in items)
    assert (probe.trained_on, probe.questions) == (fingerprint, len(items)), (
        "the tuning part changed since the probe was fitted: run make scope-probe")


def test_a_sealed_question_would_change_the_fingerprint():
    from advisor.evaluation import load_devset

    sealed = next(i for i in load_devset() if i.split == "sealed" and i.route == "document")
    items = tuning_questions()
    with_sealed = items_fingerprint([(i.id, i.question, i.refuse) for i in items]
                                       + [(sealed.id, sealed.question, sealed.refuse)])
    assert with_sealed != load_probe().trained_on


def test_the_probe_belongs_to_its_embedding_model(tmp_path):
    shipped = load_probe()
    assert load_probe(embedding=shipped.embedding) is not None
    assert load_probe(embedding="st-some-other-model-0123") is None
    assert load_probe(tmp_path / "missing.json") is None
    data = json.loads(DEFAULT_PROBE.read_text(encoding="utf-8"))
    data["signals"] = data["signals"][:-1]
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_probe(tmp_path / "old.json") is None, "fitted on other signals"
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert load_probe(tmp_path / "bad.json") is None


def test_fitting_is_deterministic_and_learns_the_direction():
    rng = np.random.default_rng(7)
    inside = rng.normal(0.0, 0.3, (40, 8)) + np.eye(8)[0] * 2
    outside = rng.normal(0.0, 0.3, (20, 8)) - np.eye(8)[0] * 2
    x = np.vstack([inside, outside])
    declined = np.array([False] * 40 + [True] * 20)
    w1, b1 = fit(x, declined)
    w2, b2 = fit(x, declined)
    assert np.array_equal(w1, w2) and b1 == b2
    probe = ScopeProbe(w1, b1, 0.8, "e", "t", 60)
    assert probe.probability([1.0], []) == 0.0, "a vector of another size is not judged"
    assert probe.covers(0.1) and not probe.covers(COVERED_BELOW) and probe.declines(0.8) and not probe.declines(0.79)
    p = 1 / (1 + np.exp(-(x @ w1 + b1)))
    assert p[40:].min() > 0.8 and p[:40].max() < 0.2


def test_features_scale_the_unit_vector_and_the_signals():
    row = features([3.0, 4.0], signal_values({"margin": 0.02, "keyword_score": 30.0, "named_section": "kpis"}, 3))
    assert row.shape == (2 + len(SIGNALS),)
    assert np.allclose(row[:2], [6.0, 8.0])  # unit vector times 10
    assert np.allclose(row[2:], np.array([1.0, 3.0, 1.0, 1.0, 0.0]) * 2.0)  # keyword score capped at 15


def test_batches_and_the_left_out_report():
    assert batch_of("off-zh-r07-iso-cert") == "r07" and batch_of("zh-duration-stage3") == "first"
    x = np.vstack([np.eye(2)[[0]] * 3] * 4 + [np.eye(2)[[1]] * 3] * 4)
    declined = np.array([False] * 4 + [True] * 4)
    report = left_out_report(x, declined, ["a", "b", "a", "b", "a", "b", "a", "b"], 0.8)
    assert report == {"declines caught": "4/4", "covered questions flagged": "0/4"}
    # As the advisor hears it: a rule declines the first covered question whatever the
    # probe says, and the margin declines the second, which is not flat (it speaks of
    # nothing the article is about), so the probe cannot overrule it.
    calls = [RuleCall(True, True, False, True), RuleCall(False, False, False, True)] \
        + [RuleCall(False, True, False, True)] * 6
    report = left_out_report(x, declined, ["a", "b", "a", "b", "a", "b", "a", "b"], 0.8, calls)
    assert report["with the rules: declines caught"] == "4/4"
    assert report["covered questions declined"] == "2/4"


@pytest.mark.parametrize(("call", "probability", "declined"), [
    (RuleCall(True, True, False, True), 0.0, True),  # declined for what it asks
    (RuleCall(False, True, False, True), 0.69, False),
    (RuleCall(False, True, False, True), 0.7, True),  # the probe is sure
    (RuleCall(False, True, False, False), 0.99, False),  # a company's document comes first
    (RuleCall(False, False, True, True), COVERED_BELOW - 0.01, False),  # a flat margin overruled
    (RuleCall(False, False, True, True), COVERED_BELOW, True),
    (RuleCall(False, False, False, True), 0.0, True),  # speaks of nothing the article is about
    (RuleCall(False, False, True, False), 0.0, True),
])
def test_the_report_decides_as_the_advisor_does(call, probability, declined):
    assert advisor_declines(call, probability, 0.7) is declined


@pytest.fixture(scope="module")
def retriever(built_advisor):
    built_advisor.retriever.retrieve("warm-up: 阶段一")
    return built_advisor.retriever


def test_retrieval_declines_only_when_the_probe_is_sure(retriever, monkeypatch):
    question = "阶段三的KPI是什么?"
    plain = retriever.retrieve(question)
    assert plain.covered and plain.extra["scope_probability"] < 0.5
    sure = replace(retriever.scope_probe, weights=np.zeros_like(retriever.scope_probe.weights), bias=10.0)
    monkeypatch.setattr(retriever, "scope_probe", sure)
    declined = retriever.retrieve(question)
    assert not declined.covered and "scope probe 1.00" in declined.reason
    assert [p.chunk.id for p in declined.passages] == [p.chunk.id for p in plain.passages]
    unsure = replace(sure, bias=-10.0)
    monkeypatch.setattr(retriever, "scope_probe", unsure)
    assert retriever.retrieve(question).covered
    # A question about nothing the article speaks of stays declined, however sure the probe.
    monkeypatch.setattr(retriever, "scope_probe", unsure)
    assert not retriever.retrieve("今天天气怎么样?").covered


def test_a_flat_margin_is_overruled_only_when_the_probe_is_sure_the_article_answers(retriever, monkeypatch):
    question = "我们想上AI,听说很多公司都失败了,你觉得呢?"  # about the article, but no passage stands out
    assert retriever.rank(question).extra["flat"]
    plain = retriever.retrieve(question)
    assert not plain.covered and plain.extra["scope_probability"] >= COVERED_BELOW
    assert not plain.extra.get("covered_by_probe")
    sure = replace(retriever.scope_probe, weights=np.zeros_like(retriever.scope_probe.weights), bias=-10.0)
    monkeypatch.setattr(retriever, "scope_probe", sure)
    rescued = retriever.retrieve(question)
    assert rescued.covered and rescued.reason == "" and rescued.extra["covered_by_probe"]
    assert [p.chunk.id for p in rescued.passages] == [p.chunk.id for p in plain.passages]
    # What the rules decline for what it asks for stays declined.
    assert not retriever.retrieve("How much does a GPU server cost in 2027, in dollars?").covered


@pytest.mark.parametrize("question", [
    "What is the best CRM for a 20-person sales team?",
    "How much does an AI server cost?",
])
def test_the_shipped_probe_declines_requests_the_rules_do_not_know(retriever, question):
    from advisor.retrieval.outside import outside_the_article

    assert outside_the_article(question) is None, "no rule knows this request"
    result = retriever.retrieve(question)
    assert not result.covered and "scope probe" in result.reason


@pytest.mark.parametrize("question", [
    "阶段三的KPI是什么?", "How long does stage 4 take?", "What does the article say about talent?",
    "第二阶段的预算大概多少?", "Which stage is about building our own AI?",
])
def test_the_shipped_probe_lets_article_questions_through(retriever, question):
    result = retriever.retrieve(question)
    assert result.covered, result.reason
