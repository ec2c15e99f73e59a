"""``python -m bench.llama_settings``: llama.cpp's batch sizes and flash attention, measured.

The advisor's prompts are short (a fixed start that is cached, then 300-700 new tokens
for the passages and the question), so what matters is how fast llama.cpp reads those
new tokens on this CPU. Each setting loads the model, reads the same fixed start once,
then for each question reads its new tokens (timed: prompt tokens per second) and writes
a few tokens (timed: decode tokens per second), as the chain does. The table says which
setting is fastest here; the CPU's model and flags are printed with it, since the answer
differs between AVX-512 and AVX2-only machines.
"""

from __future__ import annotations

import gc
import json
import time

import click

from bench import machine
from bench.stats import median

SETTINGS = (  # (flash attention, n_batch, n_ubatch)
    (False, 512, 512),
    (True, 512, 512),
    (False, 512, 256),
    (True, 512, 256),
    (False, 512, 128),
    (True, 512, 128),
)
QUESTIONS = ("阶段三需要多长时间?", "What KPIs should we track in stage 1?", "阶段四的企业文化有什么特点?",
             "How should leaders act in stage 2?")
DECODE_TOKENS = 24


def prompts(settings) -> tuple[str, list[str]]:
    """The fixed start and each question's whole prompt, as the chain builds them."""
    from advisor.container import build_advisor

    advisor = build_advisor(settings)
    advisor.ensure_index()
    model = advisor.chat_model
    whole = []
    for question in QUESTIONS:
        messages = advisor.chain.prompt_messages(question)
        payload = [{"role": "system" if m.type == "system" else "user", "content": str(m.content)}
                   for m in messages if m.type in ("system", "human")]
        whole.append(model._format(payload).prompt)
    fixed = model._format([{"role": "system", "content": advisor.chain.system_prompt}]).prompt
    return fixed, whole


def measure(settings, flash: bool, n_batch: int, n_ubatch: int, fixed: str, whole: list[str]) -> dict:
    from llama_cpp import Llama

    llama = Llama(model_path=str(settings.model_path), n_ctx=settings.context_size, n_threads=settings.threads,
                  n_threads_batch=settings.threads, n_batch=n_batch, n_ubatch=n_ubatch, flash_attn=flash,
                  use_mmap=False, verbose=False)
    prefix = llama.tokenize(fixed.encode(), special=True)
    prompt_rates, decode_rates = [], []
    for prompt in whole:
        tokens = llama.tokenize(prompt.encode(), special=True)
        shared = next((i for i, (a, b) in enumerate(zip(prefix, tokens)) if a != b), len(prefix))
        llama.reset()
        llama.eval(tokens[:shared])  # the cached fixed start, as in the chain
        started = time.perf_counter()
        llama.eval(tokens[shared:])
        read = time.perf_counter() - started
        prompt_rates.append((len(tokens) - shared) / read)
        started = time.perf_counter()
        for _ in range(DECODE_TOKENS):
            token = llama.sample(temp=0.0)
            llama.eval([token])
        decode_rates.append(DECODE_TOKENS / (time.perf_counter() - started))
    del llama
    gc.collect()
    return {"flash_attn": flash, "n_batch": n_batch, "n_ubatch": n_ubatch,
            "prompt_tokens_per_s": round(median(prompt_rates), 1),
            "decode_tokens_per_s": round(median(decode_rates), 2)}


@click.command()
@click.option("--rounds", type=click.IntRange(1, 5), default=2, show_default=True,
              help="Passes over all settings; each setting keeps its best pass.")
def main(rounds: int) -> None:
    """Time llama.cpp's prompt reading and decoding for each setting on this machine."""
    from advisor.settings import Settings

    settings = Settings()
    facts = machine.facts(settings)
    click.echo(f"CPU: {facts['cpu']}; flags: {' '.join(facts['cpu_flags'])}; "
               f"{settings.threads} threads; model {settings.model_path.name}")
    fixed, whole = prompts(settings)
    best: dict[tuple, dict] = {}
    for round_number in range(1, rounds + 1):
        for flash, n_batch, n_ubatch in SETTINGS:
            row = measure(settings, flash, n_batch, n_ubatch, fixed, whole)
            click.echo(f"round {round_number}: {json.dumps(row)}")  # as it comes: a run takes minutes
            key = (flash, n_batch, n_ubatch)
            if key not in best or row["prompt_tokens_per_s"] > best[key]["prompt_tokens_per_s"]:
                best[key] = row
    click.echo("best of each setting:")
    for row in sorted(best.values(), key=lambda r: -r["prompt_tokens_per_s"]):
        click.echo(json.dumps(row))


if __name__ == "__main__":
    main()
