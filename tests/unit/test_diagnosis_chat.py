"""The chat uses the diagnosis for "what should we do next?" and company descriptions."""

from __future__ import annotations

import json

import pytest
import yaml

from advisor.container import build_advisor
from advisor.diagnosis.chat import asks_for_next_steps, describes_company, wants_diagnosis
from tests.conftest import make_settings
from tests.fakes import ScriptedChatModel

PROFILES = yaml.safe_load(open("tests/data/profiles.yaml", encoding="utf-8"))["profiles"]


@pytest.fixture
def advisor(private_root, e5):
    return build_advisor(make_settings(private_root), chat_model=ScriptedChatModel(), embeddings=e5)


@pytest.mark.parametrize("message", ["我们下一步该做什么?", "What should we do next?", "Which stage are we in?",
                                     "我们处于哪个阶段?"])
def test_next_step_questions_are_recognised(message):
    assert asks_for_next_steps(message)


@pytest.mark.parametrize("message", ["阶段三需要多长时间?", "How long does stage 3 take?", "What KPIs matter in stage 1?"])
def test_document_questions_are_not_routed_to_the_diagnosis(message):
    assert not asks_for_next_steps(message) and not describes_company(message)


def test_without_an_assessment_the_advisor_asks_for_one(advisor):
    answer = advisor.ask("What should we do next?")
    assert "advisor assess" in answer.answer and not answer.refused
    assert advisor.chat_model.history == []  # nothing was made up by the model


def test_next_steps_come_from_the_latest_assessment_and_say_so(advisor):
    answers = next(p for p in PROFILES if p["id"] == "en-stage3-hvac-distributor")["answers"]
    saved = advisor.assess(answers, company="HVAC Co")
    answer = advisor.ask("我们下一步该做什么?")
    assert f"#{saved.history_id}" in answer.answer and "HVAC Co" in answer.answer
    assert "阶段3" in answer.answer and "[阶段三 · 行动计划]" in answer.answer
    assert "1-3" in answer.answer  # the stage-3 budget guidance
    assert any(s.cited and s.stage == 3 for s in answer.sources)
    assert advisor.chat_model.history == []


def test_a_company_description_in_chat_is_diagnosed(advisor):
    message = ("We are a 30-person design studio. Our boss writes every proposal with ChatGPT, "
               "but most of the staff have not tried any AI tools yet.")
    advisor.chat_model.enqueue(
        json.dumps({"answer": "yes", "evidence": "Our boss writes every proposal with ChatGPT", "number": None}),
        json.dumps({"answer": "no", "evidence": "most of the staff have not tried any AI tools yet", "number": None}),
        json.dumps({"answer": "unknown", "evidence": "", "number": None}),
    )
    events = list(advisor.stream(message))
    assert [e.kind for e in events][0] == "sources" and events[-1].kind == "done"
    answer = events[-1].answer
    assert "stage 1" in answer.answer.lower() and "description" in answer.answer
    assert "extraction_s" in answer.timings


@pytest.mark.parametrize("message,expected", [
    ("Our CEO has just started using AI tools himself. How long does this first stage usually take?", False),
    ("我们公司老板每天都用豆包写方案,员工也开始用AI工具了。阶段一一般需要多长时间?", False),
    ("We are a 30-person design studio. Our boss writes every proposal with ChatGPT, but the staff "
     "have not tried AI yet.", True),
    ("We are a 30-person design studio. Our boss writes every proposal with ChatGPT. What should we do next?", True),
    ("What should we do next?", True),
])
def test_a_description_ending_in_a_document_question_goes_to_the_documents(message, expected):
    assert wants_diagnosis(message) is expected


def test_no_development_set_question_is_taken_for_a_diagnosis_request():
    from advisor.evaluation import load_devset

    assert [i.id for i in load_devset() if wants_diagnosis(i.question)] == []
