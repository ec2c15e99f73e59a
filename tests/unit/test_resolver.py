"""Follow-ups made standalone by rules: stage and topic carried, new subjects left alone."""

from __future__ import annotations

import pytest

from advisor.conversation.resolver import resolve
from advisor.conversation.state import Conversation, Turn
from advisor.conversation.topics import detect_topic
from advisor.retrieval.query import detect_stage


def after(question: str, stage: int | None, topic: str | None) -> Conversation:
    conversation = Conversation()
    conversation.add(Turn(question, question, stage=stage, topic=topic))
    return conversation


ZH_DURATION_3 = ("阶段三需要多长时间?", 3, "duration")
EN_DURATION_3 = ("How long does stage 3 take?", 3, "duration")
EN_GOAL_2 = ("What is the goal of stage 2?", 2, "goal")


@pytest.mark.parametrize("earlier, message, stage, topic", [
    (ZH_DURATION_3, "那阶段四呢?", 4, "duration"),
    (ZH_DURATION_3, "它的KPI呢?", 3, "kpis"),
    (ZH_DURATION_3, "预算呢?", 3, "budget"),
    (ZH_DURATION_3, "下一个阶段呢?", 4, "duration"),
    (ZH_DURATION_3, "什么时候可以进入下一阶段?", 3, "transition"),
    (ZH_DURATION_3, "What about stage 4?", 4, "duration"),
    (EN_DURATION_3, "How about the fifth one?", 5, "duration"),
    (EN_DURATION_3, "And what does it cost?", 3, "budget"),
    (EN_DURATION_3, "What are its KPIs?", 3, "kpis"),
    (EN_DURATION_3, "How long should a project run in it?", 3, "project_period"),
    (EN_GOAL_2, "And the next one?", 3, "goal"),
    (EN_GOAL_2, "What about culture?", 2, "culture"),
    (EN_GOAL_2, "What comes next?", 2, "transition"),
    (("阶段二的目标是什么?", 2, "goal"), "KPI是什么?", 2, "kpis"),
    (("阶段二的目标是什么?", 2, "goal"), "这个阶段要注意什么?", 2, "cautions"),
    (("阶段三的预算是多少?", 3, "budget"), "那项目周期呢?", 3, "project_period"),
])
def test_a_follow_up_carries_the_stage_and_topic_it_lacks(earlier, message, stage, topic):
    resolution = resolve(message, after(*earlier))
    assert resolution.rewritten and resolution.carried
    assert detect_stage(resolution.question) == stage, resolution.question
    assert resolution.stage == stage and resolution.topic == topic
    assert detect_topic(resolution.question) == topic, resolution.question


def test_a_pronoun_is_replaced_and_the_managers_words_are_kept():
    resolution = resolve("Who should lead that?", after(*EN_DURATION_3))
    assert resolution.question == "Who should lead stage 3?"
    assert resolve("它需要多长时间?", after("阶段二的目标是什么?", 2, "goal")).question == "阶段二需要多长时间?"


def test_the_answer_language_is_the_messages():
    resolution = resolve("What about stage 4?", after(*ZH_DURATION_3))
    assert resolution.language == "en" and resolution.question == "How long does stage 4 take?"
    assert resolve("那阶段四呢?", after(*EN_DURATION_3)).question == "阶段四需要多长时间?"


@pytest.mark.parametrize("earlier, message", [
    (ZH_DURATION_3, "阶段一的目标是什么?"),      # fully specified: nothing to carry
    (EN_DURATION_3, "What is the weather in Paris?"),
    (ZH_DURATION_3, "那天气呢?"),                # a subject of its own, not a topic
    (EN_DURATION_3, "What's the stock price of Tencent?"),
    (EN_GOAL_2, "What is stage 4?"),            # a new question about another stage
    (EN_GOAL_2, "Tell me about stage 4"),
    (EN_GOAL_2, "What are the five stages of AI adoption in a company?"),
])
def test_a_new_subject_is_not_polluted_by_the_old_one(earlier, message):
    resolution = resolve(message, after(*earlier))
    assert resolution.question == message and not resolution.carried


def test_without_earlier_turns_nothing_is_carried():
    assert resolve("那阶段四呢?").question == "那阶段四呢?"
    assert resolve("What are its KPIs?", Conversation()).question == "What are its KPIs?"


def test_a_stage_past_the_last_is_kept_so_retrieval_can_say_there_is_none():
    resolution = resolve("下一个阶段呢?", after("阶段五需要多长时间?", 5, "duration"))
    assert detect_stage(resolution.question) == 6


def test_only_recent_turns_are_followed_and_the_latest_focus_wins():
    conversation = after(*ZH_DURATION_3)
    conversation.add(Turn("今天天气怎么样?", "今天天气怎么样?", refused=True))  # no focus
    assert resolve("那阶段四呢?", conversation).question == "阶段四需要多长时间?"
    conversation.add(Turn("阶段二的目标是什么?", "阶段二的目标是什么?", stage=2, topic="goal"))
    assert resolve("那阶段四呢?", conversation).question == "阶段四的目标是什么?"
    for _ in range(Conversation.FOCUS_TURNS):
        conversation.add(Turn("x", "x", refused=True))
    assert not resolve("那阶段四呢?", conversation).carried


def test_an_unknown_topic_switches_the_stage_in_the_earlier_question():
    earlier = after("阶段三有哪些角色分工?", 3, None)
    assert resolve("那阶段四呢?", earlier).question == "阶段四有哪些角色分工?"


def test_a_project_period_is_not_a_stage_duration_and_cost_cutting_is_a_kpi():
    assert detect_topic("How long should one project in stage 3 last?") == "project_period"
    assert detect_topic("阶段四的项目周期是多久?") == "project_period"
    assert detect_topic("How long does stage 4 take?") == "duration"
    assert detect_topic("How much cost reduction should stage 4 bring?") == "kpis"
    assert detect_topic("What does stage 3 cost?") == "budget"


@pytest.mark.parametrize("question, topic", [
    ("What cost saving or efficiency gain should our first cross-department AI project deliver?", "kpis"),
    ("Which numbers tell us this team-level phase has succeeded?", "kpis"),
    ("按第二阶段的标准算达标了吗?", "kpis"),
    ("第一个跨部门项目成功以后,半年之内还要再完成几个跨部门项目?", "kpis"),
    ("How do we tell we've outgrown the department-only phase, and what's the next move?", "transition"),
    ("How do we keep customer data safe when we build our own AI models?", "data_security"),
    ("客户数据又很敏感,文章建议怎么部署?", "data_security"),
    ("和上下游企业一起打造行业AI平台,可能会遇到哪些问题?", "cautions"),
    ("Give me some ideas for small in-department projects.", "examples"),
    ("What's the end game of the last stage?", "goal"),
    ("刚起步那会儿,每个人得熟练用几个大模型才算合格?", "kpis"),
    ("how much shoud personal productivty go up in stage one?", "kpis"),
    ("Culturally, what is stage two supposed to lay the groundwork for?", "culture"),
    ("who do we team up with in the final stage, and in what ways?", "actions"),
    ("最后一步要拉上哪些外部伙伴一起做AI?", "actions"),
    ("What does the boss actually have to do personally in stage one?", "actions"),
    ("最后那个阶段,怎么判断算是做成了?", "kpis"),
    ("Is it enough if each employee only uses ChatGPT in phase 1?", "kpis"),
    ("For our first cross-team AI project, do we need some pricey platform, or is there a cheaper route?", "budget"),
    ("像这种跨部门的AI项目,文章建议怎么管?", "project_team"),
    ("When we pool data with suppliers and customers in the ecosystem phase, how do we keep it safe?",
     "data_security"),
    ("We've finished a few successful cross-dept AI projects. What's the next big move?", "transition"),
    ("Is Midjourney one of the vertical tools the article lists? What else does it name?", "examples"),
    ("My boss says stage 1 should make each of us 30% more productive. Does the article say 30%?", "kpis"),
    ("What's the point of stage three? The board wants it in one line.", "goal"),
    ("stage 5 PM - what kind of person should lead those projects?", "project_team"),
    ("The tool list mentions 奇灵 and 讯飞听见. What is each of them used for?", "examples"),
    ("when are we ready to go from building AI in-house to doing it with outside partners?", "transition"),
    ("Management wants a giant first cross-team project. What does the article recommend instead?", "actions"),
])
def test_the_topic_asked_in_other_words(question, topic):
    assert detect_topic(question) == topic
