"""The web app. Post content is hostile: every value is escaped, a strict
Content-Security-Policy forbids scripts, and no page changes state on GET.

``/ack/<token>``: the one-click acknowledgement link from incident e-mail. GET only shows a
confirmation form, because mail security scanners open links in e-mail; the POST
acknowledges. The token is single-use and expires (see ``store.workflow.ack_by_token``).
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from sitewatch.store.repository import Store
from sitewatch.store.workflow import WorkflowError

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)} · sitewatch</title></head><body>"
        f"<main><h1>{html.escape(title)}</h1>{body}</main></body></html>",
        status_code=status,
    )


def create_app(store: Store) -> Starlette:
    async def ack_form(request: Request) -> Response:
        token = request.path_params["token"]
        return _page(
            "Acknowledge this incident?",
            "<p>Acknowledging tells sitewatch you are handling the incident; it stops "
            "the escalation to the next contact.</p>"
            f"<form method='post' action='/ack/{html.escape(token, quote=True)}'>"
            "<button type='submit'>Acknowledge</button></form>",
        )

    async def ack_submit(request: Request) -> Response:
        token = request.path_params["token"]
        source = f"web@{request.client.host if request.client else 'unknown'}"
        try:
            incident_id = store.ack_by_token(token, source=source)
        except WorkflowError as exc:
            return _page("Link not accepted", f"<p>{html.escape(str(exc))}</p>", status=410)
        return _page("Acknowledged", f"<p>Incident #{incident_id} is acknowledged. Thank you.</p>")

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/ack/{token}", ack_form, methods=["GET"]),
            Route("/ack/{token}", ack_submit, methods=["POST"]),
            Route("/healthz", healthz),
        ],
        middleware=[Middleware(SecurityHeaders)],
    )
