"""What a repeated question costs: the answer cache (advisor.answering.cache).

Each question is asked once (the model answers and the answer is kept), then again in
other punctuation and spacing, as a manager retyping it would; the time of the second
ask, from the call to the finished answer, is what a repeat costs. The advisor shares
the warm chat model of the chain measurement, in its own data folder's cache.
"""

from __future__ import annotations

import time

from bench.stats import median

REPEATS = (
    ("阶段三需要多长时间?", "阶段三需要多长时间？"),
    ("What are the KPIs of stage 2?", "what are the KPIs of stage 2 ?"),
    ("阶段四的预算是多少?", " 阶段四的预算是多少？"),
)


def measure(advisor, repeats=REPEATS) -> dict:
    """Per question: the first answer's time, the repeat's time, and whether the repeat
    came from the cache."""
    rows = []
    for first, again in repeats:
        started = time.perf_counter()
        original = advisor.ask(first)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        repeat = advisor.ask(again)
        repeat_s = time.perf_counter() - started
        rows.append({"question": first, "repeat": again, "first_s": round(first_s, 3),
                     "repeat_s": round(repeat_s, 4), "cached": repeat.cached,
                     "same_answer": repeat.answer == original.answer})
    cached = [r["repeat_s"] for r in rows if r["cached"]]
    return {"rows": rows, "cached": len(cached), "asked": len(rows),
            "repeat_median_s": median(cached) if cached else None}
