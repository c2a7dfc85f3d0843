"""The store's shared plumbing: sessions, the clock, site lookup, audit events, outbox rows."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Self

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from sitewatch.models import Severity
from sitewatch.notify.email import IncidentMailer, IncidentSnapshot, OutgoingMessage
from sitewatch.store.crypto import PLAINTEXT, EvidenceCipher
from sitewatch.store.db import make_engine, make_sessionmaker
from sitewatch.store.migrate import upgrade
from sitewatch.store.models import AckTokenRow, AuditEventRow, IncidentRow, OutboxRow, SiteRow
from sitewatch.store.types import utcnow

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class FindingView:
    """One finding as review shows it (CLI, web)."""

    category: str
    severity: str
    score: float
    start: int
    end: int
    detector: str
    explanation: str
    clause: str | None


class StoreBase:
    """Sessions and the helpers every query group shares."""

    # Every read and write of an incident's evidence_text/post_author goes through this
    # (store/crypto.py); plaintext unless a key is configured (bootstrap.open_store).
    evidence_cipher: EvidenceCipher = PLAINTEXT

    def __init__(self, engine: Engine, *, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.sessions = make_sessionmaker(engine)
        self.clock = clock
        # SQLite serialises writers on one file: a second thread's write would only wait.
        self.concurrent_sessions: bool = engine.dialect.name != "sqlite"

    @classmethod
    def open(cls, url: str, *, migrate: bool = True, clock: Clock = utcnow) -> Self:
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
        return cls(engine, clock=clock)

    def close(self) -> None:
        self.engine.dispose()

    def release_dead_leases(self, host: str, alive: Callable[[int], bool]) -> int:
        """Free the site and outbox leases held by workers on ``host`` whose process is gone
        (a crash or SIGKILL), so a restart on the same machine need not wait for expiry.
        Worker names are ``host:pid:nonce``; leases of other hosts are left to expire."""
        prefix = f"{host}:"
        freed = 0
        with self.sessions.begin() as s:
            for model in (SiteRow, OutboxRow):
                owners = s.scalars(
                    select(model.lease_owner).where(model.lease_owner.startswith(prefix)).distinct()
                ).all()
                for owner in owners:
                    try:
                        pid = int(str(owner).split(":")[1])
                    except (IndexError, ValueError):
                        continue
                    if alive(pid):
                        continue
                    result = s.execute(
                        update(model)
                        .where(model.lease_owner == owner)
                        .values(lease_owner=None, lease_expires_at=None)
                    )
                    freed += int(getattr(result, "rowcount", 0) or 0)
        return freed

    def _site(self, s: Session, name: str) -> SiteRow:
        row = s.scalar(select(SiteRow).where(SiteRow.name == name))
        if row is None:
            raise KeyError(f"unknown site {name!r}")
        return row

    def _snapshot(
        self, site: SiteRow, incident: IncidentRow, explanations: Sequence[str], excerpt_text: str
    ) -> IncidentSnapshot:
        return IncidentSnapshot(
            id=incident.id,
            site=site.name,
            sponsor=site.sponsor,
            severity=Severity(incident.severity_rank),
            categories=tuple(incident.categories),
            clauses=tuple(incident.clauses),
            explanations=tuple(explanations),
            excerpt=excerpt_text,
            post_url=incident.post_url,
            created_at=incident.updated_at,
            backup_sponsor=site.backup_sponsor,
        )

    def _enqueue(
        self,
        s: Session,
        mailer: IncidentMailer,
        site: SiteRow,
        incident: IncidentRow,
        explanations: Sequence[str],
        excerpt_text: str,
        kind: str,
        recipients: tuple[str, ...] | None = None,
        *,
        seq: int | None = None,
    ) -> None:
        """Queue one incident message in the caller's transaction: a stable Message-ID, a
        single-use acknowledgement link, quiet hours respected, the escalation clock set.

        ``seq`` numbers the incident's messages of this kind (it is in the Message-ID); a
        caller that knows it (an incident opened in this very transaction: 1) saves the
        count query."""
        now = self.clock()
        if seq is None:
            seq = (
                s.scalar(
                    select(func.count())
                    .select_from(OutboxRow)
                    .where(OutboxRow.incident_id == incident.id, OutboxRow.kind == kind)
                )
                or 0
            ) + 1
        snap = self._snapshot(site, incident, explanations, excerpt_text)
        recipients = recipients or mailer.recipients(snap)
        ack_url = None
        if mailer.review_url and incident.status == "open":
            token = secrets.token_urlsafe(32)
            s.add(
                AckTokenRow(
                    token_sha256=hashlib.sha256(token.encode()).hexdigest(),
                    incident_id=incident.id,
                    recipients=list(recipients),
                    expires_at=now + timedelta(hours=mailer.ack_link_hours),
                )
            )
            ack_url = f"{mailer.review_url}/ack/{token}"
        out: OutgoingMessage = mailer.compose(
            snap, kind, seq, recipients=recipients, ack_url=ack_url
        )
        severity = Severity(incident.severity_rank)
        s.add(
            OutboxRow(
                incident_id=incident.id,
                kind=out.kind,
                recipients=list(out.recipients),
                subject=out.subject,
                message_id=out.message_id,
                message=out.message,
                status="pending",
                next_attempt_at=mailer.router.deliver_at(site.name, severity, now),
                created_at=now,
            )
        )
        if (
            kind in ("new", "update")
            and incident.status == "open"
            and (incident.escalation_step + 1 < mailer.router.rungs(site.name))
        ):
            incident.escalate_at = now + mailer.router.ack_window(
                site.name, incident.escalation_step
            )

    # -- audit -----------------------------------------------------------------------------
    def _audit(
        self,
        s: Session,
        actor: str,
        action: str,
        target_type: str,
        target_id: str,
        details: dict[str, Any],
        source: str = "daemon",
    ) -> None:
        s.add(
            AuditEventRow(
                at=self.clock(),
                actor=actor,
                action=action,
                target_type=target_type,
                target_id=target_id,
                details=details,
                source=source,
            )
        )

    def audit(
        self,
        actor: str,
        action: str,
        target_type: str,
        target_id: str,
        details: dict[str, Any] | None = None,
        source: str = "cli",
    ) -> None:
        with self.sessions.begin() as s:
            self._audit(s, actor, action, target_type, target_id, details or {}, source)
