"""The roadmap for the stage found: what to do, what to measure, when, and at what cost.

Everything comes from the stage file, so each item carries the citation of the passage it
restates; the milestone months are derived from the stage's duration and project period
(the document gives spans, not dates), as the rules in ``_milestones`` explain.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.diagnosis.citations import Citation, cite_item
from advisor.diagnosis.gates import Gate, find_quote
from advisor.diagnosis.scoring import Diagnosis
from advisor.knowledge.stages import KPI, Bilingual, Stage, StageBook


@dataclass(frozen=True)
class Step:
    """One roadmap item in both languages, with its source."""

    text: Bilingual
    citation: Citation

    def to_dict(self) -> dict:
        return {
            "zh": self.text.zh,
            "en": self.text.en,
            "source": self.citation.label,
            "quote": self.citation.quote,
        }


@dataclass(frozen=True)
class KpiTarget:
    """A KPI of the stage and its target as the document states it."""

    id: str | None
    name: Bilingual
    target: str | None
    minimum: float | None
    maximum: float | None
    unit: str | None
    citation: Citation

    @classmethod
    def from_kpi(cls, stage: int, kpi: KPI) -> KpiTarget:
        t = kpi.target
        return cls(
            id=kpi.id,
            name=kpi.name,
            target=format_target(kpi),
            minimum=t.min if t else None,
            maximum=t.max if t else None,
            unit=t.unit if t else None,
            citation=cite_item(stage, kpi),
        )

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": {"zh": self.name.zh, "en": self.name.en},
            "target": self.target,
            "min": self.minimum,
            "max": self.maximum,
            "unit": self.unit,
            "source": self.citation.label,
            "quote": self.citation.quote,
        }


@dataclass(frozen=True)
class Milestone:
    """A dated checkpoint, in months from the start of the plan."""

    month: float
    title: Bilingual
    citation: Citation

    def to_dict(self) -> dict:
        return {
            "month": self.month,
            "zh": self.title.zh,
            "en": self.title.en,
            "source": self.citation.label,
            "quote": self.citation.quote,
        }


@dataclass(frozen=True)
class Roadmap:
    """The plan for one company in one stage, every item traced to the document."""

    diagnosis: Diagnosis
    stage: Stage
    next_steps: tuple[Step, ...]
    kpis: tuple[KpiTarget, ...]
    duration: Step
    duration_months: tuple[float, float]
    timeline: tuple[Milestone, ...]
    budget: Step | None
    risks: tuple[Step, ...]
    culture: Step
    move_on: tuple[Step, ...]

    @property
    def gates(self) -> tuple[Gate, ...]:
        return self.diagnosis.gates

    @property
    def citations(self) -> list[Citation]:
        """Every citation of the diagnosis and the plan, first occurrence first, no repeats."""
        cited = list(self.diagnosis.citations)
        cited += [s.citation for s in self.next_steps] + [k.citation for k in self.kpis]
        cited += [self.duration.citation] + [m.citation for m in self.timeline]
        cited += [self.budget.citation] if self.budget else []
        cited += [s.citation for s in self.risks] + [self.culture.citation]
        cited += [s.citation for s in self.move_on]
        return list(dict.fromkeys(cited))

    def to_dict(self) -> dict:
        """The JSON of ``advisor assess --json`` (see the issue), plus gates, culture, risks."""
        d = self.diagnosis.to_dict()
        return {
            "stage": d["stage"],
            "stage_title": d["stage_title"],
            "confidence": d["confidence"],
            "confidence_basis": d["confidence_basis"],
            "evidence": d["evidence"],
            "unknown": d["unknown"],
            "next_steps": [s.to_dict() for s in self.next_steps],
            # The shape has a plain "name"; the Chinese name rides alongside.
            "kpis": [{**k.to_dict(), "name": k.name.en, "name_zh": k.name.zh} for k in self.kpis],
            "duration": {
                **self.duration.to_dict(),
                "min_months": self.duration_months[0],
                "max_months": self.duration_months[1],
            },
            "timeline": [m.to_dict() for m in self.timeline],
            "budget": self.budget.to_dict() if self.budget else None,
            "gates": d["gates"],
            "risks": [s.to_dict() for s in self.risks],
            "culture": self.culture.to_dict(),
            "move_on": [s.to_dict() for s in self.move_on],
            "inconsistent": d["inconsistent"],
            "sources": [c.to_dict() for c in self.citations],
        }


def build_roadmap(book: StageBook, diagnosis: Diagnosis) -> Roadmap:
    """The roadmap for ``diagnosis.stage``: its actions, KPIs, timeline, budget and risks."""
    stage = book.stage(diagnosis.stage)
    n = stage.id
    risks = [_step(n, c) for c in stage.cautions]
    # Compliance is a principle of the whole document, not only of the stages that restate
    # it, so every plan carries it.
    law = find_quote(book, None, "法律与合规性")
    principle = next(p for p in book.principles if p.quote == law.quote)
    risks.append(Step(Bilingual(zh=principle.zh, en=principle.en), law))
    return Roadmap(
        diagnosis=diagnosis,
        stage=stage,
        next_steps=tuple(_step(n, a) for a in stage.actions),
        kpis=tuple(KpiTarget.from_kpi(n, k) for k in stage.kpis),
        duration=_step(n, stage.duration),
        duration_months=(stage.duration.min_months, stage.duration.max_months),
        timeline=tuple(_milestones(stage)),
        budget=_step(n, stage.budget) if stage.budget else None,
        risks=tuple(risks),
        culture=_step(n, stage.culture),
        move_on=tuple(_step(n, t) for t in stage.transition),
    )


def format_target(kpi: KPI) -> str | None:
    """A KPI target as a short text: ``15-20%``, ``>= 90%``, ``>= 2 LLMs``; None without one."""
    t = kpi.target
    if t is None or t.min is None:
        return None
    unit = t.unit or ""
    sep = "" if unit in ("%", "") else " "
    if t.max is not None and t.max != t.min:
        return f"{t.min:g}-{t.max:g}{sep}{unit}"
    return f">= {t.min:g}{sep}{unit}"


def _step(stage: int, item) -> Step:
    return Step(Bilingual(zh=item.zh, en=item.en), cite_item(stage, item))


def _milestones(stage: Stage) -> list[Milestone]:
    """Checkpoints in months from now.

    * month 0: kick-off against the stage goal;
    * mid-point review: half of the first project's period where the stage has projects
      (stages 3-5), otherwise half of the shortest duration;
    * KPI check: at the end of the first project period, otherwise at the shortest duration;
    * move-on review: from the shortest duration; the longest duration is the point by
      which the document expects the stage to be done.
    """
    n = stage.id
    duration = cite_item(n, stage.duration)
    first_check = stage.project_period.max_months if stage.project_period else stage.duration.min_months
    check_source = cite_item(n, stage.project_period) if stage.project_period else duration
    kpi_source = cite_item(n, stage.kpis[0])
    milestones = [
        Milestone(
            0,
            Bilingual(zh=f"启动:{stage.goal.zh}", en=f"Kick-off: {stage.goal.en}"),
            cite_item(n, stage.goal),
        ),
        Milestone(
            _half(first_check),
            Bilingual(zh="中期回顾:检查进展,调整任务清单", en="Mid-point review: check progress, adjust the task list"),
            check_source,
        ),
        Milestone(
            first_check,
            Bilingual(zh="KPI 检查:对照目标测量成果", en="KPI check: measure results against the targets"),
            kpi_source,
        ),
    ]
    if stage.duration.min_months > first_check:
        milestones.append(
            Milestone(
                stage.duration.min_months,
                Bilingual(zh="最早的进阶评估:对照过渡条件", en="Earliest move-on review against the transition criteria"),
                duration,
            )
        )
    milestones.append(
        Milestone(
            stage.duration.max_months,
            Bilingual(zh="进阶评估:本阶段预期完成", en="Move-on review: the stage is expected to be done"),
            duration,
        )
    )
    return milestones


def _half(months: float) -> float:
    # Half of ``months`` to the nearest half month: finer dates would claim a precision
    # the document does not have.
    return round(months) / 2
