"""The benchmark's pure parts: statistics, targets, report rows, parsing, the raw side's
stopping rule and the CLI's outputs. No model: the run itself is replaced."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rich.console import Console

from bench import machine, oneoff, report
from bench.raw_vs_chain import Case, best_of, common_prefix, compare, complete, same_text
from bench.stats import decode_rate, median, percentile, ratio


# --- statistics ----------------------------------------------------------------------------
def test_percentile_interpolates_like_numpy():
    values = [10, 1, 4, 7]  # order does not matter
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 10
    assert percentile(values, 50) == pytest.approx(5.5)
    assert percentile(values, 90) == pytest.approx(9.1)  # numpy.percentile(values, 90)
    assert median([3]) == 3


def test_percentile_skips_missing_values_and_needs_some():
    assert percentile([None, 2.0, None, 4.0], 50) == pytest.approx(3.0)
    assert percentile([], 50) is None
    assert median([None]) is None
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_ratio_and_decode_rate():
    assert ratio(9.5, 10.0) == pytest.approx(0.95)
    assert ratio(None, 1.0) is None and ratio(1.0, 0) is None
    # 11 tokens, the first at 1 s and the last at 3 s: 10 tokens in 2 s after the first.
    assert decode_rate(11, 1.0, 3.0) == pytest.approx(5.0)
    assert decode_rate(1, 1.0, 3.0) is None
    assert decode_rate(5, 2.0, 2.0) is None


# --- targets and the summary -----------------------------------------------------------------
def test_targets_check_their_direction_and_bounds():
    ttft = report.TARGET_BY_KEY["warm_first_token_median_s"]
    assert ttft.check(2.0) == report.MET
    assert ttft.check(2.01) == report.MISSED
    assert ttft.check(None) == report.NOT_MEASURED
    decode = report.TARGET_BY_KEY["decode_ratio_median"]
    assert decode.check(0.95) == report.MET
    assert decode.check(0.94) == report.MISSED
    assert decode.describe() == "≥ 95.0%"
    assert report.TARGET_BY_KEY["oneoff_peak_rss_max_mb"].describe() == "≤ 2,000 MB"
    assert report.TARGET_BY_KEY["retrieval_p90_ms"].describe() == "≤ 50.0 ms"
    assert report.TARGET_BY_KEY["oneoff_first_token_median_s"].describe() == "≤ 8.00 s"


def _side(first, decode, total, generated=20, prompt=100):
    return {"first_token_s": first, "decode_tokens_per_s": decode, "total_s": total,
            "prompt_tokens": prompt, "generated_tokens": generated}


def _results() -> dict:
    answered = [
        {"question": "q1", "chain": {**_side(1.0, 9.0, 3.0), "new_prompt_tokens": 150},
         "raw": _side(0.9, 10.0, 2.9), "decode_ratio": 0.9, "same_text": True},
        {"question": "q2", "chain": {**_side(3.0, 10.0, 5.0), "new_prompt_tokens": 180},
         "raw": _side(2.8, 10.0, 4.8), "decode_ratio": 1.0, "same_text": True},
        {"question": "q3", "chain": {**_side(2.0, 9.8, 4.0), "new_prompt_tokens": 240},
         "raw": _side(1.9, 10.0, 3.9), "decode_ratio": 0.98, "same_text": False},
    ]
    declined = {"question": "weather?", "chain": _side(0.05, None, 0.05, generated=0),
                "raw": None, "decode_ratio": None, "same_text": None}
    return {
        "machine": {"cpu": "Test CPU", "cores": 2, "ram_bytes": 8e9, "model_file": "m.gguf",
                    "model_bytes": 1.1e9, "threads": 2, "context_size": 4096,
                    "load_average_start": [1.0, 0.5, 0.25], "load_average_end": None,
                    "other_cpu_share": {"index": 0.0, "retrieval": 0.1, "chain": [0.5, 0.05],
                                        "raw": [0.02], "oneoff": None}},
        "raw_vs_chain": {"questions": [*answered, declined]},
        "retrieval": {"p50_ms": 20.0, "p90_ms": 60.0},
        "index": {"fresh_s": 12.0, "unchanged_s": 0.002},
        "oneoff": {"runs": [
            {"question": "q1", "exit_code": 0, "process_s": 9.0, "start_to_first_token_s": 6.0,
             "first_token_s": 1.0, "peak_rss_mb": 1500.0, "error": None, "prefix": "loaded"},
            {"question": "q2", "exit_code": 0, "process_s": 11.0, "start_to_first_token_s": 7.0,
             "first_token_s": 1.2, "peak_rss_mb": 1700.0, "error": None, "prefix": "loaded"},
            {"question": "q4", "exit_code": 0, "process_s": 70.0, "start_to_first_token_s": 65.0,
             "first_token_s": 64.0, "peak_rss_mb": 1600.0, "error": None, "prefix": "evaluated"},
            {"question": "q3", "exit_code": 1, "process_s": 1.0, "start_to_first_token_s": None,
             "first_token_s": None, "peak_rss_mb": 90.0, "error": "boom", "prefix": "unknown"},
        ]},
        "notes": ["a note"],
    }


def test_summary_uses_answered_questions_and_successful_processes():
    summary = report.summarize(_results())
    assert summary["warm_first_token_median_s"] == pytest.approx(2.0)  # the declined 0.05 s is left out
    assert summary["raw_first_token_median_s"] == pytest.approx(1.9)
    assert summary["decode_ratio_median"] == pytest.approx(0.98)
    assert summary["chain_total_median_s"] == pytest.approx(4.0)
    assert summary["new_prompt_tokens_median"] == 180  # what each question added to the cached start
    assert summary["retrieval_p90_ms"] == 60.0
    # The target counts runs that loaded the saved prefix; the one that evaluated it stands apart.
    assert summary["oneoff_first_token_median_s"] == pytest.approx(6.5)
    assert summary["oneoff_cold_first_token_median_s"] == pytest.approx(65.0)
    assert summary["oneoff_peak_rss_max_mb"] == 1700.0  # the failed process does not count
    checks = report.target_checks(summary)
    assert {k: v["status"] for k, v in checks.items()} == {
        "warm_first_token_median_s": "met",
        "decode_ratio_median": "met",
        "oneoff_first_token_median_s": "met",
        "retrieval_p90_ms": "missed",
        "oneoff_peak_rss_max_mb": "met",
        "followup_overhead_median_s": "not measured",
        "repeat_median_s": "not measured",
        "diagnosis_median_s": "not measured",
    }


def test_diagnosis_time_is_the_median_of_the_profiles_and_held_to_fifteen_seconds():
    from bench import diagnosis
    from advisor.evaluation import load_profiles

    picked = diagnosis.sample(load_profiles())
    assert {(p.language, p.expected_stage) for p in picked} == {(l, s) for l in ("zh", "en") for s in range(1, 6)}
    assert len(picked) == 10
    summary = report.summarize({"diagnosis": {"median_s": 6.0, "max_s": 16.0, "model_calls_median": 2.0}})
    assert (summary["diagnosis_median_s"], summary["diagnosis_max_s"]) == (6.0, 16.0)
    assert report.target_checks(summary)["diagnosis_median_s"]["status"] == "met"
    assert report.target_checks({"diagnosis_median_s": 15.5})["diagnosis_median_s"]["status"] == "missed"


def test_follow_up_overhead_is_the_median_of_the_pairs_and_held_to_its_target():
    summary = report.summarize({"followup": {"overhead_median_s": 0.02, "resolve_ms_median": 0.05}})
    assert summary["followup_overhead_median_s"] == 0.02 and summary["followup_resolve_median_ms"] == 0.05
    assert report.target_checks(summary)["followup_overhead_median_s"]["status"] == "met"
    assert report.target_checks({"followup_overhead_median_s": 0.5})["followup_overhead_median_s"]["status"] == "missed"


def test_a_cpu_without_avx512_is_held_to_its_own_first_token_target():
    summary = {"warm_first_token_median_s": 2.5}
    assert report.target_checks(summary)["warm_first_token_median_s"]["status"] == "missed"  # AVX-512: 2 s
    avx2 = report.target_checks(summary, ["avx2", "fma", "f16c"])["warm_first_token_median_s"]
    assert avx2["status"] == "met" and avx2["limit"] == 3.0
    assert report.target_checks(summary, ["avx2", "avx512f"])["warm_first_token_median_s"]["limit"] == 2.0
    label, value, target, status = report.summary_rows(summary, ["avx2"])[0]
    assert "AVX2-only" in label and target == "≤ 3.00 s" and status == "met"


def test_summary_of_a_run_that_measured_nothing():
    summary = report.summarize({})
    assert set(summary.values()) == {None}
    rows = report.summary_rows(summary)
    assert [r[3] for r in rows[: len(report.TARGETS)]] == [report.NOT_MEASURED] * len(report.TARGETS)


def test_summary_rows_put_the_targets_first_with_units():
    rows = report.summary_rows(report.summarize(_results()))
    assert rows[0] == ("Warm time to first token, chain (median)", "2.00 s", "≤ 2.00 s", "met")
    assert rows[1][1:] == ("98.0%", "≥ 95.0%", "met")
    assert rows[3][1:] == ("60.0 ms", "≤ 50.0 ms", "missed")
    assert rows[4][1:] == ("1,700 MB", "≤ 2,000 MB", "met")
    by_label = {r[0]: r[1] for r in rows}
    assert by_label["Index rebuild, unchanged"] == "0.002 s"
    assert by_label["Decode tokens/s, raw (median)"] == "10.00 tok/s"


def test_question_rows_show_raw_then_chain():
    rows = report.question_rows(_results()["raw_vs_chain"]["questions"])
    assert rows[0] == ("q1", "100/100", "20", "0.90", "1.00", "10.0", "9.0", "90%", "2.90", "3.00", "yes")
    assert rows[2][-1] == "no"
    assert rows[3][0] == "weather?" and rows[3][-1] == "declined"


def test_oneoff_and_machine_rows():
    rows = report.oneoff_rows(_results()["oneoff"]["runs"])
    assert rows[0] == ("q1", "loaded", "6.00", "1.00", "9.00", "1,500", "ok")
    assert rows[2][1] == "evaluated"
    assert rows[3][2] == "—" and rows[3][-1] == "exit 1"
    machine_rows = dict(report.machine_rows(_results()["machine"]))
    assert machine_rows["CPU"] == "Test CPU (2 cores)"
    assert machine_rows["Model"] == "m.gguf (1.10 GB)"
    assert machine_rows["Load average (1/5/15 min) start → end"] == "1.00/0.50/0.25 → —"
    assert machine_rows["CPU used by other processes"] == (
        "index 0%, retrieval 10%, chain 50%/5%, raw 2%, oneoff —")


def test_render_prints_every_table_and_the_notes():
    results = _results()
    results["summary"] = report.summarize(results)
    console = Console(record=True, width=150)
    report.render(results, console)
    text = console.export_text()
    for heading in ("Machine", "Raw llama-cpp-python | advisor chain", "One-off advisor ask", "Summary"):
        assert heading in text
    assert "missed" in text and "note: a note" in text


def test_render_shows_brackets_in_questions_as_written():
    results = _results()
    results["raw_vs_chain"]["questions"][0]["question"] = "What does [阶段三 · 目标] say?"
    results["summary"] = report.summarize(results)
    console = Console(record=True, width=200)
    report.render(results, console)
    assert "What does [阶段三 · 目标] say?" in console.export_text()


def test_render_without_raw_or_oneoff():
    results = {"machine": {}, "summary": report.summarize({})}
    console = Console(record=True, width=150)
    report.render(results, console)
    text = console.export_text()
    assert "One-off advisor ask (fresh process" not in text and "not measured" in text


# --- machine facts -----------------------------------------------------------------------
def test_cpu_model_and_memory_are_parsed():
    x86 = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold\n"
    arm = "processor\t: 0\nBogoMIPS\t: 48.00\n\nHardware\t: BCM2835\n"
    assert machine.parse_cpu_model(x86) == "Intel(R) Xeon(R) Gold"
    assert machine.parse_cpu_model(arm) == "BCM2835"
    assert machine.parse_cpu_model("") is None
    assert machine.parse_mem_total("MemTotal:       24684084 kB\nMemFree: 1 kB\n") == 24684084 * 1024
    assert machine.parse_mem_total("") is None


def test_cpu_used_by_other_processes():
    stat = "cpu  100 0 50 1000 10 0 5 5 0 0\ncpu0 50 0 25 500 5 0 2 2 0 0\n"
    assert machine.parse_cpu_busy(stat, 100) == pytest.approx(1.6)  # 160 busy ticks
    assert machine.parse_cpu_busy("", 100) is None
    # 4 busy CPU seconds over 2 s on 2 cores, 1 of them ours: others used 3 of 4.
    assert machine.other_share(4.0, 1.0, 2.0, 2) == pytest.approx(0.75)
    assert machine.other_share(1.0, 1.2, 2.0, 2) == 0.0  # clock skew never goes negative
    assert machine.other_share(1.0, 0.0, 0.0, 2) is None
    with machine.OtherLoad() as load:
        sum(range(10000))
    assert load.share is None or 0.0 <= load.share <= 1.0


# --- the one-off process ------------------------------------------------------------------
def test_the_answer_is_the_last_json_line():
    stdout = 'Building the index: x\n{"broken": \n{"answer": "ok", "timings": {"first_token_unix": 5.0}}\n'
    assert oneoff.parse_answer(stdout) == {"answer": "ok", "timings": {"first_token_unix": 5.0}}
    assert oneoff.parse_answer("no json here\n") is None


def test_a_run_that_saved_a_prompt_state_evaluated_the_prefix(tmp_path):
    assert oneoff.saved_states(None) is None
    assert oneoff.saved_states(tmp_path / "missing") == {}
    (tmp_path / "m-abc.state").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not a state")
    before = oneoff.saved_states(tmp_path)
    assert list(before) == ["m-abc.state"]
    assert oneoff.prefix_source(before, oneoff.saved_states(tmp_path)) == oneoff.PREFIX_LOADED
    assert oneoff.prefix_source(before, {"m-def.state": 1}) == oneoff.PREFIX_EVALUATED
    assert oneoff.prefix_source(before, {"m-abc.state": before["m-abc.state"] + 1}) == oneoff.PREFIX_EVALUATED
    assert oneoff.prefix_source(before, {}) == oneoff.PREFIX_LOADED  # another process deleted it
    assert oneoff.prefix_source(None, None) == oneoff.PREFIX_UNKNOWN


def test_maxrss_units_and_child_environment(settings):
    assert oneoff.maxrss_bytes(1000, "linux") == 1024000
    assert oneoff.maxrss_bytes(1000, "darwin") == 1000
    env = oneoff.child_env(settings, base={"PATH": "/bin", "ADVISOR_THREADS": "7"})
    assert env["PATH"] == "/bin"
    assert env["ADVISOR_DATA_DIR"] == str(settings.data_dir)
    assert env["ADVISOR_THREADS"] == str(settings.threads)  # the bench's, not the inherited one
    assert env["ADVISOR_MODEL"] == str(settings.model_path)


# --- the raw side ---------------------------------------------------------------------------
class FakeLlama:
    """Streams scripted pieces like ``Llama.create_completion(stream=True)``; an empty
    piece stands for a token held back inside a UTF-8 character."""

    def __init__(self, pieces: list[str], cached: list[int]):
        self.pieces = pieces
        self.input_ids = cached
        self.calls: list[dict] = []
        self.closed = False

    def tokenize(self, data: bytes, special: bool = False) -> list[int]:
        return list(data)

    def create_completion(self, **kwargs):
        self.calls.append(kwargs)
        try:
            for piece in self.pieces:
                yield {"choices": [{"text": piece}]}
        finally:
            self.closed = True


def test_raw_side_stops_where_the_chain_stopped():
    llama = FakeLlama(["根", "", "据", "文档", "\n\n", "more", "text"], cached=list(b"abX"))
    case = Case("q", prompt="abc", stop=["<|im_end|>"], prefill="A:", pieces=4)
    result = complete(llama, case, max_tokens=512, temperature=0.0)
    assert result["generated_tokens"] == 4 and result["text"] == "根据文档\n\n"
    assert result["prompt_tokens"] == 3 and result["prompt_tokens_reused"] == 2
    assert llama.closed  # the stream was closed, as the chain closes its stream
    call = llama.calls[0]
    assert call["prompt"] == "abc" and call["max_tokens"] == 512 and call["stop"] == ["<|im_end|>"]
    assert call["temperature"] == 0.0 and call["stream"] is True


def test_each_side_keeps_its_best_round():
    first = {"first_token_s": 2.0, "decode_tokens_per_s": 5.0, "total_s": 9.0, "prompt_tokens": 7}
    second = {"first_token_s": 1.5, "decode_tokens_per_s": 6.0, "total_s": 9.5, "prompt_tokens": 8}
    best = best_of([first, second])
    assert (best["first_token_s"], best["decode_tokens_per_s"], best["total_s"]) == (1.5, 6.0, 9.0)
    assert best["prompt_tokens"] == 7 and best["rounds"] == 2
    assert best_of([None, None]) is None


def _chain_round(decode, answer="A: 根据文档"):
    return {"results": [{"decode_tokens_per_s": decode, "first_token_s": 1.0, "total_s": 2.0,
                         "answer": answer, "generated_tokens": 3},
                        {"decode_tokens_per_s": None, "first_token_s": 0.1, "total_s": 0.1,
                         "answer": "not covered", "generated_tokens": 0}],
            "cases": [Case("q1", "p", [], "A: ", 3), Case("q2")]}


def _raw_round(decode, text="根据文档\n\n"):
    return {"results": [{"decode_tokens_per_s": decode, "first_token_s": 1.0, "total_s": 2.0,
                         "text": text}, None]}


def test_raw_and_chain_rows_are_compared():
    rows = compare(["q1", "q2"], [_chain_round(9.0), _chain_round(9.5)],
                   [_raw_round(10.0), _raw_round(9.0)])
    assert rows[0]["decode_ratio"] == pytest.approx(0.95)  # best 9.5 over best 10.0
    assert rows[0]["same_text"] is True
    assert rows[0]["raw"]["answer"] == "A: 根据文档\n\n" and "text" not in rows[0]["raw"]
    assert rows[1]["raw"] is None and rows[1]["decode_ratio"] is None
    assert compare(["q1"], [_chain_round(9.0)], [])[0]["raw"] is None  # --skip-raw
    # One raw round that wrote something else is enough to say the texts differ.
    assert compare(["q1"], [_chain_round(9.0)], [_raw_round(10.0), _raw_round(10.0, "别的")])[0][
        "same_text"] is False
    assert common_prefix([1, 2, 3], [1, 2, 4, 5]) == 2
    assert same_text("A: x", "A: ", "x\n\n") and not same_text("A: x", "A: ", "y")


# --- the command line ---------------------------------------------------------------------
def test_cli_prints_json_and_writes_the_file(tmp_path, monkeypatch):
    from bench import runner
    from bench.__main__ import main

    seen = {}

    def fake_run(options, log):
        seen["options"] = options
        results = _results()
        results["summary"] = report.summarize(results)
        return results

    monkeypatch.setattr(runner, "run", fake_run)
    out = tmp_path / "deep" / "bench.json"
    result = CliRunner().invoke(main, ["--json", "--questions", "2", "--rounds", "3", "--skip-raw",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == json.loads(out.read_text(encoding="utf-8"))
    assert printed["summary"]["retrieval_p90_ms"] == 60.0
    options = seen["options"]
    assert (options.questions, options.rounds, options.skip_raw, options.skip_oneoff) == (2, 3, True, False)


def test_cli_prints_the_table(tmp_path, monkeypatch):
    from bench import runner
    from bench.__main__ import main

    monkeypatch.setattr(runner, "run", lambda options, log: {**_results(),
                                                            "summary": report.summarize(_results())})
    result = CliRunner().invoke(main, ["--out", str(tmp_path / "b.json")])
    assert result.exit_code == 0, result.output
    assert "Summary" in result.stdout and "≤ 2.00 s" in result.stdout
    assert (tmp_path / "b.json").is_file()
    assert CliRunner().invoke(main, ["--questions", "0"]).exit_code == 2


def test_high_water_mark_is_the_childs_own_peak():
    import subprocess
    import sys

    from bench.oneoff import HighWaterMark

    code = "x = bytearray(300_000_000); x[::4096] = b'1' * len(x[::4096]); import time; time.sleep(0.5)"
    proc = subprocess.Popen([sys.executable, "-c", code])
    hwm = HighWaterMark(proc.pid, interval_s=0.02)
    proc.wait()
    kib = hwm.stop()
    assert kib is not None and 290_000 < kib < 600_000


def test_a_loaded_state_only_touched_counts_as_loaded(tmp_path):
    import os

    from bench.oneoff import PREFIX_EVALUATED, PREFIX_LOADED, prefix_source, saved_states

    state = tmp_path / "m-abc.state"
    state.write_bytes(b"1")
    before = saved_states(tmp_path)
    os.utime(state)  # what loading a state does
    assert prefix_source(before, saved_states(tmp_path)) == PREFIX_LOADED
    (tmp_path / ".m-abc.state.tmp").write_bytes(b"2")
    os.replace(tmp_path / ".m-abc.state.tmp", state)  # what saving a new one does
    assert prefix_source(before, saved_states(tmp_path)) == PREFIX_EVALUATED


def test_the_raw_side_is_compared_with_the_models_part_of_the_answer():
    from bench.raw_vs_chain import _model_part, same_text

    quoted = "文档原文:约6个月至1年。 [阶段三 · 预期所需时间]\n\n根据文档,阶段三需要约6个月至1年。"
    assert _model_part(quoted) == "根据文档,阶段三需要约6个月至1年。"
    assert same_text(_model_part(quoted), "", "根据文档,阶段三需要约6个月至1年。")
    assert _model_part("Plain answer.\n\nMore.") == "Plain answer.\n\nMore."


def test_the_cpu_flags_that_decide_speed_are_read_from_cpuinfo():
    from bench.machine import parse_cpu_flags

    cpuinfo = "processor\t: 0\nflags\t\t: fpu sse avx2 fma f16c avx512f avx512_vnni\nprocessor\t: 1\nflags: avx2\n"
    assert parse_cpu_flags(cpuinfo) == ["avx2", "fma", "f16c", "avx512f", "avx512_vnni"]
    assert parse_cpu_flags("no flags here") == []
    rows = dict(report.machine_rows({"cpu": "AMD EPYC", "cores": 2, "cpu_flags": ["avx2", "fma"]}))
    assert rows["CPU flags that matter for speed"] == "avx2 fma"
