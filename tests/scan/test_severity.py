"""The severity policy: defaults, critical record contexts, rule severities, overrides."""

from __future__ import annotations

import pytest

from sitewatch.models import Finding, Severity
from sitewatch.scan.severity import SeverityPolicy, clause_for


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
