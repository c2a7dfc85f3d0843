"""A small fictional district for the review-page tests (and the screenshots script):
two sites with different sponsors, incidents with masked student details, a reply with
its parent held as evidence, a hostile post, and one account per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sitewatch.config import Settings, parse_settings
from sitewatch.models import Finding, Post, ScanResult, Severity
from sitewatch.notify.email import IncidentMailer
from sitewatch.sites import registry
from sitewatch.store.repository import ScannedPost, Store, content_digest
from sitewatch.web.passwords import hash_password

PASSWORD = "correct horse battery staple"
HOSTILE = (
    "Look <script>window.__pwned = 1; alert('xss')</script> and "
    "<img src=x onerror=\"alert('img')\"> or click javascript:alert('js') "
    "\u202eexe.tpircs\u202c then Maya Chen, ID 41234567, call 555-0143."
)
USERS = {
    "admin": ("administrator", "principal@lakeview.k12.us", "Pat Principal"),
    "tech": ("tech", "techdesk@lakeview.k12.us", "Tess Tech"),
    "band": ("sponsor", "band.sponsor@lakeview.k12.us", "Bo Band"),
    "viewer": ("viewer", "board@lakeview.k12.us", "Val Viewer"),
}


class Clock:
    """A settable clock for the store (idle timeouts, throttling windows)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def district_settings(tmp: Path, **web: Any) -> Settings:
    feed = tmp / "feed.jsonl"
    feed.touch()
    approval = {"by": "Designee", "on": "2026-01-01", "ref": "SUP-1", "review_by": "2027-06-30"}
    data: dict[str, Any] = {
        "state_dir": str(tmp / "state"),
        "notify": {"tech_staff": ["techdesk@lakeview.k12.us"]},
        "web": {"cookie_secure": False, **web},
        "sites": [
            {
                "name": "lhs-band",
                "platform": "demo",
                "target": str(feed),
                "sponsor": "band.sponsor@lakeview.k12.us",
                "backup_sponsor": "asst.director@lakeview.k12.us",
                "approval": approval,
            },
            {
                "name": "lhs-chess",
                "platform": "demo",
                "target": str(feed),
                "sponsor": "chess.sponsor@lakeview.k12.us",
                "approval": approval,
            },
        ],
    }
    return parse_settings(data, source="<test>", base_dir=tmp)


def _finding(category: str, start: int, end: int, severity: Severity, why: str) -> Finding:
    return Finding(category, start, end, 0.9, "test", why, severity=severity)


def _scanned(
    post_id: str,
    text: str,
    findings: list[Finding],
    masks: list[tuple[int, int, str]],
    *,
    author: str = "A. Parent",
    url: str | None = None,
    parent: str | None = None,
    when: datetime | None = None,
) -> ScannedPost:
    post = Post(
        id=post_id,
        text=text,
        author=author,
        url=url or f"https://lakeviewband.example.org/posts/{post_id}",
        parent_id=parent,
        created_at=when,
        kind="comment" if parent else "post",
    )
    return ScannedPost(post, content_digest(text), ScanResult(tuple(findings), tuple(masks)))


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


@dataclass
class Seeded:
    ids: dict[str, int] = field(default_factory=dict)


def seed(store: Store, settings: Settings, *, users: bool = True) -> Seeded:
    """Sites, incidents and accounts; returns the incident ids by name."""
    today = store.clock().date()
    store.sync_sites(registry(settings.site_models(), today))
    mailer = IncidentMailer(settings)
    out = Seeded()
    when = store.clock() - timedelta(hours=3)

    pii = "Congrats to Maya Chen (student 41234567) on making all-state band!"
    s1, e1 = _span(pii, "Maya Chen")
    s2, e2 = _span(pii, "41234567")
    parent = "Who is coming to the band car wash on Saturday? Jordan Ellis needs a ride."
    ps, pe = _span(parent, "Jordan Ellis")
    reply = "Jordan Ellis can't come, he has detention all week lol you idiot"
    rs, re_ = _span(reply, "Jordan Ellis")
    is_, ie = _span(reply, "idiot")
    hs, he = _span(HOSTILE, "41234567")
    ns, ne = _span(HOSTILE, "Maya Chen")
    formula = '=HYPERLINK("http://evil.example","click") call 555-0143 for Priya'
    fs, fe = _span(formula, "555-0143")
    band = [
        _scanned(
            "p1",
            pii,
            [
                _finding("pii.student_name", s1, e1, Severity.MEDIUM, "roster student named"),
                _finding("pii.student_id", s2, e2, Severity.HIGH, "district student number"),
            ],
            [(s1, e1, "student name"), (s2, e2, "student id")],
            author="Band Boosters",
            when=when,
        ),
        _scanned(
            "p2",
            parent,
            [_finding("pii.student_name", ps, pe, Severity.MEDIUM, "opted-out student named")],
            [(ps, pe, "student name")],
            when=when,
        ),
        _scanned(
            "c3",
            reply,
            [
                _finding(
                    "pii.education_record", rs, re_, Severity.HIGH, "student tied to discipline"
                ),
                _finding("content.insult", is_, ie, Severity.MEDIUM, "insult aimed at a person"),
            ],
            [(rs, re_, "student name")],
            author="\u202eolleh <b>kid</b>",
            parent="p2",
            when=when,
        ),
        _scanned(
            "h4",
            HOSTILE,
            [
                _finding("pii.student_id", hs, he, Severity.HIGH, "district student number"),
                _finding("pii.student_name", ns, ne, Severity.MEDIUM, "roster student named"),
            ],
            [(hs, he, "student id"), (ns, ne, "student name")],
            author="<script>alert('author')</script>\u202e",
            url="javascript:alert('url')",
            when=when,
        ),
        _scanned(
            "f5",
            formula,
            [_finding("pii.phone", fs, fe, Severity.MEDIUM, "a student's phone number")],
            [(fs, fe, "phone")],
            author="=cmd|' /C calc'!A0",
            when=when,
        ),
    ]
    outcome = store.record_page("lhs-band", band, "c-1", mailer)
    for name, incident_id in zip(
        ("pii", "parent", "reply", "hostile", "formula"), outcome.incidents_opened, strict=True
    ):
        out.ids[name] = incident_id
    chess_text = "I will bring a gun to the chess tournament"
    cs, ce = _span(chess_text, "bring a gun")
    chess = [
        _scanned(
            "k1",
            chess_text,
            [_finding("content.threat", cs, ce, Severity.CRITICAL, "threat of violence")],
            [],
            author="anon",
            url="https://chess.example.org/k1",
            when=when,
        )
    ]
    out.ids["chess"] = store.record_page("lhs-chess", chess, "c-1", mailer).incidents_opened[0]
    if users:
        encoded = hash_password(PASSWORD)
        for name, (role, email, display) in USERS.items():
            store.add_user(
                name,
                role,
                password_hash=encoded,
                email=email,
                display_name=display,
                actor="setup",
                source="test",
            )
    return out


def start(now: datetime | None = None) -> Clock:
    return Clock(now or datetime(2026, 10, 1, 12, 0, tzinfo=UTC))
