"""Regex and library PII recognizers: e-mail, phone, SSN, the district's student number.

All run on the normalized text (fullwidth digits and look-alike letters already folded) and
report spans in the original text. Explanations name the pattern and the context word,
never the matched value.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar, Final, NamedTuple, Self, cast

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatch, PhoneNumberMatcher

from sitewatch.detectors.base import (
    DetectorContext,
    PatternDetector,
    PatternSpec,
    find_context_word,
    is_word_char,
    make_finding,
    min_digits,
    normalize_phrase,
    word_regex,
    word_start_alternation,
)
from sitewatch.exceptions import ConfigError
from sitewatch.models import Finding
from sitewatch.scan.normalize import Document

__all__ = [
    "NOT_STUDENT_LABEL",
    "ROLE_MAILBOXES",
    "SEPARATED_NUMBER",
    "AddressDetector",
    "BirthdateDetector",
    "EmailDetector",
    "PhoneDetector",
    "SsnDetector",
    "StudentIdDetector",
    "address_key",
    "domain_matches",
    "e164",
    "labelled_not_student",
    "middle_split",
    "role_mailbox",
    "same_address",
    "separated_student_numbers",
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


def _matches_from_starts(
    regex: re.Pattern[str], starts: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """``regex.finditer(text)`` for a regex whose every match is non-empty and starts at a
    character ``starts`` matches: each search begins at the next such character (found by
    a character-class scan in C) instead of trying ``regex`` at every position first.
    Look-behinds still see the text before (``search`` with a start position does)."""
    pos = 0
    while True:
        start = starts.search(text, pos)
        if start is None:
            return
        m = regex.search(text, start.start())
        if m is None:
            return
        yield m
        pos = m.end()


# Two digit groups with one separator in the middle ("4469-6330", "4706 7721", "4469.6330"),
# not part of a longer number, a decimal or a word. (The look-behinds come after the first
# digit, so the engine skips in C to the digits: "(?<![\w.-])(?<!\d[ .,/:-])(\d{2,})...".)
SEPARATED_NUMBER: Final[re.Pattern[str]] = re.compile(
    r"(\d(?<![\w.\-]\d)(?<!\d[ .,/:\-]\d)\d+)[ .\-](\d{2,})(?!\w|[ .,/:\-]\d)"
)


def middle_split(m: re.Match[str]) -> bool:
    """Is a ``SEPARATED_NUMBER`` split in the middle ("4469-6330", not "44.696330")?"""
    return abs(len(m.group(1)) - len(m.group(2))) <= 1


# A label naming some other number right before it: "Invoice 41377765", "Order #4253",
# "Raffle ticket 4060", "Ticket confirmation number 4064", "PO 4044" (normalized text).
NOT_STUDENT_LABEL: Final[re.Pattern[str]] = re.compile(
    r"(?<!\w)(?:order|orders|po|p\.o\.|purchase\s+order|ticket|tickets|raffle|invoice"
    r"|invoices|receipt|confirmation|confirmation\s+code|tracking|case|ref|ref\.|reference"
    r"|item|lot|serial|sku|transaction|claim|check|cheque|booking|reservation|model|part)"
    r"(?:\s*(?:number|num|no\.?|nr\.?|code))?[ \t]*[:#,]?[ \t]*\Z"
)
_LABEL_WINDOW: Final[int] = 40


# The words a ``NOT_STUDENT_LABEL`` match can end with (its last token ends with one).
_LABEL_ENDINGS: Final[tuple[str, ...]] = (
    "order", "orders", "po", "p.o.", "ticket", "tickets", "raffle", "invoice", "invoices",
    "receipt", "confirmation", "code", "tracking", "case", "ref", "ref.", "reference", "item",
    "lot", "serial", "sku", "transaction", "claim", "check", "cheque", "booking",
    "reservation", "model", "part", "number", "num", "no", "no.", "nr", "nr.",
)  # fmt: skip
_LABEL_STRIP: Final[str] = " \t:#,"


def labelled_not_student(text: str, start: int) -> bool:
    """Is the number at ``start`` (normalized text) labelled as another kind of number?"""
    lo = max(0, start - _LABEL_WINDOW)
    # Cheap test first: the last word before the number (past blanks, ":" and "#") must
    # end like a label; the usual "student id 40012345" is settled without the regex.
    j = start
    while j > lo and text[j - 1] in _LABEL_STRIP:
        j -= 1
    k = j
    while k > lo and (text[k - 1].isalnum() or text[k - 1] in "._"):
        k -= 1
    if k == j or not text[k:j].endswith(_LABEL_ENDINGS):
        return False
    return NOT_STUDENT_LABEL.search(text, lo, start) is not None


def separated_student_numbers(
    pattern: re.Pattern[str], context: re.Pattern[str] | None, text: str, window: int = 40
) -> Iterator[tuple[int, int, str]]:
    """Student numbers written with one separator in the middle ("4469-6330"): the digits
    joined fit the district's ``pattern`` and a student/ID context word (``context``) is
    within ``window`` characters. Yields (start, end, context word), normalized offsets."""
    for m in SEPARATED_NUMBER.finditer(text):
        if not middle_split(m) or pattern.fullmatch(m.group(1) + m.group(2)) is None:
            continue
        if labelled_not_student(text, m.start()):
            continue
        word = find_context_word(context, text, m.start(), m.end(), window, 20)
        if word is not None:
            yield m.start(), m.end(), word


class _StudentNumbers:
    """The district's student numbers in a text (``student_id_pattern``), also written with
    one separator next to an ID word ("ID 4469-6330"), searched for on the first question:
    most phone-length digit runs are settled before one is asked."""

    def __init__(
        self,
        pattern: re.Pattern[str] | None,
        text: str,
        context: re.Pattern[str] | None = None,
    ) -> None:
        self._pattern = pattern
        self._text = text
        self._context = context
        self._spans: list[tuple[int, int]] | None = None

    def cover(self, start: int, end: int) -> bool:
        """Does ``[start, end)`` lie inside one student number?"""
        spans = self._spans
        if spans is None:
            spans = self._spans = self._find()
        k = bisect.bisect_right(spans, start, key=lambda s: s[0]) - 1
        return k >= 0 and spans[k][1] >= end

    def _find(self) -> list[tuple[int, int]]:
        """In order and disjoint (``finditer``)."""
        if self._pattern is None:
            return []
        spans = [m.span() for m in self._pattern.finditer(self._text) if m.end() > m.start()]
        if self._context is not None:
            spans.extend(
                (start, end)
                for start, end, _word in separated_student_numbers(
                    self._pattern, self._context, self._text
                )
            )
            spans.sort()
        return spans


# Role mailboxes (RFC 2142 and the everyday ones businesses and clubs publish): an address
# whose local part is one of these names a function, not a person ("orders@printshop.com").
# Outside the student e-mail domains it is not student PII. A roster student's own address
# is still reported by the roster detector, whatever its local part.
ROLE_MAILBOXES: Final[frozenset[str]] = frozenset(
    {"info", "information", "marketing", "sales", "support", "abuse", "noc", "security",
     "postmaster", "hostmaster", "usenet", "news", "webmaster", "www", "uucp", "ftp",
     "hello", "hi", "contact", "contactus", "office", "frontdesk", "reception", "admin",
     "administrator", "billing", "accounts", "accounting", "invoices", "payments", "booking",
     "bookings", "reservations", "events", "orders", "order", "shop", "store", "help",
     "helpdesk", "service", "customerservice", "care", "enquiries", "inquiries", "team",
     "catering", "press", "media", "pr", "jobs", "careers", "hr", "feedback", "membership",
     "members", "tickets", "donations", "donate", "sponsorship", "sponsors", "mail",
     "noreply", "no-reply", "do-not-reply", "donotreply", "newsletter", "general", "sponsor"}
)  # fmt: skip


def role_mailbox(local: str) -> bool:
    """Is ``local`` (an address's local part, any case) a role mailbox? A "+tag" and the
    separators inside are ignored: "Orders+web", "customer.service", "front-desk"."""
    name = local.lower().split("+", 1)[0]
    return name in ROLE_MAILBOXES or _MAILBOX_SEPARATORS.sub("", name) in ROLE_MAILBOXES


_MAILBOX_SEPARATORS: Final[re.Pattern[str]] = re.compile(r"[.\-_]")


class EmailDetector(PatternDetector):
    """E-mail addresses; staff domains are not student PII, student domains almost surely are.

    Outside the student domains, a role mailbox (``ROLE_MAILBOXES``: "info@", "orders@")
    is a business's or a club's published contact, not a person's: not reported.

    Addresses spelled out to dodge scrapers count too: "x [at] example.org" (a bracketed
    "at" is never prose), and "x at students dot district dot k12 dot us" only at a
    student domain ("look at google dot com" is a sentence, not an address).
    """

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

    _LABEL: ClassVar[str] = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
    _SPELLED_DOT: ClassVar[str] = r"(?:[ \t]*[\[({<][ \t]*dot[ \t]*[\])}>][ \t]*|[ \t]+dot[ \t]+)"
    _BRACKETED_AT: ClassVar[str] = r"[ \t]*[\[({<][ \t]*at[ \t]*[\])}>][ \t]*"
    # "local [at] domain" / "local at domain dot tld": the local part, "at", the labels.
    _SPELLED: ClassVar[re.Pattern[str]] = re.compile(
        r"(?<![\w.\-])(?P<local>[a-z0-9][a-z0-9._+\-]*)"
        rf"(?:(?P<bracketed>{_BRACKETED_AT})|[ \t]+at[ \t]+)"
        rf"(?P<domain>{_LABEL}(?:(?:{_SPELLED_DOT}|\.){_LABEL})+)(?![\w\-]|\.[a-z0-9])"
    )
    # Nothing is spelled out without a bracketed "at" or "dot" or a " dot " (each gate opens
    # with a literal or a class of rare characters, which the engine finds in C), unless a
    # student domain is written out.
    _BRACKETED_GATE: ClassVar[re.Pattern[str]] = re.compile(r"[\[({<][ \t]*(?:at|dot)[ \t]*[\])}>]")
    _SPELLED_DOT_GATE: ClassVar[re.Pattern[str]] = re.compile(r"[ \t]dot[ \t]")
    _DOT: ClassVar[re.Pattern[str]] = re.compile(_SPELLED_DOT)

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
        text = doc.text
        if "@" in text:  # the pattern needs a literal "@" (most posts have none)
            for _spec, regex in self._compiled:
                for m in regex.finditer(text):
                    verdict = self._verdict(m.group().rsplit("@", 1)[0], m.group(1))
                    if verdict is not None:
                        start, end = doc.to_original(*m.span())
                        score, why = verdict
                        findings.append(
                            Finding(self.category, start, end, score, self.name, f"e-mail {why}")
                        )
        if self._may_spell(text):
            findings.extend(self._spelled(doc))
        return findings

    def _may_spell(self, text: str) -> bool:
        """Can the text hold a spelled-out address (see ``_SPELLED``)? Substring tests
        first (a "dot", a closing bracket, a student domain written out): most posts have
        none of them."""
        if ("dot" in text or ")" in text or "]" in text or "}" in text or ">" in text) and (
            ("dot" in text and self._SPELLED_DOT_GATE.search(text) is not None)
            or self._BRACKETED_GATE.search(text) is not None
        ):
            return True
        for domain in self.student_domains:
            # written out, not only inside an ordinary "x@domain" address
            if domain in text and text.count(domain) > text.count("@" + domain):
                return True
        return False

    def _verdict(self, local: str, domain: str) -> tuple[float, str] | None:
        """(score, explanation) for an address, or None when it is not student PII."""
        # Student domains first: they are often subdomains of an allowed staff domain.
        if domain_matches(domain, self.student_domains):
            return self.STUDENT_SCORE, "address at the student e-mail domain"
        if domain_matches(domain, self.allow_domains):
            return None
        if role_mailbox(local):
            return None  # "orders@printshop.com": a function, not a person
        return self.OTHER_SCORE, "address outside the district staff domains"

    def _spelled(self, doc: Document) -> Iterator[Finding]:
        """Addresses with "at"/"dot" spelled out (see the class docstring)."""
        for m in self._SPELLED.finditer(doc.text):
            domain = self._DOT.sub(".", m.group("domain"))
            if m.group("bracketed") is None and not domain_matches(domain, self.student_domains):
                continue  # a spelled-out "at" is prose unless the domain is a student one
            verdict = self._verdict(m.group("local"), domain)
            if verdict is not None:
                start, end = doc.to_original(*m.span())
                score, why = verdict
                why = f"e-mail {why} (written with 'at'/'dot' spelled out)"
                yield Finding(self.category, start, end, score, self.name, why)


class _Verified(NamedTuple):
    """A candidate libphonenumber accepted: the number, its E.164 form and its region."""

    number: phonenumbers.PhoneNumber
    e164: str
    region: str  # ``region_code_for_number``, or "unknown region"


class _Probe(PhoneNumberMatcher):
    """A matcher over one candidate and the characters either side of it (see ``_verify``)."""

    def verify(self, candidate: str, offset: int) -> PhoneNumberMatch | None:
        return super()._parse_and_verify(candidate, offset)


@functools.lru_cache(maxsize=8192)
def _verify(candidate: str, before: str, after: str, region: str) -> _Verified | None:
    """``PhoneNumberMatcher._parse_and_verify`` (``Leniency.VALID``) for ``candidate`` with
    the character ``before`` and the one ``after`` it in the post ("" at either end).

    That check reads the candidate, and of the text around it only the character before it
    (when there is one), the character after it (when there is one) and whether they exist,
    so the verdict is a pure function of these four arguments, and memoizing it is safe.
    District lines, school offices and coaches' numbers recur post after post; parsing
    and validating them (libphonenumber, in Python) is most of a phone scan's cost.

    A new number (a cache miss) goes through ``_LibraryCheck``: the library's own steps in
    the library's order, with its region lookup done once instead of twice and numbers of
    an impossible length turned down before it. Without those steps in the installed
    library, the library's own method runs on ``before + candidate + after``.
    """
    if _LIBRARY_CHECK is not None:
        return _LIBRARY_CHECK.verify(candidate, before, after, region)
    probe = _Probe(before + candidate + after, region, leniency=Leniency.VALID)
    match = probe.verify(candidate, len(before))
    if match is None:
        return None
    number = match.number
    e164_number: str = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    place = phonenumbers.region_code_for_number(number) or "unknown region"
    return _Verified(number, e164_number, place)


class _PlainDigits(NamedTuple):
    """A region's parsing facts for a candidate of plain digits (see ``_LibraryCheck``)."""

    country_code: str
    international_prefix: re.Pattern[str] | None
    national_prefix: re.Pattern[str] | None
    lengths: frozenset[int]  # possible national-number lengths for the country code


class _LibraryCheck:
    """``PhoneNumberMatcher._parse_and_verify`` at ``Leniency.VALID``, step by step, made of
    the library's own functions (written against phonenumbers 9.0: ``phonenumbermatcher``
    and ``phonenumberutil``; ``_Matcher._find`` uses its candidate search too), with
    changes that never change a verdict:

    * the region: the library's validity check (``is_valid_number``) is
      ``is_valid_number_for_region(n, region_code_for_number(n))``, and the finding's
      explanation names that same region; it is looked up once, not twice (for a North
      American number, up to 25 regions' patterns), and the number-type test that picked
      it is not made a second time (``region_and_validity``);
    * the length: a number is valid for a region only when the length of its national
      number is one of the region's ``general_desc.possible_length`` (when that list is
      not empty: ``_is_number_matching_desc``). A length no region of its country code
      lists cannot be valid, so the region lookup is skipped. A candidate of plain ASCII
      digits is its own national number when it starts with neither the default region's
      international prefix, nor its country code, nor its national prefix (``parse``:
      ``_maybe_extract_country_code`` keeps the default country code then, and
      ``_maybe_strip_national_prefix_carrier_code`` strips nothing), so an impossible
      length turns it down before it is even parsed: an 8-digit student number in a US
      post costs a few string tests instead of a parse and 25 regions' patterns.

    tests/detectors/test_fast_paths.py checks the matches against the library's own
    ``PhoneNumberMatcher`` on tricky and random inputs in several regions.
    """

    def __init__(self) -> None:
        from phonenumbers import phonemetadata, phonenumbermatcher, phonenumberutil
        from phonenumbers.phonenumber import CountryCodeSource

        matcher: Any = phonenumbermatcher
        util: Any = phonenumberutil
        # Private names of the library: ``AttributeError`` here means "not this library".
        self._fullmatch = matcher.fullmatch
        self._matching_brackets = matcher._MATCHING_BRACKETS
        self._pub_pages = matcher._PUB_PAGES
        self._lead_pattern = matcher._LEAD_PATTERN
        self._invalid_punctuation = PhoneNumberMatcher._is_invalid_punctuation_symbol
        self._latin_letter = PhoneNumberMatcher._is_latin_letter
        self._only_valid_x_chars = matcher._contains_only_valid_x_chars
        self._national_prefix_ok = matcher._is_national_prefix_present_if_required
        self._parse = util.parse
        self._valid_for_region = util.is_valid_number_for_region
        self._nsn = util.national_significant_number
        self._regions_of_code = util.COUNTRY_CODE_TO_REGION_CODE
        self._metadata = phonemetadata.PhoneMetadata.metadata_for_region_or_calling_code
        self._parse_error = util.NumberParseException
        self._unspecified = CountryCodeSource.UNSPECIFIED
        self._region_metadata = phonemetadata.PhoneMetadata.metadata_for_region
        self._type_of = util._number_type_helper
        self._unknown_type = util.PhoneNumberType.UNKNOWN
        self._lengths: dict[int, frozenset[int] | None] = {}
        self._plain: dict[str, _PlainDigits | None] = {}
        # ``PhoneNumberMatcher._find``'s: the candidate pattern, where a candidate can start
        # (its first character: an opening bracket or a plus sign, or else a digit), and
        # the pattern that cuts a second number off a candidate.
        self._candidate: re.Pattern[str] = matcher._PATTERN
        self._candidate_start = re.compile(
            "[" + re.escape(matcher._LEAD_CLASS_CHARS) + r"\d]", matcher._REGEX_FLAGS
        )
        self.second_number_start: re.Pattern[str] = matcher._SECOND_NUMBER_START_PATTERN

    def possible_lengths(self, country_code: int) -> frozenset[int] | None:
        """National-number lengths some region of ``country_code`` may accept; None when
        one of them lists none (then every length is possible)."""
        if country_code in self._lengths:
            return self._lengths[country_code]
        lengths: set[int] = set()
        result: frozenset[int] | None = None
        for region in self._regions_of_code.get(country_code, ()):
            metadata = self._metadata(country_code, region.upper())
            if metadata is None or metadata.general_desc is None:
                continue  # the library finds no region's number valid here
            listed = metadata.general_desc.possible_length
            if not listed:
                break  # this region takes any length
            lengths.update(listed)
        else:
            result = frozenset(lengths)
        self._lengths[country_code] = result
        return result

    def next_candidate(self, text: str, index: int) -> re.Match[str] | None:
        """``_PATTERN.search(text, index)``, searched from where a candidate can start."""
        start = self._candidate_start.search(text, index)
        return None if start is None else self._candidate.search(text, start.start())

    def region_and_validity(self, number: Any) -> tuple[str | None, bool]:
        """``region_code_for_number(number)`` and ``is_valid_number(number)``, the region
        looked up once: ``_region_code_for_number_from_list`` picks a region without
        leading digits when ``_number_type_helper`` knows the number there, the very test
        ``is_valid_number_for_region`` then makes again; that second test is skipped."""
        regions = self._regions_of_code.get(number.country_code)
        if regions is None:
            return None, False
        if len(regions) == 1:
            return regions[0], self._valid_for_region(number, regions[0])
        nsn = self._nsn(number)
        for region in regions:
            metadata = self._region_metadata(region.upper(), None)
            if metadata is None:
                continue
            if metadata.leading_digits is not None:
                if re.compile(metadata.leading_digits).match(nsn):
                    return region, self._valid_for_region(number, region)
            elif self._type_of(nsn, metadata) != self._unknown_type:
                return region, True
        return None, False

    def plain_digits(self, region: str) -> _PlainDigits | None:
        """What ``parse`` does with plain digits in ``region`` (see the class docstring);
        None when the region has no metadata or its country code no length list."""
        if region in self._plain:
            return self._plain[region]
        plain: _PlainDigits | None = None
        metadata = self._region_metadata(region.upper(), None) if region else None
        if metadata is not None and metadata.country_code:
            lengths = self.possible_lengths(metadata.country_code)
            if lengths is not None:
                idd = metadata.international_prefix
                national = metadata.national_prefix_for_parsing
                plain = _PlainDigits(
                    str(metadata.country_code),
                    re.compile(idd) if idd else None,
                    re.compile(national) if national else None,
                    lengths,
                )
        self._plain[region] = plain
        return plain

    def verify(self, candidate: str, before: str, after: str, region: str) -> _Verified | None:
        if candidate.isdigit() and candidate.isascii():
            plain = self.plain_digits(region)
            if (
                plain is not None
                and len(candidate) not in plain.lengths
                and not candidate.startswith(plain.country_code)
                and (
                    plain.international_prefix is None
                    or not plain.international_prefix.match(candidate)
                )
                and (plain.national_prefix is None or not plain.national_prefix.match(candidate))
            ):
                return None  # its own national number, of a length no region accepts
        try:
            if not self._fullmatch(self._matching_brackets, candidate) or self._pub_pages.search(
                candidate
            ):
                return None
            # Leniency VALID: not glued to a Latin letter or a currency/percent sign.
            if (
                before
                and not self._lead_pattern.match(candidate)
                and (self._invalid_punctuation(before) or self._latin_letter(before))
            ):
                return None
            if after and (self._invalid_punctuation(after) or self._latin_letter(after)):
                return None
            number = self._parse(candidate, region, keep_raw_input=True)
            lengths = self.possible_lengths(number.country_code)
            if lengths is not None and len(self._nsn(number)) not in lengths:
                return None  # is_valid_number would say False
            place, valid = self.region_and_validity(number)
            if not valid:
                return None  # is_valid_number: False
            if not self._only_valid_x_chars(number, candidate):
                return None
            if not self._national_prefix_ok(number):
                return None
        except self._parse_error:
            return None
        # As the library does before it returns a match.
        number.country_code_source = self._unspecified
        number.raw_input = None
        number.preferred_domestic_carrier_code = None
        e164_number: str = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        return _Verified(number, e164_number, place or "unknown region")


def _library_check() -> _LibraryCheck | None:
    try:
        return _LibraryCheck()
    except (AttributeError, ImportError):  # another phonenumbers: its own method, unchanged
        return None


_LIBRARY_CHECK: Final[_LibraryCheck | None] = _library_check()


class _VerifiedMatch(PhoneNumberMatch):
    def __init__(self, start: int, raw_string: str, verified: _Verified) -> None:
        super().__init__(start, raw_string, verified.number)
        self.verified = verified


class _Matcher(PhoneNumberMatcher):
    """``PhoneNumberMatcher(text, region, Leniency.VALID)``, with each candidate's verdict
    memoized (``_verify``). Candidate extraction, inner matches, the retry budget: the
    library's own code, so the matches are the library's, in the same order; only its
    search for the next candidate skips ahead first (``_find``)."""

    def __init__(self, text: str, region: str) -> None:
        super().__init__(text, region, leniency=Leniency.VALID)

    def _find(self, index: int) -> PhoneNumberMatch | None:
        """``PhoneNumberMatcher._find``, step by step, with each search for a candidate
        started where one can start: the library's candidate pattern begins with an opening
        bracket, a plus sign or a digit, and has no look-behind, but it starts with an
        optional part, so the regex engine tries it at every position of the text. A
        character-class search finds the next such position in C first."""
        steps = _LIBRARY_CHECK
        if steps is None:
            return super()._find(index)
        text = self.text
        match = steps.next_candidate(text, index)
        while self._max_tries > 0 and match is not None:
            start = match.start()
            candidate = text[start : match.end()]
            # Check for extra numbers at the end.
            candidate = self._trim_after_first_match(steps.second_number_start, candidate)
            candidate_len = len(candidate)
            if candidate_len >= self._min_candidate_length:
                found = self._extract_match(candidate, start)
                if found is not None:
                    return found
                self._max_tries -= 1
            index = start + candidate_len
            match = steps.next_candidate(text, index)
        return None

    def _parse_and_verify(self, candidate: str, offset: int) -> PhoneNumberMatch | None:
        text = self.text
        end = offset + len(candidate)
        before = text[offset - 1] if offset > 0 else ""
        verified = _verify(candidate, before, text[end : end + 1], self.preferred_region)
        return None if verified is None else _VerifiedMatch(offset, candidate, verified)


class PhoneDetector:
    """Phone numbers, minus district lines, student numbers and digit groups that are not phones.

    Two rules, both on the normalized text:

    1. libphonenumber (``Leniency.VALID``): numbers valid for the district's region, or for
       the country their "+code" names. A context word up to ``CONTEXT_BEFORE`` characters
       before the number raises the score.
    2. Phone-shaped digit groups libphonenumber rejects (local numbers of other countries
       written without their country code, "0490 75 40 81"; invented US numbers): 7-15
       digits in groups with one separator (space, dot, hyphen) between two groups,
       optionally a "+country" code, a parenthesized area code or "(0)" and an extension.
       They count ONLY next to a phone word (``loose_context_words``): within
       ``LOOSE_BEFORE`` characters before the number, or ``LOOSE_AFTER`` after it on the
       same line (directory lines put the label after: "416 60 039 office").

    Never phones, under either rule: allow-listed district lines; the district's student
    numbers (``student_id_pattern``: StudentIdDetector reports those, and the pipeline only
    merges overlapping findings of ONE category); plain digit groups shaped like an IPv4
    address, a date, a time range, years, a decimal, ZIP+4, an SSN or a payment card.
    Rule 2 also skips prices, numbers labelled as another kind ("order number 1234567"),
    nine digits next to SSN words and, in North American regions, US-style groupings a
    digit short or long ("425-882-909") and the 555-01NN exchange reserved for fiction.

    Nor, under either rule, a business's published number (``_business``): one whose
    clause names a business before it ("or the store at ...", "Main Street Bakery (...)",
    "Lane reservations at Brookfield Hardware: call ..."), with no person referred to
    between that word and the number ("works at the bakery, call her at ..." is hers); one
    followed by a business purpose ("... to reserve lanes", "for pickup orders"); or one
    beside a role mailbox in its clause ("(orders@printshop.com, 309-...)"). A roster
    student's own number is still reported by the roster detector.
    """

    name: str = "phone"
    category: ClassVar[str] = "pii.phone"
    BASE_SCORE: ClassVar[float] = 0.7
    CONTEXT_BOOST: ClassVar[float] = 0.2
    CONTEXT_BEFORE: ClassVar[int] = 40
    LOOSE_SCORE: ClassVar[float] = 0.75  # rule 2 always has its context word
    LOOSE_BEFORE: ClassVar[int] = 40  # normalized characters before a rule-2 number
    LOOSE_AFTER: ClassVar[int] = 12  # ... and after it, never past the end of its line
    # Fewer digits than this in the whole post cannot hold a valid number in any region
    # (the shortest, with a country code, have 7: "+683 4002").
    MIN_DIGITS: ClassVar[int] = 7
    MAX_DIGITS: ClassVar[int] = 15  # E.164
    context_words: ClassVar[tuple[str, ...]] = (
        "call", "calling", "text", "txt", "texting", "cell", "cellphone", "phone", "mobile",
        "number", "num", "no.", "#", "reach", "contact", "tel", "telephone", "dial", "ring",
        "whatsapp", "signal", "sms", "digits", "hmu", "hit me up",
    )  # fmt: skip
    # Rule 2's words: stricter than the boost words above ("#", "no.", "digits", "ring" are
    # as often about orders, jerseys and scores).
    loose_context_words: ClassVar[tuple[str, ...]] = (
        "phone", "phones", "phone#", "telephone", "tel", "mobile", "cell", "cellphone",
        "landline", "call", "calls", "calling", "called", "text", "texts", "texting", "txt",
        "sms", "whatsapp", "desk", "fax", "office", "messages to", "message me", "contact",
        "reach", "reach me", "number", "dial", "hmu", "hit me up",
    )  # fmt: skip
    # "<word> number" that names some other number ("order number", "student number").
    not_phone_qualifiers: ClassVar[frozenset[str]] = frozenset(
        {"student", "id", "lunch", "badge", "locker", "order", "account", "acct", "case",
         "ticket", "tracking", "confirmation", "reference", "ref", "serial", "invoice",
         "policy", "room", "jersey", "seat", "license", "licence", "member", "employee",
         "routing", "card", "isbn", "model", "part", "item", "pin", "bus", "permit", "check",
         "receipt", "transaction", "security", "ssn", "tax", "passport", "registration",
         "claim", "house", "apartment", "unit", "suite", "page", "lot", "flight"}
    )  # fmt: skip
    _LOOSE: ClassVar[re.Pattern[str]] = re.compile(
        # not inside a word or a longer number ("1,234,567", "12:30"), not after a currency
        r"(?<![\w+#$€£¥])(?<!\d[ .,/:\-])(?<![$€£¥] )"
        r"(?P<number>"
        r"(?:\+\d{1,3}[ .\-]?)?"  # country code
        r"(?:\(\d{1,4}\)[ .\-]?)?"  # area code, or the "(0)" trunk prefix
        r"\d+(?:[ .\-]\d+){0,7}"  # digit groups, one separator between two groups
        r")"
        r"(?:[ ]?(?:x|ext\.?|extension)[ ]?\d{1,6})?"  # extension
        r"(?![\w%$€£¥])(?![ .,/:\-]\d)"  # not before more digits, a percent, a currency
    )
    # Where a ``_LOOSE`` match can start: its number's first character. (``_LOOSE`` starts
    # with look-behinds, so the regex engine would try it at every position; see ``_loose``.)
    _LOOSE_START: ClassVar[re.Pattern[str]] = re.compile(r"[+(\d]")
    # Words that name a business (a shop's number is published, not personal); data.
    business_words: ClassVar[tuple[str, ...]] = (
        "store", "stores", "shop", "shoppe", "bakery", "pizza", "pizzeria", "restaurant",
        "cafe", "coffee", "diner", "grill", "deli", "bistro", "catering", "caterer",
        "caterers", "hardware", "salon", "barbershop", "market", "grocery", "boutique",
        "florist", "bowl", "bowling", "lanes", "cinema", "hotel", "motel", "garage",
        "dealership", "pharmacy", "printer", "printers", "company", "co.", "inc", "inc.",
        "llc", "ltd", "reservations", "reservation", "front desk", "box office",
    )  # fmt: skip
    BUSINESS_BEFORE: ClassVar[int] = 60  # normalized characters of the clause before a number
    BUSINESS_AFTER: ClassVar[int] = 40  # ... and after it
    # Where a clause ends: a sentence end, a line break, a ";", and " or " between two
    # contacts ("call her at ... or the store at ...").
    _CLAUSE_BREAK: ClassVar[re.Pattern[str]] = re.compile(r"[.!?;](?=\s|$)|\n|\s(?:or)\s")
    # Someone referred to (between a business word and the number, the number is theirs).
    _PERSON_REF: ClassVar[re.Pattern[str]] = re.compile(
        r"(?<!\w)(?:me|my|him|his|her|hers|them|their|us|our|mom|dad|mother|father|parents?"
        r"|guardian)(?!\w)"
    )
    # A business purpose right after the number: "... to reserve lanes", "for pickup orders".
    _PURPOSE_AFTER: ClassVar[re.Pattern[str]] = re.compile(
        r"[ \t,]*(?:to|for)\s+(?:[\w-]+\s+){0,2}?(?:reserve|reservations?|orders?|delivery"
        r"|deliveries|takeout|take-out|carryout|carry-out|catering|bookings?|appointments?)"
        r"(?!\w)"
    )
    _MAILBOX: ClassVar[re.Pattern[str]] = re.compile(r"([\w.+\-]+)@[\w\-]+\.[\w.\-]+")
    _PRICE_AFTER: ClassVar[re.Pattern[str]] = re.compile(
        r"[ ]?(?:usd|eur|gbp|dollars?|euros?|bucks|pounds)(?!\w)"
    )
    _GROUP: ClassVar[re.Pattern[str]] = re.compile(r"\d+")
    _YEAR: ClassVar[re.Pattern[str]] = re.compile(r"(?:19|20)\d\d")
    _WORD_BEFORE: ClassVar[re.Pattern[str]] = re.compile(r"([\w']+)[ \t]*\Z")
    # What labels a number as another kind: "order number: 1234567", "case #1234567".
    _LABEL_BEFORE: ClassVar[re.Pattern[str]] = re.compile(
        r"([\w']+)[ \t]*(?:number|num|no\.?|nr\.?|#)?[ \t]*[:#]?[ \t]*\Z"
    )

    def __init__(
        self,
        allow_phones: Sequence[str] = (),
        region: str = "US",
        student_id_pattern: str | None = None,
    ) -> None:
        self.region = region.upper()
        self.allowed: frozenset[str] = frozenset()
        self._allowed_national: tuple[str, ...] = ()
        self._allow_raw = tuple(allow_phones)
        self._context = word_regex(self.context_words)
        self._loose_context = word_regex(self.loose_context_words)
        self._ssn_context = word_regex(SsnDetector.context_words)
        self._business_words = word_regex(self.business_words)
        # Case-insensitive on the folded text, as StudentIdDetector runs it.
        self._student_id = re.compile(student_id_pattern, re.I) if student_id_pattern else None
        self._student_context = word_regex(StudentIdDetector.context_words)
        self._nanp = phonenumbers.country_code_for_region(self.region) == 1
        self._loaded = False

    @classmethod
    def from_context(cls, ctx: DetectorContext) -> Self:
        pii = ctx.settings.detection.pii
        return cls(pii.allow_phones, pii.default_region, pii.student_id_pattern)

    def load(self) -> None:
        allowed: set[str] = set()
        national: set[str] = set()
        for i, raw in enumerate(self._allow_raw):
            number = e164(raw, self.region)
            if number is None:
                raise ConfigError(f"detection.pii.allow_phones[{i}]: not a phone number")
            allowed.add(number)
            national.add(str(phonenumbers.parse(raw, self.region).national_number))
        self.allowed = frozenset(allowed)
        self._allowed_national = tuple(sorted(national))
        self._loaded = True

    @staticmethod
    def clear_caches() -> None:
        """Forget every memoized phone-number verdict (``_verify``; shared by all instances)."""
        _verify.cache_clear()

    def required_digits(self) -> int:
        """A post with fewer digits holds no phone number (see ``MIN_DIGITS``)."""
        return self.MIN_DIGITS

    def detect(self, doc: Document) -> Sequence[Finding]:
        if not self._loaded:
            self.load()
        findings: list[Finding] = []
        if doc.digits < self.MIN_DIGITS:
            return findings  # most posts: no phone-length digit count, skip the matcher
        text = doc.text
        students = _StudentNumbers(self._student_id, text, self._student_context)  # on need
        claimed: list[tuple[int, int]] = []  # rule 1's spans, reported or not
        for match in _Matcher(text, self.region):
            claimed.append((match.start, match.end))
            verified = cast(_VerifiedMatch, match).verified
            number = verified.e164
            if number in self.allowed or self._other_number(text[match.start : match.end]):
                continue
            if students.cover(match.start, match.end) or self._business(
                text, match.start, match.end
            ):
                continue
            word = find_context_word(
                self._context, text, match.start, match.end, self.CONTEXT_BEFORE, 0
            )
            score = round(min(1.0, self.BASE_SCORE + (self.CONTEXT_BOOST if word else 0.0)), 4)
            why = f"phone number valid for {verified.region}"
            if word:
                why += f" + context word '{word}'"
            start, end = doc.to_original(match.start, match.end)
            findings.append(make_finding(self.category, start, end, score, self.name, why))
        findings.extend(self._loose(doc, claimed, students))
        findings.sort(key=lambda f: f.start)
        return findings

    def _loose(
        self, doc: Document, claimed: list[tuple[int, int]], students: _StudentNumbers
    ) -> Iterator[Finding]:
        """Rule 2 (see the class docstring). Linear: one regex pass, one context pass."""
        text = doc.text
        hits: list[tuple[int, int, str]] | None = None  # context words, found on first need
        hit_starts: list[int] = []
        i = 0  # rule-1 spans come in text order, and so do these matches
        for m in _matches_from_starts(self._LOOSE, self._LOOSE_START, text):
            start, end = m.span()
            while i < len(claimed) and claimed[i][1] <= start:
                i += 1
            if i < len(claimed) and claimed[i][0] < end:
                continue  # rule 1 decided (a finding, or an allow-listed line)
            number = m.group("number")
            digits = "".join(self._GROUP.findall(number))
            if not self.MIN_DIGITS <= len(digits) <= self.MAX_DIGITS:
                continue
            if self._other_number(number) or self._nanp_misfit(number):
                continue
            if self._PRICE_AFTER.match(text, end) or students.cover(start, end):
                continue
            if self._allowed_line(number, digits) or self._labelled_other(text, start):
                continue
            if self._business(text, start, end):
                continue
            if hits is None:
                hits = self._context_hits(text)
                hit_starts = [h[0] for h in hits]
            word = self._nearest(text, hits, hit_starts, start, end)
            if word is None:
                continue
            if len(digits) == 9 and find_context_word(
                self._ssn_context, text, start, end, self.LOOSE_BEFORE, self.LOOSE_AFTER
            ):
                continue  # nine digits next to "SSN" are SsnDetector's
            o_start, o_end = doc.to_original(start, end)
            why = f"phone-number shape + context word '{word}'"
            yield make_finding(self.category, o_start, o_end, self.LOOSE_SCORE, self.name, why)

    def _other_number(self, number: str) -> bool:
        """A plain digit group (no "+code", no parentheses) that is something else."""
        if number.startswith("+") or "(" in number:
            return False  # written the way only phone numbers are
        groups = self._GROUP.findall(number)
        seps = self._GROUP.sub("", number)
        sizes = [len(g) for g in groups]
        values = [int(g) for g in groups]
        if len(groups) == 4 and seps == "..." and max(sizes) <= 3 and max(values) <= 255:
            return True  # IPv4 address: 36.160.14.148
        if len(groups) == 2 and seps == "." and sizes[0] <= 2:
            return True  # decimal: 3.14159265 (but 415.5550132 is a phone)
        if sum(size == 1 for size in sizes) > 1:
            return True  # single digits: a count or a list, "1 2 3 4 5 6 7"
        if sizes == [3, 2, 4]:
            return True  # SSN shape, whatever the separators
        if sizes == [5, 4]:
            return True  # ZIP+4, or a house number and a street number: "17031 2202 Rissik St"
        card_shape = len(groups) == 1 or sizes == [4, 6, 5]  # bare, or American Express
        if card_shape and sum(sizes) >= 13 and self._luhn("".join(groups)):
            return True  # a payment card number: 13-19 digits, Luhn check digit
        if all(self._YEAR.fullmatch(g) for g in groups):
            return True  # years: 2023-2024
        if len(groups) == 3:
            if self._YEAR.fullmatch(groups[0]) and sizes[1] <= 2 and sizes[2] <= 2:
                return 1 <= values[1] <= 12 and 1 <= values[2] <= 31  # ISO date
            if self._YEAR.fullmatch(groups[2]) and sizes[0] <= 2 and sizes[1] <= 2:
                a, b = values[0], values[1]  # day-month-year or month-day-year
                return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)
        if len(groups) == 4 and seps == ".-." and max(sizes) <= 2:
            return values[0] <= 24 and values[1] <= 59 and values[2] <= 24 and values[3] <= 59
        return False

    @staticmethod
    def _luhn(digits: str) -> bool:
        """The Luhn (mod 10) check digit of payment card numbers is right."""
        total = 0
        for k, ch in enumerate(reversed(digits)):
            d = int(ch) * (2 if k % 2 else 1)
            total += d - 9 if d > 9 else d
        return total % 10 == 0

    def _nanp_misfit(self, number: str) -> bool:
        """North American districts only: "NNN-NNN-N", a US-style number a digit short or
        long ("425-882-909": a typo or some code, not a line to call), and 555-01NN, the
        exchange reserved for fiction (films, examples: no one answers it)."""
        if not self._nanp or number.startswith("+") or "(" in number:
            return False
        groups = self._GROUP.findall(number)
        digits = "".join(groups)
        if len(digits) == 7 and digits.startswith("55501"):
            return True
        sizes = [len(g) for g in groups]
        seps = self._GROUP.sub("", number)
        return len(groups) == 3 and sizes[:2] == [3, 3] and sizes[2] != 4 and seps in ("--", "..")

    def _allowed_line(self, number: str, digits: str) -> bool:
        """A district line, also written without its area code ("office: 555-0100") or
        with a trunk or international prefix. Digits only: parsing every candidate with
        libphonenumber would dominate hostile posts with thousands of them."""
        if number.startswith("+"):
            return "+" + digits in self.allowed
        return any(n.endswith(digits) or digits.endswith(n) for n in self._allowed_national)

    def _business(self, text: str, start: int, end: int) -> bool:
        """Is ``text[start:end]`` a business's published number (see the class docstring)?"""
        lo = max(0, start - self.BUSINESS_BEFORE)
        for brk in self._CLAUSE_BREAK.finditer(text, lo, start):
            lo = brk.end()
        before = text[lo:start]
        hi = min(len(text), end + self.BUSINESS_AFTER)
        brk_after = self._CLAUSE_BREAK.search(text, end, hi)
        after = text[end : brk_after.start() if brk_after else hi]
        if ("@" in before or "@" in after) and any(
            role_mailbox(m.group(1)) for m in self._MAILBOX.finditer(before + " " + after)
        ):
            return True
        cues = list(self._business_words.finditer(before)) if self._business_words else []
        if cues:  # the last business word before the number, and no one named after it
            return self._PERSON_REF.search(before, cues[-1].end()) is None
        if self._PURPOSE_AFTER.match(after):
            return self._PERSON_REF.search(before) is None
        return False

    def _labelled_other(self, text: str, start: int) -> bool:
        """The number right after a label naming another kind ("order number 1234567")."""
        label = self._LABEL_BEFORE.search(text, max(0, start - 40), start)
        return label is not None and label.group(1) in self.not_phone_qualifiers

    def _context_hits(self, text: str) -> list[tuple[int, int, str]]:
        """Rule 2's context words in ``text``, in order, without "<order/student/...> number"."""
        if self._loose_context is None:
            return []
        hits: list[tuple[int, int, str]] = []
        for m in self._loose_context.finditer(text):
            word = " ".join(m.group().split())
            if word == "number":
                before = self._WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())
                if before is not None and before.group(1) in self.not_phone_qualifiers:
                    continue
            hits.append((m.start(), m.end(), word))
        return hits

    def _nearest(
        self, text: str, hits: list[tuple[int, int, str]], starts: list[int], start: int, end: int
    ) -> str | None:
        """The nearest context word in rule 2's window around ``text[start:end]``."""
        lo = start - self.LOOSE_BEFORE
        hi = end + self.LOOSE_AFTER
        newline = text.find("\n", end, hi)
        if newline != -1:
            hi = newline
        best: tuple[int, str] | None = None
        k = bisect.bisect_left(starts, lo)
        while k < len(hits) and hits[k][0] < hi:
            h_start, h_end, word = hits[k]
            k += 1
            if h_start < end and start < h_end:
                continue
            distance = start - h_end if h_end <= start else h_start - end
            if best is None or distance < best[0]:
                best = (distance, word)
        return best[1] if best else None


_INVALID_SSNS: Final[frozenset[str]] = frozenset(
    {
        "123456789",  # the textbook example
        "078051120",  # Woolworth wallet insert, the most misused SSN ever
        "219099999",  # Social Security Administration advertisement
        "457555462",  # published in an advertising campaign
    }
)


class SsnDetector(PatternDetector):
    """US Social Security numbers, with the SSA's never-issued ranges rejected.

    Half-separated forms ("078-051121", "07805-1121") are how people mistype an SSN, but
    the same shapes are ZIP+4 codes and order numbers: they count only next to a strong
    SSN word (``strong_context_words``: "ssn", "social security", ...; "social" alone is
    not enough, "social studies" is a class).
    """

    name: str = "ssn"
    category: ClassVar[str] = "pii.ssn"
    context_boost: ClassVar[float] = 0.1
    context_before: ClassVar[int] = 40
    context_after: ClassVar[int] = 20
    HALF_SCORE: ClassVar[float] = 0.75  # + context_boost: always next to context
    min_digits: ClassVar[int] = 9  # every shape below is nine digits
    # ... as 3, 2 and 4 digits with at most one separator between the groups.
    gate: ClassVar[str | None] = r"\d{3}[\- .]?\d{2}[\- .]?\d{4}"
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
        PatternSpec(
            "SSN (NNN-NNNNNN)",
            r"(?<![\w\-])(?<!\d\.)(\d{3})([\- ])(\d{2})(\d{4})(?![\w\-]|\.\d)",
            HALF_SCORE,
            needs_context=True,
        ),
        PatternSpec(
            "SSN (NNNNN-NNNN)",
            r"(?<![\w\-])(?<!\d\.)(\d{3})()(\d{2})[\- ](\d{4})(?![\w\-]|\.\d)",
            HALF_SCORE,
            needs_context=True,
        ),
    )
    context_words: ClassVar[tuple[str, ...]] = (
        "ssn", "ssns", "ssn#", "ss#", "ss #", "ss no", "soc sec", "social security",
        "social security number", "social security #", "social", "ssa",
    )  # fmt: skip
    strong_context_words: ClassVar[tuple[str, ...]] = tuple(
        w for w in context_words if w != "social"
    )
    _half_patterns: ClassVar[frozenset[str]] = frozenset(s.regex for s in patterns[2:])

    def __init__(self) -> None:
        super().__init__()
        self._strong_context = word_regex(self.strong_context_words)

    def validate(self, match: re.Match[str]) -> bool:
        area, group, serial = match.group(1), match.group(3), match.group(4)
        digits = area + group + serial
        if area == "000" or area == "666" or area[0] == "9":
            return False
        if group == "00" or serial == "0000":
            return False
        if digits in _INVALID_SSNS or len(set(digits)) == 1:
            return False
        if match.re.pattern in self._half_patterns:
            return self._strong_word(match) is not None
        return True

    def _strong_word(self, match: re.Match[str]) -> str | None:
        return find_context_word(
            self._strong_context,
            match.string,
            match.start(),
            match.end(),
            self.context_before,
            self.context_after,
        )


class StudentIdDetector(PatternDetector):
    """The district's student-number shape from config; strong only next to context words.

    Not a number labelled as another kind right before it ("Invoice 41377765", "Order
    #4253...", "Raffle ticket ...": ``NOT_STUDENT_LABEL``). A number written with one
    separator in the middle ("ID 4469-6330") whose digits fit the shape counts next to a
    context word (the roster detector finds a roster student's number in any form).
    """

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
        self._pattern_digits = 0
        self._needed = 0

    @classmethod
    def from_context(cls, ctx: DetectorContext) -> Self:
        return cls(ctx.settings.detection.pii.student_id_pattern)

    def load(self) -> None:
        super().load()
        self._pattern_digits = 0
        if self.pattern is None:
            self._compiled = []
            return
        # Case-insensitive: the district writes the shape against the original text, but
        # it runs on the case-folded normalized text.
        spec = PatternSpec("district student-number", self.pattern, self.BASE_SCORE, re.I)
        self._compiled = [(spec, spec.compile())]
        # The district's shape is data, so its digit bound is read from the regex itself:
        # "\b4\d{7}\b" needs 8, and most posts hold fewer.
        self._pattern_digits = min_digits(self.pattern, re.I)
        self._needed = self.required_digits()  # also a bound for the separated forms

    def required_digits(self) -> int:
        return max(self.min_digits, self._pattern_digits)

    def validate(self, match: re.Match[str]) -> bool:
        return not labelled_not_student(match.string, match.start())

    def detect(self, doc: Document) -> Sequence[Finding]:
        if not self._loaded:
            self.load()
        if not self._compiled or doc.digits < self._needed:
            return []  # most posts: too few digits for a student number in any form
        findings = list(super().detect(doc))
        _spec, regex = self._compiled[0]
        for start, end, word in separated_student_numbers(regex, self._context, doc.text):
            o_start, o_end = doc.to_original(start, end)
            if any(f.start < o_end and o_start < f.end for f in findings):
                continue
            score = round(min(1.0, self.BASE_SCORE + self.context_boost), 4)
            why = f"district student-number pattern (with a separator) + context word '{word}'"
            findings.append(Finding(self.category, o_start, o_end, score, self.name, why))
        findings.sort(key=lambda f: f.start)
        return findings


# -- street addresses -----------------------------------------------------------------------------

# USPS Publication 28, appendix C1: street suffixes with the common abbreviations people
# write. Data, not code: extend here. Keys are the USPS standard abbreviation.
STREET_SUFFIXES: Final[dict[str, tuple[str, ...]]] = {
    "aly": ("alley", "ally", "aly"),
    "anx": ("annex", "anex", "annx", "anx"),
    "arc": ("arcade", "arc"),
    "ave": ("avenue", "ave", "av", "aven", "avenu", "avn", "avnue"),
    "byu": ("bayou", "bayoo", "byu"),
    "bch": ("beach", "bch"),
    "bnd": ("bend", "bnd"),
    "blf": ("bluff", "bluf", "blf"),
    "btm": ("bottom", "bottm", "bot", "btm"),
    "blvd": ("boulevard", "boulv", "boul", "blvd"),
    "br": ("branch", "brnch", "br"),
    "brg": ("bridge", "brdge", "brg"),
    "brk": ("brook", "brk"),
    "byp": ("bypass", "bypa", "bypas", "byps", "byp"),
    "cp": ("camp", "cmp", "cp"),
    "cyn": ("canyon", "canyn", "cnyn", "cyn"),
    "cpe": ("cape", "cpe"),
    "cswy": ("causeway", "causwa", "cswy"),
    "ctr": ("center", "centre", "centr", "cnter", "cntr", "cent", "cen", "ctr"),
    "cir": ("circle", "circl", "circ", "crcl", "crcle", "cir"),
    "clf": ("cliff", "clf"),
    "clb": ("club", "clb"),
    "cmn": ("common", "cmn"),
    "cmns": ("commons", "cmns"),
    "cor": ("corner", "cor"),
    "crse": ("course", "crse"),
    "ct": ("court", "crt", "ct"),
    "cts": ("courts", "cts"),
    "cv": ("cove", "cv"),
    "crk": ("creek", "crk"),
    "cres": ("crescent", "crsent", "crsnt", "cres"),
    "crst": ("crest", "crst"),
    "xing": ("crossing", "crssng", "xing"),
    "xrd": ("crossroad", "xrd"),
    "curv": ("curve", "curv"),
    "dl": ("dale", "dl"),
    "dm": ("dam", "dm"),
    "dv": ("divide", "div", "dvd", "dv"),
    "dr": ("drive", "driv", "drv", "dr"),
    "est": ("estate", "est"),
    "ests": ("estates", "ests"),
    "expy": ("expressway", "express", "expw", "expr", "expy", "exp"),
    "ext": ("extension", "extn", "extnsn", "ext"),
    "fls": ("falls", "fls"),
    "fry": ("ferry", "frry", "fry"),
    "fld": ("field", "fld"),
    "flds": ("fields", "flds"),
    "flt": ("flat", "flt"),
    "frd": ("ford", "frd"),
    "frst": ("forest", "forests", "frst"),
    "frg": ("forge", "forg", "frg"),
    "frk": ("fork", "frk"),
    "ft": ("fort", "frt", "ft"),
    "fwy": ("freeway", "freewy", "frway", "frwy", "fwy"),
    "gdn": ("garden", "gardn", "grden", "grdn", "gdn"),
    "gdns": ("gardens", "grdns", "gdns"),
    "gtwy": ("gateway", "gatewy", "gatway", "gtway", "gtwy"),
    "gln": ("glen", "gln"),
    "grn": ("green", "grn"),
    "grv": ("grove", "grov", "grv"),
    "hbr": ("harbor", "harb", "harbr", "hrbor", "hbr"),
    "hvn": ("haven", "hvn"),
    "hts": ("heights", "ht", "hts"),
    "hwy": ("highway", "highwy", "hiway", "hiwy", "hway", "hwy"),
    "hl": ("hill", "hl"),
    "hls": ("hills", "hls"),
    "holw": ("hollow", "hllw", "hollows", "holws", "holw"),
    "inlt": ("inlet", "inlt"),
    "is": ("island", "islnd", "is"),
    "iss": ("islands", "islnds", "iss"),
    "isle": ("isle", "isles"),
    "jct": ("junction", "jction", "jctn", "junctn", "juncton", "jct"),
    "ky": ("key", "ky"),
    "knl": ("knoll", "knol", "knl"),
    "knls": ("knolls", "knls"),
    "lk": ("lake", "lk"),
    "lks": ("lakes", "lks"),
    "lndg": ("landing", "lndng", "lndg"),
    "ln": ("lane", "ln"),
    "lgt": ("light", "lgt"),
    "lf": ("loaf", "lf"),
    "lck": ("lock", "lck"),
    "ldg": ("lodge", "ldge", "lodg", "ldg"),
    "loop": ("loop", "loops"),
    "mall": ("mall",),
    "mnr": ("manor", "mnr"),
    "mdws": ("meadows", "meadow", "medows", "mdw", "mdws"),
    "mews": ("mews",),
    "ml": ("mill", "ml"),
    "msn": ("mission", "missn", "mssn", "msn"),
    "mtwy": ("motorway", "mtwy"),
    "mt": ("mount", "mnt", "mt"),
    "mtn": ("mountain", "mntain", "mntn", "mountin", "mtin", "mtn"),
    "nck": ("neck", "nck"),
    "orch": ("orchard", "orchrd", "orch"),
    "oval": ("oval", "ovl"),
    "opas": ("overpass", "opas"),
    "park": ("park", "prk", "parks"),
    "pkwy": ("parkway", "parkwy", "pkway", "pky", "parkways", "pkwys", "pkwy"),
    "pass": ("pass",),
    "psge": ("passage", "psge"),
    "path": ("path", "paths"),
    "pike": ("pike", "pikes"),
    "pne": ("pine", "pne"),
    "pnes": ("pines", "pnes"),
    "pl": ("place", "pl"),
    "pln": ("plain", "pln"),
    "plns": ("plains", "plns"),
    "plz": ("plaza", "plza", "plz"),
    "pt": ("point", "pt"),
    "pts": ("points", "pts"),
    "prt": ("port", "prt"),
    "pr": ("prairie", "prr", "pr"),
    "radl": ("radial", "radiel", "radl", "rad"),
    "ramp": ("ramp",),
    "rnch": ("ranch", "ranches", "rnchs", "rnch"),
    "rpds": ("rapids", "rpds"),
    "rst": ("rest", "rst"),
    "rdg": ("ridge", "rdge", "rdg"),
    "riv": ("river", "rvr", "rivr", "riv"),
    "rd": ("road", "rd"),
    "rds": ("roads", "rds"),
    "rte": ("route", "rte"),
    "row": ("row",),
    "rue": ("rue",),
    "run": ("run",),
    "shl": ("shoal", "shl"),
    "shr": ("shore", "shoar", "shr"),
    "shrs": ("shores", "shoars", "shrs"),
    "skwy": ("skyway", "skwy"),
    "spg": ("spring", "spng", "sprng", "spg"),
    "spgs": ("springs", "spngs", "sprngs", "spgs"),
    "spur": ("spur", "spurs"),
    "sq": ("square", "sqr", "sqre", "squ", "sq"),
    "sqs": ("squares", "sqrs", "sqs"),
    "sta": ("station", "statn", "stn", "sta"),
    "stra": ("stravenue", "strav", "straven", "stravn", "strvn", "strvnue", "stra"),
    "strm": ("stream", "streme", "strm"),
    "st": ("street", "strt", "str", "st"),
    "sts": ("streets", "sts"),
    "smt": ("summit", "sumit", "sumitt", "smt"),
    "ter": ("terrace", "terr", "ter"),
    "trwy": ("throughway", "trwy"),
    "trce": ("trace", "traces", "trce"),
    "trak": ("track", "tracks", "trk", "trks", "trak"),
    "trfy": ("trafficway", "trfy"),
    "trl": ("trail", "trails", "trls", "trl"),
    "trlr": ("trailer", "trlrs", "trlr"),
    "tunl": ("tunnel", "tunel", "tunls", "tunnels", "tunnl", "tunl"),
    "tpke": ("turnpike", "trnpk", "turnpk", "tpke"),
    "upas": ("underpass", "upas"),
    "un": ("union", "un"),
    "vly": ("valley", "vally", "vlly", "vly"),
    "via": ("viaduct", "vdct", "viadct", "via"),
    "vw": ("view", "vw"),
    "vlg": ("village", "vill", "villag", "villg", "villiage", "vlg"),
    "vl": ("ville", "vl"),
    "vis": ("vista", "vist", "vst", "vsta", "vis"),
    "walk": ("walk", "walks"),
    "wall": ("wall",),
    "way": ("way", "wy"),
    "wl": ("well", "wl"),
    "wls": ("wells", "wls"),
}

# Suffixes that are only street words: "3 hour drive" is not an address but "123 Elm Dr" is.
# Every other suffix ("park", "view", "run", "green" ...) is an everyday word too, so a
# candidate ending in one needs a capitalized street name or other evidence.
_STRONG_SUFFIXES: Final[frozenset[str]] = frozenset(
    {"st", "ave", "blvd", "rd", "dr", "ln", "ct", "cir", "pl", "ter", "pkwy", "hwy",
     "expy", "fwy", "tpke", "trl", "cswy", "sq", "xing", "aly", "plz"}
)  # fmt: skip
_STRONG_WORDS: Final[frozenset[str]] = frozenset(
    w for key in _STRONG_SUFFIXES for w in STREET_SUFFIXES[key]
) - {"court", "drive", "place", "lane", "circle", "square", "trail", "terrace", "road"}

US_STATES: Final[dict[str, str]] = {
    "al": "alabama", "ak": "alaska", "az": "arizona", "ar": "arkansas", "ca": "california",
    "co": "colorado", "ct": "connecticut", "de": "delaware", "fl": "florida", "ga": "georgia",
    "hi": "hawaii", "id": "idaho", "il": "illinois", "in": "indiana", "ia": "iowa",
    "ks": "kansas", "ky": "kentucky", "la": "louisiana", "me": "maine", "md": "maryland",
    "ma": "massachusetts", "mi": "michigan", "mn": "minnesota", "ms": "mississippi",
    "mo": "missouri", "mt": "montana", "ne": "nebraska", "nv": "nevada",
    "nh": "new hampshire", "nj": "new jersey", "nm": "new mexico", "ny": "new york",
    "nc": "north carolina", "nd": "north dakota", "oh": "ohio", "ok": "oklahoma",
    "or": "oregon", "pa": "pennsylvania", "ri": "rhode island", "sc": "south carolina",
    "sd": "south dakota", "tn": "tennessee", "tx": "texas", "ut": "utah", "vt": "vermont",
    "va": "virginia", "wa": "washington", "wv": "west virginia", "wi": "wisconsin",
    "wy": "wyoming", "dc": "district of columbia", "pr": "puerto rico", "gu": "guam",
    "vi": "virgin islands", "as": "american samoa", "mp": "northern mariana islands",
}  # fmt: skip

# Words that never belong to a street name: they mark a count, a time or a sentence
# ("won 3 games at Lincoln Park", "a 3 hour drive", "at 7 on Court Street").
_NOT_STREET_WORDS: Final[frozenset[str]] = frozenset(
    {
        "a", "an", "the", "at", "on", "in", "to", "of", "for", "and", "or", "but", "with",
        "from", "by", "vs", "is", "are", "was", "were", "be", "it", "we", "you", "i", "our",
        "my", "your", "their", "his", "her", "this", "that", "these", "those", "more", "times",
        "am", "pm", "a.m.", "p.m.", "o'clock", "hour", "hours", "hr", "hrs", "minute",
        "minutes", "min", "mins", "second", "seconds", "sec", "day", "days", "week", "weeks",
        "month", "months", "year", "years", "yr", "yrs", "mile", "miles", "mi", "km", "yard",
        "yards", "yd", "yds", "feet", "foot", "ft", "inch", "inches", "lb", "lbs", "pound",
        "pounds", "point", "points", "pts", "game", "games", "goal", "goals", "run", "runs",
        "win", "wins", "loss", "losses", "team", "teams", "student", "students", "people",
        "kids", "grade", "grades", "grader", "graders", "percent", "dollars", "bucks",
        "tickets", "seats", "lanes", "way", "ways", "straight", "consecutive", "new",
        "other", "state", "school", "schools", "district", "class", "classes",
    }
)  # fmt: skip

_DIRECTIONAL: Final[str] = (
    r"(?:n|s|e|w|ne|nw|se|sw|north|south|east|west|northeast|northwest|southeast|southwest)"
)


def _alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, factored as a trie ("st", "str", "street" →
    "st(?:r(?:eet)?)?") so that a failing position costs one character test, not one per
    word; the longest word is preferred, as with a longest-first alternation."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


class _ContextIndex:
    """Every context-word hit of a document, found in one pass; ``nearest`` answers what
    ``find_context_word`` does for one window, in O(log n + hits in the window).

    The pass runs on the first ``nearest`` call: most documents have no candidate that
    gets that far, and the context regex is the costliest part of a scan without one."""

    def __init__(self, regex: re.Pattern[str] | None, text: str) -> None:
        self._regex = regex
        self._text = text
        self._hits: list[tuple[int, int, str]] | None = None
        self._starts: list[int] = []

    def _index(self) -> list[tuple[int, int, str]]:
        regex, text = self._regex, self._text
        hits = [
            (m.start(), m.end(), " ".join(m.group().split()))
            for m in (regex.finditer(text) if regex is not None else ())
        ]
        self._hits = hits
        self._starts = [h[0] for h in hits]
        return hits

    def nearest(self, start: int, end: int, before: int, after: int) -> str | None:
        hits = self._hits if self._hits is not None else self._index()
        text = self._text
        lo = max(0, start - before)
        hi = min(len(text), end + after)
        cap = min(len(text), hi + 64)
        while hi < cap and is_word_char(text[hi]):
            hi += 1  # never cut a word in two
        best: tuple[int, str] | None = None
        i = bisect.bisect_left(self._starts, lo)
        while i < len(hits) and hits[i][0] < hi:
            h_start, h_end, word = hits[i]
            i += 1
            if h_end > hi or (h_start < end and start < h_end):
                continue  # outside the window, or inside the hit itself
            distance = start - h_end if h_end <= start else h_start - end
            if best is None or distance < best[0]:
                best = (distance, word)
        return best[1] if best else None


class _Taken:
    """Disjoint spans already reported, with O(log n) overlap tests (hostile posts can
    hold tens of thousands of candidates)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start)
        if i > 0 and self._ends[i - 1] > start:
            return True
        return i < len(self._starts) and self._starts[i] < end

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


# USPS abbreviations that are everyday words or too short to trust ("3 Lions is", "5 ft").
_UNTRUSTED_ABBREVIATIONS: Final[frozenset[str]] = frozenset(
    {"is", "iss", "un", "via", "cp", "dl", "dm", "dv", "div", "br", "hl", "ky", "lf", "ml",
     "pr", "prr", "vl", "wl", "ft", "mt", "bot", "arc", "est", "ext", "exp", "cent", "cen",
     "rad", "vis", "vist", "vst", "sta", "stn", "str", "av", "express"}
)  # fmt: skip
_SUFFIX_ALT: Final[str] = _alternation(
    w for ws in STREET_SUFFIXES.values() for w in ws if w not in _UNTRUSTED_ABBREVIATIONS
)
_STATE_ALT: Final[str] = _alternation([*US_STATES, *US_STATES.values()]).replace(r"\ ", r"[ \t]+")
_SUFFIX_CANON: Final[dict[str, str]] = {w: key for key, ws in STREET_SUFFIXES.items() for w in ws}
_UNIT: Final[str] = (
    r"(?:[ \t]*,?[ \t]*(?:(?:apt|apartment|unit|suite|ste|room|rm|fl|floor|bldg|building|lot"
    r"|trlr|spc|space)(?![a-z])\.?[ \t]*#?|#)[ \t]*"
    # "4B", "200", "C-3", "B"; not "#MAGA" or "spacecraft"
    r"(?=[a-z]?\d|[a-z](?![\w\-]))[a-z0-9](?:-?[a-z0-9]){0,5}(?!\w))"
)
# ", Springfield, IL 62704" / "\nSpringfield IL" / ", IL 62704"
_TAIL: Final[str] = (
    r"(?P<tail>[ \t]*[,\n][ \t\n]*"
    r"(?:(?P<city>[a-z][a-z.'\-]*(?:[ \t]+[a-z][a-z.'\-]*){0,3})[ \t]*,?[ \t]*)?"
    rf"(?P<state>{_STATE_ALT})\.?(?:[ \t]*,?[ \t]+(?P<zip>\d{{5}}(?:-\d{{4}})?))?(?![\w\-]))?"
)
_STREET: Final[str] = (
    r"(?<![\w$#@.,:/\-])(?P<number>\d{1,6}(?:-?[a-z](?!\w))?(?:[ \t]+1/2)?)[ \t]+"
    rf"(?:{_DIRECTIONAL}\.?[ \t]+)?"
    r"(?P<name>(?:(?:[a-z][a-z'\-]*\.?|\d{1,3}(?:st|nd|rd|th))[ \t]+){1,4}?)"
    rf"(?P<suffix>{_SUFFIX_ALT})(?!\w)\.?(?:[ \t]+(?:{_SUFFIX_ALT})(?!\w)\.?)?"
    rf"(?:[ \t]+{_DIRECTIONAL}(?!\w)\.?)?"
)
_PO_BOX: Final[str] = (
    r"(?<!\w)(?:p\.?[ \t]?o\.?[ \t]*box|post[ \t]+office[ \t]+box)"
    r"[ \t]*#?[ \t]*\d{1,6}(?!\w)"
)
_MILITARY: Final[str] = (
    r"(?<!\w)(?:(?:psc|cmr|unit)[ \t]+\d{1,5},?[ \t]+box[ \t]+\d{1,5}"
    r"|(?:uss|usns|usnv|usnt|usv|usgs|uscgc)[ \t]+[a-z][a-z.'\-]*(?:[ \t]+[a-z][a-z.'\-]*){0,2})"
    r"[ \t]*[,\n]?[ \t\n]*(?:apo|fpo|dpo)[ \t]+(?:aa|ae|ap)[ \t]+\d{5}(?![\w\-])"
)


# Street-type words of the addresses families also write from abroad (Faker's locales are a
# fair sample): a word before the street name ("Via Roma 131", "ul. Grochowa 80"), a
# compound ending ("Harjukuja 54", "Nørregade 7", "Kaiserstrasse 3"), or a separate word
# after it ("Rákóczi út 66"). All folded like ``Document.text`` (accents removed).
INTL_STREET_PREFIXES: Final[tuple[str, ...]] = (
    "via", "viale", "vicolo", "piazza", "piazzetta", "piazzale", "corso", "largo", "strada",
    "rue", "chemin", "impasse", "quai", "allee", "rua", "avenida", "av.", "travessa",
    "praca", "calle", "carrer", "paseo", "camino", "ul.", "ulica", "al.", "aleja", "odos",
    "leoforos", "calea", "bulevardul", "avda.", "c/", "trg", "plac", "avenue", "boulevard",
)  # fmt: skip
# Prefix words that may follow the house number ("29 Rue de Tanger").
_INTL_NUMBER_FIRST: Final[tuple[str, ...]] = ("rue", "rua", "calle", "avenida", "via", "viale")
INTL_STREET_ENDINGS: Final[tuple[str, ...]] = (
    "vej", "vejen", "vaenget", "gade", "straede", "vegen", "veien", "vei", "veg", "gata",
    "gatan", "vagen", "stigen", "backe", "torget", "straat", "laan", "weg", "dreef",
    "gracht", "kade", "plein", "singel", "strasse", "strase", "gasse", "platz", "allee",
    "damm", "ufer", "tie", "katu", "kuja", "polku", "kaari", "rinne", "raitti", "vegur",
    "braut", "stigur", "straeti", "utca",
)  # fmt: skip
_INTL_STREET_WORDS: Final[tuple[str, ...]] = (
    "utca", "ut", "utja", "ter", "korut", "u.", "rkp.", "sor", "strasse", "str.", "gasse",
    "weg", "straat", "vej", "vei", "veien", "vegen", "gata", "gatan", "tanav", "iela",
    "terrasse",
)  # fmt: skip
# English words with those endings ("brigade 2", "bestie 4 life").
_INTL_FALSE_FRIENDS: Final[frozenset[str]] = frozenset(
    {"brigade", "renegade", "cascade", "bestie", "cutie", "hottie", "sweetie", "rookie",
     "goalie", "kiltie", "necktie", "bowtie", "untie", "veg", "weg", "tie"}
)  # fmt: skip
_INTL_NAME: Final[str] = r"[a-z][a-z'\-]*\.?"
_INTL_NUMBER: Final[str] = r"\d{1,4}[a-z]?\.?(?![\w\-])"
_INTL_STREET: Final[str] = (
    r"(?<![\w$#@.,:/\-])(?:\d{1,6}[ \t]+)?(?:"
    # "Via Roma 131", "ul. Biskupa Bogedaina 118", "Via Nuova del Campo 85"
    rf"(?P<pre>{_alternation(INTL_STREET_PREFIXES)})[ \t]+(?P<pname>(?:{_INTL_NAME}[ \t]+){{1,4}}?)"
    rf"{_INTL_NUMBER}"
    # "29 Rue de Tanger"
    rf"|\d{{1,5}},?[ \t]+(?P<pre2>{_alternation(_INTL_NUMBER_FIRST)})[ \t]+"
    r"(?P<pname2>[a-z][a-z'\-]*(?:[ \t]+(?:de|du|des|la|le|da|do|dos|das|del|di)"
    r"[ \t]+[a-z][a-z'\-]*|[ \t]+[a-z][a-z'\-]*){0,2})(?!\w)"
    # "Harjukuja 54", "Kaiserstrasse 3", "Nørregade 7"
    rf"|(?P<compound>[a-z][a-z'\-]{{2,}}(?:{_alternation(INTL_STREET_ENDINGS)}))"
    rf"[ \t]+{_INTL_NUMBER}"
    # "Rákóczi út 66.", "Hegedûs Gyula utca 76.", "Király u. 15."
    rf"|(?P<wname>(?:{_INTL_NAME}[ \t]+){{1,2}}?)(?P<word>{_alternation(_INTL_STREET_WORDS)})"
    rf"[ \t]+{_INTL_NUMBER}"
    r")"
)
# "20789 Allika 46", "Pagari 18 Suite 932": a capitalized name between numbers, or before
# a house number. Only with evidence: a unit, a postal-code line, or an address context word.
_LOOSE_STREET: Final[str] = (
    r"(?<![\w$#@.,:/\-])(?:\d{1,6}[ \t]+)?(?P<lname>(?:[a-z][a-z'\-]*\.?[ \t]+){1,3}?)"
    r"(?P<lhouse>\d{1,4}[a-z]?)(?![\w\-]|[.,:/]\d)"
)
_SEGMENT_SEP: Final[re.Pattern[str]] = re.compile(r"[ \t]*(?:,[ \t]*\n?|\n)[ \t>]*|[ \t]+")
_UNIT_SEGMENT: Final[re.Pattern[str]] = re.compile(_UNIT.replace("[ \\t]*,?[ \\t]*", "", 1))
_POSTAL_SEGMENT: Final[re.Pattern[str]] = re.compile(
    r"(?:[a-z][a-z.'()\-]*(?:[ \t]+[a-z][a-z.'()\-]*){0,3}[ \t]+)?"
    r"(?!(?:19|20)\d\d(?!\d))\d{4,5}(?:-\d{3,4})?(?![\w\-])"  # "Festival 2024" is a year
)
_PLACE_SEGMENT: Final[re.Pattern[str]] = re.compile(
    r"[a-z][a-z.'()\-]*(?:[ \t]+[a-z][a-z.'()\-]*){0,3}(?![\w@:])"
)


# "Via Roma 131", "Harjukuja 54", "Rákóczi út 66", "Pagari 18": a blank, then the house
# number; "29 Rue de Tanger": a blank, then the street word. (A gate of AddressDetector.)
_BLANK_THEN_HOUSE_NUMBER: Final[str] = (
    rf"[ \t](?:{_INTL_NUMBER}|(?:{_alternation(_INTL_NUMBER_FIRST)})[ \t])"
)


_DIRECTIONS: Final[dict[str, str]] = {
    "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne",
    "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip
_STATE_ABBREVIATION: Final[dict[str, str]] = {
    name: abbr for abbr, name in US_STATES.items() if " " not in name
}
_ADDRESS_TOKEN: Final[re.Pattern[str]] = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)?")


def address_key(address: str) -> tuple[str, ...]:
    """An address as comparable tokens: case, accents and punctuation dropped, street
    suffixes, directions and state names abbreviated the USPS way ("400 North Main
    Street, Springfield, Illinois" → 400 n main st springfield il)."""
    tokens = _ADDRESS_TOKEN.findall(normalize_phrase(address))
    return tuple(
        _SUFFIX_CANON.get(t) or _DIRECTIONS.get(t) or _STATE_ABBREVIATION.get(t) or t
        for t in tokens
    )


def same_address(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Is one address key the other one, or the other with more of its tail ("400 N Main
    St" and "400 N Main St, Brookfield, IL 61604")? At least a number and two words must
    agree, so "400 Main" never stands for every address on Main."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 3 and long[: len(short)] == short


# A public venue named right before an address ("at the Elks Lodge, 2710 Grandview Ave",
# "Eastfield High School, 2150 Kingsley Rd"): the place's address, not a person's. A home
# ("the Smiths' house, 12 Oak St") is not a venue.
_VENUE_BEFORE: Final[re.Pattern[str]] = re.compile(
    r"(?<!\w)(?:lodge|hall|school|academy|church|temple|synagogue|mosque|library|park|center"
    r"|centre|stadium|arena|fieldhouse|gym|gymnasium|hotel|inn|restaurant|cafe|café|diner"
    r"|bowl|lanes|mall|museum|theater|theatre|college|university|hospital|clinic|ymca|ywca"
    r"|clubhouse|rink|natatorium|auditorium|pavilion|grill|pizza|pizzeria|bakery|bank"
    r"|store|market|hardware|studio|plaza|courthouse|fairgrounds|complex)"
    r"[ \t]*(?:[,:(]|-|–|—)?[ \t]*\Z"
)
_VENUE_WINDOW: Final[int] = 24


class AddressDetector(PatternDetector):
    """Street addresses: US shapes, PO boxes, APO/FPO/DPO, and common European shapes.

    A US candidate is a house number, a street name and a USPS street suffix, with an
    optional unit and an optional ", City, ST 12345" tail. Suffixes that are everyday words
    ("park", "view", "run") need a capitalized street name or other evidence (a unit, a
    state tail, a context word), and street names made of count or time words
    ("3 hour drive", "won 3 games") are rejected. European shapes need a street-type word
    ("Via", "-gade", "utca") written with a capital letter. A match then grows over the
    lines that follow it when they end in a postal code ("Apt. 4\\nSEINÄJOKI\\nFinland 38524").

    The district's own buildings (``detection.pii.allow_addresses``: schools, offices) are
    not PII, however they are written: case, punctuation, "Dr"/"Drive", "N"/"North", with
    or without the city tail (``address_key``, ``same_address``). An entry without its town
    matches that street address in any town.
    """

    name: str = "address"
    category: ClassVar[str] = "pii.address"
    BASE_SCORE: ClassVar[float] = 0.7
    context_boost: ClassVar[float] = 0.2
    context_before: ClassVar[int] = 40
    context_after: ClassVar[int] = 20
    MAX_SEGMENTS: ClassVar[int] = 5  # lines or comma parts absorbed after a street
    min_digits: ClassVar[int] = 1  # a house, box or unit number, or a postal code
    patterns: ClassVar[tuple[PatternSpec, ...]] = (
        PatternSpec("street address", rf"(?P<core>{_STREET}{_UNIT}?){_TAIL}", BASE_SCORE),
        PatternSpec("military address", rf"(?P<core>{_MILITARY})", BASE_SCORE),
        PatternSpec("PO box", rf"(?P<core>{_PO_BOX}){_TAIL}", BASE_SCORE),
        PatternSpec("street address", rf"(?P<core>{_INTL_STREET}{_UNIT}?)", BASE_SCORE),
        PatternSpec("street address", rf"(?P<core>{_LOOSE_STREET}{_UNIT}?)", BASE_SCORE),
    )
    # Prefilters, per pattern: regexes for text that every match of the pattern holds, each
    # far cheaper than the pattern (which tests a look-behind and a large alternation at
    # every position). A post in which one of them finds nothing holds no match: the
    # pattern is skipped. Cheapest and most selective first; each starts with a character
    # class or a literal, so the regex engine skips in C to where it can match; a gate two
    # patterns share is searched once per post. tests/detectors/test_fast_paths.py checks
    # every match of each pattern on a corpus against each of its gates, and the findings
    # with the gates switched off.
    gates: ClassVar[tuple[tuple[str, ...], ...]] = (
        (rf"[ \t](?:{_SUFFIX_ALT})(?!\w)",),  # the suffix, after the street name's blank
        (r"[adf]po[ \t]",),  # "APO AE 09001"
        (r"box",),  # "PO Box", "post office box"
        (
            _BLANK_THEN_HOUSE_NUMBER,
            # ... and a prefix word and a blank, or an ending or a street word, blanks,
            # the house number.
            rf"(?:{_alternation(INTL_STREET_PREFIXES)})[ \t]"
            rf"|(?:{_alternation(INTL_STREET_ENDINGS)}|{_alternation(_INTL_STREET_WORDS)})"
            r"[ \t]+\d",
        ),
        # "Pagari 18 Suite 932": the blank before the house number, the number, then
        # neither a word character nor more digits (which ``_BLANK_THEN_HOUSE_NUMBER``
        # also finds there, so a post without that is settled already).
        (_BLANK_THEN_HOUSE_NUMBER, r"[ \t]\d{1,4}[a-z]?(?![\w\-]|[.,:/]\d)"),
    )
    # Context strong enough to vouch for a bare "Name 12" shape.
    strong_context_words: ClassVar[frozenset[str]] = frozenset(
        {"lives at", "live at", "living at", "lives on", "lives off", "address", "addresses",
         "addr", "residence", "resides", "reside", "mailing", "mail to", "moved to",
         "deliver to", "ship to"}
    )  # fmt: skip
    context_words: ClassVar[tuple[str, ...]] = (
        "lives at", "live at", "living at", "lives on", "lives off", "address", "addresses",
        "addr", "house", "home", "homes", "street", "residence", "resides", "reside",
        "mailing", "mail to", "moved to", "apartment", "deliver to", "ship to",
    )  # fmt: skip

    def __init__(self, allow_addresses: Sequence[str] = ()) -> None:
        super().__init__()
        self._allow_raw = tuple(allow_addresses)
        self._allowed: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def from_context(cls, ctx: DetectorContext) -> Self:
        return cls(ctx.settings.detection.pii.allow_addresses)

    def load(self) -> None:
        super().load()
        allowed = []
        for i, raw in enumerate(self._allow_raw):
            key = address_key(raw)
            if len(key) < 3 or not key[0][0].isdigit():
                raise ConfigError(
                    f"detection.pii.allow_addresses[{i}]: not a street address (expected a "
                    'house number and a street, e.g. "400 N Main St")'
                )
            allowed.append(key)
        self._allowed = tuple(allowed)
        distinct = list(dict.fromkeys(g for gates in self.gates for g in gates))
        self._gate_regexes = [re.compile(g) for g in distinct]
        self._gates: list[tuple[int, ...]] = [
            tuple(distinct.index(g) for g in gates) for gates in self.gates
        ]

    def detect(self, doc: Document) -> Sequence[Finding]:
        if not self._loaded:
            self.load()
        findings: list[Finding] = []
        if doc.digits < self.min_digits:
            return findings  # every shape has a number (see ``min_digits``)
        taken = _Taken()
        context = _ContextIndex(self._context, doc.text)
        found: dict[int, bool] = {}  # gate -> found in this post
        for (spec, regex), gates in zip(self._compiled, self._gates, strict=True):
            if not self._gates_found(gates, doc.text, found):
                continue  # no match of this pattern can exist (see ``gates``)
            for m in _candidates(regex, doc, _shape_ok):
                start, end = m.start(), self._end(doc, m)
                if taken.overlaps(start, end):
                    continue
                extended = self._extend(doc.text, end)
                word = context.nearest(start, extended, self.context_before, self.context_after)
                if not self._evidence_ok(doc, m, word, extended > end):
                    continue
                end = extended
                taken.add(start, end)
                if self._allowed and self._district_building(doc.text[start:end]):
                    continue  # a school's or the district office's address
                if _VENUE_BEFORE.search(doc.text, max(0, start - _VENUE_WINDOW), start):
                    continue  # a named venue's address ("the Elks Lodge, 2710 Grandview Ave")
                score = round(min(1.0, spec.score + (self.context_boost if word else 0.0)), 4)
                o_start, o_end = doc.to_original(start, end)
                findings.append(
                    Finding(
                        self.category, o_start, o_end, score, self.name, self.describe(spec, word)
                    )
                )
        findings.sort(key=lambda f: f.start)
        return findings

    def _district_building(self, address: str) -> bool:
        key = address_key(address)
        return any(same_address(key, allowed) for allowed in self._allowed)

    def _gates_found(self, gates: tuple[int, ...], text: str, found: dict[int, bool]) -> bool:
        """Does each of these gates find something in ``text``? (Each searched once.)"""
        for gate in gates:
            hit = found.get(gate)
            if hit is None:
                hit = found[gate] = self._gate_regexes[gate].search(text) is not None
            if not hit:
                return False
        return True

    @staticmethod
    def _end(doc: Document, m: re.Match[str]) -> int:
        """End of the match, without a ", City, ST" tail that is really just prose."""
        groups = m.groupdict()
        if groups.get("tail") is None:
            return m.end()
        if groups.get("zip") is None:
            state = m.group("state")
            city = m.group("city") or ""
            if len(state) == 2 and not _is_upper(doc, m.start("state"), m.end("state")):
                return m.end("core")  # "..., and in" is not ", IN"
            if any(w in _NOT_STREET_WORDS for w in city.split()):
                return m.end("core")
        return m.end()

    def _extend(self, text: str, end: int) -> int:
        """Grow over following units, and over place lines that end in a postal code."""
        committed = pos = end
        broken = False  # a postal code only counts past a comma, a line break or a unit
        for _ in range(self.MAX_SEGMENTS):
            sep = _SEGMENT_SEP.match(text, pos)
            if sep is None:
                break
            at = sep.end()
            broken = broken or not sep.group().isspace() or "\n" in sep.group()
            unit = _UNIT_SEGMENT.match(text, at)
            if unit is not None:
                committed = pos = unit.end()
                broken = True
                continue
            postal = _POSTAL_SEGMENT.match(text, at)
            if (
                broken
                and postal is not None
                and not _NOT_STREET_WORDS.intersection(postal.group().split())
            ):
                return postal.end()
            place = _PLACE_SEGMENT.match(text, at)
            if place is None or _NOT_STREET_WORDS.intersection(place.group().split()):
                break
            pos = place.end()
        return committed

    def _evidence_ok(
        self, doc: Document, m: re.Match[str], word: str | None, extended: bool
    ) -> bool:
        """Enough evidence for the shape: weak shapes need a unit, a tail or context."""
        groups = m.groupdict()
        if "suffix" in groups:
            if m.group("suffix") in _STRONG_WORDS:
                return True
            if word is not None or extended or m.end("core") > m.end("suffix"):
                return True  # context word, unit or tail
            if m.end() > m.end("core"):
                return True  # ", City, ST" tail
            number = m.group("number")
            if len(number) < 2 or _YEAR_LIKE.fullmatch(number):
                return False  # "at 5 Lincoln Park", "1969 Supreme Court"
            return _capitalized(doc, m.start("name"), m.end("name"))
        if "lname" in groups:
            unit = m.end("core") > m.end("lhouse")
            return extended or unit or word in self.strong_context_words
        return True


def _candidates(
    regex: re.Pattern[str], doc: Document, shape_ok: Callable[[Document, re.Match[str]], bool]
) -> Iterator[re.Match[str]]:
    """``regex.finditer`` that retries one word later after a rejected match, so that
    "on Villacher Strasse 89" still finds "Villacher Strasse 89" once "on Villacher..." fails.
    Rejection is cheap and regex-free, so hostile posts stay linear in practice."""
    text = doc.text
    pos = 0
    while True:
        m = regex.search(text, pos)
        if m is None:
            return
        if shape_ok(doc, m):
            yield m
            pos = max(m.end(), m.start() + 1)
        else:
            pos = m.start() + 1


def _shape_ok(doc: Document, m: re.Match[str]) -> bool:
    """Reject street names made of count, time or sentence words, and years taken for house
    numbers; foreign street-type words and bare "Name 12" shapes must be capitalized."""
    groups = m.groupdict()
    if "suffix" in groups:
        if _NOT_STREET_WORDS.intersection(w.rstrip(".") for w in m.group("name").split()):
            return False
        return not _YEAR_BEFORE.search(doc.text, max(0, m.start() - 12), m.end("number"))
    if "pre" in groups:
        for name_key, start_key, end_key in (
            ("pname", "pre", "pname"),
            ("pname2", "pre2", "pname2"),
            ("wname", "wname", "wname"),
        ):
            if m.group(name_key) is not None:
                names = m.group(name_key).split()
                if _NOT_STREET_WORDS.intersection(w.rstrip(".") for w in names):
                    return False
                return _capitalized(doc, m.start(start_key), m.end(end_key))
        if m.group("compound") in _INTL_FALSE_FRIENDS:
            return False
        return _capitalized(doc, m.start("compound"), m.end("compound"))
    if "lname" in groups:
        if _NOT_STREET_WORDS.intersection(w.rstrip(".") for w in m.group("lname").split()):
            return False
        return _capitalized(doc, m.start("lname"), m.end("lname"))
    return True


_YEAR_LIKE: Final[re.Pattern[str]] = re.compile(r"(?:18|19|20)\d\d")
# "Class of 2024 Main Street Parade": a year, not a house number.
_YEAR_BEFORE: Final[re.Pattern[str]] = re.compile(
    r"(?<!\w)(?:of|in|since|from|until|by|spring|summer|fall|winter|season)[ \t]+"
    r"(?:19|20)\d\d\Z"
)


def _capitalized(doc: Document, start: int, end: int) -> bool:
    """Every word of ``doc.text[start:end]`` starts with a capital in the original text,
    short lowercase particles ("de", "del", "da") and abbreviations ("ul.") apart."""
    for w in re.finditer(r"[a-z][a-z'\-]*\.?", doc.text[start:end]):
        if (len(w.group()) <= 3 and not w.group().isalpha()) or w.group() in _PARTICLES:
            continue
        if not doc.original[doc.offsets[start + w.start()]].isupper():
            return False
    return True


_PARTICLES: Final[frozenset[str]] = frozenset(
    {
        "de",
        "du",
        "des",
        "la",
        "le",
        "da",
        "do",
        "dos",
        "das",
        "del",
        "di",
        "dei",
        "della",
        "delle",
        "degli",
        "e",
        "y",
        "van",
        "von",
        "der",
        "den",
        "het",
        "ter",
        "op",
    }
)


def _is_upper(doc: Document, start: int, end: int) -> bool:
    o_start, o_end = doc.to_original(start, end)
    original = doc.original[o_start:o_end]
    return original.upper() == original


# -- birthdates ---------------------------------------------------------------------------------

_MONTHS: Final[dict[str, int]] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH_ALT: Final[str] = _alternation(_MONTHS)
_YEAR: Final[str] = r"(?:19|20)\d{2}"
_ORDINAL: Final[str] = r"(?:st|nd|rd|th)?"
# Context that makes a date a birthdate. "turns 12" / "turned 12" / "turning 12" too.
# The same alternatives as "(?<!\w)(?:born|birthday|...|(?:turns|turned|turning)\s+\d{1,2})(?!\w)",
# written to start with literals (``word_start_alternation``): the gate below runs it on
# every post with a digit. tests/detectors/test_fast_paths.py checks the two forms agree.
_BIRTH_CONTEXT_PHRASES: Final[tuple[str, ...]] = (
    r"born", r"birthday", r"birthdays", r"bday", r"b-day", r"b'day", r"birth\s+date",
    r"birthdate", r"dob", r"d\.o\.b\.?", r"date\s+of\s+birth", r"day\s+of\s+birth",
    r"turns\s+\d{1,2}", r"turned\s+\d{1,2}", r"turning\s+\d{1,2}", r"hbd",
    r"came\s+into\s+(?:the|this)\s+world", r"entered\s+(?:the|this)\s+world",
)  # fmt: skip
_BIRTH_CONTEXT: Final[re.Pattern[str]] = re.compile(
    word_start_alternation(_BIRTH_CONTEXT_PHRASES, escape=False) + r"(?!\w)"
)


class BirthdateDetector(PatternDetector):
    """Dates next to birth context ("born", "birthday", "DOB", "turns 12"); bare dates
    (concerts, games, deadlines) are never findings."""

    name: str = "birthdate"
    category: ClassVar[str] = "pii.birthdate"
    SCORE: ClassVar[float] = 0.85
    context_boost: ClassVar[float] = 0.0
    context_before: ClassVar[int] = 50
    context_after: ClassVar[int] = 40
    min_digits: ClassVar[int] = 1  # every date shape has a day or a year
    patterns: ClassVar[tuple[PatternSpec, ...]] = (
        PatternSpec(
            "ISO date",
            rf"(?<![\w\-])(?P<year>{_YEAR})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})"
            r"(?:(?=t\d\d:\d\d)|(?![\w\-]))",  # a time may follow: 2010-03-04T08:15
            SCORE,
            needs_context=True,
        ),
        PatternSpec(
            "numeric date",
            r"(?<![\w/.\-])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})"
            rf"(?:(?P=sep)(?P<year>{_YEAR}|\d{{2}}))?(?![\w/\-]|[.,]\d)",
            SCORE,
            needs_context=True,
        ),
        PatternSpec(
            "month-day date",
            rf"(?<!\w)(?P<month>{_MONTH_ALT})\.?[ \t]+(?P<day>\d{{1,2}}){_ORDINAL}(?!\w)"
            rf"(?:,?[ \t]+(?P<year>{_YEAR})(?!\w))?",
            SCORE,
            needs_context=True,
        ),
        PatternSpec(
            "day-month date",
            rf"(?<![\w/.\-])(?P<day>\d{{1,2}}){_ORDINAL}(?:[ \t]+of)?(?:[ \t]+|-)"
            rf"(?P<month>{_MONTH_ALT})(?!\w)\.?(?:(?:,?[ \t]+|-)(?P<year>{_YEAR})(?!\w))?",
            SCORE,
            needs_context=True,
        ),
        PatternSpec(
            "month-year date",
            rf"(?<!\w)(?P<month>{_MONTH_ALT})\.?,?[ \t]+(?P<year>{_YEAR})(?!\w)",
            SCORE,
            needs_context=True,
        ),
    )

    def load(self) -> None:
        super().load()
        self._context = _BIRTH_CONTEXT

    def detect(self, doc: Document) -> Sequence[Finding]:
        # PatternDetector.detect, with the overlap test in O(log n).
        if not self._loaded:
            self.load()
        findings: list[Finding] = []
        if doc.digits < self.min_digits:
            return findings  # every date shape has a number (see ``min_digits``)
        if self._context is None or self._context.search(doc.text) is None:
            # Every pattern needs a birth word within its window, and the window's words
            # are among the whole text's: none in the text, no finding (one scan, not five).
            return findings
        taken = _Taken()
        context = _ContextIndex(self._context, doc.text)
        for spec, regex in self._compiled:
            for m in regex.finditer(doc.text):
                start, end = m.span()
                if taken.overlaps(start, end) or not self.validate(m):
                    continue
                word = context.nearest(start, end, self.context_before, self.context_after)
                if word is None:
                    continue  # every birthdate pattern needs birth context
                taken.add(start, end)
                o_start, o_end = doc.to_original(start, end)
                findings.append(
                    Finding(
                        self.category,
                        o_start,
                        o_end,
                        spec.score,
                        self.name,
                        self.describe(spec, word),
                    )
                )
        findings.sort(key=lambda f: f.start)
        return findings

    def validate(self, match: re.Match[str]) -> bool:
        groups = match.groupdict()
        if "a" in groups:
            a, b = int(groups["a"]), int(groups["b"])
            if groups["year"] is None and groups["sep"] != "/":
                return False  # "5-6", "5.6": scores and decimals, not dates
            return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)
        month = groups["month"]
        month_no = _MONTHS[month] if month in _MONTHS else int(month)
        day = groups.get("day")
        return 1 <= month_no <= 12 and (day is None or 1 <= int(day) <= 31)

    def describe(self, spec: PatternSpec, word: str | None) -> str:
        if word is not None:
            word = re.sub(r"\d+", "N", word)
        return super().describe(spec, word)
