"""Reading r/<sub>/new and r/<sub>/comments up to a high-water mark, and the cursor.

Reddit lists newest first and pages backwards with ``after=<fullname>``. Base-36 ids are
handed out in creation order, so "newer than what we returned" is simply "id greater than
the largest id returned" -- one number per listing, which survives restarts, deletions and
removals (a vanished item is never needed again, unlike a ``before=<fullname>`` anchor,
which Reddit answers with an empty page once that item is removed).
"""

from __future__ import annotations

import heapq
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sitewatch.exceptions import FatalConnectorError, RetriableConnectorError
from sitewatch.models import Post, SkippedItem

MAX_TEXT_CHARS = 1_000_000
CURSOR_VERSION = 1
KINDS = {"t3": "post", "t1": "comment"}
LISTINGS = {"t3": "new", "t1": "comments"}

_ID = re.compile(r"[0-9a-z]{1,13}")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PERMALINK = re.compile(r"/r/[A-Za-z0-9_]+/comments/[^\s?#]*")

GetJson = Callable[[str, Mapping[str, str | int]], Any]


# -- cursor --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cursor:
    """The largest id returned so far per listing (None: nothing returned yet)."""

    subreddit: str
    marks: Mapping[str, str | None]

    def mark(self, kind: str) -> int | None:
        value = self.marks.get(kind)
        return None if value is None else int(value, 36)

    def encode(self) -> str:
        return json.dumps(
            {
                "v": CURSOR_VERSION,
                "platform": "reddit",
                "sr": self.subreddit,
                "t3": self.marks.get("t3"),
                "t1": self.marks.get("t1"),
            },
            separators=(",", ":"),
        )


def fresh_cursor(subreddit: str) -> Cursor:
    return Cursor(subreddit.lower(), {"t3": None, "t1": None})


def decode_cursor(raw: str) -> Cursor:
    bad = FatalConnectorError(
        "not a reddit connector cursor (expected the JSON object "
        '{"v": 1, "platform": "reddit", "sr": ..., "t3": ..., "t1": ...} this connector '
        "returned); reset the site's cursor to read the subreddit from its oldest listed post"
    )
    try:
        data = json.loads(raw)
    except (TypeError, ValueError, RecursionError):
        raise bad from None
    if (
        not isinstance(data, dict)
        or data.get("v") != CURSOR_VERSION
        or data.get("platform") != "reddit"
    ):
        raise bad
    subreddit = data.get("sr")
    if not isinstance(subreddit, str) or not subreddit:
        raise bad
    marks: dict[str, str | None] = {}
    for kind in KINDS:
        value = data.get(kind)
        if value is not None and not (isinstance(value, str) and _ID.fullmatch(value)):
            raise bad
        marks[kind] = value
    return Cursor(subreddit, marks)


# -- one listing child ---------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """A listing child we can place in order (it has a valid id)."""

    kind: str
    id: str
    number: int
    created: float | None
    data: Mapping[str, Any]

    @property
    def fullname(self) -> str:
        return f"{self.kind}_{self.id}"


def _item(child: Any, kind: str) -> Item | None:
    """The child as an Item, or None when it has no usable id (cannot be ordered)."""
    if not isinstance(child, dict) or child.get("kind") != kind:
        return None
    data = child.get("data")
    if not isinstance(data, dict):
        return None
    item_id = data.get("id")
    if not (isinstance(item_id, str) and _ID.fullmatch(item_id)):
        name = data.get("name")
        prefix = f"{kind}_"
        if isinstance(name, str) and name.startswith(prefix) and _ID.fullmatch(name[3:]):
            item_id = name[3:]
        else:
            return None
    created = data.get("created_utc")
    when = (
        float(created)
        if isinstance(created, int | float) and not isinstance(created, bool)
        else None
    )
    if when is not None and not (math.isfinite(when) and when > 0):
        when = None
    return Item(kind, item_id, int(item_id, 36), when, data)


# -- walking a listing ---------------------------------------------------------------------
@dataclass
class Walk:
    """Items newer than the mark, oldest first, and what could not be read."""

    items: list[Item] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)
    requests: int = 0
    gap: bool = False


def parse_listing(body: Any, where: str) -> tuple[list[Any], str | None]:
    if not isinstance(body, dict) or body.get("kind") != "Listing":
        raise RetriableConnectorError(f"{where}: response is not a Reddit Listing")
    data = body.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("children"), list):
        raise RetriableConnectorError(f"{where}: Listing without a children array")
    after = data.get("after")
    return data["children"], after if isinstance(after, str) and after else None


def walk(
    get_json: GetJson,
    subreddit: str,
    kind: str,
    mark: int | None,
    *,
    request_limit: int,
    max_items: int,
) -> Walk:
    """Page from the newest item back to the first one at or below ``mark``.

    Without a mark the whole listing is read (Reddit keeps about 1,000 items in one).
    When the item that ``after`` points at vanishes between two requests Reddit answers
    with an empty page; the walk then starts over from the newest item.
    """
    path = f"/r/{subreddit}/{LISTINGS[kind]}"
    where = f"r/{subreddit}/{LISTINGS[kind]}"
    vanished: set[str] = set()
    requests = 0
    for _attempt in range(3):
        result = Walk()
        seen: dict[int, Item] = {}
        after: str | None = None
        position = 0
        reached = False
        restart = False
        ended = False
        budget = math.ceil(max_items / request_limit) + 1
        for _ in range(budget):
            params: dict[str, str | int] = {"limit": request_limit}
            if after is not None:
                params["after"] = after
                params["count"] = position
            children, next_after = parse_listing(get_json(path, params), where)
            requests += 1
            if not children:
                if after is not None and after not in vanished:
                    vanished.add(after)
                    restart = True
                ended = True
                break
            for child in children:
                position += 1
                item = _item(child, kind)
                if item is None:
                    if reached:
                        continue  # older than the mark: reported by an earlier fetch
                    result.skipped.append(
                        SkippedItem(
                            where=f"{where} #{position}",
                            reason=f"listing child is not a readable {kind} object with an id",
                        )
                    )
                    continue
                if mark is not None and item.number <= mark:
                    reached = True  # finish this page (cheap) but fetch no older one
                    continue
                seen.setdefault(item.number, item)
            if reached or next_after is None or next_after == after:
                ended = True
                break
            after = next_after
            if position >= max_items:
                break
        if restart:
            continue
        result.items = [seen[n] for n in sorted(seen)]
        result.requests = requests
        result.gap = mark is not None and not reached and (not ended or bool(result.items))
        if result.gap:
            result.skipped.append(
                SkippedItem(
                    where=where,
                    reason=(
                        f"the listing ended after {position} items without reaching the last "
                        "item read before: Reddit lists only the newest ~1000, so anything "
                        "older that arrived since the last poll was missed (unless deleted)"
                    ),
                )
            )
        return result
    raise RetriableConnectorError(
        f"{where}: the listing kept changing while it was being read; will try again"
    )


def merge(walks: Iterable[Walk]) -> list[Item]:
    """All items oldest first; each listing keeps its own (id) order, so a prefix of the
    result is a prefix of every listing -- which is what lets one mark per listing work."""

    def key(item: Item) -> float:
        return item.created if item.created is not None else 0.0

    return list(heapq.merge(*(w.items for w in walks), key=key))


# -- an item as a Post ---------------------------------------------------------------------
class BadItem(Exception):
    """The item cannot become a Post; the message is the reason (never the content)."""


def _clean(value: str) -> str:
    return _SURROGATE.sub("\ufffd", value)


def _text(value: Any, field_name: str, *, required: bool) -> str:
    if isinstance(value, str):
        return value
    if value is None and not required:
        return ""
    raise BadItem(f'"{field_name}" is missing or not a string')


def _bare_id(fullname: Any) -> str | None:
    if isinstance(fullname, str) and fullname[:3] in ("t1_", "t3_") and _ID.fullmatch(fullname[3:]):
        return fullname[3:]
    return None


def to_post(item: Item, subreddit: str, web_url: str) -> Post:
    data = item.data
    if item.created is None:
        raise BadItem('"created_utc" is missing or not a valid timestamp')
    if item.kind == "t3":
        title = _text(data.get("title"), "title", required=True)
        body = _text(data.get("selftext"), "selftext", required=False)
        text = f"{title}\n\n{body}" if body.strip() else title
        parent = None
    else:
        text = _text(data.get("body"), "body", required=True)
        parent = _bare_id(data.get("parent_id")) or _bare_id(data.get("link_id"))
        if parent is None:
            raise BadItem('"parent_id" is missing or not a t1_/t3_ fullname')
    if not text.strip():
        raise BadItem("empty text")
    raw_author = data.get("author")
    author = (
        raw_author if isinstance(raw_author, str) and raw_author not in ("", "[deleted]") else None
    )
    return Post(
        id=item.id,
        text=_clean(text[:MAX_TEXT_CHARS]),
        author=None if author is None else _clean(author),
        created_at=datetime.fromtimestamp(item.created, tz=UTC),
        url=_permalink(item, subreddit, web_url),
        parent_id=parent,
        kind=KINDS[item.kind],
    )


def _permalink(item: Item, subreddit: str, web_url: str) -> str:
    """The https link a sponsor clicks; built from ids when Reddit's permalink is odd."""
    permalink = item.data.get("permalink")
    if isinstance(permalink, str) and _PERMALINK.fullmatch(permalink):
        return f"{web_url}{permalink}"
    if item.kind == "t3":
        return f"{web_url}/r/{subreddit}/comments/{item.id}/"
    link = _bare_id(item.data.get("link_id"))
    if link is None:
        return f"{web_url}/r/{subreddit}/comments/"  # pragma: no cover - skipped earlier
    return f"{web_url}/r/{subreddit}/comments/{link}/_/{item.id}/"
