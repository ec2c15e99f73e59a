"""Citations: the label a manager sees (``[阶段三 · 预期所需时间]``) and the quote behind it.

Every item a diagnosis or roadmap shows carries one, so that each piece of advice can be
checked against the stage document rather than taken on trust.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from advisor.knowledge.chunks import STAGE_NAMES_ZH
from advisor.knowledge.stage_document import SECTIONS


@dataclass(frozen=True)
class Citation:
    """Where a piece of advice comes from: stage, section, label and verbatim quote."""

    stage: int | None
    section: str
    label: str
    quote: str

    def to_dict(self) -> dict:
        return asdict(self)


def cite(stage: int | None, section: str, quote: str) -> Citation:
    """The citation for ``quote`` from ``section`` of ``stage`` (None: the principles)."""
    where = STAGE_NAMES_ZH[stage] if stage else "stage_document"
    # The same label Chunk.label gives the passage, so a citation matches what search shows.
    return Citation(stage, section, f"[{where} · {SECTIONS[section].zh}]", quote)


def cite_item(stage: int | None, item) -> Citation:
    """The citation of a stage-file fact (anything with ``section`` and ``quote``)."""
    return cite(stage, item.section, item.quote)
