"""The connections a fetch makes: one wall-clock deadline, and public addresses only.

:class:`GuardedBackend` is an httpcore network backend. Every connection of a
fetch goes through it (the first request and every redirect hop), so it is the
one place that resolves a host name, refuses an address that is not public
(unless private addresses are allowed), and bounds every connect, TLS
handshake, read and write by what is left of the fetch's deadline: a server
that drips its headers a byte at a time cannot hold a fetch past it.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore

SOCKET_OPTIONS = Iterable[Any]


class BlockedAddress(Exception):
    """A host resolves to a loopback, private, link-local or otherwise non-public address."""

    def __init__(self, host: str, address: str) -> None:
        where = address if host.strip("[]") == address else f"{host} ({address})"
        super().__init__(f"{where} is a private or local address")
        self.host = host
        self.address = address


def is_public(address: str) -> bool:
    """True for an address on the public internet (not loopback, private, link-local,
    shared, reserved, multicast or unspecified); an IPv4-mapped IPv6 address counts as IPv4."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _remaining(deadline: float) -> float:
    return deadline - time.monotonic()


def resolve(host: str, port: int, deadline: float) -> list[str]:
    """The addresses of ``host``, looked up in a thread so the deadline bounds the lookup."""
    found: list[list[str]] = []
    failed: list[OSError] = []

    def look_up() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            found.append([str(info[4][0]) for info in infos])
        except OSError as error:
            failed.append(error)

    worker = threading.Thread(target=look_up, daemon=True)
    worker.start()
    worker.join(max(_remaining(deadline), 0.0))
    if failed:
        raise httpcore.ConnectError(f"cannot resolve {host} ({failed[0]})")
    if not found:
        raise httpcore.ConnectTimeout(f"resolving {host} took too long")
    return list(dict.fromkeys(found[0]))


class GuardedBackend(httpcore.NetworkBackend):
    """Connections bounded by ``deadline`` (a ``time.monotonic()`` value), to public
    addresses only unless ``allow_private``."""

    def __init__(self, deadline: float, allow_private: bool) -> None:
        self.deadline = deadline
        self.allow_private = allow_private
        self.inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: SOCKET_OPTIONS | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve(host, port, self.deadline)
        if not self.allow_private:
            for address in addresses:
                if not is_public(address):
                    raise BlockedAddress(host, address)
        # Connect to an address checked above, never to the name: a second lookup
        # could answer differently (DNS rebinding). Each in turn, as the system would.
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:
            limit = bounded(timeout, self.deadline, httpcore.ConnectTimeout)
            try:
                stream = self.inner.connect_tcp(address, port, limit, local_address,
                                                socket_options)  # fmt: skip
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
                continue
            return DeadlineStream(stream, self.deadline)
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None,
        socket_options: SOCKET_OPTIONS | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def bounded(timeout: float | None, deadline: float, expired: type[Exception]) -> float:
    """``timeout`` cut to what is left before ``deadline``; ``expired`` raised when nothing is."""
    left = _remaining(deadline)
    if left <= 0:
        raise expired("the fetch's deadline passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A stream whose every read and write waits at most until ``deadline``."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self.inner = inner
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, bounded(timeout, self.deadline, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, bounded(timeout, self.deadline, httpcore.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        limit = bounded(timeout, self.deadline, httpcore.ConnectTimeout)
        return DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, limit),
                              self.deadline)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)
