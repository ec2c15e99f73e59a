"""👍/👎 feedback in SQLite, and the 👎 answers exported as a development set that
``load_devset`` and ``advisor eval`` read."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from advisor.cli.main import cli
from advisor.conversation.feedback import NOTE_MAX_CHARS, SCHEMA_VERSION, FeedbackError, FeedbackStore
from advisor.evaluation import DevItem, ItemResult, load_devset, summarize
from tests.unit.cli_helpers import REPLY


def source(stage, section, cited, label="", text="预期所需时间: 约6个月至1年。") -> dict:
    return {"id": f"s{stage}-{section}", "stage": stage, "section": section, "section_title": section,
            "label": label or f"[{stage} · {section}]", "source": "stage_document", "text": text,
            "score": 0.8, "cited": cited, "highlights": [[9, 15]]}


DURATION_CITED = [source(3, "duration", True), source(3, "kpis", True), source(1, "goals", False)]


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "data" / "feedback.sqlite")


# --- the store ------------------------------------------------------------------------
def test_nothing_is_created_until_the_first_rating(store: FeedbackStore) -> None:
    assert store.entries() == [] and store.entries("down") == []
    assert not store.path.parent.exists()
    store.add("up", "阶段三需要多长时间?", "阶段三需要多长时间?", "约6个月至1年。", [])
    assert store.path.is_file()


def test_add_and_list_round_trip(store: FeedbackStore) -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    first = store.add("down", "那它呢?", "阶段三需要多长时间?", "大约两年。", DURATION_CITED,
                      note="数字不对", language="zh", conversation_id="c-1")
    second = store.add("up", "What KPIs matter in stage 1?", "What KPIs matter in stage 1?", "...", [])
    assert second == first + 1
    entries = store.entries()
    assert [e.id for e in entries] == [first, second]
    got = entries[0]
    assert (got.rating, got.question, got.resolved_question, got.answer, got.note, got.language,
            got.conversation_id) == ("down", "那它呢?", "阶段三需要多长时间?", "大约两年。", "数字不对", "zh", "c-1")
    assert got.sources == DURATION_CITED  # highlights included
    assert [s["section"] for s in got.cited] == ["duration", "kpis"]
    assert got.created.tzinfo is not None and got.created.utcoffset() == timedelta(0)
    assert before <= got.created <= datetime.now(timezone.utc)
    data = got.to_dict()
    assert data["id"] == first and data["created"] == got.created.isoformat()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert entries[1].language is None and entries[1].conversation_id is None


def test_filter_by_rating(store: FeedbackStore) -> None:
    ids = [store.add(rating, f"q{n}", f"q{n}", "a", []) for n, rating in enumerate(["up", "down", "down", "up"])]
    assert [e.id for e in store.entries("down")] == ids[1:3]
    assert [e.id for e in store.entries("up")] == [ids[0], ids[3]]
    assert len(store.entries()) == 4


@pytest.mark.parametrize("rating", ["good", "", "UP", None, 1])
def test_a_bad_rating_is_refused_and_nothing_stored(store: FeedbackStore, rating) -> None:
    with pytest.raises(FeedbackError, match="'up' or 'down'") as caught:
        store.add(rating, "q", "q", "a", [])
    assert isinstance(caught.value, ValueError)
    assert store.entries() == []


def test_a_bad_rating_filter_is_refused(store: FeedbackStore) -> None:
    with pytest.raises(FeedbackError):
        store.entries("meh")


def test_other_bad_input_is_refused(store: FeedbackStore) -> None:
    with pytest.raises(FeedbackError, match="empty"):
        store.add("up", "   ", "", "a", [])
    with pytest.raises(FeedbackError, match="language"):
        store.add("up", "q", "q", "a", [], language="fr")
    with pytest.raises(FeedbackError, match="JSON"):
        store.add("up", "q", "q", "a", [{"text": object()}])
    assert store.entries() == []


def test_note_is_trimmed_and_bounded(store: FeedbackStore) -> None:
    store.add("down", "q", "q", "a", [], note="  \n 引用错了 \t ")
    store.add("down", "q", "q", "a", [], note="很" * (NOTE_MAX_CHARS + 500))
    short, long = store.entries()
    assert short.note == "引用错了"
    assert len(long.note) == NOTE_MAX_CHARS


def test_resolved_question_falls_back_to_the_message(store: FeedbackStore) -> None:
    store.add("up", " 阶段三要多久? ", "", "a", [])
    assert store.entries()[0].resolved_question == "阶段三要多久?"


def test_schema_version_is_recorded(store: FeedbackStore) -> None:
    store.add("up", "q", "q", "a", [])
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        with pytest.raises(sqlite3.IntegrityError):  # the database itself guards the rating
            conn.execute("INSERT INTO feedback (created, rating, question, resolved_question, answer,"
                         " sources, note) VALUES ('x', 'meh', 'q', 'q', 'a', '[]', '')")
    conn.close()
    # A second store on the same file reads it, without creating the tables again.
    assert len(FeedbackStore(store.path).entries()) == 1


def test_a_newer_schema_is_refused(store: FeedbackStore) -> None:
    store.path.parent.mkdir(parents=True)
    conn = sqlite3.connect(store.path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(FeedbackError, match="newer advisor"):
        store.entries()


def test_a_damaged_file_is_refused_with_its_name(store: FeedbackStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(FeedbackError, match="feedback.sqlite"):
        store.add("up", "q", "q", "a", [])


# --- the development set --------------------------------------------------------------
def test_export_writes_the_down_answers_as_a_devset(store: FeedbackStore, tmp_path: Path) -> None:
    cited = store.add("down", "那它呢?", "阶段三一般需要多长时间?", "大约两年。", DURATION_CITED,
                      note="应该是6个月至1年", language="zh")
    store.add("up", "阶段一的KPI?", "阶段一的KPI?", "...", DURATION_CITED, language="zh")
    uncited = store.add("down", "How long does stage 3 take?", "", "I do not know.",
                        [source(2, "kpis", False)])
    out = tmp_path / "feedback.yaml"
    assert store.export_devset(out) == 2
    items = load_devset(out)
    assert [i.id for i in items] == [f"feedback-{cited}", f"feedback-{uncited}"]
    first, second = items
    assert (first.question, first.language, first.stage, first.sections, first.facts, first.refuse) == (
        "阶段三一般需要多长时间?", "zh", 3, ["duration", "kpis"], [], False)
    # No cited passage: no stage, no section; the language is read from the question.
    assert (second.question, second.language, second.stage, second.sections) == (
        "How long does stage 3 take?", "en", None, [])
    raw = yaml.safe_load(out.read_text(encoding="utf-8"))["questions"][0]
    assert (raw["message"], raw["note"], raw["answer"]) == ("那它呢?", "应该是6个月至1年", "大约两年。")
    assert out.read_text(encoding="utf-8").startswith("#")  # the header explains what to fill in


def test_export_replaces_the_file_atomically(store: FeedbackStore, tmp_path: Path) -> None:
    out = tmp_path / "sets" / "feedback.yaml"
    out.parent.mkdir()
    out.write_text("old", encoding="utf-8")
    store.add("down", "阶段三要多久?", "阶段三要多久?", "a", [])
    assert store.export_devset(out) == 1
    assert [p.name for p in out.parent.iterdir()] == ["feedback.yaml"]  # no temporary file left
    assert load_devset(out)[0].question == "阶段三要多久?"


def test_export_without_down_answers_writes_nothing(store: FeedbackStore, tmp_path: Path) -> None:
    store.add("up", "q", "q", "a", [])
    out = tmp_path / "feedback.yaml"
    assert store.export_devset(out) == 0
    assert not out.exists()


def test_export_into_a_missing_folder_says_so(store: FeedbackStore, tmp_path: Path) -> None:
    store.add("down", "q", "q", "a", [])
    with pytest.raises(FeedbackError, match="cannot write"):
        store.export_devset(tmp_path / "missing" / "feedback.yaml")


def test_exported_set_runs_in_advisor_eval(runner, model, tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb" / "feedback.sqlite")
    store.add("down", "那它呢?", "第三阶段一般需要多长时间?", "大约两年。", [source(3, "duration", True)],
              language="zh")
    store.add("down", "阶段三需要多长时间?", "阶段三需要多长时间?", "不知道。", [], language="zh")
    out = tmp_path / "feedback.yaml"
    assert store.export_devset(out) == 2
    model.enqueue(REPLY, REPLY)
    result = runner.invoke(cli, ["eval", "--only", "devset", "--devset", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    items = {i["id"]: i for i in report["devset"]["items"]}
    assert len(items) == 2 and all(i["ok"] and i["facts"] == 0 for i in items.values())
    summary = report["devset"]["summary"]
    assert summary["fact_recall"] is None  # no facts written down yet: not a failure
    # Only the question that names a section counts towards retrieval hit@k.
    named, unnamed = items.values()
    assert named["hit@1"] is True and unnamed["hit@1"] is False
    assert summary["hit@1"] == 1.0


# --- scoring questions without facts or sections ------------------------------------------
def result_for(item: DevItem, hit: bool, found: int) -> ItemResult:
    return ItemResult(item, "a", False, hit, hit, found, True, True, 1.0, 2.0, 0.01, [])


def test_items_without_facts_or_sections_leave_the_scores_unchanged() -> None:
    scored = [
        result_for(DevItem("a", "q", "zh", 3, ["duration"], [["6个月"], ["1年"]], False), True, 1),
        result_for(DevItem("b", "q", "en", 1, ["kpis"], [["x"]], False), False, 1),
    ]
    unlabelled = result_for(DevItem("feedback-1", "q", "en", None, [], [], False), False, 0)
    before, after = summarize(scored), summarize([*scored, unlabelled])
    for key in ("hit@1", "hit@3", "hit@1_en", "hit@3_en", "hit@1_zh", "fact_recall"):
        assert after[key] == before[key], key
    assert before["fact_recall"] == round(2 / 3, 3) and before["hit@1"] == 0.5
    assert after["questions"] == 3
    assert summarize([unlabelled])["fact_recall"] is None and "hit@1" not in summarize([unlabelled])
