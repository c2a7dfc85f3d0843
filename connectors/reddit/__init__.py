"""The Reddit connector: a subreddit's new posts and comments, through praw.

``target`` is ``r/<subreddit>``. Each fetch reads ``/r/<sub>/new`` (submissions) and
``/r/<sub>/comments`` (comments) and returns what is newer than the cursor, oldest first,
at most ``page_size`` posts. Submissions become ``kind="post"`` with text = title, a blank
line, and the self text; comments become ``kind="comment"`` with ``parent_id`` = the id of
the parent submission or comment (the fullname without ``t3_``/``t1_``). ``id`` is Reddit's
base-36 id; ``url`` is the https permalink on www.reddit.com.

Cursor
    The JSON text ``{"v": 1, "platform": "reddit", "sr": "<sub, lower case>",
    "t3": "<largest submission id returned>", "t1": "<largest comment id returned>"}``
    (``null`` until something was returned). Reddit hands out base-36 ids in creation order,
    so the cursor is one high-water mark per listing. A fetch walks each listing from the
    newest item back (``after=`` paging) until it meets an id at or below the mark, merges
    both listings by creation time keeping each listing's id order, returns the oldest
    ``page_size`` items and raises each mark to the largest id returned from that listing.
    Whatever was not returned is newer than the new mark and is found again next time, and
    nothing at or below the mark is ever returned again: no gaps and no repeats, whether the
    process restarts between pages or not. The first fetch (no cursor) reads everything the
    listings still hold (Reddit keeps about the newest 1,000 of each). Unlike a
    ``before=<fullname>`` anchor, a mark does not break when its post is deleted or removed
    (Reddit answers an empty page for a vanished anchor). If an ``after`` anchor vanishes
    mid-walk the walk starts over; if the listing ends before reaching the mark (more than
    ~1,000 new items since the last poll) a ``SkippedItem`` says items may have been missed.
    Known limit: an item held by the spam filter and approved later keeps its old id and
    appears below the mark, so it is not read (a moderator sees it in the modqueue).
    A cursor from another connector is fatal; a cursor for a different subreddit (the
    site's ``target`` changed) starts the new subreddit from the beginning.

Site options (``[sites.options]``)
    ``page_size`` (1-100, default 100): posts returned per fetch.
    ``timeout`` (seconds, default 30): per HTTP request, token requests included.
    ``request_limit`` (1-100, default 100): items asked of Reddit per listing request.
    ``max_backlog`` (default 1000): items one listing walk reads at most.
    ``removal_reason_id``: a removal reason configured in the subreddit (mod tools), attached
    to removals along with the mod note.
    ``removal_message`` (``none`` | ``private`` | ``public``, default ``none``): after a
    removal, tell the author by modmail (``private``) or a stickied reply (``public``); the
    message is the action's reason, so it must not quote the post.
    ``site.endpoint`` replaces both https://oauth.reddit.com (API) and
    https://www.reddit.com (token endpoint), for a proxy or the test fake.

Credentials
    ``SITEWATCH_REDDIT_CLIENT_ID`` and ``SITEWATCH_REDDIT_CLIENT_SECRET`` (required): a
    "script" app. Alone they give app-only, read-only access (client-credentials grant) to
    public subreddits. ``SITEWATCH_REDDIT_USERNAME`` and ``SITEWATCH_REDDIT_PASSWORD``
    (optional, both or neither): a moderator account, used for everything (password grant);
    needed to read a private subreddit, to list its approved users (``members``) and to
    remove or lock (``act``). The account must not use two-factor authentication.

The client never sleeps or retries on its own (the daemon backs off): praw's retry loop
and rate-limit sleeps are switched off, an exhausted request budget becomes a retriable
error with ``retry_after``, and the access token is requested once and reused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from sitewatch.exceptions import ConnectorError, FatalConnectorError
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

from ..base import DEFAULT_TIMEOUT
from ._client import ENV_PASSWORD, ENV_USERNAME, ClientCache, RedditClient
from ._listing import (
    BadItem,
    Cursor,
    decode_cursor,
    fresh_cursor,
    merge,
    parse_listing,
    to_post,
    walk,
)

__all__ = ["RedditConnector"]

log = get_logger(__name__)

WEB_URL = "https://www.reddit.com"
MOD_NOTE_CHARS = 100  # Reddit rejects longer removal mod notes
REMOVAL_TITLE = "Removed by the moderators"
_SUBREDDIT = re.compile(r"/?r/([A-Za-z0-9][A-Za-z0-9_]{1,20})/?", re.IGNORECASE)
_ID = re.compile(r"[0-9a-z]{1,13}")
_MESSAGE_TYPES = {"none": None, "private": "private", "public": "public"}


@dataclass(frozen=True)
class _Options:
    subreddit: str
    page_size: int
    timeout: float
    request_limit: int
    max_backlog: int
    removal_reason_id: str | None
    removal_message: str | None


def _int_option(site: Site, key: str, default: int, low: int, high: int) -> int:
    raw = site.options.get(key, default)
    try:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError
        value = int(raw)
    except (TypeError, ValueError):
        raise FatalConnectorError(
            f"site {site.name!r}: option {key} must be an integer {low}..{high}, not {raw!r}"
        ) from None
    if not low <= value <= high:
        raise FatalConnectorError(
            f"site {site.name!r}: option {key} must be {low}..{high}, not {value}"
        )
    return value


def _options(site: Site) -> _Options:
    match = _SUBREDDIT.fullmatch((site.target or "").strip())
    if match is None:
        raise FatalConnectorError(
            f"site {site.name!r}: reddit target must look like r/<subreddit>, not {site.target!r}"
        )
    raw_timeout = site.options.get("timeout", DEFAULT_TIMEOUT)
    try:
        if isinstance(raw_timeout, bool):
            raise ValueError
        timeout = float(raw_timeout)
    except (TypeError, ValueError):
        timeout = -1.0
    if not 0 < timeout <= 600:
        raise FatalConnectorError(
            f"site {site.name!r}: option timeout must be seconds in (0, 600], not {raw_timeout!r}"
        )
    reason_id = site.options.get("removal_reason_id")
    if reason_id is not None and not (isinstance(reason_id, str) and reason_id.strip()):
        raise FatalConnectorError(f"site {site.name!r}: option removal_reason_id must be text")
    message = str(site.options.get("removal_message", "none")).strip().lower()
    if message not in _MESSAGE_TYPES:
        raise FatalConnectorError(
            f"site {site.name!r}: option removal_message must be none, private or public"
        )
    return _Options(
        subreddit=match.group(1),
        page_size=_int_option(site, "page_size", 100, 1, 100),
        timeout=timeout,
        request_limit=_int_option(site, "request_limit", 100, 1, 100),
        max_backlog=_int_option(site, "max_backlog", 1000, 1, 10_000),
        removal_reason_id=reason_id.strip() if isinstance(reason_id, str) else None,
        removal_message=_MESSAGE_TYPES[message],
    )


class RedditConnector:
    """Reads one subreddit per site; stateless, the daemon keeps the cursor."""

    platform: ClassVar[str] = "reddit"

    def __init__(self) -> None:
        self._clients = ClientCache()

    # -- Connector protocol ----------------------------------------------------------------
    def fetch(self, site: Site, cursor: str | None) -> Page:
        """Submissions and comments newer than ``cursor``, oldest first, one page."""
        opts = _options(site)
        state = fresh_cursor(opts.subreddit) if cursor is None else decode_cursor(cursor)
        if state.subreddit != opts.subreddit.lower():
            log.warning(
                "reddit_cursor_for_other_subreddit",
                site=site.name,
                detail="the site's target changed; reading the new subreddit from the start",
            )
            state = fresh_cursor(opts.subreddit)
        client = self._clients.get(site.endpoint, opts.timeout)

        def get(path: str, params: Any) -> Any:
            return client.get_json(path, params, what=f"GET {path}")

        walks = [
            walk(
                get,
                opts.subreddit,
                kind,
                state.mark(kind),
                request_limit=opts.request_limit,
                max_items=opts.max_backlog,
            )
            for kind in ("t3", "t1")
        ]
        pending = merge(walks)
        chosen = pending[: opts.page_size]
        marks = dict(state.marks)
        posts: list[Post] = []
        skipped: list[SkippedItem] = [s for w in walks for s in w.skipped]
        for item in chosen:
            current = marks.get(item.kind)
            if current is None or item.number > int(current, 36):
                marks[item.kind] = item.id
            try:
                posts.append(to_post(item, opts.subreddit, WEB_URL))
            except BadItem as exc:
                skipped.append(SkippedItem(where=item.fullname, reason=str(exc)))
        if any(w.gap for w in walks):
            log.warning("reddit_listing_gap", site=site.name, subreddit=opts.subreddit)
        return Page(
            posts=tuple(posts),
            next_cursor=Cursor(opts.subreddit.lower(), marks).encode(),
            has_more=len(pending) > len(chosen),
            skipped=tuple(skipped),
        )

    def check_access(self, site: Site) -> AccessReport:
        """Whether both listings can be read with the configured account; never raises."""
        try:
            opts = _options(site)
            client = self._clients.get(site.endpoint, opts.timeout)
            for listing in ("new", "comments"):
                path = f"/r/{opts.subreddit}/{listing}"
                body = client.get_json(path, {"limit": 1}, what=f"GET {path}")
                parse_listing(body, f"r/{opts.subreddit}/{listing}")
        except ConnectorError as exc:
            return AccessReport(ok=False, detail=str(exc))
        except Exception as exc:  # the report must never raise
            return AccessReport(ok=False, detail=f"unexpected {type(exc).__name__} reading Reddit")
        return AccessReport(
            ok=True,
            detail=f"r/{opts.subreddit} readable as {client.credentials.describe()}",
        )

    # -- optional capabilities -------------------------------------------------------------
    def members(self, site: Site) -> list[Member]:
        """Approved users (contributors) of the subreddit, when the account may list them.

        Needs the moderator account; otherwise, or when Reddit refuses, the list is empty
        and a note is logged. Transient errors raise ``RetriableConnectorError``.
        """
        opts = _options(site)
        client = self._clients.get(site.endpoint, opts.timeout)
        if not client.credentials.moderator:
            log.info(
                "reddit_members_unavailable",
                site=site.name,
                detail=f"listing approved users needs a moderator account ({ENV_USERNAME})",
            )
            return []

        def contributors() -> list[Member]:
            found = client.reddit.subreddit(opts.subreddit).contributor(limit=None)
            return [Member(handle=str(user.name)) for user in found]

        try:
            members = client.call(contributors, what=f"r/{opts.subreddit} approved users")
        except FatalConnectorError as exc:
            log.warning("reddit_members_unavailable", site=site.name, detail=str(exc))
            return []
        log.info("reddit_members_listed", site=site.name, count=len(members))
        return members

    def act(self, site: Site, post: Post, action: Action) -> ActionResult:
        """Remove (with a mod note) or lock a post or comment; needs the moderator account."""
        try:
            opts = _options(site)
            client = self._clients.get(site.endpoint, opts.timeout)
        except ConnectorError as exc:
            return ActionResult(ok=False, detail=str(exc))
        if not client.credentials.moderator:
            return ActionResult(
                ok=False,
                detail=(
                    f"needs a moderator account: set {ENV_USERNAME} and {ENV_PASSWORD} for a "
                    f"moderator of r/{opts.subreddit} with the 'Manage Posts & Comments' "
                    "permission"
                ),
            )
        if not _ID.fullmatch(post.id) or post.kind not in ("post", "comment"):
            return ActionResult(ok=False, detail=f"{post.id!r} is not a Reddit post or comment id")
        reddit = client.reddit
        thing = reddit.submission(post.id) if post.kind == "post" else reddit.comment(post.id)
        fullname = f"{'t3' if post.kind == 'post' else 't1'}_{post.id}"
        if action.kind is ActionKind.REMOVE:
            note = (action.reason.strip() or "removed by sitewatch")[:MOD_NOTE_CHARS]
            reason_id = opts.removal_reason_id

            def remove() -> None:
                thing.mod.remove(mod_note=note, reason_id=reason_id)

            result = self._run(client, remove, action, fullname, opts, done="removed")
            if result.ok and opts.removal_message is not None:
                result = self._message(client, thing, action, opts, fullname, result)
            return result
        if action.kind is ActionKind.LOCK:
            return self._run(client, thing.mod.lock, action, fullname, opts, done="locked")
        return ActionResult(
            ok=False,
            detail=(
                f"Reddit has no '{action.kind.value}' moderation action; use remove "
                "(moderators can still see and approve a removed item)"
            ),
        )

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _run(
        client: RedditClient,
        fn: Callable[[], Any],
        action: Action,
        fullname: str,
        opts: _Options,
        *,
        done: str,
    ) -> ActionResult:
        what = f"{action.kind.value} {fullname}"
        try:
            client.call(fn, what=what)
        except FatalConnectorError as exc:
            detail = str(exc)
            if "HTTP 403" in detail:
                detail = (
                    f"{what}: HTTP 403: {client.credentials.describe()} may not moderate "
                    f"r/{opts.subreddit}; it needs the 'Manage Posts & Comments' permission"
                )
            return ActionResult(ok=False, detail=detail)
        except ConnectorError as exc:
            return ActionResult(ok=False, detail=f"{exc} (try again later)")
        log.info("reddit_action", action=action.kind.value, fullname=fullname)
        note = " with a mod note" if action.kind is ActionKind.REMOVE else ""
        return ActionResult(ok=True, detail=f"{done} {fullname} in r/{opts.subreddit}{note}")

    @staticmethod
    def _message(
        client: RedditClient,
        thing: Any,
        action: Action,
        opts: _Options,
        fullname: str,
        removed: ActionResult,
    ) -> ActionResult:
        message = action.reason.strip() or "This item was removed by the moderators."

        def send() -> None:
            thing.mod.send_removal_message(
                message=message, title=REMOVAL_TITLE, type=opts.removal_message
            )

        try:
            client.call(send, what=f"removal message for {fullname}")
        except ConnectorError as exc:
            return ActionResult(
                ok=True, detail=f"{removed.detail}; the removal message failed: {exc}"
            )
        return ActionResult(
            ok=True, detail=f"{removed.detail}; {opts.removal_message} removal message sent"
        )
