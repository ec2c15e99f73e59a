"""Scoring the advisor on a development set: retrieval hits, facts, citations, refusals.

Each item names the facts a correct answer must contain (groups of alternative
spellings), the stage it must cite, and whether the document covers it at all.
Scoring checks facts and structure, never exact wording.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from advisor.retrieval.query import detect_language

DEFAULT_DEVSET = Path(__file__).resolve().parent.parent / "tests" / "data" / "devset.yaml"


@dataclass
class DevItem:
    id: str
    question: str
    language: str
    stage: int | None
    sections: list[str]
    facts: list[list[str]]
    refuse: bool


@dataclass
class ItemResult:
    item: DevItem
    answer: str
    refused: bool
    hit1: bool
    hit3: bool
    facts_found: int
    cited_stage_ok: bool
    language_ok: bool
    first_token_s: float
    total_s: float
    retrieval_s: float
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def load_devset(path: Path = DEFAULT_DEVSET) -> list[DevItem]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [DevItem(**{k: entry.get(k) for k in DevItem.__dataclass_fields__}) for entry in data["questions"]]


_LABELS_AND_QUOTES = re.compile(r"\[[^\]]*\]|\([^)]*\)|（[^）]*）|“[^”]*”|\"[^\"]*\"")


def answer_language(answer: str) -> str:
    """The language an answer is written in, ignoring citation labels and quotes.

    An English answer may quote the Chinese original in parentheses and cites Chinese
    labels; neither makes it a Chinese answer.
    """
    return detect_language(_LABELS_AND_QUOTES.sub(" ", answer))


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def facts_found(answer: str, groups: list[list[str]]) -> int:
    """How many fact groups have at least one alternative in the answer."""
    text = _norm(answer)
    return sum(any(_norm(alt) in text for alt in group) for group in groups)


def score_item(item: DevItem, answer, retrieval) -> ItemResult:
    """Score one answer (an :class:`~advisor.answering.chain.Answer`) against its item."""
    top = [p.chunk for p in retrieval.passages]

    def hit(n: int) -> bool:
        return any(c.stage == item.stage and c.section in item.sections for c in top[:n])

    errors: list[str] = []
    if answer.refused != item.refuse:
        errors.append("should have declined" if item.refuse else "declined a covered question")
    found = 0
    cited_ok = language_ok = True
    if not item.refuse and not answer.refused:
        found = facts_found(answer.answer, item.facts)
        if found < len(item.facts):
            errors.append(f"facts {found}/{len(item.facts)}")
        cited = [s for s in answer.sources if s.cited] or answer.sources[:1]
        cited_ok = item.stage is None or any(s.stage == item.stage for s in cited)
        if not cited_ok:
            errors.append(f"cited stages {[s.stage for s in cited]}, expected {item.stage}")
        language_ok = answer_language(answer.answer) == item.language
        if not language_ok:
            errors.append(f"answered in the wrong language for a {item.language} question")
    t = answer.timings
    return ItemResult(item, answer.answer, answer.refused, hit(1), hit(3), found, cited_ok,
                      language_ok, t["first_token_s"], t["total_s"], t["retrieval_s"], errors)


def run_devset(advisor, items: Iterable[DevItem],
               on_result: Callable[[ItemResult], None] | None = None) -> list[ItemResult]:
    """Ask every question (the model loaded once) and score the answers."""
    results = []
    for item in items:
        retrieval = advisor.retriever.retrieve(item.question)
        answer = advisor.ask(item.question)
        result = score_item(item, answer, retrieval)
        results.append(result)
        if on_result:
            on_result(result)
    return results


def summarize(results: list[ItemResult]) -> dict:
    """Aggregate metrics: hit@1/3 by language, fact recall, refusal accuracy, timings."""
    answerable = [r for r in results if not r.item.refuse]
    summary: dict = {"questions": len(results)}
    for lang in ("zh", "en"):
        subset = [r for r in answerable if r.item.language == lang]
        if subset:
            summary[f"hit@1_{lang}"] = round(sum(r.hit1 for r in subset) / len(subset), 3)
            summary[f"hit@3_{lang}"] = round(sum(r.hit3 for r in subset) / len(subset), 3)
    total_facts = sum(len(r.item.facts) for r in answerable)
    summary["fact_recall"] = round(sum(r.facts_found for r in answerable) / total_facts, 3) if total_facts else None
    summary["cited_stage_accuracy"] = round(
        sum(r.cited_stage_ok and not r.refused for r in answerable) / len(answerable), 3) if answerable else None
    summary["language_accuracy"] = round(
        sum(r.language_ok and not r.refused for r in answerable) / len(answerable), 3) if answerable else None
    summary["refusal_accuracy"] = round(sum(r.refused == r.item.refuse for r in results) / len(results), 3)
    declined = [r for r in results if r.item.refuse]
    summary["off_topic_declined"] = f"{sum(r.refused for r in declined)}/{len(declined)}"
    answered = [r for r in results if not r.refused]
    if answered:
        ttft = sorted(r.first_token_s for r in answered)
        summary["first_token_s_p50"] = round(statistics.median(ttft), 2)
        summary["first_token_s_p90"] = round(ttft[int(0.9 * (len(ttft) - 1))], 2)
        summary["total_s_p50"] = round(statistics.median(r.total_s for r in answered), 2)
    summary["retrieval_ms_p50"] = round(1000 * statistics.median(r.retrieval_s for r in results), 1)
    return summary
