"""A fitted second opinion on coverage: is this a question the article does not answer?

The coverage call (how far the best passage stands out) and the kinds in
:mod:`advisor.retrieval.outside` are rules; each was written for wordings someone had
seen. New wordings of near-topic requests (a market forecast, a labelling price, a
role-play instruction) slip past them, and a small model then answers them from the
article's passages. The probe is a logistic regression over what retrieval already has
for every question, at no extra cost: the question's embedding (what it is about) and
the retrieval signals (how far the best passage stands out, how many terms it shares with
the passages, whether it names a stage or a part of the article). It is fitted on the
tuning part of the development set only (see :mod:`advisor.retrieval.scope_training`),
and its file records which questions, so a test can tell that no sealed question was
used and that the fit is up to date.

It declines a question the rules let through when it is sure (``threshold``). The
other way round it is heard only against the margin, the weakest rule: a question whose
passages do not stand out enough is answered after all when the probe is sure it is one
the article answers (below :data:`COVERED_BELOW`); the rules on what a question asks for
still decline it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_PROBE = Path(__file__).with_name("scope_probe.json")

# The retrieval signals, in order, and how each is put on the scale of the embedding's
# features (unit vector times EMBEDDING_SCALE): a margin of 0.02 and a keyword score of 5
# weigh about as much as a strong embedding direction. Chosen with the training
# settings below by leaving one batch of the tuning part out at a time.
SIGNALS = ("margin", "keyword_score", "names_stage", "names_section", "describes_stage")
EMBEDDING_SCALE = 10.0
SIGNAL_SCALE = 2.0
# A question the margin declines is answered when the probe is below this. On the tuning
# part, fitted with one batch left out at a time, the margin declined one covered
# question that speaks of the article (probe 0.14) and nine to decline that do (the
# lowest of them 0.59).
COVERED_BELOW = 0.3


def covered_after_probe(covered: bool, flat: bool, probability: float, threshold: float) -> bool:
    """The coverage call once the probe is heard: it declines a covered question when at
    least ``threshold`` sure, and answers one the margin declined though it speaks of the
    article (``flat``) when sure the article answers it. One place for the retriever and
    for the fitting's report of the advisor's decisions."""
    if covered:
        return probability < threshold
    return flat and probability < COVERED_BELOW


def signal_values(extra: dict, stage: int | None) -> list[float]:
    """The retrieval signals of one question, from :class:`Retrieval` fields."""
    return [
        float(extra.get("margin", 0.0)) * 50.0,
        min(float(extra.get("keyword_score", 0.0)), 15.0) / 5.0,
        float(stage is not None),
        float(extra.get("named_section") is not None),
        float(extra.get("described_stage") is not None),
    ]


def features(vector: Sequence[float], signals: Sequence[float]) -> np.ndarray:
    unit = np.asarray(vector, dtype=np.float64)
    unit = unit / (np.linalg.norm(unit) or 1.0)
    return np.concatenate([unit * EMBEDDING_SCALE, np.asarray(signals, dtype=np.float64) * SIGNAL_SCALE])


def fit(x: np.ndarray, declined: np.ndarray, l2: float = 1.0, steps: int = 1500,
        rate: float = 0.5) -> tuple[np.ndarray, float]:
    """Weights and bias of a logistic regression, by plain gradient descent from zero (so
    the same data always gives the same weights). The classes are balanced: questions to
    decline are about a third of the set."""
    y = declined.astype(np.float64)
    positives = max(float(y.sum()), 1.0)
    weight = np.where(declined, (len(y) - positives) / positives, 1.0)
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        g = (p - y) * weight
        w -= rate * (x.T @ g / len(y) + l2 * w / len(y))
        b -= rate * float(g.mean())
    return w, b


@dataclass(frozen=True)
class ScopeProbe:
    weights: np.ndarray
    bias: float
    threshold: float
    embedding: str  # the embedding model the weights belong to
    trained_on: str  # advisor.fitting.items_fingerprint of the questions
    questions: int

    def probability(self, vector: Sequence[float], signals: Sequence[float]) -> float:
        """How sure the probe is that the question is one to decline (0 to 1)."""
        x = features(vector, signals)
        if x.shape != self.weights.shape:
            return 0.0  # another embedding size: the probe does not apply
        return float(1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias))))

    def declines(self, probability: float) -> bool:
        return probability >= self.threshold

    def covers(self, probability: float) -> bool:
        """Sure enough that the article answers it to overrule a flat margin."""
        return probability < COVERED_BELOW

    @property
    def fingerprint(self) -> str:
        """What makes its answers: part of the answer cache's edition."""
        return hashlib.sha256(np.asarray(self.weights, dtype=np.float64).tobytes()
                              + f"{self.bias}:{self.threshold}".encode()).hexdigest()[:16]

    def to_json(self) -> str:
        return json.dumps({
            "embedding": self.embedding, "threshold": self.threshold, "bias": self.bias,
            "trained_on": self.trained_on, "questions": self.questions,
            "signals": list(SIGNALS), "weights": [round(float(w), 6) for w in self.weights],
        }, indent=1) + "\n"


def load_probe(path: Path = DEFAULT_PROBE, embedding: str | None = None) -> ScopeProbe | None:
    """The probe in ``path``, or None when there is none or it was fitted for another
    embedding model than ``embedding`` (its weights would mean nothing there)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if embedding is not None and data.get("embedding") != embedding:
        return None
    if data.get("signals") != list(SIGNALS):
        return None  # fitted on other signals: refit with make scope-probe
    return ScopeProbe(np.asarray(data["weights"], dtype=np.float64), float(data["bias"]),
                      float(data["threshold"]), data["embedding"], data["trained_on"],
                      int(data.get("questions", 0)))
