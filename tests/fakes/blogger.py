"""A fake Blogger API v3 on 127.0.0.1 in the shapes of the v3 reference (the static discovery
document shipped with google-api-python-client): ``blogs.get``, ``posts.list`` / ``posts.get``,
``comments.list`` and ``comments.listByBlog``, Google error bodies.

Everything here is generated. Like the real API it takes the ``key`` query parameter (a wrong
key is a 400), paths ``/v3/blogs/{blogId}/...``, ``orderBy`` (PUBLISHED | UPDATED),
``sortOption`` (DESCENDING by default | ASCENDING), ``startDate`` / ``endDate`` on the
published time, ``fetchBodies``, ``maxResults`` and opaque ``pageToken`` values (a token it
cannot read is a 400). Comments list newest first. Timestamps carry the blog's UTC offset
(``2026-09-01T08:00:00-07:00``) as Blogger's do.
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from .server import FakeServer, Request, Response
from .youtube import API_KEY, google_error

BLOG_TZ = timezone(timedelta(hours=-7))
PREFIX = "/v3/blogs/"


def blogger_time(when: datetime) -> str:
    return when.astimezone(BLOG_TZ).isoformat(timespec="milliseconds")


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    when = datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass
class FakePost:
    id: str
    blog: str
    title: str
    content: str
    author: str
    published: datetime
    updated: datetime
    path: str
    comments: list[str] = field(default_factory=list)


@dataclass
class FakeBlogComment:
    id: str
    blog: str
    post: str
    content: str
    author: str
    published: datetime
    in_reply_to: str | None = None


@dataclass
class FakeBlog:
    id: str
    name: str
    posts: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.name.lower().replace(' ', '')}.blogspot.com/"


class BloggerFake(FakeServer):
    """Knobs: ``add_blog``, ``add_post``, ``add_comment``, ``delete_post``."""

    def __init__(self, api_key: str = API_KEY, *, seed: int = 11) -> None:
        super().__init__()
        self.api_key = api_key
        self.blogs: dict[str, FakeBlog] = {}
        self.posts: dict[str, FakePost] = {}
        self.comments: dict[str, FakeBlogComment] = {}
        self.clock = datetime(2026, 9, 1, 15, 0, tzinfo=UTC)
        self._random = random.Random(seed)

    # -- knobs -------------------------------------------------------------------------------
    def tick(self, seconds: float = 60.0) -> datetime:
        with self._lock:
            self.clock += timedelta(seconds=seconds)
            return self.clock

    def _digits(self, n: int) -> str:
        return str(self._random.randint(1, 9)) + "".join(
            str(self._random.randint(0, 9)) for _ in range(n - 1)
        )

    def add_blog(self, name: str = "Lakeview Robotics") -> str:
        with self._lock:
            blog = FakeBlog(id=self._digits(19), name=name)
            self.blogs[blog.id] = blog
            return blog.id

    def add_post(
        self,
        blog: str,
        title: str,
        content: str,
        *,
        author: str = "Coach Brooks",
        published: datetime | None = None,
    ) -> str:
        with self._lock:
            when = published or self.tick()
            post_id = self._digits(19)
            slug = f"{when:%Y/%m}/post-{post_id[-6:]}.html"
            post = FakePost(post_id, blog, title, content, author, when, when, slug)
            self.posts[post_id] = post
            self.blogs[blog].posts.append(post_id)
            return post_id

    def add_comment(
        self,
        post: str,
        content: str,
        *,
        author: str = "Anonymous",
        published: datetime | None = None,
        in_reply_to: str | None = None,
    ) -> str:
        with self._lock:
            p = self.posts[post]
            comment = FakeBlogComment(
                id=self._digits(19),
                blog=p.blog,
                post=post,
                content=content,
                author=author,
                published=published or self.tick(),
                in_reply_to=in_reply_to,
            )
            self.comments[comment.id] = comment
            p.comments.append(comment.id)
            return comment.id

    def delete_post(self, post: str) -> None:
        with self._lock:
            p = self.posts.pop(post)
            self.blogs[p.blog].posts.remove(post)

    # -- FakeServer hooks --------------------------------------------------------------------
    def error_body(self, status: int) -> Any:
        reasons = {
            400: ("badRequest", "Bad Request", "INVALID_ARGUMENT"),
            401: (
                "authError",
                "Request had invalid authentication credentials.",
                "UNAUTHENTICATED",
            ),
            403: (
                "forbidden",
                "We're sorry, but you don't have permission to access this resource.",
                "PERMISSION_DENIED",
            ),
            404: ("notFound", "Not Found", "NOT_FOUND"),
            429: ("rateLimitExceeded", "Rate Limit Exceeded", "RESOURCE_EXHAUSTED"),
            500: ("backendError", "Backend Error", "INTERNAL"),
            503: ("backendError", "The service is currently unavailable.", "UNAVAILABLE"),
        }
        reason, message, state = reasons.get(status, ("unknown", f"HTTP {status}", None))
        return google_error(status, reason, message, "global", state)

    def route(self, request: Request) -> Response:
        if not request.path.startswith(PREFIX) or request.method != "GET":
            return Response(404, self.error_body(404))
        if request.arg("key") != self.api_key:
            return Response(
                400,
                google_error(
                    400,
                    "badRequest",
                    "API key not valid. Please pass a valid API key.",
                    "global",
                    "INVALID_ARGUMENT",
                ),
            )
        parts = request.path[len(PREFIX) :].split("/")
        with self._lock:
            blog = self.blogs.get(parts[0])
            if blog is None:
                return Response(404, google_error(404, "notFound", "Blog not found", "global"))
            try:
                if len(parts) == 1:
                    return self._blog(blog, request)
                if parts[1:] == ["posts"]:
                    return self._post_list(blog, request)
                if parts[1] == "posts" and len(parts) == 3:
                    return self._post_get(blog, parts[2], request)
                if parts[1:] == ["comments"]:
                    return self._comment_list(blog, None, request)
                if parts[1] == "posts" and len(parts) == 4 and parts[3] == "comments":
                    return self._comment_list(blog, parts[2], request)
            except _BadToken:
                return Response(400, google_error(400, "invalid", "Invalid page token", "global"))
            except ValueError:
                return Response(400, google_error(400, "invalid", "Invalid value", "global"))
        return Response(404, self.error_body(404))

    # -- rendering ---------------------------------------------------------------------------
    def _blog(self, blog: FakeBlog, request: Request) -> Response:
        return Response(
            200,
            {
                "kind": "blogger#blog",
                "id": blog.id,
                "name": blog.name,
                "description": "",
                "published": blogger_time(datetime(2024, 8, 1, tzinfo=UTC)),
                "updated": blogger_time(self.clock),
                "url": blog.url,
                "selfLink": f"https://www.googleapis.com/blogger/v3/blogs/{blog.id}",
                "posts": {
                    "totalItems": len(blog.posts),
                    "selfLink": f"https://www.googleapis.com/blogger/v3/blogs/{blog.id}/posts",
                },
                "pages": {
                    "totalItems": 0,
                    "selfLink": f"https://www.googleapis.com/blogger/v3/blogs/{blog.id}/pages",
                },
                "locale": {"language": "en", "country": "", "variant": ""},
            },
        )

    def _author(self, name: str) -> dict[str, Any]:
        return {
            "id": str(abs(hash(name)) % 10**20),
            "displayName": name,
            "url": "https://www.blogger.com/profile/" + str(abs(hash(name)) % 10**20),
            "image": {"url": "//resources.blogblog.com/img/blank.gif"},
        }

    def _post(self, post: FakePost, blog: FakeBlog, bodies: bool) -> dict[str, Any]:
        item: dict[str, Any] = {
            "kind": "blogger#post",
            "id": post.id,
            "blog": {"id": blog.id},
            "published": blogger_time(post.published),
            "updated": blogger_time(post.updated),
            "etag": f'"{abs(hash((post.id, post.updated))) % 10**12}"',
            "url": blog.url + post.path,
            "selfLink": f"https://www.googleapis.com/blogger/v3/blogs/{blog.id}/posts/{post.id}",
            "title": post.title,
            "author": self._author(post.author),
            "replies": {
                "totalItems": str(len(post.comments)),
                "selfLink": f"https://www.googleapis.com/blogger/v3/blogs/{blog.id}/posts/"
                f"{post.id}/comments",
            },
        }
        if bodies:
            item["content"] = post.content
        return item

    def _comment(self, c: FakeBlogComment, bodies: bool) -> dict[str, Any]:
        item: dict[str, Any] = {
            "kind": "blogger#comment",
            "status": "LIVE",
            "id": c.id,
            "post": {"id": c.post},
            "blog": {"id": c.blog},
            "published": blogger_time(c.published),
            "updated": blogger_time(c.published),
            "selfLink": f"https://www.googleapis.com/blogger/v3/blogs/{c.blog}/posts/{c.post}/"
            f"comments/{c.id}",
            "author": self._author(c.author),
        }
        if bodies:
            item["content"] = c.content
        if c.in_reply_to:
            item["inReplyTo"] = {"id": c.in_reply_to}
        return item

    @staticmethod
    def _bool(request: Request, name: str, default: bool) -> bool:
        value = request.arg(name)
        return default if value is None else value.lower() == "true"

    def _window(
        self, items: list[tuple[datetime, str]], request: Request, descending: bool
    ) -> tuple[list[str], str | None]:
        start, end = _parse(request.arg("startDate")), _parse(request.arg("endDate"))
        chosen = [
            (when, item_id)
            for when, item_id in items
            if (start is None or when >= start) and (end is None or when < end)
        ]
        chosen.sort(reverse=descending)
        size = max(1, min(500, int(request.arg("maxResults") or 10)))
        offset = 0
        token = request.arg("pageToken")
        if token:
            try:
                when_s, item_id = json.loads(base64.urlsafe_b64decode(token.encode()))
                key = (datetime.fromisoformat(when_s), item_id)
            except (ValueError, TypeError) as exc:
                raise _BadToken from exc
            offset = len(chosen)
            for i, entry in enumerate(chosen):
                if (entry > key) if not descending else (entry < key):
                    offset = i
                    break
        page = chosen[offset : offset + size]
        more = offset + size < len(chosen)
        next_token = None
        if more and page:
            last = page[-1]
            next_token = base64.urlsafe_b64encode(
                json.dumps([last[0].isoformat(), last[1]]).encode()
            ).decode()
        return [item_id for _, item_id in page], next_token

    def _post_list(self, blog: FakeBlog, request: Request) -> Response:
        order = (request.arg("orderBy") or "PUBLISHED").upper()
        descending = (request.arg("sortOption") or "DESCENDING").upper() != "ASCENDING"
        posts = [self.posts[p] for p in blog.posts]
        keyed = [(p.updated if order == "UPDATED" else p.published, p.id) for p in posts]
        ids, token = self._window(keyed, request, descending)
        body: dict[str, Any] = {"kind": "blogger#postList"}
        if token:
            body["nextPageToken"] = token
        body["items"] = [
            self._post(self.posts[i], blog, self._bool(request, "fetchBodies", True)) for i in ids
        ]
        body["etag"] = f'"{abs(hash(tuple(ids))) % 10**12}"'
        return Response(200, body)

    def _post_get(self, blog: FakeBlog, post_id: str, request: Request) -> Response:
        post = self.posts.get(post_id)
        if post is None or post.blog != blog.id:
            return Response(404, google_error(404, "notFound", "Not Found", "global"))
        return Response(200, self._post(post, blog, self._bool(request, "fetchBody", True)))

    def _comment_list(self, blog: FakeBlog, post_id: str | None, request: Request) -> Response:
        if post_id is not None:
            post = self.posts.get(post_id)
            if post is None:
                return Response(404, google_error(404, "notFound", "Post not found", "global"))
            source = [self.comments[c] for c in post.comments]
        else:
            source = [
                c for c in self.comments.values() if c.blog == blog.id and c.post in self.posts
            ]
        ids, token = self._window([(c.published, c.id) for c in source], request, True)
        body: dict[str, Any] = {"kind": "blogger#commentList"}
        if token:
            body["nextPageToken"] = token
        body["items"] = [
            self._comment(self.comments[i], self._bool(request, "fetchBodies", True)) for i in ids
        ]
        body["etag"] = f'"{abs(hash(tuple(ids))) % 10**12}"'
        return Response(200, body)


class _BadToken(Exception):
    pass
