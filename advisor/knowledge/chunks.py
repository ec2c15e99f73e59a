"""The passage: the unit the index stores, retrieval returns and answers cite."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

STAGE_DOCUMENT_SOURCE = "stage_document"

STAGE_NAMES_ZH = {1: "阶段一", 2: "阶段二", 3: "阶段三", 4: "阶段四", 5: "阶段五"}


@dataclass(frozen=True)
class Chunk:
    """One passage of a source document with where it came from.

    ``text`` is the original passage, shown to users and given to the model.
    ``embed_text`` is what the embedder sees: the passage prefixed with its stage and
    section titles in Chinese and English, so that English questions find Chinese text.
    """

    text: str
    source: str
    section: str
    section_title: str
    start: int
    end: int
    stage: int | None = None
    embed_text: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        digest = hashlib.sha256(
            f"{self.source}\x00{self.start}\x00{self.end}\x00{self.text}".encode()
        ).hexdigest()
        return digest[:16]

    @property
    def label(self) -> str:
        """The citation shown to users, e.g. ``[阶段三 · 预期成果与KPI]``."""
        where = STAGE_NAMES_ZH.get(self.stage) if self.stage else self.source
        return f"[{where} · {self.section_title}]"

    def to_metadata(self) -> dict:
        """Flat metadata for the vector store (chroma accepts str/int/float/bool only)."""
        return {
            "source": self.source,
            "section": self.section,
            "section_title": self.section_title,
            "stage": self.stage or 0,
            "start": self.start,
            "end": self.end,
            "embed_text": self.embed_text,
        }

    @classmethod
    def from_metadata(cls, text: str, meta: dict, embed_text: str = "") -> "Chunk":
        return cls(
            text=text,
            source=meta["source"],
            section=meta["section"],
            section_title=meta["section_title"],
            start=int(meta["start"]),
            end=int(meta["end"]),
            stage=int(meta["stage"]) or None,
            embed_text=embed_text or meta.get("embed_text", ""),
        )

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        data["id"] = self.id
        data["label"] = self.label
        return data
