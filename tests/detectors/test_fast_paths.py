"""The scan's fast paths find exactly what the slow ones did.

* phone rule 1: ``_Matcher`` (``PhoneNumberMatcher`` with each candidate's verdict
  memoized) yields the library's own matches, cold cache or warm, on a table of tricky
  inputs and a seeded random corpus, for several regions;
* address: every match of a gated pattern holds its gate, and the findings are the same
  with the gates switched off; birthdate: the same with the birth-word gate bypassed;
* ``PhraseMatcher.spans`` is ``find`` as tuples.
"""

from __future__ import annotations

import contextlib
import random
import re
from collections.abc import Iterator
from typing import Any

import phonenumbers
import pytest
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher, PhoneNumberType

from sitewatch.detectors import pii, roster
from sitewatch.detectors import roster as roster_module
from sitewatch.detectors.base import (
    PhraseMatcher,
    make_finding,
    normalize_phrase,
    word_start_alternation,
)
from sitewatch.detectors.pii import AddressDetector, BirthdateDetector, PhoneDetector
from sitewatch.models import Finding
from sitewatch.scan.normalize import normalize

_PHONES = (
    "(415) 555-0132", "415-555-0132", "415.555.0132", "415 555 0132", "+1 415 555 0132",
    "1-800-555-0199", "(212)555-1234", "212-555-1234 x12", "+44 20 7946 0958",
    "020 7946 0958", "+33 1 42 68 53 00", "+49 30 901820", "+61 2 9374 4000",
    "+91 98765 43210", "06-12345678", "+31 6 12345678", "+1 (202) 456-1111",
    "202.456.1111", "1 800 356 9377", "(0)20 7946 0958", "+44 (0)20 7946 0958",
    "650-253-0000", "650 253 0000 ext 1", "6502530000", "16502530000", "+16502530000",
    "tel:+1-650-253-0000", "650/253-0000", "(650) 253 - 0000", "650-253-00001",
    "1650253000", "[650] 253-0000", "650 253 0000 xx 12", "650 253 0000 x", "011 44 20 7946 0958",
    "030 901820", "0049 30 901820", "3/10/2011", "2012-01-02 08:00", "211-227 (2003)",
    "651-234-2345/332-445-1234", "12345 - 332-445-1234", "(650) 223 3345 (754) 223 3321",
    "3324451234 8002341234", "650–253–0000", "６５０ ２５３ ００００", "+683 4002",
)  # fmt: skip
_WRAPS = (
    "{}", "call {}", "x{}", "{}x", "a{}b", "({})", "{}.", "{},", "1{}", "{}1", "#{}", "{}/",
    "/{}", "{} - {}", "{}{}", "{}, {}", "{}\n{}", "ph:{}", "é{}", "{}é", "_{}_", "{}%",
    "${}", "{}$", "€{}", "{} usd", '"{}"', "[{}]", "{} ext 5", "{} x 77", "{}ext1", "ǅ{}",
    "{}:30", "{} 08:00", "Ж{}", "{}ʰ",
)  # fmt: skip


def _tricky() -> list[str]:
    return [w.format(p, p) for w in _WRAPS for p in _PHONES]


def _random_corpus(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    pieces = ["+", "+1", "+44", "00", "011", "(", ")", "[", "]", "-", ".", "/", " ", "  ",
              "x", "ext", "#", "a", "é", "%", "$", ":", "\n", "–", "０", "٣", "12", "555",
              "2", "0", "650", "253", "0000", "7946", "0958", "415", "20"]  # fmt: skip
    out = []
    for _ in range(n):
        out.append("".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 30))))
        digits = "".join(rnd.choice("0123456789") for _ in range(rnd.choice([7, 10, 11, 12])))
        out.append(rnd.choice(["call ", "", "x", "(", "a"]) + digits + rnd.choice(["", "b", ")"]))
    return out


def _library(text: str, region: str) -> list[tuple[Any, ...]]:
    return [
        (m.start, m.end, m.raw_string, m.number)
        for m in PhoneNumberMatcher(text, region, leniency=Leniency.VALID)
    ]


def _ours(text: str, region: str) -> list[tuple[Any, ...]]:
    return [(m.start, m.end, m.raw_string, m.number) for m in pii._Matcher(text, region)]


@pytest.mark.parametrize("region", ["US", "GB", "DE"])
def test_phone_matcher_is_the_library_matcher(region: str) -> None:
    texts = [normalize(t).text for t in (*_tricky(), *_random_corpus(1500, 20260901))]
    expected = [_library(t, region) for t in texts]
    assert sum(map(len, expected)) > 100  # the corpus exercises the matcher
    pii._verify.cache_clear()
    assert [_ours(t, region) for t in texts] == expected  # cold
    assert [_ours(t, region) for t in texts] == expected  # warm
    assert pii._verify.cache_info().hits > 0


def test_phone_detector_same_cold_and_warm() -> None:
    detector = PhoneDetector(allow_phones=["(555) 201-0100"], student_id_pattern=r"\b4\d{7}\b")
    docs = [normalize(t) for t in (*_tricky(), *_random_corpus(300, 7))]
    pii._verify.cache_clear()
    cold = [list(detector.detect(d)) for d in docs]
    assert [list(detector.detect(d)) for d in docs] == cold
    assert any(cold)


# -- address and birthdate gates ---------------------------------------------------------------

_ADDRESS_TEXTS = (
    "Lives at 123 Main St., Springfield, IL 62704. Apt 4B.",
    "Via Roma 131, 00100 Roma; Kaiserstrasse 3\n60311 Frankfurt; 29 Rue de Tanger",
    "PO Box 1234, Anchorage AK 99501; PSC 1234, Box 5678 APO AE 09001",
    "USS Nimitz FPO AP 96620-2820; p.o. box 7; Post Office Box 12",
    "Rákóczi út 66., Hegedűs Gyula utca 76., Király u. 15.; ul. Grochowa 80",
    "Harjukuja 54, Nørregade 7, Strandvejen 12; 20789 Allika 46; Pagari 18 Suite 932",
    "Game at 7 on Court Street; won 3 games at Lincoln Park; 3 hour drive",
    "4 Elm Dr\n12 Oak Avenue NW, 5 Pine Ln #3, 77 W. 3rd St, 1600 Pennsylvania Ave",
    "Born on March 3rd, 2012; her birthday is 04/05/2011; DOB 2010-03-04; bday 5/6",
    "She turns 12 on 5 June. Dates: 1/2, 5-6, 3.14, 2023-2024. born 2011-02-03T08:15",
)


def _gate_corpus(n: int = 1500) -> list[str]:
    rnd = random.Random(42)
    alphabet = "abcdefgh MAINSTboxapouVRdrln0123456789 -.,#/\n'’éö"
    out = list(_ADDRESS_TEXTS)
    for _ in range(n):
        chars = list(rnd.choice(_ADDRESS_TEXTS))
        for _ in range(rnd.randrange(1, 8)):
            chars[rnd.randrange(len(chars))] = rnd.choice(alphabet)
        out.append("".join(chars))
    return out


def test_every_match_of_a_gated_pattern_holds_its_gate() -> None:
    matched = 0
    for spec, gates in zip(AddressDetector.patterns, AddressDetector.gates, strict=True):
        regex, gate_regexes = spec.compile(), [re.compile(g) for g in gates]
        for text in _gate_corpus():
            folded = normalize(text).text
            # every position, as ``_candidates`` retries one character later
            for start in range(len(folded)):
                m = regex.search(folded, start)
                if m is None:
                    break
                matched += 1
                # each gate finds something that starts inside the match itself
                for gate in gate_regexes:
                    hit = gate.search(folded, m.start())
                    assert hit is not None and hit.start() < m.end(), (spec.name, folded)
    assert matched > 1000


def test_address_gates_never_change_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [normalize(t) for t in _gate_corpus()]
    gated = AddressDetector()
    found = [list(gated.detect(d)) for d in docs]
    assert sum(map(len, found)) > 500
    monkeypatch.setattr(AddressDetector, "gates", ((),) * len(AddressDetector.patterns))
    assert [list(AddressDetector().detect(d)) for d in docs] == found


class _NoGate:
    """A context regex whose ``search`` always "finds": the birthdate gate never fires."""

    def __init__(self, regex: re.Pattern[str]) -> None:
        self._regex = regex

    def search(self, *args: Any) -> bool:
        return True

    def finditer(self, *args: Any) -> Iterator[re.Match[str]]:
        return self._regex.finditer(*args)


def test_birthdate_gate_never_changes_findings() -> None:
    docs = [normalize(t) for t in _gate_corpus()]
    gated = BirthdateDetector()
    found = [list(gated.detect(d)) for d in docs]
    assert sum(map(len, found)) > 100
    ungated = BirthdateDetector()
    ungated.load()
    assert ungated._context is not None
    ungated._context = _NoGate(ungated._context)  # type: ignore[assignment]
    assert [list(ungated.detect(d)) for d in docs] == found


def test_phrase_matcher_spans_are_find() -> None:
    words = ["ann smith", "ann", "smith-jones", "o'brien", "#1", "a.b@c.org", "x"]
    matcher = PhraseMatcher((normalize_phrase(w), i) for i, w in enumerate(words))
    for text in [*_gate_corpus(200), "ann smith's ann-smith-jones o'brien #1 a.b@c.org x"]:
        folded = normalize(text).text
        assert matcher.spans(folded) == [
            (h.start, h.end, h.key, h.payloads) for h in matcher.find(folded)
        ]


# -- phone numbers: the library's own check, step by step --------------------------------------

_REGIONS = ("US", "GB", "DE", "FR", "IN", "BR", "JP", "AU", "CA", "IT", "MX", "NZ")
_FORMATS = (
    PhoneNumberFormat.E164,
    PhoneNumberFormat.INTERNATIONAL,
    PhoneNumberFormat.NATIONAL,
    PhoneNumberFormat.RFC3966,
)
_TYPES = (
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
)


def _written_numbers(region: str) -> list[str]:
    """A region's example numbers written every way people write them, and one or two
    digits off (valid, invalid, impossible lengths), with and without prefixes."""
    out = []
    for kind in _TYPES:
        number = phonenumbers.example_number_for_type(region, kind)
        if number is None:
            continue
        nsn = phonenumbers.national_significant_number(number)
        code = str(number.country_code)
        out += [phonenumbers.format_number(number, f) for f in _FORMATS]
        out += [nsn, nsn[:-1], nsn[:-2], nsn + "7", nsn + "55", "0" + nsn, "1" + nsn]
        out += [code + nsn, "00" + code + nsn, "011" + code + nsn, "+" + code + nsn[:-1]]
    return out


def _plain_digit_runs(n: int, seed: int) -> list[str]:
    """Plain digit strings of every length, many starting like a prefix would."""
    rnd = random.Random(seed)
    starts = ["", "", "", "0", "00", "011", "1", "01", "4", "9", "44", "49", "61", "55"]
    return [
        rnd.choice(starts) + "".join(rnd.choice("0123456789") for _ in range(rnd.randrange(2, 16)))
        for _ in range(n)
    ]


@pytest.mark.parametrize("region", _REGIONS)
def test_library_check_is_the_library_on_many_regions(region: str) -> None:
    """``_LibraryCheck`` (one region lookup, the length shortcut, the plain-digit shortcut)
    gives the library's matches, number for number, read from this region and from two
    others; and so does the fallback through the library's own method."""
    assert pii._LIBRARY_CHECK is not None  # the installed phonenumbers has every step
    wraps = ("{}", "call {}", "x{}", "{}.", "({})", "no. {} ", "{}a", "€{}", "{}%", "é{}")
    numbers = [*_written_numbers(region), *_plain_digit_runs(150, sum(map(ord, region)))]
    texts = [w.format(n) for n in numbers for w in wraps]
    for read_as in (region, "US", "DE"):
        expected = [_library(t, read_as) for t in texts]
        pii._verify.cache_clear()
        assert [_ours(t, read_as) for t in texts] == expected, read_as
    assert sum(map(len, expected)) > 20  # the corpus holds valid numbers


def test_library_check_fallback_is_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the library's private steps (another phonenumbers), ``_verify`` runs the
    library's own ``_parse_and_verify``: same matches, same regions."""
    texts = [normalize(t).text for t in _tricky()[:600]]
    expected = [_library(t, "US") for t in texts]
    pii._verify.cache_clear()
    fast = [[m.verified for m in pii._Matcher(t, "US")] for t in texts]  # type: ignore[attr-defined]
    monkeypatch.setattr(pii, "_LIBRARY_CHECK", None)
    pii._verify.cache_clear()
    assert [_ours(t, "US") for t in texts] == expected
    slow = [[m.verified for m in pii._Matcher(t, "US")] for t in texts]  # type: ignore[attr-defined]
    assert slow == fast  # number, E.164 form and region alike
    pii._verify.cache_clear()


def test_plain_digits_shortcut_only_where_parse_keeps_the_digits() -> None:
    check = pii._LIBRARY_CHECK
    assert check is not None
    us = check.plain_digits("US")
    assert us is not None and us.country_code == "1" and 10 in us.lengths
    assert check.plain_digits("ZZ") is None  # no metadata: no shortcut
    # an 8-digit student number: its own national number, of no North American length
    assert pii._verify("42671274", " ", " ", "US") is None
    # behind the international or national prefix, or of a possible length, digits are
    # parsed as the library parses them: the same verdict and number as its own method
    for candidate in ("01142671274", "142671274", "6502530000", "16502530000", "0116502530000"):
        ours = check.verify(candidate, " ", " ", "US")
        library = pii._Probe(f" {candidate} ", "US", leniency=Leniency.VALID).verify(candidate, 1)
        assert (ours is None) == (library is None), candidate
        assert ours is None or library is None or ours.number == library.number


def test_clear_caches_forgets_phone_verdicts() -> None:
    detector = PhoneDetector()
    doc = normalize("call 650-253-0000")
    first = list(detector.detect(doc))
    assert pii._verify.cache_info().currsize > 0
    detector.clear_caches()
    assert pii._verify.cache_info().currsize == 0
    assert list(detector.detect(doc)) == first


# -- regexes written to start with a literal or a character class ------------------------------

_REGEX_TABLE = (
    "",
    "no match here at all",
    "He said she and they; him, her, hers, his, them, their, theirs. the hero's theme",
    "Mr. Chen was suspended. M. Chen too!! Why?? yes;no\nnext line.\rcr. end.",
    "call +1 (555) 201-3344 or 555.201.7788, room 12, 2 (555) 123 4567 +(1) 2",
    "born 2010; birthday dob d.o.b. turns 12 turned 5 turning 123 reborn xdob b-day b'day",
    "Ｍａｙａ ｂｏｒｎ ２０１０ — she’s 十二 ١٢٣ ٤٥٦ ٧٨٩٠ 😀 ß ǰ İ",
    "+" * 50 + "(" * 50 + "1" * 50 + "." * 50,
)


def _regex_corpus() -> list[str]:
    texts = [normalize(t).text for t in (*_REGEX_TABLE, *_gate_corpus(300))]
    big = (" ".join(_REGEX_TABLE) + " ") * (1_000_000 // (len(" ".join(_REGEX_TABLE)) + 1))
    return [*texts, normalize(big[:1_000_000]).text]  # a 1 MB post


@pytest.mark.parametrize(
    ("fast", "plain"),
    [
        (roster._SENTENCE_END, r"[.!?;]+(?=\s|$)|\n"),
        (roster._PHONE_RUN, r"[+(]?\d(?:[ \t().\-]{0,3}\d)+"),
        (
            roster._PRONOUN,
            r"(?<!\w)(?:he|she|they|him|her|hers|his|them|their|theirs)(?!\w)",
        ),
        (
            pii._BIRTH_CONTEXT,
            r"(?<!\w)(?:born|birthday|birthdays|bday|b-day|b'day|birth\s+date|birthdate|dob"
            r"|d\.o\.b\.?|date\s+of\s+birth|day\s+of\s+birth|(?:turns|turned|turning)\s+\d{1,2})"
            r"(?!\w)",
        ),
    ],
)
def test_literal_led_regex_matches_its_plain_form(fast: re.Pattern[str], plain: str) -> None:
    slow = re.compile(plain)
    for text in _regex_corpus():
        assert [(m.span(), m.group()) for m in fast.finditer(text)] == [
            (m.span(), m.group()) for m in slow.finditer(text)
        ]


@pytest.mark.parametrize(
    "words",
    [
        ("he", "she", "they", "him", "her", "hers"),
        ("a", "ab", "abc", "b", "x_y", "é", "5k"),
        ("hit me up", "hit", "h"),
    ],
)
def test_word_start_alternation_matches_one_lookbehind(words: tuple[str, ...]) -> None:
    fast = re.compile(word_start_alternation(words) + r"(?!\w)")
    slow = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")
    table = [" ".join(words), "xhe he_ hé é5k 5k a ab abc b ab_c", *_REGEX_TABLE]
    for text in table:
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)]
    with pytest.raises(ValueError, match="word character"):
        word_start_alternation(("#tag",))


# -- roster: the usual key's meaning, worked out at load ---------------------------------------


def test_one_name_key_info_is_the_general_one(make_roster: Any) -> None:
    """A key that is one student's name and nobody else's: ``_one_name_info`` (from what
    load worked out) says exactly what ``_any_key_info`` (from the roster entry) says;
    opted-out students, shadowed names and keys of several people included."""
    rows = [
        {"sourcedId": "s1", "role": "student", "givenName": "Maya", "familyName": "Chen",
         "identifier": "40012345", "email": "maya.chen@students.district.k12.us",
         "phone": "555-201-3344"},
        {"sourcedId": "s2", "role": "student", "givenName": "Liam", "familyName": "O'Brien",
         "identifier": "40054321", "metadata.directoryOptOut": "true"},
        {"sourcedId": "s3", "role": "student", "givenName": "José", "familyName": "Ramírez-López",
         "metadata.directoryOptOut": "true"},
        {"sourcedId": "s4", "role": "student", "givenName": "Ann", "familyName": "Lee"},
        {"sourcedId": "s8", "role": "student", "givenName": "Mary Ann", "familyName": "Baker"},
        {"sourcedId": "t1", "role": "teacher", "givenName": "Dana", "familyName": "Whitfield",
         "identifier": "T-99881", "email": "dana.whitfield@district.k12.us"},
        {"sourcedId": "t2", "role": "teacher", "givenName": "Jordan", "familyName": "Taylor"},
        {"sourcedId": "s6", "role": "student", "givenName": "Jordan", "familyName": "Taylor",
         "metadata.directoryOptOut": "true"},
        {"sourcedId": "g1", "role": "guardian", "givenName": "Robert", "familyName": "Chen"},
        {"sourcedId": "s20", "role": "student", "givenName": "Zoë", "familyName": "Ng",
         "grades": "09", "metadata.directoryOptOut": "true"},
        {"sourcedId": "s21", "role": "student", "givenName": "Zoe", "familyName": "Ng",
         "grades": "10"},
        {"sourcedId": "t20", "role": "teacher", "givenName": "Ann", "familyName": "Lee-Park"},
    ]  # fmt: skip
    detector = roster.RosterDetector(make_roster(rows))
    detector.load()
    automaton = detector._matcher._automaton
    seen = {"one": 0, "several": 0}
    keys = automaton.keys()  # an iterator over the automaton's words
    for key in keys:
        _key, payloads = automaton.get(key)
        general = detector._any_key_info(key, payloads)
        if len(payloads) == 1 and payloads[0].kind == "name":
            seen["one"] += 1
            assert detector._one_name_info(key, payloads[0]) == general, key
        else:
            seen["several"] += 1
        assert detector._key_info(key, payloads) == general
        assert detector._key_infos[key] == general  # worked out at load, the same
    assert seen["one"] > 20 and seen["several"] > 5
    # ... and the hashtag forms ("#mayachen"), looked up outside the automaton
    for tag, students in detector._hashtags.items():
        assert tag.startswith("#") and automaton.get(tag, None) is None
        assert detector._key_infos[tag] == detector._any_key_info(tag, students)
    assert detector._hashtags
    assert len(detector._key_infos) == seen["one"] + seen["several"] + len(detector._hashtags)


def test_roster_clear_caches_and_one_scan_per_post_in_a_page(
    roster_fixture_pipeline: Any,
) -> None:
    pipeline, detector = roster_fixture_pipeline
    page = [
        "Maya Chen got detention again. Call 555-201-3344.",
        "Liam O'Brien won the science fair",
        "nothing here",
        "José Ramírez missed 12 days",
    ] * 3
    scans: list[object] = []
    original = detector._scan_uncached

    def counting(doc: Any) -> Any:
        scans.append(doc)
        return original(doc)

    detector._scan_uncached = counting  # type: ignore[method-assign]
    one_by_one = [pipeline.scan(t) for t in page]
    assert len(scans) == len(page)
    scans.clear()
    assert pipeline.scan_many(page) == one_by_one
    assert len(scans) == len(page)  # not twice: detect, then redactions, post by post
    meanings = dict(detector._key_infos)
    pipeline.clear_caches()
    assert detector._last is None
    assert detector._key_infos == meanings  # the roster's own, worked out at load
    assert [pipeline.scan(t) for t in page] == one_by_one


@pytest.fixture
def roster_fixture_pipeline(settings: Any, roster: Any) -> Any:
    from sitewatch.detectors.base import DetectorContext
    from sitewatch.scan.pipeline import ScanPipeline
    from sitewatch.scan.severity import SeverityPolicy

    detector = roster_module.RosterDetector.from_context(DetectorContext(settings, roster))
    phone = PhoneDetector.from_context(DetectorContext(settings, roster))
    return ScanPipeline([phone, detector], SeverityPolicy()), detector


def test_phrase_matcher_items_are_what_spans_report() -> None:
    words = [("ann smith", 1), ("ann smith", 2), ("ann smith", 1), ("o'brien", 3), ("#1", 4)]
    matcher = PhraseMatcher((normalize_phrase(w), p) for w, p in words)
    items = dict(matcher.items())
    assert items == {"ann smith": (1, 2), "o'brien": (3,), "#1": (4,)}
    for _start, _end, key, payloads in matcher.spans("ann smith, o'brien #1"):
        assert items[key] == payloads
    assert list(PhraseMatcher[int](()).items()) == []


def test_candidate_search_skips_only_where_no_candidate_starts() -> None:
    """``next_candidate`` is the library's ``_PATTERN.search`` from every position."""
    from phonenumbers import phonenumbermatcher

    check = pii._LIBRARY_CHECK
    assert check is not None
    pattern = phonenumbermatcher._PATTERN
    texts = [*_regex_corpus(), *(normalize(t).text for t in _tricky()[:400]), "（０３）１２", "+"]
    for text in texts:
        for index in {0, 1, len(text) // 3, len(text) // 2, len(text)}:
            expected = pattern.search(text, index)
            got = check.next_candidate(text, index)
            assert (got and got.span()) == (expected and expected.span()), (text[:80], index)


@pytest.mark.parametrize("region", _REGIONS)
def test_region_and_validity_are_the_library_calls(region: str) -> None:
    check = pii._LIBRARY_CHECK
    assert check is not None
    numbers = []
    for written in (*_written_numbers(region), *_plain_digit_runs(60, 5)):
        for read_as in (region, "US"):
            with contextlib.suppress(phonenumbers.NumberParseException):
                numbers.append(phonenumbers.parse(written, read_as))
    assert any(phonenumbers.is_valid_number(n) for n in numbers)
    for number in numbers:
        assert check.region_and_validity(number) == (
            phonenumbers.region_code_for_number(number),
            phonenumbers.is_valid_number(number),
        ), number


def test_loose_phone_matches_from_their_starts_are_finditer() -> None:
    """Rule 2's regex searched from each possible first character gives ``finditer``."""
    loose, starts = PhoneDetector._LOOSE, PhoneDetector._LOOSE_START
    texts = [*_regex_corpus(), *(normalize(t).text for t in _tricky()), "", "+", "((1", "$ 5"]
    for text in texts:
        assert [
            (m.span(), m.groupdict()) for m in pii._matches_from_starts(loose, starts, text)
        ] == [(m.span(), m.groupdict()) for m in loose.finditer(text)]


@pytest.mark.parametrize(
    "args",
    [
        ("pii.phone", 0, 12, 0.9, "phone", "phone number valid for US", ()),
        ("pii.education_record", 4, 9, 0.9, "roster", "x + y", ("context:health",)),
        ("", 0, 0, 0.0, "", "", ()),  # empty everything: still a plain Finding
    ],
)
def test_make_finding_is_the_constructor(args: tuple[Any, ...]) -> None:
    *fields, tags = args
    expected = Finding(*fields, tags=tags)
    got = make_finding(*fields, tags=tags)
    assert got == expected
    assert type(got) is Finding
    assert vars(got) == vars(expected)
    assert hash(got) == hash(expected)
    assert make_finding(*fields) == Finding(*fields)  # tags default to ()
