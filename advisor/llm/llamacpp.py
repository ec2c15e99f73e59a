"""The in-process chat model: a GGUF file run by llama.cpp, behind LangChain's chat interface.

Why our own subclass rather than langchain-community's ``ChatLlamaCpp``: that package is
being sunset, its structured output fails with llama-cpp-python 0.3.x, and we need three
things it does not give: one lock around the one (not thread-safe) ``Llama`` object,
timings for every answer (first token, tokens per second), and a token counter so the
prompt never overflows the context window.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from advisor.errors import AdvisorError
from advisor.llm.protocol import ChatModelAbilities
from advisor.llm.timing import Stopwatch

KEPT_STATES = 3  # saved prompt states per model file

_ROLES = {HumanMessage: "user", AIMessage: "assistant", SystemMessage: "system"}


class ModelNotAvailable(AdvisorError, RuntimeError):
    """The chat model cannot be loaded; the message says how to fix it."""


def saved_prompt_states(state_dir: Path, model_path: Path) -> list[Path]:
    """The saved prompt states of one model file in ``state_dir``, most recently used first."""
    pattern = f"{Path(model_path).stem}-*.state"
    return sorted(Path(state_dir).glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)


def _split_prefill(messages: list[BaseMessage]) -> tuple[str, list[dict]]:
    """A trailing assistant message is a prefill: the answer continues from its text.

    Small models follow "answer in English" far more reliably when the answer already
    starts in English.
    """
    prefill = ""
    if messages and isinstance(messages[-1], AIMessage):
        prefill, messages = str(messages[-1].content), messages[:-1]
    return prefill, [{"role": _role(m), "content": m.content} for m in messages]


def _role(message: BaseMessage) -> str:
    if isinstance(message, ChatMessage):
        return message.role
    for cls, role in _ROLES.items():
        if isinstance(message, cls):
            return role
    raise ValueError(f"Unsupported message type: {type(message).__name__}")


class LlamaCppChatModel(ChatModelAbilities, BaseChatModel):
    """A GGUF chat model run in this process by llama-cpp-python.

    Calls are serialised by a lock. llama.cpp keeps the tokens it evaluated last and
    re-uses the longest common prefix, so prompts that start with the same system
    message skip most of the prompt processing on the second question.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: Path
    context_size: int = 4096
    threads: int = 2
    max_tokens: int = 512
    temperature: float = 0.0
    seed: int = 0
    use_mmap: bool = False
    # Where evaluated prompt prefixes are saved, so that a new process (a one-off
    # `advisor ask`, a restarted server) loads them instead of evaluating them again.
    state_dir: Path | None = None

    _llama: Any = PrivateAttr(default=None)
    _formatter: Any = PrivateAttr(default=None)
    # A plain Lock, not an RLock: LangChain may close a stream (when the caller stops
    # reading early) from another thread than the one that opened it, and only a plain
    # Lock may be released by another thread.
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _load_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _prefix_system: str | None = PrivateAttr(default=None)
    _prefix_tokens: list[int] | None = PrivateAttr(default=None)

    # A trailing assistant message is continued (see _stream), and the tokenizer is the
    # model's own.
    supports_prefill: ClassVar[bool] = True
    counts_tokens: ClassVar[bool] = True

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-in-process"

    @property
    def model_name(self) -> str:
        return Path(self.model_path).name

    @property
    def display_name(self) -> str:
        """Answers name the model file."""
        return self.model_name

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model": self.model_name, "context_size": self.context_size}

    # --- loading ----------------------------------------------------------------------
    def load(self) -> Any:
        """Load the model once (lazily: importing llama_cpp and mapping 1 GB takes time)."""
        with self._load_lock:
            if self._llama is None:
                path = Path(self.model_path)
                if not path.is_file():
                    raise ModelNotAvailable(
                        f"Chat model file not found: {path}. Run 'advisor models fetch' for "
                        "the default model, or put a GGUF file into models/ and select it "
                        "with --model."
                    )
                try:
                    from llama_cpp import Llama
                except ImportError as exc:  # pragma: no cover - depends on the install
                    raise ModelNotAvailable(
                        "llama-cpp-python is not installed; run 'make install'."
                    ) from exc
                self._llama = Llama(
                    model_path=str(path),
                    n_ctx=self.context_size,
                    n_threads=self.threads,
                    n_threads_batch=self.threads,
                    n_batch=512,
                    seed=self.seed,
                    use_mmap=self.use_mmap,
                    verbose=False,
                )
            return self._llama

    def _format(self, payload: list[dict]):
        """The model's own chat template applied to ``payload`` (prompt and stop words)."""
        llama = self.load()
        if self._formatter is None:
            from llama_cpp import llama_chat_format

            template = llama.metadata.get("tokenizer.chat_template")
            if not template:
                raise ModelNotAvailable(f"{self.model_name} has no chat template in its metadata.")
            eos, bos = llama.token_eos(), llama.token_bos()
            text_of = llama._model.token_get_text
            self._formatter = llama_chat_format.Jinja2ChatFormatter(
                template=template,
                eos_token=text_of(eos) if eos != -1 else "",
                bos_token=text_of(bos) if bos != -1 else "",
                stop_token_ids=[eos],
            )
        return self._formatter(messages=payload)

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for ``text`` (no special tokens added)."""
        llama = self.load()
        with self._lock:
            return len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def render_prompt(self, messages: list[BaseMessage]) -> str:
        """The exact text given to llama.cpp for ``messages`` (a trailing assistant
        message is continued, so its text ends the prompt)."""
        prefill, payload = _split_prefill(messages)
        return self._format(payload).prompt + prefill

    def stop_words(self, messages: list[BaseMessage]) -> list[str]:
        """The stop words of the chat template for ``messages``."""
        _, payload = _split_prefill(messages)
        return list(self._format(payload).stop or [])

    # --- the cached prompt prefix ------------------------------------------------------
    def keep_prefix(self, system_prompt: str) -> None:
        """Keep every prompt that opens with ``system_prompt`` fast.

        llama.cpp holds one sequence: a prompt that starts differently (a diagnosis
        question, say) evicts the prefix. Before each prompt with this system message the
        prefix is put back from memory or from its saved state, never re-evaluated twice.
        """
        self._prefix_system = system_prompt
        self._prefix_tokens = None

    def warm_up(self) -> dict:
        """Load the model and make the kept prefix ready; says where it came from."""
        llama = self.load()
        watch = Stopwatch()
        with self._lock:
            source = self._restore_prefix(llama) if self._prefix_system else "none"
        return {"prefix": source, "prefix_tokens": len(self._prefix_tokens or []),
                "seconds": watch.elapsed_s()}

    def _prefix_token_ids(self, llama: Any) -> list[int]:
        # The prefix is what two different questions share after tokenisation: the
        # template's text around the system message is whatever the model's own chat
        # template makes it, so it is measured, not assumed.
        if self._prefix_tokens is None:
            def tokens(question: str) -> list[int]:
                text = self._format([{"role": "system", "content": self._prefix_system},
                                     {"role": "user", "content": question}]).prompt
                return llama.tokenize(text.encode("utf-8"), special=True)

            first, second = tokens("Question: a?"), tokens("问题:乙")
            shared = 0
            for a, b in zip(first, second):
                if a != b:
                    break
                shared += 1
            self._prefix_tokens = first[:shared]
        return self._prefix_tokens

    def _state_path(self, tokens: list[int]) -> Path | None:
        if self.state_dir is None:
            return None
        import llama_cpp

        path = Path(self.model_path)
        stat = path.stat()
        key = hashlib.sha256()
        for part in (path.name, stat.st_size, stat.st_mtime_ns, self.context_size,
                     llama_cpp.__version__, ",".join(map(str, tokens))):
            key.update(f"{part}\0".encode())
        # The name that saved_prompt_states() finds: model stem, then the key.
        return Path(self.state_dir) / f"{path.stem}-{key.hexdigest()[:20]}.state"

    def _restore_prefix(self, llama: Any) -> str:
        """Put the kept prefix into llama.cpp's cache; the caller holds the lock."""
        import ctypes

        import llama_cpp

        tokens = self._prefix_token_ids(llama)
        n = len(tokens)
        if n == 0:
            return "none"
        if llama.n_tokens >= n and list(llama.input_ids[:n]) == tokens:
            return "memory"
        path = self._state_path(tokens)
        if path is not None and path.is_file():
            buffer = (llama_cpp.llama_token * self.context_size)()
            count = ctypes.c_size_t(0)
            loaded = llama_cpp.llama_state_load_file(
                llama._ctx.ctx, str(path).encode(), buffer, self.context_size, ctypes.byref(count))
            if loaded and list(buffer[: count.value]) == tokens:
                os.utime(path)  # marks it recently used (see _save_prefix)
                llama.input_ids[:n] = tokens
                llama.n_tokens = n
                llama._requires_eval = True
                return "disk"
            path.unlink(missing_ok=True)  # stale or damaged: evaluate afresh below
        llama.reset()
        llama.eval(tokens)
        if path is not None:
            self._save_prefix(llama, path, tokens)
        return "evaluated"

    def _save_prefix(self, llama: Any, path: Path, tokens: list[int]) -> None:
        import llama_cpp

        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        array = (llama_cpp.llama_token * len(tokens))(*tokens)
        if llama_cpp.llama_state_save_file(llama._ctx.ctx, str(partial).encode(), array, len(tokens)):
            os.replace(partial, path)  # atomic: a reader never sees half a state
            # Each state is ~100 MB; keep the few most recently used of this model (a
            # second prompt layout, an older checkout) and drop the rest.
            for old in saved_prompt_states(path.parent, self.model_path)[KEPT_STATES:]:
                old.unlink(missing_ok=True)
        else:  # a full disk, say: answering still works, the next process re-evaluates
            partial.unlink(missing_ok=True)

    # --- LangChain interface ----------------------------------------------------------
    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text_parts: list[str] = []
        last: ChatGenerationChunk | None = None
        for chunk in self._stream(messages, stop=stop, run_manager=run_manager, **kwargs):
            text_parts.append(chunk.text)
            last = chunk
        message = AIMessage(
            content="".join(text_parts),
            usage_metadata=last.message.usage_metadata if last else None,
            response_metadata=last.message.response_metadata if last else {},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        prefill, payload = _split_prefill(messages)
        keeps_prefix = bool(payload) and payload[0]["role"] == "system" and (
            self._prefix_system is not None and payload[0]["content"] == self._prefix_system)
        options = {
            "max_tokens": kwargs.pop("max_tokens", self.max_tokens),
            "temperature": kwargs.pop("temperature", self.temperature),
            "stop": stop,
            **kwargs,  # e.g. response_format for JSON-schema constrained output
        }
        llama = self.load()
        with self._lock:  # held for the whole generation: one Llama, one caller at a time
            watch = Stopwatch()
            if keeps_prefix:
                self._restore_prefix(llama)
            finish_reason = None
            if prefill:
                formatted = self._format(payload)
                options["stop"] = [*(stop or []), *formatted.stop] if formatted.stop else stop
                parts = llama.create_completion(prompt=formatted.prompt + prefill, stream=True, **options)
                yield ChatGenerationChunk(message=AIMessageChunk(content=prefill))
            else:
                parts = llama.create_chat_completion(messages=payload, stream=True, **options)
            for part in parts:
                choice = part["choices"][0]
                finish_reason = choice.get("finish_reason") or finish_reason
                token = choice.get("text") if prefill else choice.get("delta", {}).get("content")
                token = token or ""
                if not token:
                    continue
                watch.token()
                if run_manager:
                    run_manager.on_llm_new_token(token)
                yield ChatGenerationChunk(message=AIMessageChunk(content=token))
            watch.stop()
            total_tokens = int(llama.n_tokens)
        generated = watch.tokens
        prompt_tokens = max(total_tokens - generated, 0)
        timings = watch.model_timings(prompt_tokens)
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata={
                    "input_tokens": prompt_tokens,
                    "output_tokens": generated,
                    "total_tokens": prompt_tokens + generated,
                },
                response_metadata={
                    "model_name": self.model_name,
                    "finish_reason": finish_reason,
                    "timings": timings,
                },
            )
        )
