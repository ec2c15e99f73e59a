"""A conversation through the advisor (scripted model, real retrieval): follow-ups
resolved before retrieval, answers kept on the stage in focus, suggestions and the spans
each passage lent the answer."""

from __future__ import annotations

from advisor.answering.stopping import without_other_stages
from advisor.conversation.highlights import highlight_spans
from advisor.conversation.state import Conversation, Turn
from advisor.conversation.suggestions import suggest
from advisor.knowledge.stages import load_stage_book
from advisor.settings import Settings

STAGE3 = "阶段三一般需要约6个月至1年 [阶段三 · 预期所需时间]。"
STAGE4 = "阶段四一般需要1.5年左右 [阶段四 · 预期所需时间]。"


def _stage_book():
    return load_stage_book(Settings().knowledge_dir / "stages.yaml")


def test_a_follow_up_is_answered_as_its_standalone_question(make_advisor):
    advisor = make_advisor(STAGE3, STAGE4)
    conversation = Conversation()
    advisor.ask("阶段三需要多长时间?", conversation)
    events = list(advisor.stream("那阶段四呢?", conversation))
    assert events[0].kind == "understood" and events[0].text == "阶段四需要多长时间?"
    answer = events[-1].answer
    assert answer.question == "那阶段四呢?" and answer.resolved_question == "阶段四需要多长时间?"
    # Retrieval and the prompt used the standalone question: stage 4's passages only.
    assert answer.sources and {s.stage for s in answer.sources} == {4}
    prompt = advisor.chat_model.history[-1][-1].content
    assert "阶段四需要多长时间?" in prompt and "那阶段四呢" not in prompt
    assert [t.resolved_question for t in conversation.turns] == ["阶段三需要多长时间?", "阶段四需要多长时间?"]
    assert conversation.turns[-1].stage == 4 and conversation.turns[-1].topic == "duration"


def test_a_standalone_question_is_unchanged_and_gets_no_understood_event(make_advisor):
    advisor = make_advisor(STAGE3)
    events = list(advisor.stream("阶段三需要多长时间?", Conversation()))
    assert "understood" not in [e.kind for e in events]
    data = events[-1].answer.to_dict()
    assert data["resolved_question"] == data["question"] == "阶段三需要多长时间?"


def test_json_shape_has_suggestions_and_highlight_spans(make_advisor):
    advisor = make_advisor(STAGE3)
    data = advisor.ask("阶段三需要多长时间?").to_dict()
    assert 2 <= len(data["suggestions"]) <= 3
    assert "阶段三的KPI是什么?" in data["suggestions"]
    cited = [s for s in data["sources"] if s["cited"]]
    assert cited and all(isinstance(s["highlights"], list) for s in data["sources"])
    text = cited[0]["text"]
    spans = [text[a:b] for a, b in cited[0]["highlights"]]
    assert any("6个月至1年" in span for span in spans), spans


def test_an_answer_that_wanders_to_other_stages_is_cut(make_advisor):
    runaway = ("阶段三的KPI: 成本降低15%-20% [阶段三 · 预期成果与KPI]\n"
               "阶段四的KPI: 成本降低20%-40% [阶段四 · 预期成果与KPI]\n"
               "阶段五的KPI: 新产品 [阶段五 · 预期成果与KPI]\n")
    advisor = make_advisor(runaway)
    answer = advisor.ask("阶段三的KPI是什么?")
    assert "阶段三 · 预期成果与KPI" in answer.answer
    assert "阶段四" not in answer.answer and "阶段五" not in answer.answer


def test_without_other_stages_keeps_a_first_line_and_lines_that_cite_the_focus():
    text = "[阶段四 · 目标] 先说明\n阶段三 [阶段三 · 目标]\n"
    assert without_other_stages(text, 3) is None
    assert without_other_stages("A [阶段三 · 目标]\nB [阶段三 · 目标] [阶段四 · 目标]\n", 3) is None
    assert without_other_stages("A [阶段三 · 目标]\nB [阶段四 · 目标]", 3) is None  # line not done
    assert without_other_stages("A [阶段三 · 目标]\nB [阶段四 · 目标]", 3, final=True) == "A [阶段三 · 目标]\n"
    assert without_other_stages("A [阶段三 · 目标]\nB [阶段四 · 目标]\n", None) is None


def test_suggestions_follow_the_stage_book():
    book = _stage_book()
    after_duration = suggest(3, "duration", "zh", book, asked="阶段三需要多长时间?")
    assert after_duration == ["阶段三的KPI是什么?", "什么标志着可以从阶段三进入下一阶段?", "阶段四需要多长时间?"]
    # Stage 1 has no budget in the article, stage 5 has no next stage.
    assert not any("budget" in q for q in suggest(1, "actions", "en", book))
    assert not any("stage 6" in q for q in suggest(5, "duration", "en", book))
    assert suggest(None, None, "en", book) and suggest(2, "goal", "en", book)[0] == "What is the action plan for stage 2?"


def test_highlights_cover_shared_figures_across_languages_and_shared_phrases():
    passage = "无需大笔投入,建议订购 1-3 个云端 SaaS 的 AI 工具,最好是团队已熟悉的,年费用控制在几千元人民币。"
    en = highlight_spans("Subscribe to 1-3 cloud SaaS tools, a few thousand yuan a year.", passage)
    assert [passage[a:b] for a, b in en] == ["1-3 个", "几千"]
    zh = highlight_spans("建议订购1-3个工具,年费用控制在几千元人民币 [阶段三 · 项目执行]", passage)
    assert "年费用控制在几千元人民币" in [passage[a:b] for a, b in zh]
    assert highlight_spans("[阶段三 · 项目执行]", passage) == []
    assert highlight_spans("阶段三需要5个月", "预期所需时间: 约6个月至1年。") == []


def test_turn_records_round_trip_and_old_records_are_read():
    turn = Turn("那阶段四呢?", "阶段四需要多长时间?", stage=4, topic="duration", language="zh",
                sources=[{"label": "[阶段四 · 预期所需时间]"}], suggestions=["阶段四的KPI是什么?"])
    conversation = Conversation([turn])
    again = Conversation.from_records(conversation.to_records())
    assert again.turns == [turn]
    old = Turn.from_record({"question": "阶段三需要多长时间?", "answer": "…", "stage": "x", "route": "?"})
    assert old.message == old.resolved_question == "阶段三需要多长时间?"
    assert old.stage is None and old.route == "document"


def test_an_answer_that_pastes_the_next_passage_stops_before_it(make_advisor):
    pasted = ("阶段四的KPI:\n● 持续降低成本 20%-40%。\n[阶段四 · 目标]\n"
              "阶段四的目标是将 AI 深度融入公司战略。\n[阶段四 · 项目执行]\n项目周期:建议 4-8 个月。\n")
    advisor = make_advisor("阶段三需要约6个月至1年 [阶段三 · 预期所需时间]。\n\n", pasted)
    conversation = Conversation()
    advisor.ask("阶段三需要多长时间?", conversation)
    answer = advisor.ask("那阶段四的KPI呢?", conversation)
    assert "20%-40%" in answer.answer and "融入公司战略" not in answer.answer and "4-8" not in answer.answer
    assert answer.answer.rstrip().endswith("[阶段四 · 预期成果与KPI]")  # cites what it kept
    assert [s.label for s in answer.sources if s.cited] == ["[阶段四 · 预期成果与KPI]"]
