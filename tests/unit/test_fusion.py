"""Reciprocal rank fusion."""

from __future__ import annotations

import pytest

from advisor.retrieval.fusion import reciprocal_rank_fusion


def test_items_in_both_rankings_rise_to_the_top():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "b", "d"]])
    assert [item for item, _ in fused] == ["c", "b", "a", "d"]
    scores = dict(fused)
    assert scores["b"] == pytest.approx(2 / 62)
    assert scores["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert scores["c"] > scores["b"] > scores["a"] > scores["d"]


def test_scores_are_best_first():
    fused = reciprocal_rank_fusion([list("abcdef"), list("fedcba")])
    values = [score for _, score in fused]
    assert values == sorted(values, reverse=True)


def test_k_changes_scores():
    assert dict(reciprocal_rank_fusion([["a"]], k=0))["a"] == pytest.approx(1.0)
    assert dict(reciprocal_rank_fusion([["a"]], k=60))["a"] == pytest.approx(1 / 61)


def test_weights_decide_between_disagreeing_rankings():
    rankings = [["dense-top", "kw-top"], ["kw-top", "dense-top"]]
    assert reciprocal_rank_fusion(rankings, weights=[1.0, 0.5])[0][0] == "dense-top"
    assert reciprocal_rank_fusion(rankings, weights=[0.5, 1.0])[0][0] == "kw-top"
    weighted = dict(reciprocal_rank_fusion(rankings, weights=[1.0, 0.5]))
    assert weighted["dense-top"] == pytest.approx(1 / 61 + 0.5 / 62)


def test_a_zero_weight_ignores_a_ranking():
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "a", "z"]], weights=[1.0, 0.0])
    assert [item for item, _ in fused] == ["a", "b", "z"]
    assert dict(fused)["z"] == 0.0


def test_ties_keep_first_appearance_order():
    # Symmetric rankings give equal scores; the order must not depend on hashing.
    fused = reciprocal_rank_fusion([["x", "y"], ["y", "x"]])
    assert fused[0][1] == fused[1][1]
    assert [item for item, _ in fused] == ["x", "y"]
    fused = reciprocal_rank_fusion([["q"], ["p"]])
    assert [item for item, _ in fused] == ["q", "p"]
    for _ in range(5):
        assert reciprocal_rank_fusion([["x", "y"], ["y", "x"]]) == [("x", fused_score(0)), ("y", fused_score(0))]


def fused_score(rank_a: int) -> float:
    return 1 / (60 + rank_a + 1) + 1 / (60 + (1 - rank_a) + 1)


def test_weights_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="one weight per ranking"):
        reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0])
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], weights=[1.0, 2.0])


def test_empty_rankings():
    assert reciprocal_rank_fusion([]) == []
    assert reciprocal_rank_fusion([[], []]) == []
