"""The sentence of a passage that carries the asked fact, and its English rendering."""

from __future__ import annotations

from functools import partial

import pytest

from advisor.answering.key_sentence import (PassageQuote, english_rendering, key_sentence, question_groups,
                                            sentences, shared)
from advisor.knowledge.stages import load_stage_book
from advisor.retrieval.keywords import ZH_QUESTION_TERMS, Glossary, tokenize
from advisor.settings import Settings

EXECUTION_3 = ("● 项目执行:\n明确切入点:项目应小而精,周期约三个月,目标是实现 15%-20% 的降本增效。\n"
               "控制投资成本:无需大笔投入,建议订购 1-3 个云端 SaaS 的 AI 工具,最好是团队已熟悉的,"
               "年费用控制在几千元人民币。\n项目管理:制定清晰的目标、时间节点(里程碑),指定项目经理和团队成员,"
               "制定任务清单和沟通机制。由领导层亲自推动,定期培训和回顾项目进展。")
BUDGET_3 = ("控制投资成本:无需大笔投入,建议订购 1-3 个云端 SaaS 的 AI 工具,最好是团队已熟悉的,"
            "年费用控制在几千元人民币。")
LABEL = "[阶段三 · 项目执行]"


@pytest.fixture(scope="module")
def book():
    return load_stage_book(Settings().knowledge_dir / "stages.yaml")


@pytest.fixture(scope="module")
def groups_of(book, tmp_path_factory):
    glossary = Glossary((entry.en, entry.zh) for entry in book.glossary)
    words = partial(tokenize, cache_dir=tmp_path_factory.mktemp("jieba"))

    def groups(question: str, language: str):
        return question_groups(question, language, glossary, words, ZH_QUESTION_TERMS)

    return groups


def test_sentences_drop_bullets_and_lines_that_only_head_a_part():
    assert sentences(EXECUTION_3) == [
        "明确切入点:项目应小而精,周期约三个月,目标是实现 15%-20% 的降本增效。",
        BUDGET_3,
        "项目管理:制定清晰的目标、时间节点(里程碑),指定项目经理和团队成员,制定任务清单和沟通机制。",
        "由领导层亲自推动,定期培训和回顾项目进展。",
    ]
    assert sentences("预期所需时间: 约6个月至1年。") == ["预期所需时间: 约6个月至1年。"]


@pytest.mark.parametrize("question, language", [
    ("做第一个跨部门AI项目,投入要控制在什么范围?", "zh"),
    ("阶段三需要多少预算?", "zh"),
    ("How much should we budget for AI tools when we start cross-department projects?", "en"),
])
def test_the_budget_question_gets_the_budget_sentence(groups_of, book, question, language):
    quote = key_sentence(EXECUTION_3, LABEL, groups_of(question, language), book.stage(3))
    assert quote.sentence == BUDGET_3 and quote.label == LABEL


def test_a_word_of_the_question_counts_once_however_many_terms_it_maps_to(groups_of):
    # "cost" maps to 投资, 成本, 费用, 年费用 …, all in the budget sentence: still one word.
    assert shared(groups_of("How much does a GPU server cost?", "en"), BUDGET_3) == 1
    assert shared(groups_of("做第一个跨部门AI项目,投入要控制在什么范围?", "zh"), EXECUTION_3) == 3


def test_no_sentence_sharing_a_word_means_nothing_to_quote(groups_of, book):
    assert key_sentence(EXECUTION_3, LABEL, groups_of("明天上海天气怎么样?", "zh"), book.stage(3)) is None


def test_the_sentence_under_the_passages_own_heading_wins_a_tie(groups_of, book):
    goal = "阶段二:\n推动部门使用AI工具,部门内协作,融入工作流程(人+团队+AI协作)\n目标:增强团队运用AI工具的频率。"
    groups = groups_of("What is the goal when we roll AI tools out to a department?", "en")
    assert key_sentence(goal, "[阶段二 · 目标]", groups, book.stage(2), heading="目标").sentence.startswith("目标:")


def test_english_renderings_come_from_the_stage_book(book):
    stage3, stage1 = book.stage(3), book.stage(1)
    assert english_rendering(BUDGET_3, stage3) == book.stage(3).budget.en
    assert english_rendering("预期所需时间: 约6个月至1年。", stage3) == "About 6 months to 1 year."
    # A KPI in its name and target, as the key facts render it.
    assert english_rendering("个人工作效率提升 15%-20%。", stage1) == "Individual work efficiency gain: 15-20%"
    # Two facts quoted inside one sentence, in the sentence's order.
    both = english_rendering("领导带头使用 AI 工具:企业领导者亲自了解并应用 AI 工具,如文案撰写、翻译、短视频制作、"
                             "会议记录与分析、营销方案策划等。", stage1)
    assert both.startswith("Leaders lead by example") and both.endswith("marketing plan design.")
    assert english_rendering("人才是关键:在AI应用过程中,专业人才的培养和引进至关重要。", None, book.principles)
    # A sentence inside a longer fact gets that fact's English.
    assert english_rendering("由领导层亲自推动,定期培训和回顾项目进展。", stage3).startswith("Project management:")
    # A sentence the stage book does not hold has no rendering.
    assert english_rendering("本篇将聚焦AI应用的五个阶段,帮助企业领导者逐步了解AI的实施路径。", None,
                             book.principles) is None


def test_the_quote_as_an_answer_line():
    quote = PassageQuote(BUDGET_3, LABEL, "No large outlay: 1-3 cloud SaaS AI tools.")
    assert quote.line("zh") == f"文档原文:{BUDGET_3} {LABEL}"
    assert quote.line("en") == f"From the article: No large outlay: 1-3 cloud SaaS AI tools. (“{BUDGET_3}”) {LABEL}"
    bare = PassageQuote("由领导层亲自推动。", LABEL)
    assert bare.line("en") == f"From the article: “由领导层亲自推动。” (in the article's Chinese) {LABEL}"
