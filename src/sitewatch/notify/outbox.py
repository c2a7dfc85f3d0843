"""Draining the transactional outbox: deliver, then mark sent; retry with backoff.

Delivery is at least once: a crash between delivering and marking sent re-delivers the same
message under the same Message-ID (the file outbox then rewrites the same file).
"""

from __future__ import annotations

import random
import threading

from sitewatch.config import Settings
from sitewatch.logs import get_logger
from sitewatch.notify.transports import DeliveryError, FileTransport
from sitewatch.store.repository import Store
from sitewatch.typing import Notifier

log = get_logger("sitewatch.outbox")

RETRY_BASE_SECONDS = 30.0
RETRY_MAX_SECONDS = 3600.0


def make_transport(settings: Settings) -> Notifier:
    if settings.notify.smtp is not None:
        from sitewatch.notify.smtp import SmtpTransport

        return SmtpTransport(settings.notify.smtp)
    return FileTransport(settings.outbox_path)


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: 30 s, 60 s, 2 min … capped at an hour."""
    base = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2.0 ** max(0, attempts))
    return base * random.uniform(0.8, 1.2)


class OutboxDrainer:
    def __init__(self, store: Store, transport: Notifier, max_attempts: int = 12) -> None:
        self.store = store
        self.transport = transport
        self.max_attempts = max_attempts

    def drain(self, stop: threading.Event | None = None) -> tuple[list[str], int]:
        """Deliver every due message. Returns (where each went, how many failed)."""
        delivered: list[str] = []
        failed = 0
        while stop is None or not stop.is_set():
            batch = self.store.due_outbox()
            if not batch:
                break
            for item in batch:
                try:
                    where = self.transport.deliver(item.message_id, item.recipients, item.message)
                except DeliveryError as exc:
                    failed += 1
                    status = self.store.mark_failed(
                        item.id,
                        str(exc),
                        permanent=exc.permanent,
                        max_attempts=self.max_attempts,
                        retry_in=retry_delay(item.attempts),
                    )
                    log.error(
                        "notification not delivered",
                        outbox_id=item.id,
                        transport=self.transport.name,
                        error=str(exc),
                        status=status,
                    )
                    if exc.permanent:
                        continue  # this message is bad; the others may be fine
                    return delivered, failed  # the transport is down: back off, keep order
                self.store.mark_sent(item.id, where)
                delivered.append(where)
        return delivered, failed
