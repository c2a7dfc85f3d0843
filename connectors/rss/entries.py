"""feedparser results to ``Post`` items: ids, text, dates, comment-feed hints.

Everything here reads hostile input: HTML becomes text (``text.html_to_text``), links must be
http(s), ids are capped so every store can keep them, and a failure on one entry skips that
entry only (its reason never quotes content).
"""

from __future__ import annotations

import calendar
import hashlib
import importlib
import io
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sitewatch.exceptions import RetriableConnectorError
from sitewatch.models import Post, SkippedItem

from .state import item_key, text_stamp, to_minute
from .text import MAX_TEXT_CHARS, clean_text, html_to_text

__all__ = [
    "MAX_ID_CHARS",
    "Item",
    "ParsedFeed",
    "UnparseableFeed",
    "http_url",
    "parse_feed",
    "storable_id",
    "to_items",
]

MAX_ID_CHARS = 200
"""The store keeps post ids up to 200 characters; longer ids keep a prefix and a hash."""

_MAX_URL = 2048
_MAX_AUTHOR = 200
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_FEED_TYPES = frozenset({"application/atom+xml", "application/rss+xml", "application/xml"})
_HTTP_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
_ELLIPSIS = re.compile(r"\s*(\[(…|\.\.\.)\]|…|\.\.\.|read more|continue reading.*)\s*$", re.I)
_WS = re.compile(r"\s+")

# feedparser ships no type information; imported untyped on purpose (no stubs exist).
feedparser: Any = importlib.import_module("feedparser")


@dataclass(frozen=True)
class Item:
    """One entry of one feed: a post to deliver, or a skipped entry (``post`` None)."""

    key: bytes
    stamp: bytes
    minute: int
    source: str
    post: Post | None = None
    skipped: SkippedItem | None = None
    link: str | None = None
    comment_feed: str | None = None
    comment_count: int | None = None


@dataclass(frozen=True)
class ParsedFeed:
    entries: list[Any]
    version: str
    generator: str
    home: str | None


class UnparseableFeed(RetriableConnectorError):
    """The body is not an RSS/Atom feed (retriable: a truncated or interrupted response)."""


class _BadEntry(Exception):
    """The message is the SkippedItem reason (never content)."""


def parse_feed(body: bytes, *, public_url: str, content_type: str | None, label: str) -> ParsedFeed:
    """Parse bytes (never a name feedparser could open); raise if nothing is usable."""
    try:
        result = feedparser.parse(
            io.BytesIO(body),
            response_headers={
                "content-location": public_url,
                "content-type": content_type or "application/xml",
            },
            sanitize_html=True,
            resolve_relative_uris=True,
        )
    except Exception as exc:  # feedparser on hostile bytes: any failure is a bad body
        problem = type(exc).__name__
        raise UnparseableFeed(f"{label}: not a parseable RSS/Atom feed ({problem})") from None
    entries = list(result.get("entries") or [])
    version = str(result.get("version") or "")
    if not entries and (result.get("bozo") or not version):
        problem = type(result.get("bozo_exception")).__name__ if result.get("bozo") else "no feed"
        raise UnparseableFeed(f"{label}: not a parseable RSS/Atom feed ({problem})")
    feed = result.get("feed") or {}
    generator = " ".join(
        str(v)
        for v in (
            feed.get("generator"),
            (feed.get("generator_detail") or {}).get("href"),
            (feed.get("generator_detail") or {}).get("name"),
        )
        if v
    )
    home = feed.get("link")
    return ParsedFeed(
        entries=entries,
        version=version,
        generator=generator,
        home=str(home) if isinstance(home, str) and _HTTP_URL.match(home) else None,
    )


def storable_id(raw: str) -> str:
    raw = clean_text(raw, limit=len(raw) + 1).replace("\n", " ")
    if len(raw) <= MAX_ID_CHARS:
        return raw
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{raw[:150]}#sha256:{digest}"


def to_items(
    entries: Iterable[Any],
    *,
    source: str,
    kind: str,
    where: str,
    parent_id: str | None = None,
    post_links: Mapping[str, str] | None = None,
) -> list[Item]:
    """Items oldest first (feeds list newest first); one bad entry becomes a skip."""
    items: list[Item] = []
    listed = list(entries)
    for index in range(len(listed) - 1, -1, -1):
        entry = listed[index]
        try:
            items.append(_item(entry, source, kind, parent_id, post_links or {}))
        except _BadEntry as exc:
            raw_id = _raw_id(entry) or f"{where} entry {index + 1}"
            name = storable_id(raw_id)
            items.append(
                Item(
                    key=item_key(name),
                    stamp=text_stamp(f"skipped:{exc}"),
                    minute=0,
                    source=source,
                    skipped=SkippedItem(where=name, reason=str(exc)),
                )
            )
    return items


def _item(
    entry: Any, source: str, kind: str, parent_id: str | None, post_links: Mapping[str, str]
) -> Item:
    if not isinstance(entry, Mapping):
        raise _BadEntry("entry is not a mapping")
    title = _title(entry) if kind == "post" else ""  # a comment title repeats the post title
    body = _body(entry)
    text = "\n\n".join(part for part in (title, body) if part)[:MAX_TEXT_CHARS]
    if not text:
        raise _BadEntry("entry has no title or text")
    raw_id = _raw_id(entry)
    post_id = storable_id(raw_id) if raw_id else _content_id(text)
    if not post_id:
        raise _BadEntry("entry has an empty id")
    link = _link(entry)
    created = _date(entry)
    if kind == "comment" and parent_id is None:
        parent_id = _parent(entry, raw_id, link, post_links)
    post = Post(
        id=post_id,
        text=text,
        author=_author(entry),
        created_at=created,
        url=link,
        parent_id=parent_id,
        kind=kind,
    )
    feed_url, count = _comment_hints(entry) if kind == "post" else (None, None)
    return Item(
        key=item_key(post_id),
        stamp=text_stamp(text),
        minute=to_minute(created),
        source=source,
        post=post,
        link=link,
        comment_feed=feed_url,
        comment_count=count,
    )


# -- fields --------------------------------------------------------------------------------
def _raw_id(entry: Any) -> str | None:
    if not isinstance(entry, Mapping):
        return None
    for key in ("id", "link"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _content_id(text: str) -> str:
    """No guid and no link: the content is the identity (an edit reads as a new entry)."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _as_text(value: Any, content_type: Any) -> str:
    if not isinstance(value, str) or not value:
        return ""
    if isinstance(content_type, str) and content_type.lower() in _HTML_TYPES:
        return html_to_text(value)
    return clean_text(value)


def _title(entry: Mapping[str, Any]) -> str:
    """Titles are read as HTML whatever they claim: RSS titles often carry escaped markup."""
    return _as_text(entry.get("title"), "text/html")


def _body(entry: Mapping[str, Any]) -> str:
    contents: list[str] = []
    for part in entry.get("content") or []:
        if isinstance(part, Mapping):
            text = _as_text(part.get("value"), part.get("type", "text/html"))
            if text and text not in contents:
                contents.append(text)
    detail = entry.get("summary_detail") or {}
    summary = _as_text(
        entry.get("summary"),
        detail.get("type", "text/html") if isinstance(detail, Mapping) else "text/html",
    )
    if summary:
        # A custom excerpt can say things the body does not; an automatic one is a prefix.
        body = _WS.sub("", "".join(contents))
        if _WS.sub("", _ELLIPSIS.sub("", summary)) not in body:
            contents.append(summary)
    return "\n\n".join(contents)


def _date(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _author(entry: Mapping[str, Any]) -> str | None:
    detail = entry.get("author_detail")
    name = detail.get("name") if isinstance(detail, Mapping) else None
    if not name:
        name = entry.get("author")
    if not isinstance(name, str):
        return None
    name = clean_text(name, limit=_MAX_AUTHOR)
    return name or None


def http_url(value: Any) -> str | None:
    """Only http(s) links: a URL ends up as a link in e-mails and the review page."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if len(url) > _MAX_URL or not _HTTP_URL.match(url):
        return None
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a port that is not a number or out of range
    except ValueError:
        return None
    return url if parts.hostname else None


def _link(entry: Mapping[str, Any]) -> str | None:
    url = http_url(entry.get("link"))
    if url:
        return url
    for link in entry.get("links") or []:
        if isinstance(link, Mapping) and link.get("rel", "alternate") == "alternate":
            url = http_url(link.get("href"))
            if url:
                return url
    return None


def _count(value: Any) -> int | None:
    try:
        count = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return count if 0 <= count < 10**9 else None


def _comment_hints(entry: Mapping[str, Any]) -> tuple[str | None, int | None]:
    """The entry's own comment feed (WordPress wfw:commentRss, Atom rel=replies) and count."""
    url = http_url(entry.get("wfw_commentrss"))
    count = _count(entry.get("slash_comments")) if "slash_comments" in entry else None
    for link in entry.get("links") or []:
        if not isinstance(link, Mapping) or link.get("rel") != "replies":
            continue
        if count is None and link.get("thr:count") is not None:
            count = _count(link.get("thr:count"))
        if url is None and str(link.get("type", "")).lower() in _FEED_TYPES:
            url = http_url(link.get("href"))
    if count is None and "thr_total" in entry:
        count = _count(entry.get("thr_total"))
    return url, count


def _parent(
    entry: Mapping[str, Any], raw_id: str | None, link: str | None, post_links: Mapping[str, str]
) -> str | None:
    """A site-wide comment's post: Atom thr:in-reply-to, the WordPress guid, or its link."""
    reply_to = entry.get("thr_in-reply-to")
    if isinstance(reply_to, Mapping):
        ref = reply_to.get("ref")
        if isinstance(ref, str) and ref.strip():
            return storable_id(ref.strip())
    if raw_id and "#comment-" in raw_id:
        return storable_id(raw_id.split("#comment-", 1)[0])
    if link:
        page = link.split("#", 1)[0]
        known = post_links.get(page)
        if known is not None:
            return known
        if page != link:
            return storable_id(page)
    return None
