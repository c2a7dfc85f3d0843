"""Store queries for the board policy: the site registry and its history, policy incidents
and notices, access checks, members, consent records, evidence views and the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from sitewatch.consent import ConsentRecord, MemberMatch
from sitewatch.models import Severity
from sitewatch.notify.email import IncidentMailer, OutgoingMessage
from sitewatch.scan.severity import clause_for
from sitewatch.sites import SiteStatus
from sitewatch.store.base import StoreBase
from sitewatch.store.models import (
    AuditEventRow,
    ConsentRow,
    IncidentRow,
    OutboxRow,
    PolicyNoticeRow,
    SiteMemberRow,
    SiteRevisionRow,
    SiteRow,
)

# The registry fields a site's history records (everything but run-time health).
RECORD_FIELDS = (
    "platform", "target", "sponsor", "backup_sponsor", "approval_by", "approval_on",
    "approval_ref", "review_by", "access_administrators", "access_tech_staff", "access_note",
    "costs", "state", "pollable", "status_reason", "in_config",
)  # fmt: skip


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _record(row: SiteRow) -> dict[str, Any]:
    return {f: _jsonable(getattr(row, f)) for f in RECORD_FIELDS}


@dataclass(frozen=True)
class SiteRevision:
    at: datetime
    actor: str
    changed: tuple[str, ...]
    record: dict[str, Any]


@dataclass(frozen=True)
class MemberView:
    site: str
    handle: str
    student_id: str | None
    matched_by: str | None
    consented: bool
    last_seen_at: datetime


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any]
    source: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "details": self.details,
            "source": self.source,
        }


class PolicyQueries(StoreBase):
    # -- the site registry ---------------------------------------------------------------------
    def sync_sites(self, statuses: Sequence[SiteStatus], actor: str = "config") -> list[str]:
        """Mirror the configured sites into the store, keeping every change as a revision.
        Returns the names of sites added, changed or removed."""
        now = self.clock()
        changed: list[str] = []
        with self.sessions.begin() as s:
            rows = {r.name: r for r in s.scalars(select(SiteRow))}
            for st in statuses:
                site, appr = st.site, st.site.approval
                values: dict[str, Any] = {
                    "platform": site.platform,
                    "target": site.target,
                    "sponsor": site.sponsor,
                    "backup_sponsor": site.backup_sponsor,
                    "approval_by": appr.by if appr else None,
                    "approval_on": appr.on if appr else None,
                    "approval_ref": appr.ref if appr else None,
                    "review_by": appr.review_by if appr else None,
                    "access_administrators": site.access.administrators,
                    "access_tech_staff": site.access.tech_staff,
                    "access_note": site.access.note,
                    "costs": [_jsonable(vars(c)) for c in site.costs],
                    "state": str(st.state),
                    "pollable": st.pollable,
                    "status_reason": st.reason,
                    "in_config": True,
                }
                row = rows.get(site.name)
                if row is None:
                    row = SiteRow(name=site.name, created_at=now, updated_at=now, **values)
                    s.add(row)
                    s.flush()
                    self._revision(s, row, actor, list(values))
                    self._audit(s, actor, "site.added", "site", site.name, _jsonable(values))
                    changed.append(site.name)
                    continue
                diff = {k: v for k, v in values.items() if getattr(row, k) != v}
                if diff:
                    for k, v in diff.items():
                        setattr(row, k, v)
                    row.updated_at = now
                    if "pollable" in diff and st.pollable and row.next_poll_at is None:
                        row.next_poll_at = now
                    self._revision(s, row, actor, list(diff))
                    self._audit(s, actor, "site.changed", "site", site.name, _jsonable(diff))
                    changed.append(site.name)
            configured = {st.site.name for st in statuses}
            for name, row in rows.items():
                if name not in configured and row.in_config:
                    row.in_config = False
                    row.pollable = False
                    row.status_reason = "removed from the configuration"
                    row.updated_at = now
                    self._revision(s, row, actor, ["in_config", "pollable", "status_reason"])
                    self._audit(s, actor, "site.removed", "site", name, {})
                    changed.append(name)
        return changed

    def _revision(self, s: Any, row: SiteRow, actor: str, changed: list[str]) -> None:
        s.add(
            SiteRevisionRow(
                site_id=row.id,
                at=self.clock(),
                actor=actor,
                record=_record(row),
                changed=sorted(changed),
            )
        )

    def site_history(self, name: str) -> list[SiteRevision]:
        with self.sessions() as s:
            row = self._site(s, name)
            return [
                SiteRevision(r.at, r.actor, tuple(r.changed), dict(r.record))
                for r in s.scalars(
                    select(SiteRevisionRow)
                    .where(SiteRevisionRow.site_id == row.id)
                    .order_by(SiteRevisionRow.id)
                )
            ]

    def site_row(self, name: str) -> dict[str, Any] | None:
        """Everything the registry knows about one site (for `sites show`)."""
        with self.sessions() as s:
            row = s.scalar(select(SiteRow).where(SiteRow.name == name))
            if row is None:
                return None
            data = _record(row)
            data.update(
                name=row.name,
                health=row.health,
                health_detail=row.health_detail,
                last_success_at=_jsonable(row.last_success_at),
                next_poll_at=_jsonable(row.next_poll_at),
                access_ok=row.access_ok,
                access_detail=row.access_detail,
                access_checked_at=_jsonable(row.access_checked_at),
            )
            return data

    # -- policy incidents and notices ----------------------------------------------------------
    def file_site_incident(
        self,
        site: str,
        category: str,
        key: str,
        summary: str,
        mailer: IncidentMailer,
        *,
        actor: str = "policy",
        open_prefix: str | None = None,
    ) -> int | None:
        """One site-level incident per ``key`` ever (not per poll), and none while another
        with ``open_prefix`` is still open. None when nothing was filed."""
        now = self.clock()
        severity = _policy_severity(category)
        with self.sessions.begin() as s:
            row = self._site(s, site)
            dedup = key
            same = select(IncidentRow.id).where(
                IncidentRow.site_id == row.id, IncidentRow.dedup_key == dedup
            )
            if s.scalar(same):
                return None
            if open_prefix and s.scalar(
                select(IncidentRow.id).where(
                    IncidentRow.site_id == row.id,
                    IncidentRow.dedup_key.startswith(open_prefix),
                    IncidentRow.status.in_(("open", "acknowledged")),
                )
            ):
                return None
            incident = IncidentRow(
                site_id=row.id,
                dedup_key=dedup,
                severity=severity.label,
                severity_rank=int(severity),
                categories=[category],
                clauses=[clause_for(category)],
                summary=summary,
                status="open",
                redactions=[],
                created_at=now,
                updated_at=now,
            )
            s.add(incident)
            s.flush()
            self._audit(
                s,
                actor,
                "incident.opened",
                "incident",
                str(incident.id),
                {"categories": [category], "severity": severity.label, "key": key},
            )
            if severity.is_incident:
                self._enqueue(s, mailer, row, incident, (summary,), "", "new")
            return incident.id

    def resolve_site_incidents(
        self, site: str, key_prefix: str, reason: str, *, actor: str = "policy"
    ) -> list[int]:
        now = self.clock()
        with self.sessions.begin() as s:
            row = self._site(s, site)
            done: list[int] = []
            for inc in s.scalars(
                select(IncidentRow).where(
                    IncidentRow.site_id == row.id,
                    IncidentRow.dedup_key.startswith(key_prefix),
                    IncidentRow.status.in_(("open", "acknowledged")),
                )
            ):
                inc.status, inc.updated_at = "resolved", now
                self._audit(
                    s, actor, "incident.auto_resolved", "incident", str(inc.id), {"reason": reason}
                )
                done.append(inc.id)
            return done

    def notice_given(self, site: str, key: str) -> bool:
        with self.sessions() as s:
            row = self._site(s, site)
            return bool(
                s.scalar(
                    select(PolicyNoticeRow.id).where(
                        PolicyNoticeRow.site_id == row.id, PolicyNoticeRow.key == key
                    )
                )
            )

    def notice_once(self, site: str, key: str, message: OutgoingMessage | None = None) -> bool:
        """Record a policy notice (and queue its message) unless it was given before."""
        with self.sessions.begin() as s:
            row = self._site(s, site)
            if s.scalar(
                select(PolicyNoticeRow.id).where(
                    PolicyNoticeRow.site_id == row.id, PolicyNoticeRow.key == key
                )
            ):
                return False
            s.add(PolicyNoticeRow(site_id=row.id, key=key, at=self.clock()))
            if message is not None:
                s.add(
                    OutboxRow(
                        incident_id=None,
                        kind=message.kind,
                        recipients=list(message.recipients),
                        subject=message.subject,
                        message_id=message.message_id,
                        message=message.message,
                        status="pending",
                        next_attempt_at=self.clock(),
                        created_at=self.clock(),
                    )
                )
            self._audit(s, "policy", "site.notice", "site", site, {"key": key})
            return True

    # -- access checks (clause 3) ----------------------------------------------------------------
    def access_due(self, site: str, every_hours: float) -> bool:
        with self.sessions() as s:
            row = self._site(s, site)
            last = row.access_checked_at
            return last is None or self.clock() - last >= timedelta(hours=every_hours)

    def record_access(self, site: str, ok: bool, detail: str) -> bool:
        """Store an access check; True when the outcome changed."""
        with self.sessions.begin() as s:
            row = self._site(s, site)
            changed = row.access_ok is not ok
            row.access_ok, row.access_detail = ok, detail
            row.access_checked_at = self.clock()
            if changed:
                self._audit(
                    s, "policy", "site.access_checked", "site", site, {"ok": ok, "detail": detail}
                )
            return changed

    # -- members (clause 4) ----------------------------------------------------------------------
    def members_due(self, site: str, every_hours: float) -> bool:
        with self.sessions() as s:
            last = self._site(s, site).members_checked_at
            return last is None or self.clock() - last >= timedelta(hours=every_hours)

    def record_members(self, site: str, matches: Sequence[MemberMatch]) -> None:
        now = self.clock()
        with self.sessions.begin() as s:
            row = self._site(s, site)
            existing = {
                m.handle: m
                for m in s.scalars(select(SiteMemberRow).where(SiteMemberRow.site_id == row.id))
            }
            for match in matches:
                handle = match.member.handle
                member = existing.get(handle)
                if member is None:
                    member = SiteMemberRow(site_id=row.id, handle=handle, first_seen_at=now)
                    s.add(member)
                member.student_id = match.student.sourced_id if match.student else None
                member.matched_by = match.matched_by
                member.consented = match.consented
                member.last_seen_at = now
            row.members_checked_at = now

    def members(self, site: str | None = None) -> list[MemberView]:
        with self.sessions() as s:
            q = select(SiteMemberRow, SiteRow.name).join(
                SiteRow, SiteRow.id == SiteMemberRow.site_id
            )
            if site:
                q = q.where(SiteRow.name == site)
            return [
                MemberView(name, m.handle, m.student_id, m.matched_by, m.consented, m.last_seen_at)
                for m, name in s.execute(q.order_by(m_id()))
            ]

    # -- consent records -------------------------------------------------------------------------
    def consent_records(self, *, include_removed: bool = False) -> list[ConsentRecord]:
        with self.sessions() as s:
            rows = s.scalars(select(ConsentRow).order_by(ConsentRow.student_id, ConsentRow.site))
            return [
                ConsentRecord(
                    r.student_id,
                    r.site,
                    tuple(r.handles),
                    r.granted_on,
                    r.form_location,
                    r.revoked_on,
                )
                for r in rows
                if include_removed or not r.source.startswith("removed:")
            ]

    def consent_sources(self) -> dict[tuple[str, str], str]:
        with self.sessions() as s:
            return {(r.student_id, r.site): r.source for r in s.scalars(select(ConsentRow))}

    def put_consents(
        self,
        records: Sequence[ConsentRecord],
        *,
        source: str,
        actor: str,
        replace_source: bool = False,
    ) -> dict[str, int]:
        """Upsert consent records from ``source``. With ``replace_source``, rows that came
        from the same source but are absent now are marked removed (they count as no
        consent), so the file stays the register. Returns counts of what changed."""
        now = self.clock()
        counts = {"added": 0, "changed": 0, "removed": 0, "unchanged": 0}
        with self.sessions.begin() as s:
            rows = {(r.student_id, r.site): r for r in s.scalars(select(ConsentRow))}
            present = set()
            for rec in records:
                key = (rec.student_id, rec.site)
                present.add(key)
                values = {
                    "handles": list(rec.handles),
                    "granted_on": rec.granted_on,
                    "form_location": rec.form_location,
                    "revoked_on": rec.revoked_on,
                    "source": source,
                }
                row = rows.get(key)
                if row is None:
                    s.add(
                        ConsentRow(
                            student_id=rec.student_id,
                            site=rec.site,
                            created_at=now,
                            updated_at=now,
                            **values,
                        )
                    )
                    self._audit(
                        s,
                        actor,
                        "consent.added",
                        "consent",
                        f"{rec.student_id}@{rec.site}",
                        _jsonable(values),
                    )
                    counts["added"] += 1
                    continue
                diff = {k: v for k, v in values.items() if getattr(row, k) != v}
                if not diff:
                    counts["unchanged"] += 1
                    continue
                for k, v in diff.items():
                    setattr(row, k, v)
                row.updated_at = now
                action = (
                    "consent.revoked"
                    if "revoked_on" in diff and rec.revoked_on
                    else ("consent.changed")
                )
                self._audit(
                    s, actor, action, "consent", f"{rec.student_id}@{rec.site}", _jsonable(diff)
                )
                counts["changed"] += 1
            if replace_source:
                for key, row in rows.items():
                    if row.source == source and key not in present:
                        row.source = f"removed:{source}"
                        row.updated_at = now
                        self._audit(
                            s,
                            actor,
                            "consent.removed",
                            "consent",
                            f"{key[0]}@{key[1]}",
                            {"reason": f"no longer in {source}"},
                        )
                        counts["removed"] += 1
        return counts

    def revoke_consent(self, student_id: str, site: str, on: date, *, actor: str) -> bool:
        with self.sessions.begin() as s:
            row = s.scalar(
                select(ConsentRow).where(
                    ConsentRow.student_id == student_id, ConsentRow.site == site
                )
            )
            if row is None:
                return False
            row.revoked_on, row.updated_at = on, self.clock()
            self._audit(
                s,
                actor,
                "consent.revoked",
                "consent",
                f"{student_id}@{site}",
                {"revoked_on": on.isoformat()},
            )
            return True

    # -- evidence (every view is audited) ------------------------------------------------------
    def view_evidence(
        self, incident_id: int, *, actor: str, source: str, revealed: bool = False
    ) -> tuple[str | None, list[tuple[int, int, str]]] | None:
        """The post text held as evidence and its sensitive spans; the view is audited."""
        with self.sessions.begin() as s:
            inc = s.get(IncidentRow, incident_id)
            if inc is None:
                return None
            self._audit(
                s,
                actor,
                "incident.evidence_viewed",
                "incident",
                str(incident_id),
                {"revealed": revealed, "purged": inc.evidence_text is None},
                source=source,
            )
            spans = [(int(str(a)), int(str(b)), str(c)) for a, b, c in inc.redactions]
            return self.evidence_cipher.evidence(inc), spans

    # -- the audit log -----------------------------------------------------------------------------
    def audit_log(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        target_type: str | None = None,
        target_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = 1000,
    ) -> list[AuditEvent]:
        with self.sessions() as s:
            q = select(AuditEventRow).order_by(AuditEventRow.id)
            if actor:
                q = q.where(AuditEventRow.actor == actor)
            if action:
                q = q.where(AuditEventRow.action.startswith(action))
            if target_type:
                q = q.where(AuditEventRow.target_type == target_type)
            if target_id:
                q = q.where(AuditEventRow.target_id == target_id)
            if since:
                q = q.where(AuditEventRow.at >= since)
            if until:
                q = q.where(AuditEventRow.at < until)
            if limit:
                q = q.limit(limit)
            return [
                AuditEvent(
                    e.id,
                    e.at,
                    e.actor,
                    e.action,
                    e.target_type,
                    e.target_id,
                    dict(e.details),
                    e.source,
                )
                for e in s.scalars(q)
            ]


def m_id() -> Any:
    return SiteMemberRow.id


def _policy_severity(category: str) -> Severity:
    from sitewatch.scan.severity import DEFAULT_SEVERITIES

    return DEFAULT_SEVERITIES.get(category, Severity.MEDIUM)
