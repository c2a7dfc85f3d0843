"""A fake YouTube Data API v3 on 127.0.0.1 that speaks the real wire format.

Shapes follow real recorded responses (channels, playlistItems, videos, commentThreads with
embedded replies, comments by parentId, Google error bodies) but every channel, video and
comment here is generated. What it renders like the real API:

- paths ``/youtube/v3/<resource>``, the ``key`` query parameter (a wrong key is a 400
  ``keyInvalid``), ``part`` selecting the parts returned;
- newest-first ordering: uploads by publish time, ``commentThreads(order=time)`` by the
  top-level comment's time, ``comments(parentId)`` replies newest first;
- ``playlistItems`` page tokens that encode an *offset* (like the real ``CAoQAA``), comment
  page tokens that encode the last item returned; a token that cannot be read is a 400
  ``invalidPageToken``;
- quota: every call's unit cost is counted (``units()``); with ``quota_limit`` set, calls
  beyond it answer 403 ``quotaExceeded``;
- 403 ``commentsDisabled`` and 404 ``videoNotFound`` per video;
- ``comments.setModerationStatus`` (50 units) needing an OAuth bearer token from ``/token``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .server import FakeServer, Request, Response

API_KEY = "AIzaSy-test-key-for-the-fake-youtube-api"
PREFIX = "/youtube/v3/"
UNIT_COSTS = {"setModerationStatus": 50}
_ID_CHARS = string.ascii_letters + string.digits + "-_"

_STATUS_REASONS = {
    400: ("badRequest", "global", "Bad Request", "INVALID_ARGUMENT"),
    401: (
        "authError",
        "global",
        "Request had invalid authentication credentials.",
        "UNAUTHENTICATED",
    ),
    403: ("forbidden", "global", "The caller does not have permission", "PERMISSION_DENIED"),
    404: ("notFound", "global", "Requested entity was not found.", "NOT_FOUND"),
    429: ("rateLimitExceeded", "global", "Rate limit exceeded.", "RESOURCE_EXHAUSTED"),
    500: (
        "internalError",
        "global",
        "We encountered an internal error. Please try again using truncated exponential backoff.",
        "INTERNAL",
    ),
    503: (
        "backendError",
        "global",
        "We encountered an internal error. Please try again using truncated exponential backoff.",
        "UNAVAILABLE",
    ),
}


def google_error(
    code: int, reason: str, message: str, domain: str = "global", status: str | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {
        "code": code,
        "message": message,
        "errors": [{"message": message, "domain": domain, "reason": reason}],
    }
    if status:
        error["status"] = status
    return {"error": error}


def rfc3339(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FakeComment:
    id: str
    video: str
    channel: str
    text: str
    author: str
    author_channel: str
    published: datetime
    parent: str | None = None  # the thread's top-level comment id, for replies
    replies: list[str] = field(default_factory=list)  # for top-level comments, oldest first
    status: str = "published"


@dataclass
class FakeVideo:
    id: str
    channel: str
    title: str
    description: str
    published: datetime
    private: bool = False
    comments_disabled: bool = False
    threads: list[str] = field(default_factory=list)  # top-level comment ids, oldest first


@dataclass
class FakeChannel:
    id: str
    title: str
    videos: list[str] = field(default_factory=list)  # oldest first

    @property
    def uploads(self) -> str:
        return "UU" + self.id[2:]


class YouTubeFake(FakeServer):
    """Knobs: ``add_channel``, ``add_video``, ``add_comment``, ``add_reply``, ``quota_limit``,
    ``disable_comments``, ``delete_video``, ``embed_replies``; ``units()`` counts quota."""

    def __init__(self, api_key: str = API_KEY, *, seed: int = 7) -> None:
        super().__init__()
        self.api_key = api_key
        self.channels: dict[str, FakeChannel] = {}
        self.videos: dict[str, FakeVideo] = {}
        self.comments: dict[str, FakeComment] = {}
        self.clock = datetime(2026, 9, 1, 15, 0, tzinfo=UTC)
        self.quota_limit: int | None = None
        self.embed_replies = 5
        self.client_id = "1234567890-fake.apps.googleusercontent.com"
        self.client_secret = "GOCSPX-fake-client-secret"
        self.refresh_token = "1//fake-refresh-token"
        self.access_token = "ya29.fake-access-token"
        self.moderation_calls: list[tuple[str, str]] = []
        self._random = random.Random(seed)
        self._units = 0

    # -- knobs -------------------------------------------------------------------------------
    def tick(self, seconds: float = 60.0) -> datetime:
        with self._lock:
            self.clock += timedelta(seconds=seconds)
            return self.clock

    def _id(self, n: int) -> str:
        return "".join(self._random.choice(_ID_CHARS) for _ in range(n))

    def add_channel(self, title: str = "Lakeview High Band") -> str:
        with self._lock:
            channel = FakeChannel(id="UC" + self._id(22), title=title)
            self.channels[channel.id] = channel
            return channel.id

    def add_video(
        self,
        channel: str,
        title: str,
        description: str = "",
        *,
        published: datetime | None = None,
        private: bool = False,
        comments_disabled: bool = False,
    ) -> str:
        with self._lock:
            video = FakeVideo(
                id=self._id(11),
                channel=channel,
                title=title,
                description=description,
                published=published or self.tick(),
                private=private,
                comments_disabled=comments_disabled,
            )
            self.videos[video.id] = video
            self.channels[channel].videos.append(video.id)
            return video.id

    def add_comment(
        self,
        video: str,
        text: str,
        *,
        author: str = "@bandparent",
        published: datetime | None = None,
    ) -> str:
        with self._lock:
            v = self.videos[video]
            comment = FakeComment(
                id="Ugx" + self._id(19) + "4AaABAg",
                video=video,
                channel=v.channel,
                text=text,
                author=author,
                author_channel="UC" + self._id(22),
                published=published or self.tick(),
            )
            self.comments[comment.id] = comment
            v.threads.append(comment.id)
            return comment.id

    def add_reply(
        self,
        thread: str,
        text: str,
        *,
        author: str = "@bandfriend",
        published: datetime | None = None,
    ) -> str:
        with self._lock:
            top = self.comments[thread]
            reply = FakeComment(
                id=f"{top.id}.{self._id(22)}",
                video=top.video,
                channel=top.channel,
                text=text,
                author=author,
                author_channel="UC" + self._id(22),
                published=published or self.tick(),
                parent=top.id,
            )
            self.comments[reply.id] = reply
            top.replies.append(reply.id)
            return reply.id

    def disable_comments(self, video: str, disabled: bool = True) -> None:
        self.videos[video].comments_disabled = disabled

    def delete_video(self, video: str) -> None:
        with self._lock:
            v = self.videos.pop(video)
            self.channels[v.channel].videos.remove(video)

    def units(self) -> int:
        """Quota units charged so far (failed calls are charged too, like Google does)."""
        return self._units

    def set_token_uri_file(self, path: Any) -> Any:
        """Write an authorized-user token file (as google-auth saves one) pointing here."""
        path.write_text(
            json.dumps(
                {
                    "type": "authorized_user",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "refresh_token": self.refresh_token,
                    "token_uri": f"{self.url}/token",
                }
            ),
            encoding="utf-8",
        )
        return path

    # -- FakeServer hooks --------------------------------------------------------------------
    def is_auth_request(self, request: Request) -> bool:
        return request.path == "/token"

    def error_body(self, status: int) -> Any:
        reason, domain, message, state = _STATUS_REASONS.get(
            status, ("unknown", "global", f"HTTP {status}", None)
        )
        return google_error(status, reason, message, domain, state)

    def _dispatch(self, request: Request) -> Response:
        if not self.is_auth_request(request):
            name = request.path.rsplit("/", 1)[-1]
            with self._lock:
                self._units += UNIT_COSTS.get(name, 1)
        return super()._dispatch(request)

    def route(self, request: Request) -> Response:
        if request.path == "/token":
            return self._token(request)
        if not request.path.startswith(PREFIX):
            return Response(404, self.error_body(404))
        with self._lock:
            if self.quota_limit is not None and self._units > self.quota_limit:
                return Response(
                    403,
                    google_error(
                        403,
                        "quotaExceeded",
                        "The request cannot be completed because you have exceeded your <a "
                        'href="/youtube/v3/getting-started#quota">quota</a>.',
                        "youtube.quota",
                    ),
                )
            resource = request.path[len(PREFIX) :]
            if resource == "comments/setModerationStatus" and request.method == "POST":
                return self._set_moderation_status(request)
            if request.method != "GET":
                return Response(405, self.error_body(400))
            if request.arg("key") != self.api_key:
                return Response(
                    400,
                    google_error(
                        400,
                        "badRequest",
                        "API key not valid. Please pass a valid API key.",
                        "global",
                        "INVALID_ARGUMENT",
                    ),
                )
            handler = {
                "channels": self._channels,
                "playlistItems": self._playlist_items,
                "videos": self._videos,
                "commentThreads": self._comment_threads,
                "comments": self._comments,
            }.get(resource)
            if handler is None:
                return Response(404, self.error_body(404))
            return handler(request)

    # -- rendering ---------------------------------------------------------------------------
    @staticmethod
    def _etag(*parts: Any) -> str:
        return hashlib.sha1(repr(parts).encode()).hexdigest()[:27]

    @staticmethod
    def _parts(request: Request) -> set[str]:
        return {p.strip() for p in (request.arg("part") or "").split(",") if p.strip()}

    def _max_results(self, request: Request, default: int = 5, top: int = 50) -> int:
        try:
            return max(0, min(top, int(request.arg("maxResults") or default)))
        except ValueError:
            return default

    def _list(
        self, kind: str, items: list[Any], per_page: int, token: str | None, total: int
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"kind": kind, "etag": self._etag(kind, len(items), token)}
        if token:
            body["nextPageToken"] = token
        body["pageInfo"] = {"totalResults": total, "resultsPerPage": per_page}
        body["items"] = items
        return body

    def _comment(self, c: FakeComment, text_format: str) -> dict[str, Any]:
        display = c.text
        if text_format != "plainText":
            display = (
                c.text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("'", "&#39;")
                .replace("\n", "<br>")
            )
        snippet: dict[str, Any] = {"channelId": c.channel}
        if c.parent is None:
            snippet["videoId"] = c.video
        snippet.update(
            {
                "textDisplay": display,
                "textOriginal": c.text,
                "authorDisplayName": c.author,
                "authorProfileImageUrl": "https://yt3.ggpht.com/ytc/fake=s48-c-k-c0x00ffffff-no-rj",
                "authorChannelUrl": f"http://www.youtube.com/{c.author}",
                "authorChannelId": {"value": c.author_channel},
                "canRate": True,
                "viewerRating": "none",
                "likeCount": 0,
                "publishedAt": rfc3339(c.published),
                "updatedAt": rfc3339(c.published),
            }
        )
        if c.parent is not None:
            snippet["parentId"] = c.parent
        return {"kind": "youtube#comment", "etag": self._etag(c.id), "id": c.id, "snippet": snippet}

    @staticmethod
    def _key_token(when: datetime, item_id: str) -> str:
        raw = json.dumps([rfc3339(when), item_id]).encode()
        return base64.urlsafe_b64encode(b"QURTSl9p" + raw).decode()

    @staticmethod
    def _read_key_token(token: str) -> tuple[str, str] | None:
        try:
            raw = base64.urlsafe_b64decode(token.encode())
            if not raw.startswith(b"QURTSl9p"):
                return None
            when, item_id = json.loads(raw[8:])
            return str(when), str(item_id)
        except (ValueError, TypeError):
            return None

    @staticmethod
    def _offset_token(offset: int) -> str:
        varint = bytearray()
        while True:
            byte = offset & 0x7F
            offset >>= 7
            varint.append(byte | (0x80 if offset else 0))
            if not offset:
                break
        return base64.urlsafe_b64encode(b"\x08" + bytes(varint) + b"\x10\x00").decode().rstrip("=")

    @staticmethod
    def _read_offset_token(token: str) -> int | None:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except ValueError:
            return None
        if len(raw) < 4 or raw[0] != 0x08:
            return None
        offset, shift = 0, 0
        for i, byte in enumerate(raw[1:], start=1):
            offset |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return offset if raw[i + 1 : i + 2] == b"\x10" else None
        return None

    def _bad_token(self) -> Response:
        return Response(
            400,
            google_error(
                400,
                "invalidPageToken",
                "The request specifies an invalid page token.",
                "youtube.parameter",
            ),
        )

    def _page_by_key(
        self, ordered: list[tuple[datetime, str]], token: str | None, size: int
    ) -> tuple[list[str], str | None] | None:
        """Ids after the token's item in newest-first order, and the next token."""
        start = 0
        if token:
            after = self._read_key_token(token)
            if after is None:
                return None
            key = (after[0], after[1])
            start = len(ordered)
            for i, (when, item_id) in enumerate(ordered):
                if (rfc3339(when), item_id) < key:
                    start = i
                    break
        page = ordered[start : start + size]
        more = start + size < len(ordered)
        next_token = self._key_token(*page[-1]) if more and page else None
        return [item_id for _, item_id in page], next_token

    # -- resources ---------------------------------------------------------------------------
    def _channels(self, request: Request) -> Response:
        if request.arg("maxResults") is not None:
            return self._incompatible()
        parts = self._parts(request)
        items = []
        for channel_id in (request.arg("id") or "").split(","):
            channel = self.channels.get(channel_id)
            if channel is None:
                continue
            item: dict[str, Any] = {
                "kind": "youtube#channel",
                "etag": self._etag(channel.id),
                "id": channel.id,
            }
            if "snippet" in parts:
                item["snippet"] = {"title": channel.title, "description": "", "country": "US"}
            if "contentDetails" in parts:
                item["contentDetails"] = {
                    "relatedPlaylists": {"likes": "", "uploads": channel.uploads}
                }
            items.append(item)
        body = {
            "kind": "youtube#channelListResponse",
            "etag": self._etag("channels", request.arg("id")),
            "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
        }
        if items:
            body["items"] = items
        return Response(200, body)

    def _playlist_items(self, request: Request) -> Response:
        playlist = request.arg("playlistId") or ""
        channel = next((c for c in self.channels.values() if c.uploads == playlist), None)
        if channel is None:
            return Response(
                404,
                google_error(
                    404,
                    "playlistNotFound",
                    "The playlist identified with the request's <code>playlistId</code> "
                    "parameter cannot be found.",
                    "youtube.playlistItem",
                ),
            )
        parts = self._parts(request)
        size = self._max_results(request)
        offset = 0
        token = request.arg("pageToken")
        if token:
            read = self._read_offset_token(token)
            if read is None:
                return self._bad_token()
            offset = read
        ordered = sorted(
            (self.videos[v] for v in channel.videos),
            key=lambda v: (v.published, v.id),
            reverse=True,
        )
        page = ordered[offset : offset + size]
        items = []
        for position, video in enumerate(page, start=offset):
            item: dict[str, Any] = {
                "kind": "youtube#playlistItem",
                "etag": self._etag("pi", video.id),
                "id": base64.b64encode(f"{playlist}.{video.id}".encode()).decode(),
            }
            if "snippet" in parts:
                item["snippet"] = {
                    "publishedAt": rfc3339(video.published),
                    "channelId": channel.id,
                    "title": "Private video" if video.private else video.title,
                    "description": "This video is private." if video.private else "",
                    "channelTitle": channel.title,
                    "playlistId": playlist,
                    "position": position,
                    "resourceId": {"kind": "youtube#video", "videoId": video.id},
                }
            if "contentDetails" in parts:
                details = {"videoId": video.id}
                if not video.private:
                    details["videoPublishedAt"] = rfc3339(video.published)
                item["contentDetails"] = details
            items.append(item)
        more = offset + size < len(ordered)
        body = self._list(
            "youtube#playlistItemListResponse",
            items,
            size,
            self._offset_token(offset + size) if more else None,
            len(ordered),
        )
        if offset:
            body["prevPageToken"] = self._offset_token(max(0, offset - size))
        return Response(200, body)

    def _incompatible(self) -> Response:
        return Response(
            400,
            google_error(
                400,
                "incompatibleParameters",
                "The request specifies an incompatible combination of parameters: "
                "<code>maxResults</code> cannot be used with <code>id</code>.",
                "youtube.parameter",
            ),
        )

    def _videos(self, request: Request) -> Response:
        if request.arg("maxResults") is not None:
            return self._incompatible()
        items = []
        for video_id in (request.arg("id") or "").split(","):
            video = self.videos.get(video_id)
            if video is None or video.private:
                continue
            channel = self.channels[video.channel]
            items.append(
                {
                    "kind": "youtube#video",
                    "etag": self._etag("v", video.id),
                    "id": video.id,
                    "snippet": {
                        "publishedAt": rfc3339(video.published),
                        "channelId": channel.id,
                        "title": video.title,
                        "description": video.description,
                        "thumbnails": {
                            "default": {
                                "url": f"https://i.ytimg.com/vi/{video.id}/default.jpg",
                                "width": 120,
                                "height": 90,
                            }
                        },
                        "channelTitle": channel.title,
                        "categoryId": "10",
                        "liveBroadcastContent": "none",
                        "localized": {"title": video.title, "description": video.description},
                    },
                }
            )
        return Response(
            200,
            {
                "kind": "youtube#videoListResponse",
                "etag": self._etag("videos", request.arg("id")),
                "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            },
        )

    def _visible(self, comment_id: str) -> bool:
        return self.comments[comment_id].status == "published"

    def _comment_threads(self, request: Request) -> Response:
        video = self.videos.get(request.arg("videoId") or "")
        if video is None:
            return Response(
                404,
                google_error(
                    404,
                    "videoNotFound",
                    'The video identified by the <code><a href="/youtube/v3/docs/'
                    'commentThreads/list#videoId">videoId</a></code> parameter could not be '
                    "found.",
                    "youtube.commentThread",
                ),
            )
        if video.comments_disabled:
            return Response(
                403,
                google_error(
                    403,
                    "commentsDisabled",
                    'The video identified by the <code><a href="/youtube/v3/docs/'
                    'commentThreads/list#videoId">videoId</a></code> parameter has disabled '
                    "comments.",
                    "youtube.commentThread",
                ),
            )
        parts = self._parts(request)
        text_format = request.arg("textFormat") or "html"
        size = self._max_results(request, 20, 100)
        threads = [self.comments[t] for t in video.threads if self._visible(t)]
        ordered = sorted(((c.published, c.id) for c in threads), reverse=True)
        page = self._page_by_key(ordered, request.arg("pageToken"), size)
        if page is None:
            return self._bad_token()
        ids, next_token = page
        items = []
        for thread_id in ids:
            top = self.comments[thread_id]
            replies = [r for r in top.replies if self._visible(r)]
            item: dict[str, Any] = {
                "kind": "youtube#commentThread",
                "etag": self._etag("t", thread_id, len(replies)),
                "id": thread_id,
                "snippet": {
                    "channelId": top.channel,
                    "videoId": top.video,
                    "topLevelComment": self._comment(top, text_format),
                    "canReply": True,
                    "totalReplyCount": len(replies),
                    "isPublic": True,
                },
            }
            if "replies" in parts and replies:
                item["replies"] = {
                    "comments": [
                        self._comment(self.comments[r], text_format)
                        for r in replies[: self.embed_replies]
                    ]
                }
            items.append(item)
        return Response(
            200,
            self._list("youtube#commentThreadListResponse", items, size, next_token, len(ids)),
        )

    def _comments(self, request: Request) -> Response:
        parent = self.comments.get(request.arg("parentId") or "")
        if parent is None or parent.parent is not None:
            return Response(
                404,
                google_error(
                    404,
                    "commentNotFound",
                    "One or more of the comments identified by the <code>parentId</code> "
                    "parameter could not be found.",
                    "youtube.comment",
                ),
            )
        text_format = request.arg("textFormat") or "html"
        size = self._max_results(request, 20, 100)
        replies = [self.comments[r] for r in parent.replies if self._visible(r)]
        ordered = sorted(((c.published, c.id) for c in replies), reverse=True)
        page = self._page_by_key(ordered, request.arg("pageToken"), size)
        if page is None:
            return self._bad_token()
        ids, next_token = page
        items = [self._comment(self.comments[r], text_format) for r in ids]
        body = {"kind": "youtube#commentListResponse", "etag": self._etag("c", ids)}
        if next_token:
            body["nextPageToken"] = next_token
        body["pageInfo"] = {"resultsPerPage": size}
        body["items"] = items
        return Response(200, body)

    def _set_moderation_status(self, request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return Response(
                401,
                google_error(
                    401,
                    "unauthorized" if request.arg("key") else "authError",
                    "API keys are not supported by this API. Expected OAuth2 access token or "
                    "other authentication credentials that assert a principal."
                    if request.arg("key")
                    else "Request had invalid authentication credentials.",
                    "global",
                    "UNAUTHENTICATED",
                ),
            )
        status = request.arg("moderationStatus") or ""
        if status not in ("published", "heldForReview", "rejected"):
            return Response(
                400,
                google_error(
                    400,
                    "invalidModerationStatus",
                    "The moderation status is not valid.",
                    "youtube.comment",
                ),
            )
        ids = [i for value in request.query.get("id", []) for i in value.split(",") if i]
        for comment_id in ids:
            if comment_id not in self.comments:
                return Response(
                    404,
                    google_error(
                        404, "commentNotFound", "The comment could not be found.", "youtube.comment"
                    ),
                )
        for comment_id in ids:
            self.comments[comment_id].status = status
            self.moderation_calls.append((comment_id, status))
        return Response(204, b"", content_type="application/json; charset=utf-8")

    def _token(self, request: Request) -> Response:
        form = request.form()
        if (
            form.get("grant_type") != "refresh_token"
            or form.get("refresh_token") != self.refresh_token
            or form.get("client_id") != self.client_id
        ):
            return Response(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
            )
        return Response(
            200,
            {
                "access_token": self.access_token,
                "expires_in": 3599,
                "scope": "https://www.googleapis.com/auth/youtube.force-ssl",
                "token_type": "Bearer",
            },
        )
