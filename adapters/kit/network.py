"""Keeping adapter tests off the network.

``NetworkGuard`` is a context manager: while it is active, every attempt of
the process to reach a host not on its allowed list is refused and recorded.
It watches the three ways Python code leaves the machine: ``socket.connect``
(and ``connect_ex``), which every TCP client ends in (httpx, asyncio's
streams, the standard library); ``sendto`` on an unconnected datagram socket;
and ``socket.getaddrinfo``, so that not even a DNS query for another host goes
out. Unix-domain sockets are local and pass.

A refused connection raises ``NetworkBlocked``, an ``OSError`` like a real
unreachable host, so an adapter that handles outages handles it too; the
attempt stays in ``attempts`` for the contract suite to report, whatever the
adapter made of the error.

It patches the ``socket`` module for the whole process while active, so only
one guard may be active at a time.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

_INTERNET_FAMILIES = frozenset({socket.AF_INET, socket.AF_INET6})
_LOCALHOST_ADDRESSES = ("127.0.0.1", "::1")
_active_lock = threading.Lock()


class NetworkBlocked(ConnectionRefusedError):
    """A connection the guard refused: the host is not on the allowed list."""


@dataclass(frozen=True)
class BlockedAttempt:
    """One refused attempt: how it was made and where it was going."""

    how: str
    host: str
    port: int | None

    def __str__(self) -> str:
        where = self.host if self.port is None else f"{self.host}:{self.port}"
        return f"{self.how} {where}"


class NetworkGuard:
    """Refuses, and records, every connection but to ``allowed_hosts``.

    Hosts are names or IP addresses; ``localhost`` stands for 127.0.0.1 and
    ::1 too.
    """

    def __init__(self, allowed_hosts: Iterable[str] = ()) -> None:
        self.allowed_hosts = tuple(allowed_hosts)
        self._allowed = _allowed_addresses(self.allowed_hosts)
        self._attempts: list[BlockedAttempt] = []
        self._originals: dict[str, Any] = {}

    @property
    def attempts(self) -> tuple[BlockedAttempt, ...]:
        """What was refused so far, oldest first."""
        return tuple(self._attempts)

    def allows(self, host: str) -> bool:
        return _normalised(host) in self._allowed

    def __enter__(self) -> NetworkGuard:
        if not _active_lock.acquire(blocking=False):
            raise RuntimeError("another NetworkGuard is already active")
        self._originals = {
            "connect": socket.socket.connect,
            "connect_ex": socket.socket.connect_ex,
            "sendto": socket.socket.sendto,
            "getaddrinfo": socket.getaddrinfo,
        }
        socket.socket.connect = self._guarded_connect(  # type: ignore[method-assign]
            self._originals["connect"], "connect to"
        )
        socket.socket.connect_ex = self._guarded_connect(  # type: ignore[method-assign]
            self._originals["connect_ex"], "connect to"
        )
        socket.socket.sendto = self._guarded_sendto(  # type: ignore[method-assign]
            self._originals["sendto"]
        )
        socket.getaddrinfo = self._guarded_getaddrinfo(self._originals["getaddrinfo"])
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        socket.socket.connect = self._originals["connect"]  # type: ignore[method-assign]
        socket.socket.connect_ex = self._originals["connect_ex"]  # type: ignore[method-assign]
        socket.socket.sendto = self._originals["sendto"]  # type: ignore[method-assign]
        socket.getaddrinfo = self._originals["getaddrinfo"]
        _active_lock.release()

    def _refuse(self, how: str, host: str, port: int | None) -> NetworkBlocked:
        attempt = BlockedAttempt(how=how, host=host, port=port)
        self._attempts.append(attempt)
        return NetworkBlocked(
            f"network access is off in these tests: refused to {attempt}"
        )

    def _guarded_connect(self, original: Any, how: str) -> Any:
        guard = self

        def connect(sock: socket.socket, address: Any) -> Any:
            if sock.family in _INTERNET_FAMILIES:
                host, port = str(address[0]), int(address[1])
                if not guard.allows(host):
                    raise guard._refuse(how, host, port)
            return original(sock, address)

        return connect

    def _guarded_sendto(self, original: Any) -> Any:
        guard = self

        def sendto(sock: socket.socket, data: Any, *rest: Any) -> Any:
            address = rest[-1] if rest else None
            if sock.family in _INTERNET_FAMILIES and isinstance(address, tuple):
                host, port = str(address[0]), int(address[1])
                if not guard.allows(host):
                    raise guard._refuse("send a datagram to", host, port)
            return original(sock, data, *rest)

        return sendto

    def _guarded_getaddrinfo(self, original: Any) -> Any:
        guard = self

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else host
            # An address literal needs no lookup; connecting to it is checked.
            if name is not None and not _is_address(name) and not guard.allows(name):
                blocked = guard._refuse("look up", name, None)
                raise socket.gaierror(socket.EAI_NONAME, str(blocked))
            return original(host, port, *args, **kwargs)

        return getaddrinfo


def _allowed_addresses(hosts: Iterable[str]) -> frozenset[str]:
    allowed: set[str] = set()
    for host in hosts:
        allowed.add(_normalised(host))
        if host == "localhost":
            allowed.update(_LOCALHOST_ADDRESSES)
    return frozenset(allowed)


def _normalised(host: str) -> str:
    """An address in its canonical spelling (``::1`` for ``0:0::1``), a name lower."""
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        return host.lower().rstrip(".")


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True
