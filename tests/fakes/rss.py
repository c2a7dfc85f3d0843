"""A fake WordPress blog on 127.0.0.1 that serves real-world RSS 2.0 and Atom 1.0 feeds.

The markup follows WordPress's own feed templates (wp-includes/feed-rss2.php,
feed-rss2-comments.php, feed-atom.php, feed-atom-comments.php): ``dc:creator``,
``content:encoded`` in CDATA, ``guid isPermaLink="false"`` of the ``?p=N`` form,
``wfw:commentRss`` and ``slash:comments`` per item, Atom ``link rel="replies"`` with
``thr:count`` and ``thr:in-reply-to`` on comments, ``<generator>`` naming WordPress, and
WordPress's conditional GET (ETag + Last-Modified, 304 Not Modified). Error pages are HTML,
as WordPress sends them.

Routes (``/feed/`` and ``/feed/atom/`` also answer to ``?feed=rss2`` / ``?feed=atom``):

- ``/feed/``, ``/feed/atom/``: the latest ``posts_per_rss`` posts (all when None)
- ``/comments/feed/``, ``/comments/feed/atom/``: the latest ``comments_per_rss`` comments
- ``<post path>feed/``, ``<post path>feed/atom/``: one post's comments

Links in the feeds point at ``public`` (the blog's real address); the connector's
``endpoint`` maps them to this server. Nothing here is copied from a real blog.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from xml.sax.saxutils import escape, quoteattr

from fakes.server import FakeServer, Request, Response

PUBLIC = "https://lhsband.lakeview.example"
WP_VERSION = "6.6.2"
RSS_TYPE = "application/rss+xml; charset=UTF-8"
ATOM_TYPE = "application/atom+xml; charset=UTF-8"
_EPOCH = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


@dataclass
class FakeComment:
    id: int
    post_id: int
    html: str
    author: str
    published: datetime
    parent: int = 0  # a comment id when this is a threaded reply


@dataclass
class FakePost:
    id: int
    slug: str
    title: str
    html: str
    author: str
    published: datetime | None
    modified: datetime
    excerpt: str | None = None  # a hand-written excerpt; None = WordPress's automatic one
    comments: list[FakeComment] = field(default_factory=list)

    @property
    def path(self) -> str:
        if self.published is None:
            return f"/{self.slug}/"
        return f"/{self.published:%Y/%m/%d}/{self.slug}/"


class RssFake(FakeServer):
    """A WordPress blog. Knobs: posts/comments, edits, feed sizes, raw bodies per path."""

    def __init__(
        self,
        *,
        public: str = PUBLIC,
        posts_per_rss: int | None = None,
        comments_per_rss: int | None = 10,
        generator: str = f"https://wordpress.org/?v={WP_VERSION}",
        conditional: bool = True,
        advertise_comments: bool = True,
    ) -> None:
        super().__init__()
        # serve_forever's default 0.5 s poll makes every stop() take half a second.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.public = public.rstrip("/")
        self.posts_per_rss = posts_per_rss
        self.comments_per_rss = comments_per_rss
        self.generator = generator
        self.conditional = conditional
        self.advertise_comments = advertise_comments
        self.posts: list[FakePost] = []
        self.raw: dict[str, Response] = {}
        self._ids = itertools.count(1)
        self._clock = _EPOCH

    # -- knobs -------------------------------------------------------------------------------
    def tick(self) -> datetime:
        self._clock += timedelta(minutes=1)
        return self._clock

    def add_post(
        self,
        html: str,
        *,
        title: str | None = None,
        author: str = "mr.brooks",
        dated: bool = True,
        excerpt: str | None = None,
    ) -> FakePost:
        pid = next(self._ids)
        when = self.tick()
        with self._lock:
            post = FakePost(
                id=pid,
                slug=f"update-{pid}",
                title=title if title is not None else f"Band update {pid}",
                html=html,
                author=author,
                published=when if dated else None,
                modified=when,
                excerpt=excerpt,
            )
            self.posts.append(post)
        return post

    def add_comment(
        self, post_id: int, html: str, *, author: str = "a parent", parent: int = 0
    ) -> FakeComment:
        post = self.post(post_id)
        with self._lock:
            comment = FakeComment(
                id=next(self._ids),
                post_id=post_id,
                html=html,
                author=author,
                published=self.tick(),
                parent=parent,
            )
            post.comments.append(comment)
        return comment

    def edit_post(self, post_id: int, *, html: str | None = None, title: str | None = None) -> None:
        post = self.post(post_id)
        with self._lock:
            if html is not None:
                post.html = html
            if title is not None:
                post.title = title
            post.modified = self.tick()

    def edit_comment(self, comment_id: int, html: str) -> None:
        with self._lock:
            for post in self.posts:
                for comment in post.comments:
                    if comment.id == comment_id:
                        comment.html = html
                        return
        raise KeyError(comment_id)

    def serve_raw(
        self, path: str, body: bytes | str, *, status: int = 200, content_type: str = RSS_TYPE
    ) -> None:
        """Answer ``path`` with these exact bytes (a broken feed, an HTML page …)."""
        self.raw[path] = Response(status, body, content_type=content_type)

    def post(self, post_id: int) -> FakePost:
        for post in self.posts:
            if post.id == post_id:
                return post
        raise KeyError(post_id)

    # -- identities the connector reports ----------------------------------------------------
    def post_guid(self, post: FakePost | int) -> str:
        pid = post if isinstance(post, int) else post.id
        return f"{self.public}/?p={pid}"

    def comment_guid(self, comment: FakeComment) -> str:
        return f"{self.post_guid(comment.post_id)}#comment-{comment.id}"

    def link(self, post: FakePost) -> str:
        return self.public + post.path

    def feed_requests(self, path: str = "/feed/") -> list[Request]:
        return [r for r in self.requests if r.path == path]

    # -- routing -----------------------------------------------------------------------------
    def error_body(self, status: int) -> str:
        return (
            '<!DOCTYPE html><html lang="en-US"><head><title>Page not found &#8211; '
            'Lakeview Band</title></head><body class="error404"><h1>Oops! That page '
            f"can&rsquo;t be found.</h1><p>HTTP {status}</p></body></html>"
        )

    def _html_error(self, status: int) -> Response:
        return Response(status, self.error_body(status), content_type="text/html; charset=UTF-8")

    def route(self, request: Request) -> Response:
        if request.method != "GET":
            return self._html_error(405)
        if request.path in self.raw:
            return self.raw[request.path]
        with self._lock:
            rendered = self._render(request)
        if rendered is None:
            return self._html_error(404)
        body, content_type, modified = rendered
        return self._conditional(request, body, content_type, modified)

    def _render(self, request: Request) -> tuple[str, str, datetime] | None:
        path = request.path
        plain = request.arg("feed")
        if path in ("/feed/", "/feed") or plain == "rss2":
            return self._posts_rss(), RSS_TYPE, self._posts_modified()
        if path in ("/feed/atom/", "/feed/atom") or plain == "atom":
            return self._posts_atom(), ATOM_TYPE, self._posts_modified()
        if path == "/comments/feed/" or plain == "comments-rss2":
            comments = self._latest_comments(None)
            return self._comments_rss(None, comments), RSS_TYPE, self._comments_modified(comments)
        if path == "/comments/feed/atom/" or plain == "comments-atom":
            comments = self._latest_comments(None)
            return (
                self._comments_atom(None, comments),
                ATOM_TYPE,
                self._comments_modified(comments),
            )
        for post in self.posts:
            if path == post.path + "feed/":
                comments = self._latest_comments(post)
                return (
                    self._comments_rss(post, comments),
                    RSS_TYPE,
                    self._comments_modified(comments),
                )
            if path == post.path + "feed/atom/":
                comments = self._latest_comments(post)
                return (
                    self._comments_atom(post, comments),
                    ATOM_TYPE,
                    self._comments_modified(comments),
                )
        return None

    def _conditional(
        self, request: Request, body: str, content_type: str, modified: datetime
    ) -> Response:
        """WordPress's rule (class-wp.php send_headers): both validators must match."""
        etag = '"' + hashlib.md5(body.encode("utf-8")).hexdigest() + '"'
        last_modified = format_datetime(modified, usegmt=True)
        headers = {"ETag": etag, "Last-Modified": last_modified}
        if self.conditional:
            client_etag = request.headers.get("if-none-match")
            client_since = request.headers.get("if-modified-since")
            since_ok = False
            if client_since:
                try:
                    since_ok = parsedate_to_datetime(client_since) >= modified.replace(
                        microsecond=0
                    )
                except (TypeError, ValueError):
                    since_ok = False
            etag_ok = client_etag == etag
            fresh = (
                (since_ok and etag_ok) if client_since and client_etag else (since_ok or etag_ok)
            )
            if fresh:
                return Response(304, b"", headers, content_type=content_type)
        return Response(200, body, headers, content_type=content_type)

    # -- data --------------------------------------------------------------------------------
    def _feed_posts(self) -> list[FakePost]:
        """Newest first, like WordPress (undated drafts-made-public sort as oldest)."""
        ordered = sorted(
            self.posts,
            key=lambda p: (p.published or datetime.min.replace(tzinfo=UTC), p.id),
            reverse=True,
        )
        return ordered if self.posts_per_rss is None else ordered[: self.posts_per_rss]

    def _latest_comments(self, post: FakePost | None) -> list[FakeComment]:
        pool = post.comments if post else [c for p in self.posts for c in p.comments]
        ordered = sorted(pool, key=lambda c: (c.published, c.id), reverse=True)
        return ordered if self.comments_per_rss is None else ordered[: self.comments_per_rss]

    def _posts_modified(self) -> datetime:
        return max((p.modified for p in self.posts), default=_EPOCH)

    def _comments_modified(self, comments: list[FakeComment]) -> datetime:
        return max((c.published for c in comments), default=_EPOCH)

    # -- RSS 2.0 -----------------------------------------------------------------------------
    def _posts_rss(self) -> str:
        items = "".join(self._post_item(p) for p in self._feed_posts())
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
            '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
            '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n\t>\n\n'
            "<channel>\n"
            "\t<title>Lakeview Band Boosters</title>\n"
            f'\t<atom:link href="{self.public}/feed/" rel="self" type="application/rss+xml" />\n'
            f"\t<link>{self.public}</link>\n"
            "\t<description>News from the Lakeview High band room</description>\n"
            f"\t<lastBuildDate>{_rfc822(self._posts_modified())}</lastBuildDate>\n"
            "\t<language>en-US</language>\n"
            "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
            "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
            f"\t<generator>{escape(self.generator)}</generator>\n"
            f"{items}</channel>\n</rss>\n"
        )

    def _post_item(self, post: FakePost) -> str:
        count = len(post.comments)
        link = self.link(post)
        comments = (
            f"\t\t<comments>{link}#{'comments' if count else 'respond'}</comments>\n"
            if self.advertise_comments
            else ""
        )
        comment_feed = (
            f"\t\t<wfw:commentRss>{link}feed/</wfw:commentRss>\n"
            f"\t\t<slash:comments>{count}</slash:comments>\n"
            if self.advertise_comments
            else ""
        )
        date = f"\t\t<pubDate>{_rfc822(post.published)}</pubDate>\n" if post.published else ""
        return (
            "\t<item>\n"
            f"\t\t<title>{_title(post.title)}</title>\n"
            f"\t\t<link>{link}</link>\n"
            f"{comments}"
            f"\t\t<dc:creator>{_cdata(post.author)}</dc:creator>\n"
            f"{date}"
            f"\t\t<category>{_cdata('Band News')}</category>\n"
            f'\t\t<guid isPermaLink="false">{self.post_guid(post)}</guid>\n\n'
            f"\t\t\t\t\t<description>{_cdata(self._excerpt(post))}</description>\n"
            f"\t\t\t\t\t\t\t\t\t\t<content:encoded>{_cdata(post.html)}</content:encoded>\n"
            f"{comment_feed}"
            "\t\t\n\t\t\n\t\t\t</item>\n"
        )

    def _excerpt(self, post: FakePost) -> str:
        if post.excerpt is not None:
            return post.excerpt
        words = _strip_tags(post.html).split()
        if len(words) <= 55:
            return " ".join(words)
        return " ".join(words[:55]) + " [&#8230;]"

    def _comments_rss(self, post: FakePost | None, comments: list[FakeComment]) -> str:
        title = f"Comments on: {post.title}" if post else "Comments for Lakeview Band Boosters"
        self_link = (self.link(post) if post else self.public + "/comments/") + "feed/"
        items = "".join(self._comment_item(c, per_post=post is not None) for c in comments)
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
            '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n\t\n\t>\n'
            "<channel>\n"
            f"\t<title>\n\t{escape(title)}\t</title>\n"
            f'\t<atom:link href="{self_link}" rel="self" type="application/rss+xml" />\n'
            f"\t<link>{self.link(post) if post else self.public}</link>\n"
            "\t<description>News from the Lakeview High band room</description>\n"
            f"\t<lastBuildDate>{_rfc822(self._comments_modified(comments))}</lastBuildDate>\n"
            "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
            "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
            f"\t<generator>{escape(self.generator)}</generator>\n"
            f"{items}</channel>\n</rss>\n"
        )

    def _comment_item(self, comment: FakeComment, *, per_post: bool) -> str:
        post = self.post(comment.post_id)
        title = (
            f"By: {comment.author}"
            if per_post
            else (f"Comment on {post.title} by {comment.author}")
        )
        return (
            "\t<item>\n"
            f"\t\t<title>\n\t\t{escape(title)}\t\t</title>\n"
            f"\t\t<link>{self.link(post)}#comment-{comment.id}</link>\n\n"
            f"\t\t<dc:creator>{_cdata(comment.author)}</dc:creator>\n"
            f"\t\t<pubDate>{_rfc822(comment.published)}</pubDate>\n"
            f'\t\t<guid isPermaLink="false">{self.comment_guid(comment)}</guid>\n\n'
            f"\t\t\t\t\t<description>{_cdata(_strip_tags(comment.html))}</description>\n"
            f"\t\t<content:encoded>{_cdata(comment.html)}</content:encoded>\n\n"
            "\t\t\t\t\t\t</item>\n"
        )

    # -- Atom 1.0 ----------------------------------------------------------------------------
    def _posts_atom(self) -> str:
        entries = "".join(self._post_entry(p) for p in self._feed_posts())
        return (
            '<?xml version="1.0" encoding="UTF-8"?><feed\n'
            '  xmlns="http://www.w3.org/2005/Atom"\n'
            '  xmlns:thr="http://purl.org/syndication/thread/1.0"\n'
            '  xml:lang="en-US"\n  >\n'
            '\t<title type="text">Lakeview Band Boosters</title>\n'
            '\t<subtitle type="text">News from the Lakeview High band room</subtitle>\n\n'
            f"\t<updated>{_iso(self._posts_modified())}</updated>\n\n"
            f'\t<link rel="alternate" type="text/html" href="{self.public}" />\n'
            f"\t<id>{self.public}/feed/atom/</id>\n"
            f'\t<link rel="self" type="application/atom+xml" href="{self.public}/feed/atom/" />\n\n'
            f'\t<generator uri="https://wordpress.org/" version="{WP_VERSION}">WordPress'
            "</generator>\n"
            f"{entries}</feed>\n"
        )

    def _post_entry(self, post: FakePost) -> str:
        link = self.link(post)
        count = len(post.comments)
        replies = (
            f'\t\t<link rel="replies" type="text/html" href="{link}#comments" '
            f'thr:count="{count}" />\n'
            f'\t\t<link rel="replies" type="application/atom+xml" href="{link}feed/atom/" '
            f'thr:count="{count}" />\n'
            f"\t\t<thr:total>{count}</thr:total>\n"
            if self.advertise_comments
            else ""
        )
        published = f"\t\t<published>{_iso(post.published)}</published>\n" if post.published else ""
        updated = f"\t\t<updated>{_iso(post.modified)}</updated>\n" if post.published else ""
        return (
            "\t<entry>\n"
            "\t\t<author>\n"
            f"\t\t\t<name>{escape(post.author)}</name>\n"
            f"\t\t\t\t\t\t<uri>{self.public}</uri>\n"
            "\t\t\t\t\t</author>\n\n"
            f'\t\t<title type="html">{_cdata(_title(post.title))}</title>\n'
            f'\t\t<link rel="alternate" type="text/html" href="{link}" />\n\n'
            f"\t\t<id>{self.post_guid(post)}</id>\n"
            f"{updated}{published}"
            f'\t\t<category scheme="{self.public}" term="Band News" />\n'
            f'\t\t<summary type="html">{_cdata(self._excerpt(post))}</summary>\n'
            f'\t\t\t\t\t\t<content type="html" xml:base={quoteattr(link)}>'
            f"{_cdata(post.html)}</content>\n"
            f"{replies}"
            "\t\t</entry>\n"
        )

    def _comments_atom(self, post: FakePost | None, comments: list[FakeComment]) -> str:
        title = f"Comments on: {post.title}" if post else "Comments for Lakeview Band Boosters"
        self_link = (self.link(post) if post else self.public + "/comments/") + "feed/atom/"
        entries = "".join(self._comment_entry(c, per_post=post is not None) for c in comments)
        return (
            '<?xml version="1.0" encoding="UTF-8"?><feed\n'
            '\txmlns="http://www.w3.org/2005/Atom"\n'
            '\txmlns:thr="http://purl.org/syndication/thread/1.0"\n'
            '\txml:lang="en-US"\n\t>\n'
            f'\t<title type="text">{escape(title)}</title>\n'
            f"\t<updated>{_iso(self._comments_modified(comments))}</updated>\n\n"
            f'\t<link rel="alternate" type="text/html" href="{self.public}" />\n'
            f'\t<link rel="self" type="application/atom+xml" href="{self_link}" />\n'
            f"\t<id>{self_link}</id>\n"
            f"{entries}</feed>\n"
        )

    def _comment_entry(self, comment: FakeComment, *, per_post: bool) -> str:
        post = self.post(comment.post_id)
        title = (
            f"By: {comment.author}"
            if per_post
            else (f"Comment on {post.title} by {comment.author}")
        )
        link = f"{self.link(post)}#comment-{comment.id}"
        if comment.parent:
            ref = f"{self.post_guid(post)}#comment-{comment.parent}"
            href = f"{self.link(post)}#comment-{comment.parent}"
        else:
            ref, href = self.post_guid(post), self.link(post)
        return (
            "\t<entry>\n"
            f"\t\t<title>{escape(title)}</title>\n"
            f'\t\t<link rel="alternate" href="{link}" type="text/html" />\n\n'
            "\t\t<author>\n"
            f"\t\t\t<name>{escape(comment.author)}</name>\n"
            "\t\t\t\t\t</author>\n\n"
            f"\t\t<id>{self.comment_guid(comment)}</id>\n"
            f"\t\t<updated>{_iso(comment.published)}</updated>\n"
            f"\t\t<published>{_iso(comment.published)}</published>\n\n"
            f'\t\t<thr:in-reply-to ref="{ref}" href="{href}" type="text/html" />\n'
            f'\t\t<content type="html" xml:base={quoteattr(link)}>{_cdata(comment.html)}'
            "</content>\n"
            "\t</entry>\n"
        )


def _title(title: str) -> str:
    """the_title_rss(): tags stripped, then escaped."""
    return escape(_strip_tags(title))


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _rfc822(when: datetime | None) -> str:
    return (when or _EPOCH).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _iso(when: datetime | None) -> str:
    return (when or _EPOCH).strftime("%Y-%m-%dT%H:%M:%SZ")


def _strip_tags(html: str) -> str:
    """wp_strip_all_tags(): script and style go with their content, then every tag."""
    html = re.sub(r"<(script|style)[^>]*?>.*?</\1>", "", html, flags=re.I | re.S)
    out, depth = [], 0
    for ch in html:
        if ch == "<":
            depth += 1
        elif ch == ">" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)
