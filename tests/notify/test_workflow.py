"""Incident workflow and notifications end to end against a real SMTP server (aiosmtpd):
content and headers, redaction, digests, escalation timing, outage and recovery, crash
between send and mark-sent, one-click acknowledgement tokens, quiet hours, auto actions."""

from __future__ import annotations

import email
import re
import shutil
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from sitewatch.bootstrap import build_pipeline, load_district_roster
from sitewatch.config import Settings, load_settings
from sitewatch.daemon import Daemon
from sitewatch.logs import sensitive
from sitewatch.models import AccessReport, ActionResult, Page, Post, Site
from sitewatch.roster import load_roster
from sitewatch.store.repository import Store
from sitewatch.store.workflow import WorkflowError

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "config" / "demo"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        msg = email.message_from_bytes(envelope.content)
        msg["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(msg)
        return "250 OK"

    def ids(self) -> Counter[str]:
        return Counter(str(m["Message-ID"]) for m in self.messages)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Smtp:
    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def env(demo_copy: Path, smtp: Smtp) -> Iterator[Any]:
    """The demo district, mailing through the local SMTP server, with an injected clock."""
    state = demo_copy.parent / "var" / "demo"
    state.mkdir(parents=True)
    shutil.copy(DEMO / "feed.jsonl", state / "feed.jsonl")
    config = demo_copy / "demo.toml"
    config.write_text(
        config.read_text().replace(
            "[logging]",
            f'[notify.smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\ntimeout = 5\n'
            'from_addr = "sitewatch@lakeview.k12.us"\n\n[logging]',
        )
    )
    clock = Clock()
    stores: list[Store] = []

    def daemon(settings: Settings | None = None, **kw: Any) -> Daemon:
        settings = settings or load_settings(config)
        store = Store.open(settings.store_url, clock=clock)
        stores.append(store)
        roster = load_district_roster(settings)
        return Daemon(
            settings,
            store,
            build_pipeline(settings, roster),
            roster=roster,
            today=lambda: clock().date(),
            **kw,
        )

    class Env:
        pass

    e = Env()
    e.config, e.clock, e.daemon, e.smtp = config, clock, daemon, smtp  # type: ignore[attr-defined]
    yield e
    for store in stores:
        store.close()
    sensitive.clear()


def text_of(msg: Message) -> str:
    parts = [msg] if not msg.is_multipart() else list(msg.walk())
    out = []
    for part in parts:
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            out.append(payload.decode("utf-8", "replace"))
    return "\n".join(out)


def test_messages_content_headers_and_redaction(env: Any) -> None:
    daemon = env.daemon()
    report = daemon.run_once()
    inbox = env.smtp.inbox
    assert len(inbox.messages) == len(report.messages_delivered) > 5
    assert all(n == 1 for n in inbox.ids().values())
    ssn = next(m for m in inbox.messages if "pii.ssn" in str(m["Subject"]))
    assert re.fullmatch(
        r"\[sitewatch\] CRITICAL new incident #\d+ on lhs-band-site: pii\.ssn", str(ssn["Subject"])
    )
    assert str(ssn["From"]) == "sitewatch@lakeview.k12.us"
    assert "techdesk@lakeview.k12.us" in str(ssn["X-Envelope-To"])  # critical: tech at once
    assert ssn.get_content_type() == "multipart/alternative"
    body = text_of(ssn)
    assert "IIBGC 5b" in body and "[SSN]" in body and "212-55-4321" not in body
    assert "https://lakeviewband.example.org/posts/107#comment-210" in body
    assert re.search(r"http://127\.0\.0\.1:8080/ack/[\w-]{40,}", body)
    roster = load_roster(DEMO / "users.csv")
    leaks = [
        v
        for p in roster.students
        for v in (p.full_name, p.identifier, p.email, p.phone, p.sms)
        if v
    ]
    for msg in inbox.messages:
        raw = msg.as_string() + text_of(msg)
        for value in leaks:
            assert value not in raw, "a roster value reached an e-mail"


def test_outage_then_recovery_delivers_every_message_exactly_once(env: Any) -> None:
    env.smtp.stop()
    daemon = env.daemon()
    first = daemon.run_once()
    assert first.messages_delivered == [] and first.messages_failed >= 1
    pending = daemon.store.outbox_counts()["pending"]
    for _ in range(6):  # an hour of retries against a dead server
        env.clock.advance(minutes=10)
        daemon.run_once()
    assert daemon.store.outbox_counts().get("sent", 0) == 0
    env.smtp.start()
    for _ in range(3):
        env.clock.advance(hours=1)
        daemon.run_once()
    ids = env.smtp.inbox.ids()
    assert daemon.store.outbox_counts() == {"sent": pending}
    assert len(ids) == pending and set(ids.values()) == {1}


def test_crash_between_send_and_mark_sent_duplicates_at_most_once(
    env: Any, monkeypatch: Any
) -> None:
    daemon = env.daemon()
    real = daemon.store.mark_sent
    crashed: list[int] = []

    def crash_once(outbox_id: int, where: str) -> None:
        if not crashed:
            crashed.append(outbox_id)
            raise RuntimeError("killed between send and mark-sent")
        real(outbox_id, where)

    monkeypatch.setattr(daemon.store, "mark_sent", crash_once)
    with pytest.raises(RuntimeError):
        daemon.run_once()
    monkeypatch.setattr(daemon.store, "mark_sent", real)
    restarted = env.daemon()  # a new process drains what is left
    restarted.run_once()
    counts = env.smtp.inbox.ids()
    duplicated = [mid for mid, n in counts.items() if n > 1]
    assert len(duplicated) == 1 and counts[duplicated[0]] == 2
    assert restarted.store.outbox_counts().get("pending", 0) == 0


def _first_mail_for(inbox: Inbox, incident_id: int) -> Message:
    return next(m for m in inbox.messages if str(m["X-Sitewatch-Incident"]) == str(incident_id))


def test_escalation_climbs_each_window_until_acknowledged(env: Any) -> None:
    daemon = env.daemon()
    daemon.run_once()
    store = daemon.store
    inc = next(i for i in store.list_incidents(site="lhs-band-site") if "pii.email" in i.categories)
    assert "band.sponsor@lakeview.k12.us" in str(
        _first_mail_for(env.smtp.inbox, inc.id)["X-Envelope-To"]
    )

    def escalations() -> list[Message]:
        return [
            m
            for m in env.smtp.inbox.messages
            if str(m["X-Sitewatch-Incident"]) == str(inc.id)
            and ".escalation." in str(m["Message-ID"])
        ]

    env.clock.advance(hours=23, minutes=59)
    daemon.run_once()
    assert escalations() == []
    env.clock.advance(minutes=2)  # 24 h: the sponsor's window has passed
    daemon.run_once()
    (rung1,) = escalations()
    assert "principal@lakeview.k12.us" in str(rung1["X-Envelope-To"])
    assert "UNACKNOWLEDGED" in str(rung1["Subject"])
    env.clock.advance(hours=24, minutes=1)
    daemon.run_once()
    assert "techdesk@lakeview.k12.us" in str(escalations()[-1]["X-Envelope-To"])
    assert len(escalations()) == 2
    env.clock.advance(days=5)
    daemon.run_once()
    assert len(escalations()) == 2  # the top of the ladder: no more mail

    escalated = store.audit_log(action="incident.escalated", target_id=str(inc.id))
    assert [e.details["step"] for e in escalated] == [1, 2]


def test_acknowledging_stops_escalation(env: Any) -> None:
    daemon = env.daemon()
    daemon.run_once()
    store = daemon.store
    inc = next(i for i in store.list_incidents(site="lhs-band-site") if "pii.email" in i.categories)
    store.transition(inc.id, "ack", actor="band.sponsor", source="test")
    env.clock.advance(days=3)
    daemon.run_once()
    assert not [
        m
        for m in env.smtp.inbox.messages
        if str(m["X-Sitewatch-Incident"]) == str(inc.id) and ".escalation." in str(m["Message-ID"])
    ]


def test_ack_tokens_single_use_and_expiring(env: Any) -> None:
    from starlette.testclient import TestClient

    from sitewatch.web.app import create_app

    daemon = env.daemon()
    daemon.run_once()
    store = daemon.store
    incidents = [i for i in store.list_incidents(site="lhs-band-site") if i.severity != "low"]
    links = {}
    for inc in incidents[:2]:
        body = text_of(_first_mail_for(env.smtp.inbox, inc.id))
        links[inc.id] = re.search(r"http://127\.0\.0\.1:8080(/ack/[\w-]+)", body).group(1)  # type: ignore[union-attr]
    client = TestClient(create_app(store))
    (first, second) = links
    page = client.get(links[first])
    assert page.status_code == 200 and "<form method='post'" in page.text
    assert "script-src" not in page.headers["content-security-policy"]
    assert store.get_incident(first).status == "open"  # type: ignore[union-attr]  # GET changes nothing
    ok = client.post(links[first])
    assert ok.status_code == 200 and f"Incident #{first} is acknowledged" in ok.text
    assert store.get_incident(first).status == "acknowledged"  # type: ignore[union-attr]
    reused = client.post(links[first])
    assert reused.status_code == 410 and "already used" in reused.text
    env.clock.advance(hours=73)
    expired = client.post(links[second])
    assert expired.status_code == 410 and "expired" in expired.text
    assert store.get_incident(second).status == "open"  # type: ignore[union-attr]
    forged = client.post("/ack/not-a-real-token")
    assert forged.status_code == 410 and "not valid" in forged.text
    acks = store.audit_log(action="incident.ack")
    assert [(e.target_id, e.details["via"]) for e in acks] == [(str(first), "link")]


def test_lifecycle_transitions_and_audit(env: Any) -> None:
    daemon = env.daemon()
    daemon.run_once()
    store = daemon.store
    inc = store.list_incidents(site="lhs-band-site")[-1]
    with pytest.raises(WorkflowError, match="needs a reason"):
        store.transition(inc.id, "false_positive", actor="t", source="cli")
    assert store.transition(inc.id, "ack", actor="t", source="cli") == "acknowledged"
    with pytest.raises(WorkflowError, match="is acknowledged; cannot ack"):
        store.transition(inc.id, "ack", actor="t", source="cli")
    assert (
        store.transition(
            inc.id, "false_positive", actor="t", source="cli", reason="song lyrics, not a threat"
        )
        == "false_positive"
    )
    assert store.transition(inc.id, "reopen", actor="t", source="cli") == "open"
    store.add_note(inc.id, "called the family", actor="t", source="cli")
    assert store.assign(inc.id, "backup", actor="t", source="cli") == (
        "asst.director@lakeview.k12.us"
    )
    assert store.assign(inc.id, None, actor="t", source="cli") == ("band.sponsor@lakeview.k12.us")
    assert store.transition(inc.id, "resolve", actor="t", source="cli") == "resolved"
    actions = [e.action for e in store.audit_log(target_type="incident", target_id=str(inc.id))]
    assert actions[-7:] == [
        "incident.ack",
        "incident.false_positive",
        "incident.reopen",
        "incident.note",
        "incident.assign",
        "incident.assign",
        "incident.resolve",
    ]
    assert [n.text for n in store.notes(inc.id)] == ["called the family"]


def test_low_findings_go_in_one_daily_digest_per_sponsor(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    from datetime import date

    from sitewatch.models import Approval, Finding, ScanResult, Severity
    from sitewatch.notify.email import IncidentMailer
    from sitewatch.sites import registry
    from sitewatch.store.repository import ScannedPost, content_digest

    clock = Clock()
    clock.now = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)  # before the 07:00 digest
    settings = make_settings(notify={"digest_hour": 7})
    mailer = IncidentMailer(settings)
    store = Store.open(f"sqlite:///{tmp_path / 's.db'}", clock=clock)
    approval = Approval("D", date(2026, 1, 1), "R", date(2099, 1, 1))
    sites = [
        Site("band", "demo", "/f", "band@lakeview.k12.us", approval),
        Site("chess", "demo", "/f", "chess@lakeview.k12.us", approval),
        Site("drama", "demo", "/f", "band@lakeview.k12.us", approval),
    ]
    store.sync_sites(registry(sites, date(2026, 11, 2)))

    def low(site: str, post: str) -> None:
        finding = Finding(
            "content.profanity", 0, 4, 0.9, "toxicity", "profanity 0.90", Severity.LOW
        )
        store.record_page(
            site,
            [ScannedPost(Post(post, "darn"), content_digest(post), ScanResult((finding,)))],
            post,
            mailer,
        )

    low("band", "b1")
    low("drama", "d1")
    low("chess", "c1")
    assert store.due_outbox() == []  # low: nothing mailed at once
    assert store.digest_due(mailer) == []  # not 07:00 yet
    clock.now = datetime(2026, 11, 2, 7, 5, tzinfo=UTC)
    queued = store.digest_due(mailer)
    assert len(queued) == 2  # one per sponsor, band and drama share one
    mails = {tuple(m.recipients): m.message for m in store.due_outbox()}
    band = email.message_from_bytes(mails[("band@lakeview.k12.us",)])
    body = text_of(band)
    assert "band: content.profanity" in body and "drama: content.profanity" in body
    assert "chess" not in body
    assert store.digest_due(mailer) == []  # once a day
    low("band", "b2")
    clock.advance(hours=3)
    assert store.digest_due(mailer) == []
    clock.advance(days=1)
    (tomorrow,) = store.digest_due(mailer)
    assert tomorrow.startswith("<digest-") and "2026-11-03" in tomorrow
    store.close()


def test_quiet_hours_hold_non_critical_mail(make_settings: Callable[..., Settings]) -> None:
    from sitewatch.notify.routing import Router

    settings = make_settings(notify={"timezone": "America/Chicago", "quiet_hours": "21:00-07:00"})
    router = Router(settings)
    late = datetime(2026, 11, 3, 4, 30, tzinfo=UTC)  # 22:30 in Chicago
    from sitewatch.models import Severity

    held = router.deliver_at("any", Severity.MEDIUM, late)
    assert held == datetime(2026, 11, 3, 13, 0, tzinfo=UTC)  # 07:00 Chicago
    assert router.deliver_at("any", Severity.CRITICAL, late) == late
    noon = datetime(2026, 11, 3, 18, 0, tzinfo=UTC)
    assert router.deliver_at("any", Severity.MEDIUM, noon) == noon


class Actor:
    platform: ClassVar[str] = "demo"

    def __init__(self) -> None:
        self.acted: list[tuple[str, str]] = []

    def fetch(self, site: Site, cursor: str | None) -> Page:
        posts = (Post("a", "my SSN is 212-55-4321"), Post("b", "you are an idiot"))
        return Page(posts if cursor is None else (), "done")

    def check_access(self, site: Site) -> AccessReport:
        return AccessReport(True, "ok")

    def act(self, site: Site, post: Post, action: Any) -> ActionResult:
        self.acted.append((post.id, str(action.kind)))
        return ActionResult(True, "hidden")


def test_automatic_actions_only_for_opted_in_pii_and_threats(env: Any) -> None:
    text = env.config.read_text().replace(
        'options = { members = "demo/members.jsonl" }',
        'options = { members = "demo/members.jsonl" }\nactions = { categories = ["pii.*"] }',
    )
    env.config.write_text(text)
    actor = Actor()
    daemon = env.daemon(connector_factory=lambda p: actor)
    daemon.run_once()
    assert actor.acted == [("a", "hide")]
    ssn = next(i for i in daemon.store.list_incidents(site="lhs-band-site") if i.post_id == "a")
    flow = daemon.store.incident_workflow(ssn.id)
    assert flow["actions_taken"][0]["ok"] is True
    assert daemon.store.audit_log(action="incident.platform_hide")
    bad = env.config.read_text().replace(
        'categories = ["pii.*"]', 'categories = ["content.insult"]'
    )
    env.config.write_text(bad)
    from sitewatch.exceptions import ConfigError

    with pytest.raises(ConfigError, match="never removes opinion or criticism"):
        load_settings(env.config)
