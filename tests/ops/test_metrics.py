"""Metrics counted by the daemon, and the /metrics, /healthz, /readyz endpoints."""

from __future__ import annotations

import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from prometheus_client.parser import text_string_to_metric_families

from sitewatch.bootstrap import build_pipeline, load_district_roster
from sitewatch.config import Settings, load_settings
from sitewatch.daemon import Daemon, PassReport
from sitewatch.exceptions import FatalConnectorError
from sitewatch.logs import sensitive
from sitewatch.models import AccessReport, Page, Site
from sitewatch.ops.metrics import Metrics
from sitewatch.ops.server import OpsServer, store_ready
from sitewatch.roster import load_roster
from sitewatch.store.repository import Store

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "config" / "demo"


@pytest.fixture
def settings(demo_copy: Path) -> Settings:
    settings = load_settings(demo_copy / "demo.toml")
    settings.state_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMO / "feed.jsonl", settings.state_path / "feed.jsonl")
    return settings


@pytest.fixture
def make_daemon(settings: Settings) -> Iterator[Any]:
    stores: list[Store] = []

    def make(s: Settings = settings, **kwargs: Any) -> Daemon:
        store = Store.open(s.store_url)
        stores.append(store)
        return Daemon(s, store, build_pipeline(s, load_district_roster(s)), **kwargs)

    yield make
    for store in stores:
        store.close()
    sensitive.clear()


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = metrics.render().decode()
    out: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_a_pass_is_counted_by_site_category_and_severity(make_daemon: Any) -> None:
    daemon = make_daemon()
    report = daemon.run_once()
    daemon.metrics.refresh_from_store(daemon.store)
    got = samples(daemon.metrics)
    site = (("site", "lhs-band-site"),)
    assert got[("sitewatch_polls_total", (("outcome", "ok"), *site))] == 1
    assert got[("sitewatch_posts_scanned_total", site)] == report.posts_scanned == 24
    assert got[("sitewatch_findings_total", (("category", "pii.ssn"),))] >= 1
    assert got[("sitewatch_findings_total", (("category", "rule.threat"),))] >= 1
    by_severity = {
        labels[0][1]: v
        for (name, labels), v in got.items()
        if name == "sitewatch_incidents_opened_total"
    }
    incidents = daemon.store.list_incidents()
    for severity in {i.severity for i in incidents}:
        assert by_severity[severity] == sum(i.severity == severity for i in incidents)
    assert got[("sitewatch_poll_duration_seconds_count", site)] == 1
    assert got[("sitewatch_notifications_total", (("outcome", "delivered"),))] == len(
        report.messages_delivered
    )
    assert got[("sitewatch_notification_queue_depth", ())] == 0
    assert got[("sitewatch_site_healthy", site)] == 1


def test_metrics_carry_no_post_text_or_roster_names(make_daemon: Any) -> None:
    daemon = make_daemon()
    daemon.run_once()
    daemon.metrics.refresh_from_store(daemon.store)
    text = daemon.metrics.render().decode()
    roster = load_roster(DEMO / "users.csv")
    for person in roster.people:
        for value in (person.full_name, person.given_name, person.family_name, person.email):
            if value and len(value) > 3:
                assert value not in text
    for line in (DEMO / "feed.jsonl").read_text(encoding="utf-8").splitlines()[:5]:
        assert line[20:60] not in text


class Failing:
    platform: ClassVar[str] = "demo"

    def fetch(self, site: Site, cursor: str | None) -> Page:
        raise FatalConnectorError("HTTP 401")

    def check_access(self, site: Site) -> AccessReport:
        return AccessReport(False, "no")


def test_connector_errors_by_platform_and_kind(make_daemon: Any) -> None:
    daemon = make_daemon(connector_factory=lambda p: Failing())
    daemon.run_once()
    got = samples(daemon.metrics)
    assert got[("sitewatch_connector_errors_total", (("kind", "fatal"), ("platform", "demo")))] == 1
    assert (
        got[("sitewatch_polls_total", (("outcome", "fatal_error"), ("site", "lhs-band-site")))] == 1
    )
    opened = sum(v for (n, _), v in got.items() if n == "sitewatch_incidents_opened_total")
    incidents = daemon.store.list_incidents()
    assert "monitoring.gap" in {c for i in incidents for c in i.categories}
    assert opened == len(incidents)  # gaps and policy incidents are counted too


def test_queue_depth_oldest_pending_and_poll_lag(make_daemon: Any) -> None:
    daemon = make_daemon()
    clock = daemon.store.clock
    start = clock()
    daemon.store.clock = lambda: start  # mail queued now, delivered never (drained later)
    daemon.sync_registry()
    daemon.enforce_policy(PassReport())
    daemon._poll_leased(PassReport(), ignore_schedule=True)
    later = start + timedelta(hours=2)
    daemon.metrics.refresh_from_store(daemon.store, now=later)
    got = samples(daemon.metrics)
    pending = daemon.store.outbox_counts().get("pending", 0)
    assert pending > 0
    assert got[("sitewatch_notification_queue_depth", ())] == pending
    assert got[("sitewatch_notification_oldest_pending_age_seconds", ())] == pytest.approx(7200)
    # polled at `start` with the demo's 60 s interval: due at +1 min, so 1 h 59 min late
    lag = got[("sitewatch_poll_lag_seconds", (("site", "lhs-band-site"),))]
    assert lag == pytest.approx(7200 - 60)
    assert ("sitewatch_poll_lag_seconds", (("site", "lhs-chess-club"),)) not in got  # unapproved


class Quota:
    """A connector that reports YouTube units spent (the `quota_units_used` hook)."""

    platform: ClassVar[str] = "youtube"

    def fetch(self, site: Site, cursor: str | None) -> Page:
        return Page(posts=(), next_cursor="c1", has_more=False)

    def check_access(self, site: Site) -> AccessReport:
        return AccessReport(True, "ok")

    def quota_units_used(self, site: Site, cursor: str | None) -> int:
        return 42 if cursor == "c1" else 0


def test_youtube_quota_gauge_from_the_connector_hook(
    make_daemon: Any, make_settings: Any, tmp_path: Path
) -> None:
    approval = {"by": "Designee", "on": "2026-01-01", "ref": "SUP-1", "review_by": "2099-12-31"}
    settings = make_settings(
        sites=[
            {
                "name": "lhs-yt",
                "platform": "youtube",
                "target": "UC" + "x" * 22,
                "sponsor": "band@lakeview.k12.us",
                "approval": approval,
            }
        ]
    )
    daemon = make_daemon(settings, connector_factory=lambda p: Quota())
    daemon.run_once()
    got = samples(daemon.metrics)
    assert got[("sitewatch_youtube_quota_units_used", (("site", "lhs-yt"),))] == 42


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def test_endpoints_metrics_healthz_readyz(make_daemon: Any) -> None:
    daemon = make_daemon()
    daemon.run_once()
    daemon._pass_done(PassReport(), time.monotonic())
    server = OpsServer(
        "127.0.0.1",
        0,
        daemon.metrics,
        healthz=daemon.health,
        readyz=lambda: store_ready(daemon.store.engine),
    ).start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        status, ctype, body = get(base + "/metrics")
        assert status == 200 and ctype.startswith("text/plain")
        assert 'sitewatch_polls_total{outcome="ok",site="lhs-band-site"} 1.0' in body
        assert get(base + "/healthz")[0] == 200
        status, _, body = get(base + "/readyz")
        assert status == 200 and "at head" in body
        assert get(base + "/nothing")[0] == 404
        daemon._last_pass = time.monotonic() - 10_000  # the loop has stalled
        status, _, body = get(base + "/healthz")
        assert status == 503 and body.startswith("fail: last pass ended")
    finally:
        server.stop()


def test_readyz_fails_on_an_unmigrated_or_unreachable_store(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'empty.db'}", migrate=False)
    try:
        ok, detail = store_ready(store.engine)
        assert not ok and "schema at nothing" in detail
    finally:
        store.close()
    gone = Store.open(f"sqlite:///{tmp_path / 'nofolder' / 'x' / 'db.sqlite'}", migrate=False)
    (tmp_path / "nofolder" / "x").rmdir()
    try:
        ok, detail = store_ready(gone.engine)
        assert not ok and "unreachable" in detail
    finally:
        gone.close()


def test_the_daemon_serves_its_endpoints_when_a_port_is_configured(
    settings: Settings, make_daemon: Any
) -> None:
    from sitewatch.cli.run import start_ops_server

    daemon = make_daemon()
    assert start_ops_server(settings, daemon) is None  # off by default
    on = settings.model_copy(
        update={"daemon": settings.daemon.model_copy(update={"metrics_port": 0})}
    )
    server = start_ops_server(on, daemon)
    assert server is not None
    try:
        assert server.host == "127.0.0.1"
        assert get(f"http://127.0.0.1:{server.port}/readyz")[0] == 200
    finally:
        server.stop()
