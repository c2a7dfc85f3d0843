"""The review page's inbox with 10,000 incidents: server time per request.

A store (SQLite file; PostgreSQL too when the test server at $SITEWATCH_TEST_PG_URL answers)
gets 40 sites and ``--incidents`` incidents spread over a year; the inbox page is rendered
through the ASGI app in-process (Starlette's TestClient) with a logged-in session, for a set
of filter/sort/page combinations, as a technology-staff account (all sites) and as a
sponsor (their own sites). "Server time" is measured around the ASGI app call, from the
request to the last byte of the response. Prints the median and p95 per scenario over
``--requests`` requests each (after two warm-up requests), and overall. Target: under
300 ms. Asserts nothing about time.

    .venv/bin/python bench/web_inbox.py [--incidents 10000] [--requests 30] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from starlette.testclient import TestClient

from sitewatch.config import WebSettings
from sitewatch.models import Severity
from sitewatch.store.models import IncidentRow, SiteRow
from sitewatch.store.repository import Store
from sitewatch.web.app import create_app

PG_ADMIN_URL = os.environ.get(
    "SITEWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CATEGORIES = [
    ["pii.student_name"], ["pii.student_id"], ["pii.phone"], ["pii.email"],
    ["pii.education_record", "pii.student_name"], ["content.insult"], ["content.threat"],
    ["content.profanity"], ["rule.harassment"], ["monitoring.gap"],
]  # fmt: skip
STATUSES = ["open"] * 4 + ["acknowledged", "resolved", "resolved", "false_positive"]
SCENARIOS = [
    ("tech", "no filter (newest first)", ""),
    ("tech", "one site", "?site=site-07"),
    ("tech", "severity >= high", "?severity=high"),
    ("tech", "category pii.*", "?category=pii.*"),
    ("tech", "status open + 30 days", "?status=open&since={since}&until={until}"),
    ("tech", "sort by severity, page 40", "?sort=severity&dir=desc&page=40"),
    ("tech", "category content.threat", "?category=content.threat&status=open"),
    ("sponsor", "sponsor: own sites", ""),
    ("sponsor", "sponsor: open, high", "?status=open&severity=high"),
]


class Timed:
    """ASGI wrapper timing each HTTP request from its call to the end of the response."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        start = time.perf_counter()
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.last = time.perf_counter() - start


def populate(store: Store, n: int, now: datetime, seed: int = 7) -> None:
    rng = random.Random(seed)
    with store.sessions.begin() as s:
        s.execute(
            insert(SiteRow),
            [
                {
                    "name": f"site-{i:02d}",
                    "platform": "demo",
                    "target": f"/feeds/{i}.jsonl",
                    "sponsor": "sponsor@district.k12.us" if i < 3 else f"s{i}@district.k12.us",
                    "state": "approved",
                    "pollable": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(40)
            ],
        )
        site_ids = list(s.scalars(SiteRow.__table__.select().with_only_columns(SiteRow.id)))
        rows = []
        for i in range(n):
            severity = rng.choices(list(Severity)[1:], weights=[4, 4, 2, 1])[0]
            created = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            cats = rng.choice(CATEGORIES)
            rows.append(
                {
                    "site_id": rng.choice(site_ids),
                    "dedup_key": f"post:{i}",
                    "post_id": str(i),
                    "post_url": f"https://example.org/p/{i}",
                    "post_author": f"author {rng.randint(1, 3000)}",
                    "posted_at": created,
                    "severity": severity.label,
                    "severity_rank": int(severity),
                    "categories": cats,
                    "clauses": ["5b" if c.startswith("pii.") else "5a" for c in cats][:1],
                    "summary": "a roster student named; a district student number",
                    "status": rng.choice(STATUSES),
                    "evidence_text": "x" * rng.randint(80, 400),
                    "redactions": [],
                    "actions_taken": [],
                    "escalation_step": 0,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        for chunk in range(0, n, 2000):
            s.execute(insert(IncidentRow), rows[chunk : chunk + 2000])
    for name, role, email in (
        ("tech", "tech", "tech@district.k12.us"),
        ("sponsor", "sponsor", "sponsor@district.k12.us"),
    ):
        store.add_user(name, role, password_hash=None, email=email, actor="bench", source="bench")


def client_for(app: Any, store: Store, username: str) -> TestClient:
    found = store.credentials(username)
    assert found is not None
    token = secrets.token_urlsafe(32)
    store.create_session(found[0].id, token, secrets.token_urlsafe(32), address="bench",
                         user_agent="bench")  # fmt: skip
    client = TestClient(app, follow_redirects=False)
    client.cookies.set("sitewatch", token)
    return client


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(label: str, url: str, n: int, requests: int) -> list[float]:
    now = datetime.now(UTC)
    store = Store.open(url)
    t0 = time.perf_counter()
    populate(store, n, now)
    print(f"\n{label}: {n:,} incidents stored in {time.perf_counter() - t0:.1f} s")
    timed = Timed(create_app(store, web=WebSettings(cookie_secure=False)))
    clients = {u: client_for(timed, store, u) for u in ("tech", "sponsor")}
    since, until = (now - timedelta(days=30)).date(), now.date()
    every: list[float] = []
    print(f"{'scenario':34} {'rows':>6} {'median ms':>10} {'p95 ms':>8}")
    for user, name, query in SCENARIOS:
        path = "/incidents" + query.format(since=since, until=until)
        times = []
        for i in range(requests + 2):
            response = clients[user].get(path)
            assert response.status_code == 200, response.text[:300]
            if i >= 2:
                times.append(timed.last * 1000)
        found = re.search(r'class="summary">(\d+) incident', response.text)
        total = found.group(1) if found else "?"
        every += times
        print(f"{name:34} {total:>6} {statistics.median(times):10.1f} {pct(times, 0.95):8.1f}")
    print(f"{'ALL':34} {'':>6} {statistics.median(every):10.1f} {pct(every, 0.95):8.1f}")
    for c in clients.values():
        c.close()
    store.close()
    return every


@contextmanager
def postgres() -> Iterator[str | None]:
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        admin = make_url(PG_ADMIN_URL)
        params: dict[str, Any] = {
            "host": admin.host, "port": admin.port or 5432, "user": admin.username,
            "dbname": admin.database, "autocommit": True, "connect_timeout": 3,
        }  # fmt: skip
        name = f"sitewatch_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(**params) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        print(f"\nPostgreSQL not reachable at {PG_ADMIN_URL} ({type(exc).__name__}); skipped")
        yield None
        return
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = run(
            "SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.incidents, args.requests
        )
    if not args.no_postgres:
        with postgres() as url:
            if url:
                results["PostgreSQL"] = run("PostgreSQL", url, args.incidents, args.requests)
    print("\nTarget: inbox under 300 ms per request (server time).")
    worst: Callable[[list[float]], float] = lambda v: pct(v, 0.95)  # noqa: E731
    for label, values in results.items():
        verdict = "OK" if worst(values) < 300 else "SLOWER THAN TARGET"
        print(f"  {label}: p95 over every scenario {worst(values):.1f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
