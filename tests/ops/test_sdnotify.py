"""The sd_notify protocol against a real AF_UNIX datagram socket, path and abstract."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitewatch.ops.sdnotify import SdNotifier, socket_address, watchdog_seconds


class Listener:
    """A stand-in for systemd's notify socket: collects every datagram."""

    def __init__(self, address: str | bytes) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)
        self.sock.settimeout(0.1)
        self.messages: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                continue
            except OSError:
                return

    def wait_for(self, predicate: object, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if callable(predicate) and predicate(self.messages):
                return
            time.sleep(0.02)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def path_listener() -> Iterator[tuple[str, Listener]]:
    folder = Path(tempfile.mkdtemp(prefix="sd-", dir="/tmp"))  # AF_UNIX paths are short
    path = str(folder / "notify")
    listener = Listener(path)
    yield path, listener
    listener.close()
    Path(path).unlink(missing_ok=True)
    folder.rmdir()


def test_unset_socket_is_a_no_op() -> None:
    notifier = SdNotifier(environ={})
    assert not notifier.enabled
    assert notifier.ready() is False and notifier.status("x") is False
    assert notifier.ping() is False and notifier.stopping() is False


def test_ready_status_stopping_reach_a_path_socket(path_listener: tuple[str, Listener]) -> None:
    path, listener = path_listener
    notifier = SdNotifier(environ={"NOTIFY_SOCKET": path})
    assert notifier.ready(status="starting")
    assert notifier.status("polled 2 sites, 1 incidents, queue 0")
    assert notifier.stopping()
    listener.wait_for(lambda m: len(m) == 3)
    assert listener.messages == [
        "READY=1\nSTATUS=starting",
        "STATUS=polled 2 sites, 1 incidents, queue 0",
        "STOPPING=1",
    ]


def test_abstract_namespace_socket() -> None:
    name = f"sitewatch-test-{uuid.uuid4().hex}"
    assert socket_address(f"@{name}") == b"\0" + name.encode()
    listener = Listener(b"\0" + name.encode())
    try:
        assert SdNotifier(environ={"NOTIFY_SOCKET": f"@{name}"}).ready()
        listener.wait_for(lambda m: m)
        assert listener.messages == ["READY=1"]
    finally:
        listener.close()


def test_watchdog_only_when_asked_and_for_this_process(
    path_listener: tuple[str, Listener],
) -> None:
    path, listener = path_listener
    assert watchdog_seconds({"WATCHDOG_USEC": "300000000"}) == 300.0
    assert watchdog_seconds({"WATCHDOG_USEC": "0"}) is None
    assert watchdog_seconds({"WATCHDOG_USEC": "5000000", "WATCHDOG_PID": "1"}) is None
    mine = {"WATCHDOG_USEC": "6000000", "WATCHDOG_PID": str(os.getpid()), "NOTIFY_SOCKET": path}
    notifier = SdNotifier(environ=mine)
    assert notifier.ping_interval(default=30.0) == pytest.approx(2.0)
    assert notifier.ping()
    assert SdNotifier(environ={"NOTIFY_SOCKET": path}).ping() is False  # no WatchdogSec=
    listener.wait_for(lambda m: m)
    assert listener.messages == ["WATCHDOG=1"]


def test_a_dead_socket_never_raises(tmp_path: Path) -> None:
    notifier = SdNotifier(environ={"NOTIFY_SOCKET": str(tmp_path / "gone")})
    assert notifier.ready() is False
    assert notifier.status("still fine") is False
