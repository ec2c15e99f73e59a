"""One benchmark run: every measurement in turn, in one temporary data folder.

The order keeps the measurements from disturbing each other: the index first (it makes
the data folder the rest use), then retrieval, then rounds of the warm chain and the raw
model, alternating (the advisor is freed before the raw model loads, so the two models
are never both in memory), then the one-off processes, with nothing else running in
this process meanwhile.
"""

from __future__ import annotations

import gc
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bench import diagnosis, followup, index_build, machine, oneoff, raw_vs_chain, repeat, retrieval
from bench.machine import OtherLoad
from bench.report import summarize, target_checks

ONEOFF_QUESTIONS = 3


@dataclass
class Options:
    questions: int = len(raw_vs_chain.QUESTIONS)
    skip_raw: bool = False
    skip_oneoff: bool = False
    skip_index: bool = False
    rounds: int = 2
    skip_followup: bool = False


def run(options: Options, log: Callable[[str], None] = lambda _: None) -> dict:
    """Run the benchmark and return its results (see ``bench.report`` for the summary)."""
    from advisor.container import build_advisor
    from advisor.evaluation import load_devset
    from advisor.settings import PROJECT_ROOT, Settings

    started = time.perf_counter()
    questions = raw_vs_chain.QUESTIONS[: options.questions]
    data_dir = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    # The chain is timed on the model's own answers: the cache has its own measurement.
    settings = Settings(data_dir=data_dir, answer_cache=False)
    notes: list[str] = []
    # The share of all cores other processes used during each measurement.
    others: dict = {"chain": [], "raw": []}
    results: dict = {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine.facts(settings),
        "options": vars(options),
    }
    try:
        log("index: building a fresh index in a temporary data folder")
        with OtherLoad() as load:
            index = index_build.measure(settings)
        others["index"] = load.share
        if options.skip_index:
            notes.append("index build: skipped (--skip-index); the index was still built, untimed")
        else:
            results["index"] = index
        gc.collect()

        advisor = build_advisor(settings)  # retrieval, then the first chain round
        devset = [item.question for item in load_devset()]
        log(f"retrieval: {len(devset)} development-set questions")
        with OtherLoad() as load:
            results["retrieval"] = retrieval.measure(advisor, devset)
        others["retrieval"] = load.share

        chain_rounds, raw_rounds, rss = [], [], []
        for n in range(1, options.rounds + 1):
            advisor = advisor or build_advisor(settings)
            log(f"round {n}/{options.rounds}, chain: loading the model, warm-up, "
                f"{len(questions)} question(s)")
            with OtherLoad() as load:
                chain_rounds.append(raw_vs_chain.run_chain(advisor, questions))
            others["chain"].append(load.share)
            if n == 1 and not options.skip_followup:
                log(f"follow-ups: {len(followup.PAIRS)} pairs, each as a follow-up and standalone")
                with OtherLoad() as load:
                    results["followup"] = followup.measure(advisor)
                others["followup"] = load.share
            if n == 1:
                log(f"repeats: {len(repeat.REPEATS)} questions asked twice, the second from the answer cache")
                cached = build_advisor(settings.model_copy(update={"answer_cache": True}),
                                       chat_model=advisor.chat_model, embeddings=advisor.knowledge.embeddings)
                with OtherLoad() as load:
                    results["repeat"] = repeat.measure(cached)
                others["repeat"] = load.share
                cached = None
                from advisor.evaluation import load_profiles

                profiles = diagnosis.sample(load_profiles())
                log(f"diagnosis: {len(profiles)} profiles, one per language and stage, read by the model")
                with OtherLoad() as load:
                    results["diagnosis"] = diagnosis.measure(advisor, profiles)
                others["diagnosis"] = load.share
            rss_loaded = machine.rss_mb()
            advisor = None  # the chat model with it: the raw model must not share memory with it
            gc.collect()
            # This process's RSS with the advisor's model loaded, after freeing it, and
            # with the raw model loaded: the models are never in memory together.
            rss.append({"chain_loaded": rss_loaded, "after_free": machine.rss_mb()})
            if not options.skip_raw:
                log(f"round {n}/{options.rounds}, raw: loading llama_cpp.Llama, warm-up, "
                    f"{len(questions)} question(s)")
                first = chain_rounds[0]
                with OtherLoad() as load:
                    raw_rounds.append(raw_vs_chain.run_raw(
                        settings, first["warmup_case"], first["cases"],
                        int(first["warm_up"].get("prefix_tokens") or 0)))
                others["raw"].append(load.share)
                rss[-1]["raw_loaded"] = raw_rounds[-1]["rss_mb_loaded"]
        if options.skip_raw:
            notes.append("raw llama-cpp-python: skipped (--skip-raw)")
        chain = chain_rounds[0]
        results["bench_rss_mb"] = rss
        results["raw_vs_chain"] = {
            "warmup_question": chain["warmup_question"],
            "rounds": options.rounds,
            "chain_warm_up": [r["warm_up"] for r in chain_rounds],
            "raw_load_s": [r["load_s"] for r in raw_rounds],
            "questions": raw_vs_chain.compare(questions, chain_rounds, raw_rounds),
            "round_timings": {"chain": raw_vs_chain.round_timings(chain_rounds),
                              "raw": raw_vs_chain.round_timings(raw_rounds)},
        }
        declined = [c.question for c in chain["cases"] if not c.runnable]
        if declined:
            notes.append(f"declined by retrieval (no model call, not compared): {declined}")

        if options.skip_oneoff:
            notes.append("one-off advisor ask: skipped (--skip-oneoff)")
        else:
            picked = questions[:ONEOFF_QUESTIONS]
            log(f"one-off: {len(picked)} fresh 'advisor ask' process(es)")
            with OtherLoad() as load:
                results["oneoff"] = oneoff.measure(settings, picked, PROJECT_ROOT, chain["state_dir"])
            others["oneoff"] = load.share
            if any(r["prefix"] == oneoff.PREFIX_EVALUATED for r in results["oneoff"]["runs"]):
                notes.append("one-off: a process found no saved prompt prefix and evaluated it "
                             "(as the first ask on a machine does, or after another process "
                             "replaced the saved state); the target counts the other runs")
            if any(r["start_to_first_token_s"] is None for r in results["oneoff"]["runs"]):
                notes.append("one-off: some answers had no timings.first_token_unix "
                             "(declined, failed, or an advisor without it)")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    results["machine"]["load_average_end"] = machine.load_average()
    results["machine"]["other_cpu_share"] = others
    results["duration_s"] = round(time.perf_counter() - started, 1)
    results["summary"] = summarize(results)
    results["targets"] = target_checks(results["summary"], (results.get("machine") or {}).get("cpu_flags"))
    results["notes"] = notes
    return results
