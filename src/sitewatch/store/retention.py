"""Retention and data minimization (FERPA): what ``sitewatch purge`` removes, and when.

Every rule is one condition on the store's own timestamps, evaluated against the store's
clock, so the same statement counts (``--dry-run``) and purges; each rule runs in the purge's
single transaction, and the run is recorded as ONE audit event holding the counts only.

- ``evidence``: a resolved or false-positive incident's ``evidence_text``, ``post_author`` and
  ``redactions`` are cleared ``evidence_days`` after it was closed (``resolved_at``, or
  ``updated_at`` for incidents closed by the daemon). A reopened incident keeps its evidence.
- ``incidents``: a closed incident's metadata (categories, severity, clauses, the summary of
  explanations, status, timestamps) is kept ``audit_years``, then deleted with its findings,
  notes and acknowledgement tokens; its outbox rows stay (``incident_id`` set to NULL).
- ``digests``: the digest of a post without an incident is deleted ``digest_days`` after it
  was last scanned; a post with an incident keeps its digest as long as the incident. The
  daemon uses digests to skip posts it has already scanned, and connector cursors never hand
  back a post from before the cursor, so a purged digest of an old post is never re-scanned.
  (If a feed is rewritten from its start, e.g. a rotated demo file, an old post is scanned
  again; an incident that still exists is then updated, not filed twice.)
- ``outbox_bodies``: the body of a sent or failed message is emptied ``outbox_body_days``
  after it was sent (or created, for a failure); the row stays: Message-ID, status,
  recipients, subject and dates.
- ``ack_tokens``: one-click acknowledgement tokens ``ack_token_days`` past their expiry.
- ``web_sessions`` / ``login_attempts``: sessions past their idle or absolute lifetime;
  login attempts older than the throttle window (and at least two days).

Audit events are never deleted: the database refuses it (append-only triggers), and the
trail is the district's record of who saw and did what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    and_,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from sitewatch.store.base import StoreBase
from sitewatch.store.crypto import EvidenceCipher
from sitewatch.store.models import (
    AckTokenRow,
    FindingRow,
    IncidentNoteRow,
    IncidentRow,
    LoginAttemptRow,
    OutboxRow,
    PostDigestRow,
    WebSessionRow,
)

if TYPE_CHECKING:
    from sitewatch.config import Settings

CLOSED = ("resolved", "false_positive")
CATEGORIES = (
    "evidence",
    "incidents",
    "digests",
    "outbox_bodies",
    "ack_tokens",
    "web_sessions",
    "login_attempts",
)
LOGIN_ATTEMPTS_MIN = timedelta(days=2)  # the web app's own pruning horizon


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each kind of data is kept (``[retention]`` and ``[web]`` in the config)."""

    evidence_days: int = 90
    digest_days: int = 7
    outbox_body_days: int = 30
    ack_token_days: int = 30
    audit_years: int = 5
    session_idle: timedelta = timedelta(minutes=30)
    session_lifetime: timedelta = timedelta(hours=12)
    login_window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        r, web = settings.retention, settings.web
        return cls(
            evidence_days=r.evidence_days,
            digest_days=r.digest_days,
            outbox_body_days=r.outbox_body_days,
            ack_token_days=r.ack_token_days,
            audit_years=r.audit_years,
            session_idle=timedelta(minutes=web.idle_minutes),
            session_lifetime=timedelta(hours=web.session_hours),
            login_window=timedelta(minutes=web.login_window_minutes),
        )


@dataclass(frozen=True)
class PurgeReport:
    """Counts per category (never content); ``dry_run`` means nothing was changed."""

    at: datetime
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def years_before(moment: datetime, years: int) -> datetime:
    """``moment`` minus whole calendar years (29 February falls back to the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


class RetentionQueries(StoreBase):
    def purge(
        self,
        policy: RetentionPolicy,
        *,
        dry_run: bool = False,
        actor: str = "daemon",
        source: str = "cli",
    ) -> PurgeReport:
        """Apply (or, with ``dry_run``, count) every retention rule in one transaction and
        record one ``retention.purge`` audit event with the counts."""
        now = self.clock()
        closed_at = func.coalesce(IncidentRow.resolved_at, IncidentRow.updated_at)
        closed = IncidentRow.status.in_(CLOSED)
        expired_incident = and_(closed, closed_at <= years_before(now, policy.audit_years))
        old_incidents = select(IncidentRow.id).where(expired_incident)
        counts: dict[str, int] = {}
        with self.sessions.begin() as s:
            # Incidents first: the digests of their posts then count as incident-free.
            counts["incidents"] = _count(s, IncidentRow, expired_incident)
            if not dry_run and counts["incidents"]:
                for child in (FindingRow, IncidentNoteRow, AckTokenRow):
                    s.execute(
                        delete(child).where(child.incident_id.in_(old_incidents)),
                        execution_options={"synchronize_session": False},
                    )
                s.execute(
                    update(OutboxRow)
                    .where(OutboxRow.incident_id.in_(old_incidents))
                    .values(incident_id=None),
                    execution_options={"synchronize_session": False},
                )
                s.execute(
                    delete(IncidentRow).where(expired_incident),
                    execution_options={"synchronize_session": False},
                )

            evidence = and_(
                closed,
                closed_at <= now - timedelta(days=policy.evidence_days),
                ~expired_incident,  # deleted whole above (a dry run must not count it twice)
                or_(IncidentRow.evidence_text.is_not(None), IncidentRow.post_author.is_not(None)),
            )
            counts["evidence"] = _count(s, IncidentRow, evidence)
            if not dry_run and counts["evidence"]:
                s.execute(
                    update(IncidentRow)
                    .where(evidence)
                    .values(evidence_text=None, post_author=None, redactions=[]),
                    execution_options={"synchronize_session": False},
                )

            has_incident = exists().where(
                IncidentRow.site_id == PostDigestRow.site_id,
                IncidentRow.post_id == PostDigestRow.post_id,
                ~expired_incident,
            )
            digests = and_(
                PostDigestRow.scanned_at <= now - timedelta(days=policy.digest_days),
                ~has_incident,
            )
            counts["digests"] = _delete(s, PostDigestRow, digests, dry_run)

            bodies = and_(
                OutboxRow.status.in_(("sent", "failed")),
                func.coalesce(OutboxRow.sent_at, OutboxRow.created_at)
                <= now - timedelta(days=policy.outbox_body_days),
                func.length(OutboxRow.message) > 0,
            )
            counts["outbox_bodies"] = _count(s, OutboxRow, bodies)
            if not dry_run and counts["outbox_bodies"]:
                s.execute(
                    update(OutboxRow).where(bodies).values(message=b""),
                    execution_options={"synchronize_session": False},
                )

            counts["ack_tokens"] = _delete(
                s,
                AckTokenRow,
                AckTokenRow.expires_at <= now - timedelta(days=policy.ack_token_days),
                dry_run,
            )
            counts["web_sessions"] = _delete(
                s,
                WebSessionRow,
                or_(
                    WebSessionRow.last_seen_at < now - policy.session_idle,
                    WebSessionRow.created_at < now - policy.session_lifetime,
                ),
                dry_run,
            )
            counts["login_attempts"] = _delete(
                s,
                LoginAttemptRow,
                LoginAttemptRow.at < now - max(policy.login_window, LOGIN_ATTEMPTS_MIN),
                dry_run,
            )
            ordered = {k: counts[k] for k in CATEGORIES}
            self._audit(
                s,
                actor,
                "retention.dry_run" if dry_run else "retention.purge",
                "store",
                "retention",
                {"counts": ordered, "dry_run": dry_run},
                source=source,
            )
        return PurgeReport(at=now, dry_run=dry_run, counts=ordered)

    def reencrypt_evidence(
        self, cipher: EvidenceCipher, *, actor: str, source: str = "cli", batch: int = 500
    ) -> dict[str, int]:
        """Re-encrypt every incident's evidence with ``cipher``'s current key (key rotation,
        or encrypting rows held before encryption was enabled). Batches commit one by one:
        an interrupted run leaves every row readable with the current or the old key."""
        counts = {"incidents": 0, "rotated": 0, "plaintext": 0, "current": 0}
        held = or_(IncidentRow.evidence_text.is_not(None), IncidentRow.post_author.is_not(None))
        last = 0
        while True:
            with self.sessions.begin() as s:
                rows = list(
                    s.scalars(
                        select(IncidentRow)
                        .where(held, IncidentRow.id > last)
                        .order_by(IncidentRow.id)
                        .limit(batch)
                        .with_for_update()
                    )
                )
                for row in rows:
                    done = cipher.reseal(row)
                    if done in ("rotated", "plaintext"):
                        counts[done] += 1
                        counts["incidents"] += 1
                    elif done == "current":
                        counts["current"] += 1
                if not rows:
                    self._audit(
                        s,
                        actor,
                        "evidence.reencrypted",
                        "store",
                        "evidence",
                        dict(counts),
                        source=source,
                    )
                    return counts
                last = rows[-1].id


def _count(s: Session, model: Any, where: ColumnElement[bool]) -> int:
    return int(s.scalar(select(func.count()).select_from(model).where(where)) or 0)


def _delete(s: Session, model: Any, where: ColumnElement[bool], dry_run: bool) -> int:
    n = _count(s, model, where)
    if n and not dry_run:
        s.execute(delete(model).where(where), execution_options={"synchronize_session": False})
    return n
