"""Who is asking: the client address (through a trusted proxy only), the session cookie,
the optional SSO header, CSRF tokens and the login throttle's arithmetic.

Sessions are server-side rows (``store.accounts``); the cookie carries only a random token
(``Secure``, ``HttpOnly``, ``SameSite=Strict``). Every POST but the e-mailed one-click
acknowledgement (whose single-use token is itself the capability) must carry the session's
CSRF token; the login form carries a double-submit token of its own.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from sitewatch.config import WebSettings
from sitewatch.store.accounts import Account, WebSession
from sitewatch.store.repository import Store


@dataclass
class Visitor:
    """A request's authenticated account, its session, and where it came from."""

    account: Account
    session: WebSession
    client: str
    new_token: str | None = None  # a session just made (SSO): set its cookie

    @property
    def source(self) -> str:
        return f"web@{self.client}"

    @property
    def actor(self) -> str:
        return self.account.username


class Auth:
    def __init__(self, store: Store, web: WebSettings) -> None:
        self.store = store
        self.web = web
        self.idle = timedelta(minutes=web.idle_minutes)
        self.lifetime = timedelta(hours=web.session_hours)
        self.window = timedelta(minutes=web.login_window_minutes)
        self.proxies = [ipaddress.ip_network(p, strict=False) for p in web.trusted_proxies]
        prefix = "__Host-" if web.cookie_secure else ""
        self.cookie = f"{prefix}sitewatch"
        self.login_cookie = f"{prefix}sitewatch_login"

    # -- where from ------------------------------------------------------------------------
    def _trusted(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in net for net in self.proxies)

    def client(self, request: Request) -> tuple[str, bool]:
        """(the client's address, whether the request came through a trusted proxy). The
        forwarded address is believed only from a configured proxy."""
        peer = request.client.host if request.client else "unknown"
        if not self._trusted(peer):
            return peer, False
        forwarded = request.headers.get("x-forwarded-for", "")
        last = forwarded.split(",")[-1].strip()
        return (last[:200] if last else peer), True

    # -- sessions --------------------------------------------------------------------------
    def visitor(self, request: Request) -> Visitor | None:
        """The logged-in visitor, or None. A trusted proxy's user header logs the named
        (existing, enabled) account in and starts a session for it."""
        client, proxied = self.client(request)
        token = request.cookies.get(self.cookie)
        session = (
            self.store.session(token, idle=self.idle, lifetime=self.lifetime) if token else None
        )
        header = self.web.trusted_proxy_header
        remote_user = request.headers.get(header, "").strip() if header and proxied else ""
        if remote_user:
            if session is not None and remote_user.lower() in (
                session.account.username,
                (session.account.email or "").lower(),
            ):
                return Visitor(session.account, session, client)
            account = self.store.account_for_sso(remote_user)
            if account is None:
                self.store.record_login(
                    remote_user, client, "failed", source=f"web@{client}", via="sso"
                )
                return None
            new_token, made = self.start_session(account, request, client, via="sso")
            return Visitor(account, made, client, new_token=new_token)
        if session is None:
            return None
        return Visitor(session.account, session, client)

    def start_session(
        self, account: Account, request: Request, client: str, *, via: str = "password"
    ) -> tuple[str, WebSession]:
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        self.store.create_session(
            account.id,
            token,
            csrf,
            address=client,
            user_agent=request.headers.get("user-agent", ""),
            via=via,
        )
        self.store.record_login(account.username, client, "ok", source=f"web@{client}", via=via)
        session = self.store.session(token, idle=self.idle, lifetime=self.lifetime)
        assert session is not None
        return token, session

    def set_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(
            self.cookie,
            token,
            httponly=True,
            secure=self.web.cookie_secure,
            samesite="strict",
            path="/",
        )

    def clear_cookie(self, response: Response) -> None:
        response.delete_cookie(
            self.cookie, path="/", secure=self.web.cookie_secure, httponly=True, samesite="strict"
        )

    def set_login_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(
            self.login_cookie,
            token,
            httponly=True,
            secure=self.web.cookie_secure,
            samesite="strict",
            path="/",
            max_age=3600,
        )

    # -- throttle --------------------------------------------------------------------------
    def throttled(self, username: str, client: str) -> bool:
        by_user, by_address = self.store.login_failures(username, client, self.window)
        limit = self.web.login_max_failures
        return by_user >= limit or by_address >= limit


def csrf_ok(expected: str, given: object) -> bool:
    return isinstance(given, str) and bool(given) and secrets.compare_digest(expected, given)
