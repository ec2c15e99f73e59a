"""Servers the integration tests start themselves, each in its own process on a free
loopback port: the advisor's web interface (``tests/web_server.py``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``tests/web_server.py`` in a subprocess, on a free loopback port."""

    def __init__(self, data_dir: Path, *args: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = data_dir.parent / f"server-{self.port}.log"
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(REPO))
        env.pop("ADVISOR_HOST", None)
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "web_server.py"), "--port", str(self.port),
             "--data-dir", str(data_dir), *args],
            cwd=REPO, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 300) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited ({self.process.returncode}):\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(1)
        self.stop()
        pytest.fail(f"the server did not answer within {timeout} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
