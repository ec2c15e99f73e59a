"""Deterministic stage diagnosis from questionnaire answers.

The rule is the document's own question, "which stage are you in?", read literally: a
company is in the first stage whose criteria for moving on are not all met. No model is
involved, so the same answers always give the same diagnosis.

When is a criterion met?
  * if the answer carries a number and the criterion has a numeric target, the number
    decides (``number >= target_min``): a measured figure beats a feeling;
  * otherwise only ``yes`` meets it. ``partly`` and ``no`` do not; ``unknown`` does not
    either, but it is listed separately with the question to ask next.

Confidence (0-1), transparent on purpose so a manager can see why it is low::

    relevant   = the criteria of stages 1..current (what placed the company here)
    weight     = 2 for a key criterion, 1 otherwise
    support    = 1 for an answer given, ASSUMED_SUPPORT for one assumed (implied by a
                 later stage, never said), 0 for an unknown
    coverage   = sum(weight * support) over relevant / weight of all relevant
    later      = the criteria of the stages after the current one
    inconsistency = (later criteria met) / len(later)         (0 when current is stage 5)
    contradiction = LATER_KEY_FACTOR when a key criterion of a later stage is met while
                 one of the current stage's is said not to be, else 1
    undecided  = UNDECIDED_FACTOR when every criterion of the current stage not met is
                 unknown (nothing said places the company there), else 1
    doubt      = READS_UNLIKE_FACTOR when the description reads like a stage at least
                 READS_UNLIKE_DISTANCE stages away (see advisor.diagnosis.resemblance), else 1
    confidence = round(coverage * (1 - 0.5 * inconsistency) * contradiction * undecided
                       * doubt, 2)

So unanswered questions about the stages that decide the placement lower it, assumed
answers lower it, and so does a later-stage criterion met while an earlier one is not
(e.g. "we launched an AI product" but "the leader does not use AI"), which suggests the
answers or the placement are off. The two constants were calibrated on the tuning part
of the diagnosis profiles; ``advisor eval`` prints the reliability table (confidence
band -> share placed right) for both parts.

Below ASK_BELOW the diagnosis says it is unsure and names the one to three questions
that would settle the stage (:attr:`Diagnosis.to_ask`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from advisor.diagnosis.citations import Citation
from advisor.diagnosis.gates import Gate, find_gates
from advisor.diagnosis.questionnaire import Answer, Answers, Question, Questionnaire
from advisor.knowledge.stages import Bilingual, StageBook

KEY_WEIGHT = 2
"""A key criterion counts double in the coverage part of the confidence."""

INCONSISTENCY_PENALTY = 0.5
"""The share of confidence lost when every later-stage criterion is met out of order."""

ASSUMED_SUPPORT = 0.7
"""What an assumed answer counts for in the coverage, against 1 for one given."""

LATER_KEY_FACTOR = 0.6
"""The confidence kept when a later stage's key criterion is met although the current
stage's criteria are said not to be: one of the two readings is wrong."""

UNDECIDED_FACTOR = 0.75
"""The confidence kept when nothing said places the company in its stage, only criteria
not known: even a full account of the earlier stages then stays below ASK_BELOW."""

READS_UNLIKE_DISTANCE = 2
READS_UNLIKE_FACTOR = 0.6
"""The confidence kept when the description reads like a company at least two stages
from where its criteria place it: the criteria were probably misread (a "no" backed by an
off-point quote). A reading one stage away is common between neighbouring stages; two
away it happened for 2 of the 256 tuning profiles with the resemblance at least
advisor.diagnosis.resemblance.DOUBT_AT sure, each fitted without its batch."""

ASK_BELOW = 0.8
"""Below this confidence the diagnosis asks the questions that would settle the stage."""

MAX_QUESTIONS = 3


@dataclass(frozen=True)
class Evidence:
    """An answered criterion: what was said, whether it meets the bar, and the source."""

    question: Question
    answer: Answer
    met: bool

    def to_dict(self) -> dict:
        return {
            "id": self.question.id,
            "stage": self.question.stage,
            "key": self.question.key,
            "question": {"zh": self.question.text.zh, "en": self.question.text.en},
            "answer": self.answer.value,
            "number": self.answer.number,
            "target": _target_text(self.question),
            "met": self.met,
            "source": self.question.citation.label,
            "quote": self.question.citation.quote,
        }


@dataclass(frozen=True)
class Unknown:
    """A criterion left unknown; ``question`` is what to ask the manager next."""

    question: Question

    def to_dict(self) -> dict:
        return {
            "id": self.question.id,
            "stage": self.question.stage,
            "key": self.question.key,
            "ask": {"zh": self.question.text.zh, "en": self.question.text.en},
            "source": self.question.citation.label,
            "quote": self.question.citation.quote,
        }


@dataclass(frozen=True)
class Ask:
    """A question whose answer would settle the stage, and why it is asked:
    ``"unknown"`` (not said; a yes would move the company on), ``"contradicted"`` (said
    not met, while a later stage's key criterion is met), ``"assumed"`` (taken as met
    because a later stage implies it; a no would move the company back) or
    ``"reads_unlike"`` (the description reads like a stage at least two away: a "no" that
    holds the company below it, or a "yes" that lifts it above it, is asked again)."""

    question: Question
    reason: str

    def to_dict(self) -> dict:
        return {
            "id": self.question.id,
            "stage": self.question.stage,
            "reason": self.reason,
            "ask": {"zh": self.question.text.zh, "en": self.question.text.en},
            "source": self.question.citation.label,
        }


@dataclass(frozen=True)
class Diagnosis:
    """Where a company stands, how sure we are, and on what evidence."""

    stage: int
    stage_title: Bilingual
    confidence: float
    confidence_basis: Mapping[str, float | int]
    evidence: tuple[Evidence, ...]
    unknown: tuple[Unknown, ...]
    gates: tuple[Gate, ...]
    inconsistent: tuple[str, ...]
    """Ids of later-stage criteria met although the current stage's are not."""
    to_ask: tuple[Ask, ...] = ()
    """When unsure (confidence below ASK_BELOW): the questions that would settle it."""

    @property
    def unsure(self) -> bool:
        return self.confidence < ASK_BELOW

    @property
    def met(self) -> dict[str, bool]:
        return {e.question.id: e.met for e in self.evidence}

    @property
    def citations(self) -> list[Citation]:
        cited = [e.question.citation for e in self.evidence] + [u.question.citation for u in self.unknown]
        return cited + [c for gate in self.gates for c in gate.citations]

    def to_dict(self) -> dict:
        return {
            "stage": self.stage,
            "stage_title": {"zh": self.stage_title.zh, "en": self.stage_title.en},
            "confidence": self.confidence,
            "confidence_basis": dict(self.confidence_basis),
            "evidence": [e.to_dict() for e in self.evidence],
            "unknown": [u.to_dict() for u in self.unknown],
            "gates": [g.to_dict() for g in self.gates],
            "inconsistent": list(self.inconsistent),
            "unsure": self.unsure,
            "to_ask": [a.to_dict() for a in self.to_ask],
        }


def is_met(question: Question, answer: Answer) -> bool:
    """Whether ``answer`` meets ``question``'s criterion (see the module docstring)."""
    if answer.number is not None and question.number is not None:
        return answer.number >= question.number.target_min
    return answer.value == "yes"


def is_unknown(answer: Answer) -> bool:
    """No information at all: ``unknown`` and no figure either."""
    return answer.value == "unknown" and answer.number is None


def diagnose(book: StageBook, answers: Answers, questionnaire: Questionnaire | None = None,
             reads_like: int | None = None) -> Diagnosis:
    """Place a company in a stage from its validated answers; ``reads_like``, the stage a
    description reads like (when sure), lowers the confidence when it is far from there."""
    questionnaire = questionnaire or Questionnaire(book)
    questions = questionnaire.questions
    met = {q.id: is_met(q, answers.get(q.id)) for q in questions}

    stage = 5  # all criteria met: the last stage, which the document names no successor to
    for s in book.stages:
        if not all(met[q.id] for q in questions if q.stage == s.id):
            stage = s.id
            break

    relevant = [q for q in questions if q.stage <= stage]
    later = [q for q in questions if q.stage > stage]
    weight_all = sum(_weight(q) for q in relevant)
    weight_known = sum(_weight(q) * _support(answers.get(q.id)) for q in relevant)
    coverage = weight_known / weight_all if weight_all else 1.0
    inconsistent = tuple(q.id for q in later if met[q.id])
    inconsistency = len(inconsistent) / len(later) if later else 0.0
    said_not_met = [q for q in questions if q.stage == stage and not met[q.id] and not is_unknown(answers.get(q.id))]
    later_key_met = [q for q in later if q.key and met[q.id] and not answers.get(q.id).assumed]
    contradicted = bool(said_not_met and later_key_met)
    # Placed here only because something is not known: every criterion of this stage not
    # met is unknown, none is said to be unmet. The answer to it may well move the stage.
    unmet_here = [q for q in questions if q.stage == stage and not met[q.id]]
    undecided = bool(unmet_here) and not said_not_met
    reads_unlike = reads_like is not None and abs(reads_like - stage) >= READS_UNLIKE_DISTANCE
    confidence = round(coverage * (1 - INCONSISTENCY_PENALTY * inconsistency)
                       * (LATER_KEY_FACTOR if contradicted else 1.0)
                       * (UNDECIDED_FACTOR if undecided else 1.0)
                       * (READS_UNLIKE_FACTOR if reads_unlike else 1.0), 2)
    # What to ask first: a "not met" that a later stage contradicts; or, when the
    # description reads like a stage far from here, the answers that put the company here
    # instead: the "not met" ones holding it below a later reading, the key criteria met
    # above an earlier one (the highest stage first).
    recheck = [Ask(q, "contradicted") for q in said_not_met] if contradicted else []
    if reads_unlike and not contradicted:
        recheck = [Ask(q, "reads_unlike") for q in (
            said_not_met if reads_like > stage else
            sorted((q for q in relevant if q.key and q.stage > reads_like and met[q.id]
                    and not answers.get(q.id).assumed), key=lambda q: -q.stage))]

    evidence = tuple(
        Evidence(q, answers.get(q.id), met[q.id]) for q in questions if not is_unknown(answers.get(q.id))
    )
    # Earlier stages cannot hold an unknown (it would have stopped the search there), so
    # these are the current stage's and later ones; the current stage's key ones first.
    unknown = tuple(
        Unknown(q)
        for q in sorted(
            (q for q in questions if is_unknown(answers.get(q.id))),
            key=lambda q: (q.stage, not q.key, questions.index(q)),
        )
    )
    return Diagnosis(
        stage=stage,
        stage_title=book.stage(stage).title,
        confidence=confidence,
        confidence_basis={
            "coverage": round(coverage, 4),
            "inconsistency": round(inconsistency, 4),
            "relevant_criteria": len(relevant),
            "relevant_answered": sum(1 for q in relevant if not is_unknown(answers.get(q.id))),
            "later_criteria": len(later),
            "later_met": len(inconsistent),
            "undecided": int(undecided),
            "reads_like": reads_like if reads_unlike else 0,
        },
        evidence=evidence,
        unknown=unknown,
        gates=tuple(find_gates(book, stage, met)),
        inconsistent=inconsistent,
        to_ask=_to_ask(questions, answers, stage, recheck) if confidence < ASK_BELOW else (),
    )


def _support(answer: Answer) -> float:
    if is_unknown(answer):
        return 0.0
    return ASSUMED_SUPPORT if answer.assumed else 1.0


def _to_ask(questions: list[Question], answers: Answers, stage: int, recheck: list[Ask]) -> tuple[Ask, ...]:
    """What would settle the stage, most telling first: ``recheck`` (a "not met" that a
    later stage contradicts, or the answers a far reading of the description doubts), then what the current stage leaves unknown (key criteria first), then
    what was only assumed below it (key criteria first, the nearest stage first)."""
    asks = list(recheck)
    asks += [Ask(q, "unknown") for q in sorted(
        (q for q in questions if q.stage == stage and is_unknown(answers.get(q.id))), key=lambda q: not q.key)]
    asks += [Ask(q, "assumed") for q in sorted(
        (q for q in questions if q.stage < stage and answers.get(q.id).assumed), key=lambda q: (not q.key, -q.stage))]
    return tuple(asks[:MAX_QUESTIONS])


def _weight(question: Question) -> int:
    return KEY_WEIGHT if question.key else 1


def _target_text(question: Question) -> str | None:
    if question.number is None:
        return None
    unit = question.number.unit
    figure = f"{question.number.target_min:g}"
    return f">= {figure}{unit}" if unit == "%" else f">= {figure} {unit}"
