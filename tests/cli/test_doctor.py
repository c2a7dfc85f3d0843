"""`sitewatch doctor`: green rows when everything is in place, a red row with a fix for each
thing that is not, and exit 1 when any row is red."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result

from sitewatch.cli import cli
from sitewatch.logs import sensitive
from sitewatch.store.repository import Store

APPROVAL = """
[sites.approval]
by = "Designee"
on = 2026-01-01
ref = "SUP-1"
review_by = 2099-12-31
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(autouse=True)
def _no_ambient_secrets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (
        "CREDENTIALS_DIRECTORY",
        "SITEWATCH_REDDIT_CLIENT_ID",
        "SITEWATCH_REDDIT_CLIENT_SECRET",
        "SITEWATCH_SMTP_PASSWORD",
    ):
        monkeypatch.delenv(name, raising=False)
    yield
    sensitive.clear()


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.state = root / "state"
        self.feed = root / "feed.jsonl"
        self.feed.write_text('{"id": "1", "text": "hello"}\n', encoding="utf-8")
        self.config = root / "sitewatch.toml"

    def write(self, extra: str = "", sites: str | None = None, migrate: bool = True) -> Path:
        site = (
            sites
            if sites is not None
            else f"""
[[sites]]
name = "band"
platform = "demo"
target = "{self.feed}"
sponsor = "band@lakeview.k12.us"
{APPROVAL}"""
        )
        self.config.write_text(f'state_dir = "{self.state}"\n{extra}\n{site}', encoding="utf-8")
        if migrate:
            Store.open(f"sqlite:///{self.state / 'sitewatch.db'}").close()
        return self.config


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)


def doctor(config: Path) -> Result:
    return CliRunner().invoke(cli, ["doctor", "--config", str(config), "--timeout", "3"])


def rows(result: Result) -> dict[str, tuple[str, str]]:
    """check → (status, the rest of the line)."""
    out: dict[str, tuple[str, str]] = {}
    for line in result.output.splitlines()[2:]:
        for status in ("  ok  ", "  FAIL  "):
            if status in line:
                check, _, rest = line.partition(status)
                rest = rest.strip()
                if rest.endswith("  -"):  # an empty fix column
                    rest = rest[:-1].strip()
                out[check.strip()] = (status.strip(), rest)
                break
    return out


def test_all_green(ws: Workspace) -> None:
    result = doctor(ws.write())
    assert result.exit_code == 0, result.output
    got = rows(result)
    assert {k: v[0] for k, v in got.items()} == {
        "config": "ok",
        "roster": "ok",
        "database": "ok",
        "migrations": "ok",
        "credentials": "ok",
        "site band": "ok",
        "outbox": "ok",
        "toxicity model": "ok",
    }
    assert "at head" in got["migrations"][1]
    assert "all checks passed" in result.output
    assert not (ws.state / "outbox").exists()  # the doctor creates nothing


def test_missing_secret_is_red_with_a_fix_and_a_present_one_is_not_printed(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    reddit = f"""
[[sites]]
name = "band-reddit"
platform = "reddit"
target = "r/LakeviewBand"
sponsor = "band@lakeview.k12.us"
endpoint = "http://127.0.0.1:{free_port()}"
{APPROVAL}"""
    monkeypatch.setenv("SITEWATCH_REDDIT_CLIENT_ID", "client-id-value-123")
    result = doctor(ws.write(sites=reddit))
    assert result.exit_code == 1
    got = rows(result)
    status, rest = got["credential SITEWATCH_REDDIT_CLIENT_SECRET"]
    assert status == "FAIL"
    assert "missing (needed by reddit)" in rest
    assert "/etc/sitewatch/credentials/sitewatch_reddit_client_secret" in rest
    assert got["credential SITEWATCH_REDDIT_CLIENT_ID"][0] == "ok"
    assert "client-id-value-123" not in result.output
    assert got["site band-reddit"][0] == "FAIL"


def test_secret_from_the_credentials_directory(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "sitewatch_smtp_password").write_text("hunter2-smtp-secret\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    smtp = f'[notify.smtp]\nhost = "127.0.0.1"\nport = {free_port()}\nusername = "sitewatch"\n'
    result = doctor(ws.write(extra=smtp))
    got = rows(result)
    assert got["credential SITEWATCH_SMTP_PASSWORD"] == (
        "ok",
        "present in the credentials directory (smtp)",
    )
    assert "hunter2" not in result.output


def test_unreachable_smtp_port_is_red(ws: Workspace) -> None:
    port = free_port()
    result = doctor(ws.write(extra=f'[notify.smtp]\nhost = "127.0.0.1"\nport = {port}\n'))
    assert result.exit_code == 1
    status, rest = rows(result)["smtp"]
    assert status == "FAIL"
    assert f"127.0.0.1:{port}" in rest and "firewall" in rest


class Sink:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raise AssertionError("the doctor must not send mail")


def test_reachable_smtp_is_green_and_sends_nothing(ws: Workspace) -> None:
    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        result = doctor(ws.write(extra=f'[notify.smtp]\nhost = "127.0.0.1"\nport = {port}\n'))
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert rows(result)["smtp"] == (
        "ok",
        f"127.0.0.1:{port} (none): EHLO ok (no mail sent)",
    )


def test_starttls_not_offered_is_red(ws: Workspace) -> None:
    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = f'[notify.smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "starttls"\n'
        result = doctor(ws.write(extra=smtp))
    finally:
        controller.stop()
    status, rest = rows(result)["smtp"]
    assert status == "FAIL" and "does not offer STARTTLS" in rest


def test_unwritable_outbox_is_red(ws: Workspace) -> None:
    blocker = ws.root / "not-a-folder"
    blocker.write_text("a file where the outbox's parent should be")
    result = doctor(ws.write(extra=f'[notify]\noutbox_dir = "{blocker}/outbox"\n'))
    assert result.exit_code == 1
    status, rest = rows(result)["outbox"]
    assert status == "FAIL"
    assert "is not a folder" in rest and "notify.outbox_dir" in rest


def test_store_that_does_not_connect_is_red(ws: Workspace) -> None:
    url = f"postgresql+psycopg://sitewatch:pw-should-not-show@127.0.0.1:{free_port()}/sitewatch"
    result = doctor(ws.write(extra=f'[store]\nurl = "{url}"\n', migrate=False))
    assert result.exit_code == 1
    got = rows(result)
    assert got["database"][0] == "FAIL" and "cannot connect" in got["database"][1]
    assert got["migrations"][0] == "FAIL" and "not reachable" in got["migrations"][1]
    assert "pw-should-not-show" not in result.output


def test_unmigrated_store_is_red(ws: Workspace) -> None:
    result = doctor(ws.write(migrate=False))
    got = rows(result)
    assert got["database"][0] == "ok"  # created at first start
    assert got["migrations"][0] == "FAIL" and "sitewatch db upgrade" in got["migrations"][1]
    assert not (ws.state / "sitewatch.db").exists()  # the doctor creates nothing


def test_broken_config_is_one_red_row(ws: Workspace) -> None:
    ws.config.write_text("[daemon]\npoll_interval = -1\n")
    result = doctor(ws.config)
    assert result.exit_code == 1
    got = rows(result)
    assert list(got) == ["config"]
    assert got["config"][0] == "FAIL" and "daemon.poll_interval" in got["config"][1]
    assert "Traceback" not in result.output
