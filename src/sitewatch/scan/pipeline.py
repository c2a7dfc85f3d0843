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
from sitewatch.frozen import assemble
from sitewatch.models import Finding, ScanResult
from sitewatch.scan.normalize import Document, normalize
from sitewatch.scan.severity import SeverityPolicy

if TYPE_CHECKING:
    from sitewatch.config import Settings
    from sitewatch.roster import Roster
    from sitewatch.typing import Detector

DetectFn = Callable[[Document], Sequence[Finding]]
RedactFn = Callable[[Document], Sequence[tuple[int, int, str]]]
BatchDetectFn = Callable[[Sequence[Document]], Sequence[Sequence[Finding]]]

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
    if len(findings) == 1:
        return list(findings)  # most posts with a finding: nothing to merge
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


def _required_digits(detector: Detector) -> int:
    """The detector's ``required_digits()``: a post with fewer decimal digits (``\\d``,
    ``Document.digits``) gives it nothing to find. 0 when it does not say."""
    required = getattr(detector, "required_digits", None)
    return int(required()) if required is not None else 0


def _span_set(spans: list[tuple[int, int, str]]) -> tuple[tuple[int, int, str], ...]:
    """The distinct spans, sorted."""
    if len(spans) < 2:
        return tuple(spans)
    return tuple(sorted(set(spans)))


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
        self._batched: tuple[BatchDetectFn | None, ...] = tuple(
            getattr(d, "detect_many", None) for d in self.detectors
        )
        self._scan_steps: tuple[tuple[DetectFn, RedactFn | None, int], ...] = ()

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
            # ``scan``'s steps: a detector that says how many digits a post must hold for
            # it to find anything (``required_digits``, known once loaded) is not called
            # for posts with fewer; most posts hold none.
            self._scan_steps = tuple(
                (detect, spans, _required_digits(detector))
                for (detect, spans), detector in zip(self._steps, self.detectors, strict=True)
            )
            self._loaded = True

    def scan(self, text: str) -> ScanResult:
        if not self._loaded:
            self.load()
        doc = normalize(text[:MAX_POST_CHARS])
        digits = doc.digits
        raw: list[Finding] = []
        redactions: list[tuple[int, int, str]] = []
        for detect, spans, needed_digits in self._scan_steps:
            if digits < needed_digits:
                continue  # the detector would find nothing (see ``load``)
            found = detect(doc)
            if found:  # most detectors find nothing in most posts
                raw.extend(found)
            if spans is not None:
                masked = spans(doc)
                if masked:
                    redactions.extend(masked)
        return self._result(raw, redactions)

    def scan_many(self, texts: Sequence[str]) -> list[ScanResult]:
        """Scan a page of posts: the same results as ``scan`` on each, but a detector that
        is cheaper in a batch (``detect_many``: the toxicity model's vectorized inference,
        ~25x faster per post than one at a time) sees the whole page in one call."""
        if not self._loaded:
            self.load()
        if len(texts) < 2:
            return [self.scan(text) for text in texts]
        docs = [normalize(text[:MAX_POST_CHARS]) for text in texts]
        raws: list[list[Finding]] = [[] for _ in docs]
        redactions: list[list[tuple[int, int, str]]] = [[] for _ in docs]
        steps = zip(self._scan_steps, self._batched, strict=True)
        for (detect, spans, needed_digits), detect_many in steps:
            if detect_many is not None:
                for raw, found in zip(raws, detect_many(docs), strict=True):
                    raw.extend(found)
                if spans is not None:
                    for masked, doc in zip(redactions, docs, strict=True):
                        masked.extend(spans(doc))
                continue
            # Post by post, its redactions right after its findings: a detector that works
            # both out in one pass (the roster) remembers only the post it saw last, and
            # would scan every post of the page twice otherwise.
            for raw, masked, doc in zip(raws, redactions, docs, strict=True):
                if doc.digits < needed_digits:
                    continue  # as in ``scan``: nothing for this detector to find
                found = detect(doc)
                if found:
                    raw.extend(found)
                if spans is not None:
                    masked.extend(spans(doc))
        return [self._result(raw, masked) for raw, masked in zip(raws, redactions, strict=True)]

    def _result(self, raw: list[Finding], redactions: list[tuple[int, int, str]]) -> ScanResult:
        """Deduplicated, graded findings and the spans to mask, from the detectors' output."""
        if not raw:  # most posts: nothing to dedupe, grade or mask beyond the detectors'
            return assemble(ScanResult, findings=(), redactions=_span_set(redactions))
        apply = self.policy.apply
        findings = tuple([apply(f) for f in _dedupe(raw)])
        for f in findings:
            if f.category.startswith(_PII_PREFIX):
                label = _MASK_LABELS.get(f.category, "personal information")
                redactions.append((f.start, f.end, label))
        return assemble(ScanResult, findings=findings, redactions=_span_set(redactions))

    def clear_caches(self) -> None:
        """Forget what the detectors memoized about values they have seen (phone-number
        verdicts, roster keys), so the next scan pays every first sighting again:
        benchmarks measure new posts with it. Detectors without such memory are skipped."""
        for detector in self.detectors:
            clear = getattr(detector, "clear_caches", None)
            if clear is not None:
                clear()

    def scan_document(self, doc: Document) -> list[Finding]:
        """Raw detector findings for an already normalized document (tests, benchmarks)."""
        self.load()
        return [f for d in self.detectors for f in d.detect(doc)]
