"""What the advisor asks of a chat model beyond LangChain's chat interface.

Every chat model the advisor talks to is a LangChain ``BaseChatModel``, and answers
through it alone. A few abilities go further: counting the model's tokens (so the prompt
fits the context window), keeping a prompt prefix evaluated, warming up before the first
question, continuing a written answer start, and the model's name in answers. The chat
models of this project (the in-process llama.cpp model, the model on an OpenAI-compatible
server, and the unit suite's scripted fake) declare them by subclassing
:class:`ChatModelAbilities`; each ability has a default that is right for a model without
it. Callers go through :func:`abilities_of`, which gives any other LangChain chat model
those defaults, so it still answers, only without the extras.
"""

from __future__ import annotations

from typing import ClassVar

from langchain_core.language_models import BaseChatModel


class ChatModelAbilities:
    """A mixin for a ``BaseChatModel``: the abilities the advisor uses, with their defaults.

    A subclass overrides what its model can do, and leaves the rest.
    """

    #: A trailing assistant message is continued, its text starting the answer, instead
    #: of being answered as a new turn. Small models keep to the answer's language far
    #: more reliably when the answer already starts in it. Default: no (a chat server
    #: always answers as a new assistant turn).
    supports_prefill: ClassVar[bool] = False

    #: :meth:`count_tokens` counts the tokens the model sees, or a safe upper estimate of
    #: them, so the chain can drop passages until the prompt fits the context window.
    #: Default: no, and every passage the retriever chose is sent.
    counts_tokens: ClassVar[bool] = False

    @property
    def display_name(self) -> str:
        """What answers name as their model. Default: the class's name."""
        return type(self).__name__

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for ``text``; only a model with ``counts_tokens`` can tell."""
        raise NotImplementedError(f"{type(self).__name__} cannot count its tokens (counts_tokens is False)")

    def keep_prefix(self, system_prompt: str) -> None:
        """Keep every prompt that opens with ``system_prompt`` fast, by holding its
        evaluated prefix. Default: nothing to do, for a model without a prompt cache."""

    def warm_up(self) -> dict:
        """Get ready for the first question and say how: ``prefix`` is where the kept
        prompt prefix came from ("none": no prompt cache), plus what the model adds.
        Default: ``{"prefix": "none"}``, for a model with nothing to prepare."""
        return {"prefix": "none"}


class _OtherChatModel(ChatModelAbilities):
    """Every default, for a LangChain chat model that declares no abilities."""

    def __init__(self, chat_model: BaseChatModel):
        self._chat_model = chat_model

    @property
    def display_name(self) -> str:
        # The name LangChain itself traces the model under (its ``model`` or
        # ``model_name`` field, unless the class says otherwise), else the class's.
        name = self._chat_model._get_ls_params().get("ls_model_name")
        return name or type(self._chat_model).__name__


def abilities_of(chat_model: BaseChatModel) -> ChatModelAbilities:
    """``chat_model``'s abilities: its own when it declares them, else the defaults."""
    if isinstance(chat_model, ChatModelAbilities):
        return chat_model
    return _OtherChatModel(chat_model)
