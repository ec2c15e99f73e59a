"""Progress over time: assessments and KPI check-ins in a local SQLite database.

A manager comes back months later; the history shows what changed between two
assessments (stage, criteria, confidence) and how KPI check-ins compare with the stage
file's targets. Each write is one transaction, so a crash leaves either the whole record
or none. The schema version lives in ``PRAGMA user_version``: a database from a newer
advisor is refused rather than misread.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from advisor.diagnosis.roadmap import format_target
from advisor.errors import AdvisorError
from advisor.local_db import LocalDatabase
from advisor.knowledge.stages import KPI, StageBook

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE assessments (
    id          INTEGER PRIMARY KEY,
    company     TEXT    NOT NULL,
    assessed_on TEXT    NOT NULL,   -- ISO date
    stage       INTEGER NOT NULL CHECK (stage BETWEEN 1 AND 5),
    confidence  REAL    NOT NULL,
    answers     TEXT    NOT NULL,   -- JSON: Answers.to_dict()
    result      TEXT    NOT NULL    -- JSON: Diagnosis/Roadmap.to_dict()
);
CREATE INDEX assessments_by_company ON assessments (company, assessed_on, id);
CREATE TABLE kpi_checkins (
    id         INTEGER PRIMARY KEY,
    company    TEXT NOT NULL,
    checked_on TEXT NOT NULL,
    kpi_id     TEXT NOT NULL,
    value      REAL NOT NULL
);
CREATE INDEX checkins_by_company ON kpi_checkins (company, checked_on, id);
"""


class HistoryError(AdvisorError, RuntimeError):
    """The history database cannot be used; the message names the file and the fix."""


@dataclass(frozen=True)
class Assessment:
    """One saved assessment."""

    id: int
    company: str
    on: date
    stage: int
    confidence: float
    answers: dict
    result: dict

    @property
    def met(self) -> dict[str, bool]:
        return {e["id"]: bool(e["met"]) for e in self.result.get("evidence", [])}


@dataclass(frozen=True)
class CriterionChange:
    """A criterion whose answer or met status differs between two assessments."""

    id: str
    before: dict | None
    after: dict | None
    met_before: bool
    met_after: bool


@dataclass(frozen=True)
class AssessmentDiff:
    """What changed from ``earlier`` to ``later``."""

    earlier: Assessment
    later: Assessment
    stage_change: int
    confidence_change: float
    criteria: tuple[CriterionChange, ...]

    def to_dict(self) -> dict:
        return {
            "earlier": {"id": self.earlier.id, "date": self.earlier.on.isoformat(), "stage": self.earlier.stage},
            "later": {"id": self.later.id, "date": self.later.on.isoformat(), "stage": self.later.stage},
            "stage_change": self.stage_change,
            "confidence_change": self.confidence_change,
            "criteria": [c.__dict__ for c in self.criteria],
        }


@dataclass(frozen=True)
class KpiProgress:
    """A KPI check-in compared with the KPI's target.

    ``status`` is ``met``, ``not_yet`` or ``no_target`` (the KPI has no figure, e.g. PMF);
    ``gap`` is how far below the target minimum the value is, in the KPI's unit (0 if met).
    """

    company: str
    on: date
    kpi_id: str
    value: float
    target: str | None
    unit: str | None
    status: str
    gap: float | None


class AssessmentHistory:
    """The history database at ``path`` (a file in the caller's data dir)."""

    def __init__(self, path: Path, book: StageBook):
        self.path = Path(path)
        self._kpis: dict[str, KPI] = {k.id: k for s in book.stages for k in s.kpis if k.id}
        self._db = LocalDatabase(self.path, HistoryError, "history", _SCHEMA, SCHEMA_VERSION)
        self._open_and_migrate()

    # -- assessments ---------------------------------------------------------------

    def save(self, company: str, on: date, answers: Mapping, result: Mapping) -> int:
        """Store an assessment and return its id. ``result`` needs ``stage`` and ``confidence``."""
        company = _company(company)
        try:
            stage, confidence = int(result["stage"]), float(result["confidence"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"result must carry a numeric 'stage' and 'confidence' ({exc})") from None
        row = (company, on.isoformat(), stage, confidence, _json(answers), _json(result))
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO assessments (company, assessed_on, stage, confidence, answers, result)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cursor.lastrowid)

    def assessments(self, company: str | None = None) -> list[Assessment]:
        """Saved assessments, oldest first; only ``company``'s when given."""
        sql = "SELECT * FROM assessments"
        args: tuple = ()
        if company is not None:
            sql, args = sql + " WHERE company = ?", (company,)
        with self._connect() as conn:
            return [_assessment(r) for r in conn.execute(sql + " ORDER BY assessed_on, id", args)]

    def get(self, assessment_id: int) -> Assessment:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM assessments WHERE id = ?", (assessment_id,)).fetchone()
        if row is None:
            raise KeyError(f"no assessment {assessment_id} in {self.path}; `advisor history` lists them")
        return _assessment(row)

    def diff(self, earlier_id: int, later_id: int) -> AssessmentDiff:
        """The stage change, changed criteria and confidence change between two assessments."""
        a, b = self.get(earlier_id), self.get(later_id)
        met_a, met_b = a.met, b.met
        changed = []
        for cid in sorted(set(a.answers) | set(b.answers) | set(met_a) | set(met_b)):
            before, after = a.answers.get(cid), b.answers.get(cid)
            if before != after or met_a.get(cid, False) != met_b.get(cid, False):
                changed.append(CriterionChange(cid, before, after, met_a.get(cid, False), met_b.get(cid, False)))
        return AssessmentDiff(a, b, b.stage - a.stage, round(b.confidence - a.confidence, 4), tuple(changed))

    # -- KPI check-ins --------------------------------------------------------------

    def check_in(self, company: str, on: date, kpi_id: str, value: float) -> int:
        """Record a measured KPI value (e.g. personal efficiency +12 -> ``12``)."""
        company = _company(company)
        if kpi_id not in self._kpis:
            raise ValueError(f"{kpi_id!r} is not a KPI id; known ids: {', '.join(self._kpis)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"KPI value must be a finite number, got {value!r}")
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO kpi_checkins (company, checked_on, kpi_id, value) VALUES (?, ?, ?, ?)",
                (company, on.isoformat(), kpi_id, float(value)),
            )
            return int(cursor.lastrowid)

    def kpi_progress(self, company: str) -> list[KpiProgress]:
        """Every check-in of ``company``, oldest first, compared with its KPI's target."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT * FROM kpi_checkins WHERE company = ? ORDER BY checked_on, id", (company,)
            ).fetchall()
        return [self._compare(r) for r in rows]

    def _compare(self, row: sqlite3.Row) -> KpiProgress:
        kpi = self._kpis.get(row["kpi_id"])
        target = kpi.target if kpi else None
        value = row["value"]
        if target is None or target.min is None:
            status, gap = "no_target", None
        elif value >= target.min:
            status, gap = "met", 0.0
        else:
            status, gap = "not_yet", round(target.min - value, 4)
        return KpiProgress(
            company=row["company"],
            on=date.fromisoformat(row["checked_on"]),
            kpi_id=row["kpi_id"],
            value=value,
            target=format_target(kpi) if kpi else None,
            unit=target.unit if target else None,
            status=status,
            gap=gap,
        )

    # -- the database ---------------------------------------------------------------

    def _connect(self):
        return self._db.transaction()

    def _open_and_migrate(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db.migrate()



def _assessment(row: sqlite3.Row) -> Assessment:
    return Assessment(
        id=row["id"],
        company=row["company"],
        on=date.fromisoformat(row["assessed_on"]),
        stage=row["stage"],
        confidence=row["confidence"],
        answers=json.loads(row["answers"]),
        result=json.loads(row["result"]),
    )


def _company(company: str) -> str:
    if not isinstance(company, str) or not company.strip():
        raise ValueError("company name must be a non-empty text")
    return company.strip()


def _json(data: Mapping) -> str:
    # sort_keys: the same assessment is stored as the same text, which keeps diffs honest.
    return json.dumps(data, ensure_ascii=False, sort_keys=True)
