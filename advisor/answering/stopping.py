"""Where an answer ends: the rules that stop a small model that has said what was asked.

A 1.5B model that has answered tends to go on: it pastes the next passage under its
label, walks through the other stages' passages, or loops over the same bullet until the
token limit (a minute on a CPU). Each rule here looks at the text so far and says where
the answer proper ends; the chain stops generating there.
"""

from __future__ import annotations

import re

from advisor.answering.prompts import cited_labels


def squash(label: str) -> str:
    """A label without its spaces, for comparing labels as the model writes them."""
    return re.sub(r"\s+", "", label)


def answer_complete(text: str) -> bool:
    """A cited paragraph followed by a blank line: the answer is done.

    Small models, after answering, tend to paste the remaining passages under new
    headings. The answer proper is the first cited paragraph (which may hold a list);
    stopping there keeps answers short and saves the manager's time.
    """
    return text.endswith("\n\n") and bool(cited_labels(text))


def without_repeated_line(text: str) -> str | None:
    """``text`` without its last line when that line repeats an earlier one word for word
    (a list item's number aside).

    A small model that has lost its place loops over the same bullets until the token
    limit (a minute on a CPU). The first repeat ends the answer; ``None`` means no repeat.
    """
    if not text.endswith("\n"):
        return None
    lines = text.rstrip("\n").split("\n")
    last = _item_text(lines[-1])
    if len(last) < 8 or last not in (_item_text(line) for line in lines[:-1]):
        return None
    return "\n".join(lines[:-1]) + "\n"


# A list item's marker: "12. ", "3、", "- ", "● ", "(2) ". A loop numbers its repeats on.
_ITEM_MARKER = re.compile(r"^\s*(?:\d{1,3}\s*[.、)）:]|[-*•●]|[(（]\d{1,3}[)）])\s*")


def _item_text(line: str) -> str:
    return _ITEM_MARKER.sub("", line).strip()


_STAGE_LABEL = re.compile(r"\[\s*阶段([一二三四五])\s*·")
_STAGE_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


def without_other_stages(text: str, stage: int | None, final: bool = False) -> str | None:
    """``text`` cut before the first line that cites only stages other than ``stage``.

    A question about one stage is answered from that stage; a small model that has said
    it tends to go on through the other stages' passages (the KPIs of stages 2, 4 and 5
    after a stage-3 question), which is a runaway answer, not more help. Only complete
    lines are judged while streaming (``final`` judges the last one too); ``None`` means
    the text stays on the stage.
    """
    if stage is None:
        return None
    lines = text.split("\n")
    judged = lines if final else lines[:-1]
    kept = 0
    for line in judged:
        stages = {_STAGE_NUMBER[m] for m in _STAGE_LABEL.findall(line)}
        if stages and stage not in stages and kept:
            cut = "\n".join(lines[:kept]).rstrip() + "\n"
            return cut if cut.strip() else None
        kept += 1
    return None


def without_pasted_sections(text: str, section: str | None, sections_by_label: dict[str, str],
                            final: bool = False) -> str | None:
    """``text`` cut before a line that is only the label of a passage of another section.

    A line holding nothing but a label is a heading: the model has started copying the
    next passage ("[阶段四 · 目标]" and the goal, after a question on the KPIs). The answer
    proper is what came before it. Only complete lines are judged while streaming;
    ``None`` means the text stays on ``section``.
    """
    if section is None:
        return None
    lines = text.split("\n")
    judged = lines if final else lines[:-1]
    for n, line in enumerate(judged):
        label = line.strip()
        if not n or not _LABEL_ONLY.fullmatch(label):
            continue
        other = sections_by_label.get(squash(label))
        if other is not None and other != section and "\n".join(lines[:n]).strip():
            return "\n".join(lines[:n]).rstrip() + "\n"
    return None


_LABEL_ONLY = re.compile(r"\[[^\[\]]{2,80}\][。.]?")
