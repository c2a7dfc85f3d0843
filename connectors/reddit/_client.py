"""praw clients that fail fast, and the one place Reddit errors become sitewatch errors.

praw/prawcore retry 5xx and connection errors twice with a 2-4 s sleep, sleep until the
rate-limit window resets, and sleep on RATELIMIT API errors. The daemon owns backoff, so a
client built here does none of that: a request either answers or raises, and the error
says how long to wait when Reddit said so. The knobs live on prawcore's ``Session``
(``_retry_strategy_class``, ``_rate_limiter``); ``tests/connectors/test_reddit.py`` pins them
so a prawcore upgrade that renames them fails loudly instead of sleeping quietly.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TypeVar

import praw
import praw.exceptions
import prawcore
from prawcore.const import ACCESS_TOKEN_PATH
from prawcore.rate_limit import RateLimiter
from prawcore.sessions import FiniteRetryStrategy, Session

from sitewatch.credentials import get_secret
from sitewatch.exceptions import (
    ConfigError,
    ConnectorError,
    FatalConnectorError,
    RetriableConnectorError,
)

from ..base import error_for_status, reset_after

__all__ = [
    "ENV_CLIENT_ID",
    "ENV_CLIENT_SECRET",
    "ENV_PASSWORD",
    "ENV_USERNAME",
    "ClientCache",
    "RedditClient",
    "RedditCredentials",
    "load_credentials",
]

ENV_CLIENT_ID = "SITEWATCH_REDDIT_CLIENT_ID"
ENV_CLIENT_SECRET = "SITEWATCH_REDDIT_CLIENT_SECRET"  # noqa: S105 - a variable name
ENV_USERNAME = "SITEWATCH_REDDIT_USERNAME"
ENV_PASSWORD = "SITEWATCH_REDDIT_PASSWORD"  # noqa: S105 - a variable name

OAUTH_URL = "https://oauth.reddit.com"
WWW_URL = "https://www.reddit.com"
SHORT_URL = "https://redd.it"

T = TypeVar("T")


def _user_agent() -> str:
    try:
        ours = version("sitewatch")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        ours = "0"
    return f"sitewatch/{ours} (school district monitoring)"


# -- credentials ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RedditCredentials:
    """The app's keys, plus a moderator account's login when actions are wanted."""

    client_id: str
    client_secret: str
    username: str | None = None
    password: str | None = None

    @property
    def moderator(self) -> bool:
        return bool(self.username and self.password)

    def describe(self) -> str:
        return f"u/{self.username}" if self.moderator else "app-only (read-only)"

    def names(self) -> str:
        """The variables a person should check when Reddit refuses these credentials."""
        names = f"{ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}"
        if self.moderator:
            names += f" (and {ENV_USERNAME}/{ENV_PASSWORD})"
        return names

    def __repr__(self) -> str:  # never show secrets in a traceback or a log
        return f"RedditCredentials(client_id=..., account={self.describe()!r})"


def _secret(name: str) -> str | None:
    try:
        return get_secret(name)
    except ConfigError as exc:  # an unreadable credentials file
        raise FatalConnectorError(str(exc)) from None


def load_credentials() -> RedditCredentials:
    """Read the credentials; a missing required one is fatal and named."""
    client_id = _secret(ENV_CLIENT_ID)
    client_secret = _secret(ENV_CLIENT_SECRET)
    for name, value in ((ENV_CLIENT_ID, client_id), (ENV_CLIENT_SECRET, client_secret)):
        if not value:
            raise FatalConnectorError(
                f"missing credential {name}: set it in the environment or add it with "
                "systemd LoadCredential= (the Reddit app's client id and secret)"
            )
    username = _secret(ENV_USERNAME)
    password = _secret(ENV_PASSWORD)
    if bool(username) != bool(password):
        missing = ENV_PASSWORD if username else ENV_USERNAME
        raise FatalConnectorError(
            f"missing credential {missing}: the moderator account needs both "
            f"{ENV_USERNAME} and {ENV_PASSWORD} (or neither, for read-only monitoring)"
        )
    assert client_id is not None and client_secret is not None
    return RedditCredentials(client_id, client_secret, username, password)


# -- a prawcore session that never sleeps --------------------------------------------------
@dataclass(frozen=True)
class _NoRetry(FiniteRetryStrategy):
    """No retries and no sleeping: the daemon backs off with jitter itself."""

    retries: int = 0

    def _sleep_seconds(self) -> float | None:
        return None


class _RateLimited(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"rate limit used up for {seconds:.0f} s")


class _FailFastRateLimiter(RateLimiter):
    """Keeps prawcore's bookkeeping but raises instead of sleeping when the budget is gone."""

    def delay(self) -> None:
        if self.next_request_timestamp_ns is None or self.remaining is None:
            return
        if self.remaining > 0:
            return  # spreading requests out is politeness we can skip: we make few
        wait = (self.next_request_timestamp_ns - time.monotonic_ns()) / 1e9
        if wait > 0:
            raise _RateLimited(wait)


class _Requestor(prawcore.Requestor):
    """Applies the site's timeout to every request (praw passes its own 16 s otherwise)."""

    def request(self, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        response = super().request(*args, timeout=self.timeout, **kwargs)
        # prawcore picks the 401 exception from WWW-Authenticate and crashes with KeyError
        # when a proxy strips it; Reddit itself always sends this value.
        if response.status_code == 401 and "www-authenticate" not in response.headers:
            response.headers["www-authenticate"] = 'Bearer realm="reddit", error="invalid_token"'
        return response


def _fail_fast(session: Session | None) -> None:
    if session is None:
        return
    session._retry_strategy_class = _NoRetry
    session._rate_limiter = _FailFastRateLimiter(window_size=session._rate_limiter.window_size)


# -- the client ----------------------------------------------------------------------------
class RedditClient:
    """One praw.Reddit for one endpoint, timeout and set of credentials; reuses its token."""

    def __init__(
        self, credentials: RedditCredentials, *, endpoint: str | None, timeout: float
    ) -> None:
        self.credentials = credentials
        base = endpoint.rstrip("/") if endpoint else None
        self.reddit = praw.Reddit(
            "DEFAULT",  # never a praw_site from the environment
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            username=credentials.username,
            password=credentials.password,
            refresh_token=None,
            redirect_uri=None,
            user_agent=_user_agent(),
            oauth_url=base or OAUTH_URL,
            reddit_url=base or WWW_URL,
            short_url=base or SHORT_URL,
            check_for_updates=False,
            check_for_async=False,
            ratelimit_seconds=0,
            timeout=max(1, round(timeout)),
            requestor_class=_Requestor,
            requestor_kwargs={"timeout": timeout},
        )
        _fail_fast(self.reddit._read_only_core)
        _fail_fast(self.reddit._authorized_core)
        self.lock = threading.RLock()

    def get_json(self, path: str, params: Mapping[str, str | int], *, what: str) -> Any:
        """The decoded JSON at ``path`` (prawcore adds auth, ``raw_json=1``, rate limits)."""
        return self.call(
            lambda: self.reddit.request(method="GET", path=path, params=dict(params)), what=what
        )

    def call(self, fn: Callable[[], T], *, what: str) -> T:
        """Run one praw call; errors come out as sitewatch connector errors.

        A 401 on an API call means the access token expired early: prawcore has already
        dropped it, so the call is tried once more with a fresh token before giving up.
        """
        with self.lock:
            for attempt in (1, 2):
                try:
                    with reddit_errors(what, self.credentials):
                        return fn()
                except _TokenRejected:
                    if attempt == 2:
                        raise FatalConnectorError(
                            f"{what}: HTTP 401: Reddit rejected a freshly issued access token; "
                            f"check {self.credentials.names()} and that the app was not revoked"
                        ) from None
        raise AssertionError("unreachable")  # pragma: no cover


class _TokenRejected(ConnectorError):
    """An API call answered 401 (not the token endpoint)."""


class ClientCache:
    """Clients by (endpoint, timeout), so a token is fetched once and reused.

    One per connector instance: a new instance (a restarted process) starts clean.
    """

    def __init__(self) -> None:
        self._clients: dict[tuple[str | None, float], RedditClient] = {}
        self._lock = threading.Lock()

    def get(self, endpoint: str | None, timeout: float) -> RedditClient:
        credentials = load_credentials()
        key = (endpoint, timeout)
        with self._lock:
            client = self._clients.get(key)
            if client is None or client.credentials != credentials:  # new, or rotated keys
                with reddit_errors("preparing the Reddit client", credentials):
                    client = RedditClient(credentials, endpoint=endpoint, timeout=timeout)
                self._clients[key] = client
            return client


# -- error mapping -------------------------------------------------------------------------
def _is_token_request(response: Any) -> bool:
    url = str(getattr(response, "url", "") or "")
    return url.split("?", 1)[0].rstrip("/").endswith(ACCESS_TOKEN_PATH)


def _reason(response: Any) -> str:
    """Reddit's short machine reason (``private``, ``quarantined``, ``banned``) if any."""
    try:
        body = response.json()
    except ValueError:
        return ""
    reason = body.get("reason") if isinstance(body, dict) else None
    if isinstance(reason, str) and reason.isascii() and len(reason) <= 40:
        return f" (Reddit says: {reason})"
    return ""


@contextlib.contextmanager
def reddit_errors(what: str, credentials: RedditCredentials) -> Iterator[None]:
    """Map praw/prawcore/requests exceptions raised inside the block; ``what`` names it."""
    try:
        yield
    except ConnectorError:
        raise
    except _RateLimited as exc:
        raise RetriableConnectorError(
            f"{what}: Reddit's request budget is used up", retry_after=exc.seconds
        ) from None
    except prawcore.OAuthException as exc:  # token endpoint answered 200 {"error": ...}
        raise FatalConnectorError(
            f"Reddit refused to issue an access token ({exc.error}): check {credentials.names()}"
            + (
                "; accounts with two-factor authentication cannot use the password grant"
                if credentials.moderator
                else ""
            )
        ) from None
    except prawcore.Redirect as exc:
        raise FatalConnectorError(
            f"{what}: Reddit redirected to {exc.path}: the subreddit does not exist "
            "(renamed, deleted, or a typo in `target`)"
        ) from None
    except prawcore.InvalidToken:
        raise _TokenRejected(what) from None
    except prawcore.BadJSON as exc:
        raise RetriableConnectorError(
            f"{what}: HTTP {exc.response.status_code} with a body that is not valid JSON"
        ) from None
    except prawcore.ResponseException as exc:
        response = exc.response
        status = int(response.status_code)
        headers = dict(response.headers)
        if _is_token_request(response):
            if status in (400, 401, 403):
                raise FatalConnectorError(
                    f"Reddit token endpoint: HTTP {status}: the app credentials were rejected; "
                    f"check {credentials.names()}"
                ) from None
            raise error_for_status(
                status,
                "Reddit token endpoint",
                {k: v for k, v in headers.items() if k.lower() != "x-ratelimit-reset"},
            ) from None
        # Reddit's x-ratelimit-reset counts seconds; the shared helper reads it as an epoch.
        plain = {k: v for k, v in headers.items() if k.lower() != "x-ratelimit-reset"}
        error = error_for_status(status, what, plain)
        if isinstance(error, RetriableConnectorError) and error.retry_after is None:
            error.retry_after = reset_after_seconds(headers)
        if isinstance(error, FatalConnectorError):
            raise FatalConnectorError(f"{error}{_reason(response)}") from None
        raise error from None
    except prawcore.RequestException as exc:
        cause = type(exc.original_exception).__name__
        raise RetriableConnectorError(f"{what}: request failed ({cause})") from None
    except praw.exceptions.RedditAPIException as exc:
        codes = ", ".join(sorted({item.error_type for item in exc.items})) or "unknown"
        raise FatalConnectorError(f"{what}: Reddit refused the request ({codes})") from None
    except (prawcore.PrawcoreException, praw.exceptions.PRAWException) as exc:
        raise FatalConnectorError(f"{what}: {type(exc).__name__}: {exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # requests' JSONDecodeError from the token endpoint, or a body of the wrong shape
        raise RetriableConnectorError(
            f"{what}: malformed response from Reddit ({type(exc).__name__})"
        ) from None


def reset_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Reddit's ``x-ratelimit-reset`` is seconds until the window resets, not an epoch."""
    lowered = {k.lower(): v for k, v in headers.items()}
    value = lowered.get("x-ratelimit-reset")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    if seconds > 10 * 365 * 24 * 3600:  # an epoch timestamp after all
        return reset_after(value)
    return max(0.0, seconds)
