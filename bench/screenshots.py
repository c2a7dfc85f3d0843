"""Screenshots of the review page for docs/web.md: the inbox and an incident page, at
desktop width (1280 px) and phone width (375 px).

Runs the real daemon once (``sitewatch run --once``) on a copy of the offline demo
(``config/demo.toml``, fictional people) plus one hostile post, adds two accounts, serves
the app with uvicorn on 127.0.0.1 and drives headless Debian Chromium with Playwright.

    .venv/bin/python bench/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.web.live import chromium, log_in, serve  # noqa: E402

from sitewatch.config import load_settings  # noqa: E402
from sitewatch.store.repository import Store  # noqa: E402
from sitewatch.web.app import create_app  # noqa: E402
from sitewatch.web.passwords import hash_password  # noqa: E402

PASSWORD = "screenshots only, not a real password"
HOSTILE = {
    "id": "901",
    "parent_id": "101",
    "author": "<b>not bold</b> \u202eevil",
    "created_at": "2026-09-03T18:00:00Z",
    "url": "javascript:alert(1)",
    "text": "<script>alert('xss')</script> <img src=x onerror=alert(1)> Maya Chen's student "
    "number is 41234567, call her at 555-0143 \u202eexe.tpircs",
}


def prepare(tmp: Path) -> Path:
    config_dir = tmp / "config"
    shutil.copytree(REPO / "config", config_dir)
    state = tmp / "var" / "demo"
    state.mkdir(parents=True)
    feed = (REPO / "config" / "demo" / "feed.jsonl").read_text(encoding="utf-8")
    (state / "feed.jsonl").write_text(feed + json.dumps(HOSTILE) + "\n", encoding="utf-8")
    config = config_dir / "demo.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "[logging]", "[web]\ncookie_secure = false\n\n[logging]"
        ),
        encoding="utf-8",
    )
    subprocess.run(
        [str(Path(sys.executable).parent / "sitewatch"), "run", "--once", "--config", str(config)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of the review page.")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(prepare(Path(tmp)))
        store = Store.open(settings.store_url)
        encoded = hash_password(PASSWORD)
        store.add_user("techdesk", "tech", password_hash=encoded, email="techdesk@lakeview.k12.us",
                       display_name="Tech Desk", actor="screenshots", source="bench")  # fmt: skip
        incidents = store.list_incidents(site="lhs-band-site")
        posts = [i for i in incidents if i.post_id and i.post_id != "901"]
        target = max(posts, key=lambda i: (len(i.categories), i.severity == "high"))
        hostile = next(i for i in incidents if i.post_id == "901")
        try:
            with serve(create_app(store, settings)) as base, chromium() as browser:
                shots = [
                    ("inbox", "/incidents?site=lhs-band-site"),
                    ("incident", f"/incidents/{target.id}"),
                    ("incident-hostile", f"/incidents/{hostile.id}"),
                ]
                for device, viewport in (
                    ("desktop", {"width": 1280, "height": 900}),
                    ("phone", {"width": 375, "height": 812}),
                ):
                    context = browser.new_context(
                        viewport=viewport,
                        device_scale_factor=2 if device == "phone" else 1,
                        is_mobile=device == "phone",
                    )
                    page = context.new_page()
                    log_in(page, base, "techdesk", PASSWORD)
                    for name, path in shots:
                        page.goto(base + path)
                        file = args.out / f"{name}-{device}.png"
                        page.screenshot(path=str(file), full_page=True)
                        print(file.relative_to(REPO))
                    context.close()
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
