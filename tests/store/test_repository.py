"""The store on SQLite and PostgreSQL: sites, pages, incidents, outbox, leases, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, update

from sitewatch.config import Settings
from sitewatch.models import Approval, Finding, Post, ScanResult, Severity, Site
from sitewatch.notify.email import IncidentMailer
from sitewatch.sites import registry
from sitewatch.store.models import AuditEventRow, IncidentRow, OutboxRow, PostDigestRow
from sitewatch.store.repository import ScannedPost, Store, content_digest


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


APPROVED = Approval(by="Designee", on=date(2026, 9, 1), ref="SUP-1", review_by=date(2027, 8, 31))


def site(name: str = "band", approval: Approval | None = APPROVED) -> Site:
    return Site(
        name=name,
        platform="demo",
        target="/x.jsonl",
        sponsor="sponsor@lakeview.k12.us",
        approval=approval,
    )


def sync(store: Store, *sites: Site) -> list[str]:
    return store.sync_sites(registry(list(sites), date(2026, 11, 2)))


def finding(
    category: str, severity: Severity, start: int = 0, end: int = 4, explanation: str = "why"
) -> Finding:
    return Finding(
        category=category,
        start=start,
        end=end,
        score=0.9,
        detector="t",
        explanation=explanation,
        severity=severity,
        clause="5b",
    )


def scanned(post_id: str, text: str, *findings: Finding, **post: Any) -> ScannedPost:
    return ScannedPost(
        post=Post(id=post_id, text=text, url=f"https://example.org/{post_id}", **post),
        digest=content_digest(text),
        result=ScanResult(
            findings=findings, redactions=tuple((f.start, f.end, "student name") for f in findings)
        ),
    )


def count(store: Store, model: Any) -> int:
    with store.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_sync_sites_records_status_and_audits_changes(store: Store) -> None:
    assert sync(store, site("band"), site("chess", approval=None)) == ["band", "chess"]
    views = {v.name: v for v in store.list_sites()}
    assert views["band"].pollable is True
    assert views["chess"].pollable is False
    assert "no approval" in views["chess"].status_reason
    assert sync(store, site("band"), site("chess", approval=None)) == []  # unchanged
    assert sync(store, site("band")) == ["chess"]  # removed from config
    assert store.list_sites()[1].pollable is False
    with store.sessions() as s:
        actions = [a for (a,) in s.execute(select(AuditEventRow.action).order_by(AuditEventRow.id))]
    assert actions == ["site.added", "site.added", "site.removed"]


def test_record_page_files_incident_outbox_and_cursor(store: Store, mailer: IncidentMailer) -> None:
    sync(store, site())
    page = [
        scanned("1", "Maya is suspended", finding("pii.education_record", Severity.HIGH, 0, 4)),
        scanned("2", "Concert on Friday"),
        scanned("3", "a minor thing", finding("content.profanity", Severity.LOW)),
    ]
    outcome = store.record_page("band", page, "cursor-1", mailer)
    assert outcome.posts_recorded == 3
    assert len(outcome.incidents_opened) == 2  # the low one is logged, not mailed
    assert outcome.notifications == 1
    assert store.get_cursor("band") == "cursor-1"
    incidents = store.list_incidents()
    assert [(i.post_id, i.severity, i.categories) for i in incidents] == [
        ("1", "high", ("pii.education_record",)),
        ("3", "low", ("content.profanity",)),
    ]
    full = store.get_incident(incidents[0].id)
    assert full is not None
    assert [(f.category, f.start, f.end) for f in full.findings] == [("pii.education_record", 0, 4)]
    due = store.due_outbox()
    assert len(due) == 1
    assert b"Maya" not in due[0].message  # redacted excerpt
    assert due[0].message_id == f"<incident-{incidents[0].id}.new.1@localhost>"
    assert due[0].recipients == ("sponsor@lakeview.k12.us",)


def test_rerun_of_same_posts_files_nothing(store: Store, mailer: IncidentMailer) -> None:
    sync(store, site())
    page = [scanned("1", "Maya is suspended", finding("pii.education_record", Severity.HIGH))]
    store.record_page("band", page, "c1", mailer)
    again = store.record_page("band", page, "c1", mailer)
    assert again.posts_recorded == 0
    assert again.incidents_opened == [] and again.incidents_updated == []
    assert count(store, OutboxRow) == 1


def test_edited_post_updates_one_incident_and_notifies_only_when_worse(
    store: Store, mailer: IncidentMailer
) -> None:
    sync(store, site())
    store.record_page(
        "band", [scanned("1", "call 555", finding("pii.phone", Severity.MEDIUM))], "c1", mailer
    )
    store.record_page(
        "band", [scanned("1", "call 555!", finding("pii.phone", Severity.MEDIUM))], "c2", mailer
    )
    assert count(store, OutboxRow) == 1  # same severity: no second e-mail
    store.record_page(
        "band", [scanned("1", "ssn 212", finding("pii.ssn", Severity.CRITICAL))], "c3", mailer
    )
    (incident,) = store.list_incidents()
    assert incident.severity == "critical"
    assert incident.categories == ("pii.phone", "pii.ssn")
    assert count(store, OutboxRow) == 2
    update = store.due_outbox()[-1]
    assert ".update.1@" in update.message_id
    assert "tech@lakeview.k12.us" in update.recipients  # critical goes to tech staff too


def test_a_failure_inside_the_transaction_changes_nothing(
    store: Store, mailer: IncidentMailer
) -> None:
    sync(store, site())
    store.record_page("band", [scanned("0", "fine")], "c0", mailer)

    class Boom(IncidentMailer):
        def compose(self, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("disk on fire")

    boom = Boom.__new__(Boom)
    boom.__dict__.update(mailer.__dict__)
    page = [
        scanned("1", "Maya is suspended", finding("pii.education_record", Severity.HIGH)),
        scanned("2", "ok"),
    ]
    with pytest.raises(RuntimeError):
        store.record_page("band", page, "c1", boom)
    assert store.get_cursor("band") == "c0"
    assert store.list_incidents() == []
    assert count(store, PostDigestRow) == 1
    assert count(store, OutboxRow) == 0
    # and the retry of the same page then succeeds completely
    store.record_page("band", page, "c1", mailer)
    assert store.get_cursor("band") == "c1"
    assert len(store.list_incidents()) == 1


def test_hostile_text_is_stored_intact_or_safely(store: Store, mailer: IncidentMailer) -> None:
    sync(store, site())
    text = "x\x00y \ud800 <script>alert(1)</script> \u202e" + "é" * 10
    store.record_page(
        "band", [scanned("1", text, finding("pii.phone", Severity.MEDIUM))], "c1", mailer
    )
    (incident,) = store.list_incidents()
    assert incident.categories == ("pii.phone",)
    with store.sessions() as s:
        from sitewatch.store.models import IncidentRow

        stored = s.scalar(select(IncidentRow.evidence_text))
    assert stored == "x\ufffdy \ufffd <script>alert(1)</script> \u202e" + "é" * 10


def test_outbox_mark_sent_and_failures(store: Store, mailer: IncidentMailer, clock: Clock) -> None:
    sync(store, site())
    store.record_page(
        "band",
        [
            scanned("1", "t", finding("pii.phone", Severity.MEDIUM)),
            scanned("2", "u", finding("pii.email", Severity.MEDIUM)),
        ],
        "c",
        mailer,
    )
    first, second = store.due_outbox()
    store.mark_sent(first.id, "/tmp/a.eml")
    assert (
        store.mark_failed(second.id, "down", permanent=False, max_attempts=3, retry_in=60)
        == "pending"
    )
    assert store.due_outbox() == []  # backing off
    clock.advance(61)
    assert [i.id for i in store.due_outbox()] == [second.id]
    assert (
        store.mark_failed(second.id, "bad address", permanent=True, max_attempts=3, retry_in=60)
        == "failed"
    )
    assert store.outbox_counts() == {"sent": 1, "failed": 1}


def test_leases_are_exclusive_until_expiry(store: Store, clock: Clock) -> None:
    sync(store, site("a"), site("b"), site("off", approval=None))
    assert sorted(store.lease_due_sites("w1", lease_seconds=60)) == ["a", "b"]
    assert store.lease_due_sites("w2", lease_seconds=60) == []
    store.release_lease("a", "w1")
    assert store.lease_due_sites("w2", lease_seconds=600) == ["a"]
    clock.advance(61)  # w1 died holding "b": its lease expires and w3 takes over
    assert store.lease_due_sites("w3", lease_seconds=60) == ["b"]


def test_schedule_success_failure_and_monitoring_gap(
    store: Store, mailer: IncidentMailer, clock: Clock
) -> None:
    sync(store, site())
    assert store.lease_due_sites("w", lease_seconds=60) == ["band"]
    store.release_lease("band", "w")
    assert store.record_success("band", 300) is False
    assert store.lease_due_sites("w", lease_seconds=60) == []  # not due for 5 minutes
    assert store.lease_due_sites("w", lease_seconds=60, ignore_schedule=True) == ["band"]
    store.release_lease("band", "w")
    newly, delay = store.record_failure(
        "band", fatal=False, detail="HTTP 503", backoff_initial=30, backoff_max=600, mailer=mailer
    )
    assert newly is False and 24 <= delay <= 36
    _, delay = store.record_failure(
        "band",
        fatal=False,
        detail="HTTP 503",
        backoff_initial=30,
        backoff_max=600,
        retry_after=120,
        mailer=mailer,
    )
    assert delay >= 120
    newly, _ = store.record_failure(
        "band", fatal=True, detail="HTTP 401", backoff_initial=30, backoff_max=600, mailer=mailer
    )
    assert newly is True
    again, _ = store.record_failure(
        "band", fatal=True, detail="HTTP 401", backoff_initial=30, backoff_max=600, mailer=mailer
    )
    assert again is False  # one gap incident per outage, not per poll
    (gap,) = store.list_incidents()
    assert gap.categories == ("monitoring.gap",) and gap.status == "open"
    assert store.due_outbox()[0].recipients == ("tech@lakeview.k12.us",)
    assert store.list_sites()[0].health == "unhealthy"
    assert store.record_success("band", 300) is True
    assert store.list_incidents()[0].status == "resolved"


def test_a_large_mixed_page_files_exactly_what_post_by_post_recording_would(
    store: Store, mailer: IncidentMailer, clock: Clock
) -> None:
    """record_page looks a page's digests and incidents up in bulk and inserts first-seen
    digests in one executemany: the rows must be exactly those of recording post by post."""
    sync(store, site())
    first = clock.now
    store.record_page(
        "band",
        [
            scanned(f"p{i}", f"old {i}", finding("pii.phone", Severity.MEDIUM))
            if i == 3
            else scanned(f"p{i}", f"old {i}")
            for i in range(10)
        ],
        "c1",
        mailer,
    )
    clock.advance(60)
    second = clock.now
    page: list[ScannedPost] = []
    for i in range(500):
        if i in (0, 1, 4, 5, 6, 7, 8, 9):
            page.append(scanned(f"p{i}", f"old {i}"))  # unchanged: nothing filed
        elif i == 2:
            page.append(scanned("p2", "edited 2"))  # edited, still clean
        elif i == 3:  # edited and worse: one incident, widened, an update e-mail
            page.append(scanned("p3", "edited 3", finding("pii.ssn", Severity.CRITICAL)))
        elif i % 50 == 0:
            page.append(scanned(f"p{i}", f"threat {i}", finding("threat", Severity.HIGH)))
        elif i % 70 == 0:
            page.append(scanned(f"p{i}", f"meh {i}", finding("content.profanity", Severity.LOW)))
        else:
            page.append(scanned(f"p{i}", f"fine {i}"))
    # One post three times on one page: clean (above), edited with a finding, unchanged.
    page.append(scanned("p20", "p20 edited", finding("pii.phone", Severity.MEDIUM)))
    page.append(scanned("p20", "p20 edited", finding("pii.phone", Severity.MEDIUM)))
    outcome = store.record_page("band", page, "c2", mailer)

    high = [i for i in range(10, 500) if i % 50 == 0]
    low = [i for i in range(10, 500) if i % 70 == 0 and i % 50 != 0]
    assert outcome.posts_recorded == 2 + 490 + 1
    assert len(outcome.incidents_opened) == len(high) + len(low) + 1
    assert len(outcome.incidents_updated) == 1
    assert outcome.notifications == len(high) + 2  # the new threats, p20's, p3's update
    assert store.get_cursor("band") == "c2"

    with store.sessions() as s:
        digests = {
            r.post_id: (r.content_sha256, r.max_severity, r.first_seen_at, r.scanned_at, r.url)
            for r in s.scalars(select(PostDigestRow))
        }
    assert len(digests) == 500

    def expected(i: int) -> tuple[str, str, datetime, datetime, str]:
        url = f"https://example.org/p{i}"
        if i < 10:
            if i == 2:
                return content_digest("edited 2"), "info", first, second, url
            if i == 3:
                return content_digest("edited 3"), "critical", first, second, url
            return content_digest(f"old {i}"), "info", first, first, url
        if i == 20:
            return content_digest("p20 edited"), "medium", second, second, url
        if i in high:
            return content_digest(f"threat {i}"), "high", second, second, url
        if i in low:
            return content_digest(f"meh {i}"), "low", second, second, url
        return content_digest(f"fine {i}"), "info", second, second, url

    for i in range(500):
        sha, severity, seen, at, url = digests[f"p{i}"]
        assert (sha, severity, seen.astimezone(UTC), at.astimezone(UTC), url) == expected(i), i

    incidents = {i.post_id: i for i in store.list_incidents(limit=1000)}
    assert set(incidents) == {"p3", "p20", *(f"p{i}" for i in high + low)}
    assert incidents["p3"].severity == "critical"
    assert incidents["p3"].categories == ("pii.phone", "pii.ssn")
    assert incidents["p20"].severity == "medium"
    assert all(incidents[f"p{i}"].severity == "high" for i in high)
    assert all(incidents[f"p{i}"].severity == "low" for i in low)
    p3 = store.get_incident(incidents["p3"].id)
    assert p3 is not None
    assert [f.category for f in p3.findings] == ["pii.ssn"]

    with store.sessions() as s:
        kinds = sorted(s.execute(select(OutboxRow.kind, OutboxRow.incident_id)).all())
        actions = [a for (a,) in s.execute(select(AuditEventRow.action))]
    by_id = {v.id: k for k, v in incidents.items()}
    mailed = sorted((kind, by_id[iid]) for kind, iid in kinds)
    assert mailed == sorted(
        [("new", "p3"), ("update", "p3"), ("new", "p20")] + [("new", f"p{i}") for i in high]
    )
    assert actions.count("incident.opened") == 1 + len(high) + len(low) + 1
    assert actions.count("incident.updated") == 1

    # A re-run of the page (bar p20's flip-flop) files nothing more.
    again = store.record_page("band", [p for p in page if p.post.id != "p20"], "c3", mailer)
    assert (again.posts_recorded, again.incidents_opened, again.incidents_updated) == (0, [], [])
    assert count(store, OutboxRow) == len(mailed)


def test_dead_local_workers_leases_are_freed_at_once(store: Store) -> None:
    sync(store, site("a"), site("b"), site("c"))
    assert store.lease_due_sites("host1:111:aa", lease_seconds=600, names=["a"]) == ["a"]
    assert store.lease_due_sites("host1:222:bb", lease_seconds=600, names=["b"]) == ["b"]
    assert store.lease_due_sites("host2:111:cc", lease_seconds=600, names=["c"]) == ["c"]
    freed = store.release_dead_leases("host1", alive=lambda pid: pid == 222)
    assert freed == 1
    # a's worker (pid 111 on host1) is dead: free now; b's is alive; c is another host's
    assert store.lease_due_sites("host1:333:dd", lease_seconds=600) == ["a"]


def test_a_page_costs_the_same_statements_however_many_incidents_it_files(
    store: Store, mailer: IncidentMailer
) -> None:
    """The page's new incidents go in one flush and their findings, audit events and
    messages in batched inserts: more incidents on a page must not mean more statements."""
    sync(store, site())

    def statements(page_no: int, incidents: int) -> list[str]:
        page = [
            scanned(f"{page_no}-{i}", f"threat {page_no}-{i}", finding("threat", Severity.HIGH))
            if i < incidents
            else scanned(f"{page_no}-{i}", f"fine {page_no}-{i}")
            for i in range(60)
        ]
        seen: list[str] = []

        def on_execute(*args: Any) -> None:
            seen.append(str(args[2]))

        event.listen(store.engine, "before_cursor_execute", on_execute)
        try:
            outcome = store.record_page("band", page, f"c{page_no}", mailer)
        finally:
            event.remove(store.engine, "before_cursor_execute", on_execute)
        assert len(outcome.incidents_opened) == outcome.notifications == incidents
        return seen

    statements(0, 1)  # the first page inserts the cursor; the pages measured update it
    few, many = statements(1, 2), statements(2, 40)
    lookups_and_updates = [len([s for s in x if not s.startswith("INSERT")]) for x in (few, many)]
    assert lookups_and_updates[0] == lookups_and_updates[1]
    if store.engine.dialect.name == "postgresql":
        # Batched INSERT … RETURNING too (insertmanyvalues); SQLite, in-process with no
        # round trips to save, gets one INSERT per ORM row.
        assert len(few) == len(many), (len(few), len(many))
    assert count(store, OutboxRow) == 43


def test_incidents_mailed_at_once_are_kept_out_of_the_digest_query(
    store: Store, mailer: IncidentMailer
) -> None:
    """Once the digest hour is reached the digest query runs every pass: an incident mailed
    at once is marked as no digest material when filed, so that query never loads it."""
    sync(store, site())
    store.record_page(
        "band",
        [
            scanned("loud", "threat", finding("threat", Severity.HIGH)),
            scanned("quiet", "meh", finding("content.profanity", Severity.LOW)),
        ],
        "c1",
        mailer,
    )
    with store.sessions() as s:
        marks = dict(s.execute(select(IncidentRow.post_id, IncidentRow.digest_sent_at)).all())
    assert marks["loud"] is not None  # mailed at once
    assert marks["quiet"] is None  # waits for the daily digest


def test_the_migration_marks_incidents_mailed_before_it(store_url: str, clock: Clock) -> None:
    from sitewatch.store.migrate import downgrade, upgrade

    store = Store.open(store_url, clock=clock)
    try:
        sync(store, site())
        mailer_ = IncidentMailer(Settings.model_validate({}))
        store.record_page(
            "band",
            [
                scanned("loud", "threat", finding("threat", Severity.HIGH)),
                scanned("quiet", "meh", finding("content.profanity", Severity.LOW)),
            ],
            "c1",
            mailer_,
        )
        with store.sessions.begin() as s:  # as the code before revision 0006 left them
            s.execute(update(IncidentRow).values(digest_sent_at=None))
        downgrade(store.engine, "0005")
        upgrade(store.engine)
        with store.sessions() as s:
            marks = dict(s.execute(select(IncidentRow.post_id, IncidentRow.digest_sent_at)).all())
        assert marks["loud"] is not None and marks["quiet"] is None
    finally:
        store.close()
