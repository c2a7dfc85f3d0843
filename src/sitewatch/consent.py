"""Parental consent (board policy IIBGC clause 4) and matching site members to students.

A student may join ("friend") a district site only with written parental consent on file.
The district keeps the register as a CSV file under config/ (managed as code) and sitewatch
mirrors it into the store; `sitewatch consent add|revoke|list` edits the store directly.

CSV columns (header required; any order):
  sourcedId      the student's OneRoster sourcedId
  site           a site name from the config, or * for every district site
  handles        the student's platform handle(s), separated by ; (e.g. "@maya_c; u/mayac")
  granted        date the signed form was received (YYYY-MM-DD)
  form_location  where the signed form is kept (e.g. "LHS main office, consent binder 2026")
  revoked        date consent was withdrawn (blank if in force)
Errors name the file and every bad row's number; nothing is imported unless all rows are good.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from sitewatch.exceptions import ConfigError
from sitewatch.models import Member
from sitewatch.roster import Person, Roster
from sitewatch.scan.normalize import normalize

REQUIRED: Final[tuple[str, ...]] = ("sourcedId", "site", "granted")
KNOWN: Final[tuple[str, ...]] = (
    "sourcedId",
    "site",
    "handles",
    "granted",
    "form_location",
    "revoked",
)
ALL_SITES: Final[str] = "*"


class ConsentError(ConfigError):
    """The consent file (or a CLI entry) is invalid; the message names every bad row."""


@dataclass(frozen=True)
class ConsentRecord:
    student_id: str
    site: str
    handles: tuple[str, ...]
    granted_on: date
    form_location: str = ""
    revoked_on: date | None = None

    def in_force(self, today: date) -> bool:
        return self.granted_on <= today and (self.revoked_on is None or self.revoked_on > today)

    def covers(self, site: str) -> bool:
        return self.site in (site, ALL_SITES)


def normalize_handle(handle: str) -> str:
    """ "@Maya_C", "u/maya_c", "x:@maya_c" and "maya_c" are the same handle."""
    h = handle.strip()
    if ":" in h and not h.startswith("http"):
        h = h.split(":", 1)[1]
    h = h.strip().lower()
    for prefix in ("@", "u/", "/u/"):
        if h.startswith(prefix):
            h = h[len(prefix) :]
    return h


def _date(value: str, column: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{column} must be a date like 2026-09-01") from None


def parse_consent(
    raw: bytes, *, source: str, roster: Roster | None, site_names: Iterable[str]
) -> list[ConsentRecord]:
    """Validate every row; ConsentError listing all bad rows, or the records."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConsentError("consent file is not UTF-8 text", path=source) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ConsentError("consent file is empty (a header row is required)", path=source)
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ConsentError(
            f"row 1: missing column(s): {', '.join(missing)}; expected {', '.join(KNOWN)}",
            path=source,
        )
    unknown = [c for c in header if c not in KNOWN]
    if unknown:
        raise ConsentError(f"row 1: unknown column(s): {', '.join(unknown)}", path=source)
    col = {name: header.index(name) for name in header}
    students = {p.sourced_id: p for p in roster.people} if roster is not None else None
    sites = set(site_names)
    records: list[ConsentRecord] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row: list[str] = row) -> str:
            i = col.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        try:
            record = _record(cell, students, sites)
        except ValueError as exc:
            errors.append(f"row {number}: {exc}")
            continue
        key = (record.student_id, record.site)
        if key in seen:
            errors.append(f"row {number}: repeats row {seen[key]} (same student and site)")
            continue
        seen[key] = number
        records.append(record)
    if errors:
        raise ConsentError(
            "invalid consent records (nothing imported):\n  " + "\n  ".join(errors), path=source
        )
    return records


def _record(
    get: Callable[[str], str], students: Mapping[str, Person] | None, sites: set[str]
) -> ConsentRecord:
    student = get("sourcedId")
    if not student:
        raise ValueError("sourcedId is empty")
    if students is not None:
        person = students.get(student)
        if person is None:
            raise ValueError("sourcedId is not in the roster")
        if not person.is_student:
            raise ValueError("sourcedId belongs to someone who is not a student")
    site = get("site") or ALL_SITES
    if site != ALL_SITES and site not in sites:
        raise ValueError(f"site {site!r} is not a configured site (or use *)")
    granted = _date(get("granted"), "granted")
    revoked_text = get("revoked")
    revoked = _date(revoked_text, "revoked") if revoked_text else None
    if revoked is not None and revoked < granted:
        raise ValueError("revoked is before granted")
    handles = tuple(h.strip() for h in get("handles").replace(",", ";").split(";") if h.strip())
    return ConsentRecord(student, site, handles, granted, get("form_location"), revoked)


def load_consent(
    path: Path, *, roster: Roster | None, site_names: Iterable[str]
) -> list[ConsentRecord]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConsentError("consent file not found", path=str(path)) from None
    except OSError as exc:
        raise ConsentError(f"cannot read consent file: {exc.strerror}", path=str(path)) from None
    return parse_consent(raw, source=str(path), roster=roster, site_names=site_names)


# -- matching members to students -------------------------------------------------------------
@dataclass(frozen=True)
class MemberMatch:
    member: Member
    student: Person | None
    matched_by: str | None  # "consent handle" | "name" | None
    consented: bool


def _name_key(name: str) -> str:
    return " ".join(normalize(name).text.replace("-", " ").split())


class MemberMatcher:
    """Who among a site's members is a roster student, and do they have consent on file?"""

    def __init__(self, roster: Roster | None, consents: Sequence[ConsentRecord]) -> None:
        self.consents = list(consents)
        self.by_id = {p.sourced_id: p for p in roster.students} if roster else {}
        self.by_handle: dict[str, str] = {}
        for c in self.consents:
            for h in c.handles:
                self.by_handle.setdefault(normalize_handle(h), c.student_id)
        # Full-name keys shared by two roster people (or by staff) are ambiguous: not matched.
        names: dict[str, set[str]] = {}
        if roster is not None:
            for p in roster.people:
                names.setdefault(_name_key(p.full_name), set()).add(
                    p.sourced_id if p.is_student else "non-student"
                )
        self.by_name = {
            k: next(iter(v)) for k, v in names.items() if len(v) == 1 and "non-student" not in v
        }

    def student_for_handle(self, handle: str) -> str | None:
        return self.by_handle.get(normalize_handle(handle))

    def has_consent(self, student_id: str, site: str, today: date) -> bool:
        return any(
            c.student_id == student_id and c.covers(site) and c.in_force(today)
            for c in self.consents
        )

    def match(self, member: Member, site: str, today: date) -> MemberMatch:
        student_id = self.student_for_handle(member.handle)
        how = "consent handle" if student_id else None
        if student_id is None and member.display_name:
            student_id = self.by_name.get(_name_key(member.display_name))
            how = "name" if student_id else None
        if student_id is None:
            return MemberMatch(member, None, None, False)
        return MemberMatch(
            member, self.by_id.get(student_id), how, self.has_consent(student_id, site, today)
        )
