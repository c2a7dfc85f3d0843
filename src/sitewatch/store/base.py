"""The store's shared plumbing: sessions, the clock, site lookup, audit events, outbox rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Self

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from sitewatch.models import Severity
from sitewatch.notify.email import IncidentMailer, IncidentSnapshot, OutgoingMessage
from sitewatch.store.db import make_engine, make_sessionmaker
from sitewatch.store.migrate import upgrade
from sitewatch.store.models import AuditEventRow, IncidentRow, OutboxRow, SiteRow
from sitewatch.store.types import utcnow

Clock = Callable[[], datetime]


class StoreBase:
    """Sessions and the helpers every query group shares."""

    def __init__(self, engine: Engine, *, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.sessions = make_sessionmaker(engine)
        self.clock = clock

    @classmethod
    def open(cls, url: str, *, migrate: bool = True, clock: Clock = utcnow) -> Self:
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
        return cls(engine, clock=clock)

    def close(self) -> None:
        self.engine.dispose()

    def _site(self, s: Session, name: str) -> SiteRow:
        row = s.scalar(select(SiteRow).where(SiteRow.name == name))
        if row is None:
            raise KeyError(f"unknown site {name!r}")
        return row

    def _enqueue(
        self,
        s: Session,
        mailer: IncidentMailer,
        site: SiteRow,
        incident: IncidentRow,
        explanations: Sequence[str],
        excerpt_text: str,
        kind: str,
    ) -> None:
        seq = (
            s.scalar(
                select(func.count())
                .select_from(OutboxRow)
                .where(OutboxRow.incident_id == incident.id, OutboxRow.kind == kind)
            )
            or 0
        ) + 1
        snap = IncidentSnapshot(
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
        out: OutgoingMessage = mailer.compose(snap, kind, seq)
        s.add(
            OutboxRow(
                incident_id=incident.id,
                kind=out.kind,
                recipients=list(out.recipients),
                subject=out.subject,
                message_id=out.message_id,
                message=out.message,
                status="pending",
                next_attempt_at=incident.updated_at,
                created_at=incident.updated_at,
            )
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
