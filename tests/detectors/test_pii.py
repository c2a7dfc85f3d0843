"""Regex/library PII recognizers: Presidio-style tables of match and no-match rows."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Sequence
from types import FrameType

import pytest

from sitewatch.config import Settings
from sitewatch.detectors import base
from sitewatch.detectors.base import DetectorContext
from sitewatch.detectors.pii import EmailDetector, PhoneDetector, SsnDetector, StudentIdDetector
from sitewatch.exceptions import ConfigError
from sitewatch.models import Finding, Severity
from sitewatch.scan.normalize import normalize
from sitewatch.scan.pipeline import ScanPipeline
from sitewatch.scan.severity import SeverityPolicy
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
    # Presidio's rows, with a person's local part ("info@" is a role mailbox, below)
    ("maya@presidio.site", ["maya@presidio.site"], [0.6]),
    ("my email address is maya@example.org", ["maya@example.org"], [0.6]),
    (
        "try one of these emails: maya@example.org or anotherinfo@example.org",
        ["maya@example.org", "anotherinfo@example.org"],
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
    # spelled out: a bracketed "at" anywhere, "at ... dot" at a student domain
    ("reach me at mchen [at] example.org", ["mchen [at] example.org"], [0.6]),
    (
        "ask jl815 (at) students.district.k12.us today",
        ["jl815 (at) students.district.k12.us"],
        [0.95],
    ),
    (
        "send it to jl815 at students dot district dot k12 dot us.",
        ["jl815 at students dot district dot k12 dot us"],
        [0.95],
    ),
    (
        "or mchen at students [dot] district [dot] k12 [dot] us",
        ["mchen at students [dot] district [dot] k12 [dot] us"],
        [0.95],
    ),
    # role mailboxes outside the student domains: a business's or a club's contact
    ("Spirit wear orders: hello@cornerscoops.com.", [], []),
    ("Vendor contact: Orders@PrairiePrintShop.com", [], []),
    ("write to info@boosters.org or events@bowl.com", [], []),
    ("questions? customer.service@shop.example or front-desk@hotel.example", [], []),
    ("billing+web@example.org", [], []),
    ("reservations [at] example.org", [], []),
    # ... but a role-like name at the student domain is still a student's account
    ("info@students.district.k12.us", ["info@students.district.k12.us"], [0.95]),
    ("infoman@example.org", ["infoman@example.org"], [0.6]),
    # no-match rows
    ("look at google dot com for it", [], []),
    ("meet at students dot the gym", [], []),
    ("staff: coach [at] district.k12.us", [], []),
    ("we met at lakeview.edu last year", [], []),
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


# Rule 2: phone-shaped digit groups libphonenumber rejects, only next to a phone word.
LOOSE_PHONE_CASES = [
    ("Phone: 0490 75 40 81", ["0490 75 40 81"], [0.75]),
    ("call me on 450 0840?", ["450 0840"], [0.75]),
    ("text me at 99 668472", ["99 668472"], [0.75]),
    ("messages to 0688 872 49 99", ["0688 872 49 99"], [0.75]),
    ("Fax: +46 (0)179 459 33", ["+46 (0)179 459 33"], [0.75]),
    # libphonenumber knows this one (Sweden): rule 1, whose boost words exclude "fax"
    ("Fax: +46 (0)8 928 571 38", ["+46 (0)8 928 571 38"], [0.7]),
    ("Desk: 259.735.7502x459", ["259.735.7502x459"], [0.75]),
    ("my number is (64) 3591-3246", ["(64) 3591-3246"], [0.75]),
    ("Tel 0961-7596216", ["0961-7596216"], [0.75]),
    ("reach me: 001-518-640-0854", ["001-518-640-0854"], [0.75]),
    ("781 1704 office", ["781 1704"], [0.75]),  # label after, same line
    ("ｃａｌｌ ０４９０ ７５ ４０ ８１", ["０４９０ ７５ ４０ ８１"], [0.75]),  # fullwidth
    ("call 40012346789", ["40012346789"], [0.75]),  # not the 8-digit student shape
    ("the number 0490 75 40 81", ["0490 75 40 81"], [0.75]),
    # both rules in one post: libphonenumber's finding keeps its own score
    ("call 415-555-0132 or 0490 75 40 81", ["415-555-0132", "0490 75 40 81"], [0.9, 0.75]),
    # no-match rows
    ("0490 75 40 81", [], []),  # no phone word
    ("0490 75 40 81 is the bus route; no phones", [], []),  # the word is too far after
    ("student number 40012345, call home", [], []),  # the district's student number
    ("text my kid, id 40012345", [], []),
    ("call 40012345", [], []),
    ("call the district office at 555-0100", [], []),  # allow-listed line, no area code
    ("office: 415 555 0100", [], []),  # allow-listed line
    ("order number 7654321, call me", [], []),
    ("tracking number 7654321", [], []),
    ("social security number 078-051121", [], []),
    ("call 078-05-1123", [], []),
    ("text 98052 6399", [], []),
    ("call me 192.168.10.254", [], []),
    ("phone 2024.03.15", [], []),
    ("call 12-25-2010", [], []),
    ("office 1999-2005 renovation", [], []),
    ("call 7.5432109", [], []),
    ("call: €1 250 000", [], []),
    ("call: 1 250 000 usd", [], []),
    ("call: 1 250 000%", [], []),
    ("call 1:30:4567", [], []),
    ("text 4111111111111111", [], []),  # 16 digits: more than E.164 allows
    ("text 3782 822463 10005", [], []),  # an American Express number (Luhn)
    ("call 555-0199", [], []),  # fiction exchange
    ("call 425.882.90901", [], []),  # US-style grouping, one digit long
    ("call 0 4 9 0 75 40 81", [], []),
    ("call 12345678901234567", [], []),  # too many digits
    ("call #4258829090123", [], []),
]


@pytest.mark.parametrize(("text", "expected", "scores"), LOOSE_PHONE_CASES)
def test_phone_shape_next_to_phone_word(
    settings: Settings, text: str, expected: list[str], scores: list[float]
) -> None:
    findings = run(PhoneDetector.from_context(DetectorContext(settings, None)), text)
    assert matched(text, findings) == expected
    assert [f.score for f in findings] == scores
    assert_explanations_clean(text, findings)


# A business's published number is not student PII; a person's number next to one is.
BUSINESS_PHONE_CASES = [
    # the number is a person's: no business word, or a person referred to after it
    ("call me at 309-465-1973", ["309-465-1973"]),
    ("Maya works at the bakery, call her at 309-465-1973", ["309-465-1973"]),
    ("text my mom at 309-465-1973 to order a hoodie", ["309-465-1973"]),
    (
        "found a wallet at Main Street Bakery; call her at 630-509-4213 or the store at "
        "847-851-3771",
        ["630-509-4213"],
    ),
    ("email hello@shop.example or call Maya at 309-465-1973", ["309-465-1973"]),
    ("Maya (maya@example.org, 309-465-1973) runs the carpool", ["309-465-1973"]),
    ("call 0490 75 40 81 for the ride", ["0490 75 40 81"]),
    # no-match rows: a business named before it, a business purpose, a role mailbox
    ("call her at 630-509-4213 or the store at 847-851-3771", ["630-509-4213"]),
    ("Call Tony's Pizza at +1 (630) 836-7574 to reserve lanes.", []),
    ("Call Corner Scoops at 309.428.5319 to reserve lanes.", []),
    ("Fundraiser night at Riverside Bowl! Call 217-265-6281 for pickup orders.", []),
    ("Catering is from Main Street Bakery (hello@cornerscoops.com, 309.546.3282).", []),
    ("Vendor: Ace Printing (orders@aceprint.example, 847-287-3324)", []),
    ("Lane reservations at Brookfield Hardware: call 1-815-346-5353.", []),
    ("the shop phone is 0490 75 40 81", []),
]


@pytest.mark.parametrize(("text", "expected"), BUSINESS_PHONE_CASES)
def test_business_numbers_are_not_student_pii(
    settings: Settings, text: str, expected: list[str]
) -> None:
    findings = run(PhoneDetector.from_context(DetectorContext(settings, None)), text)
    assert matched(text, findings) == expected


def test_phone_shape_explanation_names_context_word() -> None:
    (finding,) = run(PhoneDetector(), "Mobile: 0490 75 40 81")
    assert finding.explanation == "phone-number shape + context word 'mobile'"


def test_phone_shape_without_student_pattern_is_a_phone() -> None:
    """Eight digits after "call" are a phone unless the district says they are student
    numbers."""
    assert matched("call 40012345", run(PhoneDetector(), "call 40012345")) == ["40012345"]


def test_student_number_is_not_also_a_phone_in_the_pipeline(settings: Settings) -> None:
    """The pipeline merges overlapping findings of ONE category only, so PhoneDetector must
    leave the district's student numbers to StudentIdDetector itself."""
    context = DetectorContext(settings, None)
    pipeline = ScanPipeline(
        [PhoneDetector.from_context(context), StudentIdDetector.from_context(context)],
        SeverityPolicy(),
    )
    text = "text his mom, student number 40012345, or call 0490 75 40 81"
    result = pipeline.scan(text)
    assert [(f.category, text[f.start : f.end]) for f in result.findings] == [
        ("pii.student_id", "40012345"),
        ("pii.phone", "0490 75 40 81"),
    ]


def test_separated_student_number_next_to_an_id_word_is_not_a_phone(settings: Settings) -> None:
    findings = run(
        PhoneDetector.from_context(DetectorContext(settings, None)),
        "Jazmine forgot her ID again, number 4537-8910.",
    )
    assert findings == []
    # ... without the ID word the same digits next to "number" are a phone-number shape
    text = "my number is 4537-8910."
    assert matched(text, run(PhoneDetector.from_context(DetectorContext(settings, None)), text))


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
    # half-separated: only next to a strong SSN word, lower base score
    ("my ssn is 078-051123", ["078-051123"], [0.85]),
    ("SSN# 07805-1123", ["07805-1123"], [0.85]),
    ("ss no 078 051123", ["078 051123"], [0.85]),
    ("social security: 536-221234 and 078-05-1123", ["536-221234", "078-05-1123"], [0.85, 0.95]),
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
    ("078-051123", [], []),  # half-separated without context
    ("social 078-051123", [], []),  # "social" alone is not enough for a half form
    ("my ssn is 078-051120", [], []),  # the Woolworth fake, half-separated
    ("ssn 900-051123", [], []),
    ("ssn 078-001123", [], []),
    ("ssn 11111-1111", [], []),
    ("ssn 078_051123", [], []),
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
    # written with one separator in the middle, next to a student/ID word
    (r"\b4\d{7}\b", "my student number is 4065-3965.", ["4065-3965"], [0.9]),
    (r"\b4\d{7}\b", "Lost card, student ID 4206 9009, at the office", ["4206 9009"], [0.9]),
    (r"\b4\d{7}\b", "(ID 4051.8010)", ["4051.8010"], [0.9]),
    (r"\b4\d{7}\b", "library hold for student #4096-8746", ["4096-8746"], [0.9]),
    # another kind of number labelled right before it is not a student's
    (
        r"\b4\d{7}\b",
        "Order #42531387 was placed under student 40432040",
        ["40432040"],
        [0.6],
    ),
    (r"\b4\d{7}\b", "Invoice 41377765 for the bus has been paid", [], []),
    (r"\b4\d{7}\b", "Ticket confirmation number 40648832, keep it", [], []),
    (r"\b4\d{7}\b", "Raffle ticket 40601917 won the 50/50!", [], []),
    (r"\b4\d{7}\b", "PO 40446669 for the robotics parts", [], []),
    (r"\b4\d{7}\b", "Order confirmation 42061647: 24 hoodies", [], []),
    (r"\b4\d{7}\b", "tracking no. 44217884", [], []),
    (r"\b4\d{7}\b", "order #4253-1387 for the student store", [], []),
    (r"\b4\d{7}\b", "Raffle: Maya drew the winning ticket, 45835943, at halftime", [], []),
    (r"\b4\d{7}\b", "student, 45835943, left a card", ["45835943"], [0.6]),  # not a label
    # no-match rows
    (r"\b4\d{7}\b", "Bus pass for 4620-9160 was left on the seat.", [], []),  # no ID word
    (r"\b4\d{7}\b", "student id 4206 9009 1234", [], []),  # a longer number
    (r"\b4\d{7}\b", "student id 3206-9009", [], []),  # not the district's shape
    (r"\b4\d{7}\b", "student score 4.5-3.2", [], []),
    (r"\b4\d{7}\b", "student id 44.696330", [], []),  # not split in the middle
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


# -- scaling -----------------------------------------------------------------------------------
def _ssns(n: int) -> str:
    """``n`` distinct valid SSNs: area 100-599, group 10-99, serial 1000-9999."""
    return " ".join(f"{100 + i // 100 % 500}-{10 + i % 90:02d}-{1000 + i % 9000}" for i in range(n))


def _lines_run_in_base(detector: Detector, text: str) -> tuple[int, int]:
    """(findings, Python lines executed in detectors/base.py) for one scan: a deterministic
    measure of the work ``PatternDetector.detect`` does, where wall time would be flaky."""
    doc = normalize(text)
    lines = 0

    def local(frame: FrameType, event: str, arg: object) -> Callable[..., object]:
        nonlocal lines
        if event == "line":
            lines += 1
        return local

    def tracer(frame: FrameType, event: str, arg: object) -> Callable[..., object] | None:
        return local if frame.f_code.co_filename == base.__file__ else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        found = len(detector.detect(doc))
    finally:
        sys.settrace(previous)
    return found, lines


def test_pattern_detector_work_is_linear_in_matches() -> None:
    """Four times the matches, about four times the work (it was quadratic: every match
    was compared with every span taken before it)."""
    detector = SsnDetector()
    detector.load()
    found_small, work_small = _lines_run_in_base(detector, _ssns(1_000))
    found_large, work_large = _lines_run_in_base(detector, _ssns(4_000))
    assert (found_small, found_large) == (1_000, 4_000)
    assert work_large <= 4.2 * work_small


def test_pattern_detector_scans_20000_ssns_quickly() -> None:
    detector = SsnDetector()
    detector.load()
    doc = normalize(_ssns(20_000))
    started = time.perf_counter()
    findings = detector.detect(doc)
    elapsed = time.perf_counter() - started
    assert len(findings) == 20_000
    assert elapsed < 10.0  # about 1 s here; it took 13 s when the overlap test was quadratic


def test_pattern_detector_earlier_patterns_win_overlaps() -> None:
    """The linear overlap walk keeps the old rule: a span taken by an earlier pattern is
    not reported again by a later one, and disjoint later matches between them are."""
    text = "ssn 078-05-1123 078051124 536-221234 078-05-1125"
    findings = run(SsnDetector(), text)
    assert matched(text, findings) == ["078-05-1123", "078051124", "536-221234", "078-05-1125"]
    assert [f.explanation.split(" pattern")[0] for f in findings] == [
        "SSN (NNN-NN-NNNN)",
        "SSN (9 digits)",
        "SSN (NNN-NNNNNN)",
        "SSN (NNN-NN-NNNN)",
    ]


def test_offsets_survive_invisible_characters() -> None:
    text = "⁠‍SSN:\u200b 078-05-\u200d1123 ok"
    (finding,) = run(SsnDetector(), text)
    assert text[finding.start : finding.end] == "078-05-\u200d1123"
