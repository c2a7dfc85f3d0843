"""The severity policy: defaults, critical record contexts, rule severities, overrides."""

from __future__ import annotations

import dataclasses

import pytest

from sitewatch.models import Finding, Severity
from sitewatch.scan.severity import (
    CLAUSES,
    CRITICAL_TAGS,
    DEFAULT_SEVERITIES,
    SeverityPolicy,
    clause_for,
    graded,
)


def f(
    category: str,
    score: float = 0.9,
    severity: Severity = Severity.INFO,
    tags: tuple[str, ...] = (),
) -> Finding:
    return Finding(category, 0, 1, score, "t", "why", severity=severity, tags=tags)


@pytest.mark.parametrize(
    ("finding", "expected", "clause"),
    [
        (f("pii.ssn"), Severity.CRITICAL, "5b"),
        (f("pii.education_record", tags=("context:discipline",)), Severity.HIGH, "5b"),
        (f("pii.education_record", tags=("context:health",)), Severity.CRITICAL, "5b"),
        (f("pii.education_record", tags=("context:iep_504",)), Severity.CRITICAL, "5b"),
        (f("pii.student_name"), Severity.MEDIUM, "5b"),
        (f("pii.email", score=0.45), Severity.LOW, "5b"),  # weak evidence: one level lower
        (f("content.threat"), Severity.CRITICAL, "5a"),
        (f("content.profanity"), Severity.LOW, "5a"),
        (f("rule.threat", severity=Severity.CRITICAL), Severity.CRITICAL, "5a"),
        (f("rule.nickname", severity=Severity.LOW), Severity.LOW, "5a"),
        (f("monitoring.gap"), Severity.HIGH, "3"),
        (f("policy.unconsented_member"), Severity.MEDIUM, "4"),
        (f("policy.site_unapproved"), Severity.HIGH, "1"),
        (f("something.new"), Severity.MEDIUM, "5a"),
    ],
)
def test_default_policy(finding: Finding, expected: Severity, clause: str) -> None:
    applied = SeverityPolicy().apply(finding)
    assert applied.severity == expected
    assert applied.clause == clause
    assert clause_for(finding.category) == clause


def test_config_overrides_win() -> None:
    policy = SeverityPolicy.from_config({"pii.email": "high", "rule.threat": "medium"})
    assert policy.apply(f("pii.email")).severity == Severity.HIGH
    assert policy.apply(f("rule.threat", severity=Severity.CRITICAL)).severity == Severity.MEDIUM
    assert policy.apply(f("pii.phone")).severity == Severity.MEDIUM


def test_bad_override_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown severity 'severe'"):
        SeverityPolicy.from_config({"pii.email": "severe"})


class _Flagged(Finding):
    """A Finding subclass: ``graded`` must hand it to ``dataclasses.replace``."""


@pytest.mark.parametrize(
    "finding",
    [
        f("pii.ssn"),
        f("pii.email", score=0.45),
        f("pii.education_record", tags=("context:health", "context:grades")),
        Finding("rule.x", 3, 9, 0.9, "rules", "why", severity=Severity.LOW, clause="7"),
        Finding("pii.phone", 0, 0, 0.0, "", "", clause=None, tags=()),
        _Flagged("pii.phone", 1, 2, 0.9, "t", "why"),
    ],
)
@pytest.mark.parametrize(
    ("severity", "clause"), [(Severity.INFO, None), (Severity.CRITICAL, "5b"), (Severity.LOW, "")]
)
def test_graded_is_dataclasses_replace(
    finding: Finding, severity: Severity, clause: str | None
) -> None:
    expected = dataclasses.replace(finding, severity=severity, clause=clause)
    got = graded(finding, severity, clause)
    assert got == expected
    assert type(got) is type(expected)
    assert vars(got) == vars(expected)
    assert got is not finding
    assert (finding.severity, finding.clause) == (
        vars(finding)["severity"],
        vars(finding)["clause"],
    )  # the original is left as it was


@pytest.mark.parametrize(
    "finding",
    [
        f("pii.education_record", tags=("context:discipline",)),  # no critical tag
        f("pii.education_record", tags=("context:special_education",)),
        f("rule.custom", severity=Severity.INFO),  # no own severity: the default
        f("content.self_harm", score=0.2),
        f("policy.approval_expired"),
        f("", score=0.5),  # no prefix at all
    ],
)
def test_apply_is_the_policy_written_out(finding: Finding) -> None:
    """``apply`` (memoized clause, tag test without a set) grades as the rules read."""
    policy = SeverityPolicy()
    base = DEFAULT_SEVERITIES.get(finding.category, Severity.MEDIUM)
    if CRITICAL_TAGS.intersection(finding.tags):
        base = Severity.CRITICAL
    if finding.score < policy.weak_score and base > Severity.INFO:
        base = Severity(base - 1)
    clause = next((c for p, c in CLAUSES if finding.category.startswith(p)), "5a")
    assert policy.apply(finding) == dataclasses.replace(finding, severity=base, clause=clause)
