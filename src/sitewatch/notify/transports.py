"""Delivery transports. The file outbox is the embedded default; SMTP comes with issue 6."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class DeliveryError(Exception):
    """Delivery failed. ``permanent`` failures are not retried (e.g. a rejected address)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        self.permanent = permanent
        super().__init__(message)


class FileTransport:
    """Writes each message as ``<Message-ID>.eml`` in a folder, atomically.

    The file name comes from the Message-ID, so delivering the same message twice (a crash
    between writing and marking it sent) leaves one file, never two.
    """

    name = "file"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, message_id: str) -> Path:
        stem = _UNSAFE.sub("_", message_id.strip("<>")) or "message"
        return self.directory / f"{stem}.eml"

    def deliver(self, message_id: str, recipients: Sequence[str], message: bytes) -> str:
        target = self.path_for(message_id)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".eml", dir=self.directory)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(message)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise DeliveryError(f"cannot write {target}: {exc.strerror or exc}") from None
        return str(target)
