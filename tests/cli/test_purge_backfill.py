"""`sitewatch purge`, `sitewatch backfill` and `sitewatch db reencrypt` from the command line."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from sitewatch.cli import cli
from sitewatch.logs import sensitive
from sitewatch.store.crypto import KEY_ENV, OLD_KEY_ENV, PREFIX
from sitewatch.store.models import AuditEventRow, IncidentRow
from sitewatch.store.repository import Store

THREAT = "I will bring a gun to practice"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (KEY_ENV, OLD_KEY_ENV, "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    yield
    sensitive.clear()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    feed = tmp_path / "feed.jsonl"
    posts = [
        {"id": "old", "text": THREAT, "created_at": "2025-03-01T00:00:00Z"},
        {"id": "a", "text": "Concert on Friday", "created_at": "2026-03-01T00:00:00Z"},
        {"id": "b", "text": THREAT + " again", "created_at": "2026-04-01T00:00:00Z"},
    ]
    feed.write_text("".join(json.dumps(p) + "\n" for p in posts), encoding="utf-8")
    path = tmp_path / "sitewatch.toml"
    path.write_text(
        f"""
state_dir = "{tmp_path / "state"}"
[detection]
detectors = ["rules"]
[[detection.rules]]
name = "threat"
severity = "critical"
keywords = ["bring a gun"]
[retention]
digest_days = 7
[[sites]]
name = "band"
platform = "demo"
target = "{feed}"
sponsor = "band.sponsor@lakeview.k12.us"
options = {{ page_size = 1 }}
[sites.approval]
by = "Designee"
on = 2026-01-01
ref = "SUP-1"
review_by = 2099-12-31
""",
        encoding="utf-8",
    )
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def store_for(config: Path) -> Store:
    return Store.open(f"sqlite:///{config.parent / 'state' / 'sitewatch.db'}")


def test_purge_dry_run_and_purge_print_counts_and_audit(config: Path) -> None:
    assert (
        invoke("backfill", "band", "--since", "2026-01-01", "--config", str(config)).exit_code == 0
    )
    dry = invoke("purge", "--dry-run", "--config", str(config), "--actor", "alice")
    assert dry.exit_code == 0, dry.output
    assert "would purge" in dry.output and "digests" in dry.output
    assert "audit events are never purged" in dry.output
    real = invoke("purge", "--config", str(config))
    assert real.exit_code == 0
    assert "purged 0 item(s) in all" in real.output  # nothing is old enough yet
    store = store_for(config)
    try:
        with store.sessions() as s:
            actions = list(s.scalars(select(AuditEventRow.action)))
    finally:
        store.close()
    assert actions.count("retention.dry_run") == 1 and actions.count("retention.purge") == 1
    assert "gun" not in real.output + dry.output


def test_backfill_quiet_then_finished(config: Path) -> None:
    result = invoke("backfill", "band", "--since", "2026-01-01", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "band: page 1" in result.output  # plain progress lines when not a terminal
    assert "scanned 2 post(s)" in result.output
    assert "1 older than --since skipped" in result.output
    assert "filed 1 new incident(s)" in result.output
    assert "no mail sent" in result.output
    assert not list((config.parent / "state" / "outbox").glob("*.eml"))
    again = invoke("backfill", "band", "--since", "2026-01-01", "--config", str(config))
    assert "already finished" in again.output


def test_backfill_notify_delivers_mail(config: Path) -> None:
    result = invoke(
        "backfill", "band", "--since", "2026-01-01", "--notify", "--config", str(config)
    )
    assert result.exit_code == 0, result.output
    assert "queued 1 notification(s); delivered 1" in result.output
    assert len(list((config.parent / "state" / "outbox").glob("*.eml"))) == 1


def test_backfill_of_an_unknown_site_is_a_one_line_error(config: Path) -> None:
    result = CliRunner().invoke(
        cli, ["backfill", "nope", "--since", "2026-01-01", "--config", str(config)]
    )
    assert result.exit_code == 2
    assert "unknown site 'nope'" in result.output


def test_reencrypt_rotates_the_evidence_key(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = (base64.b64encode(os.urandom(32)).decode() for _ in range(2))
    monkeypatch.setenv(KEY_ENV, old)
    assert (
        invoke("backfill", "band", "--since", "2026-01-01", "--config", str(config)).exit_code == 0
    )
    monkeypatch.setenv(KEY_ENV, new)
    monkeypatch.setenv(OLD_KEY_ENV, old)
    result = invoke("db", "reencrypt", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "re-encrypted 1 incident(s) (1 from the old key, 0 from plaintext)" in result.output
    monkeypatch.delenv(OLD_KEY_ENV)
    shown = invoke("incidents", "evidence", "1", "--reveal", "--config", str(config))
    assert shown.exit_code == 0, shown.output
    assert "bring a gun" in shown.output
    store = store_for(config)
    try:
        with store.sessions() as s:
            stored = s.scalar(select(IncidentRow.evidence_text))
    finally:
        store.close()
    assert stored is not None and stored.startswith(PREFIX)
    monkeypatch.setenv(KEY_ENV, old)  # the retired key no longer opens it
    wrong = CliRunner().invoke(
        cli, ["incidents", "evidence", "1", "--reveal", "--config", str(config)]
    )
    assert wrong.exit_code == 2
    assert "cannot be decrypted" in wrong.output


def test_reencrypt_needs_a_key(config: Path) -> None:
    result = CliRunner().invoke(cli, ["db", "reencrypt", "--config", str(config)])
    assert result.exit_code == 2
    assert f"missing credential {KEY_ENV}" in result.output
