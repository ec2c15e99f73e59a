"""The company's own figure against the stage's KPI target: worked out, and an answer of
the model's that says the opposite gives way to it."""

from __future__ import annotations

import pytest

from advisor.answering.yardstick import yardstick
from advisor.knowledge.stages import load_stage_book
from advisor.settings import Settings


@pytest.fixture(scope="module")
def book():
    return load_stage_book(Settings().knowledge_dir / "stages.yaml")


@pytest.mark.parametrize("question, stage, value, meets, target", [
    ("Our first cross-department AI project cut costs by 12%. Does that meet the article's target?", 3, 12, False,
     (15, 20)),
    ("we measured roughly 17% personal productivity gain - is that in line with stage 1?", 1, 17, True, (15, 20)),
    ("我们市场部团队协作满意度调查结果85%,第二阶段算达标了吗?", 2, 85, False, (90, None)),
    ("Our customer satisfaction is 96%, enough for stage 4?", 4, 96, True, (95, None)),
    ("我们效率提升了两成,阶段二够吗?", 2, 20, True, (20, None)),  # a figure in words
])
def test_the_companys_figure_is_held_against_the_kpi_it_speaks_of(book, question, stage, value, meets, target):
    found = yardstick(question, book, stage)
    assert found is not None
    assert (found.value, found.meets, (found.target_min, found.target_max)) == (value, meets, target)


@pytest.mark.parametrize("question, stage", [
    ("My boss says stage 1 should make each of us 30% more productive. Does the article say 30%?", 1),  # told
    ("我们的目标是提升20%,阶段一够吗?", 1),  # a goal, not a result
    ("阶段三的KPI是15%还是20%?", 3),  # no figure of the company's own
    ("What are stage 5's KPIs? We grew 30%.", 5),  # stage 5 has no percentage KPI
    ("Our efficiency is up 25% and satisfaction 90%. Stage 2?", 2),  # two figures: which is which?
])
def test_no_comparison_without_one_figure_of_the_companys_own(book, question, stage):
    assert yardstick(question, book, stage) is None


def test_the_line_and_what_contradicts_it(book):
    short = yardstick("Our first cross-department project cut costs by 12%. Does that meet stage 3's target?", book, 3)
    assert short.line("en") == ("Against the article: your 12% is below its target for cost reduction or efficiency "
                                "gain of the first cross-department project (15%-20%).")
    assert "低于" in short.line("zh") and "15%-20%" in short.line("zh")
    assert short.contradicted_by("Your 12% is within the target range of 15%-20%.")
    assert not short.contradicted_by("12% is below the 15%-20% the article sets.")
    assert not short.contradicted_by("The target is 15%-20%.")  # says nothing of the company's figure


def test_a_wrong_comparison_of_the_models_gives_way_to_the_quote_and_the_worked_out_one(make_advisor):
    question = "我们第一个跨部门项目降本12%,阶段三算达标了吗?"
    advisor = make_advisor("根据文档,你们的12%已经达标,符合阶段三的要求。[阶段三 · 预期成果与KPI]", evidence_first=True)
    events = list(advisor.stream(question))
    answer = events[-1].answer
    assert "已经达标" not in answer.answer
    assert "对照文档:你们的12%低于" in answer.answer and "15%-20%" in answer.answer
    assert [e.text for e in events if e.kind == "retract"] == [answer.answer]


def test_a_right_comparison_of_the_models_stays_beside_the_worked_out_one(make_advisor):
    question = "我们第一个跨部门项目降本12%,阶段三算达标了吗?"
    advisor = make_advisor("根据文档,12%低于阶段三15%-20%的目标。[阶段三 · 预期成果与KPI]", evidence_first=True)
    answer = list(advisor.stream(question))[-1].answer
    assert "12%低于阶段三15%-20%的目标" in answer.answer and "对照文档:你们的12%低于" in answer.answer


# --- a length of time the question gives, against the period the article gives ------------
@pytest.mark.parametrize("question, stage, said, within", [
    ("The article says stage 1 only takes a couple of weeks, right?", 1, "a couple of weeks", False),
    ("我记得文章说第二阶段要搞两年左右对吧?", 2, "两年", False),
    ("Can we finish stage 1 in 3 months?", 1, "3 months", True),
    ("我们半年能走完阶段一吗?", 1, "半年", True),
    ("文章说阶段四半年就能走完,对不对?老板让我按6个月做计划。", 4, "半年", False),  # one length, said twice
])
def test_a_length_put_to_the_article_is_compared_with_its_period(book, question, stage, said, within):
    from advisor.answering.yardstick import length_check

    found = length_check(question, book.stage(stage).duration)
    assert found is not None and found.said == said and found.within is within


@pytest.mark.parametrize("question", [
    "我们做了两年AI,阶段二要多久?",  # how long the company has been at it
    "阶段三一般需要多长时间?",  # no length given
    "Stage 3 takes 6 months to a year and a project 3 months?",  # two lengths: which is which?
])
def test_no_length_check_without_one_length_put_to_the_article(book, question):
    from advisor.answering.yardstick import length_check

    assert length_check(question, book.stage(3).duration) is None


def test_an_answer_repeating_a_wrong_premise_gives_way_to_the_quote(make_advisor):
    question = "The article says stage 1 only takes a couple of weeks, right?"
    advisor = make_advisor("According to the document, stage 1 only takes a couple of weeks. [阶段一 · 预期所需时间]",
                           evidence_first=True)
    events = list(advisor.stream(question))
    answer = events[-1].answer
    assert "only takes a couple of weeks" not in answer.answer
    assert "a couple of weeks is shorter than the time it gives" in answer.answer
    assert "[阶段一 · 预期所需时间]" in answer.answer and not answer.refused


def test_an_answer_that_corrects_the_premise_stays(make_advisor):
    question = "The article says stage 1 only takes a couple of weeks, right?"
    reply = "No, not a couple of weeks: stage 1 usually takes 3 to 6 months. [阶段一 · 预期所需时间]"
    advisor = make_advisor(reply, evidence_first=True)
    answer = list(advisor.stream(question))[-1].answer
    assert "stage 1 usually takes 3 to 6 months" in answer.answer
