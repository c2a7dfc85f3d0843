"""The suite's socket guard refuses any non-loopback connection."""

from __future__ import annotations

import socket

import pytest


def test_non_loopback_connection_is_refused() -> None:
    with socket.socket() as s, pytest.raises(OSError, match="only connect to loopback"):
        s.connect(("192.0.2.1", 80))  # TEST-NET-1: never reached


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket() as client:
            client.connect(server.getsockname())
