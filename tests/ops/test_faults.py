"""Fault injection: SIGKILL at random points, the database dropping every connection, a full
disk under the file outbox, and 429 storms and malformed bodies from a platform."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from glob import glob
from pathlib import Path
from typing import Any

import psycopg
import pytest
from blogfarm import BlogFarm
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from structlog.testing import capture_logs

import sitewatch.notify.transports as transports
from sitewatch.bootstrap import build_pipeline
from sitewatch.config import Settings
from sitewatch.daemon import Daemon
from sitewatch.logs import sensitive
from sitewatch.scan.pipeline import ScanPipeline
from sitewatch.store.models import IncidentRow, OutboxRow, PostDigestRow, SiteRow
from sitewatch.store.repository import Store

SettingsFactory = Callable[..., Settings]
THREAT = "I will bring a gun to the game"


def write_posts(feed: Path, start: int, count: int) -> list[str]:
    """Append ``count`` posts (every fifth a threat) to a demo feed; returns their ids."""
    ids = []
    with feed.open("a", encoding="utf-8") as out:
        for i in range(start, start + count):
            text = THREAT if i % 5 == 0 else f"Rehearsal moved to room {i}, bring your music."
            out.write(json.dumps({"id": f"p{i}", "text": text, "author": "band"}) + "\n")
            ids.append(f"p{i}")
    return ids


def settings_for(
    make_settings: SettingsFactory,
    demo_site: Callable[..., dict[str, Any]],
    feed: Path,
    store_url: str | None = None,
    **daemon: Any,
) -> Settings:
    data: dict[str, Any] = {
        "sites": [demo_site(feed, options={"page_size": 10})],
        "notify": {"tech_staff": ["techdesk@lakeview.k12.us"]},
        "daemon": daemon,
        "logging": {"format": "json"},
    }
    if store_url is not None:
        data["store"] = {"url": store_url}
    return make_settings(**data)


@pytest.fixture
def pipeline_for() -> Iterator[Callable[[Settings], ScanPipeline]]:
    yield lambda settings: build_pipeline(settings, None)
    sensitive.clear()


def check_store(store: Store, planted: list[str]) -> None:
    """No lost post (each has one digest), no duplicate incident, every message sent once."""
    with store.sessions() as s:
        digests = Counter(s.scalars(select(PostDigestRow.post_id)))
        incidents = Counter(s.scalars(select(IncidentRow.post_id)))
        outbox = list(s.execute(select(OutboxRow.incident_id, OutboxRow.status)))
    assert set(digests) == set(planted) and set(digests.values()) == {1}
    threats = {p for p in planted if int(p[1:]) % 5 == 0}
    assert set(incidents) == threats and set(incidents.values()) <= {1}
    assert {st for _, st in outbox} <= {"sent"}
    assert sorted(i for i, _ in outbox) == sorted(set(i for i, _ in outbox))
    assert len(outbox) == len(threats)


# -- (a) SIGKILL at random points ------------------------------------------------------------
@pytest.mark.slow
def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    tmp_path: Path,
    make_settings: SettingsFactory,
    demo_site: Callable[..., dict[str, Any]],
    pipeline_for: Callable[[Settings], ScanPipeline],
) -> None:
    """50 runs of the `run --once` pass, each SIGKILLed at a random point of its work, then
    run to completion. The kill is drawn from 0 to a window that starts at 300 ms and follows
    the machine's pace: it shrinks after a run that finished before its kill and grows back
    (to at most 300 ms) after one that was killed, so the kills spread over the run however
    fast this machine scans.

    The runs are forked from this process after the pipeline is built (what `sitewatch run
    --once` does after its ~2 s of imports and model loading), so the kill lands in the
    daemon's work: fetching, scanning, the page transaction, the outbox drain.
    """
    feed = tmp_path / "feed.jsonl"
    feed.touch()
    settings = settings_for(make_settings, demo_site, feed)
    pipeline = pipeline_for(settings)
    seed = int(os.environ.get("SITEWATCH_FAULT_SEED", "8"))
    rng = random.Random(seed)
    planted: list[str] = []
    killed = 0

    def run_child(kill_after: float | None) -> bool:
        """Fork a `run --once`; SIGKILL it after ``kill_after`` s. True if it was killed."""
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 1
            try:
                store = Store.open(settings.store_url)  # at head: a no-op check
                Daemon(settings, store, pipeline, worker="child").run_once()
                store.close()
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        if kill_after is not None:
            deadline = time.monotonic() + kill_after
            while time.monotonic() < deadline:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    assert os.waitstatus_to_exitcode(status) == 0
                    return False
                time.sleep(0.002)
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        assert code in (0, -signal.SIGKILL), f"the run exited with {code} (seed {seed})"
        return code == -signal.SIGKILL

    # Migrated first: a kill inside the very first SQLite migration leaves a half-made
    # schema (pysqlite commits before DDL), which is a separate, known issue.
    Store.open(settings.store_url).close()
    started = time.monotonic()
    window = 0.3
    for n in range(50):
        planted += write_posts(feed, len(planted), 30)
        if run_child(rng.uniform(0.0, window)):
            killed += 1
            window = min(0.3, window * 1.1)
        else:
            window *= 0.8
        run_child(None)  # rerun to completion
        store = Store.open(settings.store_url, migrate=False)
        try:
            check_store(store, planted)
        except AssertionError as exc:
            raise AssertionError(f"after kill #{n} (seed {seed}): {exc}") from exc
        finally:
            store.close()
    assert killed >= 25, f"only {killed} of 50 runs were killed mid-way"
    files = [p for p in settings.outbox_path.glob("*.eml") if not p.name.startswith(".")]
    assert len(files) == len(planted) // 5  # one file per message: repeats overwrite
    assert time.monotonic() - started < 90


# -- (b) PostgreSQL drops every connection mid-run ---------------------------------------
@pytest.mark.postgres
def test_database_connections_killed_mid_run_reconnects_and_loses_nothing(
    pg_url: str,
    tmp_path: Path,
    make_settings: SettingsFactory,
    demo_site: Callable[..., dict[str, Any]],
    pipeline_for: Callable[[Settings], ScanPipeline],
) -> None:
    feed = tmp_path / "feed.jsonl"
    planted = write_posts(feed, 0, 400)
    settings = settings_for(make_settings, demo_site, feed, pg_url, poll_interval=0.2)
    store = Store.open(pg_url)
    daemon = Daemon(settings, store, pipeline_for(settings))
    thread = threading.Thread(target=daemon.run_forever, kwargs={"idle_max": 0.5}, daemon=True)

    def digests() -> int:
        with store.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(PostDigestRow)) or 0)

    url = make_url(pg_url)
    admin = psycopg.connect(
        host=url.host, port=url.port or 5432, user=url.username, dbname=url.database
    )
    admin.autocommit = True
    terminated = 0
    try:
        with capture_logs() as logs:
            thread.start()
            deadline = time.monotonic() + 30
            while digests() < 50 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert digests() < len(planted), "the run finished before the fault"
            for _ in range(3):  # a few times, so some land inside a page's transaction
                cur = admin.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                row = cur.fetchone()
                terminated += int(row[0]) if row else 0
                time.sleep(0.15)
            while time.monotonic() < deadline:
                if digests() == len(planted) and store.outbox_counts().get("pending", 0) == 0:
                    break
                time.sleep(0.05)
            assert thread.is_alive(), "the daemon died with the connections"
        assert terminated >= 1
        check_store(store, planted)
        problems = [e for e in logs if e["event"] == "store unavailable; retrying"]
        assert problems, "the outage was not logged"
        assert all(e["log_level"] == "error" for e in problems)
    finally:
        daemon.request_stop()
        thread.join(10)
        admin.close()
        store.close()


# -- (b2) the PostgreSQL server itself restarted under load -----------------------------------
class PrivateCluster:
    """A throwaway PostgreSQL server (initdb + pg_ctl from the machine's PostgreSQL) on a free
    port, so a test can restart the server itself without touching the shared one. As root,
    the server runs as the ``postgres`` user (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        bindir = next(
            (
                Path(p).parent
                for p in [
                    shutil.which("pg_ctl") or "",
                    *sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl")),
                ]
                if p and Path(p).exists()
            ),
            None,
        )
        if bindir is None:
            if os.environ.get("CI") == "true":
                pytest.fail("pg_ctl/initdb not found; CI installs PostgreSQL's server binaries")
            pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="sitewatch-pg-", dir="/tmp"))
        self.data = self.root / "data"
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            import pwd

            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bindir / tool), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off",
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_cluster() -> Iterator[PrivateCluster]:
    cluster = PrivateCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def test_postgresql_server_restarted_under_load_reconnects_and_loses_nothing(
    private_cluster: PrivateCluster,
    tmp_path: Path,
    make_settings: SettingsFactory,
    demo_site: Callable[..., dict[str, Any]],
    pipeline_for: Callable[[Settings], ScanPipeline],
) -> None:
    """The server goes down mid-run (a fast shutdown: every session and transaction cut) and
    comes back 1.5 s later on the same port: the daemon logs the outage, keeps running,
    reconnects and finishes with every post scanned once and every message sent once."""
    feed = tmp_path / "feed.jsonl"
    planted = write_posts(feed, 0, 400)
    url = private_cluster.url
    settings = settings_for(make_settings, demo_site, feed, url, poll_interval=0.2)
    store = Store.open(url)
    daemon = Daemon(settings, store, pipeline_for(settings))
    thread = threading.Thread(target=daemon.run_forever, kwargs={"idle_max": 0.5}, daemon=True)

    def digests() -> int:
        with store.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(PostDigestRow)) or 0)

    try:
        with capture_logs() as logs:
            thread.start()
            deadline = time.monotonic() + 60
            while digests() < 50 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert digests() < len(planted), "the run finished before the fault"
            private_cluster.stop()
            time.sleep(1.5)  # the daemon meets a dead server for a while
            private_cluster.start()
            while time.monotonic() < deadline:
                try:
                    if digests() == len(planted) and store.outbox_counts().get("pending", 0) == 0:
                        break
                except OperationalError:
                    pass  # this test's own pool meets the restart too
                time.sleep(0.05)
            assert thread.is_alive(), "the daemon died with the server"
        check_store(store, planted)
        problems = [e for e in logs if e["event"] == "store unavailable; retrying"]
        assert problems, "the outage was not logged"
        assert any(e["event"] == "store available again" for e in logs)
    finally:
        daemon.request_stop()
        thread.join(10)
        store.close()


# -- (c) a full disk under the file outbox ---------------------------------------------------
def test_full_disk_keeps_the_message_pending_and_delivers_it_later(
    tmp_path: Path,
    make_settings: SettingsFactory,
    demo_site: Callable[..., dict[str, Any]],
    pipeline_for: Callable[[Settings], ScanPipeline],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    feed = tmp_path / "feed.jsonl"
    planted = write_posts(feed, 0, 5)  # p0 is a threat: one message
    settings = settings_for(make_settings, demo_site, feed)
    now = [datetime(2026, 11, 2, 15, 0, tzinfo=UTC)]
    store = Store.open(settings.store_url, clock=lambda: now[0])
    daemon = Daemon(settings, store, pipeline_for(settings))

    def full(src: Any, dst: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    try:
        monkeypatch.setattr(transports.os, "replace", full)
        with capture_logs() as logs:
            report = daemon.run_once()
        assert report.messages_delivered == [] and report.messages_failed == 1
        (failure,) = [e for e in logs if e["event"] == "notification not delivered"]
        assert failure["log_level"] == "error"
        assert "No space left on device" in failure["error"]
        assert store.outbox_counts() == {"pending": 1}
        assert not list(settings.outbox_path.glob("*")), "a partial file was left behind"

        monkeypatch.undo()  # space returns
        assert daemon.run_once().messages_delivered == []  # still backing off
        now[0] += timedelta(minutes=2)
        report = daemon.run_once()
        assert len(report.messages_delivered) == 1
        assert store.outbox_counts() == {"sent": 1}
        assert len(list(settings.outbox_path.glob("*.eml"))) == 1
        check_store(store, planted)
    finally:
        store.close()


# -- (d) 429 storms and malformed responses --------------------------------------------------
@pytest.fixture
def farm() -> Iterator[BlogFarm]:
    server = BlogFarm(["band", "drama"]).start()
    try:
        yield server
    finally:
        server.stop()


def test_429_storm_and_malformed_feed_back_off_with_jitter_and_count(
    tmp_path: Path,
    farm: BlogFarm,
    make_settings: SettingsFactory,
    pipeline_for: Callable[[Settings], ScanPipeline],
) -> None:
    sites = [
        {
            "name": name,
            "platform": "rss",
            "target": f"https://{name}.lakeview.example/feed/",
            "endpoint": farm.endpoint(name),
            "sponsor": "band.sponsor@lakeview.k12.us",
            "options": {"comments": False, "timeout": 2},
            "approval": {"by": "D", "on": "2026-01-01", "ref": "R", "review_by": "2099-12-31"},
        }
        for name in ("band", "drama")
    ]
    for name in ("band", "drama"):
        farm.blogs[name].add_post(f"<p>{THREAT}</p>")
    settings = make_settings(sites=sites, daemon={"backoff_initial": 30.0, "backoff_max": 600.0})
    store = Store.open(settings.store_url)
    daemon = Daemon(settings, store, pipeline_for(settings))
    sample = daemon.metrics.registry.get_sample_value

    def delays() -> dict[str, float]:
        now = datetime.now(UTC)
        with store.sessions() as s:
            return {
                n: (due - now).total_seconds()
                for n, due in s.execute(select(SiteRow.name, SiteRow.next_poll_at))
            }

    try:
        daemon.run_once()  # access checks and the first poll, while the fake is healthy
        farm.fail(429, times=1000)  # a storm: every request is refused
        reports = [daemon.run_once() for _ in range(3)]
        assert all(sorted(r.sites_failed) == ["band", "drama"] for r in reports)
        after = delays()
        # Third consecutive failure: 30 s * 2**2 = 120 s, with ±20 % jitter.
        assert all(96 - 2 <= d <= 144 + 1 for d in after.values()), after
        assert after["band"] != after["drama"]  # jitter: not in lockstep
        errors = sample(
            "sitewatch_connector_errors_total", {"platform": "rss", "kind": "retriable"}
        )
        assert errors == 6
        assert sample("sitewatch_polls_total", {"site": "band", "outcome": "retriable_error"}) == 3
        daemon.metrics.refresh_from_store(store)
        assert sample("sitewatch_site_healthy", {"site": "band"}) == 1  # retriable: no gap
        assert sample("sitewatch_poll_lag_seconds", {"site": "band"}) == 0  # backing off

        with farm._lock:
            farm._faults.clear()
        farm.malformed(times=1000)  # 200 with a body that is no feed
        report = daemon.run_once()
        assert sorted(report.sites_failed) == ["band", "drama"]
        assert all(d > 180 for d in delays().values())  # the fourth failure: 240 s ± 20 %
        errors = sample(
            "sitewatch_connector_errors_total", {"platform": "rss", "kind": "retriable"}
        )
        assert errors == 8
        assert store.list_incidents(status="open")  # the threats; no monitoring.gap
        assert not [i for i in store.list_incidents() if "monitoring.gap" in i.categories]

        with farm._lock:
            farm._faults.clear()
        farm.blogs["band"].add_post("<p>Concert at seven.</p>")
        report = daemon.run_once()  # recovered: polls again, finds the new post
        assert sorted(report.sites_polled) == ["band", "drama"] and report.posts_scanned == 1
        assert sample("sitewatch_polls_total", {"site": "band", "outcome": "ok"}) == 2
        assert all(d <= settings.daemon.poll_interval + 1 for d in delays().values())
    finally:
        store.close()
