"""The conversation as the chatbot shows it: each question, what it was understood as,
the answer with its citations, and the cited passages with the phrases the answer used
marked.

The page keeps the conversation as the advisor's turn records
(:meth:`advisor.conversation.state.Turn.to_record`), plus an ``error`` flag for a
message the advisor refused before answering. Everything in them (the user's message,
the model's answer, the passages) is escaped here, so HTML or Markdown in it is shown
as text: the chatbot renders Markdown with HTML, and its sanitiser is a second line of
defence, not the first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from advisor.conversation.highlights import clean_spans
from advisor.escaping import escape_text, html_text, md_text
from ui.labels import label


# --- records ------------------------------------------------------------------------------
def turn_records(stored) -> list[dict]:
    """The conversation kept in a browser, read back safely: each record through
    :meth:`Turn.from_record` (older records with ``question`` too), anything else dropped."""
    from advisor.conversation.state import Turn

    if not isinstance(stored, list):
        return []
    return [turn_record(Turn.from_record(r), error=bool(r.get("error"))) for r in stored if isinstance(r, dict)]


def turn_record(turn, error: bool = False) -> dict:
    """The page's record of ``turn``: the advisor's record and whether it is an error."""
    return {**turn.to_record(), "error": error}


def answered(records: Sequence[dict]) -> list[dict]:
    """The records that are turns of the advisor's conversation (not refused messages)."""
    return [r for r in records if not r.get("error")]


# --- one answer ----------------------------------------------------------------------------


def passage_html(text: str, highlights=None) -> str:
    """The passage's text with the spans the answer used in ``<mark>``."""
    text = str(text)
    out, cursor = [], 0
    for start, end in clean_spans(highlights, len(text)):
        out.append(html_text(text[cursor:start]))
        out.append(f"<mark>{html_text(text[start:end])}</mark>")
        cursor = end
    out.append(html_text(text[cursor:]))
    return "".join(out)


def citation_block(source: dict) -> str:
    """A cited passage that opens from its label: one line of HTML (``<details>``)."""
    return (f'<details class="citation"><summary>{html_text(source.get("label", ""))}</summary>'
            f'<blockquote>{passage_html(source.get("text", ""), source.get("highlights"))}</blockquote>'
            "</details>")


def cited_sources(record: dict) -> list[dict]:
    """The passages the answer cited, one per label, in the order shown."""
    seen: dict[str, dict] = {}
    for source in record.get("sources") or []:
        if source.get("cited") and source.get("label") and source["label"] not in seen:
            seen[source["label"]] = source
    return list(seen.values())


def answer_markdown(record: dict, lang: str) -> str:
    """The answer as shown: what the message was understood as (when it was resolved),
    the answer with its citation labels clickable, then each cited passage.

    A citation label in the answer opens its passage (a script on the page, see
    :data:`ui.app.PAGE_JS`); the passage's own label opens it without any script.
    """
    answer = record.get("answer", "")
    if record.get("error"):
        return escape_text(f"{label(lang, 'error')}: {answer}")
    parts = []
    message, resolved = record.get("message", ""), record.get("resolved_question", "")
    if resolved and " ".join(resolved.split()) != " ".join(message.split()):
        parts.append(f"*{label(lang, 'understood')}: {md_text(resolved)}*")
    if record.get("cached"):
        parts.append(f"*{label(lang, 'cached')}*")
    text = escape_text(answer)
    cited = cited_sources(record)
    for source in cited:
        shown = escape_text(source["label"])
        text = text.replace(shown, f'<span class="citation-ref">{shown}</span>')
    parts.append(text or "…")
    parts += [citation_block(source) for source in cited]
    return "\n\n".join(parts)


def sources_markdown(sources: Sequence[dict], lang: str) -> str:
    """The passages under an answer: label, score, whether cited, and the original text."""
    blocks = []
    for s in sources:
        mark = f" · ✓ {label(lang, 'cited')}" if s.get("cited") else ""
        blocks.append(f"**{md_text(s.get('label', ''))}** · {label(lang, 'score')} {s.get('score', 0):.3f}{mark}\n\n"
                      f"> {md_text(s.get('text', ''))}")
    return "\n\n".join(blocks)


# --- the whole conversation ------------------------------------------------------------------
def _messages(records: Sequence[dict], lang: str) -> Iterator[tuple[int, dict]]:
    """Each chatbot message with the number of the record it shows."""
    for number, record in enumerate(records or []):
        yield number, {"role": "user", "content": escape_text(record.get("message", ""))}
        yield number, {"role": "assistant", "content": answer_markdown(record, lang)}
        sources = [] if record.get("error") else record.get("sources") or []
        if sources:
            cited = [s["label"] for s in sources if s.get("cited") and s.get("label")]
            title = f"{label(lang, 'sources')} ({len(sources)})"
            if cited:
                title += ": " + " ".join(dict.fromkeys(cited))
            yield number, {"role": "assistant", "content": sources_markdown(sources, lang),
                           "metadata": {"title": escape_text(title), "status": "done"}}


def render_messages(records: Sequence[dict], lang: str) -> list[dict]:
    """The conversation as chatbot messages; each answer is followed by its sources."""
    return [message for _, message in _messages(records, lang)]


def record_of_message(records: Sequence[dict], index) -> int | None:
    """The number of the record the chatbot message at ``index`` belongs to."""
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        return None
    for position, (number, _) in enumerate(_messages(records, "en")):
        if position == index:
            return number
    return None
