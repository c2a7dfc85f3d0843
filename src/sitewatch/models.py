"""Frozen domain dataclasses shared by the core, connectors, detectors and the store."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


class Severity(enum.IntEnum):
    """Ordered severities; medium and above is an incident that notifies the sponsor."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls[value.strip().upper()]
        except KeyError:
            known = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r}; expected one of: {known}") from None

    @property
    def is_incident(self) -> bool:
        return self >= Severity.MEDIUM


@dataclass(frozen=True)
class Approval:
    """The superintendent's (or designee's) approval of a site (policy clause 1)."""

    by: str
    on: date
    ref: str
    review_by: date | None = None

    def expired(self, today: date) -> bool:
        return self.review_by is not None and today > self.review_by


@dataclass(frozen=True)
class AccessGuideline:
    """Policy clause 3: whether administrators and technology staff must have access."""

    administrators: bool = True
    tech_staff: bool = True
    note: str = ""


@dataclass(frozen=True)
class Cost:
    """Policy clause 2: an itemized expenditure and the superintendent's approval of it."""

    item: str
    amount: float
    approved_by: str | None = None
    approved_on: date | None = None
    ref: str | None = None

    @property
    def approved(self) -> bool:
        return bool(self.approved_by) and self.approved_on is not None


@dataclass(frozen=True)
class EscalationRung:
    """Who is told at this rung (addresses or placeholders such as "{sponsor}"), and how
    long they have to acknowledge before the incident climbs to the next rung."""

    contacts: tuple[str, ...]
    ack_within_hours: float = 24.0


@dataclass(frozen=True)
class Routing:
    """When and to whom a site's incident mail goes (district defaults, site overrides)."""

    quiet_hours: str | None = None
    immediate_min_severity: str = "medium"
    escalation: tuple[EscalationRung, ...] = (EscalationRung(("{sponsor}",)),)


@dataclass(frozen=True)
class AutoAction:
    """Hide or remove matching posts on the platform; empty categories means off."""

    categories: tuple[str, ...] = ()
    action: str = "hide"

    def applies_to(self, categories: Sequence[str]) -> bool:
        return any(
            c in self.categories or (c.startswith("pii.") and "pii.*" in self.categories)
            for c in categories
        )


@dataclass(frozen=True)
class Site:
    """One approved (or not) district site as configured."""

    name: str
    platform: str
    target: str
    sponsor: str
    approval: Approval | None = None
    endpoint: str | None = None
    poll_interval: float = 300.0
    options: Mapping[str, Any] = field(default_factory=dict)
    backup_sponsor: str | None = None
    access: AccessGuideline = field(default_factory=AccessGuideline)
    costs: tuple[Cost, ...] = ()
    routing: Routing = field(default_factory=Routing)
    auto_action: AutoAction = field(default_factory=AutoAction)


@dataclass(frozen=True)
class Post:
    """A post or comment as a connector read it. ``text`` is hostile input."""

    id: str
    text: str
    author: str | None = None
    created_at: datetime | None = None
    url: str | None = None
    parent_id: str | None = None
    kind: str = "post"  # post | comment


@dataclass(frozen=True)
class SkippedItem:
    """An item the connector could not read; ``where`` names it (file:line, API id)."""

    where: str
    reason: str


@dataclass(frozen=True)
class Page:
    """One fetch: posts newer than the cursor, oldest first, and the cursor after them."""

    posts: tuple[Post, ...]
    next_cursor: str | None
    has_more: bool = False
    skipped: tuple[SkippedItem, ...] = ()


@dataclass(frozen=True)
class AccessReport:
    """Whether the monitoring account can still read a site (policy clause 3)."""

    ok: bool
    detail: str


@dataclass(frozen=True)
class Member:
    """A follower, subscriber or approved user of a site."""

    handle: str
    display_name: str | None = None


class ActionKind(enum.StrEnum):
    HIDE = "hide"
    REMOVE = "remove"
    LOCK = "lock"


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    reason: str = ""


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    detail: str


@dataclass(frozen=True)
class Finding:
    """One thing a detector found, with a span into the original text and a reason.

    ``explanation`` must be readable by a sponsor and never contain the raw PII itself.
    ``severity`` is filled in by the severity policy, not by detectors.
    """

    category: str
    start: int
    end: int
    score: float
    detector: str
    explanation: str
    severity: Severity = Severity.INFO
    clause: str | None = None
    # Machine-readable qualifiers the severity policy may use (e.g. "context:health").
    tags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "severity": self.severity.label,
            "score": round(self.score, 4),
            "start": self.start,
            "end": self.end,
            "detector": self.detector,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class ScanResult:
    """Findings for one post plus every span that must be masked in any excerpt."""

    findings: tuple[Finding, ...]
    redactions: tuple[tuple[int, int, str], ...] = ()

    @property
    def severity(self) -> Severity:
        return max((f.severity for f in self.findings), default=Severity.INFO)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({f.category for f in self.findings}))
