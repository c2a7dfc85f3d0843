"""The review page. Post content is hostile: every value is escaped (Jinja2 autoescape), a
strict Content-Security-Policy forbids scripts, and no page changes state on GET.

Pages: the incident inbox (filters, sort, paging, CSV export), one incident (evidence
masked until "reveal", thread context, history, notes, actions), the site registry with
health, the compliance report, and (administrators) the audit log. Authorization is in
the store's queries (``store.accounts``): a sponsor's queries only ever return their own
sites' rows, and anything outside an account's scope is "not found".

``/ack/<token>``: the one-click acknowledgement link from incident e-mail. GET only shows a
confirmation form, because mail security scanners open links in e-mail; the POST
acknowledges. The token is single-use and expires (see ``store.workflow.ack_by_token``).
"""

from __future__ import annotations

import csv
import html
import io
import secrets
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sitewatch import registry
from sitewatch.config import Settings, WebSettings
from sitewatch.exceptions import SitewatchError
from sitewatch.models import Action, ActionKind, Post, Severity, Site
from sitewatch.notify.email import CLAUSE_TEXT
from sitewatch.store.accounts import SORTS, STATUSES, InboxFilters
from sitewatch.store.repository import Store
from sitewatch.store.workflow import TRANSITIONS, WorkflowError
from sitewatch.web import text as T
from sitewatch.web.auth import Auth, Visitor, csrf_ok

HERE = Path(__file__).resolve().parent
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
CATEGORIES = (
    "pii.student_name", "pii.education_record", "pii.student_id", "pii.phone", "pii.email",
    "pii.address", "pii.ssn", "pii.birthdate", "pii.*", "content.toxicity", "content.profanity",
    "content.insult", "content.threat", "content.self_harm", "content.sexual",
    "content.identity_attack", "content.*", "policy.unconsented_member",
    "policy.site_unapproved", "policy.approval_expired", "monitoring.gap", "rule.*",
)  # fmt: skip
MESSAGES = {
    "ack": "Acknowledged.",
    "resolve": "Resolved.",
    "false_positive": "Closed as a false positive.",
    "reopen": "Reopened.",
    "note": "Note added.",
    "assign": "Assigned.",
    "platform-ok": "The platform action was carried out.",
    "platform-failed": "The platform action did not succeed; see the actions list.",
}
CSV_COLUMNS = (
    "id", "created_at", "site", "severity", "status", "categories", "clauses", "post_url",
    "post_author", "assignee", "summary",
)  # fmt: skip

Handler = Callable[[Request, Visitor, FormData | None], Response]
ConnectorFactory = Callable[[str], Any]


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
        "<link rel='stylesheet' href='/static/style.css'>"
        "<link rel='icon' href='/static/favicon.svg' type='image/svg+xml'>"
        f"<title>{html.escape(title)} · sitewatch</title></head><body>"
        f"<main class='narrow'><h1>{html.escape(title)}</h1>{body}</main></body></html>",
        status_code=status,
    )


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def _safe_next(value: str | None) -> str:
    """Only a local path may follow a login (no open redirect)."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/incidents"


def _load_connector_class(platform: str) -> Any:
    return registry.load(registry.CONNECTORS, platform)


def create_app(
    store: Store,
    settings: Settings | None = None,
    *,
    web: WebSettings | None = None,
    connector_factory: ConnectorFactory | None = None,
) -> Starlette:
    """The ASGI app. ``settings`` gives the compliance report and platform actions their
    site registry; ``web`` overrides ``settings.web``; ``connector_factory`` (tests)
    returns a connector for a platform name."""
    web = web or (settings.web if settings else WebSettings())
    auth = Auth(store, web)
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clean"] = T.clean
    env.globals["safe_url"] = T.safe_url
    env.filters["when"] = lambda d: d.strftime("%Y-%m-%d %H:%M") if d else "—"
    sites_by_name: dict[str, Site] = (
        {s.name: s for s in settings.site_models()} if settings is not None else {}
    )
    connectors: dict[str, Any] = {}

    def connector(platform: str) -> Any:
        if platform not in connectors:
            if connector_factory is not None:
                connectors[platform] = connector_factory(platform)
            else:
                try:
                    connectors[platform] = _load_connector_class(platform)()
                except (SitewatchError, ImportError):
                    connectors[platform] = None
        return connectors[platform]

    def can_act_on_platform(site: str) -> bool:
        model = sites_by_name.get(site)
        if model is None:
            return False
        return callable(getattr(connector(model.platform), "act", None))

    def render(
        name: str, visitor: Visitor | None, status: int = 200, **context: Any
    ) -> HTMLResponse:
        body = env.get_template(name).render(
            me=visitor.account if visitor else None,
            csrf=visitor.session.csrf_token if visitor else "",
            **context,
        )
        return HTMLResponse(body, status_code=status)

    def not_found(visitor: Visitor | None) -> HTMLResponse:
        return render(
            "message.html",
            visitor,
            404,
            title="Not found",
            message="There is no such page, or it is not yours to see.",
        )

    def forbidden(visitor: Visitor | None, message: str) -> HTMLResponse:
        return render("message.html", visitor, 403, title="Not allowed", message=message)

    # -- the guard every page goes through -------------------------------------------------
    def guarded(handler: Handler, *, post: bool = False, need: str | None = None) -> Any:
        async def endpoint(request: Request) -> Response:
            visitor = await run_in_threadpool(auth.visitor, request)
            if visitor is None:
                if post:
                    return forbidden(None, "Your session has ended; log in again.")
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse("/login?" + urlencode({"next": target}), 303)
            form = None
            if post:
                form = await request.form(max_files=0, max_fields=50)
                if not csrf_ok(visitor.session.csrf_token, form.get("csrf")):
                    response: Response = forbidden(
                        visitor, "The form was missing its security token; reload and retry."
                    )
                    return response
            if need == "act" and not visitor.account.can_act:
                return forbidden(visitor, "Your account can read the log but not act on it.")
            if need == "admin" and not visitor.account.is_admin:
                return forbidden(visitor, "Only administrators may see this page.")
            response = await run_in_threadpool(handler, request, visitor, form)
            if visitor.new_token:
                auth.set_cookie(response, visitor.new_token)
            return response

        return endpoint

    # -- login and logout ------------------------------------------------------------------
    def login_form(request: Request, error: str = "", status: int = 200) -> Response:
        token = secrets.token_urlsafe(24)
        response = render(
            "login.html",
            None,
            status,
            login_csrf=token,
            next=_safe_next(request.query_params.get("next")),
            error=error,
            sso=bool(web.trusted_proxy_header),
        )
        auth.set_login_cookie(response, token)
        return response

    async def login_get(request: Request) -> Response:
        visitor = await run_in_threadpool(auth.visitor, request)
        if visitor is not None:
            response: Response = RedirectResponse(_safe_next(request.query_params.get("next")), 303)
            if visitor.new_token:
                auth.set_cookie(response, visitor.new_token)
            return response
        return login_form(request)

    async def login_post(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        cookie = request.cookies.get(auth.login_cookie, "")
        if not cookie or not csrf_ok(cookie, form.get("csrf")):
            return forbidden(None, "The login form expired; reload the page and try again.")
        username = str(form.get("username", "")).strip().lower()[:320]
        password = str(form.get("password", ""))
        nxt = _safe_next(str(form.get("next", "")))
        return await run_in_threadpool(_login, request, username, password, nxt)

    def _login(request: Request, username: str, password: str, nxt: str) -> Response:
        from sitewatch.web import passwords

        client, _ = auth.client(request)
        source = f"web@{client}"
        if not username or not password:
            return login_form(request, "Enter your user name and password.", 400)
        if auth.throttled(username, client):
            store.record_login(username, client, "throttled", source=source)
            response = login_form(
                request,
                f"Too many failed logins. Wait {web.login_window_minutes} minutes and try again.",
                429,
            )
            response.headers["Retry-After"] = str(web.login_window_minutes * 60)
            return response
        found = store.credentials(username)
        encoded = found[1] if found else None
        ok = passwords.verify(encoded, password)
        if not ok or found is None or found[0].disabled:
            store.record_login(username, client, "failed", source=source)
            return login_form(request, "Wrong user name or password.", 401)
        account = found[0]
        if encoded and passwords.needs_rehash(encoded):
            store.rehash_password(account.id, passwords.hash_password(password))
        token, _session = auth.start_session(account, request, client)
        response = RedirectResponse(nxt, 303)
        auth.set_cookie(response, token)
        response.delete_cookie(auth.login_cookie, path="/", secure=web.cookie_secure)
        return response

    def logout(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        token = request.cookies.get(auth.cookie)
        if token:
            store.end_session(token, actor=visitor.actor, source=visitor.source)
        response = RedirectResponse("/login", 303)
        auth.clear_cookie(response)
        return response

    # -- the inbox -------------------------------------------------------------------------
    def filters_from(params: Mapping[str, str]) -> tuple[InboxFilters, dict[str, str]]:
        severity = params.get("severity") or None
        status = params.get("status") or None
        sort = params.get("sort") or "created"
        f = InboxFilters(
            site=(params.get("site") or None),
            category=(params.get("category") or "").strip()[:100] or None,
            min_severity=(
                Severity.parse(severity) if severity in {s.label for s in Severity} else None
            ),
            status=status if status in STATUSES else None,
            since=_date(params.get("since")),
            until=_date(params.get("until")),
            sort=sort if sort in SORTS else "created",
            descending=params.get("dir", "desc") != "asc",
        )
        shown = {
            "site": f.site or "",
            "category": f.category or "",
            "severity": f.min_severity.label if f.min_severity is not None else "",
            "status": f.status or "",
            "since": f.since.isoformat() if f.since else "",
            "until": f.until.isoformat() if f.until else "",
            "sort": f.sort,
            "dir": "desc" if f.descending else "asc",
        }
        return f, shown

    def inbox(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        f, shown = filters_from(request.query_params)
        page = store.inbox(
            visitor.account,
            f,
            page=_int(request.query_params.get("page"), 1),
            per_page=web.page_size,
        )
        query = {k: v for k, v in shown.items() if v}

        def link(**changes: Any) -> str:
            return "?" + urlencode({**query, **{k: v for k, v in changes.items() if v}})

        def sort_link(key: str) -> str:
            flip = "asc" if shown["sort"] == key and shown["dir"] == "desc" else "desc"
            return link(sort=key, dir=flip, page="")

        return render(
            "inbox.html",
            visitor,
            page=page,
            shown=shown,
            sites=store.site_names_for(visitor.account),
            categories=CATEGORIES,
            severities=[s.label for s in Severity],
            statuses=STATUSES,
            link=link,
            sort_link=sort_link,
            csv_link="/incidents.csv" + ("?" + urlencode(query) if query else ""),
        )

    def inbox_csv(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        f, shown = filters_from(request.query_params)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        count = 0
        for row in store.inbox_export(visitor.account, f):
            count += 1
            writer.writerow(
                [
                    row.id,
                    row.created_at.isoformat(),
                    T.csv_cell(row.site),
                    row.severity,
                    row.status,
                    T.csv_cell(";".join(row.categories)),
                    T.csv_cell(";".join(row.clauses)),
                    T.csv_cell(row.post_url or ""),
                    T.csv_cell(row.post_author or ""),
                    T.csv_cell(row.assignee or ""),
                    T.csv_cell(row.summary),
                ]
            )
        store.audit(
            visitor.actor,
            "incident.exported",
            "incident",
            "*",
            {"filters": {k: v for k, v in shown.items() if v}, "rows": count},
            source=visitor.source,
        )
        stamp = store.clock().strftime("%Y%m%d-%H%M")
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="incidents-{stamp}.csv"'},
        )

    # -- one incident ----------------------------------------------------------------------
    def incident_page(
        request: Request,
        visitor: Visitor,
        incident_id: int,
        *,
        reveal: bool = False,
        error: str = "",
        status: int = 200,
    ) -> Response:
        detail = store.incident_for(visitor.account, incident_id)
        if detail is None:
            return not_found(visitor)
        evidence: list[T.Segment] | None = None
        purged = False
        if detail.has_evidence:
            found = store.view_evidence(
                incident_id, actor=visitor.actor, source=visitor.source, revealed=reveal
            )
            held = found[0] if found is not None else None
            if found is not None and held is not None:
                evidence = T.segments(
                    held,
                    [(f.start, f.end, f.category) for f in detail.findings],
                    found[1],
                    reveal=reveal,
                )
            else:
                purged = True
        elif detail.post_id is not None:
            purged = True
        parent = store.parent_post(visitor.account, incident_id)
        parent_segments = (
            T.segments(parent.text, [], parent.redactions, reveal=False)
            if parent and parent.text
            else None
        )
        allowed = [a for a, (src, _) in TRANSITIONS.items() if detail.status in src]
        msg = MESSAGES.get(request.query_params.get("done", ""), "")
        return render(
            "incident.html",
            visitor,
            status,
            inc=detail,
            evidence=evidence,
            purged=purged,
            revealed=reveal,
            parent=parent,
            parent_segments=parent_segments,
            history=store.audit_log(target_type="incident", target_id=str(incident_id), limit=500),
            notes=store.notes(incident_id),
            allowed=allowed,
            platform=can_act_on_platform(detail.site) and detail.post_id is not None,
            assignees=store.assignable(),
            clause_text=CLAUSE_TEXT,
            message=msg,
            error=error,
        )

    def incident_get(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        return incident_page(request, visitor, request.path_params["id"])

    def reveal(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        incident_id = request.path_params["id"]
        if not store.can_see_incident(visitor.account, incident_id):
            return not_found(visitor)
        if not visitor.account.can_reveal:
            return forbidden(visitor, "Your account cannot reveal masked evidence.")
        return incident_page(request, visitor, incident_id, reveal=True)

    def acted(incident_id: int, done: str) -> Response:
        return RedirectResponse(f"/incidents/{incident_id}?done={quote(done)}#top", 303)

    def transition(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        assert form is not None
        incident_id = request.path_params["id"]
        if not store.can_see_incident(visitor.account, incident_id):
            return not_found(visitor)
        action = str(form.get("action", ""))
        reason = str(form.get("reason", "")).strip()[:2000] or None
        try:
            store.transition(
                incident_id, action, actor=visitor.actor, source=visitor.source, reason=reason
            )
        except WorkflowError as exc:
            return incident_page(request, visitor, incident_id, error=str(exc), status=409)
        return acted(incident_id, action)

    def note(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        assert form is not None
        incident_id = request.path_params["id"]
        if not store.can_see_incident(visitor.account, incident_id):
            return not_found(visitor)
        try:
            store.add_note(
                incident_id,
                str(form.get("text", "")),
                actor=visitor.actor,
                source=visitor.source,
            )
        except WorkflowError as exc:
            return incident_page(request, visitor, incident_id, error=str(exc), status=400)
        return acted(incident_id, "note")

    def assign(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        assert form is not None
        incident_id = request.path_params["id"]
        if not store.can_see_incident(visitor.account, incident_id):
            return not_found(visitor)
        who = str(form.get("assignee", "sponsor"))
        if who not in ("sponsor", "backup") and who not in store.assignable():
            return incident_page(
                request, visitor, incident_id, error="Choose an assignee from the list.", status=400
            )
        try:
            store.assign(incident_id, who, actor=visitor.actor, source=visitor.source)
        except WorkflowError as exc:
            return incident_page(request, visitor, incident_id, error=str(exc), status=409)
        return acted(incident_id, "assign")

    def platform_action(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        assert form is not None
        incident_id = request.path_params["id"]
        detail = store.incident_for(visitor.account, incident_id)
        if detail is None:
            return not_found(visitor)
        kind = str(form.get("kind", "hide"))
        if kind not in ("hide", "remove") or detail.post_id is None:
            return incident_page(
                request, visitor, incident_id, error="Unknown platform action.", status=400
            )
        site = sites_by_name.get(detail.site)
        impl = connector(site.platform) if site else None
        act = getattr(impl, "act", None)
        if site is None or not callable(act):
            return incident_page(
                request,
                visitor,
                incident_id,
                error="This site's connector cannot act on posts.",
                status=409,
            )
        store.audit(
            visitor.actor,
            f"incident.platform_{kind}_requested",
            "incident",
            str(incident_id),
            {"site": detail.site},
            source=visitor.source,
        )
        post = Post(
            id=detail.post_id,
            text="",
            author=detail.post_author,
            created_at=detail.posted_at,
            url=detail.post_url,
            parent_id=detail.parent_id,
            kind=detail.post_kind,
        )
        try:
            result = act(
                site,
                post,
                Action(ActionKind(kind), reason=f"sitewatch incident #{incident_id}"),
            )
            ok, why = bool(result.ok), str(result.detail)
        except SitewatchError as exc:
            ok, why = False, str(exc)
        store.record_action(incident_id, kind, ok, why, actor=visitor.actor)
        return acted(incident_id, "platform-ok" if ok else "platform-failed")

    # -- sites, report, audit --------------------------------------------------------------
    def sites_page(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        return render("sites.html", visitor, sites=store.sites_for(visitor.account))

    def report_data(request: Request, visitor: Visitor) -> tuple[Any, date, date]:
        from sitewatch.report import build_report

        today = store.clock().date()
        until = _date(request.query_params.get("until")) or today
        since = _date(request.query_params.get("since")) or (until - timedelta(days=30))
        assert settings is not None
        report = build_report(settings, store, since, until)
        mine = set(store.site_names_for(visitor.account))
        report.sites = [s for s in report.sites if s.site in mine]
        return report, since, until

    def report_page(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        if settings is None:
            return render(
                "message.html",
                visitor,
                503,
                title="Compliance report",
                message="The report needs the site configuration; start with --config.",
            )
        report, since, until = report_data(request, visitor)
        return render(
            "report.html",
            visitor,
            report=report,
            since=since.isoformat(),
            until=until.isoformat(),
            clause_text=CLAUSE_TEXT,
        )

    def report_csv(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        from sitewatch.report import render_csv

        if settings is None:
            return not_found(visitor)
        report, _, _ = report_data(request, visitor)
        return Response(
            render_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="compliance.csv"'},
        )

    def audit_page(request: Request, visitor: Visitor, form: FormData | None) -> Response:
        q = request.query_params
        shown = {k: (q.get(k) or "")[:200] for k in ("actor", "action", "target", "since", "until")}
        events, total, page = store.audit_page(
            actor=shown["actor"] or None,
            action=shown["action"] or None,
            target=shown["target"] or None,
            since=_date(shown["since"]),
            until=_date(shown["until"]),
            page=_int(q.get("page"), 1),
            per_page=100,
        )
        query = {k: v for k, v in shown.items() if v}
        return render(
            "audit.html",
            visitor,
            events=events,
            total=total,
            page=page,
            pages=max(1, -(-total // 100)),
            shown=shown,
            link=lambda p: "?" + urlencode({**query, "page": p}),
        )

    # -- the e-mailed one-click acknowledgement --------------------------------------------
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
        client, _ = auth.client(request)
        try:
            incident_id = await run_in_threadpool(store.ack_by_token, token, source=f"web@{client}")
        except WorkflowError as exc:
            return _page("Link not accepted", f"<p>{html.escape(str(exc))}</p>", status=410)
        return _page("Acknowledged", f"<p>Incident #{incident_id} is acknowledged. Thank you.</p>")

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def home(request: Request) -> Response:
        return RedirectResponse("/incidents", 303)

    async def missing(request: Request, exc: Exception) -> Response:
        return _page("Not found", "<p>There is no such page.</p>", status=404)

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return _page("Not allowed", "<p>That method is not allowed here.</p>", status=405)

    return Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/login", login_get, methods=["GET"]),
            Route("/login", login_post, methods=["POST"]),
            Route("/logout", guarded(logout, post=True), methods=["POST"]),
            Route("/incidents", guarded(inbox), methods=["GET"]),
            Route("/incidents.csv", guarded(inbox_csv), methods=["GET"]),
            Route("/incidents/{id:int}", guarded(incident_get), methods=["GET"]),
            Route("/incidents/{id:int}/reveal", guarded(reveal, post=True), methods=["POST"]),
            Route(
                "/incidents/{id:int}/transition",
                guarded(transition, post=True, need="act"),
                methods=["POST"],
            ),
            Route(
                "/incidents/{id:int}/note", guarded(note, post=True, need="act"), methods=["POST"]
            ),
            Route(
                "/incidents/{id:int}/assign",
                guarded(assign, post=True, need="act"),
                methods=["POST"],
            ),
            Route(
                "/incidents/{id:int}/platform",
                guarded(platform_action, post=True, need="act"),
                methods=["POST"],
            ),
            Route("/sites", guarded(sites_page), methods=["GET"]),
            Route("/report", guarded(report_page), methods=["GET"]),
            Route("/report.csv", guarded(report_csv), methods=["GET"]),
            Route("/audit", guarded(audit_page, need="admin"), methods=["GET"]),
            Route("/ack/{token}", ack_form, methods=["GET"]),
            Route("/ack/{token}", ack_submit, methods=["POST"]),
            Route("/healthz", healthz),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={404: missing, 405: not_allowed},
    )
