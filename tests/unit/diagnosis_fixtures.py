"""Shared helpers for the diagnosis tests: the real stage file and answers per stage."""

from __future__ import annotations

from pathlib import Path

from advisor.knowledge.stages import StageBook, load_stage_book

KNOWLEDGE = Path(__file__).parents[2] / "knowledge"
DOCUMENT_TEXT = (KNOWLEDGE / "stage_document.zh.txt").read_text(encoding="utf-8")

LABEL_PATTERN = r"^\[(阶段[一二三四五]|stage_document) · .+\]$"


def real_book() -> StageBook:
    return load_stage_book(KNOWLEDGE / "stages.yaml")


def answers_for_stage(book: StageBook, stage: int, unmet: str = "no", later: str = "unknown") -> dict:
    """Raw answers that place a company in ``stage``: every earlier criterion ``yes``, the
    stage's first criterion ``unmet`` and its others ``yes``, later ones ``later``."""
    raw: dict = {}
    for s, criterion in book.criteria():
        if s.id < stage:
            raw[criterion.id] = "yes"
        elif s.id == stage:
            raw[criterion.id] = unmet if criterion.id == s.criteria[0].id else "yes"
        else:
            raw[criterion.id] = later
    return raw
