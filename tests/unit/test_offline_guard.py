"""The tests cannot reach a network: not this process, not the processes they start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.conftest import OFFLINE_GUARD_DIR

# TEST-NET-3 (RFC 5737): never routed, so even a broken guard could not reach anyone.
UNROUTABLE = ("203.0.113.1", 80)

CHILD = f"""
import socket
try:
    socket.create_connection({UNROUTABLE!r}, timeout=3)
    print("REACHED")
except OSError as exc:
    print("REFUSED", type(exc).__name__, exc)
try:
    socket.getaddrinfo("example.com", 80)
    print("RESOLVED")
except OSError as exc:
    print("REFUSED", type(exc).__name__)
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
socket.create_connection(server.getsockname(), timeout=3).close()
print("LOOPBACK OK")
"""


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_unit_tests_cannot_open_any_network_socket():
    from pytest_socket import SocketBlockedError

    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def test_the_session_puts_the_guard_on_every_child_s_path():
    assert str(OFFLINE_GUARD_DIR) in os.environ["PYTHONPATH"].split(os.pathsep)


def test_a_child_process_may_reach_loopback_and_nothing_else():
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ))
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert lines[0].startswith("REFUSED OfflineGuardError") and "203.0.113.1" in lines[0]
    assert lines[1] == "REFUSED OfflineGuardError"
    assert lines[2] == "LOOPBACK OK"


def test_without_the_guard_the_same_child_is_not_refused_by_it():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = "import socket, sys; print(type(socket.socket.connect).__name__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.stdout.strip() == "method_descriptor"  # the guard, not the machine, refused above


def test_the_guard_s_address_rules():
    sys.path.insert(0, str(OFFLINE_GUARD_DIR))
    try:
        import loopback_only
    finally:
        sys.path.remove(str(OFFLINE_GUARD_DIR))
    for host in ("127.0.0.1", "127.8.9.1", "::1", "localhost", "[::1]", "0.0.0.0"):
        assert loopback_only.is_loopback(host), host
    for host in ("203.0.113.1", "10.0.0.1", "8.8.8.8", "2001:db8::1", "example.com"):
        assert not loopback_only.is_loopback(host), host
    with pytest.raises(loopback_only.OfflineGuardError, match="203.0.113.1"):
        loopback_only.check_address(socket.AF_INET, UNROUTABLE)
    loopback_only.check_address(socket.AF_UNIX, "/tmp/x.sock")  # Unix sockets stay allowed
