"""A fake X API v2 (the endpoints sitewatch's X connector uses) on 127.0.0.1.

Wire format learned from tweepy's recorded cassettes (shared/data/platforms/x_tweepy): tweets
as ``{"edit_history_tweet_ids", "id", "text", …requested fields}``; timelines answer
``{"data": [...], "includes": {"users": [...]}, "meta": {"result_count", "newest_id",
"oldest_id", "next_token", "previous_token"}}`` newest first; ``x-rate-limit-limit`` /
``-remaining`` / ``-reset`` (epoch seconds) on every answer; lookups of missing resources
answer 200 with an ``errors`` list; HTTP errors use X's problem JSON (``title``, ``detail``,
``type``, ``status``). Text is HTML-escaped the way X does it (``&amp; &lt; &gt;``). Ids are
snowflakes (creation time in the high bits). All content is generated here.

Knobs beyond ``FakeServer``: ``add_user``, ``add_tweet`` (``reply_to=`` for replies),
``add_follower``, ``user_context`` (register OAuth 1.0a keys for an account),
``break_tweet`` (render one tweet malformed), ``protect`` (the account becomes unreadable),
``set_rate_limit`` (a family's remaining requests and reset time).
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from fakes.server import FakeServer, Request, Response

TWITTER_EPOCH_MS = 1288834974657
SEARCH_WINDOW_S = 7 * 24 * 3600
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{1,15})")

LIMITS = {  # per 15-minute window, as the recordings report them (app auth)
    "users/by/username": 300,
    "users/me": 75,
    "users/tweets": 1500,
    "users/mentions": 450,
    "tweets/search/recent": 450,
    "tweets/hidden": 50,
    "users/followers": 15,
}
_TITLES = {
    400: "Invalid Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found Error",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def snowflake_time(tweet_id: int) -> datetime:
    return datetime.fromtimestamp(((tweet_id >> 22) + TWITTER_EPOCH_MS) / 1000, tz=UTC)


def x_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Tweet:
    id: int
    text: str
    author_id: str
    conversation_id: int
    reply_to: int | None = None
    in_reply_to_user_id: str | None = None
    hidden: bool = False

    @property
    def created_at(self) -> datetime:
        return snowflake_time(self.id)


@dataclass
class Window:
    limit: int
    remaining: int
    reset: int

    def headers(self) -> dict[str, str]:
        return {
            "x-rate-limit-limit": str(self.limit),
            "x-rate-limit-remaining": str(self.remaining),
            "x-rate-limit-reset": str(self.reset),
        }


@dataclass
class _Token:
    direction: str  # "next": ids below anchor; "prev": ids above anchor
    anchor: int
    scope: str = field(default="")


class FakeX(FakeServer):
    """The X API v2 as the X connector uses it. ``owner`` is the district's account."""

    def __init__(self, *, handle: str = "LakeviewBand", bearer_token: str = "fake-bearer") -> None:
        super().__init__()
        self.bearer_token = bearer_token
        self.users: dict[str, dict[str, str]] = {}
        self.tweets: dict[int, Tweet] = {}
        self.followers: dict[str, list[str]] = {}
        self.protected: set[str] = set()
        self.broken: dict[int, str] = {}
        self.access_tokens: dict[str, str] = {}  # OAuth 1.0a access token -> account id
        self.rate: dict[str, Window] = {}
        self.fault_reset_in = 900  # x-rate-limit-reset on injected 429s: now + this
        self._tokens: dict[str, _Token] = {}
        self._user_ids = itertools.count(1_500_000_000_000_000_001, 7919)
        self._last_ms = int(time.time() * 1000) - 2 * 24 * 3600 * 1000  # two days ago
        self.owner_id = self.add_user(handle, "Lakeview HS Band")
        # Poll for shutdown every 50 ms (the default 0.5 s makes every test's teardown slow).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- knobs -------------------------------------------------------------------------------
    def add_user(self, username: str, name: str | None = None) -> str:
        with self._lock:
            for user in self.users.values():
                if user["username"].lower() == username.lower():
                    return user["id"]
            uid = str(next(self._user_ids))
            self.users[uid] = {"id": uid, "name": name or username.title(), "username": username}
            return uid

    def add_tweet(
        self,
        text: str,
        *,
        author: str | None = None,
        reply_to: str | None = None,
        age_seconds: float | None = None,
    ) -> str:
        """A new tweet by ``author`` (a username; default the owner); returns its id.

        A reply gets the replied-to author's @handle in front, as X composes replies.
        ``age_seconds`` backdates it (its id, a snowflake, is then older too).
        """
        with self._lock:
            author_id = self.add_user(author) if author else self.owner_id
            if age_seconds is None:
                ms = max(self._last_ms + 1000, 0)  # one second apart: created_at is exact
                self._last_ms = ms
            else:
                ms = int((time.time() - age_seconds) * 1000)
            tweet_id = ((ms - TWITTER_EPOCH_MS) << 22) | secrets.randbelow(1 << 22)
            parent = self.tweets[int(reply_to)] if reply_to is not None else None
            if parent is not None:
                handle = self.users[parent.author_id]["username"]
                if not text.lower().startswith(f"@{handle.lower()}"):
                    text = f"@{handle} {text}"
            self.tweets[tweet_id] = Tweet(
                id=tweet_id,
                text=text,
                author_id=author_id,
                conversation_id=parent.conversation_id if parent else tweet_id,
                reply_to=parent.id if parent else None,
                in_reply_to_user_id=parent.author_id if parent else None,
            )
            return str(tweet_id)

    def add_follower(self, username: str, name: str | None = None, *, of: str | None = None) -> str:
        with self._lock:
            uid = self.add_user(username, name)
            self.followers.setdefault(of or self.owner_id, []).insert(0, uid)  # newest first
            return uid

    def user_context(self, access_token: str, username: str | None = None) -> None:
        """OAuth 1.0a requests signed with ``access_token`` act as ``username`` (the owner)."""
        self.access_tokens[access_token] = self.add_user(username) if username else self.owner_id

    def break_tweet(self, tweet_id: str, how: str = "no_text") -> None:
        """Render one tweet malformed: ``no_text``, ``bad_id`` or ``bad_date``."""
        self.broken[int(tweet_id)] = how

    def protect(self, username: str) -> None:
        self.protected.add(self.add_user(username))

    def set_rate_limit(self, family: str, *, remaining: int, reset_in: float = 900) -> None:
        self.rate[family] = Window(LIMITS[family], remaining, int(time.time() + reset_in))

    def hidden(self) -> set[str]:
        return {str(t.id) for t in self.tweets.values() if t.hidden}

    # -- FakeServer hooks --------------------------------------------------------------------
    def error_body(self, status: int) -> Any:
        title = _TITLES.get(status, "Error")
        return {"title": title, "detail": title, "type": "about:blank", "status": status}

    def _dispatch(self, request: Request) -> Response:
        response = super()._dispatch(request)
        if response.status == 429 and "x-rate-limit-reset" not in response.headers:
            # X always sends its window headers with a 429 (injected faults included).
            reset = int(time.time() + self.fault_reset_in)
            response.headers.update(Window(0, 0, reset).headers())
        return response

    def route(self, request: Request) -> Response:
        parts = [unquote(p) for p in request.path.strip("/").split("/")]
        if parts[:1] != ["2"]:
            return self._problem(404, "Not Found", "about:blank")
        path = parts[1:]
        with self._lock:
            if (
                request.method == "GET"
                and path[:3] == ["users", "by", "username"]
                and len(path) == 4
            ):
                return self._limited(request, "users/by/username", self._user_by_name, path[3])
            if request.method == "GET" and path == ["users", "me"]:
                return self._limited(request, "users/me", self._me, user_only=True)
            if request.method == "GET" and len(path) == 3 and path[0] == "users":
                family = {
                    "tweets": "users/tweets",
                    "mentions": "users/mentions",
                    "followers": "users/followers",
                }.get(path[2])
                if family == "users/followers":
                    return self._limited(request, family, self._followers, path[1])
                if family is not None:
                    return self._limited(request, family, self._timeline, path[1], path[2])
            if request.method == "GET" and path == ["tweets", "search", "recent"]:
                return self._limited(request, "tweets/search/recent", self._search)
            if request.method == "PUT" and len(path) == 3 and path[::2] == ["tweets", "hidden"]:
                return self._limited(request, "tweets/hidden", self._hide, path[1], user_only=True)
        return self._problem(404, "Not Found", "about:blank")

    # -- plumbing ----------------------------------------------------------------------------
    def _problem(self, status: int, detail: str, kind: str, **extra: Any) -> Response:
        body: dict[str, Any] = {
            "title": _TITLES.get(status, "Error"),
            "detail": detail,
            "type": kind,
        }
        body.update(extra)
        body["status"] = status
        return Response(status, body)

    def _invalid(self, parameter: str, value: str, message: str) -> Response:
        return Response(
            400,
            {
                "errors": [{"parameters": {parameter: [value]}, "message": message}],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            },
        )

    def _auth(self, request: Request, *, user_only: bool) -> tuple[Response | None, str | None]:
        """(refusal, acting user id). OAuth 1.0a user context or the app's bearer token."""
        header = request.headers.get("authorization", "")
        if header.startswith("OAuth "):
            params = dict(re.findall(r'(\w+)="([^"]*)"', header))
            user = self.access_tokens.get(unquote(params.get("oauth_token", "")))
            if user is None or "oauth_signature" not in params:
                return Response(401, self.error_body(401)), None
            return None, user
        if header == f"Bearer {self.bearer_token}":
            if user_only:
                detail = (
                    "Authenticating with OAuth 2.0 Application-Only is forbidden for this "
                    "endpoint.  Supported authentication types are [OAuth 1.0a User Context, "
                    "OAuth 2.0 User Context]."
                )
                return self._problem(
                    403,
                    detail,
                    "https://api.twitter.com/2/problems/unsupported-authentication",
                    title="Unsupported Authentication",
                ), None
            return None, None
        return Response(401, self.error_body(401)), None

    def _limited(
        self, request: Request, family: str, handler: Any, *args: Any, user_only: bool = False
    ) -> Response:
        now = time.time()
        window = self.rate.get(family)
        if window is None or window.reset <= now:
            window = Window(LIMITS[family], LIMITS[family], int(now + 900))
            self.rate[family] = window
        if window.remaining <= 0:
            body = self.error_body(429)
            return Response(429, body, window.headers())
        window.remaining -= 1
        refusal, user = self._auth(request, user_only=user_only)
        response = refusal or handler(request, *args, acting=user)
        response.headers.update(window.headers())
        return response

    def _page_args(
        self, request: Request, low: int, high: int, default: int, token_param: str
    ) -> tuple[Response | None, int, int | None, int | None, _Token | None]:
        raw = request.arg("max_results", str(default)) or str(default)
        if not raw.isdigit() or not low <= int(raw) <= high:
            return (
                self._invalid(
                    "max_results",
                    raw,
                    f"The `max_results` query parameter value [{raw}] is not between "
                    f"{low} and {high}",
                ),
                0,
                None,
                None,
                None,
            )
        bounds: list[int | None] = []
        for name in ("since_id", "until_id"):
            value = request.arg(name)
            if value is not None and not value.isdigit():
                return (
                    self._invalid(
                        name, value, f"The `{name}` query parameter value [{value}] is not valid"
                    ),
                    0,
                    None,
                    None,
                    None,
                )
            bounds.append(int(value) if value is not None else None)
        token = None
        raw_token = request.arg(token_param)
        if raw_token is not None:
            token = self._tokens.get(raw_token)
            if token is None:
                return (
                    self._invalid(
                        token_param,
                        raw_token,
                        f"The `{token_param}` query parameter value [{raw_token}] is not valid",
                    ),
                    0,
                    None,
                    None,
                    None,
                )
        return None, int(raw), bounds[0], bounds[1], token

    def _new_token(self, direction: str, anchor: int) -> str:
        alphabet = string.ascii_lowercase + string.digits
        token = "7140dibdnow9c7btw4" + "".join(secrets.choice(alphabet) for _ in range(27))
        self._tokens[token] = _Token(direction, anchor)
        return token

    def _paginate(
        self,
        ids: list[int],
        size: int,
        token: _Token | None,
        *,
        previous: bool,
    ) -> tuple[list[int], dict[str, Any]]:
        """``ids`` newest first -> one page and X's ``meta``."""
        if token is None:
            page = ids[:size]
        elif token.direction == "next":
            page = [i for i in ids if i < token.anchor][:size]
        else:
            page = [i for i in ids if i > token.anchor][-size:]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta["newest_id"] = str(page[0])
            meta["oldest_id"] = str(page[-1])
            if any(i < page[-1] for i in ids):
                meta["next_token"] = self._new_token("next", page[-1])
            if previous and token is not None and any(i > page[0] for i in ids):
                meta["previous_token"] = self._new_token("prev", page[0])
        return page, meta

    def _render_tweet(self, tweet: Tweet, fields: set[str]) -> dict[str, Any]:
        text = tweet.text
        data: dict[str, Any] = {
            "edit_history_tweet_ids": [str(tweet.id)],
            "id": str(tweet.id),
            "text": x_escape(text if len(text) <= 280 else text[:279] + "…"),
        }
        if "created_at" in fields:
            data["created_at"] = tweet.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if "author_id" in fields:
            data["author_id"] = tweet.author_id
        if "conversation_id" in fields:
            data["conversation_id"] = str(tweet.conversation_id)
        if "in_reply_to_user_id" in fields and tweet.in_reply_to_user_id:
            data["in_reply_to_user_id"] = tweet.in_reply_to_user_id
        if "referenced_tweets" in fields and tweet.reply_to is not None:
            data["referenced_tweets"] = [{"type": "replied_to", "id": str(tweet.reply_to)}]
        if "note_tweet" in fields and len(text) > 280:
            data["note_tweet"] = {"text": x_escape(text)}
        how = self.broken.get(tweet.id)
        if how == "no_text":
            data.pop("text")
            data.pop("note_tweet", None)
        elif how == "bad_id":
            data["id"] = "not-a-number"
        elif how == "bad_date":
            data["created_at"] = "yesterday-ish"
        return data

    def _tweets_body(self, request: Request, ids: list[int], meta: dict[str, Any]) -> Any:
        fields = set((request.arg("tweet.fields") or "").split(","))
        expansions = set((request.arg("expansions") or "").split(","))
        body: dict[str, Any] = {}
        tweets = [self.tweets[i] for i in ids]
        if tweets:
            body["data"] = [self._render_tweet(t, fields) for t in tweets]
            if "author_id" in expansions:
                seen: dict[str, dict[str, str]] = {}
                for t in tweets:
                    seen.setdefault(t.author_id, dict(self.users[t.author_id]))
                body["includes"] = {"users": list(seen.values())}
        body["meta"] = meta
        return body

    def _not_found_user(self, value: str, parameter: str) -> Response:
        what = "username" if parameter == "username" else "id"
        return Response(
            200,
            {
                "errors": [
                    {
                        "value": value,
                        "detail": f"Could not find user with {what}: [{value}].",
                        "title": "Not Found Error",
                        "resource_type": "user",
                        "parameter": parameter,
                        "resource_id": value,
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                ]
            },
        )

    # -- endpoints ---------------------------------------------------------------------------
    def _user_by_name(self, request: Request, username: str, *, acting: str | None) -> Response:
        for user in self.users.values():
            if user["username"].lower() == username.lower():
                return Response(200, {"data": dict(user)})
        return self._not_found_user(username, "username")

    def _me(self, request: Request, *, acting: str | None) -> Response:
        assert acting is not None
        return Response(200, {"data": dict(self.users[acting])})

    def _timeline(self, request: Request, uid: str, kind: str, *, acting: str | None) -> Response:
        user = self.users.get(uid)
        if user is None:
            return self._not_found_user(uid, "id")
        if uid in self.protected:
            return Response(
                200,
                {
                    "errors": [
                        {
                            "value": uid,
                            "detail": f"Sorry, you are not authorized to see the user with id: "
                            f"[{uid}].",
                            "title": "Authorization Error",
                            "resource_type": "user",
                            "parameter": "id",
                            "resource_id": uid,
                            "type": "https://api.twitter.com/2/problems/not-authorized-for-resource",
                        }
                    ]
                },
            )
        refusal, size, since, until, token = self._page_args(
            request, 5, 100, 10, "pagination_token"
        )
        if refusal is not None:
            return refusal
        if kind == "tweets":
            ids = [t.id for t in self.tweets.values() if t.author_id == uid]
        else:
            handle = user["username"].lower()
            ids = [
                t.id
                for t in self.tweets.values()
                if handle in {m.lower() for m in _MENTION.findall(t.text)}
            ]
        ids = self._window(ids, since, until)
        page, meta = self._paginate(ids, size, token, previous=True)
        return Response(200, self._tweets_body(request, page, meta))

    def _window(self, ids: list[int], since: int | None, until: int | None) -> list[int]:
        return sorted(
            (i for i in ids if (since is None or i > since) and (until is None or i < until)),
            reverse=True,
        )

    def _search(self, request: Request, *, acting: str | None) -> Response:
        query = request.arg("query") or ""
        refusal, size, since, until, token = self._page_args(request, 10, 100, 10, "next_token")
        if refusal is not None:
            return refusal
        floor = time.time() - SEARCH_WINDOW_S
        if since is not None and snowflake_time(since).timestamp() < floor:
            oldest = datetime.fromtimestamp(floor, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            return self._invalid(
                "since_id",
                str(since),
                f"Invalid 'since_id':'{since}'. 'since_id' must be a tweet id created after "
                f"{oldest}. Please make sure the date is in the last 7 days.",
            )
        matchers: list[tuple[bool, str, str]] = []
        for term in query.split():
            op, _, value = term.lstrip("-").partition(":")
            if op not in ("to", "from") or not value:
                return self._invalid(
                    "query",
                    query,
                    "There were errors processing your request: "
                    f"unsupported operator {term!r} (in this fake)",
                )
            matchers.append((term.startswith("-"), op, value.lower()))
        ids = [
            t.id
            for t in self.tweets.values()
            if t.created_at.timestamp() >= floor
            and all(self._matches(t, op, value) != negate for negate, op, value in matchers)
        ]
        page, meta = self._paginate(self._window(ids, since, until), size, token, previous=False)
        return Response(200, self._tweets_body(request, page, meta))

    def _matches(self, tweet: Tweet, op: str, value: str) -> bool:
        """Recent-search operators: ``to:`` (a reply to that user), ``from:`` (its author)."""
        uid = tweet.in_reply_to_user_id if op == "to" else tweet.author_id
        return uid is not None and self.users[uid]["username"].lower() == value

    def _followers(self, request: Request, uid: str, *, acting: str | None) -> Response:
        if uid not in self.users:
            return self._not_found_user(uid, "id")
        refusal, size, _, _, token = self._page_args(request, 1, 1000, 100, "pagination_token")
        if refusal is not None:
            return refusal
        order = self.followers.get(uid, [])
        start = 0 if token is None else token.anchor
        page = order[start : start + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if start + size < len(order):
            token_id = self._new_token("next", start + size)
            meta["next_token"] = token_id
        if start:
            meta["previous_token"] = self._new_token("prev", max(0, start - size))
        body: dict[str, Any] = {"meta": meta}
        if page:
            body["data"] = [dict(self.users[u]) for u in page]
        return Response(200, body)

    def _hide(self, request: Request, tweet_id: str, *, acting: str | None) -> Response:
        assert acting is not None
        try:
            wanted = json.loads(request.body or b"null")
        except ValueError:
            wanted = None
        if not isinstance(wanted, dict) or not isinstance(wanted.get("hidden"), bool):
            return self._invalid("hidden", str(wanted), "`hidden` must be true or false")
        tweet = self.tweets.get(int(tweet_id)) if tweet_id.isdigit() else None
        if tweet is None:
            return self._problem(
                404,
                f"Could not find tweet with id: [{tweet_id}].",
                "https://api.twitter.com/2/problems/resource-not-found",
            )
        root = self.tweets.get(tweet.conversation_id)
        if tweet.reply_to is None or root is None or root.author_id != acting:
            return self._problem(
                403,
                "You attempted to hide a Tweet that is not a reply in a conversation you started.",
                "about:blank",
            )
        tweet.hidden = wanted["hidden"]
        return Response(200, {"data": {"hidden": tweet.hidden}})
