"""Raw llama-cpp-python against the full advisor chain: same questions, model and prompt.

What is compared, per question, both sides warm: time to first token, decode tokens/s,
total time and prompt tokens. The chain's numbers are its own (``Answer.timings``), so
they include retrieval and everything else between the question and the model.

Why it is fair:

- One model file and the advisor's own parameters, read from ``Settings``: context
  size, threads (prompt and decode), ``n_batch=512``, seed 0 and the temperature.
- The raw side is fed exactly the text the chain gives llama.cpp
  (``chat_model.render_prompt(chain.prompt_messages(q))``) and the same stop words.
- Both are warm: the model loaded and the fixed prompt prefix cached (the advisor's
  ``warm_up()``; for the raw side, ``Llama.eval`` of the same prefix tokens, the start
  of the warm-up prompt), then a warm-up question answered and not counted. Both then
  answer the questions in the same order, so llama.cpp's re-use of the longest common
  prefix with the previous prompt meets the same previous prompt on both sides, and
  the cache was filled in the same batches (llama.cpp's numbers depend slightly on
  how a prompt was split into batches; greedy decoding can tip on that).
- The chain stops reading the model's stream after the first cited paragraph, so the
  raw side stops after exactly as many generated tokens (the chain's
  ``generated_tokens``), with the advisor's ``max_tokens``. Both count tokens as the
  chain does, one per non-empty streamed piece (llama-cpp-python holds back a token
  that ends inside a UTF-8 character, so a ``max_tokens`` of that count would stop
  short on Chinese text), and decode speed as ``(tokens - 1) / (last - first)``. With
  greedy decoding both then write the same text; ``same_text`` checks it.
- The two 1.1 GB models are never in memory together: the chain runs first (the raw
  side needs its prompts and token counts), then the caller frees the advisor, then
  :func:`run_raw` loads the raw ``Llama`` and frees it before returning.
- Rounds alternate (chain, raw, chain, raw, ...) and each side keeps its best time of
  the rounds (:func:`best_of`): on a shared machine other work only ever adds time, so
  the best of a few rounds is the measurement least disturbed by it.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field

from bench.machine import rss_mb
from bench.stats import decode_rate, ratio

QUESTIONS = [
    "阶段三需要多长时间?",
    "How long does stage 3 take?",
    "What KPIs should we track in stage 1?",
    "阶段二的KPI是什么?",
    "What is the budget for stage 3?",
]
# Answered first on both sides and not counted; not one of the timed questions.
WARMUP_QUESTION = "What is the goal of stage 1?"


@dataclass
class Case:
    """One question as the model sees it: the prompt text, stop words and answer length."""

    question: str
    prompt: str = ""
    stop: list[str] = field(default_factory=list)
    prefill: str = ""
    pieces: int = 0  # the chain's generated_tokens; 0: the model was not called

    @property
    def runnable(self) -> bool:
        return bool(self.prompt) and self.pieces > 0


def common_prefix(a, b) -> int:
    """How many leading items two token lists share."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def same_text(chain_answer: str, prefill: str, raw_text: str) -> bool:
    """Whether the raw side wrote the answer the chain gave (the chain's text starts
    with its prefill and is stripped)."""
    return (prefill + raw_text).strip() == chain_answer.strip()


def _case(advisor, question: str, pieces: int) -> Case:
    from langchain_core.messages import AIMessage

    messages = advisor.chain.prompt_messages(question)
    if not messages:  # retrieval declined: the chain answers without the model
        return Case(question)
    prefill = str(messages[-1].content) if isinstance(messages[-1], AIMessage) else ""
    chat_model = advisor.chat_model
    return Case(question, chat_model.render_prompt(messages), list(chat_model.stop_words(messages)),
                prefill, pieces)


def _model_part(answer: str) -> str:
    """The answer without the article's sentence the chain shows before the model writes
    (see advisor.answering.evidence): that part is the raw side's text."""
    from advisor.answering.evidence import LEAD

    if answer.startswith(tuple(LEAD.values())) and "\n\n" in answer:
        return answer.split("\n\n", 1)[1]
    return answer


def _chain_result(answer) -> dict:
    t = answer.timings
    return {
        "evidence_first_s": t.get("evidence_first_s"),
        "first_token_s": t.get("first_token_s"),
        "decode_tokens_per_s": t.get("decode_tokens_per_s"),
        "total_s": t.get("total_s"),
        "prompt_tokens": t.get("prompt_tokens"),
        "generated_tokens": t.get("generated_tokens"),
        "retrieval_s": t.get("retrieval_s"),
        "refused": answer.refused,
        "answer": _model_part(answer.answer),
    }


def run_chain(advisor, questions: list[str], warmup_question: str = WARMUP_QUESTION) -> dict:
    """One round: answer ``questions`` with the advisor, warm; returns its results and
    the cases for the raw side."""
    started = time.perf_counter()
    prefix = advisor.chat_model.warm_up()  # loads the model, caches the prompt prefix
    warm_up_s = time.perf_counter() - started
    warm = advisor.ask(warmup_question)  # not counted
    results = [_chain_result(advisor.ask(q)) for q in questions]
    # What llama.cpp reads per question beyond the cached prompt start: the passages and
    # the question, the work that stands between the question and the first token.
    for result in results:
        if result["prompt_tokens"] and prefix.get("prefix_tokens"):
            result["new_prompt_tokens"] = result["prompt_tokens"] - prefix["prefix_tokens"]
    # The prompts come after the timed answers: building them retrieves and counts
    # tokens but never evaluates, so it leaves llama.cpp's cache as the answers left it.
    warmup_case = _case(advisor, warmup_question, int(warm.timings.get("generated_tokens") or 0))
    cases = [_case(advisor, q, int(r["generated_tokens"] or 0)) for q, r in zip(questions, results)]
    return {
        # prefix: where warm_up() found the cached prompt prefix (memory, disk, evaluated)
        "warm_up": {"load_and_prefix_s": round(warm_up_s, 2), "prefix": prefix.get("prefix"),
                    "prefix_tokens": prefix.get("prefix_tokens"), "prefix_s": prefix.get("seconds")},
        "warmup_question": warmup_question,
        "results": results,
        "warmup_case": warmup_case,
        "cases": cases,
        "state_dir": getattr(advisor.chat_model, "state_dir", None),
    }


def complete(llama, case: Case, max_tokens: int, temperature: float) -> dict:
    """Stream one completion, stop after the chain's token count, time it as the chain does."""
    tokens = llama.tokenize(case.prompt.encode("utf-8"), special=True)  # as create_completion does
    # llama.cpp keeps the previous prompt's tokens and evaluates only what differs.
    reused = common_prefix(list(llama.input_ids), tokens[:-1])
    parts: list[str] = []
    first = last = None
    started = time.perf_counter()
    stream = llama.create_completion(prompt=case.prompt, max_tokens=max_tokens,
                                     temperature=temperature, stop=case.stop or None, stream=True)
    for part in stream:
        text = part["choices"][0].get("text") or ""
        if not text:
            continue
        last = time.perf_counter()
        if first is None:
            first = last
        parts.append(text)
        if len(parts) >= case.pieces:
            break  # where the chain stopped reading
    stream.close()
    ended = time.perf_counter()
    rate = decode_rate(len(parts), first, last)
    return {
        "first_token_s": round((first or ended) - started, 3),
        "decode_tokens_per_s": round(rate, 2) if rate else None,
        "total_s": round(ended - started, 3),
        "prompt_tokens": len(tokens),
        "prompt_tokens_reused": reused,
        "generated_tokens": len(parts),
        "text": "".join(parts),
    }


def run_raw(settings, warmup_case: Case, cases: list[Case], prefix_tokens: int = 0) -> dict:
    """One round: load ``llama_cpp.Llama`` as the advisor does, answer the cases warm,
    free it.

    ``prefix_tokens``: how many leading prompt tokens the advisor's ``warm_up()`` cached.
    """
    from llama_cpp import Llama

    started = time.perf_counter()
    llama = Llama(
        model_path=str(settings.model_path),
        n_ctx=settings.context_size,
        n_threads=settings.threads,
        n_threads_batch=settings.threads,
        n_batch=512,
        seed=0,
        use_mmap=settings.model_mmap,  # as the advisor loads it
        verbose=False,
    )
    load_s = time.perf_counter() - started
    try:
        if warmup_case.runnable:
            if prefix_tokens:  # the advisor's warm_up(): the fixed prefix alone, evaluated
                llama.eval(llama.tokenize(warmup_case.prompt.encode("utf-8"), special=True)[:prefix_tokens])
            complete(llama, warmup_case, settings.max_answer_tokens, settings.temperature)
        results = [complete(llama, c, settings.max_answer_tokens, settings.temperature)
                   if c.runnable else None for c in cases]
        rss_loaded = rss_mb()  # this process with the raw model in use, no advisor model
    finally:
        del llama
        gc.collect()
    return {"load_s": round(load_s, 2), "results": results, "rss_mb_loaded": rss_loaded}


# The best of the rounds, per measure: (key, the better of two values).
BEST = {"first_token_s": min, "total_s": min, "retrieval_s": min, "decode_tokens_per_s": max}


def best_of(rounds: list[dict | None]) -> dict | None:
    """One side's result for a question over the rounds: each timing its best, every
    other field as in the first round."""
    measured = [r for r in rounds if r is not None]
    if not measured:
        return None
    best = dict(measured[0])
    for key, pick in BEST.items():
        values = [r[key] for r in measured if r.get(key) is not None]
        if values:
            best[key] = pick(values)
    best["rounds"] = len(measured)
    return best


def compare(questions: list[str], chain_rounds: list[dict], raw_rounds: list[dict]) -> list[dict]:
    """One row per question: both sides' best of the rounds, the decode ratio of the
    two, and whether every raw round wrote the chain's answer."""
    cases: list[Case] = chain_rounds[0]["cases"]
    rows = []
    for i, question in enumerate(questions):
        chain = best_of([r["results"][i] for r in chain_rounds])
        raws = [r["results"][i] for r in raw_rounds]
        raw = best_of(raws)
        row = {"question": question, "chain": chain, "raw": None, "decode_ratio": None, "same_text": None}
        if raw is not None:
            prefill = cases[i].prefill
            row["raw"] = {**{k: v for k, v in raw.items() if k != "text"}, "answer": prefill + raw["text"]}
            row["decode_ratio"] = _round(ratio(chain["decode_tokens_per_s"], raw["decode_tokens_per_s"]), 4)
            row["same_text"] = all(
                same_text(c["results"][i]["answer"], prefill, r["text"])
                for c in chain_rounds for r in raws if r is not None
            )
        rows.append(row)
    return rows


def round_timings(side_rounds: list[dict]) -> list[list[dict | None]]:
    """Every round's timings, per question (for the JSON: how much the rounds differed)."""
    keys = ("first_token_s", "decode_tokens_per_s", "total_s")
    return [[{k: r[k] for k in keys} if r else None for r in rnd["results"]] for rnd in side_rounds]


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
