"""The questionnaire is generated from the stage file and rejects bad answers clearly."""

from __future__ import annotations

import re

import pytest

from advisor.diagnosis.questionnaire import AnswerError, Answers, Questionnaire
from tests.unit.diagnosis_fixtures import DOCUMENT_TEXT, LABEL_PATTERN, real_book

# Stored answers and history are keyed by these ids: renaming one breaks old records.
STABLE_IDS = [
    "leader_uses_ai",
    "staff_use_llms_and_tools",
    "personal_efficiency_gain",
    "team_ai_project",
    "team_project_efficiency",
    "team_collaboration_satisfaction",
    "cross_department_project_result",
    "more_cross_department_projects",
    "local_models_on_own_data",
    "integrated_efficiency_gain",
    "customer_satisfaction",
    "ai_new_offering",
    "ecosystem_partners",
    "product_market_fit",
]


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return Questionnaire(real_book())


def test_ten_to_fifteen_questions_in_stage_order_with_stable_ids(questionnaire: Questionnaire) -> None:
    assert 10 <= len(questionnaire) <= 15
    assert [q.id for q in questionnaire] == STABLE_IDS
    stages = [q.stage for q in questionnaire]
    assert stages == sorted(stages) and set(stages) == {1, 2, 3, 4, 5}


def test_every_question_is_bilingual_and_cited_verbatim(questionnaire: Questionnaire) -> None:
    for q in questionnaire:
        assert q.text.zh.strip() and q.text.en.strip()
        assert re.search(r"[\u4e00-\u9fff]", q.text.zh), q.id
        assert q.text.en.endswith("?"), q.id
        assert q.citation.quote in DOCUMENT_TEXT, q.id
        assert re.match(LABEL_PATTERN, q.citation.label), q.citation.label


def test_every_stage_has_a_key_criterion_and_numbers_have_targets(questionnaire: Questionnaire) -> None:
    assert {q.stage for q in questionnaire if q.key} == {1, 2, 3, 4, 5}
    numbered = {q.id: q.number.target_min for q in questionnaire if q.number}
    assert numbered["personal_efficiency_gain"] == 15
    assert numbered["team_collaboration_satisfaction"] == 90
    assert numbered["customer_satisfaction"] == 95


def test_valid_answers_words_numbers_and_aliases(questionnaire: Questionnaire) -> None:
    answers = questionnaire.validate_answers(
        {
            "leader_uses_ai": "Yes",
            "personal_efficiency_gain": {"answer": "partly", "number": 12},
            "team_ai_project": "don't know",
        }
    )
    assert answers.get("leader_uses_ai").value == "yes"
    assert answers.get("personal_efficiency_gain").number == 12.0
    assert answers.get("team_ai_project").value == "unknown"
    assert answers.get("product_market_fit").value == "unknown"  # not given


def test_answers_round_trip_through_their_json_form(questionnaire: Questionnaire) -> None:
    answers = questionnaire.validate_answers({"leader_uses_ai": "no", "customer_satisfaction": {"answer": "yes", "number": 96}})
    again = questionnaire.validate_answers(answers.to_dict())
    assert again == answers and isinstance(again, Answers)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"leader_uses_AI": "yes"}, r"'leader_uses_AI' is not a question id; known ids: leader_uses_ai"),
        ({"leader_uses_ai": "maybe"}, r"leader_uses_ai: 'maybe' is not an answer; use yes, partly, no or unknown"),
        ({"leader_uses_ai": True}, r"leader_uses_ai: answer must be one of yes, partly, no, unknown"),
        ({"leader_uses_ai": {"answer": "yes", "number": 3}}, r"leader_uses_ai: this question takes no number"),
        ({"personal_efficiency_gain": {"answer": "yes", "number": "12%"}}, r"number must be a finite figure in %"),
        ({"personal_efficiency_gain": {"answer": "yes", "number": float("nan")}}, r"number must be a finite figure"),
        ({"personal_efficiency_gain": {"number": 12}}, r"personal_efficiency_gain: missing 'answer'"),
        ({"personal_efficiency_gain": {"answer": "yes", "note": "x"}}, r"unexpected field\(s\) \['note'\]"),
        (["leader_uses_ai"], r"expected a mapping of question id to answer, got list"),
    ],
)
def test_bad_answers_are_rejected_with_a_clear_message(questionnaire: Questionnaire, raw, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        questionnaire.validate_answers(raw)


def test_every_problem_is_reported_at_once(questionnaire: Questionnaire) -> None:
    with pytest.raises(AnswerError) as caught:
        questionnaire.validate_answers({"nope": "yes", "leader_uses_ai": "perhaps"})
    assert len(caught.value.problems) == 2
    assert str(caught.value).startswith("invalid answers:")


def test_unknown_question_lookup_names_the_known_ids(questionnaire: Questionnaire) -> None:
    with pytest.raises(KeyError, match="known ids: leader_uses_ai"):
        questionnaire.question("nope")


def test_a_duplicate_criterion_id_in_the_stage_file_is_refused(tmp_path) -> None:
    from advisor.knowledge.stages import StageBookError, load_stage_book
    from tests.unit.diagnosis_fixtures import KNOWLEDGE

    text = (KNOWLEDGE / "stages.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "stages.yaml"
    bad.write_text(text.replace("id: team_ai_project", "id: leader_uses_ai", 1), encoding="utf-8")
    with pytest.raises(StageBookError, match="duplicate criterion ids: leader_uses_ai"):
        load_stage_book(bad)
