"""The command line: errors without tracebacks, the incident log, the scan contract."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitewatch.cli import cli
from sitewatch.logs import sensitive

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _forget_sensitive() -> Iterator[None]:
    yield
    sensitive.clear()


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def test_config_check_ok(demo_config: Path) -> None:
    result = invoke("config", "check", "--config", str(demo_config))
    assert result.exit_code == 0, result.output
    assert "demo.toml: OK" in result.output
    assert "lhs-chess-club" in result.output and "no approval on record" in result.output
    assert (
        "detectors: email, phone, ssn, student_id, address, birthdate, roster, rules, toxicity"
    ) in result.output


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[[sites]]\nname = 'x'\n", "sites[0] (name='x').platform: required key is missing"),
        ("state_dir = 1\n", "state_dir: Input should be a valid string"),
        (
            "[detection]\ndetectors = ['email', 'telepathy']\n",
            "unknown detector 'telepathy'; known detectors: address, birthdate, email,",
        ),
        ("[roster]\npath = 'missing.csv'\n", "missing.csv"),
    ],
)
def test_bad_config_is_one_clear_line_no_traceback(
    tmp_path: Path, toml: str, expected: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(path)])
    assert result.exit_code == 2
    assert "sitewatch: error:" in result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_run_once_then_incident_log(demo_config: Path) -> None:
    result = invoke("run", "--once", "--config", str(demo_config))
    assert result.exit_code == 0, result.output
    assert "polled 1 site(s): lhs-band-site" in result.output
    assert "not polled: lhs-chess-club: no approval on record" in result.output
    assert "scanned 24 new post(s); skipped 2 unreadable item(s)" in result.output
    assert "via file" in result.output and ".eml" in result.output

    listed = json.loads(
        invoke("incidents", "list", "--format", "json", "--config", str(demo_config)).output
    )
    assert listed and {"id", "site", "post_url", "categories", "severity", "status"} <= set(
        listed[0]
    )
    assert all(i["status"] == "open" for i in listed)
    policy = {(i["site"], tuple(i["categories"])) for i in listed if i["site"] != "lhs-band-site"}
    assert policy == {
        ("lhs-chess-club", ("policy.site_unapproved",)),
        ("lms-drama-2025", ("policy.approval_expired",)),
    }
    assert "filed 4 policy incident(s)" in result.output  # + 2 unconsented members
    critical = invoke(
        "incidents",
        "list",
        "--format",
        "json",
        "--min-severity",
        "critical",
        "--config",
        str(demo_config),
    )
    assert {i["severity"] for i in json.loads(critical.output)} == {"critical"}
    table = invoke("incidents", "list", "--config", str(demo_config))
    assert table.output.splitlines()[0].split() == [
        "id",
        "created",
        "(UTC)",
        "site",
        "severity",
        "status",
        "categories",
        "post",
    ]

    shown = invoke("incidents", "show", str(listed[0]["id"]), "--config", str(demo_config))
    assert f"incident #{listed[0]['id']}" in shown.output
    assert "IIBGC" in shown.output
    missing = CliRunner().invoke(cli, ["incidents", "show", "99999", "--config", str(demo_config)])
    assert missing.exit_code == 1 and "no incident #99999" in missing.output

    again = invoke("run", "--once", "--config", str(demo_config))
    assert "filed 0 new incident(s)" in again.output
    assert "delivered 0 notification(s)" in again.output


def test_db_upgrade_and_current(demo_config: Path) -> None:
    from sitewatch.store.migrate import head_revision

    head = head_revision()
    first = invoke("db", "upgrade", "--config", str(demo_config))
    assert f"store schema: (empty) -> {head}" in first.output
    current = invoke("db", "current", "--config", str(demo_config)).output
    assert f"current: {head}  head: {head}" in current


def test_sites_list(demo_config: Path) -> None:
    out = invoke("sites", "list", "--config", str(demo_config)).output
    assert "lms-drama-2025" in out and "expired" in out


# -- the scan contract ---------------------------------------------------------------------
POSTS = [
    '{"id": "a", "text": "Call Maya at (217) 555-0147 tonight"}',
    "",
    "{not json",
    '{"id": 7, "text": "SSN: 212-55-4321 — naïve 🎺"}',
    '{"text": "no id"}',
    '["a list"]',
    '{"id": "b", "text": 5}',
    '{"id": "c", "text": "Concert is Friday at 7pm. Office: (555) 010-2000"}',
]


def test_scan_jsonl_contract(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(POSTS) + "\n", encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text('[detection.pii]\nallow_phones = ["(555) 010-2000"]\n')
    result = invoke("scan", str(path), "--config", str(config))
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == ["a", 3, 7, 5, 6, "b", "c"]
    assert "not valid JSON" in out[1]["error"]
    assert 'missing or invalid "id"' in out[3]["error"]
    assert "expected a JSON object" in out[4]["error"]
    assert '"text" must be a string' in out[5]["error"]
    (phone,) = out[0]["findings"]
    assert phone["category"] == "pii.phone"
    text0 = json.loads(POSTS[0])["text"]
    assert text0[phone["start"] : phone["end"]] == "(217) 555-0147"
    assert set(phone) == {
        "category",
        "severity",
        "score",
        "start",
        "end",
        "detector",
        "explanation",
    }
    (ssn,) = out[2]["findings"]
    text3 = json.loads(POSTS[3])["text"]
    assert (ssn["category"], ssn["severity"]) == ("pii.ssn", "critical")
    assert text3[ssn["start"] : ssn["end"]] == "212-55-4321"
    assert out[6]["findings"] == []


def test_scan_stdin_and_roster_and_table(tmp_path: Path, roster_file: Path) -> None:
    stdin = '{"id": 1, "text": "Jordan Ellis was in detention again"}\n'
    result = invoke("scan", "-", "--roster", str(roster_file), stdin=stdin)
    (line,) = [json.loads(x) for x in result.output.splitlines()]
    categories = {f["category"] for f in line["findings"]}
    assert "pii.education_record" in categories
    assert "Jordan" not in json.dumps(line["findings"][0]["explanation"])
    table = invoke("scan", "-", "--roster", str(roster_file), "--format", "table", stdin=stdin)
    assert "pii.education_record" in table.output


def test_models_shows_the_active_backend(tmp_path: Path) -> None:
    out = invoke("models", "--config", str(REPO / "config" / "demo.toml")).output
    assert "toxicity backend: ensemble" in out
    assert "the offline default" in out and "never OLID" in out
    config = tmp_path / "c.toml"
    config.write_text(
        '[detection.toxicity]\nbackend = "detoxify"\ncheckpoint = "nope.ckpt"\n'
        'huggingface_config_path = "hf"\n'
    )
    broken = CliRunner().invoke(cli, ["models", "--config", str(config)])
    assert broken.exit_code == 2
    assert "nope.ckpt" in broken.output and "Traceback" not in broken.output


def test_sites_check(demo_config: Path) -> None:
    ok = CliRunner().invoke(cli, ["sites", "check", "lhs-band-site", "--config", str(demo_config)])
    assert ok.exit_code == 0, ok.output
    assert "lhs-band-site" in ok.output and " ok " in ok.output
    (demo_config.parent.parent / "var" / "demo" / "feed.jsonl").unlink()
    broken = CliRunner().invoke(cli, ["sites", "check", "--config", str(demo_config)])
    assert broken.exit_code == 1
    assert "FAILED" in broken.output and "demo feed not found" in broken.output
    unknown = CliRunner().invoke(cli, ["sites", "check", "nope", "--config", str(demo_config)])
    assert unknown.exit_code == 1 and "no site named 'nope'" in unknown.output
