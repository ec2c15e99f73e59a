"""The figure check: every number of an answer must be in its passages, unit and all."""

from __future__ import annotations

import pytest

from advisor.answering.grounding import unfounded_quotes, ungrounded_figures

# The article's passages, as the chain hands them to the check.
EXECUTION_3 = ("● 项目执行:\n明确切入点:项目应小而精,周期约三个月,目标是实现 15%-20% 的降本增效。\n"
               "控制投资成本:无需大笔投入,建议订购 1-3 个云端 SaaS 的 AI 工具,最好是团队已熟悉的,"
               "年费用控制在几千元人民币。\n项目管理:制定清晰的目标、时间节点(里程碑),指定项目经理和团队成员。")
DURATION_3 = "预期所需时间: 约6个月至1年。"
KPIS_3 = ("预期成果与KPI:\n● 成功完成第一个跨部门项目,降本或增效至少15%-20%。\n"
          "● 在半年内完成至少2个其他跨部门项目,实现类似的降本或增效效果。")
EXECUTION_4 = "● 项目执行:\n1. 项目周期:建议 4-8 个月。\n2. 合理加大投资:投入自有 AI 应用的开发。"
DURATION_4 = "预期所需时间: 约1.5至3年。"
KPIS_1 = ("预期成果与KPI:\n● 个人工作效率提升 15%-20%。\n"
          "● 每个人使用至少 2 个大语言模型和 3-8 个垂直应用的 AI 工具:")
STAGE_3 = [EXECUTION_3, DURATION_3, KPIS_3]
STAGE_4 = [EXECUTION_4, DURATION_4]


# --- the cases -------------------------------------------------------------------
@pytest.mark.parametrize("answer, failed", [
    ("According to the document, about 1-3 thousand yuan per year [阶段三 · 项目执行].", ["1-3 thousand yuan"]),
    ("根据文档,每年投入约1-3千元 [阶段三 · 项目执行]。", ["1-3千元"]),
    ("根据文档,年费用约1000-3000元 [阶段三 · 项目执行]。", ["1000-3000元"]),
    ("The budget is RMB 1-3 [阶段三 · 项目执行].", ["RMB 1-3"]),
])
def test_tools_do_not_become_yuan(answer, failed):
    assert ungrounded_figures(answer, STAGE_3) == failed


@pytest.mark.parametrize("answer", [
    "According to the document, subscribe to 1-3 SaaS tools, a few thousand yuan a year [阶段三 · 项目执行].",
    "根据文档,建议订购1-3个云端SaaS工具,年费用控制在几千元人民币【阶段三 · 项目执行】。",
    "Subscribe to one to three cloud AI tools; the yearly cost stays at a few thousand RMB.",
    "Keep it to 1-3 cloud SaaS AI tools [阶段三 · 项目执行].",
])
def test_the_articles_budget_in_other_words_passes(answer):
    assert ungrounded_figures(answer, STAGE_3) == []


@pytest.mark.parametrize("answer, failed", [
    ("根据文档,阶段四的项目周期约1.5至3年 [阶段四 · 项目执行]。", ["1.5至3年"]),
    ("Stage 4 projects should run about 1.5 to 3 years [阶段四 · 项目执行].", ["1.5 to 3 years"]),
    ("阶段四需要4-8个月 [阶段四 · 预期所需时间]。", ["4-8个月"]),
    ("Stage 4 takes 4-8 months.", ["4-8 months"]),
])
def test_a_stage_duration_is_not_a_project_period_nor_the_reverse(answer, failed):
    assert ungrounded_figures(answer, STAGE_4) == failed


@pytest.mark.parametrize("answer", [
    "根据文档,阶段四的项目周期建议4-8个月 [阶段四 · 项目执行]。",
    "Projects in stage 4 should run 4-8 months [阶段四 · 项目执行].",
    "The project period for stage 4 is 4 to 8 months.",
    "阶段四一般需要约1.5至3年 [阶段四 · 预期所需时间]。",
    "Stage 4 takes about 18 months to 3 years.",
    # Undecided wording is checked by number and unit alone.
    "根据文档,4-8个月和1.5至3年 [阶段四 · 项目执行]。",
    "阶段四(包括项目执行)一般需要约1.5至3年。",
])
def test_each_duration_stated_as_what_it_is_passes(answer):
    assert ungrounded_figures(answer, STAGE_4) == []


def test_a_project_period_from_a_sentence_about_neither_is_allowed():
    # "在半年内完成至少2个…项目" is a KPI, not a period of either kind: it grounds half a year.
    assert ungrounded_figures("阶段三的项目应在半年内完成。", STAGE_3) == []
    assert ungrounded_figures("阶段三的项目周期约三个月。", STAGE_3) == []
    # Half a year is grounded by that KPI; the year only by the stage's duration.
    assert ungrounded_figures("阶段三的项目周期约6个月至1年。", STAGE_3) == ["6个月至1年"]


# --- conversions and units in both languages -----------------------------------------------
@pytest.mark.parametrize("answer, passages", [
    ("约6个月至1年", ["6 months to 1 year"]),
    ("6 months to 1 year", [DURATION_3]),
    ("six months to one year", [DURATION_3]),
    ("6-12个月", [DURATION_3]),
    ("18 months to 36 months", [DURATION_4]),
    ("一年半到三年", [DURATION_4]),
    ("within half a year", [KPIS_3]),
    ("6个月内", [KPIS_3]),
    ("about 3 months per project", [EXECUTION_3]),
    ("20 percent", ["团队项目效率提高20%。"]),
    ("88,000 yuan", ["我们公司2025年的AI预算是8.8万元。"]),
    ("8.8万元", ["The budget is 88000 yuan."]),
    ("at least 2 LLMs and 3-8 vertical AI tools", [KPIS_1]),
    ("每人至少用2个大语言模型", [KPIS_1]),
    ("15%到20%", [KPIS_1]),
])
def test_the_same_figure_in_another_unit_or_language_passes(answer, passages):
    assert ungrounded_figures(answer, passages) == []


@pytest.mark.parametrize("answer, passages, failed", [
    ("约3年", [EXECUTION_3], ["3年"]),  # 三个月, not three years
    ("2 AI tools", [KPIS_1], ["2 AI tools"]),  # the article's 2 are language models
    ("3-8 people", [KPIS_1], ["3-8 people"]),
    ("20 months", ["团队项目效率提高20%。"], ["20 months"]),
    ("20%", ["项目周期约20个月。"], ["20%"]),
    ("12 weeks", [EXECUTION_3], ["12 weeks"]),
    ("$5,000", ["预算是5000元。"], ["$5,000"]),
    ("需要3人团队", STAGE_3, ["3人"]),
    ("Stage 3 takes 27 months and costs 480000 yuan", [DURATION_3], ["27 months", "480000 yuan"]),
])
def test_a_number_on_another_thing_fails(answer, passages, failed):
    assert ungrounded_figures(answer, passages) == failed


# --- what stays allowed ---------------------------------------------------------------------
@pytest.mark.parametrize("answer", [
    "阶段3有3个重点:\n1. 跨部门项目\n2. 项目执行\n3. 企业文化",  # stage numbers, list positions, counts
    "Stage 3 (the third of 5 stages) comes after stage 2.",
    "第一个跨部门项目要在第3个月前启动。",  # positions, not amounts
    "The 1-3 figure the article gives.",  # a bare range the passage holds
    "15-20",
    "Use Qwen2.5 or GPT-4 with 5G.",  # digits inside names
])
def test_positions_counts_and_bare_numbers_the_passage_holds_pass(answer):
    assert ungrounded_figures(answer, STAGE_3) == []


def test_a_bare_number_the_passages_lack_fails():
    assert ungrounded_figures("The answer is 27.", STAGE_3) == ["27"]
    assert ungrounded_figures("The answer is 18.", [DURATION_4]) == []  # 1.5 years as months


def test_a_company_table_that_gives_a_number_without_its_unit_grounds_it():
    table = "| 项目 | 预算(元) |\n| 试点 | 50000 |"
    assert ungrounded_figures("试点预算为50000元。", [table]) == []
    # …unless a passage attaches that number to something else.
    assert ungrounded_figures("试点预算为50000元。", [table, "共50000人参加。"]) == ["50000元"]


def test_the_question_counts_as_evidence_and_each_failure_is_listed_once():
    assert ungrounded_figures("我们有200名员工,200名员工都要培训。", ["我们公司有200名员工"]) == []
    assert ungrounded_figures("27个月,又是27个月。", [DURATION_3]) == ["27个月"]


def test_the_stage_books_facts_in_both_languages_pass_against_their_stages_passages():
    # Faithful renderings of the article must never be withdrawn: every fact, key fact and
    # criterion question of a stage, in Chinese and English, against that stage's passages.
    from advisor.answering.evidence import key_fact, kpi_text
    from advisor.knowledge.stage_document import read_stage_passages
    from advisor.knowledge.stages import load_stage_book
    from advisor.settings import Settings

    knowledge = Settings().knowledge_dir
    book = load_stage_book(knowledge / "stages.yaml")
    passages = read_stage_passages(knowledge, book)
    topics = ("duration", "project_period", "budget", "kpis", "goal", "culture", "transition", "cautions",
              "examples", "actions", "data_security", "project_team")
    checked, failed = 0, []
    for stage in book.stages:
        texts = [p.text for p in passages if p.stage == stage.id]
        statements = [getattr(i, lang) if hasattr(i, "en") else kpi_text(i, lang)
                      for i in stage.items() for lang in ("zh", "en")]
        statements += [getattr(c.question, lang) for c in stage.criteria for lang in ("zh", "en")]
        statements += [f.line(lang) for t in topics if (f := key_fact(book, stage.id, t)) for lang in ("zh", "en")]
        for statement in statements:
            checked += 1
            if ungrounded_figures(statement, texts):
                failed.append((stage.id, statement))
    assert failed == [] and checked >= 300


# --- quotes in parentheses ----------------------------------------------------------------
PASSAGE_3 = ("控制投资成本:无需大笔投入,建议订购 1-3 个云端 SaaS 的 AI 工具,最好是团队已熟悉的,"
             "年费用控制在几千元人民币。")


@pytest.mark.parametrize("answer", [
    "Spend a few thousand yuan a year (年费用控制在几千元人民币) [阶段三 · 项目执行].",
    "Subscribe to 1-3 SaaS tools (“建议订购 1-3 个云端 SaaS 的 AI 工具…”) [阶段三 · 项目执行].",
    "No big spending is needed (无需大笔投入,最好是团队熟悉的工具) [阶段三 · 项目执行].",  # shortened, still theirs
    "Keep it small (SaaS) and cheap (成本) [阶段三 · 项目执行].",  # a term, not a quote
    "It takes about a year (see the stage's duration) [阶段三 · 项目执行].",
])
def test_quotes_taken_from_the_passages_stand(answer):
    assert unfounded_quotes(answer, [PASSAGE_3]) == []


@pytest.mark.parametrize("answer, quote", [
    ("The share price will rise next week (股票价格将在下周上涨) [阶段三 · 项目执行].", "股票价格将在下周上涨"),
    ("Hire two data scientists first (先招聘两名数据科学家) [阶段三 · 项目执行].", "先招聘两名数据科学家"),
])
def test_a_quote_the_passages_never_held_is_found(answer, quote):
    assert unfounded_quotes(answer, [PASSAGE_3]) == [quote]
