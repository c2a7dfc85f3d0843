"""Draining the transactional outbox: deliver, then mark sent; retry with backoff.

Delivery is at least once: a crash between delivering and marking sent re-delivers the same
message under the same Message-ID (the file outbox then rewrites the same file).
"""

from __future__ import annotations

import random
import threading
import time
import uuid

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
    """Delivers due messages. With a ``worker`` id, each batch is leased to it first (see
    ``Store.due_outbox``), so N workers draining one PostgreSQL never send a message twice at
    once; a worker that dies mid-batch leaves leases that lapse after ``lease_seconds``."""

    def __init__(
        self,
        store: Store,
        transport: Notifier,
        max_attempts: int = 12,
        *,
        worker: str | None = None,
        lease_seconds: float = 600.0,
        batch_size: int = 20,
    ) -> None:
        self.store = store
        self.transport = transport
        self.max_attempts = max_attempts
        self.worker = worker or f"drainer:{uuid.uuid4().hex[:8]}"
        self.lease_seconds = lease_seconds
        self.batch_size = batch_size

    def drain(self, stop: threading.Event | None = None) -> tuple[list[str], int]:
        """Deliver every due message. Returns (where each went, how many failed)."""
        delivered: list[str] = []
        failed = 0
        while stop is None or not stop.is_set():
            batch = self.store.due_outbox(
                self.batch_size, worker=self.worker, lease_seconds=self.lease_seconds
            )
            if not batch:
                break
            # Stop sending from a batch well before its lease could lapse under us.
            renew_at = time.monotonic() + self.lease_seconds / 2
            pending = [item.id for item in batch]
            try:
                for item in batch:
                    if (stop is not None and stop.is_set()) or time.monotonic() > renew_at:
                        break
                    try:
                        where = self.transport.deliver(
                            item.message_id, item.recipients, item.message
                        )
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
                        pending.remove(item.id)
                        if exc.permanent:
                            continue  # this message is bad; the others may be fine
                        return delivered, failed  # the transport is down: back off, keep order
                    self.store.mark_sent(item.id, where)
                    pending.remove(item.id)
                    delivered.append(where)
            finally:
                # Unsettled messages go back at once (a killed process leaves them to expire).
                self.store.release_outbox(pending, self.worker)
        return delivered, failed
