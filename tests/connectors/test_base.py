"""Shared connector error mapping."""

from __future__ import annotations

import pytest
from sitewatch_connectors.base import error_for_status, parse_retry_after, reset_after

from sitewatch.exceptions import FatalConnectorError, RetriableConnectorError


@pytest.mark.parametrize(
    ("status", "headers", "kind", "retry_after"),
    [
        (429, {"Retry-After": "30"}, RetriableConnectorError, 30.0),
        (429, {}, RetriableConnectorError, None),
        (429, {"x-ratelimit-reset": "420"}, RetriableConnectorError, 420.0),
        (429, {"Retry-After": "0", "x-ratelimit-reset": "420"}, RetriableConnectorError, 0.0),
        (500, {}, RetriableConnectorError, None),
        (503, {"retry-after": "5"}, RetriableConnectorError, 5.0),
        (401, {}, FatalConnectorError, None),
        (403, {}, FatalConnectorError, None),
        (404, {}, FatalConnectorError, None),
        (418, {}, FatalConnectorError, None),
    ],
)
def test_error_for_status(
    status: int, headers: dict[str, str], kind: type, retry_after: float | None
) -> None:
    err = error_for_status(status, "GET /x", headers)
    assert isinstance(err, kind)
    assert f"HTTP {status}" in str(err)
    if isinstance(err, RetriableConnectorError) and retry_after is not None:
        assert err.retry_after == retry_after


def test_retry_after_forms() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert reset_after("1800000100", now=1800000000.0) == 100.0  # epoch (X)
    assert reset_after("1700000000", now=1800000000.0) == 0.0  # epoch in the past
    assert reset_after("420", now=1800000000.0) == 420.0  # seconds from now (Reddit)
