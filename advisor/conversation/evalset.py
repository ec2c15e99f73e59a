"""The conversation evaluation set: multi-turn chats whose final turn is scored.

Each case is two or three user messages; the follow-ups lean on earlier turns ("那阶段四
呢?", "And its KPIs?"), or deliberately start a new topic that must not inherit the
earlier stage. Scoring checks the final turn only: the standalone question it was
rewritten into, the facts and stage of its answer, and whether it was declined. The
file format is described in the header of the packaged ``conversations.yaml``
(``advisor.evaluation.DEFAULT_CONVERSATIONS``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from advisor.evaluation import EvaluationSetError, read_entries, facts_found
from advisor.knowledge.stages import SECTIONS
from advisor.retrieval.query import detect_language

LANGUAGES = ("zh", "en", "mixed")
SPLITS = ("tuning", "sealed")
KINDS = (
    "stage_switch",
    "topic_switch",
    "pronoun",
    "ellipsis",
    "ordinal",
    "next_stage",
    "new_topic",
    "off_topic",
)
# The final turn of these kinds is a fresh question: nothing may carry over into it.
FRESH_KINDS = frozenset({"new_topic", "off_topic"})


@dataclass
class ConversationCase:
    """One conversation and what its final turn must achieve.

    ``facts``, ``resolved_contains`` and ``resolved_excludes`` are groups of
    alternatives; see :func:`final_turn_ok` for how each is checked.
    """

    id: str
    language: str
    kind: str
    split: str
    turns: list[str]
    stage: int | None
    sections: list[str]
    facts: list[list[str]]
    refuse: bool
    resolved_contains: list[list[str]]
    resolved_excludes: list[list[str]] = field(default_factory=list)

    @property
    def final_turn(self) -> str:
        return self.turns[-1]

    @property
    def answer_language(self) -> str:
        """The language the final answer must be in: the final turn's, for a mixed chat."""
        return detect_language(self.final_turn) if self.language == "mixed" else self.language

    @property
    def carries_context(self) -> bool:
        """Whether the final turn needs the earlier turns to be understood."""
        return self.kind not in FRESH_KINDS


def _groups(path: Path, name: str, key: str, value, required: bool) -> list[list[str]]:
    """A list of non-empty lists of non-empty strings, or a clear error."""
    if value is None:
        value = []
    if not isinstance(value, list):
        raise EvaluationSetError(f"{path}: {name}: expect.{key} must be a list of lists of strings.")
    for group in value:
        if (not isinstance(group, list) or not group
                or not all(isinstance(alt, str) and alt.strip() for alt in group)):
            raise EvaluationSetError(
                f"{path}: {name}: every group in expect.{key} must be a non-empty list of strings, "
                f"got {group!r}.")
    if required and not value:
        raise EvaluationSetError(f"{path}: {name}: expect.{key} is empty.")
    return [list(group) for group in value]


def _case(path: Path, entry: dict, number: int) -> ConversationCase:
    name = entry.get("id")
    if not isinstance(name, str) or not name.strip():
        raise EvaluationSetError(f"{path}: conversation {number} has no id.")
    for key, allowed in (("language", LANGUAGES), ("kind", KINDS), ("split", SPLITS)):
        if entry.get(key) not in allowed:
            raise EvaluationSetError(
                f"{path}: {name}: {key} is {entry.get(key)!r}, expected one of {', '.join(allowed)}.")
    turns = entry.get("turns")
    if (not isinstance(turns, list) or not turns
            or not all(isinstance(t, str) and t.strip() for t in turns)):
        raise EvaluationSetError(f"{path}: {name}: turns must be a non-empty list of non-empty messages.")
    expect = entry.get("expect")
    if not isinstance(expect, dict):
        raise EvaluationSetError(f"{path}: {name}: expect is missing or not a mapping.")

    stage = expect.get("stage")
    if stage is not None and (isinstance(stage, bool) or stage not in (1, 2, 3, 4, 5)):
        raise EvaluationSetError(f"{path}: {name}: expect.stage is {stage!r}, expected 1-5 or null.")
    refuse = expect.get("refuse")
    if not isinstance(refuse, bool):
        raise EvaluationSetError(f"{path}: {name}: expect.refuse must be true or false.")
    sections = expect.get("sections") or []
    if not isinstance(sections, list):
        raise EvaluationSetError(f"{path}: {name}: expect.sections must be a list.")
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise EvaluationSetError(
            f"{path}: {name}: unknown section keys {unknown}; known: {', '.join(sorted(SECTIONS))}.")
    # A covered question must say where its answer comes from and what it must contain;
    # a declined one has no answer to check.
    facts = _groups(path, name, "facts", expect.get("facts"), required=not refuse)
    if refuse and (facts or stage is not None):
        raise EvaluationSetError(f"{path}: {name}: a declined turn lists no facts and no stage.")
    if not refuse and not sections:
        raise EvaluationSetError(f"{path}: {name}: expect.sections is empty.")
    return ConversationCase(
        id=name,
        language=entry["language"],
        kind=entry["kind"],
        split=entry["split"],
        turns=list(turns),
        stage=stage,
        sections=list(sections),
        facts=facts,
        refuse=refuse,
        resolved_contains=_groups(path, name, "resolved_contains", expect.get("resolved_contains"),
                                  required=True),
        resolved_excludes=_groups(path, name, "resolved_excludes", expect.get("resolved_excludes"),
                                  required=False),
    )


def load_conversations(path: Path) -> list[ConversationCase]:
    """Read and check the conversation set; raises :class:`EvaluationSetError` naming
    the file and the conversation at fault."""
    path = Path(path)
    cases: list[ConversationCase] = []
    seen: set[str] = set()
    for number, entry in enumerate(read_entries(path, "conversations"), 1):
        case = _case(path, entry, number)
        if case.id in seen:
            raise EvaluationSetError(f"{path}: the id {case.id} is used twice.")
        seen.add(case.id)
        cases.append(case)
    return cases


def _missing_groups(text: str, groups: list[list[str]]) -> list[list[str]]:
    return [group for group in groups if not facts_found(text, [group])]


def _present_strings(text: str, groups: list[list[str]]) -> list[str]:
    return [alt for group in groups for alt in group if facts_found(text, [[alt]])]


def final_turn_ok(case: ConversationCase, resolved_question: str, answer_text: str,
                  cited_stages: list[int | None], refused: bool) -> tuple[bool, list[str]]:
    """Whether the final turn met its expectation, and why not.

    The rewritten question must contain one alternative of every ``resolved_contains``
    group and no string of any ``resolved_excludes`` group (case and spaces ignored).
    The refusal must match. An answered, covered turn must contain every fact group and
    cite the expected stage, when there is one.
    """
    reasons: list[str] = []
    for group in _missing_groups(resolved_question, case.resolved_contains):
        reasons.append(f"rewritten question {resolved_question!r} lacks any of {group}")
    carried = _present_strings(resolved_question, case.resolved_excludes)
    if carried:
        reasons.append(f"rewritten question {resolved_question!r} carries over {carried}")
    if refused != case.refuse:
        reasons.append("should have declined" if case.refuse else "declined a covered question")
    if not case.refuse and not refused:
        missing = _missing_groups(answer_text, case.facts)
        if missing:
            found = len(case.facts) - len(missing)
            reasons.append(f"facts {found}/{len(case.facts)}: missing any of {missing}")
        if case.stage is not None and case.stage not in cited_stages:
            reasons.append(f"cited stages {list(cited_stages)}, expected {case.stage}")
    return not reasons, reasons


@dataclass
class ConversationResult:
    """How the advisor did on one conversation: every turn as understood, the final
    answer and whether it met the expectation."""

    case: ConversationCase
    resolved: list[str]
    answer: str
    cited_stages: list[int | None]
    refused: bool
    ok: bool
    reasons: list[str]
    seconds: float

    def to_dict(self) -> dict:
        return {"id": self.case.id, "split": self.case.split, "kind": self.case.kind,
                "language": self.case.language, "turns": self.case.turns, "resolved": self.resolved,
                "answer": self.answer, "cited_stages": self.cited_stages, "refused": self.refused,
                "ok": self.ok, "reasons": self.reasons, "seconds": round(self.seconds, 2)}


def run_conversations(advisor, cases, on_result=None) -> list[ConversationResult]:
    """Hold each conversation with the advisor, one message after another, and score
    its final turn. ``on_result`` is called after each conversation (for progress)."""
    import time

    from advisor.conversation.state import Conversation

    results = []
    for case in cases:
        started = time.perf_counter()
        conversation = Conversation()
        answer = None
        for message in case.turns:
            answer = advisor.ask(message, conversation)
        cited = [s.stage for s in answer.sources if s.cited]
        ok, reasons = final_turn_ok(case, answer.resolved_question, answer.answer, cited, answer.refused)
        result = ConversationResult(case, [t.resolved_question for t in conversation.turns], answer.answer,
                                    cited, answer.refused, ok, reasons, time.perf_counter() - started)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def summarize_conversations(results: list[ConversationResult]) -> dict:
    """Final turns correct, by split (the sealed part is the headline) and by kind."""
    def rate(rows):
        return round(sum(r.ok for r in rows) / len(rows), 3) if rows else None

    summary: dict = {}
    for split in SPLITS:
        rows = [r for r in results if r.case.split == split]
        summary[split] = {"conversations": len(rows), "final_turn_ok": rate(rows),
                          "by_kind": {k: rate([r for r in rows if r.case.kind == k])
                                      for k in KINDS if any(r.case.kind == k for r in rows)}}
    return summary
