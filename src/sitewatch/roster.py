"""OneRoster 1.1 ``users.csv`` import.

The roster tells detectors who the district's students are, which of them opted out of
directory information, and which names belong to staff or family (never student PII).
Error messages name the file, the row and the column — never a person's name or value,
because the roster is itself student PII.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sitewatch.exceptions import RosterError

__all__ = [
    "GUARDIAN_ROLES",
    "ROLES",
    "STAFF_ROLES",
    "Person",
    "Roster",
    "load_roster",
    "parse_roster",
]

STAFF_ROLES: Final[frozenset[str]] = frozenset({"teacher", "administrator", "aide", "proctor"})
GUARDIAN_ROLES: Final[frozenset[str]] = frozenset({"guardian", "parent", "relative"})
ROLES: Final[frozenset[str]] = frozenset({"student"}) | STAFF_ROLES | GUARDIAN_ROLES

REQUIRED_COLUMNS: Final[tuple[str, ...]] = ("sourcedId", "role", "givenName", "familyName")
KNOWN_COLUMNS: Final[tuple[str, ...]] = (
    "sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
    "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email",
    "sms", "phone", "agentSourcedIds", "grades", "password", "metadata.directoryOptOut",
)  # fmt: skip
OPT_OUT_COLUMN: Final[str] = "metadata.directoryOptOut"


@dataclass(frozen=True)
class Person:
    """One roster row. Optional OneRoster fields are ``None`` when blank."""

    sourced_id: str
    role: str
    given_name: str
    family_name: str
    identifier: str | None = None
    email: str | None = None
    phone: str | None = None
    sms: str | None = None
    grades: tuple[str, ...] = ()
    directory_opt_out: bool = False
    username: str | None = None

    @property
    def is_student(self) -> bool:
        return self.role == "student"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def initials(self) -> str:
        """Initials such as "M. C.": the most of a name an explanation or log may carry."""
        parts = [p for p in (self.given_name, self.family_name) if p.strip()]
        return " ".join(f"{p.strip()[0].upper()}." for p in parts)

    def __repr__(self) -> str:
        # Keep names out of tracebacks and logs that repr() objects.
        return f"Person(sourced_id={self.sourced_id!r}, role={self.role!r}, name=<redacted>)"


@dataclass(frozen=True)
class Roster:
    """Everyone in ``users.csv`` that is not marked ``tobedeleted``."""

    people: tuple[Person, ...]

    @property
    def students(self) -> tuple[Person, ...]:
        return tuple(p for p in self.people if p.is_student)

    @property
    def staff(self) -> tuple[Person, ...]:
        return tuple(p for p in self.people if p.is_staff)

    @property
    def non_students(self) -> tuple[Person, ...]:
        """Staff, guardians and relatives: their names are never student PII."""
        return tuple(p for p in self.people if not p.is_student)

    def __len__(self) -> int:
        return len(self.people)


def load_roster(path: Path) -> Roster:
    """Read a OneRoster 1.1 ``users.csv``; raise RosterError naming file and row."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise RosterError("roster file not found", path=str(path)) from None
    except OSError as exc:
        raise RosterError(f"cannot read roster file: {exc.strerror}", path=str(path)) from None
    return parse_roster(raw, source=str(path))


def parse_roster(raw: bytes, *, source: str = "<roster>") -> Roster:
    """Parse ``users.csv`` bytes (UTF-8, optional BOM). Split out so tests need no files."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RosterError(f"row {line}: not UTF-8 text", path=source) from None

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise RosterError("row 1: empty file, expected a header row", path=source) from None
    except csv.Error as exc:
        raise RosterError(f"row 1: malformed CSV ({exc})", path=source) from None
    columns = _columns(header, source)

    people: list[Person] = []
    seen: dict[str, int] = {}
    row_no = 1
    try:
        for row_no, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue  # blank line
            person = _person(row, columns, row_no, source)
            if person is None:
                continue
            first = seen.get(person.sourced_id)
            if first is not None:
                raise RosterError(
                    f"row {row_no}: duplicate sourcedId (first used in row {first})", path=source
                )
            seen[person.sourced_id] = row_no
            people.append(person)
    except csv.Error as exc:
        raise RosterError(f"row {row_no + 1}: malformed CSV ({exc})", path=source) from None
    return Roster(people=tuple(people))


def _columns(header: list[str], source: str) -> dict[str, int]:
    """Map canonical column names to positions; header names are matched case-insensitively."""
    canonical = {c.lower(): c for c in KNOWN_COLUMNS}
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = cell.strip()
        key = canonical.get(name.lower(), name)
        if key in columns:
            raise RosterError(f"row 1: column {key!r} appears twice", path=source)
        columns[key] = i
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise RosterError(
            "row 1: missing required column(s) " + ", ".join(repr(c) for c in missing),
            path=source,
        )
    return columns


def _person(row: list[str], columns: Mapping[str, int], row_no: int, source: str) -> Person | None:
    def cell(name: str) -> str:
        i = columns.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    if cell("status").lower() == "tobedeleted":
        return None
    for name in REQUIRED_COLUMNS:
        if not cell(name):
            raise RosterError(f"row {row_no}: required field {name!r} is empty", path=source)

    role = cell("role").lower()
    if role not in ROLES:
        known = ", ".join(sorted(ROLES))
        raise RosterError(
            f"row {row_no}: unknown role in column 'role' (expected one of: {known})", path=source
        )

    opt_out_raw = cell(OPT_OUT_COLUMN).lower()
    if opt_out_raw in ("", "false"):
        opt_out = False
    elif opt_out_raw == "true":
        opt_out = True
    else:
        raise RosterError(
            f"row {row_no}: column {OPT_OUT_COLUMN!r} must be 'true' or 'false'", path=source
        )

    grades = tuple(g.strip() for g in cell("grades").split(",") if g.strip())
    return Person(
        sourced_id=cell("sourcedId"),
        role=role,
        given_name=cell("givenName"),
        family_name=cell("familyName"),
        identifier=cell("identifier") or None,
        email=cell("email") or None,
        phone=cell("phone") or None,
        sms=cell("sms") or None,
        grades=grades,
        directory_opt_out=opt_out,
        username=cell("username") or None,
    )
