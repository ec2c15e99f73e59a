"""The conversation evaluation set is well formed, grounded in the article, split by its
stated rule, and its final-turn scorer accepts good turns and names what is wrong."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from advisor.conversation.evalset import (
    FRESH_KINDS,
    KINDS,
    ConversationCase,
    final_turn_ok,
    load_conversations,
)
from advisor.evaluation import DEFAULT_CONVERSATIONS, DEFAULT_DEVSET, EvaluationSetError, load_devset
from advisor.retrieval.query import detect_language


def _root() -> Path:
    return Path(__file__).resolve().parents[2]


def _set_path() -> Path:
    return DEFAULT_CONVERSATIONS


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _english_texts(node) -> list[str]:
    """Every English rendering in the stage and principle facts of stages.yaml."""
    if isinstance(node, dict):
        found = [node["en"]] if isinstance(node.get("en"), str) else []
        return found + [t for key, value in node.items() if key != "en" for t in _english_texts(value)]
    if isinstance(node, list):
        return [t for value in node for t in _english_texts(value)]
    return []


@pytest.fixture(scope="module")
def cases() -> list[ConversationCase]:
    return load_conversations(_set_path())


@pytest.fixture(scope="module")
def document() -> str:
    return _norm((_root() / "knowledge" / "stage_document.zh.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def english() -> str:
    book = yaml.safe_load((_root() / "knowledge" / "stages.yaml").read_text(encoding="utf-8"))
    # The glossary's English words are query vocabulary, not renderings of the facts.
    return _norm(" ".join(_english_texts({"stages": book["stages"], "principles": book["principles"]})))


# --- shape and coverage -------------------------------------------------------------------
def test_size_and_ids(cases):
    assert len(cases) >= 36
    assert len({c.id for c in cases}) == len(cases)
    assert all(2 <= len(c.turns) <= 3 for c in cases)
    assert sum(len(c.turns) == 3 for c in cases) >= 6


def test_languages_are_balanced(cases):
    counts = Counter(c.language for c in cases)
    assert counts["mixed"] >= 3
    assert abs(counts["zh"] - counts["en"]) <= 4
    for case in cases:
        languages = {detect_language(turn) for turn in case.turns}
        if case.language == "mixed":
            assert languages == {"zh", "en"}, case.id
        else:
            assert languages == {case.language}, case.id


def test_every_kind_and_section_kind_is_covered(cases):
    assert {c.kind for c in cases} == set(KINDS)
    assert sum(c.kind in FRESH_KINDS for c in cases) >= 6
    assert sum(c.refuse for c in cases) >= 3
    covered = {s for c in cases for s in c.sections}
    assert {"goal", "actions", "execution", "data_security", "kpis", "duration", "culture",
            "cautions", "transition", "principles"} <= covered


def test_no_turn_is_taken_from_the_development_set(cases):
    devset = {_norm(item.question) for item in load_devset(DEFAULT_DEVSET)}
    copied = [(c.id, t) for c in cases for t in c.turns if _norm(t) in devset]
    assert copied == []


def test_follow_ups_need_the_earlier_turns_and_fresh_questions_do_not(cases):
    for case in cases:
        final = case.final_turn
        in_final = [any(_norm(alt) in _norm(final) for alt in group) for group in case.resolved_contains]
        if case.carries_context:
            # Something the rewrite must say (the stage, the topic) is not in the message.
            assert not all(in_final), case.id
        else:
            assert all(in_final), case.id
            assert case.resolved_excludes, case.id
        excluded = [alt for group in case.resolved_excludes for alt in group if _norm(alt) in _norm(final)]
        assert excluded == [], case.id


# --- grounding ----------------------------------------------------------------------------
def test_every_fact_group_is_in_the_article(cases, document):
    for case in cases:
        for group in case.facts:
            assert any(_norm(alt) in document for alt in group), (case.id, group)


def test_english_answers_have_an_english_rendering_of_every_fact(cases, english):
    for case in cases:
        if case.answer_language != "en":
            continue
        for group in case.facts:
            latin = [alt for alt in group if alt.isascii()]
            assert any(_norm(alt) in english for alt in latin), (case.id, group)


# --- the split ------------------------------------------------------------------------------
def test_split_follows_the_stated_rule(cases):
    by_language: dict[str, list[ConversationCase]] = {}
    for case in cases:
        by_language.setdefault(case.language, []).append(case)
    for group in by_language.values():
        for position, case in enumerate(sorted(group, key=lambda c: c.id)):
            assert case.split == ("sealed" if position % 5 in (1, 3) else "tuning"), case.id


def test_both_parts_hold_both_languages_and_every_kind(cases):
    sealed = [c for c in cases if c.split == "sealed"]
    tuning = [c for c in cases if c.split == "tuning"]
    assert len(sealed) >= 14
    assert 0.3 <= len(sealed) / len(cases) <= 0.45
    for part in (sealed, tuning):
        assert {"zh", "en"} <= {c.answer_language for c in part}
        assert {c.kind for c in part} == set(KINDS)


# --- malformed files ----------------------------------------------------------------------
_GOOD = {
    "id": "zh-x", "language": "zh", "kind": "pronoun", "split": "tuning",
    "turns": ["阶段三需要多久?", "它的KPI呢?"],
    "expect": {"stage": 3, "sections": ["kpis"], "facts": [["15%-20%"]], "refuse": False,
               "resolved_contains": [["阶段三"], ["KPI"]]},
}


def _write(tmp_path: Path, entries) -> Path:
    path = tmp_path / "conversations.yaml"
    path.write_text(yaml.safe_dump({"conversations": entries}, allow_unicode=True), encoding="utf-8")
    return path


def _with(**changes) -> dict:
    entry = {**_GOOD, "expect": dict(_GOOD["expect"])}
    for key, value in changes.items():
        if key.startswith("expect_"):
            entry["expect"][key.removeprefix("expect_")] = value
        else:
            entry[key] = value
    return entry


def test_a_well_formed_entry_loads(tmp_path):
    (case,) = load_conversations(_write(tmp_path, [_with()]))
    assert case.stage == 3 and case.resolved_excludes == [] and case.final_turn == "它的KPI呢?"


@pytest.mark.parametrize(("entry", "message"), [
    (_with(expect_sections=["kpi"]), "unknown section keys"),
    (_with(turns=[]), "turns"),
    (_with(turns=["阶段三需要多久?", "  "]), "turns"),
    (_with(split="test"), "split"),
    (_with(language="fr"), "language"),
    (_with(kind="other"), "kind"),
    (_with(expect_stage=6), "expect.stage"),
    (_with(expect_facts=[]), "expect.facts is empty"),
    (_with(expect_facts=[["15%"], []]), "non-empty list"),
    (_with(expect_resolved_contains=[]), "resolved_contains is empty"),
    (_with(expect_refuse="no"), "expect.refuse"),
    (_with(expect={}), "expect.refuse"),
    (_with(id=""), "has no id"),
])
def test_malformed_entries_are_refused_clearly(tmp_path, entry, message):
    with pytest.raises(EvaluationSetError, match=message):
        load_conversations(_write(tmp_path, [entry]))


def test_duplicate_ids_and_missing_files_are_refused(tmp_path):
    with pytest.raises(EvaluationSetError, match="used twice"):
        load_conversations(_write(tmp_path, [_with(), _with()]))
    with pytest.raises(EvaluationSetError, match="does not exist"):
        load_conversations(tmp_path / "absent.yaml")


# --- the final-turn scorer --------------------------------------------------------------------
def _case(**changes) -> ConversationCase:
    values = dict(
        id="zh-t", language="zh", kind="stage_switch", split="tuning",
        turns=["阶段三一般需要多长时间?", "那阶段四呢?"], stage=4, sections=["duration"],
        facts=[["1.5", "18 months"], ["3年", "3 years"]], refuse=False,
        resolved_contains=[["阶段四", "stage 4"], ["多长时间", "how long"]],
        resolved_excludes=[["阶段三", "stage 3"]])
    values.update(changes)
    return ConversationCase(**values)


def test_scorer_accepts_a_correct_final_turn():
    ok, reasons = final_turn_ok(_case(), "阶段四需要多长时间?", "阶段四约1.5至3年。[阶段四 · 预期所需时间]",
                                [4], refused=False)
    assert ok and reasons == []
    ok, _ = final_turn_ok(_case(), "How long does Stage 4 take?", "About 1.5 to 3 Years.", [None, 4], False)
    assert ok


def test_scorer_names_each_failure():
    ok, reasons = final_turn_ok(_case(), "阶段三和阶段四呢?", "大约需要半年。", [3], refused=False)
    assert not ok
    text = " | ".join(reasons)
    assert "lacks any of ['多长时间', 'how long']" in text
    assert "carries over ['阶段三']" in text
    assert "facts 0/2" in text
    assert "cited stages [3], expected 4" in text


def test_scorer_checks_refusals_both_ways():
    off_topic = _case(kind="off_topic", stage=None, sections=[], facts=[], refuse=True,
                      resolved_contains=[["天气", "weather"]], resolved_excludes=[["阶段三"]])
    assert final_turn_ok(off_topic, "明天深圳天气怎么样?", "抱歉,文档没有涉及。", [], refused=True) == (True, [])
    ok, reasons = final_turn_ok(off_topic, "明天深圳天气怎么样?", "晴天。", [None], refused=False)
    assert not ok and reasons == ["should have declined"]
    ok, reasons = final_turn_ok(_case(), "阶段四需要多长时间?", "", [], refused=True)
    assert not ok and reasons == ["declined a covered question"]


def test_scorer_skips_the_stage_for_article_wide_questions():
    principle = _case(kind="new_topic", stage=None, sections=["principles"],
                      facts=[["人才战略", "talent strategy"]], resolved_contains=[["人才", "talent"]])
    assert final_turn_ok(principle, "文章对人才有什么建议?", "要制定人才战略。", [None], False) == (True, [])
