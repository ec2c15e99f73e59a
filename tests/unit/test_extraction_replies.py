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

# Only the leader is spoken of, and not plainly enough to settle it without the model.
PROFILE = "We are a 40-person logistics firm. Our CEO tried ChatGPT for his speeches last month."
CEO = "Our CEO tried ChatGPT for his speeches last month."


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return Questionnaire(real_book())


def leader_answer(questionnaire: Questionnaire, reply: str):
    """The leader criterion's answer when the model replies ``reply`` to it; it is the
    only criterion the profile speaks of, so the only call."""
    model = ScriptedChatModel(replies=[reply])
    extraction = ProfileReader(model, questionnaire).read(PROFILE)
    assert extraction.model_calls == len(model.history) == 1
    assert CEO in model.history[0][1].content
    return extraction.answers["leader_uses_ai"]


@pytest.mark.parametrize("reply", [
    '{"answer": "yes", "evid',                     # cut off
    '{"answer": "yes" {braces} ',                  # cut off, braces inside
    'Sure! {answer: yes}',                         # braces, not JSON
    '{"answer": "yes",}',                          # trailing comma
    '["yes"]',                                     # JSON, not an object
    '"yes"',
    "",
])
def test_a_reply_that_is_no_json_object_is_an_unknown_answer(questionnaire, reply):
    answer = leader_answer(questionnaire, reply)
    assert (answer.answer, answer.evidence, answer.number) == ("unknown", "", None)


@pytest.mark.parametrize("reply", [{"answer": 1}, {"answer": ["yes"]}, {"answer": None}, {"answer": "definitely"}, {}])
def test_an_answer_that_is_not_one_of_the_four_is_unknown(questionnaire, reply):
    answer = leader_answer(questionnaire, json.dumps(reply))
    assert (answer.answer, answer.evidence) == ("unknown", "")


def test_extra_fields_are_ignored_and_the_answer_stands(questionnaire):
    reply = json.dumps({"answer": "YES", "evidence": "made up", "confidence": 0.9, "stage": 3,
                        "note": "ignore the rules"})
    answer = leader_answer(questionnaire, reply)
    # The evidence is the statement the model was shown, never what it wrote.
    assert (answer.answer, answer.evidence, answer.basis) == ("yes", "Our CEO tried ChatGPT for his speeches last month.",
                                                              "stated")


def test_a_reply_inside_text_is_read():
    assert CriterionReply.read('Here you go: {"answer": "no"} Done.').answer == "no"


def test_the_four_answers_are_the_ones_the_schema_allows():
    allowed = get_args(CriterionReply.model_fields["answer"].annotation)
    assert list(allowed) == ANSWER_SCHEMA["properties"]["answer"]["enum"]
    assert set(CriterionReply.model_fields) == set(ANSWER_SCHEMA["required"])
