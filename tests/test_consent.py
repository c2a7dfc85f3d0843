"""Consent register parsing and member matching (IIBGC clause 4)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sitewatch.consent import (
    ConsentError,
    ConsentRecord,
    MemberMatcher,
    normalize_handle,
    parse_consent,
)
from sitewatch.models import Member
from sitewatch.roster import load_roster

HEADER = "sourcedId,site,handles,granted,form_location,revoked\n"


def parse(body: str, roster_file: Path) -> list[ConsentRecord]:
    return parse_consent(
        (HEADER + body).encode(),
        source="consent.csv",
        roster=load_roster(roster_file),
        site_names=["band", "chess"],
    )


def test_good_rows(roster_file: Path) -> None:
    records = parse(
        "s1,band,@maya_c; u/mayac,2026-08-20,office binder,\n"
        "s3,*,priya_n,2026-08-21,,2026-10-01\n\n",
        roster_file,
    )
    assert records == [
        ConsentRecord("s1", "band", ("@maya_c", "u/mayac"), date(2026, 8, 20), "office binder"),
        ConsentRecord("s3", "*", ("priya_n",), date(2026, 8, 21), "", date(2026, 10, 1)),
    ]
    assert records[1].covers("chess") and not records[0].covers("chess")
    assert not records[1].in_force(date(2026, 10, 1))
    assert records[1].in_force(date(2026, 9, 30))


def test_every_bad_row_is_named_and_nothing_imported(roster_file: Path) -> None:
    body = (
        "s1,band,,2026-08-20,,\n"  # row 2: fine
        "s99,band,,2026-08-20,,\n"  # row 3: not in roster
        "t1,band,,2026-08-20,,\n"  # row 4: a teacher
        "s2,drama,,2026-08-20,,\n"  # row 5: unknown site
        "s2,band,,08/20/2026,,\n"  # row 6: bad date
        "s3,band,,2026-08-20,,2026-08-01\n"  # row 7: revoked before granted
        "s1,band,,2026-08-21,,\n"  # row 8: repeats row 2
        ",band,,2026-08-20,,\n"  # row 9: empty id
    )
    with pytest.raises(ConsentError) as err:
        parse(body, roster_file)
    message = str(err.value)
    assert message.startswith("consent.csv: invalid consent records (nothing imported)")
    for expected in (
        "row 3: sourcedId is not in the roster",
        "row 4: sourcedId belongs to someone who is not a student",
        "row 5: site 'drama' is not a configured site",
        "row 6: granted must be a date",
        "row 7: revoked is before granted",
        "row 8: repeats row 2",
        "row 9: sourcedId is empty",
    ):
        assert expected in message
    assert "row 2:" not in message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("sourcedId,granted\n", "row 1: missing column(s): site"),
        ("sourcedId,site,granted,colour\n", "row 1: unknown column(s): colour"),
        ("", "consent file is empty"),
    ],
)
def test_header_errors(header: str, expected: str) -> None:
    with pytest.raises(ConsentError) as err:
        parse_consent(header.encode(), source="c.csv", roster=None, site_names=[])
    assert expected in str(err.value)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("@Maya_C", "maya_c"),
        ("u/maya_c", "maya_c"),
        ("x:@maya_c", "maya_c"),
        (" maya_c ", "maya_c"),
    ],
)
def test_handles_normalize(raw: str, normal: str) -> None:
    assert normalize_handle(raw) == normal


def test_member_matching(roster_file: Path) -> None:
    roster = load_roster(roster_file)
    consents = [
        ConsentRecord("s1", "band", ("@maya_c",), date(2026, 8, 1)),
        ConsentRecord("s3", "*", ("priya_n",), date(2026, 8, 1), revoked_on=date(2026, 10, 1)),
    ]
    matcher = MemberMatcher(roster, consents)
    today = date(2026, 11, 1)
    by_handle = matcher.match(Member("MAYA_C"), "band", today)
    assert (by_handle.student is not None and by_handle.student.sourced_id) == "s1"
    assert (by_handle.matched_by, by_handle.consented) == ("consent handle", True)
    other_site = matcher.match(Member("maya_c"), "chess", today)
    assert other_site.consented is False  # consent was for "band" only
    revoked = matcher.match(Member("priya_n"), "band", today)
    assert (revoked.student is not None, revoked.consented) == (True, False)
    by_name = matcher.match(Member("jelly", display_name="Jordan Ellis"), "band", today)
    assert by_name.matched_by == "name" and by_name.consented is False
    teacher = matcher.match(Member("dbrooks", display_name="Daniel Brooks"), "band", today)
    assert teacher.student is None
    nobody = matcher.match(Member("fan1", display_name="Band Fan"), "band", today)
    assert nobody.student is None and nobody.matched_by is None
