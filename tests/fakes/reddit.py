"""A fake Reddit (www token endpoint + oauth API) speaking the wire format praw expects.

The shapes come from praw's recorded cassettes: the token response, ``Listing`` envelopes
with ``kind``/``data``/``children``/``after``/``before``, ``t3``/``t1`` things, ``{"message":
..., "error": <status>}`` error bodies with ``WWW-Authenticate`` on 401, ``x-ratelimit-*``
headers, and the moderation endpoints (``/api/remove/``, ``/api/lock/``,
``/api/v1/modactions/removal_reasons`` ...). The content is generated here.

Paging follows Reddit: newest first; ``after=<fullname>`` continues below that item and
``before=<fullname>`` returns the ``limit`` items just above it; an anchor that is no longer
listed (deleted, removed) yields an empty page; a listing holds at most ``listing_window``
items.
"""

from __future__ import annotations

import base64
import json
import random
import secrets
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from fakes.server import FakeServer, Request, Response

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret"
MOD_USER = "lakeview_band_mod"
MOD_PASSWORD = "correct horse battery staple"
START_TIME = 1_788_000_000.0  # 2026-08-29


def to36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _hash36(value: str) -> str:
    """A stable made-up id for a name (relationship ids, account ids)."""
    return to36(zlib.crc32(value.encode()))


@dataclass
class Thing:
    kind: str  # t3 | t1
    id: str
    number: int
    subreddit: str
    created: float
    author: str
    title: str = ""
    selftext: str = ""
    body: str = ""
    link_id: str = ""  # comments: t3_ fullname
    parent_id: str = ""  # comments: t1_/t3_ fullname
    removed: bool = False
    locked: bool = False
    raw: Any = None  # rendered instead of the normal data (malformed-item tests)

    @property
    def fullname(self) -> str:
        return f"{self.kind}_{self.id}"


@dataclass
class Subreddit:
    name: str
    subreddit_type: str = "public"  # public | restricted | private
    moderators: set[str] = field(default_factory=set)
    contributors: list[tuple[str, float]] = field(default_factory=list)
    things: list[Thing] = field(default_factory=list)
    sid: str = "2abcd"


class FakeReddit(FakeServer):
    """One fake Reddit with subreddits, an app, and a moderator account."""

    def __init__(self, subreddit: str = "LakeviewBand") -> None:
        super().__init__()
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        self.accounts: dict[str, str] = {MOD_USER: MOD_PASSWORD}
        self.subreddits: dict[str, Subreddit] = {}
        self.default = self.add_subreddit(subreddit, moderators={MOD_USER})
        self.tokens: dict[str, str | None] = {}  # access token -> username (None: app-only)
        self.listing_window = 1000
        self.ratelimit_remaining = 596.0
        self.ratelimit_reset = 420
        self.omit_www_authenticate = False
        self.hooks: list[Callable[[Request], None]] = []
        self._token_faults: list[tuple[int, Any]] = []
        self._clock = START_TIME
        self._next = {"t3": int("1ka000", 36), "t1": int("m0b000", 36)}
        self._state = threading.RLock()
        self._random = random.Random(2026)

    # -- content knobs ---------------------------------------------------------------------
    def add_subreddit(
        self, name: str, *, subreddit_type: str = "public", moderators: set[str] | None = None
    ) -> Subreddit:
        sub = Subreddit(
            name, subreddit_type, set(moderators or ()), sid=to36(len(self.subreddits) + 4_000_000)
        )
        self.subreddits[name.lower()] = sub
        return sub

    def _new_thing(self, kind: str, subreddit: str | None, **fields: Any) -> Thing:
        with self._state:
            sub = self.subreddits[(subreddit or self.default.name).lower()]
            number = self._next[kind]
            self._next[kind] += 1 + self._random.randrange(3)  # ids grow, with holes
            self._clock += 17.0
            thing = Thing(
                kind=kind,
                id=to36(number),
                number=number,
                subreddit=sub.name,
                created=self._clock,
                **fields,
            )
            sub.things.append(thing)
            return thing

    def add_submission(
        self,
        title: str,
        selftext: str = "",
        *,
        author: str = "band_parent_2026",
        subreddit: str | None = None,
    ) -> Thing:
        return self._new_thing("t3", subreddit, author=author, title=title, selftext=selftext)

    def add_comment(
        self,
        body: str,
        reply_to: str,
        *,
        author: str = "drumline_kid",
        subreddit: str | None = None,
    ) -> Thing:
        """A comment replying to the submission or comment with id ``reply_to``."""
        parent = self.find(reply_to)
        link = parent.fullname if parent.kind == "t3" else parent.link_id
        return self._new_thing(
            "t1",
            subreddit or parent.subreddit,
            author=author,
            body=body,
            link_id=link,
            parent_id=parent.fullname,
        )

    def add_raw(self, kind: str, raw: Any, *, subreddit: str | None = None) -> Thing:
        """A listing child rendered verbatim as ``raw`` (for malformed-item tests)."""
        thing = self._new_thing(kind, subreddit, author="x")
        thing.raw = raw
        return thing

    def find(self, thing_id: str) -> Thing:
        for sub in self.subreddits.values():
            for thing in sub.things:
                if thing.id == thing_id or thing.fullname == thing_id:
                    return thing
        raise KeyError(thing_id)

    def delete(self, thing_id: str) -> None:
        """The author deleted it: gone from every listing."""
        thing = self.find(thing_id)
        with self._state:
            self.subreddits[thing.subreddit.lower()].things.remove(thing)

    def fail_token(self, status: int, *, times: int = 1, body: Any = None) -> None:
        """The next ``times`` token requests answer ``status`` (faults skip auth otherwise)."""
        with self._state:
            self._token_faults.extend((status, body) for _ in range(times))

    def token_requests(self) -> list[Request]:
        return [r for r in self.requests if self.is_auth_request(r)]

    # -- FakeServer hooks ------------------------------------------------------------------
    def is_auth_request(self, request: Request) -> bool:
        return request.path == "/api/v1/access_token"

    def error_body(self, status: int) -> Any:
        messages = {
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
            429: "Too Many Requests",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
            504: "Gateway Timeout",
        }
        return {"message": messages.get(status, "Error"), "error": status}

    def _dispatch(self, request: Request) -> Response:
        for hook in list(self.hooks):
            hook(request)
        response = super()._dispatch(request)
        headers = dict(response.headers)
        if request.headers.get("connection", "").lower() == "close":
            # The base handler closes such connections without saying so; a client that
            # pooled the socket would then fail its next request (prawcore's token
            # requests send "Connection: close").
            headers["Connection"] = "close"
        if self.is_auth_request(request):
            return Response(response.status, response.body, headers, response.content_type)
        if response.status == 401 and not self.omit_www_authenticate:
            headers.setdefault("www-authenticate", 'Bearer realm="reddit", error="invalid_token"')
        with self._state:
            self.ratelimit_remaining = max(0.0, self.ratelimit_remaining - 1)
            used = int(600 - self.ratelimit_remaining)
        headers.setdefault("x-ratelimit-remaining", f"{self.ratelimit_remaining:.1f}")
        headers.setdefault("x-ratelimit-used", str(used))
        headers.setdefault("x-ratelimit-reset", str(self.ratelimit_reset))
        return Response(response.status, response.body, headers, response.content_type)

    # -- routing ---------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        if self.is_auth_request(request):
            return self._token(request)
        user = self._bearer(request)
        if user is False:
            return Response(401, self.error_body(401))
        assert user is not True
        parts = [p for p in request.path.split("/") if p]
        with self._state:
            if request.method == "GET" and len(parts) >= 3 and parts[0] == "r":
                sub = self.subreddits.get(parts[1].lower())
                if sub is None:  # Reddit redirects unknown names to a search page
                    return Response(302, b"", {"Location": f"/subreddits/search.json?q={parts[1]}"})
                if parts[2:] == ["new"]:
                    return self._listing(request, sub, "t3", user)
                if parts[2:] == ["comments"]:
                    return self._listing(request, sub, "t1", user)
                if parts[2:] == ["about", "contributors"]:
                    return self._contributors(request, sub, user)
            if request.method == "POST" and parts[:1] == ["api"]:
                return self._moderate(request, parts[1:], user)
        return Response(404, self.error_body(404))

    # -- auth ------------------------------------------------------------------------------
    def _token(self, request: Request) -> Response:
        with self._state:
            if self._token_faults:
                status, body = self._token_faults.pop(0)
                return Response(status, body if body is not None else self.error_body(status))
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return Response(401, {"message": "Unauthorized", "error": 401})
        form = request.form()
        grant = form.get("grant_type")
        username: str | None = None
        if grant == "password":
            username = form.get("username")
            if username is None or self.accounts.get(username) != form.get("password"):
                return Response(200, {"error": "invalid_grant"})
        elif grant != "client_credentials":
            return Response(200, {"error": "unsupported_grant_type"})
        token = secrets.token_urlsafe(16)
        with self._state:
            self.tokens[token] = username
        return Response(
            200, {"access_token": token, "token_type": "bearer", "expires_in": 86400, "scope": "*"}
        )

    def _bearer(self, request: Request) -> str | bool | None:
        """The token's user, None for app-only, False when missing or unknown."""
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            return False
        with self._state:
            return self.tokens.get(header[7:], False)

    def revoke_tokens(self) -> None:
        with self._state:
            self.tokens.clear()

    # -- listings --------------------------------------------------------------------------
    def _may_read(self, sub: Subreddit, user: str | None) -> bool:
        if sub.subreddit_type != "private":
            return True
        return user is not None and (
            user in sub.moderators or any(name == user for name, _ in sub.contributors)
        )

    def _listing(self, request: Request, sub: Subreddit, kind: str, user: str | None) -> Response:
        if not self._may_read(sub, user):
            return Response(403, {"reason": "private", "message": "Forbidden", "error": 403})
        moderator = user is not None and user in sub.moderators
        items = sorted(
            (t for t in sub.things if t.kind == kind and (moderator or not t.removed)),
            key=lambda t: (t.created, t.number),
            reverse=True,
        )[: self.listing_window]
        try:
            limit = max(1, min(100, int(request.arg("limit", "25") or "25")))
        except ValueError:
            limit = 25
        names = [t.fullname for t in items]
        after, before = request.arg("after"), request.arg("before")
        if after:
            start = names.index(after) + 1 if after in names else len(items)
            page = items[start : start + limit] if after in names else []
        elif before:
            end = names.index(before) if before in names else 0
            start = max(0, end - limit)
            page = items[start:end] if before in names else []
        else:
            start = 0
            page = items[:limit]
        more_below = bool(page) and start + len(page) < len(items)
        listing = {
            "kind": "Listing",
            "data": {
                "after": page[-1].fullname if more_below else None,
                "dist": len(page),
                "modhash": None,
                "geo_filter": None,
                "children": [self._render(t, moderator) for t in page],
                "before": page[0].fullname if page and start > 0 else None,
            },
        }
        return Response(200, listing)

    def _render(self, thing: Thing, moderator: bool) -> Any:
        if thing.raw is not None:
            return thing.raw
        sub = self.subreddits[thing.subreddit.lower()]
        common: dict[str, Any] = {
            "subreddit_id": f"t5_{sub.sid}",
            "approved_at_utc": None,
            "author_is_blocked": False,
            "edited": False,
            "mod_reason_by": None,
            "banned_by": MOD_USER if moderator and thing.removed else None,
            "author_flair_type": "text",
            "removal_reason": None,
            "likes": None,
            "user_reports": [],
            "saved": False,
            "id": thing.id,
            "banned_at_utc": None,
            "mod_reason_title": None,
            "gilded": 0,
            "archived": False,
            "no_follow": True,
            "author": thing.author,
            "can_mod_post": moderator,
            "created_utc": thing.created,
            "send_replies": True,
            "score": 1,
            "author_fullname": f"t2_{_hash36(thing.author)}",
            "approved_by": None,
            "all_awardings": [],
            "subreddit": sub.name,
            "name": thing.fullname,
            "author_patreon_flair": False,
            "downs": 0,
            "stickied": False,
            "locked": thing.locked,
            "subreddit_name_prefixed": f"r/{sub.name}",
            "created": thing.created,
            "distinguished": None,
            "subreddit_type": sub.subreddit_type,
            "ups": 1,
            "mod_reports": [],
            "num_reports": None,
            "report_reasons": None,
        }
        if thing.kind == "t3":
            slug = "_".join(thing.title.lower().split()[:6])[:40] or "post"
            permalink = f"/r/{sub.name}/comments/{thing.id}/{slug}/"
            data = {
                **common,
                "selftext": thing.selftext,
                "title": thing.title,
                "selftext_html": None,
                "link_flair_text": None,
                "hidden": False,
                "thumbnail": "self",
                "is_self": True,
                "domain": f"self.{sub.name}",
                "over_18": False,
                "spoiler": False,
                "num_comments": sum(1 for t in sub.things if t.link_id == thing.fullname),
                "permalink": permalink,
                "url": f"https://www.reddit.com{permalink}",
                "is_video": False,
            }
        else:
            link = self.find(thing.link_id)
            data = {
                **common,
                "body": thing.body,
                "body_html": None,
                "link_id": thing.link_id,
                "parent_id": thing.parent_id,
                "link_title": link.title,
                "link_author": link.author,
                "link_permalink": f"https://www.reddit.com/r/{sub.name}/comments/{link.id}/",
                "permalink": f"/r/{sub.name}/comments/{link.id}/_/{thing.id}/",
                "replies": "",
                "score_hidden": False,
                "controversiality": 0,
                "depth": 0,
                "collapsed": False,
            }
        return {"kind": thing.kind, "data": data}

    def _contributors(self, request: Request, sub: Subreddit, user: str | None) -> Response:
        if user is None or user not in sub.moderators:
            return Response(403, {"message": "Forbidden", "error": 403})
        try:
            limit = max(1, min(100, int(request.arg("limit", "25") or "25")))
        except ValueError:
            limit = 25
        people = sorted(sub.contributors, key=lambda c: c[1], reverse=True)
        after = request.arg("after")
        start = 0
        if after:
            ids = [f"rb_{_hash36(n)}" for n, _ in people]
            start = ids.index(after) + 1 if after in ids else len(people)
        page = people[start : start + limit]
        children = [
            {
                "date": date,
                "rel_id": f"rb_{_hash36(name)}",
                "name": name,
                "id": f"t2_{_hash36(name + '#user')}",
            }
            for name, date in page
        ]
        more = start + len(page) < len(people)
        return Response(
            200,
            {
                "kind": "Listing",
                "data": {
                    "modhash": None,
                    "children": children,
                    "after": children[-1]["rel_id"] if more and children else None,
                    "before": None,
                },
            },
        )

    # -- moderation ------------------------------------------------------------------------
    def _moderate(self, request: Request, path: list[str], user: str | None) -> Response:
        form = request.form()
        if path in (["remove"], ["lock"]):
            try:
                thing = self.find(form.get("id", ""))
            except KeyError:
                return Response(404, self.error_body(404))
            if user is None or user not in self.subreddits[thing.subreddit.lower()].moderators:
                return Response(403, self.error_body(403))
            if path == ["remove"]:
                thing.removed = True
            else:
                thing.locked = True
            return Response(200, {})
        if path[:2] == ["v1", "modactions"] and len(path) == 3:
            payload = json.loads(form.get("json", "{}"))
            ids = payload.get("item_ids") or payload.get("item_id") or []
            try:
                things = [self.find(i) for i in ids]
            except KeyError:
                return Response(404, self.error_body(404))
            for thing in things:
                if user is None or user not in self.subreddits[thing.subreddit.lower()].moderators:
                    return Response(403, self.error_body(403))
            if path[2] == "removal_reasons":
                return Response(200, b"")  # Reddit answers with an empty body
            if path[2] in ("removal_link_message", "removal_comment_message"):
                if len(payload.get("title", "")) > 50:
                    return Response(
                        400,
                        {
                            "fields": ["title"],
                            "explanation": "this is too long (max: 50)",
                            "message": "Bad Request",
                            "reason": "TOO_LONG",
                        },
                    )
                return Response(200, {})
        return Response(404, self.error_body(404))

    # -- helpers for tests -----------------------------------------------------------------
    def api_calls(self, method: str, path_prefix: str) -> list[Request]:
        return [
            r for r in self.api_requests() if r.method == method and r.path.startswith(path_prefix)
        ]

    @staticmethod
    def form_of(request: Request) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
