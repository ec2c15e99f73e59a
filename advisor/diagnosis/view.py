"""An assessment as it is shown: every line in one language, with its citation label.

The terminal printout, the chat's reply, the web page's card and roadmap, and the
Markdown report all show the same assessment. They read it from this view, built once
from the roadmap, so a field cannot take one shape in one place and another elsewhere.
Texts are plain: each renderer escapes them for where they go.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.knowledge.chunks import STAGE_NAMES_ZH


@dataclass(frozen=True)
class Line:
    """A cited item: its text and the label of the passage it restates."""

    text: str
    source: str


@dataclass(frozen=True)
class EvidenceLine:
    """An answered criterion: the question, the answer given, and whether it is met."""

    question: str
    answer: str
    """The questionnaire value: "yes", "partly", "no" or "unknown" (with a figure)."""
    number: float | None
    met: bool
    source: str


@dataclass(frozen=True)
class GateLine:
    """A step to hold back for now, why, and the passages that set the order."""

    title: str
    advice: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class KpiLine:
    """A KPI and its target as the document states it (None: no numeric target)."""

    name: str
    target: str | None
    source: str


@dataclass(frozen=True)
class MilestoneLine:
    """A checkpoint, in months from the start of the plan."""

    month: float
    title: str
    source: str


@dataclass(frozen=True)
class AssessmentView:
    """The diagnosis and the roadmap in ``lang``, item by item, each with its source."""

    lang: str
    stage: int
    stage_name: str
    """The stage as the document names it: 阶段三 in Chinese, Stage 3 in English."""
    stage_title: str
    confidence: float
    relevant_criteria: int
    relevant_answered: int
    later_met: int
    evidence: tuple[EvidenceLine, ...]
    unknown: tuple[Line, ...]
    """The questions to ask next, most decisive first."""
    gates: tuple[GateLine, ...]
    next_steps: tuple[Line, ...]
    kpis: tuple[KpiLine, ...]
    duration: Line
    timeline: tuple[MilestoneLine, ...]
    budget: Line | None
    risks: tuple[Line, ...]
    culture: Line
    move_on: tuple[Line, ...]
    quotes: tuple[Line, ...]
    """Every cited passage once, as ``Line(quote, label)``, first citation first."""
    history_id: int | None = None
    to_ask: tuple[Line, ...] = ()
    """When the diagnosis is unsure: the one to three questions that would settle it."""
    reads_like: int = 0
    """The stage the description reads like, when that is far from the placement (else 0)."""


def assessment_view(assessment, lang: str) -> AssessmentView:
    """The view of an :class:`~advisor.diagnosis.assessment.Assessment` in ``lang``."""
    return roadmap_view(assessment.roadmap, lang, assessment.history_id)


def roadmap_view(roadmap, lang: str, history_id: int | None = None) -> AssessmentView:
    """The view of a :class:`~advisor.diagnosis.roadmap.Roadmap` in ``lang`` ("zh"; anything
    else is English)."""
    def text(bilingual) -> str:
        return bilingual.zh if lang == "zh" else bilingual.en

    def line(step) -> Line:
        return Line(text(step.text), step.citation.label)

    d = roadmap.diagnosis
    basis = d.confidence_basis
    return AssessmentView(
        lang=lang,
        stage=d.stage,
        stage_name=STAGE_NAMES_ZH[d.stage] if lang == "zh" else f"Stage {d.stage}",
        stage_title=text(d.stage_title),
        confidence=d.confidence,
        relevant_criteria=basis["relevant_criteria"],
        relevant_answered=basis["relevant_answered"],
        later_met=basis["later_met"],
        evidence=tuple(EvidenceLine(text(e.question.text), e.answer.value, e.answer.number, e.met,
                                    e.question.citation.label) for e in d.evidence),
        unknown=tuple(Line(text(u.question.text), u.question.citation.label) for u in d.unknown),
        gates=tuple(GateLine(text(g.title), text(g.advice), tuple(c.label for c in g.citations))
                    for g in d.gates),
        next_steps=tuple(line(s) for s in roadmap.next_steps),
        kpis=tuple(KpiLine(text(k.name), k.target, k.citation.label) for k in roadmap.kpis),
        duration=line(roadmap.duration),
        timeline=tuple(MilestoneLine(m.month, text(m.title), m.citation.label) for m in roadmap.timeline),
        budget=line(roadmap.budget) if roadmap.budget else None,
        risks=tuple(line(s) for s in roadmap.risks),
        culture=line(roadmap.culture),
        move_on=tuple(line(s) for s in roadmap.move_on),
        quotes=tuple(Line(c.quote, c.label) for c in roadmap.citations),
        history_id=history_id,
        to_ask=tuple(Line(text(a.question.text), a.question.citation.label) for a in d.to_ask),
        # Saved before the reading was kept: none.
        reads_like=int(basis.get("reads_like", 0)),
    )
