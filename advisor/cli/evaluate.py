"""``advisor eval``: score the advisor on the development sets, to compare models and settings.

Progress goes to stderr, one line per item, so ``--json`` leaves stdout a single JSON
object. The exit status is 0 whatever the scores: this command measures, the
integration suite holds the floors.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from advisor.cli.common import prepare_index
from advisor.cli.options import settings_options
from advisor.errors import AdvisorError
from advisor.evaluation import DEFAULT_CONVERSATIONS, DEFAULT_DEVSET, DEFAULT_PAIRS, DEFAULT_PROFILES


def _progress(kind: str, total: int):
    """An ``on_result`` callback printing ``[n/total] ok|BAD set id seconds errors`` to stderr."""
    done = 0

    def show(result) -> None:
        nonlocal done
        done += 1
        seconds = result.total_s if kind == "devset" else result.seconds
        problems = result.reasons if kind == "convers." else result.errors
        errors = f"  {'; '.join(problems)}" if problems else ""
        item_id = {"devset": lambda: result.item.id, "profiles": lambda: result.profile.id,
                   "convers.": lambda: result.case.id}[kind]()
        click.echo(f"[{done}/{total}] {'ok ' if result.ok else 'BAD'} {kind:8s} {item_id:36s} "
                   f"{seconds:6.1f} s{errors}", err=True)

    return show


def _rate(value) -> str:
    return "-" if value is None else f"{value:.3f}"


QUESTION_METRICS = (
    ("retrieval hit@1", "hit@1"), ("retrieval hit@3", "hit@3"), ("  hit@3, zh", "hit@3_zh"),
    ("  hit@3, en", "hit@3_en"), ("stage in top 3", "stage_hit@3"), ("fact recall", "fact_recall"), ("cited stage", "cited_stage_accuracy"),
    ("answer language", "language_accuracy"), ("refusal", "refusal_accuracy"),
    ("covered but declined", "wrongly_declined"), ("off-topic declined", "off_topic_declined"),
    ("answers: figure not in passages", "answers_with_ungrounded_figures"),
)


def _shown(value) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, int) else _rate(value)


def _questions_table(summary: dict, splits: dict):
    """The question set's quality: the sealed part (the headline), the tuning part, all."""
    from rich.table import Table

    table = Table(title="Questions (the sealed part is the headline; the tuning part is in-sample)")
    parts = [(f"{split} ({splits[split]['questions']})", splits[split]) for split in ("sealed", "tuning")
             if split in splits] + [(f"all ({summary['questions']})", summary)]
    table.add_column("metric")
    for heading, _ in parts:
        table.add_column(heading, justify="right")
    for name, key in QUESTION_METRICS:
        table.add_row(name, *(_shown(part.get(key)) for _, part in parts))
    return table


def _split_table(title: str, summary: dict, headings: tuple[str, ...], cells):
    """One row per part of a set, sealed first: ``cells(part)`` gives the row's values."""
    from rich.table import Table

    table = Table(title=f"{title} (the sealed part is the headline)")
    for heading in ("split", *headings):
        table.add_column(heading, justify="left" if heading == "split" else "right")
    for split in ("sealed", "tuning"):
        table.add_row(split, *cells(summary.get(split) or {}))
    return table


def _print_report(report: dict) -> None:
    """The report as three parts: quality, timing, and the items that failed."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    devset = (report["devset"] or {}).get("summary", {})
    profiles = (report["profiles"] or {}).get("summary", {})
    console.print(f"Model {report['model']}, {report['threads']} threads, "
                  f"{devset.get('questions', 0)} questions, {profiles.get('profiles', 0)} profiles, "
                  f"{report['seconds']:.1f} s")

    if devset:
        console.print(_questions_table(devset, (report["devset"] or {}).get("splits") or {}))
    if profiles:
        splits = (report["profiles"] or {}).get("splits") or {}
        console.print(_split_table(
            "Diagnosis from free text", splits,
            ("profiles", "right", "zh", "en", ">1 off", "sure+wrong", "p50 s"),
            lambda part: (str(part.get("profiles", 0)), _rate(part.get("diagnosis_accuracy")),
                          _rate(part.get("diagnosis_accuracy_zh")), _rate(part.get("diagnosis_accuracy_en")),
                          str(part.get("far_misses", "-")), str(part.get("confident_wrong", "-")),
                          str(part.get("seconds_p50", "-")))))
        console.print("  right: the stage is an acceptable one; >1 off: further than one stage from it; "
                      "sure+wrong: a wrong stage at confidence >= 0.8")
        reliability = Table(title="Diagnosis reliability (right, by confidence)")
        reliability.add_column("confidence")
        for split in ("sealed", "tuning"):
            reliability.add_column(split, justify="right")
        bands = [row["band"] for row in profiles.get("reliability", [])]
        for index, band in enumerate(bands):
            cells = []
            for split in ("sealed", "tuning"):
                row = ((splits.get(split) or {}).get("reliability") or [{}] * len(bands))[index]
                cells.append(f"{_rate(row.get('accuracy'))} of {row.get('profiles', 0)}")
            reliability.add_row(band, *cells)
        console.print(reliability)
    conversations = (report.get("conversations") or {}).get("summary")
    if conversations:
        console.print(_split_table(
            "Conversations: final turns correct", conversations, ("conversations", "final turn ok"),
            lambda part: (str(part.get("conversations", 0)), _rate(part.get("final_turn_ok")))))
    cache = (report.get("cache") or {}).get("summary")
    if cache:
        console.print(_split_table(
            "Answer cache: repeated questions", cache, ("repeats found", "wrong repeats"),
            lambda part: (f"{part.get('repeats_found', 0)}/{part.get('repeats', 0)}",
                          f"{part.get('wrong_repeats', 0)}/{part.get('different', 0)}")))

    timing = Table(title="Timing")
    for heading in ("", "p50", "p90"):
        timing.add_column(heading, justify="right" if heading else "left")
    for name, summary, key in (("first token (s)", devset, "first_token_s"), ("answer total (s)", devset, "total_s"),
                               ("retrieval (ms)", devset, "retrieval_ms"), ("profile diagnosis (s)", profiles, "seconds")):
        if f"{key}_p50" in summary:
            timing.add_row(name, str(summary[f"{key}_p50"]), str(summary[f"{key}_p90"]))
    console.print(timing)

    failed = [(kind, item) for kind in ("devset", "profiles", "conversations", "cache")
              for item in (report.get(kind) or {}).get("items", []) if not item["ok"]]
    if failed:
        console.print(f"Failed ({len(failed)}):")
        for kind, item in failed:
            problems = item.get("errors") or item.get("reasons") or []
            split = f"[{item['split']}] " if item.get("split") else ""
            console.print(f"  {kind:8s} {split}{item['id']}: {'; '.join(problems)}", markup=False)
    else:
        console.print("No item failed.")


@click.command("eval")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--only", type=click.Choice(["devset", "profiles", "conversations", "cache", "all"]), default="all",
              show_default=True, help="Which development set to run.")
@click.option("--split", type=click.Choice(["sealed", "tuning", "all"]), default="all", show_default=True,
              help="Which part of the question and profile sets to run: tune on 'tuning', report 'sealed'.")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Only the first N items of each set (a quick check).")
@click.option("--devset", "devset_path", type=click.Path(path_type=Path), default=DEFAULT_DEVSET,
              show_default="the packaged development set", help="The question set (YAML).")
@click.option("--profiles", "profiles_path", type=click.Path(path_type=Path), default=DEFAULT_PROFILES,
              show_default="the packaged development profiles", help="The diagnosis profiles (YAML).")
@click.option("--conversations", "conversations_path", type=click.Path(path_type=Path),
              default=DEFAULT_CONVERSATIONS, show_default="the packaged conversation set",
              help="The multi-turn conversations (YAML).")
@click.option("--cache-pairs", "pairs_path", type=click.Path(path_type=Path), default=DEFAULT_PAIRS,
              show_default="the packaged question pairs", help="The answer cache's question pairs (YAML).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also write the JSON report to FILE.")
@settings_options
@click.pass_obj
def evaluate(make_advisor, as_json: bool, only: str, split: str, limit: int | None, devset_path: Path, profiles_path: Path,
             conversations_path: Path, pairs_path: Path, out: Path | None, settings) -> None:
    """Score the advisor on the development sets: retrieval, facts, citations, refusals,
    diagnosis, repeated questions, and timings. Use --model to compare GGUF files in models/.

    The answer cache is off while the sets run: every answer is the model's own."""
    from advisor.conversation.evalset import load_conversations, run_conversations, summarize_conversations
    from advisor.answering.cache_pairs import load_pairs, run_pairs, summarize_pairs
    from advisor.evaluation import build_report, load_devset, load_profiles, run_devset, run_profiles

    if out is not None and not out.parent.is_dir():  # found now, not after an hour's run
        raise AdvisorError(f"cannot write {out}: {out.parent} is not a folder.")
    # Read the sets before the model loads, so a bad path fails at once.
    items = None
    if only in ("devset", "all"):
        items = [i for i in load_devset(devset_path) if split in ("all", i.split)][:limit]
    profiles = ([p for p in load_profiles(profiles_path) if split in ("all", p.split)][:limit]
                if only in ("profiles", "all") else None)
    cases = load_conversations(conversations_path)[:limit] if only in ("conversations", "all") else None
    pairs = load_pairs(pairs_path)[:limit] if only in ("cache", "all") else None
    advisor = make_advisor(settings.model_copy(update={"answer_cache": False}))
    prepare_index(advisor)
    started = time.perf_counter()
    devset_results = None if items is None else run_devset(advisor, items, _progress("devset", len(items)))
    profile_results = None if profiles is None else run_profiles(
        advisor, profiles, _progress("profiles", len(profiles)))
    conversation_results = None if cases is None else run_conversations(
        advisor, cases, _progress("convers.", len(cases)))
    report = build_report(
        devset_results, profile_results,
        model=settings.model_path.name, model_path=str(settings.model_path), threads=settings.threads,
        context_size=settings.context_size, temperature=settings.temperature, top_k=settings.top_k,
        embedding_backend=settings.embedding_backend,
        devset_file=None if items is None else str(devset_path),
        profiles_file=None if profiles is None else str(profiles_path),
        limit=limit, seconds=round(time.perf_counter() - started, 1),
    )
    report["conversations"] = None if conversation_results is None else {
        "file": str(conversations_path), "summary": summarize_conversations(conversation_results),
        "items": [r.to_dict() for r in conversation_results]}
    if pairs is not None:
        from advisor.answering.cache import AnswerCache

        # The cache's own rule on each pair; nothing is stored.
        rule = AnswerCache(settings.answer_cache_path, advisor.knowledge.embeddings, edition="")
        pair_results = run_pairs(rule, pairs, settings.max_question_chars)
        report["cache"] = {"file": str(pairs_path), "similarity": rule.similarity,
                           "summary": summarize_pairs(pair_results),
                           "items": [r.to_dict() for r in pair_results]}
    else:
        report["cache"] = None
    if out is not None:
        try:
            out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise AdvisorError(f"cannot write {out}: {exc}") from exc
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        _print_report(report)
        if out is not None:
            click.echo(f"Wrote {out}", err=True)
