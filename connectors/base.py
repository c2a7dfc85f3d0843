"""Shared connector behaviour: how HTTP outcomes become retriable or fatal errors.

Every connector maps its client library's exceptions through ``error_for_status`` so the
daemon sees one vocabulary: retriable (429 with or without Retry-After, 5xx, timeouts,
malformed bodies) backs off with jitter; fatal (401/403/404) marks the site unhealthy and
files a monitoring gap.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sitewatch.exceptions import ConnectorError, FatalConnectorError, RetriableConnectorError
from sitewatch.models import Site

RETRIABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 524})
FATAL_STATUSES = frozenset({400, 401, 403, 404, 410})
DEFAULT_TIMEOUT = 30.0
DEFAULT_PAGE_SIZE = 100


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else time.time()
    return max(0.0, when.timestamp() - current)


def reset_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds until a rate-limit reset header: an epoch timestamp (X's
    ``x-rate-limit-reset``) or, for small values, seconds from now (Reddit's
    ``x-ratelimit-reset``)."""
    if not value:
        return None
    try:
        reset = float(value)
    except ValueError:
        return None
    if reset < 1e9:  # not an epoch timestamp: already a number of seconds
        return max(0.0, reset)
    current = now if now is not None else time.time()
    return max(0.0, reset - current)


def error_for_status(
    status: int, what: str, headers: Mapping[str, str] | None = None
) -> ConnectorError:
    """The error a response status means for the daemon. ``what`` names the request."""
    h = {k.lower(): v for k, v in (headers or {}).items()}
    if status == 429 or status in RETRIABLE_STATUSES or status >= 500:
        retry = parse_retry_after(h.get("retry-after"))
        if retry is None:
            retry = reset_after(h.get("x-rate-limit-reset") or h.get("x-ratelimit-reset"))
        return RetriableConnectorError(f"{what}: HTTP {status}", retry_after=retry)
    if status in FATAL_STATUSES:
        hint = {
            401: "the credentials were rejected",
            403: "the monitoring account may not read this site",
            404: "the site was not found (renamed, deleted, or made private)",
            410: "the site is gone",
            400: "the request was refused",
        }[status]
        return FatalConnectorError(f"{what}: HTTP {status}: {hint}")
    return FatalConnectorError(f"{what}: unexpected HTTP {status}")


def site_timeout(site: Site) -> float:
    return float(site.options.get("timeout", DEFAULT_TIMEOUT))


def site_page_size(site: Site, default: int = DEFAULT_PAGE_SIZE, maximum: int = 100) -> int:
    value = int(site.options.get("page_size", default))
    if not 1 <= value <= maximum:
        raise FatalConnectorError(f"site option page_size must be 1..{maximum}, not {value}")
    return value


def utc_from_epoch(seconds: float | int | str) -> datetime:
    return datetime.fromtimestamp(float(seconds), tz=UTC)


def as_str_id(value: Any) -> str:
    return str(value)
