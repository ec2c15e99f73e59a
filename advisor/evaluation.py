"""Scoring the advisor on its development sets: the questions and the diagnosis profiles.

Each question names the facts a correct answer must contain (groups of alternative
spellings), the stage it must cite, and whether the document covers it at all. Each
profile names the stages a careful reader could defend. Scoring checks facts and
structure, never exact wording. :func:`build_report` puts both sets, with every item,
into one JSON-ready report, so runs with different models can be compared.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from advisor.errors import AdvisorError
from advisor.places import EVALUATION_RESOURCE, package_resource
from advisor.retrieval.query import answer_language

# The development sets ship inside the package, so `advisor eval` works when installed.
DATA_DIR = package_resource(EVALUATION_RESOURCE)
DEFAULT_DEVSET = DATA_DIR / "devset.yaml"
DEFAULT_PROFILES = DATA_DIR / "profiles.yaml"
DEFAULT_CONVERSATIONS = DATA_DIR / "conversations.yaml"
DEFAULT_PAIRS = DATA_DIR / "cache_pairs.yaml"  # read by advisor.answering.cache_pairs


class EvaluationSetError(AdvisorError, ValueError):
    """A development-set file that is missing, unreadable or malformed."""


@dataclass
class DevItem:
    id: str
    question: str
    language: str
    stage: int | None
    sections: list[str]
    facts: list[list[str]]
    refuse: bool
    # "tuning" (thresholds, glossary and prompt may be fitted to it) or "sealed" (only
    # ever measured); a question without one, e.g. from rated answers, is tuning.
    split: str = "tuning"
    # Where the advisor must send it: "document", or "diagnosis" for a message that
    # describes the user's company, whatever it then asks.
    route: str = "document"


SPLITS = ("sealed", "tuning")
ROUTES = ("document", "diagnosis")


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
    # Figures of the answer that none of its passages holds with the same unit.
    ungrounded: list[str] = field(default_factory=list)
    # Whether any of the top three passages is of the question's stage (any section).
    stage_hit3: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {"id": self.item.id, "split": self.item.split, "language": self.item.language, "ok": self.ok,
                "errors": self.errors, "ungrounded_figures": self.ungrounded,
                "refused": self.refused, "should_refuse": self.item.refuse, "hit@1": self.hit1,
                "hit@3": self.hit3, "stage_hit@3": self.stage_hit3, "facts_found": self.facts_found, "facts": len(self.item.facts),
                "first_token_s": round(self.first_token_s, 3), "total_s": round(self.total_s, 3),
                "retrieval_ms": round(1000 * self.retrieval_s, 1), "answer": self.answer}


def read_entries(path: Path, key: str) -> list[dict]:
    """The list under ``key`` in a YAML file (or the file's top-level list)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvaluationSetError(f"{path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvaluationSetError(f"{path} cannot be read: {exc}") from None
    except yaml.YAMLError as exc:
        raise EvaluationSetError(f"{path} is not valid YAML: {exc}") from None
    entries = data.get(key) if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise EvaluationSetError(f"{path} holds no '{key}' list.")
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise EvaluationSetError(f"{path}: entry {number} of '{key}' is not a mapping.")
    return entries


def _require(path: Path, entry: dict, number: int, keys: Iterable[str]) -> None:
    missing = [k for k in keys if entry.get(k) in (None, "", [])]
    if missing:
        name = entry.get("id") or f"entry {number}"
        raise EvaluationSetError(f"{path}: {name} lacks {', '.join(missing)}.")


def load_devset(path: Path = DEFAULT_DEVSET) -> list[DevItem]:
    items = []
    for number, entry in enumerate(read_entries(path, "questions"), 1):
        _require(path, entry, number, ("id", "question", "language"))
        values = {k: entry.get(k) for k in DevItem.__dataclass_fields__}
        # An off-topic question lists no sections or facts; scoring still counts them.
        values.update(sections=entry.get("sections") or [], facts=entry.get("facts") or [],
                      refuse=bool(entry.get("refuse")), split=entry.get("split") or "tuning",
                      route=entry.get("route") or "document")
        if values["split"] not in SPLITS:
            raise EvaluationSetError(f"{path}: {entry['id']}: split must be 'tuning' or 'sealed', "
                                     f"not {values['split']!r}.")
        if values["route"] not in ROUTES:
            raise EvaluationSetError(f"{path}: {entry['id']}: route must be 'document' or 'diagnosis', "
                                     f"not {values['route']!r}.")
        items.append(DevItem(**values))
    return items


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
    ungrounded = [] if answer.refused else answer_figures_not_in_passages(answer)
    if ungrounded:
        errors.append(f"figures not in its passages: {', '.join(ungrounded)}")
    t = answer.timings
    stage_hit3 = item.stage is not None and any(c.stage == item.stage for c in top[:3])
    return ItemResult(item, answer.answer, answer.refused, hit(1), hit(3), found, cited_ok,
                      language_ok, t["first_token_s"], t["total_s"], t["retrieval_s"], errors, ungrounded,
                      stage_hit3)


def answer_figures_not_in_passages(answer) -> list[str]:
    """The answer's figures that no passage it was given holds (the question's own
    figures count as given), checked by the same rule the chain applies before it shows
    an answer; the evaluation counts them on every answer, as a check of that rule."""
    from advisor.answering.grounding import ungrounded_figures

    text = _OWN_FIGURES.sub(" ", answer.answer)
    return ungrounded_figures(text, [s.text for s in answer.sources] + [answer.question])


# The diagnosis reply states its own confidence ("置信度 0.40"): the advisor's number,
# not a figure from the document.
_OWN_FIGURES = re.compile(r"[(（](?:置信度|confidence)\s*\d(?:\.\d+)?[)）]", re.I)


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


def percentile(values: Iterable[float], share: float) -> float:
    """The ``share`` quantile (0-1), interpolated between the two nearest values, so
    ``percentile(v, 0.5)`` is the median."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    position = share * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _rate(flags: Iterable[bool]) -> float | None:
    flags = list(flags)
    return round(sum(flags) / len(flags), 3) if flags else None


def _add_percentiles(summary: dict, name: str, values: list[float], digits: int = 2) -> None:
    summary[f"{name}_p50"] = round(percentile(values, 0.5), digits)
    summary[f"{name}_p90"] = round(percentile(values, 0.9), digits)


def summarize(results: list[ItemResult]) -> dict:
    """Aggregate metrics: hit@1/3 (overall and by language), fact recall, cited-stage,
    language and refusal accuracy, off-topic declined, and p50/p90 timings."""
    answerable = [r for r in results if not r.item.refuse]
    # A question taken from a rated answer may name no section yet (the answer cited
    # none), and one may name no facts: such a question does not count towards hit@k,
    # or towards fact recall, instead of counting as a miss.
    located = [r for r in answerable if r.item.sections]
    summary: dict = {"questions": len(results)}
    if located:
        summary["hit@1"] = _rate(r.hit1 for r in located)
        summary["hit@3"] = _rate(r.hit3 for r in located)
    staged = [r for r in located if r.item.stage is not None]
    if staged:
        summary["stage_hit@3"] = _rate(r.stage_hit3 for r in staged)
    for lang in sorted({r.item.language for r in located}):
        subset = [r for r in located if r.item.language == lang]
        summary[f"hit@1_{lang}"] = _rate(r.hit1 for r in subset)
        summary[f"hit@3_{lang}"] = _rate(r.hit3 for r in subset)
    total_facts = sum(len(r.item.facts) for r in answerable)
    summary["fact_recall"] = round(sum(r.facts_found for r in answerable) / total_facts, 3) if total_facts else None
    summary["cited_stage_accuracy"] = _rate(r.cited_stage_ok and not r.refused for r in answerable)
    summary["language_accuracy"] = _rate(r.language_ok and not r.refused for r in answerable)
    summary["refusal_accuracy"] = _rate(r.refused == r.item.refuse for r in results)
    summary["wrongly_declined"] = _rate(r.refused for r in answerable)
    summary["answers_with_ungrounded_figures"] = sum(bool(r.ungrounded) for r in results)
    declined = [r for r in results if r.item.refuse]
    summary["off_topic_declined"] = f"{sum(r.refused for r in declined)}/{len(declined)}"
    # A declined question never reaches the model (or stops at once): its timings would
    # flatter the model, so first-token and total times count answered questions only.
    answered = [r for r in results if not r.refused]
    if answered:
        _add_percentiles(summary, "first_token_s", [r.first_token_s for r in answered])
        _add_percentiles(summary, "total_s", [r.total_s for r in answered])
    if results:
        _add_percentiles(summary, "retrieval_ms", [1000 * r.retrieval_s for r in results], digits=1)
    return summary


# --- diagnosis profiles -----------------------------------------------------------------
@dataclass
class DiagnosisProfile:
    id: str
    language: str
    expected_stage: int
    acceptable_stages: list[int]
    text: str
    answers: dict = field(default_factory=dict)
    note: str = ""
    split: str = "tuning"  # as for questions: "sealed" profiles are only ever measured


CONFIDENCE_BANDS = ((0.0, 0.5), (0.5, 0.8), (0.8, 1.01))
"""The reliability table's bands: [low, high) of the diagnosis confidence."""

CONFIDENT = 0.8
"""A wrong stage at or above this confidence is the failure a manager cannot see."""


@dataclass
class ProfileResult:
    profile: DiagnosisProfile
    stage: int
    seconds: float
    model_calls: int
    errors: list[str] = field(default_factory=list)
    # The whole assessment, for tests that check the evidence; not part of the report.
    assessment: object = field(default=None, repr=False, compare=False)
    confidence: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def distance(self) -> int:
        """How many stages the diagnosis is from the nearest acceptable one."""
        return min(abs(self.stage - s) for s in self.profile.acceptable_stages)

    def to_dict(self) -> dict:
        return {"id": self.profile.id, "split": self.profile.split, "language": self.profile.language,
                "ok": self.ok, "errors": self.errors, "expected_stage": self.profile.expected_stage,
                "acceptable_stages": self.profile.acceptable_stages, "stage": self.stage,
                "confidence": self.confidence, "seconds": round(self.seconds, 2), "model_calls": self.model_calls}


def load_profiles(path: Path = DEFAULT_PROFILES) -> list[DiagnosisProfile]:
    profiles = []
    for number, entry in enumerate(read_entries(path, "profiles"), 1):
        _require(path, entry, number, ("id", "language", "expected_stage", "acceptable_stages", "profile"))
        acceptable = entry["acceptable_stages"]
        if not isinstance(acceptable, list) or not all(isinstance(s, int) for s in acceptable):
            raise EvaluationSetError(f"{path}: {entry['id']}: acceptable_stages must be a list of stage numbers.")
        split = entry.get("split") or "tuning"
        if split not in SPLITS:
            raise EvaluationSetError(f"{path}: {entry['id']}: split must be 'tuning' or 'sealed', not {split!r}.")
        profiles.append(DiagnosisProfile(entry["id"], entry["language"], entry["expected_stage"], acceptable,
                                         entry["profile"], entry.get("answers") or {}, entry.get("note") or "",
                                         split))
    return profiles


def run_profiles(advisor, profiles: Iterable[DiagnosisProfile],
                 on_result: Callable[[ProfileResult], None] | None = None) -> list[ProfileResult]:
    """Diagnose every profile from its text (the model reads the answers) and score the stage."""
    results = []
    for profile in profiles:
        assessment = advisor.assess_profile(profile.text)
        confidence = assessment.diagnosis.confidence
        errors = [] if assessment.stage in profile.acceptable_stages else [
            f"stage {assessment.stage} at confidence {confidence:.2f}, acceptable {profile.acceptable_stages}"]
        result = ProfileResult(profile, assessment.stage, assessment.extraction.seconds,
                               assessment.extraction.model_calls, errors, assessment, confidence)
        results.append(result)
        if on_result:
            on_result(result)
    return results


def summarize_profiles(results: list[ProfileResult]) -> dict:
    """Diagnosis accuracy (overall and by language), misses more than one stage away,
    wrong stages stated with confidence >= 0.8, the reliability table (per confidence
    band: how many, and the share placed right) and p50/p90 seconds and model calls."""
    summary: dict = {"profiles": len(results), "diagnosis_accuracy": _rate(r.ok for r in results)}
    for lang in sorted({r.profile.language for r in results}):
        summary[f"diagnosis_accuracy_{lang}"] = _rate(r.ok for r in results if r.profile.language == lang)
    summary["far_misses"] = sum(1 for r in results if r.distance > 1)
    summary["confident_wrong"] = sum(1 for r in results if not r.ok and r.confidence >= CONFIDENT)
    summary["reliability"] = [
        {"band": f"{low:.1f}-{min(high, 1.0):.1f}", "profiles": len(band), "accuracy": _rate(r.ok for r in band)}
        for low, high in CONFIDENCE_BANDS
        for band in [[r for r in results if low <= r.confidence < high]]]
    if results:
        _add_percentiles(summary, "seconds", [r.seconds for r in results])
        _add_percentiles(summary, "model_calls", [float(r.model_calls) for r in results], digits=1)
    return summary


# --- the report -------------------------------------------------------------------------
def build_report(devset: list[ItemResult] | None = None, profiles: list[ProfileResult] | None = None,
                 **about) -> dict:
    """One JSON-ready report: ``about`` (model, threads, ...) first, then for each set
    that ran its summary and every item (id, ok, errors, timings); a set that did not
    run is ``None``, so reports from different runs have the same keys."""
    report = dict(about)
    report["devset"] = None if devset is None else {
        "summary": summarize(devset),
        # The sealed part's numbers are the headline; the tuning part's are in-sample.
        "splits": {split: summarize(part) for split in SPLITS
                   if (part := [r for r in devset if r.item.split == split])},
        "items": [r.to_dict() for r in devset]}
    report["profiles"] = None if profiles is None else {
        "summary": summarize_profiles(profiles),
        "splits": {split: summarize_profiles(part) for split in SPLITS
                   if (part := [r for r in profiles if r.profile.split == split])},
        "items": [r.to_dict() for r in profiles]}
    return report
