"""The structured stage file (``knowledge/stages.yaml``): models and loader.

The stage document is prose; this file holds the same facts as data (durations,
KPI targets, budgets, cautions) so that answers, plans and diagnoses can use exact
figures. Every fact carries the section it came from and a verbatim quote, so that
it can be cited and checked against the document.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from advisor.errors import AdvisorError

SectionKey = Literal[
    "goal",
    "actions",
    "execution",
    "data_security",
    "kpis",
    "duration",
    "culture",
    "cautions",
    "transition",
    "principles",
    "introduction",
    "conclusion",
]
"""The section ids the chunker gives the passages of the stage document."""

SECTIONS: frozenset[str] = frozenset(get_args(SectionKey))


class _Model(BaseModel):
    # A misspelt key in the YAML would otherwise be dropped silently.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Model):
    """A text in the document's Chinese and a faithful English translation."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Item(Bilingual):
    """A fact, with the document section it comes from and a verbatim quote."""

    section: SectionKey
    quote: str = Field(min_length=1, description="A verbatim substring of the document.")


class Example(Item):
    """An example the document lists: a tool, a use case, a project or a partner."""

    kind: Literal["llm", "vertical_tool", "use_case", "project", "partner"]


class Target(_Model):
    """A KPI's numeric target as the text states it.

    A range ("15%-20%") sets ``min`` and ``max``; a single figure ("达到90%",
    "至少 2 个") sets ``min`` only, since the text treats it as a level to reach.
    """

    min: float | None = None
    max: float | None = None
    unit: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Target:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        return self


class KPI(_Model):
    """An expected result of a stage (预期成果与KPI).

    ``id`` is optional and stable (snake_case): KPI check-ins are stored against it.
    """

    id: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    name: Bilingual
    target: Target | None = None
    section: SectionKey
    quote: str = Field(min_length=1)


class Period(Item):
    """A span of time, also in whole months so that plans can add them up."""

    min_months: float = Field(gt=0)
    max_months: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.min_months > self.max_months:
            raise ValueError(
                f"min_months {self.min_months} is greater than max_months {self.max_months}"
            )
        return self


class CriterionNumber(_Model):
    """A measured figure an answer may carry, and the level that meets the criterion."""

    unit: str = Field(min_length=1)
    target_min: float


class Criterion(_Model):
    """A question that tells whether a company has done what moving on from a stage needs.

    Criteria come from the stage's KPIs and its "moving to the next stage" text; ``key``
    marks those the diagnosis should ask about first when they are left unanswered.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable id answers are keyed by.")
    question: Bilingual
    section: SectionKey
    quote: str = Field(min_length=1, description="A verbatim substring of the document.")
    key: bool = False
    number: CriterionNumber | None = None


class Stage(_Model):
    """One of the five stages of AI adoption."""

    id: int = Field(ge=1, le=5)
    title: Bilingual
    collaboration: Bilingual
    goal: Item
    actions: list[Item] = Field(min_length=1)
    kpis: list[KPI] = Field(min_length=1)
    duration: Period
    budget: Item | None = None
    project_period: Period | None = None
    culture: Item
    cautions: list[Item] = []
    transition: list[Item] = Field(min_length=1)
    examples: list[Example] = []
    criteria: list[Criterion] = []

    def items(self) -> Iterator[Item | KPI]:
        """Every quoted fact of this stage, in file order."""
        yield self.goal
        yield from self.actions
        yield from self.kpis
        yield self.duration
        if self.budget:
            yield self.budget
        if self.project_period:
            yield self.project_period
        yield self.culture
        yield from self.cautions
        yield from self.transition
        yield from self.examples


class GlossaryEntry(_Model):
    """English words a manager might use, and the document's Chinese terms for them.

    ``en`` entries are lowercase words or phrases; the retriever adds the ``zh`` terms
    to an English question so that keyword search can match the Chinese text.
    """

    en: list[str] = Field(min_length=1)
    zh: list[str] = Field(min_length=1)


class StageBook(_Model):
    """All structured knowledge from the stage document."""

    stages: list[Stage]
    principles: list[Item] = Field(min_length=1)
    # The introduction's and the conclusion's points: whom the article is for and where
    # the five stages lead.
    overview: list[Item] = []
    glossary: list[GlossaryEntry] = []

    @model_validator(mode="after")
    def _five_stages_in_order(self) -> StageBook:
        ids = [stage.id for stage in self.stages]
        if ids != [1, 2, 3, 4, 5]:
            raise ValueError(f"stages must have ids 1..5 in order, got {ids}")
        return self

    def stage(self, n: int) -> Stage:
        """The stage with id ``n`` (1-5); raises KeyError for any other number."""
        for stage in self.stages:
            if stage.id == n:
                return stage
        raise KeyError(f"there is no stage {n}; the document has stages 1-5")

    def items(self) -> Iterator[Item | KPI]:
        """Every quoted fact in the book: the stages' facts, the principles, the overview."""
        for stage in self.stages:
            yield from stage.items()
        yield from self.principles
        yield from self.overview

    def criteria(self) -> Iterator[tuple[Stage, Criterion]]:
        """Every criterion for moving on, with its stage, in stage order."""
        for stage in self.stages:
            for criterion in stage.criteria:
                yield stage, criterion

    @model_validator(mode="after")
    def _unique_ids(self) -> StageBook:
        # Stored answers and KPI check-ins are keyed by these ids; a duplicate would
        # silently merge two questions.
        for what, ids in (
            ("criterion", [c.id for _, c in self.criteria()]),
            ("KPI", [k.id for s in self.stages for k in s.kpis if k.id]),
        ):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {what} ids: {', '.join(dupes)}")
        return self

    def validate_quotes(self, document_text: str) -> list[str]:
        """The quotes that are not verbatim substrings of ``document_text``.

        The comparison is exact: a quote that differs only in punctuation width or
        spacing would not be found by a reader searching the document either.
        """
        quoted = [item.quote for item in self.items()]
        quoted += [criterion.quote for _, criterion in self.criteria()]
        return [quote for quote in quoted if quote not in document_text]


class StageBookError(AdvisorError, ValueError):
    """The stage file is missing, is not YAML, or does not match the schema."""


def load_stage_book(path: Path) -> StageBook:
    """Read and validate a stage file; raise StageBookError naming the file and the fault."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StageBookError(f"{path}: cannot read the stage file ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise StageBookError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise StageBookError(
            f"{path}: expected a mapping with 'stages', 'principles' and 'glossary', "
            f"got {type(data).__name__}"
        )
    try:
        return StageBook.model_validate(data)
    except ValidationError as exc:
        # Pydantic's own message names the model, not the file; list each fault as
        # a path into the YAML, with stages by their number rather than list index.
        faults = "\n".join(f"  {_where(err['loc'])}: {err['msg']}" for err in exc.errors())
        raise StageBookError(
            f"{path}: {exc.error_count()} problem(s) in the stage file:\n{faults}"
        ) from exc


def _where(loc: tuple) -> str:
    parts = [str(part) for part in loc]
    if len(loc) >= 2 and loc[0] == "stages" and isinstance(loc[1], int):
        parts[:2] = [f"stage {loc[1] + 1}"]
    return ".".join(parts) or "(top level)"
