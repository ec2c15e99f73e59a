"""How well the answer cache tells a repeated question from a different one.

``advisor/evaluation_data/cache_pairs.yaml`` holds pairs of questions, each marked ``same``
when the stored answer to one is the right answer to the other. The cache's rule
(:meth:`advisor.answering.cache.AnswerCache.is_repeat`) is run on each pair: a *wrong
repeat* (a different question given another's answer) is the failure that matters; a
*missed repeat* only costs one model answer. The similarity threshold is chosen on the
tuning part; the sealed part is reported beside it and never used to choose.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from advisor.answering.question import clean_question
from advisor.evaluation import DEFAULT_PAIRS, SPLITS, EvaluationSetError, _require, read_entries


@dataclass
class QuestionPair:
    id: str
    split: str
    a: str
    b: str
    same: bool


@dataclass
class PairResult:
    pair: QuestionPair
    repeat: bool  # what the cache decided
    similarity: float
    same_signature: bool

    @property
    def ok(self) -> bool:
        return self.repeat == self.pair.same

    def to_dict(self) -> dict:
        return {"id": self.pair.id, "split": self.pair.split, "ok": self.ok, "same": self.pair.same,
                "repeat": self.repeat, "errors": [] if self.ok else [
                    "a different question given this one's answer" if self.repeat else "repeat missed"],
                "similarity": round(self.similarity, 4), "same_signature": self.same_signature}


def load_pairs(path: Path = DEFAULT_PAIRS) -> list[QuestionPair]:
    pairs = []
    for number, entry in enumerate(read_entries(path, "pairs"), start=1):
        _require(path, entry, number, ("id", "split", "a", "b", "same"))
        if entry["split"] not in SPLITS:
            raise EvaluationSetError(f"{path}: pair {number} has split {entry['split']!r}; use one of {SPLITS}.")
        pairs.append(QuestionPair(str(entry["id"]), entry["split"], str(entry["a"]), str(entry["b"]),
                                  bool(entry["same"])))
    return pairs


def run_pairs(cache, pairs: list[QuestionPair], max_question_chars: int = 2000) -> list[PairResult]:
    """The cache's decision on each pair (questions cleaned as the advisor cleans them)."""
    results = []
    for pair in pairs:
        a, b = clean_question(pair.a, max_question_chars), clean_question(pair.b, max_question_chars)
        repeat, similarity, same_signature = cache.is_repeat(a, b)
        results.append(PairResult(pair, repeat, similarity, same_signature))
    return results


def summarize_pairs(results: list[PairResult]) -> dict:
    """Per split: pairs, repeats found, repeats missed and wrong repeats."""
    summary = {}
    for split in SPLITS:
        part = [r for r in results if r.pair.split == split]
        same = [r for r in part if r.pair.same]
        different = [r for r in part if not r.pair.same]
        summary[split] = {
            "pairs": len(part),
            "repeats_found": sum(r.repeat for r in same),
            "repeats": len(same),
            "wrong_repeats": sum(r.repeat for r in different),
            "different": len(different),
            "wrongly_repeated": [r.pair.id for r in different if r.repeat],
        }
    return summary
