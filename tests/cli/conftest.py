"""Fixtures for the command-line tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_config(demo_copy: Path) -> Path:
    state = demo_copy.parent / "var" / "demo"
    state.mkdir(parents=True)
    shutil.copy(REPO / "config" / "demo" / "feed.jsonl", state / "feed.jsonl")
    return demo_copy / "demo.toml"
