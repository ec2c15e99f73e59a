"""An English question's answer kept in English: the article's Chinese lines put in the
stage book's English, and an answer still in Chinese replaced by the article's sentence."""

from __future__ import annotations

import pytest

from advisor.answering.english import in_english
from advisor.knowledge.stages import load_stage_book
from advisor.settings import Settings


@pytest.fixture(scope="module")
def book():
    return load_stage_book(Settings().knowledge_dir / "stages.yaml")


def test_the_articles_chinese_lines_are_put_in_english(book):
    answer = ("According to the document, the KPIs for stage 4 are:\n"
              "● 整合业务流程后,整体运营效率提升 20%-40%。\n● 客户满意度提升至 95%。 [阶段四 · 预期成果与KPI]")
    english = in_english(answer, book, [4])
    assert english.splitlines() == [
        "According to the document, the KPIs for stage 4 are:",
        "● Overall operating efficiency gain after integrating business processes: 20-40%",
        "● Customer satisfaction: at least 95% [阶段四 · 预期成果与KPI]",
    ]


def test_an_english_answer_with_the_chinese_in_brackets_stands(book):
    answer = "Stage 3 takes 6 months to 1 year (约6个月至1年). [阶段三 · 预期所需时间]"
    assert in_english(answer, book, [3]) == answer


def test_an_answer_still_in_chinese_is_no_english_answer(book):
    assert in_english("根据文档,这个阶段就是让大家多用用AI,别的没有细说。[阶段二 · 目标]", book, [2]) is None


def test_through_the_chain_a_chinese_answer_gives_way_to_the_quote(make_advisor):
    advisor = make_advisor("根据文档,阶段四的客户满意度要提升至 95%。[阶段四 · 预期成果与KPI]", evidence_first=True)
    events = list(advisor.stream("What customer satisfaction should stage 4 reach?"))
    answer = events[-1].answer
    assert answer.answer.startswith("From the article: ") and "95%" in answer.answer
    assert "根据文档" not in answer.answer and not answer.refused


def test_chinese_inside_an_english_sentence_is_put_in_english(book):
    answer = ("According to the document, the goal of the department step is to enhance team运用AI工具的频率、时长及质量,"
              "提升团队效率,将AI融入团队工作流程. [阶段二 · 目标]")
    english = in_english(answer, book, [2])
    assert english is not None and "how often, how long and how well" in english
    assert english.endswith("[阶段二 · 目标]")
