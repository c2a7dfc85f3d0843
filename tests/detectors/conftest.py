"""Fixtures for detector tests: tiny OneRoster files written to tmp_path, settings, helpers."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from sitewatch.config import Settings
from sitewatch.roster import Roster, load_roster

COLUMNS = (
    "sourcedId",
    "status",
    "role",
    "givenName",
    "familyName",
    "identifier",
    "email",
    "phone",
    "sms",
    "grades",
    "metadata.directoryOptOut",
)

# One small district. Names are invented; numbers are fictional (555 exchange).
PEOPLE: tuple[dict[str, str], ...] = (
    {"sourcedId": "s1", "role": "student", "givenName": "Maya", "familyName": "Chen",
     "identifier": "40012345", "email": "maya.chen@students.district.k12.us",
     "phone": "555-201-3344", "grades": "09"},
    {"sourcedId": "s2", "role": "student", "givenName": "Liam", "familyName": "O'Brien",
     "identifier": "40054321", "sms": "(555) 201-7788", "grades": "10",
     "metadata.directoryOptOut": "true"},
    {"sourcedId": "s3", "role": "student", "givenName": "José", "familyName": "Ramírez",
     "grades": "11", "metadata.directoryOptOut": "true"},
    {"sourcedId": "s4", "role": "student", "givenName": "Ann", "familyName": "Lee",
     "grades": "12", "metadata.directoryOptOut": "true"},
    {"sourcedId": "s5", "role": "student", "givenName": "Sarah", "familyName": "Smith-Jones",
     "grades": "09", "metadata.directoryOptOut": "true"},
    {"sourcedId": "s6", "role": "student", "givenName": "Jordan", "familyName": "Taylor",
     "grades": "10", "metadata.directoryOptOut": "true"},
    {"sourcedId": "s7", "role": "student", "givenName": "Ethan", "familyName": "Park",
     "grades": "10", "metadata.directoryOptOut": "true"},
    {"sourcedId": "s8", "role": "student", "givenName": "Mary Ann", "familyName": "Baker",
     "grades": "11", "metadata.directoryOptOut": "true"},
    {"sourcedId": "s9", "role": "student", "givenName": "Old", "familyName": "Record",
     "status": "tobedeleted", "metadata.directoryOptOut": "true"},
    {"sourcedId": "t1", "role": "teacher", "givenName": "Dana", "familyName": "Whitfield",
     "identifier": "T-99881", "email": "dana.whitfield@district.k12.us",
     "phone": "555-201-9000"},
    {"sourcedId": "t2", "role": "teacher", "givenName": "Jordan", "familyName": "Taylor"},
    {"sourcedId": "g1", "role": "guardian", "givenName": "Robert", "familyName": "Chen",
     "phone": "555-201-3344"},
    {"sourcedId": "g2", "role": "parent", "givenName": "Ethan", "familyName": "Park"},
)  # fmt: skip


def write_users(
    path: Path, rows: Sequence[Mapping[str, str]], columns: Sequence[str] = COLUMNS
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), restval="")
        writer.writeheader()
        for row in rows:
            writer.writerow(dict(row))
    return path


@pytest.fixture
def make_roster(tmp_path: Path) -> Callable[..., Roster]:
    def make(rows: Sequence[Mapping[str, str]] = PEOPLE) -> Roster:
        return load_roster(write_users(tmp_path / "users.csv", rows))

    return make


@pytest.fixture
def roster(make_roster: Callable[..., Roster]) -> Roster:
    return make_roster()


def _settings(**detection: Any) -> Settings:
    return Settings.model_validate({"detection": detection})


@pytest.fixture
def detection_settings() -> Callable[..., Settings]:
    """``detection_settings(pii={...}, rules=[...])``: Settings with only ``[detection]`` set.

    Named apart from the root conftest's ``make_settings`` (whole-file overrides, demo PII
    defaults) because these tests need exact, minimal detection settings.
    """
    return _settings


@pytest.fixture
def settings() -> Settings:
    return _settings(
        pii=dict(
            allow_phones=["(415) 555-0100"],
            allow_email_domains=["district.k12.us"],
            student_email_domains=["students.district.k12.us"],
            student_id_pattern=r"\b4\d{7}\b",
        )
    )
