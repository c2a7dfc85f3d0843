"""The file outbox and the drainer: at-least-once, one file per Message-ID, retries."""

from __future__ import annotations

import email
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sitewatch.models import Approval, Finding, Post, ScanResult, Severity, Site
from sitewatch.notify.email import IncidentMailer
from sitewatch.notify.outbox import OutboxDrainer
from sitewatch.notify.transports import DeliveryError, FileTransport
from sitewatch.sites import registry
from sitewatch.store.repository import ScannedPost, Store, content_digest


def test_file_transport_writes_one_file_per_message_id(tmp_path: Path) -> None:
    transport = FileTransport(tmp_path / "outbox")
    first = transport.deliver("<incident-1.new.1@x>", ["a@b"], b"Subject: a\r\n\r\nbody")
    again = transport.deliver("<incident-1.new.1@x>", ["a@b"], b"Subject: a\r\n\r\nbody")
    assert first == again == str(tmp_path / "outbox" / "incident-1.new.1_x.eml")
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == ["incident-1.new.1_x.eml"]


def test_file_transport_reports_an_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DeliveryError, match="cannot write"):
        FileTransport(blocker / "outbox").deliver("<m@x>", ["a@b"], b"x")


class Flaky:
    name = "flaky"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.delivered: list[str] = []

    def deliver(self, message_id: str, recipients: Sequence[str], message: bytes) -> str:
        if self.failures:
            self.failures -= 1
            raise DeliveryError("server down")
        self.delivered.append(message_id)
        return "ok"


def test_drain_retries_until_delivered_exactly_once(tmp_path: Path, make_settings) -> None:  # type: ignore[no-untyped-def]
    now = [datetime(2026, 11, 2, tzinfo=UTC)]
    store = Store.open(f"sqlite:///{tmp_path / 's.db'}", clock=lambda: now[0])
    site = Site(
        "band",
        "demo",
        "/f",
        "s@lakeview.k12.us",
        Approval("D", date(2026, 1, 1), "R", date(2099, 1, 1)),
    )
    store.sync_sites(registry([site], date(2026, 11, 2)))
    finding = Finding("pii.phone", 0, 3, 0.9, "phone", "phone number", Severity.MEDIUM)
    posts = [
        ScannedPost(Post(str(i), "x"), content_digest("x"), ScanResult((finding,)))
        for i in range(3)
    ]
    store.record_page("band", posts, "c", IncidentMailer(make_settings()))
    flaky = Flaky(failures=2)
    drainer = OutboxDrainer(store, flaky, max_attempts=5)
    delivered, failed = drainer.drain()
    assert (delivered, failed) == ([], 1)  # first fails, the batch stops and backs off
    delivered, failed = drainer.drain()
    assert (delivered, failed) == ([], 1)  # the next message is tried once, fails, backs off
    assert drainer.drain() == (["ok"], 0)  # the third goes; the first two wait out backoff
    assert drainer.drain() == ([], 0)
    for _ in range(5):
        now[0] += timedelta(hours=1)
        drainer.drain()
    assert sorted(flaky.delivered) == sorted(set(flaky.delivered))
    assert len(flaky.delivered) == 3
    assert store.outbox_counts() == {"sent": 3}
    store.close()


def test_crash_between_deliver_and_mark_sent_redelivers_same_message_id(
    tmp_path: Path,
    make_settings,  # type: ignore[no-untyped-def]
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 's.db'}")
    site = Site(
        "band",
        "demo",
        "/f",
        "s@lakeview.k12.us",
        Approval("D", date(2026, 1, 1), "R", date(2099, 1, 1)),
    )
    store.sync_sites(registry([site], date(2026, 11, 2)))
    finding = Finding("pii.phone", 0, 3, 0.9, "phone", "phone number", Severity.MEDIUM)
    store.record_page(
        "band",
        [ScannedPost(Post("1", "x"), "d", ScanResult((finding,)))],
        "c",
        IncidentMailer(make_settings()),
    )
    transport = FileTransport(tmp_path / "outbox")
    (item,) = store.due_outbox()
    transport.deliver(item.message_id, item.recipients, item.message)  # then "crash"
    OutboxDrainer(store, transport).drain()  # restart: delivered again
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    msg = email.message_from_bytes(files[0].read_bytes())
    assert msg["Message-ID"] == item.message_id
    assert store.outbox_counts() == {"sent": 1}
    store.close()
