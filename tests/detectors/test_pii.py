"""Regex/library PII recognizers: Presidio-style tables of match and no-match rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pytest

from sitewatch.config import Settings
from sitewatch.detectors.base import DetectorContext
from sitewatch.detectors.pii import EmailDetector, PhoneDetector, SsnDetector, StudentIdDetector
from sitewatch.exceptions import ConfigError
from sitewatch.models import Finding, Severity
from sitewatch.scan.normalize import normalize
from sitewatch.typing import Detector


def run(detector: Detector, text: str) -> list[Finding]:
    detector.load()
    return sorted(detector.detect(normalize(text)), key=lambda f: f.start)


def matched(text: str, findings: Sequence[Finding]) -> list[str]:
    return [text[f.start : f.end] for f in findings]


def assert_explanations_clean(text: str, findings: Sequence[Finding]) -> None:
    """No explanation may repeat the matched value or any run of its digits."""
    for f in findings:
        value = text[f.start : f.end]
        assert value not in f.explanation
        assert not re.search(r"\d{3}", f.explanation), f.explanation
        assert "@" not in f.explanation


# -- e-mail ------------------------------------------------------------------------------------
EMAIL_CASES = [
    # (text, expected matches, expected scores)
    ("info@presidio.site", ["info@presidio.site"], [0.6]),
    ("my email address is info@example.org", ["info@example.org"], [0.6]),
    (
        "try one of these emails: info@example.org or anotherinfo@example.org",
        ["info@example.org", "anotherinfo@example.org"],
        [0.6, 0.6],
    ),
    ("user@xn--80ak6aa92e.com", ["user@xn--80ak6aa92e.com"], [0.6]),
    ("my email is user@xn--80ak6aa92e.com today", ["user@xn--80ak6aa92e.com"], [0.6]),
    ("Email: Maya.Chen@Example.ORG.", ["Maya.Chen@Example.ORG"], [0.6]),
    (
        "(write to first.last+band@mail.example.co.uk)",
        ["first.last+band@mail.example.co.uk"],
        [0.6],
    ),
    ("ｍａｙａ＠ｅｘａｍｐｌｅ．ｏｒｇ", ["ｍａｙａ＠ｅｘａｍｐｌｅ．ｏｒｇ"], [0.6]),
    # student domain beats the staff domain it is a subdomain of
    ("mchen@students.district.k12.us", ["mchen@students.district.k12.us"], [0.95]),
    ("x@lhs.students.district.k12.us", ["x@lhs.students.district.k12.us"], [0.95]),
    # look-alike domain is not the staff domain
    ("coach@notdistrict.k12.us", ["coach@notdistrict.k12.us"], [0.6]),
    # no-match rows
    ("my email is info@presidio.", [], []),
    ("this is not an email: hello-world here", [], []),
    ("contact coach@district.k12.us for details", [], []),
    ("contact band@lhs.district.k12.us", [], []),
    ("follow @lakeview_band on the app", [], []),
    ("user@localhost", [], []),
    ("a@b", [], []),
]


@pytest.mark.parametrize(("text", "expected", "scores"), EMAIL_CASES)
def test_email(settings: Settings, text: str, expected: list[str], scores: list[float]) -> None:
    findings = run(EmailDetector.from_context(DetectorContext(settings, None)), text)
    assert matched(text, findings) == expected
    assert [f.score for f in findings] == scores
    assert all(f.category == "pii.email" and f.detector == "email" for f in findings)
    assert all(f.severity is Severity.INFO for f in findings)
    assert_explanations_clean(text, findings)


def test_email_explanation_names_domain_kind(settings: Settings) -> None:
    text = "mchen@students.district.k12.us"
    (finding,) = run(EmailDetector.from_context(DetectorContext(settings, None)), text)
    assert "student e-mail domain" in finding.explanation


def test_email_no_catastrophic_backtracking() -> None:
    text = "a!" * 200_000 + "a" * 200_000
    assert run(EmailDetector(), text) == []


# -- phone -------------------------------------------------------------------------------------
PHONE_CASES = [
    ("My US number is (415) 555-0132", ["(415) 555-0132"], [0.9]),
    ("_: (415)555-0132", ["(415)555-0132"], [0.7]),
    ("US: 415-555-0132", ["415-555-0132"], [0.7]),
    ("call me at 415-555-0132 tonight", ["415-555-0132"], [0.9]),
    ("Text Maya 415.555.0132", ["415.555.0132"], [0.9]),
    ("+1 415 555 0132", ["+1 415 555 0132"], [0.7]),
    ("Brazil: +55 11 98456 5666", ["+55 11 98456 5666"], [0.7]),
    ("London office +44 20 7123 4567", ["+44 20 7123 4567"], [0.7]),
    ("（４１５）５５５－０１３２", ["（４１５）５５５－０１３２"], [0.7]),
    (
        "call 415-555-0132 or 202-555-0147",
        ["415-555-0132", "202-555-0147"],
        [0.9, 0.9],
    ),
    # context must be before the number and near it
    ("415-555-0132 call", ["415-555-0132"], [0.7]),
    # no-match rows
    ("call the district office at (415) 555-0100", [], []),
    ("office: 415.555.0100", [], []),
    ("the 2023-2024 season", [], []),
    ("order 1234567 shipped", [], []),
    ("final score 42-17", [], []),
    ("SSN 078-05-1123", [], []),
    ("(555) 201-7788", [], []),  # 555 is not a US area code
]


@pytest.mark.parametrize(("text", "expected", "scores"), PHONE_CASES)
def test_phone(settings: Settings, text: str, expected: list[str], scores: list[float]) -> None:
    findings = run(PhoneDetector.from_context(DetectorContext(settings, None)), text)
    assert matched(text, findings) == expected
    assert [f.score for f in findings] == scores
    assert all(f.category == "pii.phone" for f in findings)
    assert_explanations_clean(text, findings)


def test_phone_allow_list_compares_e164() -> None:
    detector = PhoneDetector(["+1 (415) 555-0100"], "US")
    assert run(detector, "main office 415 555 0100, ext 12") == []


def test_phone_bad_allow_entry_is_config_error() -> None:
    with pytest.raises(ConfigError, match=r"allow_phones\[1\]"):
        PhoneDetector(["415-555-0100", "front desk"]).load()


def test_phone_explanation_names_context_word() -> None:
    (finding,) = run(PhoneDetector(), "call me at 415-555-0132")
    assert finding.explanation == "phone number valid for US + context word 'call'"


# -- SSN ---------------------------------------------------------------------------------------
SSN_CASES = [
    ("078-05-1123", ["078-05-1123"], [0.85]),
    ("078 05 1123", ["078 05 1123"], [0.85]),
    ("078.05.1123", ["078.05.1123"], [0.85]),
    ("abc 078 05 1123 abc", ["078 05 1123"], [0.85]),
    ("my ssn is 078-05-1123", ["078-05-1123"], [0.95]),
    ("Social Security Number: 078051123", ["078051123"], [0.95]),
    ("078-05-1123 is her SSN", ["078-05-1123"], [0.95]),
    ("SSN: ０７８－０５－１１２３", ["０７８－０５－１１２３"], [0.95]),
    ("ssn 078–05–1123", ["078–05–1123"], [0.95]),  # en dashes
    ("two: 219-09-9998 and 536-22-1234", ["219-09-9998", "536-22-1234"], [0.85, 0.85]),
    # no-match rows: never-issued ranges and famous fakes
    ("078051123", [], []),  # 9 bare digits need context
    ("078-05-1120", [], []),
    ("my ssn is 123-45-6789", [], []),
    ("ssn 219-09-9999", [], []),
    ("000-12-3456", [], []),
    ("666-12-3456", [], []),
    ("900-12-3456", [], []),
    ("999-12-3456", [], []),
    ("078-00-1123", [], []),
    ("078-05-0000", [], []),
    ("111-11-1111", [], []),
    ("693-09.4444", [], []),  # mixed separators
    ("0780511201", [], []),
    ("ssn 0780511201", [], []),
    ("call 415-555-0132", [], []),
    ("order 1078-05-1123", [], []),
    ("isbn 978-05-1123-4", [], []),
]


@pytest.mark.parametrize(("text", "expected", "scores"), SSN_CASES)
def test_ssn(text: str, expected: list[str], scores: list[float]) -> None:
    findings = run(SsnDetector(), text)
    assert matched(text, findings) == expected
    assert [f.score for f in findings] == scores
    assert all(f.category == "pii.ssn" and f.detector == "ssn" for f in findings)
    assert_explanations_clean(text, findings)


# -- student number ----------------------------------------------------------------------------
STUDENT_ID_CASES = [
    (r"\b4\d{7}\b", "40012345", ["40012345"], [0.6]),
    (r"\b4\d{7}\b", "student id 40012345", ["40012345"], [0.9]),
    (r"\b4\d{7}\b", "Lunch number: 40012345.", ["40012345"], [0.9]),
    (r"\b4\d{7}\b", "ID# 40012345", ["40012345"], [0.9]),
    (r"\b4\d{7}\b", "４００１２３４５", ["４００１２３４５"], [0.6]),
    (r"\bS\d{6}\b", "badge S123456", ["S123456"], [0.6]),  # case-insensitive on folded text
    (r"\bS\d{6}\b", "Student #s123456", ["s123456"], [0.9]),
    # no-match rows
    (r"\b4\d{7}\b", "412345678", [], []),
    (r"\b4\d{7}\b", "3001234", [], []),
    (r"\b4\d{7}\b", "won 4-0 tonight", [], []),
    (None, "student id 40012345", [], []),
    (r"x*", "zero-length matches are ignored", [], []),
]


@pytest.mark.parametrize(("pattern", "text", "expected", "scores"), STUDENT_ID_CASES)
def test_student_id(
    detection_settings: Callable[..., Settings],
    pattern: str | None,
    text: str,
    expected: list[str],
    scores: list[float],
) -> None:
    settings = detection_settings(pii={"student_id_pattern": pattern})
    findings = run(StudentIdDetector.from_context(DetectorContext(settings, None)), text)
    assert matched(text, findings) == expected
    assert [f.score for f in findings] == scores
    assert all(f.category == "pii.student_id" for f in findings)
    assert_explanations_clean(text, findings)


@pytest.mark.parametrize("cls", [EmailDetector, PhoneDetector, SsnDetector, StudentIdDetector])
def test_detectors_satisfy_protocol(settings: Settings, cls: type[Detector]) -> None:
    detector = cls.from_context(DetectorContext(settings, None))  # type: ignore[attr-defined]
    assert isinstance(detector, Detector)
    assert detector.name in {"email", "phone", "ssn", "student_id"}


def test_offsets_survive_invisible_characters() -> None:
    text = "⁠‍SSN:\u200b 078-05-\u200d1123 ok"
    (finding,) = run(SsnDetector(), text)
    assert text[finding.start : finding.end] == "078-05-\u200d1123"
