"""The redaction processor keeps post text, student names and secrets out of every log line."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from sitewatch.credentials import get_secret
from sitewatch.logs import configure_logging, get_logger, register_sensitive, sensitive


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging("json", "debug", stream=stream)
    yield stream
    sensitive.clear()


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("text", "Maya Chen got suspended"),
        ("post_text", "anything"),
        ("author", "maya_c"),
        ("given_name", "Maya"),
        ("email", "x@y.org"),
        ("password", "hunter22"),
        ("api_key", "k-9f8e7d"),
        ("excerpt", "a quoted excerpt"),
    ],
)
def test_sensitive_keys_are_masked(captured: io.StringIO, key: str, value: str) -> None:
    get_logger("t").info("event", **{key: value})
    (line,) = lines(captured)
    assert line[key] == "[redacted]"
    assert value not in captured.getvalue()


def test_registered_names_and_secrets_are_masked_anywhere(
    captured: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    register_sensitive(["Maya Chen", "41234567"])
    monkeypatch.setenv("SITEWATCH_SMTP_PASSWORD", "s3cr3t-pass")
    assert get_secret("SITEWATCH_SMTP_PASSWORD") == "s3cr3t-pass"
    log = get_logger("t")
    log.info("parse failed for MAYA CHEN id 41234567", detail=["maya chen", {"x": "41234567"}])
    log.error("login failed", error=RuntimeError("auth s3cr3t-pass rejected"))
    out = captured.getvalue()
    for leaked in ("Maya", "MAYA", "maya", "41234567", "s3cr3t-pass"):
        assert leaked not in out
    assert out.count("[redacted]") == 5


def test_emails_and_phones_in_free_text_are_masked(captured: io.StringIO) -> None:
    get_logger("t").warning(
        "bounce from kid@students.lakeview.k12.us, call (217) 555-0147",
        site="band",
        review_by="2027-08-31",
        count=12,
    )
    (line,) = lines(captured)
    assert line["event"] == "bounce from [redacted], call [redacted]"
    assert line["site"] == "band" and line["review_by"] == "2027-08-31" and line["count"] == 12
    assert "timestamp" in line and line["level"] == "warning"


def test_credentials_directory(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from sitewatch.exceptions import CredentialError

    monkeypatch.delenv("SITEWATCH_X_BEARER_TOKEN", raising=False)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    (tmp_path / "sitewatch_x_bearer_token").write_text("tok-123\n")
    assert get_secret("SITEWATCH_X_BEARER_TOKEN") == "tok-123"
    with pytest.raises(CredentialError, match="missing credential SITEWATCH_NOPE"):
        get_secret("SITEWATCH_NOPE", required=True)
    sensitive.clear()
