"""The turns of one conversation: what was asked, what it was understood as, and what
the advisor answered. The web chat keeps one per browser session (as plain records in
the browser), ``advisor chat`` one per run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

ROUTES = ("document", "diagnosis")


@dataclass
class Turn:
    """One message and its answer.

    ``resolved_question`` is the standalone question retrieval, the prompt and the
    citations used; it equals ``message`` when the message needed nothing from earlier
    turns. ``stage`` and ``topic`` are the stage and topic in focus after this turn,
    which a follow-up ("那阶段四呢?", "What are its KPIs?") carries on. ``topic`` is
    what was asked about: a section of the article (duration, kpis, goal…) or one of the
    fields it keeps apart inside a section (budget, project_period, examples); see
    :mod:`advisor.conversation.topics`.
    """

    message: str
    resolved_question: str
    route: str = "document"
    language: str = "zh"
    stage: int | None = None
    topic: str | None = None
    answer: str = ""
    refused: bool = False
    sources: list[dict] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    cached: bool = False  # the answer came from the answer cache
    diagnosis: dict | None = None
    """For a diagnosis reply: what it read (``answers``) and asked (``asked``); see
    :meth:`Conversation.open_questions`."""

    def to_record(self) -> dict:
        """A plain dict (JSON-safe) that :meth:`from_record` reads back."""
        return {
            "message": self.message,
            "resolved_question": self.resolved_question,
            "route": self.route,
            "language": self.language,
            "stage": self.stage,
            "topic": self.topic,
            "answer": self.answer,
            "refused": self.refused,
            "sources": list(self.sources),
            "suggestions": list(self.suggestions),
            "cached": self.cached,
            "diagnosis": self.diagnosis,
        }

    @classmethod
    def from_record(cls, record: dict) -> Turn:
        """A turn from a record; the web chat's older records (``question`` instead of
        ``message``) are read too, and anything malformed falls back to a default."""
        message = str(record.get("message") or record.get("question") or "")
        stage = record.get("stage")
        return cls(
            message=message,
            resolved_question=str(record.get("resolved_question") or message),
            route=record.get("route") if record.get("route") in ROUTES else "document",
            language=record.get("language") if record.get("language") in ("zh", "en") else "zh",
            stage=stage if isinstance(stage, int) and not isinstance(stage, bool) else None,
            topic=record.get("topic") if isinstance(record.get("topic"), str) else None,
            answer=str(record.get("answer") or ""),
            refused=bool(record.get("refused", False)),
            sources=[s for s in record.get("sources") or [] if isinstance(s, dict)],
            suggestions=[str(s) for s in record.get("suggestions") or []],
            cached=record.get("cached") is True,
            diagnosis=record.get("diagnosis") if isinstance(record.get("diagnosis"), dict) else None,
        )


@dataclass
class Conversation:
    """The turns so far, oldest first."""

    turns: list[Turn] = field(default_factory=list)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    # Follow-ups refer to the last few turns; older ones are not searched.
    FOCUS_TURNS = 3

    def add(self, turn: Turn) -> None:
        self.turns.append(turn)

    def recent(self) -> list[Turn]:
        """The turns a follow-up may refer to, newest first."""
        return list(reversed(self.turns[-self.FOCUS_TURNS:]))

    def open_questions(self) -> dict | None:
        """The last turn's diagnosis state when that turn was a diagnosis that asked the
        user something (the next message may answer it), else None."""
        if not self.turns:
            return None
        last = self.turns[-1]
        state = last.diagnosis if last.route == "diagnosis" else None
        if not state or not isinstance(state.get("answers"), dict) or not state.get("asked"):
            return None
        return state

    def to_records(self) -> list[dict]:
        return [t.to_record() for t in self.turns]

    @classmethod
    def from_records(cls, records, id: str | None = None) -> Conversation:
        turns = [Turn.from_record(r) for r in records or [] if isinstance(r, dict)]
        return cls(turns, id or uuid.uuid4().hex)
