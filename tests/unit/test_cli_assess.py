"""``advisor assess``, ``report`` and ``history`` through the CLI with a scripted model."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import yaml

from advisor.cli.main import cli
from advisor.evaluation import DEFAULT_PROFILES

PROFILES = yaml.safe_load(DEFAULT_PROFILES.read_text(encoding="utf-8"))["profiles"]


def answers_of(profile_id: str) -> dict:
    return next(p for p in PROFILES if p["id"] == profile_id)["answers"]


@pytest.fixture
def answers_file(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers_of("en-stage3-hvac-distributor")), encoding="utf-8")
    return path


def test_assess_answers_json_has_the_issue_shape(runner, answers_file):
    result = runner.invoke(cli, ["assess", "--answers", str(answers_file), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("stage", "stage_title", "confidence", "evidence", "unknown", "next_steps", "kpis",
                "timeline", "budget", "sources"):
        assert key in data
    assert data["stage"] == 3
    assert all(k["source"].startswith("[阶段三") for k in data["kpis"])
    assert "1-3" in data["budget"]["zh"]


def test_assess_text_output_and_history_and_report(runner, answers_file, tmp_path):
    result = runner.invoke(cli, ["assess", "--answers", str(answers_file), "--company", "Acme <b>x</b>"])
    assert result.exit_code == 0, result.output
    assert "Stage 3" in result.stdout and "Saved as assessment #1" in result.stdout
    listed = runner.invoke(cli, ["history"])
    assert "#1" in listed.stdout and "stage 3" in listed.stdout
    out = tmp_path / "report.md"
    written = runner.invoke(cli, ["report", "--out", str(out), "--lang", "en"])
    assert written.exit_code == 0, written.output
    text = out.read_text(encoding="utf-8")
    assert "<b>" not in text and "Stage 3" in text
    ET.parse(out.with_suffix(".svg"))  # a valid image file


def test_history_diff_between_two_assessments(runner, tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps(answers_of("en-stage2-marketing-agency")), encoding="utf-8")
    second.write_text(json.dumps(answers_of("en-stage3-hvac-distributor")), encoding="utf-8")
    for path in (first, second):
        assert runner.invoke(cli, ["assess", "--answers", str(path), "--company", "Co"]).exit_code == 0
    diff = runner.invoke(cli, ["history", "--diff", "1", "2", "--json"])
    assert diff.exit_code == 0, diff.output
    change = json.loads(diff.stdout)
    assert json.dumps(change).count("stage") >= 1 and "2" in json.dumps(change) and "3" in json.dumps(change)


def test_bad_answers_are_one_clear_error(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"leader_uses_ai": "maybe", "no_such_question": "yes"}), encoding="utf-8")
    result = runner.invoke(cli, ["assess", "--answers", str(bad)])
    assert result.exit_code == 2
    assert "maybe" in result.stderr and "no_such_question" in result.stderr
    assert "Traceback" not in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(cli, ["assess", "--answers", str(broken)])
    assert result.exit_code == 2 and "not valid JSON" in result.stderr


def test_report_without_any_assessment_says_what_to_do(runner, tmp_path):
    result = runner.invoke(cli, ["report", "--out", str(tmp_path / "r.md")])
    assert result.exit_code == 2 and "advisor assess" in result.stderr


def test_assess_batch_gives_one_object_per_profile_line(runner, model):
    reply = json.dumps({"answer": "unknown", "evidence": "", "number": None})
    model.enqueue(*[reply] * 20)  # every criterion: the profile says nothing
    result = runner.invoke(cli, ["assess", "--json", "--batch", "-"], input="We are a bakery.\n\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["stage"] == 1 and "error" in lines[1]


def test_interactive_questionnaire(runner, answers_file):
    answers = answers_of("en-stage3-hvac-distributor")
    keys = []
    result = runner.invoke(cli, ["assess", "--list-questions"])
    questions = json.loads(result.stdout)
    for q in questions:
        value = answers.get(q["id"], "unknown")
        word = value if isinstance(value, str) else value["answer"]
        keys.append({"yes": "y", "partly": "p", "no": "n", "unknown": "?"}[word])
        if q.get("number") and word != "unknown":
            keys.append(str(value["number"]) if isinstance(value, dict) and value.get("number") is not None else "")
    result = runner.invoke(cli, ["assess", "--company", "Typed Co"], input="\n".join(keys) + "\n")
    assert result.exit_code == 0, result.output
    assert "Stage 3" in result.stdout
