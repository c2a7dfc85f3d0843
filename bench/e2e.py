"""End-to-end throughput: fake platform sites → `sitewatch run` → PostgreSQL → file outbox.

    .venv/bin/python bench/e2e.py                        # 100,000 posts, 20 sites, no toxicity
    .venv/bin/python bench/e2e.py --toxicity             # the same with the toxicity detector
    .venv/bin/python bench/e2e.py --workers 2            # two worker processes, one database
    .venv/bin/python bench/e2e.py --posts 1000000        # long run: is RSS flat after warm-up?
    .venv/bin/python bench/e2e.py --platform rss         # the WordPress blogs instead of X

``--platform x`` (the default): 20 district accounts on the test suite's X API v2 fake
(tests/fakes/x.py: JSON timelines, ``since_id``/``until_id`` paging, 100 posts a request),
read by the real X connector (tweepy). ``--platform rss``: the suite's RSS fake (real RSS
2.0, conditional GET) behind one port (tests/ops/blogfarm.py), each blog serving its latest
``--window`` posts as WordPress does — every fetch re-parses the whole feed with feedparser,
which bounds that run near a few hundred posts/s on its own.

An injector keeps every site's unread backlog within the window, so the daemon is
saturated but never loses a post off a feed: the rate measured is the daemon's sustained
capacity. Every 50th post is a threat: an incident and an e-mail (.eml in the file outbox).

The daemon is the real thing: ``python -m sitewatch run`` on a fresh PostgreSQL database —
one process, or ``--workers N`` processes sharing it as in a scale-out deployment (each
leases sites with ``FOR UPDATE SKIP LOCKED``). Reported: posts/s (first injection → last
digest), p50/p99 post-to-incident latency (injection wall time → incident ``created_at``),
each worker's peak RSS (VmHWM) and, sampled every second, the workers' RSS over time: at each
quarter of the run and its slope over the second half (after warm-up it should stay flat).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "ops")]

import psycopg  # noqa: E402
from blogfarm import SPONSOR, BlogFarm, district_toml  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from fakes.x import LIMITS, FakeX  # noqa: E402
from sitewatch.config import DEFAULT_DETECTORS  # noqa: E402
from sitewatch.store.models import (  # noqa: E402
    IncidentRow,
    OutboxRow,
    PostDigestRow,
)
from sitewatch.store.repository import Store  # noqa: E402

THREAT_EVERY = 50
X_BEARER = "fake-bearer"
APPROVAL = (
    "[sites.approval]\n"
    'by = "Superintendent\'s designee"\n'
    "on = 2026-01-01\n"
    'ref = "SUP-1"\n'
    "review_by = 2099-12-31\n\n"
)


def answer_at_once(server: Any) -> None:
    """TCP_NODELAY on a fake's connections. The fakes' handler writes the headers and the
    body separately; with Nagle on, the body waits for the client's delayed ACK (~40 ms a
    request on Linux), which would be measured as the daemon's time."""
    server._httpd.RequestHandlerClass.disable_nagle_algorithm = True


class RssSites:
    """Fake WordPress blogs: ``--window`` posts per feed, the whole feed parsed per fetch."""

    label = "rss (tests/fakes/rss.py blogs behind tests/ops/blogfarm.py, feedparser)"

    def __init__(self, names: list[str], window: int) -> None:
        self.names, self.window = names, window
        self.farm = BlogFarm(names, posts_per_rss=window, advertise_comments=False)
        answer_at_once(self.farm)
        self.farm.start()

    def config(self, path: Path, **kwargs: Any) -> Path:
        return district_toml(
            path,
            self.farm,
            sites=self.names,
            site_options={"page_size": 1000, "comments_feed": ""},
            **kwargs,
        )

    def env(self) -> dict[str, str]:
        return {}

    def add(self, name: str, text: str, title: str, now: datetime) -> str:
        blog = self.farm.blogs[name]
        blog._clock = now - timedelta(minutes=1)  # the fake stamps "now"
        return blog.post_guid(blog.add_post(f"<p>{text}</p>", title=title))

    def trim(self, name: str, scanned: int) -> None:
        # Keep only the window in memory: WordPress serves the latest N anyway.
        blog = self.farm.blogs[name]
        with blog._lock:
            keep = (blog.posts_per_rss or 0) * 2
            if keep and len(blog.posts) > keep:
                del blog.posts[: len(blog.posts) - keep]

    def stop(self) -> None:
        self.farm.stop()


class XSites:
    """District accounts on one fake X API: JSON timelines, 100 posts a request."""

    label = "x (tests/fakes/x.py, the X connector via tweepy, page_size 100)"

    def __init__(self, names: list[str], window: int) -> None:
        self.names, self.window = names, window
        self.fake = FakeX(handle="LakeviewDistrict", bearer_token=X_BEARER)
        for family in LIMITS:  # a bench, not a rate-limit test: never run out
            self.fake.set_rate_limit(family, remaining=10**12, reset_in=10**8)
        self.ids: dict[str, list[str]] = {name: [] for name in names}
        self.trimmed: dict[str, int] = dict.fromkeys(names, 0)
        for name in names:
            self.fake.add_user(name)
        answer_at_once(self.fake)
        self.fake.start()

    def config(self, path: Path, **kwargs: Any) -> Path:
        tables = "".join(
            "[[sites]]\n"
            f'name = "{name}"\n'
            'platform = "x"\n'
            f'target = "@{name}"\n'
            f'endpoint = "{self.fake.url}"\n'
            f'sponsor = "{SPONSOR}"\n'
            'options = { page_size = 100, replies = "none", timeout = 5 }\n' + APPROVAL
            for name in self.names
        )
        extra = tables + kwargs.pop("extra", "")
        return district_toml(path, None, sites=[], extra=extra, **kwargs)

    def env(self) -> dict[str, str]:
        return {"SITEWATCH_X_BEARER_TOKEN": X_BEARER}

    def add(self, name: str, text: str, title: str, now: datetime) -> str:
        tweet = self.fake.add_tweet(f"{title}: {text}", author=name)
        self.ids[name].append(tweet)
        return tweet

    def trim(self, name: str, scanned: int) -> None:
        # Drop what the daemon has committed (less a margin): the fake filters every tweet
        # it holds on each request, X serves an account's newest 3,200 anyway.
        upto = max(0, scanned - 10)
        ids = self.ids[name]
        with self.fake._lock:
            for tweet in ids[self.trimmed[name] : upto]:
                self.fake.tweets.pop(int(tweet), None)
        self.trimmed[name] = max(self.trimmed[name], upto)

    def stop(self) -> None:
        self.fake.stop()


PLATFORMS: dict[str, type[RssSites] | type[XSites]] = {"rss": RssSites, "x": XSites}


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope (y per x)."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / var if var else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Progress:
    """Posts the daemon has committed, per site, read off its own Prometheus endpoint
    (``sitewatch_posts_scanned_total``, counted after each page's commit). Counting the
    digest table instead would cost PostgreSQL a scan of a growing table several times a
    second — measurable at a million posts, on a 2-core machine."""

    def __init__(self, ports: list[int]) -> None:
        self.urls = [f"http://127.0.0.1:{port}/metrics" for port in ports]
        self.last: dict[str, dict[str, int]] = {url: {} for url in self.urls}

    def scanned(self) -> dict[str, int]:
        """Summed over the workers (each counts the pages it committed)."""
        totals: Counter[str] = Counter()
        for url in self.urls:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    text = response.read().decode()
            except OSError:
                totals.update(self.last[url])  # not listening yet
                continue
            counts: dict[str, int] = {}
            for line in text.splitlines():
                if line.startswith('sitewatch_posts_scanned_total{site="'):
                    site = line.split('"')[1]
                    counts[site] = int(float(line.rsplit(" ", 1)[1]))
            self.last[url] = counts
            totals.update(counts)
        return dict(totals)


class Injector(threading.Thread):
    """Adds posts to the blogs, keeping each blog's unread backlog ≤ ``backlog``."""

    def __init__(
        self, sites: RssSites | XSites, progress: Progress, total: int, backlog: int
    ) -> None:
        super().__init__(daemon=True)
        self.sites, self.progress, self.total, self.backlog = sites, progress, total, backlog
        self.injected: dict[str, int] = dict.fromkeys(sites.names, 0)
        self.at: dict[str, float] = {}  # threat guid -> wall time (epoch s) at injection
        self.first: float | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        per_site = self.total // len(self.sites.names)
        while not self.stop.is_set():
            done = self.progress.scanned()
            if all(n >= per_site for n in self.injected.values()):
                return
            for name in self.sites.names:
                want = min(per_site, done.get(name, 0) + self.backlog) - self.injected[name]
                for _ in range(max(0, want)):
                    i = self.injected[name]
                    now = datetime.now(UTC)
                    threat = i % THREAT_EVERY == THREAT_EVERY - 1
                    text = (
                        f"If practice is cancelled again I will bring a gun, says post {i}."
                        if threat
                        else f"Great concert tonight, thanks to every family who came ({i})."
                    )
                    post_id = self.sites.add(name, text, f"Update {i}", now)
                    if threat:
                        self.at[post_id] = now.timestamp()
                    self.injected[name] += 1
                    if self.first is None:
                        self.first = time.time()
                self.sites.trim(name, done.get(name, 0))
            time.sleep(0.25)


def make_database(admin_url: str) -> tuple[str, dict[str, Any]]:
    admin = make_url(admin_url)
    name = f"sitewatch_bench_{uuid.uuid4().hex[:8]}"
    params: dict[str, Any] = {
        "host": admin.host,
        "port": admin.port or 5432,
        "user": admin.username,
        "dbname": admin.database,
        "autocommit": True,
    }
    with psycopg.connect(**params) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.set(database=name).render_as_string(hide_password=False), {**params, "n": name}


def drop_database(params: dict[str, Any]) -> None:
    name = params.pop("n")
    with psycopg.connect(**params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--platform", choices=sorted(PLATFORMS), default="x")
    ap.add_argument(
        "--window", type=int, default=400, help="each site's unread backlog (posts a feed serves)"
    )
    ap.add_argument(
        "--toxicity",
        action="store_true",
        help="include the toxicity detector (the offline default backend, batched per page)",
    )
    ap.add_argument(
        "--toxicity-backend",
        choices=["ensemble", "profanity_check", "sitewatch"],
        help="with --toxicity: the backend (default: the config default, ensemble)",
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes sharing the database (the scale-out deployment)",
    )
    ap.add_argument(
        "--pg",
        default=os.environ.get(
            "SITEWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
        help="an admin URL: a fresh database is created there and dropped afterwards",
    )
    ap.add_argument("--timeout", type=float, default=3600.0)
    ap.add_argument("--profile", metavar="FILE", help="run the daemon under cProfile")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = ap.parse_args()
    # SIGTERM/Ctrl-C: still stop the daemon and drop the database (the finally below).
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    names = [f"blog{i:02d}" for i in range(args.sites)]
    detectors = [d for d in DEFAULT_DETECTORS if args.toxicity or d != "toxicity"]
    url, db = make_database(args.pg)
    sites = PLATFORMS[args.platform](names, args.window)
    print(f"platform: {sites.label}", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="sitewatch-e2e-"))
    ports = [free_port() for _ in range(args.workers)]
    configs = [
        sites.config(
            work / f"sitewatch-{n}.toml",
            store_url=url,
            daemon={
                "poll_interval": 0.2,
                "lease_seconds": 120.0,
                "max_pages_per_poll": 5,
                "metrics_port": port,
            },
            detectors=detectors,
            extra=(
                f'\n[detection.toxicity]\nbackend = "{args.toxicity_backend}"\n'
                if args.toxicity_backend
                else ""
            ),
        )
        for n, port in enumerate(ports)
    ]
    store = Store.open(url)
    env = {k: v for k, v in os.environ.items() if k != "CREDENTIALS_DIRECTORY"}
    log = (work / "daemon.log").open("wb")
    daemons = [
        subprocess.Popen(
            [
                sys.executable,
                *(["-m", "cProfile", "-o", f"{args.profile}.{n}"] if args.profile else []),
                "-m",
                "sitewatch",
                "run",
                "--config",
                str(config),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**env, **sites.env()},
        )
        for n, config in enumerate(configs)
    ]
    progress = Progress(ports)
    injector = Injector(sites, progress, args.posts - args.posts % args.sites, args.window)
    samples: list[tuple[float, float]] = []
    try:
        time.sleep(0.5)
        injector.start()
        deadline = time.monotonic() + args.timeout
        total = injector.total
        last_report = 0.0
        while time.monotonic() < deadline:
            for daemon in daemons:
                if daemon.poll() is not None:
                    raise SystemExit(f"a worker exited ({daemon.returncode}); see {log.name}")
            if injector.first is not None:
                rss = sum(rss_kib(d.pid) for d in daemons) / 1024
                samples.append((time.time() - injector.first, rss))
            digests, pending = sum(progress.scanned().values()), -1
            if digests >= total:  # the end is near: confirm it in the database itself
                with store.sessions() as s:
                    digests = s.scalar(select(func.count()).select_from(PostDigestRow)) or 0
                    pending = (
                        s.scalar(
                            select(func.count())
                            .select_from(OutboxRow)
                            .where(OutboxRow.status == "pending")
                        )
                        or 0
                    )
            if time.monotonic() - last_report > 10:
                last_report = time.monotonic()
                rss = samples[-1][1] if samples else 0.0
                print(f"  … {digests:,}/{total:,} posts, RSS {rss:.0f} MB", file=sys.stderr)
            if digests >= total and pending == 0:
                break
            time.sleep(1.0)
        else:
            raise SystemExit("timed out")
        peaks = [rss_kib(d.pid, "VmHWM") / 1024 for d in daemons]
        peak = max(peaks)
        with store.sessions() as s:
            last = s.scalar(select(func.max(PostDigestRow.scanned_at)))
            incidents = list(s.execute(select(IncidentRow.post_id, IncidentRow.created_at)))
            sent = s.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "sent")
            )
        assert last is not None and injector.first is not None
        elapsed = last.timestamp() - injector.first
        latencies = sorted(
            created.timestamp() - injector.at[pid]
            for pid, created in incidents
            if pid in injector.at
        )
        emls = len(list((work / "state" / "outbox").glob("*.eml")))
        half = [p for p in samples if p[0] >= samples[-1][0] / 2] if samples else []
        growth = slope(half) * 60  # MB per minute over the second half

        def rss_at(fraction: float) -> float:
            end = samples[-1][0] * fraction
            return min(samples, key=lambda p: abs(p[0] - end))[1] if samples else 0.0

        quarters = [round(rss_at(q), 1) for q in (0.25, 0.5, 0.75, 1.0)]
        figures = {
            "posts": total,
            "sites": args.sites,
            "platform": args.platform,
            "detectors": (
                f"with toxicity ({args.toxicity_backend or 'default backend'})"
                if args.toxicity
                else "without toxicity"
            ),
            "seconds": round(elapsed, 1),
            "posts_per_second": round(total / elapsed, 1),
            "incidents": len(incidents),
            "emails_sent": sent,
            "eml_files": emls,
            "latency_p50_s": round(statistics.median(latencies), 2) if latencies else None,
            "latency_p99_s": round(latencies[int(len(latencies) * 0.99) - 1], 2)
            if latencies
            else None,
            "workers": args.workers,
            "peak_rss_mb": round(peak, 1),
            "peak_rss_mb_per_worker": [round(p, 1) for p in peaks],
            "rss_mb_at_quarters": quarters,
            "rss_slope_mb_per_min_second_half": round(growth, 2),
            "rss_first_last_second_half_mb": [round(half[0][1], 1), round(half[-1][1], 1)]
            if half
            else None,
        }
        print(
            f"{total:,} posts / {args.sites} {args.platform} sites ({figures['detectors']}): "
            f"{figures['posts_per_second']:,} posts/s in {elapsed:.1f} s\n"
            f"post→incident latency p50 {figures['latency_p50_s']} s, "
            f"p99 {figures['latency_p99_s']} s ({len(latencies)} incidents, "
            f"{sent} e-mails, {emls} .eml files)\n"
            f"{args.workers} worker(s); peak RSS {peak:.0f} MB (largest worker); RSS (all "
            f"workers) at 25/50/75/100% of the run: {' / '.join(f'{q:.0f}' for q in quarters)} "
            f"MB; slope over the second half {growth:+.2f} MB/min"
        )
        # No log line may carry post text or a secret: check every line the workers wrote.
        log.flush()
        leaks = [
            line
            for line in (work / "daemon.log").read_text(errors="replace").splitlines()
            if any(s in line for s in ("Great concert", "bring a gun", "Update ", X_BEARER))
        ]
        lines = len((work / "daemon.log").read_text(errors="replace").splitlines())
        figures["log_lines"], figures["log_lines_with_post_text_or_token"] = lines, len(leaks)
        print(f"daemon log: {lines:,} lines, {len(leaks)} with post text or the API token")
        if args.json:
            print(json.dumps(figures))
        return 0 if not leaks else 1
    finally:
        injector.stop.set()
        for daemon in daemons:
            if daemon.poll() is None:
                daemon.send_signal(signal.SIGTERM)
        for daemon in daemons:
            try:
                daemon.wait(30)
            except subprocess.TimeoutExpired:
                daemon.kill()
        log.close()
        store.close()
        sites.stop()
        drop_database(db)


if __name__ == "__main__":
    raise SystemExit(main())
