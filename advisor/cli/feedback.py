"""``advisor feedback``: the 👍/👎 given on answers, and the 👎 ones as a development set.

Only the feedback database in the data directory is read: neither the model nor the
index is loaded, so these commands are instant.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from advisor.cli.options import settings_options


def _store(settings):
    from advisor.conversation.feedback import FeedbackStore

    return FeedbackStore(settings.data_dir / "feedback.sqlite")


@click.group()
def feedback() -> None:
    """The 👍/👎 given on answers: list them, or export the 👎 ones for `advisor eval`."""


@feedback.command("list")
@click.option("--rating", type=click.Choice(["up", "down"]), default=None, help="Only 👍 (up) or 👎 (down).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list of every entry, with its sources.")
@settings_options
def feedback_list(rating: str | None, as_json: bool, settings) -> None:
    """List the rated answers, oldest first."""
    entries = _store(settings).entries(rating)
    if as_json:
        click.echo(json.dumps([e.to_dict() for e in entries], ensure_ascii=False))
        return
    if not entries:
        which = {"up": "rated 👍 ", "down": "rated 👎 "}.get(rating or "", "rated ")
        click.echo(f"No answers {which}yet.")
        return
    _print_table(entries)


def _print_table(entries) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # rich measures CJK characters as two columns wide, so the columns stay aligned.
    table = Table(show_lines=False)
    for heading in ("id", "date (UTC)", "rating", "question", "note"):
        table.add_column(heading, justify="right" if heading == "id" else "left",
                         overflow="fold", no_wrap=heading in ("id", "date (UTC)", "rating"))
    for entry in entries:
        table.add_row(str(entry.id), entry.created.strftime("%Y-%m-%d %H:%M"),
                      "👍 up" if entry.rating == "up" else "👎 down",
                      # Text: what a user typed is shown as is, never read as rich markup.
                      Text(" ".join(entry.question.split())), Text(" ".join(entry.note.split())))
    Console(highlight=False, soft_wrap=False).print(table)


@feedback.command("export")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The YAML file to write, in the development-set format.")
@settings_options
def feedback_export(out: Path, settings) -> None:
    """Write the 👎 answers as development-set questions, to score with
    `advisor eval --devset FILE` once their facts are filled in."""
    written = _store(settings).export_devset(out)
    if not written:
        click.echo(f"No answers rated 👎 yet; nothing written to {out}.")
        return
    click.echo(f"Wrote {written} question(s) rated 👎 to {out}. Add the facts a correct answer "
               f"needs to each, then run: advisor eval --devset {out}")
