"""The RSS/Atom connector against a fake WordPress blog: conformance plus feed specifics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from conformance import *  # noqa: F403
from conformance import drain
from sitewatch_connectors.rss import MAX_COMMENT_FEEDS_PER_FETCH, RssConnector
from sitewatch_connectors.rss import http as rss_http

import sitewatch
from fakes.rss import PUBLIC, RssFake
from fakes.server import Response
from sitewatch.exceptions import FatalConnectorError, RetriableConnectorError
from sitewatch.models import Post, Site

FEEDS = {"rss": "/feed/", "atom": "/feed/atom/"}


class RssHarness:
    platform = "rss"
    page_size = 3

    def __init__(self, fake: RssFake, fmt: str = "rss", **options: Any) -> None:
        self.fake = fake
        self.fmt = fmt
        self.options: dict[str, Any] = {"page_size": self.page_size, "timeout": 1.0, **options}

    def connector(self) -> RssConnector:
        return RssConnector()

    def site(self, **options: Any) -> Site:
        return Site(
            name="lhs-band-blog",
            platform="rss",
            target=PUBLIC + FEEDS[self.fmt],
            sponsor="band.sponsor@lakeview.k12.us",
            endpoint=self.fake.url,
            options={**self.options, **options},
        )

    def add_post(self, text: str, *, reply_to: str | None = None) -> str:
        if reply_to is None:
            return self.fake.post_guid(self.fake.add_post(f"<p>{text}</p>"))
        post_id = int(reply_to.rsplit("?p=", 1)[1])
        return self.fake.comment_guid(self.fake.add_comment(post_id, f"<p>{text}</p>"))


@pytest.fixture
def fake() -> Iterator[RssFake]:
    server = RssFake()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["rss", "atom"])
def harness(request: pytest.FixtureRequest, fake: RssFake) -> RssHarness:
    return RssHarness(fake, request.param)


# -- helpers -------------------------------------------------------------------------------
@pytest.fixture
def rss(fake: RssFake) -> RssHarness:
    return RssHarness(fake, "rss")


@pytest.fixture
def atom(fake: RssFake) -> RssHarness:
    return RssHarness(fake, "atom")


def fetch_all(h: RssHarness, cursor: str | None = None, **options: Any) -> tuple[list[Post], str]:
    """Drain with a new connector per page (a restart between every page)."""
    posts: list[Post] = []
    site = h.site(**options)
    for _ in range(100):
        page = h.connector().fetch(site, cursor)
        posts.extend(page.posts)
        assert page.next_cursor is not None
        cursor = page.next_cursor
        if not page.has_more:
            return posts, cursor
    raise AssertionError("never drained")


# -- field mapping: RSS 2.0 and Atom 1.0 ---------------------------------------------------
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_post_fields_from_wordpress_rss_and_atom(fake: RssFake, fmt: str) -> None:
    post = fake.add_post(
        "<p>Uniform fittings are on <strong>Tuesday</strong> &amp; Wednesday.</p>",
        title="Fittings & forms",
        author="Daniel Brooks",
    )
    comment = fake.add_comment(post.id, "<p>Thanks, see you there!</p>", author="Pat Parent")
    posts, _ = fetch_all(RssHarness(fake, fmt))
    by_id = {p.id: p for p in posts}
    assert set(by_id) == {fake.post_guid(post), fake.comment_guid(comment)}

    got = by_id[fake.post_guid(post)]
    assert got.kind == "post"
    assert got.parent_id is None
    assert got.text == "Fittings & forms\n\nUniform fittings are on Tuesday & Wednesday."
    assert got.author == "Daniel Brooks"
    assert got.url == fake.link(post)
    assert got.created_at == post.published
    assert got.created_at is not None and got.created_at.utcoffset() == timedelta(0)

    reply = by_id[fake.comment_guid(comment)]
    assert reply.kind == "comment"
    assert reply.parent_id == fake.post_guid(post)
    assert reply.text == "Thanks, see you there!"  # not "Comment on … by …": no post title
    assert reply.author == "Pat Parent"
    assert reply.url == f"{fake.link(post)}#comment-{comment.id}"
    assert reply.created_at == comment.published


def test_requests_carry_the_user_agent_and_go_to_the_endpoint(rss: RssHarness) -> None:
    rss.add_post("hello")
    fetch_all(rss)
    assert rss.fake.requests, "the endpoint override must send requests to the fake"
    for request in rss.fake.requests:
        assert request.headers["user-agent"] == f"sitewatch/{sitewatch.__version__}"
        assert request.method == "GET"


# -- edits -----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_edited_entry_is_redelivered_once(fake: RssFake, fmt: str) -> None:
    h = RssHarness(fake, fmt)
    first = fake.add_post("<p>Concert at 7pm.</p>")
    second = fake.add_post("<p>Bus leaves at 5.</p>")
    comment = fake.add_comment(first.id, "<p>Great!</p>")
    _, cursor = fetch_all(h)

    fake.edit_post(first.id, html="<p>Concert moved to 8pm.</p>")
    fake.edit_comment(comment.id, "<p>Great, thanks for the update!</p>")
    again, cursor = fetch_all(h, cursor)
    assert sorted(p.id for p in again) == sorted(
        [fake.post_guid(first), fake.comment_guid(comment)]
    )
    edited = next(p for p in again if p.id == fake.post_guid(first))
    assert "8pm" in edited.text and "7pm" not in edited.text
    assert fake.post_guid(second) not in {p.id for p in again}

    fake.add_post("<p>Unrelated news.</p>")  # the feed changes, the edited entry does not
    later, _ = fetch_all(h, cursor)
    assert [p.id for p in later] == [fake.post_guid(fake.posts[-1])]


# -- conditional GET ---------------------------------------------------------------------------
def test_not_modified_is_an_empty_page_with_the_cursor_unchanged(rss: RssHarness) -> None:
    fake = rss.fake
    rss.add_post("Practice at 4.")
    _, cursor = fetch_all(rss)
    fake.requests.clear()

    page = rss.connector().fetch(rss.site(), cursor)
    assert page.posts == ()
    assert page.has_more is False
    assert page.next_cursor == cursor
    feed = fake.feed_requests("/feed/")[-1]
    assert feed.headers["if-none-match"].startswith('"')
    assert "GMT" in feed.headers["if-modified-since"]
    comments = fake.feed_requests("/comments/feed/")[-1]
    assert "if-none-match" in comments.headers

    fresh = rss.add_post("Practice moved to 5.")
    page = rss.connector().fetch(rss.site(), cursor)
    assert [p.id for p in page.posts] == [fresh]
    assert page.next_cursor != cursor


def test_validators_are_kept_back_until_every_page_is_delivered(rss: RssHarness) -> None:
    for i in range(7):
        rss.add_post(f"post {i}")
    site = rss.site()
    page = rss.connector().fetch(site, None)
    assert page.has_more
    rss.fake.requests.clear()
    rss.connector().fetch(site, page.next_cursor)
    assert "if-none-match" not in rss.fake.feed_requests("/feed/")[-1].headers


def test_no_conditional_get_when_only_per_post_comment_feeds_reveal_new_comments(
    fake: RssFake,
) -> None:
    """Without a site-wide comments feed, a 304 on the main feed could hide new comments."""
    fake.generator = "Lakeview District CMS 4.2"  # not WordPress: no /comments/feed/ guess
    h = RssHarness(fake, "rss")
    post = fake.add_post("<p>Spring concert photos.</p>")
    _, cursor = fetch_all(h)
    assert fake.feed_requests("/comments/feed/") == []
    fake.requests.clear()
    comment = fake.add_comment(post.id, "<p>Lovely!</p>")
    fake.conditional = True
    later, _ = fetch_all(h, cursor)
    assert [p.id for p in later] == [fake.comment_guid(comment)]
    assert "if-none-match" not in fake.feed_requests("/feed/")[0].headers


# -- broken feeds ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Ba', "application/rss+xml"),
        (b"<html><body><h1>Site under maintenance</h1></body></html>", "text/html"),
        (b"", "application/rss+xml"),
        (b"\x00\x01\x02 binary", "application/octet-stream"),
    ],
    ids=["truncated", "html-page", "empty", "binary"],
)
def test_a_body_with_no_parseable_feed_is_retriable(
    rss: RssHarness, body: bytes, content_type: str
) -> None:
    rss.fake.serve_raw("/feed/", body, content_type=content_type)
    with pytest.raises(RetriableConnectorError, match="feed"):
        rss.connector().fetch(rss.site(), None)
    report = rss.connector().check_access(rss.site())
    assert not report.ok
    assert "parseable" in report.detail


def test_malformed_xml_keeps_the_entries_that_parse(rss: RssHarness) -> None:
    rss.fake.serve_raw(
        "/feed/",
        """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Band</title>
<item><title>Good one</title><guid isPermaLink="false">https://x.example/?p=1</guid>
<pubDate>Tue, 01 Sep 2026 09:00:00 +0000</pubDate><description>fine</description></item>
<item><title>Broken & unescaped <b>tag</title><guid>https://x.example/?p=2</guid>
<pubDate>Tue, 01 Sep 2026 10:00:00 +0000</pubDate><description>still text</description></item>
<item><guid>https://x.example/?p=3</guid></item>
</channel></rss>""",
    )
    page = rss.connector().fetch(rss.site(), None)
    ids = [p.id for p in page.posts]
    assert ids[0] == "https://x.example/?p=1"
    assert "https://x.example/?p=3" not in ids
    assert [s.where for s in page.skipped] == ["https://x.example/?p=3"]
    assert page.skipped[0].reason == "entry has no title or text"
    # a skipped entry is reported once, not on every poll
    again = rss.connector().fetch(rss.site(), page.next_cursor)
    assert again.skipped == ()


# -- paging ----------------------------------------------------------------------------------
def test_sixty_entries_with_page_size_ten(rss: RssHarness) -> None:
    ids = [rss.add_post(f"entry {i}") for i in range(60)]
    site = rss.site(page_size=10)
    cursor: str | None = None
    pages: list[list[str]] = []
    while True:
        page = rss.connector().fetch(site, cursor)
        pages.append([p.id for p in page.posts])
        cursor = page.next_cursor
        if not page.has_more:
            break
    assert [len(p) for p in pages] == [10] * 6
    assert [i for p in pages for i in p] == ids  # oldest first, no gaps, no repeats
    assert rss.connector().fetch(site, cursor).posts == ()


def test_restart_mid_pagination_with_new_posts_arriving(rss: RssHarness) -> None:
    ids = [rss.add_post(f"entry {i}") for i in range(25)]
    site = rss.site(page_size=10)
    first = rss.connector().fetch(site, None)
    late = rss.add_post("arrived between pages")
    rest, _, _ = drain(rss.connector(), site, first.next_cursor)
    got = [p.id for p in first.posts] + [p.id for p in rest]
    assert got == [*ids, late]


def test_cursor_stays_bounded_and_the_watermark_stops_repeats(rss: RssHarness) -> None:
    ids = [rss.add_post(f"entry {i}") for i in range(150)]
    posts, cursor = fetch_all(rss, page_size=50, remember=100)
    assert [p.id for p in posts] == ids
    assert len(cursor) < 4000
    rss.fake.conditional = False  # force a full re-read of all 150 entries
    again, cursor = fetch_all(rss, cursor, page_size=50, remember=100)
    assert again == []  # the 50 forgotten ones are at or below the watermark
    assert json.loads(cursor)["floor"] is not None


# -- comments ----------------------------------------------------------------------------------
def test_wordpress_comment_feeds_per_post_and_site_wide(fake: RssFake) -> None:
    fake.posts_per_rss = 2  # old posts leave the main feed but keep getting comments
    old = fake.add_post("<p>Last year's trip.</p>")
    for i in range(3):
        fake.add_post(f"<p>News {i}</p>")
    h = RssHarness(fake, "rss", page_size=50)
    _, cursor = fetch_all(h)

    on_old = fake.add_comment(old.id, "<p>Memories! Call me at 217-555-0199</p>")
    recent = fake.posts[-1]
    on_recent = fake.add_comment(recent.id, "<p>See you Friday</p>")
    fake.requests.clear()
    later, _ = fetch_all(h, cursor)
    by_id = {p.id: p for p in later}
    assert set(by_id) == {fake.comment_guid(on_old), fake.comment_guid(on_recent)}
    assert by_id[fake.comment_guid(on_old)].parent_id == fake.post_guid(old)
    assert by_id[fake.comment_guid(on_recent)].parent_id == fake.post_guid(recent)
    assert fake.feed_requests(recent.path + "feed/"), "the changed count was followed"
    other = fake.posts[-2]
    assert fake.feed_requests(other.path + "feed/") == [], "an unchanged count is not"


def test_atom_site_comments_carry_the_threaded_parent(fake: RssFake) -> None:
    fake.posts_per_rss = 1
    post = fake.add_post("<p>Old post</p>")
    fake.add_post("<p>Newer post</p>")
    top = fake.add_comment(post.id, "<p>first</p>")
    reply = fake.add_comment(post.id, "<p>a reply</p>", parent=top.id)
    posts, _ = fetch_all(RssHarness(fake, "atom"))
    by_id = {p.id: p for p in posts}
    assert by_id[fake.comment_guid(top)].parent_id == fake.post_guid(post)
    assert by_id[fake.comment_guid(reply)].parent_id == fake.comment_guid(top)
    assert fake.feed_requests("/comments/feed/atom/")


def test_comments_option_off_reads_no_comment_feeds(rss: RssHarness) -> None:
    post = rss.fake.add_post("<p>hi</p>")
    rss.fake.add_comment(post.id, "<p>hello</p>")
    posts, _ = fetch_all(rss, comments=False)
    assert [p.kind for p in posts] == ["post"]
    assert [r.path for r in rss.fake.requests] == ["/feed/"]


def test_explicit_comments_feed_option(rss: RssHarness) -> None:
    rss.fake.generator = "Some CMS"
    post = rss.fake.add_post("<p>hi</p>")
    comment = rss.fake.add_comment(post.id, "<p>hello</p>")
    posts, _ = fetch_all(rss, comments_feed="/comments/feed/")
    assert fake_ids(posts) == {rss.fake.post_guid(post), rss.fake.comment_guid(comment)}
    assert rss.fake.feed_requests("/comments/feed/")


def test_a_missing_post_comment_feed_is_skipped_not_fatal(rss: RssHarness) -> None:
    broken = rss.fake.add_post("<p>one</p>")
    rss.fake.add_comment(broken.id, "<p>c</p>")
    fine = rss.fake.add_post("<p>two</p>")
    good = rss.fake.add_comment(fine.id, "<p>d</p>")
    rss.fake.serve_raw(broken.path + "feed/", "gone", status=404, content_type="text/html")
    page = rss.connector().fetch(rss.site(page_size=50, comments_feed=""), None)
    assert rss.fake.comment_guid(good) in fake_ids(page.posts)
    assert [s.where for s in page.skipped] == [f"{PUBLIC}{broken.path}feed/"]
    assert "404" in page.skipped[0].reason


def test_a_comment_feed_on_another_host_is_not_followed(rss: RssHarness) -> None:
    rss.fake.serve_raw(
        "/feed/",
        f"""<?xml version="1.0"?><rss version="2.0"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel><title>B</title>
<item><title>t</title><guid>{PUBLIC}/?p=1</guid><description>d</description>
<wfw:commentRss>https://tracker.example.net/feed/</wfw:commentRss>
<slash:comments>4</slash:comments></item></channel></rss>""",
    )
    page = rss.connector().fetch(rss.site(), None)  # the socket guard would refuse it
    assert [p.id for p in page.posts] == [f"{PUBLIC}/?p=1"]


def test_many_posts_with_new_comments_are_read_across_fetches(rss: RssHarness) -> None:
    fake = rss.fake
    posts = [fake.add_post(f"<p>post {i}</p>") for i in range(25)]
    comments = [fake.add_comment(p.id, f"<p>comment {i}</p>") for i, p in enumerate(posts)]
    site = rss.site(page_size=100, comments_feed="")
    first = rss.connector().fetch(site, None)
    assert first.has_more, "5 comment feeds wait for the next fetch"
    assert len(first.posts) == 25 + MAX_COMMENT_FEEDS_PER_FETCH
    rest, _, _ = drain(rss.connector(), site, first.next_cursor)
    got = [*first.posts, *rest]
    assert fake_ids(got) == {fake.post_guid(p) for p in posts} | {
        fake.comment_guid(c) for c in comments
    }
    assert len(got) == 50
    comment_feed_requests = [r.path for r in fake.requests if r.path.endswith("/feed/")]
    assert sorted(comment_feed_requests) == sorted(
        ["/feed/"] * 2 + [p.path + "feed/" for p in posts]
    )


def test_a_rate_limited_comment_feed_fails_the_fetch_and_loses_nothing(rss: RssHarness) -> None:
    fake = rss.fake
    post = fake.add_post("<p>post</p>")
    comment = fake.add_comment(post.id, "<p>comment</p>")
    fake.serve_raw(post.path + "feed/", "slow down", status=429, content_type="text/html")
    site = rss.site(comments_feed="")
    with pytest.raises(RetriableConnectorError, match="429"):
        rss.connector().fetch(site, None)
    del fake.raw[post.path + "feed/"]
    got, _, _ = drain(rss.connector(), site, None)
    assert fake_ids(got) == {fake.post_guid(post), fake.comment_guid(comment)}


# -- dates, hostile content, ids -----------------------------------------------------------
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_entries_without_dates(fake: RssFake, fmt: str) -> None:
    dated = fake.add_post("<p>dated</p>")
    undated = fake.add_post("<p>undated</p>", dated=False)
    h = RssHarness(fake, fmt)
    posts, cursor = fetch_all(h)
    assert [p.id for p in posts] == [fake.post_guid(dated), fake.post_guid(undated)]
    assert posts[1].created_at is None
    fake.conditional = False
    again, _ = fetch_all(h, cursor)
    assert again == []


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_hostile_html_is_stripped_to_text(fake: RssFake, fmt: str) -> None:
    fake.add_post(
        '<p onclick="steal()">Hello <script>document.write("x")</script>'
        "<style>p{display:none}</style>band<br/>families &lt;3</p>"
        '<img src="javascript:alert(1)" alt="Jordan Ellis at practice">'
        '<iframe src="https://evil.example/"></iframe>'
        "<p>Line\u200btwo\x00</p>",
    )
    (post,) = fetch_all(RssHarness(fake, fmt))[0]
    assert "<" not in post.text.replace("<3", "")
    assert "script" not in post.text and "document.write" not in post.text
    assert "display:none" not in post.text
    assert "Hello band\nfamilies <3" in post.text
    assert "[image: Jordan Ellis at practice]" in post.text
    assert "\x00" not in post.text


def test_javascript_links_are_dropped_and_long_guids_capped(rss: RssHarness) -> None:
    long_guid = "tag:district.example,2026:" + "x" * 400
    rss.fake.serve_raw(
        "/feed/",
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>
<item><title>&lt;b&gt;one&lt;/b&gt; &amp;lt;3</title><link>javascript:alert(1)</link>
<guid isPermaLink="false">{long_guid}</guid>
<description>text</description></item>
<item><title>two</title><description>no guid, no link</description></item>
</channel></rss>""",
    )
    posts = rss.connector().fetch(rss.site(), None).posts
    assert [p.url for p in posts] == [None, None]
    assert posts[1].text == "one <3\n\ntext"  # escaped markup in a title is markup
    assert all(len(p.id) <= 200 for p in posts)
    assert posts[1].id.startswith("sha256:") or posts[0].id.startswith("sha256:")


def test_a_custom_excerpt_is_scanned_too(rss: RssHarness) -> None:
    rss.fake.add_post("<p>Full story about the trip.</p>", excerpt="Ask Maya Chen for forms")
    (post,) = fetch_all(rss)[0]
    assert "Full story about the trip." in post.text
    assert "Ask Maya Chen for forms" in post.text


# -- errors and configuration --------------------------------------------------------------
@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        '{"v": 1, "offset": 0, "line": 0, "tail": "0000000000000000"}',  # the demo connector's
        '{"c": "rss", "v": 99, "seen": ""}',
        '{"c": "rss", "v": 1, "seen": "not base64!"}',
    ],
)
def test_a_foreign_cursor_is_fatal(rss: RssHarness, cursor: str) -> None:
    with pytest.raises(FatalConnectorError, match="not an rss connector cursor"):
        rss.connector().fetch(rss.site(), cursor)


@pytest.mark.parametrize(
    ("target", "options"),
    [
        ("ftp://lhsband.example/feed/", {}),
        ("file:///etc/passwd", {}),
        ("lhsband.example/feed", {}),
        (PUBLIC + "/feed/", {"page_size": 0}),
        (PUBLIC + "/feed/", {"page_size": "lots"}),
        (PUBLIC + "/feed/", {"timeout": "soon"}),
        (PUBLIC + "/feed/", {"comments": "yes"}),
        (PUBLIC + "/feed/", {"comments_feed": "mailto:x@y"}),
    ],
)
def test_bad_configuration_is_fatal(rss: RssHarness, target: str, options: dict[str, Any]) -> None:
    site = replace(rss.site(**options), target=target)
    with pytest.raises(FatalConnectorError):
        rss.connector().fetch(site, None)
    assert not rss.connector().check_access(site).ok


def test_gone_feed_is_fatal_and_check_access_reports_it(rss: RssHarness) -> None:
    rss.fake.fail(410, times=5)
    with pytest.raises(FatalConnectorError, match="410"):
        rss.connector().fetch(rss.site(), None)
    report = rss.connector().check_access(rss.site())
    assert not report.ok and "410" in report.detail


def test_check_access_reports_the_feed(rss: RssHarness) -> None:
    rss.add_post("hello")
    report = rss.connector().check_access(rss.site())
    assert report.ok
    assert "rss20" in report.detail and "1 entries" in report.detail


def fake_ids(posts: Any) -> set[str]:
    return {p.id for p in posts}


def test_malformed_urls_in_a_feed_are_dropped_not_raised(rss: RssHarness) -> None:
    rss.fake.serve_raw(
        "/feed/",
        f"""<?xml version="1.0"?><rss version="2.0"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel><title>B</title>
<item><title>t</title><link>http://[::1/broken</link><guid>{PUBLIC}/?p=7</guid>
<description>d</description><wfw:commentRss>http://lhsband.lakeview.example:99999/feed/</wfw:commentRss>
<slash:comments>2</slash:comments></item></channel></rss>""",
    )
    (post,) = rss.connector().fetch(rss.site(), None).posts
    assert post.url is None
    assert [r.path for r in rss.fake.requests] == ["/feed/"]  # the bad comment feed is ignored


def test_a_moved_feed_is_followed_but_never_off_http(rss: RssHarness) -> None:
    post = rss.add_post("moved")
    rss.fake.raw["/old/feed/"] = Response(301, b"", {"Location": f"{rss.fake.url}/feed/"})
    site = replace(rss.site(), target=PUBLIC + "/old/feed/")
    assert [p.id for p in rss.connector().fetch(site, None).posts] == [post]

    for location in ("file:///etc/passwd", "ftp://lhsband.lakeview.example/feed.xml"):
        rss.fake.raw["/old/feed/"] = Response(302, b"", {"Location": location})
        with pytest.raises(FatalConnectorError, match="redirect not followed"):
            rss.connector().fetch(site, None)


def test_an_oversized_response_is_refused(rss: RssHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rss_http, "MAX_FEED_BYTES", 2000)
    for i in range(20):
        rss.add_post(f"padding {i} " * 20)
    with pytest.raises(FatalConnectorError, match="larger than 2000 bytes"):
        rss.connector().fetch(rss.site(), None)
