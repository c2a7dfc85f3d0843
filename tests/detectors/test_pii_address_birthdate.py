"""Street-address and birthdate recognizers: match and no-match tables, exact original spans."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pytest

from sitewatch.config import Settings
from sitewatch.detectors.base import DetectorContext
from sitewatch.detectors.pii import (
    AddressDetector,
    BirthdateDetector,
    address_key,
    same_address,
)
from sitewatch.exceptions import ConfigError
from sitewatch.models import Finding
from sitewatch.scan.normalize import normalize
from sitewatch.typing import Detector


@pytest.fixture
def context(detection_settings: Callable[..., Settings]) -> DetectorContext:
    return DetectorContext(detection_settings(), None)


def run(detector: Detector, text: str) -> list[Finding]:
    detector.load()
    return sorted(detector.detect(normalize(text)), key=lambda f: f.start)


def matched(text: str, findings: Sequence[Finding]) -> list[str]:
    return [text[f.start : f.end] for f in findings]


def assert_explanations_clean(text: str, findings: Sequence[Finding]) -> None:
    """An explanation names the pattern and context word, never the value or its digits."""
    for f in findings:
        value = text[f.start : f.end]
        assert value not in f.explanation
        assert not re.search(r"\d", f.explanation), f.explanation
        for token in re.findall(r"[A-Za-z]{4,}", value):
            assert token not in f.explanation, (token, f.explanation)


# -- street addresses --------------------------------------------------------------------------
ADDRESS_CASES = [
    # (text, expected matches, expected scores)
    ("123 Main St", ["123 Main St"], [0.7]),
    ("He lives at 123 Main St.", ["123 Main St."], [0.9]),
    (
        "4521 N. Oak Avenue Apt 4B, Springfield, IL 62704",
        ["4521 N. Oak Avenue Apt 4B, Springfield, IL 62704"],
        [0.7],
    ),
    (
        "Please mail to 1600 Pennsylvania Avenue NW, Washington, DC 20500 please",
        ["1600 Pennsylvania Avenue NW, Washington, DC 20500"],
        [0.9],
    ),
    ("her address is 77 W 5th St #3", ["77 W 5th St #3"], [0.9]),
    ("Party at 18 Willow Creek Ct, Suite 200!", ["18 Willow Creek Ct, Suite 200"], [0.7]),
    ("1960 Maple Court Apt B", ["1960 Maple Court Apt B"], [0.7]),
    ("new house: 905 Lakeview Blvd", ["905 Lakeview Blvd"], [0.9]),
    ("lives at 45 oak lane in town", ["45 oak lane"], [0.9]),  # lowercase, but context
    ("drop off at 2210 Maple Grove Park", ["2210 Maple Grove Park"], [0.7]),
    ("12 1/2 Elm Street", ["12 1/2 Elm Street"], [0.7]),
    ("PO Box 4412, Lakeview, OR 97630", ["PO Box 4412, Lakeview, OR 97630"], [0.7]),
    ("send it to P.O. Box 12", ["P.O. Box 12"], [0.7]),
    ("PSC 3294, Box 9168\nAPO AA 61487", ["PSC 3294, Box 9168\nAPO AA 61487"], [0.7]),
    ("USS Lorenzen\nFPO AE 25990", ["USS Lorenzen\nFPO AE 25990"], [0.7]),
    # a unit or postal-code line after the street belongs to the address
    (
        "24 Clarke Avenue\n Apt. 683\n Springfield\n 62704",
        ["24 Clarke Avenue\n Apt. 683\n Springfield\n 62704"],
        [0.7],
    ),
    # European shapes immigrant families write
    ("Grandma lives on Via Roma 131", ["Via Roma 131"], [0.9]),
    ("The bus station is on Villacher Strasse 89", ["Villacher Strasse 89"], [0.7]),
    ("Timotea lives on Via dei Fiorentini 17", ["Via dei Fiorentini 17"], [0.9]),
    ("Rákóczi út 66.", ["Rákóczi út 66."], [0.7]),
    ("Nørregade 7, 1165 København", ["Nørregade 7, 1165"], [0.7]),
    ("Kaiserstrasse 3", ["Kaiserstrasse 3"], [0.7]),
    ("29 Rue de Tanger", ["29 Rue de Tanger"], [0.7]),
    (
        "20789 Allika 46\n Suite 501\n Riisa\n Estonia 62488",
        ["20789 Allika 46\n Suite 501\n Riisa\n Estonia 62488"],
        [0.7],
    ),
    ("Her address: Pagari 18", ["Pagari 18"], [0.9]),
    # the state tail is prose when the "state" is a lowercase word
    ("123 Main St, and in the fall we moved", ["123 Main St"], [0.7]),
    # fullwidth and look-alike characters still map to the original span
    ("１２３ Ｍａｉｎ Ｓｔ", ["１２３ Ｍａｉｎ Ｓｔ"], [0.7]),
    # no-match rows
    ("meet at 7 pm by the bus", [], []),
    ("We won 3 games at Lincoln Park", [], []),
    ("a 3 hour drive to state", [], []),
    ("Band practice in Room 204 at 3:15", [], []),
    ("Highway 61 Revisited is on the playlist", [], []),
    ("the 2023 season starts soon", [], []),
    ("Class of 2024 Main Street Parade", [], []),
    ("Meet at 5 Lincoln Park", [], []),
    ("Congrats to Room 12, Grade 5 winners!", [], []),
    ("Lakeview Lions 42, Central 38", [], []),
    ("See you at Gym 2\nFall Festival 2024", [], []),
    ("Season 2 Episode 5", [], []),
    ("Bus 14 is late today", [], []),
    ("Our brigade 2 won", [], []),
    ("My bestie 4 life", [], []),
    ("sent 3 via email", [], []),
    ("she ran 3 miles down the road", [], []),
    ("2 lane road closed", [], []),
    # shapes seen in real tweets
    ("the 1969 Apollo 11 spacecraft computer", [], []),
    ("2064 Supreme Court Confirmation Hearing", [], []),
    ("Love our @USER 45 #GoTeam #Vote", [], []),
    ("RIGHTS GRAB FALSE FLAG 2A #ICE", [], []),
    ("@USER 18 USC sec. 2383 et al.", [], []),
]


@pytest.mark.parametrize(("text", "expected", "scores"), ADDRESS_CASES)
def test_address(
    context: DetectorContext, text: str, expected: list[str], scores: list[float]
) -> None:
    findings = run(AddressDetector.from_context(context), text)
    assert matched(text, findings) == expected
    assert [f.score for f in findings] == scores
    assert all(f.category == "pii.address" and f.detector == "address" for f in findings)
    assert_explanations_clean(text, findings)


# The district's own buildings (``detection.pii.allow_addresses``) are not PII, however
# they are written; other addresses on the same street still are.
DISTRICT_BUILDINGS = ["400 N Main St, Brookfield, IL 61604", "1200 West Park Avenue"]
ALLOW_ADDRESS_CASES = [
    ("Registration night is at 400 N Main St, Brookfield, IL 61604.", []),
    ("Lost and found is at the main office, 400 N Main St.", []),
    ("registration at 400 north main street, brookfield, illinois 61604", []),
    ("The meet is at 1200 W. Park Ave.", []),
    ("Flu clinic at 1200 W Park Ave, Brookfield, IL 61604 on Friday", []),
    ("The meet is at 1200 WEST PARK AVE", []),
    # no-match rows for the allow-list: a student's home on the same street is PII
    ("She lives at 402 N Main St, Brookfield, IL 61604", ["402 N Main St, Brookfield, IL 61604"]),
    ("He lives at 400 S Main St", ["400 S Main St"]),
    ("She lives at 400 N Main St, Apt 3", ["400 N Main St, Apt 3"]),
    # ... as is the same street address in another town, when the entry names its town
    ("moved to 400 N Main St, Springfield, IL 62701", ["400 N Main St, Springfield, IL 62701"]),
]


@pytest.mark.parametrize(("text", "expected"), ALLOW_ADDRESS_CASES)
def test_district_buildings_are_not_pii(
    detection_settings: Callable[..., Settings], text: str, expected: list[str]
) -> None:
    settings = detection_settings(pii={"allow_addresses": DISTRICT_BUILDINGS})
    findings = run(AddressDetector.from_context(DetectorContext(settings, None)), text)
    assert matched(text, findings) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("400 N Main St", "400 North Main Street", True),
        ("3315 Glenwood Dr.", "3315 glenwood drive, brookfield, il 61615", True),
        ("88 School St", "88 School Street, Brookfield", True),
        ("400 N Main St, Brookfield", "400 N Main St, Springfield", False),
        ("400 N Main St", "40 N Main St", False),
        ("400 Main", "400 Main St", False),  # too short to stand for a building
    ],
)
def test_same_address(a: str, b: str, same: bool) -> None:
    assert same_address(address_key(a), address_key(b)) is same


def test_bad_allow_address_is_a_config_error() -> None:
    detector = AddressDetector(allow_addresses=["Brookfield High School"])
    with pytest.raises(ConfigError, match=r"allow_addresses\[0\]: not a street address"):
        detector.load()


def test_address_explanation_names_context_word(context: DetectorContext) -> None:
    (finding,) = run(AddressDetector.from_context(context), "She lives at 123 Main St")
    assert finding.explanation == "street address pattern + context word 'lives at'"


def test_address_no_catastrophic_backtracking(context: DetectorContext) -> None:
    text = "1 " + "a " * 50_000 + "\n1 Aa 1, " * 2_000
    run(AddressDetector.from_context(context), text)  # must simply finish


# -- birthdates --------------------------------------------------------------------------------
BIRTHDATE_CASES = [
    ("DOB: 03/04/2010", ["03/04/2010"]),
    ("D.O.B. 3/4/10", ["3/4/10"]),
    ("born on March 3, 2010", ["March 3, 2010"]),
    ("Maya was born 3 March 2010 in Ohio", ["3 March 2010"]),
    ("date of birth 2010-03-04", ["2010-03-04"]),
    ("Happy birthday Liam! Sept. 14th", ["Sept. 14th"]),
    ("her b-day is 12/25", ["12/25"]),
    ("she turns 12 on 5/6!", ["5/6"]),
    ("03.04.2010 is his birthday", ["03.04.2010"]),
    ("birthdate: the 3rd of March, 2010", ["3rd of March, 2010"]),
    ("born in May 2010", ["May 2010"]),
    ("Birthday: ３/４/２０１０", ["３/４/２０１０"]),
    ("our goalie came into the world on 2009-08-14. HBD!", ["2009-08-14"]),
    ("HBD to our captain, 06/18/2009", ["06/18/2009"]),
    ("entered this world on February 24, 2013", ["February 24, 2013"]),
    # no-match rows: dates without birth context are concerts, games, deadlines
    ("Spring concert on March 3, 2010", []),
    ("Concert 05/12/2026 at 7pm", []),
    ("forms due 2026-09-01", []),
    ("we won 5-6 on her birthday", []),  # a score, not a date
    ("born to run: 13/45/2010", []),  # no such month or day
    ("birthday party was great, 100% fun", []),
    ("the 2010 class", []),
    ("the new gym came into use on 2026-01-12", []),  # "came into" without "the world"
    ("the October 17, 2018 lecture on the birth of modern medicine", []),
]


@pytest.mark.parametrize(("text", "expected"), BIRTHDATE_CASES)
def test_birthdate(context: DetectorContext, text: str, expected: list[str]) -> None:
    findings = run(BirthdateDetector.from_context(context), text)
    assert matched(text, findings) == expected
    assert all(f.score == 0.85 for f in findings)
    assert all(f.category == "pii.birthdate" and f.detector == "birthdate" for f in findings)
    assert_explanations_clean(text, findings)


def test_birthdate_context_far_away_is_ignored(context: DetectorContext) -> None:
    text = "Happy birthday to our principal! " + "x" * 80 + " Concert: 05/12/2026"
    assert run(BirthdateDetector.from_context(context), text) == []


def test_birthdate_explanation_hides_the_age(context: DetectorContext) -> None:
    (finding,) = run(BirthdateDetector.from_context(context), "he turned 13 on 4/5/2013")
    assert finding.explanation == "numeric date pattern + context word 'turned N'"


@pytest.mark.parametrize("cls", [AddressDetector, BirthdateDetector])
def test_detectors_satisfy_protocol(context: DetectorContext, cls: type[Detector]) -> None:
    detector = cls.from_context(context)  # type: ignore[attr-defined]
    assert isinstance(detector, Detector)
    assert detector.name in {"address", "birthdate"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a named venue's address is the place's, not a person's
        ("The awards banquet is at the Elks Lodge, 2710 Grandview Ave. Doors at 6.", []),
        ("Regionals are at Eastfield High School, 2150 Kingsley Rd, Peoria.", []),
        ("Pickup at Tony's Pizza (1400 W Main St)", []),
        # a home, or no venue named: still an address
        ("The cast party is at the Smiths' house, 2710 Grandview Ave.", ["2710 Grandview Ave."]),
        ("Maya lives at 2710 Grandview Ave, Peoria", ["2710 Grandview Ave"]),
        (
            "we play at the park after school; Maya's address is 2710 Grandview Ave",
            ["2710 Grandview Ave"],
        ),
    ],
)
def test_venue_addresses(context: DetectorContext, text: str, expected: list[str]) -> None:
    findings = run(AddressDetector.from_context(context), text)
    assert matched(text, findings) == expected
