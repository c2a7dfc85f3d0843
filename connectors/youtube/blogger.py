"""Blogger connector: the posts and comments of one blog (Blogger API v3).

``target`` is the numeric blog id (Blogger dashboard > Settings > the ``blogID=`` in the
address, or ``blogs.getByUrl``). Reads with an API key only (``SITEWATCH_GOOGLE_API_KEY``):

- posts: ``posts.list(orderBy=PUBLISHED, sortOption=ASCENDING, startDate=<mark>)``, oldest
  first, from the newest post already read; ``kind="post"``, text = title + the body with its
  HTML reduced to text by the stdlib ``html.parser`` (nothing in it is fetched or run);
- comments: ``comments.listByBlog(startDate=<mark>)`` (every post's comments in one list, so a
  comment on an old post is found as quickly as one on a new post), walked newest first page by
  page; ``kind="comment"``, ``parent_id`` = the post id, ``url`` = the post's address with
  ``?showComment=<ms>#c<id>`` (Blogger's comment permalink; the post's address is looked up
  with ``posts.get`` once per post and process).

Cursor: the JSON object ``{"v": 1, "p": "blogger", "blog": id, "ph": "p"|"c", "pm": post
mark, "cm": comment mark, "cw": comment walk in progress or null}``. A *mark* is
``[published, [ids at exactly that time]]`` (see ``sitewatch_connectors.youtube``); the
posts list restarts at ``startDate`` = the mark's time on every fetch and skips the ids the
mark holds, so it needs no page token. The comment walk keeps its next ``pageToken``, the
newest comment it emitted (the next mark) and the oldest (skipped again if a refused page token
restarts the walk). API pages are consumed whole: a restart repeats and loses nothing.

Site options: ``page_size`` (1..100, default 50; ``maxResults`` of every call), ``timeout``
(seconds, default 30). Post edits are not re-read; Blogger has no moderation call usable with
an API key, so there is no ``act``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from sitewatch.exceptions import ConnectorError, FatalConnectorError, RetriableConnectorError
from sitewatch.logs import get_logger
from sitewatch.models import AccessReport, Page, Post, Site, SkippedItem

from ..base import site_page_size
from ._google import (
    ApiFailure,
    Mark,
    api_key,
    build_service,
    clean_text,
    execute,
    html_to_text,
    https_url,
    lower_mark,
    parse_time,
    raise_mark,
    str_field,
)

__all__ = ["BloggerConnector"]

log = get_logger(__name__)

DEFAULT_PAGE_SIZE = 50
MAX_CACHED_URLS = 5_000
_CURSOR_VERSION = 1
_BLOG_ID = re.compile(r"[0-9]{1,30}")
_BAD_TOKEN_REASONS = frozenset({"invalidPageToken", "pageTokenInvalid", "invalid", "badRequest"})
_MAX_EMPTY_PAGES = 20


class _BadItem(Exception):
    """One item is unusable; the message is the SkippedItem reason (never its content)."""


@dataclass
class _Walk:
    token: str | None = None
    top: Mark | None = None
    low: Mark | None = None


@dataclass
class _State:
    blog: str
    phase: str = "p"
    posts: Mark | None = None
    comments: Mark | None = None
    walk: _Walk | None = None

    def encode(self) -> str:
        def mark(m: Mark | None) -> Any:
            return m.to_json() if m is not None else None

        walk = self.walk
        return json.dumps(
            {
                "v": _CURSOR_VERSION,
                "p": "blogger",
                "blog": self.blog,
                "ph": self.phase,
                "pm": mark(self.posts),
                "cm": mark(self.comments),
                "cw": None
                if walk is None
                else {"tok": walk.token, "top": mark(walk.top), "low": mark(walk.low)},
            },
            separators=(",", ":"),
        )

    @staticmethod
    def decode(cursor: str) -> _State:
        bad = FatalConnectorError(
            "not a Blogger connector cursor (expected the JSON object "
            '{"v": 1, "p": "blogger", ...} this connector returned); reset the site\'s cursor'
        )
        try:
            d = json.loads(cursor)
            if not isinstance(d, dict) or d.get("v") != _CURSOR_VERSION or d.get("p") != "blogger":
                raise bad
            blog, phase, cw = d["blog"], d["ph"], d["cw"]
            if not isinstance(blog, str) or phase not in ("p", "c"):
                raise bad
            walk = None
            if cw is not None:
                token = cw["tok"]
                if token is not None and not isinstance(token, str):
                    raise bad
                walk = _Walk(token, Mark.from_json(cw["top"]), Mark.from_json(cw["low"]))
            return _State(
                blog=blog,
                phase=phase,
                posts=Mark.from_json(d["pm"]),
                comments=Mark.from_json(d["cm"]),
                walk=walk,
            )
        except FatalConnectorError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
            raise bad from None


def _blog_id(site: Site) -> str:
    target = (site.target or "").strip()
    if not _BLOG_ID.fullmatch(target):
        raise FatalConnectorError(
            f"site {site.name!r}: a Blogger target is the numeric blog id (the blogID= value "
            "in the Blogger dashboard's address)"
        )
    return target


def _rfc3339(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class BloggerConnector:
    """Reads one Blogger blog's posts and comments."""

    platform: ClassVar[str] = "blogger"

    def __init__(self) -> None:
        self._post_urls: dict[tuple[str, str], str | None] = {}

    # -- Connector protocol ------------------------------------------------------------------
    def fetch(self, site: Site, cursor: str | None) -> Page:
        """Posts, then comments, newer than ``cursor``."""
        blog = _blog_id(site)
        page_size = site_page_size(site, DEFAULT_PAGE_SIZE, 100)
        key = api_key()
        state = _State.decode(cursor) if cursor else _State(blog=blog)
        if state.blog != blog:
            log.warning("blogger_target_changed", site=site.name, blog=blog)
            state = _State(blog=blog)
        service = build_service(site, "blogger", developer_key=key)
        run = _Run(service, state, page_size, self._post_urls)
        try:
            complete = run.go()
        except ApiFailure as exc:
            raise exc.as_error() from None
        if len(self._post_urls) > MAX_CACHED_URLS:
            self._post_urls.clear()
        posts = sorted(
            run.posts, key=lambda p: (p.created_at or datetime.min.replace(tzinfo=UTC), p.id)
        )
        return Page(
            posts=tuple(posts),
            next_cursor=state.encode(),
            has_more=not complete,
            skipped=tuple(run.skipped),
        )

    def check_access(self, site: Site) -> AccessReport:
        """Whether the blog can be read with the API key; never raises."""
        try:
            blog = _blog_id(site)
            service = build_service(site, "blogger", developer_key=api_key())
            body = execute(service.blogs().get(blogId=blog, maxPosts=0), "blogs.get")
        except ApiFailure as exc:
            return AccessReport(ok=False, detail=str(exc.as_error()))
        except ConnectorError as exc:
            return AccessReport(ok=False, detail=str(exc))
        except Exception as exc:  # the report must never raise
            return AccessReport(ok=False, detail=f"Blogger check failed: {type(exc).__name__}")
        total = (
            body.get("posts", {}).get("totalItems") if isinstance(body.get("posts"), dict) else None
        )
        count = f" ({total} posts)" if isinstance(total, int) else ""
        return AccessReport(ok=True, detail=f"blog {blog} readable{count}")


class _Run:
    def __init__(
        self,
        service: Any,
        state: _State,
        page_size: int,
        post_urls: dict[tuple[str, str], str | None],
    ) -> None:
        self.api = service
        self.state = state
        self.page_size = page_size
        self.post_urls = post_urls
        self.posts: list[Post] = []
        self.skipped: list[SkippedItem] = []

    def go(self) -> bool:
        """Fill a page; True when both lists are read to their end."""
        s = self.state
        while len(self.posts) < self.page_size:
            if s.phase == "p":
                if self.read_posts():
                    s.phase = "c"
            elif self.read_comments():
                s.phase = "p"
                return True
        return False

    # -- posts -------------------------------------------------------------------------------
    def read_posts(self) -> bool:
        """One page of posts, oldest first; True when no newer post remains."""
        s = self.state
        token: str | None = None
        for _ in range(_MAX_EMPTY_PAGES):
            request = self.api.posts().list(
                blogId=s.blog,
                orderBy="PUBLISHED",
                sortOption="ASCENDING",
                startDate=_rfc3339(s.posts.t) if s.posts is not None else None,
                maxResults=self.page_size,
                pageToken=token,
                fetchBodies=True,
                fetchImages=False,
            )
            body = execute(request, "posts.list")
            emitted = 0
            for item in _items(body, "posts.list"):
                try:
                    post = _post(item)
                except _BadItem as exc:
                    self.skipped.append(SkippedItem(where=_where(item, s.blog), reason=str(exc)))
                    continue
                assert post.created_at is not None
                if s.posts is not None and s.posts.covers(post.created_at, post.id):
                    continue
                self.posts.append(post)
                self.post_urls[(s.blog, post.id)] = post.url
                s.posts = raise_mark(s.posts, post.created_at, post.id)
                emitted += 1
            token = (
                body.get("nextPageToken") if isinstance(body.get("nextPageToken"), str) else None
            )
            if not token:
                return True
            if emitted:
                return False  # more pages: the next fetch starts again at the new mark
        return False  # many posts at one instant; go on next fetch

    # -- comments ----------------------------------------------------------------------------
    def read_comments(self) -> bool:
        """One page of the comment walk; True when the walk reached its end."""
        s = self.state
        stop = s.comments
        walk = s.walk or _Walk(top=stop)
        s.walk = walk
        request = self.api.comments().listByBlog(
            blogId=s.blog,
            startDate=_rfc3339(stop.t) if stop is not None else None,
            maxResults=self.page_size,
            pageToken=walk.token,
            fetchBodies=True,
        )
        try:
            body = execute(request, "comments.listByBlog")
        except ApiFailure as exc:
            if walk.token and exc.status == 400 and exc.reason in _BAD_TOKEN_REASONS:
                walk.token = None  # restart at the newest; `low` skips what was emitted
                return False
            raise
        for item in _items(body, "comments.listByBlog"):
            try:
                comment_id, published, post_id = _comment_key(item)
            except _BadItem as exc:
                self.skipped.append(SkippedItem(where=_where(item, s.blog), reason=str(exc)))
                continue
            if stop is not None and stop.covers(published, comment_id):
                continue
            if walk.low is not None and not walk.low.below(published, comment_id):
                continue
            try:
                post = _comment(item, self.post_url(post_id))
            except _BadItem as exc:
                self.skipped.append(SkippedItem(where=comment_id, reason=str(exc)))
                continue
            self.posts.append(post)
            walk.top = raise_mark(walk.top, published, comment_id)
            walk.low = lower_mark(walk.low, published, comment_id)
        token = body.get("nextPageToken")
        if isinstance(token, str) and token:
            walk.token = token
            return False
        s.comments, s.walk = walk.top, None
        return True

    def post_url(self, post_id: str) -> str | None:
        key = (self.state.blog, post_id)
        if key not in self.post_urls:
            request = self.api.posts().get(
                blogId=self.state.blog, postId=post_id, fetchBody=False, fetchImages=False
            )
            try:
                url = https_url(str_field(execute(request, "posts.get"), "url"))
            except ApiFailure as exc:
                if exc.status not in (403, 404):
                    raise
                url = None  # the post is gone or hidden: the comment still counts
            self.post_urls[key] = url
        return self.post_urls[key]


# -- items -----------------------------------------------------------------------------------
def _items(body: dict[str, Any], what: str) -> list[Any]:
    items = body.get("items", [])
    if not isinstance(items, list):
        raise RetriableConnectorError(f"{what}: malformed response (items is not a list)")
    return [item for item in items if isinstance(item, dict)]


def _where(item: Any, blog: str) -> str:
    return str_field(item, "id") or f"blog {blog}"


def _author(item: Any) -> str | None:
    name = str_field(item, "author", "displayName")
    return clean_text(name) if name else None


def _post(item: Any) -> Post:
    post_id = str_field(item, "id")
    published = parse_time(str_field(item, "published"))
    if post_id is None or published is None:
        raise _BadItem("post without an id or a valid published time")
    title = html_to_text(str_field(item, "title") or "")
    content = html_to_text(str_field(item, "content") or "")
    text = f"{title}\n\n{content}".strip()
    if not text:
        raise _BadItem("post without a title or content")
    return Post(
        id=post_id,
        text=clean_text(text),
        author=_author(item),
        created_at=published,
        url=https_url(str_field(item, "url")),
        parent_id=None,
        kind="post",
    )


def _comment_key(item: Any) -> tuple[str, datetime, str]:
    comment_id = str_field(item, "id")
    published = parse_time(str_field(item, "published"))
    post_id = str_field(item, "post", "id")
    if comment_id is None or published is None or post_id is None:
        raise _BadItem("comment without an id, a post id or a valid published time")
    return comment_id, published, post_id


def _comment(item: Any, post_url: str | None) -> Post:
    comment_id, published, post_id = _comment_key(item)
    text = html_to_text(str_field(item, "content") or "")
    if not text:
        raise _BadItem("comment without text")
    url = None
    if post_url and not urlsplit(post_url).query:
        millis = int(published.timestamp() * 1000)
        url = f"{post_url}?showComment={millis}#c{comment_id}"
    return Post(
        id=comment_id,
        text=text,
        author=_author(item),
        created_at=published,
        url=url,
        parent_id=post_id,
        kind="comment",
    )
