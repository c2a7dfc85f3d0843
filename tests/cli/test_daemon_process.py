"""The real `sitewatch run` process: runs continuously, and exits 0 on SIGTERM."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitewatch.config import load_settings
from sitewatch.store.repository import Store

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_sigterm_stops_the_daemon_cleanly(demo_copy: Path) -> None:
    state = demo_copy.parent / "var" / "demo"
    state.mkdir(parents=True)
    shutil.copy(REPO / "config" / "demo" / "feed.jsonl", state / "feed.jsonl")
    config = demo_copy / "demo.toml"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitewatch", "run", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        settings = load_settings(config)
        deadline = time.monotonic() + 30
        incidents = 0
        while time.monotonic() < deadline and incidents == 0:
            time.sleep(0.3)
            assert proc.poll() is None, proc.communicate()
            if (state / "sitewatch.db").exists():
                store = Store.open(settings.store_url, migrate=False)
                try:
                    incidents = len(store.list_incidents())
                except Exception:
                    incidents = 0
                finally:
                    store.close()
        assert incidents > 0, "the daemon filed nothing within 30 s"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stop requested" in err and "daemon stopped" in err
    assert "Traceback" not in err
    # privacy: nothing from the posts or the roster reached the log
    for leaked in ("Ethan Walker", "41234567", "212-55-4321", "maya.chen@"):
        assert leaked not in err and leaked not in out
