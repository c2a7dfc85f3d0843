"""The Blogger connector against the fake Blogger API v3: conformance, HTML, comments, cursor."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from conformance import *  # noqa: F403
from conformance import drain
from sitewatch_connectors.youtube.blogger import BloggerConnector

from fakes.blogger import BloggerFake
from fakes.youtube import API_KEY
from sitewatch.exceptions import FatalConnectorError
from sitewatch.models import Approval, Site
from sitewatch.typing import Connector

PAGE_SIZE = 3


class BloggerHarness:
    """Plants posts (``add_post``) and comments (``reply_to`` a post or a comment)."""

    platform = "blogger"
    page_size = PAGE_SIZE

    def __init__(self, fake: BloggerFake) -> None:
        self.fake = fake
        self.blog = fake.add_blog()
        self._n = 0

    def connector(self) -> Connector:
        return BloggerConnector()

    def site(self, **options: Any) -> Site:
        return Site(
            name="lhs-robotics-blog",
            platform="blogger",
            target=self.blog,
            sponsor="robotics.sponsor@lakeview.k12.us",
            approval=Approval(by="Designee", on=datetime(2026, 1, 1).date(), ref="SUP-2"),
            endpoint=self.fake.url,
            options={"page_size": PAGE_SIZE, "timeout": 1.0, **options},
        )

    def add_post(self, text: str, *, reply_to: str | None = None) -> str:
        body = f"<p>{html.escape(text)}</p>"
        if reply_to is None:
            self._n += 1
            return self.fake.add_post(self.blog, f"Update {self._n}", body)
        if reply_to in self.fake.posts:
            return self.fake.add_comment(reply_to, body)
        parent = self.fake.comments[reply_to]
        return self.fake.add_comment(parent.post, body, in_reply_to=reply_to)


@pytest.fixture
def fake() -> Iterator[BloggerFake]:
    server = BloggerFake().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def harness(fake: BloggerFake, monkeypatch: pytest.MonkeyPatch) -> BloggerHarness:
    monkeypatch.setenv("SITEWATCH_GOOGLE_API_KEY", API_KEY)
    return BloggerHarness(fake)


# -- platform-specific ----------------------------------------------------------------------
def test_post_html_is_reduced_to_text(harness: BloggerHarness) -> None:
    hostile = (
        "<script>document.write('Maya Chen 41234567')</script><style>p{}</style>"
        "<h2>Field&nbsp;trip</h2><p>Bring a form &amp; lunch<br/>Bus at 7</p>"
        '<img src="x" alt="team photo"><!-- hidden note --><p>call (217) 555-0199'
    )
    post_id = harness.fake.add_post(harness.blog, "Robotics <b>news</b>", hostile)
    posts, _, _ = drain(harness.connector(), harness.site(), None)
    (post,) = posts
    assert post.id == post_id and post.kind == "post" and post.parent_id is None
    assert post.text == (
        "Robotics news\n\nField\xa0trip\nBring a form & lunch\nBus at 7\nteam photo\n"
        "call (217) 555-0199"
    )
    assert post.author == "Coach Brooks"
    assert post.url and post.url.startswith("http://lakeviewrobotics.blogspot.com/2026/")


def test_comments_on_old_posts_are_found_with_permalinks(harness: BloggerHarness) -> None:
    fake = harness.fake
    old = harness.add_post("welcome back")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    connector = harness.connector()
    first = fake.add_comment(old, "<i>great</i> year ahead", author="A parent")
    second = fake.add_comment(old, "agreed")
    posts, cursor, _ = drain(connector, harness.site(), cursor)
    assert sorted(p.id for p in posts) == sorted([first, second])
    by_id = {p.id: p for p in posts}
    assert by_id[first].text == "great year ahead"
    assert by_id[first].parent_id == old and by_id[first].kind == "comment"
    assert by_id[first].author == "A parent"
    millis = int(by_id[first].created_at.timestamp() * 1000)  # type: ignore[union-attr]
    assert by_id[first].url is not None
    assert by_id[first].url.endswith(f".html?showComment={millis}#c{first}")
    gets = [r for r in fake.api_requests() if r.path.endswith(f"/posts/{old}")]
    assert len(gets) == 1, "the post's address is looked up once"
    again, _, _ = drain(connector, harness.site(), cursor)
    assert again == []


def test_comment_on_a_deleted_post_has_no_url(harness: BloggerHarness) -> None:
    post = harness.add_post("soon gone")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    comment = harness.fake.add_comment(post, "hello")
    harness.fake.posts[post].blog = "0"  # posts.get answers 404, the comment stays listed
    posts, _, _ = drain(harness.connector(), harness.site(), cursor)  # a new process
    by_id = {p.id: p for p in posts}
    assert by_id[comment].url is None and by_id[comment].parent_id == post


def test_posts_are_read_oldest_first_from_the_mark(harness: BloggerHarness) -> None:
    for i in range(4):
        harness.add_post(f"post {i}")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    lists = [r for r in harness.fake.api_requests() if r.path.endswith("/posts")]
    assert {r.arg("sortOption") for r in lists} == {"ASCENDING"}
    assert {r.arg("orderBy") for r in lists} == {"PUBLISHED"}
    assert lists[0].arg("startDate") is None and lists[-1].arg("startDate")
    assert json.loads(cursor or "{}")["pm"] is not None


def test_restart_inside_the_comment_walk(harness: BloggerHarness) -> None:
    post = harness.add_post("open thread")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    ids = [harness.fake.add_comment(post, f"comment {i}") for i in range(10)]
    got: list[str] = []
    while True:
        page = harness.connector().fetch(harness.site(), cursor)
        got += [p.id for p in page.posts]
        cursor = page.next_cursor
        if not page.has_more:
            break
    assert sorted(got) == sorted(ids) and len(got) == len(set(got))


def test_refused_comment_page_token_restarts_without_repeats(harness: BloggerHarness) -> None:
    post = harness.add_post("open thread")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    ids = [harness.fake.add_comment(post, f"comment {i}") for i in range(8)]
    page = harness.connector().fetch(harness.site(), cursor)
    state = json.loads(page.next_cursor or "{}")
    assert state["cw"]["tok"]
    state["cw"]["tok"] = "not-a-token"
    newer = harness.fake.add_comment(post, "meanwhile")
    rest, cursor, _ = drain(harness.connector(), harness.site(), json.dumps(state))
    got = [p.id for p in page.posts] + [p.id for p in rest]
    assert sorted(got) == sorted(ids) and len(got) == len(set(got))
    later, _, _ = drain(harness.connector(), harness.site(), cursor)
    assert [p.id for p in later] == [newer]


def test_unreadable_items_are_skipped(harness: BloggerHarness) -> None:
    good = harness.add_post("fine")
    bad = harness.add_post("secret 555-0199")
    original = harness.fake._post

    def broken(post: Any, blog: Any, bodies: bool) -> dict[str, Any]:
        item = original(post, blog, bodies)
        if post.id == bad:
            item["published"] = "yesterday"
        return item

    harness.fake._post = broken  # type: ignore[method-assign]
    page = harness.connector().fetch(harness.site(), None)
    assert [p.id for p in page.posts] == [good]
    assert [s.where for s in page.skipped] == [bad]
    assert "555" not in page.skipped[0].reason


@pytest.mark.parametrize(
    "cursor",
    ["garbage", '{"v": 1, "p": "youtube"}', '{"v": 1, "p": "blogger", "blog": 5}', "[]"],
)
def test_foreign_cursor_is_fatal(harness: BloggerHarness, cursor: str) -> None:
    with pytest.raises(FatalConnectorError, match="cursor"):
        harness.connector().fetch(harness.site(), cursor)


def test_configuration_errors_are_fatal(
    harness: BloggerHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = harness.site()
    with pytest.raises(FatalConnectorError, match="numeric blog id"):
        harness.connector().fetch(
            Site(**{**site.__dict__, "target": "lakeview.blogspot.com"}), None
        )
    missing = Site(**{**site.__dict__, "target": "1234"})
    with pytest.raises(FatalConnectorError, match="HTTP 404"):
        harness.connector().fetch(missing, None)
    report = harness.connector().check_access(missing)
    assert not report.ok and "404" in report.detail
    monkeypatch.setenv("SITEWATCH_GOOGLE_API_KEY", "AIza-wrong")
    with pytest.raises(FatalConnectorError, match="HTTP 400"):
        harness.connector().fetch(site, None)
    monkeypatch.delenv("SITEWATCH_GOOGLE_API_KEY")
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    with pytest.raises(FatalConnectorError, match="SITEWATCH_GOOGLE_API_KEY"):
        harness.connector().fetch(site, None)
