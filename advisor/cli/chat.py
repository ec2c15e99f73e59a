"""``advisor chat``: a conversation in the terminal, or scripted one message per line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from advisor.cli.common import prepare_index, warm_up
from advisor.cli.options import settings_options
from advisor.cli.render import print_answer_stream

EXIT_WORDS = {"exit", "quit", "/exit", "/quit", "退出"}
NEW_CONVERSATION_WORDS = {"/new", "新对话"}


@click.command()
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object per turn (the 'ask --json' shape plus 'turn' and "
                   "'resolved_question').")
@click.option("--save", "save_to", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the conversation (questions, answers, cited passages) to FILE.md at the end.")
@settings_options
@click.pass_obj
def chat(make_advisor, as_json: bool, save_to: Path | None, settings) -> None:
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
    advisor = make_advisor(settings)
    prepare_index(advisor, quiet=not interactive)
    if interactive:
        warm_up(advisor)
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
    # A message the advisor refuses is told and the conversation goes on; a problem with
    # the setup (a missing model, say) ends the command like any other.
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
