"""Which stage a description reads like, for when its criteria leave the stage open.

The diagnosis reads a description criterion by criterion, and the deterministic scoring
places the company. A description that says little about the criteria themselves
("we run the family's escape rooms; bookings and reminders go through an assistant
now…") leaves most of them unknown, and the scoring then stops at the first stage with
an unknown key criterion, with a low confidence. Such descriptions still say a good deal
about where the company stands, in what they speak of at all.

The resemblance is a softmax regression over the description's embedding, fitted on the
tuning part of the diagnosis profiles only (see
:mod:`advisor.diagnosis.resemblance_training`; its file records which profiles). It
never names the stage itself. Only where the criteria leave the placement unsure
(confidence below :data:`UNSURE_BELOW`) and it is sure, it settles what the criteria
left open, in the way the stages are read anyway:

- a later stage: the unknown criteria of the stages before it are taken as met, marked
  as assumed, as when a later stage's key criterion is met, unless the description
  says one of them is not met;
- an earlier stage: that stage's criteria that were only assumed are unknown again; one
  the description says is met stays met, and then nothing moves.

The scoring then places the company as always, with the assumed answers counting for
less in its confidence, and the questions to settle it are asked.

Where the criteria do place the company, the resemblance is still a second reading: when
it is at least :data:`DOUBT_AT` sure of a stage two or more away from the placement, the
scoring lowers its confidence (see ``READS_UNLIKE_FACTOR`` in
:mod:`advisor.diagnosis.scoring`), so that the diagnosis asks rather than tells.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from advisor.fitting import fit_softmax, scaled_unit, softmax

DEFAULT_RESEMBLANCE = Path(__file__).with_name("resemblance.json")

# The criteria leave the stage open below this confidence; the resemblance is heard then.
UNSURE_BELOW = 0.5
# It settles only when at least this sure. Chosen by fitting the tuning part with one
# batch left out at a time (see resemblance_training).
SURE_AT = 0.7
# Heard as a second reading when at least this sure: two or more stages from the truth
# at this level, it was wrong for 2 of the 256 tuning profiles it was chosen on, each
# fitted without its batch (1 at 0.7, 7 at 0.5).
DOUBT_AT = 0.6
EMBEDDING_SCALE = 10.0
STAGES = 5


def fit(x: np.ndarray, stages: np.ndarray, l2: float = 0.1, steps: int = 3000,
        rate: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Weights (features x stages) and biases of the softmax regression over stages 1-5."""
    return fit_softmax(x, np.eye(STAGES)[stages - 1], l2, steps, rate)


def features(vector: Sequence[float]) -> np.ndarray:
    return scaled_unit(vector, EMBEDDING_SCALE)


@dataclass(frozen=True)
class Resemblance:
    weights: np.ndarray  # features x stages
    biases: np.ndarray
    embedding: str
    trained_on: str
    profiles: int

    def probabilities(self, vector: Sequence[float]) -> np.ndarray | None:
        """The chance of each stage 1-5, or None for a vector of another size."""
        x = features(vector)
        if x.shape[0] != self.weights.shape[0]:
            return None
        return softmax(x @ self.weights + self.biases)

    def to_json(self) -> str:
        return json.dumps({
            "embedding": self.embedding, "trained_on": self.trained_on, "profiles": self.profiles,
            "biases": [round(float(v), 6) for v in self.biases],
            "weights": [[round(float(v), 6) for v in row] for row in self.weights],
        }) + "\n"


def load_resemblance(path: Path = DEFAULT_RESEMBLANCE, embedding: str | None = None) -> Resemblance | None:
    """The fitted resemblance, or None when there is none or it belongs to another embedding model."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if embedding is not None and data["embedding"] != embedding:
            return None
        return Resemblance(np.asarray(data["weights"], dtype=np.float64), np.asarray(data["biases"], dtype=np.float64),
                           data["embedding"], data["trained_on"], int(data["profiles"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def stage_read(probabilities: np.ndarray | None) -> int | None:
    """The stage a description reads like, when the resemblance is at least DOUBT_AT sure."""
    if probabilities is None or float(np.max(probabilities)) < DOUBT_AT:
        return None
    return int(np.argmax(probabilities)) + 1


def settle_open_criteria(extraction, questionnaire, placed: int, probabilities: np.ndarray) -> int | None:
    """Settle what the criteria left open toward the stage the description reads like
    (see the module docstring); the stage it reads like when anything changed, else None."""
    stage = int(np.argmax(probabilities)) + 1
    sure = float(probabilities[stage - 1])
    if sure < SURE_AT or stage == placed:
        return None
    by_id = {q.id: q for q in questionnaire.questions}
    answers = extraction.answers
    note = f"the description reads like those of companies in stage {stage} ({sure:.0%})"
    if stage > placed:
        between = [qid for qid in answers if placed <= by_id[qid].stage < stage]
        # The description says a criterion on the way is not met: then nothing moves. A
        # statement the model read and found silent ("unknown") says no such thing.
        if any(answers[qid].answer in ("no", "partly") and answers[qid].basis in ("stated", "figure")
               for qid in between):
            return None
        changed = [qid for qid in between if answers[qid].answer == "unknown"]
        for qid in changed:
            answers[qid].answer, answers[qid].basis = "yes", "assumed"
            answers[qid].note = f"assumed: not mentioned, and {note}"
    else:
        changed = [qid for qid in answers if by_id[qid].stage == stage and answers[qid].basis == "assumed"]
        for qid in changed:
            answers[qid].answer, answers[qid].basis = "unknown", "not mentioned"
            answers[qid].note = f"not assumed: {note}"
    return stage if changed else None
