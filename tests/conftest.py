"""Shared fixtures: settings builders, a store on SQLite and on PostgreSQL, a demo site.

PostgreSQL tests use the server at $SITEWATCH_TEST_PG_URL (default: the local one at
127.0.0.1:5432, database `test`). Each test gets a database of its own, dropped afterwards.
When no server answers they are skipped locally, and FAIL under CI=true (CI has one).
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sitewatch.config import Settings, parse_settings

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get(
    "SITEWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_available() -> str | None:
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(PG_ADMIN_URL)
        with psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            dbname=url.database,
            connect_timeout=3,
        ):
            return None
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture(scope="session")
def pg_admin() -> str:
    problem = _pg_available()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true but is not reachable: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {problem}")
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_admin: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(pg_admin)
    name = f"sitewatch_t_{uuid.uuid4().hex[:12]}"
    params: dict[str, Any] = {
        "host": admin.host,
        "port": admin.port or 5432,
        "user": admin.username,
        "dbname": admin.database,
        "autocommit": True,
    }
    with psycopg.connect(**params) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


ROSTER_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
    "password,metadata.directoryOptOut"
)


def roster_row(
    sid: str,
    role: str,
    given: str,
    family: str,
    *,
    ident: str = "",
    email: str = "",
    phone: str = "",
    opt_out: bool = False,
) -> str:
    return (
        f"{sid},active,2026-08-01,true,org1,{role},,,{given},{family},,{ident},{email},,"
        f"{phone},,10,,{'true' if opt_out else 'false'}"
    )


@pytest.fixture
def roster_file(tmp_path: Path) -> Path:
    """A small fictional roster: three students (one opted out), one teacher, one guardian."""
    rows = [
        ROSTER_HEADER,
        roster_row(
            "s1",
            "student",
            "Maya",
            "Chen",
            ident="41234567",
            email="maya.chen@students.lakeview.k12.us",
        ),
        roster_row("s2", "student", "Jordan", "Ellis", ident="42345678", opt_out=True),
        roster_row("s3", "student", "Priya", "Natarajan", ident="43456789", phone="555-0143"),
        roster_row("t1", "teacher", "Daniel", "Brooks", email="dbrooks@lakeview.k12.us"),
        roster_row("g1", "guardian", "Linda", "Ellis"),
    ]
    path = tmp_path / "users.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


SettingsFactory = Callable[..., Settings]


@pytest.fixture
def make_settings(tmp_path: Path) -> SettingsFactory:
    """Build validated Settings from keyword overrides (nested dicts like the TOML)."""

    def build(**data: Any) -> Settings:
        data.setdefault("state_dir", str(tmp_path / "state"))
        data.setdefault("detection", {}).setdefault("pii", {}).update(
            {
                "allow_phones": ["(555) 010-2000"],
                "allow_email_domains": ["lakeview.k12.us"],
                "student_email_domains": ["students.lakeview.k12.us"],
                "student_id_pattern": r"\b4\d{7}\b",
            }
        )
        data["detection"].setdefault(
            "rules",
            [{"name": "threat", "severity": "critical", "keywords": ["bring a gun"]}],
        )
        return parse_settings(data, source="<test>", base_dir=tmp_path)

    return build


def _demo_site(feed: Path, name: str = "band", **extra: Any) -> dict[str, Any]:
    site: dict[str, Any] = {
        "name": name,
        "platform": "demo",
        "target": str(feed),
        "sponsor": "band.sponsor@lakeview.k12.us",
        "approval": {
            "by": "Designee",
            "on": "2026-01-01",
            "ref": "SUP-1",
            "review_by": "2099-12-31",
        },
    }
    site.update(extra)
    return site


@pytest.fixture
def demo_site() -> Callable[..., dict[str, Any]]:
    """Builds a `[[sites]]` table for an approved demo-connector site reading ``feed``."""
    return _demo_site


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A copy of the shipped demo config folder, so tests can run the real demo config."""
    target = tmp_path / "config"
    shutil.copytree(REPO / "config", target)
    return target


_LOOPBACK_PREFIXES = ("127.", "::1", "localhost")
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX paths (PostgreSQL's socket, etc.)
        return True
    host = str(address[0]) if isinstance(address, tuple) and address else ""
    return host.startswith(_LOOPBACK_PREFIXES) or host in ("", "0.0.0.0")


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise OSError(f"tests may only connect to loopback addresses, not {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise OSError(f"tests may only connect to loopback addresses, not {address!r}")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Iterator[None]:
    """No test opens a non-loopback connection (the platforms are faked on 127.0.0.1)."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
