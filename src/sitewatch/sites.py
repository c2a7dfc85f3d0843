"""The site registry: which configured sites may be polled today, and why not.

Board policy IIBGC clause 1: a site is monitored only with the superintendent's (or
designee's) prior approval on record; an approval past its review date no longer counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sitewatch.models import Site


@dataclass(frozen=True)
class SiteStatus:
    site: Site
    pollable: bool
    reason: str


def site_status(site: Site, today: date) -> SiteStatus:
    approval = site.approval
    if approval is None:
        return SiteStatus(site, False, "no approval on record (policy IIBGC clause 1)")
    if approval.on > today:
        return SiteStatus(site, False, f"approval {approval.ref} takes effect on {approval.on}")
    if approval.expired(today):
        return SiteStatus(
            site, False, f"approval {approval.ref} expired: review was due by {approval.review_by}"
        )
    until = f", review by {approval.review_by}" if approval.review_by else ""
    return SiteStatus(
        site, True, f"approved by {approval.by} on {approval.on} ({approval.ref}{until})"
    )


def registry(sites: list[Site], today: date) -> list[SiteStatus]:
    return [site_status(s, today) for s in sites]
