"""The pipeline: detector order from config, dedupe, redaction spans, size cap."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from sitewatch.config import Settings
from sitewatch.exceptions import ConfigError
from sitewatch.models import Finding, Severity
from sitewatch.redact import excerpt, redact
from sitewatch.roster import load_roster
from sitewatch.scan.pipeline import MAX_POST_CHARS, ScanPipeline


@pytest.fixture
def pipeline(make_settings: Callable[..., Settings], roster_file: Path) -> ScanPipeline:
    return ScanPipeline.from_settings(make_settings(), load_roster(roster_file))


def test_detectors_follow_the_configured_order(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(detection={"detectors": ["rules", "ssn"]})
    assert ScanPipeline.from_settings(settings, None).names == ["rules", "ssn"]


def test_unknown_detector_lists_the_known_ones(make_settings: Callable[..., Settings]) -> None:
    with pytest.raises(ConfigError, match=r"unknown detector 'magic'; known detectors: .*roster"):
        ScanPipeline.from_settings(make_settings(detection={"detectors": ["magic"]}), None)


def test_roster_and_regex_duplicates_collapse(pipeline: ScanPipeline) -> None:
    text = "Reach Maya at maya.chen@students.lakeview.k12.us or student no. 41234567"
    result = pipeline.scan(text)
    emails = [x for x in result.findings if x.category == "pii.email"]
    ids = [x for x in result.findings if x.category == "pii.student_id"]
    assert len(emails) == 1 and emails[0].score == pytest.approx(0.95)
    assert len(ids) == 1
    assert text[ids[0].start : ids[0].end] == "41234567"


def test_health_record_is_critical_and_names_are_masked(pipeline: ScanPipeline) -> None:
    text = "Priya Natarajan forgot her inhaler again; Maya Chen won the art prize."
    result = pipeline.scan(text)
    (record,) = result.findings
    assert (record.category, record.severity) == ("pii.education_record", Severity.CRITICAL)
    assert text[record.start : record.end] == "Priya Natarajan"
    masked = excerpt(text, result.redactions)
    assert "Priya" not in masked and "Maya" not in masked  # directory info is masked too
    assert masked.startswith("[student name] forgot her inhaler")


def test_directory_information_is_not_a_finding(pipeline: ScanPipeline) -> None:
    assert pipeline.scan("Congratulations to Maya Chen, All-State choir!").findings == ()


def test_posts_are_capped(pipeline: ScanPipeline) -> None:
    text = "a" * MAX_POST_CHARS + " call (217) 555-0147"
    assert pipeline.scan(text).findings == ()
    assert pipeline.scan("call (217) 555-0147 " + "a" * MAX_POST_CHARS).findings


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("abc def", [(0, 3, "x")], "[x] def"),
        ("abc def", [(0, 3, "x"), (2, 5, "y")], "[x]ef"),
        ("abc", [], "abc"),
        ("abc", [(1, 99, "x")], "a[x]"),
    ],
)
def test_redact(text: str, spans: list[tuple[int, int, str]], expected: str) -> None:
    assert redact(text, spans) == expected


def test_excerpt_is_single_line_capped_and_bidi_free() -> None:
    out = excerpt("line one\n\u202eevil\u202c " + "x" * 1000, [], limit=50)
    assert "\n" not in out and "\u202e" not in out
    assert len(out) == 50 and out.endswith("…")


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("Maya Chen said her friend Priya Natarajan was suspended.", ["Priya Natarajan"]),
        ("Priya Natarajan was suspended; Maya Chen led the parade.", ["Priya Natarajan"]),
        ("Why was Priya Natarajan absent? Heard she was suspended.", ["Priya Natarajan"]),
        ("Maya Chen led the parade. Detention reminder for all.", []),
    ],
)
def test_context_attaches_to_the_right_student(
    pipeline: ScanPipeline, text: str, linked: list[str]
) -> None:
    records = [x for x in pipeline.scan(text).findings if x.category == "pii.education_record"]
    assert [text[x.start : x.end] for x in records] == linked


def _f(category: str, start: int, end: int, score: float) -> Finding:
    return Finding(category, start, end, score, "t", "why")


@pytest.mark.parametrize(
    ("findings", "kept"),
    [
        ([_f("pii.phone", 0, 10, 0.7), _f("pii.phone", 2, 8, 0.95)], [(2, 8, 0.95)]),
        (
            [_f("pii.phone", 0, 10, 0.9), _f("pii.phone", 10, 12, 0.5)],
            [(0, 10, 0.9), (10, 12, 0.5)],
        ),
        ([_f("pii.phone", 0, 5, 0.9), _f("pii.email", 0, 5, 0.5)], [(0, 5, 0.5), (0, 5, 0.9)]),
        (
            [_f("pii.phone", 5, 9, 0.9), _f("pii.phone", 0, 6, 0.8), _f("pii.phone", 8, 12, 0.8)],
            [(5, 9, 0.9)],
        ),
        ([_f("pii.phone", 3, 3, 0.9), _f("pii.phone", 3, 3, 0.8)], [(3, 3, 0.9)]),
    ],
)
def test_dedupe_keeps_the_strongest_per_category(
    findings: list[Finding], kept: list[tuple[int, int, float]]
) -> None:
    from sitewatch.scan.pipeline import _dedupe

    assert [(f.start, f.end, f.score) for f in _dedupe(findings)] == kept


def test_dedupe_scales_to_hostile_posts() -> None:
    from sitewatch.scan.pipeline import _dedupe

    many = [_f("pii.phone", i * 3, i * 3 + 5, (i % 7) / 7) for i in range(20_000)]
    out = _dedupe(many)
    assert all(a.end <= b.start for a, b in itertools.pairwise(out))
