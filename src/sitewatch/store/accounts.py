"""Store queries for the review page: accounts, sessions, the login throttle, and the
incident log as one account may see it.

Authorization lives here, in the SQL, not in the templates: every incident and site read
the web app makes goes through ``_scope``, so a sponsor's query can only ever return rows
of the sites they sponsor (or back up). The web layer answers "not found" for anything
outside the scope, so guessing ids reveals nothing.

Passwords never reach the store: callers hand in argon2 hashes (``sitewatch.web.passwords``)
so the daemon does not need the web extra. Session tokens are stored as SHA-256 digests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Text, and_, cast, delete, false, func, or_, select
from sqlalchemy import true as sql_true
from sqlalchemy.orm import Session, selectinload

from sitewatch.exceptions import SitewatchError
from sitewatch.models import Severity
from sitewatch.store.base import FindingView, StoreBase
from sitewatch.store.crypto import EvidenceCipher
from sitewatch.store.models import (
    AuditEventRow,
    IncidentRow,
    LoginAttemptRow,
    PostDigestRow,
    SiteRow,
    UserRow,
    WebSessionRow,
)

ROLES = ("administrator", "tech", "sponsor", "viewer")
Role = Literal["administrator", "tech", "sponsor", "viewer"]
SORTS = ("created", "severity", "site", "status", "id")
STATUSES = ("open", "acknowledged", "resolved", "false_positive")
TOUCH_EVERY = timedelta(seconds=60)  # write last_seen_at at most once a minute


class AccountError(SitewatchError):
    """An account operation that cannot be done (unknown user, duplicate, bad role)."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    email: str | None
    display_name: str
    role: str
    disabled: bool
    created_at: datetime | None = None
    last_login_at: datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"

    @property
    def can_act(self) -> bool:
        """Viewers read; everyone else may act on incidents in their scope."""
        return self.role in ("administrator", "tech", "sponsor")

    @property
    def can_reveal(self) -> bool:
        return self.can_act

    @property
    def all_sites(self) -> bool:
        return self.role in ("administrator", "tech", "viewer")

    def to_json(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "email": self.email,
            "display_name": self.display_name,
            "role": self.role,
            "disabled": self.disabled,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "last_login_at": self.last_login_at.isoformat() if self.last_login_at else None,
        }


@dataclass(frozen=True)
class WebSession:
    account: Account
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    via: str


@dataclass(frozen=True)
class InboxFilters:
    site: str | None = None
    category: str | None = None  # exact, or a prefix ending in "*" ("pii.*")
    min_severity: Severity | None = None
    status: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    sort: str = "created"
    descending: bool = True


@dataclass(frozen=True)
class InboxRow:
    id: int
    created_at: datetime
    site: str
    severity: str
    status: str
    categories: tuple[str, ...]
    clauses: tuple[str, ...]
    post_url: str | None
    post_author: str | None
    assignee: str | None
    summary: str


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class ParentPost:
    post_id: str
    url: str | None
    incident_id: int | None  # set when the parent is itself held as evidence
    text: str | None
    redactions: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class IncidentDetail:
    id: int
    site: str
    platform: str
    sponsor: str
    backup_sponsor: str | None
    post_id: str | None
    post_url: str | None
    post_author: str | None
    posted_at: datetime | None
    severity: str
    categories: tuple[str, ...]
    clauses: tuple[str, ...]
    status: str
    summary: str
    assignee: str | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    resolved_by: str | None
    resolved_at: datetime | None
    resolution: str | None
    escalation_step: int
    actions_taken: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime
    has_evidence: bool
    findings: tuple[FindingView, ...]
    parent_id: str | None
    post_kind: str = "post"


@dataclass(frozen=True)
class SiteHealth:
    name: str
    platform: str
    sponsor: str
    backup_sponsor: str | None
    state: str
    monitored: bool
    status_reason: str
    health: str
    health_detail: str
    last_poll_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime | None
    review_by: date | None
    days_to_review: int | None
    access_ok: bool | None
    access_checked_at: datetime | None
    open_gaps: int
    gaps_total: int
    open_incidents: int


def _account(row: UserRow) -> Account:
    return Account(
        row.id,
        row.username,
        row.email,
        row.display_name,
        row.role,
        row.disabled,
        row.created_at,
        row.last_login_at,
    )


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class AccountQueries(StoreBase):
    # -- accounts --------------------------------------------------------------------------
    def add_user(
        self,
        username: str,
        role: str,
        *,
        password_hash: str | None,
        email: str | None = None,
        display_name: str = "",
        actor: str,
        source: str,
    ) -> Account:
        username = username.strip().lower()
        if not username:
            raise AccountError("a user name is required")
        if role not in ROLES:
            raise AccountError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
        if email is None and "@" in username:
            email = username
        if role == "sponsor" and not email:
            raise AccountError("a sponsor account needs an e-mail address (--email)")
        now = self.clock()
        with self.sessions.begin() as s:
            if s.scalar(select(UserRow.id).where(UserRow.username == username)):
                raise AccountError(f"user {username!r} already exists")
            row = UserRow(
                username=username,
                email=email.strip().lower() if email else None,
                display_name=display_name.strip(),
                role=role,
                password_hash=password_hash,
                disabled=False,
                created_at=now,
                updated_at=now,
                password_changed_at=now if password_hash else None,
            )
            s.add(row)
            s.flush()
            self._audit(
                s,
                actor,
                "account.added",
                "account",
                username,
                {"role": role, "email": row.email, "password": bool(password_hash)},
                source=source,
            )
            return _account(row)

    def _user(self, s: Session, username: str) -> UserRow:
        row = s.scalar(select(UserRow).where(UserRow.username == username.strip().lower()))
        if row is None:
            raise AccountError(f"no user {username!r}")
        return row

    def set_password(self, username: str, password_hash: str, *, actor: str, source: str) -> None:
        """A new password; every session of the account ends."""
        now = self.clock()
        with self.sessions.begin() as s:
            row = self._user(s, username)
            row.password_hash, row.password_changed_at, row.updated_at = password_hash, now, now
            ended = s.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
            self._audit(
                s,
                actor,
                "account.password_changed",
                "account",
                row.username,
                {"sessions_ended": int(getattr(ended, "rowcount", 0) or 0)},
                source=source,
            )

    def rehash_password(self, account_id: int, password_hash: str) -> None:
        """Store a stronger hash of the same password (argon2 parameters were raised)."""
        with self.sessions.begin() as s:
            row = s.get(UserRow, account_id)
            if row is not None:
                row.password_hash = password_hash

    def set_disabled(self, username: str, disabled: bool, *, actor: str, source: str) -> None:
        with self.sessions.begin() as s:
            row = self._user(s, username)
            row.disabled, row.updated_at = disabled, self.clock()
            if disabled:
                s.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
            self._audit(
                s,
                actor,
                "account.disabled" if disabled else "account.enabled",
                "account",
                row.username,
                {},
                source=source,
            )

    def list_users(self) -> list[Account]:
        with self.sessions() as s:
            return [_account(r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]

    def credentials(self, username: str) -> tuple[Account, str | None] | None:
        """The account and its password hash, for a login check (None: no such user)."""
        with self.sessions() as s:
            row = s.scalar(select(UserRow).where(UserRow.username == username.strip().lower()))
            return None if row is None else (_account(row), row.password_hash)

    def account_for_sso(self, name: str) -> Account | None:
        """The enabled account a trusted proxy's user header names (user name or e-mail)."""
        key = name.strip().lower()
        if not key:
            return None
        with self.sessions() as s:
            row = s.scalar(
                select(UserRow)
                .where(or_(UserRow.username == key, UserRow.email == key))
                .where(UserRow.disabled.is_(False))
                .order_by(UserRow.username != key)
                .limit(1)
            )
            return None if row is None else _account(row)

    def assignable(self) -> list[str]:
        """Addresses an incident may be assigned to: enabled accounts that can act."""
        with self.sessions() as s:
            rows = s.scalars(
                select(UserRow).where(
                    UserRow.disabled.is_(False), UserRow.role.in_(("administrator", "tech"))
                )
            )
            return sorted({r.email or r.username for r in rows})

    # -- login throttle --------------------------------------------------------------------
    def login_failures(self, username: str, address: str, window: timedelta) -> tuple[int, int]:
        """Failures in ``window`` for this account (since its last success) and from this
        address."""
        since = self.clock() - window
        user = username.strip().lower()
        with self.sessions() as s:
            last_ok = s.scalar(
                select(func.max(LoginAttemptRow.at)).where(
                    LoginAttemptRow.username == user, LoginAttemptRow.ok.is_(True)
                )
            )
            user_since = max(since, last_ok) if last_ok else since
            by_user = s.scalar(
                select(func.count())
                .select_from(LoginAttemptRow)
                .where(
                    LoginAttemptRow.username == user,
                    LoginAttemptRow.ok.is_(False),
                    LoginAttemptRow.at > user_since,
                )
            )
            by_address = s.scalar(
                select(func.count())
                .select_from(LoginAttemptRow)
                .where(
                    LoginAttemptRow.address == address,
                    LoginAttemptRow.ok.is_(False),
                    LoginAttemptRow.at > since,
                )
            )
            return int(by_user or 0), int(by_address or 0)

    def record_login(
        self,
        username: str,
        address: str,
        outcome: Literal["ok", "failed", "throttled"],
        *,
        source: str,
        via: str = "password",
    ) -> None:
        """Keep the attempt (for the throttle) and audit it; old attempts are pruned."""
        now = self.clock()
        user = username.strip().lower()[:320]
        with self.sessions.begin() as s:
            if outcome != "throttled":
                s.add(LoginAttemptRow(at=now, username=user, address=address, ok=outcome == "ok"))
            s.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < now - timedelta(days=2)))
            if outcome == "ok":
                row = s.scalar(select(UserRow).where(UserRow.username == user))
                if row is not None:
                    row.last_login_at = now
            action = {"ok": "web.login", "failed": "web.login_failed"}.get(
                outcome, "web.login_throttled"
            )
            self._audit(s, user or "-", action, "account", user or "-", {"via": via}, source=source)

    # -- sessions --------------------------------------------------------------------------
    def create_session(
        self,
        account_id: int,
        token: str,
        csrf_token: str,
        *,
        address: str,
        user_agent: str,
        via: str = "password",
    ) -> None:
        now = self.clock()
        with self.sessions.begin() as s:
            s.add(
                WebSessionRow(
                    id_sha256=token_digest(token),
                    user_id=account_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    last_seen_at=now,
                    address=address[:200],
                    user_agent=user_agent[:300],
                    via=via,
                )
            )

    def session(self, token: str, *, idle: timedelta, lifetime: timedelta) -> WebSession | None:
        """The live session for a cookie token, touched; None (and the row removed) when it
        is unknown, idle too long, past its lifetime, or its account is disabled."""
        now = self.clock()
        with self.sessions.begin() as s:
            found = s.execute(
                select(WebSessionRow, UserRow)
                .join(UserRow, UserRow.id == WebSessionRow.user_id)
                .where(WebSessionRow.id_sha256 == token_digest(token))
            ).first()
            if found is None:
                return None
            row, user = found
            if user.disabled or now - row.last_seen_at > idle or now - row.created_at > lifetime:
                s.delete(row)
                return None
            if now - row.last_seen_at >= TOUCH_EVERY:
                row.last_seen_at = now
            return WebSession(_account(user), row.csrf_token, row.created_at, now, row.via)

    def end_session(self, token: str, *, actor: str, source: str) -> None:
        with self.sessions.begin() as s:
            s.execute(delete(WebSessionRow).where(WebSessionRow.id_sha256 == token_digest(token)))
            self._audit(s, actor, "web.logout", "account", actor, {}, source=source)

    def prune_sessions(self, idle: timedelta, lifetime: timedelta) -> int:
        now = self.clock()
        with self.sessions.begin() as s:
            result = s.execute(
                delete(WebSessionRow).where(
                    or_(
                        WebSessionRow.last_seen_at < now - idle,
                        WebSessionRow.created_at < now - lifetime,
                    )
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)

    # -- scope -----------------------------------------------------------------------------
    @staticmethod
    def _scope(account: Account) -> ColumnElement[bool]:
        """The sites an account may see, as a condition on SiteRow."""
        if account.disabled or account.role not in ROLES:
            return false()
        if account.all_sites:
            return sql_true()
        email = (account.email or "").strip().lower()
        if not email:
            return false()
        return or_(
            func.lower(SiteRow.sponsor) == email, func.lower(SiteRow.backup_sponsor) == email
        )

    def site_names_for(self, account: Account) -> list[str]:
        with self.sessions() as s:
            return list(
                s.scalars(select(SiteRow.name).where(self._scope(account)).order_by(SiteRow.name))
            )

    def can_see_incident(self, account: Account, incident_id: int) -> bool:
        with self.sessions() as s:
            return (
                s.scalar(
                    select(IncidentRow.id)
                    .join(SiteRow, SiteRow.id == IncidentRow.site_id)
                    .where(IncidentRow.id == incident_id, self._scope(account))
                )
                is not None
            )

    # -- the inbox -------------------------------------------------------------------------
    def _inbox_query(self, account: Account, f: InboxFilters) -> Any:
        q = (
            select(IncidentRow, SiteRow.name)
            .join(SiteRow, SiteRow.id == IncidentRow.site_id)
            .where(self._scope(account))
        )
        if f.site:
            q = q.where(SiteRow.name == f.site)
        if f.status:
            q = q.where(IncidentRow.status == f.status)
        if f.min_severity is not None:
            q = q.where(IncidentRow.severity_rank >= int(f.min_severity))
        if f.category:
            cat = f.category.strip()
            pattern = (
                f'%"{_like_escape(cat[:-1])}%' if cat.endswith("*") else f'%"{_like_escape(cat)}"%'
            )
            q = q.where(cast(IncidentRow.categories, Text).like(pattern, escape="\\"))
        if f.since:
            q = q.where(IncidentRow.created_at >= datetime.combine(f.since, time.min, UTC))
        if f.until:
            end = datetime.combine(f.until + timedelta(days=1), time.min, UTC)
            q = q.where(IncidentRow.created_at < end)
        return q

    @staticmethod
    def _order(q: Any, f: InboxFilters) -> Any:
        key = {
            "created": IncidentRow.created_at,
            "severity": IncidentRow.severity_rank,
            "site": SiteRow.name,
            "status": IncidentRow.status,
            "id": IncidentRow.id,
        }.get(f.sort, IncidentRow.created_at)
        tie = IncidentRow.id.desc() if f.descending else IncidentRow.id
        return q.order_by(key.desc() if f.descending else key.asc(), tie)

    def inbox(
        self, account: Account, filters: InboxFilters, *, page: int = 1, per_page: int = 50
    ) -> InboxPage:
        base = self._inbox_query(account, filters)
        with self.sessions() as s:
            total = int(s.scalar(select(func.count()).select_from(base.subquery())) or 0)
            pages = max(1, -(-total // per_page))
            page = min(max(1, page), pages)
            q = self._order(base, filters).limit(per_page).offset((page - 1) * per_page)
            rows = [_inbox_row(inc, name, self.evidence_cipher) for inc, name in s.execute(q)]
        return InboxPage(rows, total, page, pages)

    def inbox_export(
        self, account: Account, filters: InboxFilters, *, limit: int = 100_000
    ) -> Iterator[InboxRow]:
        q = self._order(self._inbox_query(account, filters), filters).limit(limit)
        with self.sessions() as s:
            for inc, name in s.execute(q):
                yield _inbox_row(inc, name, self.evidence_cipher)

    # -- one incident ----------------------------------------------------------------------
    def incident_for(self, account: Account, incident_id: int) -> IncidentDetail | None:
        """One incident, or None when it does not exist or is outside the account's scope."""
        with self.sessions() as s:
            found = s.execute(
                select(IncidentRow, SiteRow)
                .join(SiteRow, SiteRow.id == IncidentRow.site_id)
                .where(IncidentRow.id == incident_id, self._scope(account))
                .options(selectinload(IncidentRow.findings))
            ).first()
            if found is None:
                return None
            inc, site = found
            parent_id, post_kind = None, "post"
            if inc.post_id is not None:
                digest = s.execute(
                    select(PostDigestRow.parent_id, PostDigestRow.kind).where(
                        PostDigestRow.site_id == site.id, PostDigestRow.post_id == inc.post_id
                    )
                ).first()
                if digest is not None:
                    parent_id, post_kind = digest[0], digest[1]
            return IncidentDetail(
                id=inc.id,
                site=site.name,
                platform=site.platform,
                sponsor=site.sponsor,
                backup_sponsor=site.backup_sponsor,
                post_id=inc.post_id,
                post_url=inc.post_url,
                post_author=self.evidence_cipher.author(inc),
                posted_at=inc.posted_at,
                severity=inc.severity,
                categories=tuple(inc.categories),
                clauses=tuple(inc.clauses),
                status=inc.status,
                summary=inc.summary,
                assignee=inc.assignee,
                acknowledged_by=inc.acknowledged_by,
                acknowledged_at=inc.acknowledged_at,
                resolved_by=inc.resolved_by,
                resolved_at=inc.resolved_at,
                resolution=inc.resolution,
                escalation_step=inc.escalation_step,
                actions_taken=[dict(a) for a in inc.actions_taken],
                created_at=inc.created_at,
                updated_at=inc.updated_at,
                has_evidence=inc.evidence_text is not None,
                findings=tuple(
                    FindingView(
                        f.category,
                        f.severity,
                        f.score,
                        f.start,
                        f.end,
                        f.detector,
                        f.explanation,
                        f.clause,
                    )
                    for f in inc.findings
                ),
                parent_id=parent_id,
                post_kind=post_kind,
            )

    def parent_post(self, account: Account, incident_id: int) -> ParentPost | None:
        """The post this one replied to, when the store knows it: its link always, its
        text only if it is itself held as evidence (never shown unredacted here)."""
        with self.sessions() as s:
            found = s.execute(
                select(IncidentRow, SiteRow.id)
                .join(SiteRow, SiteRow.id == IncidentRow.site_id)
                .where(IncidentRow.id == incident_id, self._scope(account))
            ).first()
            if found is None or found[0].post_id is None:
                return None
            inc, site_id = found
            parent_id = s.scalar(
                select(PostDigestRow.parent_id).where(
                    PostDigestRow.site_id == site_id, PostDigestRow.post_id == inc.post_id
                )
            )
            if not parent_id:
                return None
            digest = s.scalar(
                select(PostDigestRow).where(
                    PostDigestRow.site_id == site_id, PostDigestRow.post_id == parent_id
                )
            )
            parent_inc = s.scalar(
                select(IncidentRow).where(
                    IncidentRow.site_id == site_id, IncidentRow.dedup_key == f"post:{parent_id}"
                )
            )
            return ParentPost(
                post_id=parent_id,
                url=digest.url if digest else None,
                incident_id=parent_inc.id if parent_inc else None,
                text=self.evidence_cipher.evidence(parent_inc) if parent_inc else None,
                redactions=[
                    (int(str(a)), int(str(b)), str(c))
                    for a, b, c in (parent_inc.redactions if parent_inc else [])
                ],
            )

    # -- the site registry with health -----------------------------------------------------
    def sites_for(self, account: Account) -> list[SiteHealth]:
        today = self.clock().date()
        with self.sessions() as s:
            sites = list(
                s.scalars(select(SiteRow).where(self._scope(account)).order_by(SiteRow.name))
            )
            ids = [r.id for r in sites]
            gaps: dict[int, tuple[int, int]] = {}
            opened: dict[int, int] = {}
            if ids:
                gap_rows = s.execute(
                    select(IncidentRow.site_id, func.count())
                    .where(IncidentRow.site_id.in_(ids), IncidentRow.dedup_key.like("gap:%"))
                    .group_by(IncidentRow.site_id)
                )
                for site_id, total in gap_rows:
                    gaps[site_id] = (0, int(total))
                open_gap_rows = s.execute(
                    select(IncidentRow.site_id, func.count())
                    .where(
                        IncidentRow.site_id.in_(ids),
                        IncidentRow.dedup_key.like("gap:%"),
                        IncidentRow.status.in_(("open", "acknowledged")),
                    )
                    .group_by(IncidentRow.site_id)
                )
                for site_id, n in open_gap_rows:
                    gaps[site_id] = (int(n), gaps.get(site_id, (0, 0))[1])
                open_rows = s.execute(
                    select(IncidentRow.site_id, func.count())
                    .where(
                        IncidentRow.site_id.in_(ids),
                        IncidentRow.status.in_(("open", "acknowledged")),
                    )
                    .group_by(IncidentRow.site_id)
                )
                opened = {site_id: int(n) for site_id, n in open_rows}
            return [
                SiteHealth(
                    name=r.name,
                    platform=r.platform,
                    sponsor=r.sponsor,
                    backup_sponsor=r.backup_sponsor,
                    state=r.state,
                    monitored=r.pollable and r.in_config,
                    status_reason=r.status_reason,
                    health=r.health,
                    health_detail=r.health_detail,
                    last_poll_at=r.last_poll_at,
                    last_success_at=r.last_success_at,
                    next_poll_at=r.next_poll_at,
                    review_by=r.review_by,
                    days_to_review=(r.review_by - today).days if r.review_by else None,
                    access_ok=r.access_ok,
                    access_checked_at=r.access_checked_at,
                    open_gaps=gaps.get(r.id, (0, 0))[0],
                    gaps_total=gaps.get(r.id, (0, 0))[1],
                    open_incidents=opened.get(r.id, 0),
                )
                for r in sites
            ]

    # -- the audit log, newest first -------------------------------------------------------
    def audit_page(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        target: str | None = None,  # "incident:12"
        since: date | None = None,
        until: date | None = None,
        page: int = 1,
        per_page: int = 100,
    ) -> tuple[list[AuditEventRow], int, int]:
        """(events, total, page) of the audit trail, newest first."""
        conds: list[ColumnElement[bool]] = []
        if actor:
            conds.append(AuditEventRow.actor == actor)
        if action:
            conds.append(AuditEventRow.action.startswith(action, autoescape=True))
        if target:
            kind, _, ident = target.partition(":")
            conds.append(AuditEventRow.target_type == kind)
            if ident:
                conds.append(AuditEventRow.target_id == ident)
        if since:
            conds.append(AuditEventRow.at >= datetime.combine(since, time.min, UTC))
        if until:
            end = datetime.combine(until + timedelta(days=1), time.min, UTC)
            conds.append(AuditEventRow.at < end)
        where = and_(sql_true(), *conds)
        with self.sessions() as s:
            total = int(s.scalar(select(func.count()).select_from(AuditEventRow).where(where)) or 0)
            pages = max(1, -(-total // per_page))
            page = min(max(1, page), pages)
            rows = list(
                s.scalars(
                    select(AuditEventRow)
                    .where(where)
                    .order_by(AuditEventRow.id.desc())
                    .limit(per_page)
                    .offset((page - 1) * per_page)
                )
            )
            return rows, total, page


def _inbox_row(inc: IncidentRow, site: str, cipher: EvidenceCipher) -> InboxRow:
    return InboxRow(
        id=inc.id,
        created_at=inc.created_at,
        site=site,
        severity=inc.severity,
        status=inc.status,
        categories=tuple(inc.categories),
        clauses=tuple(inc.clauses),
        post_url=inc.post_url,
        post_author=cipher.author(inc),
        assignee=inc.assignee,
        summary=inc.summary,
    )
