"""Incident e-mail: headers, routing, redaction, escaping."""

from __future__ import annotations

import email
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default

from sitewatch.config import Settings
from sitewatch.models import Severity
from sitewatch.notify.email import IncidentMailer, IncidentSnapshot


def snap(**kw: object) -> IncidentSnapshot:
    base: dict[str, object] = dict(
        id=7,
        site="lhs-band",
        sponsor="band@lakeview.k12.us",
        severity=Severity.HIGH,
        categories=("pii.education_record",),
        clauses=("5b",),
        explanations=("roster student M. C. + 'suspended' (discipline context)",),
        excerpt="[student name] was suspended <script>alert(1)</script>",
        post_url="https://lakeviewband.example.org/posts/7",
        created_at=datetime(2026, 11, 2, 15, 0, tzinfo=UTC),
    )
    base.update(kw)
    return IncidentSnapshot(**base)  # type: ignore[arg-type]


def parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=default)
    assert isinstance(msg, EmailMessage)
    return msg


def test_message_headers_and_parts(make_settings: Callable[..., Settings]) -> None:
    mailer = IncidentMailer(
        make_settings(
            notify={"from_addr": "sitewatch@lakeview.k12.us", "review_url": "https://sw.example/"}
        )
    )
    out = mailer.compose(snap(), "new", 1)
    msg = parse(out.message)
    assert msg["Message-ID"] == "<incident-7.new.1@lakeview.k12.us>"
    assert msg["Subject"] == ("[sitewatch] HIGH new incident #7 on lhs-band: pii.education_record")
    assert msg["To"] == "band@lakeview.k12.us"
    assert msg["Auto-Submitted"] == "auto-generated"
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text is not None and html is not None
    body = text.get_content()
    assert "IIBGC 5b: confidentiality" in body
    assert "https://lakeviewband.example.org/posts/7" in body
    assert "https://sw.example/incidents/7" in body
    markup = html.get_content()
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert 'rel="noopener noreferrer"' in markup


def test_routing(make_settings: Callable[..., Settings]) -> None:
    mailer = IncidentMailer(make_settings(notify={"tech_staff": ["tech@lakeview.k12.us"]}))
    assert mailer.recipients(snap()) == ("band@lakeview.k12.us",)
    assert mailer.recipients(snap(severity=Severity.CRITICAL)) == (
        "band@lakeview.k12.us",
        "tech@lakeview.k12.us",
    )
    assert mailer.recipients(snap(categories=("monitoring.gap",))) == ("tech@lakeview.k12.us",)


def test_unsafe_post_links_are_dropped(make_settings: Callable[..., Settings]) -> None:
    out = IncidentMailer(make_settings()).compose(snap(post_url="javascript:alert(1)"), "new", 1)
    assert b"javascript:" not in out.message
