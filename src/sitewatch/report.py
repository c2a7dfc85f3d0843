"""The compliance report: per site, what board policy IIBGC asks and where each site stands.

What a principal or superintendent prints for a board meeting: approval and its review date
(clause 1), itemized costs and their approval (clause 2), the access guideline and the last
access check (clause 3), consent coverage of the site's members (clause 4), and open
incidents by clause with the monitoring gaps of the period (clause 5).
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sitewatch.config import Settings
from sitewatch.notify.email import CLAUSE_TEXT
from sitewatch.sites import SiteState, registry
from sitewatch.store.repository import Store

OPEN = ("open", "acknowledged")


@dataclass
class SiteCompliance:
    site: str
    platform: str
    sponsor: str
    backup_sponsor: str | None
    approval_ref: str | None
    approved_by: str | None
    approved_on: str | None
    review_by: str | None
    state: str
    days_to_review: int | None
    monitored: bool
    access_guideline: str
    access_check: str
    access_checked_at: str | None
    costs_total: float
    costs_unapproved: int
    members_matched_students: int
    members_with_consent: int
    members_without_consent: int
    consent_records: int
    open_by_clause: dict[str, int]
    open_by_severity: dict[str, int]
    gaps_in_period: int
    last_good_poll: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def compliant(self) -> bool:
        return not self.problems


@dataclass
class ComplianceReport:
    generated_at: str
    period_start: str
    period_end: str
    sites: list[SiteCompliance]

    def to_json(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at,
            "period": {"start": self.period_start, "end": self.period_end},
            "sites": [asdict(s) | {"compliant": s.compliant} for s in self.sites],
        }


def build_report(settings: Settings, store: Store, since: date, until: date) -> ComplianceReport:
    today = store.clock().date()
    statuses = registry(settings.site_models(), today, settings.policy.expiry_grace_days)
    consents = store.consent_records()
    start = datetime.combine(since, time.min, UTC)
    end = datetime.combine(until, time.max, UTC)
    sites: list[SiteCompliance] = []
    for st in statuses:
        site, appr = st.site, st.site.approval
        row = store.site_row(site.name) or {}
        incidents = store.list_incidents(site=site.name)
        open_incidents = [i for i in incidents if i.status in OPEN]
        by_clause = Counter(c for i in open_incidents for c in i.clauses)
        by_severity = Counter(i.severity for i in open_incidents)
        gaps = [
            i
            for i in incidents
            if "monitoring.gap" in i.categories and start <= i.created_at <= end
        ]
        members = store.members(site.name)
        students = [m for m in members if m.student_id]
        with_consent = sum(1 for m in students if m.consented)
        access_ok = row.get("access_ok")
        access = (
            "not checked yet"
            if access_ok is None
            else "ok"
            if access_ok
            else f"FAILED: {row.get('access_detail', '')}"
        )
        guideline = (
            ", ".join(
                who
                for who, needed in (
                    ("administrators", site.access.administrators),
                    ("technology staff", site.access.tech_staff),
                )
                if needed
            )
            or "no access required"
        )
        item = SiteCompliance(
            site=site.name,
            platform=site.platform,
            sponsor=site.sponsor,
            backup_sponsor=site.backup_sponsor,
            approval_ref=appr.ref if appr else None,
            approved_by=appr.by if appr else None,
            approved_on=appr.on.isoformat() if appr else None,
            review_by=appr.review_by.isoformat() if appr and appr.review_by else None,
            state=str(st.state),
            days_to_review=st.days_to_review,
            monitored=st.pollable,
            access_guideline=guideline + (f" ({site.access.note})" if site.access.note else ""),
            access_check=access,
            access_checked_at=row.get("access_checked_at"),
            costs_total=round(sum(c.amount for c in site.costs), 2),
            costs_unapproved=sum(1 for c in site.costs if not c.approved),
            members_matched_students=len(students),
            members_with_consent=with_consent,
            members_without_consent=len(students) - with_consent,
            consent_records=sum(1 for c in consents if c.covers(site.name) and c.in_force(today)),
            open_by_clause=dict(sorted(by_clause.items())),
            open_by_severity=dict(sorted(by_severity.items())),
            gaps_in_period=len(gaps),
            last_good_poll=row.get("last_success_at"),
        )
        item.problems = _problems(item, st.state)
        sites.append(item)
    return ComplianceReport(
        generated_at=store.clock().strftime("%Y-%m-%d %H:%M:%S"),
        period_start=since.isoformat(),
        period_end=until.isoformat(),
        sites=sites,
    )


def _problems(s: SiteCompliance, state: SiteState) -> list[str]:
    out: list[str] = []
    if state is SiteState.UNAPPROVED:
        out.append("1: no approval on record")
    elif state in (SiteState.GRACE, SiteState.EXPIRED):
        out.append(f"1: approval review was due {s.review_by}")
    if s.costs_unapproved:
        out.append(f"2: {s.costs_unapproved} expenditure(s) without superintendent approval")
    if s.access_check.startswith("FAILED"):
        out.append("3: access check failing")
    if s.members_without_consent:
        out.append(f"4: {s.members_without_consent} student member(s) without consent")
    if s.open_by_clause.get("5b"):
        out.append(f"5b: {s.open_by_clause['5b']} open student-PII incident(s)")
    if s.open_by_clause.get("5a"):
        out.append(f"5a: {s.open_by_clause['5a']} open safe-use incident(s)")
    return out


# -- renderers ---------------------------------------------------------------------------------
COLUMNS = (
    "site",
    "platform",
    "sponsor",
    "state",
    "review_by",
    "monitored",
    "access_check",
    "costs_unapproved",
    "members_matched_students",
    "members_without_consent",
    "open_5a",
    "open_5b",
    "gaps_in_period",
    "compliant",
)


def _flat(s: SiteCompliance) -> dict[str, Any]:
    return {
        "site": s.site,
        "platform": s.platform,
        "sponsor": s.sponsor,
        "state": s.state,
        "review_by": s.review_by or "",
        "monitored": "yes" if s.monitored else "no",
        "access_check": s.access_check,
        "costs_unapproved": s.costs_unapproved,
        "members_matched_students": s.members_matched_students,
        "members_without_consent": s.members_without_consent,
        "open_5a": s.open_by_clause.get("5a", 0),
        "open_5b": s.open_by_clause.get("5b", 0),
        "gaps_in_period": s.gaps_in_period,
        "compliant": "yes" if s.compliant else "NO",
    }


def render_json(report: ComplianceReport) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False)


def render_csv(report: ComplianceReport) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*COLUMNS, "problems"], lineterminator="\n")
    writer.writeheader()
    for s in report.sites:
        row = _flat(s) | {"problems": "; ".join(s.problems)}
        # Spreadsheet formula injection: a cell must not start with = + - @.
        writer.writerow(
            {k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@" else v) for k, v in row.items()}
        )
    return out.getvalue()


def render_table(report: ComplianceReport) -> str:
    from sitewatch.cli.common import table

    head = (
        f"Compliance with board policy IIBGC, {report.period_start} to "
        f"{report.period_end} (generated {report.generated_at} UTC)\n"
    )
    rows = [
        [
            s.site,
            s.platform,
            s.state + (f" ({s.review_by})" if s.review_by else ""),
            "yes" if s.monitored else "NO",
            s.access_check[:30],
            f"{s.members_with_consent}/{s.members_matched_students}",
            s.open_by_clause.get("5a", 0),
            s.open_by_clause.get("5b", 0),
            s.gaps_in_period,
            "yes" if s.compliant else "NO",
        ]
        for s in report.sites
    ]
    body = table(
        [
            "site",
            "platform",
            "approval",
            "monitored",
            "access",
            "consent",
            "open 5a",
            "open 5b",
            "gaps",
            "compliant",
        ],
        rows,
    )
    issues = [f"  {s.site}: {p}" for s in report.sites for p in s.problems]
    return head + "\n" + body + ("\n\nTo act on:\n" + "\n".join(issues) if issues else "")


def render_html(report: ComplianceReport) -> str:
    e = html.escape
    rows = []
    for s in report.sites:
        problems = "".join(f"<li>{e(p)}</li>" for p in s.problems) or "<li>none</li>"
        rows.append(
            "<tr>"
            f"<th scope='row'>{e(s.site)}<br><small>{e(s.platform)}</small></th>"
            f"<td>{e(s.sponsor)}{'<br>' + e(s.backup_sponsor) if s.backup_sponsor else ''}</td>"
            f"<td>{e(s.state)}<br><small>{e(s.approval_ref or '')} "
            f"{e(s.review_by or '')}</small></td>"
            f"<td>{'yes' if s.monitored else '<strong>no</strong>'}</td>"
            f"<td>{e(s.access_guideline)}<br><small>{e(s.access_check)}</small></td>"
            f"<td>${s.costs_total:,.2f}"
            f"{'<br><strong>' + str(s.costs_unapproved) + ' unapproved</strong>' if s.costs_unapproved else ''}</td>"  # noqa: E501
            f"<td>{s.members_with_consent} of {s.members_matched_students}</td>"
            f"<td>{s.open_by_clause.get('5a', 0)}</td><td>{s.open_by_clause.get('5b', 0)}</td>"
            f"<td>{s.gaps_in_period}</td>"
            f"<td class='{'ok' if s.compliant else 'bad'}'><ul>{problems}</ul></td>"
            "</tr>"
        )
    clauses = "".join(
        f"<li><b>{e(k)}</b>: {e(v.split(': ', 1)[1])}</li>" for k, v in CLAUSE_TEXT.items()
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>sitewatch compliance report</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2rem;color:#111}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;"
        "padding:.4rem;vertical-align:top;text-align:left}thead th{background:#eee}"
        ".bad{background:#fde8e8}.ok{background:#e8f5e9}ul{margin:0;padding-left:1rem}"
        "@media print{body{margin:0}}</style></head><body>"
        "<h1>Staff online activities: compliance with board policy IIBGC</h1>"
        f"<p>Period {e(report.period_start)} to {e(report.period_end)}; generated "
        f"{e(report.generated_at)} UTC by sitewatch.</p>"
        "<table><thead><tr><th scope='col'>Site</th><th scope='col'>Sponsor</th>"
        "<th scope='col'>Approval (1)</th><th scope='col'>Monitored</th>"
        "<th scope='col'>Access (3)</th><th scope='col'>Costs (2)</th>"
        "<th scope='col'>Student members with consent (4)</th>"
        "<th scope='col'>Open 5a</th><th scope='col'>Open 5b</th>"
        "<th scope='col'>Monitoring gaps</th><th scope='col'>To act on</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<h2>Policy clauses</h2><ul>{clauses}</ul></body></html>"
    )


RENDERERS = {"table": render_table, "json": render_json, "csv": render_csv, "html": render_html}
