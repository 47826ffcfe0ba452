"""A guard that refuses every connection but to this machine, and remembers the attempts:
proof that a build or a command stayed offline."""

from __future__ import annotations

import ipaddress
import socket

import pytest


class NetworkGuard:
    """Refuses every connection except to this machine, and remembers the attempts."""

    def __init__(self) -> None:
        self.attempts: list[object] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real_connect = socket.socket.connect

        def connect(sock: socket.socket, address: object) -> object:
            host = address[0] if isinstance(address, tuple) else None
            if host is None or not _is_loopback(host):
                self.attempts.append(address)
                raise OSError(f"test: network access to {address!r} is forbidden")
            return real_connect(sock, address)

        def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
            if host not in (None, "localhost") and not _is_loopback(str(host)):
                self.attempts.append(host)
                raise socket.gaierror(f"test: no name resolution for {host!r}")
            return real_getaddrinfo(host, *args, **kwargs)

        real_getaddrinfo = socket.getaddrinfo
        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
