"""The prompt: fixed system message first, labelled passages, language, token budget."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from advisor.answering.prompts import (
    LANGUAGE_INSTRUCTION,
    SYSTEM_PROMPT,
    PromptTooLong,
    build_messages,
    cited_labels,
    says_not_covered,
)
from advisor.knowledge.chunks import Chunk
from tests.fakes import ScriptedChatModel


def chunk(stage: int, section_title: str, text: str) -> Chunk:
    return Chunk(text=text, source="stage_document", section="s", section_title=section_title,
                 start=0, end=len(text), stage=stage)


PASSAGES = [
    chunk(3, "预期所需时间", "预期所需时间: 约6个月至1年。"),
    chunk(3, "项目执行", "控制投资成本:建议订购 1-3 个云端 SaaS 的 AI 工具。"),
    chunk(2, "预期所需时间", "预期所需时间: 约3至6个月。"),
]
count = ScriptedChatModel().count_tokens


def test_system_prompt_comes_first_and_never_changes():
    first, _ = build_messages("阶段三需要多长时间?", "zh", PASSAGES[:1])
    second, _ = build_messages("What are the KPIs of stage 4?", "en", PASSAGES[1:])
    assert isinstance(first[0], SystemMessage) and isinstance(first[1], HumanMessage)
    assert len(first) == 2
    # llama.cpp re-uses the common prefix only if it is byte-identical.
    assert first[0].content == second[0].content == SYSTEM_PROMPT
    assert "阶段三" not in first[0].content.split("Example 1")[0]


def test_passages_carry_their_labels_then_the_question_comes_last():
    messages, kept = build_messages("阶段三需要多长时间?", "zh", PASSAGES)
    user = messages[1].content
    assert kept == PASSAGES
    positions = [user.index(f"{c.label}\n{c.text}") for c in PASSAGES]
    assert positions == sorted(positions), "passages keep their ranking order"
    assert user.index("Question: 阶段三需要多长时间?") > positions[-1]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_language_instruction_follows_the_question(language):
    messages, _ = build_messages("q", language, PASSAGES)
    assert LANGUAGE_INSTRUCTION[language] in messages[1].content
    other = "en" if language == "zh" else "zh"
    assert LANGUAGE_INSTRUCTION[other] not in messages[1].content


def test_no_passages_is_said_not_left_blank():
    messages, kept = build_messages("q", "en", [])
    assert kept == [] and "(none)" in messages[1].content


def test_without_a_budget_everything_is_kept():
    _, kept = build_messages("q", "zh", PASSAGES, count_tokens=count, token_budget=None)
    assert kept == PASSAGES


def needed(question: str, passages) -> int:
    messages, _ = build_messages(question, "zh", passages)
    return count(SYSTEM_PROMPT) + count(messages[1].content) + 32


@pytest.mark.parametrize("fitting", [0, 1, 2, 3])
def test_a_tight_budget_drops_the_last_passages_first(fitting):
    question = "阶段三需要多长时间?"
    budget = needed(question, PASSAGES[:fitting])
    messages, kept = build_messages(question, "zh", PASSAGES, count_tokens=count, token_budget=budget)
    assert kept == PASSAGES[:fitting]
    for dropped in PASSAGES[fitting:]:
        assert dropped.text not in messages[1].content
    if fitting:
        _, kept = build_messages(question, "zh", PASSAGES, count_tokens=count, token_budget=budget - 1)
        assert kept == PASSAGES[: fitting - 1]


def test_prompt_too_long_when_the_question_alone_does_not_fit():
    question = "阶段三" * 2000
    with pytest.raises(PromptTooLong, match="shorten"):
        build_messages(question, "zh", PASSAGES, count_tokens=count, token_budget=count(SYSTEM_PROMPT) + 500)


def test_cited_labels_are_normalised():
    answer = ("Stage 3 takes 6 months to a year [阶段三 · 预期所需时间]. "
              "Buy 1-3 SaaS tools [ 阶段三 · 项目执行 ] and [x] is too short.")
    assert cited_labels(answer) == {"[阶段三 · 预期所需时间]", "[阶段三 · 项目执行]"}
    assert cited_labels("no labels here") == set()


@pytest.mark.parametrize(
    ("answer", "refused"),
    [
        ("The document does not cover this.", True),
        ("  文档没有涉及这个问题。", True),
        ("文档没有涉及这个问题", True),
        ("The document does not cover this question, sorry.", True),
        ("Stage 3 takes about 6 months to 1 year [阶段三 · 预期所需时间].", False),
        ("阶段三约需6个月至1年 [阶段三 · 预期所需时间]。", False),
    ],
)
def test_says_not_covered(answer, refused):
    assert says_not_covered(answer) is refused
