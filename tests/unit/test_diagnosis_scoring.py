"""Deterministic scoring: the stage, the evidence, unknowns, confidence and every gate."""

from __future__ import annotations

import json
import random
import re

import pytest

from advisor.diagnosis.gates import GATE_IDS
from advisor.diagnosis.questionnaire import Questionnaire
from advisor.diagnosis.scoring import (
    ASK_BELOW,
    ASSUMED_SUPPORT,
    LATER_KEY_FACTOR,
    READS_UNLIKE_FACTOR,
    MAX_QUESTIONS,
    UNDECIDED_FACTOR,
    diagnose,
)
from advisor.knowledge.stages import StageBook
from tests.unit.diagnosis_fixtures import DOCUMENT_TEXT, LABEL_PATTERN, answers_for_stage, real_book


@pytest.fixture(scope="module")
def book() -> StageBook:
    return real_book()


@pytest.fixture(scope="module")
def questionnaire(book: StageBook) -> Questionnaire:
    return Questionnaire(book)


def run(book: StageBook, questionnaire: Questionnaire, raw: dict):
    return diagnose(book, questionnaire.validate_answers(raw), questionnaire)


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5])
def test_each_stage_is_the_first_with_an_unmet_criterion(book, questionnaire, stage: int) -> None:
    diagnosis = run(book, questionnaire, answers_for_stage(book, stage))
    assert diagnosis.stage == stage
    assert diagnosis.stage_title == book.stage(stage).title
    unmet = [e.question.id for e in diagnosis.evidence if not e.met]
    assert unmet == [book.stage(stage).criteria[0].id]


def test_all_criteria_met_is_stage_five(book, questionnaire) -> None:
    diagnosis = run(book, questionnaire, {q.id: "yes" for q in questionnaire})
    assert diagnosis.stage == 5
    assert diagnosis.confidence == 1.0
    assert diagnosis.unknown == ()


def test_no_answers_is_stage_one_with_zero_confidence(book, questionnaire) -> None:
    diagnosis = run(book, questionnaire, {})
    assert diagnosis.stage == 1
    assert diagnosis.confidence == 0.0
    assert len(diagnosis.unknown) == len(questionnaire)
    assert diagnosis.evidence == ()


def test_partly_is_not_met(book, questionnaire) -> None:
    raw = answers_for_stage(book, 3, unmet="yes")
    raw["team_ai_project"] = "partly"
    diagnosis = run(book, questionnaire, raw)
    assert diagnosis.stage == 2
    assert diagnosis.met["team_ai_project"] is False


def test_a_measured_figure_decides_over_the_word(book, questionnaire) -> None:
    raw = answers_for_stage(book, 2)
    raw["personal_efficiency_gain"] = {"answer": "yes", "number": 12}  # below 15%
    assert run(book, questionnaire, raw).stage == 1
    raw["personal_efficiency_gain"] = {"answer": "partly", "number": 16}  # meets 15%
    assert run(book, questionnaire, raw).stage == 2


def test_unknown_is_not_met_and_listed_with_the_question_to_ask(book, questionnaire) -> None:
    raw = answers_for_stage(book, 4, unmet="yes")
    raw["cross_department_project_result"] = "unknown"
    diagnosis = run(book, questionnaire, raw)
    assert diagnosis.stage == 3
    assert "cross_department_project_result" not in diagnosis.met
    first = diagnosis.unknown[0]
    assert first.question.id == "cross_department_project_result"
    assert first.to_dict()["ask"]["en"].startswith("Has a cross-department AI project")


def test_unknowns_put_the_current_stage_key_criteria_first(book, questionnaire) -> None:
    raw = answers_for_stage(book, 2, unmet="yes", later="unknown")
    for qid in ("team_ai_project", "team_project_efficiency", "team_collaboration_satisfaction"):
        raw[qid] = "unknown"
    ids = [u.question.id for u in run(book, questionnaire, raw).unknown]
    assert ids[:3] == ["team_ai_project", "team_project_efficiency", "team_collaboration_satisfaction"]
    assert [u.question.stage for u in run(book, questionnaire, raw).unknown] == sorted(
        u.question.stage for u in run(book, questionnaire, raw).unknown
    )


def test_same_input_same_output(book, questionnaire) -> None:
    raw = answers_for_stage(book, 3)
    raw["ai_new_offering"] = "yes"
    first = json.dumps(run(book, questionnaire, raw).to_dict(), ensure_ascii=False)
    shuffled = list(raw.items())
    random.Random(7).shuffle(shuffled)
    for _ in range(3):
        assert json.dumps(run(book, questionnaire, dict(shuffled)).to_dict(), ensure_ascii=False) == first
    assert json.dumps(diagnose(real_book(), Questionnaire(real_book()).validate_answers(raw)).to_dict(),
                      ensure_ascii=False) == first


def test_confidence_follows_the_documented_formula(book, questionnaire) -> None:
    # Stage 2 placement: relevant = stage 1 (key, key, plain) + stage 2 (key, plain, plain)
    # weights 2+2+1+2+1+1 = 9. Leave team_project_efficiency (1) unknown: coverage 8/9.
    raw = answers_for_stage(book, 2, later="no")
    raw["team_project_efficiency"] = "unknown"
    diagnosis = run(book, questionnaire, raw)
    assert diagnosis.confidence == round(8 / 9, 2)
    assert diagnosis.confidence_basis["relevant_criteria"] == 6
    # One of the 8 later criteria met out of order: x (1 - 0.5 * 1/8).
    raw["customer_satisfaction"] = "yes"
    diagnosis = run(book, questionnaire, raw)
    assert diagnosis.inconsistent == ("customer_satisfaction",)
    assert diagnosis.confidence == round(8 / 9 * (1 - 0.5 / 8), 2)
    # A later *key* criterion met while stage 2 says "no": one reading is wrong.
    raw["ai_new_offering"] = "yes"
    diagnosis = run(book, questionnaire, raw)
    assert diagnosis.confidence == round(8 / 9 * (1 - 0.5 * 2 / 8) * LATER_KEY_FACTOR, 2)


def test_confidence_drops_with_unknowns_and_with_inconsistency(book, questionnaire) -> None:
    complete = run(book, questionnaire, answers_for_stage(book, 3, later="no"))
    assert complete.confidence == 1.0
    raw = answers_for_stage(book, 3, later="no")
    raw["leader_uses_ai"] = "unknown"  # now stage 1, on an unknown
    assert run(book, questionnaire, raw).confidence < complete.confidence
    raw = answers_for_stage(book, 3, later="yes")  # every later criterion met: inconsistent
    inconsistent = run(book, questionnaire, raw)
    assert inconsistent.stage == 3 and inconsistent.confidence == round(0.5 * LATER_KEY_FACTOR, 2)


def test_a_stage_resting_on_assumed_answers_cannot_score_one(book, questionnaire) -> None:
    raw = answers_for_stage(book, 4, later="no")
    for qid in ("leader_uses_ai", "staff_use_llms_and_tools", "personal_efficiency_gain"):
        raw[qid] = {"answer": "yes", "assumed": True}
    diagnosis = run(book, questionnaire, raw)
    assert diagnosis.stage == 4
    # Stage 1's weights 2+2+1 count for ASSUMED_SUPPORT each, of the 19 relevant.
    relevant = 2 + 2 + 1 + 2 + 1 + 1 + 2 + 2 + 2 + 2 + 1 + 2
    assert diagnosis.confidence == round((relevant - 5 * (1 - ASSUMED_SUPPORT)) / relevant, 2)
    assert diagnosis.confidence < 1.0
    everything_assumed = {q.id: {"answer": "yes", "assumed": True} for q in questionnaire if q.stage < 5}
    # Stage 5 is placed on them alone: stages 1-4 (weight 20) assumed, stage 5's 3 unknown;
    # and nothing said places it there, only stage 5's unknowns.
    assert run(book, questionnaire, everything_assumed).confidence == round(
        20 * ASSUMED_SUPPORT / 23 * UNDECIDED_FACTOR, 2)


def test_a_stage_placed_only_by_unknowns_asks_however_full_the_earlier_account(book, questionnaire) -> None:
    raw = answers_for_stage(book, 3, later="no")
    placed = run(book, questionnaire, raw)
    raw.update({q.id: "unknown" for q in questionnaire if q.stage == 3})
    undecided = run(book, questionnaire, raw)
    assert placed.stage == undecided.stage == 3
    assert not placed.unsure and undecided.unsure and undecided.confidence_basis["undecided"] == 1


def test_a_sure_diagnosis_asks_nothing_and_an_unsure_one_asks_what_settles_it(book, questionnaire) -> None:
    sure = run(book, questionnaire, answers_for_stage(book, 3, later="no"))
    assert not sure.unsure and sure.to_ask == ()
    # Only the leader is known: stage 1 rests on unknowns; ask them, key criteria first.
    thin = run(book, questionnaire, {"leader_uses_ai": "yes"})
    assert thin.stage == 1 and thin.confidence < ASK_BELOW and thin.unsure
    assert [(a.question.id, a.reason) for a in thin.to_ask] == [
        ("staff_use_llms_and_tools", "unknown"), ("personal_efficiency_gain", "unknown")]
    # A "no" that a met later key criterion contradicts is asked first; never more than three.
    raw = {q.id: {"answer": "yes", "assumed": True} for q in questionnaire if q.stage < 3}
    raw |= {"cross_department_project_result": "no", "local_models_on_own_data": "yes"}
    contradicted = run(book, questionnaire, raw)
    assert contradicted.stage == 3 and contradicted.unsure
    reasons = [(a.question.id, a.reason) for a in contradicted.to_ask]
    assert reasons[0] == ("cross_department_project_result", "contradicted")
    assert ("more_cross_department_projects", "unknown") in reasons
    assert len(reasons) == MAX_QUESTIONS and reasons[-1][1] == "assumed"
    assert contradicted.to_dict()["to_ask"][0]["ask"]["en"].startswith("Has a cross-department AI project")


EXPECTED_GATES = {
    1: {"tools_legal_in_china", "cross_department_after_department_maturity",
        "own_models_after_cross_department_success", "small_budget_until_projects_pay_off"},
    2: {"cross_department_after_department_maturity", "own_models_after_cross_department_success",
        "small_budget_until_projects_pay_off"},
    3: {"own_models_after_cross_department_success", "small_budget_until_projects_pay_off",
        "data_security_before_own_data"},
    4: {"data_security_before_own_data", "ecosystem_terms_before_sharing"},  # local models: "no"
    5: {"ecosystem_terms_before_sharing"},
}


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5])
def test_gates_for_each_stage(book, questionnaire, stage: int) -> None:
    diagnosis = run(book, questionnaire, answers_for_stage(book, stage))
    assert {g.id for g in diagnosis.gates} == EXPECTED_GATES[stage]


def test_every_gate_is_exercised() -> None:
    assert set().union(*EXPECTED_GATES.values()) == set(GATE_IDS)


def test_own_models_gate_holds_until_cross_department_projects_work(book, questionnaire) -> None:
    raw = answers_for_stage(book, 4, unmet="yes")
    raw["more_cross_department_projects"] = {"answer": "yes", "number": 1}  # only one more
    diagnosis = run(book, questionnaire, raw)
    assert diagnosis.stage == 3
    gate = next(g for g in diagnosis.gates if g.id == "own_models_after_cross_department_success")
    assert [c.label for c in gate.citations] == ["[阶段四 · 行动计划]", "[阶段三 · 过渡到下一阶段]"]
    assert "自建AI模型" in gate.citations[0].quote


def test_data_security_gate_lifts_once_models_run_locally(book, questionnaire) -> None:
    raw = answers_for_stage(book, 4, unmet="yes")
    raw["integrated_efficiency_gain"] = "no"
    diagnosis = run(book, questionnaire, raw)
    assert diagnosis.stage == 4
    assert "data_security_before_own_data" not in {g.id for g in diagnosis.gates}
    raw["local_models_on_own_data"] = "partly"
    gates = {g.id: g for g in run(book, questionnaire, raw).gates}
    assert gates["data_security_before_own_data"].citations[0].label == "[阶段四 · 数据安全]"


def test_every_gate_cites_verbatim_quotes(book, questionnaire) -> None:
    for stage in range(1, 6):
        for gate in run(book, questionnaire, answers_for_stage(book, stage)).gates:
            assert gate.title.zh and gate.title.en and gate.advice.zh and gate.advice.en
            for citation in gate.citations:
                assert citation.quote in DOCUMENT_TEXT
                assert re.match(LABEL_PATTERN, citation.label)


def test_evidence_carries_answer_label_and_quote(book, questionnaire) -> None:
    raw = answers_for_stage(book, 2)
    raw["personal_efficiency_gain"] = {"answer": "yes", "number": 18}
    evidence = {e["id"]: e for e in run(book, questionnaire, raw).to_dict()["evidence"]}
    assert evidence["personal_efficiency_gain"] == {
        "id": "personal_efficiency_gain",
        "stage": 1,
        "key": False,
        "question": {"zh": "个人工作效率是否已提升 15%-20%?", "en": "Has personal work efficiency risen by 15-20%?"},
        "answer": "yes",
        "number": 18.0,
        "target": ">= 15%",
        "met": True,
        "source": "[阶段一 · 预期成果与KPI]",
        "quote": "个人工作效率提升 15%-20%。",
    }
    assert evidence["team_ai_project"]["met"] is False


@pytest.mark.parametrize("reads_like,lowered", [(None, False), (1, False), (2, False), (3, True), (5, True)])
def test_a_description_that_reads_far_from_its_placement_lowers_the_confidence(book, questionnaire, reads_like,
                                                                                lowered) -> None:
    # Every stage-1 criterion said not to be met: a sure stage 1 by the criteria.
    raw = {q.id: "no" for q in questionnaire}
    plain = run(book, questionnaire, raw)
    assert plain.stage == 1 and plain.confidence >= ASK_BELOW and not plain.to_ask
    doubted = diagnose(book, questionnaire.validate_answers(raw), questionnaire, reads_like=reads_like)
    assert doubted.stage == 1, "the reading weighs on the confidence, never on the stage"
    if not lowered:
        assert doubted.confidence == plain.confidence and doubted.confidence_basis["reads_like"] == 0
        return
    assert doubted.confidence == round(plain.confidence * READS_UNLIKE_FACTOR, 2) < ASK_BELOW
    assert doubted.confidence_basis["reads_like"] == reads_like
    # It asks again about the "no" answers that hold the company in stage 1, key ones first.
    asked = [(a.question.stage, a.reason) for a in doubted.to_ask]
    assert asked and all(entry == (1, "reads_unlike") for entry in asked)


def test_a_description_that_reads_like_an_earlier_stage_asks_about_what_was_assumed(book, questionnaire) -> None:
    raw = {q.id: ("yes" if q.stage <= 3 else "no") for q in questionnaire}
    plain = run(book, questionnaire, raw)
    assert plain.stage == 4 and plain.confidence >= ASK_BELOW
    doubted = diagnose(book, questionnaire.validate_answers(raw), questionnaire, reads_like=1)
    assert doubted.stage == 4 and doubted.confidence < ASK_BELOW
    # Nothing is unknown or assumed: it asks again about the key criteria met above the
    # stage the description reads like, the highest stage first.
    asked = [(a.question.stage, a.question.key, a.reason) for a in doubted.to_ask]
    assert asked and all(key and reason == "reads_unlike" and stage in (2, 3) for stage, key, reason in asked)
    assert [s for s, _, _ in asked] == sorted((s for s, _, _ in asked), reverse=True)
