"""Roster matching: the district's own students named, numbered or contacted in a post.

FERPA rules (ARCHITECTURE section 5):

* a student named with an education-record word (grades, discipline, attendance, health,
  IEP/504, special education) → ``pii.education_record``. "With" means in the same sentence
  (at most 200 characters apart), or in one of the next two sentences when that sentence
  refers back with a pronoun before the word and no other student is named in between
  ("Why wasn't Ethan on the field? Heard he got suspended."). Sentence scoping keeps
  "Maya won the award. Detention reminder for all students." from linking the two;
* a student with a directory opt-out named at all → ``pii.student_name``;
* any other student named (awards, sports, activities: directory information) → no finding,
  but the name is still a redaction span so e-mail excerpts never carry it;
* a roster student's identifier, e-mail or phone → ``pii.student_id``/``email``/``phone``.

Names, identifiers and e-mails share ONE Aho-Corasick automaton over normalized forms, so
``detect`` costs O(len(text)) however large the roster is. Phones are matched by digits: each
run of digits and phone punctuation in the post is reduced to its digits and looked up in a
dict, so "(555) 123-4567", "555.123.4567" and "+1 555 123 4567" all match.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import ClassVar, Final, Self

import phonenumbers
from phonenumbers import PhoneNumberFormat

from sitewatch.detectors.base import (
    DetectorContext,
    PhraseHit,
    PhraseMatcher,
    is_word_char,
    longest_first,
    normalize_phrase,
)
from sitewatch.detectors.context import ContextHit, ContextMatcher
from sitewatch.detectors.pii import e164
from sitewatch.models import Finding
from sitewatch.roster import Person, Roster
from sitewatch.scan.normalize import Document

__all__ = ["RosterDetector", "name_variants", "sentence_breaks"]

# Surname particles that are not a usable short form on their own ("de" of "de la Cruz").
NAME_PARTICLES: Final[frozenset[str]] = frozenset(
    {"de", "del", "della", "der", "den", "di", "da", "das", "dos", "du", "la", "le", "van",
     "von", "y", "e", "bin", "ibn", "al", "el", "st", "ter", "ten"}
)  # fmt: skip
# Words after which "." does not end a sentence ("Mr. Chen was suspended" is one sentence).
ABBREVIATIONS: Final[frozenset[str]] = frozenset(
    {"mr", "mrs", "ms", "mx", "dr", "st", "jr", "sr", "mt", "vs", "prof", "no", "coach"}
)
_SENTENCE_END: Final[re.Pattern[str]] = re.compile(r"[.!?;]+(?=\s|$)|\n")
_PHONE_RUN: Final[re.Pattern[str]] = re.compile(r"[+(]?\d(?:[ \t().\-]{0,3}\d)+")
_PRONOUN: Final[re.Pattern[str]] = re.compile(
    r"(?<!\w)(?:he|she|they|him|her|hers|his|them|their|theirs)(?!\w)"
)
_NON_DIGIT: Final[re.Pattern[str]] = re.compile(r"\D")
_DIGITS: Final[re.Pattern[str]] = re.compile(r"\d+")
_MAX_PHONE_DIGITS: Final[int] = 16
_MAX_TERM: Final[int] = 80  # longer vocabulary phrases only lose the window's left edge


def name_variants(given: str, family: str) -> set[str]:
    """Normalized ways a post may write a student's name.

    "given family", "family, given", hyphen/space/no-apostrophe spellings of the surname,
    the first given name alone when there are several, and given + first or last part of a
    multi-part surname ("José Ramírez-López" is often "José Ramírez" or "José López").
    The bare given or family name is never a variant: far too many false matches.
    """
    g = normalize_phrase(given)
    f = normalize_phrase(family)
    if not g or not f:
        return set()
    givens = {g, g.replace("-", " ")}
    if len(g.split()) > 1:
        givens.add(g.split()[0])
    families = {f, f.replace("-", " "), f.replace("-", ""), f.replace(" ", "-"),
                f.replace("'", ""), f.replace("'", " ")}  # fmt: skip
    pieces = re.split(r"[\s\-]+", f)
    parts = [p for p in pieces if len(p) >= 2 and p not in NAME_PARTICLES]
    if len(pieces) > 1 and parts:
        families.update({parts[0], parts[-1]})
    out: set[str] = set()
    for gv in givens:
        for fv in families:
            out.add(" ".join(f"{gv} {fv}".split()))
            out.add(" ".join(f"{fv}, {gv}".split()))
    return out


def sentence_breaks(text: str) -> list[int]:
    """Sorted offsets where a sentence ends: ``.!?`` before whitespace, or a newline.

    A "." after a single letter or a title ("M. Chen", "Mr. Chen") is not a break.
    """
    breaks: list[int] = []
    for m in _SENTENCE_END.finditer(text):
        if m.group() == ".":
            i = m.start()
            j = i
            while j > 0 and text[j - 1].isalpha():
                j -= 1
            word = text[j:i]
            if len(word) == 1 or word in ABBREVIATIONS:
                continue
        breaks.append(m.end())
    return breaks


@dataclass(frozen=True)
class _Key:
    """What an automaton key stands for: one kind of one student's data."""

    kind: str  # name | identifier | email
    student: int


_OTHER: Final[_Key] = _Key("other", -1)  # a staff member's or guardian's name
# Characters that join two parts of one name ("Min-jun", "Smith-Jones"); en and em dashes
# fold to "-" too but are punctuation ("great game—Maya Chen scored").
_NAME_JOINERS: Final[frozenset[str]] = frozenset("-\u2010\u2011")


def _joined_to_word(doc: Document, start: int, end: int) -> bool:
    """Is the span glued by a hyphen to a word on either side ("Min-[jun Rogers]")?"""
    text = doc.text
    before = (
        start >= 2
        and text[start - 1] == "-"
        and is_word_char(text[start - 2])
        and doc.original[doc.offsets[start - 1]] in _NAME_JOINERS
    )
    after = (
        end + 1 < len(text)
        and text[end] == "-"
        and is_word_char(text[end + 1])
        and doc.original[doc.offsets[end]] in _NAME_JOINERS
    )
    return before or after


class _DocScan:
    """Per-document facts the name rules consult (normalized offsets, sorted).

    Context words, sentence breaks and pronouns are found on first use: only a post that
    names a (not shadowed) roster student needs them, and finding them costs more than
    the roster lookup itself.
    """

    def __init__(
        self, doc: Document, context: ContextMatcher | None, name_starts: Sequence[int]
    ) -> None:
        self._doc = doc
        self._context = context
        self.name_starts = name_starts

    @cached_property
    def context_hits(self) -> Sequence[ContextHit]:
        return self._context.find(self._doc) if self._context is not None else []

    @cached_property
    def context_starts(self) -> Sequence[int]:
        return [c.start for c in self.context_hits]

    @cached_property
    def breaks(self) -> Sequence[int]:
        return sentence_breaks(self._doc.text) if self.context_hits else []

    @cached_property
    def pronouns(self) -> Sequence[int]:
        if not self.context_hits:
            return []
        return [m.start() for m in _PRONOUN.finditer(self._doc.text)]


@dataclass(frozen=True)
class _Scan:
    findings: tuple[Finding, ...]
    redactions: tuple[tuple[int, int, str], ...]


class RosterDetector:
    """Finds roster students in posts and applies the directory-information rules."""

    name: str = "roster"
    EDUCATION_RECORD_SCORE: ClassVar[float] = 0.9
    OPT_OUT_SCORE: ClassVar[float] = 0.85
    CONTACT_SCORE: ClassVar[float] = 0.95
    MIN_IDENTIFIER_LEN: ClassVar[int] = 5
    # A context word links to a name when both are in the same sentence and at most this
    # many normalized characters apart (a run-on post without punctuation is not one
    # sentence's worth of association).
    MAX_CONTEXT_GAP: ClassVar[int] = 200
    # ... or when it is in one of the next sentences, refers back with a pronoun ("he got
    # suspended") and is this close.
    MAX_FOLLOWING_SENTENCES: ClassVar[int] = 2
    MAX_FOLLOWING_GAP: ClassVar[int] = 120
    CATEGORY: ClassVar[dict[str, str]] = {
        "identifier": "pii.student_id",
        "email": "pii.email",
        "phone": "pii.phone",
    }
    LABEL: ClassVar[dict[str, str]] = {
        "name": "student name",
        "identifier": "student number",
        "email": "student email",
        "phone": "student phone",
    }
    WHAT: ClassVar[dict[str, str]] = {
        "identifier": "student number",
        "email": "e-mail address",
        "phone": "phone number",
    }

    def __init__(
        self,
        roster: Roster | None,
        *,
        context_dir: Path | None = None,
        allow_phones: Sequence[str] = (),
        region: str = "US",
    ) -> None:
        self.roster = roster
        self.context_dir = context_dir
        self.allow_phones = tuple(allow_phones)
        self.region = region.upper()
        self._loaded = False
        self._students: tuple[Person, ...] = ()
        self._matcher: PhraseMatcher[_Key] = PhraseMatcher(())
        self._shadowed: frozenset[str] = frozenset()
        self._phones: dict[str, tuple[int, ...]] = {}
        self._min_phone_digits = 0
        self._initials: tuple[str, ...] = ()  # per student, as ``Person.initials``
        self._context: ContextMatcher | None = None
        self._last: tuple[Document, _Scan] | None = None

    @classmethod
    def from_context(cls, ctx: DetectorContext) -> Self:
        detection = ctx.settings.detection
        context_dir = (
            ctx.settings.resolve_path(detection.context_dir) if detection.context_dir else None
        )
        return cls(
            ctx.roster,
            context_dir=context_dir,
            allow_phones=detection.pii.allow_phones,
            region=detection.pii.default_region,
        )

    # -- building ---------------------------------------------------------------------------
    def load(self) -> None:
        """Build the automaton, the phone index and the context vocabulary matcher."""
        self._loaded = True
        if self.roster is None:
            return
        self._students = self.roster.students
        self._initials = tuple(p.initials for p in self._students)
        others = self.roster.non_students
        staff = self.roster.staff

        # A name (or number, or address) that also belongs to a staff member, guardian or
        # relative is never a finding: "Maya Chen" may be the choir director, or a parent
        # who shares the child's name, and a post cannot tell us which person is meant.
        # Flagging it would file an incident every time staff are named. The span is still
        # redacted in excerpts, which costs nothing and protects the student if it is them.
        shadow: set[str] = set()
        for p in others:
            shadow |= name_variants(p.given_name, p.family_name)
            shadow |= set(self._contact_keys(p).keys())

        keys: list[tuple[str, _Key]] = []
        # Other people's names are keys too, so the longest match wins: "Min-jun Rogers" the
        # teacher is not student "Jun Rogers", nor is "Mary Ann Baker" student "Ann Baker".
        for p in others:
            keys.extend((v, _OTHER) for v in name_variants(p.given_name, p.family_name))
        for i, p in enumerate(self._students):
            keys.extend((v, _Key("name", i)) for v in name_variants(p.given_name, p.family_name))
            keys.extend((k, _Key(kind, i)) for k, kind in self._contact_keys(p).items())
        self._matcher = PhraseMatcher(keys)
        self._shadowed = frozenset(shadow)

        allowed = {n for n in (e164(a, self.region) for a in self.allow_phones) if n}
        staff_phones: set[str] = set()
        for p in staff:
            for raw in (p.phone, p.sms):
                staff_phones |= self._phone_keys(raw, allowed=frozenset())
        phones: dict[str, list[int]] = {}
        for i, p in enumerate(self._students):
            for raw in (p.phone, p.sms):
                # A student phone that is also a staff or district line (a data-entry
                # habit: the school's number in every row) is not student PII.
                for key in self._phone_keys(raw, allowed=frozenset(allowed)) - staff_phones:
                    if i not in phones.setdefault(key, []):
                        phones[key].append(i)
        self._phones = {k: tuple(v) for k, v in phones.items()}
        # A phone hit is a key's digits in a row, so a post with fewer digits has none.
        self._min_phone_digits = min((len(k) for k in self._phones), default=0)
        self._context = ContextMatcher.load(self.context_dir)

    def _contact_keys(self, p: Person) -> dict[str, str]:
        keys: dict[str, str] = {}
        if p.identifier:
            ident = normalize_phrase(p.identifier)
            if len(ident) >= self.MIN_IDENTIFIER_LEN:
                keys[ident] = "identifier"
        if p.email:
            email = normalize_phrase(p.email)
            if "@" in email:
                keys[email] = "email"
        return keys

    def _phone_keys(self, raw: str | None, *, allowed: frozenset[str]) -> set[str]:
        """Digit strings a post may write this number as (national, with country code)."""
        if not raw:
            return set()
        try:
            parsed = phonenumbers.parse(raw, self.region)
        except phonenumbers.NumberParseException:
            digits = _NON_DIGIT.sub("", raw)
            return {digits} if len(digits) >= 7 else set()
        full = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
        if full in allowed:
            return set()
        national = _NON_DIGIT.sub(
            "", phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
        )
        keys = {full.lstrip("+"), str(parsed.national_number), national}
        return {k for k in keys if len(k) >= 7}

    # -- scanning ---------------------------------------------------------------------------
    def detect(self, doc: Document) -> Sequence[Finding]:
        return self._scan(doc).findings

    def redactions(self, doc: Document) -> Sequence[tuple[int, int, str]]:
        """Every roster-student mention (finding or not), in original offsets."""
        return self._scan(doc).redactions

    def _scan(self, doc: Document) -> _Scan:
        last = self._last
        if last is not None and last[0] is doc:
            return last[1]
        if not self._loaded:
            self.load()
        if self.roster is None or not self._students:
            result = _Scan((), ())
        else:
            result = self._scan_uncached(doc)
        self._last = (doc, result)
        return result

    def _scan_uncached(self, doc: Document) -> _Scan:
        findings: list[Finding] = []
        redactions: list[tuple[int, int, str]] = []
        hits = [
            h
            for h in longest_first(self._matcher.find(doc.text))
            if not (_is_name_hit(h) and _joined_to_word(doc, h.start, h.end))
        ]
        scan = _DocScan(
            doc,
            self._context,
            name_starts=[h.start for h in hits if any(k.kind == "name" for k in h.payloads)],
        )

        for hit in hits:
            by_kind: dict[str, list[int]] = {}
            for key in hit.payloads:
                if key is not _OTHER:
                    by_kind.setdefault(key.kind, []).append(key.student)
            if not by_kind:
                continue  # only a staff member's or guardian's name
            kind = "name" if "name" in by_kind else next(iter(by_kind))
            start, end = doc.to_original(hit.start, hit.end)
            redactions.append((start, end, self.LABEL[kind]))
            if hit.key in self._shadowed:
                continue
            who = list(dict.fromkeys(by_kind[kind]))
            if kind == "name":
                finding = self._name_finding(hit, who, scan, start, end)
                if finding is not None:
                    findings.append(finding)
            else:
                findings.append(self._contact_finding(kind, who, start, end))

        if doc.digits < self._min_phone_digits:
            return _Scan(tuple(findings), tuple(sorted(redactions)))  # no phone key fits
        for start, end, students in self._phone_hits(doc.text):
            o_start, o_end = doc.to_original(start, end)
            redactions.append((o_start, o_end, self.LABEL["phone"]))
            findings.append(self._contact_finding("phone", students, o_start, o_end))
        return _Scan(tuple(findings), tuple(sorted(redactions)))

    def _phone_hits(self, text: str) -> Iterable[tuple[int, int, tuple[int, ...]]]:
        """Student phones written in any punctuation: (start, end, students), normalized.

        Each run of digits and phone punctuation is split into digit groups; every span of
        consecutive groups (at most 16 digits) is looked up, longest first, so "room 12,
        555-123-4567" and "2 (555) 123 4567" still find the number. Bounded work per run.
        """
        if not self._phones:
            return
        for run in _PHONE_RUN.finditer(text):
            groups = [(m.start(), m.end(), m.group()) for m in _DIGITS.finditer(run.group())]
            base = run.start()
            i = 0
            while i < len(groups):
                found: tuple[int, tuple[int, ...]] | None = None
                digits = ""
                for j in range(i, len(groups)):
                    digits += groups[j][2]
                    if len(digits) > _MAX_PHONE_DIGITS:
                        break
                    students = self._phones.get(digits)
                    if students:
                        found = (j, students)
                if found is None:
                    i += 1
                    continue
                j, students = found
                start, end = base + groups[i][0], base + groups[j][1]
                if i == 0:
                    start = base  # include a leading "+" or "("
                elif text[start - 1] == "(":
                    start -= 1
                yield start, end, students
                i = j + 1

    def _name_finding(
        self, hit: PhraseHit[_Key], students: Sequence[int], scan: _DocScan, start: int, end: int
    ) -> Finding | None:
        opted_out = any(self._students[i].directory_opt_out for i in students)
        who = "roster student " + self._initials_of(students)
        if opted_out:
            who += " (directory opt-out)"
        context = self._nearest_context(hit, scan)
        if context is not None:
            return Finding(
                "pii.education_record",
                start,
                end,
                self.EDUCATION_RECORD_SCORE,
                self.name,
                f"{who} + {context.label}",
                tags=(f"context:{context.category}",),  # health/IEP records are critical
            )
        if opted_out:
            return Finding(
                "pii.student_name",
                start,
                end,
                self.OPT_OUT_SCORE,
                self.name,
                f"{who} named; directory information about this student may not be published",
            )
        return None  # directory information: fine to post

    def _nearest_context(self, hit: PhraseHit[_Key], scan: _DocScan) -> ContextHit | None:
        """The nearest context word this name mention is about, if any (see module doc)."""
        hits = scan.context_hits
        if not hits:
            return None
        sentence = bisect.bisect_right(scan.breaks, hit.start)
        best: tuple[int, ContextHit] | None = None
        # context hits are sorted by start; only a bounded window can be near enough.
        starts = scan.context_starts
        lo = bisect.bisect_left(starts, hit.start - self.MAX_CONTEXT_GAP - _MAX_TERM)
        hi = bisect.bisect_right(starts, hit.end + self.MAX_CONTEXT_GAP)
        for c in hits[lo:hi]:
            if c.start < hit.end and hit.start < c.end:
                continue  # part of the name itself
            gap = hit.start - c.end if c.end <= hit.start else c.start - hit.end
            if gap > self.MAX_CONTEXT_GAP:
                continue
            if self._other_name_between(hit, c, scan):
                continue  # "P. forgot her inhaler; M. won the prize": it is about P.
            c_sentence = bisect.bisect_right(scan.breaks, c.start)
            if c_sentence != sentence and not self._refers_back(
                hit, c, c_sentence - sentence, scan
            ):
                continue
            if best is None or gap < best[0]:
                best = (gap, c)
        return best[1] if best else None

    @staticmethod
    def _other_name_between(hit: PhraseHit[_Key], c: ContextHit, scan: _DocScan) -> bool:
        """Does another student's name stand between this name and the context word?"""
        lo, hi = (c.end, hit.start) if c.end <= hit.start else (hit.end, c.start)
        i = bisect.bisect_left(scan.name_starts, lo)
        return i < len(scan.name_starts) and scan.name_starts[i] < hi

    def _refers_back(
        self, hit: PhraseHit[_Key], c: ContextHit, sentences_later: int, scan: _DocScan
    ) -> bool:
        """Is a context word in a following sentence about this student?

        "Why wasn't Ethan Walker on the field? Heard he got suspended." — yes: a later
        sentence (at most ``MAX_FOLLOWING_SENTENCES`` on, ``MAX_FOLLOWING_GAP`` chars away)
        with a third-person pronoun before the word, and no other student named in between.
        "Maya Chen won the award. Detention reminder for all." — no pronoun, no link.
        """
        if not 0 < sentences_later <= self.MAX_FOLLOWING_SENTENCES:
            return False
        if c.start - hit.end > self.MAX_FOLLOWING_GAP:
            return False
        sentence_start = scan.breaks[bisect.bisect_right(scan.breaks, c.start) - 1]
        i = bisect.bisect_left(scan.pronouns, sentence_start)
        if i >= len(scan.pronouns) or scan.pronouns[i] >= c.start:
            return False
        j = bisect.bisect_right(scan.name_starts, hit.start)
        return j >= len(scan.name_starts) or scan.name_starts[j] >= c.start

    def _contact_finding(self, kind: str, students: Sequence[int], start: int, end: int) -> Finding:
        return Finding(
            self.CATEGORY[kind],
            start,
            end,
            self.CONTACT_SCORE,
            self.name,
            f"{self.WHAT[kind]} of a roster student ({self._initials_of(students)})",
        )

    def _initials_of(self, students: Iterable[int]) -> str:
        """Initials such as "M. C." or "M. C. / J. R.", each student's once, in order."""
        return " / ".join(dict.fromkeys(self._initials[i] for i in students))


def _is_name_hit(hit: PhraseHit[_Key]) -> bool:
    return any(k.kind in ("name", "other") for k in hit.payloads)
