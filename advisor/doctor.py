"""``advisor doctor``: checks that the installation can answer, and how to fix what cannot.

Every check catches its own failures: a broken index or model must be reported, never
crash the report itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from advisor import offline
from advisor.settings import Settings


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False  # not fatal: the advisor still works


def _guard(name: str, fn: Callable[[], Check]) -> Check:
    try:
        return fn()
    # A check that breaks is itself a finding. BaseException: chromadb's Rust panics
    # arrive as pyo3's PanicException, which is not an Exception.
    except BaseException as exc:
        from advisor.index_probe import is_fatal

        if is_fatal(exc):
            raise
        return Check(name, False, f"the check failed: {type(exc).__name__}: {exc}")


def check_offline() -> Check:
    problems = offline.problems()
    if problems:
        return Check("offline switches", False, "; ".join(problems),
                     "Do not override these variables; advisor.offline sets them.")
    return Check("offline switches", True, "Hugging Face offline, chroma telemetry and Gradio analytics off")


def check_llama_build() -> Check:
    try:
        import llama_cpp
    except ImportError:
        return Check("llama.cpp build", False, "llama-cpp-python is not installed", "Run 'make install'.")
    info = llama_cpp.llama_print_system_info().decode(errors="replace")
    features = sorted({part.split("=")[0].strip() for part in info.split("|") if "= 1" in part})
    if any(f.startswith("AMX") for f in features):
        return Check("llama.cpp build", False,
                     f"llama-cpp-python {llama_cpp.__version__} uses AMX, which crashes on many VMs",
                     "Rebuild: rm -rf ~/.cache/ai-stage-advisor/wheels .venv && make install")
    return Check("llama.cpp build", True,
                 f"llama-cpp-python {llama_cpp.__version__}: {', '.join(features) or 'baseline'}")


def check_model(settings: Settings, full: bool = False) -> Check:
    from advisor.llm.model_files import KNOWN_MODELS, verify_model_file

    path = settings.model_path
    spec = KNOWN_MODELS.get(path.name)
    if not path.exists():
        fix = "Run 'advisor models fetch'." if spec else f"Put {path.name} into {settings.models_dir}."
        return Check("chat model", False, f"{path} is missing", fix)
    if spec is None:
        size = path.stat().st_size / 1e9
        return Check("chat model", True, f"{path.name} ({size:.2f} GB, user-supplied: no known hash)")
    result = verify_model_file(path, spec, full=full)
    return Check("chat model", result.ok, f"{path.name}: {result.message}",
                 "" if result.ok else "Run 'advisor models fetch' to fetch it again.")


def check_embeddings(settings: Settings) -> Check:
    from advisor.llm.embeddings import build_embeddings

    embeddings = build_embeddings(settings)
    vector = embeddings.embed_query("阶段三需要多长时间?")
    return Check("embeddings", len(vector) > 0, f"{embeddings.name}, {len(vector)} dimensions")


def check_index(advisor, timeout: float | None = None) -> Check:
    """The index in service, read completely in a child process (a damaged chromadb file
    can panic or abort the process reading it), then compared with the documents."""
    from advisor.index_probe import PROBE_TIMEOUT_S, probe_index

    index = advisor.index
    server = getattr(getattr(index, "store", None), "location", None)
    health = probe_index(index.index_dir, index.embedding_name, server, timeout or PROBE_TIMEOUT_S)
    if not health.ok:
        return Check("index", False, health.problem,
                     "Run 'advisor doctor --fix' (or 'advisor ingest --rebuild').")
    changes = corpus_changes(index.read_manifest(health.build) or {}, advisor.knowledge.corpus())
    if changes:
        return Check("index", False, f"build {health.build} is out of date: {'; '.join(changes)}",
                     "Run 'advisor doctor --fix' (or 'advisor ingest').")
    return Check("index", True, f"build {health.build}: {health.passages} passages from "
                 f"{len(health.sources)} document(s)")


def corpus_changes(manifest: dict, chunks) -> list[str]:
    """How the documents differ from what the index holds, one phrase per document."""
    indexed = set(manifest.get("ids") or [])
    indexed_sources = set(manifest.get("sources") or [])
    by_source: dict[str, list[str]] = {}
    for chunk in chunks:
        by_source.setdefault(chunk.source, []).append(chunk.id)
    changes = []
    for source, ids in by_source.items():
        if source not in indexed_sources:
            changes.append(f"{source} is not indexed yet")
        elif not indexed.issuperset(ids):
            changes.append(f"{source} has changed since it was indexed")
    changes += [f"{source} is indexed but no longer present" for source in sorted(indexed_sources - set(by_source))]
    if not changes and [c.id for c in chunks] != manifest.get("ids"):
        # Only whole passages were dropped from a document, or the order changed.
        gone = len(indexed - {c.id for c in chunks})
        changes.append(f"{gone} indexed passage(s) are no longer in the documents" if gone
                       else "the passages are indexed in another order")
    return changes


def check_prompt_cache(settings: Settings) -> Check:
    """The saved start of the prompt (the rules, or with the 'document' layout the whole
    stage article, read by the model). Missing is only a warning: the first question
    after a start prepares it."""
    from advisor.llm.llamacpp import saved_prompt_states

    name = "prompt cache"
    states = saved_prompt_states(settings.prompt_state_dir, settings.model_path)
    if not states:
        wait = "about half a minute" if settings.prompt_layout == "document" else "a few seconds"
        return Check(name, False, f"the fixed start of the prompt has not been saved for this model "
                     f"yet; the first question after each start waits {wait} longer",
                     "Run 'advisor doctor --fix' (or start 'advisor serve' once).", warning=True)
    size = sum(s.stat().st_size for s in states) / 1e6
    return Check(name, True, f"saved for {settings.model_path.name} ({size:.0f} MB); a new process "
                 "loads it instead of re-reading the fixed start of the prompt")


def check_answer_cache(advisor) -> Check:
    """The saved answers a repeated question gets at once (informational: an empty or
    switched-off cache only means every question goes to the model)."""
    name = "answer cache"
    cache = advisor.answer_cache
    if cache is None:
        why = ("temperature is above 0" if advisor.settings.temperature > 0
               else "switched off (answer_cache = false)")
        return Check(name, True, f"{why}: every question goes to the model")
    return Check(name, True, f"{cache.count()} saved answer(s) in {cache.path.name}; a repeated question "
                 "about the documents is answered from it until the index, model or settings change")


def check_chat_server(settings: Settings) -> Check:
    """The OpenAI-compatible chat server named by ``chat_endpoint`` answers."""
    from advisor.container import build_endpoint_chat_model

    name = "chat server"
    try:
        report = build_endpoint_chat_model(settings).warm_up()
    except Exception as exc:  # ChatServerUnavailable names the server and the reason
        detail = str(exc) if settings.chat_endpoint in str(exc) else f"{settings.chat_endpoint}: {exc}"
        return Check(name, False, detail, "Start the model server, or correct chat_endpoint "
                     "(ADVISOR_CHAT_ENDPOINT), chat_endpoint_model and chat_endpoint_api_key.")
    if report.get("warning"):
        return Check(name, False, f"{settings.chat_endpoint} answers, but {report['warning']}",
                     "Set chat_endpoint_model to a model the server lists.", warning=True)
    return Check(name, True, f"{settings.chat_endpoint} answers in {report['seconds']:.2f} s "
                 f"and serves {report['model']}")


def check_index_server(settings: Settings) -> Check:
    """The Chroma server named by ``index_server`` answers."""
    from advisor.retrieval.index import IndexNotReady
    from advisor.retrieval.server_store import ChromaServerStore

    name = "index server"
    try:
        collections = ChromaServerStore(settings.index_server).collections()
    except IndexNotReady as exc:
        return Check(name, False, str(exc), "Start it with 'chroma run --path DIR --host HOST "
                     "--port PORT', or correct index_server (ADVISOR_INDEX_SERVER).")
    return Check(name, True, f"{settings.index_server} answers; it holds {len(collections)} "
                 "passage collection(s)")


def check_fitted_parts(advisor) -> Check:
    """The scope probe, the section probe and the stage resemblance, fitted for one embedding model
    (informational: without them the rules alone decide, as they did before)."""
    from advisor.llm.embeddings import embedding_name

    settings = advisor.settings
    embedding = embedding_name(advisor.retriever.embeddings)
    probe = advisor.retriever.scope_probe
    sections = advisor.retriever.section_probe
    resemblance = advisor.diagnosis.resemblance
    parts = []
    for name, on, fitted, count in (
            ("scope probe", settings.scope_probe, probe, f"{probe.questions} tuning questions" if probe else ""),
            ("section probe", settings.section_probe, sections,
             f"{sections.questions} tuning questions" if sections else ""),
            ("stage resemblance", settings.stage_resemblance, resemblance,
             f"{resemblance.profiles} tuning profiles" if resemblance else "")):
        if not on:
            parts.append(f"{name} switched off")
        elif fitted is None:
            parts.append(f"{name} not used: it was not fitted for {embedding}")
        else:
            parts.append(f"{name} fitted on {count}")
    return Check("fitted parts", True, "; ".join(parts))


def run_checks(settings: Settings, advisor=None, full_hash: bool = False) -> list[Check]:
    """All checks, in the order a user would fix them."""
    checks = [_guard("offline switches", check_offline)]
    if settings.chat_endpoint:
        # The model runs on the chat server: its file, build and prompt cache are there,
        # so they are not checked (or hashed) here.
        checks.append(_guard("chat server", lambda: check_chat_server(settings)))
    else:
        checks += [
            _guard("llama.cpp build", check_llama_build),
            _guard("chat model", lambda: check_model(settings, full=full_hash)),
        ]
    checks.append(_guard("embeddings", lambda: check_embeddings(settings)))
    if not settings.chat_endpoint:
        checks.append(_guard("prompt cache", lambda: check_prompt_cache(settings)))
    if settings.index_server:
        checks.append(_guard("index server", lambda: check_index_server(settings)))
    if advisor is not None:
        checks.append(_guard("index", lambda: check_index(advisor)))
        checks.append(_guard("answer cache", lambda: check_answer_cache(advisor)))
        checks.append(_guard("fitted parts", lambda: check_fitted_parts(advisor)))
    return checks
