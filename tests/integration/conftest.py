"""Integration fixtures: the real default model through llama.cpp, real e5, real chromadb.

Nothing here is faked. The default model must have been fetched (``make test`` does it
first); a missing model fails these tests rather than skipping them, so a green run
always means the real model answered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def _require_model(settings: Settings) -> None:
    if not settings.model_path.is_file():
        pytest.fail(
            f"The default chat model is missing ({settings.model_path}). "
            "Run 'make model' (or 'advisor models fetch') first.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("advisor-data")


@pytest.fixture(scope="session")
def real_settings(data_dir) -> Settings:
    settings = Settings(data_dir=data_dir, threads=2)
    _require_model(settings)
    return settings


@pytest.fixture(scope="session")
def real_advisor(real_settings):
    """One advisor with the real model for the whole session (the model loads once)."""
    from advisor.container import build_advisor

    advisor = build_advisor(real_settings)
    advisor.rebuild_index()
    return advisor


def run_cli(*args: str, data_dir: Path, input_text: str | None = None, prefix: list[str] | None = None,
            timeout: int = 600) -> subprocess.CompletedProcess:
    """Run ``advisor`` as a user would, in a fresh process."""
    env = dict(os.environ, ADVISOR_DATA_DIR=str(data_dir), ADVISOR_THREADS="2", PYTHONUNBUFFERED="1")
    command = [*(prefix or []), sys.executable, "-m", "advisor.cli.main", *args]
    return subprocess.run(command, input=input_text, capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=timeout)


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def real_server(tmp_path_factory):
    """The web interface with the real default model, shared by the web and load tests."""
    from tests.integration.servers import Server

    _require_model(Settings())
    server = Server(tmp_path_factory.mktemp("web-real") / "data").wait()
    yield server
    server.stop()
