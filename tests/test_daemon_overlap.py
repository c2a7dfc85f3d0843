"""The daemon's page loop overlaps its stages (read-ahead, write-behind) and keeps the
sequential guarantees: pages recorded once each, in order, the cursor never past an
unrecorded page, errors surfacing after the pages before them are recorded."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from sitewatch.bootstrap import build_pipeline
from sitewatch.daemon import BUSY_PAUSE_SECONDS, Daemon
from sitewatch.exceptions import RetriableConnectorError
from sitewatch.models import AccessReport, Page, Post, Site
from sitewatch.store.repository import Store

SITE = "band"
WAIT = 5.0  # seconds a test waits for the other stage before it counts as not overlapping


class Pages:
    """``pages`` pages of ``per_page`` posts each (a phone number per post: one incident
    each); the cursor is the next page's number. ``fail_at``: that page's fetch fails."""

    platform: ClassVar[str] = "demo"

    def __init__(self, pages: int = 4, per_page: int = 3, fail_at: int | None = None) -> None:
        self.pages, self.per_page, self.fail_at = pages, per_page, fail_at
        self.fetch_started: dict[int, threading.Event] = {
            n: threading.Event() for n in range(pages)
        }
        self.threads: set[str] = set()

    def fetch(self, site: Site, cursor: str | None) -> Page:
        n = int(cursor or 0)
        self.threads.add(threading.current_thread().name)
        self.fetch_started[n].set()
        if n == self.fail_at:
            raise RetriableConnectorError("HTTP 503 from the platform")
        posts = tuple(
            Post(id=f"p{n}-{i}", text=f"call me at (217) 555-01{n}{i}")
            for i in range(self.per_page)
        )
        return Page(posts=posts, next_cursor=str(n + 1), has_more=n + 1 < self.pages)

    def check_access(self, site: Site) -> AccessReport:
        return AccessReport(True, "ok")


@pytest.fixture
def open_daemon(
    make_settings: Any, demo_site: Any, tmp_path: Path
) -> Iterator[Callable[..., Daemon]]:
    daemons: list[Daemon] = []
    feed = tmp_path / "feed.jsonl"
    feed.write_text("", encoding="utf-8")

    def make(url: str, source: Pages, **extra: Any) -> Daemon:
        settings = make_settings(store={"url": url}, sites=[demo_site(feed, name=SITE)], **extra)
        store = Store.open(url)
        daemon = Daemon(
            settings, store, build_pipeline(settings, None), connector_factory=lambda p: source
        )
        daemons.append(daemon)
        return daemon

    yield make
    for daemon in daemons:
        daemon.close()
        daemon.store.close()


def recorded_posts(daemon: Daemon) -> list[str]:
    return sorted(i.post_id for i in daemon.store.list_incidents(site=SITE) if i.post_id)


def page_posts(*pages: int, per_page: int = 3) -> list[str]:
    return sorted(f"p{n}-{i}" for n in pages for i in range(per_page))


def trace_records(daemon: Daemon, fail_on: int | None = None) -> list[tuple[str, str, float]]:
    """Wrap ``record_page``: (cursor, "start"/"end", time) per call; ``fail_on``: the call
    for that page raises."""
    calls: list[tuple[str, str, float]] = []
    real = daemon.store.record_page

    def record(site: str, scanned: Any, next_cursor: str | None, *a: Any, **k: Any) -> Any:
        calls.append((str(next_cursor), "start", time.monotonic()))
        if fail_on is not None and next_cursor == str(fail_on + 1):
            raise RuntimeError("the database refused the page")
        outcome = real(site, scanned, next_cursor, *a, **k)
        calls.append((str(next_cursor), "end", time.monotonic()))
        return outcome

    daemon.store.record_page = record  # type: ignore[method-assign]
    return calls


def test_every_page_is_recorded_once_in_order(
    open_daemon: Callable[[str, Pages], Daemon], store_url: str
) -> None:
    daemon = open_daemon(store_url, Pages(pages=4))
    calls = trace_records(daemon)
    report = daemon.run_once()
    assert report.posts_scanned == 12
    assert recorded_posts(daemon) == page_posts(0, 1, 2, 3)
    assert daemon.store.get_cursor(SITE) == "4"
    # One record at a time, in page order: each starts after the one before it ended.
    assert [(c, e) for c, e, _ in calls] == [
        (str(n), edge) for n in range(1, 5) for edge in ("start", "end")
    ]
    assert all(a[2] <= b[2] for a, b in itertools.pairwise(calls))


def test_the_next_page_is_fetched_while_this_one_is_scanned(
    open_daemon: Callable[[str, Pages], Daemon], store_url: str
) -> None:
    source = Pages(pages=2)
    daemon = open_daemon(store_url, source)
    overlapped: list[bool] = []
    real = daemon.pipeline.scan_many

    def scan_many(texts: Any) -> Any:
        if not overlapped:  # page 0: page 1's fetch should start meanwhile
            overlapped.append(source.fetch_started[1].wait(WAIT))
        return real(texts)

    daemon.pipeline.scan_many = scan_many  # type: ignore[method-assign]
    daemon.run_once()
    assert overlapped == [True]
    assert any(name.startswith("sitewatch-read-ahead") for name in source.threads)
    assert recorded_posts(daemon) == page_posts(0, 1)


def test_a_page_is_recorded_while_the_next_is_scanned(
    open_daemon: Callable[[str, Pages], Daemon], pg_url: str
) -> None:
    daemon = open_daemon(pg_url, Pages(pages=2))
    assert daemon.store.concurrent_sessions
    scanning_page_1 = threading.Event()
    overlapped: list[bool] = []
    real_scan, real_record = daemon.pipeline.scan_many, daemon.store.record_page

    def scan_many(texts: Any) -> Any:
        if any("555-011" in t for t in texts):  # a page-1 post
            scanning_page_1.set()
        return real_scan(texts)

    def record(site: str, scanned: Any, next_cursor: str | None, *a: Any, **k: Any) -> Any:
        if next_cursor == "1":  # page 0's record waits for page 1's scan to begin
            overlapped.append(scanning_page_1.wait(WAIT))
        return real_record(site, scanned, next_cursor, *a, **k)

    daemon.pipeline.scan_many = scan_many  # type: ignore[method-assign]
    daemon.store.record_page = record  # type: ignore[method-assign]
    daemon.run_once()
    assert overlapped == [True]
    assert recorded_posts(daemon) == page_posts(0, 1)
    assert daemon.store.get_cursor(SITE) == "2"


def test_sqlite_records_on_the_polling_thread(
    open_daemon: Callable[[str, Pages], Daemon], tmp_path: Path
) -> None:
    daemon = open_daemon(f"sqlite:///{tmp_path / 'sw.db'}", Pages(pages=3))
    assert not daemon.store.concurrent_sessions
    threads: list[str] = []
    real = daemon.store.record_page

    def record(*a: Any, **k: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*a, **k)

    daemon.store.record_page = record  # type: ignore[method-assign]
    daemon.run_once()
    assert threads == [threading.current_thread().name] * 3
    assert recorded_posts(daemon) == page_posts(0, 1, 2)


def test_a_failed_fetch_surfaces_after_the_pages_before_it_are_recorded(
    open_daemon: Callable[[str, Pages], Daemon], store_url: str
) -> None:
    daemon = open_daemon(store_url, Pages(pages=4, fail_at=2))
    report = daemon.run_once()
    assert report.sites_failed == [SITE]
    assert report.posts_scanned == 6  # pages 0 and 1, counted
    assert recorded_posts(daemon) == page_posts(0, 1)
    assert daemon.store.get_cursor(SITE) == "2"  # the next poll asks for page 2 again


def test_no_page_is_recorded_after_a_failed_record(
    open_daemon: Callable[[str, Pages], Daemon], store_url: str
) -> None:
    daemon = open_daemon(store_url, Pages(pages=4))
    calls = trace_records(daemon, fail_on=1)
    with pytest.raises(RuntimeError, match="refused the page"):
        daemon.run_once()
    assert [c for c, edge, _ in calls if edge == "start"] == ["1", "2"]  # never page 2's
    assert recorded_posts(daemon) == page_posts(0)
    assert daemon.store.get_cursor(SITE) == "1"


def test_a_backlog_is_polled_again_after_a_short_pause(
    open_daemon: Callable[[str, Pages], Daemon], tmp_path: Path
) -> None:
    daemon = open_daemon(f"sqlite:///{tmp_path / 'sw.db'}", Pages(pages=1))
    daemon.sync_registry()
    # A never-polled site is due now: the daemon pauses only briefly before the next pass.
    assert daemon._sleep_seconds(idle_max=30.0) == BUSY_PAUSE_SECONDS
    daemon.run_once()
    # Polled: the next poll is the site's interval away (the demo default, a minute or more).
    assert daemon._sleep_seconds(idle_max=30.0) > 1.0


def test_a_site_left_with_pages_is_due_again_at_once(
    open_daemon: Callable[[str, Pages], Daemon], tmp_path: Path
) -> None:
    daemon = open_daemon(
        f"sqlite:///{tmp_path / 'sw.db'}", Pages(pages=5), daemon={"max_pages_per_poll": 2}
    )
    assert daemon.run_once().posts_scanned == 6
    assert daemon._sleep_seconds(idle_max=30.0) == BUSY_PAUSE_SECONDS  # the backlog is due
    assert daemon.store.lease_due_sites("w", lease_seconds=5) == [SITE]
    daemon.store.release_lease(SITE, "w")
    assert daemon.run_once().posts_scanned == 6
    assert daemon.run_once().posts_scanned == 3  # the last page: the backlog is gone
    assert recorded_posts(daemon) == page_posts(0, 1, 2, 3, 4)
    assert daemon._sleep_seconds(idle_max=30.0) > 1.0  # now the poll interval applies
