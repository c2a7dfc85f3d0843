"""Roster matching: the district's own students named, numbered or contacted in a post.

FERPA rules (ARCHITECTURE section 5):

* a student named with an education-record word (grades, discipline, attendance, health,
  IEP/504, special education) → ``pii.education_record``. "With" means in the same sentence
  (at most 200 characters apart), or in one of the next two sentences when that sentence
  refers back with a pronoun before the word and no other student is named in between
  ("Why wasn't Ethan on the field? Heard he got suspended."). Sentence scoping keeps
  "Maya won the award. Detention reminder for all students." from linking the two. After
  a student's full name, a later given name alone ("Maya Chen joined. Maya was suspended")
  is that student — a mention of its own, and a reference back like a pronoun — unless
  someone else named in the post may have that given name. Names in one list ("Sam Ortiz
  and Lena Park were suspended", "Absent: Sam Ortiz, Lena Park") share the word;
* a student with a directory opt-out named at all → ``pii.student_name``;
* any other student named (awards, sports, activities: directory information) → no finding,
  but the name is still a redaction span so e-mail excerpts never carry it;
* a roster student's identifier, e-mail or phone → ``pii.student_id``/``email``/``phone``;
  a numeric identifier also written with one separator in the middle ("4469-6330").

Names, identifiers and e-mails share ONE Aho-Corasick automaton over normalized forms, so
``detect`` costs O(len(text)) however large the roster is. Phones are matched by digits: each
run of digits and phone punctuation in the post is reduced to its digits and looked up in a
dict, so "(555) 123-4567", "555.123.4567" and "+1 555 123 4567" all match.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Final, NamedTuple, Self

import phonenumbers
from phonenumbers import PhoneNumberFormat

from sitewatch.detectors.base import (
    DetectorContext,
    PhraseMatcher,
    is_word_char,
    make_finding,
    normalize_phrase,
    word_start_alternation,
)
from sitewatch.detectors.context import ContextHit, ContextMatcher
from sitewatch.detectors.pii import SEPARATED_NUMBER, e164, middle_split
from sitewatch.models import Finding
from sitewatch.roster import Person, Roster
from sitewatch.scan.normalize import Document

__all__ = [
    "RosterDetector",
    "hashtag_form",
    "name_variants",
    "name_view",
    "sentence_breaks",
    "short_forms",
]

# Surname particles that are not a usable short form on their own ("de" of "de la Cruz").
NAME_PARTICLES: Final[frozenset[str]] = frozenset(
    {"de", "del", "della", "der", "den", "di", "da", "das", "dos", "du", "la", "le", "van",
     "von", "y", "e", "bin", "ibn", "al", "el", "st", "ter", "ten"}
)  # fmt: skip
# Words after which "." does not end a sentence ("Mr. Chen was suspended" is one sentence).
ABBREVIATIONS: Final[frozenset[str]] = frozenset(
    {"mr", "mrs", "ms", "mx", "dr", "st", "jr", "sr", "mt", "vs", "prof", "no", "coach"}
)
# The regexes below start with a character class (or literals), never with a look-behind or
# an optional part: the engine then skips in C to the positions that can start a match
# instead of trying the whole pattern at every position (several times faster on posts).
# tests/detectors/test_fast_paths.py checks each against its plain form.
#   "[.!?;]+(?=\s|$)|\n", the first character matched once:
_SENTENCE_END: Final[re.Pattern[str]] = re.compile(
    r"[.!?;\n](?:(?<=\n)|(?<=[.!?;])[.!?;]*(?=\s|$))"
)
#   "[+(]?\d(?:[ \t().\-]{0,3}\d)+": a "+" or "(" is only taken before a digit.
_PHONE_RUN: Final[re.Pattern[str]] = re.compile(
    r"[+(\d](?:(?<=\d)|(?<=[+(])\d)(?:[ \t().\-]{0,3}\d)+"
)
_PRONOUN_WORDS: Final[tuple[str, ...]] = (
    "he", "she", "they", "him", "her", "hers", "his", "them", "their", "theirs",
)  # fmt: skip
#   "(?<!\w)(?:he|she|...)(?!\w)"
_PRONOUN: Final[re.Pattern[str]] = re.compile(word_start_alternation(_PRONOUN_WORDS) + r"(?!\w)")
# What may stand between two names of one list ("Sam Ortiz and Lena Park were suspended",
# "Absent: Sam Ortiz, Lena Park"): list punctuation and "and"/"or", at least one of them.
_LIST_JOIN: Final[str] = r"(?:[,;&/]|and(?!\w)|or(?!\w))"
_LIST_GAP: Final[re.Pattern[str]] = re.compile(rf"\s*{_LIST_JOIN}(?:\s*{_LIST_JOIN})*\s*")
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


def short_forms(given: str, family: str) -> set[str]:
    """Normalized initial forms of a name: "m. chen" and "maya c." (unique ones are keys)."""
    g = normalize_phrase(given)
    f = normalize_phrase(family)
    if not g or not f or not g[0].isalpha() or not f[0].isalpha():
        return set()
    return {f"{g[0]}. {f}", f"{g.split()[0]} {f[0]}."}


# What a hashtag drops from a name: "#MayaChen", "#EmilianoBenDavid", "#LiamOBrien".
_HASHTAG_DROPS: Final[re.Pattern[str]] = re.compile(r"[\s'.\-]")


def hashtag_form(given: str, family: str) -> str:
    """A name as a hashtag writes it, without the "#": "mayachen" (``""`` when too short
    to be told from a word). Only a whole "#word" counts (``_scan_uncached``)."""
    tag = _HASHTAG_DROPS.sub("", normalize_phrase(f"{given} {family}"))
    return tag if len(tag) >= 6 else ""


_HASHTAG: Final[re.Pattern[str]] = re.compile(r"#\w+")


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


# Names written with a line break or several blanks between the parts ("Maya\nChen",
# "Maya  Chen"), and names spelled out letter by letter ("M a y a  C h e n"): the name view
# reads both as "maya chen" (``name_view``).
# A blank run that is a loose gap between two letters (tested after the match: the regex
# opens with a blank, so the engine skips in C to the blanks).
_LOOSE_GAP: Final[re.Pattern[str]] = re.compile(r"[ \t]*\n[ \t]*|[ \t]{2,}")
_SPACED_OUT: Final[re.Pattern[str]] = re.compile(
    r"(?<!\S)[^\W\d_](?: [^\s\d_]){2,}(?:  [^\W\d_](?: [^\s\d_])+)*(?:'s)?(?!\S)"
)
# Two one-letter words in a row: the sign of a spelled-out name ("m a y a").
_SPACED_GATE: Final[re.Pattern[str]] = re.compile(r" [^\W\d_] [^\W\d_](?![^\W\d_])")


def name_view(doc: Document) -> tuple[str, list[int]] | None:
    """``doc.text`` with loose name gaps closed and spelled-out words joined, and for each
    of its characters the offset in ``doc.text`` it came from; None when nothing changes
    (the usual post). "M a y a  C h e n\nwon" reads "maya chen won"."""
    text = doc.text
    loose = "  " in text or "\n" in text or "\t" in text
    spaced = _SPACED_GATE.search(text) is not None
    if not loose and not spaced:
        return None  # the usual post: one blank between words, no one-letter runs
    edits: list[tuple[int, int, str]] = []
    if spaced:
        original, back = doc.original, doc.offsets
        for m in _SPACED_OUT.finditer(text):
            start = m.start()
            if original[back[start]].islower() and original[back[start + 2]].isupper():
                start += 2  # "a M a y a": the article is a word of its own
            edits.append((start, m.end(), ""))
    if loose:
        n = len(text)
        for m in _LOOSE_GAP.finditer(text):
            start, end = m.span()
            if start and end < n and text[start - 1].isalpha() and text[end].isalpha():
                edits.append((start, end, " "))
    if not edits:
        return None
    edits.sort()
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for start, end, repl in edits:
        if start < pos:
            continue  # a gap inside a spelled-out run, already read
        pieces.append(text[pos:start])
        offsets.extend(range(pos, start))
        if repl:  # a loose gap: one blank, at the gap's first character
            pieces.append(repl)
            offsets.append(start)
        else:  # a spelled-out run: its letters (and a closing "'s"), one blank per gap
            k = start
            for part in text[start:end].split("  "):
                if k > start:
                    pieces.append(" ")
                    offsets.append(k - 2)
                for token in part.split(" "):
                    pieces.append(token)
                    offsets.extend(range(k, k + len(token)))
                    k += len(token) + 1
                k += 1
        pos = end
    pieces.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    return "".join(pieces), offsets


@dataclass(frozen=True)
class _Key:
    """What an automaton key stands for: one kind of one student's data.

    A student's name key also carries, worked out once at load, what a hit on it says
    (``who``: "roster student M. C.", with "(directory opt-out)" when ``opted_out``), so
    the usual hit never reads the student's roster entry again (``_one_name_info``).
    Neither takes part in equality: a key is its kind and student.
    """

    kind: str  # name | identifier | email
    student: int
    opted_out: bool = field(default=False, compare=False)
    who: str = field(default="", compare=False)


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
    the roster lookup itself. (Plain attributes, not ``cached_property``: that takes a
    lock on every first access, which shows at this grain.)
    """

    __slots__ = (
        "_context",
        "_doc",
        "_hits",
        "_pronouns",
        "breaks",
        "context_starts",
        "name_remention",
        "name_starts",
        "names",
        "text",
    )

    def __init__(
        self,
        doc: Document,
        context: ContextMatcher | None,
        names: Sequence[tuple[int, int, _KeyInfo]],
        rementions: frozenset[int] = frozenset(),
    ) -> None:
        self._doc = doc
        self._context = context
        self.text = doc.text
        # every student-name mention (start, end, meaning), its start, and the starts of
        # the first-name re-mentions among them
        self.names = names
        self.name_starts: Sequence[int] = [h[0] for h in names]
        self.name_remention = rementions
        self._hits: Sequence[ContextHit] | None = None
        self._pronouns: Sequence[int] | None = None
        self.context_starts: Sequence[int] = []
        self.breaks: Sequence[int] = []

    @property
    def context_hits(self) -> Sequence[ContextHit]:
        """Context words; on first use also ``context_starts`` and ``breaks``."""
        hits = self._hits
        if hits is None:
            hits = self._context.find(self._doc) if self._context is not None else []
            self._hits = hits
            if hits:
                self.context_starts = [c.start for c in hits]
                self.breaks = self._breaks_outside_names()
        return hits

    def _breaks_outside_names(self) -> list[int]:
        """Sentence breaks, but not a line break inside a name ("Maya\nChen")."""
        breaks = sentence_breaks(self.text)
        text = self.text
        inside = [(s, e) for s, e, _info in self.names if "\n" in text[s:e]]
        if inside:
            breaks = [b for b in breaks if not any(s < b < e for s, e in inside)]
        return breaks

    @property
    def pronouns(self) -> Sequence[int]:
        found = self._pronouns
        if found is None:
            found = (
                [m.start() for m in _PRONOUN.finditer(self._doc.text)] if self.context_hits else []
            )
            self._pronouns = found
        return found


class _Scan(NamedTuple):
    findings: tuple[Finding, ...]
    redactions: tuple[tuple[int, int, str], ...]


_NO_SCAN: Final[_Scan] = _Scan((), ())


class _KeyInfo(NamedTuple):
    """What a hit on one automaton key means, worked out at load (``_key_meanings``)."""

    joinable: bool  # someone's name: glued by a hyphen to a word, it is not a mention
    names: bool  # a student's name: stands between another name and its context word
    kind: str | None  # name | identifier | email; None: only staff or guardians
    label: str  # the redaction label
    shadowed: bool  # also a staff member's, guardian's or relative's: never a finding
    opted_out: bool  # kind "name": one of the students has a directory opt-out
    who: str  # kind "name": "roster student M. C. ..."; else the finding's explanation
    category: str  # the contact finding's category ("" for names)
    student: int  # kind "name" of exactly one student: that student's index; else -1


def _longest_first_order(hit: tuple[int, int, str, object]) -> tuple[int, int]:
    return hit[0], hit[0] - hit[1]


def _hit_start(hit: tuple[int, int, _KeyInfo]) -> int:
    return hit[0]


def _names_given(key: str, given: str) -> bool:
    """Could the name ``key`` ("given family" or "family, given") have ``given`` as its
    given name (or first given name)?"""
    return key.startswith(given + " ") or key.endswith(", " + given) or f", {given} " in key


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
        self._hashtags: dict[str, tuple[_Key, ...]] = {}  # "#mayachen" -> students
        self._numbers: dict[str, tuple[int, ...]] = {}  # numeric identifiers -> students
        self._min_number_digits = 0
        self._initials: tuple[str, ...] = ()  # per student, as ``Person.initials``
        self._context: ContextMatcher | None = None
        self._last: tuple[Document, _Scan] | None = None
        self._key_infos: dict[str, _KeyInfo] = {}
        self._given_forms_cache: dict[int, tuple[str, ...]] = {}

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
        self._key_infos = {}
        self._given_forms_cache = {}
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
        # "M. Chen" and "Maya C." name a student only when no one else on the roster, staff
        # and guardians included, has that short form.
        hashtags: dict[str, list[_Key]] = {}  # "#mayachen" -> its students
        short_owners: dict[str, int] = {}
        for p in (*self._students, *others):
            for form in short_forms(p.given_name, p.family_name):
                short_owners[form] = short_owners.get(form, 0) + 1
        for i, p in enumerate(self._students):
            who = "roster student " + self._initials[i]
            if p.directory_opt_out:
                who += " (directory opt-out)"
            name = _Key("name", i, p.directory_opt_out, who)  # one per student, shared
            keys.extend((v, name) for v in name_variants(p.given_name, p.family_name))
            keys.extend(
                (form, name)
                for form in short_forms(p.given_name, p.family_name)
                if short_owners[form] == 1
            )
            tag = hashtag_form(p.given_name, p.family_name)
            if tag:
                tags = hashtags.setdefault("#" + tag, [])
                if name not in tags:
                    tags.append(name)
            keys.extend((k, _Key(kind, i)) for k, kind in self._contact_keys(p).items())
        self._matcher = PhraseMatcher(keys)
        self._shadowed = frozenset(shadow)
        del keys  # the automaton has them now
        self._key_infos = self._key_meanings()
        # Hashtag forms are looked up per "#word" of a post (few posts have one), outside the
        # automaton: "mayachen" alone is not a name, "#MayaChen" is.
        self._hashtags = {tag: tuple(students) for tag, students in hashtags.items()}
        for tag, students in self._hashtags.items():
            self._key_infos[tag] = self._key_info(tag, students)

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
        # Numeric identifiers, for the "4469-6330" spellings the automaton cannot hold.
        numbers: dict[str, list[int]] = {}
        for i, p in enumerate(self._students):
            ident = normalize_phrase(p.identifier or "")
            numeric = ident.isdigit() and ident.isascii()
            if len(ident) >= self.MIN_IDENTIFIER_LEN and numeric and ident not in shadow:
                numbers.setdefault(ident, []).append(i)
        self._numbers = {k: tuple(v) for k, v in numbers.items()}
        self._min_number_digits = min((len(k) for k in self._numbers), default=0)
        # Each student's given-name forms, for first-name re-mentions: worked out here, so a
        # post that names a student costs a dict lookup, not a normalization (see
        # ``_first_name_mentions``).
        for i in range(len(self._students)):
            self._given_forms(i)
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

    def _key_meanings(self) -> dict[str, _KeyInfo]:
        """What a hit on each automaton key means (``_key_info``), worked out at load for
        every key: a post naming a student then costs one lookup, not a roster read. Keys
        that mean the same share one ``_KeyInfo``: a few per student."""
        shared: dict[tuple[_Key, bool], _KeyInfo] = {}
        infos: dict[str, _KeyInfo] = {}
        for key, payloads in self._matcher.items():
            if len(payloads) == 1 and payloads[0].kind == "name":
                meaning = (payloads[0], key in self._shadowed)
                info = shared.get(meaning)
                if info is None:
                    info = shared[meaning] = self._one_name_info(key, payloads[0])
            else:
                info = self._any_key_info(key, payloads)
            infos[key] = info
        return infos

    def clear_caches(self) -> None:
        """Forget the last document (what keys mean is the roster's, worked out at load)."""
        self._last = None

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

    def _key_info(self, key: str, payloads: tuple[_Key, ...]) -> _KeyInfo:
        """What a hit on ``key`` means (see ``_KeyInfo``)."""
        if len(payloads) == 1 and payloads[0].kind == "name":
            return self._one_name_info(key, payloads[0])
        return self._any_key_info(key, payloads)

    def _one_name_info(self, key: str, name: _Key) -> _KeyInfo:
        """``_any_key_info`` for the usual key: one student's name, nobody else's."""
        shadowed = key in self._shadowed
        label = self.LABEL["name"]
        return _KeyInfo(
            True, True, "name", label, shadowed, name.opted_out, name.who, "", name.student
        )

    def _any_key_info(self, key: str, payloads: tuple[_Key, ...]) -> _KeyInfo:
        by_kind: dict[str, list[int]] = {}
        for k in payloads:
            if k is not _OTHER:
                by_kind.setdefault(k.kind, []).append(k.student)
        joinable = any(k.kind in ("name", "other") for k in payloads)
        names = any(k.kind == "name" for k in payloads)
        shadowed = key in self._shadowed
        if not by_kind:
            info = _KeyInfo(joinable, names, None, "", shadowed, False, "", "", -1)
        else:
            kind = "name" if "name" in by_kind else next(iter(by_kind))
            who = list(dict.fromkeys(by_kind[kind]))
            if kind == "name":
                opted_out = any(self._students[i].directory_opt_out for i in who)
                text = "roster student " + self._initials_of(who)
                if opted_out:
                    text += " (directory opt-out)"
                one = who[0] if len(who) == 1 else -1
                info = _KeyInfo(
                    joinable, names, kind, self.LABEL[kind], shadowed, opted_out, text, "", one
                )
            else:
                text = f"{self.WHAT[kind]} of a roster student ({self._initials_of(who)})"
                info = _KeyInfo(
                    joinable,
                    names,
                    kind,
                    self.LABEL[kind],
                    shadowed,
                    False,
                    text,
                    self.CATEGORY[kind],
                    -1,
                )
        return info

    def _scan_uncached(self, doc: Document) -> _Scan:
        text = doc.text
        raw = self._matcher.spans(text)
        view = name_view(doc)
        if view is not None:  # loose or spelled-out names: match on the view, map back
            view_text, back = view
            raw = [
                (back[start], back[end - 1] + 1, key, payloads)
                for start, end, key, payloads in self._matcher.spans(view_text)
            ]
        if "#" in text and self._hashtags:  # "#MayaChen": the name without the "#"
            for m in _HASHTAG.finditer(text):
                tagged = self._hashtags.get(m.group())
                if tagged is not None:
                    raw.append((m.start() + 1, m.end(), m.group(), tagged))
        if (
            not raw
            and doc.digits < self._min_phone_digits
            and (not self._numbers or doc.digits < self._min_number_digits)
        ):
            return _NO_SCAN  # most posts: no roster key, no phone key or number fits
        findings: list[Finding] = []
        redactions: list[tuple[int, int, str]] = []
        if len(raw) > 1:  # ``longest_first``: drop hits inside a longer one
            raw.sort(key=_longest_first_order)
            kept = []
            reach = -1
            for h in raw:
                if h[1] > reach:
                    kept.append(h)
                    reach = h[1]
            raw = kept
        infos = self._key_infos
        hits: list[tuple[int, int, _KeyInfo]] = []
        for start, end, key, payloads in raw:
            info = infos.get(key)
            if info is None:  # not loaded by ``load`` (a matcher swapped in by a test)
                info = self._key_info(key, payloads)
            if (
                info.joinable
                # ``_joined_to_word`` needs a "-" beside the span: the usual hit has none
                and (text[start - 1 : start] == "-" or text[end : end + 1] == "-")
                and _joined_to_word(doc, start, end)
            ):
                continue
            hits.append((start, end, info))
        rementions: frozenset[int] = frozenset()
        # a student named in full: later first names alone are that student too
        extra = self._first_name_mentions(doc, hits) if hits else None
        if extra:
            rementions = frozenset(e[0] for e in extra)
            hits = sorted(hits + extra, key=_hit_start)
        scan: _DocScan | None = None
        for start, end, info in hits:
            if info.kind is None:
                continue  # only a staff member's or guardian's name
            o_start, o_end = doc.to_original(start, end)
            redactions.append((o_start, o_end, info.label))
            if info.shadowed:
                continue
            if info.kind == "name":
                if scan is None:
                    names = [h for h in hits if h[2].names]
                    scan = _DocScan(doc, self._context, names, rementions)
                finding = self._name_finding(start, end, info, scan, o_start, o_end)
                if finding is not None:
                    findings.append(finding)
            else:
                findings.append(
                    make_finding(
                        info.category, o_start, o_end, self.CONTACT_SCORE, self.name, info.who
                    )
                )

        if self._numbers and doc.digits >= self._min_number_digits:
            for m in SEPARATED_NUMBER.finditer(text):
                students = self._numbers.get(m.group(1) + m.group(2)) if middle_split(m) else None
                if students:
                    o_start, o_end = doc.to_original(m.start(), m.end())
                    redactions.append((o_start, o_end, self.LABEL["identifier"]))
                    findings.append(self._contact_finding("identifier", students, o_start, o_end))
        if doc.digits >= self._min_phone_digits:
            for start, end, students in self._phone_hits(text):
                o_start, o_end = doc.to_original(start, end)
                redactions.append((o_start, o_end, self.LABEL["phone"]))
                findings.append(self._contact_finding("phone", students, o_start, o_end))
        if not findings and not redactions:
            return _NO_SCAN
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
        self, h_start: int, h_end: int, info: _KeyInfo, scan: _DocScan, start: int, end: int
    ) -> Finding | None:
        """The finding for a student's name at ``[h_start, h_end)`` (normalized), reported
        at ``[start, end)`` (original), if it is one."""
        context = self._nearest_context(h_start, h_end, info.student, scan)
        if context is not None:
            return make_finding(
                "pii.education_record",
                start,
                end,
                self.EDUCATION_RECORD_SCORE,
                self.name,
                f"{info.who} + {context.label}",
                tags=(f"context:{context.category}",),  # health/IEP records are critical
            )
        if info.opted_out:
            return make_finding(
                "pii.student_name",
                start,
                end,
                self.OPT_OUT_SCORE,
                self.name,
                f"{info.who} named; directory information about this student may not be published",
            )
        return None  # directory information: fine to post

    def _nearest_context(
        self, h_start: int, h_end: int, student: int, scan: _DocScan
    ) -> ContextHit | None:
        """The nearest context word this name mention is about, if any (see module doc)."""
        hits = scan.context_hits
        if not hits:
            return None
        sentence = bisect.bisect_right(scan.breaks, h_start)
        best: tuple[int, ContextHit] | None = None
        # context hits are sorted by start; only a bounded window can be near enough.
        starts = scan.context_starts
        lo = bisect.bisect_left(starts, h_start - self.MAX_CONTEXT_GAP - _MAX_TERM)
        hi = bisect.bisect_right(starts, h_end + self.MAX_CONTEXT_GAP)
        for c in hits[lo:hi]:
            if c.start < h_end and h_start < c.end:
                continue  # part of the name itself
            gap = h_start - c.end if c.end <= h_start else c.start - h_end
            if gap > self.MAX_CONTEXT_GAP:
                continue
            if self._other_name_between(h_start, h_end, student, c, scan):
                continue  # "P. forgot her inhaler; M. won the prize": it is about P.
            c_sentence = bisect.bisect_right(scan.breaks, c.start)
            if c_sentence != sentence and not self._refers_back(
                h_start, h_end, student, c, c_sentence - sentence, scan
            ):
                continue
            if best is None or gap < best[0]:
                best = (gap, c)
        return best[1] if best else None

    @staticmethod
    def _other_name_between(
        h_start: int, h_end: int, student: int, c: ContextHit, scan: _DocScan
    ) -> bool:
        """Does another student's name stand between this name and the context word?

        The student's own names do not ("Maya Chen ... Maya was suspended"), nor names in
        one list with this one, joined only by ``, ; & / and or`` ("Sam Ortiz and Lena
        Park were suspended", "Absent today: Sam Ortiz, Lena Park").
        """
        starts = scan.name_starts
        lo, hi = (c.end, h_start) if c.end <= h_start else (h_end, c.start)
        i = bisect.bisect_left(starts, lo)
        if i >= len(starts) or starts[i] >= hi:
            return False
        after = c.end > h_start  # the context word follows the name
        j = bisect.bisect_left(starts, hi, i)
        names, text = scan.names, scan.text
        edge = h_end if after else h_start  # the end of the list so far, toward the word
        for k in range(i, j) if after else range(j - 1, i - 1, -1):
            n_start, n_end, info = names[k]
            if student >= 0 and info.student == student:
                continue
            gap = text[edge:n_start] if after else text[n_end:edge]
            if _LIST_GAP.fullmatch(gap) is None:
                return True
            edge = n_end if after else n_start
        return False

    def _refers_back(
        self,
        h_start: int,
        h_end: int,
        student: int,
        c: ContextHit,
        sentences_later: int,
        scan: _DocScan,
    ) -> bool:
        """Is a context word in a following sentence about this student?

        "Why wasn't Ethan Walker on the field? Heard he got suspended." — yes: a later
        sentence (at most ``MAX_FOLLOWING_SENTENCES`` on, ``MAX_FOLLOWING_GAP`` chars away)
        with a third-person pronoun, or the student's first name ("Maya Chen scored. Maya
        was suspended"), before the word, and no other student named in between.
        "Maya Chen won the award. Detention reminder for all." — no pronoun, no link.
        """
        if not 0 < sentences_later <= self.MAX_FOLLOWING_SENTENCES:
            return False
        if c.start - h_end > self.MAX_FOLLOWING_GAP:
            return False
        sentence_start = scan.breaks[bisect.bisect_right(scan.breaks, c.start) - 1]
        starts = scan.name_starts
        i = bisect.bisect_left(scan.pronouns, sentence_start)
        if i >= len(scan.pronouns) or scan.pronouns[i] >= c.start:
            if student < 0 or not scan.name_remention:
                return False
            k = bisect.bisect_left(starts, sentence_start)
            end = bisect.bisect_left(starts, c.start, k)
            if not any(
                scan.names[m][2].student == student and starts[m] in scan.name_remention
                for m in range(k, end)
            ):
                return False
        j = bisect.bisect_right(starts, h_start)
        while j < len(starts) and starts[j] < c.start:
            if student < 0 or scan.names[j][2].student != student:
                return False
            j += 1
        return True

    def _given_forms(self, student: int) -> tuple[str, ...]:
        """Normalized ways a post may write the student's given name alone, longest first."""
        forms = self._given_forms_cache.get(student)
        if forms is None:
            g = normalize_phrase(self._students[student].given_name)
            found = {g, g.replace("-", " ")}
            if len(g.split()) > 1:
                found.add(g.split()[0])
            forms = tuple(
                sorted(
                    (f for f in found if len(f) >= 2 and f not in _PRONOUN_WORDS),
                    key=len,
                    reverse=True,
                )
            )
            self._given_forms_cache[student] = forms
        return forms

    def _first_name_mentions(
        self, doc: Document, hits: Sequence[tuple[int, int, _KeyInfo]]
    ) -> list[tuple[int, int, _KeyInfo]]:
        """First-name re-mentions: after a full-name hit on one student, a later whole word
        that is the student's given name is that student ("Maya Chen joined. Maya was
        suspended"). Not when someone else named in the post (a student, staff member or
        guardian) may have that given name too; not "Maya Lopez" (a given name before a
        capitalized word is someone's full name); in a post that capitalizes the full name,
        only a capitalized given name ("will" is not Will)."""
        text = doc.text
        out: list[tuple[int, int, _KeyInfo]] = []
        taken: list[tuple[int, int]] = []  # spans already a mention, sorted (once needed)
        seen: set[int] = set()
        forms = self._given_forms_cache
        for h_start, after, info in hits:
            student = info.student
            if student < 0 or student in seen:
                continue
            seen.add(student)
            for given in forms.get(student) or self._given_forms(student):
                if text.find(given, after) < 0:
                    continue  # the usual post: the given name does not come again
                if any(
                    h[2].student != student and _names_given(text[h[0] : h[1]], given) for h in hits
                ):
                    continue  # ambiguous: another person named here has this given name
                if not taken:
                    taken = sorted((h[0], h[1]) for h in hits)
                lower_ok = doc.original[doc.offsets[h_start]].islower()
                out.extend(self._given_name_hits(doc, after, info, given, lower_ok, taken))
        return out

    def _given_name_hits(
        self,
        doc: Document,
        after: int,
        info: _KeyInfo,
        given: str,
        lower_ok: bool,
        taken: list[tuple[int, int]],
    ) -> list[tuple[int, int, _KeyInfo]]:
        """Whole-word ``given`` after ``after`` that is not in ``taken`` (sorted spans
        already a mention; the new ones are added), not glued to a word, not before a
        family name, and capitalized unless ``lower_ok``."""
        text, original, offsets = doc.text, doc.original, doc.offsets
        out: list[tuple[int, int, _KeyInfo]] = []
        n = len(text)
        pos = after
        while (k := text.find(given, pos)) >= 0:
            pos = k + 1
            end = k + len(given)
            if (k > 0 and is_word_char(text[k - 1])) or (end < n and is_word_char(text[end])):
                continue
            at = bisect.bisect_left(taken, (k, end))
            if (at and taken[at - 1][1] > k) or (at < len(taken) and taken[at][0] < end):
                continue
            if not lower_ok and original[offsets[k]].islower():
                continue
            if _joined_to_word(doc, k, end) or self._before_a_name(doc, end):
                continue
            out.append((k, end, info))
            taken.insert(at, (k, end))
        return out

    @staticmethod
    def _before_a_name(doc: Document, end: int) -> bool:
        """Is the word after ``end`` (normalized) capitalized like a family name ("Maya
        Lopez"), that is, an upper-case letter then a lower-case one?"""
        if end >= len(doc.text) or doc.text[end] != " ":
            return False
        o = doc.to_original(end, end + 1)[1]
        word = doc.original[o : o + 2]
        return len(word) == 2 and word[0].isupper() and word[1].islower()

    def _contact_finding(self, kind: str, students: Sequence[int], start: int, end: int) -> Finding:
        return make_finding(
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
