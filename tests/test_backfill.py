"""Backfill: history since a date, resumable, quiet unless --notify; the demo connector on
SQLite and PostgreSQL, and the RSS connector against the fake WordPress blog."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sitewatch_connectors.demo import DemoConnector
from sitewatch_connectors.rss import RssConnector
from sqlalchemy import func, select

from fakes.rss import RssFake
from sitewatch.backfill import Backfill, BackfillError
from sitewatch.bootstrap import build_pipeline
from sitewatch.config import Settings
from sitewatch.models import Page, Site
from sitewatch.notify.outbox import OutboxDrainer, make_transport
from sitewatch.scan.pipeline import ScanPipeline
from sitewatch.store.models import AuditEventRow, BackfillRow, IncidentRow, OutboxRow
from sitewatch.store.repository import Store

sys.path.insert(0, str(Path(__file__).parent / "connectors"))
from test_rss import RssHarness  # the RSS connector tests' harness

SINCE = date(2026, 1, 1)
THREAT = "I will bring a gun to practice"


def feed_lines() -> list[dict[str, Any]]:
    """Three posts before SINCE (one a threat), six after (two threats)."""
    lines: list[dict[str, Any]] = []
    for i in range(3):
        text = THREAT if i == 1 else f"Old concert notes {i}"
        lines.append({"id": f"old{i}", "text": text, "created_at": f"2025-0{i + 3}-10T12:00:00Z"})
    for i in range(6):
        text = f"{THREAT} {i}" if i in (2, 4) else f"Rehearsal moved to room {i}"
        lines.append({"id": f"new{i}", "text": text, "created_at": f"2026-0{i + 2}-10T12:00:00Z"})
    return lines


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in feed_lines()), encoding="utf-8")
    return path


@pytest.fixture
def settings(
    make_settings: Callable[..., Settings],
    demo_site: Callable[..., dict[str, Any]],
    feed: Path,
    store_url: str,
) -> Settings:
    return make_settings(
        store={"url": store_url},
        detection={"detectors": ["rules"]},
        notify={"tech_staff": ["tech@lakeview.k12.us"]},
        sites=[
            demo_site(feed, options={"page_size": 2}),
            demo_site(feed, name="chess", approval=None),
        ],
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store.open(settings.store_url)
    yield s
    s.close()


class CountingPipeline:
    """The real pipeline, counting which texts it scanned."""

    def __init__(self, inner: ScanPipeline) -> None:
        self.inner = inner
        self.policy = inner.policy
        self.scanned: Counter[str] = Counter()

    def scan(self, text: str) -> Any:
        self.scanned[text] += 1
        return self.inner.scan(text)

    def scan_many(self, texts: list[str]) -> Any:
        self.scanned.update(texts)
        return self.inner.scan_many(texts)


class Killed(Exception):
    """Stands in for the process being killed."""


class KillAfter:
    """A connector that 'dies' on its ``n``-th fetch."""

    def __init__(self, inner: Any, n: int) -> None:
        self.inner, self.n, self.calls = inner, n, 0
        self.platform = inner.platform

    def fetch(self, site: Site, cursor: str | None) -> Page:
        self.calls += 1
        if self.calls == self.n:
            raise Killed
        page: Page = self.inner.fetch(site, cursor)
        return page


def job(settings: Settings, store: Store, connector: Any) -> tuple[Backfill, CountingPipeline]:
    pipeline = CountingPipeline(build_pipeline(settings, None))
    return Backfill(settings, store, pipeline, connector), pipeline  # type: ignore[arg-type]


def count(store: Store, model: Any) -> int:
    with store.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_quiet_backfill_files_only_new_posts_and_keeps_the_polling_cursor(
    settings: Settings, store: Store
) -> None:
    backfill, pipeline = job(settings, store, DemoConnector())
    mailer_site = backfill._site("band")  # synced into the store
    store.record_page(mailer_site.name, [], "polling-cursor", backfill.mailer)

    progress = backfill.run("band", SINCE, actor="alice")
    assert progress.finished and not progress.resumed
    assert progress.posts_seen == 6 and progress.posts_before_since == 3
    assert len(progress.incidents_opened) == 2
    assert progress.notifications == 0
    assert not any("Old" in t or t == THREAT for t in pipeline.scanned)  # old posts skipped
    assert store.get_cursor("band") == "polling-cursor"  # the site's cursor did not move
    assert count(store, OutboxRow) == 0  # no mail
    with store.sessions() as s:
        rows = list(s.scalars(select(IncidentRow)))
        job_row = s.scalar(select(BackfillRow))
        actions = [a for (a,) in s.execute(select(AuditEventRow.action))]
    assert {r.post_id for r in rows} == {"new2", "new4"}
    assert all(r.escalate_at is None for r in rows)  # no escalation clock
    assert all(r.digest_sent_at is not None for r in rows)  # not in the daily digest
    assert job_row is not None and job_row.finished_at is not None
    assert job_row.posts_scanned == 6 and job_row.notify is False
    assert actions.count("incident.opened") == 2
    assert "backfill.started" in actions and "backfill.finished" in actions

    again = backfill.run("band", SINCE)
    assert again.already_finished and again.posts_seen == 0


def test_a_killed_backfill_resumes_and_loses_or_repeats_nothing(
    settings: Settings, store: Store
) -> None:
    first, p1 = job(settings, store, KillAfter(DemoConnector(), 4))
    with pytest.raises(Killed):
        first.run("band", SINCE)
    with store.sessions() as s:
        row = s.scalar(select(BackfillRow))
        assert row is not None and row.finished_at is None and row.cursor is not None
    second, p2 = job(settings, store, DemoConnector())  # a new process
    progress = second.run("band", SINCE)
    assert progress.resumed and progress.finished
    scanned = p1.scanned + p2.scanned
    wanted = {x["text"] for x in feed_lines() if x["id"].startswith("new")}
    assert set(scanned) == wanted
    assert all(n == 1 for n in scanned.values())  # nothing scanned twice
    assert progress.posts_total == 6
    assert sorted(i.post_id or "" for i in store.list_incidents()) == ["new2", "new4"]


def test_a_crash_inside_the_commit_repeats_nothing(settings: Settings, store: Store) -> None:
    backfill, _ = job(settings, store, DemoConnector())
    real = store.record_page
    calls = {"n": 0}

    def crash_second(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise Killed  # before this page's transaction commits
        return real(*args, **kwargs)

    store.record_page = crash_second  # type: ignore[method-assign]
    with pytest.raises(Killed):
        backfill.run("band", SINCE)
    store.record_page = real  # type: ignore[method-assign]
    progress = job(settings, store, DemoConnector())[0].run("band", SINCE)
    assert progress.finished
    with store.sessions() as s:
        row = s.scalar(select(BackfillRow))
    assert row is not None and row.posts_scanned == 6
    assert sorted(i.post_id or "" for i in store.list_incidents()) == ["new2", "new4"]
    opened = [e for e in store.audit_events(500) if e.action == "incident.opened"]
    assert len(opened) == 2


def test_notify_mails_the_incidents_found(settings: Settings, store: Store) -> None:
    backfill, _ = job(settings, store, DemoConnector())
    progress = backfill.run("band", SINCE, notify=True)
    assert progress.notifications == 2
    with store.sessions() as s:
        assert all(r.escalate_at is not None for r in s.scalars(select(IncidentRow)))
    delivered, failed = OutboxDrainer(store, make_transport(settings)).drain()
    assert failed == 0 and len(delivered) == 2
    files = list(settings.outbox_path.glob("*.eml"))
    assert len(files) == 2
    assert all(b"gun" not in f.read_bytes() or b"rule.threat" in f.read_bytes() for f in files)


def test_an_unapproved_or_unknown_site_is_refused(settings: Settings, store: Store) -> None:
    backfill, _ = job(settings, store, DemoConnector())
    with pytest.raises(BackfillError, match="not monitored"):
        backfill.run("chess", SINCE)
    with pytest.raises(Exception, match="unknown site"):
        backfill.run("nope", SINCE)


# -- RSS, against the fake WordPress blog ----------------------------------------------------
@pytest.fixture
def fake() -> Iterator[RssFake]:
    server = RssFake()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def rss_settings(
    make_settings: Callable[..., Settings], harness: RssHarness, tmp_path: Path
) -> Settings:
    site = harness.site(comments_feed="")
    return make_settings(
        store={"url": f"sqlite:///{tmp_path / 'rss.db'}"},
        detection={"detectors": ["rules"]},
        sites=[
            {
                "name": site.name,
                "platform": "rss",
                "target": site.target,
                "endpoint": site.endpoint,
                "sponsor": site.sponsor,
                "options": dict(site.options),
                "approval": {"by": "D", "on": "2026-01-01", "ref": "S", "review_by": "2099-01-01"},
            }
        ],
    )


def test_rss_backfill_resumes_after_an_interruption(
    fake: RssFake, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    harness = RssHarness(fake, "rss")  # three items per fetch
    old = fake.add_post(f"<p>{THREAT} last year</p>")
    old.published = old.modified = datetime(2025, 5, 1, tzinfo=UTC)
    texts = [f"Practice notes {i}" if i % 3 else f"{THREAT} {i}" for i in range(8)]
    for text in texts:
        harness.add_post(text)
    settings = rss_settings(make_settings, harness, tmp_path)
    store = Store.open(settings.store_url)
    try:
        name = settings.sites[0].name
        first, p1 = job(settings, store, KillAfter(RssConnector(), 3))
        with pytest.raises(Killed):
            first.run(name, SINCE)
        assert first.store.get_cursor(name) is None  # polling cursor untouched
        second, p2 = job(settings, store, RssConnector())
        progress = second.run(name, SINCE)
        assert progress.resumed and progress.finished
        scanned = p1.scanned + p2.scanned
        assert not any("last year" in s for s in scanned)  # older than --since
        assert len(scanned) == 8 and all(n == 1 for n in scanned.values())
        assert all(any(t in s for s in scanned) for t in texts)
        assert len(store.list_incidents()) == 3  # items 0, 3, 6
        assert count(store, OutboxRow) == 0
        assert store.get_cursor(name) is None
    finally:
        store.close()
