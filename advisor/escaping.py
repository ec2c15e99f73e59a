"""Text made inert where it is shown: Markdown documents, the chatbot and HTML.

A company name, a passage, a model's answer or a user's message may hold HTML or
Markdown. Every place that shows such text (the report, the exported conversation, the
web page) escapes it here, so it is shown as written and never run. ``html.escape``
makes < > & inert first; a backslash then keeps each markup character a character.
"""

from __future__ import annotations

import html
import re

# Characters that would start Markdown markup (emphasis, links, code, tables, headings)
# inside a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
# The chatbot's Markdown also reads $ as the start of math.
_CHATBOT_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$])")
# After md_text, a line may still start a list ("- x", "1. x") or, under a line of text,
# turn it into a heading ("===", "---"); a backslash before the marker keeps it text.
_LINE_START_MARKER = re.compile(r"^(\d{1,9})([.)])|^([-=])")
# Inside HTML, every character Markdown or HTML could read as markup becomes an entity:
# the text stays text even where a Markdown parser looks at it after all.
_HTML_TEXT = str.maketrans({ch: f"&#{ord(ch)};" for ch in "&<>\"'\\`*_{}[]()#+!|~$="})


def _backslashed(text: str, special: re.Pattern) -> str:
    # quote=False: quotes are harmless once < and > are escaped, and readable raw.
    return special.sub(r"\\\1", html.escape(text, quote=False))


def md_text(text) -> str:
    """``text`` made inert for Markdown: HTML escaped, markup characters backslashed, and
    line breaks folded so a value cannot open a heading or a list of its own."""
    return _backslashed(" ".join(str(text).split()), _MARKDOWN_SPECIAL)


def inert_line(escaped: str) -> str:
    """A line already escaped with :func:`md_text`, kept from starting a list or a heading."""
    return _LINE_START_MARKER.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)


def md_block(text) -> str:
    """Multi-line ``text`` made inert for Markdown, keeping its lines and paragraphs: each
    line escaped with :func:`md_text`, lines joined by hard breaks, paragraphs by a blank line."""
    paragraphs = re.split(r"\n\s*\n", str(text).replace("\r\n", "\n").strip())
    rendered = []
    for paragraph in paragraphs:
        escaped = [inert_line(md_text(line)) for line in paragraph.split("\n") if line.strip()]
        if escaped:
            rendered.append("  \n".join(escaped))
    return "\n\n".join(rendered)


def escape_text(text) -> str:
    """``text`` shown in the chatbot as written: HTML escaped and Markdown markup made
    inert, one Markdown line per line of text (the chatbot keeps the line breaks)."""
    return "\n".join(_backslashed(line, _CHATBOT_SPECIAL) for line in str(text).splitlines())


def html_text(text) -> str:
    """``text`` as the content of an HTML element on one line: markup characters as
    entities, line breaks as ``<br>`` (a blank line would end the HTML block)."""
    return "<br>".join(line.translate(_HTML_TEXT) for line in str(text).splitlines())
