"""District-defined rules: keywords or a regex filed as ``rule.<name>``.

Keywords are whole words or phrases matched on the normalized text, so "Vape", "VAPE",
"vápe" and "vаpe" (Cyrillic а) all match ``vape``. A pattern is the district's own regex,
run case-insensitively on the normalized text. Rule findings carry the rule's configured
severity and policy clause; the explanation names the rule and which keyword or the
pattern matched, never the matched text (it may be a name).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

from sitewatch.config import RuleSettings
from sitewatch.detectors.base import DetectorContext, PhraseMatcher, normalize_phrase
from sitewatch.exceptions import ConfigError
from sitewatch.models import Finding, Severity
from sitewatch.scan.normalize import Document, content_view, normalize

__all__ = ["RulesDetector"]


@dataclass(frozen=True)
class _Rule:
    name: str
    severity: Severity
    clause: str | None
    pattern: re.Pattern[str] | None


class RulesDetector:
    """All district rules in one detector: one automaton for every keyword of every rule."""

    name: str = "rules"
    SCORE: ClassVar[float] = 1.0

    def __init__(self, rules: Sequence[RuleSettings]) -> None:
        self.settings = tuple(rules)
        self._rules: tuple[_Rule, ...] = ()
        self._keywords: PhraseMatcher[tuple[int, int]] = PhraseMatcher(())
        self._loaded = False

    @classmethod
    def from_context(cls, ctx: DetectorContext) -> Self:
        return cls(ctx.settings.detection.rules)

    def load(self) -> None:
        rules: list[_Rule] = []
        keywords: list[tuple[str, tuple[int, int]]] = []
        for r, rule in enumerate(self.settings):
            for k, keyword in enumerate(rule.keywords, start=1):
                # Keywords fold like posts do, leetspeak included ("k1ll" == "kill").
                key = normalize_phrase(content_view(normalize(keyword)).text)
                if not key:
                    raise ConfigError(
                        f"detection.rules[{r}] (name={rule.name!r}).keywords[{k - 1}]: "
                        "empty after normalization (only spaces or invisible characters)"
                    )
                keywords.append((key, (r, k)))
            pattern = re.compile(rule.pattern, re.IGNORECASE) if rule.pattern else None
            rules.append(_Rule(rule.name, Severity.parse(rule.severity), rule.clause, pattern))
        self._rules = tuple(rules)
        self._keywords = PhraseMatcher(keywords)
        self._loaded = True

    def detect(self, doc: Document) -> Sequence[Finding]:
        if not self._loaded:
            self.load()
        # (original start, original end, rule index, explanation)
        found: list[tuple[int, int, int, str]] = []
        if len(self._keywords):  # the content view costs more than the rest of the scan
            view = content_view(doc)  # "k1ll y0urself", "l o s e r": evasion folded away
            for hit in self._keywords.find(view.text):
                for r, k in hit.payloads:
                    start, end = view.to_original(hit.start, hit.end)
                    found.append((start, end, r, f"matched keyword #{k}"))
        for r, rule in enumerate(self._rules):
            if rule.pattern is None:
                continue
            for m in rule.pattern.finditer(doc.text):
                if m.end() > m.start():
                    start, end = doc.to_original(m.start(), m.end())
                    found.append((start, end, r, "matched pattern"))

        findings: list[Finding] = []
        for start, end, r, how in sorted(found):
            rule = self._rules[r]
            findings.append(
                Finding(
                    category=f"rule.{rule.name}",
                    start=start,
                    end=end,
                    score=self.SCORE,
                    detector=self.name,
                    explanation=f"district rule '{rule.name}': {how}",
                    severity=rule.severity,
                    clause=rule.clause,
                )
            )
        return findings
