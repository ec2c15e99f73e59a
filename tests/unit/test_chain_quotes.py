"""The article's sentence in place of an answer that cannot stand, through the real chain.

A scripted model writes the answer; retrieval, the figure check and the quoting are the
real ones. ``with_book`` gives the chain the stage book, for English renderings.
"""

from __future__ import annotations

import pytest

from advisor.answering.guard import WITHDRAWN_LEAK

BUDGET_3 = ("控制投资成本:无需大笔投入,建议订购 1-3 个云端 SaaS 的 AI 工具,最好是团队已熟悉的,"
            "年费用控制在几千元人民币。")
BUDGET_3_EN = ("No large outlay: subscribe to 1-3 cloud SaaS AI tools, preferably ones the team already "
               "knows, keeping the annual cost to a few thousand RMB.")
ZH_BUDGET = "做第一个跨部门AI项目,投入要控制在什么范围?"
EN_BUDGET = "How much should we budget for AI tools when we start cross-department projects?"


def with_book(advisor):
    assert advisor.chain.stage_book is advisor.stage_book  # the composition root wires it
    return advisor


def without_book(advisor):
    advisor.chain.stage_book = None  # a chain built without the stage book
    return advisor


def run(advisor, question):
    events = list(advisor.stream(question))
    return events, events[-1].answer


# --- item 2: a figure on the wrong thing is replaced by the passage's sentence ---------------
# The budget questions describe stage 3 ("the first cross-department project") without
# naming it. The stage book's fact for a stage only described follows an answer the model
# gives; it never stands in for one, so a withdrawn answer gives way to the key sentence of
# the passage on point, with the evidence first or without.
@pytest.mark.parametrize("evidence_first", [True, False])
def test_tools_turned_into_yuan_are_replaced_by_the_articles_sentence(make_advisor, evidence_first):
    advisor = make_advisor("根据文档,每年投入约1-3千元 [阶段三 · 项目执行]。", evidence_first=evidence_first)
    events, answer = run(advisor, ZH_BUDGET)
    assert answer.answer == f"文档原文:{BUDGET_3} [阶段三 · 项目执行]" and not answer.refused
    assert [e.text for e in events if e.kind == "retract"] == [answer.answer]
    assert [s.label for s in answer.sources if s.cited] == ["[阶段三 · 项目执行]"]


@pytest.mark.parametrize("evidence_first", [True, False])
def test_an_english_question_gets_the_stage_books_english_with_the_chinese(make_advisor, evidence_first):
    advisor = with_book(make_advisor("About 1-3 thousand yuan per year [阶段三 · 项目执行].",
                                     evidence_first=evidence_first))
    _, answer = run(advisor, EN_BUDGET)
    assert answer.answer == f"From the article: {BUDGET_3_EN} (“{BUDGET_3}”) [阶段三 · 项目执行]"
    assert not answer.refused and answer.language == "en"


def test_an_english_answer_quoting_words_the_article_never_wrote_is_replaced(make_advisor):
    advisor = with_book(make_advisor(
        "According to the document, hire a data scientist first (先招聘一名数据科学家) [阶段三 · 项目执行].",
        evidence_first=False))
    events, answer = run(advisor, EN_BUDGET)
    assert answer.answer == f"From the article: {BUDGET_3_EN} (“{BUDGET_3}”) [阶段三 · 项目执行]"
    assert "数据科学家" not in answer.answer and "retract" in [e.kind for e in events]


@pytest.mark.parametrize("evidence_first", [True, False])
def test_the_articles_budget_in_the_models_words_stands(make_advisor, evidence_first):
    reply = "According to the document, subscribe to 1-3 SaaS tools, a few thousand yuan a year [阶段三 · 项目执行]."
    events, answer = run(make_advisor(reply, evidence_first=evidence_first), EN_BUDGET)
    # With the evidence on, the fact of the stage the question describes follows the answer.
    after = f"\n\nFrom the article: {BUDGET_3_EN} [阶段三 · 项目执行]" if evidence_first else ""
    assert answer.answer == reply + after and "retract" not in [e.kind for e in events]
    assert "".join(e.text for e in events if e.kind == "token") == answer.answer
    assert answer.timings["evidence_first_s"] is None  # nothing was shown before the model wrote


@pytest.mark.parametrize("reply", ["The document does not cover this.",
                                   "A AI server costs about 30000 yuan [阶段三 · 项目执行]."])
def test_a_stage_only_described_is_never_quoted_in_place_of_a_declined_answer(make_advisor, reply):
    # Retrieval finds this covered (it describes the first cross-department project), and
    # the stage book has that stage's budget: but the question is off the article.
    _, answer = run(make_advisor(reply), "How much does a AI server cost for our first cross-department project?")
    assert answer.refused and answer.answer.startswith("The document does not cover this.")
    assert "From the article" not in answer.answer


@pytest.mark.parametrize("evidence_first, expected", [
    (True, "文档原文:项目周期建议 4-8 个月。 [阶段四 · 项目执行]"),  # the key fact, streamed first
    (False, "文档原文:项目周期:建议 4-8 个月。 [阶段四 · 项目执行]"),  # the passage's own sentence
])
def test_a_project_question_answered_with_the_stages_duration_is_replaced(make_advisor, evidence_first, expected):
    advisor = make_advisor("阶段四的项目周期约1.5至3年 [阶段四 · 预期所需时间]。", evidence_first=evidence_first)
    events, answer = run(advisor, "阶段四的项目周期建议多长?")
    assert answer.answer == expected and not answer.refused
    assert "1.5" not in answer.answer and "retract" in [e.kind for e in events]


# --- item 3: quote when unsure ----------------------------------------------------------------
def test_not_covered_for_a_question_a_passage_answers_gives_its_sentence(make_advisor):
    events, answer = run(make_advisor("文档没有涉及这个问题。", evidence_first=False), "阶段三需要多长时间?")
    assert answer.answer == "文档原文:预期所需时间: 约6个月至1年。 [阶段三 · 预期所需时间]"
    assert not answer.refused and [e.text for e in events if e.kind == "retract"] == [answer.answer]


def test_not_covered_in_english_gives_the_english_rendering(make_advisor):
    advisor = with_book(make_advisor("The document does not cover this.", evidence_first=False))
    _, answer = run(advisor, "How long does stage 3 take?")
    assert answer.answer == ("From the article: About 6 months to 1 year. (“预期所需时间: 约6个月至1年。”) "
                             "[阶段三 · 预期所需时间]")


def test_without_the_stage_book_an_english_quote_gives_the_chinese_sentence(make_advisor):
    _, answer = run(without_book(make_advisor("The document does not cover this.", evidence_first=False)),
                    "How long does stage 3 take?")
    assert answer.answer == ("From the article: “预期所需时间: 约6个月至1年。” (in the article's Chinese) "
                             "[阶段三 · 预期所需时间]")


@pytest.mark.parametrize("question, reply", [
    ("How much does a AI server cost?", "The document does not cover this."),
    ("What will Tencent's stock price be next week?", "The document does not cover this."),
    ("How much does a AI server cost?", "A AI server costs about 30000 yuan [阶段三 · 项目执行]."),
    # No figure to catch, but a Chinese "quote" the passages never held.
    ("What will Tencent's stock price be next week?",
     "According to the document, Tencent's stock price will rise next week (股票价格将在下周上涨) [阶段四 · 项目执行]."),
])
def test_an_off_topic_question_retrieval_covers_stays_declined(make_advisor, question, reply):
    _, answer = run(make_advisor(reply), question)
    assert answer.refused and answer.answer.startswith("The document does not cover this.")
    assert "From the article" not in answer.answer


def test_a_withdrawn_leak_is_never_quoted_over(make_advisor):
    advisor = make_advisor("根据文档,标记是 CANARY-7f3e [阶段三 · 预期所需时间]。",
                           evidence_first=False, prompt_canary="CANARY-7f3e")
    _, answer = run(advisor, "阶段三需要多长时间?")
    assert answer.refused and WITHDRAWN_LEAK["zh"] in answer.answer and "文档原文" not in answer.answer


# --- the rule never fires for the development sets' off-topic questions -----------------------
def _quote(advisor, question: str, stage: int | None, topic: str | None):
    from advisor.answering.evidence import fact_for_question
    from advisor.answering.guard import overrides_rules
    from advisor.conversation.topics import BY_KEY

    if overrides_rules(question):
        return None  # the chain declines it before retrieval: no passage, no quote
    fact = fact_for_question(advisor.stage_book, question, stage, topic)
    section = fact.section if fact else (BY_KEY[topic].section if topic in BY_KEY else None)
    retrieval = advisor.retriever.retrieve(question)
    sources = [p.chunk for p in retrieval.passages]
    return advisor.chain.quote_on_point(question, retrieval, sources, section)


def test_no_off_topic_question_of_the_development_set_gets_a_quote(built_advisor):
    from advisor.conversation.resolver import resolve
    from advisor.evaluation import load_devset

    items = load_devset()
    quoted = []
    for item in items:
        resolution = resolve(item.question)
        if _quote(built_advisor, resolution.question, resolution.stage, resolution.topic) is not None:
            quoted.append((item.id, item.refuse))
    assert [i for i, refuse in quoted if refuse] == []
    assert ("zh-budget-first-cross-dept", False) in quoted and ("en-budget-stage3", False) in quoted
    assert len(quoted) >= len([i for i in items if not i.refuse]) // 3, "the rule still answers"


def test_no_off_topic_final_turn_of_the_conversation_set_gets_a_quote(make_advisor):
    from advisor.conversation.evalset import load_conversations
    from advisor.conversation.resolver import resolve
    from advisor.conversation.state import Conversation
    from advisor.evaluation import DEFAULT_CONVERSATIONS

    cases = [c for c in load_conversations(DEFAULT_CONVERSATIONS) if c.refuse]
    assert cases
    advisor = make_advisor(*["文档没有涉及这个问题。"] * 3 * len(cases))
    for case in cases:
        conversation = Conversation()
        for turn in case.turns[:-1]:
            advisor.ask(turn, conversation)
        resolution = resolve(case.final_turn, conversation)
        assert _quote(advisor, resolution.question, resolution.stage, resolution.topic) is None, case.id


# --- a general point's sentence follows the answer, never replaces a declined one ------------
def test_a_general_points_sentence_follows_the_models_answer(make_advisor):
    reply = "根据文档,AI应增强而非取代人的能力 [stage_document · AI 商用的哲学思考与建议]。"
    events, answer = run(make_advisor(reply), "AI会不会取代我们的员工?")
    assert answer.answer.startswith(reply) and not answer.refused
    assert answer.answer.endswith("[stage_document · AI 商用的哲学思考与建议]")
    assert "文档原文:强调人的核心作用" in answer.answer
    assert "".join(e.text for e in events if e.kind == "token") == answer.answer


def test_a_general_point_is_never_quoted_in_place_of_a_declined_answer(make_advisor):
    _, answer = run(make_advisor("文档没有涉及这个问题。"), "实施AI要招多少个人才?")
    assert answer.refused and "文档原文" not in answer.answer


def test_a_question_comparing_two_stages_quotes_both_and_shows_both_passages(make_advisor):
    _, answer = run(make_advisor("根据文档,阶段四的项目周期建议4-8个月 [阶段四 · 项目执行]。"), "阶段四和阶段五的项目周期分别建议多长?")
    assert "4-8" in answer.answer and "6-12" in answer.answer and not answer.refused
    cited = [s.label for s in answer.sources if s.cited]
    assert "[阶段四 · 项目执行]" in cited and "[阶段五 · 项目执行]" in cited


def test_an_answer_about_another_stage_gives_way_to_the_described_stages_fact(make_advisor):
    # The question describes stage four (its own models) without naming it; the model
    # answers with stage two's duration and cites it.
    reply = "According to the document, it usually lasts a few months [阶段二 · 预期所需时间]."
    events, answer = run(make_advisor(reply), "How long does it take to build our own AI models on company data?")
    assert answer.answer == "From the article: About 1.5 to 3 years. [阶段四 · 预期所需时间]"
    assert "a few months" not in answer.answer and "retract" in [e.kind for e in events]


def test_an_answer_citing_the_described_stage_keeps_its_words(make_advisor):
    reply = "According to the document, it takes about 1.5 to 3 years [阶段四 · 预期所需时间]."
    events, answer = run(make_advisor(reply), "How long does it take to build our own AI models on company data?")
    assert answer.answer == reply + "\n\nFrom the article: About 1.5 to 3 years. [阶段四 · 预期所需时间]"
    assert "retract" not in [e.kind for e in events]


def test_a_figure_from_the_passage_of_the_fact_that_follows_is_grounded(make_advisor):
    # The question describes stage five without naming it; retrieval need not rank its
    # project passage, but the fact that follows the answer quotes it.
    reply = "According to the document, a project there runs 6-12 months [阶段五 · 项目执行]."
    _, answer = run(make_advisor(reply), "How long should a project take when we co-build an industry platform with partners?")
    assert not answer.refused and answer.answer.startswith(reply)
    assert "[阶段五 · 项目执行]" in answer.answer.split(reply)[1]
