"""Who gets an incident's mail, when, and where it climbs if nobody acknowledges it.

- Severity: at or above the site's ``immediate_min_severity`` (default medium) mail goes at
  once; below it the incident waits for the sponsor's daily digest. Critical also goes to
  tech staff at once; policy matters also to administrators; monitoring gaps to tech staff.
- Quiet hours: non-critical mail created inside them is held until they end (site time zone).
- Escalation: an unacknowledged incident climbs the ladder (sponsor → administrators → tech
  staff by default), one rung per acknowledgement window.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sitewatch.config import Settings
from sitewatch.models import Routing, Severity


class Router:
    def __init__(self, settings: Settings) -> None:
        self.tz = ZoneInfo(settings.notify.timezone)
        self.tech_staff = tuple(settings.notify.tech_staff)
        self.administrators = tuple(settings.notify.administrators)
        self.digest_hour = settings.notify.digest_hour
        self._routing = {s.name: s.routing for s in settings.site_models()}
        # The district's defaults, for a site no longer in the configuration.
        self._district = settings.routing_for(None)

    def routing(self, site: str) -> Routing:
        return self._routing.get(site) or self._district

    # -- when ----------------------------------------------------------------------------------
    def immediate(self, site: str, severity: Severity) -> bool:
        return severity >= Severity.parse(self.routing(site).immediate_min_severity)

    def deliver_at(self, site: str, severity: Severity, now: datetime) -> datetime:
        """``now``, or the end of the site's quiet hours for non-critical mail inside them."""
        quiet = self.routing(site).quiet_hours
        if quiet is None or severity >= Severity.CRITICAL:
            return now
        start_s, end_s = quiet.split("-")
        start, end = time.fromisoformat(start_s), time.fromisoformat(end_s)
        local = now.astimezone(self.tz)
        t = local.time()
        inside = (start <= t < end) if start < end else (t >= start or t < end)
        if not inside:
            return now
        end_day = local.date() if t < end else local.date() + timedelta(days=1)
        return datetime.combine(end_day, end, self.tz).astimezone(now.tzinfo)

    def local_date(self, now: datetime) -> str:
        return now.astimezone(self.tz).date().isoformat()

    def digest_time_reached(self, now: datetime) -> bool:
        return now.astimezone(self.tz).hour >= self.digest_hour

    # -- who -----------------------------------------------------------------------------------
    def rungs(self, site: str) -> int:
        return len(self.routing(site).escalation)

    def ack_window(self, site: str, step: int) -> timedelta:
        ladder = self.routing(site).escalation
        return timedelta(hours=ladder[min(step, len(ladder) - 1)].ack_within_hours)

    def rung_contacts(
        self, site: str, step: int, sponsor: str, backup: str | None
    ) -> tuple[str, ...]:
        ladder = self.routing(site).escalation
        people: list[str] = []
        for contact in ladder[min(step, len(ladder) - 1)].contacts:
            if contact == "{sponsor}":
                people.append(sponsor)
            elif contact == "{backup_sponsor}":
                people.extend([backup] if backup else [])
            elif contact == "{tech_staff}":
                people.extend(self.tech_staff)
            elif contact == "{administrators}":
                people.extend(self.administrators)
            else:
                people.append(contact)
        return tuple(dict.fromkeys(people)) or (sponsor,)

    def first_recipients(
        self,
        site: str,
        categories: tuple[str, ...],
        severity: Severity,
        sponsor: str,
        backup: str | None,
    ) -> tuple[str, ...]:
        if categories == ("monitoring.gap",):
            return self.tech_staff or (sponsor,)
        people = list(self.rung_contacts(site, 0, sponsor, backup))
        if any(c.startswith("policy.") for c in categories):
            people.extend(self.administrators)
        if severity >= Severity.CRITICAL:
            people.extend(self.tech_staff)
        return tuple(dict.fromkeys(people))
