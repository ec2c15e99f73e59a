"""The one set of escapers: what each keeps (lines, paragraphs) and what it makes inert."""

from __future__ import annotations

from markdown_it import MarkdownIt

from advisor.escaping import escape_text, html_text, inert_line, md_block, md_text

HOSTILE = "<b>x</b> *bold* [link](javascript:alert(1)) $x$ # h"


def test_md_text_is_one_inert_line():
    assert md_text("Acme\n# Owned") == "Acme \\# Owned"
    assert md_text(HOSTILE) == ("&lt;b&gt;x&lt;/b&gt; \\*bold\\* \\[link\\]\\(javascript:alert\\(1\\)\\) $x$ \\# h")
    assert md_text(3.5) == "3.5"
    page = MarkdownIt("commonmark").render(md_text(HOSTILE))
    assert "<b>" not in page and "<em>" not in page and "<a " not in page


def test_escape_text_keeps_the_lines_and_makes_math_inert_for_the_chatbot():
    assert escape_text("first *a*\nsecond $x$") == "first \\*a\\*\nsecond \\$x\\$"
    assert escape_text("<script>") == "&lt;script&gt;"


def test_md_block_keeps_paragraphs_and_no_line_starts_a_list_or_heading():
    text = "1. not a list\n- nor this\n\n=== nor a heading"
    assert md_block(text) == "1\\. not a list  \n\\- nor this\n\n\\=== nor a heading"
    assert inert_line("2) x") == "2\\) x" and inert_line("plain") == "plain"


def test_html_text_is_entities_on_one_line():
    assert html_text("<i>a</i>\n[b](c)") == "&#60;i&#62;a&#60;/i&#62;<br>&#91;b&#93;&#40;c&#41;"
