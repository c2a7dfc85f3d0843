"""Regex and library PII recognizers: e-mail, phone, SSN, the district's student number.

All run on the normalized text (fullwidth digits and look-alike letters already folded) and
report spans in the original text. Explanations name the pattern and the context word,
never the matched value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import ClassVar, Final, Self

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from sitewatch.detectors.base import (
    DetectorContext,
    PatternDetector,
    PatternSpec,
    find_context_word,
    word_regex,
)
from sitewatch.exceptions import ConfigError
from sitewatch.models import Finding
from sitewatch.scan.normalize import Document

__all__ = [
    "EmailDetector",
    "PhoneDetector",
    "SsnDetector",
    "StudentIdDetector",
    "domain_matches",
    "e164",
]


def domain_matches(domain: str, allowed: Iterable[str]) -> bool:
    """True when ``domain`` is one of ``allowed`` or a subdomain of one."""
    domain = domain.lower().rstrip(".")
    return any(domain == d or domain.endswith("." + d) for d in allowed if d)


def e164(number: str, region: str) -> str | None:
    """E.164 form of a phone number as written, or None when it does not parse."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    result: str = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    return result


class EmailDetector(PatternDetector):
    """E-mail addresses; staff domains are not student PII, student domains almost surely are."""

    name: str = "email"
    category: ClassVar[str] = "pii.email"
    STUDENT_SCORE: ClassVar[float] = 0.95
    OTHER_SCORE: ClassVar[float] = 0.6
    patterns: ClassVar[tuple[PatternSpec, ...]] = (
        PatternSpec(
            "e-mail address",
            r"(?<![\w.!#$%&'*+/=?^`{|}~\-])"
            r"[a-z0-9!#$%&'*+/=?^_`{|}~\-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~\-]+)*"
            r"@((?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9\-]{0,61}[a-z0-9])?)"
            r"(?![\w\-]|\.[a-z0-9])",
            OTHER_SCORE,
        ),
    )

    def __init__(
        self, allow_domains: Sequence[str] = (), student_domains: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self.allow_domains = tuple(d.strip().lower().lstrip("@") for d in allow_domains)
        self.student_domains = tuple(d.strip().lower().lstrip("@") for d in student_domains)

    @classmethod
    def from_context(cls, ctx: DetectorContext) -> Self:
        pii = ctx.settings.detection.pii
        return cls(pii.allow_email_domains, pii.student_email_domains)

    def detect(self, doc: Document) -> Sequence[Finding]:
        if not self._loaded:
            self.load()
        findings: list[Finding] = []
        for _spec, regex in self._compiled:
            for m in regex.finditer(doc.text):
                domain = m.group(1)
                # Student domains first: they are often subdomains of an allowed staff domain.
                if domain_matches(domain, self.student_domains):
                    score, why = self.STUDENT_SCORE, "address at the student e-mail domain"
                elif domain_matches(domain, self.allow_domains):
                    continue
                else:
                    score, why = self.OTHER_SCORE, "address outside the district staff domains"
                start, end = doc.to_original(*m.span())
                findings.append(
                    Finding(self.category, start, end, score, self.name, f"e-mail {why}")
                )
        return findings


class PhoneDetector:
    """Phone numbers valid for the district's region (libphonenumber), minus district lines."""

    name: str = "phone"
    category: ClassVar[str] = "pii.phone"
    BASE_SCORE: ClassVar[float] = 0.7
    CONTEXT_BOOST: ClassVar[float] = 0.2
    CONTEXT_BEFORE: ClassVar[int] = 40
    context_words: ClassVar[tuple[str, ...]] = (
        "call", "calling", "text", "txt", "texting", "cell", "cellphone", "phone", "mobile",
        "number", "num", "no.", "#", "reach", "contact", "tel", "telephone", "dial", "ring",
        "whatsapp", "signal", "sms", "digits", "hmu", "hit me up",
    )  # fmt: skip

    def __init__(self, allow_phones: Sequence[str] = (), region: str = "US") -> None:
        self.region = region.upper()
        self.allowed: frozenset[str] = frozenset()
        self._allow_raw = tuple(allow_phones)
        self._context = word_regex(self.context_words)
        self._loaded = False

    @classmethod
    def from_context(cls, ctx: DetectorContext) -> Self:
        pii = ctx.settings.detection.pii
        return cls(pii.allow_phones, pii.default_region)

    def load(self) -> None:
        allowed: set[str] = set()
        for i, raw in enumerate(self._allow_raw):
            number = e164(raw, self.region)
            if number is None:
                raise ConfigError(f"detection.pii.allow_phones[{i}]: not a phone number")
            allowed.add(number)
        self.allowed = frozenset(allowed)
        self._loaded = True

    def detect(self, doc: Document) -> Sequence[Finding]:
        if not self._loaded:
            self.load()
        findings: list[Finding] = []
        for match in PhoneNumberMatcher(doc.text, self.region, leniency=Leniency.VALID):
            number = phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
            if number in self.allowed:
                continue
            word = find_context_word(
                self._context, doc.text, match.start, match.end, self.CONTEXT_BEFORE, 0
            )
            score = round(min(1.0, self.BASE_SCORE + (self.CONTEXT_BOOST if word else 0.0)), 4)
            region = phonenumbers.region_code_for_number(match.number) or "unknown region"
            why = f"phone number valid for {region}"
            if word:
                why += f" + context word '{word}'"
            start, end = doc.to_original(match.start, match.end)
            findings.append(Finding(self.category, start, end, score, self.name, why))
        return findings


_INVALID_SSNS: Final[frozenset[str]] = frozenset(
    {
        "123456789",  # the textbook example
        "078051120",  # Woolworth wallet insert, the most misused SSN ever
        "219099999",  # Social Security Administration advertisement
        "457555462",  # published in an advertising campaign
    }
)


class SsnDetector(PatternDetector):
    """US Social Security numbers, with the SSA's never-issued ranges rejected."""

    name: str = "ssn"
    category: ClassVar[str] = "pii.ssn"
    context_boost: ClassVar[float] = 0.1
    context_before: ClassVar[int] = 40
    context_after: ClassVar[int] = 20
    patterns: ClassVar[tuple[PatternSpec, ...]] = (
        PatternSpec(
            "SSN (NNN-NN-NNNN)",
            r"(?<![\w\-])(?<!\d\.)(\d{3})([\- .])(\d{2})\2(\d{4})(?![\w\-]|\.\d)",
            0.85,
        ),
        PatternSpec(
            "SSN (9 digits)",
            r"(?<![\w\-])(?<!\d\.)(\d{3})()(\d{2})(\d{4})(?![\w\-]|\.\d)",
            0.85,
            needs_context=True,
        ),
    )
    context_words: ClassVar[tuple[str, ...]] = (
        "ssn", "ssns", "ssn#", "ss#", "ss #", "ss no", "soc sec", "social security",
        "social security number", "social security #", "social", "ssa",
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__()

    def validate(self, match: re.Match[str]) -> bool:
        area, group, serial = match.group(1), match.group(3), match.group(4)
        digits = area + group + serial
        if area == "000" or area == "666" or area[0] == "9":
            return False
        if group == "00" or serial == "0000":
            return False
        return digits not in _INVALID_SSNS and len(set(digits)) > 1


class StudentIdDetector(PatternDetector):
    """The district's student-number shape from config; strong only next to context words."""

    name: str = "student_id"
    category: ClassVar[str] = "pii.student_id"
    BASE_SCORE: ClassVar[float] = 0.6
    context_boost: ClassVar[float] = 0.3
    context_words: ClassVar[tuple[str, ...]] = (
        "student id", "student-id", "student ids", "student number", "student no",
        "student #", "student#", "stu id", "id#", "id #", "id number", "id no", "id",
        "lunch number", "lunch no", "lunch code", "lunch pin", "pin", "badge number",
        "locker", "powerschool", "infinite campus",
    )  # fmt: skip

    def __init__(self, pattern: str | None = None) -> None:
        super().__init__()
        self.pattern = pattern

    @classmethod
    def from_context(cls, ctx: DetectorContext) -> Self:
        return cls(ctx.settings.detection.pii.student_id_pattern)

    def load(self) -> None:
        super().load()
        if self.pattern is None:
            self._compiled = []
            return
        # Case-insensitive: the district writes the shape against the original text, but
        # it runs on the case-folded normalized text.
        spec = PatternSpec("district student-number", self.pattern, self.BASE_SCORE, re.I)
        self._compiled = [(spec, spec.compile())]
