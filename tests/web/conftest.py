"""Fixtures for the review page: a seeded SQLite store with a settable clock, the app, and
helpers to log in through the real login form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from sitewatch.config import Settings
from sitewatch.store.repository import Store
from sitewatch.web.app import create_app

from .seed import PASSWORD, Clock, Seeded, district_settings, seed, start

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def clock() -> Clock:
    return start()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return district_settings(tmp_path)


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    s = Store.open(f"sqlite:///{tmp_path / 'web.db'}", clock=clock)
    yield s
    s.close()


@pytest.fixture
def seeded(store: Store, settings: Settings) -> Seeded:
    return seed(store, settings)


@pytest.fixture
def app(store: Store, settings: Settings, seeded: Seeded) -> Any:
    return create_app(store, settings)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD, **extra: str) -> Any:
    page = client.get("/login")
    assert page.status_code == 200
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf": csrf_of(page.text), **extra},
    )


def logged_in(client: TestClient, username: str) -> str:
    """Log in; returns the session's CSRF token (from the inbox page)."""
    response = login(client, username)
    assert response.status_code == 303, response.text
    inbox = client.get("/incidents")
    assert inbox.status_code == 200
    return csrf_of(inbox.text)
