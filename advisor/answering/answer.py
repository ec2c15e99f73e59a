"""What the answer chain gives out: a finished answer, its sources, and the streamed events."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Source:
    """A passage shown under an answer."""

    id: str
    stage: int | None
    section: str
    section_title: str
    label: str
    source: str
    text: str
    score: float
    cited: bool = False
    # [start, end] character spans of ``text`` that the answer used (the figures and
    # phrases it shares with the passage), for opening a citation with them highlighted.
    highlights: list[list[int]] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict) -> Source:
        return cls(data["id"], data["stage"], data["section"], data["section_title"], data["label"],
                   data["source"], data["text"], float(data["score"]), bool(data.get("cited", False)),
                   [list(span) for span in data.get("highlights", [])])

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "stage": self.stage,
            "section": self.section,
            "section_title": self.section_title,
            "label": self.label,
            "source": self.source,
            "text": self.text,
            "score": round(self.score, 4),
            "cited": self.cited,
            "highlights": [list(span) for span in self.highlights],
        }


@dataclass
class Answer:
    """A finished answer with its sources and timings."""

    question: str
    answer: str
    language: str
    refused: bool
    sources: list[Source]
    timings: dict
    model: str
    reason: str = ""
    # In a conversation: the standalone question the message was understood as (the
    # message itself when it needed nothing from earlier turns), and what to ask next.
    resolved_question: str = ""
    suggestions: list[str] = field(default_factory=list)
    # Given again from the answer cache (advisor.answering.cache), not written anew.
    cached: bool = False
    # A reply of the diagnosis: the answers it read and the questions it asked, so that
    # the user's answers to them update the same assessment (advisor.diagnosis.chat).
    diagnosis: dict | None = None

    @classmethod
    def from_dict(cls, data: dict) -> Answer:
        """The answer ``to_dict`` wrote."""
        return cls(data["question"], data["answer"], data["language"], bool(data["refused"]),
                   [Source.from_dict(s) for s in data["sources"]], dict(data["timings"]), data["model"],
                   data.get("reason", ""), data.get("resolved_question", ""),
                   list(data.get("suggestions", [])), bool(data.get("cached", False)),
                   data.get("diagnosis") if isinstance(data.get("diagnosis"), dict) else None)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "resolved_question": self.resolved_question or self.question,
            "answer": self.answer,
            "language": self.language,
            "refused": self.refused,
            "sources": [s.to_dict() for s in self.sources],
            "timings": self.timings,
            "model": self.model,
            "reason": self.reason,
            "suggestions": list(self.suggestions),
            "cached": self.cached,
            **({"diagnosis": self.diagnosis} if self.diagnosis is not None else {}),
        }


@dataclass
class AnswerEvent:
    """One step of a streamed answer: ``sources`` first, then ``token``s, then ``done``.

    In a conversation an ``understood`` event may come first: its text is the standalone
    question a follow-up was resolved into ("理解为: 阶段四需要多长时间?").

    A ``retract`` event before ``done`` means the streamed text must be replaced by the
    event's text: it failed the figure check or the output guard, or it declined a
    question the article's own sentence answers (see :mod:`advisor.answering.verdict`).
    """

    kind: str
    text: str = ""
    sources: list[Source] = field(default_factory=list)
    answer: Answer | None = None
