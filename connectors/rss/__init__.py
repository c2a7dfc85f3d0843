"""RSS 2.0 / Atom 1.0 connector for blog feeds (WordPress, district CMS), via feedparser.

``target`` is the feed URL (http or https), e.g. ``https://lhsband.example.org/feed/``. The
connector fetches it itself (stdlib ``urllib``: User-Agent ``sitewatch/<version>``, the
site's ``timeout``, conditional GET with the ETag/Last-Modified kept in the cursor, no
file/ftp handlers, a 16 MiB cap) and hands the bytes to ``feedparser.parse``. ``endpoint``,
when set, replaces the scheme and host of every URL on the target's host (tests, a proxy).

Comments are read too (WordPress and anything that advertises comment feeds):

- per-post comment feeds (``wfw:commentRss``, or Atom ``link rel="replies"`` with a feed
  type), fetched when the post's advertised count (``slash:comments``, ``thr:count``,
  ``thr:total``) differs from the count whose comments were already delivered, or once for
  a new post that advertises no count; at most 20 such feeds per fetch (``has_more`` stays
  true until the rest are read);
- the site-wide comments feed (WordPress ``/comments/feed/``), which also covers comments
  on posts that have left the main feed's window. Comment titles ("Comment on … by …") are
  not part of a comment's text: they repeat the post title.

Site options (``[sites.options]``):

- ``page_size`` (default 100, 1..1000): items per ``fetch``; feeds have no paging, so a
  large feed is split across fetches through the cursor, oldest first.
- ``timeout`` (seconds, default 30): per request.
- ``comments`` (bool, default true): follow the comment feeds the feed advertises.
- ``comments_feed`` (default ``"auto"``): the site-wide comments feed. ``"auto"`` derives it
  when the feed is a WordPress main feed (``<home>/feed/`` → ``<home>/comments/feed/``,
  ``/feed/atom/`` → ``/comments/feed/atom/``, ``?feed=rss2`` → ``?feed=comments-rss2``); a
  URL (absolute, or a path on the target's host) names it; ``""`` turns it off. A 404 on an
  auto-derived one is ignored.
- ``remember`` (default 2000, 100..50000): delivered items the cursor remembers.

Delivery: an item (post or comment) is delivered when its id is new or its text changed
since it was delivered (an edit is re-delivered once, so the daemon rescans it), never when
unchanged. Items come oldest first (dated by ``published``, else ``updated``; undated ones
last in feed order). ``id`` is the entry's guid/id, else its link, else a hash of its text;
ids longer than 200 characters keep a 150-character prefix plus a hash. Text is the title
plus the content (``content:encoded``/Atom content, with a custom excerpt appended when it
is not part of the content) converted from HTML to plain text (scripts and styles dropped,
image alt text kept). ``author`` is ``dc:creator``/the Atom author name; links that are not
http(s) are dropped. A comment's ``parent_id`` is its post's id (per-post feeds; in the
site-wide feed: Atom ``thr:in-reply-to``, the WordPress ``…?p=N#comment-M`` guid, or the
post link).

Cursor: versioned JSON (``{"c": "rss", "v": 1, ...}``, see ``state``): hashed ids with text
hashes and dates, bounded by ``remember`` (items gone from every feed are forgotten first,
the newest forgotten date becomes a watermark), per-post comment counts, and the HTTP
validators of the main and site-wide comments feeds, stored only once every item they led
to was delivered (so a restart mid-pagination neither loses nor repeats anything). A 304 on
every feed is an empty page with the cursor unchanged.

Errors: HTTP statuses via ``error_for_status`` (401/403/404/410 fatal; 429 and 5xx
retriable with Retry-After); timeouts and connection errors retriable; a body that is not a
parseable feed (feedparser ``bozo`` with no entries) retriable, while a feed that parses
with errors keeps its good entries. A per-post comment feed that is missing, forbidden or
broken becomes a ``SkippedItem``; so does an entry with neither title nor text.

Credentials: none (public feeds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from sitewatch.exceptions import ConnectorError, FatalConnectorError
from sitewatch.logs import get_logger
from sitewatch.models import AccessReport, Page, Post, Site, SkippedItem

from ..base import DEFAULT_TIMEOUT
from . import http
from .entries import Item, ParsedFeed, UnparseableFeed, http_url, parse_feed, to_items
from .state import State, decode, encode, item_key

__all__ = ["MAX_COMMENT_FEEDS_PER_FETCH", "RssConnector"]

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
DEFAULT_REMEMBER = 2000
MAX_COMMENT_FEEDS_PER_FETCH = 20
"""Per-post comment feeds read by one ``fetch``; the rest wait for the next (has_more)."""

_UNKNOWN_COUNT = -1
"""Recorded for a post whose comment feed was read but whose count is not advertised."""

log = get_logger(__name__)


@dataclass(frozen=True)
class _Options:
    feed: str
    host: str
    endpoint: str | None
    timeout: float
    page_size: int
    remember: int
    comments: bool
    comments_feed: str | None  # "auto", a URL, or None (off)

    @classmethod
    def of(cls, site: Site) -> _Options:
        feed = http_url(site.target)
        host = urlsplit(feed).hostname if feed else None
        if not feed or not host:
            raise FatalConnectorError(
                f"site {site.name!r}: rss target must be the feed's http(s) URL"
            )
        endpoint = None
        if site.endpoint:
            endpoint = http_url(site.endpoint)
            if endpoint is None:
                raise FatalConnectorError(f"site {site.name!r}: endpoint must be an http(s) URL")
        opts = site.options
        comments = opts.get("comments", True)
        if not isinstance(comments, bool):
            raise FatalConnectorError(f"site {site.name!r}: options.comments must be true/false")
        comments_feed = opts.get("comments_feed", "auto")
        if comments_feed in ("", None, False):
            comments_feed = None
        elif comments_feed != "auto":
            joined = urljoin(feed, comments_feed) if isinstance(comments_feed, str) else None
            comments_feed = http_url(joined)
            if comments_feed is None:
                raise FatalConnectorError(
                    f'site {site.name!r}: options.comments_feed must be "auto", "" or a URL'
                )
        return cls(
            feed=feed,
            host=host.lower(),
            endpoint=endpoint,
            timeout=_number(site, "timeout", DEFAULT_TIMEOUT, 0.1, 600.0),
            page_size=int(_number(site, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, True)),
            remember=int(_number(site, "remember", DEFAULT_REMEMBER, 100, 50_000, True)),
            comments=comments,
            comments_feed=comments_feed,
        )

    def same_host(self, url: str) -> bool:
        return (urlsplit(url).hostname or "").lower() == self.host

    def wire(self, url: str) -> str:
        """The URL to request: ``endpoint`` replaces scheme and host on the target's host."""
        if not self.endpoint or not self.same_host(url):
            return url
        base = urlsplit(self.endpoint)
        parts = urlsplit(url)
        path = base.path.rstrip("/") + (parts.path or "/")
        return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))


def _number(
    site: Site, name: str, default: float, low: float, high: float, integer: bool = False
) -> float:
    raw = site.options.get(name, default)
    bad = FatalConnectorError(
        f"site {site.name!r}: options.{name} must be a number from {low:g} to {high:g}, not {raw!r}"
    )
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise bad
    try:
        value = float(raw)
    except ValueError:
        raise bad from None
    if not low <= value <= high or (integer and value != int(value)):
        raise bad
    return value


class RssConnector:
    """Reads an RSS/Atom feed and its comment feeds; stateless, the daemon keeps the cursor."""

    platform: ClassVar[str] = "rss"

    # -- Connector protocol ----------------------------------------------------------------
    def fetch(self, site: Site, cursor: str | None) -> Page:
        """New and edited items after ``cursor``, oldest first, at most ``page_size``."""
        try:
            return self._fetch(site, cursor)
        except ConnectorError:
            raise
        except Exception as exc:  # a bug meeting hostile input must still not escape
            log.error("rss connector failed", site=site.name, error=type(exc).__name__)
            raise FatalConnectorError(
                f"the rss connector failed on this feed ({type(exc).__name__}); "
                "please report it with the sitewatch log"
            ) from None

    def _fetch(self, site: Site, cursor: str | None) -> Page:
        opts = _Options.of(site)
        old = State() if cursor is None else decode(cursor)
        new = old.copy()
        skipped: list[SkippedItem] = []
        items: list[Item] = []
        post_links: dict[str, str] = {}

        # 1. The feed itself.
        etag, modified = old.validators.get("feed", (None, None)) if old.trust304 else (None, None)
        main = http.get(
            opts.wire(opts.feed), timeout=opts.timeout, etag=etag, last_modified=modified
        )
        main_items: list[Item] = []
        if main.body is not None:
            parsed = parse_feed(
                main.body, public_url=opts.feed, content_type=main.content_type, label="feed"
            )
            main_items = to_items(
                parsed.entries, source="feed", kind="post", where=http.describe(opts.feed)
            )
            items.extend(main_items)
            post_links = {
                it.link.split("#", 1)[0]: it.post.id for it in main_items if it.post and it.link
            }
            if opts.comments_feed == "auto":
                new.comments_feed = _wordpress_comments_feed(opts.feed, parsed)

        # 2. The site-wide comments feed (WordPress /comments/feed/).
        comments_resp: http.FeedResponse | None = None
        comments_ok = True
        cf = self._site_comments(opts, new)
        if cf:
            comments_resp, cf_items, comments_ok = self._site_comment_items(
                opts, old, cf, post_links, skipped
            )
            items.extend(cf_items)
            if comments_resp is None:  # an auto-derived feed that does not exist
                cf = new.comments_feed = None
        if main.body is not None:
            # The main feed's 304 says nothing about comment counts; without a site-wide
            # comments feed to catch new comments, the feed is always read in full.
            advertises = any(it.comment_feed for it in main_items)
            new.trust304 = not (opts.comments and advertises and not cf)

        # 3. Per-post comment feeds of the posts in the feed.
        post_counts: dict[str, int] = {}
        deferred = 0
        if opts.comments and main.body is not None:
            budget = MAX_COMMENT_FEEDS_PER_FETCH
            for it in main_items:
                if it.post is None:
                    continue
                hexkey = it.key.hex()
                count = it.comment_count
                url = (
                    it.comment_feed if it.comment_feed and opts.same_host(it.comment_feed) else None
                )
                if url is None or not _needs_comment_fetch(old, hexkey, count):
                    post_counts[hexkey] = count if count is not None else old.counts.get(hexkey, 0)
                    continue
                if budget == 0:
                    deferred += 1
                    continue
                budget -= 1
                items.extend(self._post_comments(opts, url, it.post, skipped))
                post_counts[hexkey] = count if count is not None else _UNKNOWN_COUNT

        if main.body is None and (comments_resp is None or comments_resp.body is None):
            return Page(posts=(), next_cursor=cursor, has_more=False, skipped=tuple(skipped))

        # 4. What is new or edited, oldest first; cut one page.
        pending: list[Item] = []
        visible: list[bytes] = []
        sources: dict[bytes, set[str]] = {}
        for it in items:
            if it.key in sources:  # the same comment in a post's feed and the site's
                sources[it.key].add(it.source)
                continue
            sources[it.key] = {it.source}
            visible.append(it.key)
            if old.already_delivered(it.key, it.stamp, it.minute):
                continue
            if it.skipped is not None:
                skipped.append(it.skipped)
                new.remember(it.key, it.stamp, it.minute)
            else:
                pending.append(it)
        order = {key: n for n, key in enumerate(visible)}
        pending.sort(key=lambda it: _order(it, order))
        page, rest = pending[: opts.page_size], pending[opts.page_size :]
        waiting = {source for it in rest for source in sources[it.key]}

        # 5. The next cursor: remember what this page delivers; validators only when done.
        new.touch(visible)
        for it in page:
            new.remember(it.key, it.stamp, it.minute)
        if main.body is not None:
            visible_posts = {it.key.hex() for it in main_items}
            new.counts = {k: v for k, v in new.counts.items() if k in visible_posts}
            for hexkey, count in post_counts.items():
                if f"post:{hexkey}" in waiting:
                    continue
                if count:
                    new.counts[hexkey] = count
                else:  # no comments: nothing to remember (absent reads as zero)
                    new.counts.pop(hexkey, None)
            if deferred == 0 and not any(s == "feed" or s.startswith("post:") for s in waiting):
                new.validators["feed"] = (main.etag, main.last_modified)
        if (
            comments_resp is not None
            and comments_resp.body is not None
            and comments_ok
            and "comments" not in waiting
        ):
            new.validators["comments"] = (comments_resp.etag, comments_resp.last_modified)
        if not cf:
            new.validators.pop("comments", None)
        oldest_waiting = min((it.minute for it in rest if it.minute), default=None)
        new.bound(opts.remember, set(visible), oldest_waiting)

        log.debug(
            "rss fetched",
            site=site.name,
            delivered=len(page),
            waiting=len(rest),
            skipped=len(skipped),
            deferred_comment_feeds=deferred,
        )
        return Page(
            posts=tuple(it.post for it in page if it.post is not None),
            next_cursor=encode(new),
            has_more=bool(rest) or deferred > 0,
            skipped=tuple(skipped),
        )

    def check_access(self, site: Site) -> AccessReport:
        """Whether the feed answers 200 with a parseable feed; never raises."""
        try:
            opts = _Options.of(site)
            response = http.get(opts.wire(opts.feed), timeout=opts.timeout)
            parsed = parse_feed(
                response.body or b"",
                public_url=opts.feed,
                content_type=response.content_type,
                label="feed",
            )
        except ConnectorError as exc:
            return AccessReport(ok=False, detail=str(exc))
        except Exception as exc:  # never raise from an access check
            return AccessReport(ok=False, detail=f"feed check failed ({type(exc).__name__})")
        return AccessReport(
            ok=True,
            detail=f"feed readable: {http.describe(opts.feed)} "
            f"({parsed.version or 'feed'}, {len(parsed.entries)} entries)",
        )

    # -- comments ----------------------------------------------------------------------------
    @staticmethod
    def _site_comments(opts: _Options, state: State) -> str | None:
        if not opts.comments or opts.comments_feed is None:
            return None
        if opts.comments_feed == "auto":
            return state.comments_feed
        return opts.comments_feed

    def _post_comments(
        self, opts: _Options, url: str, post: Post, skipped: list[SkippedItem]
    ) -> list[Item]:
        """One post's comment feed; missing, forbidden or broken → skipped, not fatal."""
        try:
            response = http.get(opts.wire(url), timeout=opts.timeout, what="comment feed")
            parsed = parse_feed(
                response.body or b"",
                public_url=url,
                content_type=response.content_type,
                label="comment feed",
            )
        except (FatalConnectorError, UnparseableFeed) as exc:
            skipped.append(SkippedItem(where=http.describe(url), reason=str(exc)))
            return []
        return to_items(
            parsed.entries,
            source=f"post:{item_key(post.id).hex()}",
            kind="comment",
            where=http.describe(url),
            parent_id=post.id,
        )

    def _site_comment_items(
        self,
        opts: _Options,
        old: State,
        url: str,
        post_links: dict[str, str],
        skipped: list[SkippedItem],
    ) -> tuple[http.FeedResponse | None, list[Item], bool]:
        etag, modified = old.validators.get("comments", (None, None))
        try:
            response = http.get(
                opts.wire(url),
                timeout=opts.timeout,
                etag=etag,
                last_modified=modified,
                what="comments feed",
            )
        except FatalConnectorError:
            if opts.comments_feed == "auto":  # a guess that did not pan out
                log.info("rss comments feed unavailable", feed=http.describe(url))
                return None, [], False
            raise
        if response.body is None:
            return response, [], True
        try:
            parsed = parse_feed(
                response.body,
                public_url=url,
                content_type=response.content_type,
                label="comments feed",
            )
        except UnparseableFeed as exc:
            skipped.append(SkippedItem(where=http.describe(url), reason=str(exc)))
            return response, [], False
        items = to_items(
            parsed.entries,
            source="comments",
            kind="comment",
            where=http.describe(url),
            post_links=post_links,
        )
        return response, items, True


def _needs_comment_fetch(old: State, hexkey: str, count: int | None) -> bool:
    known = old.counts.get(hexkey)
    if count is None:
        return known is None  # no count advertised: read once, when the post is new
    return count > 0 and known != count


def _order(item: Item, order: dict[bytes, int]) -> tuple[int, int, int]:
    """Dated items by date, undated ones after them; ties in feed order (oldest first)."""
    position = order[item.key]
    if item.minute and item.post is not None and item.post.created_at is not None:
        return (0, int(item.post.created_at.timestamp()), position)
    return (1, 0, position)


def _wordpress_comments_feed(feed: str, parsed: ParsedFeed) -> str | None:
    """WordPress's site-wide comments feed, when ``feed`` is the blog's main feed."""
    if "wordpress" not in parsed.generator.lower():
        return None
    parts = urlsplit(feed)
    home = urlsplit(parsed.home) if parsed.home else None
    home_path = (home.path if home else "").rstrip("/")
    query = dict(parse_qsl(parts.query))
    if query.get("feed") in ("rss2", "atom", "rss") and parts.path.rstrip("/") == home_path:
        query["feed"] = "comments-atom" if query["feed"] == "atom" else "comments-rss2"
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
    for tail, comments in (("/feed/atom", "/comments/feed/atom/"), ("/feed", "/comments/feed/")):
        path = parts.path.rstrip("/")
        if path.endswith(tail) and path[: -len(tail)] == home_path and not parts.query:
            return urlunsplit((parts.scheme, parts.netloc, home_path + comments, "", ""))
    return None
