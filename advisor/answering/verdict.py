"""What stands of the model's answer once it is written.

Its figures are checked against its passages, number and unit together, and so are the
Chinese quotes it gives in parentheses (see :mod:`advisor.answering.grounding`). An
answer that fails is never shown as advice, and never silently dropped either: the
article's own sentence takes its place. That is the key fact streamed first when the
question's stage and topic selected one (see :mod:`advisor.answering.evidence`), else
the key sentence of the passage plainly on point (see :mod:`advisor.answering.unsure`).
The same sentence answers when the model says the passages do not cover a question one
of them plainly answers. Only with no such passage is the answer withdrawn or declined,
as before.

Answers the output guard withdrew (a leak, an obeyed injection) never come here: that
decision stands, whatever a passage holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from advisor.answering.grounding import unfounded_quotes, ungrounded_figures
from advisor.answering.key_sentence import PassageQuote
from advisor.answering.prompts import NOT_COVERED

WITHDRAWN = {
    "zh": "(模型的草稿含有文档中没有的数字或引文:{figures},因此未予采用。)",
    "en": "(The model's draft contained figures or quotes that are not in the document: {figures}; it was withdrawn.)",
}


@dataclass(frozen=True)
class Verdict:
    """The answer that stands, whether it declines, and the text that replaces what was
    streamed (a ``retract`` event), if anything does."""

    text: str
    refused: bool
    retract: str | None = None


def settle(text: str, refused: bool, question: str, language: str, sources: Sequence[str],
           quoted: str, on_point: Callable[[], PassageQuote | None]) -> Verdict:
    """Check the model's ``text`` against the passages' texts (``sources``).

    ``refused``: the model (or retrieval) declined. ``quoted``: the key fact already
    streamed, or "". ``on_point``: the key sentence of the passage plainly on point, when
    there is one (asked only when needed: it tokenises the question).
    """
    figures = [] if refused else ungrounded_figures(text, [*sources, question])
    # In a Chinese answer, parentheses hold the model's own asides, not quotes.
    invented = [] if refused or language != "en" else unfounded_quotes(text, [*sources, question])
    if invented and not figures:
        figures = [f"“{quote}”" for quote in invented]  # said as what was withdrawn, like a figure
    if figures and quoted:
        return Verdict("", False, quoted)  # the key fact stands; the model's figures go
    if quoted or not (figures or refused):
        return Verdict(text, refused)  # a declined answer gives way to the key fact later
    quote = on_point()
    if quote is not None:
        line = quote.line(language)
        return Verdict(line, False, line)
    if figures:
        withdrawn = f"{NOT_COVERED[language]} {WITHDRAWN[language].format(figures=', '.join(figures))}"
        return Verdict(withdrawn, True, withdrawn)
    return Verdict(text, True)
