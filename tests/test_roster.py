"""OneRoster users.csv import: parsing rules and row-numbered, name-free errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitewatch.exceptions import ConfigError, RosterError
from sitewatch.roster import Person, Roster, load_roster

HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
    "password,metadata.directoryOptOut"
)


def write(tmp_path: Path, content: str | bytes, name: str = "users.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


FULL = (
    HEADER + "\r\n"
    "s1,active,2026-08-01,true,o1,student,mchen,,Maya,Chen,L,40012345,"
    'maya.chen@students.district.k12.us,555-201-1111,555-201-3344,g1,"09,10",,false\r\n'
    "s2,,,,,Student,,,Liam,O'Brien,,,,,,,10,,TRUE\r\n"
    "t1,active,,,,teacher,,,Dana,Whitfield,,T-1,dana@district.k12.us,,,,,,\r\n"
    "a1,active,,,,aide,,,Ari,Stone,,,,,,,,,\r\n"
    "g1,active,,,,guardian,,,Robert,Chen,,,,,,,,,\r\n"
    "p1,active,,,,parent,,,Pat,Chen,,,,,,,,,\r\n"
    "x1,tobedeleted,,,,student,,,Old,Row,,,,,,,,,\r\n"
    ",,,,,,,,,,,,,,,,,,\r\n"
)


def test_load_full_file(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, FULL))
    assert isinstance(roster, Roster)
    assert [p.sourced_id for p in roster.people] == ["s1", "s2", "t1", "a1", "g1", "p1"]
    maya = roster.people[0]
    assert maya == Person(
        sourced_id="s1",
        role="student",
        given_name="Maya",
        family_name="Chen",
        identifier="40012345",
        email="maya.chen@students.district.k12.us",
        phone="555-201-3344",
        sms="555-201-1111",
        grades=("09", "10"),
        directory_opt_out=False,
        username="mchen",
    )
    assert maya.is_student
    assert maya.full_name == "Maya Chen"
    assert maya.initials == "M. C."
    assert "Maya" not in repr(maya)
    liam = roster.people[1]
    assert (liam.role, liam.directory_opt_out) == ("student", True)
    assert (liam.identifier, liam.email, liam.grades) == (None, None, ("10",))
    assert [p.sourced_id for p in roster.students] == ["s1", "s2"]
    assert [p.sourced_id for p in roster.staff] == ["t1", "a1"]
    # guardians and parents are neither students nor staff
    assert [p.sourced_id for p in roster.non_students] == ["t1", "a1", "g1", "p1"]
    assert len(roster) == 6


def test_minimal_columns_any_order_and_bom(tmp_path: Path) -> None:
    content = "\ufeffFamilyName , givenName,role,sourcedId\nChen,Maya,student,s1\n"
    roster = load_roster(write(tmp_path, content))
    (maya,) = roster.people
    assert (maya.sourced_id, maya.given_name, maya.family_name) == ("s1", "Maya", "Chen")
    assert (maya.directory_opt_out, maya.grades) == (False, ())


def test_quoted_fields_and_non_ascii(tmp_path: Path) -> None:
    content = 'sourcedId,role,givenName,familyName\ns1,student,"José, Jr.",Ramírez\n'
    (jose,) = load_roster(write(tmp_path, content)).people
    assert (jose.given_name, jose.family_name) == ("José, Jr.", "Ramírez")


ERRORS = [
    # (file content, expected message parts)
    ("sourcedId,role,givenName\ns1,student,Maya\n", ["row 1", "'familyName'"]),
    (
        "sourcedId,givenName,familyName\ns1,Maya,Chen\n",
        ["row 1", "missing required column", "'role'"],
    ),
    ("sourcedId,role,givenName,familyName,role\n", ["row 1", "'role' appears twice"]),
    ("", ["row 1", "empty file"]),
    (
        "sourcedId,role,givenName,familyName\ns1,student,Maya,Chen\ns2,student,,Chen\n",
        ["row 3", "'givenName' is empty"],
    ),
    (
        "sourcedId,role,givenName,familyName\ns1,student,Maya,Chen\n,student,Liam,Lee\n",
        ["row 3", "'sourcedId' is empty"],
    ),
    (
        "sourcedId,role,givenName,familyName\ns1,student,Maya,Chen\ns2,principal,Liam,Lee\n",
        ["row 3", "unknown role", "student", "teacher"],
    ),
    (
        "sourcedId,role,givenName,familyName,metadata.directoryOptOut\ns1,student,Maya,Chen,yes\n",
        ["row 2", "metadata.directoryOptOut", "'true' or 'false'"],
    ),
    (
        "sourcedId,role,givenName,familyName\n"
        "s1,student,Maya,Chen\ns2,student,Liam,Lee\ns1,student,Ann,Park\n",
        ["row 4", "duplicate sourcedId", "row 2"],
    ),
]


@pytest.mark.parametrize(("content", "parts"), ERRORS)
def test_errors_name_file_and_row(tmp_path: Path, content: str, parts: list[str]) -> None:
    path = write(tmp_path, content)
    with pytest.raises(RosterError) as info:
        load_roster(path)
    message = str(info.value)
    assert message.startswith(str(path))
    for part in parts:
        assert part in message
    for name in ("Maya", "Chen", "Liam", "Lee", "Ann", "Park", "principal", "yes"):
        assert name not in message  # never a person's name or cell value


def test_not_utf8_names_the_row(tmp_path: Path) -> None:
    content = b"sourcedId,role,givenName,familyName\ns1,student,Maya,Chen\ns2,student,Jos\xe9,R\n"
    with pytest.raises(RosterError, match=r"row 3: not UTF-8"):
        load_roster(write(tmp_path, content))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="not found") as info:
        load_roster(tmp_path / "nope.csv")
    assert isinstance(info.value, ConfigError)


def test_tobedeleted_rows_skip_validation(tmp_path: Path) -> None:
    content = "sourcedId,status,role,givenName,familyName\ns1,tobedeleted,robot,,\n"
    assert load_roster(write(tmp_path, content)).people == ()
