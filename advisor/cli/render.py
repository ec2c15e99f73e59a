"""Rendering answers and progress in the terminal."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import click


def print_sources(sources, out=None) -> None:
    """The passages under an answer: label, score, and the start of the original text."""
    if not sources:
        return
    click.echo("\nSources:", file=out)
    for source in sources:
        mark = "*" if source.cited else " "
        snippet = " ".join(source.text.split())
        click.echo(f" {mark} {source.label} (score {source.score:.3f})", file=out)
        click.echo(textwrap.indent(textwrap.shorten(snippet, 160, placeholder=" …"), "     "), file=out)


UNDERSTOOD = {"zh": "理解为", "en": "Understood as"}
CACHED = {"zh": "之前问过:保存的回答", "en": "asked before: the saved answer"}
SUGGESTIONS = {"zh": "接下来可以问", "en": "You could ask next"}


def print_answer_stream(events: Iterable):
    """Print what a follow-up was understood as, the tokens as they arrive, then the
    sources (cited ones marked with *) and the suggested next questions; returns the
    answer."""
    from advisor.retrieval.query import detect_language

    answer = None
    for event in events:
        if event.kind == "understood":
            click.echo(f"({UNDERSTOOD[detect_language(event.text)]}: {event.text})")
        elif event.kind == "token":
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif event.kind == "retract":
            click.echo(f"\n[withdrawn] {event.text}")
        elif event.kind == "done":
            answer = event.answer
    click.echo()
    if answer is not None:
        print_sources(answer.sources)
        t = answer.timings
        lang = "zh" if answer.language == "zh" else "en"
        if answer.cached:
            click.echo(f"({CACHED[lang]}, {t['total_s']:.2f} s)", err=True)
        else:
            speed = f", {t['decode_tokens_per_s']} tok/s" if t.get("decode_tokens_per_s") else ""
            click.echo(f"({t['first_token_s']:.1f} s to first token, {t['total_s']:.1f} s total{speed})", err=True)
        if answer.suggestions:
            click.echo(f"\n{SUGGESTIONS[lang]}:")
            for suggestion in answer.suggestions:
                click.echo(f"  - {suggestion}")
    return answer


@contextmanager
def progress_bar(title: str, quiet: bool = False) -> Iterator:
    """A progress callback ``(stage, done, total)`` drawing a bar on stderr."""
    if quiet or not sys.stderr.isatty():
        last: dict[str, int] = {}

        def plain(stage: str, done: int, total: int) -> None:
            # Without a terminal, print a line per stage start and end, not a bar.
            if not quiet and (stage not in last or done >= total):
                click.echo(f"{title}: {stage} {done}/{total}", err=True)
            last[stage] = done

        yield plain
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), transient=True) as bar:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"{title}: {stage}", total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield report
