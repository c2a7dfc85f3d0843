"""Consent, audit, evidence, site record and compliance report commands on the demo."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitewatch.cli import cli
from sitewatch.logs import sensitive


@pytest.fixture(autouse=True)
def _forget_sensitive() -> Iterator[None]:
    yield
    sensitive.clear()


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def ran(demo_config: Path) -> Path:
    result = run("run", "--once", "--config", str(demo_config))
    assert result.exit_code == 0, result.output
    return demo_config


def test_consent_add_list_revoke_and_audit(ran: Path) -> None:
    c = str(ran)
    added = run(
        "consent",
        "add",
        "stu-012",
        "--site",
        "lhs-band-site",
        "--handle",
        "marcus_w",
        "--granted",
        "2026-11-01",
        "--form-location",
        "band office",
        "--actor",
        "principal",
        "--config",
        c,
    )
    assert added.exit_code == 0, added.output
    listed = json.loads(
        run("consent", "list", "--format", "json", "--student", "stu-012", "--config", c).output
    )
    assert listed == [
        {
            "student": "stu-012",
            "site": "lhs-band-site",
            "handles": ["marcus_w"],
            "granted": "2026-11-01",
            "form_location": "band office",
            "revoked": None,
            "in_force": True,
            "source": "cli",
        }
    ]
    revoked = run(
        "consent",
        "revoke",
        "stu-012",
        "--site",
        "lhs-band-site",
        "--on",
        "2026-11-20",
        "--actor",
        "principal",
        "--config",
        c,
    )
    assert revoked.exit_code == 0 and "revoked on 2026-11-20" in revoked.output
    assert "NO" in run("consent", "list", "--student", "stu-012", "--config", c).output
    bad = run(
        "consent", "add", "nobody", "--granted", "2026-11-01", "--form-location", "x", "--config", c
    )
    assert bad.exit_code == 2 and "not a student in the roster" in bad.output
    missing = run("consent", "revoke", "stu-999", "--config", c)
    assert missing.exit_code == 1 and "no consent record" in missing.output
    audit = json.loads(
        run("audit", "list", "--actor", "principal", "--format", "json", "--config", c).output
    )
    assert [e["action"] for e in audit] == ["consent.added", "consent.revoked"]
    assert all(e["target_id"] == "stu-012@lhs-band-site" for e in audit)


def test_consent_import_rejects_bad_rows_with_numbers(ran: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "sourcedId,site,handles,granted,form_location,revoked\n"
        "stu-001,lhs-band-site,,2026-09-01,,\n"
        "stu-404,lhs-band-site,,2026-09-01,,\n"
        "stu-002,no-such-site,,2026-09-01,,\n"
    )
    result = run("consent", "import", str(bad), "--config", str(ran))
    assert result.exit_code == 2
    assert "row 3: sourcedId is not in the roster" in result.output
    assert "row 4: site 'no-such-site' is not a configured site" in result.output
    assert "nothing imported" in result.output and "Traceback" not in result.output


def test_evidence_is_masked_unless_revealed_and_always_audited(ran: Path) -> None:
    c = str(ran)
    listed = json.loads(run("incidents", "list", "--format", "json", "--config", c).output)
    ssn = next(i for i in listed if "pii.ssn" in i["categories"])
    masked = run("incidents", "evidence", str(ssn["id"]), "--actor", "tech1", "--config", c)
    assert masked.exit_code == 0
    assert "212-55-4321" not in masked.output and "[SSN]" in masked.output
    shown = run(
        "incidents", "evidence", str(ssn["id"]), "--reveal", "--actor", "tech1", "--config", c
    )
    assert "212-55-4321" in shown.output
    events = json.loads(
        run(
            "audit",
            "list",
            "--action",
            "incident.evidence_viewed",
            "--format",
            "json",
            "--config",
            c,
        ).output
    )
    assert [(e["actor"], e["details"]["revealed"]) for e in events] == [
        ("tech1", False),
        ("tech1", True),
    ]
    assert all(e["target_id"] == str(ssn["id"]) for e in events)


def test_hostile_evidence_is_inert_in_a_terminal(ran: Path) -> None:
    c = str(ran)
    listed = json.loads(run("incidents", "list", "--format", "json", "--config", c).output)
    for incident in listed:
        out = run("incidents", "evidence", str(incident["id"]), "--reveal", "--config", c).output
        assert "\u202e" not in out and "\x1b" not in out


def test_sites_show_record_and_history(ran: Path) -> None:
    out = run("sites", "show", "lhs-band-site", "--config", str(ran)).output
    assert "SUP-2026-014" in out and "asst.director@lakeview.k12.us" in out
    assert "Custom domain, one year" in out and "PO-26-0412" in out
    assert "administrators, technology staff" in out
    data = json.loads(
        run("sites", "show", "lhs-band-site", "--format", "json", "--config", str(ran)).output
    )
    assert data["history"][0]["actor"] == "config"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_compliance_report_in_every_format(ran: Path, tmp_path: Path) -> None:
    c = str(ran)
    table = run("report", "compliance", "--config", c)
    assert table.exit_code == 0
    assert "lhs-chess-club: 1: no approval on record" in table.output
    assert "lhs-band-site: 4: 2 student member(s) without consent" in table.output

    data = json.loads(run("report", "compliance", "--format", "json", "--config", c).output)
    sites = {s["site"]: s for s in data["sites"]}
    band = sites["lhs-band-site"]
    assert band["members_matched_students"] == 5 and band["members_with_consent"] == 3
    assert band["state"] == "approved" and band["monitored"] is True
    assert band["costs_unapproved"] == 0 and band["access_check"] == "ok"
    assert sites["lms-drama-2025"]["state"] == "expired"
    assert all(s["compliant"] is False for s in data["sites"])

    rows = list(
        csv.DictReader(
            io.StringIO(run("report", "compliance", "--format", "csv", "--config", c).output)
        )
    )
    assert [r["site"] for r in rows] == ["lhs-band-site", "lhs-chess-club", "lms-drama-2025"]
    assert rows[0]["members_without_consent"] == "2"

    out = tmp_path / "report.html"
    written = run("report", "compliance", "--format", "html", "--output", str(out), "--config", c)
    assert written.exit_code == 0
    parser = _Text()
    parser.feed(out.read_text())
    assert "script" not in parser.tags
    assert "lhs-band-site" in "".join(parser.text)
    bad = run(
        "report", "compliance", "--since", "2026-12-01", "--until", "2026-11-01", "--config", c
    )
    assert bad.exit_code == 2


def test_incident_lifecycle_commands(ran: Path) -> None:
    c = str(ran)
    listed = json.loads(
        run(
            "incidents", "list", "--format", "json", "--site", "lhs-band-site", "--config", c
        ).output
    )
    iid = str(listed[-1]["id"])
    assert "acknowledged" in run("incidents", "ack", iid, "--actor", "coach", "--config", c).output
    again = run("incidents", "ack", iid, "--config", c)
    assert again.exit_code == 2 and "cannot ack" in again.output
    no_reason = run("incidents", "false-positive", iid, "--config", c)
    assert no_reason.exit_code == 2  # --reason is required
    fp = run(
        "incidents",
        "false-positive",
        iid,
        "--reason",
        "a song lyric",
        "--actor",
        "coach",
        "--config",
        c,
    )
    assert "false_positive" in fp.output
    assert "open" in run("incidents", "reopen", iid, "--config", c).output
    assert (
        "note added"
        in run("incidents", "note", iid, "called home", "--actor", "coach", "--config", c).output
    )
    assert (
        "asst.director@lakeview.k12.us"
        in run("incidents", "assign", iid, "backup", "--config", c).output
    )
    assert "resolved" in run("incidents", "resolve", iid, "--config", c).output
    shown = json.loads(run("incidents", "show", iid, "--format", "json", "--config", c).output)
    assert shown["status"] == "resolved" and shown["assignee"] == "asst.director@lakeview.k12.us"
    assert shown["notes"][0]["text"] == "called home"
    audit = json.loads(
        run(
            "audit", "list", "--target", f"incident:{iid}", "--format", "json", "--config", c
        ).output
    )
    assert [e["action"] for e in audit if e["actor"] == "coach"] == [
        "incident.ack",
        "incident.false_positive",
        "incident.note",
    ]
    missing = run("incidents", "ack", "99999", "--config", c)
    assert missing.exit_code == 2 and "no incident #99999" in missing.output
