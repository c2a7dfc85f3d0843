"""YouTube connector: the comments (and video titles and descriptions) of one channel.

``target`` is a channel id (``UC`` + 22 characters). Reads, with an API key only
(``SITEWATCH_GOOGLE_API_KEY``):

1. ``channels.list(part=contentDetails)`` once, for the uploads playlist (kept in the cursor);
2. ``playlistItems.list`` on the uploads playlist, newest first, stopping early at the newest
   video already known ("discovery"); new videos are emitted oldest first as ``kind="post"``
   posts (title + description, read with one ``videos.list`` per 50 videos);
3. a *sweep* over the tracked videos (the newest ``max_videos``): per video
   ``commentThreads.list(order=time, part=snippet,replies)`` newest first, stopping early at
   the newest thread already seen; replies embedded in a thread are used as they are, and
   ``comments.list(parentId=...)`` fetches them all when a new thread has more replies than
   the response embeds.

Posts: top-level comments have ``parent_id`` = the video id, replies the id of their thread's
top-level comment; ``url`` is ``https://www.youtube.com/watch?v=<video>&lc=<comment>``.

Quota. The YouTube Data API charges units (every list call above costs 1,
``comments.setModerationStatus`` 50) against a project's daily quota (10,000 by default),
which resets at midnight Pacific time. The connector counts the units it spends and keeps the
count in the cursor (it has no other state). A *poll* is the run of fetches until one returns
``has_more=False`` (or, if the daemon stopped early, until ``site.poll_interval`` has passed
since the poll began). Before each call it checks both budgets; when the call would overrun
``poll_budget_units`` the page is returned with ``has_more=False`` and "quota budget reached"
is logged; the next poll resumes where this one stopped (the sweep position and any half-read
video are in the cursor). When ``daily_quota_units`` is spent, ``fetch`` raises
``RetriableConnectorError`` with ``retry_after`` = seconds until midnight Pacific time, the
same instant Google resets its own counter. A ``quotaExceeded`` answer from Google (the
project's quota spent by someone else) is retriable with that same ``retry_after``. Units spent
by ``check_access`` and ``act`` are not counted in the cursor (they have none).

Errors: HTTP errors map through ``sitewatch_connectors.base.error_for_status``; a 403
``commentsDisabled`` on one video skips that video (a ``SkippedItem`` the first time) and a
404 ``videoNotFound`` drops it from the sweep; neither stops the site.

Cursor: the JSON object ``{"v": 1, "p": "youtube", "ch": channel, "up": uploads playlist,
"q": [quota day, units today, units this poll, poll start (epoch s)], "ph": phase
("d"iscover | "e"mit | "s"weep), "vm": newest video mark, "dw": discovery walk in progress,
"pend": [[video, publishedAt], ...] videos found but not yet emitted (oldest first),
"vids": [[video, thread mark, reply mark, comments-off], ...] tracked videos (newest first),
"pos": sweep position, "cw": the comment walk in progress}``. A *mark* is
``[publishedAt, [ids at exactly that time]]``: an item is already seen when it is older than
the mark's time, or at that time with its id listed (one-second timestamps tie). A walk over a
newest-first list keeps its next ``pageToken``, the newest item it emitted (``top``, which
becomes the video's mark when the walk ends) and the oldest (``low``; if a page token is
refused the walk restarts at the top and skips what it already emitted). Every API page is
consumed whole, so a committed cursor never points inside one: a restart repeats and loses
nothing.

Site options (all optional):

- ``page_size`` (1..100, default 50): ``maxResults`` per call and the number of posts after
  which a fetch returns (a page may exceed it by the replies of the last API page);
- ``timeout`` (seconds, default 30);
- ``daily_quota_units`` (default 10000): this site's share of the project's daily quota;
  split the quota between sites that share one API key;
- ``poll_budget_units`` (default ``daily_quota_units * poll_interval / 86400``, at least 3):
  the most units one poll may spend, so polls are spread over the day;
- ``max_videos`` (default 200): how many of the newest videos are swept for comments;
- ``scan_videos`` (default true): also report each new video's title and description;
- ``oauth_token_file``: an authorized-user JSON file (``client_id``, ``client_secret``,
  ``refresh_token``, ``token_uri``) of the channel owner or a channel manager with the
  ``youtube.force-ssl`` scope, for ``act`` (hold a comment for review);
- ``oauth_token_uri``: the OAuth token endpoint (default Google's; google-auth ignores the
  file's own ``token_uri`` on purpose, so a proxy or a test sets it here).

Limits: a new reply on an old thread is found when the thread appears on a page the sweep reads
anyway (the newest page of each video) and the reply is among the replies the API embeds;
replies are otherwise read with their thread. Video edits and comment edits are not re-read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

import httplib2  # type: ignore[import-untyped, unused-ignore]
from google.auth.exceptions import GoogleAuthError

from sitewatch.exceptions import ConnectorError, FatalConnectorError, RetriableConnectorError
from sitewatch.logs import get_logger
from sitewatch.models import (
    AccessReport,
    Action,
    ActionKind,
    ActionResult,
    Page,
    Post,
    Site,
    SkippedItem,
)

from ..base import site_page_size, site_timeout
from ._google import (
    ApiFailure,
    Budget,
    Mark,
    OutOfBudget,
    api_key,
    build_service,
    clean_text,
    execute,
    int_option,
    lower_mark,
    parse_time,
    quota_day,
    raise_mark,
    seconds_until_quota_reset,
    str_field,
)

__all__ = ["YouTubeConnector"]

log = get_logger(__name__)

FORCE_SSL_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
UNIT_COSTS = {"list": 1, "setModerationStatus": 50}
DEFAULT_DAILY_UNITS = 10_000
DEFAULT_MAX_VIDEOS = 200
DEFAULT_PAGE_SIZE = 50
MIN_POLL_UNITS = 3
_CURSOR_VERSION = 1
_CHANNEL_ID = re.compile(r"UC[0-9A-Za-z_-]{22}")
_PHASES = frozenset({"d", "e", "s"})
_BAD_TOKEN_REASONS = frozenset({"invalidPageToken", "pageTokenInvalid", "invalidParameter"})
_MODERATION = {ActionKind.HIDE: "heldForReview", ActionKind.REMOVE: "rejected"}


class _BadItem(Exception):
    """One item is unusable; the message is the SkippedItem reason (never its content)."""


# -- options ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Options:
    page_size: int
    daily_units: int
    poll_units: int
    max_videos: int
    scan_videos: bool

    @staticmethod
    def of(site: Site) -> _Options:
        daily = int_option(site, "daily_quota_units", DEFAULT_DAILY_UNITS, MIN_POLL_UNITS)
        spread = int(daily * site.poll_interval / 86_400)
        poll = int_option(site, "poll_budget_units", max(MIN_POLL_UNITS, spread), MIN_POLL_UNITS)
        scan_videos = site.options.get("scan_videos", True)
        if not isinstance(scan_videos, bool):
            raise FatalConnectorError(f"site {site.name!r}: options.scan_videos must be a boolean")
        return _Options(
            page_size=site_page_size(site, DEFAULT_PAGE_SIZE, 100),
            daily_units=daily,
            poll_units=min(poll, daily),
            max_videos=int_option(site, "max_videos", DEFAULT_MAX_VIDEOS),
            scan_videos=scan_videos,
        )


def _channel_id(site: Site) -> str:
    target = (site.target or "").strip()
    if not _CHANNEL_ID.fullmatch(target):
        raise FatalConnectorError(
            f"site {site.name!r}: a YouTube target is a channel id (UC followed by 22 "
            "characters, shown under YouTube Studio > Settings > Channel > Advanced)"
        )
    return target


# -- cursor state ----------------------------------------------------------------------------
@dataclass
class _Video:
    id: str
    threads: Mark | None = None  # newest top-level comment seen
    replies: Mark | None = None  # newest reply seen
    off: bool = False  # comments were disabled at the last look


@dataclass
class _Discovery:
    token: str | None
    top: Mark | None


@dataclass
class _CommentWalk:
    video: str
    token: str | None = None
    top: Mark | None = None
    low: Mark | None = None
    rtop: Mark | None = None
    queue: list[str] = field(default_factory=list)  # threads whose replies are read in full
    rtoken: str | None = None
    done: bool = False


@dataclass
class _State:
    channel: str
    uploads: str | None = None
    day: str = ""
    used: int = 0
    poll_used: int = 0
    poll_started: float = 0.0
    phase: str = "d"
    videos_mark: Mark | None = None
    discovery: _Discovery | None = None
    pending: list[tuple[str, datetime]] = field(default_factory=list)
    videos: list[_Video] = field(default_factory=list)
    pos: int = 0
    walk: _CommentWalk | None = None

    # -- encoding --------------------------------------------------------------------------
    def encode(self) -> str:
        def mark(m: Mark | None) -> Any:
            return m.to_json() if m is not None else None

        data: dict[str, Any] = {
            "v": _CURSOR_VERSION,
            "p": "youtube",
            "ch": self.channel,
            "up": self.uploads,
            "q": [self.day, self.used, self.poll_used, round(self.poll_started, 3)],
            "ph": self.phase,
            "vm": mark(self.videos_mark),
            "dw": None
            if self.discovery is None
            else {"tok": self.discovery.token, "top": mark(self.discovery.top)},
            "pend": [[vid, t.isoformat()] for vid, t in self.pending],
            "vids": [[v.id, mark(v.threads), mark(v.replies), v.off] for v in self.videos],
            "pos": self.pos,
            "cw": None,
        }
        w = self.walk
        if w is not None:
            data["cw"] = {
                "vid": w.video,
                "tok": w.token,
                "top": mark(w.top),
                "low": mark(w.low),
                "rtop": mark(w.rtop),
                "queue": w.queue,
                "rtok": w.rtoken,
                "done": w.done,
            }
        return json.dumps(data, separators=(",", ":"))

    @staticmethod
    def decode(cursor: str) -> _State:
        bad = FatalConnectorError(
            "not a YouTube connector cursor (expected the JSON object "
            '{"v": 1, "p": "youtube", ...} this connector returned); reset the site\'s cursor'
        )
        try:
            d = json.loads(cursor)
            if not isinstance(d, dict) or d.get("v") != _CURSOR_VERSION or d.get("p") != "youtube":
                raise bad
            day, used, poll_used, started = d["q"]
            dw, cw = d["dw"], d["cw"]
            state = _State(
                channel=_s(d["ch"]),
                uploads=_opt_s(d["up"]),
                day=_s(day, empty=True),
                used=_i(used),
                poll_used=_i(poll_used),
                poll_started=float(started),
                phase=d["ph"] if d["ph"] in _PHASES else "?",
                videos_mark=Mark.from_json(d["vm"]),
                discovery=None
                if dw is None
                else _Discovery(_opt_s(dw["tok"]), Mark.from_json(dw["top"])),
                pending=[(_s(vid), _t(t)) for vid, t in d["pend"]],
                videos=[
                    _Video(_s(vid), Mark.from_json(tm), Mark.from_json(rm), bool(off))
                    for vid, tm, rm, off in d["vids"]
                ],
                pos=_i(d["pos"]),
            )
            if cw is not None:
                state.walk = _CommentWalk(
                    video=_s(cw["vid"]),
                    token=_opt_s(cw["tok"]),
                    top=Mark.from_json(cw["top"]),
                    low=Mark.from_json(cw["low"]),
                    rtop=Mark.from_json(cw["rtop"]),
                    queue=[_s(t) for t in cw["queue"]],
                    rtoken=_opt_s(cw["rtok"]),
                    done=bool(cw["done"]),
                )
        except FatalConnectorError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
            raise bad from None
        if state.phase == "?" or state.pos > len(state.videos):
            raise bad
        return state


def _s(value: Any, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not value and not empty):
        raise ValueError("not a string")
    return value


def _opt_s(value: Any) -> str | None:
    return None if value is None else _s(value)


def _i(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("not a count")
    return value


def _t(value: Any) -> datetime:
    when = parse_time(value)
    if when is None:
        raise ValueError("not a time")
    return when


# -- the connector ---------------------------------------------------------------------------
class YouTubeConnector:
    """Reads one YouTube channel's videos and comments within a unit budget."""

    platform: ClassVar[str] = "youtube"

    def __init__(self, *, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))

    # -- Connector protocol ------------------------------------------------------------------
    def fetch(self, site: Site, cursor: str | None) -> Page:
        """New videos and comments after ``cursor``, oldest first, within the unit budget."""
        channel = _channel_id(site)
        options = _Options.of(site)
        key = api_key()
        now = self._clock()
        state = _State.decode(cursor) if cursor else _State(channel=channel)
        if state.channel != channel:
            log.warning("youtube_target_changed", site=site.name, channel=channel)
            state = _State(channel=channel, day=state.day, used=state.used)
        budget = self._budget(site, state, options, now)
        if budget.used >= budget.daily_limit:
            wait = seconds_until_quota_reset(now)
            raise RetriableConnectorError(
                f"site {site.name!r}: the daily budget of {budget.daily_limit} YouTube API units "
                "is spent; reading resumes after midnight Pacific time",
                retry_after=wait,
            )
        service = build_service(site, "youtube", developer_key=key)
        run = _Run(site, service, state, budget, options)
        spent: str | None = None
        try:
            complete = run.go()
        except OutOfBudget as exc:
            spent, complete = exc.which, True
        except ApiFailure as exc:
            raise exc.as_error(now=now) from None
        if not complete and budget.used >= budget.daily_limit:
            spent, complete = "daily", True
        elif not complete and budget.poll_used >= budget.poll_limit:
            spent, complete = "poll", True
        if spent is not None:
            log.info(
                "quota budget reached",
                site=site.name,
                budget=spent,
                units_this_poll=budget.poll_used,
                poll_budget_units=budget.poll_limit,
                units_today=budget.used,
                daily_quota_units=budget.daily_limit,
                posts=len(run.posts),
            )
        state.used, state.poll_used = budget.used, budget.poll_used
        if complete:  # the poll is over: the next fetch starts a new one
            state.phase, state.poll_used = "d", 0
        posts = sorted(run.posts, key=lambda p: (p.created_at or now, p.id))
        return Page(
            posts=tuple(posts),
            next_cursor=state.encode(),
            has_more=not complete,
            skipped=tuple(run.skipped),
        )

    def check_access(self, site: Site) -> AccessReport:
        """Whether the channel can be read with the API key; never raises."""
        try:
            channel = _channel_id(site)
            service = build_service(site, "youtube", developer_key=api_key())
            uploads = _uploads_playlist(service, channel)
        except ApiFailure as exc:
            return AccessReport(ok=False, detail=str(exc.as_error()))
        except ConnectorError as exc:
            return AccessReport(ok=False, detail=str(exc))
        except Exception as exc:  # the report must never raise
            return AccessReport(ok=False, detail=f"YouTube check failed: {type(exc).__name__}")
        return AccessReport(
            ok=True, detail=f"channel {channel} readable (uploads playlist {uploads})"
        )

    def act(self, site: Site, post: Post, action: Action) -> ActionResult:
        """Hold a comment for review (``HIDE``) or reject it (``REMOVE``); needs OAuth."""
        status = _MODERATION.get(action.kind)
        if status is None:
            return ActionResult(ok=False, detail=f"YouTube cannot {action.kind.value} a comment")
        if post.kind != "comment":
            return ActionResult(
                ok=False, detail="only comments can be moderated here; manage videos in Studio"
            )
        token_file = site.options.get("oauth_token_file")
        if not isinstance(token_file, str) or not token_file:
            return ActionResult(
                ok=False,
                detail="moderation needs an OAuth token of the channel: set the site option "
                "oauth_token_file (an API key cannot moderate)",
            )
        try:
            from google.oauth2.credentials import Credentials
            from google_auth_httplib2 import (  # type: ignore[import-untyped, unused-ignore]
                AuthorizedHttp,
            )

            credentials = Credentials.from_authorized_user_file(  # type: ignore[no-untyped-call]
                token_file, scopes=[FORCE_SSL_SCOPE]
            )
            token_uri = site.options.get("oauth_token_uri")
            if isinstance(token_uri, str) and token_uri:
                credentials = credentials.with_token_uri(token_uri)
        except (OSError, ValueError) as exc:
            return ActionResult(
                ok=False, detail=f"cannot read oauth_token_file: {type(exc).__name__}"
            )
        try:
            http = AuthorizedHttp(credentials, http=httplib2.Http(timeout=site_timeout(site)))
            service = build_service(site, "youtube", developer_key=None, http=http)
            request = service.comments().setModerationStatus(id=post.id, moderationStatus=status)
            execute(request, "comments.setModerationStatus")
        except ApiFailure as exc:
            return ActionResult(ok=False, detail=str(exc.as_error()))
        except ConnectorError as exc:
            return ActionResult(ok=False, detail=str(exc))
        except GoogleAuthError as exc:
            return ActionResult(
                ok=False,
                detail=f"the OAuth token was refused or not refreshed: {type(exc).__name__}",
            )
        log.info("youtube_comment_moderated", site=site.name, post_id=post.id, status=status)
        return ActionResult(ok=True, detail=f"comment {post.id} set to {status}")

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _budget(site: Site, state: _State, options: _Options, now: datetime) -> Budget:
        today = quota_day(now).isoformat()
        if state.day != today:
            state.day, state.used = today, 0
        stamp = now.timestamp()
        stale = state.poll_started and stamp - state.poll_started >= site.poll_interval
        if stale:  # the daemon stopped a poll before has_more=False; this is a new poll
            state.phase, state.poll_used = "d", 0
        if state.phase == "d" and state.poll_used == 0:
            state.poll_started = stamp
        return Budget(
            day=today,
            used=state.used,
            poll_used=state.poll_used,
            daily_limit=options.daily_units,
            poll_limit=options.poll_units,
        )


def _uploads_playlist(service: Any, channel: str) -> str:
    body = execute(service.channels().list(part="contentDetails", id=channel), "channels.list")
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise FatalConnectorError(
            f"YouTube channel {channel} not found (deleted, terminated, or not public)"
        )
    uploads = str_field(items[0], "contentDetails", "relatedPlaylists", "uploads")
    if uploads is None:
        raise FatalConnectorError(f"YouTube channel {channel} has no uploads playlist")
    return uploads


class _Run:
    """One fetch: steps of one API call each until the page is full or the poll is over."""

    def __init__(
        self, site: Site, service: Any, state: _State, budget: Budget, options: _Options
    ) -> None:
        self.site = site
        self.yt = service
        self.state = state
        self.budget = budget
        self.options = options
        self.posts: list[Post] = []
        self.skipped: list[SkippedItem] = []

    def call(self, request: Any, what: str, units: int = 1) -> dict[str, Any]:
        self.budget.spend(units)
        self.state.used, self.state.poll_used = self.budget.used, self.budget.poll_used
        return execute(request, what)

    def go(self) -> bool:
        """Work until the page holds ``page_size`` posts (False) or the poll is done (True)."""
        s = self.state
        if s.uploads is None:
            self.budget.spend(UNIT_COSTS["list"])
            s.uploads = _uploads_playlist(self.yt, s.channel)
        while len(self.posts) < self.options.page_size:
            if s.phase == "d":
                self.discover()
            elif s.phase == "e":
                if s.pending:
                    self.emit_videos()
                else:
                    s.phase = "s"
            elif s.pos >= len(s.videos):
                s.pos = 0
                return True
            else:
                self.sweep()
        return False

    # -- discovery ---------------------------------------------------------------------------
    def discover(self) -> None:
        s = self.state
        walk = s.discovery or _Discovery(token=None, top=s.videos_mark)
        request = self.yt.playlistItems().list(
            part="contentDetails", playlistId=s.uploads, maxResults=50, pageToken=walk.token
        )
        try:
            body = self.call(request, "playlistItems.list")
        except ApiFailure as exc:
            if walk.token and exc.status == 400 and exc.reason in _BAD_TOKEN_REASONS:
                s.discovery = _Discovery(token=None, top=walk.top)  # restart; known ids dedupe
                return
            raise
        items = _items(body, "playlistItems.list")
        known = {v.id for v in s.videos} | {vid for vid, _ in s.pending}
        stop, end = s.videos_mark, False
        for item in items:
            video_id = str_field(item, "contentDetails", "videoId")
            published = parse_time(str_field(item, "contentDetails", "videoPublishedAt"))
            if video_id is None:
                where = str_field(item, "id") or f"playlist {s.uploads}"
                self.skipped.append(SkippedItem(where=where, reason="playlist item has no video"))
                continue
            if published is None:
                continue  # private, deleted or scheduled: nothing public to read yet
            if stop is not None and stop.covers(published, video_id):
                end = end or published < stop.t
                continue
            if video_id in known:
                continue  # an offset page token shifted by a new upload
            known.add(video_id)
            s.pending.append((video_id, published))
            walk.top = raise_mark(walk.top, published, video_id)
        s.pending.sort(key=lambda p: (p[1], p[0]))
        del s.pending[: max(0, len(s.pending) - self.options.max_videos)]
        token = body.get("nextPageToken")
        full = stop is None and len(s.pending) >= self.options.max_videos
        if end or full or not isinstance(token, str) or not token:
            s.videos_mark, s.discovery, s.phase = walk.top, None, "e"
        else:
            s.discovery = _Discovery(token=token, top=walk.top)

    def emit_videos(self) -> None:
        s = self.state
        batch = s.pending[: min(50, self.options.page_size)]
        if self.options.scan_videos:
            ids = [vid for vid, _ in batch]
            request = self.yt.videos().list(part="snippet", id=",".join(ids))
            found = {
                str_field(item, "id"): item for item in _items(self.call(request, "videos.list"))
            }
            for vid, _ in batch:
                item = found.get(vid)
                if item is None:
                    continue  # made private or deleted since discovery
                try:
                    self.posts.append(_video_post(item))
                except _BadItem as exc:
                    self.skipped.append(SkippedItem(where=vid, reason=str(exc)))
        fresh = [_Video(vid) for vid, _ in reversed(batch)]
        if s.pos > 0 or s.walk is not None:
            s.pos += len(fresh)  # the sweep in progress keeps its place
        s.videos[:0] = fresh
        del s.videos[self.options.max_videos :]
        del s.pending[: len(batch)]
        s.pos = min(s.pos, len(s.videos))
        if s.walk is not None and all(v.id != s.walk.video for v in s.videos):
            s.walk = None

    # -- the comment sweep -------------------------------------------------------------------
    def sweep(self) -> None:
        s = self.state
        video = s.videos[s.pos]
        walk = s.walk
        if walk is None or walk.video != video.id:
            walk = s.walk = _CommentWalk(video.id, top=video.threads, rtop=video.replies)
        if walk.queue:
            self.read_replies(video, walk)
        elif walk.done:
            video.threads, video.replies = walk.top, walk.rtop
            s.walk = None
            s.pos += 1
        else:
            self.read_threads(video, walk)

    def _next_video(self) -> None:
        self.state.walk = None
        self.state.pos += 1

    def read_threads(self, video: _Video, walk: _CommentWalk) -> None:
        s = self.state
        request = self.yt.commentThreads().list(
            part="snippet,replies",
            videoId=video.id,
            order="time",
            maxResults=self.options.page_size,
            pageToken=walk.token,
            textFormat="plainText",
        )
        try:
            body = self.call(request, "commentThreads.list")
        except ApiFailure as exc:
            if exc.reason == "commentsDisabled":
                if not video.off:
                    self.skipped.append(
                        SkippedItem(where=video.id, reason="comments are disabled on this video")
                    )
                video.off = True
                self._next_video()
                return
            if exc.status == 404 and exc.reason == "videoNotFound":
                log.info("youtube_video_gone", site=self.site.name, video=video.id)
                del s.videos[s.pos]
                s.walk = None
                return
            if walk.token and exc.status == 400 and exc.reason in _BAD_TOKEN_REASONS:
                walk.token = None  # restart at the newest; `low` skips what was emitted
                return
            raise
        video.off = False
        stop, end = video.threads, False
        for thread in _items(body, "commentThreads.list"):
            try:
                end = self._thread(video, walk, thread, stop) or end
            except _BadItem as exc:
                where = str_field(thread, "id") or video.id
                self.skipped.append(SkippedItem(where=where, reason=str(exc)))
        token = body.get("nextPageToken")
        if end or not isinstance(token, str) or not token:
            walk.token, walk.done = None, True
        else:
            walk.token = token

    def _thread(self, video: _Video, walk: _CommentWalk, thread: Any, stop: Mark | None) -> bool:
        """Emit what is new in one thread; True when it is older than the video's mark."""
        top_comment = _get(thread, "snippet", "topLevelComment")
        if not _obj(top_comment):
            raise _BadItem("comment thread without a top-level comment")
        comment_id, published = _comment_key(top_comment)
        embedded = _get(thread, "replies", "comments")
        embedded = [r for r in embedded if _obj(r)] if isinstance(embedded, list) else []
        if stop is not None and stop.covers(published, comment_id):
            # an old thread: its embedded replies newer than the video's reply mark are new
            for reply in embedded:
                try:
                    rid, rt = _comment_key(reply)
                except _BadItem:
                    continue
                if video.replies is None or not video.replies.covers(rt, rid):
                    self._emit_reply(video, walk, reply, comment_id)
            return published < stop.t
        if walk.low is not None and not walk.low.below(published, comment_id):
            return False  # emitted before this walk restarted from the newest page
        self.posts.append(_comment_post(top_comment, video.id, parent_id=video.id))
        walk.top = raise_mark(walk.top, published, comment_id)
        walk.low = lower_mark(walk.low, published, comment_id)
        total = _get(thread, "snippet", "totalReplyCount")
        total = total if isinstance(total, int) and not isinstance(total, bool) else 0
        thread_id = str_field(thread, "id") or comment_id
        if total > len(embedded):
            walk.queue.append(thread_id)
        else:
            for reply in embedded:
                self._emit_reply(video, walk, reply, comment_id)
        return False

    def _emit_reply(self, video: _Video, walk: _CommentWalk, reply: Any, parent: str) -> None:
        try:
            rid, rt = _comment_key(reply)
            parent = str_field(reply, "snippet", "parentId") or parent
            self.posts.append(_comment_post(reply, video.id, parent_id=parent))
        except _BadItem as exc:
            self.skipped.append(
                SkippedItem(where=str_field(reply, "id") or parent, reason=str(exc))
            )
            return
        walk.rtop = raise_mark(walk.rtop, rt, rid)

    def read_replies(self, video: _Video, walk: _CommentWalk) -> None:
        thread_id = walk.queue[0]
        request = self.yt.comments().list(
            part="snippet",
            parentId=thread_id,
            maxResults=self.options.page_size,
            pageToken=walk.rtoken,
            textFormat="plainText",
        )
        try:
            body = self.call(request, "comments.list")
        except ApiFailure as exc:
            if exc.status == 404 or (exc.status == 400 and exc.reason in _BAD_TOKEN_REASONS):
                walk.queue.pop(0)  # the thread is gone (or its listing cannot continue)
                walk.rtoken = None
                return
            raise
        for reply in _items(body, "comments.list"):
            if _obj(reply):
                self._emit_reply(video, walk, reply, thread_id)
        token = body.get("nextPageToken")
        if isinstance(token, str) and token:
            walk.rtoken = token
        else:
            walk.queue.pop(0)
            walk.rtoken = None


# -- items -----------------------------------------------------------------------------------
def _obj(value: Any) -> bool:
    return isinstance(value, dict)


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _items(body: dict[str, Any], what: str = "response") -> list[Any]:
    items = body.get("items", [])
    if not isinstance(items, list):
        raise RetriableConnectorError(f"{what}: malformed response (items is not a list)")
    return [item for item in items if isinstance(item, dict)]


def _comment_key(comment: Any) -> tuple[str, datetime]:
    comment_id = str_field(comment, "id")
    published = parse_time(str_field(comment, "snippet", "publishedAt"))
    if comment_id is None or published is None:
        raise _BadItem("comment without an id or a valid publishedAt")
    return comment_id, published


def _comment_post(comment: Any, video_id: str, *, parent_id: str) -> Post:
    comment_id, published = _comment_key(comment)
    text = str_field(comment, "snippet", "textOriginal") or str_field(
        comment, "snippet", "textDisplay"
    )
    if text is None:
        raise _BadItem("comment without text")
    author = str_field(comment, "snippet", "authorDisplayName")
    return Post(
        id=comment_id,
        text=clean_text(text),
        author=clean_text(author) if author else None,
        created_at=published,
        url=f"https://www.youtube.com/watch?v={quote(video_id, safe='')}"
        f"&lc={quote(comment_id, safe='.')}",
        parent_id=parent_id,
        kind="comment",
    )


def _video_post(item: Any) -> Post:
    video_id = str_field(item, "id")
    published = parse_time(str_field(item, "snippet", "publishedAt"))
    if video_id is None or published is None:
        raise _BadItem("video without an id or a valid publishedAt")
    title = str_field(item, "snippet", "title") or ""
    description = str_field(item, "snippet", "description") or ""
    text = f"{title}\n\n{description}".strip()
    if not text:
        raise _BadItem("video without a title or description")
    author = str_field(item, "snippet", "channelTitle")
    return Post(
        id=video_id,
        text=clean_text(text),
        author=clean_text(author) if author else None,
        created_at=published,
        url=f"https://www.youtube.com/watch?v={quote(video_id, safe='')}",
        parent_id=None,
        kind="post",
    )
