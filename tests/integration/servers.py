"""Servers the integration tests start themselves, each in its own process on a free
loopback port: the advisor's web interface (``tests/web_server.py``), and any other
server process (the scale-out tests' chat and index servers)."""

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


class ServerProcess:
    """A server in a subprocess on loopback, its output in a log file, ready when
    ``ready_url`` answers 200."""

    def __init__(self, name: str, command: list[str], log: Path, ready_url: str,
                 env: dict | None = None, cwd: Path | None = None):
        self.name, self.log, self.ready_url = name, log, ready_url
        self.process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT,
                                        env=env or dict(os.environ, PYTHONUNBUFFERED="1"), cwd=cwd)

    def wait(self, timeout: float = 300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the {self.name} exited ({self.process.returncode}):\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.ready_url, timeout=5) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        pytest.fail(f"the {self.name} did not answer within {timeout} s:\n{self.tail()}")

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


class Server(ServerProcess):
    """The advisor's web interface (``tests/web_server.py``) on a free loopback port."""

    def __init__(self, data_dir: Path, *args: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        # The repository first, then what the session set (tests/offline_guard among it).
        paths = [str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=os.pathsep.join(paths))
        env.pop("ADVISOR_HOST", None)
        super().__init__(
            "web server",
            [sys.executable, str(REPO / "tests" / "web_server.py"), "--port", str(self.port),
             "--data-dir", str(data_dir), *args],
            data_dir.parent / f"server-{self.port}.log", self.url, env=env, cwd=REPO)
