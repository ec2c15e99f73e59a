"""What resolving a follow-up costs before the first token.

Each pair is asked twice, from the same model cache state: a question, then its follow-up
within one conversation ("阶段三需要多长时间?" → "那阶段四呢?"); and the same question, then
the follow-up's standalone form ("阶段四需要多长时间?") asked on its own. Both second
prompts are identical and follow the identical first one, so the difference in time to
the first model token is what resolving (and routing) the follow-up adds.
"""

from __future__ import annotations

import time

from bench.stats import median

PAIRS = (
    ("阶段三需要多长时间?", "那阶段四呢?"),
    ("阶段二的目标是什么?", "它的KPI呢?"),
    ("How long does stage 3 take?", "And what does it cost?"),
    ("What are the KPIs of stage 2?", "How about the fourth one?"),
)


def _first_token_after(advisor, message: str, conversation=None) -> tuple[float | None, str]:
    """Seconds from the call to the first token the model wrote, and the question used."""
    called = time.time()
    answer = advisor.ask(message, conversation)
    first = answer.timings.get("first_token_unix")
    return (round(first - called, 3) if first else None), answer.resolved_question


def measure(advisor, pairs=PAIRS) -> dict:
    """Per pair: first token of the follow-up and of its standalone form, and the rules'
    own time; the model must be warm (see bench.raw_vs_chain.run_chain)."""
    from advisor.conversation.resolver import resolve
    from advisor.conversation.state import Conversation

    rows = []
    for first, follow_up in pairs:
        conversation = Conversation()
        advisor.ask(first, conversation)
        started = time.perf_counter()
        for _ in range(100):
            resolve(follow_up, conversation)
        resolve_ms = (time.perf_counter() - started) * 10  # per call, in ms
        followed, resolved = _first_token_after(advisor, follow_up, conversation)
        advisor.ask(first)
        alone, _ = _first_token_after(advisor, resolved)
        rows.append({"first": first, "follow_up": follow_up, "resolved": resolved,
                     "resolve_ms": round(resolve_ms, 4), "follow_up_first_token_s": followed,
                     "standalone_first_token_s": alone,
                     "overhead_s": round(followed - alone, 3) if followed and alone else None})
    overheads = [r["overhead_s"] for r in rows if r["overhead_s"] is not None]
    return {"pairs": rows, "overhead_median_s": median(overheads) if overheads else None,
            "resolve_ms_median": median([r["resolve_ms"] for r in rows])}
