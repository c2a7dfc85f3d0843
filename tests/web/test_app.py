"""The review page over HTTP (Starlette's TestClient): login and sessions, throttling,
CSRF, roles, sponsor scoping (404 on guessed ids), CSV export, audited evidence and
actions, escaping of hostile posts, headers and cookies."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from starlette.testclient import TestClient

from sitewatch.config import Settings, WebSettings
from sitewatch.models import ActionResult
from sitewatch.store.repository import Store
from sitewatch.web.app import CSP, create_app

from .conftest import csrf_of, logged_in, login
from .seed import PASSWORD, Clock, Seeded


def actions(store: Store, prefix: str = "") -> list[Any]:
    return store.audit_log(action=prefix) if prefix else store.audit_log()


# -- login, logout, sessions -----------------------------------------------------------------
def test_pages_need_a_login(client: TestClient) -> None:
    for path in ("/incidents", "/incidents/1", "/sites", "/report", "/audit", "/incidents.csv"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_login_and_logout_are_audited(client: TestClient, store: Store) -> None:
    response = login(client, "Tech", next="/sites")
    assert response.status_code == 303 and response.headers["location"] == "/sites"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    page = client.get("/incidents")
    assert page.status_code == 200 and "Tess Tech" in page.text
    [event] = store.audit_log(action="web.login")
    assert (event.actor, event.source, event.details) == (
        "tech",
        "web@testclient",
        {"via": "password"},
    )
    out = client.post("/logout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/incidents").status_code == 303
    assert [e.actor for e in store.audit_log(action="web.logout")] == ["tech"]


def test_wrong_password_and_unknown_user(client: TestClient, store: Store) -> None:
    bad = login(client, "tech", "not the password")
    assert bad.status_code == 401 and "Wrong user name or password" in bad.text
    nobody = login(client, "nobody", PASSWORD)
    assert nobody.status_code == 401 and "Wrong user name or password" in nobody.text
    assert client.get("/incidents").status_code == 303
    assert [e.actor for e in store.audit_log(action="web.login_failed")] == ["tech", "nobody"]


def test_disabled_account_cannot_log_in_and_loses_its_session(
    client: TestClient, store: Store
) -> None:
    logged_in(client, "tech")
    store.set_disabled("tech", True, actor="admin", source="test")
    assert client.get("/incidents").status_code == 303
    assert login(client, "tech").status_code == 401


def test_open_redirect_after_login_is_refused(client: TestClient) -> None:
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = login(client, "tech", next=evil)
        assert response.headers["location"] == "/incidents"
        client.cookies.clear()


def test_login_is_throttled_per_account(client: TestClient, store: Store, clock: Clock) -> None:
    for _ in range(5):
        assert login(client, "tech", "guess").status_code == 401
    blocked = login(client, "tech")  # even the right password
    assert blocked.status_code == 429 and "Too many failed logins" in blocked.text
    assert blocked.headers["retry-after"] == "900"
    assert store.audit_log(action="web.login_throttled")
    clock.advance(minutes=16)
    assert login(client, "tech").status_code == 303


def test_login_is_throttled_per_address(client: TestClient) -> None:
    for name in ("a", "b", "c", "d", "e"):
        assert login(client, name, "guess").status_code == 401
    assert login(client, "tech").status_code == 429


def test_idle_timeout(client: TestClient, clock: Clock, store: Store) -> None:
    logged_in(client, "tech")
    for _ in range(3):  # activity keeps the session alive past 30 minutes in all
        clock.advance(minutes=20)
        assert client.get("/incidents").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/incidents")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_session_lifetime_is_capped(client: TestClient, clock: Clock) -> None:
    logged_in(client, "tech")
    for _ in range(25):
        clock.advance(minutes=29)
        client.get("/incidents")
    assert client.get("/incidents").status_code == 303  # 12 hours, however active


def test_secure_cookie_when_configured(store: Store, settings: Settings, seeded: Seeded) -> None:
    app = create_app(store, settings, web=WebSettings(cookie_secure=True))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        response = login(client, "tech")
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-sitewatch=")
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert client.get("/incidents").status_code == 200


def test_session_token_is_stored_hashed(client: TestClient, store: Store) -> None:
    from sqlalchemy import select

    from sitewatch.store.models import WebSessionRow

    login(client, "tech")
    token = client.cookies.get("sitewatch")
    assert token
    with store.sessions() as s:
        ids = list(s.scalars(select(WebSessionRow.id_sha256)))
    assert ids and token not in ids and len(ids[0]) == 64


# -- CSRF --------------------------------------------------------------------------------------
def test_posts_without_csrf_are_refused(client: TestClient, store: Store, seeded: Seeded) -> None:
    csrf = logged_in(client, "tech")
    inc = seeded.ids["pii"]
    for path, data in (
        (f"/incidents/{inc}/transition", {"action": "ack"}),
        (f"/incidents/{inc}/transition", {"action": "ack", "csrf": "forged"}),
        (f"/incidents/{inc}/note", {"text": "hi"}),
        (f"/incidents/{inc}/assign", {"assignee": "sponsor"}),
        (f"/incidents/{inc}/reveal", {}),
        (f"/incidents/{inc}/platform", {"kind": "hide"}),
        ("/logout", {}),
    ):
        response = client.post(path, data=data)
        assert response.status_code == 403, path
    assert store.get_incident(inc).status == "open"  # type: ignore[union-attr]
    assert not store.audit_log(action="incident.evidence_viewed")
    assert not store.notes(inc)
    # The same request with the token works.
    ok = client.post(f"/incidents/{inc}/transition", data={"action": "ack", "csrf": csrf})
    assert ok.status_code == 303


def test_login_form_needs_its_token(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "tech", "password": PASSWORD})
    assert response.status_code == 403
    response = client.post(
        "/login", data={"username": "tech", "password": PASSWORD, "csrf": "guess"}
    )
    assert response.status_code == 403


def test_a_session_token_from_another_session_is_refused(
    app: Any, seeded: Seeded, store: Store
) -> None:
    with (
        TestClient(app, follow_redirects=False) as alice,
        TestClient(app, follow_redirects=False) as mallory,
    ):
        logged_in(alice, "tech")
        their = logged_in(mallory, "band")
        inc = seeded.ids["pii"]
        response = alice.post(f"/incidents/{inc}/transition", data={"action": "ack", "csrf": their})
        assert response.status_code == 403


# -- roles and scope ---------------------------------------------------------------------------
def test_viewer_reads_but_cannot_act_or_reveal(
    client: TestClient, store: Store, seeded: Seeded
) -> None:
    csrf = logged_in(client, "viewer")
    inc = seeded.ids["pii"]
    page = client.get(f"/incidents/{inc}")
    assert page.status_code == 200
    assert "Reveal masked details" not in page.text and "do-ack" not in page.text
    assert "41234567" not in page.text and "[student id]" in page.text
    assert client.post(f"/incidents/{inc}/reveal", data={"csrf": csrf}).status_code == 403
    for path, data in (
        ("transition", {"action": "ack"}),
        ("note", {"text": "x"}),
        ("assign", {"assignee": "sponsor"}),
    ):
        assert (
            client.post(f"/incidents/{inc}/{path}", data={**data, "csrf": csrf}).status_code == 403
        )
    assert store.get_incident(inc).status == "open"  # type: ignore[union-attr]
    assert client.get(f"/incidents/{seeded.ids['chess']}").status_code == 200  # all sites


def test_only_administrators_see_the_audit_log(client: TestClient) -> None:
    for user in ("tech", "band", "viewer"):
        logged_in(client, user)
        assert client.get("/audit").status_code == 403
        client.cookies.clear()
    logged_in(client, "admin")
    page = client.get("/audit?action=web.")
    assert page.status_code == 200 and "web.login" in page.text
    assert "Audit log" in client.get("/incidents").text


def test_sponsor_sees_only_their_sites(client: TestClient, seeded: Seeded, store: Store) -> None:
    csrf = logged_in(client, "band")
    inbox = client.get("/incidents")
    assert "lhs-band" in inbox.text and "lhs-chess" not in inbox.text
    assert "6 incidents" not in inbox.text and "5 incidents" in inbox.text
    guessed = client.get("/incidents?site=lhs-chess")
    assert "0 incidents" in guessed.text
    chess = seeded.ids["chess"]
    missing = client.get("/incidents/999999")
    other = client.get(f"/incidents/{chess}")
    assert other.status_code == missing.status_code == 404
    assert other.text == missing.text  # nothing tells the two apart
    for path, data in (
        ("transition", {"action": "ack"}),
        ("reveal", {}),
        ("note", {"text": "mine now"}),
        ("assign", {"assignee": "sponsor"}),
        ("platform", {"kind": "hide"}),
    ):
        response = client.post(f"/incidents/{chess}/{path}", data={**data, "csrf": csrf})
        assert response.status_code == 404, path
    assert store.get_incident(chess).status == "open"  # type: ignore[union-attr]
    assert not store.notes(chess)
    assert not store.audit_log(target_type="incident", target_id=str(chess), action="incident.ev")
    exported = client.get("/incidents.csv").text
    assert "lhs-chess" not in exported and "lhs-band" in exported
    assert "lhs-chess" not in client.get("/sites").text
    assert "lhs-chess" not in client.get("/report").text
    assert client.get(f"/incidents/{seeded.ids['pii']}").status_code == 200


def test_backup_sponsor_account_sees_the_site(
    client: TestClient, store: Store, seeded: Seeded
) -> None:
    from sitewatch.web.passwords import hash_password

    store.add_user(
        "asst",
        "sponsor",
        password_hash=hash_password(PASSWORD),
        email="Asst.Director@lakeview.k12.us",
        actor="admin",
        source="test",
    )
    logged_in(client, "asst")
    assert client.get(f"/incidents/{seeded.ids['pii']}").status_code == 200
    assert client.get(f"/incidents/{seeded.ids['chess']}").status_code == 404


# -- the inbox and its export -------------------------------------------------------------------
def test_inbox_filters_sort_and_paging(
    client: TestClient, seeded: Seeded, store: Store, settings: Settings
) -> None:
    logged_in(client, "tech")
    page = client.get("/incidents?severity=critical")
    assert "1 incident." in page.text and "lhs-chess" in page.text
    page = client.get("/incidents?category=pii.*&site=lhs-band")
    assert "5 incidents" in page.text
    page = client.get("/incidents?category=content.insult")
    assert "1 incident." in page.text and f"/incidents/{seeded.ids['reply']}" in page.text
    page = client.get("/incidents?since=2026-10-02")
    assert "0 incidents" in page.text
    page = client.get("/incidents?since=2026-10-01&until=2026-10-01&status=open")
    assert "6 incidents" in page.text
    page = client.get("/incidents?sort=severity&dir=desc")
    assert page.text.index(f'/incidents/{seeded.ids["chess"]}"') < page.text.index(
        f'/incidents/{seeded.ids["parent"]}"'
    )
    junk = client.get("/incidents?severity=bogus&status=<x>&sort=evil&since=nope&page=abc")
    assert junk.status_code == 200 and "6 incidents" in junk.text
    small = create_app(store, settings, web=WebSettings(cookie_secure=False, page_size=5))
    with TestClient(small, follow_redirects=False) as c2:
        logged_in(c2, "tech")
        first = c2.get("/incidents")
        assert "page 1 of 2" in first.text and 'rel="next"' in first.text
        second = c2.get("/incidents?page=2")
        assert "page 2 of 2" in second.text and second.text.count('<tr class="sev-') == 1


def test_csv_export_is_filtered_and_formula_safe(
    client: TestClient, store: Store, seeded: Seeded
) -> None:
    logged_in(client, "tech")
    response = client.get("/incidents.csv?site=lhs-band&severity=medium&status=open")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["site"] for r in rows} == {"lhs-band"} and len(rows) == 5
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    formula = next(r for r in rows if r["id"] == str(seeded.ids["formula"]))
    assert formula["post_author"] == "'=cmd|' /C calc'!A0"
    only_critical = client.get("/incidents.csv?severity=critical").text
    assert len(list(csv.DictReader(io.StringIO(only_critical)))) == 1
    event, _ = store.audit_log(action="incident.exported")
    assert event.actor == "tech" and event.source == "web@testclient"
    assert event.details["rows"] == 5 and event.details["filters"]["site"] == "lhs-band"


# -- one incident -------------------------------------------------------------------------------
def test_evidence_is_masked_until_revealed_and_every_view_is_audited(
    client: TestClient, store: Store, seeded: Seeded
) -> None:
    csrf = logged_in(client, "tech")
    inc = seeded.ids["pii"]
    page = client.get(f"/incidents/{inc}")
    assert "41234567" not in page.text and "Maya Chen" not in page.text
    assert '<span class="masked" title="hidden: student id">[student id]</span>' in page.text
    shown = client.post(f"/incidents/{inc}/reveal", data={"csrf": csrf})
    assert shown.status_code == 200
    assert '<mark title="pii.student_id">41234567</mark>' in shown.text
    assert '<mark title="pii.student_name">Maya Chen</mark>' in shown.text
    views = store.audit_log(action="incident.evidence_viewed", target_id=str(inc))
    assert [(e.actor, e.source, e.details["revealed"]) for e in views] == [
        ("tech", "web@testclient", False),
        ("tech", "web@testclient", True),
    ]
    assert client.get(f"/incidents/{inc}/reveal").status_code == 405  # never on GET


def test_thread_context_shows_the_parent_masked(client: TestClient, seeded: Seeded) -> None:
    csrf = logged_in(client, "tech")
    page = client.get(f"/incidents/{seeded.ids['reply']}")
    assert "In reply to" in page.text and f"incident #{seeded.ids['parent']}" in page.text
    assert "Jordan Ellis" not in page.text
    revealed = client.post(f"/incidents/{seeded.ids['reply']}/reveal", data={"csrf": csrf})
    # Revealing this post shows its own text; the parent stays masked.
    assert revealed.text.count("Jordan Ellis") == 1


def test_every_action_is_audited_with_the_account_and_address(
    store: Store, settings: Settings, seeded: Seeded
) -> None:
    acted: list[tuple[str, str, str]] = []

    class FakeConnector:
        def act(self, site: Any, post: Any, action: Any) -> ActionResult:
            acted.append((site.name, post.id, action.kind.value))
            return ActionResult(ok=True, detail="hidden")

    app = create_app(store, settings, connector_factory=lambda platform: FakeConnector())
    with TestClient(app, follow_redirects=False) as client:
        csrf = logged_in(client, "band")
        inc = seeded.ids["pii"]
        base = f"/incidents/{inc}"

        def post(path: str, **data: str) -> Any:
            response = client.post(base + path, data={**data, "csrf": csrf})
            assert response.status_code == 303, response.text
            return client.get(response.headers["location"])

        assert "Acknowledged." in post("/transition", action="ack").text
        assert "Note added." in post("/note", text="Called the booster club.").text
        post("/assign", assignee="backup")
        assert "The platform action was carried out." in post("/platform", kind="hide").text
        assert acted == [("lhs-band", "p1", "hide")]
        bad = client.post(base + "/transition", data={"action": "false_positive", "csrf": csrf})
        assert bad.status_code == 409 and "needs a reason" in bad.text
        post("/transition", action="false_positive", reason="a different Maya Chen")
        post("/transition", action="reopen")
        page = post("/transition", action="resolve", reason="post removed")
        assert "post removed" in page.text and "Called the booster club." in page.text
    events = store.audit_log(target_type="incident", target_id=str(inc))
    web = [(e.action, e.actor) for e in events if e.source == "web@testclient"]
    for action in (
        "incident.ack",
        "incident.note",
        "incident.assign",
        "incident.platform_hide_requested",
        "incident.false_positive",
        "incident.reopen",
        "incident.resolve",
    ):
        assert (action, "band") in web, action
    platform = [e for e in events if e.action == "incident.platform_hide"]
    assert platform and platform[0].actor == "band" and platform[0].details["ok"] is True
    assert store.incident_workflow(inc)["assignee"] == "asst.director@lakeview.k12.us"


def test_assign_only_to_known_people(client: TestClient, seeded: Seeded, store: Store) -> None:
    csrf = logged_in(client, "tech")
    inc = seeded.ids["pii"]
    response = client.post(
        f"/incidents/{inc}/assign", data={"assignee": "stranger@evil.example", "csrf": csrf}
    )
    assert response.status_code == 400
    ok = client.post(
        f"/incidents/{inc}/assign", data={"assignee": "techdesk@lakeview.k12.us", "csrf": csrf}
    )
    assert ok.status_code == 303


def test_no_platform_action_where_the_connector_cannot_act(
    client: TestClient, seeded: Seeded
) -> None:
    csrf = logged_in(client, "tech")
    inc = seeded.ids["pii"]
    assert "Do it on the platform" not in client.get(f"/incidents/{inc}").text  # demo: no act
    response = client.post(f"/incidents/{inc}/platform", data={"kind": "hide", "csrf": csrf})
    assert response.status_code == 409


def test_hostile_post_renders_inert(client: TestClient, seeded: Seeded) -> None:
    csrf = logged_in(client, "tech")
    inc = seeded.ids["hostile"]
    for page in (
        client.get(f"/incidents/{inc}").text,
        client.post(f"/incidents/{inc}/reveal", data={"csrf": csrf}).text,
        client.get("/incidents").text,
    ):
        assert "<script" not in page.lower()
        assert "<img" not in page.lower()
        assert "&lt;script&gt;" in page
        assert 'href="javascript:' not in page.lower() and "href='javascript:" not in page.lower()
        for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
            assert ch not in page
    revealed = client.post(f"/incidents/{inc}/reveal", data={"csrf": csrf}).text
    assert '<span class="unsafe-url"' in revealed  # the javascript: URL is text, not a link


def test_security_headers(client: TestClient) -> None:
    for path in ("/login", "/healthz", "/nowhere"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CSP
        assert "script-src" not in CSP and "default-src 'none'" in CSP
        assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


# -- sites, report ------------------------------------------------------------------------------
def test_sites_page_shows_health(client: TestClient, store: Store) -> None:
    store.record_success("lhs-band", 300)
    logged_in(client, "tech")
    page = client.get("/sites")
    assert page.status_code == 200
    assert "lhs-band" in page.text and "lhs-chess" in page.text
    assert "2026-10-01 12:00" in page.text and "review by 2027-06-30" in page.text


def test_report_page(client: TestClient) -> None:
    logged_in(client, "admin")
    page = client.get("/report?since=2026-09-01&until=2026-10-01")
    assert page.status_code == 200 and "Compliance with board policy IIBGC" in page.text
    assert "<style" not in page.text
    exported = client.get("/report.csv")
    assert exported.status_code == 200 and exported.text.startswith("site,")


# -- SSO through a trusted proxy ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("peer", "expected"), [("10.0.0.5", 200), ("192.168.1.9", 303)], ids=["trusted", "untrusted"]
)
def test_sso_header_only_from_trusted_proxies(
    store: Store, settings: Settings, seeded: Seeded, peer: str, expected: int
) -> None:
    web = WebSettings(
        cookie_secure=False, trusted_proxy_header="X-Remote-User", trusted_proxies=["10.0.0.0/8"]
    )
    app = create_app(store, settings, web=web)
    with TestClient(app, follow_redirects=False, client=(peer, 4000)) as client:
        headers = {"X-Remote-User": "TechDesk@lakeview.k12.us", "X-Forwarded-For": "172.16.0.9"}
        response = client.get("/incidents", headers=headers)
        assert response.status_code == expected
        if expected == 200:
            assert "Tess Tech" in response.text
            [event] = store.audit_log(action="web.login")
            assert event.details == {"via": "sso"} and event.source == "web@172.16.0.9"
            # The session it started carries on without making another.
            assert client.get("/incidents", headers=headers).status_code == 200
            assert len(store.audit_log(action="web.login")) == 1
        else:
            assert not store.audit_log(action="web.login")


def test_sso_for_an_unknown_account_is_refused(
    store: Store, settings: Settings, seeded: Seeded
) -> None:
    web = WebSettings(
        cookie_secure=False, trusted_proxy_header="X-Remote-User", trusted_proxies=["10.0.0.5"]
    )
    app = create_app(store, settings, web=web)
    with TestClient(app, follow_redirects=False, client=("10.0.0.5", 4000)) as client:
        response = client.get("/incidents", headers={"X-Remote-User": "stranger"})
        assert response.status_code == 303
    [event] = store.audit_log(action="web.login_failed")
    assert event.details == {"via": "sso"}
