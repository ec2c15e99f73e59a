"""What the commands share: the one place a user's error becomes ``Error: …``, the
advisor factory, and getting the index and the model ready.

The factory is click's context object: ``advisor`` builds the advisor from the settings
the flags give (:func:`assemble_advisor`); a test passes its own with
``CliRunner().invoke(cli, args, obj=factory)``. Commands receive it with
``@click.pass_obj``.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from advisor.cli.render import progress_bar
from advisor.errors import AdvisorError

USER_ERROR = 2
"""The exit status of a problem the user can fix, as for a bad flag (click's usage error)."""
INTERRUPTED = 130
"""The shell's exit status for a command stopped by Ctrl-C."""


class AdvisorCommands(click.Group):
    """The ``advisor`` command group. An :class:`AdvisorError` raised by any of its
    commands ends the command with one line on stderr and exit status 2, never a
    traceback; anything else is a defect and keeps its traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AdvisorError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(USER_ERROR)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(INTERRUPTED)


def assemble_advisor(settings):
    """The advisor for ``settings``: the composition root, imported only by the commands
    that need the advisor, so ``--help`` and ``feedback`` stay instant."""
    from advisor.container import build_advisor

    return build_advisor(settings)


def batch_item(compute: Callable[[], dict], **given) -> dict:
    """One line of a batch: ``compute()``'s result, or what was ``given`` with the reason
    it failed, so that one bad line never aborts the others. A defect (not an
    :class:`AdvisorError`) is named by its type, as a bug to report."""
    try:
        return compute()
    except AdvisorError as exc:
        return {**given, "error": str(exc)}
    except Exception as exc:  # one bad line must not abort the batch
        return {**given, "error": f"{type(exc).__name__}: {exc}"}


def prepare_index(advisor, quiet: bool = False) -> None:
    """Bring the index in line with the documents and the embedding model, then read the
    build in service once, rebuilding it if its files are damaged."""
    with progress_bar("Building the index", quiet=quiet) as report:
        advisor.rebuild_index(progress=report)
        advisor.ensure_index(progress=report)


def warm_up(advisor) -> None:
    """Have the model ready before the first question, so the first answer is as fast as
    the rest. Says why when it takes a while (the first start on a machine)."""
    click.echo("Loading the model (the first start on a machine also reads the fixed start "
               "of the prompt once and saves it)...", err=True)
    advisor.warm_up()
