"""Reading figures with their units, and whose span of time a duration is."""

from __future__ import annotations

import pytest

from advisor.answering.figures import MONTH, PERCENT, PERSON, PROJECT, STAGE, TOOL, YUAN, figures_in
from advisor.answering.periods import answer_subject, passage_subject


def read(text: str) -> list[tuple[str, float, str | None]]:
    return [(f.text, f.value, f.unit) for f in figures_in(text)]


@pytest.mark.parametrize("text, figures", [
    ("3-6个月", [("3-6个月", 3, MONTH), ("3-6个月", 6, MONTH)]),
    ("3至6个月", [("3至6个月", 3, MONTH), ("3至6个月", 6, MONTH)]),
    ("3 to 6 months", [("3 to 6 months", 3, MONTH), ("3 to 6 months", 6, MONTH)]),
    ("约1.5至3年", [("1.5至3年", 18, MONTH), ("1.5至3年", 36, MONTH)]),
    ("约6个月至1年", [("6个月", 6, MONTH), ("6个月至1年", 12, MONTH)]),
    ("20%-40%", [("20%", 20, PERCENT), ("20%-40%", 40, PERCENT)]),
    ("15-20%", [("15-20%", 15, PERCENT), ("15-20%", 20, PERCENT)]),
    ("周期约三个月", [("三个月", 3, MONTH)]),
    ("在半年内", [("半年", 6, MONTH)]),
    ("一年半", [("一年半", 18, MONTH)]),
    ("1-3 thousand yuan", [("1-3 thousand yuan", 1000, YUAN), ("1-3 thousand yuan", 3000, YUAN)]),
    ("8.8万元", [("8.8万元", 88000, YUAN)]),
    ("两千元", [("两千元", 2000, YUAN)]),
    ("RMB 5,000", [("RMB 5,000", 5000, YUAN)]),
    ("1-3 个云端 SaaS 的 AI 工具", [("1-3 个云端 SaaS", 1, TOOL), ("1-3 个云端 SaaS", 3, TOOL)]),
    ("至少2个其他跨部门项目", [("2个其他跨部门项目", 2, PROJECT)]),
    ("3人团队", [("3人", 3, PERSON)]),
    ("阶段3", [("3", 3, STAGE)]),
])
def test_each_number_comes_with_its_unit_in_one_vocabulary(text, figures):
    assert read(text) == figures


@pytest.mark.parametrize("text", ["第三阶段", "每一天", "第一个跨部门项目", "一把手", "one of the tools",
                                  "1. 项目周期", "Qwen2.5", "几千元人民币", "a few thousand yuan"])
def test_positions_articles_names_and_vague_amounts_are_no_figures(text):
    assert figures_in(text) == []


def test_full_width_digits_and_signs_read_as_ascii():
    assert read("约６个月至１年，提升２０％") == [("6个月", 6, MONTH), ("6个月至1年", 12, MONTH), ("20%", 20, PERCENT)]


@pytest.mark.parametrize("answer, subject", [
    ("阶段四的项目周期约1.5至3年", "project"),
    ("阶段四的项目约4-8个月", "project"),
    ("Stage 4 projects should run 4-8 months", "project"),
    ("Projects in stage 4 should run 4-8 months", "project"),
    ("Each project takes about 3 months", "project"),
    ("阶段四需要约1.5至3年", "stage"),
    ("这个阶段一般需要3至6个月", "stage"),
    ("Stage 4 takes about 1.5 to 3 years", "stage"),
    ("The duration of stage 4 is 1.5 to 3 years", "stage"),
    # Undecided: no subject in the clause, a subject in an aside, or an English weak cue.
    ("根据文档,约1.5至3年", None),
    ("阶段三是启动跨部门项目的阶段,需要6个月至1年", None),
    ("阶段四(跨部门项目)约1.5至3年 [阶段四 · 项目执行]", "stage"),
    ("Stage 3 launches cross-department projects and lasts 6 months to 1 year", None),
])
def test_whose_duration_the_answer_states(answer, subject):
    figure = next(f for f in figures_in(answer) if f.unit == MONTH)
    assert answer_subject(answer, figure.start) == subject


@pytest.mark.parametrize("answer", [
    "The stage usually takes about 1 to 3 years (约1至3年) and a typical project inside it usually "
    "takes about 6 to 12 months (约6至12个月)",
    "The phase lasts 1 to 3 years and a project within it runs 6 to 12 months",
])
def test_a_project_named_after_the_stage_in_one_clause_is_the_later_figures_subject(answer):
    stage, *_, project = [f for f in figures_in(answer) if f.unit == MONTH]
    assert answer_subject(answer, stage.start) == "stage"
    assert answer_subject(answer, project.start) == "project"


@pytest.mark.parametrize("passage, subject", [
    ("1. 项目周期:建议 4-8 个月。", "project"),
    ("明确切入点:项目应小而精,周期约三个月,目标是实现 15%-20% 的降本增效。", "project"),
    ("预期所需时间: 约1.5至3年。", "stage"),
    ("在半年内完成至少2个其他跨部门项目。", None),
])
def test_whose_duration_the_passage_gives(passage, subject):
    figure = next(f for f in figures_in(passage) if f.unit == MONTH)
    assert passage_subject(passage, figure.start) == subject
