"""Backfill: scan a site's history since a date, resumably, quietly unless asked.

A backfill reads the site from the connector's beginning (cursor None) in its own cursor
namespace, a ``BackfillRow`` per (site, since), until the connector has no more pages. The
site's polling cursor is never moved, so the daemon carries on where it was. Each page's
digests, incidents and the backfill's cursor commit in ONE transaction (``record_page`` with
``backfill=``): a killed backfill resumes from its cursor and neither loses nor repeats a
post. Posts created before ``since`` are skipped (posts without a date are scanned).

Without ``notify`` the incidents are filed and audited but no mail is queued, the escalation
clock does not start, and they stay out of the daily digest: old incidents are reviewed in
the incident log, not pushed to sponsors' inboxes. With ``notify`` they are mailed like new
ones (the daemon's outbox drain delivers them; `sitewatch backfill --notify` drains once).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dtime

from sqlalchemy import select

from sitewatch.config import Settings
from sitewatch.consent import MemberMatcher
from sitewatch.exceptions import ConfigError, RetriableConnectorError, SitewatchError
from sitewatch.logs import get_logger
from sitewatch.models import Page, Post, Site
from sitewatch.notify.email import IncidentMailer
from sitewatch.roster import Roster
from sitewatch.scan.pipeline import ScanPipeline
from sitewatch.scanning import scan_page
from sitewatch.sites import registry as site_registry
from sitewatch.store.models import BackfillRow, SiteRow
from sitewatch.store.repository import BackfillStep, ScannedPost, Store
from sitewatch.typing import Connector

log = get_logger("sitewatch.backfill")

MAX_RETRIES = 5
MAX_PAGES = 1_000_000  # a connector that never says "no more" must not loop forever


class BackfillError(SitewatchError):
    """A backfill that cannot start (unknown or unapproved site)."""


@dataclass
class BackfillProgress:
    """What a run has done so far (counts only: this is printed and logged)."""

    site: str
    since: date
    notify: bool
    resumed: bool = False
    already_finished: bool = False
    finished: bool = False
    pages: int = 0
    posts_seen: int = 0  # in range, this run
    posts_total: int = 0  # in range, across every run of this backfill
    posts_before_since: int = 0
    posts_recorded: int = 0
    items_skipped: int = 0
    incidents_opened: list[int] = field(default_factory=list)
    incidents_updated: list[int] = field(default_factory=list)
    notifications: int = 0


class Backfill:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        pipeline: ScanPipeline,
        connector: Connector,
        *,
        roster: Roster | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.store = store
        self.pipeline = pipeline
        self.connector = connector
        self.roster = roster
        self.mailer = IncidentMailer(settings)
        self._sleep = sleep

    def run(
        self,
        site_name: str,
        since: date,
        *,
        notify: bool = False,
        actor: str = "cli",
        source: str = "cli",
        on_page: Callable[[BackfillProgress], None] | None = None,
        stop: Callable[[], bool] = lambda: False,
    ) -> BackfillProgress:
        """Scan ``site_name`` since ``since`` until the connector has no more pages (or
        ``stop()``), resuming an unfinished backfill of the same (site, since)."""
        site = self._site(site_name)
        progress = BackfillProgress(site=site.name, since=since, notify=notify)
        backfill_id, cursor = self._open(site.name, since, notify, progress, actor, source)
        if progress.already_finished:
            return progress
        today = self.store.clock().date()
        matcher = MemberMatcher(self.roster, self.store.consent_records())
        start = datetime.combine(since, dtime.min, UTC)
        for _ in range(MAX_PAGES):
            if stop():
                break
            page = self._fetch(site, cursor)
            for item in page.skipped:
                progress.items_skipped += 1
                log.warning("item skipped", site=site.name, where=item.where, reason=item.reason)
            in_range = [p for p in page.posts if p.created_at is None or p.created_at >= start]
            progress.posts_before_since += len(page.posts) - len(in_range)
            scanned = self._scan(site, in_range, matcher, today)
            outcome = self.store.record_page(
                site.name,
                scanned,
                page.next_cursor,
                self.mailer,
                notify=notify,
                backfill=BackfillStep(backfill_id, len(in_range), finished=not page.has_more),
            )
            cursor = page.next_cursor
            progress.pages += 1
            progress.posts_seen += len(in_range)
            progress.posts_total += len(in_range)
            progress.posts_recorded += outcome.posts_recorded
            progress.incidents_opened += outcome.incidents_opened
            progress.incidents_updated += outcome.incidents_updated
            progress.notifications += outcome.notifications
            progress.finished = not page.has_more
            if on_page is not None:
                on_page(progress)
            if progress.finished:
                break
        self.store.audit(
            actor,
            "backfill.finished" if progress.finished else "backfill.interrupted",
            "site",
            site.name,
            {
                "since": since.isoformat(),
                "notify": notify,
                "pages": progress.pages,
                "posts": progress.posts_seen,
                "incidents_opened": len(progress.incidents_opened),
            },
            source=source,
        )
        log.info(
            "backfill finished" if progress.finished else "backfill stopped",
            site=site.name,
            since=since.isoformat(),
            posts=progress.posts_seen,
            incidents=len(progress.incidents_opened),
        )
        return progress

    # -- steps -----------------------------------------------------------------------------
    def _site(self, name: str) -> Site:
        """The configured site, mirrored into the store; only an approved, unexpired site
        may be backfilled (IIBGC clause 1)."""
        statuses = site_registry(
            self.settings.site_models(),
            self.store.clock().date(),
            self.settings.policy.expiry_grace_days,
        )
        self.store.sync_sites(statuses)
        for st in statuses:
            if st.site.name == name:
                if not st.pollable:
                    raise BackfillError(f"site {name!r} is not monitored: {st.reason}")
                return st.site
        known = ", ".join(st.site.name for st in statuses) or "none"
        raise ConfigError(f"unknown site {name!r} (configured: {known})")

    def _open(
        self,
        site: str,
        since: date,
        notify: bool,
        progress: BackfillProgress,
        actor: str,
        source: str,
    ) -> tuple[int, str | None]:
        """The backfill row for (site, since): created, or resumed from its cursor."""
        now = self.store.clock()
        with self.store.sessions.begin() as s:
            site_id = s.scalar(select(SiteRow.id).where(SiteRow.name == site))
            assert site_id is not None  # synced by _site
            row = s.scalar(
                select(BackfillRow)
                .where(BackfillRow.site_id == site_id, BackfillRow.since == since)
                .with_for_update()
            )
            if row is not None and row.finished_at is not None:
                progress.already_finished = progress.finished = True
                progress.posts_total = row.posts_scanned
                return row.id, row.cursor
            if row is None:
                row = BackfillRow(
                    site_id=site_id, since=since, cursor=None, notify=notify, started_at=now
                )
                s.add(row)
                s.flush()
            else:
                progress.resumed = True
                progress.posts_total = row.posts_scanned
                row.notify = notify
        self.store.audit(
            actor,
            "backfill.resumed" if progress.resumed else "backfill.started",
            "site",
            site,
            {"since": since.isoformat(), "notify": notify, "backfill": row.id},
            source=source,
        )
        return row.id, row.cursor

    def _fetch(self, site: Site, cursor: str | None) -> Page:
        """One page; transient errors back off and retry (Retry-After honoured)."""
        for attempt in range(MAX_RETRIES + 1):
            try:
                return self.connector.fetch(site, cursor)
            except RetriableConnectorError as exc:
                if attempt == MAX_RETRIES:
                    raise
                delay = max(exc.retry_after or 0.0, min(60.0, 2.0**attempt))
                log.warning(
                    "backfill fetch failed; retrying",
                    site=site.name,
                    error=str(exc),
                    retry_in_seconds=delay,
                )
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _scan(
        self, site: Site, posts: Sequence[Post], matcher: MemberMatcher, today: date
    ) -> list[ScannedPost]:
        """As the daemon scans (sitewatch.scanning.scan_page)."""
        return scan_page(self.store, self.pipeline, site, posts, matcher, today)
