"""Severity policy: category → severity (and board-policy clause), overridable in config.

Detectors score; policy decides. Weak evidence (score below ``weak_score``) is lowered one
level so a sponsor's inbox carries only what is likely real.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

from sitewatch.frozen import assemble
from sitewatch.models import Finding, Severity

DEFAULT_SEVERITIES: Mapping[str, Severity] = {
    "pii.student_name": Severity.MEDIUM,
    "pii.education_record": Severity.HIGH,
    "pii.student_id": Severity.MEDIUM,
    "pii.phone": Severity.MEDIUM,
    "pii.email": Severity.MEDIUM,
    "pii.address": Severity.MEDIUM,
    "pii.ssn": Severity.CRITICAL,
    "pii.birthdate": Severity.MEDIUM,
    "content.toxicity": Severity.MEDIUM,
    "content.profanity": Severity.LOW,
    "content.insult": Severity.MEDIUM,
    "content.threat": Severity.CRITICAL,
    "content.self_harm": Severity.CRITICAL,
    "content.sexual": Severity.HIGH,
    "content.identity_attack": Severity.HIGH,
    "policy.unconsented_member": Severity.MEDIUM,
    "policy.site_unapproved": Severity.HIGH,
    "policy.approval_expired": Severity.MEDIUM,
    "monitoring.gap": Severity.HIGH,
}

# Education records about health, IEP/504 or special education are critical (ARCHITECTURE §5).
CRITICAL_TAGS = frozenset({"context:health", "context:iep_504", "context:special_education"})

# Board policy IIBGC clauses each category concerns.
CLAUSES: tuple[tuple[str, str], ...] = (
    ("pii.", "5b"),
    ("content.", "5a"),
    ("rule.", "5a"),
    ("policy.site_unapproved", "1"),
    ("policy.approval_expired", "1"),
    ("policy.unconsented_member", "4"),
    ("monitoring.gap", "3"),
)


@functools.lru_cache(maxsize=1024)
def clause_for(category: str) -> str:
    for prefix, clause in CLAUSES:
        if category.startswith(prefix):
            return clause
    return "5a"


@dataclass(frozen=True)
class SeverityPolicy:
    overrides: Mapping[str, Severity] = field(default_factory=dict)
    weak_score: float = 0.5

    @classmethod
    def from_config(cls, overrides: Mapping[str, str]) -> SeverityPolicy:
        return cls(overrides={k: Severity.parse(v) for k, v in overrides.items()})

    def base_severity(self, finding: Finding) -> Severity:
        if finding.category in self.overrides:
            return self.overrides[finding.category]
        if finding.category.startswith("rule.") and finding.severity > Severity.INFO:
            return finding.severity  # a district rule carries its own severity
        if finding.tags and not CRITICAL_TAGS.isdisjoint(finding.tags):
            return Severity.CRITICAL
        return DEFAULT_SEVERITIES.get(finding.category, Severity.MEDIUM)

    def apply(self, finding: Finding) -> Finding:
        severity = self.base_severity(finding)
        if finding.score < self.weak_score and severity > Severity.INFO:
            severity = Severity(severity - 1)
        return graded(finding, severity, finding.clause or clause_for(finding.category))


def graded(finding: Finding, severity: Severity, clause: str | None) -> Finding:
    """``dataclasses.replace(finding, severity=severity, clause=clause)``, built with
    ``assemble`` (no generic field walk, no frozen ``__init__``): per finding, that walk cost
    more than the policy itself. A subclass goes through ``replace``."""
    if type(finding) is not Finding:
        return dataclasses.replace(finding, severity=severity, clause=clause)
    return assemble(Finding, **{**finding.__dict__, "severity": severity, "clause": clause})
