"""The advisor answering through its CLI with the real default model."""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import json_lines, run_cli

pytestmark = pytest.mark.integration


def _cites_stage(answer: dict, stage: int) -> bool:
    cited = [s for s in answer["sources"] if s["cited"]] or answer["sources"][:1]
    return any(s["stage"] == stage for s in cited)


def test_stage3_duration_in_chinese(data_dir):
    result = run_cli("ask", "--json", "阶段三需要多长时间?", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)  # exactly one JSON object
    assert answer["language"] == "zh"
    assert answer["refused"] is False
    assert "6个月" in answer["answer"] and "1年" in answer["answer"]
    assert _cites_stage(answer, 3)
    assert answer["sources"][0]["stage"] == 3 and answer["sources"][0]["section"] == "duration"
    timings = answer["timings"]
    assert 0 < timings["first_token_s"] <= timings["total_s"]
    assert timings["prompt_tokens"] > 0 and timings["generated_tokens"] > 0
    assert answer["model"].endswith(".gguf")


def test_stage3_duration_in_english(data_dir):
    result = run_cli("ask", "--json", "How long does stage 3 take?", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    text = answer["answer"].lower()
    assert answer["language"] == "en" and answer["refused"] is False
    assert any(s in text for s in ("6 months", "six months", "6个月"))
    assert any(s in text for s in ("1 year", "one year", "12 months", "1年"))
    assert _cites_stage(answer, 3)
    # Written in English, even if it quotes the Chinese original.
    assert sum(c.isascii() and c.isalpha() for c in text) > 20


def test_batch_keeps_order_and_reports_bad_lines(data_dir):
    lines = ["What KPIs does stage 2 set?", "", "x" * 5000, "明天上海天气怎么样?"]
    result = run_cli("ask", "--json", "--batch", "-", data_dir=data_dir, input_text="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    answers = json_lines(result.stdout)
    assert [a["question"] for a in answers] == lines
    assert "error" not in answers[0] and answers[0]["refused"] is False
    assert any(s in answers[0]["answer"] for s in ("90%", "20%"))
    assert "error" in answers[1] and "empty" in answers[1]["error"]
    assert "error" in answers[2] and "limit" in answers[2]["error"]
    assert answers[3]["refused"] is True


def test_plain_ask_streams_answer_then_sources(data_dir):
    result = run_cli("ask", "阶段二的KPI是什么?", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    answer, _, sources = result.stdout.partition("Sources:")
    assert "90%" in answer or "20%" in answer
    assert "[阶段二 ·" in sources


def test_chat_session_answers_and_exits(data_dir):
    result = run_cli("chat", data_dir=data_dir, input_text="阶段四需要多长时间?\nexit\n")
    assert result.returncode == 0, result.stderr
    assert "1.5" in result.stdout and "3年" in result.stdout
    assert "Sources:" in result.stdout


def test_bad_question_is_one_clear_line(data_dir):
    result = run_cli("ask", "   ", data_dir=data_dir)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("Error:")
    assert "Traceback" not in result.stderr


def test_a_repeated_question_is_answered_from_the_cache_in_a_new_process(data_dir):
    """The model answers once; the same question retyped, in the same run and in a new
    process, is the stored answer, marked as cached (its speed: ``make bench``)."""
    asked = "阶段二需要多长时间?\n阶段二需要多长时间？\n"
    result = run_cli("ask", "--json", "--answer-cache", "true", "--batch", "-", data_dir=data_dir,
                     input_text=asked)
    assert result.returncode == 0, result.stderr
    first, again = json_lines(result.stdout)
    assert first["cached"] is False and first["timings"]["generated_tokens"] > 0
    assert again["cached"] is True and again["answer"] == first["answer"]
    assert again["timings"]["generated_tokens"] == 0
    later = run_cli("ask", "--json", "--answer-cache", "true", "阶段二需要多长时间", data_dir=data_dir)
    assert later.returncode == 0, later.stderr
    stored = json.loads(later.stdout)
    assert stored["cached"] is True and stored["answer"] == first["answer"]
    assert _cites_stage(stored, 2)


def test_a_stage_described_not_named_gets_its_fact_after_the_answer(data_dir):
    # "Our first cross-department project" describes stage 3 without naming it: the stage
    # book's budget sentence follows the model's answer (or replaces one that cannot
    # stand), and nothing is shown before the model writes.
    result = run_cli("ask", "--json", "我们第一个跨部门AI项目刚做完,这类项目的投入一般控制在多少?", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["refused"] is False and answer["language"] == "zh"
    assert answer["answer"].rstrip().endswith("几千元人民币。 [阶段三 · 项目执行]"), answer["answer"]
    assert _cites_stage(answer, 3)
    assert answer["timings"]["evidence_first_s"] is None
