"""Less prompt per question: which passages the model reads whole, and which by one line."""

from __future__ import annotations

from functools import partial

import pytest

from advisor.answering.focus import best_line, focus, on_point
from advisor.answering.key_sentence import question_groups
from advisor.knowledge.chunks import Chunk
from advisor.knowledge.stages import load_stage_book
from advisor.retrieval.keywords import ZH_QUESTION_TERMS, Glossary, tokenize
from advisor.settings import Settings

GOAL_3 = "阶段三:\n启动小型跨部门AI项目\n目标:打破部门壁垒,推动跨部门协作,深化AI应用。"
EXECUTION_3 = ("● 项目执行:\n明确切入点:项目应小而精,周期约三个月,目标是实现 15%-20% 的降本增效。\n"
               "控制投资成本:无需大笔投入,建议订购 1-3 个云端 SaaS 的 AI 工具,年费用控制在几千元人民币。\n"
               "项目管理:制定清晰的目标、时间节点(里程碑),指定项目经理和团队成员。")
DURATION_3 = "预期所需时间: 约6个月至1年。"
CULTURE_1 = "培养企业文化: 鼓励全体员工在日常工作中积极运用AI工具,提升个人工作效率。"


def chunk(text: str, stage: int | None, section: str, title: str) -> Chunk:
    return Chunk(text=text, source="stage_document", section=section, section_title=title,
                 start=hash(text) % 1000, end=hash(text) % 1000 + len(text), stage=stage)


GOAL = chunk(GOAL_3, 3, "goal", "目标")
EXECUTION = chunk(EXECUTION_3, 3, "execution", "项目执行")
DURATION = chunk(DURATION_3, 3, "duration", "预期所需时间")
CULTURE = chunk(CULTURE_1, 1, "culture", "培养企业文化")


@pytest.fixture(scope="module")
def groups_of(tmp_path_factory):
    book = load_stage_book(Settings().knowledge_dir / "stages.yaml")
    glossary = Glossary((entry.en, entry.zh) for entry in book.glossary)
    words = partial(tokenize, cache_dir=tmp_path_factory.mktemp("jieba"))
    return lambda question, language="zh": question_groups(question, language, glossary, words, ZH_QUESTION_TERMS)


def test_the_best_passage_is_read_whole_and_the_others_by_their_line_on_the_question(groups_of):
    groups = groups_of("跨部门项目的投资成本要控制在多少?")
    shown = focus([EXECUTION, GOAL, CULTURE], groups)
    assert [f.chunk for f in shown][:1] == [EXECUTION] and shown[0].whole
    goal = next(f for f in shown if f.chunk is GOAL)
    assert not goal.whole and goal.text == "启动小型跨部门AI项目", "two of the question's words, the goal line one"
    assert CULTURE not in [f.chunk for f in shown], "no line shares a word with the question"


def test_the_passage_of_the_section_asked_is_read_whole_wherever_it_ranks(groups_of):
    groups = groups_of("阶段三的预算是多少?")
    shown = focus([GOAL, DURATION, EXECUTION], groups, section="execution", stage=3)
    whole = [f.chunk for f in shown if f.whole]
    assert whole == [GOAL, EXECUTION], "the best passage and the one asked about"
    assert [f.chunk for f in shown] == [c for c in (GOAL, DURATION, EXECUTION) if c in [f.chunk for f in shown]], \
        "retrieval's order is kept"


def test_a_named_stage_picks_that_stage_s_passage_of_the_section():
    other = chunk("● 项目执行:\n1. 项目周期:建议 4-8 个月。", 4, "execution", "项目执行")
    assert on_point([GOAL, other, EXECUTION], "execution", 3) is EXECUTION
    assert on_point([GOAL, other, EXECUTION], "execution", None) is other
    assert on_point([GOAL, other], None, 3) is None


def test_the_line_kept_is_the_one_sharing_most_words_never_a_heading(groups_of):
    groups = groups_of("第一个跨部门项目的周期要多长,目标是降本多少?")
    assert best_line(EXECUTION_3, groups).startswith("明确切入点:项目应小而精,周期约三个月")
    assert best_line("● 项目执行:\n行动计划:", groups) == ""


def test_english_questions_are_matched_through_the_glossary(groups_of):
    groups = groups_of("How much budget do we need for the tools?", "en")
    assert "年费用控制在几千元人民币" in best_line(EXECUTION_3, groups)


def test_nothing_retrieved_gives_nothing_to_read(groups_of):
    assert focus([], groups_of("阶段三要多久?")) == []
