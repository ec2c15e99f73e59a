"""Streaming answers through the real retrieval chain with a scripted chat model."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from advisor.answering.evidence import key_fact
from advisor.answering.prompts import DOCUMENT_SYSTEM_PROMPT, SYSTEM_PROMPT
from advisor.answering.question import QuestionError
from tests.fakes import pieces

REPLY = "阶段三一般需要约6个月至1年 [阶段三 · 预期所需时间]。"
QUOTE = "文档原文:约6个月至1年。 [阶段三 · 预期所需时间]"  # the article's sentence, shown first


def test_stream_gives_sources_then_tokens_then_done(make_advisor):
    advisor = make_advisor(REPLY)
    events = list(advisor.stream("阶段三需要多长时间?"))
    kinds = [e.kind for e in events]
    assert kinds[0] == "sources" and kinds[-1] == "done"
    assert kinds.count("sources") == 1 and kinds.count("done") == 1
    assert set(kinds[1:-1]) == {"token"} and len(kinds) > 5  # streamed in pieces
    assert "".join(e.text for e in events if e.kind == "token") == f"{QUOTE}\n\n{REPLY}"
    answer = events[-1].answer
    assert answer.answer == f"{QUOTE}\n\n{REPLY}" and not answer.refused and answer.language == "zh"
    assert events[0].sources == answer.sources
    assert answer.model == "scripted-test-model"


def test_passages_layout_sends_the_rules_then_the_retrieved_passages(make_advisor):
    advisor = make_advisor(REPLY, REPLY)  # the default layout
    advisor.ask("阶段三需要多长时间?")
    advisor.ask("How long does stage 3 take?")
    first, second = advisor.chat_model.history
    assert isinstance(first[0], SystemMessage) and first[0].content == SYSTEM_PROMPT
    assert second[0].content == first[0].content
    assert isinstance(first[1], HumanMessage)
    assert "[阶段三 · 预期所需时间]\n预期所需时间: 约6个月至1年。" in first[1].content
    assert "阶段三需要多长时间?" in first[1].content
    assert "in English" in second[1].content


def test_the_model_reads_the_passages_on_point_whole_and_one_line_of_the_others(make_advisor):
    question = "阶段三需要多长时间?"
    advisor = make_advisor(REPLY, REPLY, REPLY, focused_passages=True)
    retrieved = [p.chunk for p in advisor.retriever.retrieve(question).passages]
    answer = advisor.ask(question)
    user = advisor.chat_model.history[0][1].content
    asked = next(c for c in retrieved if c.stage == 3 and c.section == "duration")
    assert f"{asked.label}\n{asked.text}" in user and f"{retrieved[0].label}\n{retrieved[0].text}" in user
    others = [c for c in retrieved if c not in (asked, retrieved[0])]
    assert others and all(c.label not in user or f"{c.label}\n{c.text}" not in user for c in others), \
        "no other passage is read whole"
    assert {s.label for s in answer.sources} <= {c.label for c in retrieved}
    assert all(s.label in user for s in answer.sources), "sources are what the model read"
    # The whole passages again when switched off, and fewer tokens to read when on.
    whole = make_advisor(REPLY, focused_passages=False)
    whole.ask(question)
    full = whole.chat_model.history[0][1].content
    assert all(f"{c.label}\n{c.text}" in full for c in retrieved) and len(user) < len(full)


def test_document_layout_keeps_the_article_in_the_fixed_system_prompt(make_advisor):
    advisor = make_advisor(REPLY, REPLY, prompt_layout="document", repeated_passages=0)
    advisor.ask("阶段三需要多长时间?")
    advisor.ask("How long does stage 3 take?")
    first, second = advisor.chat_model.history
    system = first[0].content
    assert isinstance(first[0], SystemMessage) and system.startswith(DOCUMENT_SYSTEM_PROMPT)
    assert second[0].content == system, "the cached prefix must not change between questions"
    for chunk in advisor.knowledge.stage_chunks():  # every passage of the article, with its label
        assert f"{chunk.label}\n{chunk.text}" in system
    user = first[1].content
    assert "[阶段三 · 预期所需时间]" in user and "阶段三需要多长时间?" in user
    assert "约6个月至1年" not in user, "article passages are named, not repeated"
    assert len(user) < 400 and "in English" in second[1].content


def test_document_layout_repeats_the_best_passages_beside_the_question(make_advisor):
    advisor = make_advisor(REPLY, prompt_layout="document", repeated_passages=2)
    retrieved = [p.chunk for p in advisor.retriever.retrieve("阶段三需要多长时间?").passages]
    advisor.ask("阶段三需要多长时间?")
    (messages,) = advisor.chat_model.history
    user = messages[1].content
    for chunk in retrieved[:2]:
        assert f"{chunk.label}\n{chunk.text}" in user
    for chunk in retrieved[2:]:
        assert f"{chunk.label} (in the article)" in user and chunk.text not in user
    positions = [user.index(c.label) for c in retrieved]
    assert positions == sorted(positions), "the passages keep their rank"


def test_a_company_passage_comes_in_full_with_the_question(private_root, e5):
    from advisor.container import build_advisor
    from tests.conftest import make_settings
    from tests.fakes import ScriptedChatModel

    advisor = build_advisor(make_settings(private_root, prompt_layout="document"),
                            chat_model=ScriptedChatModel(replies=[REPLY]), embeddings=e5)
    doc = private_root / "budget.md"
    doc.write_text("# 年度AI预算\n我们公司2025年的AI预算是8.8万元,由财务部审批。\n", encoding="utf-8")
    advisor.add_documents([doc])
    advisor.ask("我们公司2025年的AI预算是多少?")
    (messages,) = advisor.chat_model.history
    assert "8.8万元" in messages[1].content and "8.8万元" not in messages[0].content


def test_a_cited_article_passage_outside_the_top_passages_is_listed(make_advisor):
    reply = "阶段三约6个月至1年 [阶段三 · 预期所需时间],阶段五约1至3年 [阶段五 · 预期所需时间]。"
    answer = make_advisor(reply, prompt_layout="document").ask("阶段三需要多长时间?")
    cited = {(s.stage, s.section) for s in answer.sources if s.cited}
    assert cited == {(3, "duration"), (5, "duration")}
    extra = next(s for s in answer.sources if s.stage == 5)
    assert extra.score == 0.0 and "约1至3年" in extra.text


def test_cited_flags_follow_the_labels_in_the_answer(make_advisor):
    answer = make_advisor(REPLY).ask("阶段三需要多长时间?")
    cited = [s for s in answer.sources if s.cited]
    assert [(s.stage, s.section) for s in cited] == [(3, "duration")]
    assert len(answer.sources) > 1, "the other passages are listed but not cited"


def test_timings_are_reported(make_advisor):
    answer = make_advisor(REPLY).ask("阶段三需要多长时间?")
    t = answer.timings
    for key in ("retrieval_s", "first_token_s", "total_s", "prompt_tokens", "generated_tokens"):
        assert key in t
    assert 0 < t["retrieval_s"] <= t["total_s"]
    assert t["first_token_s"] <= t["total_s"]
    assert t["prompt_tokens"] > 100  # system prompt and passages, counted by the model
    assert t["generated_tokens"] == len(pieces(REPLY))  # what the model streamed


@pytest.mark.parametrize("question", ["今天天气怎么样?", "What's the weather in Paris?", "阶段六是什么?"])
def test_off_topic_question_is_refused_without_calling_the_model(make_advisor, question):
    advisor = make_advisor()  # no reply scripted: a model call would raise
    events = list(advisor.stream(question))
    answer = events[-1].answer
    assert answer.refused and answer.sources == []
    assert advisor.chat_model.history == []
    assert events[0].kind == "sources" and events[0].sources == []
    assert answer.answer  # a fixed sentence, in the question's language
    assert answer.reason


def test_the_model_saying_not_covered_is_a_refusal(make_advisor):
    # Retrieval covers the question, but no passage is plainly on point (no topic, so no
    # section): the model's decline stands. See test_chain_quotes.py for when it does not.
    answer = make_advisor("The document does not cover this.", evidence_first=False).ask(
        "What does the article say about the role of humans?")
    assert answer.refused and answer.answer == "The document does not cover this."
    assert not any(s.cited for s in answer.sources)


def test_the_articles_sentence_comes_first_and_answers_when_the_model_declines(make_advisor):
    advisor = make_advisor("The document does not cover this.")
    events = list(advisor.stream("How long does stage 3 take?"))
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["sources", "token"]
    assert events[1].text.startswith("From the article: About 6 months to 1 year. [阶段三 · 预期所需时间]")
    answer = events[-1].answer
    assert not answer.refused and "does not cover" not in answer.answer
    assert answer.answer == next(e.text for e in events if e.kind == "retract")
    assert [s.label for s in answer.sources if s.cited] == ["[阶段三 · 预期所需时间]"]
    assert 0 <= answer.timings["evidence_first_s"] <= answer.timings["first_token_s"]


def test_the_quote_replaces_an_answer_with_invented_figures(make_advisor):
    advisor = make_advisor("阶段三需要27个月 [阶段三 · 预期所需时间]。")
    events = list(advisor.stream("阶段三需要多长时间?"))
    answer = events[-1].answer
    assert answer.answer == "文档原文:约6个月至1年。 [阶段三 · 预期所需时间]" and not answer.refused
    assert "retract" in [e.kind for e in events] and "27" not in answer.answer


def test_the_quote_answers_a_question_retrieval_would_decline(make_advisor):
    advisor = make_advisor("never used")
    fact = key_fact(advisor.stage_book, 3, "budget")
    retrieval = advisor.retriever.retrieve("阶段三需要多少预算?")
    retrieval.covered = False
    advisor.retriever.retrieve = lambda question, top_k=None: retrieval
    answer = advisor.ask("阶段三需要多少预算?")
    assert answer.answer == fact.line("zh") and not answer.refused
    assert [s.label for s in answer.sources] == ["[阶段三 · 项目执行]"] and answer.sources[0].cited
    assert advisor.chat_model.history == [], "no model call"


def test_an_answer_with_invented_figures_is_withdrawn(make_advisor):
    # Retrieval covers it (through "cost"), but no passage is on point: nothing to quote.
    # (The scope probe declines the question before the model; off, the figure check is
    # what stands between the model's invention and the manager.)
    advisor = make_advisor("A AI server costs 27000 dollars, 480000 yuan with support [阶段三 · 项目执行].",
                           evidence_first=False, scope_probe=False)
    events = list(advisor.stream("How much does a AI server cost?"))
    kinds = [e.kind for e in events]
    assert "retract" in kinds and kinds.index("retract") == len(kinds) - 2
    answer = events[-1].answer
    assert answer.refused and "27000 dollars" in answer.answer and "480000 yuan" in answer.answer
    assert answer.answer == next(e.text for e in events if e.kind == "retract")


def test_answer_to_dict_shape(make_advisor):
    data = make_advisor(REPLY).ask("阶段三需要多长时间?").to_dict()
    assert set(data) == {"question", "resolved_question", "answer", "language", "refused", "sources",
                         "timings", "model", "reason", "suggestions", "cached"}
    assert data["sources"]
    for source in data["sources"]:
        assert {"id", "stage", "section", "source", "text", "score"} <= set(source)
        assert source["stage"] is None or (isinstance(source["stage"], int) and 1 <= source["stage"] <= 5)
        assert isinstance(source["score"], float)
    import json

    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_bad_questions_fail_before_any_work(make_advisor, question):
    advisor = make_advisor()
    with pytest.raises(QuestionError):
        next(advisor.stream(question))
    assert advisor.chat_model.history == []


def test_a_repeated_line_ends_the_answer_without_the_repeat():
    from advisor.answering.stopping import without_repeated_line

    looping = "要点:\n● 个人工作效率提升15%-20%。\n● 每人使用2个大语言模型。\n● 个人工作效率提升15%-20%。\n"
    assert without_repeated_line(looping) == "要点:\n● 个人工作效率提升15%-20%。\n● 每人使用2个大语言模型。\n"
    assert without_repeated_line("● 个人工作效率提升15%-20%。\n● 个人工作效率提") is None  # line not finished
    assert without_repeated_line("- a\n- a\n") is None  # short lines (list markers) may repeat
    assert without_repeated_line("第一行内容很长很长。\n第二行内容也很长。\n") is None
    # A loop that numbers its repeats on is a loop all the same.
    numbered = "根据文档:\n1. 提交服务投诉等文件。\n2. 提交服务合同等文件。\n3. 提交服务投诉等文件。\n"
    assert without_repeated_line(numbered) == "根据文档:\n1. 提交服务投诉等文件。\n2. 提交服务合同等文件。\n"
    assert without_repeated_line("1. 第一步先做这件事情。\n2. 第二步再做那件事情。\n") is None


def test_a_question_on_a_company_document_needs_no_word_of_the_article(private_root, e5):
    from advisor.container import build_advisor
    from tests.conftest import make_settings
    from tests.fakes import ScriptedChatModel

    advisor = build_advisor(make_settings(private_root), chat_model=ScriptedChatModel(replies=[REPLY]), embeddings=e5)
    doc = private_root / "leave.md"
    doc.write_text("# Annual leave\nEvery employee gets 15 days of annual leave a year; the leave year starts in April.\n"
                   "Unused leave days carry over for three months.\n", encoding="utf-8")
    advisor.add_documents([doc])
    question = "How many days of annual leave do we get?"
    result = advisor.retriever.retrieve(question)
    assert result.covered, result.reason
    assert result.passages[0].chunk.source != "stage_document"
    # The same words with only the article to answer from are about nothing it covers.
    assert not advisor.retriever.retrieve("Where should we go for a weekend hike?").covered
