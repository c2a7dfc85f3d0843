"""The repository: every read and write the daemon and the CLI make, in named operations.

``record_page`` is the heart of the crash-safety guarantee: post digests, incidents,
findings, outbox rows and the advanced cursor commit in ONE transaction, so a crash at any
point either keeps all of a page's effects or none of them.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, selectinload

from sitewatch.models import Finding, Post, ScanResult, Severity
from sitewatch.notify.email import IncidentMailer
from sitewatch.redact import excerpt
from sitewatch.scan.severity import clause_for
from sitewatch.store.accounts import AccountQueries
from sitewatch.store.base import FindingView
from sitewatch.store.models import (
    AuditEventRow,
    BackfillRow,
    CursorRow,
    FindingRow,
    IncidentRow,
    OutboxRow,
    PostDigestRow,
    SiteRow,
)
from sitewatch.store.policy import PolicyQueries
from sitewatch.store.retention import RetentionQueries
from sitewatch.store.workflow import WorkflowQueries


def storable(text: str | None) -> str | None:
    """Platform text as every backend can store it: NUL and lone surrogates become U+FFFD
    (PostgreSQL rejects NUL in text; UTF-8 cannot encode a lone surrogate)."""
    if text is None:
        return None
    text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


def content_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    """``IN (…)`` lists of a bounded size (SQLite's bound-parameter limit, plan size)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True)
class ScannedPost:
    post: Post
    digest: str
    result: ScanResult


@dataclass(frozen=True)
class BackfillStep:
    """A backfill page: its own cursor moves (not the site's), its count grows."""

    backfill_id: int
    posts_seen: int
    finished: bool = False


@dataclass
class PageOutcome:
    posts_recorded: int = 0
    incidents_opened: list[int] = field(default_factory=list)
    incidents_updated: list[int] = field(default_factory=list)
    notifications: int = 0
    incident_posts: dict[int, str] = field(default_factory=dict)  # incident → post id
    opened_severities: dict[int, str] = field(default_factory=dict)  # for the metrics


@dataclass(frozen=True)
class _FiledIncident:
    """An incident a page opened or widened, waiting for the page's flush (its id)."""

    incident: IncidentRow
    post: Post
    findings: list[Finding]
    explanations: tuple[str, ...]
    kind: str | None  # the message to queue: "new", "update" or none
    opened: bool


@dataclass(frozen=True)
class IncidentView:
    id: int
    site: str
    post_id: str | None
    post_url: str | None
    severity: str
    categories: tuple[str, ...]
    clauses: tuple[str, ...]
    status: str
    summary: str
    created_at: datetime
    updated_at: datetime
    findings: tuple[FindingView, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "site": self.site,
            "post_id": self.post_id,
            "post_url": self.post_url,
            "categories": list(self.categories),
            "severity": self.severity,
            "status": self.status,
            "clauses": list(self.clauses),
            "summary": self.summary,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class OutboxItem:
    id: int
    message_id: str
    recipients: tuple[str, ...]
    message: bytes
    attempts: int


@dataclass(frozen=True)
class SiteView:
    name: str
    platform: str
    sponsor: str
    pollable: bool
    status_reason: str
    health: str
    health_detail: str
    last_success_at: datetime | None
    next_poll_at: datetime | None


class Store(AccountQueries, WorkflowQueries, PolicyQueries, RetentionQueries):
    """SQLAlchemy-backed store; one instance per process."""

    # -- scheduling ------------------------------------------------------------------------
    def lease_due_sites(
        self,
        worker: str,
        *,
        lease_seconds: float,
        limit: int = 100,
        names: Iterable[str] = (),
        ignore_schedule: bool = False,
    ) -> list[str]:
        """Claim up to ``limit`` due, pollable sites for ``worker`` until the lease expires.

        ``FOR UPDATE SKIP LOCKED`` on PostgreSQL lets N workers share the table without
        polling a site twice at once; SQLite has a single writer and ignores it.
        """
        now = self.clock()
        wanted = list(names)
        with self.sessions.begin() as s:
            query = (
                select(SiteRow)
                .where(SiteRow.pollable.is_(True), SiteRow.in_config.is_(True))
                .where(
                    or_(
                        SiteRow.lease_expires_at.is_(None),
                        SiteRow.lease_expires_at <= now,
                        SiteRow.lease_owner == worker,
                    )
                )
                .order_by(SiteRow.next_poll_at.is_not(None), SiteRow.next_poll_at, SiteRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            if not ignore_schedule:
                query = query.where(
                    or_(SiteRow.next_poll_at.is_(None), SiteRow.next_poll_at <= now)
                )
            if wanted:
                query = query.where(SiteRow.name.in_(wanted))
            rows = list(s.scalars(query))
            for row in rows:
                row.lease_owner = worker
                row.lease_expires_at = now + timedelta(seconds=lease_seconds)
            return [r.name for r in rows]

    def next_due_at(self) -> datetime | None:
        with self.sessions() as s:
            return s.scalar(
                select(func.min(SiteRow.next_poll_at)).where(
                    SiteRow.pollable.is_(True), SiteRow.in_config.is_(True)
                )
            )

    def release_lease(self, site: str, worker: str) -> None:
        with self.sessions.begin() as s:
            s.execute(
                update(SiteRow)
                .where(SiteRow.name == site, SiteRow.lease_owner == worker)
                .values(lease_owner=None, lease_expires_at=None)
            )

    def record_success(self, site: str, interval: float) -> bool:
        """The poll finished; schedule the next one. True if the site had been unhealthy."""
        now = self.clock()
        with self.sessions.begin() as s:
            row = self._site(s, site)
            recovered = row.health == "unhealthy"
            row.health, row.health_detail = "ok", ""
            row.consecutive_failures = 0
            row.last_poll_at = row.last_success_at = now
            row.next_poll_at = now + timedelta(seconds=interval)
            if recovered:
                for inc in s.scalars(
                    select(IncidentRow).where(
                        IncidentRow.site_id == row.id,
                        IncidentRow.dedup_key.like("gap:%"),
                        IncidentRow.status == "open",
                    )
                ):
                    inc.status = "resolved"
                    inc.updated_at = now
                    self._audit(
                        s,
                        "daemon",
                        "incident.auto_resolved",
                        "incident",
                        str(inc.id),
                        {"reason": "site readable again"},
                    )
            return recovered

    def record_failure(
        self,
        site: str,
        *,
        fatal: bool,
        detail: str,
        backoff_initial: float,
        backoff_max: float,
        retry_after: float | None = None,
        mailer: IncidentMailer | None = None,
    ) -> tuple[bool, float]:
        """Back off after a failed poll. A fatal error marks the site unhealthy and files one
        ``monitoring.gap`` incident per outage. Returns (newly unhealthy, delay seconds)."""
        now = self.clock()
        with self.sessions.begin() as s:
            row = self._site(s, site)
            row.consecutive_failures += 1
            row.last_poll_at = now
            exp = backoff_initial * 2 ** min(row.consecutive_failures - 1, 20)
            delay = min(backoff_max, exp) * random.uniform(0.8, 1.2)
            if retry_after is not None:
                delay = max(delay, retry_after)
            row.next_poll_at = now + timedelta(seconds=delay)
            newly = False
            if fatal and row.health != "unhealthy":
                newly = True
                row.health = "unhealthy"
                row.health_detail = detail
                incident = IncidentRow(
                    site_id=row.id,
                    dedup_key=f"gap:{now.isoformat()}",
                    severity=Severity.HIGH.label,
                    severity_rank=int(Severity.HIGH),
                    categories=["monitoring.gap"],
                    clauses=[clause_for("monitoring.gap")],
                    summary=f"the site could not be read: {detail}",
                    status="open",
                    redactions=[],
                    created_at=now,
                    updated_at=now,
                )
                s.add(incident)
                s.flush()
                self._audit(
                    s,
                    "daemon",
                    "incident.opened",
                    "incident",
                    str(incident.id),
                    {"categories": ["monitoring.gap"]},
                )
                if mailer is not None:
                    self._enqueue(
                        s,
                        mailer,
                        row,
                        incident,
                        (f"the site could not be read: {detail}",),
                        "",
                        "new",
                    )
            elif not fatal and row.health != "unhealthy":
                row.health_detail = detail
            return newly, delay

    def list_sites(self) -> list[SiteView]:
        with self.sessions() as s:
            return [
                SiteView(
                    r.name,
                    r.platform,
                    r.sponsor,
                    r.pollable and r.in_config,
                    r.status_reason,
                    r.health,
                    r.health_detail,
                    r.last_success_at,
                    r.next_poll_at,
                )
                for r in s.scalars(select(SiteRow).order_by(SiteRow.name))
            ]

    # -- cursors and posts -----------------------------------------------------------------
    def get_cursor(self, site: str) -> str | None:
        with self.sessions() as s:
            return s.scalar(
                select(CursorRow.value)
                .join(SiteRow, SiteRow.id == CursorRow.site_id)
                .where(SiteRow.name == site)
            )

    def known_digests(self, site: str, post_ids: Sequence[str]) -> dict[str, str]:
        if not post_ids:
            return {}
        with self.sessions() as s:
            rows = s.execute(
                select(PostDigestRow.post_id, PostDigestRow.content_sha256)
                .join(SiteRow, SiteRow.id == PostDigestRow.site_id)
                .where(
                    SiteRow.name == site, PostDigestRow.post_id.in_([storable(p) for p in post_ids])
                )
            )
            return {pid: sha for pid, sha in rows}

    def record_page(
        self,
        site: str,
        scanned: Sequence[ScannedPost],
        next_cursor: str | None,
        mailer: IncidentMailer,
        *,
        notify: bool = True,
        backfill: BackfillStep | None = None,
    ) -> PageOutcome:
        """Digests, incidents, findings, outbox rows and the cursor, in one transaction.

        ``notify=False`` files and audits incidents without mail: no outbox rows, no
        escalation clock, and they are kept out of the daily digest (a quiet backfill).
        ``backfill`` moves that backfill's own cursor instead of the site's polling cursor.

        The page costs a fixed number of round trips, not a few per post: two lookups up
        front, the new incidents inserted together in one flush (their ids come back in one
        batch), then digests, findings, audit events and outbox rows in batched inserts at
        commit."""
        now = self.clock()
        outcome = PageOutcome()
        with self.sessions.begin() as s:
            row = self._site(s, site)
            ids = list(dict.fromkeys(storable(i.post.id) or "" for i in scanned))
            digests: dict[str, PostDigestRow | dict[str, Any]] = {}
            for chunk in _chunks(ids):
                digests.update(
                    (d.post_id, d)
                    for d in s.scalars(
                        select(PostDigestRow).where(
                            PostDigestRow.site_id == row.id, PostDigestRow.post_id.in_(chunk)
                        )
                    )
                )
            keys = list(
                dict.fromkeys(
                    f"post:{storable(i.post.id) or ''}"
                    for i in scanned
                    if i.result.severity >= Severity.LOW
                )
            )
            incidents: dict[str, IncidentRow] = {}
            for chunk in _chunks(keys):
                incidents.update(
                    (r.dedup_key, r)
                    for r in s.scalars(
                        select(IncidentRow).where(
                            IncidentRow.site_id == row.id, IncidentRow.dedup_key.in_(chunk)
                        )
                    )
                )
            fresh: list[dict[str, Any]] = []
            filed: list[_FiledIncident] = []
            with s.no_autoflush:
                for item in scanned:
                    change = self._record_post(
                        s, row, item, now, mailer, outcome, digests, incidents, fresh
                    )
                    if change is not None:
                        filed.append(change)
            if filed:
                s.flush()  # the page's new incidents in one batch: their ids are needed below
            for change in filed:
                self._file_findings_and_mail(s, row, change, now, mailer, outcome, notify=notify)
            if fresh:
                s.connection().execute(insert(PostDigestRow), fresh)  # Core: no ORM bookkeeping
            if backfill is not None:
                job = s.get(BackfillRow, backfill.backfill_id)
                if job is None or job.site_id != row.id:
                    raise KeyError(f"no backfill #{backfill.backfill_id} for site {site!r}")
                job.cursor = next_cursor
                job.posts_scanned += backfill.posts_seen
                if backfill.finished:
                    job.finished_at = now
                return outcome
            cursor = s.get(CursorRow, row.id)
            if cursor is None:
                s.add(CursorRow(site_id=row.id, value=next_cursor, updated_at=now))
            else:
                cursor.value, cursor.updated_at = next_cursor, now
        return outcome

    def _record_post(
        self,
        s: Session,
        site: SiteRow,
        item: ScannedPost,
        now: datetime,
        mailer: IncidentMailer,
        outcome: PageOutcome,
        digests: dict[str, PostDigestRow | dict[str, Any]],
        incidents: dict[str, IncidentRow],
        fresh: list[dict[str, Any]],
    ) -> _FiledIncident | None:
        """One post of ``record_page``: its digest, and its incident opened or widened.

        ``digests`` and ``incidents`` are the page's existing rows by post id / dedup key
        (kept current as the page goes); a post's first digest is appended to ``fresh`` as a
        plain row for the page's one bulk insert. What needs the incident's id (findings,
        audit, mail) is returned for after the page's flush."""
        result = item.result
        post = replace(
            item.post,
            id=storable(item.post.id) or "",
            text=storable(item.post.text) or "",
            author=storable(item.post.author),
            url=storable(item.post.url),
            parent_id=storable(item.post.parent_id),
        )
        digest = digests.get(post.id)
        if isinstance(digest, dict):
            if digest["content_sha256"] == item.digest:
                return None  # the same post twice on one page, unchanged
        elif digest is not None and digest.content_sha256 == item.digest:
            return None  # already scanned as it is now: a re-run files nothing
        severity = result.severity
        values = {
            "content_sha256": item.digest,
            "kind": post.kind,
            "parent_id": post.parent_id,
            "url": post.url,
            "posted_at": post.created_at,
            "scanned_at": now,
            "max_severity": severity.label,
        }
        if digest is None:
            digest = {"site_id": site.id, "post_id": post.id, "first_seen_at": now, **values}
            digests[post.id] = digest
            fresh.append(digest)
        elif isinstance(digest, dict):
            digest.update(values)
        else:
            for name, value in values.items():
                setattr(digest, name, value)
        outcome.posts_recorded += 1
        if severity < Severity.LOW:
            return None
        findings = [f for f in result.findings if f.severity >= Severity.LOW]
        incident = incidents.get(f"post:{post.id}")
        categories = sorted({f.category for f in findings})
        clauses = sorted({f.clause or clause_for(f.category) for f in findings})
        explanations = tuple(dict.fromkeys(f.explanation for f in findings))
        if incident is None:
            incident = IncidentRow(
                site_id=site.id,
                dedup_key=f"post:{post.id}",
                post_id=storable(post.id),
                post_url=storable(post.url),
                posted_at=post.created_at,
                severity=severity.label,
                severity_rank=int(severity),
                categories=categories,
                clauses=clauses,
                summary="; ".join(explanations),
                status="open",
                redactions=[list(r) for r in result.redactions],
                created_at=now,
                updated_at=now,
            )
            self.evidence_cipher.store_evidence(incident, post.text, post.author)
            s.add(incident)
            incidents[incident.dedup_key] = incident
            immediate = severity.is_incident and mailer.router.immediate(site.name, severity)
            return _FiledIncident(
                incident, post, findings, explanations, "new" if immediate else None, opened=True
            )
        # The post was edited: keep one incident, widen it, notify only if it got worse.
        if incident.id is None:
            s.flush()  # opened earlier on this very page: it needs its id now
        old_rank = incident.severity_rank
        merged = sorted(set(incident.categories) | set(categories))
        incident.categories = merged
        incident.clauses = sorted(set(incident.clauses) | set(clauses))
        incident.severity_rank = max(old_rank, int(severity))
        incident.severity = Severity(incident.severity_rank).label
        incident.summary = "; ".join(dict.fromkeys([*incident.summary.split("; "), *explanations]))
        self.evidence_cipher.store_text(incident, post.text)
        incident.redactions = [list(r) for r in result.redactions]
        incident.updated_at = now
        if incident.status in ("resolved", "false_positive") and severity.is_incident:
            incident.status = "open"
        s.execute(delete(FindingRow).where(FindingRow.incident_id == incident.id))
        worse = int(severity) > old_rank and mailer.router.immediate(site.name, severity)
        return _FiledIncident(
            incident, post, findings, explanations, "update" if worse else None, opened=False
        )

    def _file_findings_and_mail(
        self,
        s: Session,
        site: SiteRow,
        change: _FiledIncident,
        now: datetime,
        mailer: IncidentMailer,
        outcome: PageOutcome,
        *,
        notify: bool,
    ) -> None:
        """After the page's flush: the audit event, the findings and the message, if any."""
        incident = change.incident
        outcome.incident_posts[incident.id] = change.post.id
        if change.opened:
            outcome.incidents_opened.append(incident.id)
            outcome.opened_severities[incident.id] = incident.severity
        else:
            outcome.incidents_updated.append(incident.id)
        self._audit(
            s,
            "daemon",
            "incident.opened" if change.opened else "incident.updated",
            "incident",
            str(incident.id),
            {"categories": list(incident.categories), "severity": incident.severity},
        )
        s.add_all(
            FindingRow(
                incident_id=incident.id,
                category=f.category,
                severity=f.severity.label,
                score=f.score,
                start=f.start,
                end=f.end,
                detector=f.detector,
                explanation=f.explanation,
                clause=f.clause,
                created_at=now,
            )
            for f in change.findings
        )
        if not notify:
            if change.opened:
                incident.digest_sent_at = now  # quiet: not daily-digest material either
            return
        if change.kind is not None:
            spans = [(int(str(a)), int(str(b)), str(c)) for a, b, c in incident.redactions]
            self._enqueue(
                s,
                mailer,
                site,
                incident,
                change.explanations,
                excerpt(change.post.text, spans),
                change.kind,
                seq=1 if change.opened else None,
            )
            outcome.notifications += 1
            if change.opened:
                # Mailed at once: never daily-digest material, so the digest query (run each
                # pass once the digest hour is reached) need not load it again.
                incident.digest_sent_at = now

    # -- outbox ----------------------------------------------------------------------------
    def due_outbox(
        self,
        limit: int = 100,
        *,
        worker: str | None = None,
        lease_seconds: float = 600.0,
    ) -> list[OutboxItem]:
        """Pending messages whose time has come, oldest first.

        With ``worker``, the rows are also *claimed* for it until ``lease_seconds`` from now,
        like sites are (``FOR UPDATE SKIP LOCKED`` on PostgreSQL): rows another worker leased
        and whose lease has not expired are skipped, so N workers never send the same message
        at once, and a dead worker's claims lapse. ``mark_sent``/``mark_failed`` and
        ``release_outbox`` clear the lease. Without ``worker`` it is a read-only look.
        """
        now = self.clock()
        with self.sessions.begin() as s:
            query = (
                select(OutboxRow)
                .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now)
                .where(
                    or_(
                        OutboxRow.lease_expires_at.is_(None),
                        OutboxRow.lease_expires_at <= now,
                        *([OutboxRow.lease_owner == worker] if worker else []),
                    )
                )
                .order_by(OutboxRow.id)
                .limit(limit)
            )
            if worker is not None:
                query = query.with_for_update(skip_locked=True)
            rows = list(s.scalars(query))
            if worker is not None:
                expires = now + timedelta(seconds=lease_seconds)
                for r in rows:
                    r.lease_owner, r.lease_expires_at = worker, expires
            return [
                OutboxItem(r.id, r.message_id, tuple(r.recipients), r.message, r.attempts)
                for r in rows
            ]

    def release_outbox(self, outbox_ids: Sequence[int], worker: str) -> None:
        """Give back claimed messages that were not tried (a stop, a transport outage)."""
        if not outbox_ids:
            return
        with self.sessions.begin() as s:
            s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(list(outbox_ids)), OutboxRow.lease_owner == worker)
                .values(lease_owner=None, lease_expires_at=None)
            )

    def mark_sent(self, outbox_id: int, delivered_to: str) -> None:
        """Settle a delivered message: one UPDATE (this runs once per e-mail sent)."""
        with self.sessions.begin() as s:
            sent = s.execute(
                update(OutboxRow)
                .where(OutboxRow.id == outbox_id, OutboxRow.status == "pending")
                .values(
                    status="sent",
                    sent_at=self.clock(),
                    attempts=OutboxRow.attempts + 1,
                    delivered_to=delivered_to,
                    lease_owner=None,
                    lease_expires_at=None,
                )
                .execution_options(synchronize_session=False)
            )
            if not getattr(sent, "rowcount", 0):  # settled by another worker meanwhile
                s.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id == outbox_id)
                    .values(lease_owner=None, lease_expires_at=None)
                    .execution_options(synchronize_session=False)
                )

    def mark_failed(
        self, outbox_id: int, error: str, *, permanent: bool, max_attempts: int, retry_in: float
    ) -> str:
        with self.sessions.begin() as s:
            row = s.get(OutboxRow, outbox_id)
            if row is None:
                return "missing"
            row.lease_owner = row.lease_expires_at = None
            if row.status != "pending":
                return row.status  # another worker settled it meanwhile
            row.attempts += 1
            row.last_error = error[:2000]
            if permanent or row.attempts >= max_attempts:
                row.status = "failed"
            else:
                row.next_attempt_at = self.clock() + timedelta(seconds=retry_in)
            return row.status

    def next_work_at(self, worker: str) -> datetime | None:
        """When ``worker`` may next find work: the earliest time a pollable site is due and
        not leased by another worker (a never-polled site is due now; a site another worker
        holds is due when its lease lapses), or a pending message is. None when nothing."""
        now = self.clock()
        times: list[datetime] = []

        def available(due: datetime | None, owner: str | None, expires: datetime | None) -> None:
            at = utc(due) if due is not None else now
            if owner is not None and owner != worker and expires is not None:
                at = max(at, utc(expires))
            times.append(at)

        with self.sessions() as s:
            for due, owner, expires in s.execute(
                select(SiteRow.next_poll_at, SiteRow.lease_owner, SiteRow.lease_expires_at).where(
                    SiteRow.pollable.is_(True), SiteRow.in_config.is_(True)
                )
            ):
                available(due, owner, expires)
            for due, owner, expires in s.execute(
                select(OutboxRow.next_attempt_at, OutboxRow.lease_owner, OutboxRow.lease_expires_at)
                .where(OutboxRow.status == "pending")
                .order_by(OutboxRow.next_attempt_at)
                .limit(100)
            ):
                available(due, owner, expires)
        return min(times, default=None)

    def outbox_counts(self) -> dict[str, int]:
        with self.sessions() as s:
            return {
                st: n
                for st, n in s.execute(
                    select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
                )
            }

    def outbox_for(self, incident_id: int) -> list[tuple[str, str, str | None]]:
        with self.sessions() as s:
            return [
                (r.message_id, r.status, r.delivered_to)
                for r in s.scalars(
                    select(OutboxRow)
                    .where(OutboxRow.incident_id == incident_id)
                    .order_by(OutboxRow.id)
                )
            ]

    # -- incidents -------------------------------------------------------------------------
    def list_incidents(
        self,
        *,
        site: str | None = None,
        status: str | None = None,
        min_severity: Severity | None = None,
        limit: int | None = None,
    ) -> list[IncidentView]:
        with self.sessions() as s:
            query = (
                select(IncidentRow, SiteRow.name)
                .join(SiteRow, SiteRow.id == IncidentRow.site_id)
                .order_by(IncidentRow.id)
            )
            if site:
                query = query.where(SiteRow.name == site)
            if status:
                query = query.where(IncidentRow.status == status)
            if min_severity is not None:
                query = query.where(IncidentRow.severity_rank >= int(min_severity))
            if limit:
                query = query.limit(limit)
            return [_view(inc, name) for inc, name in s.execute(query)]

    def get_incident(self, incident_id: int) -> IncidentView | None:
        with self.sessions() as s:
            found = s.execute(
                select(IncidentRow, SiteRow.name)
                .join(SiteRow, SiteRow.id == IncidentRow.site_id)
                .where(IncidentRow.id == incident_id)
                .options(selectinload(IncidentRow.findings))
            ).first()
            if found is None:
                return None
            inc, name = found
            return _view(inc, name, with_findings=True)

    def audit_events(self, limit: int = 100) -> list[AuditEventRow]:
        with self.sessions() as s:
            return list(
                s.scalars(select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(limit))
            )


def _view(inc: IncidentRow, site: str, with_findings: bool = False) -> IncidentView:
    findings = (
        tuple(
            FindingView(
                f.category, f.severity, f.score, f.start, f.end, f.detector, f.explanation, f.clause
            )
            for f in inc.findings
        )
        if with_findings
        else ()
    )
    return IncidentView(
        id=inc.id,
        site=site,
        post_id=inc.post_id,
        post_url=inc.post_url,
        severity=inc.severity,
        categories=tuple(inc.categories),
        clauses=tuple(inc.clauses),
        status=inc.status,
        summary=inc.summary,
        created_at=inc.created_at,
        updated_at=inc.updated_at,
        findings=findings,
    )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, (date, datetime)) else v for k, v in values.items()}


def utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
