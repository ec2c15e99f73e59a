"""Refuse every network connection but loopback, in this Python process.

The test session puts this folder on ``PYTHONPATH`` (see ``tests/conftest.py``), so its
``sitecustomize`` installs the guard in every Python process a test starts: the CLI
runs and the web servers. A connection, datagram or name lookup for anything but
loopback (or a Unix socket) fails at once with :class:`OfflineGuardError`, naming the
address, instead of leaving the machine.
"""

from __future__ import annotations

import errno
import ipaddress
import socket

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_originals: dict[str, object] = {}


class OfflineGuardError(ConnectionRefusedError):
    """A test (or the code under test) tried to reach something beyond loopback."""

    def __init__(self, target: object):
        super().__init__(errno.ENETUNREACH,
                         f"offline guard: refused to reach {target!r}; tests may only use loopback")


def is_loopback(host: object) -> bool:
    """Whether ``host`` (an address or a name) stays on this machine without a lookup."""
    if host is None or host == "":
        return True  # getaddrinfo(None, port): the local wildcard or loopback
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).split("%", 1)[0].strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def check_address(family: int, address: object) -> None:
    """Raise :class:`OfflineGuardError` unless ``address`` is loopback or a Unix socket."""
    if family == getattr(socket, "AF_UNIX", None) or not isinstance(address, tuple):
        return
    if not is_loopback(address[0]):
        raise OfflineGuardError(address[:2])


def install() -> None:
    """Patch this process's sockets (idempotent)."""
    if _originals:
        return
    cls = socket.socket
    _originals.update(connect=cls.connect, connect_ex=cls.connect_ex, sendto=cls.sendto,
                      getaddrinfo=socket.getaddrinfo)

    def connect(self, address):
        check_address(self.family, address)
        return _originals["connect"](self, address)

    def connect_ex(self, address):
        check_address(self.family, address)
        return _originals["connect_ex"](self, address)

    def sendto(self, data, *args):
        check_address(self.family, args[-1])
        return _originals["sendto"](self, data, *args)

    def getaddrinfo(host, *args, **kwargs):
        if not is_loopback(host):
            try:
                ipaddress.ip_address(str(host).split("%", 1)[0])
            except ValueError:  # a name: resolving it would ask a DNS server
                raise OfflineGuardError(host) from None
        return _originals["getaddrinfo"](host, *args, **kwargs)

    cls.connect, cls.connect_ex, cls.sendto = connect, connect_ex, sendto
    socket.getaddrinfo = getaddrinfo


def uninstall() -> None:
    """Undo :func:`install`."""
    if not _originals:
        return
    cls = socket.socket
    cls.connect, cls.connect_ex, cls.sendto = (_originals["connect"], _originals["connect_ex"],
                                               _originals["sendto"])
    socket.getaddrinfo = _originals["getaddrinfo"]
    _originals.clear()
