"""Retention: each rule's timing edge, on SQLite and PostgreSQL, with an injected clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from test_repository import Clock, count, finding, scanned, site, sync

from sitewatch.config import Settings
from sitewatch.models import Severity
from sitewatch.notify.email import IncidentMailer
from sitewatch.store.models import (
    AckTokenRow,
    AuditEventRow,
    FindingRow,
    IncidentNoteRow,
    IncidentRow,
    LoginAttemptRow,
    OutboxRow,
    PostDigestRow,
    UserRow,
    WebSessionRow,
)
from sitewatch.store.repository import Store
from sitewatch.store.retention import CATEGORIES, RetentionPolicy, years_before

DAY = 86_400.0
POLICY = RetentionPolicy()


@pytest.fixture
def mailer(make_settings: Callable[..., Settings]) -> IncidentMailer:
    return IncidentMailer(
        make_settings(
            notify={"tech_staff": ["tech@lakeview.k12.us"], "review_url": "https://sw.example"}
        )
    )


def file_incident(store: Store, mailer: IncidentMailer, post_id: str = "1") -> int:
    outcome = store.record_page(
        "band",
        [
            scanned(
                post_id,
                "Maya Chen is failing algebra",
                finding("pii.education_record", Severity.HIGH, 0, 9),
                author="pat.parent",
            )
        ],
        f"c{post_id}",
        mailer,
    )
    (incident_id,) = outcome.incidents_opened
    return incident_id


def evidence(store: Store, incident_id: int) -> tuple[str | None, str | None, list[object]]:
    with store.sessions() as s:
        row = s.get(IncidentRow, incident_id)
        assert row is not None
        return row.evidence_text, row.post_author, list(row.redactions)


def test_evidence_is_purged_exactly_evidence_days_after_resolution(
    store: Store, mailer: IncidentMailer, clock: Clock
) -> None:
    sync(store, site())
    resolved = file_incident(store, mailer, "1")
    false_pos = file_incident(store, mailer, "2")
    still_open = file_incident(store, mailer, "3")
    store.transition(resolved, "resolve", actor="t", source="test")
    store.transition(false_pos, "false_positive", actor="t", source="test", reason="a lyric")

    clock.advance(90 * DAY - 1)
    report = store.purge(POLICY)
    assert report.counts["evidence"] == 0
    assert evidence(store, resolved)[0] == "Maya Chen is failing algebra"

    clock.advance(1)
    report = store.purge(POLICY)
    assert report.counts["evidence"] == 2
    for incident_id in (resolved, false_pos):
        assert evidence(store, incident_id) == (None, None, [])
        view = store.get_incident(incident_id)  # the metadata stays for the audit period
        assert view is not None
        assert view.categories == ("pii.education_record",)
        assert view.severity == "high"
        assert view.summary == "why"
        assert [f.category for f in view.findings] == ["pii.education_record"]
    assert evidence(store, still_open)[0] == "Maya Chen is failing algebra"
    held = store.view_evidence(resolved, actor="t", source="test")
    assert held is not None and held[0] is None
    assert store.purge(POLICY).counts["evidence"] == 0  # idempotent


def test_reopened_incident_keeps_its_evidence(
    store: Store, mailer: IncidentMailer, clock: Clock
) -> None:
    sync(store, site())
    incident_id = file_incident(store, mailer)
    store.transition(incident_id, "resolve", actor="t", source="test")
    clock.advance(89 * DAY)
    store.transition(incident_id, "reopen", actor="t", source="test")
    clock.advance(30 * DAY)
    assert store.purge(POLICY).counts["evidence"] == 0
    assert evidence(store, incident_id)[0] is not None


def test_digests_of_posts_without_incidents_go_after_digest_days(
    store: Store, mailer: IncidentMailer, clock: Clock
) -> None:
    sync(store, site())
    store.record_page("band", [scanned("plain", "Concert on Friday")], "c0", mailer)
    file_incident(store, mailer, "bad")
    clock.advance(7 * DAY - 1)
    assert store.purge(POLICY).counts["digests"] == 0
    clock.advance(1)
    assert store.purge(POLICY).counts["digests"] == 1
    with store.sessions() as s:
        kept = list(s.scalars(select(PostDigestRow.post_id)))
    assert kept == ["bad"]  # the incident's post keeps its digest as long as the incident
    assert store.get_cursor("band") == "cbad"  # cursors are never touched


def test_closed_incident_is_deleted_after_audit_years_with_its_children(
    store: Store, mailer: IncidentMailer, clock: Clock
) -> None:
    sync(store, site())
    old = file_incident(store, mailer, "1")
    kept_open = file_incident(store, mailer, "2")
    store.add_note(old, "called the family", actor="t", source="test")
    store.transition(old, "resolve", actor="t", source="test")
    audit_before = count(store, AuditEventRow)
    (message,) = [m for m in store.outbox_for(old)]

    cutoff = years_before(clock.now, -5)  # five calendar years after resolution
    clock.now = cutoff - timedelta(seconds=1)
    assert store.purge(POLICY).counts["incidents"] == 0
    clock.now = cutoff
    report = store.purge(POLICY)
    assert report.counts["incidents"] == 1
    assert report.counts["evidence"] == 0  # counted once, as a deleted incident
    assert store.get_incident(old) is None
    assert store.get_incident(kept_open) is not None  # open incidents are never deleted
    with store.sessions() as s:
        assert s.scalar(select(func.count()).where(FindingRow.incident_id == old)) == 0
        assert s.scalar(select(func.count()).where(IncidentNoteRow.incident_id == old)) == 0
        assert s.scalar(select(func.count()).where(AckTokenRow.incident_id == old)) == 0
        row = s.scalar(select(OutboxRow).where(OutboxRow.message_id == message[0]))
        assert row is not None and row.incident_id is None  # the mail record stays
        digests = set(s.scalars(select(PostDigestRow.post_id)))
    assert digests == {"2"}  # the deleted incident's post digest went with it
    # Audit events are never deleted: only the two purge runs' own events were added.
    assert count(store, AuditEventRow) == audit_before + 2


def test_outbox_bodies_are_emptied_but_rows_kept(
    store: Store, mailer: IncidentMailer, clock: Clock
) -> None:
    sync(store, site())
    file_incident(store, mailer, "1")
    file_incident(store, mailer, "2")
    file_incident(store, mailer, "3")
    sent, failed, pending = store.due_outbox()
    store.mark_sent(sent.id, "smtp")
    store.mark_failed(failed.id, "550", permanent=True, max_attempts=3, retry_in=60)
    clock.advance(30 * DAY - 1)
    assert store.purge(POLICY).counts["outbox_bodies"] == 0
    clock.advance(1)
    assert store.purge(POLICY).counts["outbox_bodies"] == 2
    with store.sessions() as s:
        rows = {r.id: r for r in s.scalars(select(OutboxRow))}
    assert rows[sent.id].message == b"" and rows[failed.id].message == b""
    assert rows[sent.id].status == "sent" and rows[sent.id].message_id == sent.message_id
    assert rows[sent.id].recipients == list(sent.recipients)
    assert rows[sent.id].sent_at is not None
    assert rows[pending.id].message == pending.message  # never sent: never emptied


def test_expired_ack_tokens_sessions_and_login_attempts(
    store: Store, mailer: IncidentMailer, clock: Clock
) -> None:
    sync(store, site())
    file_incident(store, mailer)
    with store.sessions.begin() as s:
        user = UserRow(username="t@lakeview.k12.us", role="tech", created_at=clock.now)
        s.add(user)
        s.flush()
        s.add(WebSessionRow(id_sha256="a" * 64, user_id=user.id, csrf_token="x"))
        s.add(LoginAttemptRow(at=clock.now, username="t", address="127.0.0.1"))
        expires = s.scalar(select(AckTokenRow.expires_at))
    assert expires is not None
    with store.sessions.begin() as s:
        s.execute(
            WebSessionRow.__table__.update().values(created_at=clock.now, last_seen_at=clock.now)
        )
    clock.advance(29 * 60)
    report = store.purge(POLICY)
    assert (report.counts["web_sessions"], report.counts["login_attempts"]) == (0, 0)
    clock.advance(2 * 60)  # idle past 30 minutes
    assert store.purge(POLICY).counts["web_sessions"] == 1
    clock.now = expires + timedelta(days=30) - timedelta(seconds=1)
    report = store.purge(POLICY)
    assert report.counts["ack_tokens"] == 0
    assert report.counts["login_attempts"] == 1  # older than two days
    clock.advance(1)
    assert store.purge(POLICY).counts["ack_tokens"] == 1


def test_dry_run_counts_what_the_purge_then_removes_and_both_are_audited(
    store: Store, mailer: IncidentMailer, clock: Clock
) -> None:
    sync(store, site())
    store.record_page("band", [scanned("plain", "hello")], "c0", mailer)
    incident_id = file_incident(store, mailer)
    store.transition(incident_id, "resolve", actor="t", source="test")
    clock.advance(100 * DAY)
    dry = store.purge(POLICY, dry_run=True, actor="alice")
    assert dry.dry_run
    assert evidence(store, incident_id)[0] is not None
    assert count(store, PostDigestRow) == 2
    real = store.purge(POLICY, actor="alice")
    assert dry.counts == real.counts
    assert list(real.counts) == list(CATEGORIES)
    assert real.counts["evidence"] == 1 and real.counts["digests"] == 1
    with store.sessions() as s:
        events = list(
            s.scalars(
                select(AuditEventRow)
                .where(AuditEventRow.action.like("retention.%"))
                .order_by(AuditEventRow.id)
            )
        )
    assert [(e.action, e.actor) for e in events] == [
        ("retention.dry_run", "alice"),
        ("retention.purge", "alice"),
    ]
    assert events[1].details["counts"] == real.counts


def test_years_before_handles_the_leap_day() -> None:
    from datetime import UTC, datetime

    assert years_before(datetime(2028, 2, 29, tzinfo=UTC), 5) == datetime(2023, 2, 28, tzinfo=UTC)
