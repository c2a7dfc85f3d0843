"""The daemon end to end on the embedded default: demo connector, SQLite, file outbox."""

from __future__ import annotations

import email
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import structlog
from sitewatch_connectors.demo import DemoConnector

from sitewatch.bootstrap import build_pipeline, load_district_roster
from sitewatch.config import Settings, load_settings
from sitewatch.daemon import Daemon
from sitewatch.exceptions import FatalConnectorError, RetriableConnectorError
from sitewatch.logs import sensitive
from sitewatch.models import AccessReport, Page, Post, Site
from sitewatch.roster import load_roster
from sitewatch.store.repository import Store

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "config" / "demo"

# What the shipped demo feed plants (see config/demo/feed.jsonl).
EXPECTED_CATEGORIES = {
    "pii.student_name",
    "pii.education_record",
    "pii.phone",
    "pii.email",
    "pii.student_id",
    "pii.ssn",
    "rule.threat",
    "rule.harassment",
}


@pytest.fixture
def demo_settings(demo_copy: Path) -> Settings:
    settings = load_settings(demo_copy / "demo.toml")
    settings.state_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMO / "feed.jsonl", settings.state_path / "feed.jsonl")
    return settings


@pytest.fixture
def open_daemon(demo_settings: Settings) -> Iterator[Any]:
    stores: list[Store] = []

    def make(settings: Settings = demo_settings, **kwargs: Any) -> Daemon:
        store = Store.open(settings.store_url)
        stores.append(store)
        pipeline = build_pipeline(settings, load_district_roster(settings))
        return Daemon(settings, store, pipeline, **kwargs)

    yield make
    for store in stores:
        store.close()
    sensitive.clear()


def eml_files(settings: Settings) -> list[Path]:
    return sorted(settings.outbox_path.glob("*.eml"))


def test_one_pass_files_incidents_and_writes_eml(open_daemon: Any, demo_settings: Settings) -> None:
    daemon = open_daemon()
    report = daemon.run_once()
    assert report.sites_polled == ["lhs-band-site"]
    assert set(report.sites_skipped) == {"lhs-chess-club", "lms-drama-2025"}
    assert report.posts_scanned == 24 and report.items_skipped == 2
    incidents = daemon.store.list_incidents()
    found = {c for i in incidents for c in i.categories}
    assert found >= EXPECTED_CATEGORIES
    mailed = [i for i in incidents if i.severity in ("medium", "high", "critical")]
    files = eml_files(demo_settings)
    assert len(files) == len(mailed) == len(report.messages_delivered)
    ids = {email.message_from_bytes(f.read_bytes())["X-Sitewatch-Incident"] for f in files}
    assert ids == {str(i.id) for i in mailed}


def test_emails_carry_no_roster_name_number_or_contact(
    open_daemon: Any, demo_settings: Settings
) -> None:
    open_daemon().run_once()
    roster = load_roster(DEMO / "users.csv")
    secrets = []
    for p in roster.students:
        secrets += [p.full_name, p.identifier, p.email, p.phone, p.sms]
    blob = "\n".join(
        str(email.message_from_bytes(f.read_bytes()).get_payload())
        for f in eml_files(demo_settings)
    ) + "\n".join(f.read_text() for f in eml_files(demo_settings))
    for value in filter(None, secrets):
        assert value not in blob, "a roster value reached an e-mail"


def test_second_pass_and_restart_file_nothing_new(
    open_daemon: Any, demo_settings: Settings
) -> None:
    first = open_daemon().run_once()
    assert first.incidents_opened
    before = len(eml_files(demo_settings))
    again = open_daemon().run_once()  # a new Daemon and Store: a restart
    assert again.posts_scanned == 0
    assert again.incidents_opened == [] and again.messages_delivered == []
    assert len(eml_files(demo_settings)) == before


def test_appended_posts_alone_are_scanned(open_daemon: Any, demo_settings: Settings) -> None:
    daemon = open_daemon()
    daemon.run_once()
    total = len(daemon.store.list_incidents())
    with (demo_settings.state_path / "feed.jsonl").open("a", encoding="utf-8") as feed:
        feed.write((DEMO / "feed-more.jsonl").read_text(encoding="utf-8"))
    report = daemon.run_once()
    assert report.posts_scanned == 3
    assert len(report.incidents_opened) == 1
    assert len(daemon.store.list_incidents()) == total + 1


class Recording:
    """A connector double that records which sites were fetched."""

    platform: ClassVar[str] = "demo"

    def __init__(self, error: Exception | None = None) -> None:
        self.fetched: list[str] = []
        self.error = error
        self.inner = DemoConnector()

    def fetch(self, site: Site, cursor: str | None) -> Page:
        self.fetched.append(site.name)
        if self.error is not None:
            raise self.error
        return self.inner.fetch(site, cursor)

    def check_access(self, site: Site) -> AccessReport:
        return AccessReport(True, "ok")


def test_unapproved_and_expired_sites_are_never_fetched(open_daemon: Any) -> None:
    recording = Recording()
    open_daemon(connector_factory=lambda platform: recording).run_once()
    assert recording.fetched == ["lhs-band-site"]


def test_fatal_error_files_one_gap_then_recovers(open_daemon: Any) -> None:
    failing = Recording(FatalConnectorError("HTTP 401: token revoked"))
    daemon = open_daemon(connector_factory=lambda platform: failing)
    first = daemon.run_once()
    assert first.sites_failed == ["lhs-band-site"]
    daemon.run_once()
    gaps = daemon.store.list_incidents(site="lhs-band-site")
    assert [(g.categories, g.status) for g in gaps] == [(("monitoring.gap",), "open")]
    assert daemon.store.list_sites()[0].health == "unhealthy"
    failing.error = None
    daemon.run_once()
    statuses = {i.id: i.status for i in daemon.store.list_incidents()}
    assert statuses[gaps[0].id] == "resolved"
    assert daemon.store.list_sites()[0].health == "ok"


def test_retriable_error_backs_off_without_a_gap(open_daemon: Any) -> None:
    daemon = open_daemon(
        connector_factory=lambda p: Recording(RetriableConnectorError("HTTP 503", retry_after=90))
    )
    report = daemon.run_once()
    assert report.sites_failed == ["lhs-band-site"]
    assert daemon.store.list_incidents(site="lhs-band-site") == []
    (site,) = [s for s in daemon.store.list_sites() if s.name == "lhs-band-site"]
    assert site.next_poll_at is not None and site.last_success_at is None
    assert daemon.store.lease_due_sites("other", lease_seconds=10) == []  # backing off


def test_one_bad_post_is_skipped_and_the_site_goes_on(
    open_daemon: Any, demo_settings: Settings
) -> None:
    daemon = open_daemon()
    real_scan, real_scan_many = daemon.pipeline.scan, daemon.pipeline.scan_many

    def scan(text: str) -> Any:
        if "All-State" in text:
            raise ValueError("detector crashed")
        return real_scan(text)

    def scan_many(texts: list[str]) -> Any:
        if any("All-State" in text for text in texts):
            raise ValueError("detector crashed")  # the page's batch fails first
        return real_scan_many(texts)

    daemon.pipeline.scan = scan
    daemon.pipeline.scan_many = scan_many
    report = daemon.run_once()
    crashing = sum("All-State" in line for line in (DEMO / "feed.jsonl").open(encoding="utf-8"))
    assert crashing >= 1
    assert report.posts_scanned == 24 - crashing  # the crashing posts alone are skipped
    assert report.sites_polled == ["lhs-band-site"]


class Paged:
    """Three pages of one post each; SIGTERM arrives while the second page is fetched."""

    platform: ClassVar[str] = "demo"

    def __init__(self) -> None:
        self.calls = 0

    def fetch(self, site: Site, cursor: str | None) -> Page:
        n = int(cursor or 0)
        self.calls += 1
        if n == 1:
            os.kill(os.getpid(), signal.SIGTERM)
        post = Post(id=f"p{n}", text=f"call me at (217) 555-01{n:02d}")
        return Page(posts=(post,), next_cursor=str(n + 1), has_more=n < 2)

    def check_access(self, site: Site) -> AccessReport:
        return AccessReport(True, "ok")


def test_sigterm_finishes_the_current_page_then_exits_cleanly(open_daemon: Any) -> None:
    paged = Paged()
    daemon = open_daemon(connector_factory=lambda p: paged)
    with daemon.signals():
        daemon.run_forever(idle_max=0.1)  # returns once SIGTERM is handled
    assert daemon.stopping
    assert paged.calls == 2  # the page in flight was recorded, no further page fetched
    assert daemon.store.get_cursor("lhs-band-site") == "2"
    assert [i.post_id for i in daemon.store.list_incidents(site="lhs-band-site")] == ["p0", "p1"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handler restored


# -- systemd notify, SIGHUP reload (issue 8) ------------------------------------------------


def test_run_forever_speaks_sd_notify(open_daemon: Any, tmp_path_factory: Any) -> None:
    """READY=1 after start-up, STATUS= per pass, WATCHDOG=1 while sleeping, STOPPING=1."""
    import socket as sock_mod
    import tempfile
    import threading
    import time

    from sitewatch.ops.sdnotify import SdNotifier

    folder = Path(tempfile.mkdtemp(prefix="sd-", dir="/tmp"))
    path = str(folder / "notify")
    listener = sock_mod.socket(sock_mod.AF_UNIX, sock_mod.SOCK_DGRAM)
    listener.bind(path)
    listener.settimeout(0.2)
    notifier = SdNotifier(
        environ={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "300000", "WATCHDOG_PID": str(os.getpid())}
    )
    daemon = open_daemon(notifier=notifier)
    messages: list[str] = []

    def collect() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                messages.append(listener.recv(4096).decode())
            except TimeoutError:
                continue
            statuses = [i for i, m in enumerate(messages) if m.startswith("STATUS=polled")]
            if statuses and messages[statuses[0] :].count("WATCHDOG=1") >= 3:
                break
        daemon.request_stop()

    thread = threading.Thread(target=collect)
    thread.start()
    try:
        daemon.run_forever(idle_max=30.0)  # sleeps long: only the watchdog pings go out
    finally:
        thread.join(timeout=35)
        time.sleep(0.1)
        while True:
            try:
                messages.append(listener.recv(4096).decode())
            except (TimeoutError, OSError):
                break
        listener.close()
        Path(path).unlink(missing_ok=True)
        folder.rmdir()
    assert messages[0].startswith("READY=1")
    status = next(m for m in messages if m.startswith("STATUS=polled"))
    assert status == (
        f"STATUS=polled 1 sites, {len(daemon.store.list_incidents())} incidents, queue 0"
    )
    after = messages[messages.index(status) + 1 :]
    assert after.count("WATCHDOG=1") >= 3  # while sleeping, every WatchdogSec/3
    assert messages[-1] == "STOPPING=1"


def _write_config(path: Path, state: Path, sites: list[tuple[str, Path]], extra: str = "") -> None:
    blocks = [f'state_dir = "{state}"\n{extra}']
    for name, feed in sites:
        blocks.append(
            f"""
[[sites]]
name = "{name}"
platform = "demo"
target = "{feed}"
sponsor = "sponsor@lakeview.k12.us"
[sites.approval]
by = "Designee"
on = 2026-01-01
ref = "SUP-1"
review_by = 2099-12-31
"""
        )
    path.write_text("\n".join(blocks), encoding="utf-8")


def test_sighup_adds_a_site_and_a_broken_config_keeps_the_old_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A running daemon (signals installed, main thread) picks up a new site on SIGHUP and
    polls it; a config that does not validate is logged and the running one stays."""
    import threading
    import time

    from sitewatch.cli.run import reload_config

    state = tmp_path / "state"
    feed_a, feed_b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    feed_a.write_text('{"id": "a1", "text": "call me at (217) 555-0101"}\n', encoding="utf-8")
    feed_b.write_text('{"id": "b1", "text": "my SSN is 212-55-4321"}\n', encoding="utf-8")
    config = tmp_path / "sitewatch.toml"
    _write_config(config, state, [("site-a", feed_a)])
    settings = load_settings(config)
    store = Store.open(settings.store_url)
    daemon = Daemon(
        settings,
        store,
        build_pipeline(settings, None),
        reloader=lambda: reload_config(str(config)),
    )
    seen: dict[str, Any] = {}

    def polled(name: str) -> bool:
        return any(s.name == name and s.last_success_at for s in store.list_sites())

    def wait(predicate: Any, timeout: float = 20) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return False

    def drive() -> None:
        try:
            seen["a"] = wait(lambda: polled("site-a"))
            _write_config(config, state, [("site-a", feed_a), ("site-b", feed_b)])
            os.kill(os.getpid(), signal.SIGHUP)
            seen["b"] = wait(lambda: polled("site-b"))
            config.write_text(config.read_text() + "\n[daemon]\npoll_interval = -1\n")
            os.kill(os.getpid(), signal.SIGHUP)
            failed = daemon.metrics.reloads.labels(outcome="failed")
            seen["failed"] = wait(lambda: failed._value.get() == 1)
            time.sleep(0.3)  # it keeps running passes with the old config
            seen["running"] = not daemon.stopping
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=drive)
    safety = threading.Timer(60, daemon.request_stop)
    safety.start()
    thread.start()
    try:
        with daemon.signals():
            daemon.run_forever(idle_max=0.1)
    finally:
        safety.cancel()
        thread.join(timeout=30)
    try:
        assert seen == {"a": True, "b": True, "failed": True, "running": True}
        assert [s.name for s in daemon.settings.sites] == ["site-a", "site-b"]  # the good one
        assert {i.site for i in store.list_incidents()} == {"site-a", "site-b"}
        assert daemon.metrics.reloads.labels(outcome="ok")._value.get() == 1
    finally:
        store.close()
        sensitive.clear()
        structlog.reset_defaults()  # the reload configured logging onto capsys's stream
    err = capsys.readouterr()
    log = err.err + err.out
    assert "config reloaded" in log
    assert "config reload failed; keeping the running configuration" in log
    assert "daemon.poll_interval" in log  # the validation error names the key
    assert "Traceback" not in log
    assert "212-55-4321" not in log  # no post text in the log
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL  # handler restored


def test_reload_without_a_reloader_keeps_running(open_daemon: Any) -> None:
    daemon = open_daemon()
    daemon.request_reload()
    assert daemon.reload() is False
    assert not daemon.stopping


def test_running_daemon_runs_policy_checks_at_most_every_interval(
    open_daemon: Any, demo_settings: Settings
) -> None:
    """A busy daemon starts a pass every few seconds; the policy checks (dates, hours-long
    intervals, a register that rarely moves) run every ``policy_interval`` seconds, or at
    once when the consent file changes. ``run --once`` always runs them."""
    from sitewatch.daemon import PassReport

    def with_interval(seconds: float) -> Settings:
        daemon_settings = demo_settings.daemon.model_copy(update={"policy_interval": seconds})
        return demo_settings.model_copy(update={"daemon": daemon_settings})

    daemon = open_daemon(with_interval(3600.0))
    runs: list[int] = []
    real_run = daemon.policy.run

    def counting_run(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real_run(*args, **kwargs)

    daemon.policy.run = counting_run
    daemon.enforce_policy(PassReport(), always=False)
    daemon.enforce_policy(PassReport(), always=False)
    assert len(runs) == 1  # the second pass within the interval skips them
    daemon.enforce_policy(PassReport())
    assert len(runs) == 2  # always (run --once)
    consent = daemon.settings.consent_path
    assert consent is not None
    stat = consent.stat()
    os.utime(consent, (stat.st_atime, stat.st_mtime + 5))
    daemon.enforce_policy(PassReport(), always=False)
    assert len(runs) == 3  # the register changed: at once
    daemon.settings = with_interval(0.0)
    daemon.enforce_policy(PassReport(), always=False)
    daemon.enforce_policy(PassReport(), always=False)
    assert len(runs) == 5
