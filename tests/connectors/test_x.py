"""The X connector against a fake X API v2: the conformance suite plus X specifics."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import tweepy
from conformance import *  # noqa: F403
from conformance import drain
from sitewatch_connectors.x import EndpointAdapter, XConnector
from sitewatch_connectors.x.connector import MAX_REQUESTS_PER_FETCH
from sitewatch_connectors.x.transport import API_HOSTS, build_client

from fakes.x import FakeX
from sitewatch.exceptions import FatalConnectorError, RetriableConnectorError
from sitewatch.models import Action, ActionKind, Post, Site

HANDLE = "LakeviewBand"
BEARER = "test-bearer-token-0123"
PAGE_SIZE = 5


class XHarness:
    platform = "x"
    page_size = PAGE_SIZE

    def __init__(self, fake: FakeX) -> None:
        self.fake = fake

    def connector(self) -> XConnector:
        return XConnector()

    def site(self, **options: Any) -> Site:
        return Site(
            name="lhs-band-x",
            platform="x",
            target=f"@{HANDLE}",
            sponsor="band.sponsor@lakeview.k12.us",
            endpoint=self.fake.url,
            options={"page_size": PAGE_SIZE, "timeout": 1, **options},
        )

    def add_post(self, text: str, *, reply_to: str | None = None) -> str:
        if reply_to is None:
            return self.fake.add_tweet(text)
        return self.fake.add_tweet(text, author="lhs_parent_22", reply_to=reply_to)


@pytest.fixture
def fake() -> Iterator[FakeX]:
    server = FakeX(handle=HANDLE, bearer_token=BEARER)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def harness(fake: FakeX, monkeypatch: pytest.MonkeyPatch) -> XHarness:
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    monkeypatch.setenv("SITEWATCH_X_BEARER_TOKEN", BEARER)
    for name in (
        "SITEWATCH_X_CONSUMER_KEY",
        "SITEWATCH_X_CONSUMER_SECRET",
        "SITEWATCH_X_ACCESS_TOKEN",
        "SITEWATCH_X_ACCESS_TOKEN_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)
    return XHarness(fake)


# -- helpers -------------------------------------------------------------------------------
USER_KEYS = {
    "SITEWATCH_X_CONSUMER_KEY": "ck-district-app",
    "SITEWATCH_X_CONSUMER_SECRET": "cs-district-app-secret",
    "SITEWATCH_X_ACCESS_TOKEN": "1500-district-access-token",
    "SITEWATCH_X_ACCESS_TOKEN_SECRET": "ats-district-secret",
}


def api_paths(fake: FakeX) -> list[str]:
    return [r.path for r in fake.requests]


def set_user_keys(monkeypatch: pytest.MonkeyPatch, fake: FakeX, owner: str | None = None) -> None:
    for name, value in USER_KEYS.items():
        monkeypatch.setenv(name, value)
    fake.user_context(USER_KEYS["SITEWATCH_X_ACCESS_TOKEN"], owner)


def reply_post(harness: XHarness) -> Post:
    root = harness.add_post("Concert tonight at 7")
    reply_id = harness.add_post("see you there", reply_to=root)
    posts, _, _ = drain(harness.connector(), harness.site(), None)
    return next(p for p in posts if p.id == reply_id)


# -- the rewriting adapter -----------------------------------------------------------------
def test_requests_go_to_the_endpoint_with_its_host_and_the_real_paths(harness: XHarness) -> None:
    fake = harness.fake
    harness.add_post("hello")
    drain(harness.connector(), harness.site(), None)
    assert fake.requests, "the fake saw nothing"
    assert {r.headers["host"] for r in fake.requests} == {f"127.0.0.1:{fake.port}"}
    uid = fake.owner_id
    paths = api_paths(fake)
    assert paths[0] == f"/2/users/by/username/{HANDLE}"
    assert f"/2/users/{uid}/tweets" in paths
    assert f"/2/users/{uid}/mentions" in paths
    timeline = next(r for r in fake.requests if r.path.endswith("/tweets"))
    assert timeline.arg("max_results") == str(PAGE_SIZE)
    assert set((timeline.arg("tweet.fields") or "").split(",")) >= {
        "created_at",
        "author_id",
        "conversation_id",
        "referenced_tweets",
    }
    assert timeline.arg("expansions") == "author_id"
    assert all(r.headers["authorization"] == f"Bearer {BEARER}" for r in fake.requests)
    assert "tweepy" in timeline.headers["user-agent"].lower()


def test_only_the_endpoint_is_ever_resolved_or_connected(
    harness: XHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``endpoint`` only 127.0.0.1 is resolved; without it the real host is addressed
    and the test socket guard refuses the connection (so the fake proves the rewrite)."""
    resolved: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def recording_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        resolved.append(str(host))
        if str(host).startswith("127."):
            return real_getaddrinfo(host, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("203.0.113.10", 443))]

    monkeypatch.setattr(socket, "getaddrinfo", recording_getaddrinfo)
    harness.add_post("hello")
    drain(harness.connector(), harness.site(), None)
    assert set(resolved) == {"127.0.0.1"}
    seen = len(harness.fake.requests)

    resolved.clear()
    site = replace(harness.site(), endpoint=None)
    with pytest.raises(RetriableConnectorError, match="ConnectionError"):
        harness.connector().fetch(site, None)
    assert resolved and set(resolved) == {"api.twitter.com"}
    assert len(harness.fake.requests) == seen


def test_the_adapter_rewrites_both_api_hosts_and_keeps_path_and_query() -> None:
    adapter = EndpointAdapter(endpoint="http://127.0.0.1:9/proxy/", timeout=2)
    assert (
        adapter.rewrite("https://api.twitter.com/2/users/1/tweets?max_results=5")
        == "http://127.0.0.1:9/proxy/2/users/1/tweets?max_results=5"
    )
    assert adapter.rewrite("https://api.x.com/2/users/me") == "http://127.0.0.1:9/proxy/2/users/me"
    assert adapter.rewrite("https://api.twitter.com.evil.example/2") == (
        "https://api.twitter.com.evil.example/2"
    )
    assert EndpointAdapter(endpoint=None, timeout=2).rewrite("https://api.x.com/2/x") == (
        "https://api.x.com/2/x"
    )


def test_the_adapter_is_mounted_on_the_client_session_not_patched_into_tweepy(
    harness: XHarness,
) -> None:
    client = build_client(bearer_token="t", endpoint=harness.fake.url, timeout=1)
    for host in API_HOSTS:
        assert isinstance(client.session.get_adapter(host + "/2/users/me"), EndpointAdapter)
    plain = tweepy.Client(bearer_token="t")
    assert not isinstance(plain.session.get_adapter("https://api.twitter.com/2"), EndpointAdapter)
    # api.x.com (newer tweepy) reaches the fake too
    response = client.session.get("https://api.x.com/2/users/by/username/" + HANDLE)
    assert response.status_code == 401  # the fake answered (no bearer on a raw session call)
    assert harness.fake.requests[-1].headers["host"] == f"127.0.0.1:{harness.fake.port}"


def test_tweepy_debug_logging_cannot_leak_tokens_or_post_text() -> None:
    import logging

    for name in ("tweepy", "oauthlib", "requests_oauthlib"):
        assert not logging.getLogger(name).isEnabledFor(logging.DEBUG)


# -- what a post looks like ----------------------------------------------------------------
def test_posts_and_replies_carry_author_parent_url_and_unescaped_text(harness: XHarness) -> None:
    fake = harness.fake
    root = fake.add_tweet("Bus leaves at 6 & returns <late>")
    reply = fake.add_tweet("can't wait", author="lhs_parent_22", reply_to=root)
    nested = fake.add_tweet("thanks!", reply_to=reply)  # the account answers in the thread
    posts, _, _ = drain(harness.connector(), harness.site(), None)
    by_id = {p.id: p for p in posts}
    assert set(by_id) == {root, reply, nested}
    top = by_id[root]
    assert top.text == "Bus leaves at 6 & returns <late>"
    assert (top.kind, top.parent_id, top.author) == ("post", None, HANDLE)
    assert top.url == f"https://x.com/{HANDLE}/status/{root}"
    assert top.created_at == fake.tweets[int(root)].created_at.replace(microsecond=0)
    child = by_id[reply]
    assert (child.kind, child.parent_id, child.author) == ("comment", root, "lhs_parent_22")
    assert child.text == f"@{HANDLE} can't wait"
    assert child.url == f"https://x.com/lhs_parent_22/status/{reply}"
    assert (by_id[nested].kind, by_id[nested].parent_id) == ("comment", reply)


def test_long_posts_are_read_whole_from_note_tweet(harness: XHarness) -> None:
    text = "Schedule: " + "rehearsal, " * 60
    tweet_id = harness.fake.add_tweet(text)
    posts, _, _ = drain(harness.connector(), harness.site(), None)
    assert [p.text for p in posts if p.id == tweet_id] == [text]


def test_mentions_that_are_not_replies_are_posts_and_own_tweets_are_not_repeated(
    harness: XHarness,
) -> None:
    fake = harness.fake
    mention = fake.add_tweet(f"congrats @{HANDLE} on the win", author="town_news")
    own = fake.add_tweet(f"follow @{HANDLE} for updates")  # the account mentions itself
    posts, _, _ = drain(harness.connector(), harness.site(), None)
    assert sorted(p.id for p in posts) == sorted([mention, own])
    by_id = {p.id: p for p in posts}
    assert (by_id[mention].kind, by_id[mention].author) == ("post", "town_news")


def test_one_bad_tweet_is_skipped_and_a_bad_date_falls_back_to_the_id(harness: XHarness) -> None:
    fake = harness.fake
    good = fake.add_tweet("good one")
    no_text = fake.add_tweet("will lose its text")
    bad_id = fake.add_tweet("will lose its id")
    bad_date = fake.add_tweet("odd date")
    fake.break_tweet(no_text, "no_text")
    fake.break_tweet(bad_id, "bad_id")
    fake.break_tweet(bad_date, "bad_date")
    connector, site = harness.connector(), harness.site()
    pages = []
    cursor = None
    while True:
        page = connector.fetch(site, cursor)
        pages.append(page)
        cursor = page.next_cursor
        if not page.has_more:
            break
    posts = [p for page in pages for p in page.posts]
    skipped = [s for page in pages for s in page.skipped]
    assert sorted(p.id for p in posts) == sorted([good, bad_date])
    assert {s.where for s in skipped} == {no_text, "x:tweets"}
    assert all("lose" not in s.reason for s in skipped)  # reasons never quote the text
    dated = next(p for p in posts if p.id == bad_date)
    assert dated.created_at == fake.tweets[int(bad_date)].created_at
    again, _, _ = drain(harness.connector(), site, cursor)
    assert again == []


# -- the cursor ----------------------------------------------------------------------------
def test_a_long_backlog_resumes_mid_descent_after_a_restart(harness: XHarness) -> None:
    """More pages than one fetch may request: progress lives in the cursor."""
    total = PAGE_SIZE * (MAX_REQUESTS_PER_FETCH + 2)
    ids = [harness.add_post(f"p{i}") for i in range(total)]
    first = harness.connector().fetch(harness.site(), None)
    assert first.has_more and first.posts == ()
    got: list[Post] = []
    cursor = first.next_cursor
    late: list[str] = []
    for step in range(100):
        page = harness.connector().fetch(harness.site(), cursor)  # a restart before each
        got.extend(page.posts)
        cursor = page.next_cursor
        if step == 2:
            late = [harness.add_post(f"late {i}") for i in range(PAGE_SIZE + 2)]
        if not page.has_more:
            break
    got_ids = [p.id for p in got]
    assert sorted(got_ids) == sorted(ids + late)
    assert len(got_ids) == len(set(got_ids))
    assert [p.created_at for p in got] == sorted(p.created_at for p in got)


@pytest.mark.parametrize(
    "cursor",
    [
        '{"v":1,"offset":10,"line":2,"tail":"0123456789abcdef"}',  # the demo connector's
        "not json",
        '{"p":"x","v":2,"uid":"1","next":0,"s":[]}',
        '{"p":"x","v":1,"uid":"1","next":0,"s":[{"since":"5","until":["4"]},'
        '{"since":null,"until":[]}]}',
    ],
)
def test_foreign_or_damaged_cursors_are_fatal(harness: XHarness, cursor: str) -> None:
    with pytest.raises(FatalConnectorError):
        harness.connector().fetch(harness.site(), cursor)


def test_a_cursor_of_another_account_is_fatal(harness: XHarness) -> None:
    harness.add_post("hello")
    _, cursor, _ = drain(harness.connector(), harness.site(), None)
    assert cursor is not None
    other = cursor.replace(harness.fake.owner_id, "12345")
    with pytest.raises(FatalConnectorError, match="reset the site's cursor"):
        harness.connector().fetch(harness.site(), other)


def test_the_account_id_is_looked_up_once_per_connector(harness: XHarness) -> None:
    connector = harness.connector()
    harness.add_post("a")
    _, cursor, _ = drain(connector, harness.site(), None)
    drain(connector, harness.site(), cursor)
    lookups = [p for p in api_paths(harness.fake) if p.startswith("/2/users/by/username/")]
    assert len(lookups) == 1


# -- replies options -----------------------------------------------------------------------
def test_replies_by_recent_search(harness: XHarness) -> None:
    fake = harness.fake
    root = harness.add_post("Game day!")
    reply = harness.add_post("go team", reply_to=root)
    own = fake.add_tweet("thread part 2", reply_to=root)  # the account's own reply
    site = harness.site(replies="search")
    posts, cursor, _ = drain(harness.connector(), site, None)
    assert sorted(p.id for p in posts) == sorted([root, reply, own])
    search = [r for r in fake.requests if r.path == "/2/tweets/search/recent"]
    assert search and search[0].arg("query") == f"to:{HANDLE} -from:{HANDLE}"
    assert search[0].arg("max_results") == "10"  # X's minimum for search
    assert all(r.arg("since_id") for r in search)  # bounded to the 7-day window
    newer = harness.add_post("thanks all", reply_to=root)
    later, _, _ = drain(harness.connector(), site, cursor)
    assert [p.id for p in later] == [newer]


def test_search_never_asks_past_the_seven_day_window(harness: XHarness) -> None:
    fake = harness.fake
    old_root = fake.add_tweet("old news", age_seconds=9 * 24 * 3600)
    site = harness.site(replies="search")
    _, cursor, _ = drain(harness.connector(), site, None)
    assert cursor is not None
    data = json.loads(cursor)
    data["s"][1]["since"] = str(int(old_root) + 1)  # a site that was down for 9 days
    reply = harness.add_post("still here", reply_to=harness.add_post("new"))
    posts, _, _ = drain(harness.connector(), site, json.dumps(data))
    assert reply in [p.id for p in posts]


def test_replies_none_reads_only_the_accounts_posts(harness: XHarness) -> None:
    root = harness.add_post("Photos are up")
    harness.add_post("nice", reply_to=root)
    posts, _, _ = drain(harness.connector(), harness.site(replies="none"), None)
    assert [p.id for p in posts] == [root]
    assert not [p for p in api_paths(harness.fake) if "mentions" in p or "search" in p]


# -- errors --------------------------------------------------------------------------------
def test_rate_limit_reset_header_alone_gives_retry_after(harness: XHarness) -> None:
    harness.add_post("a")
    harness.fake.set_rate_limit("users/tweets", remaining=0, reset_in=120)
    with pytest.raises(RetriableConnectorError) as err:
        harness.connector().fetch(harness.site(), None)
    assert err.value.retry_after == pytest.approx(120, abs=2)
    last = harness.fake.requests[-1]
    assert last.path.endswith("/tweets")


def test_an_exhausted_window_stops_the_fetch_and_keeps_progress(harness: XHarness) -> None:
    """x-rate-limit-remaining: 0 on a success: return progress, then meet the 429's reset."""
    fake = harness.fake
    ids = [harness.add_post(f"p{i}") for i in range(PAGE_SIZE * 3)]
    fake.set_rate_limit("users/tweets", remaining=2, reset_in=300)
    page = harness.connector().fetch(harness.site(), None)
    assert page.has_more and page.posts == ()
    tweets_requests = [p for p in api_paths(fake) if p.endswith("/tweets")]
    assert len(tweets_requests) == 2  # stopped instead of spending a request on a 429
    with pytest.raises(RetriableConnectorError) as err:
        harness.connector().fetch(harness.site(), page.next_cursor)
    assert err.value.retry_after == pytest.approx(300, abs=2)
    fake.set_rate_limit("users/tweets", remaining=100)  # the window reset
    posts, _, _ = drain(harness.connector(), harness.site(), page.next_cursor)
    assert [p.id for p in posts] == ids


def test_an_unknown_account_is_fatal_and_fails_the_access_check(harness: XHarness) -> None:
    site = replace(harness.site(), target="@NoSuchSchool")
    with pytest.raises(FatalConnectorError, match="Not Found Error"):
        harness.connector().fetch(site, None)
    report = harness.connector().check_access(site)
    assert not report.ok and "NoSuchSchool" in report.detail


def test_access_check_covers_the_replies_source(harness: XHarness) -> None:
    harness.fake.set_rate_limit("users/mentions", remaining=0, reset_in=60)
    report = harness.connector().check_access(harness.site())
    assert not report.ok and "mentions" in report.detail
    assert harness.connector().check_access(harness.site(replies="none")).ok


def test_a_protected_account_is_fatal(harness: XHarness) -> None:
    harness.fake.protect(HANDLE)
    with pytest.raises(FatalConnectorError, match="Authorization Error"):
        harness.connector().fetch(harness.site(), None)
    assert not harness.connector().check_access(harness.site()).ok


def test_a_missing_bearer_token_is_fatal_and_named(
    harness: XHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SITEWATCH_X_BEARER_TOKEN")
    with pytest.raises(FatalConnectorError, match="SITEWATCH_X_BEARER_TOKEN"):
        harness.connector().fetch(harness.site(), None)
    report = harness.connector().check_access(harness.site())
    assert not report.ok and "SITEWATCH_X_BEARER_TOKEN" in report.detail
    assert harness.fake.requests == []


def test_a_wrong_bearer_token_is_fatal(harness: XHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEWATCH_X_BEARER_TOKEN", "revoked")
    with pytest.raises(FatalConnectorError, match="401"):
        harness.connector().fetch(harness.site(), None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"target": "r/LakeviewBand"}, "@handle"),
        ({"options": {"page_size": 3, "timeout": 1}}, "page_size"),
        ({"options": {"replies": "everything", "timeout": 1}}, "replies"),
        ({"options": {"timeout": "soon"}}, "timeout"),
        ({"endpoint": "ftp://proxy"}, "endpoint"),
    ],
)
def test_bad_site_settings_are_fatal(
    harness: XHarness, change: dict[str, Any], message: str
) -> None:
    site = replace(harness.site(), **change)
    with pytest.raises(FatalConnectorError, match=message):
        harness.connector().fetch(site, None)
    assert not harness.connector().check_access(site).ok


# -- check_access --------------------------------------------------------------------------
def test_access_report_says_whether_replies_can_be_hidden(
    harness: XHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = harness.connector().check_access(harness.site())
    assert report.ok
    assert "not configured" in report.detail and "SITEWATCH_X_ACCESS_TOKEN" in report.detail
    set_user_keys(monkeypatch, harness.fake)
    report = harness.connector().check_access(harness.site())
    assert report.ok and "replies can be hidden" in report.detail
    harness.fake.user_context(USER_KEYS["SITEWATCH_X_ACCESS_TOKEN"], "someone_else")
    report = harness.connector().check_access(harness.site())
    assert report.ok and "hiding replies will fail" in report.detail


# -- hiding replies ------------------------------------------------------------------------
def test_hide_reply_sends_a_signed_put_with_hidden_true(
    harness: XHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = harness.fake
    post = reply_post(harness)
    set_user_keys(monkeypatch, fake)
    result = harness.connector().act(harness.site(), post, Action(kind=ActionKind.HIDE))
    assert result.ok, result.detail
    request = fake.requests[-1]
    assert (request.method, request.path) == ("PUT", f"/2/tweets/{post.id}/hidden")
    assert json.loads(request.body) == {"hidden": True}
    assert request.headers["content-type"] == "application/json"
    auth = request.headers["authorization"]
    assert auth.startswith("OAuth ")
    assert 'oauth_consumer_key="ck-district-app"' in auth
    assert 'oauth_token="1500-district-access-token"' in auth
    assert "oauth_signature=" in auth
    assert request.headers["host"] == f"127.0.0.1:{fake.port}"
    assert fake.hidden() == {post.id}


def test_hide_without_user_keys_names_them_and_sends_nothing(harness: XHarness) -> None:
    post = reply_post(harness)
    before = len(harness.fake.requests)
    result = harness.connector().act(harness.site(), post, Action(kind=ActionKind.HIDE))
    assert not result.ok
    assert "SITEWATCH_X_CONSUMER_KEY" in result.detail
    assert "SITEWATCH_X_ACCESS_TOKEN_SECRET" in result.detail
    assert len(harness.fake.requests) == before


def test_hide_refusals(harness: XHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = harness.fake
    set_user_keys(monkeypatch, fake)
    connector, site = harness.connector(), harness.site()
    top = Post(id=harness.add_post("top"), text="top")
    assert not connector.act(site, top, Action(kind=ActionKind.HIDE)).ok  # not a reply
    reply = reply_post(harness)
    removed = connector.act(site, reply, Action(kind=ActionKind.REMOVE))
    assert not removed.ok and "x.com" in removed.detail
    # a reply in somebody else's conversation: X refuses with 403
    other_root = fake.add_tweet("their post", author="town_news")
    stranger = fake.add_tweet("reply", author="lhs_parent_22", reply_to=other_root)
    refused = connector.act(
        site, Post(id=stranger, text="reply", parent_id=other_root), Action(kind=ActionKind.HIDE)
    )
    assert not refused.ok and "403" in refused.detail
    assert fake.hidden() == set()


def test_hide_rate_limited_is_retriable(harness: XHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    post = reply_post(harness)
    set_user_keys(monkeypatch, harness.fake)
    harness.fake.set_rate_limit("tweets/hidden", remaining=0, reset_in=60)
    with pytest.raises(RetriableConnectorError) as err:
        harness.connector().act(harness.site(), post, Action(kind=ActionKind.HIDE))
    assert err.value.retry_after == pytest.approx(60, abs=2)


# -- followers -----------------------------------------------------------------------------
def test_members_pages_through_followers(harness: XHarness) -> None:
    fake = harness.fake
    names = [f"follower_{i}" for i in range(7)]
    for name in names:
        fake.add_follower(name, name.replace("_", " ").title())
    members = list(harness.connector().members(harness.site(members_page_size=3)))
    assert sorted(m.handle for m in members) == sorted(names)
    assert {m.display_name for m in members} >= {"Follower 0"}
    calls = [r for r in fake.requests if r.path.endswith("/followers")]
    assert len(calls) == 3
    assert calls[0].arg("pagination_token") is None
    assert all(c.arg("pagination_token") for c in calls[1:])
    assert {c.arg("max_results") for c in calls} == {"3"}


def test_members_errors_are_mapped(harness: XHarness) -> None:
    harness.fake.add_follower("follower_a")
    harness.fake.set_rate_limit("users/followers", remaining=0, reset_in=900)
    with pytest.raises(RetriableConnectorError):
        list(harness.connector().members(harness.site()))
