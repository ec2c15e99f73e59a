"""A conversation exported as Markdown: every turn, what it was understood as, the cited
passages, the suggestions, and nothing the user or the model wrote turned into markup.

The Markdown is also rendered with markdown-it (CommonMark, raw HTML allowed, as most
viewers do), so the checks are on what a reader would see, not only on the text."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from markdown_it import MarkdownIt

from advisor.conversation.export import conversation_markdown, md_block
from advisor.conversation.state import Conversation, Turn

PASSAGE = "预期所需时间: 约6个月至1年。"
SPAN = [PASSAGE.index("6"), PASSAGE.index("。")]  # "6个月至1年"
EXPORTED = datetime(2026, 3, 4, 5, 6, tzinfo=timezone.utc)


def source(cited: bool, text: str, label: str, highlights=None) -> dict:
    return {"id": label, "stage": 3, "section": "duration", "section_title": "预期所需时间", "label": label,
            "source": "stage_document", "text": text, "score": 0.9, "cited": cited,
            "highlights": highlights or []}


def conversation() -> Conversation:
    first = Turn("阶段三需要多长时间?", "阶段三需要多长时间?",
                 answer="阶段三一般需要约6个月至1年 [阶段三 · 预期所需时间]。",
                 sources=[source(True, PASSAGE, "[阶段三 · 预期所需时间]", [SPAN]),
                          source(False, "未引用的段落: 不应出现。", "[阶段一 · 目标]")],
                 suggestions=["阶段三的KPI是什么?", "怎样进入阶段四?"])
    second = Turn("那阶段四呢?", "阶段四需要多长时间?",
                  answer="阶段四需要1至2年。\n\n第二段。", sources=[], suggestions=[])
    return Conversation([first, second])


def html(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


def test_every_turn_in_order_with_its_answer() -> None:
    md = conversation_markdown(conversation(), "zh", exported=EXPORTED)
    assert md.startswith("# ") and "2026-03-04 05:06 UTC" in md
    first, second = md.index("阶段三需要多长时间?"), md.index("那阶段四呢?")
    assert first < md.index("阶段三一般需要约6个月至1年") < second < md.index("阶段四需要1至2年")
    rendered = html(md)
    assert rendered.count("<h2>") == 2
    assert "<p>第二段。</p>" in rendered  # the answer keeps its paragraphs


def test_understood_as_only_when_it_differs() -> None:
    md = conversation_markdown(conversation(), "zh", exported=EXPORTED)
    assert md.count("理解为") == 1
    assert md.index("那阶段四呢?") < md.index("理解为") < md.index("阶段四需要多长时间?")
    # Differences in spacing alone are not a different question.
    spaced = Conversation([Turn("阶段三  需要多久?", "阶段三 需要多久?", answer="a")])
    assert "理解为" not in conversation_markdown(spaced)


def test_cited_passages_are_quoted_with_their_labels_and_highlights() -> None:
    md = conversation_markdown(conversation(), "zh", exported=EXPORTED)
    assert "引用的段落" in md and md.count("引用的段落") == 1  # the second turn cited nothing
    assert "> 预期所需时间: 约**6个月至1年**。" in md
    assert "未引用的段落" not in md
    rendered = html(md)
    assert rendered.count("<blockquote>") == 1
    assert "<strong>6个月至1年</strong>" in rendered
    assert "[阶段三 · 预期所需时间]" in rendered  # the label reads as written


def test_suggestions_are_listed() -> None:
    rendered = html(conversation_markdown(conversation(), "zh", exported=EXPORTED))
    assert re.findall(r"<li>(.*?)</li>", rendered) == ["阶段三的KPI是什么?", "怎样进入阶段四?"]


def test_english_headings() -> None:
    md = conversation_markdown(conversation(), "en", exported=EXPORTED)
    for heading in ("Understood as", "Cited passages", "You could ask next", "Question 2"):
        assert heading in md
    assert "理解为" not in md and "引用的段落" not in md
    with pytest.raises(ValueError):
        conversation_markdown(conversation(), "fr")


def test_html_and_markdown_from_the_user_and_the_model_are_inert() -> None:
    hostile = "<script>alert(1)</script> **bold** [link](http://example.com) ![img](x.png) `code`"
    turn = Turn(
        message=hostile,
        resolved_question="# heading <img src=x onerror=alert(1)>",
        answer=f"# Not a heading\n- not a list\n1. not a list either\n---\n===\n> not a quote\n{hostile}",
        sources=[source(True, f"<iframe src=x></iframe>\n- item *em* {hostile}", "<b>label</b>", [[0, 8]])],
        suggestions=[f"- {hostile}"],
    )
    md = conversation_markdown(Conversation([turn]), "en", exported=EXPORTED)
    assert "<script>" not in md and "<iframe" not in md and "<img" not in md and "<b>" not in md
    rendered = html(md)
    for tag in ("<script", "<iframe", "<img", "<a ", "<em>", "<code>", "<h1>Not", "<hr"):
        assert tag not in rendered, tag
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # shown, as text
    assert "**bold**" in rendered and "[link](http://example.com)" in rendered
    # Only the export's own headings: title, the turn, cited passages and suggestions.
    assert (rendered.count("<h1>"), rendered.count("<h2>"), rendered.count("<h3>")) == (1, 1, 2)
    assert rendered.count("<ul>") == 1 and rendered.count("<li>") == 1  # only the suggestions
    assert "<ol>" not in rendered and rendered.count("<blockquote>") == 1  # only the passage
    assert "# Not a heading" in rendered and "1. not a list either" in rendered
    # The highlight of an escaped stretch is still bold, and still inert.
    assert "<strong>&lt;iframe</strong>" in rendered


def test_malformed_highlights_are_ignored() -> None:
    spans = [[5, 2], "x", [0, 10_000], [True, 3], [1], None]
    turn = Turn("q", "q", answer="a", sources=[source(True, "abc def", "[L]", spans)])
    md = conversation_markdown(Conversation([turn]), "en", exported=EXPORTED)
    assert "> **abc def**" in md  # [0, 10000] is cut to the passage; the rest is dropped


def test_an_empty_conversation_and_an_empty_answer() -> None:
    assert "no questions yet" in conversation_markdown(Conversation(), "en")
    md = conversation_markdown(Conversation([Turn("q", "q")]), "en", exported=EXPORTED)
    assert "(No answer.)" in md


def test_md_block_keeps_lines_apart() -> None:
    rendered = html(md_block("first line\nsecond line\n\nnext paragraph"))
    assert rendered == "<p>first line<br />\nsecond line</p>\n<p>next paragraph</p>\n"
