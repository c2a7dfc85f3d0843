"""Prometheus metrics of the daemon, on a registry of its own.

Labels are sitewatch's own identifiers only: site names (validated by the config), finding
categories, severities, platforms and outcomes. Never post text, authors or roster names.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select

from sitewatch.store.models import OutboxRow
from sitewatch.store.repository import Store, utc

POLL_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)


class Metrics:
    """Every metric sitewatch exports. One instance per daemon (tests make many)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.polls = Counter(
            "sitewatch_polls",
            "Site polls by outcome (ok, retriable_error, fatal_error).",
            ["site", "outcome"],
            registry=r,
        )
        self.poll_duration = Histogram(
            "sitewatch_poll_duration_seconds",
            "Wall time of one site's poll (every page of it).",
            ["site"],
            buckets=POLL_BUCKETS,
            registry=r,
        )
        self.pass_duration = Histogram(
            "sitewatch_pass_duration_seconds",
            "Wall time of one daemon pass (policy, polls, outbox).",
            buckets=POLL_BUCKETS,
            registry=r,
        )
        self.last_pass = Gauge(
            "sitewatch_last_pass_timestamp_seconds",
            "When the last daemon pass finished (Unix time).",
            registry=r,
        )
        self.posts_scanned = Counter(
            "sitewatch_posts_scanned", "Posts and comments scanned.", ["site"], registry=r
        )
        self.findings = Counter(
            "sitewatch_findings", "Findings by category.", ["category"], registry=r
        )
        self.incidents = Counter(
            "sitewatch_incidents_opened", "Incidents opened by severity.", ["severity"], registry=r
        )
        self.connector_errors = Counter(
            "sitewatch_connector_errors",
            "Connector errors by platform and kind (retriable, fatal).",
            ["platform", "kind"],
            registry=r,
        )
        self.notifications = Counter(
            "sitewatch_notifications",
            "Outbox delivery attempts by outcome (delivered, failed).",
            ["outcome"],
            registry=r,
        )
        self.queue_depth = Gauge(
            "sitewatch_notification_queue_depth", "Pending outbox messages.", registry=r
        )
        self.queue_oldest = Gauge(
            "sitewatch_notification_oldest_pending_age_seconds",
            "Age of the oldest pending outbox message (0 when none).",
            registry=r,
        )
        self.poll_lag = Gauge(
            "sitewatch_poll_lag_seconds",
            "How overdue each pollable site is: now - next_poll_at when due, else 0.",
            ["site"],
            registry=r,
        )
        self.site_healthy = Gauge(
            "sitewatch_site_healthy",
            "1 when the site's last poll could read it, 0 when it is unhealthy.",
            ["site"],
            registry=r,
        )
        self.youtube_quota = Gauge(
            "sitewatch_youtube_quota_units_used",
            "YouTube Data API units spent today (Pacific day) by the site, as its connector "
            "reports them.",
            ["site"],
            registry=r,
        )
        self.reloads = Counter(
            "sitewatch_config_reloads", "SIGHUP reloads by outcome (ok, failed).", ["outcome"],
            registry=r,
        )  # fmt: skip

        self.last_queue_depth = 0

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def refresh_from_store(self, store: Store, now: datetime | None = None) -> None:
        """Gauges that are facts about the store: outbox queue and per-site lag/health."""
        now = now or store.clock()
        with store.sessions() as s:
            depth, oldest = s.execute(
                select(func.count(), func.min(OutboxRow.created_at)).where(
                    OutboxRow.status == "pending"
                )
            ).one()
        self.last_queue_depth = int(depth or 0)
        self.queue_depth.set(self.last_queue_depth)
        self.queue_oldest.set(max(0.0, (now - utc(oldest)).total_seconds()) if oldest else 0.0)
        self.poll_lag.clear()
        self.site_healthy.clear()
        for site in store.list_sites():
            if not site.pollable:
                continue
            due = site.next_poll_at
            lag = (now - utc(due)).total_seconds() if due is not None else 0.0
            self.poll_lag.labels(site=site.name).set(max(0.0, lag))
            self.site_healthy.labels(site=site.name).set(0 if site.health == "unhealthy" else 1)
