"""Assessment history in SQLite: round trip, diff, KPI check-ins, schema and errors."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from advisor.diagnosis.history import SCHEMA_VERSION, AssessmentHistory, HistoryError
from advisor.diagnosis.questionnaire import Questionnaire
from advisor.diagnosis.roadmap import build_roadmap
from advisor.diagnosis.scoring import diagnose
from advisor.knowledge.stages import StageBook
from tests.unit.diagnosis_fixtures import answers_for_stage, real_book


@pytest.fixture(scope="module")
def book() -> StageBook:
    return real_book()


@pytest.fixture
def history(tmp_path: Path, book: StageBook) -> AssessmentHistory:
    return AssessmentHistory(tmp_path / "data" / "history.sqlite3", book)


def assess(book: StageBook, raw: dict) -> tuple[dict, dict]:
    questionnaire = Questionnaire(book)
    answers = questionnaire.validate_answers(raw)
    return answers.to_dict(), build_roadmap(book, diagnose(book, answers, questionnaire)).to_dict()


def test_round_trip(history: AssessmentHistory, book: StageBook) -> None:
    answers, result = assess(book, answers_for_stage(book, 2))
    saved = history.save("Acme", date(2026, 1, 15), answers, result)
    history.save("Other Co", date(2026, 1, 1), *assess(book, {}))
    got = history.get(saved)
    assert (got.company, got.on, got.stage, got.confidence) == ("Acme", date(2026, 1, 15), 2, result["confidence"])
    assert got.answers == answers and got.result == result
    assert [a.company for a in history.assessments()] == ["Other Co", "Acme"]  # by date
    assert [a.id for a in history.assessments("Acme")] == [saved]
    # answers read back validate again: the stored form is the questionnaire's own
    assert Questionnaire(book).validate_answers(got.answers).to_dict() == answers


def test_diff_between_two_assessments(history: AssessmentHistory, book: StageBook) -> None:
    before_raw = answers_for_stage(book, 2)
    after_raw = dict(before_raw, team_ai_project="yes", team_project_efficiency={"answer": "yes", "number": 25})
    first = history.save("Acme", date(2026, 1, 1), *assess(book, before_raw))
    second = history.save("Acme", date(2026, 7, 1), *assess(book, after_raw))
    diff = history.diff(first, second)
    assert diff.stage_change == 1
    assert diff.later.stage == 3
    assert diff.confidence_change == round(diff.later.confidence - diff.earlier.confidence, 4)
    changed = {c.id: c for c in diff.criteria}
    assert set(changed) == {"team_ai_project", "team_project_efficiency"}
    assert (changed["team_ai_project"].met_before, changed["team_ai_project"].met_after) == (False, True)
    assert changed["team_project_efficiency"].after == {"answer": "yes", "number": 25.0}
    assert diff.to_dict()["stage_change"] == 1


def test_kpi_check_ins_are_compared_with_targets(history: AssessmentHistory) -> None:
    history.check_in("Acme", date(2026, 2, 1), "personal_efficiency", 12)
    history.check_in("Acme", date(2026, 4, 1), "personal_efficiency", 17.5)
    history.check_in("Acme", date(2026, 4, 1), "product_market_fit", 1)
    history.check_in("Other", date(2026, 4, 1), "customer_satisfaction", 99)
    progress = history.kpi_progress("Acme")
    assert [(p.kpi_id, p.status, p.gap) for p in progress] == [
        ("personal_efficiency", "not_yet", 3.0),
        ("personal_efficiency", "met", 0.0),
        ("product_market_fit", "no_target", None),
    ]
    assert progress[0].target == "15-20%" and progress[0].unit == "%"


def test_check_in_rejects_unknown_kpis_and_bad_values(history: AssessmentHistory) -> None:
    with pytest.raises(ValueError, match="'efficiency' is not a KPI id; known ids: personal_efficiency"):
        history.check_in("Acme", date(2026, 1, 1), "efficiency", 3)
    with pytest.raises(ValueError, match="finite number"):
        history.check_in("Acme", date(2026, 1, 1), "personal_efficiency", float("inf"))
    with pytest.raises(ValueError, match="company name"):
        history.check_in("  ", date(2026, 1, 1), "personal_efficiency", 3)
    assert history.kpi_progress("Acme") == []


def test_schema_version_is_recorded_and_a_newer_one_refused(tmp_path: Path, book: StageBook) -> None:
    path = tmp_path / "h.sqlite3"
    AssessmentHistory(path, book)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(HistoryError, match="newer advisor"):
        AssessmentHistory(path, book)


def test_reopening_keeps_the_records(tmp_path: Path, book: StageBook) -> None:
    path = tmp_path / "h.sqlite3"
    AssessmentHistory(path, book).save("Acme", date(2026, 1, 1), {}, {"stage": 1, "confidence": 0.0})
    assert len(AssessmentHistory(path, book).assessments()) == 1


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path, book: StageBook) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("these are my notes, not a database " * 50)
    with pytest.raises(HistoryError, match="notes.sqlite3"):
        AssessmentHistory(path, book)


def test_a_failed_write_leaves_nothing_behind(history: AssessmentHistory) -> None:
    with pytest.raises(HistoryError):
        history.save("Acme", date(2026, 1, 1), {}, {"stage": 9, "confidence": 0.5})  # CHECK fails
    with pytest.raises(ValueError, match="'stage' and 'confidence'"):
        history.save("Acme", date(2026, 1, 1), {}, {"confidence": 0.5})
    assert history.assessments() == []


def test_missing_assessment_is_a_clear_error(history: AssessmentHistory) -> None:
    with pytest.raises(KeyError, match="no assessment 42"):
        history.get(42)
