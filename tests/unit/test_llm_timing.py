"""The timings of a streamed answer, from fixed clock readings: every chat model and the
chain report them with the same keys, rounding and empty values."""

from __future__ import annotations

import itertools

import pytest

from advisor.llm.timing import Stopwatch, decode_tokens_per_s, rounded_seconds
from tests.fakes import ScriptedChatModel, pieces


def clock(*readings: float):
    """A clock that gives ``readings`` in turn, and fails the test if read once more."""
    values = iter(readings)
    return lambda: next(values)


def test_a_generation_of_four_tokens():
    watch = Stopwatch(clock=clock(10.0, 10.4004, 10.5, 10.6, 10.7, 10.95),
                      wall_clock=clock(1795768583.1456))
    for _ in range(4):
        watch.token()
    watch.stop()
    assert watch.first_token_s() == 0.4 and watch.total_s() == 0.95
    # Three tokens after the first: over the 0.5496 s to the end, or the 0.2996 s to the last.
    assert watch.decode_tokens_per_s() == 5.46
    assert watch.decode_tokens_per_s(to_last_token=True) == 10.01
    assert watch.first_token_unix_s() == 1795768583.146
    assert watch.model_timings(prompt_tokens=690) == {
        "first_token_s": 0.4, "total_s": 0.95, "prompt_tokens": 690,
        "generated_tokens": 4, "decode_tokens_per_s": 5.46}
    assert list(watch.model_timings(prompt_tokens=690)) == [
        "first_token_s", "total_s", "prompt_tokens", "generated_tokens", "decode_tokens_per_s"]


def test_no_token_counts_the_first_token_at_the_end_and_has_no_speed():
    watch = Stopwatch(clock=clock(3.0, 3.25), wall_clock=clock())
    watch.stop()
    assert watch.first_token_s() == watch.total_s() == 0.25
    assert watch.decode_tokens_per_s() is None and watch.decode_tokens_per_s(to_last_token=True) is None
    assert watch.first_token_unix_s() is None
    assert watch.model_timings(prompt_tokens=0) == {
        "first_token_s": 0.25, "total_s": 0.25, "prompt_tokens": 0,
        "generated_tokens": 0, "decode_tokens_per_s": None}


def test_one_token_has_no_speed():
    watch = Stopwatch(clock=clock(0.0, 0.5, 1.0), wall_clock=clock(7.0))
    watch.token()
    watch.stop()
    assert (watch.first_token_s(), watch.total_s(), watch.tokens) == (0.5, 1.0, 1)
    assert watch.decode_tokens_per_s() is None


def test_tokens_without_time_between_have_no_speed():
    watch = Stopwatch(clock=clock(1.0, 2.0, 2.0, 2.0), wall_clock=clock(7.0))
    watch.token()
    watch.token()
    watch.stop()
    assert watch.decode_tokens_per_s() is None and watch.decode_tokens_per_s(to_last_token=True) is None


def test_a_server_without_usage_leaves_prompt_tokens_out_and_its_own_count_wins():
    watch = Stopwatch(clock=clock(0.0, 1.0, 2.0, 3.0), wall_clock=clock(7.0))
    watch.token()
    watch.token()
    watch.stop()
    assert watch.model_timings(prompt_tokens=None) == {
        "first_token_s": 1.0, "total_s": 3.0, "generated_tokens": 2, "decode_tokens_per_s": 0.5}
    reported = watch.model_timings(prompt_tokens=30, generated_tokens=5)
    assert reported["prompt_tokens"] == 30 and reported["generated_tokens"] == 5
    assert reported["decode_tokens_per_s"] == 0.5  # the speed is what this stopwatch saw


def test_elapsed_is_rounded_and_totals_need_a_stop():
    watch = Stopwatch(clock=clock(1.0, 1.23456), wall_clock=clock())
    assert watch.elapsed_s() == 0.235
    with pytest.raises(RuntimeError, match="stop"):
        watch.total_s()


def test_rounding_and_empty_speeds():
    assert rounded_seconds(1.23449) == 1.234 and rounded_seconds(1.2346) == 1.235
    assert decode_tokens_per_s(3, 1.0, 1.3) == 6.67
    assert decode_tokens_per_s(1, 1.0, 2.0) is None
    assert decode_tokens_per_s(3, None, 2.0) is None and decode_tokens_per_s(3, 1.0, None) is None
    assert decode_tokens_per_s(3, 2.0, 1.0) is None


def test_the_scripted_model_streams_the_same_timings(monkeypatch):
    reply = "阶段三约6个月"
    n = len(pieces(reply))
    ticks = itertools.count(100.0, 0.25)
    monkeypatch.setattr("tests.fakes.Stopwatch", lambda: Stopwatch(clock=lambda: next(ticks)))
    chunks = list(ScriptedChatModel(replies=[reply]).stream("问题"))
    timings = next(c.response_metadata["timings"] for c in chunks if "timings" in c.response_metadata)
    # Start at 100, tokens at 100.25 ... 100.25 n, end a quarter second after the last.
    assert timings == {"first_token_s": 0.25, "total_s": round(0.25 * (n + 1), 3),
                       "prompt_tokens": ScriptedChatModel().count_tokens("问题"),
                       "generated_tokens": n, "decode_tokens_per_s": round((n - 1) / (0.25 * n), 2)}


def test_the_chains_timings_keep_their_keys_order_and_rounding(make_advisor, monkeypatch):
    # The chain's own clock: start, the quote shown, each model token, the end; the
    # model's: start, each token, the end. Both tick by fixed steps.
    chain_ticks = itertools.count(50.0, 0.125)
    model_ticks = itertools.count(0.0, 0.125)
    monkeypatch.setattr("advisor.answering.chain.Stopwatch", lambda: Stopwatch(
        clock=lambda: next(chain_ticks), wall_clock=lambda: 1795768583.1456))
    monkeypatch.setattr("tests.fakes.Stopwatch", lambda: Stopwatch(clock=lambda: next(model_ticks)))
    reply = "阶段三一般需要约6个月至1年 [阶段三 · 预期所需时间]。"
    n = len(pieces(reply))
    answer = make_advisor(reply).ask("阶段三需要多长时间?")
    timings = answer.timings
    assert list(timings) == ["retrieval_s", "first_token_s", "total_s", "prompt_tokens", "generated_tokens",
                             "decode_tokens_per_s", "evidence_first_s", "first_token_unix"]
    # The quote is shown at the first tick; the model's first token at the second; the
    # chain stops one tick after the model's last token.
    assert timings["evidence_first_s"] == 0.125
    assert timings["first_token_s"] == 0.25
    assert timings["total_s"] == round(0.125 * (n + 2), 3)
    assert timings["first_token_unix"] == 1795768583.146
    # Counts and speed are the model's own report.
    assert timings["generated_tokens"] == n
    assert timings["decode_tokens_per_s"] == round((n - 1) / (0.125 * n), 2)
    assert timings["prompt_tokens"] > 100
    assert timings["retrieval_s"] == round(timings["retrieval_s"], 4)
