"""The article's own sentence for a question: found in the stage book, never invented."""

from __future__ import annotations

import pytest

from advisor.answering.evidence import fact_for_question, key_fact
from advisor.knowledge.stages import load_stage_book
from advisor.settings import Settings


@pytest.fixture(scope="module")
def book():
    return load_stage_book(Settings().knowledge_dir / "stages.yaml")


@pytest.fixture(scope="module")
def article() -> str:
    return (Settings().knowledge_dir / "stage_document.zh.txt").read_text(encoding="utf-8")


TOPICS = ("duration", "project_period", "budget", "kpis", "goal", "culture", "transition",
          "cautions", "examples", "actions", "data_security", "project_team")


def test_every_fact_cites_a_real_passage_and_quotes_the_stage_book(book, article):
    import re

    from advisor.knowledge.stage_document import read_stage_passages

    labels = {c.label for c in read_stage_passages(Settings().knowledge_dir, book)}
    found = 0
    for stage in range(1, 6):
        for topic in TOPICS:
            fact = key_fact(book, stage, topic)
            if fact is None:
                continue
            found += 1
            assert fact.label in labels, (stage, topic, fact.label)
            assert fact.stage == stage
            # Every figure of the Chinese text is a figure of the article.
            for figure in re.findall(r"\d+(?:\.\d+)?", fact.zh):
                assert figure in article, (stage, topic, figure)
    assert found >= 45


def test_facts_keep_apart_what_the_article_keeps_apart(book):
    assert key_fact(book, 3, "duration").zh == "约6个月至1年。"
    assert key_fact(book, 3, "project_period").zh == "周期约三个月。"
    assert "1-3 个云端 SaaS" in key_fact(book, 3, "budget").zh
    assert key_fact(book, 5, "budget").section == "actions"  # stage 5 keeps its budget there
    assert "项目经理" in key_fact(book, 5, "project_team").zh
    assert "领导" in key_fact(book, 1, "project_team").zh
    assert "外部伙伴" in key_fact(book, 4, "transition").zh
    assert key_fact(book, 1, "budget") is None and key_fact(book, 3, "cautions") is None
    assert key_fact(book, 6, "duration") is None and key_fact(book, None, "duration") is None


def test_english_questions_get_the_stage_books_english(book):
    fact = key_fact(book, 4, "kpis")
    assert fact.line("en").startswith("From the article: Overall operating efficiency gain")
    assert "20-40%" in fact.line("en") and fact.line("en").endswith("[阶段四 · 预期成果与KPI]")
    assert fact.line("zh").startswith("文档原文:整合业务流程后,整体运营效率提升 20%-40%")


@pytest.mark.parametrize("stage, topic", [(None, None), (None, "culture"), (3, None), (6, "goal")])
def test_no_fact_without_a_stage_and_a_topic(book, stage, topic):
    assert key_fact(book, stage, topic) is None


def test_a_question_on_risks_gets_the_risks_not_the_rules(book):
    assert "知识产权" in key_fact(book, 5, "cautions", "和上下游企业一起打造平台会遇到哪些问题?").zh
    assert "intellectual property" in key_fact(book, 5, "cautions", "What risks come up when we co-develop AI?").en
    assert "知识产权" in key_fact(book, 5, "cautions", "和供应商、客户联合搞AI,可能会踩哪些坑?").zh
    assert "intellectual property" in key_fact(book, 5, "cautions", "What pitfalls should partners expect?").en
    assert "开源模型" in key_fact(book, 5, "cautions").zh  # asked plainly: the first of its cautions


@pytest.mark.parametrize("question, stage, topic, expected_stage, words", [
    ("我们已经有几个跨部门AI项目的成功案例了,下一步该往哪个方向发展?", None, "transition", 3, "公司战略"),
    ("In the stage where we start small cross-team AI projects, what is the company trying to achieve?",
     None, "goal", 3, "跨部门"),
    ("阶段二的团队能开始跨部门项目了吗?要看哪些KPI?", 2, "kpis", 2, "团队"),  # a stage named wins
])
def test_a_fact_for_the_stage_a_question_names_or_describes(book, question, stage, topic, expected_stage, words):
    fact = fact_for_question(book, question, stage, topic)
    assert fact.stage == expected_stage and words in fact.zh


@pytest.mark.parametrize("question, topic", [
    ("我们已经有几个跨部门AI项目的成功案例了", None),  # no topic asked
    ("How do we move on to cross-department projects?", "transition"),  # the stage is where it is going
    ("怎么提高团队效率?", "kpis"),  # no stage named or described
])
def test_no_fact_without_a_stage_the_question_is_in(book, question, topic):
    assert fact_for_question(book, question, None, topic) is None


def test_a_question_comparing_stages_gets_each_stages_fact(book):
    fact = fact_for_question(book, "阶段四和阶段五的单个项目周期分别建议多长?", 4, "project_period")
    assert fact.labels == ("[阶段四 · 项目执行]", "[阶段五 · 项目执行]")
    lines = fact.line("en").split("\n")
    assert "4-8 months" in lines[0] and "6-12 months" in lines[1] and lines[1].endswith("[阶段五 · 项目执行]")


@pytest.mark.parametrize("question, stage", [
    ("跨部门项目要做出什么成绩,才算可以进入下一个阶段?", None),
    ("What marks the move from stage 3 to the next stage?", 3),
])
def test_what_marks_the_move_on_comes_with_the_stages_kpis(book, question, stage):
    fact = fact_for_question(book, question, stage, "transition")
    assert fact.labels == ("[阶段三 · 过渡到下一阶段]", "[阶段三 · 预期成果与KPI]")
    assert "15%-20%" in fact.line("zh") and "15-20%" in fact.line("en")


@pytest.mark.parametrize("question, stage, labels", [
    ("In the last stage, how long should a single project take compared with the stage as a whole?", 5,
     ("[阶段五 · 项目执行]", "[阶段五 · 预期所需时间]")),
    ("How long should one cross-dept pilot run, versus how long the whole cross-department phase lasts?", None,
     ("[阶段三 · 项目执行]", "[阶段三 · 预期所需时间]")),
    ("How long should a stage 3 project run?", 3, ("[阶段三 · 项目执行]",)),  # the project's period alone
])
def test_a_projects_period_against_the_stages_length_gets_both(book, question, stage, labels):
    assert fact_for_question(book, question, stage, "project_period").labels == labels


def test_stages_compared_by_what_happens_in_them_get_each_stages_fact(book):
    question = "Does the team-workflow phase take longer than the first leader-led phase, or roughly the same?"
    fact = fact_for_question(book, question, None, "duration")
    assert fact.labels == ("[阶段二 · 预期所需时间]", "[阶段一 · 预期所需时间]")
    # Without a comparison, two stages described are no question about either.
    assert fact_for_question(book, "How long does it take to go from leader-led use to team workflows?",
                             None, "duration") is None


def test_a_question_on_the_example_tools_gets_the_tools_not_the_tasks(book):
    assert "Midjourney" in key_fact(book, 1, "examples", "Is Midjourney one of the vertical tools the article lists?").en
    assert "Copywriting" in key_fact(book, 1, "examples", "What kind of tasks does stage 1 use AI for?").en


def test_a_kpi_named_in_english_inside_a_chinese_question_gets_the_kpis(book):
    from advisor.conversation.topics import detect_topic
    from advisor.retrieval.query import detect_stage

    question = "Stage 4 的 customer satisfaction 要做到多少才算 OK?"
    fact = fact_for_question(book, question, detect_stage(question), detect_topic(question))
    assert fact is not None and fact.section == "kpis" and "95%" in fact.zh


def test_a_question_on_who_leads_beside_how_long_gets_both(book):
    from advisor.conversation.topics import detect_topic
    from advisor.retrieval.query import detect_stage

    question = "for stage 5, what kind of project manager should lead, and how long is the whole stage expected to take?"
    fact = fact_for_question(book, question, detect_stage(question), detect_topic(question))
    texts = " ".join(f.en for f in (fact, *fact.also))
    assert "project manager" in texts and "1 to 3 years" in texts


@pytest.mark.parametrize("question, stage", [
    ("中层干部在这套AI落地路线里具体负责什么?", 2),
    ("Per the article, the build-your-own-AI stage wraps up in about six months, right?", 4),
    ("For the awareness-building phase where the boss goes first, what's the objective?", 1),
])
def test_a_stage_named_by_what_happens_in_it_gets_its_fact(book, question, stage):
    from advisor.conversation.topics import detect_topic

    fact = fact_for_question(book, question, None, detect_topic(question))
    assert fact is not None and fact.stage == stage
