"""Fast paths in the detectors never change what they find.

* ``min_digits`` prefilters (SSN, address, birthdate) and the e-mail "@" check are lower
  bounds proven against the parsed regexes, so a new pattern cannot silently break them;
* every detector finds exactly the same with its prefilter switched off, on a corpus;
* ``word_regex`` (one shared word-start test) and ``ContextMatcher`` (one shared
  ``(?<!\\w)``) match exactly what the one-test-per-alternative forms matched.
"""

from __future__ import annotations

import random
import re
import re._constants as sre_c  # type: ignore[import-not-found]  # private; tests only
import re._parser as sre_parse  # type: ignore[import-not-found]
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pytest

from sitewatch.config import Settings
from sitewatch.detectors.base import (
    DetectorContext,
    PatternDetector,
    is_word_char,
    normalize_phrase,
    word_regex,
)
from sitewatch.detectors.base import min_digits as base_min_digits
from sitewatch.detectors.context import GUARDS, PATTERNS, ContextMatcher, dispatch_alternation
from sitewatch.detectors.pii import (
    AddressDetector,
    BirthdateDetector,
    EmailDetector,
    PhoneDetector,
    SsnDetector,
    StudentIdDetector,
)
from sitewatch.detectors.roster import RosterDetector
from sitewatch.models import Finding
from sitewatch.roster import Roster
from sitewatch.scan.normalize import normalize
from sitewatch.scan.pipeline import ScanPipeline
from sitewatch.scan.severity import SeverityPolicy

# -- the regex analysis: the fewest characters of a kind that any match must consume --------


def _min_count(items: Any, counts: Callable[[Any, Any], int | None]) -> int:
    """Lower bound on how many characters accepted by ``counts`` a match consumes.

    ``counts(op, av)`` returns 1 when that single-character item only matches such a
    character, 0 when it may match another, None for a structural item (handled here).
    Unknown items count 0, which keeps the bound sound.
    """
    total = 0
    for op, av in items:
        single = counts(op, av)
        if single is not None:
            total += single
        elif op is sre_c.SUBPATTERN:
            total += _min_count(av[-1], counts)
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
            lo, _hi, sub = av
            total += lo * _min_count(sub, counts)
        elif op is sre_c.BRANCH:
            total += min(_min_count(alt, counts) for alt in av[1])
        elif op is sre_c.ATOMIC_GROUP:
            total += _min_count(av, counts)
        # lookarounds, anchors, group references, conditionals: 0 (sound)
    return total


_DIGIT_CHARS = frozenset("0123456789")


def _digit_item(op: Any, av: Any) -> int | None:
    if op is sre_c.LITERAL:
        return 1 if chr(av) in _DIGIT_CHARS else 0
    if op is sre_c.IN:
        members = list(av)
        if not members or members[0][0] is sre_c.NEGATE:
            return 0
        for kind, value in members:
            if kind is sre_c.CATEGORY and value is sre_c.CATEGORY_DIGIT:
                continue
            if kind is sre_c.LITERAL and chr(value) in _DIGIT_CHARS:
                continue
            if kind is sre_c.RANGE and ord("0") <= value[0] <= value[1] <= ord("9"):
                continue
            return 0
        return 1
    if op in (sre_c.ANY, sre_c.NOT_LITERAL, sre_c.CATEGORY):
        return 0
    return None


def _at_item(op: Any, av: Any) -> int | None:
    if op is sre_c.LITERAL:
        return 1 if chr(av) == "@" else 0
    if op in (sre_c.IN, sre_c.ANY, sre_c.NOT_LITERAL, sre_c.CATEGORY):
        return 0
    return None


def min_digits(regex: str, flags: int = 0) -> int:
    return _min_count(sre_parse.parse(regex, flags), _digit_item)


def test_the_analysis_itself() -> None:
    assert min_digits(r"\d{3}-\d{2}") == 5
    assert min_digits(r"(?:\d{4}|ab)x") == 0
    assert min_digits(r"(?:\d{4}|\d\d)x") == 2
    assert min_digits(r"(?<!\d)[0-9]+(?=\d)") == 1
    assert min_digits(r"[\d,]+") == 0
    assert min_digits(r"(19|20)\d\d") == 4
    assert _min_count(sre_parse.parse(r"a+@b"), _at_item) == 1
    assert _min_count(sre_parse.parse(r"a+(?:@|at)b"), _at_item) == 0


@pytest.mark.parametrize("cls", [SsnDetector, AddressDetector, BirthdateDetector])
def test_min_digits_is_a_lower_bound_for_every_pattern(cls: type[PatternDetector]) -> None:
    assert cls.min_digits > 0
    for spec in cls.patterns:
        assert min_digits(spec.regex, spec.flags) >= cls.min_digits, spec.name


def test_email_pattern_needs_an_at_sign() -> None:
    for spec in EmailDetector.patterns:
        assert _min_count(sre_parse.parse(spec.regex, spec.flags), _at_item) >= 1


# -- with and without the prefilters, on a corpus -----------------------------------------------

_SENTENCES = (
    "Maya Chen got detention again. Call 555-201-3344 or (415) 555-0100.",
    "SSN 078-05-1121, social security number 219-09-9998, ssn: 123 45 6789",
    "Lives at 123 Main St., Springfield, IL 62704. Apt 4B.",
    "Via Roma 131, 00100 Roma; Kaiserstrasse 3\n60311 Frankfurt",
    "PO Box 1234, Anchorage AK 99501; PSC 1234, Box 5678 APO AE 09001",
    "Born on March 3rd, 2012; her birthday is 04/05/2011; DOB 2010-03-04",
    "She turns 12 on 5 June. Dates: 1/2, 5-6, 3.14, 2023-2024.",
    "student number 40012345, lunch pin 40054321, id# 40099999",
    "maya.chen@students.district.k12.us and dana.whitfield@district.k12.us, x@y.io",
    "Ｍａｙａ Ｃｈｅｎ’ｓ ＳＳＮ ０７８－０５－１１２３ and phone ５５５ ２０１ ３３４４",
    "Liam O’Brien has an IEP; José Ramírez missed 12 days; text 555.201.7788",
    "Game at 7 on Court Street; won 3 games at Lincoln Park; 3 hour drive",
    "Room 12, 555-123-4567 ext 89; +44 20 7946 0958; 0490 75 40 81 office",
    "No digits here at all, just words about the school musical.",
    "١٢٣ ٤٥٦ ٧٨٩٠ Arabic-Indic digits, ٠٧٨-٠٥-١١٢١",
    "",
)


def _corpus(n: int = 600) -> list[str]:
    rnd = random.Random(20260901)
    out = list(_SENTENCES)
    alphabet = "abcdefgh MAINST0123456789 -.,()+@#/:\n'’–ｓ５"
    for _ in range(n):
        base = rnd.choice(_SENTENCES)
        chars = list(base)
        for _ in range(rnd.randrange(1, 6)):
            if chars:
                chars[rnd.randrange(len(chars))] = rnd.choice(alphabet)
        out.append("".join(chars))
        out.append("".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 50))))
    return out


def _findings(detect: Callable[[Any], Sequence[Finding]], texts: Iterable[str]) -> list[Any]:
    return [list(detect(normalize(t))) for t in texts]


@pytest.mark.parametrize("cls", [SsnDetector, AddressDetector, BirthdateDetector])
def test_min_digits_prefilter_never_changes_findings(
    cls: type[PatternDetector], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _corpus()
    detector = cls()
    with_prefilter = _findings(detector.detect, texts)
    monkeypatch.setattr(cls, "min_digits", 0)
    assert _findings(detector.detect, texts) == with_prefilter
    assert any(with_prefilter)  # the corpus exercises the detector


def test_email_prefilter_never_changes_findings(settings: Settings) -> None:
    detector = EmailDetector.from_context(DetectorContext(settings))
    texts = _corpus()
    found = _findings(detector.detect, texts)
    assert any(found)
    for text, got in zip(texts, found, strict=True):
        if "@" not in normalize(text).text:
            assert got == []
            doc = normalize(text)
            assert [m for _, rx in detector._compiled for m in rx.finditer(doc.text)] == []


def test_digit_count_matches_the_regex_definition() -> None:
    for text in _corpus(200):
        doc = normalize(text)
        assert doc.digits == len(re.sub(r"\D", "", doc.text))


def test_roster_phone_prefilter_never_changes_findings(roster: Roster) -> None:
    texts = _corpus()
    detector = RosterDetector(roster)
    detector.load()
    assert detector._min_phone_digits == min(len(k) for k in detector._phones) > 0

    def both(doc: Any) -> tuple[Any, ...]:
        return (tuple(detector.detect(doc)), tuple(detector.redactions(doc)))

    with_prefilter = [both(normalize(t)) for t in texts]
    detector._min_phone_digits = 0
    assert [both(normalize(t)) for t in texts] == with_prefilter
    assert any(f for f, _ in with_prefilter)


_PIPELINE_CLASSES = (
    EmailDetector,
    PhoneDetector,
    SsnDetector,
    StudentIdDetector,
    AddressDetector,
    BirthdateDetector,
    RosterDetector,
)


def test_pipeline_unchanged_by_prefilters(
    settings: Settings, roster: Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole pipeline (every default detector but toxicity) with and without them: the
    detectors' digit counts and gates, and the pipeline skipping a detector for a post with
    fewer digits than it says it needs (``required_digits``)."""
    context = DetectorContext(settings, roster)
    pipeline = ScanPipeline([c.from_context(context) for c in _PIPELINE_CLASSES], SeverityPolicy())
    texts = [*_corpus(), *(s * 3 for s in _SENTENCES)]
    fast = [pipeline.scan(t) for t in texts]
    assert [needed for *_, needed in pipeline._scan_steps] == [0, 7, 9, 8, 1, 1, 0]
    for cls in (SsnDetector, AddressDetector, BirthdateDetector):
        monkeypatch.setattr(cls, "min_digits", 0)
    monkeypatch.setattr(SsnDetector, "gate", None)
    monkeypatch.setattr(PhoneDetector, "required_digits", lambda self: 0)
    monkeypatch.setattr(StudentIdDetector, "required_digits", lambda self: 0)
    slow = ScanPipeline([c.from_context(context) for c in _PIPELINE_CLASSES], SeverityPolicy())
    slow.load()
    roster_detector = slow.detectors[-1]
    assert isinstance(roster_detector, RosterDetector)
    roster_detector._min_phone_digits = 0
    assert [needed for *_, needed in slow._scan_steps] == [0] * len(_PIPELINE_CLASSES)
    assert [slow.scan(t) for t in texts] == fast
    assert sum(len(r.findings) for r in fast) > 50


# -- prefilters read from a district's own regex -----------------------------------------------


@pytest.mark.parametrize(
    ("regex", "flags"),
    [
        (r"\b4\d{7}\b", re.I),
        (r"S\d{5}", re.I),
        (r"[0-9]{6,8}", 0),
        (r"(?:\d{4}|ab)x", 0),
        (r"[\d,]+", 0),
        (r"(19|20)\d\d", 0),
        (r"(\d)\1", 0),
        (r"(?>\d\d)\d*+", 0),
        (r"[a-f0-9]{8}", re.I),
        (r"[^\D]{3}", 0),
        (r"٣\d", 0),  # a literal non-ASCII digit counts nothing: only a lower bound
        (r"(", 0),  # not a regex: no bound
        (r"ID-\d{5}(?:-\d{2})?", re.I),
    ],
)
def test_src_min_digits_is_the_analysis(regex: str, flags: int) -> None:
    """``sitewatch.detectors.base.min_digits`` (for a district's ``student_id_pattern``)
    is never above the lower bound the analysis in this file proves."""
    got = base_min_digits(regex, flags)
    try:
        proven = min_digits(regex, flags)
    except re.error:
        proven = 0
    assert 0 <= got <= proven
    assert got == proven or regex in (r"[^\D]{3}",)  # the negated class is left at 0


def test_student_id_prefilter_comes_from_the_pattern(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    detector = StudentIdDetector.from_context(DetectorContext(settings))
    detector.load()
    assert detector.required_digits() == 8  # r"\b4\d{7}\b"
    assert StudentIdDetector().required_digits() == 0  # no pattern, no prefilter
    texts = [*_corpus(), "id 4123456", "ids 41234567 and 4123456 and ４１２３４５６７"]
    fast = _findings(detector.detect, texts)
    assert any(fast)
    monkeypatch.setattr(StudentIdDetector, "required_digits", lambda self: 0)
    assert _findings(detector.detect, texts) == fast


def test_ssn_gate_never_changes_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert SsnDetector.gate is not None
    gate = re.compile(SsnDetector.gate)
    texts = _corpus()
    for spec in SsnDetector.patterns:
        regex = spec.compile()
        for text in texts:
            folded = normalize(text).text
            for m in regex.finditer(folded):
                hit = gate.search(folded, m.start())
                assert hit is not None and hit.start() < m.end(), (spec.name, folded)
    fast = _findings(SsnDetector().detect, texts)
    assert any(fast)
    monkeypatch.setattr(SsnDetector, "gate", None)
    assert _findings(SsnDetector().detect, texts) == fast


# -- the regex rewrites -------------------------------------------------------------------------


def _reference_word_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    """``word_regex`` as it was: a ``(?<!\\w)`` on each word-initial alternative."""
    keys = sorted({normalize_phrase(w) for w in words} - {""}, key=len, reverse=True)
    if not keys:
        return None
    alts = "|".join(
        (r"(?<!\w)" if is_word_char(k[0]) else "")
        + re.escape(k).replace(r"\ ", r"\s+")
        + (r"(?!\w)" if is_word_char(k[-1]) else "")
        for k in keys
    )
    return re.compile(f"(?:{alts})")


@pytest.mark.parametrize(
    "words",
    [
        PhoneDetector.context_words,
        PhoneDetector.loose_context_words,
        SsnDetector.context_words,
        SsnDetector.strong_context_words,
        StudentIdDetector.context_words,
        AddressDetector.context_words,
        ("#", "no.", "id#", "id", "#1", ".net", "a b", "_x"),
        ("only", "words"),
        ("#", "@"),
        (),
    ],
)
def test_word_regex_matches_as_before(words: Sequence[str]) -> None:
    new, old = word_regex(words), _reference_word_regex(words)
    if old is None:
        assert new is None
        return
    assert new is not None
    extra = [" ".join(words), "#1 no.5 id#7 id #8 x.net _x a  b", "calling texting #text"]
    for text in [normalize(t).text for t in _corpus(300)] + extra:
        assert [(m.span(), m.group()) for m in new.finditer(text)] == [
            (m.span(), m.group()) for m in old.finditer(text)
        ]


def _reference_context_pattern(
    patterns: dict[str, tuple[tuple[str, str], ...]],
) -> re.Pattern[str]:
    alternatives: list[str] = []
    for specs in patterns.values():
        for _label, regex in specs:
            alternatives.append(f"(?P<p{len(alternatives)}>{regex})")
    return re.compile("|".join(alternatives))


@pytest.mark.parametrize(
    "patterns",
    [
        PATTERNS,
        {"grades": (("one", r"\bfailing\b"), ("two", r"(?<!\w)gpa\s+\d")), **PATTERNS},
    ],
)
def test_context_patterns_match_as_before(patterns: dict[str, tuple[tuple[str, str], ...]]) -> None:
    matcher = ContextMatcher({}, patterns)
    assert matcher._pattern is not None
    old = _reference_context_pattern(patterns)
    texts = [
        "Maya has a 52% in chemistry and missed 12 days; cutting 3rd period, repeating 8th grade.",
        "she's failing; gpa 2 and has a 90 % on; skipped first hour; missed two weeks of camp",
        # matches back to back, one ending in a blank the next one's word start needs
        "got a b in got a c on has a 52% in has a 5% on missed 3 days missed 2 days",
        "has a 52% in\nhas a 3% on x-has a 4% in",
        *(normalize(t).text for t in _corpus(200)),
    ]
    for text in texts:
        # the padded, dispatched regex: the same spans and the same pattern winning
        assert [((s, e), name) for s, e, name in matcher._pattern_matches(text)] == [
            (m.span(), m.lastgroup) for m in old.finditer(text)
        ]


def _guard_texts() -> list[str]:
    """Texts full of the guards' words, in and out of their shapes."""
    words = [
        "project",
        "on",
        "the",
        "diabetes",
        "essay",
        "about",
        "how",
        "schools",
        "handle",
        "absences",
        "peer",
        "tutor",
        "in",
        "the",
        "resource",
        "room",
        "volunteers",
        "tutors",
        "freshmen",
        "who",
        "are",
        "failing",
        "mr.",
        "lee",
        "is",
        "out",
        "sick",
        "interviewed",
        "the",
        "school",
        "nurse",
        "played",
        "a",
        "school",
        "nurse",
        "shadowed",
        "a",
        "physical",
        "therapist",
        "grandmother's",
        "fight",
        "with",
        "cancer",
        "his",
        "mom",
        "is",
        "out",
        "sick",
        "our",
        "detention",
        "room",
        "the",
        "game",
        "was",
        "suspended",
        "counseling@x.org",
        "www.x.org/absent",
        "x.absent",
        "but",
        "failed",
        "because",
    ]
    rng = random.Random(7)
    texts = [" ".join(words)]
    for _ in range(400):
        k = rng.randint(1, 12)
        texts.append(" ".join(rng.choice(words) for _ in range(k)))
    return texts


def test_guards_dispatch_as_the_plain_alternation() -> None:
    """Every guard group is searched as one regex dispatched on its first character; it
    must find a guard in exactly the windows the plain alternation does."""
    matcher = ContextMatcher({})
    grouped: dict[tuple[str, str | None], list[str]] = {}
    for _label, scope, side, regex in GUARDS:
        grouped.setdefault((side, scope), []).append(regex)
    texts = _guard_texts() + [normalize(t).text for t in _corpus(200)]
    for key, regs in grouped.items():
        plain = re.compile("|".join(f"(?:{r})" for r in regs))
        new = matcher._guards[key]
        for text in texts:
            for end in range(0, len(text) + 1, 3):
                window = text[max(0, end - 72) : end]
                if key[0] == "before":
                    found = any(rx.search(" " + window if padded else window) for rx, padded in new)
                    assert found == (plain.search(window) is not None), (key, window)
                else:
                    found = any(rx.match(text[end:]) for rx, _padded in new)
                    assert found == (plain.match(text[end:]) is not None)


@pytest.mark.parametrize(
    ("regexes", "dispatched"),
    [
        ([r"(?<!\w)(?:has|had)\s+x"], r"h(?<!\wh)(?:as\s+x|ad\s+x)"),
        ([r"(?:ab|c)d", r"ce"], r"a(?:bd)|c(?:d|e)"),
        ([r"@x", r"(?<!\w)at"], r"@x|a(?<!\wa)t"),
        ([r"\.(?<=x\.)\Z"], r"\.(?<=x\.)\Z"),
        # no-match rows: what does not open with a literal is not dispatched
        ([r"[ab]c"], None),
        ([r"(?:ab|c)?d"], None),
        ([r"^\s+x"], None),
        ([r"(?<!\w)\.x"], None),
        ([r"(?:a|\sb)"], None),
    ],
)
def test_dispatch_alternation(regexes: list[str], dispatched: str | None) -> None:
    got = dispatch_alternation(regexes)
    if dispatched is None:
        assert got is None
        return
    assert got is not None
    assert got.replace("(?:bd)", "bd") == dispatched.replace("(?:bd)", "bd")
    plain = re.compile("|".join(f"(?:{r})" for r in regexes))
    for text in ["has x had x", "abd cd ce", "@x at xat", "x.", "a.", "hasx"]:
        assert [m.span() for m in re.finditer(got, text)] == [
            m.span() for m in plain.finditer(text)
        ]
