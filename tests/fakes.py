"""Fakes for the unit suite: real subclasses of LangChain's interfaces, no MagicMock.

``ScriptedChatModel`` replies from a script and records what it was asked, streaming
like :class:`advisor.llm.llamacpp.LlamaCppChatModel` (text pieces, then an empty chunk
carrying timings and usage); of the abilities in :mod:`advisor.llm.protocol` it counts
tokens and keeps the defaults for the rest. ``CountingEmbeddings`` is langchain_core's
deterministic fake embedding with a ``name`` (the index manifest records it) and a log
of the texts it embedded, so tests can see which passages were re-embedded.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any, ClassVar

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field, PrivateAttr

from advisor.llm.protocol import ChatModelAbilities
from advisor.llm.timing import Stopwatch

# One CJK character, or a run of other non-space characters with its trailing spaces,
# or a run of spaces: every character falls in exactly one piece, so the pieces join
# back to the reply.
_PIECE = re.compile(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+")


def pieces(text: str) -> list[str]:
    """The reply as the model streams it: Chinese per character, other text per word."""
    return _PIECE.findall(text)


class ScriptedChatModel(ChatModelAbilities, BaseChatModel):
    """A chat model whose replies are given in advance, one per call.

    ``history`` holds the messages of every call, in order. When the script runs out
    the model raises, so an unexpected call fails the test that made it.
    """

    replies: list[str] = Field(default_factory=list)
    delay_s: float = 0.0
    model_name: str = "scripted-test-model"
    history: list[list[BaseMessage]] = Field(default_factory=list)

    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    counts_tokens: ClassVar[bool] = True

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def display_name(self) -> str:
        return self.model_name

    def enqueue(self, *texts: str) -> "ScriptedChatModel":
        """Add replies to the end of the script."""
        with self._lock:
            self.replies.extend(texts)
        return self

    def count_tokens(self, text: str) -> int:
        """A rough token count (two characters a token), deterministic for budget tests."""
        return len(text) // 2 + 1

    def _next_reply(self, messages: list[BaseMessage]) -> str:
        with self._lock:
            self.history.append(list(messages))
            if not self.replies:
                raise RuntimeError("ScriptedChatModel was called with no reply left in its script")
            return self.replies.pop(0)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        reply = self._next_reply(messages)
        watch = Stopwatch()
        parts = pieces(reply)
        for part in parts:
            if self.delay_s:
                time.sleep(self.delay_s)
            watch.token()
            if run_manager:
                run_manager.on_llm_new_token(part)
            yield ChatGenerationChunk(message=AIMessageChunk(content=part))
        watch.stop()
        prompt_tokens = sum(self.count_tokens(str(m.content)) for m in messages)
        timings = watch.model_timings(prompt_tokens)
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata={
                    "input_tokens": prompt_tokens,
                    "output_tokens": len(parts),
                    "total_tokens": prompt_tokens + len(parts),
                },
                response_metadata={"model_name": self.model_name, "finish_reason": "stop",
                                   "timings": timings},
            )
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        chunks = list(self._stream(messages, stop=stop, run_manager=run_manager, **kwargs))
        last = chunks[-1].message
        message = AIMessage(
            content="".join(c.text for c in chunks),
            usage_metadata=last.usage_metadata,
            response_metadata=last.response_metadata,
        )
        return ChatResult(generations=[ChatGeneration(message=message)])


class CountingEmbeddings(DeterministicFakeEmbedding):
    """Deterministic fake vectors, a ``name`` for the index manifest, and a log of texts."""

    name: str = "fake-deterministic-32"
    embedded: list[str] = Field(default_factory=list)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return super().embed_documents(texts)
