"""Retrieval latency: ``advisor.retriever.retrieve(q)`` over the development set.

It is the whole of retrieval as the chain runs it: embedding the question (e5),
the vector search in chromadb, BM25 keywords and their fusion, and the coverage
decision. One warm-up question first loads the embedder, the keyword index and jieba's
dictionary, which happen once per process and are not what a question waits for.
"""

from __future__ import annotations

import time

from bench.stats import percentile


def measure(advisor, questions: list[str]) -> dict:
    """Wall time of each retrieval in ms (after one warm-up), with p50/p90/max."""
    if not questions:
        return {"questions": 0}
    advisor.retriever.retrieve(questions[0])  # warm-up, not counted
    samples = []
    for question in questions:
        started = time.perf_counter()
        advisor.retriever.retrieve(question)
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "questions": len(samples),
        "p50_ms": round(percentile(samples, 50), 2),
        "p90_ms": round(percentile(samples, 90), 2),
        "max_ms": round(max(samples), 2),
        "samples_ms": [round(s, 2) for s in samples],
    }
