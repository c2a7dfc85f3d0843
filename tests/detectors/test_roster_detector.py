"""RosterDetector: FERPA directory-information rules over a tiny district roster."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sitewatch.config import Settings
from sitewatch.detectors import roster as roster_module
from sitewatch.detectors.base import DetectorContext, Redactor
from sitewatch.detectors.context import CATEGORIES, ContextMatcher, load_vocabularies
from sitewatch.detectors.roster import (
    RosterDetector,
    hashtag_form,
    name_variants,
    name_view,
    sentence_breaks,
    short_forms,
)
from sitewatch.exceptions import ConfigError
from sitewatch.models import Finding
from sitewatch.roster import Roster
from sitewatch.scan.normalize import Document, normalize
from sitewatch.typing import Detector

EDU = "pii.education_record"
NAME = "pii.student_name"


@pytest.fixture
def detector(settings: Settings, roster: Roster) -> RosterDetector:
    d = RosterDetector.from_context(DetectorContext(settings, roster))
    d.load()
    return d


def found(detector: RosterDetector, text: str) -> list[tuple[str, str]]:
    findings = sorted(detector.detect(normalize(text)), key=lambda f: f.start)
    return [(f.category, text[f.start : f.end]) for f in findings]


CASES = [
    # directory information about a non-opted-out student: not an incident
    ("Maya Chen won the science fair!", []),
    ("Congrats to Maya Chen, our new section leader.", []),
    # the same sentence about an opted-out student is
    ("Liam O'Brien won the science fair!", [(NAME, "Liam O'Brien")]),
    ("Liam O’Brien won the science fair!", [(NAME, "Liam O’Brien")]),
    ("LIAM OBRIEN won", [(NAME, "LIAM OBRIEN")]),
    # education-record context, opted out or not
    ("Maya Chen was suspended for three days.", [(EDU, "Maya Chen")]),
    ("MAYA CHEN'S IEP meeting is Tuesday", [(EDU, "MAYA CHEN")]),
    ("Reminder: Maya Chen has an in-school suspension today", [(EDU, "Maya Chen")]),
    ("maya chen in school suspension", [(EDU, "maya chen")]),
    ("Chen, Maya - failing grade in algebra", [(EDU, "Chen, Maya")]),
    ("Maya Chen’s inhaler is in the nurse's office", [(EDU, "Maya Chen")]),
    ("Liam O'Brien was absent again", [(EDU, "Liam O'Brien")]),
    ("Mr. Whitfield says Maya Chen needs her 504 plan updated", [(EDU, "Maya Chen")]),
    # evasions: homoglyphs (Cyrillic а), fullwidth, zero-width, accents either way
    ("Mаya Chen got detention", [(EDU, "Mаya Chen")]),
    ("Ｍａｙａ Ｃｈｅｎ was suspended", [(EDU, "Ｍａｙａ Ｃｈｅｎ")]),
    ("Ma\u200bya Chen was suspended", [(EDU, "Ma\u200bya Chen")]),
    ("José Ramírez won the match", [(NAME, "José Ramírez")]),
    ("Jose Ramirez won the match", [(NAME, "Jose Ramirez")]),
    ("Jose\u0301 Rami\u0301rez won", [(NAME, "Jose\u0301 Rami\u0301rez")]),
    # hyphenated / multi-part surnames
    ("Sarah Smith-Jones scored 12", [(NAME, "Sarah Smith-Jones")]),
    ("Sarah Smith Jones scored 12", [(NAME, "Sarah Smith Jones")]),
    ("Sarah Jones scored 12", [(NAME, "Sarah Jones")]),
    ("Sarah Smith scored 12", [(NAME, "Sarah Smith")]),
    # multi-word given names: the longest name wins, the first given name also works
    ("Mary Ann Baker sang", [(NAME, "Mary Ann Baker")]),
    ("Mary Baker sang", [(NAME, "Mary Baker")]),
    # word boundaries
    ("Ann Lee visited", [(NAME, "Ann Lee")]),
    ("Joann Lee and Ann Leeds visited; the Annual Lee picnic", []),
    ("Ann Lee's poster", [(NAME, "Ann Lee")]),
    # staff, guardians, and names shared with them are never student PII
    ("Dana Whitfield was absent today", []),
    ("Robert Chen picked up the trophy", []),
    ("Ethan Park was absent", []),  # a parent has the same name
    ("Jordan Taylor is absent today", []),  # a teacher has the same name
    # context must be in the same sentence
    ("Maya Chen won the award. Detention reminder for all students.", []),
    ("Maya Chen won the award!\nDetention reminder for all students.", []),
    ("Mr. Chen said Maya Chen was tardy", [(EDU, "Maya Chen")]),
    # ... unless a following sentence refers back to the student with a pronoun
    (
        "Why wasn't Maya Chen on the field Saturday? Heard she got suspended after the bus.",
        [(EDU, "Maya Chen")],
    ),
    ("Congrats Maya Chen! Great solo. Her IEP team is proud.", [(EDU, "Maya Chen")]),
    ("Maya Chen won. Liam O'Brien too. He was absent.", [(EDU, "Liam O'Brien")]),
    ("Maya Chen won. One. Two. Three. She was absent.", []),  # too many sentences later
    # ordinary sports/club words are not record context
    ("Maya Chen is in 9th grade and set a school record", []),
    ("Maya Chen made the honor roll", []),
    # a deleted roster row is gone
    ("Old Record was suspended", []),
    # identifiers, e-mails, phones of roster students
    ("Student 40054321 left a jacket", [("pii.student_id", "40054321")]),
    ("Student 400543210 left a jacket", []),
    (
        "email maya.chen@students.district.k12.us",
        [("pii.email", "maya.chen@students.district.k12.us")],
    ),
    ("text Liam at (555) 201-7788", [("pii.phone", "(555) 201-7788")]),
    ("text +1 555 201 7788", [("pii.phone", "+1 555 201 7788")]),
    ("room 12 555.201.7788", [("pii.phone", "555.201.7788")]),
    ("call 5552017788!", [("pii.phone", "5552017788")]),
    ("call 555-201-77889", []),
    ("staff line 555-201-9000, id T-99881", []),
    ("call 555-201-3344", [("pii.phone", "555-201-3344")]),  # shared with a guardian: still flagged
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_roster_detector(
    detector: RosterDetector, text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(detector, text) == expected


def test_scores_and_explanations(detector: RosterDetector) -> None:
    text = "Maya Chen was suspended. Liam O'Brien won. Student 40054321."
    findings = sorted(detector.detect(normalize(text)), key=lambda f: f.start)
    assert [(f.category, f.score) for f in findings] == [
        (EDU, 0.9),
        (NAME, 0.85),
        ("pii.student_id", 0.95),
    ]
    assert findings[0].explanation == "roster student M. C. + 'suspended' (discipline context)"
    assert findings[1].explanation.startswith("roster student L. O. (directory opt-out) named")
    assert findings[2].explanation == "student number of a roster student (L. O.)"
    for f in findings:
        assert_no_pii(f)
        assert f.detector == "roster"


def assert_no_pii(f: Finding) -> None:
    for word in ("maya", "chen", "liam", "brien", "4005"):
        assert word not in f.explanation.lower()


def test_redactions_cover_directory_information(detector: RosterDetector) -> None:
    text = "Maya Chen won the science fair; call 555-201-3344 or maya.chen@students.district.k12.us"
    doc = normalize(text)
    assert sorted(f.category for f in detector.detect(doc)) == ["pii.email", "pii.phone"]
    red = [(text[s:e], label) for s, e, label in detector.redactions(doc)]
    assert red == [
        ("Maya Chen", "student name"),
        ("555-201-3344", "student phone"),
        ("maya.chen@students.district.k12.us", "student email"),
    ]


def test_shared_names_are_still_redacted(detector: RosterDetector) -> None:
    text = "Jordan Taylor is absent today"
    doc = normalize(text)
    assert list(detector.detect(doc)) == []
    assert [(text[s:e], lbl) for s, e, lbl in detector.redactions(doc)] == [
        ("Jordan Taylor", "student name")
    ]


def test_no_roster_finds_nothing(settings: Settings) -> None:
    d = RosterDetector.from_context(DetectorContext(settings, None))
    d.load()
    doc = normalize("Maya Chen was suspended")
    assert list(d.detect(doc)) == []
    assert list(d.redactions(doc)) == []


def test_satisfies_protocols(detector: RosterDetector) -> None:
    as_detector: Detector = detector  # checked statically by mypy
    as_redactor: Redactor = detector
    assert as_detector.name == "roster"
    assert callable(as_redactor.redactions)
    assert isinstance(detector, Detector)
    assert isinstance(detector, Redactor)
    assert detector.name == "roster"


def test_district_vocabulary_is_added(
    tmp_path: Path, detection_settings: Callable[..., Settings], roster: Roster
) -> None:
    vocab = tmp_path / "vocab"
    vocab.mkdir()
    (vocab / "discipline.txt").write_text("# district words\nbenched for conduct\n", "utf-8")
    settings = detection_settings(context_dir=str(vocab))
    d = RosterDetector.from_context(DetectorContext(settings, roster))
    text = "Maya Chen was benched for conduct. Maya Chen was suspended."
    assert found(d, text) == [(EDU, "Maya Chen"), (EDU, "Maya Chen")]


@pytest.mark.parametrize(
    ("given", "family", "expected"),
    [
        ("Maya", "Chen", {"maya chen", "chen, maya"}),
        ("José", "Ramírez-López", {"jose ramirez-lopez", "jose ramirez lopez", "jose ramirez",
                                    "jose lopez", "jose ramirezlopez"}),
        ("Maria", "de la Cruz", {"maria de la cruz", "maria de-la-cruz", "maria cruz"}),
        ("Liam", "O'Brien", {"liam o'brien", "liam obrien", "liam o brien"}),
        ("Mary Ann", "Baker", {"mary ann baker", "mary baker"}),
    ],
)  # fmt: skip
def test_name_variants(given: str, family: str, expected: set[str]) -> None:
    variants = name_variants(given, family)
    assert expected <= variants
    assert given.lower() not in variants
    assert family.lower() not in variants


def test_name_variants_of_blank_name_are_empty() -> None:
    assert name_variants("\u200b", "Chen") == set()


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two! Three? Four", 4),
        ("Mr. Chen and M. Lee met.", 1),
        ("line one\nline two", 2),
        ("3.5 GPA for all", 1),
    ],
)
def test_sentence_breaks(text: str, sentences: int) -> None:
    assert len(sentence_breaks(normalize(text).text)) + 1 - text.rstrip().endswith(".") == sentences


def test_detect_is_linear_in_text_and_not_in_roster(
    make_roster: Callable[..., Roster], settings: Settings
) -> None:
    rows = [
        {"sourcedId": f"s{i}", "role": "student", "givenName": f"Given{i}",
         "familyName": f"Family{i}", "identifier": f"5{i:07d}", "phone": f"555-{i:07d}"}
        for i in range(5000)
    ]  # fmt: skip
    rows.append({"sourcedId": "x", "role": "student", "givenName": "Maya", "familyName": "Chen",
                 "metadata.directoryOptOut": "true"})  # fmt: skip
    d = RosterDetector.from_context(DetectorContext(settings, make_roster(rows)))
    d.load()
    text = ("Maya Chen was suspended. The band played at the game on 10/12. " * 16_000)[:1_000_000]
    doc = normalize(text)
    began = time.perf_counter()
    findings = d.detect(doc)
    elapsed = time.perf_counter() - began
    assert len(findings) > 10_000
    assert elapsed < 3.0


# -- education-record vocabularies (sitewatch.detectors.context) ------------------------------
def test_builtin_vocabularies_are_normalized_and_complete() -> None:
    vocab = load_vocabularies(None)
    assert set(vocab) == set(CATEGORIES)
    for category, terms in vocab.items():
        assert len(terms) >= 20, category
        assert all(t == t.strip().lower() and "#" not in t for t in terms)
    assert "in school suspension" in vocab["discipline"]  # hyphen variant added
    assert "grade" not in vocab["grades"]
    assert "honor roll" not in vocab["grades"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She was SUSPENDED", [("discipline", "SUSPENDED")]),
        ("504 plan review", [("iep_504", "504 plan")]),
        ("an IEP", [("iep_504", "IEP")]),
        ("Room 504 and the IEPs", [("iep_504", "IEPs")]),
        ("tardy-ish? tardy.", [("attendance", "tardy"), ("attendance", "tardy")]),
        ("9th grade honor roll, school record", []),
        ("annual absenteeism report", [("attendance", "absenteeism")]),
        ("she is abSENTminded", []),
    ],
)
def test_context_matcher(text: str, expected: list[tuple[str, str]]) -> None:
    matcher = ContextMatcher.load()
    got = [(h.category, text[h.start : h.end]) for h in matcher.find(normalize(text))]
    assert got == expected


def test_unknown_vocabulary_file_is_config_error(tmp_path: Path) -> None:
    (tmp_path / "disipline.txt").write_text("benched\n", "utf-8")
    with pytest.raises(ConfigError, match=r"unknown vocabulary file 'disipline.txt'.*discipline"):
        load_vocabularies(tmp_path)


def test_missing_vocabulary_folder_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a folder"):
        load_vocabularies(tmp_path / "nope")


# -- names inside other names, numeric record phrasings (bench/student_pii_quality.py) --------
def _detector_for(
    make_roster: Callable[..., Roster], settings: Settings, rows: list[dict[str, str]]
) -> RosterDetector:
    d = RosterDetector.from_context(DetectorContext(settings, make_roster(rows)))
    d.load()
    return d


def test_staff_name_containing_a_student_name_is_not_the_student(
    make_roster: Callable[..., Roster], settings: Settings
) -> None:
    rows = [
        {"sourcedId": "s1", "role": "student", "givenName": "Jun", "familyName": "Rogers",
         "metadata.directoryOptOut": "true"},
        {"sourcedId": "s2", "role": "student", "givenName": "Ann", "familyName": "Baker",
         "metadata.directoryOptOut": "true"},
        {"sourcedId": "t1", "role": "teacher", "givenName": "Min-jun", "familyName": "Rogers"},
        {"sourcedId": "t2", "role": "teacher", "givenName": "Mary Ann", "familyName": "Baker"},
    ]  # fmt: skip
    d = _detector_for(make_roster, settings, rows)
    assert found(d, "Reminder: Min-jun Rogers is covering Saturday school.") == []
    assert found(d, "Mary Ann Baker has detention duty Friday.") == []
    assert found(d, "MIN JUN ROGERS handles attendance letters") == []
    # the students themselves are still found, also next to the staff member
    assert found(d, "Jun Rogers was suspended.") == [(EDU, "Jun Rogers")]
    assert found(d, "Ann Baker won; Mary Ann Baker coached.") == [(NAME, "Ann Baker")]
    # staff-only names carry no redaction: they are not student data
    assert d.redactions(normalize("Min-jun Rogers")) == ()


def test_name_glued_by_a_hyphen_to_another_word_is_another_person(
    detector: RosterDetector,
) -> None:
    assert found(detector, "Anna-Maya Chen was suspended.") == []
    assert found(detector, "Maya Chen-Ortiz was suspended.") == []
    # an em or en dash is punctuation, not part of a name
    assert found(detector, "Update\u2014Maya Chen was suspended.") == [(EDU, "Maya Chen")]
    assert found(detector, "Update\u2013Liam O'Brien won.") == [(NAME, "Liam O'Brien")]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Maya Chen has a 52% in chemistry right now.", "grades"),
        ("Maya Chen is repeating 8th grade.", "grades"),
        ("Maya Chen is on the ineligible list this week.", "grades"),
        ("Maya Chen got a zero on the physics project.", "grades"),
        ("Maya Chen has missed 12 days of biology.", "attendance"),
        ("Maya Chen keeps cutting 3rd period.", "attendance"),
        ("Maya Chen hasn't been in school for two weeks.", "attendance"),
        ("Maya Chen got ISS for the rest of the week.", "discipline"),
        ("Get well soon Maya Chen! Out with mono.", "health"),
        ("Maya Chen was sent to the nurse with a fever.", "health"),
    ],
)
def test_more_record_phrasings(detector: RosterDetector, text: str, category: str) -> None:
    findings = list(detector.detect(normalize(text)))
    assert [(f.category, text[f.start : f.end]) for f in findings] == [(EDU, "Maya Chen")]
    assert findings[0].tags == (f"context:{category}",)
    assert "52" not in findings[0].explanation and "12" not in findings[0].explanation


@pytest.mark.parametrize(
    "text",
    [
        "Maya Chen missed 3 days of practice with a cold.",
        "Maya Chen raised 52% in donations for the food drive.",
        "Maya Chen is in 8th grade and plays the cello.",
        "Maya Chen is the ISS mission fan club president.",
    ],
)
def test_numeric_phrasings_that_are_not_records(detector: RosterDetector, text: str) -> None:
    assert found(detector, text) == []


# -- first-name re-mentions and name lists (bench/heldout_phrasings.py) -----------------------
@pytest.fixture
def more_students(make_roster: Callable[..., Roster], settings: Settings) -> RosterDetector:
    rows = [
        {"sourcedId": "s1", "role": "student", "givenName": "Maya", "familyName": "Chen"},
        {"sourcedId": "s2", "role": "student", "givenName": "Liam", "familyName": "O'Brien",
         "metadata.directoryOptOut": "true"},
        {"sourcedId": "s6", "role": "student", "givenName": "Jordan", "familyName": "Taylor"},
        {"sourcedId": "t1", "role": "teacher", "givenName": "Dana", "familyName": "Whitfield"},
        {"sourcedId": "t2", "role": "teacher", "givenName": "Jordan", "familyName": "Taylor"},
        {"sourcedId": "g1", "role": "guardian", "givenName": "Robert", "familyName": "Chen"},
        {"sourcedId": "s10", "role": "student", "givenName": "Sam", "familyName": "Ortiz"},
        {"sourcedId": "s11", "role": "student", "givenName": "Lena", "familyName": "Park"},
        {"sourcedId": "s12", "role": "student", "givenName": "Sam", "familyName": "Reed"},
        {"sourcedId": "s13", "role": "student", "givenName": "Will", "familyName": "Grant"},
        {"sourcedId": "t3", "role": "teacher", "givenName": "Maya", "familyName": "Brooks"},
    ]  # fmt: skip
    return _detector_for(make_roster, settings, rows)


FIRST_NAME_CASES = [
    # a later given name alone is the student named in full before it
    (
        "Maya Chen joined the team. Maya was suspended Friday.",
        [(EDU, "Maya Chen"), (EDU, "Maya")],
    ),
    (
        "Maya Chen scored twice. Unfortunately Maya is failing algebra.",
        [(EDU, "Maya Chen"), (EDU, "Maya")],
    ),
    ("Update on Maya Chen: Maya is expelled.", [(EDU, "Maya Chen"), (EDU, "Maya")]),
    ("Maya Chen joined. Maya's IEP meeting is Tuesday.", [(EDU, "Maya Chen"), (EDU, "Maya")]),
    ("maya chen joined. maya was suspended.", [(EDU, "maya chen"), (EDU, "maya")]),
    ("Chen, Maya joined. Maya was suspended.", [(EDU, "Chen, Maya"), (EDU, "Maya")]),
    (
        "Congrats to Liam O'Brien on the award! Liam worked so hard.",
        [(NAME, "Liam O'Brien"), (NAME, "Liam")],
    ),
    # directory information stays fine to post, re-mentioned or not
    ("Congrats to Maya Chen on the award! Maya has worked so hard.", []),
    ("Maya Chen is club president. Say hi to Maya at the fair!", []),
    # no match: a given name before the full name, or glued to another word
    ("Maya was suspended. Maya Chen won the award.", []),
    ("Maya Chen won. Anna-Maya was suspended.", []),
    # no match: staff and guardian first names, and students whose name is also staff's
    ("Maya Chen won the award. Dana Whitfield said Dana was absent.", []),
    ("Maya Chen won the award. Robert Chen said Robert was sick.", []),
    ("Jordan Taylor sang. Jordan was absent.", []),
    # no match: the given name is also that of someone else named in the post
    ("Maya Chen won the award. Maya Brooks said Maya was absent.", []),
    ("Sam Ortiz and Sam Reed ran. Sam was suspended.", []),
    # no match: another (unlisted) person with that given name; a lower-case common word
    ("Maya Chen won the award. Maya Lopez was suspended.", []),
    ("Will Grant won the award. The coach will be absent.", []),
    # names in one list share the record word
    (
        "Sam Ortiz and Lena Park were both suspended.",
        [(EDU, "Sam Ortiz"), (EDU, "Lena Park")],
    ),
    ("Absent today: Sam Ortiz, Lena Park", [(EDU, "Sam Ortiz"), (EDU, "Lena Park")]),
    (
        "Sam Ortiz / Lena Park & Maya Chen: detention",
        [(EDU, "Sam Ortiz"), (EDU, "Lena Park"), (EDU, "Maya Chen")],
    ),
    (
        "Lunch detention: Sam Ortiz; Lena Park or Maya Chen",
        [(EDU, "Sam Ortiz")],  # ";" ends the sentence
    ),
    # ... names not in one list do not
    ("Sam Ortiz won the award and Lena Park was suspended.", [(EDU, "Lena Park")]),
    ("Sam Ortiz won the award, Lena Park was suspended.", [(EDU, "Lena Park")]),
]


@pytest.mark.parametrize(("text", "expected"), FIRST_NAME_CASES)
def test_first_name_re_mentions_and_name_lists(
    more_students: RosterDetector, text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(more_students, text) == expected


def test_first_name_re_mention_is_redacted_and_explained(more_students: RosterDetector) -> None:
    text = "Congrats to Maya Chen on the award! Maya has worked so hard."
    doc = normalize(text)
    assert [(text[s:e], lbl) for s, e, lbl in more_students.redactions(doc)] == [
        ("Maya Chen", "student name"),
        ("Maya", "student name"),
    ]
    text = "Maya Chen joined the team. Maya was suspended Friday."
    findings = sorted(more_students.detect(normalize(text)), key=lambda f: f.start)
    assert [f.explanation for f in findings] == [
        "roster student M. C. + 'suspended' (discipline context)"
    ] * 2
    for f in findings:
        assert_no_pii(f)


# -- issue 3: name forms, separated student numbers (held-out sets C and D) -------------------
@pytest.fixture
def name_forms(make_roster: Callable[..., Roster], settings: Settings) -> RosterDetector:
    rows = [
        {"sourcedId": "s1", "role": "student", "givenName": "Maya", "familyName": "Chen",
         "identifier": "44696330"},
        {"sourcedId": "s2", "role": "student", "givenName": "Liam", "familyName": "O'Brien",
         "metadata.directoryOptOut": "true"},
        {"sourcedId": "s3", "role": "student", "givenName": "Emiliano",
         "familyName": "Ben-David", "metadata.directoryOptOut": "true"},
        # "J. Park" and "Jin P." are two people's: no short form names either
        {"sourcedId": "s4", "role": "student", "givenName": "Jin", "familyName": "Park",
         "metadata.directoryOptOut": "true"},
        {"sourcedId": "s5", "role": "student", "givenName": "June", "familyName": "Park",
         "metadata.directoryOptOut": "true"},
        {"sourcedId": "t1", "role": "teacher", "givenName": "Jin", "familyName": "Parker"},
        {"sourcedId": "g1", "role": "guardian", "givenName": "Dana", "familyName": "Chen"},
    ]  # fmt: skip
    return _detector_for(make_roster, settings, rows)


NAME_FORM_CASES = [
    # a line break, several blanks or spelled-out letters between the parts
    ("Maya\nChen was suspended.", [(EDU, "Maya\nChen")]),
    ("Maya  Chen was suspended.", [(EDU, "Maya  Chen")]),
    ("M a y a  C h e n was suspended.", [(EDU, "M a y a  C h e n")]),
    ("ask a L i a m  O ' B r i e n's mom", [(NAME, "L i a m  O ' B r i e n")]),
    ("Absent: Savannah Lee, Maya\nChen.", [(EDU, "Maya\nChen")]),
    # an initial, when the short form is one person's on the whole roster
    ("M. Chen was suspended.", [(EDU, "M. Chen")]),
    ("Maya C. got detention.", [(EDU, "Maya C.")]),
    ("L. O'Brien won the science fair", [(NAME, "L. O'Brien")]),
    # a hashtag without its blanks, apostrophes and hyphens
    ("So proud of #EmilianoBenDavid!", [(NAME, "EmilianoBenDavid")]),
    ("#MayaChen was suspended", [(EDU, "MayaChen")]),
    # a roster student number with one separator in the middle, no ID word needed
    ("Bus pass for 4469-6330 was left on the seat.", [("pii.student_id", "4469-6330")]),
    ("checkout log: 4469 6330", [("pii.student_id", "4469 6330")]),
    ("ID 4469.6330", [("pii.student_id", "4469.6330")]),
    # no-match rows
    ("J. Park won the science fair", []),  # Jin and June Park
    ("Jin P. won the science fair", []),  # Jin Park and Jin Parker
    ("M.Chen won", []),
    ("MayaChen was suspended", []),  # a hashtag form without the "#"
    ("#MayaChenFanClub was suspended", []),
    ("Maya\n\nChen", []),  # a paragraph break is not a name gap
    ("call 4469-63301", []),
    ("score 44.696330", []),  # not split in the middle
    ("446-96330", []),
    ("4469-6330-12", []),
]


@pytest.mark.parametrize(("text", "expected"), NAME_FORM_CASES)
def test_name_forms_and_separated_numbers(
    name_forms: RosterDetector, text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(name_forms, text) == expected


def test_name_view_maps_back_to_the_text() -> None:
    doc = normalize("Hi M a y a  C h e n\nand Liam  Chen")
    view = name_view(doc)
    assert view is not None
    text, back = view
    assert text == "hi maya chen and liam chen"
    assert "".join(doc.text[i] for i in back).replace("\n", " ") == text.replace(" ", " ")
    assert name_view(normalize("one blank between words, no runs")) is None


@pytest.mark.parametrize(
    ("given", "family", "short", "tag"),
    [
        ("Maya", "Chen", {"m. chen", "maya c."}, "mayachen"),
        ("Mary Ann", "Smith-Jones", {"m. smith-jones", "mary s."}, "maryannsmithjones"),
        ("Liam", "O'Brien", {"l. o'brien", "liam o."}, "liamobrien"),
        ("Bo", "Oh", {"b. oh", "bo o."}, ""),  # too short to tell from a word
        ("", "Chen", set(), "chen"[:0]),
    ],
)
def test_short_forms_and_hashtag_form(given: str, family: str, short: set[str], tag: str) -> None:
    assert short_forms(given, family) == short
    assert hashtag_form(given, family) == tag


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anna-Maya Chen was suspended.", []),  # a hyphen before: another person
        ("Maya Chen-Ortiz was suspended.", []),  # ... after
        ("Maya Chen - Ortiz was suspended.", [(EDU, "Maya Chen")]),  # a blank between
        ("-Maya Chen was suspended.", [(EDU, "Maya Chen")]),  # no word before the hyphen
        ("Maya Chen- was suspended.", [(EDU, "Maya Chen")]),  # ... nor after it
        ("Update\u2014Maya Chen was suspended.", [(EDU, "Maya Chen")]),  # a dash
        ("Maya Chen was suspended.", [(EDU, "Maya Chen")]),  # no hyphen at all
        ("Maya Chen", []),  # the whole text, no context word
        ("Nobody named here was suspended.", []),
    ],
)
def test_hyphen_glue_is_only_tested_beside_a_hyphen(
    monkeypatch: pytest.MonkeyPatch,
    detector: RosterDetector,
    text: str,
    expected: list[tuple[str, str]],
) -> None:
    """``_joined_to_word`` runs only for hits with a "-" beside them, and every hit it
    would turn down is one of those: the same findings as testing every hit."""
    doc = normalize(text)
    real = roster_module._joined_to_word
    calls: list[tuple[int, int]] = []

    def spy(d: Document, start: int, end: int) -> bool:
        calls.append((start, end))
        return real(d, start, end)

    monkeypatch.setattr(roster_module, "_joined_to_word", spy)
    assert found(detector, text) == expected
    for start, end in calls:
        assert "-" in (doc.text[start - 1 : start], doc.text[end : end + 1])
    every_hit = [(s, e) for s, e, _key, _payloads in detector._matcher.spans(doc.text)]
    assert {h for h in every_hit if real(doc, *h)} <= set(calls)
