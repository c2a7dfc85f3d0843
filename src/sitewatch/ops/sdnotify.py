"""The systemd notification protocol (``sd_notify``) with the standard library.

systemd passes ``$NOTIFY_SOCKET`` (a path, or ``@name`` for the abstract namespace) to a
``Type=notify`` service; each state is one datagram of ``KEY=value`` lines. Without the
variable (a terminal, tests, another supervisor) every call is a cheap no-op. The watchdog
interval comes from ``$WATCHDOG_USEC`` (``WatchdogSec=``), honoured only when
``$WATCHDOG_PID`` is unset or names this process.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Mapping

from sitewatch.logs import get_logger

log = get_logger("sitewatch.sdnotify")


def socket_address(value: str) -> str | bytes:
    """``@name`` is an abstract-namespace socket: the kernel wants a leading NUL byte."""
    if value.startswith("@"):
        return b"\0" + value[1:].encode()
    return value


def watchdog_seconds(environ: Mapping[str, str] | None = None) -> float | None:
    """The watchdog timeout systemd expects pings within, or None when it is off."""
    env = os.environ if environ is None else environ
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and pid != str(os.getpid()):
        return None
    return int(usec) / 1_000_000


class SdNotifier:
    """Sends READY/STATUS/WATCHDOG/RELOADING/STOPPING; never raises (monitoring must not
    take the daemon down), and logs a failing socket once."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        raw = env.get("NOTIFY_SOCKET", "")
        self.address: str | bytes | None = socket_address(raw) if raw else None
        self.watchdog: float | None = watchdog_seconds(env)
        self._warned = False

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def notify(self, *lines: str) -> bool:
        """Send one datagram; True if it was sent."""
        if self.address is None:
            return False
        payload = "\n".join(lines).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.connect(self.address)
                sock.sendall(payload)
        except OSError as exc:
            if not self._warned:
                self._warned = True
                log.warning("systemd notification failed", error=type(exc).__name__)
            return False
        return True

    def ready(self, status: str | None = None) -> bool:
        return self.notify("READY=1", *([f"STATUS={status}"] if status else []))

    def status(self, text: str) -> bool:
        return self.notify(f"STATUS={text}")

    def ping(self) -> bool:
        """WATCHDOG=1; only sent when systemd asked for it (``WatchdogSec=``)."""
        return self.watchdog is not None and self.notify("WATCHDOG=1")

    def reloading(self) -> bool:
        usec = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        return self.notify("RELOADING=1", f"MONOTONIC_USEC={usec}")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")

    def ping_interval(self, default: float) -> float:
        """How often to ping: a third of the watchdog timeout (well inside the half systemd
        recommends), or ``default`` when the watchdog is off."""
        if self.watchdog is None:
            return default
        return max(0.05, min(default, self.watchdog / 3))
