"""The ``advisor`` command line, run with click's CliRunner and a scripted chat model."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from advisor.cli.main import cli
from tests.unit.cli_helpers import REPLY


def test_ask_json_prints_one_object(runner, model):
    model.enqueue(REPLY)
    result = runner.invoke(cli, ["ask", "--json", "阶段三需要多长时间?"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == {"question", "resolved_question", "answer", "language", "refused", "sources",
                         "timings", "model", "reason", "suggestions", "cached"}
    assert data["cached"] is False
    assert data["answer"].endswith(REPLY) and data["refused"] is False
    assert data["sources"] and all({"id", "stage", "section", "source", "text", "score"} <= set(s)
                                   for s in data["sources"])
    assert any(s["cited"] and s["stage"] == 3 and s["section"] == "duration" for s in data["sources"])


def test_a_repeated_question_is_answered_from_the_cache_and_says_so(runner, model):
    model.enqueue(REPLY)  # one reply: a second model call would fail the command
    first = runner.invoke(cli, ["ask", "--answer-cache", "true", "阶段三需要多长时间?"])
    assert first.exit_code == 0, first.output
    assert "asked before" not in first.stderr
    again = runner.invoke(cli, ["ask", "--answer-cache", "true", "阶段三需要多长时间？"])
    assert again.exit_code == 0, again.output
    assert REPLY in again.stdout and "* [阶段三 · 预期所需时间]" in again.stdout
    assert "之前问过" in again.stderr
    as_json = json.loads(runner.invoke(cli, ["ask", "--json", "--answer-cache", "true", "阶段三需要多长时间"]).stdout)
    assert as_json["cached"] is True and as_json["timings"]["cached"] is True
    assert as_json["answer"].endswith(REPLY)


def test_ask_streams_text_and_sources(runner, model):
    model.enqueue(REPLY)
    result = runner.invoke(cli, ["ask", "阶段三需要多长时间?"])
    assert result.exit_code == 0, result.output
    assert REPLY in result.stdout
    assert "Sources:" in result.stdout and "* [阶段三 · 预期所需时间]" in result.stdout


def test_ask_batch_json_one_object_per_line_in_order(runner, model):
    model.enqueue(REPLY)
    lines = ["阶段三需要多长时间?", "", "x" * 10_000]
    result = runner.invoke(cli, ["ask", "--json", "--batch", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == 3
    assert objects[0]["answer"].endswith(REPLY) and "error" not in objects[0]
    assert objects[1]["question"] == "" and "empty" in objects[1]["error"]
    assert objects[2]["question"] == "x" * 10_000 and "2,000" in objects[2]["error"]
    assert len(model.history) == 1


def test_ask_empty_question_is_a_clean_error(runner, model):
    result = runner.invoke(cli, ["ask", ""])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error:") and "empty" in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""
    assert model.history == []


def test_ask_needs_a_question_or_a_batch(runner):
    result = runner.invoke(cli, ["ask"])
    assert result.exit_code == 2 and "Give either a QUESTION or --batch" in result.stderr


def test_settings_flags_reach_the_advisor(runner, model):
    model.enqueue(REPLY)
    result = runner.invoke(cli, ["ask", "--json", "--top-k", "2", "阶段三需要多长时间?"])
    assert result.exit_code == 0, result.output
    assert runner.settings_seen[-1].top_k == 2
    assert len(json.loads(result.stdout)["sources"]) <= 2


def test_an_invalid_flag_value_is_a_usage_error(runner):
    result = runner.invoke(cli, ["ask", "--top-k", "0", "q"])
    assert result.exit_code == 2 and "Invalid setting" in result.stderr
    assert "Traceback" not in result.output


def test_ingest_list_add_and_remove(runner, private_root, tmp_path):
    result = runner.invoke(cli, ["ingest", "--list"])
    assert result.exit_code == 0, result.output
    assert "stage_document" in result.stdout and "38 passages" in result.stdout

    doc = tmp_path / "ai-policy.md"
    doc.write_text("# AI policy\n\nCustomer data stays on our own servers. 客户数据不得上传到公共服务。\n",
                   encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(doc)])
    assert result.exit_code == 0, result.output
    assert "Added 1 document(s)" in result.stdout and "1 embedded" in result.stdout
    assert (private_root / "data" / "documents" / "ai-policy.md").is_file()

    result = runner.invoke(cli, ["ingest", "--list"])
    assert "ai-policy.md" in result.stdout and "(company)" in result.stdout

    result = runner.invoke(cli, ["ingest", "--remove", "ai-policy.md"])
    assert result.exit_code == 0, result.output
    assert "Removed ai-policy.md" in result.stdout
    result = runner.invoke(cli, ["ingest", "--list"])
    assert "ai-policy.md" not in result.stdout and "stage_document" in result.stdout


def test_ingest_an_unsupported_file_adds_nothing(runner, private_root, tmp_path):
    bad = tmp_path / "bad.exe"
    bad.write_bytes(b"MZ\x90\x00")
    result = runner.invoke(cli, ["ingest", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error:") and "bad.exe" in result.stderr and "unsupported" in result.stderr
    assert "Traceback" not in result.output
    documents = private_root / "data" / "documents"
    assert not documents.exists() or list(documents.iterdir()) == []


def test_ingest_remove_unknown_document(runner):
    result = runner.invoke(cli, ["ingest", "--remove", "nope.md"])
    assert result.exit_code == 2 and "No company document named 'nope.md'" in result.stderr


@pytest.mark.parametrize(
    "command",
    [[], ["ask"], ["chat"], ["ingest"], ["models"], ["models", "fetch"], ["models", "list"], ["doctor"],
     ["serve"], ["assess"], ["report"], ["history"], ["eval"], ["feedback"], ["feedback", "list"]],
)
def test_help_works_for_every_command(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage:")


def test_chat_answers_and_exits(runner, model):
    model.enqueue(REPLY)
    result = runner.invoke(cli, ["chat"], input="阶段三需要多长时间?\nexit\n")
    assert result.exit_code == 0, result.output
    assert REPLY in result.stdout
    assert len(model.history) == 1


def test_chat_reports_a_bad_question_and_goes_on(runner, model):
    model.enqueue(REPLY)
    result = runner.invoke(cli, ["chat"], input="x" * 3000 + "\n阶段三需要多长时间?\n")
    assert result.exit_code == 0, result.output
    assert "limit is 2,000" in result.stdout and REPLY in result.stdout


def test_chat_from_a_pipe_takes_one_message_per_line_and_prints_a_json_object_per_turn(runner, model, tmp_path):
    model.enqueue(REPLY, "阶段四一般需要约1.5至3年 [阶段四 · 预期所需时间]。")
    saved = tmp_path / "chat.md"
    result = runner.invoke(cli, ["chat", "--json", "--save", str(saved)],
                           input="阶段三需要多长时间?\n\n那阶段四呢?\n")
    assert result.exit_code == 0, result.output
    first, second = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert (first["turn"], second["turn"]) == (1, 2)
    assert first["resolved_question"] == "阶段三需要多长时间?"
    assert second["question"] == "那阶段四呢?" and second["resolved_question"] == "阶段四需要多长时间?"
    assert {s["stage"] for s in second["sources"]} == {4} and second["suggestions"]
    text = saved.read_text(encoding="utf-8")
    assert "那阶段四呢?" in text and "阶段四需要多长时间?" in text and "1.5至3年" in text


def test_chat_json_reports_a_bad_line_and_goes_on(runner, model):
    model.enqueue(REPLY)
    result = runner.invoke(cli, ["chat", "--json"], input="\x00\x01\n阶段三需要多长时间?\n")
    assert result.exit_code == 0, result.output
    bad, good = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert bad["turn"] == 1 and "error" in bad and good["turn"] == 1 and REPLY in good["answer"]


def test_chat_text_mode_shows_what_a_follow_up_was_understood_as(runner, model):
    model.enqueue(REPLY, "阶段四一般需要约1.5至3年 [阶段四 · 预期所需时间]。")
    result = runner.invoke(cli, ["chat"], input="阶段三需要多长时间?\n那阶段四呢?\n")
    assert result.exit_code == 0, result.output
    assert "(理解为: 阶段四需要多长时间?)" in result.stdout and "接下来可以问" in result.stdout


def test_chat_save_into_a_missing_folder_is_refused_before_anything_loads(runner, tmp_path):
    result = runner.invoke(cli, ["chat", "--save", str(tmp_path / "nope" / "chat.md")], input="x\n")
    assert result.exit_code == 2 and "does not exist" in result.output
    assert runner.settings_seen == []


def test_chat_new_starts_a_conversation_that_follows_nothing(runner, model):
    model.enqueue(REPLY, REPLY)
    result = runner.invoke(cli, ["chat", "--json"], input="阶段三需要多长时间?\n/new\n它的KPI呢?\n")
    assert result.exit_code == 0, result.output
    first, second = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert second["turn"] == 1 and second["resolved_question"] == "它的KPI呢?"
