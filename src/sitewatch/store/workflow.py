"""The incident lifecycle: acknowledge, resolve, false positive, reopen, notes, assignment,
escalation, daily digests, one-click acknowledgement links and automatic platform actions.

Every transition is an audit event. Allowed transitions:
  open → acknowledged | resolved | false_positive
  acknowledged → resolved | false_positive
  resolved | false_positive → open (reopen)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from sitewatch.exceptions import SitewatchError
from sitewatch.models import Severity
from sitewatch.notify.email import IncidentMailer
from sitewatch.redact import excerpt
from sitewatch.store.base import StoreBase
from sitewatch.store.models import (
    AckTokenRow,
    IncidentNoteRow,
    IncidentRow,
    OutboxRow,
    SiteRow,
)

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    # action: (allowed from, to)
    "ack": (frozenset({"open"}), "acknowledged"),
    "resolve": (frozenset({"open", "acknowledged"}), "resolved"),
    "false_positive": (frozenset({"open", "acknowledged"}), "false_positive"),
    "reopen": (frozenset({"resolved", "false_positive"}), "open"),
}


class WorkflowError(SitewatchError):
    """A lifecycle step that is not allowed (wrong state, unknown incident, bad token)."""


@dataclass(frozen=True)
class NoteView:
    at: datetime
    author: str
    text: str


class WorkflowQueries(StoreBase):
    # -- lifecycle -------------------------------------------------------------------------------
    def transition(
        self, incident_id: int, action: str, *, actor: str, source: str, reason: str | None = None
    ) -> str:
        """Apply a lifecycle action; returns the new status. WorkflowError if not allowed."""
        if action not in TRANSITIONS:
            raise WorkflowError(f"unknown action {action!r}")
        allowed, target = TRANSITIONS[action]
        if action == "false_positive" and not (reason and reason.strip()):
            raise WorkflowError("a false positive needs a reason (what the detector got wrong)")
        now = self.clock()
        with self.sessions.begin() as s:
            inc = s.get(IncidentRow, incident_id, with_for_update=True)
            if inc is None:
                raise WorkflowError(f"no incident #{incident_id}")
            if inc.status not in allowed:
                raise WorkflowError(f"incident #{incident_id} is {inc.status}; cannot {action}")
            before = inc.status
            inc.status, inc.updated_at = target, now
            if target == "acknowledged":
                inc.acknowledged_at, inc.acknowledged_by = now, actor
            if target in ("resolved", "false_positive"):
                inc.resolved_at, inc.resolved_by, inc.resolution = now, actor, reason
            if target != "open":
                inc.escalate_at = None  # someone has it: stop climbing
            else:
                inc.resolved_at = inc.resolved_by = inc.resolution = None
                inc.acknowledged_at = inc.acknowledged_by = None
                inc.escalation_step = 0
            self._audit(
                s,
                actor,
                f"incident.{action}",
                "incident",
                str(incident_id),
                {"from": before, "to": target, "reason": reason},
                source=source,
            )
            return target

    def add_note(self, incident_id: int, text: str, *, actor: str, source: str) -> None:
        text = text.strip()
        if not text:
            raise WorkflowError("a note cannot be empty")
        with self.sessions.begin() as s:
            inc = s.get(IncidentRow, incident_id)
            if inc is None:
                raise WorkflowError(f"no incident #{incident_id}")
            s.add(
                IncidentNoteRow(
                    incident_id=incident_id, at=self.clock(), author=actor, text=text[:10_000]
                )
            )
            inc.updated_at = self.clock()
            self._audit(
                s,
                actor,
                "incident.note",
                "incident",
                str(incident_id),
                {"length": len(text)},
                source=source,
            )

    def incident_workflow(self, incident_id: int) -> dict[str, Any]:
        """Lifecycle fields for `incidents show` and the review page."""
        with self.sessions() as s:
            inc = s.get(IncidentRow, incident_id)
            if inc is None:
                return {}
            return {
                "assignee": inc.assignee,
                "acknowledged_by": inc.acknowledged_by,
                "acknowledged_at": inc.acknowledged_at.isoformat() if inc.acknowledged_at else None,
                "resolved_by": inc.resolved_by,
                "resolution": inc.resolution,
                "escalation_step": inc.escalation_step,
                "actions_taken": list(inc.actions_taken),
            }

    def notes(self, incident_id: int) -> list[NoteView]:
        with self.sessions() as s:
            return [
                NoteView(n.at, n.author, n.text)
                for n in s.scalars(
                    select(IncidentNoteRow)
                    .where(IncidentNoteRow.incident_id == incident_id)
                    .order_by(IncidentNoteRow.id)
                )
            ]

    def assign(self, incident_id: int, assignee: str | None, *, actor: str, source: str) -> str:
        """Assign to ``assignee``, or (None) to the site's sponsor; "backup" means the
        backup sponsor."""
        with self.sessions.begin() as s:
            found = s.execute(
                select(IncidentRow, SiteRow)
                .join(SiteRow, SiteRow.id == IncidentRow.site_id)
                .where(IncidentRow.id == incident_id)
            ).first()
            if found is None:
                raise WorkflowError(f"no incident #{incident_id}")
            inc, site = found
            if assignee in (None, "sponsor"):
                who = site.sponsor
            elif assignee == "backup":
                if not site.backup_sponsor:
                    raise WorkflowError(f"site {site.name} has no backup sponsor")
                who = site.backup_sponsor
            else:
                who = assignee
            before, inc.assignee, inc.updated_at = inc.assignee, who, self.clock()
            self._audit(
                s,
                actor,
                "incident.assign",
                "incident",
                str(incident_id),
                {"from": before, "to": who},
                source=source,
            )
            return who

    # -- one-click acknowledgement ---------------------------------------------------------------
    def ack_by_token(self, token: str, *, source: str) -> int:
        """Acknowledge through an e-mailed link. The token works once and expires; only its
        hash is stored. Returns the incident id; WorkflowError says what was wrong."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        now = self.clock()
        with self.sessions.begin() as s:
            row = s.scalar(
                select(AckTokenRow).where(AckTokenRow.token_sha256 == digest).with_for_update()
            )
            if row is None:
                raise WorkflowError("this acknowledgement link is not valid")
            if row.used_at is not None:
                raise WorkflowError("this acknowledgement link was already used")
            if row.expires_at <= now:
                raise WorkflowError(
                    "this acknowledgement link has expired; acknowledge "
                    "from the review page or the CLI"
                )
            row.used_at, row.used_from = now, source[:200]
            inc = s.get(IncidentRow, row.incident_id)
            assert inc is not None
            actor = "link:" + ",".join(row.recipients)[:300]
            if inc.status == "open":
                inc.status, inc.updated_at = "acknowledged", now
                inc.acknowledged_at, inc.acknowledged_by = now, actor
                inc.escalate_at = None
            self._audit(
                s,
                actor[:320],
                "incident.ack",
                "incident",
                str(inc.id),
                {"via": "link", "status": inc.status},
                source=source,
            )
            return inc.id

    # -- escalation --------------------------------------------------------------------------------
    def escalate_due(self, mailer: IncidentMailer) -> list[tuple[int, int]]:
        """Climb one rung for every open incident whose acknowledgement window has passed.
        Returns (incident, new rung) pairs."""
        now = self.clock()
        climbed: list[tuple[int, int]] = []
        with self.sessions.begin() as s:
            due = s.execute(
                select(IncidentRow, SiteRow)
                .join(SiteRow, SiteRow.id == IncidentRow.site_id)
                .where(
                    IncidentRow.status == "open",
                    IncidentRow.escalate_at.is_not(None),
                    IncidentRow.escalate_at <= now,
                )
                .with_for_update(of=IncidentRow, skip_locked=True)
            ).all()
            for inc, site in due:
                step = inc.escalation_step + 1
                rungs = mailer.router.rungs(site.name)
                if step >= rungs:
                    inc.escalate_at = None
                    continue
                inc.escalation_step = step
                inc.escalate_at = (
                    now + mailer.router.ack_window(site.name, step) if step + 1 < rungs else None
                )
                recipients = mailer.router.rung_contacts(
                    site.name, step, site.sponsor, site.backup_sponsor
                )
                spans = [(int(str(a)), int(str(b)), str(c)) for a, b, c in inc.redactions]
                self._enqueue(
                    s,
                    mailer,
                    site,
                    inc,
                    inc.summary.split("; "),
                    excerpt(self.evidence_cipher.evidence(inc) or "", spans),
                    "escalation",
                    recipients=recipients,
                )
                self._audit(
                    s,
                    "daemon",
                    "incident.escalated",
                    "incident",
                    str(inc.id),
                    {"step": step, "to": list(recipients)},
                )
                climbed.append((inc.id, step))
        return climbed

    # -- daily digest ------------------------------------------------------------------------
    def digest_due(self, mailer: IncidentMailer) -> list[str]:
        """Once a day (after ``digest_hour``, district time), one message per sponsor listing
        the incidents that were not mailed at once. Returns the Message-IDs queued."""
        now = self.clock()
        if not mailer.router.digest_time_reached(now):
            return []
        day = mailer.router.local_date(now)
        queued: list[str] = []
        with self.sessions.begin() as s:
            rows = s.execute(
                select(IncidentRow, SiteRow)
                .join(SiteRow, SiteRow.id == IncidentRow.site_id)
                .where(
                    IncidentRow.digest_sent_at.is_(None),
                    IncidentRow.status == "open",
                    IncidentRow.severity_rank >= int(Severity.LOW),
                    IncidentRow.post_id.is_not(None),
                )
                .order_by(IncidentRow.id)
            ).all()
            by_sponsor: dict[str, list[Any]] = {}
            for inc, site in rows:
                if mailer.router.immediate(site.name, Severity(inc.severity_rank)):
                    continue  # mailed at once (or due to be): not digest material
                by_sponsor.setdefault(site.sponsor, []).append((inc, site))
            for sponsor, items in by_sponsor.items():
                snaps = [
                    self._snapshot(site, inc, inc.summary.split("; "), "") for inc, site in items
                ]
                out = mailer.compose_digest(sponsor, day, snaps, now)
                if s.scalar(select(OutboxRow.id).where(OutboxRow.message_id == out.message_id)):
                    continue  # today's digest already went
                s.add(
                    OutboxRow(
                        incident_id=None,
                        kind="digest",
                        recipients=list(out.recipients),
                        subject=out.subject,
                        message_id=out.message_id,
                        message=out.message,
                        status="pending",
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
                for inc, _ in items:
                    inc.digest_sent_at = now
                queued.append(out.message_id)
        return queued

    # -- platform actions --------------------------------------------------------------------
    def record_action(
        self, incident_id: int, action: str, ok: bool, detail: str, *, actor: str = "daemon"
    ) -> None:
        now = self.clock()
        with self.sessions.begin() as s:
            inc = s.get(IncidentRow, incident_id)
            if inc is None:
                raise WorkflowError(f"no incident #{incident_id}")
            inc.actions_taken = [
                *inc.actions_taken,
                {
                    "at": now.isoformat(),
                    "action": action,
                    "ok": ok,
                    "detail": detail[:500],
                    "by": actor,
                },
            ]
            inc.updated_at = now
            self._audit(
                s,
                actor,
                f"incident.platform_{action}",
                "incident",
                str(incident_id),
                {"ok": ok, "detail": detail[:500]},
            )
