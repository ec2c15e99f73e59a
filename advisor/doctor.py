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
    except Exception as exc:  # a check that breaks is itself a finding
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


def check_index(advisor) -> Check:
    from advisor.retrieval.index import IndexNotReady

    index = advisor.index
    build = index.current_build()
    if not build:
        return Check("index", False, f"no index in {index.index_dir}", "Run 'advisor ingest --rebuild'.")
    try:
        index.open()
        chunks = index.chunks
        index.vectors()
    except IndexNotReady as exc:
        return Check("index", False, str(exc), "Run 'advisor ingest --rebuild'.")
    except Exception as exc:  # a corrupt chromadb directory raises anything
        return Check("index", False, f"the index cannot be read ({type(exc).__name__}: {exc})",
                     "Run 'advisor ingest --rebuild'.")
    if not index.is_current(advisor.corpus()):
        return Check("index", False, f"build {build} is out of date with the documents",
                     "Run 'advisor ingest --rebuild' (unchanged passages are not embedded again).")
    sources = sorted({c.source for c in chunks})
    return Check("index", True, f"build {build}: {len(chunks)} passages from {len(sources)} document(s)")


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


def run_checks(settings: Settings, advisor=None, full_hash: bool = False) -> list[Check]:
    """All checks, in the order a user would fix them."""
    checks = [
        _guard("offline switches", check_offline),
        _guard("llama.cpp build", check_llama_build),
        _guard("chat model", lambda: check_model(settings, full=full_hash)),
        _guard("embeddings", lambda: check_embeddings(settings)),
        _guard("prompt cache", lambda: check_prompt_cache(settings)),
    ]
    if advisor is not None:
        checks.append(_guard("index", lambda: check_index(advisor)))
    return checks
