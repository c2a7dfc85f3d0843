"""The site registry: which configured sites may be polled today, and why not.

Board policy IIBGC clause 1: a site is monitored only with the superintendent's (or
designee's) prior approval on record. An approval past its review date enters a grace
period (monitoring continues, the sponsor and administrators are told) and then lapses:
the site is no longer polled until the approval is renewed.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sitewatch.models import Site


class SiteState(enum.StrEnum):
    APPROVED = "approved"
    PENDING = "pending"  # approval takes effect later
    GRACE = "grace"  # review date passed; still polled during the grace period
    EXPIRED = "expired"  # review date and grace passed: not polled
    UNAPPROVED = "unapproved"  # no approval on record: never polled


@dataclass(frozen=True)
class SiteStatus:
    site: Site
    pollable: bool
    reason: str
    state: SiteState = SiteState.APPROVED
    days_to_review: int | None = None  # negative once the review date has passed


def site_status(site: Site, today: date, grace_days: int = 0) -> SiteStatus:
    approval = site.approval
    if approval is None:
        return SiteStatus(
            site, False, "no approval on record (policy IIBGC clause 1)", SiteState.UNAPPROVED
        )
    if approval.on > today:
        return SiteStatus(
            site, False, f"approval {approval.ref} takes effect on {approval.on}", SiteState.PENDING
        )
    if approval.review_by is None:
        return SiteStatus(
            site,
            True,
            f"approved by {approval.by} on {approval.on} ({approval.ref}, no review date)",
            SiteState.APPROVED,
        )
    days = (approval.review_by - today).days
    if days >= 0:
        return SiteStatus(
            site,
            True,
            f"approved by {approval.by} on {approval.on} "
            f"({approval.ref}, review by {approval.review_by})",
            SiteState.APPROVED,
            days,
        )
    grace_end = approval.review_by + timedelta(days=grace_days)
    if today <= grace_end:
        return SiteStatus(
            site,
            True,
            f"approval {approval.ref} expired on "
            f"{approval.review_by}; monitored in the grace period until "
            f"{grace_end}",
            SiteState.GRACE,
            days,
        )
    return SiteStatus(
        site,
        False,
        f"approval {approval.ref} expired: review was due by "
        f"{approval.review_by} (grace ended {grace_end})",
        SiteState.EXPIRED,
        days,
    )


def registry(sites: Sequence[Site], today: date, grace_days: int = 0) -> list[SiteStatus]:
    return [site_status(s, today, grace_days) for s in sites]
