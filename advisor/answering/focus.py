"""What of the retrieved passages the model reads: less prompt per question.

On two cores llama.cpp reads a prompt at 50-100 tokens per second, and the passages are
most of what a question adds to the cached prompt start (about 260 of 300 tokens with
four passages). Most of that text answers something else: a question on stage 3's
budget gets the whole action plan of stage 3 beside the passage on its execution. So
the model reads:

- **whole**: the best passage (retrieval's first), and the passage of the section the
  question asks about (its stage's, when it names one) when that is another: a passage
  is the unit the article states a fact in, and the model cites it by its label;
- **of every other passage, its one line that shares most words with the question**
  (words compared with all their forms, as for the quoted key sentence: see
  :mod:`advisor.answering.key_sentence`), under the passage's label; a passage none of
  whose lines shares a word with the question is left out.

Chosen on the development set's tuning part (its answerable questions, counted without
the model): the passages' tokens went from a median of 241 to 162 (mean 263 to 156),
and the prompt still held 106 of the 118 fact groups the questions ask for, against 107
with every passage whole. Keeping every line that shares a word held no more at 30
tokens more; keeping only the section's passage lost the article's examples, which sit
in another section than the one asked about. With the model, the same part's fact
recall rose rather than fell (fewer passages beside the point to copy from).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from advisor.answering.key_sentence import Groups, heads_a_part, shared
from advisor.knowledge.chunks import Chunk


@dataclass(frozen=True)
class Focused:
    """A passage as the model reads it: whole, or only its ``text`` on the question."""

    chunk: Chunk
    text: str

    @property
    def whole(self) -> bool:
        return self.text == self.chunk.text


def on_point(passages: Sequence[Chunk], section: str | None, stage: int | None) -> Chunk | None:
    """The passage of the ``section`` asked about (of ``stage``, when one is named)."""
    if not section:
        return None
    return next((c for c in passages if c.section == section and (stage is None or c.stage == stage)), None)


def best_line(text: str, groups: Groups) -> str:
    """The line of ``text`` sharing most of the question's words (the first among
    equals), or "" when none shares any."""
    best, score = "", 0
    for line in text.splitlines():
        if not line.strip() or heads_a_part(line):
            continue
        found = shared(groups, line)
        if found > score:
            best, score = line.strip(), found
    return best


def focus(passages: Sequence[Chunk], groups: Groups, section: str | None = None,
          stage: int | None = None) -> list[Focused]:
    """``passages`` (retrieval's order, kept) as the model should read them.

    ``groups``: the question's words with their forms (``key_sentence.question_groups``).
    ``section``/``stage``: what the question asks about, when known.
    """
    if not passages:
        return []
    whole = {passages[0].id}
    asked = on_point(passages, section, stage)
    if asked is not None:
        whole.add(asked.id)
    focused = []
    for chunk in passages:
        text = chunk.text if chunk.id in whole else best_line(chunk.text, groups)
        if text:
            focused.append(Focused(chunk, text))
    return focused
