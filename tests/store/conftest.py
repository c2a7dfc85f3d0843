"""The store suites' shared fixtures: a settable clock, a store on it (SQLite and PostgreSQL,
through ``store_url``) and an incident mailer."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from test_repository import Clock

from sitewatch.config import Settings
from sitewatch.notify.email import IncidentMailer
from sitewatch.store.repository import Store


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(store_url: str, clock: Clock) -> Iterator[Store]:
    s = Store.open(store_url, clock=clock)
    yield s
    s.close()


@pytest.fixture
def mailer(make_settings: Callable[..., Settings]) -> IncidentMailer:
    return IncidentMailer(make_settings(notify={"tech_staff": ["tech@lakeview.k12.us"]}))
