"""The scan pipeline: normalize once, run the ordered detectors, apply the severity policy.

The detector list is built from config (``detection.detectors``) through the entry-point
registry, so a district can reorder, drop or add detectors without code changes.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sitewatch import registry
from sitewatch.detectors.base import DetectorContext
from sitewatch.models import Finding, ScanResult
from sitewatch.scan.normalize import Document, normalize
from sitewatch.scan.severity import SeverityPolicy

if TYPE_CHECKING:
    from sitewatch.config import Settings
    from sitewatch.roster import Roster
    from sitewatch.typing import Detector

DetectFn = Callable[[Document], Sequence[Finding]]
RedactFn = Callable[[Document], Sequence[tuple[int, int, str]]]

MAX_POST_CHARS = 1_000_000
"""Posts are hostile input: anything longer is scanned up to this many characters."""

_PII_PREFIX = "pii."
# What a masked span says in an excerpt: what kind of thing was there, never what it was.
_MASK_LABELS = {
    "pii.student_name": "student name",
    "pii.education_record": "student name",
    "pii.student_id": "student number",
    "pii.phone": "phone",
    "pii.email": "email",
    "pii.address": "address",
    "pii.ssn": "SSN",
    "pii.birthdate": "birthdate",
}


def _dedupe(findings: Sequence[Finding]) -> list[Finding]:
    """Overlapping findings of one category collapse to the strongest (several detectors may
    see the same phone number); the result is ordered by position, then category.

    Kept spans of a category never overlap, so each candidate is checked against its two
    neighbours in a sorted list: O(n log n) for a hostile post with thousands of findings.
    """
    kept_by_category: dict[str, tuple[list[int], list[Finding]]] = {}
    for f in sorted(findings, key=lambda f: (-f.score, f.start, f.category)):
        starts, kept = kept_by_category.setdefault(f.category, ([], []))
        i = bisect.bisect_left(starts, f.start)
        before = kept[i - 1] if i > 0 else None
        after = kept[i] if i < len(kept) else None
        if (before is not None and before.end > f.start) or (
            after is not None and (after.start < f.end or after.start == f.start)
        ):
            continue
        starts.insert(i, f.start)
        kept.insert(i, f)
    merged = [f for _, kept in kept_by_category.values() for f in kept]
    return sorted(merged, key=lambda f: (f.start, f.end, f.category))


class ScanPipeline:
    """An ordered list of detectors and a severity policy."""

    def __init__(self, detectors: Sequence[Detector], policy: SeverityPolicy) -> None:
        self.detectors = tuple(detectors)
        self.policy = policy
        self._loaded = False
        # Each detector's bound ``detect`` and optional ``redactions``, looked up once (a
        # failed ``getattr`` raises and catches an AttributeError: per post, it adds up).
        self._steps: tuple[tuple[DetectFn, RedactFn | None], ...] = tuple(
            (d.detect, getattr(d, "redactions", None)) for d in self.detectors
        )

    @classmethod
    def from_settings(cls, settings: Settings, roster: Roster | None) -> ScanPipeline:
        context = DetectorContext(settings=settings, roster=roster)
        detectors: list[Detector] = []
        for name in settings.detection.detectors:
            factory: Any = registry.load(registry.DETECTORS, name)
            detectors.append(factory.from_context(context))
        return cls(detectors, SeverityPolicy.from_config(settings.detection.severity))

    @property
    def names(self) -> list[str]:
        return [d.name for d in self.detectors]

    def load(self) -> None:
        if not self._loaded:
            for detector in self.detectors:
                detector.load()
            self._loaded = True

    def scan(self, text: str) -> ScanResult:
        self.load()
        doc = normalize(text[:MAX_POST_CHARS])
        raw: list[Finding] = []
        redactions: list[tuple[int, int, str]] = []
        for detect, spans in self._steps:
            raw.extend(detect(doc))
            if spans is not None:
                redactions.extend(spans(doc))
        if not raw:  # most posts: nothing to dedupe, grade or mask beyond the detectors'
            return ScanResult(findings=(), redactions=tuple(sorted(set(redactions))))
        findings = [self.policy.apply(f) for f in _dedupe(raw)]
        redactions.extend(
            (f.start, f.end, _MASK_LABELS.get(f.category, "personal information"))
            for f in findings
            if f.category.startswith(_PII_PREFIX)
        )
        return ScanResult(findings=tuple(findings), redactions=tuple(sorted(set(redactions))))

    def scan_document(self, doc: Document) -> list[Finding]:
        """Raw detector findings for an already normalized document (tests, benchmarks)."""
        self.load()
        return [f for d in self.detectors for f in d.detect(doc)]
