"""Which of the article's general points (principles, introduction, conclusion) a
question asks about, and the fact that follows the answer for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.answering.evidence import fact_for_question
from advisor.retrieval.general_points import general_point, point_item
from advisor.conversation.topics import detect_topic
from advisor.knowledge.stages import load_stage_book
from advisor.retrieval.query import detect_stage

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def book():
    return load_stage_book(ROOT / "knowledge" / "stages.yaml")


def fact(book, question):
    return fact_for_question(book, question, detect_stage(question), detect_topic(question))


@pytest.mark.parametrize(("question", "opening"), [
    ("AI会不会抢走我们员工的饭碗?", "强调人的核心作用"),
    ("Will AI end up replacing our accountants?", "强调人的核心作用"),
    ("公司要不要专门招AI人才?", "人才是关键"),
    ("How important is recruiting skilled people for all this?", "人才是关键"),
    ("我们能不能跳过前面几个阶段,直接做自有模型?", "一致性与连贯性"),
    ("Can a company skip a stage or two if it is in a hurry?", "一致性与连贯性"),
    ("老板觉得定KPI就是走过场,文章怎么看?", "明确阶段目标和KPI"),
    ("Isn't setting metrics for each step just box-ticking?", "明确阶段目标和KPI"),
    ("怎么营造大家愿意分享经验的氛围?", "培养协作文化"),
    ("用AI要注意隐私和法律问题吗?", "法律与合规性"),
    ("这套方法适合什么样的公司?", "对于中小企业来说"),
    ("Is this written for companies with a limited budget like ours?", "对于中小企业来说"),
    ("In its closing remarks, does the author see AI as just another tool?", "通过AI应用的五个阶段"),
    ("文章结尾怎么看AI?", "通过AI应用的五个阶段"),
    ("走完五个阶段,最终能给企业带来什么?", "通过AI应用的五个阶段"),
    ("What's the big picture the article ends on?", "通过AI应用的五个阶段"),
])
def test_a_question_on_a_general_point_gets_its_sentence_after_the_answer(book, question, opening):
    assert general_point(question) == opening
    found = fact(book, question)
    assert found is not None and found.stage is None and found.zh.startswith(opening)
    assert found.label.startswith("[stage_document · ")
    assert found.line("en").startswith("From the article: ")


def test_each_point_is_one_sentence_of_the_book(book):
    from advisor.retrieval.general_points import _POINTS

    for opening in _POINTS:
        item = point_item(book, opening)
        assert item is not None and item.en, opening


@pytest.mark.parametrize("question", [
    "阶段三的人才怎么安排?",  # a stage named: that stage's question
    "跨部门项目要招几个人?",  # a stage described, with a topic of its own
    "明天上海天气怎么样?",
    "How long does stage 2 take?",
    "Which tool does the article name for making videos?",
])
def test_no_general_point_for_a_question_about_a_stage_or_nothing(book, question):
    found = fact(book, question)
    assert found is None or found.stage is not None


def test_the_labels_are_the_passages_labels(book, built_advisor):
    labels = {c.label for c in built_advisor.retriever.index.chunks}
    for question in ("AI会取代人吗?", "这篇文章是写给谁看的?", "文章的结语说了什么?"):
        assert fact(book, question).label in labels, question
