"""The daemon: lease due sites, fetch pages, scan, record, drain the outbox, sleep.

Crash safety comes from the store: each page's effects and its cursor commit together, and
the outbox is drained at least once under a stable Message-ID. SIGTERM/SIGINT finish the
current site, then exit cleanly.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from types import FrameType
from typing import Any

from sitewatch import registry
from sitewatch.config import Settings
from sitewatch.consent import MemberMatcher
from sitewatch.exceptions import (
    ConfigError,
    FatalConnectorError,
    RetriableConnectorError,
    SitewatchError,
)
from sitewatch.logs import get_logger
from sitewatch.models import Action, ActionKind, Finding, Post, ScanResult, Site
from sitewatch.notify.email import IncidentMailer
from sitewatch.notify.outbox import OutboxDrainer, make_transport
from sitewatch.policy import PolicyEngine, unconsented_author
from sitewatch.roster import Roster
from sitewatch.scan.pipeline import ScanPipeline
from sitewatch.sites import SiteStatus
from sitewatch.sites import registry as site_registry
from sitewatch.store.repository import ScannedPost, Store, content_digest
from sitewatch.typing import Connector

log = get_logger("sitewatch.daemon")


@dataclass
class PassReport:
    """What one pass over the sites did; printed by `sitewatch run --once`."""

    sites_polled: list[str] = field(default_factory=list)
    sites_failed: list[str] = field(default_factory=list)
    sites_skipped: dict[str, str] = field(default_factory=dict)
    posts_scanned: int = 0
    items_skipped: int = 0
    incidents_opened: list[int] = field(default_factory=list)
    incidents_updated: list[int] = field(default_factory=list)
    policy_incidents: list[int] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    messages_delivered: list[str] = field(default_factory=list)
    messages_failed: int = 0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Daemon:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        pipeline: ScanPipeline,
        *,
        connector_factory: Callable[[str], Connector] | None = None,
        today: Callable[[], date] | None = None,
        worker: str | None = None,
        roster: Roster | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.pipeline = pipeline
        self.mailer = IncidentMailer(settings)
        self.drainer = OutboxDrainer(store, make_transport(settings), settings.notify.max_attempts)
        self.worker = worker or worker_name()
        self._connector_factory = connector_factory or _load_connector
        self._connectors: dict[str, Connector] = {}
        self._today = today or (lambda: store.clock().date())
        self._stop = threading.Event()
        self._failing: set[str] = set()
        self._statuses: dict[str, SiteStatus] = {}
        self.policy = PolicyEngine(settings, store, self.mailer, roster, self._connector)
        self._matcher: MemberMatcher | None = None
        self._consent_mtime: float | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def request_stop(self, *_: Any) -> None:
        if not self._stop.is_set():
            log.info("stop requested; finishing the current site")
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @contextmanager
    def signals(self) -> Iterator[None]:
        """Install SIGTERM/SIGINT handlers for the duration (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}

        def handler(signum: int, _frame: FrameType | None) -> None:
            self.request_stop()

        for s in previous:
            signal.signal(s, handler)
        try:
            yield
        finally:
            for s, h in previous.items():
                signal.signal(s, h)

    def sync_registry(self) -> dict[str, str]:
        """Mirror configured sites into the store; log each unpollable site's reason once per
        change. Returns {site: reason} for the sites that will not be polled."""
        statuses = site_registry(
            self.settings.site_models(), self._today(), self.settings.policy.expiry_grace_days
        )
        self.store.sync_sites(statuses)
        skipped: dict[str, str] = {}
        for st in statuses:
            before = self._statuses.get(st.site.name)
            if not st.pollable:
                skipped[st.site.name] = st.reason
            if before is None or before.pollable != st.pollable:
                if st.pollable:
                    log.info("site approved for monitoring", site=st.site.name, reason=st.reason)
                else:
                    log.warning("site not polled", site=st.site.name, reason=st.reason)
            self._statuses[st.site.name] = st
        return skipped

    def run_once(self) -> PassReport:
        """Poll every pollable site once (ignoring its schedule), drain the outbox."""
        report = PassReport()
        report.sites_skipped = self.sync_registry()
        self.enforce_policy(report)
        self._poll_leased(report, ignore_schedule=True)
        self._drain(report)
        return report

    def run_forever(self, idle_max: float = 30.0) -> None:
        """Poll sites as they come due until asked to stop."""
        log.info("daemon started", worker=self.worker, sites=len(self.settings.sites))
        last_day: date | None = None
        while not self._stop.is_set():
            report = PassReport()
            if self._today() != last_day:  # approvals can lapse while we run
                last_day = self._today()
                self.sync_registry()
            self.enforce_policy(report)
            self._poll_leased(report, ignore_schedule=False)
            self._drain(report)
            if self._stop.is_set():
                break
            self._stop.wait(self._sleep_seconds(idle_max))
        log.info("daemon stopped", worker=self.worker)

    def enforce_policy(self, report: PassReport) -> None:
        """Consent register, approvals and reminders, access checks, members (policy.py)."""
        path = self.settings.consent_path
        mtime = path.stat().st_mtime if path is not None and path.exists() else None
        if path is not None and (self._consent_mtime is None or mtime != self._consent_mtime):
            self.policy.sync_consent_file()
            self._consent_mtime = mtime
        outcome = self.policy.run(list(self._statuses.values()), self._today())
        report.policy_incidents += outcome.incidents
        report.notices += outcome.notices
        self._matcher = self.policy.matcher()

    def _sleep_seconds(self, idle_max: float) -> float:
        due = self.store.next_due_at()
        if due is None:
            return idle_max
        wait = (due - self.store.clock()).total_seconds()
        return max(0.5, min(idle_max, wait))

    # -- polling ---------------------------------------------------------------------------
    def _poll_leased(self, report: PassReport, *, ignore_schedule: bool) -> None:
        names = self.store.lease_due_sites(
            self.worker,
            lease_seconds=self.settings.daemon.lease_seconds,
            ignore_schedule=ignore_schedule,
        )
        sites = {s.name: s for s in self.settings.site_models()}
        for name in names:
            if self._stop.is_set():
                self.store.release_lease(name, self.worker)
                continue
            site = sites.get(name)
            try:
                if site is not None:
                    self.poll_site(site, report)
            finally:
                self.store.release_lease(name, self.worker)

    def poll_site(self, site: Site, report: PassReport) -> None:
        daemon = self.settings.daemon
        try:
            connector = self._connector(site.platform)
            cursor = self.store.get_cursor(site.name)
            for _ in range(daemon.max_pages_per_poll):
                page = connector.fetch(site, cursor)
                for item in page.skipped:
                    report.items_skipped += 1
                    log.warning(
                        "item skipped", site=site.name, where=item.where, reason=item.reason
                    )
                scanned = self._scan_page(site, page.posts)
                outcome = self.store.record_page(site.name, scanned, page.next_cursor, self.mailer)
                self._auto_act(site, connector, page.posts, outcome)
                report.posts_scanned += outcome.posts_recorded
                report.incidents_opened += outcome.incidents_opened
                report.incidents_updated += outcome.incidents_updated
                cursor = page.next_cursor
                if not page.has_more or self._stop.is_set():
                    break
        except RetriableConnectorError as exc:
            self._failed(site, report, fatal=False, detail=str(exc), retry_after=exc.retry_after)
            return
        except (FatalConnectorError, ConfigError) as exc:
            self._failed(site, report, fatal=True, detail=str(exc))
            return
        recovered = self.store.record_success(site.name, site.poll_interval)
        report.sites_polled.append(site.name)
        if site.name in self._failing or recovered:
            self._failing.discard(site.name)
            log.info("site readable again", site=site.name)

    def _scan_page(self, site: Site, posts: tuple[Any, ...]) -> list[ScannedPost]:
        known = self.store.known_digests(site.name, [p.id for p in posts])
        scanned: list[ScannedPost] = []
        for post in posts:
            digest = content_digest(post.text)
            if known.get(post.id) == digest:
                continue
            try:
                result = self._with_consent(site, post, self.pipeline.scan(post.text))
            except (SitewatchError, ValueError, RuntimeError) as exc:
                log.error(
                    "post skipped: scan failed",
                    site=site.name,
                    post_id=post.id,
                    error=type(exc).__name__,
                )
                continue
            scanned.append(ScannedPost(post=post, digest=digest, result=result))
        return scanned

    def _with_consent(self, site: Site, post: Post, result: ScanResult) -> ScanResult:
        """A post by a roster student's handle without consent in force (IIBGC 4)."""
        if self._matcher is None:
            return result
        student = unconsented_author(self._matcher, post.author, site.name, self._today())
        if student is None:
            return result
        finding = self.pipeline.policy.apply(
            Finding(
                category="policy.unconsented_member",
                start=0,
                end=0,
                score=1.0,
                detector="consent",
                explanation="posted by a roster student's handle without written parental "
                "consent in force for this site (IIBGC 4)",
            )
        )
        return replace(result, findings=(*result.findings, finding))

    def _failed(
        self,
        site: Site,
        report: PassReport,
        *,
        fatal: bool,
        detail: str,
        retry_after: float | None = None,
    ) -> None:
        daemon = self.settings.daemon
        newly, delay = self.store.record_failure(
            site.name,
            fatal=fatal,
            detail=detail,
            backoff_initial=daemon.backoff_initial,
            backoff_max=daemon.backoff_max,
            retry_after=retry_after,
            mailer=self.mailer,
        )
        report.sites_failed.append(site.name)
        if site.name not in self._failing or newly:
            self._failing.add(site.name)
            log.error(
                "site cannot be read" if fatal else "site temporarily unavailable",
                site=site.name,
                error=detail,
                retry_in_seconds=round(delay, 1),
                monitoring_gap_filed=newly,
            )

    def _connector(self, platform: str) -> Connector:
        if platform not in self._connectors:
            self._connectors[platform] = self._connector_factory(platform)
        return self._connectors[platform]

    def _auto_act(
        self, site: Site, connector: Connector, posts: tuple[Post, ...], outcome: Any
    ) -> None:
        """Hide or remove a post on the platform when the site opted in for its categories
        (PII and threats only; off by default). Recorded on the incident and audited."""
        rule = site.auto_action
        if not rule.categories or not outcome.incident_posts:
            return
        act = getattr(connector, "act", None)
        by_id = {p.id: p for p in posts}
        for incident_id, post_id in outcome.incident_posts.items():
            incident = self.store.get_incident(incident_id)
            post = by_id.get(post_id)
            if incident is None or post is None or not rule.applies_to(incident.categories):
                continue
            if act is None:
                self.store.record_action(
                    incident_id,
                    rule.action,
                    False,
                    f"the {site.platform} connector cannot act on posts",
                )
                continue
            try:
                result = act(
                    site,
                    post,
                    Action(ActionKind(rule.action), reason=f"sitewatch incident #{incident_id}"),
                )
                ok, detail = result.ok, result.detail
            except SitewatchError as exc:
                ok, detail = False, str(exc)
            self.store.record_action(incident_id, rule.action, ok, detail)
            log.info(
                "automatic platform action",
                site=site.name,
                incident=incident_id,
                action=rule.action,
                ok=ok,
            )

    def escalate_and_digest(self) -> None:
        climbed = self.store.escalate_due(self.mailer)
        for incident_id, step in climbed:
            log.warning("incident escalated", incident=incident_id, step=step)
        self.store.digest_due(self.mailer)

    def _drain(self, report: PassReport) -> None:
        self.escalate_and_digest()
        delivered, failed = self.drainer.drain(stop=self._stop)
        report.messages_delivered += delivered
        report.messages_failed += failed


def _load_connector(platform: str) -> Connector:
    factory = registry.load(registry.CONNECTORS, platform)
    connector: Connector = factory()
    return connector
