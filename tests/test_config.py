"""Config loading: every error names the file, the key and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitewatch.config import load_settings
from sitewatch.exceptions import ConfigError

GOOD = """
state_dir = "state"
[detection.pii]
student_id_pattern = "\\\\b4\\\\d{7}\\\\b"
[[sites]]
name = "lhs-band-reddit"
platform = "reddit"
target = "r/LakeviewBand"
sponsor = "band.sponsor@district.k12.us"
endpoint = "http://127.0.0.1:8765"
[sites.approval]
by = "Superintendent's designee"
on = 2026-09-01
ref = "SUP-2026-014"
review_by = 2027-08-31
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sitewatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_contract_example_loads_and_resolves_paths(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, GOOD))
    (site,) = settings.site_models()
    assert site.name == "lhs-band-reddit" and site.endpoint == "http://127.0.0.1:8765"
    assert site.approval is not None and site.approval.ref == "SUP-2026-014"
    assert site.poll_interval == 300
    assert settings.state_path == tmp_path / "state"
    assert settings.store_url == f"sqlite:///{tmp_path / 'state' / 'sitewatch.db'}"
    assert settings.outbox_path == tmp_path / "state" / "outbox"


def test_demo_config_target_resolves_against_the_config_file(tmp_path: Path) -> None:
    text = GOOD.replace('platform = "reddit"', 'platform = "demo"').replace(
        'target = "r/LakeviewBand"', 'target = "feeds/a.jsonl"'
    )
    (site,) = load_settings(write(tmp_path, text)).site_models()
    assert site.target == str(tmp_path / "feeds" / "a.jsonl")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('platform = "reddit"', 'platform = "myspace"'),
            "sites[0] (name='lhs-band-reddit').platform: Input should be 'reddit'",
        ),
        (
            ('sponsor = "band.sponsor@district.k12.us"', 'sponsor = "nobody"'),
            "sites[0] (name='lhs-band-reddit').sponsor: String should match pattern",
        ),
        (
            ("on = 2026-09-01", 'on = "last tuesday"'),
            "sites[0] (name='lhs-band-reddit').approval.on: Input should be a valid date",
        ),
        (
            ('ref = "SUP-2026-014"\n', ""),
            "sites[0] (name='lhs-band-reddit').approval.ref: required key is missing",
        ),
        (
            ("review_by = 2027-08-31", "review_by = 2025-01-01"),
            "approval: Value error, review_by is before the approval date",
        ),
        (
            ('state_dir = "state"', 'state_dir = "state"\nstat_dir = "typo"'),
            "stat_dir: unknown key",
        ),
        (
            ('student_id_pattern = "\\\\b4\\\\d{7}\\\\b"', 'student_id_pattern = "(["'),
            "detection.pii.student_id_pattern: Value error, not a valid regular expression",
        ),
        (
            ('endpoint = "http://127.0.0.1:8765"', 'endpoint = "ftp://x"'),
            "endpoint must be an http:// or https:// URL",
        ),
    ],
)
def test_invalid_values_name_file_key_and_expectation(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    message = str(err.value)
    assert message.startswith(f"{path}: invalid configuration")
    assert expected in message


def test_duplicate_site_names(tmp_path: Path) -> None:
    body = GOOD.split("[[sites]]", 1)[1]
    with pytest.raises(ConfigError, match="site names must be unique; repeated: lhs-band-reddit"):
        load_settings(write(tmp_path, GOOD + "[[sites]]" + body))


def test_secrets_are_refused_in_the_file(tmp_path: Path) -> None:
    text = GOOD + '\n[notify.smtp]\nhost = "mail"\npassword = "hunter22"\n'
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    assert "notify.smtp.password" in str(err.value)
    assert "hunter22" not in str(err.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"state_dir = ", "not valid TOML"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=expected):
        load_settings(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")


def test_rules_are_validated(tmp_path: Path) -> None:
    text = GOOD + '\n[[detection.rules]]\nname = "Bad Name"\nkeywords = ["x"]\n'
    with pytest.raises(ConfigError, match=r"detection.rules\[0\].*name"):
        load_settings(write(tmp_path, text))
    text = GOOD + '\n[[detection.rules]]\nname = "empty"\n'
    with pytest.raises(ConfigError, match="a rule needs `keywords` or `pattern`"):
        load_settings(write(tmp_path, text))
    text = GOOD + '\n[[detection.rules]]\nname = "x"\nkeywords = ["y"]\nseverity = "urgent"\n'
    with pytest.raises(ConfigError, match="unknown severity 'urgent'"):
        load_settings(write(tmp_path, text))


def test_shipped_configs_are_valid() -> None:
    root = Path(__file__).resolve().parents[1] / "config"
    demo = load_settings(root / "demo.toml")
    assert [s.name for s in demo.sites] == ["lhs-band-site", "lhs-chess-club", "lms-drama-2025"]
    example = load_settings(root / "sitewatch.example.toml")
    assert example.sites[0].platform == "reddit"


@pytest.mark.parametrize(
    "addresses",
    [
        ["400 N Main St, Springfield, IL 62701"],
        ["1200 W Park Ave", "88 School St.", "12-14 Rue de la Paix"],
        [],
    ],
)
def test_allow_addresses_are_street_addresses(tmp_path: Path, addresses: list[str]) -> None:
    listed = ", ".join(f'"{a}"' for a in addresses)
    body = GOOD.replace("[detection.pii]\n", f"[detection.pii]\nallow_addresses = [{listed}]\n")
    settings = load_settings(write(tmp_path, body))
    assert settings.detection.pii.allow_addresses == addresses


@pytest.mark.parametrize(
    "bad",
    ["Lakeview High School", "Main St", "400", "400 Main", ""],
)
def test_allow_address_that_is_not_an_address_names_the_entry(tmp_path: Path, bad: str) -> None:
    body = GOOD.replace(
        "[detection.pii]\n", f'[detection.pii]\nallow_addresses = ["1200 W Park Ave", "{bad}"]\n'
    )
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    message = str(err.value)
    assert message.startswith(f"{path}: invalid configuration")
    assert "detection.pii.allow_addresses" in message
    assert "allow_addresses[1]" in message and "is not a street address" in message
