"""The offline demo connector: reads posts from a local JSON Lines file.

One post per line: ``{"id": ..., "text": ...}`` plus optional ``author``, ``created_at``
(ISO 8601; ``Z`` allowed; naive means UTC), ``url``, ``parent_id`` and ``kind``
(``post``/``comment``; by default ``comment`` when ``parent_id`` is set). Lines appended to
the file are new posts, so ``cat more.jsonl >> feed.jsonl`` makes the next poll find them.

Cursor: the JSON text ``{"v": 1, "offset": <byte offset after the last consumed line>,
"line": <its line number>, "tail": <digest of the bytes just before offset>}``. Only complete
lines (ending in a newline) are consumed, so a line still being written is read on a later
fetch, whole. When the file is shorter than the offset, or the bytes before the offset are no
longer the ones the cursor saw (the file was rotated, truncated or rewritten), the feed is read
again from its first line and a ``demo_feed_restarted`` warning is logged; the store's
deduplication absorbs posts it has already seen.

A line that cannot be read becomes a ``SkippedItem`` named ``<file>:<line>``; its reason never
quotes the line, because post text must not reach the logs.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, ClassVar, TypeGuard

import structlog

from sitewatch.exceptions import FatalConnectorError, RetriableConnectorError
from sitewatch.models import AccessReport, Member, Page, Post, Site, SkippedItem

__all__ = ["DemoConnector"]

MAX_TEXT_CHARS = 1_000_000
"""Longer texts are truncated (the post is still scanned)."""

MAX_LINE_BYTES = 32 * 1024 * 1024
"""Longer lines are skipped without being read into memory (bounds a hostile file)."""

MAX_ID_CHARS = 512
DEFAULT_PAGE_SIZE = 100
_TAIL_BYTES = 64
_CURSOR_VERSION = 1
_KINDS = frozenset({"post", "comment"})
_TAIL = re.compile(r"[0-9a-f]{16}")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

log = structlog.get_logger(__name__)


class _BadLine(Exception):
    """One line is unusable; the message is the SkippedItem reason (never the content)."""


class DemoConnector:
    """Reads a local JSONL feed; stateless, the daemon keeps the cursor."""

    platform: ClassVar[str] = "demo"

    # -- Connector protocol ----------------------------------------------------------------
    def fetch(self, site: Site, cursor: str | None) -> Page:
        """Posts from complete lines after ``cursor``, oldest first, at most one page."""
        path = _feed_path(site)
        page_size = _page_size(site)
        offset, line_no, tail = (0, 0, _digest(b"")) if cursor is None else _decode(cursor)

        posts: list[Post] = []
        skipped: list[SkippedItem] = []
        try:
            with path.open("rb") as fh:
                if offset and not _cursor_matches(fh, offset, tail):
                    log.warning(
                        "demo_feed_restarted",
                        site=site.name,
                        feed=path.name,
                        reason="file shrank or changed before the cursor; reading from line 1",
                    )
                    offset, line_no = 0, 0
                fh.seek(offset)
                while len(posts) + len(skipped) < page_size:
                    raw = _read_line(fh)
                    if raw is None:  # end of file, or a line still being written
                        break
                    line_no += 1
                    offset = fh.tell()
                    if raw is _TOO_LONG:
                        skipped.append(
                            SkippedItem(
                                where=f"{path.name}:{line_no}",
                                reason=f"line longer than {MAX_LINE_BYTES} bytes",
                            )
                        )
                        continue
                    text = raw.decode("utf-8", errors="replace")
                    if line_no == 1:
                        text = text.removeprefix("\ufeff")
                    if not text.strip():
                        continue
                    try:
                        posts.append(_parse(text))
                    except _BadLine as exc:
                        skipped.append(SkippedItem(where=f"{path.name}:{line_no}", reason=str(exc)))
                has_more = _complete_line_follows(fh)
                tail = _tail_digest(fh, offset)
        except (FileNotFoundError, NotADirectoryError):
            raise FatalConnectorError(f"demo feed not found: {path}") from None
        except IsADirectoryError:
            raise FatalConnectorError(f"demo feed is a directory, not a file: {path}") from None
        except PermissionError:
            raise FatalConnectorError(
                f"demo feed is not readable (permission denied): {path}"
            ) from None
        except OSError as exc:
            raise RetriableConnectorError(
                f"cannot read demo feed {path}: {exc.strerror or type(exc).__name__}"
            ) from None

        return Page(
            posts=tuple(posts),
            next_cursor=_encode(offset, line_no, tail),
            has_more=has_more,
            skipped=tuple(skipped),
        )

    def check_access(self, site: Site) -> AccessReport:
        """Whether the feed file exists and can be read; never raises."""
        try:
            path = _feed_path(site)
        except FatalConnectorError as exc:
            return AccessReport(ok=False, detail=str(exc))
        try:
            with path.open("rb") as fh:
                fh.read(1)
                size = fh.seek(0, 2)
        except (FileNotFoundError, NotADirectoryError):
            return AccessReport(ok=False, detail=f"demo feed not found: {path}")
        except IsADirectoryError:
            return AccessReport(ok=False, detail=f"demo feed is a directory, not a file: {path}")
        except PermissionError:
            return AccessReport(
                ok=False, detail=f"demo feed is not readable (permission denied): {path}"
            )
        except OSError as exc:
            return AccessReport(
                ok=False, detail=f"cannot read demo feed {path}: {exc.strerror or exc}"
            )
        return AccessReport(ok=True, detail=f"demo feed readable: {path} ({size} bytes)")

    def members(self, site: Site) -> list[Member]:
        """The site's members (followers), from the JSONL file named by the site option
        ``members`` (one ``{"handle", "display_name"}`` per line); none without it."""
        name = site.options.get("members")
        if not name:
            return []
        path = Path(str(name))
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise FatalConnectorError(
                f"demo members file unreadable: {path}: {exc.strerror or exc}"
            ) from None
        members: list[Member] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                handle = str(obj["handle"])
            except (ValueError, KeyError, TypeError):
                log.warning("demo member line skipped", feed=path.name, line=number)
                continue
            display = obj.get("display_name")
            members.append(
                Member(handle=handle, display_name=display if isinstance(display, str) else None)
            )
        return members


# -- site options --------------------------------------------------------------------------
def _feed_path(site: Site) -> Path:
    if not site.target or not site.target.strip():
        raise FatalConnectorError(f"site {site.name!r}: demo target (feed file path) is empty")
    return Path(site.target).expanduser()


def _page_size(site: Site) -> int:
    raw = site.options.get("page_size", DEFAULT_PAGE_SIZE)
    try:
        if isinstance(raw, bool):
            raise ValueError
        size = int(raw)
    except (TypeError, ValueError):
        raise FatalConnectorError(
            f"site {site.name!r}: options.page_size must be a positive integer, got {raw!r}"
        ) from None
    if size < 1:
        raise FatalConnectorError(
            f"site {site.name!r}: options.page_size must be a positive integer, got {size}"
        )
    return size


# -- cursor --------------------------------------------------------------------------------
def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _encode(offset: int, line_no: int, tail: str) -> str:
    return json.dumps(
        {"v": _CURSOR_VERSION, "offset": offset, "line": line_no, "tail": tail},
        separators=(",", ":"),
    )


def _decode(cursor: str) -> tuple[int, int, str]:
    bad = FatalConnectorError(
        "not a demo connector cursor (expected the JSON object "
        '{"v": 1, "offset": ..., "line": ..., "tail": ...} this connector returned); '
        "reset the site's cursor to start from the beginning of the feed"
    )
    try:
        data = json.loads(cursor)
    except (TypeError, ValueError, RecursionError):
        raise bad from None
    if not isinstance(data, dict) or data.get("v") != _CURSOR_VERSION:
        raise bad
    offset, line_no, tail = data.get("offset"), data.get("line"), data.get("tail")
    if not _is_int(offset) or not _is_int(line_no) or not isinstance(tail, str):
        raise bad
    if offset < 0 or line_no < 0 or line_no > offset or not _TAIL.fullmatch(tail):
        raise bad
    return offset, line_no, tail


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _tail_digest(fh: IO[bytes], offset: int) -> str:
    start = max(0, offset - _TAIL_BYTES)
    fh.seek(start)
    return _digest(fh.read(offset - start))


def _cursor_matches(fh: IO[bytes], offset: int, tail: str) -> bool:
    """False when the file shrank below ``offset`` or its bytes before it changed."""
    size = fh.seek(0, 2)
    return size >= offset and _tail_digest(fh, offset) == tail


# -- lines ---------------------------------------------------------------------------------
_TOO_LONG = b"\x00<too long>"


def _read_line(fh: IO[bytes]) -> bytes | None:
    """The next complete line; None at end of file or before an unterminated last line.

    An over-long complete line is consumed and reported as ``_TOO_LONG``; an over-long
    unterminated one is left for later like any partial line.
    """
    start = fh.tell()
    raw = fh.readline(MAX_LINE_BYTES + 1)
    if raw.endswith(b"\n"):
        return raw
    if len(raw) <= MAX_LINE_BYTES:  # end of file: partial or nothing
        fh.seek(start)
        return None
    while True:  # over-long: find its end without keeping it
        chunk = fh.readline(1024 * 1024)
        if chunk.endswith(b"\n"):
            return _TOO_LONG
        if not chunk:
            fh.seek(start)
            return None


def _complete_line_follows(fh: IO[bytes]) -> bool:
    """Whether a newline exists at or after the current position (position is kept)."""
    pos = fh.tell()
    try:
        while True:
            chunk = fh.read(1024 * 1024)
            if not chunk:
                return False
            if b"\n" in chunk:
                return True
    finally:
        fh.seek(pos)


# -- one post ------------------------------------------------------------------------------
def _clean(value: str) -> str:
    """Lone surrogates (from JSON ``\\ud83d`` escapes) cannot be stored or mailed."""
    return _SURROGATE.sub("\ufffd", value)


def _parse(line: str) -> Post:
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        raise _BadLine("invalid JSON") from None
    if not isinstance(data, dict):
        raise _BadLine(f"not a JSON object (got {type(data).__name__})")

    post_id = _identifier(data.get("id"))
    if post_id is None:
        raise _BadLine('missing or empty "id" (a string or integer)')
    if len(post_id) > MAX_ID_CHARS:
        raise _BadLine(f'"id" longer than {MAX_ID_CHARS} characters')

    text = data.get("text")
    if not isinstance(text, str):
        raise _BadLine('"text" is missing or not a string')
    text = _clean(text[:MAX_TEXT_CHARS])

    created_at = _timestamp(data.get("created_at"))
    parent_id = _identifier(data.get("parent_id"))
    kind = data.get("kind")
    if kind not in _KINDS:
        kind = "comment" if parent_id is not None else "post"
    author = data.get("author")
    return Post(
        id=post_id,
        text=text,
        author=_clean(author) if isinstance(author, str) and author.strip() else None,
        created_at=created_at,
        url=_http_url(data.get("url")),
        parent_id=parent_id,
        kind=str(kind),
    )


def _identifier(value: Any) -> str | None:
    if _is_int(value):
        return str(value)
    if isinstance(value, str) and value.strip():
        return _clean(value.strip())
    return None


def _timestamp(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadLine('"created_at" is not an ISO 8601 string')
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _BadLine('"created_at" is not a valid ISO 8601 date-time') from None
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _http_url(value: Any) -> str | None:
    """Only http(s) links: the URL ends up as a link in e-mails and the review page."""
    if isinstance(value, str) and re.match(r"^https?://\S+$", value.strip(), re.IGNORECASE):
        return _clean(value.strip())
    return None
