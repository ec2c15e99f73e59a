"""👍/👎 on answers, kept in a local SQLite database, and the 👎 ones as a development set.

A manager who rates an answer 👎 has found a question the advisor gets wrong. Exported
as questions in the format of the development set that ``advisor eval`` reads, those can
be scored with ``advisor eval --devset FILE`` once someone has written down the facts a
correct answer needs. Each write is one transaction; the schema version lives in
``PRAGMA user_version``, and a database from a newer advisor is refused rather than
misread. Nothing is created until the first rating is stored.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from advisor.errors import AdvisorError
from advisor.local_db import LocalDatabase

SCHEMA_VERSION = 1
RATINGS = ("up", "down")
LANGUAGES = ("zh", "en")
# A note is a remark, not a document; a longer one is cut rather than refused, so a
# rating is never lost over it.
NOTE_MAX_CHARS = 2000

_SCHEMA = """
CREATE TABLE feedback (
    id                INTEGER PRIMARY KEY,
    created           TEXT NOT NULL,   -- UTC, ISO 8601
    rating            TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    question          TEXT NOT NULL,   -- the message as typed
    resolved_question TEXT NOT NULL,   -- the standalone question that was answered
    answer            TEXT NOT NULL,
    sources           TEXT NOT NULL,   -- JSON: list of Source.to_dict()
    note              TEXT NOT NULL,
    language          TEXT,
    conversation_id   TEXT
);
CREATE INDEX feedback_by_rating ON feedback (rating, id);
"""

_DEVSET_HEADER = """\
# Answers rated 👎 in the advisor, as development-set questions.
# Before scoring them with `advisor eval --devset THIS_FILE`, check each entry:
#   facts     add groups of alternatives a correct answer must contain
#             (an entry without facts is scored on retrieval, citations and language only)
#   stage, sections   taken from the passages the rated answer cited; correct them if
#             those were the wrong passages
#   refuse    set to true if the documents do not cover the question
# `message` (as typed), `note` (the user's remark) and `answer` (the rated answer)
# are kept for reference; scoring ignores them.

"""


class FeedbackError(AdvisorError, ValueError):
    """Feedback that cannot be stored or read; the message says what is wrong and the fix."""


@dataclass(frozen=True)
class FeedbackEntry:
    """One rating of one answer."""

    id: int
    created: datetime
    rating: str
    question: str
    resolved_question: str
    answer: str
    sources: list[dict] = field(default_factory=list)
    note: str = ""
    language: str | None = None
    conversation_id: str | None = None

    @property
    def cited(self) -> list[dict]:
        """The passages the answer cited, in the order shown."""
        return [s for s in self.sources if s.get("cited")]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "created": self.created.isoformat(),
            "rating": self.rating,
            "question": self.question,
            "resolved_question": self.resolved_question,
            "answer": self.answer,
            "sources": list(self.sources),
            "note": self.note,
            "language": self.language,
            "conversation_id": self.conversation_id,
        }


class FeedbackStore:
    """The feedback database at ``path`` (``feedback.sqlite`` in the data directory)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._ready = False
        self._db = LocalDatabase(self.path, FeedbackError, "feedback", _SCHEMA, SCHEMA_VERSION)

    def add(self, rating: str, question: str, resolved_question: str, answer: str, sources: list[dict],
            note: str = "", language: str | None = None, conversation_id: str | None = None) -> int:
        """Store a rating (``"up"`` or ``"down"``) of an answer and return its id."""
        if rating not in RATINGS:
            raise FeedbackError(f"rating must be 'up' or 'down', got {rating!r}")
        if language is not None and language not in LANGUAGES:
            raise FeedbackError(f"language must be 'zh', 'en' or None, got {language!r}")
        question = str(question or "").strip()
        if not question:
            raise FeedbackError("the rated question is empty")
        resolved = str(resolved_question or "").strip() or question
        try:
            sources_json = json.dumps([s for s in sources or [] if isinstance(s, dict)], ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise FeedbackError(f"the answer's sources cannot be stored as JSON ({exc})") from None
        row = (_now().isoformat(timespec="seconds"), rating, question, resolved, str(answer or ""),
               sources_json, str(note or "").strip()[:NOTE_MAX_CHARS], language,
               None if conversation_id is None else str(conversation_id))
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO feedback (created, rating, question, resolved_question, answer, sources,"
                " note, language, conversation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cursor.lastrowid)

    def entries(self, rating: str | None = None) -> list[FeedbackEntry]:
        """Every rating, oldest first; only ``"up"`` or ``"down"`` ones when given."""
        if rating is not None and rating not in RATINGS:
            raise FeedbackError(f"rating must be 'up' or 'down', got {rating!r}")
        if not self.path.exists():  # nothing rated yet: reading creates nothing
            return []
        sql, args = "SELECT * FROM feedback", ()
        if rating is not None:
            sql, args = sql + " WHERE rating = ?", (rating,)
        with self._connect() as conn:
            return [_entry(r) for r in conn.execute(sql + " ORDER BY id", args)]

    def export_devset(self, path: Path) -> int:
        """Write the 👎 answers to ``path`` as development-set questions (YAML, replaced
        atomically) and return how many. With none, nothing is written and 0 returned:
        ``advisor eval`` refuses a set without questions."""
        import yaml

        from advisor.files import write_atomic

        down = self.entries("down")
        if not down:
            return 0
        questions = [_devset_question(e) for e in down]
        body = yaml.safe_dump({"questions": questions}, allow_unicode=True, sort_keys=False, width=100)
        path = Path(path)
        try:
            write_atomic(path, (_DEVSET_HEADER + body).encode("utf-8"))
        except OSError as exc:
            raise FeedbackError(f"cannot write {path}: {exc.strerror or exc}") from None
        return len(questions)

    # -- the database ---------------------------------------------------------------

    def _connect(self):
        if not self._ready:  # first use: make the folder, the tables and their version
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise FeedbackError(f"{self.path.parent}: cannot create the data folder ({exc})") from None
            self._migrate()
            self._ready = True
        return self._open()

    def _open(self):
        return self._db.transaction()

    def _migrate(self) -> None:
        self._db.migrate()



def _now() -> datetime:
    return datetime.now(timezone.utc)


def _entry(row: sqlite3.Row) -> FeedbackEntry:
    try:
        sources = json.loads(row["sources"])
    except ValueError:
        sources = []
    return FeedbackEntry(
        id=row["id"],
        created=datetime.fromisoformat(row["created"]),
        rating=row["rating"],
        question=row["question"],
        resolved_question=row["resolved_question"],
        answer=row["answer"],
        sources=[s for s in sources if isinstance(s, dict)] if isinstance(sources, list) else [],
        note=row["note"],
        language=row["language"],
        conversation_id=row["conversation_id"],
    )


def _devset_question(entry: FeedbackEntry) -> dict:
    """One 👎 answer as a development-set question (the format ``load_devset`` reads)."""
    from advisor.retrieval.query import detect_language

    cited = entry.cited
    stage = cited[0].get("stage") if cited else None
    sections = list(dict.fromkeys(str(s["section"]) for s in cited if s.get("section")))
    return {
        "id": f"feedback-{entry.id}",
        "question": entry.resolved_question,
        "language": entry.language or detect_language(entry.resolved_question),
        "stage": stage if isinstance(stage, int) and not isinstance(stage, bool) else None,
        "sections": sections,
        "facts": [],
        "refuse": False,
        "message": entry.question,
        "note": entry.note,
        "answer": entry.answer,
        "rated": entry.created.isoformat(),
    }
