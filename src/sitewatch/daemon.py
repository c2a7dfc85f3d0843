"""The daemon: lease due sites, fetch pages, scan, record, drain the outbox, sleep.

Crash safety comes from the store: each page's effects and its cursor commit together, and
the outbox is drained at least once under a stable Message-ID. SIGTERM/SIGINT finish the
current site, then exit cleanly. SIGHUP re-reads the config (and roster, consent) and swaps it
in between passes; a config that does not validate is logged and the running one is kept.

Under systemd (``Type=notify``) the daemon reports READY=1 once the store is migrated and the
registry synced, STATUS= after each pass, WATCHDOG=1 while it runs and sleeps, and STOPPING=1.
Metrics are counted into ``sitewatch.ops.metrics`` and served by ``sitewatch.ops.server``.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from types import FrameType
from typing import Any

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

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
from sitewatch.models import Action, ActionKind, Page, Post, Site
from sitewatch.notify.email import IncidentMailer
from sitewatch.notify.outbox import OutboxDrainer, make_transport
from sitewatch.ops.metrics import Metrics
from sitewatch.ops.sdnotify import SdNotifier
from sitewatch.policy import PolicyEngine
from sitewatch.roster import Roster
from sitewatch.scan.pipeline import ScanPipeline
from sitewatch.scanning import scan_page
from sitewatch.sites import SiteStatus
from sitewatch.sites import registry as site_registry
from sitewatch.store.repository import PageOutcome, ScannedPost, Store
from sitewatch.typing import Connector, Notifier

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


@dataclass(frozen=True)
class Reloaded:
    """What a SIGHUP reload built: validated settings, a loaded pipeline, the roster."""

    settings: Settings
    pipeline: ScanPipeline
    roster: Roster | None = None


Reloader = Callable[[], Reloaded]
STORE_METRICS_EVERY = 15.0  # seconds between queue/lag gauge refreshes while sleeping
STORE_RETRY_SECONDS = 0.5  # first wait after the store went away; doubles, up to idle_max
BUSY_PAUSE_SECONDS = 0.05  # the pause between passes while work is already due


class _TickingTransport:
    """Delivers through ``inner`` and ticks the watchdog after each message, so a long outbox
    drain does not look like a hung daemon."""

    def __init__(self, inner: Notifier, tick: Callable[[], None]) -> None:
        self.inner = inner
        self.name = inner.name
        self._tick = tick

    def deliver(self, message_id: str, recipients: Sequence[str], message: bytes) -> str:
        try:
            return self.inner.deliver(message_id, recipients, message)
        finally:
            self._tick()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


@dataclass(frozen=True)
class _PageWrite:
    """A page handed to the store, and the future of its ``PageOutcome``."""

    page: Page
    scanned: list[ScannedPost]
    future: Future[PageOutcome]


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
        notifier: SdNotifier | None = None,
        metrics: Metrics | None = None,
        reloader: Reloader | None = None,
    ) -> None:
        self.store = store
        self.worker = worker or worker_name()
        self.notifier = notifier or SdNotifier(environ={})  # the CLI passes the real one
        self.metrics = metrics or Metrics()
        self._reloader = reloader
        self._connector_factory = connector_factory or _load_connector
        self._connectors: dict[str, Connector] = {}
        self._today = today or (lambda: store.clock().date())
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._reload_requested = threading.Event()
        self._failing: set[str] = set()
        self._statuses: dict[str, SiteStatus] = {}
        self._matcher: MemberMatcher | None = None
        self._consent_mtime: float | None = None
        self._last_ping = 0.0
        self._last_store_metrics = 0.0
        self._started = time.monotonic()
        self._last_pass: float | None = None  # monotonic end of the last pass
        self._idle_max = 30.0
        self._pools: dict[str, ThreadPoolExecutor] = {}  # read-ahead, write-behind
        self._install(settings, pipeline, roster)

    def _install(self, settings: Settings, pipeline: ScanPipeline, roster: Roster | None) -> None:
        """Everything built from the config; swapped as a whole by a reload."""
        self.settings = settings
        self.pipeline = pipeline
        self.roster = roster
        self.mailer = IncidentMailer(settings)
        transport = _TickingTransport(make_transport(settings), self._tick)
        self.drainer = OutboxDrainer(
            self.store,
            transport,
            settings.notify.max_attempts,
            worker=self.worker,
            lease_seconds=settings.daemon.lease_seconds,
        )
        self.policy = PolicyEngine(settings, self.store, self.mailer, roster, self._connector)
        self._consent_mtime = None  # re-read the consent register with the new config
        self._policy_at: float | None = None  # and run the policy checks at the next pass

    # -- lifecycle -------------------------------------------------------------------------
    def request_stop(self, *_: Any) -> None:
        if not self._stop.is_set():
            log.info("stop requested; finishing the current site")
            self._stop.set()
            self.notifier.stopping()
        self._stop.set()
        self._wake.set()

    def request_reload(self, *_: Any) -> None:
        """Ask for a config reload; it happens between passes, never in the middle of one.
        (No logging here: this runs in a signal handler, and the log writer holds a lock.)"""
        self._reload_requested.set()
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @contextmanager
    def signals(self) -> Iterator[None]:
        """Install SIGTERM/SIGINT (stop) and SIGHUP (reload) handlers for the duration (main
        thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        wanted = [signal.SIGTERM, signal.SIGINT]
        if hasattr(signal, "SIGHUP"):
            wanted.append(signal.SIGHUP)
        previous = {s: signal.getsignal(s) for s in wanted}

        def handler(signum: int, _frame: FrameType | None) -> None:
            if signum == getattr(signal, "SIGHUP", None):
                self.request_reload()
            else:
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
        for attempt in range(5):
            try:
                self.store.sync_sites(statuses)
                break
            except IntegrityError:
                # Another worker inserted the same new sites at the same moment (N workers
                # starting together on one PostgreSQL): sync again, now as an update.
                if attempt == 4:
                    raise
                time.sleep(random.uniform(0.05, 0.25))
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

    def reclaim_local_leases(self) -> None:
        """Leases left by a dead worker on this machine are freed at once."""
        freed = self.store.release_dead_leases(socket.gethostname(), _process_alive)
        if freed:
            log.info("freed leases of a dead worker on this host", leases=freed)

    def run_once(self) -> PassReport:
        """Poll every pollable site once (ignoring its schedule), drain the outbox."""
        report = PassReport()
        self.reclaim_local_leases()
        report.sites_skipped = self.sync_registry()
        self.enforce_policy(report)
        self._poll_leased(report, ignore_schedule=True)
        self._drain(report)
        return report

    def run_forever(self, idle_max: float = 30.0) -> None:
        """Poll sites as they come due until asked to stop."""
        self._idle_max = idle_max
        log.info("daemon started", worker=self.worker, sites=len(self.settings.sites))
        self.reclaim_local_leases()
        last_day = self._today()
        self.sync_registry()
        self._refresh_store_metrics(force=True)
        self.notifier.ready(status="started; first pass running")
        outage = 0
        while not self._stop.is_set():
            if self._reload_requested.is_set():
                self.reload()
                last_day = self._today()
            started = time.monotonic()
            report = PassReport()
            try:
                if self._today() != last_day:  # approvals can lapse while we run
                    last_day = self._today()
                    self.sync_registry()
                    self._policy_at = None
                self.enforce_policy(report, always=False)
                self._poll_leased(report, ignore_schedule=False)
                self._drain(report)
                self._pass_done(report, started)
                if self._stop.is_set():
                    break
                wait = self._sleep_seconds(idle_max)
                if outage:
                    log.info("store available again", worker=self.worker)
                outage = 0
            except (OperationalError, InterfaceError) as exc:
                # The database went away (restart, failover, connections killed). The page
                # in flight rolled back with its connection; its site stays leased to us, so
                # the next pass takes it up again. The pool's pre-ping reconnects.
                outage += 1
                wait = min(idle_max, STORE_RETRY_SECONDS * 2 ** min(outage - 1, 5))
                log.error(
                    "store unavailable; retrying",
                    worker=self.worker,
                    error_type=type(exc.orig or exc).__name__,
                    retry_in_seconds=round(wait, 1),
                )
            self._sleep(wait)
        log.info("daemon stopped", worker=self.worker)

    # -- reload ----------------------------------------------------------------------------
    def reload(self) -> bool:
        """Apply a SIGHUP: build the new config, pipeline and roster; swap them in whole, or
        keep the running ones if anything fails (logged without a traceback)."""
        self._reload_requested.clear()
        log.info("config reload requested")
        if self._reloader is None:
            log.warning("reload requested, but this daemon was started without a config file")
            return False
        self.notifier.reloading()
        try:
            new = self._reloader()
        except Exception as exc:  # whatever broke, the running config stays in force
            self.metrics.reloads.labels(outcome="failed").inc()
            log.error(
                "config reload failed; keeping the running configuration",
                error=str(exc) or type(exc).__name__,
                error_type=type(exc).__name__,
            )
            self.notifier.ready(status="config reload failed; running the previous config")
            return False
        old = self.settings
        for what, before, after in (
            ("store.url", old.store_url, new.settings.store_url),
            ("daemon.metrics_host", old.daemon.metrics_host, new.settings.daemon.metrics_host),
            ("daemon.metrics_port", old.daemon.metrics_port, new.settings.daemon.metrics_port),
        ):
            if before != after:
                log.warning("config change takes effect at the next restart", key=what)
        self._install(new.settings, new.pipeline, new.roster)
        self.sync_registry()
        self.metrics.reloads.labels(outcome="ok").inc()
        log.info("config reloaded", sites=len(new.settings.sites))
        self.notifier.ready(status="config reloaded")
        return True

    # -- liveness, watchdog, metrics -------------------------------------------------------
    def _tick(self) -> None:
        """Called whenever the loop makes progress: pings the systemd watchdog (rate-limited
        to its interval) and, now and then, refreshes the store-derived gauges."""
        now = time.monotonic()
        if now - self._last_ping >= self.notifier.ping_interval(default=1.0) / 2:
            self._last_ping = now
            self.notifier.ping()

    def _sleep(self, seconds: float) -> None:
        """Sleep until due work, a stop or a reload; keep pinging the watchdog meanwhile."""
        deadline = time.monotonic() + seconds
        step = self.notifier.ping_interval(default=seconds)
        while not self._stop.is_set() and not self._reload_requested.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            if self._wake.wait(min(remaining, step)):
                self._wake.clear()
            self._tick()
            self._refresh_store_metrics()

    def _refresh_store_metrics(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_store_metrics < STORE_METRICS_EVERY:
            return
        self._last_store_metrics = now
        try:
            self.metrics.refresh_from_store(self.store)
        except Exception as exc:  # metrics must never stop monitoring
            log.warning("metrics refresh failed", error_type=type(exc).__name__)

    def _pass_done(self, report: PassReport, started: float) -> None:
        ended = time.monotonic()
        self._last_pass = ended
        self.metrics.pass_duration.observe(ended - started)
        self.metrics.last_pass.set_to_current_time()
        self._refresh_store_metrics(force=True)
        self._tick()
        queue = self.metrics.last_queue_depth
        incidents = len(report.incidents_opened) + len(report.policy_incidents)
        failed = f" ({len(report.sites_failed)} failed)" if report.sites_failed else ""
        self.notifier.status(
            f"polled {len(report.sites_polled)} sites{failed}, {incidents} incidents, queue {queue}"
        )

    def health(self) -> tuple[bool, str]:
        """`/healthz`: the loop is alive and its last pass is recent. A pass that overruns
        ``lease_seconds`` lets other workers take its sites, so that is the limit."""
        limit = self.settings.daemon.lease_seconds + self._idle_max
        now = time.monotonic()
        if self._last_pass is None:
            age = now - self._started
            return age <= limit, f"first pass running for {age:.0f} s (limit {limit:.0f} s)"
        age = now - self._last_pass
        return age <= limit, f"last pass ended {age:.0f} s ago (limit {limit:.0f} s)"

    def _count_incidents(self, ids: Sequence[int]) -> None:
        for incident_id in ids:
            incident = self.store.get_incident(incident_id)
            if incident is not None:
                self.metrics.incidents.labels(severity=incident.severity).inc()

    def enforce_policy(self, report: PassReport, *, always: bool = True) -> None:
        """Consent register, approvals and reminders, access checks, members (policy.py).

        ``always=False`` (the running daemon's passes) runs them at most every
        ``daemon.policy_interval`` seconds, or at once when the consent file changed: they
        concern dates, hours-long check intervals and a register that rarely moves, and a
        busy daemon starts a pass every few seconds."""
        path = self.settings.consent_path
        mtime = path.stat().st_mtime if path is not None and path.exists() else None
        consent_changed = path is not None and (
            self._consent_mtime is None or mtime != self._consent_mtime
        )
        now = time.monotonic()
        due = (
            self._policy_at is None or now - self._policy_at >= self.settings.daemon.policy_interval
        )
        if not (always or due or consent_changed):
            return
        self._policy_at = now
        if consent_changed:
            self.policy.sync_consent_file()
            self._consent_mtime = mtime
        outcome = self.policy.run(list(self._statuses.values()), self._today())
        report.policy_incidents += outcome.incidents
        self._count_incidents(outcome.incidents)
        report.notices += outcome.notices
        self._matcher = self.policy.matcher()

    def _sleep_seconds(self, idle_max: float) -> float:
        """Until the next work is due, at most ``idle_max``. Work already due (a site whose
        backlog outlasted the pass) waits only ``BUSY_PAUSE_SECONDS``: a backlogged daemon
        keeps going instead of idling, and a site that stays due yet cannot be leased costs
        a few queries a second, not a busy loop."""
        due = self.store.next_work_at(self.worker)
        if due is None:
            return idle_max
        wait = (due - self.store.clock()).total_seconds()
        return max(BUSY_PAUSE_SECONDS, min(idle_max, wait))

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
        started = time.monotonic()
        try:
            backlog = self._poll_pages(site, report)
        except RetriableConnectorError as exc:
            self._polled(site, started, "retriable_error")
            self._failed(site, report, fatal=False, detail=str(exc), retry_after=exc.retry_after)
            return
        except (FatalConnectorError, ConfigError) as exc:
            self._polled(site, started, "fatal_error")
            self._failed(site, report, fatal=True, detail=str(exc))
            return
        self._polled(site, started, "ok")
        # A site that spent its page budget with pages left is due again at once: its
        # backlog drains over the next passes, taking turns with the other sites.
        recovered = self.store.record_success(site.name, 0.0 if backlog else site.poll_interval)
        report.sites_polled.append(site.name)
        if site.name in self._failing or recovered:
            self._failing.discard(site.name)
            log.info("site readable again", site=site.name)

    def _polled(self, site: Site, started: float, outcome: str) -> None:
        self.metrics.polls.labels(site=site.name, outcome=outcome).inc()
        self.metrics.poll_duration.labels(site=site.name).observe(time.monotonic() - started)
        if outcome != "ok":
            kind = "retriable" if outcome == "retriable_error" else "fatal"
            self.metrics.connector_errors.labels(platform=site.platform, kind=kind).inc()
        self._tick()

    def _poll_pages(self, site: Site, report: PassReport) -> bool:
        """Page after page until the site has no more (or ``max_pages_per_poll``); True when
        the page budget ran out with pages left (a backlog).

        Three stages overlap: while page N is scanned, page N+1 is fetched on the read-ahead
        thread and, on a store that takes concurrent sessions (PostgreSQL), page N-1 is
        recorded on the write-behind thread, so the request's and the database's waits
        overlap the scan. Pages are still recorded one after another in order, each only
        after the one before it committed, so the cursor never passes an unrecorded page;
        an error surfaces where it would without the overlap (a failed fetch or record
        after the pages before it are recorded, and no page after a failed one is
        recorded). A fetched page is always scanned and recorded before the poll ends, even
        when a stop is asked for meanwhile. The connector is never used by two threads at
        once: moderation actions and metrics wait for the read-ahead to settle.
        """
        limit = self.settings.daemon.max_pages_per_poll
        connector = self._connector(site.platform)
        page = connector.fetch(site, self.store.get_cursor(site.name))
        fetching: Future[Page] | None = None
        writing: _PageWrite | None = None
        try:
            for n in range(limit):
                if fetching is not None:
                    page, fetching = fetching.result(), None
                more = page.has_more and n + 1 < limit and not self.stopping
                if more:
                    fetching = self._threads("read-ahead").submit(
                        connector.fetch, site, page.next_cursor
                    )
                for item in page.skipped:
                    report.items_skipped += 1
                    log.warning(
                        "item skipped", site=site.name, where=item.where, reason=item.reason
                    )
                scanned = self._scan_page(site, page.posts)
                if writing is not None:
                    done, writing = writing, None
                    self._page_done(site, connector, done, fetching, report)
                writing = self._record(site, page, scanned)
                self._tick()
                if not more:
                    break
            if writing is not None:
                done, writing = writing, None
                self._page_done(site, connector, done, fetching, report)
            return page.has_more and not self.stopping
        except BaseException:
            # The page already handed to the store is finished first, as it would have
            # been before this error; if its record failed, that error is the one raised.
            if writing is not None:
                done, writing = writing, None
                self._page_done(site, connector, done, fetching, report)
            raise
        finally:
            if fetching is not None:
                wait([fetching])  # a failed poll drops the page read ahead

    def _record(self, site: Site, page: Page, scanned: list[ScannedPost]) -> _PageWrite:
        record = self.store.record_page
        if self.store.concurrent_sessions:
            future = self._threads("write-behind").submit(
                record, site.name, scanned, page.next_cursor, self.mailer
            )
        else:
            future = Future()
            future.set_result(record(site.name, scanned, page.next_cursor, self.mailer))
        return _PageWrite(page, scanned, future)

    def _page_done(
        self,
        site: Site,
        connector: Connector,
        done: _PageWrite,
        fetching: Future[Page] | None,
        report: PassReport,
    ) -> None:
        """A recorded page's follow-up: its moderation actions, metrics and counts."""
        outcome = done.future.result()  # a failed record raises here
        if fetching is not None:
            wait([fetching])  # the connector is free again before it acts or counts
        self._auto_act(site, connector, done.page.posts, outcome)
        self._page_metrics(site, connector, done.page.next_cursor, done.scanned, outcome)
        report.posts_scanned += outcome.posts_recorded
        report.incidents_opened += outcome.incidents_opened
        report.incidents_updated += outcome.incidents_updated

    def _threads(self, role: str) -> ThreadPoolExecutor:
        pool = self._pools.get(role)
        if pool is None:
            pool = self._pools[role] = ThreadPoolExecutor(1, thread_name_prefix=f"sitewatch-{role}")
        return pool

    def close(self) -> None:
        """Stop the read-ahead and write-behind threads (the CLI calls this on exit)."""
        for pool in self._pools.values():
            pool.shutdown(wait=True)
        self._pools.clear()

    def _page_metrics(
        self,
        site: Site,
        connector: Connector,
        cursor: str | None,
        scanned: Sequence[ScannedPost],
        outcome: Any,
    ) -> None:
        """Counts only: site names, categories and severities, never content."""
        self.metrics.posts_scanned.labels(site=site.name).inc(outcome.posts_recorded)
        for item in scanned:
            for finding in item.result.findings:
                self.metrics.findings.labels(category=finding.category).inc()
        for severity in outcome.opened_severities.values():
            self.metrics.incidents.labels(severity=severity).inc()
        # A connector that counts API quota may say so (see docs: `quota_units_used`).
        quota = getattr(connector, "quota_units_used", None)
        if site.platform == "youtube" and callable(quota):
            try:
                units = quota(site, cursor)
            except Exception:  # optional hook; never fails a poll
                units = None
            if isinstance(units, (int, float)):
                self.metrics.youtube_quota.labels(site=site.name).set(units)

    def _scan_page(self, site: Site, posts: tuple[Any, ...]) -> list[ScannedPost]:
        return scan_page(self.store, self.pipeline, site, posts, self._matcher, self._today())

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
        if newly:
            self.metrics.incidents.labels(severity="high").inc()  # the monitoring.gap incident
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
        self.metrics.notifications.labels(outcome="delivered").inc(len(delivered))
        self.metrics.notifications.labels(outcome="failed").inc(failed)


def _load_connector(platform: str) -> Connector:
    factory = registry.load(registry.CONNECTORS, platform)
    connector: Connector = factory()
    return connector
