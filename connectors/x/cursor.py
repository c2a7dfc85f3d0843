"""The X connector's cursor: per-stream id windows that survive a restart at any point.

X returns every timeline newest first. The daemon needs posts oldest first, and a cursor that
commits after each page, so each stream (the account's tweets; replies and mentions) keeps

- ``since``: every tweet with an id <= ``since`` has been returned (None: nothing yet), and
- ``until``: ascending upper bounds (exclusive ``until_id`` values) still to be worked off.

A fetch asks for the window ``(since, until[0])`` (``until`` empty: up to now). When X says
the window holds more than one page (``next_token``), the oldest id of that answer becomes a
new, lower bound and the window is asked again: a descent towards the oldest unseen page.
When a window fits in one page it is returned whole, oldest first; ``since`` moves to its
newest id and the bound is dropped, so the next window is the one above it. The topmost
window, ``(since, now]``, is always implicitly pending: a stream is caught up only when that
window has been read whole. Tweet ids are
time-ordered (snowflakes), so nothing at or below ``since`` is ever asked for again (no
repeats) and every id above it lies in some pending window (no gaps). Pagination tokens are
never stored: they are opaque and short-lived, ids are neither.

Encoded as compact JSON: ``{"p": "x", "v": 1, "uid": "<account id>", "next": <stream index>,
"s": [{"since": "<id>"|null, "until": ["<id>", …]}, …]}``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sitewatch.exceptions import FatalConnectorError

__all__ = ["CURSOR_VERSION", "STREAMS", "Cursor", "StreamState", "decode", "encode"]

CURSOR_VERSION = 1
STREAMS = ("tweets", "replies")
"""Stream order: the account's own tweets first, then replies and mentions."""

MAX_BOUNDS = 10_000  # far above X's 3,200-tweet reach at the smallest page size
_ID = re.compile(r"[1-9][0-9]{0,19}")


@dataclass
class StreamState:
    since: int | None = None
    until: list[int] = field(default_factory=list)


@dataclass
class Cursor:
    uid: str
    next: int = 0
    streams: list[StreamState] = field(default_factory=lambda: [StreamState() for _ in STREAMS])


_BAD = (
    "not an X connector cursor (expected the JSON object this connector returned, "
    '{"p": "x", "v": 1, …}); reset the site\'s cursor to read the account from the start'
)


def encode(cursor: Cursor) -> str:
    return json.dumps(
        {
            "p": "x",
            "v": CURSOR_VERSION,
            "uid": cursor.uid,
            "next": cursor.next,
            "s": [
                {
                    "since": None if s.since is None else str(s.since),
                    "until": [str(u) for u in s.until],
                }
                for s in cursor.streams
            ],
        },
        separators=(",", ":"),
    )


def decode(text: str) -> Cursor:
    """The cursor in ``text``; a foreign or damaged one is a FatalConnectorError."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError, RecursionError):
        raise FatalConnectorError(_BAD) from None
    if not isinstance(data, dict) or data.get("p") != "x":
        raise FatalConnectorError(_BAD)
    if data.get("v") != CURSOR_VERSION:
        raise FatalConnectorError(f"X cursor version {data.get('v')!r} is not supported; {_BAD}")
    uid, nxt, streams = data.get("uid"), data.get("next"), data.get("s")
    if not (isinstance(uid, str) and _ID.fullmatch(uid)):
        raise FatalConnectorError(_BAD)
    if not (isinstance(nxt, int) and not isinstance(nxt, bool) and 0 <= nxt < len(STREAMS)):
        raise FatalConnectorError(_BAD)
    if not (isinstance(streams, list) and len(streams) == len(STREAMS)):
        raise FatalConnectorError(_BAD)
    return Cursor(uid=uid, next=nxt, streams=[_stream(s) for s in streams])


def _stream(raw: Any) -> StreamState:
    if not isinstance(raw, dict):
        raise FatalConnectorError(_BAD)
    since_raw, until_raw = raw.get("since"), raw.get("until")
    since = None if since_raw is None else _id(since_raw)
    if not isinstance(until_raw, list) or len(until_raw) > MAX_BOUNDS:
        raise FatalConnectorError(_BAD)
    until = [_id(u) for u in until_raw]
    if until != sorted(set(until)) or (since is not None and until and until[0] <= since):
        raise FatalConnectorError(_BAD)
    return StreamState(since=since, until=until)


def _id(value: Any) -> int:
    if not (isinstance(value, str) and _ID.fullmatch(value)):
        raise FatalConnectorError(_BAD)
    return int(value)
