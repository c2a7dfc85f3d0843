"""The store's tables (SQLAlchemy 2.0, one metadata, UTC datetimes).

Privacy: a post is kept as a digest (hash, ids, link) unless it produced an incident; only
then is its text kept, as evidence for review, until the retention policy purges it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from sitewatch.store.types import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SiteRow(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(Text)
    sponsor: Mapped[str] = mapped_column(String(320))
    approval_by: Mapped[str | None] = mapped_column(String(200))
    approval_on: Mapped[date | None] = mapped_column(Date)
    approval_ref: Mapped[str | None] = mapped_column(String(100))
    review_by: Mapped[date | None] = mapped_column(Date)
    backup_sponsor: Mapped[str | None] = mapped_column(String(320))
    access_administrators: Mapped[bool] = mapped_column(default=True)
    access_tech_staff: Mapped[bool] = mapped_column(default=True)
    access_note: Mapped[str] = mapped_column(Text, default="")
    costs: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default="unapproved")
    pollable: Mapped[bool] = mapped_column(default=False)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    access_ok: Mapped[bool | None] = mapped_column()
    access_detail: Mapped[str] = mapped_column(Text, default="")
    access_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    members_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    in_config: Mapped[bool] = mapped_column(default=True)
    health: Mapped[str] = mapped_column(String(20), default="unknown")  # ok|unhealthy|unknown
    health_detail: Mapped[str] = mapped_column(Text, default="")
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    last_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SiteRevisionRow(Base):
    """Every change to a site's record, kept whole: the registry's history."""

    __tablename__ = "site_revisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(320))
    record: Mapped[dict[str, object]] = mapped_column(JSON)
    changed: Mapped[list[str]] = mapped_column(JSON, default=list)


class PolicyNoticeRow(Base):
    """A policy notice already given (a reminder threshold, an expiry), so it goes once."""

    __tablename__ = "policy_notices"
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsentRow(Base):
    """Clause 4: written parental consent for a student to join a site (or every site)."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("student_id", "site"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    student_id: Mapped[str] = mapped_column(String(200))  # OneRoster sourcedId
    site: Mapped[str] = mapped_column(String(100))  # a site name, or "*"
    handles: Mapped[list[str]] = mapped_column(JSON, default=list)
    granted_on: Mapped[date] = mapped_column(Date)
    form_location: Mapped[str] = mapped_column(Text, default="")
    revoked_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))  # "file:<name>" or "cli"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SiteMemberRow(Base):
    """A follower/subscriber/approved user last seen on a site, and who they matched."""

    __tablename__ = "site_members"
    __table_args__ = (UniqueConstraint("site_id", "handle"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    handle: Mapped[str] = mapped_column(String(300))
    student_id: Mapped[str | None] = mapped_column(String(200))
    matched_by: Mapped[str | None] = mapped_column(String(50))  # consent-handle | name
    consented: Mapped[bool] = mapped_column(default=False)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CursorRow(Base):
    __tablename__ = "cursors"

    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PostDigestRow(Base):
    """One row per post ever scanned: enough to never scan it twice, no content."""

    __tablename__ = "post_digests"
    __table_args__ = (UniqueConstraint("site_id", "post_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    post_id: Mapped[str] = mapped_column(String(200))
    content_sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20), default="post")
    parent_id: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_severity: Mapped[str] = mapped_column(String(10), default="info")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IncidentRow(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("site_id", "dedup_key"),
        Index("ix_incidents_status_severity", "status", "severity_rank"),
        Index("ix_incidents_created_at", "created_at"),  # the review page's inbox order
        Index("ix_incidents_site_created", "site_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    dedup_key: Mapped[str] = mapped_column(String(250))
    post_id: Mapped[str | None] = mapped_column(String(200))
    post_url: Mapped[str | None] = mapped_column(Text)
    post_author: Mapped[str | None] = mapped_column(String(300))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    severity: Mapped[str] = mapped_column(String(10))
    severity_rank: Mapped[int] = mapped_column(Integer)
    categories: Mapped[list[str]] = mapped_column(JSON)
    clauses: Mapped[list[str]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text)  # explanations only: no raw PII
    status: Mapped[str] = mapped_column(String(20), default="open")
    evidence_text: Mapped[str | None] = mapped_column(Text)  # purged by retention
    redactions: Mapped[list[list[object]]] = mapped_column(JSON, default=list)
    assignee: Mapped[str | None] = mapped_column(String(320))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(320))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(320))
    resolution: Mapped[str | None] = mapped_column(Text)  # the false-positive reason, etc.
    escalation_step: Mapped[int] = mapped_column(Integer, default=0)
    escalate_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actions_taken: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    findings: Mapped[list[FindingRow]] = relationship(
        back_populates="incident", order_by="FindingRow.start", cascade="all, delete-orphan"
    )
    site: Mapped[SiteRow] = relationship()


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("incident_id", "category", "start", "end"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    detector: Mapped[str] = mapped_column(String(100))
    explanation: Mapped[str] = mapped_column(Text)
    clause: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    incident: Mapped[IncidentRow] = relationship(back_populates="findings")


class IncidentNoteRow(Base):
    __tablename__ = "incident_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author: Mapped[str] = mapped_column(String(320))
    text: Mapped[str] = mapped_column(Text)


class AckTokenRow(Base):
    """A one-click acknowledgement link: only its hash is kept; it expires and works once."""

    __tablename__ = "ack_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_from: Mapped[str | None] = mapped_column(String(200))


class OutboxRow(Base):
    """A notification written in the same transaction as its incident (transactional outbox)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(30))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    message: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_to: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Draining is leased like sites are: one worker sends a message at a time.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BackfillRow(Base):
    """A history scan of one site since a date: resumable from its own cursor."""

    __tablename__ = "backfills"
    __table_args__ = (UniqueConstraint("site_id", "since"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    since: Mapped[date] = mapped_column(Date)
    cursor: Mapped[str | None] = mapped_column(Text)
    notify: Mapped[bool] = mapped_column(default=False)
    posts_scanned: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEventRow(Base):
    """Append-only: who did what, when, from where. Never updated or deleted by sitewatch."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(100))
    target_type: Mapped[str] = mapped_column(String(50))
    target_id: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(200), default="daemon")


# -- the review page's accounts, sessions and login throttle (issue 7) -------------------------
class UserRow(Base):
    """A review-page account. Only an argon2 hash of the password is kept (none for an
    SSO-only account); a disabled account cannot log in and loses its sessions."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(320), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))  # administrator|tech|sponsor|viewer
    password_hash: Mapped[str | None] = mapped_column(String(300))
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSessionRow(Base):
    """A server-side login session: the cookie holds a random token, the row its SHA-256."""

    __tablename__ = "web_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    address: Mapped[str] = mapped_column(String(200), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    via: Mapped[str] = mapped_column(String(20), default="password")  # password | sso


class LoginAttemptRow(Base):
    """One login attempt, for throttling by account and by client address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(320))
    address: Mapped[str] = mapped_column(String(200))
    ok: Mapped[bool] = mapped_column(default=False)
