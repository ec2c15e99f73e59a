"""The unit suite cannot reach a network, and is not steered by the caller's ADVISOR_* env;
the command-line tests get a runner whose advisor uses the scripted chat model."""

from __future__ import annotations

import os

import pytest
from pytest_socket import disable_socket


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before fixtures are set up, so session fixtures (e5, chromadb) run offline too.
    # pytest-socket's own teardown hook lifts the block after each test.
    disable_socket(allow_unix_socket=True)


@pytest.fixture(scope="session", autouse=True)
def _clean_advisor_environment():
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith("ADVISOR_"):
                mp.delenv(key)
        mp.setenv("ADVISOR_ANSWER_CACHE", "false")  # see tests/conftest.py
        yield


@pytest.fixture
def model():
    """The scripted chat model behind the ``runner``'s advisor: enqueue its replies."""
    from tests.fakes import ScriptedChatModel

    return ScriptedChatModel()


@pytest.fixture
def runner(private_root, monkeypatch, e5, model):
    """A CliRunner whose commands build their advisor over a copy of the session index,
    with the real embedder and the scripted ``model``; ``runner.settings_seen`` lists the
    settings each advisor was built with."""
    from advisor.container import build_advisor
    from tests.unit.cli_helpers import AdvisorRunner

    monkeypatch.setenv("ADVISOR_DATA_DIR", str(private_root / "data"))
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(private_root / "cache"))
    monkeypatch.setenv("ADVISOR_MODELS_DIR", str(private_root / "models"))

    def factory(settings):
        assert settings.data_dir == private_root / "data"
        return build_advisor(settings, chat_model=model, embeddings=e5)

    return AdvisorRunner(factory)
