"""A conversation as a Markdown document, to keep or pass on.

Every question, what it was understood as, the answer, the passages it cited (with the
phrases that support it in bold) and the suggested next questions. Everything the user
typed and everything the model wrote is escaped, so HTML or Markdown in it is shown,
never run: an exported conversation can be opened in any Markdown viewer safely.
"""

from __future__ import annotations

from datetime import datetime, timezone

from advisor.conversation.state import Conversation, Turn
from advisor.conversation.highlights import clean_spans
from advisor.escaping import inert_line, md_block, md_text

_WORDS = {
    "title": ("与 AI 阶段顾问的对话", "Conversation with the AI Stage Advisor"),
    "exported": ("导出时间", "Exported"),
    "turn": ("第 {n} 问", "Question {n}"),
    "question": ("问题", "Question"),
    "understood": ("理解为", "Understood as"),
    "answer": ("回答", "Answer"),
    "cited": ("引用的段落", "Cited passages"),
    "suggestions": ("可以接着问", "You could ask next"),
    "empty": ("(这次对话还没有内容。)", "(This conversation has no questions yet.)"),
    "no_answer": ("(没有回答。)", "(No answer.)"),
}


def conversation_markdown(conversation: Conversation, language: str = "zh", *,
                          exported: datetime | None = None) -> str:
    """The whole conversation as Markdown, headings in ``language`` ("zh" or "en").

    ``exported`` is the time shown as the export time (default: now, in UTC).
    """
    if language not in ("zh", "en"):
        raise ValueError(f"export language must be 'zh' or 'en', got {language!r}")
    i = 0 if language == "zh" else 1

    def w(key: str) -> str:
        return _WORDS[key][i]

    moment = (exported or datetime.now(timezone.utc)).astimezone(timezone.utc)
    lines = [f"# {w('title')}", "", f"{w('exported')}: {moment.strftime('%Y-%m-%d %H:%M')} UTC", ""]
    if not conversation.turns:
        lines += [w("empty"), ""]
    for number, turn in enumerate(conversation.turns, 1):
        lines += _turn(turn, number, w)
    return "\n".join(lines).rstrip("\n") + "\n"


def _turn(turn: Turn, number: int, w) -> list[str]:
    lines = [f"## {w('turn').format(n=number)}", "", f"**{w('question')}:** {md_text(turn.message)}", ""]
    if " ".join(turn.resolved_question.split()) != " ".join(turn.message.split()):
        lines += [f"**{w('understood')}:** {md_text(turn.resolved_question)}", ""]
    lines += [f"**{w('answer')}:**", "", md_block(turn.answer) or w("no_answer"), ""]
    cited = [s for s in turn.sources if s.get("cited")]
    if cited:
        lines += [f"### {w('cited')}", ""]
        for source in cited:
            label = md_text(source.get("label") or source.get("section_title") or source.get("source") or "")
            lines += [f"**{label}**" if label else "", *_quote(str(source.get("text") or ""),
                                                            source.get("highlights")), ""]
    if turn.suggestions:
        lines += [f"### {w('suggestions')}", ""]
        lines += [f"- {inert_line(md_text(s))}" for s in turn.suggestions if s.strip()]
        lines.append("")
    return lines


def _quote(text: str, highlights) -> list[str]:
    """The passage as a ``>`` quote, its highlighted spans (character offsets into
    ``text``) in bold."""
    spans = clean_spans(highlights, len(text))
    quoted, offset = [], 0
    for line in text.replace("\r\n", "\n").split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        pieces, cursor = [], start
        for s, e in spans:
            s, e = max(s, start), min(e, end)
            if s >= e:
                continue
            pieces.append(_escaped_piece(text[cursor:s]))
            pieces.append(_bold(text[s:e]))
            cursor = e
        pieces.append(_escaped_piece(text[cursor:end]))
        rendered = inert_line("".join(pieces).strip())
        if rendered:
            quoted.append(f"> {rendered}")
        elif quoted and quoted[-1] != ">":
            quoted.append(">")
    while quoted and quoted[-1] == ">":
        quoted.pop()
    return quoted or [">"]


def _escaped_piece(piece: str) -> str:
    # md_text trims; a space at either end separates this piece from its neighbours.
    if not piece.strip():
        return " " if piece else ""
    lead = " " if piece[0].isspace() else ""
    trail = " " if piece[-1].isspace() else ""
    return f"{lead}{md_text(piece)}{trail}"


def _bold(piece: str) -> str:
    # ``**`` next to a space does not open or close bold, so the spaces stay outside.
    if not piece.strip():
        return _escaped_piece(piece)
    lead = " " if piece[0].isspace() else ""
    trail = " " if piece[-1].isspace() else ""
    return f"{lead}**{md_text(piece)}**{trail}"
