"""The RSS cursor: which entries were delivered (and as what text), bounded.

Feeds have no paging and show only their latest entries, and an entry can be edited in
place. So the cursor remembers, per delivered item, a hash of its id, a hash of the text it
was delivered with and its date. An item whose id is unknown, or whose text hash differs, is
delivered (again); an unchanged one never is. At most ``remember`` items are kept: items no
longer in any feed are forgotten first (they come back, harmlessly, only if a feed shows them
again); when the feeds themselves show more than ``remember`` items, the oldest-dated are
forgotten and the newest date among them becomes a watermark at or below which an unknown
item counts as delivered.

Encoded as compact JSON::

    {"c": "rss", "v": 1,
     "seen": "<base64 of 18-byte records: sha256(id)[:8] + sha256(text)[:6] + minute:u32>",
     "floor": <epoch minute or null>,
     "counts": {"<sha256(post id)[:8] hex>": <comment count whose comments are delivered>},
     "http": {"feed": [etag, last_modified], "comments": [etag, last_modified]},
     "cf": "<site comments feed URL or null>", "trust304": true}
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import struct
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sitewatch.exceptions import FatalConnectorError

__all__ = ["CURSOR_VERSION", "Seen", "State", "decode", "encode", "item_key", "text_stamp"]

CURSOR_VERSION = 1
_RECORD = struct.Struct(">8s6sI")
_MAX_COUNTS = 5000
_MAX_HEADER = 256
_MAX_URL = 2048


def item_key(item_id: str) -> bytes:
    return hashlib.sha256(item_id.encode("utf-8", "surrogatepass")).digest()[:8]


def text_stamp(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:6]


def to_minute(when: datetime | None) -> int:
    """Epoch minutes (0 = no date); fits u32 until the year 10,000."""
    if when is None:
        return 0
    return max(1, min(int(when.timestamp() // 60), 0xFFFFFFFF))


def from_minute(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, tz=UTC)


@dataclass
class Seen:
    stamp: bytes
    minute: int


@dataclass
class State:
    seen: OrderedDict[bytes, Seen] = field(default_factory=OrderedDict)
    floor: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    comments_feed: str | None = None
    trust304: bool = True

    def copy(self) -> State:
        return State(
            seen=OrderedDict(self.seen),
            floor=self.floor,
            counts=dict(self.counts),
            validators=dict(self.validators),
            comments_feed=self.comments_feed,
            trust304=self.trust304,
        )

    def remember(self, key: bytes, stamp: bytes, minute: int) -> None:
        self.seen.pop(key, None)
        self.seen[key] = Seen(stamp, minute)

    def touch(self, keys: list[bytes]) -> None:
        """Move the items still visible in a feed to the recent end (kept longest)."""
        for key in keys:
            if key in self.seen:
                self.seen.move_to_end(key)

    def bound(self, limit: int, visible: set[bytes], protect_from: int | None) -> None:
        """Forget items beyond ``limit``: first those no feed shows any more (least recently
        seen first), then the oldest-dated visible ones, whose newest date becomes the
        watermark. Never forgets down to ``protect_from`` (the oldest undelivered item)."""
        for key in [k for k in self.seen if k not in visible]:
            if len(self.seen) <= limit:
                return
            del self.seen[key]
        dated = sorted((s.minute, k) for k, s in self.seen.items() if s.minute)
        for minute, key in dated:
            if len(self.seen) <= limit:
                return
            if protect_from is not None and minute >= protect_from:
                return
            del self.seen[key]
            self.floor = max(self.floor or 0, minute)

    def already_delivered(self, key: bytes, stamp: bytes, minute: int) -> bool:
        known = self.seen.get(key)
        if known is not None:
            return known.stamp == stamp
        # Forgotten items at or before the watermark were delivered, then forgotten.
        return bool(self.floor and minute and minute <= self.floor)


def encode(state: State) -> str:
    records = b"".join(_RECORD.pack(k, s.stamp, s.minute) for k, s in state.seen.items())
    data: dict[str, Any] = {
        "c": "rss",
        "v": CURSOR_VERSION,
        "seen": base64.b64encode(records).decode("ascii"),
        "floor": state.floor,
        "counts": state.counts,
        "http": {k: list(v) for k, v in state.validators.items()},
        "cf": state.comments_feed,
        "trust304": state.trust304,
    }
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def decode(cursor: str) -> State:
    bad = FatalConnectorError(
        "not an rss connector cursor (expected the JSON object this connector returned, "
        f'with "c": "rss" and "v": {CURSOR_VERSION}); reset the site\'s cursor to read the '
        "feed from the start"
    )
    try:
        data = json.loads(cursor)
    except (TypeError, ValueError, RecursionError):
        raise bad from None
    if not isinstance(data, dict) or data.get("c") != "rss" or data.get("v") != CURSOR_VERSION:
        raise bad
    try:
        raw = base64.b64decode(str(data["seen"]).encode("ascii"), validate=True)
        if len(raw) % _RECORD.size:
            raise bad
        seen: OrderedDict[bytes, Seen] = OrderedDict()
        for key, stamp, minute in _RECORD.iter_unpack(raw):
            seen[key] = Seen(stamp, minute)
        floor = data.get("floor")
        if floor is not None and (not _is_int(floor) or floor < 0):
            raise bad
        counts = data.get("counts") or {}
        if not isinstance(counts, dict) or len(counts) > _MAX_COUNTS:
            raise bad
        if not all(isinstance(k, str) and _is_int(v) for k, v in counts.items()):
            raise bad
        validators: dict[str, tuple[str | None, str | None]] = {}
        for name, pair in (data.get("http") or {}).items():
            if not isinstance(pair, list) or len(pair) != 2:
                raise bad
            etag, modified = (_header(v) for v in pair)
            validators[str(name)] = (etag, modified)
        cf = data.get("cf")
        if cf is not None and (not isinstance(cf, str) or len(cf) > _MAX_URL):
            raise bad
        trust304 = data.get("trust304", True)
        if not isinstance(trust304, bool):
            raise bad
    except (KeyError, AttributeError, binascii.Error, UnicodeEncodeError, struct.error):
        raise bad from None
    return State(
        seen=seen,
        floor=floor,
        counts=dict(counts),
        validators=validators,
        comments_feed=cf,
        trust304=trust304,
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _header(value: object) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= _MAX_HEADER:
        return value
    return None
