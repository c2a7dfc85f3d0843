"""One feed request with the standard library: conditional GET, a size cap, error mapping.

Only http(s) is ever opened (no file:, ftp: or data: handlers are installed), redirects are
followed within http(s), proxies come from the usual environment variables, and every
failure becomes a ``RetriableConnectorError`` or ``FatalConnectorError`` via
``sitewatch_connectors.base.error_for_status``.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit, urlunsplit

from sitewatch import __version__
from sitewatch.exceptions import ConnectorError, FatalConnectorError, RetriableConnectorError

from ..base import error_for_status

__all__ = ["MAX_FEED_BYTES", "USER_AGENT", "FeedResponse", "describe", "get"]

USER_AGENT = f"sitewatch/{__version__}"
MAX_FEED_BYTES = 16 * 1024 * 1024
"""A bigger response is refused: no blog feed is that large, a hostile one might be."""

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FeedResponse:
    """A 200 (``body`` set) or a 304 (``body`` None) and the validators to send next time."""

    url: str
    body: bytes | None
    etag: str | None
    last_modified: str | None
    content_type: str | None

    @property
    def not_modified(self) -> bool:
        return self.body is None


class _NoFileRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s) and only a few times."""

    max_redirections = 5

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise FatalConnectorError(
                f"{describe(req.full_url)}: redirect not followed (off http(s))"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]


def _opener() -> urllib.request.OpenerDirector:
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        _NoFileRedirects(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.HTTPDefaultErrorHandler(),
    ):
        opener.add_handler(handler)
    return opener


def describe(url: str) -> str:
    """A URL fit for messages and logs: no query string or credentials (tokens live there)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def get(
    url: str,
    *,
    timeout: float,
    etag: str | None = None,
    last_modified: str | None = None,
    what: str = "feed",
) -> FeedResponse:
    """GET ``url``; 304 when the validators still match. Raises only ConnectorError."""
    label = f"{what} {describe(url)}"
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise FatalConnectorError(f"{label}: only http(s) feeds can be read")
    try:
        # The scheme is checked above and the opener has no file/ftp handlers.
        request = urllib.request.Request(url, headers=headers, method="GET")  # noqa: S310
    except ValueError:
        raise FatalConnectorError(f"{label}: not a valid URL") from None
    deadline = time.monotonic() + max(timeout * 4, 5.0)
    try:
        with _opener().open(request, timeout=timeout) as response:
            status = int(response.status)
            if not 200 <= status < 300:
                raise error_for_status(status, label, dict(response.headers.items()))
            body = _read_capped(response, label, deadline)
            return FeedResponse(
                url=str(response.url or url),
                body=body,
                etag=_header(response.headers, "ETag"),
                last_modified=_header(response.headers, "Last-Modified"),
                content_type=response.headers.get("Content-Type"),
            )
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 304:
            return FeedResponse(
                url=url,
                body=None,
                etag=_header(exc.headers, "ETag") or etag,
                last_modified=_header(exc.headers, "Last-Modified") or last_modified,
                content_type=None,
            )
        if 300 <= exc.code < 400:
            raise FatalConnectorError(
                f"{label}: HTTP {exc.code} redirect not followed (off http(s), or a loop)"
            ) from None
        raise error_for_status(exc.code, label, dict(exc.headers.items())) from None
    except ConnectorError:
        raise
    except TimeoutError:
        raise RetriableConnectorError(f"{label}: timed out after {timeout:g}s") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise RetriableConnectorError(f"{label}: timed out after {timeout:g}s") from None
        name = type(reason).__name__ if isinstance(reason, BaseException) else "error"
        raise RetriableConnectorError(f"{label}: cannot connect ({name})") from None
    except (http.client.HTTPException, OSError) as exc:
        raise RetriableConnectorError(
            f"{label}: connection failed ({type(exc).__name__})"
        ) from None
    except ValueError:
        raise FatalConnectorError(f"{label}: not a valid URL") from None


def _read_capped(response: http.client.HTTPResponse, label: str, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_FEED_BYTES:
            raise FatalConnectorError(f"{label}: response larger than {MAX_FEED_BYTES} bytes")
        if time.monotonic() > deadline:
            raise RetriableConnectorError(f"{label}: response too slow")
        chunks.append(chunk)


def _header(headers: Message, name: str) -> str | None:
    value = headers.get(name)
    if not value or len(value) > 256:
        return None
    return str(value).strip() or None
