"""Index build time: a fresh index in an empty data folder, then an unchanged rebuild.

The fresh build is what a first ``advisor ingest`` does: load the embedder, chunk the
stage document, embed every passage and write the chromadb index. The unchanged
rebuild is what every later start pays when nothing changed. Both run in a temporary
data folder, so the user's ``data/`` (and any company documents in it) play no part.
"""

from __future__ import annotations

import time


def measure(settings) -> dict:
    """Build the index of ``settings.data_dir`` (empty) from scratch, then again."""
    from advisor.container import build_advisor

    started = time.perf_counter()
    advisor = build_advisor(settings)
    fresh = advisor.rebuild_index()
    fresh_s = time.perf_counter() - started
    started = time.perf_counter()
    again = advisor.rebuild_index()
    unchanged_s = time.perf_counter() - started
    return {
        "fresh_s": round(fresh_s, 2),
        "passages": fresh.passages,
        "embedded": fresh.embedded,
        "unchanged_s": round(unchanged_s, 3),
        "unchanged_detected": bool(again.unchanged),
    }
