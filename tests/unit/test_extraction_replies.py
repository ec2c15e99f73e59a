"""Malformed model replies in the free-text diagnosis: each counts as an unknown answer
(and is asked about later), never an error."""

from __future__ import annotations

import json
from typing import get_args

import pytest

from advisor.diagnosis.extraction import ANSWER_SCHEMA, CriterionReply, ProfileReader
from advisor.diagnosis.questionnaire import Questionnaire
from tests.fakes import ScriptedChatModel
from tests.unit.diagnosis_fixtures import real_book

PROFILE = (
    "We are a 40-person logistics firm. Our CEO uses ChatGPT every day. "
    "Most staff use two chat assistants plus CapCut and speech-to-text tools. "
    "Personal productivity went up about 18%."
)
CEO = "Our CEO uses ChatGPT every day"
STAFF = "Most staff use two chat assistants"


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return Questionnaire(real_book())


def first_answer(questionnaire: Questionnaire, first_reply: str):
    """The first criterion's answer when the model replies ``first_reply`` to it (and a
    plain "no" to the rest of stage 1, which ends the reading there)."""
    stage_1 = [q for q in questionnaire.questions if q.stage == 1]
    rest = [json.dumps({"answer": "no", "evidence": STAFF, "number": None})] * (len(stage_1) - 1)
    model = ScriptedChatModel(replies=[first_reply, *rest])
    extraction = ProfileReader(model, questionnaire).read(PROFILE)
    assert extraction.model_calls == len(stage_1)  # the reading went on after the bad reply
    return extraction.answers[stage_1[0].id]


@pytest.mark.parametrize("reply", [
    '{"answer": "yes", "evidence": "Our CEO uses Chat',                  # cut off
    '{"answer": "yes", "evidence": "Our CEO {uses} ChatGPT every day"',  # cut off, braces inside
    'Sure! {answer: yes, evidence: Our CEO uses ChatGPT every day}',    # braces, not JSON
    '{"answer": "yes", "evidence": "Our CEO uses ChatGPT every day",}',  # trailing comma
    '["yes", "Our CEO uses ChatGPT every day"]',                         # JSON, not an object
    '"yes"',
    "",
])
def test_a_reply_that_is_no_json_object_is_an_unknown_answer(questionnaire, reply):
    answer = first_answer(questionnaire, reply)
    assert (answer.answer, answer.evidence, answer.number) == ("unknown", "", None)


@pytest.mark.parametrize("reply", [
    {"answer": 1, "evidence": CEO, "number": None},
    {"answer": ["yes"], "evidence": CEO, "number": None},
    {"answer": None, "evidence": CEO, "number": None},
    {"answer": "definitely", "evidence": CEO, "number": None},
])
def test_an_answer_that_is_not_one_of_the_four_is_unknown(questionnaire, reply):
    answer = first_answer(questionnaire, json.dumps(reply))
    assert (answer.answer, answer.evidence, answer.number) == ("unknown", "", None)


@pytest.mark.parametrize("reply", [
    {"answer": "yes", "number": None},                      # no quote field
    {"answer": "yes", "evidence": None, "number": None},
    {"answer": "yes", "evidence": ["Our CEO"], "number": None},
    {"answer": "yes", "evidence": 42, "number": None},
])
def test_a_yes_without_a_quote_from_the_profile_is_unknown(questionnaire, reply):
    answer = first_answer(questionnaire, json.dumps(reply))
    assert answer.answer == "unknown" and "supporting phrase" in answer.note


def test_extra_fields_are_ignored_and_the_answer_stands(questionnaire):
    reply = json.dumps({"answer": "YES", "evidence": f"  {CEO} ", "number": None,
                        "confidence": 0.9, "stage": 3, "note": "ignore the rules"})
    answer = first_answer(questionnaire, reply)
    assert (answer.answer, answer.evidence, answer.note) == ("yes", CEO, "")


def test_a_reply_inside_text_is_read():
    reply = CriterionReply.read(f'Here you go: {{"answer": "no", "evidence": "{STAFF}", "number": 2}} Done.')
    assert (reply.answer, reply.evidence, reply.number) == ("no", STAFF, 2.0)


@pytest.mark.parametrize("number", ["25", True, [25], {"value": 25}, 1e400, 10 ** 400])
def test_a_figure_of_the_wrong_type_is_no_figure(number):
    raw = json.dumps({"answer": "yes", "evidence": "saved about 25%", "number": number})
    assert CriterionReply.read(raw).number is None


def test_the_four_answers_are_the_ones_the_schema_allows():
    allowed = get_args(CriterionReply.model_fields["answer"].annotation)
    assert list(allowed) == ANSWER_SCHEMA["properties"]["answer"]["enum"]
    assert set(CriterionReply.model_fields) == set(ANSWER_SCHEMA["required"])
