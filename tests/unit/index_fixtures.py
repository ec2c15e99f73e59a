"""Shared helpers for the index tests (the local index and the Chroma-server store)."""

from __future__ import annotations

from advisor.knowledge.chunks import Chunk


def make_chunks(n: int = 6, changed: int | None = None) -> list[Chunk]:
    """``n`` small passages spread over the five stages; passage ``changed`` gets an edit,
    so its id changes and the others keep theirs."""
    chunks = []
    for i in range(n):
        text = f"passage {i} about stage {i % 5 + 1}" + (" (edited)" if i == changed else "")
        chunks.append(Chunk(text=text, source="test.md", section=f"s{i}", section_title=f"Section {i}",
                            start=i * 100, end=i * 100 + len(text), stage=i % 5 + 1,
                            embed_text=f"Stage {i % 5 + 1}: {text}"))
    return chunks
