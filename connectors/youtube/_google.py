"""What the YouTube and Blogger connectors share: the Google API client, error mapping,
watermarks, the unit budget and text clean-up.

Both use google-api-python-client with its *static* discovery documents (no discovery
request at start-up), a plain ``httplib2.Http`` with the site's timeout, and
``num_retries=0`` so the client never sleeps or retries: the daemon owns backoff.
``site.endpoint`` replaces the API base (``client_options.api_endpoint``); the method paths
of the discovery document (``youtube/v3/...``, ``v3/blogs/...``) are joined onto it.
"""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httplib2  # type: ignore[import-untyped, unused-ignore]
from googleapiclient.discovery import build
from googleapiclient.errors import Error as GoogleClientError
from googleapiclient.errors import HttpError

from sitewatch.credentials import get_secret
from sitewatch.exceptions import (
    ConnectorError,
    CredentialError,
    FatalConnectorError,
    RetriableConnectorError,
)
from sitewatch.models import Site

from ..base import error_for_status, site_timeout

API_KEY_VARIABLE = "SITEWATCH_GOOGLE_API_KEY"
MAX_TEXT_CHARS = 1_000_000
MAX_HTML_CHARS = 4 * MAX_TEXT_CHARS
"""Longer HTML bodies are cut before parsing (bounds the work a hostile post can cause)."""

MAX_MARK_IDS = 200
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded", "dailyLimitExceededUnreg"})
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_SURROGATE = re.compile(r"[\ud800-\udfff]")

try:
    PACIFIC: Any = ZoneInfo("America/Los_Angeles")
except ZoneInfoNotFoundError:  # pragma: no cover - systems without a tz database
    from datetime import timezone

    PACIFIC = timezone(timedelta(hours=-8), "PST")


# -- the client ------------------------------------------------------------------------------
def api_key() -> str:
    try:
        key = get_secret(API_KEY_VARIABLE, required=True)
    except CredentialError as exc:
        raise FatalConnectorError(str(exc)) from None
    assert key is not None
    return key


def build_service(
    site: Site, name: str, *, developer_key: str | None, http: Any | None = None
) -> Any:
    """A discovery ``Resource`` for ``name`` v3, from the static document shipped with the
    client, pointed at ``site.endpoint`` when one is configured."""
    options: dict[str, Any] | None = None
    if site.endpoint:
        endpoint = site.endpoint if site.endpoint.endswith("/") else site.endpoint + "/"
        options = {"api_endpoint": endpoint}
    try:
        return build(
            name,
            "v3",
            developerKey=developer_key,
            http=http if http is not None else httplib2.Http(timeout=site_timeout(site)),
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
            num_retries=0,
        )
    except (GoogleClientError, ValueError, TypeError) as exc:
        raise FatalConnectorError(
            f"cannot build the {name} API client: {type(exc).__name__}"
        ) from None


class ApiFailure(Exception):
    """An HTTP error answer; callers look at ``reason`` before mapping it (see ``as_error``)."""

    def __init__(self, what: str, status: int, reason: str, headers: Mapping[str, str]) -> None:
        self.what = what
        self.status = status
        self.reason = reason
        self.headers = dict(headers)
        super().__init__(f"{what}: HTTP {status} ({reason or 'no reason'})")

    def as_error(self, *, now: datetime | None = None) -> ConnectorError:
        if self.reason in QUOTA_REASONS:
            wait = seconds_until_quota_reset(now or datetime.now(UTC))
            return RetriableConnectorError(
                f"{self.what}: HTTP {self.status}: the Google API project's daily quota is "
                "spent; it resets at midnight Pacific time",
                retry_after=wait,
            )
        if self.reason in RATE_REASONS:
            err = error_for_status(429, self.what, self.headers)
            return RetriableConnectorError(
                f"{self.what}: HTTP {self.status}: rate limited ({self.reason})",
                retry_after=getattr(err, "retry_after", None),
            )
        err = error_for_status(self.status, self.what, self.headers)
        if self.reason:
            err.args = (f"{err.args[0]} [{self.reason}]",)
        return err


def execute(request: Any, what: str) -> dict[str, Any]:
    """Run one API request; transport trouble and bad bodies become retriable errors,
    HTTP errors become ``ApiFailure``."""
    try:
        body = request.execute(num_retries=0)
    except HttpError as exc:
        raise ApiFailure(what, int(exc.resp.status), error_reason(exc.content), exc.resp) from None
    except (TimeoutError, ConnectionError) as exc:
        raise RetriableConnectorError(f"{what}: {type(exc).__name__} (network)") from None
    except (OSError, http.client.HTTPException, httplib2.HttpLib2Error) as exc:
        raise RetriableConnectorError(f"{what}: {type(exc).__name__} (transport)") from None
    except (ValueError, RecursionError):  # the body was not JSON (json.JSONDecodeError)
        raise RetriableConnectorError(f"{what}: malformed response body (not JSON)") from None
    except GoogleClientError as exc:
        raise RetriableConnectorError(f"{what}: {type(exc).__name__}") from None
    if body is None or body == "":
        return {}
    if not isinstance(body, dict):
        raise RetriableConnectorError(f"{what}: malformed response body (not a JSON object)")
    return body


def error_reason(content: Any) -> str:
    """``error.errors[0].reason`` of a Google error body, or ''."""
    try:
        data = json.loads(content)
        error = data["error"]
        errors = error.get("errors") or []
        if errors and isinstance(errors[0], dict) and isinstance(errors[0].get("reason"), str):
            return str(errors[0]["reason"])
        status = error.get("status")
        return status if isinstance(status, str) else ""
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
        return ""


# -- quota -----------------------------------------------------------------------------------
def quota_day(now: datetime) -> date:
    """The quota day: Google resets API quotas at midnight Pacific time."""
    return now.astimezone(PACIFIC).date()


def seconds_until_quota_reset(now: datetime) -> float:
    local = now.astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), PACIFIC)
    return max(1.0, (midnight - local).total_seconds())


class OutOfBudget(Exception):
    """The next call would overrun this poll's or this day's unit budget."""

    def __init__(self, which: str) -> None:
        self.which = which
        super().__init__(which)


@dataclass
class Budget:
    """Units spent today and in the current poll; lives inside the cursor."""

    day: str
    used: int
    poll_used: int
    daily_limit: int
    poll_limit: int

    def spend(self, units: int) -> None:
        if self.used + units > self.daily_limit:
            raise OutOfBudget("daily")
        if self.poll_used + units > self.poll_limit:
            raise OutOfBudget("poll")
        self.used += units
        self.poll_used += units


def int_option(site: Site, name: str, default: int, minimum: int = 1) -> int:
    raw = site.options.get(name, default)
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise FatalConnectorError(f"site {site.name!r}: options.{name} must be an integer")
    try:
        value = int(raw)
    except ValueError:
        raise FatalConnectorError(
            f"site {site.name!r}: options.{name} must be an integer, not {raw!r}"
        ) from None
    if value < minimum:
        raise FatalConnectorError(f"site {site.name!r}: options.{name} must be >= {minimum}")
    return value


# -- watermarks ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mark:
    """A position in a time-ordered stream: a time and the ids seen exactly at that time.

    Timestamps have one-second resolution, so several items can share one; keeping their
    ids makes "already seen" exact without relying on how the API orders ties.
    """

    t: datetime
    ids: frozenset[str]

    def covers(self, t: datetime, item_id: str) -> bool:
        """True when (t, id) is at or before this mark: already seen."""
        return t < self.t or (t == self.t and item_id in self.ids)

    def below(self, t: datetime, item_id: str) -> bool:
        """True when (t, id) is strictly older than everything this mark holds."""
        return t < self.t or (t == self.t and item_id not in self.ids)

    def to_json(self) -> list[Any]:
        return [self.t.isoformat(), sorted(self.ids)]

    @staticmethod
    def from_json(value: Any) -> Mark | None:
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not isinstance(value[0], str)
            or not isinstance(value[1], list)
            or not all(isinstance(i, str) for i in value[1])
        ):
            raise ValueError("bad mark")
        when = datetime.fromisoformat(value[0])
        if when.tzinfo is None:
            raise ValueError("naive mark")
        return Mark(when.astimezone(UTC), frozenset(value[1]))


def raise_mark(mark: Mark | None, t: datetime, item_id: str) -> Mark:
    """The newer of ``mark`` and (t, id)."""
    if mark is None or t > mark.t:
        return Mark(t, frozenset({item_id}))
    if t == mark.t and len(mark.ids) < MAX_MARK_IDS:
        return Mark(t, mark.ids | {item_id})
    return mark


def lower_mark(mark: Mark | None, t: datetime, item_id: str) -> Mark:
    """The older of ``mark`` and (t, id)."""
    if mark is None or t < mark.t:
        return Mark(t, frozenset({item_id}))
    if t == mark.t and len(mark.ids) < MAX_MARK_IDS:
        return Mark(t, mark.ids | {item_id})
    return mark


def marks_json(marks: Iterable[Mark | None]) -> list[Any]:
    return [m.to_json() if m is not None else None for m in marks]


# -- values ----------------------------------------------------------------------------------
def parse_time(value: Any) -> datetime | None:
    """An RFC 3339 timestamp as an aware UTC datetime, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return when.astimezone(UTC)


def clean_text(value: str) -> str:
    """Lone surrogates cannot be stored or mailed; cap the length."""
    return _SURROGATE.sub("\ufffd", value[:MAX_TEXT_CHARS])


def str_field(data: Any, *path: str) -> str | None:
    """``data[path[0]][path[1]]...`` when it is a non-empty string."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data if isinstance(data, str) and data else None


def https_url(value: str | None) -> str | None:
    if value and re.match(r"^https?://[^\s]+$", value, re.IGNORECASE):
        return clean_text(value)
    return None


class _TextExtractor(HTMLParser):
    """Text of an HTML fragment: tags dropped, entities decoded, blocks on their own lines."""

    BLOCKS = frozenset(
        {"br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
        | {"blockquote", "pre", "table", "section", "article"}
    )
    HIDDEN = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f" {alt} ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "img":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


_SPACE_RUNS = re.compile(r"[ \t\r\f\v]+")


def html_to_text(markup: str) -> str:
    """Readable text of hostile HTML (stdlib parser only; nothing is fetched or run)."""
    parser = _TextExtractor()
    try:
        parser.feed(markup[:MAX_HTML_CHARS])
        parser.close()
    except (AssertionError, ValueError):  # pathological markup: keep what was read
        pass
    lines = (_SPACE_RUNS.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return clean_text("\n".join(line for line in lines if line))
