"""Composing incident e-mail (RFC 5322) from an incident snapshot.

What leaves sitewatch is the least a sponsor needs to act: site, categories, severity, the
policy clause, explanations (which never hold raw PII), a redacted excerpt and links.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from sitewatch.config import Settings
from sitewatch.models import Severity
from sitewatch.notify.routing import Router

CLAUSE_TEXT = {
    "1": "IIBGC 1: prior approval by the superintendent or designee",
    "3": "IIBGC 3: administrator and technology staff access to the site",
    "4": "IIBGC 4: written parental consent before students join",
    "5a": "IIBGC 5a: monitoring the site for safe and acceptable use",
    "5b": "IIBGC 5b: confidentiality of personally identifiable student information",
}


@dataclass(frozen=True)
class IncidentSnapshot:
    """What a notification may say about an incident; built by the store."""

    id: int
    site: str
    sponsor: str
    severity: Severity
    categories: tuple[str, ...]
    clauses: tuple[str, ...]
    explanations: tuple[str, ...]
    excerpt: str
    post_url: str | None
    created_at: datetime
    backup_sponsor: str | None = None


@dataclass(frozen=True)
class OutgoingMessage:
    kind: str
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    message: bytes


def _safe_url(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("https://", "http://")) else None


class IncidentMailer:
    """Routes and renders incident notifications (issue routing: medium+ to the sponsor,
    critical also to tech staff at once)."""

    def __init__(self, settings: Settings) -> None:
        smtp = settings.notify.smtp
        self.from_addr = smtp.from_addr if smtp else settings.notify.from_addr
        self.router = Router(settings)
        self.tech_staff = self.router.tech_staff
        self.administrators = self.router.administrators
        self.review_url = (settings.notify.review_url or "").rstrip("/") or None
        self.ack_link_hours = settings.notify.ack_link_hours
        self.domain = self.from_addr.rpartition("@")[2] or "sitewatch.localhost"

    def recipients(self, snap: IncidentSnapshot) -> tuple[str, ...]:
        """The first rung (sponsor and backup by default); tech staff for gaps and at
        critical; administrators for policy matters (approval, consent)."""
        return self.router.first_recipients(
            snap.site, snap.categories, snap.severity, snap.sponsor, snap.backup_sponsor
        )

    def compose_digest(
        self, sponsor: str, day: str, items: list[IncidentSnapshot], when: datetime
    ) -> OutgoingMessage:
        """One daily message per sponsor listing the low-severity incidents of their sites."""
        key = hashlib.sha256(sponsor.lower().encode()).hexdigest()[:12]
        message_id = f"<digest-{key}-{day}@{self.domain}>"
        lines = [
            f"sitewatch daily digest for {day}: {len(items)} low-severity finding(s) on "
            "your site(s). Nothing here needed immediate action; please review.",
            "",
        ]
        for snap in items:
            lines.append(f"#{snap.id} {snap.site}: {', '.join(snap.categories)}")
            lines += [f"    - {e}" for e in snap.explanations]
            link = self._incident_link(snap)
            if link:
                lines.append(f"    {link}")
        msg = EmailMessage()
        msg["Subject"] = f"[sitewatch] Daily digest {day}: {len(items)} low-severity finding(s)"
        msg["From"] = self.from_addr
        msg["To"] = sponsor
        msg["Date"] = format_datetime(when)
        msg["Message-ID"] = message_id
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content("\n".join(lines) + "\n")
        items_html = "".join(
            f"<li>#{snap.id} {html.escape(snap.site)}: {html.escape(', '.join(snap.categories))}"
            f"<ul>{''.join(f'<li>{html.escape(e)}</li>' for e in snap.explanations)}</ul></li>"
            for snap in items
        )
        msg.add_alternative(
            f"<!doctype html><html><body><p>{html.escape(lines[0])}</p><ul>{items_html}</ul>"
            "</body></html>",
            subtype="html",
        )
        return OutgoingMessage(
            "digest", (sponsor,), msg["Subject"], message_id, msg.as_bytes(policy=SMTP)
        )

    def compose_notice(
        self,
        site: str,
        key: str,
        recipients: tuple[str, ...],
        subject: str,
        lines: tuple[str, ...],
        when: datetime,
    ) -> OutgoingMessage:
        """A policy notice that is not an incident (an approval-review reminder)."""
        safe_key = "".join(c if c.isalnum() or c in "-." else "-" for c in key)
        message_id = f"<notice-{site}.{safe_key}@{self.domain}>"
        msg = EmailMessage()
        msg["Subject"] = f"[sitewatch] {subject}"
        msg["From"] = self.from_addr
        msg["To"] = ", ".join(recipients)
        msg["Date"] = format_datetime(when)
        msg["Message-ID"] = message_id
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content("\n".join(lines) + "\n")
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
        msg.add_alternative(f"<!doctype html><html><body>{body}</body></html>", subtype="html")
        return OutgoingMessage(
            "notice", recipients, msg["Subject"], message_id, msg.as_bytes(policy=SMTP)
        )

    def message_id(self, incident_id: int, kind: str, seq: int) -> str:
        return f"<incident-{incident_id}.{kind}.{seq}@{self.domain}>"

    def compose(
        self,
        snap: IncidentSnapshot,
        kind: str,
        seq: int,
        *,
        recipients: tuple[str, ...] | None = None,
        ack_url: str | None = None,
    ) -> OutgoingMessage:
        recipients = recipients or self.recipients(snap)
        cats = ", ".join(snap.categories)
        verb = {"update": "updated", "escalation": "UNACKNOWLEDGED"}.get(kind, "new")
        subject = (
            f"[sitewatch] {snap.severity.label.upper()} {verb} incident #{snap.id} on "
            f"{snap.site}: {cats}"
        )
        message_id = self.message_id(snap.id, kind, seq)
        msg = EmailMessage()
        msg["Subject"] = subject
        msg["From"] = self.from_addr
        msg["To"] = ", ".join(recipients)
        msg["Date"] = format_datetime(snap.created_at)
        msg["Message-ID"] = message_id
        msg["X-Sitewatch-Incident"] = str(snap.id)
        msg["X-Sitewatch-Severity"] = snap.severity.label
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(self._text(snap, kind, ack_url))
        msg.add_alternative(self._html(snap, ack_url), subtype="html")
        return OutgoingMessage(
            kind=kind,
            recipients=recipients,
            subject=subject,
            message_id=message_id,
            message=msg.as_bytes(policy=SMTP),
        )

    def _incident_link(self, snap: IncidentSnapshot) -> str | None:
        return f"{self.review_url}/incidents/{snap.id}" if self.review_url else None

    def _text(self, snap: IncidentSnapshot, kind: str = "new", ack_url: str | None = None) -> str:
        opening = (
            f"Incident #{snap.id} on the site {snap.site} has not been acknowledged; it is "
            "escalated to you."
            if kind == "escalation"
            else f"sitewatch filed incident #{snap.id} on the site {snap.site}."
        )
        lines = [
            opening,
            "",
            f"Severity:   {snap.severity.label}",
            f"Categories: {', '.join(snap.categories)}",
        ]
        lines += [f"Policy:     {CLAUSE_TEXT.get(c, 'IIBGC ' + c)}" for c in snap.clauses]
        lines += ["", "Why:"] + [f"  - {e}" for e in snap.explanations]
        if snap.excerpt:
            lines += ["", "Excerpt (student information masked):", f"  {snap.excerpt}"]
        url = _safe_url(snap.post_url)
        if url:
            lines += ["", f"Post: {url}"]
        link = self._incident_link(snap)
        if link:
            lines += [f"Review: {link}"]
        lines += [
            "",
            "Please review the post and act on it (remove or hide it, contact families as the",
            "district requires), then acknowledge it:",
        ]
        if ack_url:
            lines.append(
                f"  one click (expires in {self.ack_link_hours:g} h, works once): {ack_url}"
            )
        lines.append(f"  or: sitewatch incidents ack {snap.id}")
        return "\n".join(lines) + "\n"

    def _html(self, snap: IncidentSnapshot, ack_url: str | None = None) -> str:
        e = html.escape
        rows = "".join(f"<li>{e(x)}</li>" for x in snap.explanations)
        clauses = "<br>".join(e(CLAUSE_TEXT.get(c, "IIBGC " + c)) for c in snap.clauses)
        url = _safe_url(snap.post_url)
        post = (
            f'<p><a href="{e(url)}" rel="noopener noreferrer">Open the post</a></p>' if url else ""
        )
        link = self._incident_link(snap)
        review = (
            f'<p><a href="{e(link)}" rel="noopener noreferrer">Review incident #{snap.id}</a></p>'
            if link
            else ""
        )
        return (
            "<!doctype html><html><body>"
            f"<p>sitewatch filed incident #{snap.id} on the site <b>{e(snap.site)}</b>.</p>"
            f"<p>Severity: <b>{e(snap.severity.label)}</b><br>"
            f"Categories: {e(', '.join(snap.categories))}<br>{clauses}</p>"
            f"<p>Why:</p><ul>{rows}</ul>"
            + (
                f"<p>Excerpt (student information masked):</p><blockquote>{e(snap.excerpt)}"
                "</blockquote>"
                if snap.excerpt
                else ""
            )
            + post
            + review
            + (
                f'<p><a href="{e(ack_url)}" rel="noopener noreferrer">Acknowledge incident '
                f"#{snap.id}</a> (expires in {self.ack_link_hours:g} h, works once)</p>"
                if ack_url
                else ""
            )
            + f"<p>Or acknowledge with <code>sitewatch incidents ack {snap.id}</code>.</p>"
            "</body></html>"
        )
