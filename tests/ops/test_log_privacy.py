"""No log line carries post text, a roster name or a secret: a small end to end run.

A few hundred posts with planted student PII, abuse and roster names go through the real
daemon process (`sitewatch run`, JSON logs) from the RSS fake, with platform faults and an
SMTP server that refuses connections, so the error paths log too. Every line is checked.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from blogfarm import BlogFarm, district_toml

from sitewatch.roster import load_roster

pytestmark = pytest.mark.slow

SECRET = "Zq9-smtp-Secret-4471"
TEMPLATES = [
    "Congrats to {name} on the solo tonight! marker{i}x",
    "{name}'s student number is 41234567, call her at 555-0143 marker{i}x",
    "Email {email} for the carpool sheet marker{i}x",
    "You are such a loser {name}, nobody likes you marker{i}x",
    "I will bring a gun to school tomorrow marker{i}x",
    "Rehearsal notes for the spring tour, nothing special marker{i}x",
]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when we return: connections refused


def test_logs_carry_no_post_text_roster_name_or_secret(tmp_path: Path, roster_file: Path) -> None:
    roster = load_roster(roster_file)
    people = [*roster.students, *getattr(roster, "staff", ()), *getattr(roster, "guardians", ())]
    names = sorted({p.full_name for p in roster.students})
    names_and_parts = {n for p in roster.students for n in (p.full_name, p.family_name)}
    assert people and names

    blogs = ["band", "drama", "chess"]
    farm = BlogFarm(blogs).start()
    texts: list[str] = []
    try:
        i = 0
        for round_ in range(100):
            for blog in blogs:
                name = names[i % len(names)]
                student = roster.students[i % len(roster.students)]
                text = TEMPLATES[i % len(TEMPLATES)].format(
                    name=name, email=student.email or "x@students.lakeview.k12.us", i=i
                )
                farm.blogs[blog].add_post(f"<p>{text}</p>", title=f"Post {round_}", author=name)
                texts.append(text)
                i += 1
        config = district_toml(
            tmp_path / "sitewatch.toml",
            farm,
            store_url=f"sqlite:///{tmp_path / 'store.db'}",
            sites=blogs,
            smtp_port=closed_port(),
            extra=f'[roster]\npath = "{roster_file}"\n\n',
            site_options={"page_size": 50},
        )
        text = config.read_text().replace("timeout = 5\n", 'timeout = 5\nusername = "sw"\n', 1)
        config.write_text(text)
        farm.fail(429, times=1)  # the first site's first request: a retriable error
        env = {**os.environ, "SITEWATCH_SMTP_PASSWORD": SECRET, "PYTHONUNBUFFERED": "1"}
        run = subprocess.run(
            [sys.executable, "-m", "sitewatch", "run", "--once", "--config", str(config)],
            capture_output=True,
            env=env,
            timeout=120,
        )
        farm.malformed(times=1)
        again = subprocess.run(
            [sys.executable, "-m", "sitewatch", "run", "--once", "--config", str(config)],
            capture_output=True,
            env=env,
            timeout=120,
        )
    finally:
        farm.stop()
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    assert again.returncode == 0, again.stderr.decode()[-2000:]

    lines = [
        line
        for out in (run.stderr, again.stderr)
        for line in out.decode("utf-8").splitlines()
        if line.strip()
    ]
    events = [json.loads(line) for line in lines]  # every line is a JSON event
    kinds = {e["event"] for e in events}
    # The run did what it should, and its error paths logged (without content).
    assert "notification not delivered" in kinds
    assert "site temporarily unavailable" in kinds
    assert b"scanned 300 new post" in run.stdout

    blob = "\n".join(lines)
    for i in range(len(texts)):
        assert f"marker{i}x" not in blob, f"post text reached the log: post {i}"
    for value in names_and_parts | {SECRET, "41234567", "555-0143"}:
        assert value not in blob, "a roster value or secret reached the log"
    for student in roster.students:
        if student.email:
            assert student.email not in blob
