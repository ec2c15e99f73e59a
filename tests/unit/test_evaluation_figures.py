"""The evaluation's own check of every answer's figures (number and unit together)."""

from __future__ import annotations

from advisor.answering.answer import Answer, Source
from advisor.evaluation import answer_figures_not_in_passages

BUDGET = Source("3-execution", 3, "execution", "项目执行", "[阶段三 · 项目执行]", "stage_document",
                "控制投资成本:无需大笔投入,建议订购 1-3 个云端 SaaS 的 AI 工具,年费用控制在几千元人民币。", 0.8)


def answer(text: str, question: str = "阶段三的预算是多少?") -> Answer:
    return Answer(question, text, "zh", False, [BUDGET], {}, "test")


def test_a_figure_tied_to_another_thing_than_in_the_passage_is_counted():
    assert answer_figures_not_in_passages(answer("每年约1-3千元。[阶段三 · 项目执行]"))
    assert answer_figures_not_in_passages(answer("订购 1-3 个 SaaS 工具,年费几千元。[阶段三 · 项目执行]")) == []


def test_the_diagnosis_confidence_is_the_advisors_own_number():
    text = "你们目前处于阶段三:跨部门协作(置信度 0.40)。\n- 订购 1-3 个 SaaS 工具 [阶段三 · 项目执行]"
    assert answer_figures_not_in_passages(answer(text)) == []
    assert answer_figures_not_in_passages(answer(text.replace("1-3 个", "5-9 个")))
