"""XConnector: reads a district X account and the replies to it through tweepy's v2 Client."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

import requests
import tweepy  # type: ignore[import-untyped, unused-ignore]

from sitewatch.credentials import get_secret
from sitewatch.exceptions import (
    ConfigError,
    ConnectorError,
    FatalConnectorError,
    RetriableConnectorError,
)
from sitewatch.logs import get_logger
from sitewatch.models import (
    AccessReport,
    Action,
    ActionKind,
    ActionResult,
    Member,
    Page,
    Post,
    Site,
    SkippedItem,
)

from ..base import error_for_status, site_page_size, site_timeout
from .cursor import STREAMS, Cursor, StreamState, decode, encode
from .transport import build_client

__all__ = [
    "BEARER_TOKEN",
    "MAX_REQUESTS_PER_FETCH",
    "MAX_TEXT_CHARS",
    "USER_CONTEXT_KEYS",
    "XConnector",
]

BEARER_TOKEN = "SITEWATCH_X_BEARER_TOKEN"  # noqa: S105 - a variable name, not a secret
USER_CONTEXT_KEYS = (
    "SITEWATCH_X_CONSUMER_KEY",
    "SITEWATCH_X_CONSUMER_SECRET",
    "SITEWATCH_X_ACCESS_TOKEN",
    "SITEWATCH_X_ACCESS_TOKEN_SECRET",
)
MAX_TEXT_CHARS = 1_000_000
MAX_REQUESTS_PER_FETCH = 10
"""A descent through a large backlog is spread over fetches (progress is in the cursor)."""

MIN_PAGE_SIZE = 5  # X refuses max_results < 5 on timelines (< 10 on search)
MIN_SEARCH_PAGE_SIZE = 10
SEARCH_WINDOW_SECONDS = 7 * 24 * 3600 - 300  # recent search reaches back 7 days; keep a margin
REPLY_MODES = ("mentions", "search", "none")
TWEET_FIELDS = [
    "author_id",
    "conversation_id",
    "created_at",
    "in_reply_to_user_id",
    "note_tweet",
    "referenced_tweets",
]
EXPANSIONS = ["author_id"]
USER_FIELDS = ["name", "username"]
_TWITTER_EPOCH_MS = 1288834974657
_USERNAME = re.compile(r"[A-Za-z0-9_]{1,15}")
_ID = re.compile(r"[1-9][0-9]{0,19}")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

log = get_logger(__name__)


# -- options -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Options:
    handle: str
    endpoint: str | None
    page_size: int
    timeout: float
    replies: str
    members_page_size: int


def _options(site: Site) -> _Options:
    where = f"site {site.name!r}"
    target = (site.target or "").strip()
    handle = target.removeprefix("@")
    if not _USERNAME.fullmatch(handle):
        raise FatalConnectorError(
            f"{where}: X target must be an @handle (letters, digits, _; at most 15), not {target!r}"
        )
    endpoint = site.endpoint.strip() if site.endpoint else None
    if endpoint and not re.match(r"^https?://[^/\s]+", endpoint, re.IGNORECASE):
        raise FatalConnectorError(f"{where}: endpoint must be an http(s) URL, not {endpoint!r}")
    try:
        page_size = site_page_size(site, default=100, maximum=100)
        timeout = site_timeout(site)
        members_page_size = int(site.options.get("members_page_size", 1000))
    except (TypeError, ValueError):
        raise FatalConnectorError(
            f"{where}: options page_size, members_page_size and timeout must be numbers"
        ) from None
    if page_size < MIN_PAGE_SIZE:
        raise FatalConnectorError(f"{where}: X needs page_size 5..100, not {page_size}")
    if not 1 <= members_page_size <= 1000:
        raise FatalConnectorError(
            f"{where}: members_page_size must be 1..1000, not {members_page_size}"
        )
    if not timeout > 0:
        raise FatalConnectorError(f"{where}: timeout must be a positive number of seconds")
    replies = str(site.options.get("replies", "mentions")).strip().lower()
    if replies not in REPLY_MODES:
        raise FatalConnectorError(
            f"{where}: option replies must be one of {', '.join(REPLY_MODES)}, not {replies!r}"
        )
    return _Options(handle, endpoint, page_size, timeout, replies, members_page_size)


def _secret(name: str, *, required: bool) -> str | None:
    try:
        return get_secret(name, required=required)
    except ConfigError as exc:  # CredentialError: missing, or an unreadable credential file
        raise FatalConnectorError(str(exc)) from None


# -- HTTP calls and their errors -----------------------------------------------------------
@dataclass
class _Reply:
    body: dict[str, Any]
    headers: Mapping[str, str]

    @property
    def meta(self) -> dict[str, Any]:
        meta = self.body.get("meta")
        return meta if isinstance(meta, dict) else {}

    @property
    def exhausted(self) -> bool:
        """X said this endpoint's rate-limit window has no requests left."""
        return str(self.headers.get("x-rate-limit-remaining", "")).strip() == "0"


def _call(what: str, timeout: float, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> _Reply:
    """One API request; every failure becomes a Retriable or Fatal connector error."""
    try:
        response = fn(*args, **kwargs)
    except tweepy.errors.HTTPException as exc:
        status = int(getattr(exc.response, "status_code", 0) or 0)
        headers = dict(getattr(exc.response, "headers", None) or {})
        raise error_for_status(status, what, headers) from None
    except requests.exceptions.Timeout:
        raise RetriableConnectorError(f"{what}: no answer within {timeout:g} s") from None
    except requests.exceptions.RequestException as exc:
        raise RetriableConnectorError(f"{what}: {type(exc).__name__}") from None
    except ValueError:  # requests' JSON decoding inside tweepy, oauthlib's key checks
        raise RetriableConnectorError(f"{what}: the answer could not be read") from None
    except tweepy.errors.TweepyException as exc:
        raise FatalConnectorError(f"{what}: {type(exc).__name__}") from None
    try:
        body = response.json()
    except ValueError:
        raise RetriableConnectorError(f"{what}: the answer is not valid JSON") from None
    if not isinstance(body, dict):
        raise RetriableConnectorError(f"{what}: the answer is not a JSON object")
    return _Reply(body, response.headers)


def _api_error(reply: _Reply) -> str | None:
    """X's explanation when a 200 answer carries only ``errors`` (no ``data``/``meta``)."""
    if "data" in reply.body or reply.meta:
        return None
    errors = reply.body.get("errors")
    if not isinstance(errors, list) or not errors:
        return None
    first = errors[0] if isinstance(errors[0], dict) else {}
    title = first.get("title") or "error"
    detail = first.get("detail") or ""
    return f"{title}: {detail}".strip(": ")[:300]


# -- mapping tweets to posts ---------------------------------------------------------------
class _BadItem(Exception):
    """One tweet is unusable; the message is the SkippedItem reason (never its text)."""


def _tweet_id(raw: Any) -> int | None:
    if isinstance(raw, dict):
        value = raw.get("id")
        if isinstance(value, str) and _ID.fullmatch(value):
            return int(value)
    return None


def _meta_id(meta: Mapping[str, Any], key: str) -> int | None:
    value = meta.get(key)
    return int(value) if isinstance(value, str) and _ID.fullmatch(value) else None


def _snowflake_time(tweet_id: int) -> datetime:
    return datetime.fromtimestamp(((tweet_id >> 22) + _TWITTER_EPOCH_MS) / 1000, tz=UTC)


def _snowflake(when: float) -> int:
    return max(1, int(when * 1000) - _TWITTER_EPOCH_MS) << 22


def _created(value: Any, tweet_id: int) -> datetime:
    if isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return _snowflake_time(tweet_id)  # ids are timestamps (snowflakes)


def _users(body: Mapping[str, Any]) -> dict[str, str]:
    """author id -> username, from ``includes.users``."""
    includes = body.get("includes")
    users = includes.get("users") if isinstance(includes, dict) else None
    found: dict[str, str] = {}
    for user in users if isinstance(users, list) else []:
        if isinstance(user, dict):
            uid, name = user.get("id"), user.get("username")
            if isinstance(uid, str) and isinstance(name, str) and _USERNAME.fullmatch(name):
                found[uid] = name
    return found


def _referenced(raw: Mapping[str, Any], kind: str) -> str | None:
    refs = raw.get("referenced_tweets")
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict) and ref.get("type") == kind:
            ref_id = ref.get("id")
            if isinstance(ref_id, str) and _ID.fullmatch(ref_id):
                return ref_id
    return None


def _post(raw: Mapping[str, Any], tweet_id: int, users: Mapping[str, str]) -> Post:
    note = raw.get("note_tweet")
    text = note.get("text") if isinstance(note, dict) else None  # long posts: the full text
    if not isinstance(text, str):
        text = raw.get("text")
    if not isinstance(text, str):
        raise _BadItem('"text" is missing or not a string')
    # X escapes &, < and > in tweet text; the scanner must see what readers see.
    text = _SURROGATE.sub("\ufffd", html.unescape(text)[:MAX_TEXT_CHARS])
    author_id = raw.get("author_id")
    author = users.get(author_id) if isinstance(author_id, str) else None
    parent = _referenced(raw, "replied_to")
    url_user = author if author else "i/web"
    return Post(
        id=str(tweet_id),
        text=text,
        author=author,
        created_at=_created(raw.get("created_at"), tweet_id),
        url=f"https://x.com/{url_user}/status/{tweet_id}",
        parent_id=parent,
        kind="comment" if parent else "post",
    )


# -- the connector -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Account:
    id: str
    username: str


@dataclass
class _Budget:
    left: int
    stopped: bool = False  # out of requests for this fetch, or X's window is exhausted


@dataclass
class _Step:
    posts: list[Post] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)
    done: bool = True  # the window up to "now" was read whole: the stream is caught up


class XConnector:
    """Reads an X account's posts and the replies and mentions addressed to it.

    Stateless about storage; caches only the account id per target and the HTTP client.
    """

    platform: ClassVar[str] = "x"

    def __init__(self) -> None:
        self._clients: dict[tuple[str | None, float, str], tweepy.Client] = {}
        self._accounts: dict[tuple[str | None, str], _Account] = {}

    # -- Connector protocol ----------------------------------------------------------------
    def fetch(self, site: Site, cursor: str | None) -> Page:
        """Posts after ``cursor``, oldest first within each stream, at most one page."""
        opts = _options(site)
        state = decode(cursor) if cursor is not None else None
        client = self._reader(opts)
        account = self._account(client, opts)
        if state is None:
            state = Cursor(uid=account.id)
        elif state.uid != account.id:
            raise FatalConnectorError(
                f"site {site.name!r}: the cursor belongs to X account id {state.uid}, but "
                f"@{opts.handle} is account id {account.id} (was the handle reassigned?); "
                "reset the site's cursor to read the new account"
            )
        enabled = [True, opts.replies != "none"]
        budget = _Budget(MAX_REQUESTS_PER_FETCH)
        for index in range(state.next, len(STREAMS)):
            if not enabled[index]:
                continue
            stream = state.streams[index]
            step = self._step(client, opts, account, index, stream, budget)
            if step.posts or step.skipped or budget.stopped:
                later = [i for i in range(index + 1, len(STREAMS)) if enabled[i]]
                if budget.stopped or not step.done:
                    state.next, has_more = index, True
                elif later:
                    state.next, has_more = later[0], True
                else:
                    state.next, has_more = 0, False
                log.info(
                    "x page",
                    site=site.name,
                    stream=STREAMS[index],
                    posts=len(step.posts),
                    skipped=len(step.skipped),
                    requests=MAX_REQUESTS_PER_FETCH - budget.left,
                    has_more=has_more,
                )
                return Page(
                    posts=tuple(step.posts),
                    next_cursor=encode(state),
                    has_more=has_more,
                    skipped=tuple(step.skipped),
                )
        state.next = 0
        return Page(posts=(), next_cursor=encode(state), has_more=False)

    def check_access(self, site: Site) -> AccessReport:
        """Whether the app can read the account (and whether replies could be hidden)."""
        try:
            opts = _options(site)
            client = self._reader(opts)
            account = self._account(client, opts)
            what = f"read posts of @{opts.handle}"
            reply = _call(
                what,
                opts.timeout,
                client.get_users_tweets,
                account.id,
                max_results=MIN_PAGE_SIZE,
                tweet_fields=["created_at"],
            )
            problem = _api_error(reply)
            if problem:
                return AccessReport(ok=False, detail=f"{what}: {problem}")
            if opts.replies != "none":  # the replies source may be missing from the API tier
                self._request(client, opts, account, STREAMS.index("replies"), None, None)
            hiding = self._hide_status(opts, account)
        except ConnectorError as exc:
            return AccessReport(ok=False, detail=str(exc))
        except Exception as exc:  # never raise: report it
            return AccessReport(ok=False, detail=f"unexpected {type(exc).__name__} reading X")
        return AccessReport(
            ok=True, detail=f"can read @{account.username} (account id {account.id}); {hiding}"
        )

    # -- optional capabilities -------------------------------------------------------------
    def members(self, site: Site) -> Iterator[Member]:
        """The account's followers (``GET /2/users/:id/followers``), page by page, lazily."""
        opts = _options(site)
        client = self._reader(opts)
        account = self._account(client, opts)
        token: str | None = None
        seen: set[str] = set()
        while True:
            reply = _call(
                f"list followers of @{opts.handle}",
                opts.timeout,
                client.get_users_followers,
                account.id,
                max_results=opts.members_page_size,
                pagination_token=token,
                user_fields=USER_FIELDS,
            )
            problem = _api_error(reply)
            if problem:
                raise FatalConnectorError(f"list followers of @{opts.handle}: {problem}")
            data = reply.body.get("data")
            for user in data if isinstance(data, list) else []:
                if not isinstance(user, dict):
                    continue
                name, display = user.get("username"), user.get("name")
                if isinstance(name, str) and _USERNAME.fullmatch(name) and name not in seen:
                    seen.add(name)
                    yield Member(
                        handle=name, display_name=display if isinstance(display, str) else None
                    )
            next_token = reply.meta.get("next_token")
            if not isinstance(next_token, str) or not next_token or next_token == token:
                return
            token = next_token

    def act(self, site: Site, post: Post, action: Action) -> ActionResult:
        """HIDE a reply to the account's conversation (``PUT /2/tweets/:id/hidden``).

        Needs the account's user-context keys. Returns ``ok=False`` for anything a person
        must fix (keys missing, X refused); raises RetriableConnectorError for 429/5xx and
        timeouts so the caller may try again later.
        """
        if action.kind is not ActionKind.HIDE:
            return ActionResult(
                ok=False,
                detail=f"X offers only hiding replies; {action.kind.value!r} must be done on x.com",
            )
        if post.parent_id is None:
            return ActionResult(
                ok=False, detail=f"tweet {post.id} is not a reply; X hides replies only"
            )
        if not _ID.fullmatch(post.id):
            return ActionResult(ok=False, detail=f"{post.id!r} is not an X tweet id")
        try:
            opts = _options(site)
            keys = self._user_keys()
        except FatalConnectorError as exc:
            return ActionResult(ok=False, detail=str(exc))
        if isinstance(keys, str):
            return ActionResult(ok=False, detail=keys)
        client = build_client(
            bearer_token=None, endpoint=opts.endpoint, timeout=opts.timeout, **keys
        )
        try:
            reply = _call(
                f"hide reply {post.id}", opts.timeout, client.hide_reply, post.id, user_auth=True
            )
        except FatalConnectorError as exc:
            return ActionResult(ok=False, detail=str(exc))
        data = reply.body.get("data")
        if isinstance(data, dict) and data.get("hidden") is True:
            log.info("x reply hidden", site=site.name, post_id=post.id)
            return ActionResult(ok=True, detail=f"reply {post.id} is hidden on X")
        problem = _api_error(reply) or "X did not confirm the reply is hidden"
        return ActionResult(ok=False, detail=f"hide reply {post.id}: {problem}")

    # -- internals -------------------------------------------------------------------------
    def _reader(self, opts: _Options) -> tweepy.Client:
        token = _secret(BEARER_TOKEN, required=True)
        assert token is not None
        key = (opts.endpoint, opts.timeout, token)
        client = self._clients.get(key)
        if client is None:
            client = build_client(bearer_token=token, endpoint=opts.endpoint, timeout=opts.timeout)
            self._clients[key] = client
        return client

    def _account(self, client: tweepy.Client, opts: _Options) -> _Account:
        key = (opts.endpoint, opts.handle.lower())
        account = self._accounts.get(key)
        if account is not None:
            return account
        what = f"look up X account @{opts.handle}"
        reply = _call(
            what, opts.timeout, client.get_user, username=opts.handle, user_fields=USER_FIELDS
        )
        data = reply.body.get("data")
        if not isinstance(data, dict):
            problem = _api_error(reply) or "no such account"
            raise FatalConnectorError(f"{what}: {problem} (renamed, suspended or deleted?)")
        uid, name = data.get("id"), data.get("username")
        if not (isinstance(uid, str) and _ID.fullmatch(uid)):
            raise RetriableConnectorError(f"{what}: the answer has no valid account id")
        username = name if isinstance(name, str) and _USERNAME.fullmatch(name) else opts.handle
        account = _Account(id=uid, username=username)
        self._accounts[key] = account
        return account

    def _user_keys(self) -> dict[str, str] | str:
        """The four user-context keys, or a message naming the missing ones."""
        values = {name: _secret(name, required=False) for name in USER_CONTEXT_KEYS}
        missing = [name for name, value in values.items() if not value]
        if missing:
            return "hiding replies needs the account's user-context keys; missing: " + ", ".join(
                missing
            )
        return {
            "consumer_key": values["SITEWATCH_X_CONSUMER_KEY"] or "",
            "consumer_secret": values["SITEWATCH_X_CONSUMER_SECRET"] or "",
            "access_token": values["SITEWATCH_X_ACCESS_TOKEN"] or "",
            "access_token_secret": values["SITEWATCH_X_ACCESS_TOKEN_SECRET"] or "",
        }

    def _hide_status(self, opts: _Options, account: _Account) -> str:
        keys = self._user_keys()
        if isinstance(keys, str):
            return "hiding replies is not configured (" + keys.split("; ", 1)[-1] + ")"
        client = build_client(
            bearer_token=None, endpoint=opts.endpoint, timeout=opts.timeout, **keys
        )
        try:
            reply = _call("check user-context keys", opts.timeout, client.get_me, user_auth=True)
        except ConnectorError as exc:
            return f"hiding replies will fail: {exc}"
        data = reply.body.get("data")
        me = data.get("id") if isinstance(data, dict) else None
        if me == account.id:
            return "replies can be hidden (user-context keys belong to this account)"
        return (
            f"hiding replies will fail: the user-context keys belong to account id {me}, "
            f"not {account.id}"
        )

    def _request(
        self,
        client: tweepy.Client,
        opts: _Options,
        account: _Account,
        index: int,
        since: int | None,
        until: int | None,
    ) -> _Reply:
        common: dict[str, Any] = {
            "since_id": None if since is None else str(since),
            "until_id": None if until is None else str(until),
            "tweet_fields": TWEET_FIELDS,
            "expansions": EXPANSIONS,
            "user_fields": USER_FIELDS,
        }
        if STREAMS[index] == "tweets":
            what = f"read posts of @{opts.handle}"
            fn: Callable[..., Any] = client.get_users_tweets
            args: tuple[Any, ...] = (account.id,)
            common["max_results"] = opts.page_size
        elif opts.replies == "mentions":
            what = f"read mentions of @{opts.handle}"
            fn, args = client.get_users_mentions, (account.id,)
            common["max_results"] = opts.page_size
        else:
            what = f"search replies to @{opts.handle}"
            fn = client.search_recent_tweets
            args = (f"to:{account.username} -from:{account.username}",)
            common["max_results"] = max(opts.page_size, MIN_SEARCH_PAGE_SIZE)
        reply = _call(what, opts.timeout, fn, *args, **common)
        problem = _api_error(reply)
        if problem:
            raise FatalConnectorError(f"{what}: {problem}")
        return reply

    def _step(
        self,
        client: tweepy.Client,
        opts: _Options,
        account: _Account,
        index: int,
        stream: StreamState,
        budget: _Budget,
    ) -> _Step:
        """Work one stream's windows until a page of posts, the end, or the budget."""
        if STREAMS[index] == "replies" and opts.replies == "search":
            # Recent search reaches back 7 days and refuses an older since_id: start the
            # window at the oldest id it accepts (older replies are out of its reach).
            floor = _snowflake(time.time() - SEARCH_WINDOW_SECONDS)
            if stream.since is None or stream.since < floor:
                stream.since = floor
                stream.until = [u for u in stream.until if u > floor]
        while True:
            if budget.left <= 0:
                budget.stopped = True
                return _Step(done=False)
            until = stream.until[0] if stream.until else None
            reply = self._request(client, opts, account, index, stream.since, until)
            budget.left -= 1
            data = reply.body.get("data", [])
            if not isinstance(data, list):
                raise RetriableConnectorError("X answered a timeline without a list of tweets")
            ids = [i for i in (_tweet_id(raw) for raw in data) if i is not None]
            if data and reply.meta.get("next_token"):
                # More than one page in this window: descend towards its oldest page.
                oldest = min(
                    [*ids, *filter(None, [_meta_id(reply.meta, "oldest_id")])], default=None
                )
                if (
                    oldest is None
                    or (until is not None and oldest >= until)
                    or (stream.since is not None and oldest <= stream.since)
                ):
                    raise RetriableConnectorError(
                        "X answered a page outside the requested id window"
                    )
                stream.until.insert(0, oldest)
            else:
                step = self._window(data, reply, account, index)
                if stream.until:
                    stream.until.pop(0)
                newest = max(
                    [*ids, *filter(None, [_meta_id(reply.meta, "newest_id")])], default=None
                )
                if newest is not None and (until is None or newest < until):
                    stream.since = max(stream.since or 0, newest)
                step.done = until is None  # only the window up to "now" ends the stream
                if step.posts or step.skipped or step.done:
                    return step
            if reply.exhausted:  # honour X's window: stop before a certain 429
                budget.stopped = True
                return _Step(done=False)

    def _window(self, data: list[Any], reply: _Reply, account: _Account, index: int) -> _Step:
        """A complete window's tweets as posts, oldest first; bad items skipped."""
        users = _users(reply.body)
        step = _Step()
        replies = STREAMS[index] == "replies"
        rows: list[tuple[int, Post]] = []
        for raw in data:
            tweet_id = _tweet_id(raw)
            if tweet_id is None:
                step.skipped.append(
                    SkippedItem(where=f"x:{STREAMS[index]}", reason="tweet without a valid id")
                )
                continue
            assert isinstance(raw, dict)
            if replies and (raw.get("author_id") == account.id or _referenced(raw, "retweeted")):
                continue  # the account's own tweets come with its timeline; retweets repeat it
            try:
                rows.append((tweet_id, _post(raw, tweet_id, users)))
            except _BadItem as exc:
                step.skipped.append(SkippedItem(where=str(tweet_id), reason=str(exc)))
        rows.sort(key=lambda row: row[0])
        step.posts = [post for _, post in rows]
        return step
