"""The board policy, enforced each pass (IIBGC clauses 1, 3 and 4).

- Clause 1 (approval): a site with no approval on record files ``policy.site_unapproved``
  for administrators once and is never polled; before its review date the sponsor and
  administrators get one reminder per threshold (30, 7 and 0 days by default); once the date
  passes ``policy.approval_expired`` is filed once, polling continues through the grace
  period, then stops. Renewing the approval resolves these incidents.
- Clause 3 (access): each polled site's connector access check runs on a schedule; losing
  access files one ``monitoring.gap`` per outage, resolved when access returns.
- Clause 4 (consent): members of sites whose connector can list them are matched against
  the roster (consent-record handle, or display name); a student without written parental
  consent in force files ``policy.unconsented_member``. Revoked consent counts as none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sitewatch.config import Settings
from sitewatch.consent import MemberMatcher, load_consent, normalize_handle
from sitewatch.exceptions import SitewatchError
from sitewatch.logs import get_logger
from sitewatch.models import Site
from sitewatch.notify.email import IncidentMailer
from sitewatch.roster import Roster
from sitewatch.sites import SiteState, SiteStatus
from sitewatch.store.repository import Store
from sitewatch.typing import Connector

log = get_logger("sitewatch.policy")


@dataclass
class PolicyReport:
    incidents: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    access_failures: list[str] = field(default_factory=list)
    unconsented: int = 0


class PolicyEngine:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        mailer: IncidentMailer,
        roster: Roster | None,
        connector_for: Callable[[str], Connector],
    ) -> None:
        self.settings = settings
        self.store = store
        self.mailer = mailer
        self.roster = roster
        self.connector_for = connector_for

    # -- consent register ----------------------------------------------------------------------
    def sync_consent_file(self) -> dict[str, int] | None:
        """Mirror the consent CSV into the store (all rows valid, or nothing changes)."""
        path = self.settings.consent_path
        if path is None:
            return None
        records = load_consent(
            path, roster=self.roster, site_names=[s.name for s in self.settings.sites]
        )
        counts = self.store.put_consents(
            records, source=f"file:{path.name}", actor="config", replace_source=True
        )
        if counts["added"] or counts["changed"] or counts["removed"]:
            log.info("consent register synced", file_name=path.name, **counts)
        return counts

    def matcher(self) -> MemberMatcher:
        return MemberMatcher(self.roster, self.store.consent_records())

    # -- the pass --------------------------------------------------------------------------------
    def run(self, statuses: Sequence[SiteStatus], today: date) -> PolicyReport:
        report = PolicyReport()
        matcher: MemberMatcher | None = None
        for st in statuses:
            self._approval(st, today, report)
            if not st.pollable:
                continue
            self._access(st.site, report)
            if self._members_due(st.site):
                matcher = matcher or self.matcher()
                self._members(st.site, matcher, today, report)
        return report

    def _approval(self, st: SiteStatus, today: date, report: PolicyReport) -> None:
        site, approval = st.site, st.site.approval
        if st.state is SiteState.UNAPPROVED:
            self._file(
                report,
                site,
                "policy.site_unapproved",
                "policy:unapproved",
                "this site has no approval on record; it is not monitored until the "
                "superintendent or designee approves it (IIBGC 1)",
            )
            return
        report.resolved += self.store.resolve_site_incidents(
            site.name, "policy:unapproved", "an approval is now on record"
        )
        if approval is None or approval.review_by is None or st.days_to_review is None:
            return
        days = st.days_to_review
        if days < 0:
            grace = self.settings.policy.expiry_grace_days
            self._file(
                report,
                site,
                "policy.approval_expired",
                f"policy:expired:{approval.review_by}",
                f"approval {approval.ref} was due for review by {approval.review_by}; "
                f"monitoring continues for a {grace}-day grace period, then stops "
                "until the approval is renewed (IIBGC 1)",
            )
            return
        report.resolved += self.store.resolve_site_incidents(
            site.name, "policy:expired:", "the approval was renewed"
        )
        crossed = sorted(t for t in self.settings.policy.reminder_days if days <= t)
        if not crossed:
            return
        keys = [f"reminder:{approval.review_by}:{t}" for t in crossed]
        if self._all_given(site.name, keys):
            return
        when = "today" if days == 0 else f"in {days} day(s)"
        recipients = tuple(
            dict.fromkeys(
                [
                    site.sponsor,
                    *([site.backup_sponsor] if site.backup_sponsor else []),
                    *self.mailer.administrators,
                ]
            )
        )
        message = self.mailer.compose_notice(
            site.name,
            keys[0],
            recipients,
            f"Approval review due {when} for site {site.name} ({approval.ref})",
            (
                f"The approval of the site {site.name} ({approval.ref}, by {approval.by} on "
                f"{approval.on}) is due for review by {approval.review_by}: {when}.",
                "Board policy IIBGC clause 1: the site may be monitored and used only with the "
                "superintendent's (or designee's) approval.",
                f"After the review date sitewatch files an incident and, after a "
                f"{self.settings.policy.expiry_grace_days}-day grace period, stops monitoring "
                "the site.",
                "",
                "Renew the approval, then update [sites.approval] review_by in the "
                "sitewatch configuration.",
            ),
            self.store.clock(),
        )
        self.store.notice_once(site.name, keys[0], message)
        for key in keys[1:]:
            self.store.notice_once(site.name, key)  # a later, larger threshold is moot
        report.notices.append(f"{site.name}:{keys[0]}")
        log.info("approval review reminder queued", site=site.name, days=days)

    def _all_given(self, site: str, keys: list[str]) -> bool:
        # notice_once inserts; check the smallest first without inserting the others
        return self.store.notice_given(site, keys[0])

    def _file(
        self,
        report: PolicyReport,
        site: Site,
        category: str,
        key: str,
        summary: str,
        open_prefix: str | None = None,
    ) -> None:
        incident = self.store.file_site_incident(
            site.name, category, key, summary, self.mailer, open_prefix=open_prefix
        )
        if incident is not None:
            report.incidents.append(incident)
            log.warning(
                "policy incident filed", site=site.name, category=category, incident=incident
            )

    def _access(self, site: Site, report: PolicyReport) -> None:
        if not self.store.access_due(site.name, self.settings.policy.access_check_hours):
            return
        try:
            access = self.connector_for(site.platform).check_access(site)
            ok, detail = access.ok, access.detail
        except SitewatchError as exc:
            ok, detail = False, str(exc)
        changed = self.store.record_access(site.name, ok, detail)
        if ok:
            if changed:
                report.resolved += self.store.resolve_site_incidents(
                    site.name, "gap:access:", "the access check passes again"
                )
            return
        report.access_failures.append(site.name)
        self._file(
            report,
            site,
            "monitoring.gap",
            f"gap:access:{self.store.clock().isoformat()}",
            f"access check failed: {detail} (IIBGC 3: administrators and technology "
            "staff must keep access)",
            open_prefix="gap:access:",
        )

    def _members_due(self, site: Site) -> bool:
        return self.store.members_due(site.name, self.settings.policy.member_check_hours)

    def _members(
        self, site: Site, matcher: MemberMatcher, today: date, report: PolicyReport
    ) -> None:
        connector = self.connector_for(site.platform)
        lister = getattr(connector, "members", None)
        if lister is None:
            return
        try:
            members = list(lister(site))
        except SitewatchError as exc:
            log.warning("members could not be listed", site=site.name, error=str(exc))
            return
        matches = [matcher.match(m, site.name, today) for m in members]
        self.store.record_members(site.name, matches)
        for match in matches:
            if match.student is None:
                continue
            handle = normalize_handle(match.member.handle)
            prefix = f"member:{handle}:{match.student.sourced_id}:"
            if match.consented:
                report.resolved += self.store.resolve_site_incidents(
                    site.name, prefix, "written parental consent is on file"
                )
                continue
            report.unconsented += 1
            self._file(
                report,
                site,
                "policy.unconsented_member",
                prefix + today.isoformat(),
                f"roster student {match.student.initials} is a member of this site "
                f"(matched by {match.matched_by}) without written parental consent "
                "in force (IIBGC 4)",
                open_prefix=prefix,
            )


def unconsented_author(
    matcher: MemberMatcher, author: str | None, site: str, today: date
) -> str | None:
    """The student id behind a post's author handle when that student has no consent."""
    if not author:
        return None
    student = matcher.student_for_handle(author)
    if student is None or matcher.has_consent(student, site, today):
        return None
    return student
