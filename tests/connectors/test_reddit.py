"""The Reddit connector against a fake Reddit: the conformance suite plus Reddit specifics."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from conformance import *  # noqa: F403
from conformance import drain
from sitewatch_connectors.reddit import RedditConnector
from sitewatch_connectors.reddit._listing import MAX_TEXT_CHARS

from fakes.reddit import CLIENT_ID, CLIENT_SECRET, MOD_PASSWORD, MOD_USER, FakeReddit
from fakes.server import Request
from sitewatch.exceptions import FatalConnectorError, RetriableConnectorError
from sitewatch.models import Action, ActionKind, Member, Post, Site

SUB = "LakeviewBand"
PAGE_SIZE = 3
SECRET_TEXT = "Jordan Q. Sample 219-55-0000"  # must never reach an error or a SkippedItem


class RedditHarness:
    platform = "reddit"
    page_size = PAGE_SIZE

    def __init__(self, fake: FakeReddit) -> None:
        self.fake = fake

    def connector(self) -> RedditConnector:
        return RedditConnector()

    def site(self, target: str = f"r/{SUB}", **options: Any) -> Site:
        return Site(
            name="lhs-band-reddit",
            platform="reddit",
            target=target,
            sponsor="band.sponsor@lakeview.k12.us",
            endpoint=self.fake.url,
            # request_limit < the conformance suite's post counts: walks page too
            options={"page_size": PAGE_SIZE, "request_limit": 4, "timeout": 1, **options},
        )

    def add_post(self, text: str, *, reply_to: str | None = None) -> str:
        if reply_to is None:
            return self.fake.add_submission(text).id
        return self.fake.add_comment(text, reply_to).id


@pytest.fixture
def fake() -> Iterator[FakeReddit]:
    server = FakeReddit(SUB)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def harness(fake: FakeReddit, monkeypatch: pytest.MonkeyPatch) -> RedditHarness:
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    monkeypatch.delenv("SITEWATCH_REDDIT_USERNAME", raising=False)
    monkeypatch.delenv("SITEWATCH_REDDIT_PASSWORD", raising=False)
    monkeypatch.setenv("SITEWATCH_REDDIT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SITEWATCH_REDDIT_CLIENT_SECRET", CLIENT_SECRET)
    return RedditHarness(fake)


@pytest.fixture
def moderator(monkeypatch: pytest.MonkeyPatch, harness: RedditHarness) -> RedditHarness:
    monkeypatch.setenv("SITEWATCH_REDDIT_USERNAME", MOD_USER)
    monkeypatch.setenv("SITEWATCH_REDDIT_PASSWORD", MOD_PASSWORD)
    return harness


def ids(posts: list[Post]) -> list[str]:
    return [p.id for p in posts]


def form(request: Request) -> dict[str, str]:
    return FakeReddit.form_of(request)


# -- what a post looks like ----------------------------------------------------------------
def test_submission_and_comment_fields(harness: RedditHarness) -> None:
    fake = harness.fake
    sub = fake.add_submission("Spring concert", "Doors open at 6.\nBring your music folder.")
    top = fake.add_comment("See you there", sub.id, author="alto_sax_22")
    nested = fake.add_comment("Me too", top.id)
    link_only = fake.add_submission("Photos from camp", "   ", author="[deleted]")
    posts, _, _ = drain(harness.connector(), harness.site(page_size=100), None)
    by_id = {p.id: p for p in posts}
    assert by_id[sub.id] == Post(
        id=sub.id,
        text="Spring concert\n\nDoors open at 6.\nBring your music folder.",
        author="band_parent_2026",
        created_at=datetime.fromtimestamp(sub.created, tz=UTC),
        url=f"https://www.reddit.com/r/{SUB}/comments/{sub.id}/spring_concert/",
        parent_id=None,
        kind="post",
    )
    assert by_id[top.id].kind == "comment"
    assert by_id[top.id].parent_id == sub.id
    assert by_id[top.id].author == "alto_sax_22"
    assert by_id[top.id].url == f"https://www.reddit.com/r/{SUB}/comments/{sub.id}/_/{top.id}/"
    assert by_id[nested.id].parent_id == top.id  # the parent comment, not the submission
    assert by_id[link_only.id].text == "Photos from camp"
    assert by_id[link_only.id].author is None
    for post in posts:
        assert post.created_at is not None
        assert post.created_at.tzinfo is UTC


def test_posts_and_comments_are_merged_oldest_first(harness: RedditHarness) -> None:
    fake = harness.fake
    a = fake.add_submission("a")
    b = fake.add_comment("b", a.id)
    c = fake.add_submission("c")
    d = fake.add_comment("d", c.id)
    e = fake.add_comment("e", a.id)
    posts, _, pages = drain(harness.connector(), harness.site(page_size=2), None)
    assert ids(posts) == [a.id, b.id, c.id, d.id, e.id]
    assert pages == 3
    created = [p.created_at.timestamp() for p in posts if p.created_at is not None]
    assert len(created) == 5
    assert created == sorted(created)


def test_long_text_is_truncated_and_markup_kept(harness: RedditHarness) -> None:
    big = harness.fake.add_submission("t", "x" * (MAX_TEXT_CHARS + 10))
    markup = harness.fake.add_submission("<script>alert(1)</script> &amp; \u202e")
    posts, _, _ = drain(harness.connector(), harness.site(), None)
    by_id = {p.id: p for p in posts}
    assert len(by_id[big.id].text) == MAX_TEXT_CHARS
    assert by_id[markup.id].text == "<script>alert(1)</script> &amp; \u202e"


# -- the cursor ----------------------------------------------------------------------------
def test_cursor_is_versioned_json_with_one_mark_per_listing(harness: RedditHarness) -> None:
    post = harness.fake.add_submission("one")
    reply = harness.fake.add_comment("two", post.id)
    page = harness.connector().fetch(harness.site(), None)
    assert page.next_cursor is not None
    assert json.loads(page.next_cursor) == {
        "v": 1,
        "platform": "reddit",
        "sr": SUB.lower(),
        "t3": post.id,
        "t1": reply.id,
    }


def test_empty_subreddit_still_returns_a_cursor(harness: RedditHarness) -> None:
    page = harness.connector().fetch(harness.site(), None)
    assert (page.posts, page.has_more) == ((), False)
    assert page.next_cursor is not None
    fresh = harness.fake.add_submission("first")
    later = harness.connector().fetch(harness.site(), page.next_cursor)
    assert ids(list(later.posts)) == [fresh.id]


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "garbage",
        "t3_abc123",
        "[]",
        '{"v": 1, "offset": 10, "line": 1, "tail": "0123456789abcdef"}',  # the demo's
        '{"v": 2, "platform": "reddit", "sr": "lakeviewband", "t3": null, "t1": null}',
        '{"v": 1, "platform": "x", "sr": "lakeviewband", "t3": null, "t1": null}',
        '{"v": 1, "platform": "reddit", "sr": "", "t3": null, "t1": null}',
        '{"v": 1, "platform": "reddit", "sr": "lakeviewband", "t3": "ABC", "t1": null}',
        '{"v": 1, "platform": "reddit", "sr": "lakeviewband", "t3": 5, "t1": null}',
    ],
)
def test_foreign_cursor_is_fatal(harness: RedditHarness, cursor: str) -> None:
    with pytest.raises(FatalConnectorError, match="not a reddit connector cursor"):
        harness.connector().fetch(harness.site(), cursor)


def test_cursor_for_another_subreddit_starts_over(harness: RedditHarness) -> None:
    harness.fake.add_subreddit("LakeviewChoir")
    choir = harness.fake.add_submission("choir news", subreddit="LakeviewChoir")
    harness.fake.add_submission("band news")
    _, band_cursor, _ = drain(harness.connector(), harness.site(), None)
    page = harness.connector().fetch(harness.site("r/LakeviewChoir"), band_cursor)
    assert ids(list(page.posts)) == [choir.id]


def test_deleted_newest_post_does_not_break_the_cursor(harness: RedditHarness) -> None:
    """A before=<fullname> anchor would go blank here; the high-water mark does not."""
    fake = harness.fake
    old = [fake.add_submission(f"old {i}").id for i in range(4)]
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    fake.delete(old[-1])  # e.g. the sponsor removed the post sitewatch flagged
    fresh = [fake.add_submission(f"new {i}").id for i in range(2)]
    posts, cursor2, _ = drain(harness.connector(), harness.site(), cursor)
    assert ids(posts) == fresh
    assert drain(harness.connector(), harness.site(), cursor2)[0] == []


def test_removed_item_between_pages_is_not_needed(moderator: RedditHarness) -> None:
    """Acting on a returned post before the next page (the daemon's order) loses nothing."""
    fake = moderator.fake
    planted = [fake.add_submission(f"p{i}").id for i in range(7)]
    connector = moderator.connector()
    first = connector.fetch(moderator.site(), None)
    returned = [p.id for p in first.posts]
    result = connector.act(moderator.site(), first.posts[-1], Action(ActionKind.REMOVE, "pii"))
    assert result.ok, result.detail
    rest, _, _ = drain(moderator.connector(), moderator.site(), first.next_cursor)
    assert returned + ids(rest) == planted


def test_vanished_after_anchor_restarts_the_walk(harness: RedditHarness) -> None:
    fake = harness.fake
    planted = [fake.add_submission(f"p{i}").id for i in range(10)]
    deleted: list[str] = []

    def delete_anchor(request: Request) -> None:
        after = request.arg("after")
        if request.path.endswith("/new") and after and not deleted:
            deleted.append(after[3:])
            fake.delete(after[3:])  # gone between the two requests of one walk

    fake.hooks.append(delete_anchor)
    posts, _, _ = drain(harness.connector(), harness.site(page_size=100), None)
    assert len(deleted) == 1
    assert ids(posts) == [i for i in planted if i != deleted[0]]
    restarts = [r for r in fake.api_calls("GET", f"/r/{SUB}/new") if r.arg("after") is None]
    assert len(restarts) == 2


def test_more_new_items_than_reddit_lists_reports_a_possible_gap(
    harness: RedditHarness,
) -> None:
    fake = harness.fake
    fake.add_submission("seen")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    fake.listing_window = 5
    fresh = [fake.add_submission(f"flood {i}").id for i in range(8)]
    page = harness.connector().fetch(harness.site(page_size=100), cursor)
    assert ids(list(page.posts)) == fresh[-5:]
    (gap,) = page.skipped
    assert gap.where == f"r/{SUB}/new"
    assert "~1000" in gap.reason


def test_no_gap_notice_when_the_walk_reaches_the_mark(harness: RedditHarness) -> None:
    fake = harness.fake
    fake.add_submission("seen")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    for i in range(9):
        fake.add_submission(f"more {i}")
    posts, _, _ = drain(harness.connector(), harness.site(), cursor)
    assert len(posts) == 9


def test_walk_stops_at_the_mark(harness: RedditHarness) -> None:
    fake = harness.fake
    for i in range(20):
        fake.add_submission(f"old {i}")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    fake.requests.clear()
    fake.add_submission("one more")
    harness.connector().fetch(harness.site(), cursor)
    walked = fake.api_calls("GET", f"/r/{SUB}/new")
    assert len(walked) == 1  # the first page already reaches the mark


# -- bad items -----------------------------------------------------------------------------
def test_unreadable_items_are_skipped_without_content(harness: RedditHarness) -> None:
    fake = harness.fake
    before = fake.add_submission("before")
    no_title = fake.add_raw("t3", None)
    no_title.raw = {
        "kind": "t3",
        "data": {"id": no_title.id, "created_utc": no_title.created, "selftext": SECRET_TEXT},
    }
    no_id = fake.add_raw("t3", {"kind": "t3", "data": {"title": SECRET_TEXT}})
    bad_time = fake.add_raw("t3", None)
    bad_time.raw = {
        "kind": "t3",
        "data": {"id": bad_time.id, "title": SECRET_TEXT, "created_utc": "yesterday"},
    }
    orphan = fake.add_raw("t1", None)
    orphan.raw = {
        "kind": "t1",
        "data": {"id": orphan.id, "body": SECRET_TEXT, "created_utc": orphan.created},
    }
    after = fake.add_submission("after")
    assert no_id
    page = harness.connector().fetch(harness.site(page_size=100), None)
    assert ids(list(page.posts)) == [before.id, after.id]
    reasons = {s.where: s.reason for s in page.skipped}
    assert '"title"' in reasons[f"t3_{no_title.id}"]
    assert "created_utc" in reasons[f"t3_{bad_time.id}"]
    assert "parent_id" in reasons[f"t1_{orphan.id}"]
    assert any(w.startswith(f"r/{SUB}/new #") for w in reasons)
    for reason in reasons.values():
        assert "Jordan" not in reason
        assert len(reason) < 200
    # all of them are behind the cursor now: never reported again
    again = harness.connector().fetch(harness.site(page_size=100), page.next_cursor)
    assert (again.posts, again.skipped) == ((), ())


def test_response_that_is_not_a_listing_is_retriable(harness: RedditHarness) -> None:
    harness.fake.add_submission("x")
    harness.fake.fail(200, body={"kind": "t5", "data": {}})
    with pytest.raises(RetriableConnectorError, match="not a Reddit Listing"):
        harness.connector().fetch(harness.site(), None)


# -- errors and the client's own loops -----------------------------------------------------
def test_no_internal_retry_or_sleep_on_server_errors(harness: RedditHarness) -> None:
    harness.fake.add_submission("x")
    harness.fake.fail(503)
    started = time.monotonic()
    with pytest.raises(RetriableConnectorError, match="HTTP 503"):
        harness.connector().fetch(harness.site(), None)
    assert time.monotonic() - started < 1.5  # prawcore alone would sleep 2-4 s
    assert len(harness.fake.api_requests()) == 1


def test_used_up_rate_limit_is_retriable_with_reset_time(harness: RedditHarness) -> None:
    harness.fake.add_submission("x")
    harness.fake.ratelimit_remaining = 1.0  # the first answer says 0 remain, reset in 420 s
    started = time.monotonic()
    with pytest.raises(RetriableConnectorError) as err:
        harness.connector().fetch(harness.site(), None)
    assert time.monotonic() - started < 2
    assert err.value.retry_after == pytest.approx(420, abs=5)
    assert len(harness.fake.api_requests()) == 1


def test_429_without_retry_after_uses_reddit_reset_seconds(harness: RedditHarness) -> None:
    harness.fake.fail(429)
    with pytest.raises(RetriableConnectorError) as err:
        harness.connector().fetch(harness.site(), None)
    assert err.value.retry_after == pytest.approx(420, abs=5)


def test_expired_token_is_renewed_once(harness: RedditHarness) -> None:
    post = harness.fake.add_submission("x")
    connector = harness.connector()
    connector.fetch(harness.site(), None)
    harness.fake.revoke_tokens()  # Reddit forgot our token before it expired
    page = connector.fetch(harness.site(), None)
    assert ids(list(page.posts)) == [post.id]
    assert len(harness.fake.token_requests()) == 2


def test_401_without_www_authenticate_is_still_fatal(harness: RedditHarness) -> None:
    harness.fake.omit_www_authenticate = True
    harness.fake.fail(401, times=5)
    with pytest.raises(FatalConnectorError, match="HTTP 401"):
        harness.connector().fetch(harness.site(), None)


def test_private_subreddit(harness: RedditHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.fake.add_subreddit("LakeviewStaff", subreddit_type="private", moderators={MOD_USER})
    post = harness.fake.add_submission("staff only", subreddit="LakeviewStaff")
    site = harness.site("r/LakeviewStaff")
    with pytest.raises(FatalConnectorError, match=r"HTTP 403.*private"):
        harness.connector().fetch(site, None)
    report = harness.connector().check_access(site)
    assert not report.ok
    assert "private" in report.detail
    monkeypatch.setenv("SITEWATCH_REDDIT_USERNAME", MOD_USER)
    monkeypatch.setenv("SITEWATCH_REDDIT_PASSWORD", MOD_PASSWORD)
    assert ids(list(harness.connector().fetch(site, None).posts)) == [post.id]
    report = harness.connector().check_access(site)
    assert (report.ok, report.detail) == (True, f"r/LakeviewStaff readable as u/{MOD_USER}")


def test_unknown_subreddit_is_fatal(harness: RedditHarness) -> None:
    with pytest.raises(FatalConnectorError, match="does not exist"):
        harness.connector().fetch(harness.site("r/NoSuchBand"), None)


@pytest.mark.parametrize(
    ("target", "options", "match"),
    [
        ("LakeviewBand", {}, "r/<subreddit>"),
        ("r/", {}, "r/<subreddit>"),
        ("r/bad-name", {}, "r/<subreddit>"),
        ("r/LakeviewBand", {"page_size": 0}, "page_size"),
        ("r/LakeviewBand", {"page_size": "many"}, "page_size"),
        ("r/LakeviewBand", {"request_limit": 101}, "request_limit"),
        ("r/LakeviewBand", {"timeout": "soon"}, "timeout"),
        ("r/LakeviewBand", {"timeout": 0}, "timeout"),
        ("r/LakeviewBand", {"removal_message": "loud"}, "removal_message"),
    ],
)
def test_bad_site_config_is_fatal(
    harness: RedditHarness, target: str, options: dict[str, Any], match: str
) -> None:
    with pytest.raises(FatalConnectorError, match=match):
        harness.connector().fetch(harness.site(target, **options), None)
    assert harness.connector().check_access(harness.site(target, **options)).ok is False


def test_target_forms_accepted(harness: RedditHarness) -> None:
    post = harness.fake.add_submission("x")
    for target in ("r/LakeviewBand", "/r/lakeviewband/", "R/LakeviewBand"):
        page = harness.connector().fetch(harness.site(target), None)
        assert ids(list(page.posts)) == [post.id]


# -- credentials and the token -------------------------------------------------------------
def test_app_only_token_is_requested_once_and_reused(harness: RedditHarness) -> None:
    fake = harness.fake
    for i in range(10):
        fake.add_submission(f"p{i}")
    connector = harness.connector()
    _, cursor, pages = drain(connector, harness.site(), None)
    connector.check_access(harness.site())
    connector.fetch(harness.site(), cursor)
    (token,) = fake.token_requests()
    assert pages >= 3
    assert form(token) == {"grant_type": "client_credentials"}
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token.headers["authorization"] == f"Basic {basic}"
    bearer = {r.headers["authorization"] for r in fake.api_requests()}
    assert len(bearer) == 1
    assert bearer.pop().startswith("bearer ")


def test_user_agent_is_descriptive(harness: RedditHarness) -> None:
    harness.connector().fetch(harness.site(), None)
    for request in harness.fake.requests:
        agent = request.headers["user-agent"]
        assert agent.startswith("sitewatch/")
        assert "(school district monitoring)" in agent


@pytest.mark.parametrize("status", [400, 401, 403])
def test_token_endpoint_refusal_is_fatal_and_names_the_credentials(
    harness: RedditHarness, status: int
) -> None:
    harness.fake.fail_token(status, times=5)
    with pytest.raises(FatalConnectorError) as err:
        harness.connector().fetch(harness.site(), None)
    message = str(err.value)
    assert "SITEWATCH_REDDIT_CLIENT_ID" in message
    assert "SITEWATCH_REDDIT_CLIENT_SECRET" in message
    assert CLIENT_SECRET not in message
    assert harness.fake.api_requests() == []


def test_wrong_client_secret_is_fatal(
    harness: RedditHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITEWATCH_REDDIT_CLIENT_SECRET", "not-the-secret")
    with pytest.raises(FatalConnectorError, match="SITEWATCH_REDDIT_CLIENT_SECRET"):
        harness.connector().fetch(harness.site(), None)
    report = harness.connector().check_access(harness.site())
    assert not report.ok
    assert "SITEWATCH_REDDIT_CLIENT_ID" in report.detail


def test_wrong_moderator_password_is_fatal(
    moderator: RedditHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITEWATCH_REDDIT_PASSWORD", "hunter2-not-it")
    with pytest.raises(FatalConnectorError, match="invalid_grant") as err:
        moderator.connector().fetch(moderator.site(), None)
    assert "SITEWATCH_REDDIT_PASSWORD" in str(err.value)
    assert "hunter2" not in str(err.value)


@pytest.mark.parametrize("status", [500, 503])
def test_token_endpoint_outage_is_retriable(harness: RedditHarness, status: int) -> None:
    harness.fake.fail_token(status)
    with pytest.raises(RetriableConnectorError):
        harness.connector().fetch(harness.site(), None)


def test_malformed_token_response_is_retriable(harness: RedditHarness) -> None:
    harness.fake.fail_token(200, body=b'{"access_token": "abc", "tok')
    with pytest.raises(RetriableConnectorError, match="malformed"):
        harness.connector().fetch(harness.site(), None)


@pytest.mark.parametrize(
    "missing", ["SITEWATCH_REDDIT_CLIENT_ID", "SITEWATCH_REDDIT_CLIENT_SECRET"]
)
def test_missing_credential_is_fatal_and_named(
    harness: RedditHarness, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.delenv(missing)
    with pytest.raises(FatalConnectorError, match=f"missing credential {missing}"):
        harness.connector().fetch(harness.site(), None)
    report = harness.connector().check_access(harness.site())
    assert not report.ok
    assert missing in report.detail


def test_half_a_moderator_login_is_fatal(
    harness: RedditHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITEWATCH_REDDIT_USERNAME", MOD_USER)
    with pytest.raises(FatalConnectorError, match="missing credential SITEWATCH_REDDIT_PASSWORD"):
        harness.connector().fetch(harness.site(), None)


def test_credentials_from_the_systemd_credentials_directory(
    harness: RedditHarness, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.delenv("SITEWATCH_REDDIT_CLIENT_ID")
    monkeypatch.delenv("SITEWATCH_REDDIT_CLIENT_SECRET")
    (tmp_path / "sitewatch_reddit_client_id").write_text(CLIENT_ID + "\n")
    (tmp_path / "sitewatch_reddit_client_secret").write_text(CLIENT_SECRET + "\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    assert harness.connector().check_access(harness.site()).ok


def test_moderator_account_reads_with_the_password_grant(moderator: RedditHarness) -> None:
    moderator.fake.add_submission("x")
    moderator.connector().fetch(moderator.site(), None)
    (token,) = moderator.fake.token_requests()
    assert form(token) == {
        "grant_type": "password",
        "username": MOD_USER,
        "password": MOD_PASSWORD,
    }


# -- actions -------------------------------------------------------------------------------
def _post(thing_id: str, kind: str = "post") -> Post:
    return Post(id=thing_id, text="(not needed)", kind=kind)


def test_remove_with_reason_hits_remove_then_removal_reasons(moderator: RedditHarness) -> None:
    fake = moderator.fake
    target = fake.add_submission("my number is (217) 555-0199")
    result = moderator.connector().act(
        moderator.site(), _post(target.id), Action(ActionKind.REMOVE, "sitewatch: pii.phone")
    )
    assert result.ok, result.detail
    assert f"t3_{target.id}" in result.detail
    (remove,) = fake.api_calls("POST", "/api/remove/")
    assert form(remove) == {"api_type": "json", "id": f"t3_{target.id}", "spam": "False"}
    (reasons,) = fake.api_calls("POST", "/api/v1/modactions/removal_reasons")
    body = form(reasons)
    assert body["api_type"] == "json"
    assert json.loads(body["json"]) == {
        "item_ids": [f"t3_{target.id}"],
        "mod_note": "sitewatch: pii.phone",
        "reason_id": None,
    }
    assert fake.find(target.id).removed
    assert fake.api_calls("POST", "/api/v1/modactions/removal_link_message") == []


def test_remove_comment_with_configured_reason_and_private_message(
    moderator: RedditHarness,
) -> None:
    fake = moderator.fake
    parent = fake.add_submission("game day")
    comment = fake.add_comment("reply", parent.id)
    site = moderator.site(removal_reason_id="110nhral8vygf", removal_message="private")
    long_reason = "sitewatch: " + "pii.student_id " * 20
    result = moderator.connector().act(
        site, _post(comment.id, "comment"), Action(ActionKind.REMOVE, long_reason)
    )
    assert result.ok, result.detail
    assert "private removal message sent" in result.detail
    (remove,) = fake.api_calls("POST", "/api/remove/")
    assert form(remove)["id"] == f"t1_{comment.id}"
    (reasons,) = fake.api_calls("POST", "/api/v1/modactions/removal_reasons")
    sent = json.loads(form(reasons)["json"])
    assert sent["reason_id"] == "110nhral8vygf"
    assert sent["mod_note"] == long_reason.strip()[:100]
    (message,) = fake.api_calls("POST", "/api/v1/modactions/removal_comment_message")
    payload = json.loads(form(message)["json"])
    assert payload["item_id"] == [f"t1_{comment.id}"]
    assert payload["type"] == "private"
    assert payload["message"] == long_reason.strip()
    assert len(payload["title"]) <= 50


def test_lock_hits_the_lock_endpoint(moderator: RedditHarness) -> None:
    fake = moderator.fake
    target = fake.add_submission("thread")
    result = moderator.connector().act(moderator.site(), _post(target.id), Action(ActionKind.LOCK))
    assert result.ok, result.detail
    (lock,) = fake.api_calls("POST", "/api/lock/")
    assert form(lock) == {"api_type": "json", "id": f"t3_{target.id}"}
    assert fake.find(target.id).locked


def test_actions_need_a_moderator_account(harness: RedditHarness) -> None:
    target = harness.fake.add_submission("x")
    for kind in (ActionKind.REMOVE, ActionKind.LOCK):
        result = harness.connector().act(harness.site(), _post(target.id), Action(kind, "r"))
        assert result.ok is False
        assert result.detail.startswith("needs a moderator account")
        assert "SITEWATCH_REDDIT_USERNAME" in result.detail
    assert harness.fake.requests == []


def test_action_refused_when_not_a_moderator_of_that_subreddit(
    moderator: RedditHarness,
) -> None:
    moderator.fake.add_subreddit("OtherSchool")
    target = moderator.fake.add_submission("x", subreddit="OtherSchool")
    result = moderator.connector().act(
        moderator.site("r/OtherSchool"), _post(target.id), Action(ActionKind.REMOVE, "pii")
    )
    assert result.ok is False
    assert "HTTP 403" in result.detail
    assert "Manage Posts & Comments" in result.detail
    assert not moderator.fake.find(target.id).removed


def test_hide_is_not_a_reddit_action(moderator: RedditHarness) -> None:
    target = moderator.fake.add_submission("x")
    result = moderator.connector().act(moderator.site(), _post(target.id), Action(ActionKind.HIDE))
    assert result.ok is False
    assert "use remove" in result.detail
    assert moderator.fake.requests == []


def test_action_during_an_outage_reports_failure(moderator: RedditHarness) -> None:
    target = moderator.fake.add_submission("x")
    moderator.fake.fail(503)
    result = moderator.connector().act(moderator.site(), _post(target.id), Action(ActionKind.LOCK))
    assert result.ok is False
    assert "HTTP 503" in result.detail


def test_action_on_a_bad_id_makes_no_request(moderator: RedditHarness) -> None:
    result = moderator.connector().act(
        moderator.site(), _post("NOT/AN/ID"), Action(ActionKind.REMOVE, "x")
    )
    assert result.ok is False
    assert moderator.fake.requests == []


# -- members -------------------------------------------------------------------------------
def test_members_are_the_approved_users(moderator: RedditHarness) -> None:
    sub = moderator.fake.default
    sub.contributors = [(f"member_{i:03}", 1_780_000_000.0 + i) for i in range(130)]
    members = moderator.connector().members(moderator.site())
    assert sorted(m.handle for m in members) == sorted(n for n, _ in sub.contributors)
    assert all(isinstance(m, Member) for m in members)
    calls = moderator.fake.api_calls("GET", f"/r/{SUB}/about/contributors")
    assert len(calls) == 2  # Reddit pages at 100
    assert calls[1].arg("after") is not None


def test_members_without_a_moderator_account_is_empty(harness: RedditHarness) -> None:
    harness.fake.default.contributors = [("someone", 1.0)]
    assert harness.connector().members(harness.site()) == []
    assert harness.fake.requests == []


def test_members_refused_is_empty(moderator: RedditHarness) -> None:
    moderator.fake.add_subreddit("OtherSchool")
    assert moderator.connector().members(moderator.site("r/OtherSchool")) == []


def test_members_outage_is_retriable(moderator: RedditHarness) -> None:
    moderator.fake.fail(502)
    with pytest.raises(RetriableConnectorError):
        moderator.connector().members(moderator.site())


def test_rotated_credentials_take_effect_without_a_restart(
    harness: RedditHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    connector = harness.connector()
    connector.fetch(harness.site(), None)
    monkeypatch.setenv("SITEWATCH_REDDIT_CLIENT_SECRET", "revoked-secret")
    with pytest.raises(FatalConnectorError, match="credentials were rejected"):
        connector.fetch(harness.site(), None)
    harness.fake.client_secret = "revoked-secret"  # the district issued a new secret
    assert connector.check_access(harness.site()).ok
    assert len(harness.fake.token_requests()) == 3
