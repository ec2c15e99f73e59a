"""The composition root: the one place where the advisor is assembled from settings.

Nothing else constructs models, stores or chains. Tests pass their own chat model or
embeddings here; the CLI and the web UI call :func:`build_advisor` and nothing more.
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

from advisor.answering.chain import AnswerChain
from advisor.core import Advisor
from advisor.diagnosis.resemblance import load_resemblance
from advisor.diagnosis.service import DiagnosisService
from advisor.knowledge.base import KnowledgeBase
from advisor.knowledge.stage_document import read_stage_passages
from advisor.knowledge.stages import load_stage_book
from advisor.llm.embeddings import build_embeddings, embedding_name
from advisor.retrieval.index import PassageIndex
from advisor.retrieval.keywords import Glossary
from advisor.retrieval.retriever import Retriever
from advisor.retrieval.scope_probe import load_probe
from advisor.retrieval.section_probe import load_section_probe
from advisor.settings import Settings


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model the settings select (loaded lazily, on the first question)."""
    if settings.chat_endpoint:
        return build_endpoint_chat_model(settings)
    from advisor.llm.llamacpp import LlamaCppChatModel

    return LlamaCppChatModel(
        model_path=settings.model_path,
        context_size=settings.context_size,
        threads=settings.threads,
        max_tokens=settings.max_answer_tokens,
        temperature=settings.temperature,
        state_dir=settings.prompt_state_dir,
        use_mmap=settings.model_mmap,
    )


def build_endpoint_chat_model(settings: Settings) -> BaseChatModel:
    """The model on the OpenAI-compatible server at ``settings.chat_endpoint``."""
    from pydantic import SecretStr

    from advisor.llm.endpoint import EndpointChatModel

    return EndpointChatModel(
        base_url=settings.chat_endpoint,
        model=settings.chat_endpoint_model or "",
        # The OpenAI client insists on a key; servers without one ignore it.
        api_key=settings.chat_endpoint_api_key or SecretStr("none"),
        timeout=settings.chat_endpoint_timeout,
        max_retries=1,
        max_tokens=settings.max_answer_tokens,
        temperature=settings.temperature,
        seed=0,
        stream_usage=True,
    )


def build_index_store(settings: Settings):
    """Where the passage vectors live: chromadb in this process, or a Chroma server."""
    if settings.index_server:
        from advisor.retrieval.server_store import ChromaServerStore

        return ChromaServerStore(settings.index_server)
    from advisor.retrieval.index import LocalStore

    return LocalStore()


def model_name(chat_model: BaseChatModel) -> str:
    from advisor.llm.protocol import abilities_of

    return abilities_of(chat_model).display_name


def build_advisor(
    settings: Settings | None = None,
    *,
    chat_model: BaseChatModel | None = None,
    embeddings: Embeddings | None = None,
) -> Advisor:
    """Assemble an :class:`Advisor`; pass ``chat_model``/``embeddings`` to replace the defaults."""
    settings = settings or Settings()
    embeddings = embeddings or build_embeddings(settings)
    chat_model = chat_model or build_chat_model(settings)
    stage_book = load_stage_book(settings.knowledge_dir / "stages.yaml")
    embedded_by = embedding_name(embeddings)
    index = PassageIndex(settings.index_dir, embedded_by, store=build_index_store(settings))
    glossary = Glossary((entry.en, entry.zh) for entry in stage_book.glossary)
    retriever = Retriever(
        index,
        embeddings,
        glossary,
        top_k=settings.top_k,
        threshold=settings.relevance_threshold,
        keyword_threshold=settings.relevance_threshold_with_keywords,
        cache_dir=settings.cache_dir / "jieba",
        scope_probe=load_probe(embedding=embedded_by) if settings.scope_probe else None,
        section_probe=load_section_probe(embedding=embedded_by) if settings.section_probe else None,
    )
    article = read_stage_passages(settings.knowledge_dir, stage_book) if settings.prompt_layout == "document" else []
    chain = AnswerChain(
        retriever,
        chat_model,
        context_size=settings.context_size,
        max_answer_tokens=settings.max_answer_tokens,
        model_name=model_name(chat_model),
        article=article,
        repeated_passages=settings.repeated_passages,
        canary=settings.prompt_canary,
        stage_book=stage_book,
        focused_passages=settings.focused_passages,
    )
    knowledge = KnowledgeBase(settings, stage_book, index, embeddings)
    resemblance = load_resemblance(embedding=embedded_by) if settings.stage_resemblance else None
    diagnosis = DiagnosisService(settings, stage_book, chat_model, embeddings, resemblance)
    return Advisor(settings, knowledge, diagnosis, retriever, chain, chat_model,
                   answer_cache=build_answer_cache(settings, chain, embeddings))


def build_answer_cache(settings: Settings, chain: AnswerChain, embeddings):
    """The cache of finished answers, keyed by everything here that shapes an answer
    (the index build is added per question); None when switched off or sampling."""
    if not settings.answer_cache or settings.temperature > 0:
        return None
    import hashlib
    from pathlib import Path

    from advisor.answering.cache import AnswerCache, edition_of, source_fingerprint

    package = Path(__file__).resolve().parent
    model_file = settings.model_path
    stages_file = settings.knowledge_dir / "stages.yaml"
    edition = edition_of(
        model=chain.model_name,
        model_file=(None if settings.chat_endpoint or not model_file.is_file()
                    else [str(model_file.resolve()), model_file.stat().st_size, model_file.stat().st_mtime_ns]),
        endpoint=[settings.chat_endpoint, settings.chat_endpoint_model],
        prompt=hashlib.sha256(chain.system_prompt.encode()).hexdigest(),
        stages=hashlib.sha256(stages_file.read_bytes()).hexdigest() if stages_file.is_file() else None,
        code=source_fingerprint(package / name for name in ("answering", "retrieval", "conversation", "knowledge")),
        embedding=embedding_name(embeddings),
        scope_probe=chain.retriever.scope_probe.fingerprint if chain.retriever.scope_probe else None,
        section_probe=chain.retriever.section_probe.fingerprint if chain.retriever.section_probe else None,
        settings=settings.model_dump(include={
            "context_size", "max_answer_tokens", "temperature", "prompt_layout", "repeated_passages",
            "focused_passages",
            "evidence_first", "top_k", "relevance_threshold", "relevance_threshold_with_keywords"}),
    )
    return AnswerCache(settings.answer_cache_path, embeddings, edition)
