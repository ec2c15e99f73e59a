"""Every offline and telemetry switch is set on import, and the unit suite has no network."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from pytest_socket import SocketBlockedError

import advisor  # noqa: F401
from advisor import offline
from tests.conftest import REPO


def test_importing_advisor_sets_the_switches():
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert os.environ.get("OMP_WAIT_POLICY")


def test_no_problems_reported():
    assert offline.problems() == []


def test_problems_name_a_switch_that_was_turned_back_on(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    assert offline.problems() == ["HF_HUB_OFFLINE is '0', expected '1'"]


def test_a_users_environment_cannot_re_enable_the_network():
    env = dict(os.environ, HF_HUB_OFFLINE="0", ANONYMIZED_TELEMETRY="True", OMP_WAIT_POLICY="ACTIVE",
               PYTHONPATH=str(REPO))
    out = subprocess.run(
        [sys.executable, "-c",
         "import advisor, os; print(os.environ['HF_HUB_OFFLINE'], os.environ['ANONYMIZED_TELEMETRY'], "
         "os.environ['OMP_WAIT_POLICY'])"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    # Forced switches win; OMP_WAIT_POLICY is only a default the user may tune.
    assert out.stdout.split() == ["1", "False", "ACTIVE"]


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_the_unit_suite_cannot_open_a_network_socket():
    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM):
        pass
