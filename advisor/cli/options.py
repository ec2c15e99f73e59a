"""CLI flags generated from :class:`advisor.settings.Settings`.

A flag, an environment variable and a config file can never disagree, because the
flags are made from the same fields, with the same descriptions, and are handed to the
same class. A flag the user did not give is simply not passed, so the environment and
the config file still apply.
"""

from __future__ import annotations

import functools
import typing
from pathlib import Path

import click

from advisor.settings import Settings

# Fields worth a flag on every command that builds the advisor.
FLAG_FIELDS = (
    "model",
    "threads",
    "context_size",
    "max_answer_tokens",
    "temperature",
    "data_dir",
    "models_dir",
    "top_k",
    "relevance_threshold",
    "embedding_backend",
    "embedding_model_path",
    "chat_endpoint",
    "chat_endpoint_model",
    "index_server",
    "answer_cache",
    "focused_passages",
)


def _click_type(annotation):
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Literal:
        return click.Choice([str(a) for a in typing.get_args(annotation)])
    if args and origin is not None:  # Optional[X] / X | None
        return _click_type(args[0])
    if annotation is Path:
        return click.Path(path_type=Path)
    return {int: int, float: float, bool: bool}.get(annotation, str)


def settings_options(func):
    """Add one ``--flag`` per settings field and pass a ``settings`` argument instead."""
    fields = Settings.model_fields

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        given = {name: kwargs.pop(name) for name in FLAG_FIELDS if name in kwargs}
        overrides = {k: v for k, v in given.items() if v is not None}
        try:
            kwargs["settings"] = Settings(**overrides)
        except Exception as exc:  # pydantic's ValidationError, or a bad config file
            raise click.UsageError(f"Invalid setting: {exc}") from exc
        return func(*args, **kwargs)

    for name in reversed(FLAG_FIELDS):
        field = fields[name]
        flag = "--" + name.replace("_", "-")
        help_text = f"{field.description} [env: ADVISOR_{name.upper()}]"
        wrapper = click.option(flag, name, type=_click_type(field.annotation), default=None,
                               help=help_text)(wrapper)
    return wrapper
