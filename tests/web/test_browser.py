"""The review page in headless Chromium (Playwright) against the real app under uvicorn:
the reviewer's path through an incident, sponsor scoping, a hostile post rendering inert,
CSRF-less posts refused, and a phone-width layout."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitewatch.store.repository import Store
from sitewatch.web.app import create_app

from .live import CHROMIUM, chromium, log_in, serve
from .seed import PASSWORD, Seeded, district_settings, seed

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
TEXT_NODES_JS = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  while (walker.nextNode()) out.push(walker.currentNode.nodeValue);
  return out;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing (make install-test installs it with apt-get)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed"
    if problem:
        if IN_CI:
            pytest.fail(problem)
        pytest.skip(problem)
    with chromium() as b:
        yield b


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Store, Seeded]]:
    settings = district_settings(tmp_path)
    store = Store.open(f"sqlite:///{tmp_path / 'live.db'}")
    seeded = seed(store, settings)
    try:
        with serve(create_app(store, settings)) as base:
            yield base, store, seeded
    finally:
        store.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.console_errors = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
    yield pg
    context.close()


def test_review_an_incident_end_to_end(page: Any, live: tuple[str, Store, Seeded]) -> None:
    base, store, seeded = live
    inc = seeded.ids["pii"]
    log_in(page, base, "tech", PASSWORD)
    page.get_by_label("Site").select_option("lhs-band")
    page.get_by_label("Severity at least").select_option("high")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**severity=high**")
    assert page.get_by_text("3 incidents").is_visible()
    page.get_by_role("link", name=f"#{inc}", exact=True).click()
    page.wait_for_url(f"{base}/incidents/{inc}")
    evidence = page.locator("#evidence")
    assert "[student id]" in evidence.inner_text() and "41234567" not in page.content()
    page.get_by_role("button", name="Reveal masked details").click()
    page.wait_for_load_state()
    assert "41234567" in page.locator("#evidence").inner_text()
    assert page.locator("#evidence mark").count() == 2
    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_url("**done=ack**")
    assert page.get_by_role("status").inner_text() == "Acknowledged."
    page.get_by_label("What the detector got wrong (required)").fill("A different Maya Chen")
    page.get_by_role("button", name="False positive").click()
    page.wait_for_url("**done=false_positive**")
    assert "false positive" in page.locator("h1").inner_text()
    assert "A different Maya Chen" in page.locator(".facts").inner_text()
    history = [
        (e.action, e.actor, e.source)
        for e in store.audit_log(target_type="incident", target_id=str(inc))
    ]
    assert ("incident.ack", "tech", "web@127.0.0.1") in history
    assert ("incident.false_positive", "tech", "web@127.0.0.1") in history
    revealed = store.audit_log(action="incident.evidence_viewed", target_id=str(inc))
    assert any(e.details["revealed"] for e in revealed)
    assert page.dialogs == [] and page.console_errors == []


def test_sponsor_cannot_see_or_open_another_sites_incident(
    page: Any, live: tuple[str, Store, Seeded]
) -> None:
    base, _, seeded = live
    log_in(page, base, "band", PASSWORD)
    body = page.locator("main").inner_text()
    assert "lhs-band" in body and "lhs-chess" not in body
    options = page.get_by_label("Site").locator("option").all_inner_texts()
    assert "lhs-chess" not in options
    response = page.goto(f"{base}/incidents/{seeded.ids['chess']}")
    assert response.status == 404
    assert "bring a gun" not in page.content()
    csv_text = page.request.get(f"{base}/incidents.csv").text()
    assert "lhs-chess" not in csv_text


def test_hostile_post_renders_inert(page: Any, live: tuple[str, Store, Seeded]) -> None:
    base, _, seeded = live
    log_in(page, base, "tech", PASSWORD)
    inc = seeded.ids["hostile"]
    for step in ("inbox", "masked", "revealed"):
        if step == "masked":
            page.goto(f"{base}/incidents/{inc}")
        elif step == "revealed":
            page.get_by_role("button", name="Reveal masked details").click()
            page.wait_for_load_state()
            assert "41234567" in page.locator("#evidence").inner_text()
        page.wait_for_timeout(200)  # give any (forbidden) script a chance to run
        assert page.dialogs == [], step
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator("script").count() == 0
        assert page.locator("img").count() == 0
        assert page.locator("a[href^='javascript' i]").count() == 0
        for text in page.evaluate(TEXT_NODES_JS):
            assert not any(ch in text for ch in BIDI), (step, text)
    # The javascript: URL is shown as text, not as an anchor.
    url = page.locator(".unsafe-url")
    assert url.inner_text() == "javascript:alert('url')"
    assert url.evaluate("el => el.closest('a')") is None
    assert "<script>alert('xss')" not in page.locator("#evidence").inner_html()
    assert "alert('xss')" in page.locator("#evidence").inner_text()
    assert page.console_errors == []  # no CSP violations: nothing inline on our pages


def test_csrf_less_posts_are_refused(page: Any, live: tuple[str, Store, Seeded]) -> None:
    base, store, seeded = live
    log_in(page, base, "tech", PASSWORD)
    inc = seeded.ids["pii"]
    # The browser's own cookies, but no token: what a forged cross-site form would send.
    for path, form in (
        (f"/incidents/{inc}/transition", {"action": "ack"}),
        (f"/incidents/{inc}/reveal", {}),
        (f"/incidents/{inc}/note", {"text": "forged"}),
        ("/logout", {}),
    ):
        response = page.request.post(f"{base}{path}", form=form, max_redirects=0)
        assert response.status == 403, path
    assert store.get_incident(inc).status == "open"  # type: ignore[union-attr]
    assert page.goto(f"{base}/incidents").status == 200  # still logged in


def test_incident_page_fits_a_phone(browser: Any, live: tuple[str, Store, Seeded]) -> None:
    base, _, seeded = live
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    try:
        page = context.new_page()
        log_in(page, base, "band", PASSWORD)
        for path in ("/incidents", f"/incidents/{seeded.ids['reply']}"):
            page.goto(base + path)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 375, (path, width)
    finally:
        context.close()
