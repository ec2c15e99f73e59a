"""``python -m bench``: run the benchmark, print the table (or JSON), write the JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from advisor.settings import PROJECT_ROOT
from bench.raw_vs_chain import QUESTIONS
from bench.runner import Options

DEFAULT_OUT = PROJECT_ROOT / "test-artifacts" / "bench.json"  # gitignored


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--questions", "-n", type=click.IntRange(1, len(QUESTIONS)), default=len(QUESTIONS),
              show_default=True, help="How many of the built-in questions to time (raw vs chain; "
              "the first three also run as one-off processes).")
@click.option("--rounds", type=click.IntRange(1, 10), default=2, show_default=True,
              help="Alternating rounds of chain and raw; each keeps its best time of them.")
@click.option("--skip-raw", is_flag=True, help="Do not run raw llama-cpp-python (chain only).")
@click.option("--skip-oneoff", is_flag=True, help="Do not spawn one-off 'advisor ask' processes.")
@click.option("--skip-index", is_flag=True, help="Do not report index build times.")
@click.option("--skip-followup", is_flag=True, help="Do not time follow-ups against their standalone form.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the tables.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_OUT,
              show_default=True, help="Where to write the JSON results.")
def main(questions: int, rounds: int, skip_raw: bool, skip_oneoff: bool, skip_index: bool,
         skip_followup: bool, as_json: bool, out: Path) -> None:
    """Benchmark the advisor on this machine: raw llama.cpp vs the chain, retrieval,
    index build and a one-off 'advisor ask', against the targets."""
    from bench.report import render
    from bench.runner import run

    results = run(Options(questions, skip_raw, skip_oneoff, skip_index, rounds, skip_followup),
                  log=lambda line: click.echo(f"bench: {line}", err=True))
    text = json.dumps(results, ensure_ascii=False, indent=2)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False))
    else:
        from rich.console import Console

        console = Console()
        if not console.is_terminal:  # piped or logged: rich would wrap at 80 columns
            console = Console(width=150)
        render(results, console)
        click.echo(f"\nResults written to {out}", err=True)


if __name__ == "__main__":
    main()
