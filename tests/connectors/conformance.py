"""The connector conformance suite: one set of tests every connector passes.

A connector's test module provides a ``harness`` fixture (see ``Harness``) and star-imports
this module; pytest then collects every ``test_conformance_*`` function for that connector.
The harness drives the platform's fake server (tests/fakes/) and knows how to plant posts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pytest

from sitewatch.exceptions import FatalConnectorError, RetriableConnectorError
from sitewatch.models import Page, Post, Site
from sitewatch.typing import Connector

__all__ = [
    "Harness",
    "drain",
    "test_conformance_access_check",
    "test_conformance_daemon_files_incidents_end_to_end",
    "test_conformance_fatal_statuses",
    "test_conformance_first_fetch_reads_everything_oldest_first",
    "test_conformance_implements_the_protocol",
    "test_conformance_malformed_body_is_retriable",
    "test_conformance_new_posts_after_the_cursor_only",
    "test_conformance_rate_limit_with_and_without_retry_after",
    "test_conformance_restart_mid_pagination_loses_and_repeats_nothing",
    "test_conformance_server_errors_are_retriable",
    "test_conformance_slow_response_is_retriable",
]


class Harness(Protocol):
    """What the suite needs from a platform's test module."""

    platform: str
    fake: Any  # a tests.fakes.server.FakeServer subclass, started
    page_size: int  # the connector's page size the harness configured (to force paging)

    def connector(self) -> Connector:
        """A NEW connector instance (a new one simulates a process restart)."""
        ...

    def site(self) -> Site:
        """An approved site pointing at the fake (``endpoint`` = fake.url)."""
        ...

    def add_post(self, text: str, *, reply_to: str | None = None) -> str:
        """Plant a post (or a comment on ``reply_to``); returns the id the connector reports."""
        ...


def drain(
    connector: Connector, site: Site, cursor: str | None, max_pages: int = 50
) -> tuple[list[Post], str | None, int]:
    """Fetch until ``has_more`` is false: (posts, final cursor, pages)."""
    posts: list[Post] = []
    for pages in range(1, max_pages + 1):
        page: Page = connector.fetch(site, cursor)
        posts.extend(page.posts)
        cursor = page.next_cursor
        if not page.has_more:
            return posts, cursor, pages
    raise AssertionError(f"still has_more after {max_pages} pages")


def _plant(harness: Harness, n: int, prefix: str = "post") -> list[str]:
    return [harness.add_post(f"{prefix} {i}: practice moved to the east field") for i in range(n)]


def test_conformance_implements_the_protocol(harness: Harness) -> None:
    connector = harness.connector()
    assert isinstance(connector, Connector)
    assert connector.platform == harness.platform


def test_conformance_first_fetch_reads_everything_oldest_first(harness: Harness) -> None:
    ids = _plant(harness, harness.page_size * 2 + 1)
    reply = harness.add_post("great job everyone", reply_to=ids[0])
    posts, cursor, pages = drain(harness.connector(), harness.site(), None)
    got = [p.id for p in posts]
    assert sorted(got) == sorted([*ids, reply])
    assert len(got) == len(set(got)), "a post was returned twice"
    assert pages >= 2, "the fake should have forced pagination"
    assert cursor is not None
    by_id = {p.id: p for p in posts}
    assert by_id[reply].parent_id is not None
    for post in posts:
        assert post.text
        assert post.url is None or post.url.startswith(("https://", "http://"))
        assert post.created_at is not None and post.created_at.tzinfo is not None
    created = [p.created_at for p in posts if p.parent_id is None]
    assert created == sorted(created), "top-level posts must come oldest first"


def test_conformance_new_posts_after_the_cursor_only(harness: Harness) -> None:
    _plant(harness, 3)
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    again, cursor2, _ = drain(harness.connector(), harness.site(), cursor)
    assert again == []
    fresh = _plant(harness, 2, prefix="new")
    later, _, _ = drain(harness.connector(), harness.site(), cursor2)
    assert sorted(p.id for p in later) == sorted(fresh)


def test_conformance_restart_mid_pagination_loses_and_repeats_nothing(harness: Harness) -> None:
    ids = _plant(harness, harness.page_size * 3)
    first = harness.connector().fetch(harness.site(), None)
    assert first.has_more
    # the process dies here; a new one resumes from the committed cursor
    rest, _, _ = drain(harness.connector(), harness.site(), first.next_cursor)
    got = [p.id for p in first.posts] + [p.id for p in rest]
    assert sorted(got) == sorted(ids)
    assert len(got) == len(set(got))


@pytest.mark.parametrize("retry_after", [None, 7])
def test_conformance_rate_limit_with_and_without_retry_after(
    harness: Harness, retry_after: int | None
) -> None:
    _plant(harness, 1)
    harness.fake.fail(429, times=50, retry_after=retry_after)
    with pytest.raises(RetriableConnectorError) as err:
        harness.connector().fetch(harness.site(), None)
    if retry_after is not None:
        assert err.value.retry_after == pytest.approx(retry_after, abs=1)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_conformance_server_errors_are_retriable(harness: Harness, status: int) -> None:
    _plant(harness, 1)
    harness.fake.fail(status, times=50)
    with pytest.raises(RetriableConnectorError):
        harness.connector().fetch(harness.site(), None)


@pytest.mark.parametrize("status", [401, 403, 404])
def test_conformance_fatal_statuses(harness: Harness, status: int) -> None:
    _plant(harness, 1)
    harness.fake.fail(status, times=50)
    with pytest.raises(FatalConnectorError):
        harness.connector().fetch(harness.site(), None)


def test_conformance_malformed_body_is_retriable(harness: Harness) -> None:
    _plant(harness, 1)
    harness.fake.malformed(times=50)
    with pytest.raises(RetriableConnectorError):
        harness.connector().fetch(harness.site(), None)


def test_conformance_slow_response_is_retriable(harness: Harness) -> None:
    _plant(harness, 1)
    site = harness.site()
    timeout = float(site.options.get("timeout", 0))
    assert 0 < timeout <= 2, "the harness must configure a short `timeout` option"
    harness.fake.slow(timeout + 1.5, times=50)
    with pytest.raises(RetriableConnectorError):
        harness.connector().fetch(site, None)


def test_conformance_access_check(harness: Harness) -> None:
    report = harness.connector().check_access(harness.site())
    assert report.ok, report.detail
    harness.fake.deny()
    denied = harness.connector().check_access(harness.site())
    assert not denied.ok
    assert denied.detail


def test_conformance_daemon_files_incidents_end_to_end(
    harness: Harness,
    make_settings: Callable[..., Any],
    tmp_path: Path,
    roster_file: Path,
) -> None:
    """`sitewatch run --once` against the fake files the right incidents."""
    from dataclasses import asdict

    from sitewatch.bootstrap import build_pipeline, load_district_roster
    from sitewatch.daemon import Daemon
    from sitewatch.store.repository import Store

    harness.add_post("Practice is at 4pm in the band room.")
    harness.add_post("Jordan Ellis got detention again, figures")
    harness.add_post("text me at (217) 555-0199 after school")
    harness.add_post("I will bring a gun tomorrow")
    site = harness.site()
    data = {
        k: v
        for k, v in asdict(site).items()
        if k in ("name", "platform", "target", "sponsor", "endpoint", "options")
    }
    data["approval"] = {
        "by": "Designee",
        "on": "2026-01-01",
        "ref": "SUP-1",
        "review_by": "2099-12-31",
    }
    settings = make_settings(
        sites=[data],
        roster={"path": str(roster_file)},
        detection={"detectors": ["phone", "roster", "rules"]},
    )
    store = Store.open(settings.store_url)
    try:
        daemon = Daemon(
            settings,
            store,
            build_pipeline(settings, load_district_roster(settings)),
            connector_factory=lambda platform: harness.connector(),
        )
        report = daemon.run_once()
        assert report.sites_polled == [site.name], report
        categories = sorted(c for i in store.list_incidents() for c in i.categories)
        assert categories == ["pii.education_record", "pii.phone", "rule.threat"]
        assert daemon.run_once().incidents_opened == []
    finally:
        store.close()
