"""Repeated questions answered at once, from a local cache of finished answers.

Managers ask the same things. A finished answer about the documents is kept in SQLite in
the data directory and given again, marked as cached, when the same question comes back:

- in the same *edition*: the same index build, chat model, prompt, answering code and the
  settings that shape an answer. The edition is part of every entry's key, so a changed
  document, model or prompt makes every older entry unreachable, and the next answer
  stored removes them;
- in the same language, asking the same thing: the stage it names or describes, its
  topic, its figures and whether it is negated must match exactly
  (:func:`question_signature`), and its wording must be near-identical by the e5 embedder
  (cosine similarity at least :data:`SIMILARITY`).

Only document answers are cached, under the standalone question (a follow-up under what it
was resolved into), never a message about the user's own company: nothing of one
conversation reaches another. A cache that cannot be read is a miss, never an error: the
model answers, and a damaged file is replaced.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from advisor.answering.answer import Answer, AnswerEvent
from advisor.errors import AdvisorError
from advisor.local_db import LocalDatabase

log = logging.getLogger(__name__)

# Chosen on the tuning part of advisor/evaluation_data/cache_pairs.yaml (``advisor eval
# --only cache``): two different questions with matching signatures reach 0.964 there
# ("which leaders" vs "which employees"), so the cut sits above it; 0.97 finds 24 of the
# 30 tuning repeats with no wrong repeat. A repeat missed costs one model answer; a
# wrong repeat costs trust.
SIMILARITY = 0.97
MAX_ENTRIES = 2000  # the oldest answers go first; a few MB at most
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    edition TEXT NOT NULL,
    signature TEXT NOT NULL,
    question TEXT NOT NULL,
    vector BLOB NOT NULL,
    answer TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX answers_by_key ON answers (edition, signature)
"""

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# A stage's number is in the signature as the stage ("stage 2" = "the second stage").
_STAGE_NUMBER = re.compile(r"\b(?:stage|phase)\s*\d+|第\s*\d+\s*个?阶段|阶段\s*\d+", re.I)
_NEGATION = re.compile(r"不|没|未|无需|无法|非|\bnot\b|n't\b|\bnever\b|\bwithout\b|\bno\b", re.I)


class AnswerCacheError(AdvisorError):
    """The answer cache file cannot be used (reported, then treated as empty)."""


def question_signature(question: str) -> str:
    """What a question asks, beyond its wording: two questions whose signatures differ
    are never taken for each other, however close their words ("阶段三需要多长时间?" and
    "阶段四需要多长时间?" differ only in the stage)."""
    from advisor.conversation.topics import detect_topic
    from advisor.retrieval.general_points import general_point
    from advisor.retrieval.query import (
        detect_language,
        detect_stage,
        stage_by_content,
        stage_described_as_current,
        stages_named,
    )

    question = unicodedata.normalize("NFKC", question)  # "阶段３" is "阶段3"
    stage = detect_stage(question)
    topic = detect_topic(question)
    parts = {
        "language": detect_language(question),
        "stage": stage,
        # A question comparing stages is not the question on its first one.
        "stages": stages_named(question),
        "described": stage_by_content(question) if stage is None else None,
        # The stage whose fact follows the answer (see advisor.answering.evidence).
        "current": stage_described_as_current(question, topic == "transition") if stage is None else None,
        "topic": topic,
        # The general point whose sentence follows the answer (see advisor.answering.evidence).
        "point": general_point(question) if stage is None else None,
        "numbers": sorted(set(_NUMBER.findall(_STAGE_NUMBER.sub(" ", question)))),
        "negated": bool(_NEGATION.search(question)),
    }
    return json.dumps(parts, sort_keys=True, ensure_ascii=False)


def source_fingerprint(packages: Iterable[Path]) -> str:
    """A digest of the Python sources that turn a question into an answer, so an upgraded
    advisor does not give the old version's answers."""
    digest = hashlib.sha256()
    for package in packages:
        for path in sorted(Path(package).rglob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def edition_of(**parts) -> str:
    """One key for everything (other than the question) that shapes an answer."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:24]


class AnswerCache:
    """Finished document answers by edition, language, signature and wording."""

    def __init__(self, path: Path, embeddings, edition: str, similarity: float = SIMILARITY,
                 max_entries: int = MAX_ENTRIES):
        self.path = Path(path)
        self.embeddings = embeddings
        self.edition = edition  # the fixed part; the index build is added per question
        self.similarity = similarity
        self.max_entries = max_entries
        self._db = LocalDatabase(self.path, AnswerCacheError, "answer cache", SCHEMA, SCHEMA_VERSION)
        self._ready = False
        self._lock = threading.Lock()

    # --- the key --------------------------------------------------------------------------
    def key(self, build: str | None) -> str:
        return edition_of(fixed=self.edition, build=build)

    def _vector(self, question: str) -> np.ndarray:
        vector = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def is_repeat(self, question: str, stored: str) -> tuple[bool, float, bool]:
        """Whether ``question`` would be answered with the answer stored for ``stored``:
        (the decision, their similarity, whether their signatures match)."""
        same_signature = question_signature(question) == question_signature(stored)
        similarity = float(np.dot(self._vector(question), self._vector(stored)))
        return same_signature and similarity >= self.similarity, similarity, same_signature

    # --- reading and writing --------------------------------------------------------------
    def lookup(self, question: str, build: str | None) -> Answer | None:
        """The stored answer to ``question`` (or to a near-identical one), or None."""
        if build is None:
            return None
        try:
            with self._open() as conn:
                # The signature carries the language: only the same question in the same
                # language is a candidate.
                rows = conn.execute("SELECT vector, answer FROM answers WHERE edition = ? AND signature = ?",
                                    (self.key(build), question_signature(question))).fetchall()
                if not rows:
                    return None
                vector = self._vector(question)
                scores = [float(np.dot(vector, np.frombuffer(row["vector"], dtype=np.float32))) for row in rows]
                best = int(np.argmax(scores))
                if scores[best] < self.similarity:
                    return None
                answer = Answer.from_dict(json.loads(rows[best]["answer"]))
        except (AnswerCacheError, ValueError, KeyError, TypeError) as exc:
            self._damaged(exc)
            return None
        answer.timings = dict(answer.timings, cached_similarity=round(scores[best], 4))
        return answer

    def store(self, question: str, answer: Answer, build: str | None) -> None:
        """Keep ``answer`` to the standalone ``question`` for the next time it is asked."""
        if build is None:
            return
        record = answer.to_dict()
        record["question"] = record["resolved_question"] = question
        key = self.key(build)
        try:
            vector = self._vector(question)
            with self._open() as conn:
                # Entries of another edition can never be reached again.
                conn.execute("DELETE FROM answers WHERE edition != ?", (key,))
                conn.execute(
                    "INSERT INTO answers (edition, signature, question, vector, answer, created) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (key, question_signature(question), question,
                     vector.astype(np.float32).tobytes(), json.dumps(record, ensure_ascii=False),
                     datetime.now(timezone.utc).isoformat(timespec="seconds")))
                conn.execute("DELETE FROM answers WHERE id NOT IN "
                             "(SELECT id FROM answers ORDER BY id DESC LIMIT ?)", (self.max_entries,))
        except AnswerCacheError as exc:
            self._damaged(exc)

    def count(self) -> int:
        if not self.path.exists():
            return 0
        try:
            with self._open() as conn:
                return conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        except AnswerCacheError as exc:
            self._damaged(exc)
            return 0

    # --- streaming --------------------------------------------------------------------
    def replay(self, answer: Answer, started: float) -> Iterator[AnswerEvent]:
        """A stored answer as the chain's events: its sources, its text, done."""
        yield AnswerEvent("sources", sources=answer.sources)
        elapsed = round(time.perf_counter() - started, 4)
        yield AnswerEvent("token", text=answer.answer)
        answer.cached = True
        answer.timings = dict(answer.timings, cached=True, retrieval_s=0.0, first_token_s=elapsed,
                              evidence_first_s=elapsed, total_s=round(time.perf_counter() - started, 4),
                              prompt_tokens=0, generated_tokens=0)
        yield AnswerEvent("done", answer=answer)

    def recording(self, question: str, events: Iterator[AnswerEvent], build: str | None
                  ) -> Iterator[AnswerEvent]:
        """``events`` passed on unchanged; a finished answer is stored on the way.

        A declined question is not kept (declining costs no model call, and an answer
        withdrawn by the output guard is declined): the cache holds answers only."""
        for event in events:
            if event.kind == "done" and event.answer is not None and not event.answer.refused:
                self.store(question, event.answer, build)
            yield event

    # --- the file ---------------------------------------------------------------------
    def _open(self):
        with self._lock:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db.migrate()
                self._ready = True
        return self._db.transaction()

    def _damaged(self, exc: Exception) -> None:
        """A cache that cannot be read is replaced, not trusted and not fatal."""
        log.warning("The answer cache %s cannot be used (%s); starting a new one.", self.path, exc)
        with self._lock:
            self._ready = False
            try:
                self.path.unlink(missing_ok=True)
            except OSError:
                pass
