"""The YouTube connector against the fake YouTube Data API: conformance, quota, cursor."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conformance import *  # noqa: F403
from conformance import drain
from sitewatch_connectors.youtube import YouTubeConnector

from fakes.youtube import API_KEY, YouTubeFake
from sitewatch.exceptions import FatalConnectorError, RetriableConnectorError
from sitewatch.models import Action, ActionKind, Approval, Page, Post, Site
from sitewatch.typing import Connector

PAGE_SIZE = 3


class YouTubeHarness:
    """Plants videos (``add_post``) and comments/replies (``reply_to``) on one channel."""

    platform = "youtube"
    page_size = PAGE_SIZE

    def __init__(self, fake: YouTubeFake, **options: Any) -> None:
        self.fake = fake
        self.channel = fake.add_channel()
        self.options: dict[str, Any] = {"page_size": PAGE_SIZE, "timeout": 1.0, **options}
        self.clock: datetime | None = None
        self._n = 0

    def connector(self) -> Connector:
        if self.clock is None:
            return YouTubeConnector()
        return YouTubeConnector(clock=lambda: self.clock or datetime.now(UTC))

    def site(self, **options: Any) -> Site:
        return Site(
            name="lhs-band-youtube",
            platform="youtube",
            target=self.channel,
            sponsor="band.sponsor@lakeview.k12.us",
            approval=Approval(by="Designee", on=datetime(2026, 1, 1).date(), ref="SUP-1"),
            endpoint=self.fake.url,
            options={**self.options, **options},
        )

    def add_post(self, text: str, *, reply_to: str | None = None) -> str:
        if reply_to is None:
            self._n += 1
            return self.fake.add_video(self.channel, f"Upload {self._n}", text)
        if reply_to in self.fake.videos:
            return self.fake.add_comment(reply_to, text)
        thread = self.fake.comments[reply_to]
        return self.fake.add_reply(thread.parent or thread.id, text)


@pytest.fixture
def fake() -> Iterator[YouTubeFake]:
    server = YouTubeFake().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def harness(fake: YouTubeFake, monkeypatch: pytest.MonkeyPatch) -> YouTubeHarness:
    monkeypatch.setenv("SITEWATCH_GOOGLE_API_KEY", API_KEY)
    return YouTubeHarness(fake)


# -- platform-specific ----------------------------------------------------------------------
def _thread_requests(fake: YouTubeFake, since: int = 0) -> list[str]:
    return [
        r.arg("videoId") or ""
        for r in fake.api_requests()[since:]
        if r.path.endswith("/commentThreads")
    ]


def test_comments_and_replies_carry_parents_urls_and_kinds(harness: YouTubeHarness) -> None:
    fake = harness.fake
    fake.embed_replies = 2
    video = harness.add_post("Spring concert recording")
    top = fake.add_comment(video, "great show", author="@parent1")
    replies = [fake.add_reply(top, f"reply {i}") for i in range(5)]  # more than embedded
    small = fake.add_comment(video, "loved the solo")
    small_reply = fake.add_reply(small, "me too")
    posts, _, _ = drain(harness.connector(), harness.site(), None)
    by_id = {p.id: p for p in posts}
    assert sorted(by_id) == sorted([video, top, small, small_reply, *replies])
    assert len(posts) == len(by_id)
    assert by_id[video].kind == "post" and by_id[video].parent_id is None
    assert by_id[video].text == "Upload 1\n\nSpring concert recording"
    assert by_id[video].url == f"https://www.youtube.com/watch?v={video}"
    assert by_id[top].kind == "comment" and by_id[top].parent_id == video
    assert by_id[top].author == "@parent1"
    assert by_id[top].url == f"https://www.youtube.com/watch?v={video}&lc={top}"
    for reply in [*replies]:
        assert by_id[reply].parent_id == top
        assert by_id[reply].url == f"https://www.youtube.com/watch?v={video}&lc={reply}"
    assert by_id[small_reply].parent_id == small
    assert all(p.created_at and p.created_at.tzinfo is not None for p in posts)
    calls = fake.api_requests()
    assert any(r.path.endswith("/comments") and r.arg("parentId") == top for r in calls)
    assert not any(r.path.endswith("/comments") and r.arg("parentId") == small for r in calls)
    threads = [r for r in calls if r.path.endswith("/commentThreads")]
    assert {r.arg("order") for r in threads} == {"time"}
    assert {r.arg("textFormat") for r in threads} == {"plainText"}


def test_each_page_is_oldest_first(harness: YouTubeHarness) -> None:
    video = harness.add_post("clip")
    for i in range(7):
        harness.fake.add_comment(video, f"comment {i}")
    cursor = None
    while True:
        page = harness.connector().fetch(harness.site(), cursor)
        created = [p.created_at for p in page.posts]
        assert created == sorted(created)  # type: ignore[type-var]
        cursor = page.next_cursor
        if not page.has_more:
            break


def test_restart_inside_one_videos_comment_pages(harness: YouTubeHarness) -> None:
    video = harness.add_post("clip")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    ids = [harness.fake.add_comment(video, f"comment {i}") for i in range(10)]
    got: list[str] = []
    pages = 0
    while True:  # a new connector (a restart) for every page
        page = harness.connector().fetch(harness.site(), cursor)
        got += [p.id for p in page.posts]
        cursor, pages = page.next_cursor, pages + 1
        if not page.has_more:
            break
    assert pages >= 3
    assert sorted(got) == sorted(ids) and len(got) == len(set(got))
    again, _, _ = drain(harness.connector(), harness.site(), cursor)
    assert again == []


def test_refused_page_token_restarts_the_walk_without_repeats(harness: YouTubeHarness) -> None:
    video = harness.add_post("clip")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    ids = [harness.fake.add_comment(video, f"comment {i}") for i in range(8)]
    page = harness.connector().fetch(harness.site(), cursor)
    assert page.has_more and page.next_cursor
    state = json.loads(page.next_cursor)
    assert state["cw"]["tok"]
    state["cw"]["tok"] = "bm90IGEgdG9rZW4"  # expired / unreadable
    newer = harness.fake.add_comment(video, "arrived meanwhile")
    rest, cursor, _ = drain(harness.connector(), harness.site(), json.dumps(state))
    got = [p.id for p in page.posts] + [p.id for p in rest]
    assert sorted(got) == sorted(ids) and len(got) == len(set(got))
    later, _, _ = drain(harness.connector(), harness.site(), cursor)
    assert [p.id for p in later] == [newer]


def test_new_reply_on_an_old_thread_is_found(harness: YouTubeHarness) -> None:
    video = harness.add_post("clip")
    top = harness.fake.add_comment(video, "first!")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    reply = harness.fake.add_reply(top, "replying later")
    posts, cursor, _ = drain(harness.connector(), harness.site(), cursor)
    assert [(p.id, p.parent_id) for p in posts] == [(reply, top)]
    again, _, _ = drain(harness.connector(), harness.site(), cursor)
    assert again == []


def test_fifty_videos_stay_within_the_poll_budget_and_resume(
    harness: YouTubeHarness,
) -> None:
    fake = harness.fake
    budget = 20
    videos = [harness.add_post(f"video {i}") for i in range(50)]
    comments = [fake.add_comment(v, f"comment on {i}") for i, v in enumerate(videos)]
    site = harness.site(poll_budget_units=budget, page_size=10)
    cursor: str | None = None
    seen: list[str] = []
    swept: list[list[str]] = []
    for _poll in range(8):
        units, since = fake.units(), len(fake.api_requests())
        posts, cursor, _ = drain(harness.connector(), site, cursor)
        assert fake.units() - units <= budget
        seen += [p.id for p in posts]
        swept.append(_thread_requests(fake, since))
        if set(comments) <= set(seen):
            break
    assert sorted(seen) == sorted(videos + comments)
    assert len(seen) == len(set(seen))
    assert len(swept) > 2, "the budget should have spread the work over several polls"
    # each poll resumes the sweep where the previous one stopped: no video read twice
    order = [v for poll in swept for v in poll]
    assert sorted(order) == sorted(videos)
    assert json.loads(cursor or "{}")["q"][1] == fake.units()


def test_daily_budget_is_kept_in_the_cursor_until_midnight_pacific(
    harness: YouTubeHarness,
) -> None:
    # 2026-09-01 20:00 UTC is 13:00 Pacific (PDT): eleven hours to the reset
    harness.clock = datetime(2026, 9, 1, 20, 0, tzinfo=UTC)
    videos = [harness.add_post(f"video {i}") for i in range(6)]
    site = harness.site(daily_quota_units=3, poll_budget_units=3)
    posts, cursor, _ = drain(harness.connector(), site, None)
    assert 0 < len(posts) < 6
    assert json.loads(cursor or "{}")["q"][:2] == ["2026-09-01", 3]
    spent = harness.fake.units()
    with pytest.raises(RetriableConnectorError) as err:
        harness.connector().fetch(site, cursor)
    assert err.value.retry_after == pytest.approx(11 * 3600)
    assert harness.fake.units() == spent, "no call once the day's budget is spent"
    harness.clock = datetime(2026, 9, 2, 7, 30, tzinfo=UTC)  # 00:30 Pacific, a new quota day
    more, cursor, _ = drain(harness.connector(), site, cursor)
    got = [p.id for p in posts + more]
    assert sorted(got) == sorted(videos)
    assert json.loads(cursor or "{}")["q"][0] == "2026-09-02"


def test_quota_exceeded_answer_waits_until_midnight_pacific(harness: YouTubeHarness) -> None:
    harness.clock = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # 10:00 PST
    harness.add_post("clip")
    harness.fake.quota_limit = 0
    with pytest.raises(RetriableConnectorError) as err:
        harness.connector().fetch(harness.site(), None)
    assert err.value.retry_after == pytest.approx(14 * 3600)
    assert "quota" in str(err.value)


def test_a_stopped_poll_gets_a_fresh_budget_after_the_poll_interval(
    harness: YouTubeHarness,
) -> None:
    harness.clock = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
    for i in range(12):
        harness.add_post(f"video {i}")
    site = harness.site(poll_budget_units=6)
    page = harness.connector().fetch(site, None)  # the daemon stops here (max pages)
    assert page.has_more
    used = json.loads(page.next_cursor or "{}")["q"][2]
    harness.clock += timedelta(seconds=site.poll_interval)
    page2 = harness.connector().fetch(site, page.next_cursor)
    assert json.loads(page2.next_cursor or "{}")["q"][2] <= used


def test_comments_disabled_on_one_video_skips_only_that_video(harness: YouTubeHarness) -> None:
    fake = harness.fake
    open_video = harness.add_post("open")
    closed = harness.add_post("closed")
    fake.disable_comments(closed)
    comment = fake.add_comment(open_video, "nice")
    pages: list[Page] = []
    cursor = None
    while True:
        page = harness.connector().fetch(harness.site(), cursor)
        pages.append(page)
        cursor = page.next_cursor
        if not page.has_more:
            break
    skipped = [s for p in pages for s in p.skipped]
    assert [s.where for s in skipped] == [closed]
    assert "disabled" in skipped[0].reason
    assert comment in {p.id for page in pages for p in page.posts}
    again = harness.connector().fetch(harness.site(), cursor)
    assert again.skipped == () and again.posts == ()


def test_deleted_video_leaves_the_sweep(harness: YouTubeHarness) -> None:
    gone = harness.add_post("soon gone")
    kept = harness.add_post("kept")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    harness.fake.delete_video(gone)
    new = harness.fake.add_comment(kept, "still here")
    posts, cursor, _ = drain(harness.connector(), harness.site(), cursor)
    assert [p.id for p in posts] == [new]
    assert [v[0] for v in json.loads(cursor or "{}")["vids"]] == [kept]


def test_unreadable_items_are_skipped_without_their_text(harness: YouTubeHarness) -> None:
    fake = harness.fake
    video = harness.add_post("clip")
    good = fake.add_comment(video, "fine")
    bad = fake.add_comment(video, "secret 555-0199")
    original = fake._comment

    def broken(c: Any, text_format: str) -> dict[str, Any]:
        body = original(c, text_format)
        if c.id == bad:
            del body["snippet"]["publishedAt"]
        return body

    fake._comment = broken  # type: ignore[method-assign]
    posts, _, _ = drain(harness.connector(), harness.site(), None)
    assert good in {p.id for p in posts} and bad not in {p.id for p in posts}
    page_skips = []
    cursor = None
    while True:
        page = harness.connector().fetch(harness.site(), cursor)
        page_skips += list(page.skipped)
        cursor = page.next_cursor
        if not page.has_more:
            break
    assert [s.where for s in page_skips] == [bad]
    assert "555" not in page_skips[0].reason and "secret" not in page_skips[0].reason


def test_text_is_capped_and_surrogates_replaced(harness: YouTubeHarness) -> None:
    video = harness.add_post("clip")
    long = harness.fake.add_comment(video, "x" * 1_000_050)
    odd = harness.fake.add_comment(video, "bad \ud83d half")
    posts = {p.id: p for p in drain(harness.connector(), harness.site(), None)[0]}
    assert len(posts[long].text) == 1_000_000
    assert posts[odd].text == "bad \ufffd half"


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        '{"v": 1, "offset": 0, "line": 0, "tail": "0000000000000000"}',  # the demo's
        '{"v": 1, "p": "blogger"}',
        '{"v": 2, "p": "youtube"}',
        '{"v": 1, "p": "youtube", "ch": 5}',
    ],
)
def test_foreign_cursor_is_fatal(harness: YouTubeHarness, cursor: str) -> None:
    with pytest.raises(FatalConnectorError, match="cursor"):
        harness.connector().fetch(harness.site(), cursor)


def test_configuration_errors_are_fatal(
    harness: YouTubeHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = harness.site()
    with pytest.raises(FatalConnectorError, match="channel id"):
        harness.connector().fetch(Site(**{**site.__dict__, "target": "@LakeviewBand"}), None)
    missing = Site(**{**site.__dict__, "target": "UC" + "x" * 22})
    with pytest.raises(FatalConnectorError, match="not found"):
        harness.connector().fetch(missing, None)
    assert not harness.connector().check_access(missing).ok
    with pytest.raises(FatalConnectorError, match="poll_budget_units"):
        harness.connector().fetch(harness.site(poll_budget_units=1), None)
    monkeypatch.setenv("SITEWATCH_GOOGLE_API_KEY", "AIza-wrong-key")
    with pytest.raises(FatalConnectorError, match="HTTP 400"):
        harness.connector().fetch(site, None)
    monkeypatch.delenv("SITEWATCH_GOOGLE_API_KEY")
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    with pytest.raises(FatalConnectorError, match="SITEWATCH_GOOGLE_API_KEY"):
        harness.connector().fetch(site, None)
    report = harness.connector().check_access(site)
    assert not report.ok and "SITEWATCH_GOOGLE_API_KEY" in report.detail


def _comment_post(harness: YouTubeHarness) -> Post:
    video = harness.add_post("clip")
    harness.fake.add_comment(video, "take this down")
    posts, _, _ = drain(harness.connector(), harness.site(), None)
    return next(p for p in posts if p.kind == "comment")


def test_hide_holds_the_comment_for_review(harness: YouTubeHarness, tmp_path: Path) -> None:
    post = _comment_post(harness)
    token = harness.fake.set_token_uri_file(tmp_path / "youtube-token.json")
    site = harness.site(oauth_token_file=str(token), oauth_token_uri=f"{harness.fake.url}/token")
    result = harness.connector().act(site, post, Action(kind=ActionKind.HIDE))
    assert result.ok, result.detail
    assert harness.fake.moderation_calls == [(post.id, "heldForReview")]
    assert any(r.path == "/token" for r in harness.fake.requests)
    # a held comment is no longer public
    fresh, _, _ = drain(harness.connector(), harness.site(), None)
    assert post.id not in {p.id for p in fresh}
    removed = harness.connector().act(site, post, Action(kind=ActionKind.REMOVE))
    assert removed.ok and harness.fake.moderation_calls[-1] == (post.id, "rejected")


def test_actions_that_cannot_work_say_why(harness: YouTubeHarness, tmp_path: Path) -> None:
    post = _comment_post(harness)
    no_oauth = harness.connector().act(harness.site(), post, Action(kind=ActionKind.HIDE))
    assert not no_oauth.ok and "oauth_token_file" in no_oauth.detail
    token = harness.fake.set_token_uri_file(tmp_path / "t.json")
    site = harness.site(oauth_token_file=str(token), oauth_token_uri=f"{harness.fake.url}/token")
    lock = harness.connector().act(site, post, Action(kind=ActionKind.LOCK))
    assert not lock.ok
    video = Post(id="abc", text="t", kind="post")
    assert not harness.connector().act(site, video, Action(kind=ActionKind.HIDE)).ok
    missing = harness.site(oauth_token_file=str(tmp_path / "absent.json"))
    assert not harness.connector().act(missing, post, Action(kind=ActionKind.HIDE)).ok
    harness.fake.refresh_token = "revoked"
    revoked = harness.connector().act(site, post, Action(kind=ActionKind.HIDE))
    assert not revoked.ok and harness.fake.moderation_calls == []
    assert not hasattr(harness.connector(), "members")
