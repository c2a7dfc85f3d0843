"""Display helpers for hostile text, and the `sitewatch users` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitewatch.cli import cli
from sitewatch.store.repository import Store
from sitewatch.web.passwords import verify
from sitewatch.web.text import Segment, clean, csv_cell, safe_url, segments


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/p/1", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("vbscript:x", False),
        ("//example.org/x", False),
        ("https://exa\u202emple.org", False),
        ("https://example.org/a b", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_url(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_clean_strips_bidi_and_controls_but_keeps_newlines() -> None:
    assert clean("a\u202eb\u2066c\u2069d\x1be\nf\tg") == "abcde\nf\tg"
    assert clean(None) == ""


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("plain", "plain"), ("a=b", "a=b")],
)  # fmt: skip
def test_csv_cell(value: str, cell: str) -> None:
    assert csv_cell(value) == cell


def test_segments_mask_mark_and_reveal() -> None:
    text = "Hi Maya Chen, you idiot"
    findings = [(3, 12, "pii.student_name"), (18, 23, "content.insult")]
    masks = [(3, 12, "student name")]
    assert segments(text, findings, masks, reveal=False) == [
        Segment("Hi "),
        Segment("[student name]", "masked", "hidden: student name"),
        Segment(", you "),
        Segment("idiot", "mark", "content.insult"),
    ]
    assert segments(text, findings, masks, reveal=True)[1] == Segment(
        "Maya Chen", "mark", "pii.student_name"
    )


def test_segments_merge_overlaps_and_clamp() -> None:
    out = segments("abcdef", [(1, 99, "x")], [(0, 3, "a"), (2, 4, "b")], reveal=False)
    assert out == [Segment("[a]", "masked", "hidden: a"), Segment("ef", "mark", "x")]


# -- sitewatch users -----------------------------------------------------------------------------
@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "sitewatch.toml"
    path.write_text(f'state_dir = "{tmp_path / "state"}"\n', encoding="utf-8")
    return path


def run(config: Path, *args: str, stdin: str | None = None) -> str:
    result = CliRunner().invoke(
        cli, ["users", *args, "--config", str(config)], input=stdin, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_users_add_passwd_disable_list(config: Path, tmp_path: Path) -> None:
    run(config, "add", "Band.Sponsor@lakeview.k12.us", "--role", "sponsor", "--password-stdin",
        "--actor", "it-admin", stdin="a long enough password\n")  # fmt: skip
    out = run(config, "add", "alex", "--role", "tech", "--name", "Alex", stdin="pw-123456789\n" * 2)
    assert "added alex (tech)" in out
    listed = json.loads(run(config, "list", "--format", "json"))
    assert [(u["username"], u["role"], u["email"]) for u in listed] == [
        ("alex", "tech", None),
        ("band.sponsor@lakeview.k12.us", "sponsor", "band.sponsor@lakeview.k12.us"),
    ]
    assert "password" not in json.dumps(listed).replace('"password"', "")
    run(config, "passwd", "alex", "--password-stdin", stdin="another long password\n")
    run(config, "disable", "alex")
    assert "disabled" in run(config, "list")
    store = Store.open(f"sqlite:///{tmp_path / 'state' / 'sitewatch.db'}")
    try:
        found = store.credentials("alex")
        assert found is not None and verify(found[1], "another long password")
        assert found[0].disabled
        actions = [(e.action, e.target_id) for e in store.audit_log(target_type="account")]
        assert actions == [
            ("account.added", "band.sponsor@lakeview.k12.us"),
            ("account.added", "alex"),
            ("account.password_changed", "alex"),
            ("account.disabled", "alex"),
        ]
        assert store.audit_log(action="account.added")[0].actor == "it-admin"
    finally:
        store.close()


def test_users_refuses_short_passwords_and_password_arguments(config: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["users", "add", "x", "--role", "viewer", "--password-stdin", "--config", str(config)],
        input="short\n",
    )
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    result = CliRunner().invoke(
        cli, ["users", "add", "x", "--role", "viewer", "--password", "hunter2hunter2"]
    )
    assert result.exit_code == 2 and "No such option" in result.output


def test_sponsor_needs_an_email(config: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["users", "add", "bo", "--role", "sponsor", "--password-stdin", "--config", str(config)],
        input="a long enough password\n",
    )
    assert result.exit_code == 2 and "needs an e-mail" in result.output
