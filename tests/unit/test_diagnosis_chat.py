"""The chat uses the diagnosis for "what should we do next?" and company descriptions."""

from __future__ import annotations

import json

import pytest
import yaml

from advisor.container import build_advisor
from advisor.evaluation import DEFAULT_PROFILES
from tests.conftest import make_settings
from tests.fakes import ScriptedChatModel

PROFILES = yaml.safe_load(DEFAULT_PROFILES.read_text(encoding="utf-8"))["profiles"]


@pytest.fixture
def advisor(private_root, e5):
    return build_advisor(make_settings(private_root), chat_model=ScriptedChatModel(), embeddings=e5)


def test_without_an_assessment_the_advisor_asks_for_one(advisor):
    answer = advisor.ask("What should we do next?")
    assert "advisor assess" in answer.answer and not answer.refused
    assert advisor.chat_model.history == []  # nothing was made up by the model


def test_without_an_assessment_a_stage_the_message_describes_gets_the_articles_advice(advisor):
    advisor.chat_model.enqueue("根据文档,这个阶段要开发专属的AI应用 [阶段四 · 行动计划]。")
    answer = advisor.ask("AI已经写进我们公司战略了,这个时候重点应该做些什么?")
    assert "advisor assess" not in answer.answer and not answer.refused
    assert "[阶段四 · 行动计划]" in answer.answer and len(advisor.chat_model.history) == 1


def test_a_saved_assessment_still_answers_a_message_that_describes_a_stage(advisor):
    answers = next(p for p in PROFILES if p["id"] == "en-stage3-hvac-distributor")["answers"]
    advisor.assess(answers, company="HVAC Co")
    answer = advisor.ask("AI已经写进我们公司战略了,这个时候重点应该做些什么?")
    assert "HVAC Co" in answer.answer and advisor.chat_model.history == []


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
    # The boss's use is said plainly; the model reads only the staff's sentence.
    advisor.chat_model.enqueue(json.dumps({"answer": "no"}))
    events = list(advisor.stream(message))
    assert [e.kind for e in events][0] == "sources" and events[-1].kind == "done"
    answer = events[-1].answer
    assert "stage 1" in answer.answer.lower() and "description" in answer.answer
    assert "extraction_s" in answer.timings
    assert advisor.chat_model.replies == [] and len(advisor.chat_model.history) == 1
    assert "Staff" not in answer.answer.split("Next steps")[0]  # sure enough: nothing asked


def test_an_unsure_diagnosis_asks_and_the_reply_updates_the_same_assessment(advisor):
    from advisor.conversation.state import Conversation

    conversation = Conversation()
    first = advisor.ask("我们是一家三十人的外贸公司,老板每天用豆包写方案,别的情况我也说不太清楚。", conversation)
    assert advisor.chat_model.history == []  # the leader's use is plain; nothing else is said
    assert "阶段1" in first.answer and "我还不确定" in first.answer
    assert "1. 大多数员工是否使用" in first.answer and "2. 个人工作效率" in first.answer
    assert conversation.turns[-1].diagnosis["asked"] == ["staff_use_llms_and_tools", "personal_efficiency_gain"]

    second = advisor.ask("1. 是的 2. 大概提高了25%", conversation)
    assert advisor.chat_model.history == []  # a plain yes and a figure
    assert second.answer.startswith("根据你补充的回答") and "阶段2" in second.answer
    state = conversation.turns[-1].diagnosis
    assert state["answers"]["leader_uses_ai"]["answer"] == "yes"  # kept from the description
    assert state["answers"]["personal_efficiency_gain"]["number"] == 25.0
    assert conversation.turns[-1].route == "diagnosis"


def test_after_an_unsure_diagnosis_a_question_about_the_article_is_not_taken_for_a_reply():
    from advisor.conversation.routing import answers_open_questions, route

    for message in ("阶段三需要多长时间?", "What are the KPIs of stage 2?"):
        assert not answers_open_questions(message, route(message))
    for message in ("1. 是的 2. 大概25%", "No, not yet.", "没有", "Yes, about 30% faster."):
        assert answers_open_questions(message, route(message))


def test_a_description_ending_in_a_document_question_is_still_diagnosed(advisor):
    # Which messages are diagnosed is advisor.conversation.routing's decision (see
    # tests/unit/test_routing.py); here the advisor follows it.
    message = ("We are a 30-person design studio. Our boss writes every proposal with ChatGPT, "
               "but most of the staff have not tried any AI tools yet. How long does stage 1 take?")
    advisor.chat_model.enqueue(json.dumps({"answer": "no"}))
    answer = advisor.ask(message)
    assert "stage 1" in answer.answer.lower() and "description" in answer.answer
    assert "extraction_s" in answer.timings


def test_a_question_that_only_sounds_like_a_diagnosis_request_is_answered_from_the_documents(make_advisor):
    advisor = make_advisor("In stage 2, track team project efficiency (up 20%) and team collaboration "
                           "satisfaction (90%) [Stage 2 · Expected results and KPIs].")
    answer = advisor.ask("In stage 2, what should we measure?")
    assert len(advisor.chat_model.history) == 1  # the answer chain asked the model
    assert "extraction_s" not in answer.timings and "advisor assess" not in answer.answer
    assert answer.sources and all(s.stage == 2 for s in answer.sources)
