"""``advisor feedback list`` and ``advisor feedback export``, run with click's CliRunner on
a feedback database in a temporary data directory; the advisor itself is never built."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.cli.main import cli
from advisor.conversation.feedback import SCHEMA_VERSION, FeedbackStore
from advisor.evaluation import load_devset

CITED = [{"id": "s1", "stage": 3, "section": "duration", "section_title": "预期所需时间",
          "label": "[阶段三 · 预期所需时间]", "source": "stage_document", "text": "预期所需时间: 约6个月至1年。",
          "score": 0.9, "cited": True}]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> FeedbackStore:
    return FeedbackStore(data_dir / "feedback.sqlite")


def no_advisor(settings):
    raise AssertionError("the feedback commands must not load the model or the index")


def run(*args: str):
    return CliRunner().invoke(cli, ["feedback", *args], obj=no_advisor)


def test_list_with_nothing_rated(data_dir: Path) -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "No answers rated yet."
    assert run("list", "--json").stdout.strip() == "[]"
    assert not data_dir.exists()  # listing creates nothing


def test_list_prints_a_table(store: FeedbackStore) -> None:
    up = store.add("up", "KPI 有哪些?", "KPI 有哪些?", "...", [])
    down = store.add("down", "阶段三多久?", "阶段三多久?", "两年", CITED, note="[red]不对[/red]")
    result = run("list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(line for line in lines if "rating" in line)
    for column in ("id", "date", "question", "note"):
        assert column in header
    row_up = next(line for line in lines if "KPI 有哪些?" in line)
    row_down = next(line for line in lines if "阶段三多久?" in line)
    assert str(up) in row_up and "up" in row_up and "down" not in row_up
    assert str(down) in row_down and "down" in row_down
    assert "[red]不对[/red]" in row_down  # a note is shown as typed, never read as markup
    assert store.entries()[0].created.strftime("%Y-%m-%d") in row_up
    assert lines.index(row_up) < lines.index(row_down)


def test_list_json_filtered_by_rating(store: FeedbackStore) -> None:
    store.add("up", "q1", "q1", "a1", [])
    down = store.add("down", "那它呢?", "阶段三需要多长时间?", "两年", CITED, note="数字不对", language="zh")
    result = run("list", "--rating", "down", "--json")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert [e["id"] for e in entries] == [down]
    assert entries[0]["rating"] == "down" and entries[0]["note"] == "数字不对"
    assert entries[0]["resolved_question"] == "阶段三需要多长时间?" and entries[0]["sources"] == CITED
    assert [e["rating"] for e in json.loads(run("list", "--json").stdout)] == ["up", "down"]
    assert run("list", "--rating", "up").stdout.count("q1") == 1


def test_list_rejects_an_unknown_rating(store: FeedbackStore) -> None:
    result = run("list", "--rating", "meh")
    assert result.exit_code == 2 and "--rating" in result.stderr


def test_export_writes_a_devset(store: FeedbackStore, tmp_path: Path) -> None:
    store.add("up", "q1", "q1", "a1", [])
    down = store.add("down", "那它呢?", "阶段三需要多长时间?", "两年", CITED, language="zh")
    out = tmp_path / "feedback.yaml"
    result = run("export", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Wrote 1 question") and str(out) in result.stdout
    items = load_devset(out)
    assert [(i.id, i.question, i.stage, i.sections) for i in items] == [
        (f"feedback-{down}", "阶段三需要多长时间?", 3, ["duration"])]


def test_export_with_nothing_rated_down(store: FeedbackStore, tmp_path: Path) -> None:
    store.add("up", "q1", "q1", "a1", [])
    out = tmp_path / "feedback.yaml"
    result = run("export", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "nothing written" in result.stdout and not out.exists()


def test_export_needs_out(store: FeedbackStore) -> None:
    result = run("export")
    assert result.exit_code == 2 and "--out" in result.stderr


def test_errors_are_one_line_and_exit_2(store: FeedbackStore, tmp_path: Path) -> None:
    store.add("down", "q", "q", "a", [])
    result = run("export", "--out", str(tmp_path / "missing" / "feedback.yaml"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot write") and len(result.stderr.strip().splitlines()) == 1

    conn = sqlite3.connect(store.path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    result = run("list")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "newer advisor" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_data_dir_flag_is_honoured(tmp_path: Path, data_dir: Path) -> None:
    other = tmp_path / "elsewhere"
    FeedbackStore(other / "feedback.sqlite").add("down", "别处的问题", "别处的问题", "a", [])
    assert json.loads(run("list", "--json").stdout) == []
    entries = json.loads(run("list", "--json", "--data-dir", str(other)).stdout)
    assert [e["question"] for e in entries] == ["别处的问题"]
