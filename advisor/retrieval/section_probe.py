"""A fitted guess at which part of the article a question asks about: its stage and section.

Retrieval ranks passages by how close they are to the question (e5) and by the terms they
share (BM25). Both follow the question's words: "What should a team be able to show at
the end of the first stage?" shares its words with the goal and the transition passages,
while it asks for the KPIs. The rules in :mod:`advisor.retrieval.query` name a section
only for the wordings someone wrote down.

The probe is two softmax regressions over the question's embedding, which retrieval has
already computed: one over the stages (1-5, or none for the article's general parts),
one over the sections. It is fitted on the tuning part of the development set only (see
:mod:`advisor.retrieval.section_training`); its file records which questions. A passage
of the article scores the chance of its stage times the chance of its section, and that
ranking joins the dense and keyword ones in the fusion, with a weight of its own. It
changes the ranking only, never the coverage call. It is heard only when the passage
first by closeness and terms is the article's: a company's documents have no stages or
sections of the article, and the probe must not push them down.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from advisor.fitting import scaled_unit, softmax
from advisor.knowledge.stages import SECTIONS

DEFAULT_SECTION_PROBE = Path(__file__).with_name("section_probe.json")

EMBEDDING_SCALE = 10.0
# Class 0 is "no stage": the introduction, the principles, the closing advice.
STAGE_CLASSES = 6
SECTION_CLASSES: tuple[str, ...] = tuple(sorted(SECTIONS))


def features(vector: Sequence[float]) -> np.ndarray:
    return scaled_unit(vector, EMBEDDING_SCALE)


@dataclass(frozen=True)
class SectionProbe:
    stage_weights: np.ndarray  # features x STAGE_CLASSES
    stage_biases: np.ndarray
    section_weights: np.ndarray  # features x len(SECTION_CLASSES)
    section_biases: np.ndarray
    embedding: str  # the embedding model the weights belong to
    trained_on: str  # advisor.fitting.items_fingerprint of the questions
    questions: int

    def chances(self, vector: Sequence[float]) -> tuple[np.ndarray, dict[str, float]] | None:
        """The chance of each stage (index 0: none) and of each section, or None for an
        embedding of another size."""
        x = features(vector)
        if x.shape[0] != self.stage_weights.shape[0]:
            return None
        stages = softmax(x @ self.stage_weights + self.stage_biases)
        sections = softmax(x @ self.section_weights + self.section_biases)
        return stages, dict(zip(SECTION_CLASSES, sections.tolist()))

    def ranking(self, vector: Sequence[float], chunks, stage: int | None = None) -> list[str]:
        """The ids of ``chunks`` (the article's passages among them), most likely part first.

        With ``stage`` named by the question, only that stage's passages are ranked, by
        their section alone, as the dense and keyword rankings are then filtered too.
        """
        chances = self.chances(vector)
        if chances is None:
            return []
        stages, sections = chances
        scored = []
        for order, chunk in enumerate(chunks):
            if chunk.section not in sections or (stage is not None and chunk.stage != stage):
                continue
            of_stage = 1.0 if stage is not None else float(stages[chunk.stage or 0])
            scored.append((-of_stage * sections[chunk.section], order, chunk.id))
        return [cid for _, _, cid in sorted(scored)]

    @property
    def fingerprint(self) -> str:
        """What shapes its rankings: part of the answer cache's edition."""
        return hashlib.sha256(b"".join(np.asarray(a, dtype=np.float64).tobytes() for a in (
            self.stage_weights, self.stage_biases, self.section_weights, self.section_biases))).hexdigest()[:16]

    def to_json(self) -> str:
        def rows(a):
            return [[round(float(v), 6) for v in row] for row in a]
        return json.dumps({
            "embedding": self.embedding, "trained_on": self.trained_on, "questions": self.questions,
            "sections": list(SECTION_CLASSES),
            "stage_biases": [round(float(v), 6) for v in self.stage_biases],
            "section_biases": [round(float(v), 6) for v in self.section_biases],
            "stage_weights": rows(self.stage_weights), "section_weights": rows(self.section_weights),
        }) + "\n"


def load_section_probe(path: Path = DEFAULT_SECTION_PROBE, embedding: str | None = None) -> SectionProbe | None:
    """The probe in ``path``, or None when there is none, or it was fitted for another
    embedding model or another list of sections (its weights would mean nothing then)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if embedding is not None and data["embedding"] != embedding:
            return None
        if data["sections"] != list(SECTION_CLASSES):
            return None  # the article's sections changed: refit with make section-probe
        return SectionProbe(
            np.asarray(data["stage_weights"], dtype=np.float64), np.asarray(data["stage_biases"], dtype=np.float64),
            np.asarray(data["section_weights"], dtype=np.float64),
            np.asarray(data["section_biases"], dtype=np.float64),
            data["embedding"], data["trained_on"], int(data["questions"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
