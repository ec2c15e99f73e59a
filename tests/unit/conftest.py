"""The unit suite cannot reach a network, and is not steered by the caller's ADVISOR_* env."""

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
        yield
