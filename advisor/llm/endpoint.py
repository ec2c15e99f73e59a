"""The chat model on a server: any OpenAI-compatible chat endpoint (llama-cpp-python's or
llama.cpp's server, vLLM), behind LangChain's chat interface.

A company that outgrows one PC runs the model on a GPU server and points every advisor
at it. This is langchain-openai's client with four changes the advisor needs:

- Tokens are counted here, never with tiktoken: tiktoken downloads its vocabulary files
  from the internet on first use, and it counts OpenAI's tokens, not the served model's.
- Every streamed answer ends with timings (first token, tokens per second), like the
  in-process model's, so the chain and the benchmarks report the same numbers.
- ``response_format`` (the diagnosis asks for JSON constrained by a schema) goes to the
  server as it is written, not through the OpenAI SDK's structured-output parser.
- A server that cannot be reached, or refuses a request, is one clear error naming its
  URL (:class:`ChatServerUnavailable`), never a traceback.

It does not continue a written answer start (``supports_prefill``): a chat endpoint
always answers as a new assistant turn.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import httpx
import openai
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai.chat_models.base import BaseChatOpenAI
from pydantic import PrivateAttr

from advisor.llm.llamacpp import ModelNotAvailable
from advisor.llm.protocol import ChatModelAbilities
from advisor.llm.timing import Stopwatch

# Chinese, Japanese and Korean characters and their full-width punctuation. Measured with
# the default model's tokenizer (Qwen2.5) on the stage document: a CJK character is at
# most one token, and other text averages more than three characters a token, so this
# estimate is 1.2-1.4 times the true count: a prompt it admits always fits.
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
CHARS_PER_TOKEN = 3
MESSAGE_OVERHEAD_TOKENS = 8  # the chat template's role markers around each message


class ChatServerUnavailable(ModelNotAvailable):
    """The chat server did not answer or refused the request; the message names it."""


def estimate_tokens(text: str) -> int:
    """A count that is never below the tokens a usual tokenizer makes of ``text``."""
    cjk = len(_CJK.findall(text))
    return cjk + math.ceil((len(text) - cjk) / CHARS_PER_TOKEN)


class EndpointChatModel(ChatModelAbilities, BaseChatOpenAI):
    """A chat model served by an OpenAI-compatible server at ``base_url``.

    Give ``model`` the name the server serves, or leave it empty to use the first model
    the server lists (asked once, on the first request).
    """

    _model_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    # count_tokens is a safe estimate. supports_prefill stays False: the server answers
    # every request as a new assistant turn.
    counts_tokens: ClassVar[bool] = True

    @property
    def _llm_type(self) -> str:
        return "openai-compatible-endpoint"

    @property
    def endpoint(self) -> str:
        return str(self.openai_api_base or "")

    @property
    def display_name(self) -> str:
        """What answers name as their model: the served model, or the server if unnamed."""
        return self.model_name or f"the model at {self.endpoint}"

    # --- tokens, without tiktoken ----------------------------------------------------------
    def count_tokens(self, text: str) -> int:
        """A safe upper estimate of the tokens in ``text`` (see :func:`estimate_tokens`).

        The chain uses it to keep the prompt inside the context window; an estimate keeps
        asking the server out of every question.
        """
        return estimate_tokens(text)

    def get_num_tokens(self, text: str) -> int:
        return self.count_tokens(text)

    def get_num_tokens_from_messages(self, messages: list[BaseMessage], tools: Sequence | None = None,
                                     **kwargs: Any) -> int:
        return sum(self.count_tokens(str(m.content)) + MESSAGE_OVERHEAD_TOKENS for m in messages)

    def get_token_ids(self, text: str) -> list[int]:
        raise NotImplementedError("The served model's token ids are not known here; use count_tokens.")

    def _get_encoding_model(self):
        raise NotImplementedError("tiktoken is never used: it downloads its files from the internet.")

    # --- the server ------------------------------------------------------------------------
    def _unavailable(self, exc: Exception) -> ChatServerUnavailable:
        where = self.endpoint
        if isinstance(exc, openai.APIStatusError):
            detail = exc.message or str(exc)
            hint = {401: " Check chat_endpoint_api_key.", 403: " Check chat_endpoint_api_key.",
                    404: " Check chat_endpoint and chat_endpoint_model."}.get(exc.status_code, "")
            return ChatServerUnavailable(
                f"The chat server at {where} refused the request (HTTP {exc.status_code}): {detail}.{hint}")
        if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
            return ChatServerUnavailable(
                f"The chat server at {where} did not answer within {self.request_timeout} s. "
                "It may be busy or down; raise chat_endpoint_timeout or check the server.")
        reason = str(exc.__cause__ or exc) or type(exc).__name__
        return ChatServerUnavailable(
            f"The chat server at {where} did not answer: {reason}. Check that it is running "
            "and that chat_endpoint is its address.")

    def listed_models(self) -> list[str]:
        """The model names the server lists at ``/models`` (asks it every time)."""
        try:
            return [m.id for m in self.root_client.models.list()]
        except (openai.APIError, httpx.HTTPError) as exc:
            raise self._unavailable(exc) from exc

    def served_model(self, listed: list[str] | None = None) -> str:
        """The model name requests carry (asks the server once when none was given)."""
        with self._model_lock:
            if not self.model_name:
                listed = self.listed_models() if listed is None else listed
                if not listed:
                    raise ChatServerUnavailable(f"The chat server at {self.endpoint} serves no model.")
                self.model_name = listed[0]
            return self.model_name

    def warm_up(self) -> dict:
        """Check that the server answers, and which model it serves."""
        watch = Stopwatch()
        listed = self.listed_models()
        name = self.served_model(listed)
        report = {"prefix": "none", "server": self.endpoint, "model": name,
                  "seconds": watch.elapsed_s()}
        if listed and name not in listed:
            # llama.cpp's servers answer with their one model whatever the name; vLLM
            # refuses. Either way the user should know.
            report["warning"] = f"the server lists {', '.join(listed)}, not {name}"
        return report

    def _portable(self, kwargs: dict) -> dict:
        # The OpenAI SDK routes a request with response_format through its own
        # structured-output parser, which knows only OpenAI's formats. llama.cpp's servers
        # take {"type": "json_object", "schema": ...} as written, so it travels in the body.
        response_format = kwargs.pop("response_format", None)
        if response_format is not None:
            kwargs["extra_body"] = {**(self.extra_body or {}), **(kwargs.get("extra_body") or {}),
                                    "response_format": response_format}
        return kwargs

    # --- LangChain interface ----------------------------------------------------------------
    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        self.served_model()
        try:
            return super()._generate(messages, stop=stop, run_manager=run_manager, **self._portable(kwargs))
        except (openai.APIError, httpx.HTTPError) as exc:
            raise self._unavailable(exc) from exc

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any
                ) -> Iterator[ChatGenerationChunk]:
        self.served_model()
        watch = Stopwatch()
        usage: dict = {}
        try:
            for chunk in super()._stream(messages, stop=stop, run_manager=run_manager,
                                         **self._portable(kwargs)):
                if chunk.text:
                    watch.token()  # servers send one token a chunk
                if chunk.message.usage_metadata:
                    usage = dict(chunk.message.usage_metadata)
                yield chunk
        except (openai.APIError, httpx.HTTPError) as exc:
            raise self._unavailable(exc) from exc
        watch.stop()
        # Not every server reports usage while streaming: then prompt_tokens is left out.
        timings = watch.model_timings(usage.get("input_tokens"), usage.get("output_tokens"))
        yield ChatGenerationChunk(message=AIMessageChunk(content="", response_metadata={"timings": timings}))
