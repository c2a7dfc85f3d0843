"""Board policy enforcement over time: approvals, reminders, grace, access, consent, audit."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest

from sitewatch.bootstrap import build_pipeline, load_district_roster
from sitewatch.config import Settings
from sitewatch.consent import ConsentRecord
from sitewatch.daemon import Daemon
from sitewatch.logs import sensitive
from sitewatch.models import AccessReport, Member, Page, Post, Site
from sitewatch.store.repository import Store

REVIEW = date(2027, 1, 31)


class Day:
    """The injected calendar: the daemon's today and the store's clock move together."""

    def __init__(self, today: date) -> None:
        self.today = today

    def now(self) -> datetime:
        return datetime.combine(self.today, time(12), UTC)


class FakeConnector:
    """Records fetches; members and access are knobs."""

    platform: ClassVar[str] = "demo"

    def __init__(self) -> None:
        self.fetched: list[str] = []
        self.posts: list[Post] = []
        self.member_list: list[Member] = []
        self.access_ok = True

    def fetch(self, site: Site, cursor: str | None) -> Page:
        self.fetched.append(site.name)
        start = int(cursor or 0)
        return Page(tuple(self.posts[start:]), str(len(self.posts)))

    def check_access(self, site: Site) -> AccessReport:
        return AccessReport(self.access_ok, "readable" if self.access_ok else "HTTP 403")

    def members(self, site: Site) -> list[Member]:
        return list(self.member_list)


@pytest.fixture
def world(
    make_settings: Callable[..., Settings], roster_file: Path, tmp_path: Path
) -> Iterator[Any]:
    connector = FakeConnector()
    day = Day(date(2026, 11, 2))
    consent = tmp_path / "consent.csv"
    consent.write_text(
        "sourcedId,site,handles,granted,form_location,revoked\n"
        "s1,band,@maya_c,2026-08-20,band office,\n"
        "s3,band,priya_n,2026-08-20,band office,2026-10-01\n"
    )
    stores: list[Store] = []

    def settings(review_by: date = REVIEW, **extra: Any) -> Settings:
        site = {
            "name": "band",
            "platform": "demo",
            "target": "/unused.jsonl",
            "sponsor": "sponsor@lakeview.k12.us",
            "approval": {
                "by": "Designee",
                "on": "2026-01-01",
                "ref": "SUP-1",
                "review_by": review_by.isoformat(),
            },
        }
        return make_settings(
            sites=[
                site,
                {
                    "name": "chess",
                    "platform": "demo",
                    "target": "/x.jsonl",
                    "sponsor": "chess@lakeview.k12.us",
                },
            ],
            roster={"path": str(roster_file)},
            consent={"path": str(consent)},
            notify={"administrators": ["principal@lakeview.k12.us"]},
            detection={"detectors": ["phone", "roster", "rules"]},
            **extra,
        )

    def daemon(s: Settings | None = None) -> Daemon:
        s = s or settings()
        store = Store.open(s.store_url, clock=day.now)
        stores.append(store)
        roster = load_district_roster(s)
        return Daemon(
            s,
            store,
            build_pipeline(s, roster),
            roster=roster,
            connector_factory=lambda p: connector,
            today=lambda: day.today,
        )

    class World:
        pass

    w = World()
    w.connector, w.day, w.settings, w.daemon, w.consent = (  # type: ignore[attr-defined]
        connector,
        day,
        settings,
        daemon,
        consent,
    )
    yield w
    for store in stores:
        store.close()
    sensitive.clear()


def notices(store: Store) -> list[str]:
    from sqlalchemy import select

    from sitewatch.store.models import OutboxRow

    with store.sessions() as s:
        return list(s.scalars(select(OutboxRow.message_id).where(OutboxRow.kind == "notice")))


def recipients_of(store: Store, incident_id: int) -> list[str]:
    from sqlalchemy import select

    from sitewatch.store.models import OutboxRow

    with store.sessions() as s:
        (row,) = s.scalars(select(OutboxRow).where(OutboxRow.incident_id == incident_id))
        return list(row.recipients)


def incidents(store: Store, category: str, site: str = "band") -> list[Any]:
    return [i for i in store.list_incidents(site=site) if category in i.categories]


def test_unapproved_site_is_never_fetched_and_filed_once(world: Any) -> None:
    daemon = world.daemon()
    daemon.run_once()
    daemon.run_once()
    assert "chess" not in world.connector.fetched
    assert world.connector.fetched == ["band", "band"]
    (filed,) = incidents(daemon.store, "policy.site_unapproved", site="chess")
    assert filed.clauses == ("1",)
    mail = [m for m in daemon.store.outbox_for(filed.id)]
    assert len(mail) == 1


def test_reminders_once_per_threshold_then_expiry_grace_and_stop(world: Any) -> None:
    daemon = world.daemon()
    store = daemon.store
    timeline = [
        (-40, 0),
        (-30, 1),
        (-30, 1),
        (-10, 1),
        (-7, 2),
        (-5, 2),
        (0, 3),
        (0, 3),
    ]
    for offset, expected in timeline:
        world.day.today = REVIEW + timedelta(days=offset)
        daemon.run_once()
        assert len(notices(store)) == expected, f"day {offset}"
    assert len(set(notices(store))) == 3  # distinct Message-IDs: 30, 7 and 0 days
    assert incidents(store, "policy.approval_expired") == []

    world.day.today = REVIEW + timedelta(days=1)
    report = daemon.run_once()
    assert "band" in report.sites_polled  # grace period: still monitored
    (expired,) = incidents(store, "policy.approval_expired")
    recipients = recipients_of(store, expired.id)
    assert "principal@lakeview.k12.us" in recipients and "sponsor@lakeview.k12.us" in recipients

    world.day.today = REVIEW + timedelta(days=14)
    assert "band" in daemon.run_once().sites_polled
    world.day.today = REVIEW + timedelta(days=15)
    fetched = len(world.connector.fetched)
    report = daemon.run_once()
    assert report.sites_polled == [] and len(world.connector.fetched) == fetched
    assert "grace ended" in report.sites_skipped["band"]
    assert len(incidents(store, "policy.approval_expired")) == 1  # once, not every pass

    renewed = world.daemon(world.settings(review_by=REVIEW + timedelta(days=365)))
    report = renewed.run_once()
    assert report.sites_polled == ["band"]
    statuses = {i.id: i.status for i in renewed.store.list_incidents(site="band")}
    assert statuses[expired.id] == "resolved"


def test_a_late_start_sends_one_reminder_not_every_threshold(world: Any) -> None:
    world.day.today = REVIEW - timedelta(days=5)
    daemon = world.daemon()
    daemon.run_once()
    assert len(notices(daemon.store)) == 1
    assert "reminder-2027-01-31-7" in notices(daemon.store)[0]
    world.day.today = REVIEW - timedelta(days=4)
    daemon.run_once()
    assert len(notices(daemon.store)) == 1


def test_unconsented_follower_and_revoked_consent_are_caught(world: Any) -> None:
    world.connector.member_list = [
        Member("@maya_c"),  # s1: consent in force
        Member("priya_n"),  # s3: consent revoked
        Member("jelly99", display_name="Jordan Ellis"),  # s2: by name, no consent
        Member("band_fan"),  # not a student
    ]
    daemon = world.daemon()
    daemon.run_once()
    filed = incidents(daemon.store, "policy.unconsented_member")
    assert len(filed) == 2
    assert all(i.clauses == ("4",) for i in filed)
    assert all("Priya" not in i.summary and "Jordan" not in i.summary for i in filed)
    daemon.run_once()  # members are checked daily: nothing new
    assert len(incidents(daemon.store, "policy.unconsented_member")) == 2

    # consent arrives for Jordan; the next member check resolves that incident only
    daemon.store.put_consents(
        [ConsentRecord("s2", "band", ("jelly99",), date(2026, 11, 2))],
        source="cli",
        actor="principal",
    )
    world.day.today += timedelta(days=1)
    daemon.run_once()
    open_ = [i for i in incidents(daemon.store, "policy.unconsented_member") if i.status == "open"]
    assert len(open_) == 1
    members = {m.handle: m for m in daemon.store.members("band")}
    assert members["jelly99"].consented and not members["priya_n"].consented


def test_post_by_a_student_handle_without_consent(world: Any) -> None:
    world.connector.posts = [
        Post("p1", "see you at practice", author="priya_n"),  # revoked
        Post("p2", "see you at practice", author="maya_c"),  # in force
    ]
    daemon = world.daemon()
    daemon.run_once()
    (incident,) = [i for i in daemon.store.list_incidents(site="band") if i.post_id]
    assert incident.post_id == "p1"
    assert incident.categories == ("policy.unconsented_member",)


def test_lost_access_files_one_gap_and_recovers(world: Any) -> None:
    daemon = world.daemon()
    world.connector.access_ok = False
    daemon.run_once()
    world.day.today += timedelta(days=1)
    daemon.run_once()
    (gap,) = incidents(daemon.store, "monitoring.gap")
    assert "IIBGC 3" in gap.summary
    world.connector.access_ok = True
    world.day.today += timedelta(days=1)
    daemon.run_once()
    assert incidents(daemon.store, "monitoring.gap")[0].status == "resolved"


def test_every_mutation_and_evidence_view_is_audited(world: Any) -> None:
    world.connector.posts = [Post("p1", "call me at (217) 555-0199", author="fan")]
    daemon = world.daemon()
    daemon.run_once()
    store = daemon.store
    (incident,) = [i for i in store.list_incidents(site="band") if i.post_id]
    text, spans = store.view_evidence(incident.id, actor="techlead", source="cli@host") or (
        None,
        [],
    )
    assert text == "call me at (217) 555-0199" and spans
    store.revoke_consent("s1", "band", date(2026, 11, 3), actor="principal")
    actions = [(e.actor, e.action) for e in store.audit_log()]
    for expected in [
        ("config", "site.added"),
        ("config", "consent.added"),
        ("policy", "incident.opened"),
        ("daemon", "incident.opened"),
        ("techlead", "incident.evidence_viewed"),
        ("principal", "consent.revoked"),
    ]:
        assert expected in actions, expected
    viewed = store.audit_log(action="incident.evidence_viewed")
    assert viewed[0].source == "cli@host" and viewed[0].target_id == str(incident.id)
    # a changed site record is history, not an overwrite
    changed = world.daemon(world.settings(review_by=REVIEW + timedelta(days=30)))
    changed.run_once()
    history = changed.store.site_history("band")
    assert len(history) == 2 and "review_by" in history[1].changed
    assert history[0].record["review_by"] == REVIEW.isoformat()
    json.dumps([e.to_json() for e in store.audit_log()])  # serializable for `audit list`
