"""Scale-out: N `sitewatch run` workers against one PostgreSQL share the sites and the outbox.

Three worker processes poll 30 blogs (one HTTP fake hosting them all) and mail through a real
SMTP server (aiosmtpd). One worker is SIGKILLed while it holds site leases. Afterwards every
post has exactly one digest and at most one incident, every message reached the SMTP server
once (a kill between sending and marking sent may legitimately repeat one Message-ID), and
the killed worker's sites were polled again within the lease expiry.
"""

from __future__ import annotations

import email
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from blogfarm import BlogFarm, district_toml
from sqlalchemy import func, select

from sitewatch.config import Settings
from sitewatch.models import Approval, Finding, Post, ScanResult, Severity, Site
from sitewatch.notify.email import IncidentMailer
from sitewatch.sites import registry
from sitewatch.store.models import AuditEventRow, IncidentRow, OutboxRow, PostDigestRow, SiteRow
from sitewatch.store.repository import ScannedPost, Store, content_digest

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SITES = 30
WORKERS = 3
LEASE_SECONDS = 8.0
POLL_INTERVAL = 1.0


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def ids(self) -> Counter[str]:
        return Counter(str(m["Message-ID"]) for m in self.messages)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    box, port = Inbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def wait_for(check: Callable[[], bool], timeout: float, what: object) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return time.monotonic()
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def start_worker(config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "sitewatch", "run", "--config", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )


def test_outbox_rows_are_leased_to_one_worker_and_lapse(
    pg_url: str, make_settings: Callable[..., Settings]
) -> None:
    now = [datetime(2026, 11, 2, 15, 0, tzinfo=UTC)]
    store = Store.open(pg_url, clock=lambda: now[0])
    try:
        site = Site(
            "band", "demo", "/f", "s@lakeview.k12.us",
            Approval("D", date(2026, 1, 1), "R", date(2099, 1, 1)),
        )  # fmt: skip
        store.sync_sites(registry([site], date(2026, 11, 2)))
        settings = make_settings(notify={"tech_staff": ["t@lakeview.k12.us"]})
        finding = Finding("rule.threat", 0, 3, 1.0, "rules", "threat", Severity.CRITICAL)
        posts = [
            ScannedPost(Post(str(i), "x"), content_digest("x"), ScanResult((finding,)))
            for i in range(3)
        ]
        store.record_page("band", posts, "c", IncidentMailer(settings))
        first = store.due_outbox(2, worker="a", lease_seconds=10)
        assert len(first) == 2
        rest = store.due_outbox(worker="b", lease_seconds=10)
        assert [i.id for i in rest] == [max(i.id for i in [*first, *rest])]  # only the third
        assert store.due_outbox(worker="c", lease_seconds=10) == []
        store.mark_sent(first[0].id, "x")
        store.release_outbox([first[1].id], "a")
        assert [i.id for i in store.due_outbox(worker="c", lease_seconds=10)] == [first[1].id]
        now[0] += timedelta(seconds=11)  # "b" and "c" died: their claims lapse
        assert len(store.due_outbox(worker="d", lease_seconds=10)) == 2
        with store.sessions() as s:
            owners = set(s.scalars(select(OutboxRow.lease_owner)))
        assert owners == {None, "d"}
    finally:
        store.close()


def test_three_workers_share_sites_and_survive_a_sigkill(
    pg_url: str, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    box, smtp_port = inbox
    names = [f"blog{i:02d}" for i in range(SITES)]
    farm = BlogFarm(names).start()
    planted: dict[str, list[str]] = {n: [] for n in names}
    threats: set[tuple[str, str]] = set()

    def plant(round_: int) -> None:
        for n in names:
            blog = farm.blogs[n]
            for k in range(3):
                threat = k == 1
                text = "I will bring a gun" if threat else f"Rehearsal notes {round_}.{k}"
                post = blog.add_post(f"<p>{text}</p>")
                planted[n].append(blog.post_guid(post))
                if threat:
                    threats.add((n, blog.post_guid(post)))

    plant(0)
    config = district_toml(
        tmp_path / "sitewatch.toml",
        farm,
        store_url=pg_url,
        sites=names,
        daemon={
            "poll_interval": POLL_INTERVAL,
            "lease_seconds": LEASE_SECONDS,
            "backoff_initial": 1.0,
        },
        smtp_port=smtp_port,
    )
    store: Store | None = None
    workers: list[subprocess.Popen[bytes]] = []
    logs = [tmp_path / f"worker{i}.log" for i in range(WORKERS)]
    try:
        for log in logs:
            workers.append(start_worker(config, log))
        wait_for(
            lambda: all(b"daemon started" in log.read_bytes() for log in logs),
            30,
            "three workers to start",
        )
        store = Store.open(pg_url, migrate=False)  # the workers migrated it, one at a time

        # Kill a worker while it holds site leases (it is polling them).
        def holders() -> dict[int, list[str]]:
            with store.sessions() as s:
                rows = s.execute(
                    select(SiteRow.name, SiteRow.lease_owner).where(
                        SiteRow.lease_owner.is_not(None)
                    )
                ).all()
            by_pid: dict[int, list[str]] = {}
            for name, owner in rows:
                by_pid.setdefault(int(owner.split(":")[1]), []).append(name)
            return by_pid

        seen: dict[int, list[str]] = {}

        def someone_holds_leases() -> bool:
            seen.clear()
            seen.update(holders())
            return any(w.pid in seen for w in workers)

        wait_for(someone_holds_leases, 20, "a worker to hold site leases")
        victim = next(w for w in workers if w.pid in seen)
        victim.send_signal(signal.SIGKILL)
        victim.wait(5)
        killed_at = datetime.now(UTC)
        with store.sessions() as s:
            expiry = dict(
                s.execute(
                    select(SiteRow.name, SiteRow.lease_expires_at).where(
                        SiteRow.lease_owner.like(f"%:{victim.pid}:%")
                    )
                ).all()
            )
        orphaned = sorted(expiry)
        assert orphaned, "the killed worker held no lease any more"

        plant(1)  # new posts arrive after the kill: the survivors must find them all

        state: dict[str, Any] = {"orphaned": orphaned}

        def done() -> bool:
            with store.sessions() as s:
                digests = s.scalar(select(func.count()).select_from(PostDigestRow))
                pending = s.scalar(
                    select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "pending")
                )
                resumed = s.scalar(
                    select(func.count())
                    .select_from(SiteRow)
                    .where(SiteRow.name.in_(orphaned), SiteRow.last_success_at > killed_at)
                )
            total = sum(len(v) for v in planted.values())
            state.update(digests=digests, total=total, pending=pending, resumed=resumed)
            return digests == total and pending == 0 and resumed == len(orphaned)

        wait_for(done, LEASE_SECONDS + 25, state)
        for w in workers:
            if w is not victim:
                w.send_signal(signal.SIGTERM)
        for w in workers:
            assert w.wait(15) in (0, -signal.SIGKILL)

        with store.sessions() as s:
            digests = Counter(
                (name, pid)
                for name, pid in s.execute(
                    select(SiteRow.name, PostDigestRow.post_id).join(
                        SiteRow, SiteRow.id == PostDigestRow.site_id
                    )
                )
            )
            incidents = Counter(
                (name, pid)
                for name, pid in s.execute(
                    select(SiteRow.name, IncidentRow.post_id).join(
                        SiteRow, SiteRow.id == IncidentRow.site_id
                    )
                )
            )
            opened = s.scalar(
                select(func.count())
                .select_from(AuditEventRow)
                .where(AuditEventRow.action == "incident.opened")
            )
            updated = s.scalar(
                select(func.count())
                .select_from(AuditEventRow)
                .where(AuditEventRow.action == "incident.updated")
            )
            outbox = list(s.execute(select(OutboxRow.message_id, OutboxRow.status)))
            resumed_at = dict(
                s.execute(
                    select(SiteRow.name, SiteRow.last_success_at).where(SiteRow.name.in_(orphaned))
                ).all()
            )

        # Every planted post scanned exactly once; one incident per threatening post.
        expected = {(n, pid) for n, pids in planted.items() for pid in pids}
        assert set(digests) == expected and set(digests.values()) == {1}
        assert set(incidents) == threats and set(incidents.values()) == {1}
        assert opened == len(threats) and updated == 0  # no post was filed twice

        # Every message sent; each Message-ID arrived once (at most one repeat after a kill
        # between sending and marking sent).
        assert {st for _, st in outbox} == {"sent"} and len(outbox) == len(threats)
        received = box.ids()
        assert set(received) == {mid for mid, _ in outbox}
        assert sum(n - 1 for n in received.values()) <= 1, received.most_common(3)

        # The killed worker's sites were taken over once its leases lapsed.
        # Not before the lease lapsed (no site is polled twice at once), and promptly after.
        for name in orphaned:
            when, lapsed = resumed_at[name], expiry[name]
            assert when is not None and when >= lapsed
            assert when - lapsed < timedelta(seconds=POLL_INTERVAL + 6), (name, when, lapsed)
        polled_by = {
            line.split(b'"worker": "')[1].split(b'"')[0]
            for log in logs
            for line in log.read_bytes().splitlines()
            if b"daemon started" in line
        }
        assert len(polled_by) == WORKERS
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait(5)
        if store is not None:
            store.close()
        farm.stop()
