"""pyproject lists every package folder (connectors/ installs as sitewatch_connectors)."""

from __future__ import annotations

import tomllib
from importlib.metadata import entry_points
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _on_disk() -> set[str]:
    found = set()
    for root, prefix in (
        (REPO / "src" / "sitewatch", "sitewatch"),
        (REPO / "connectors", "sitewatch_connectors"),
    ):
        for init in root.rglob("__init__.py"):
            if "__pycache__" in init.parts:
                continue
            rel = init.parent.relative_to(root).parts
            found.add(".".join((prefix, *rel)))
    return found


def test_every_package_folder_is_listed() -> None:
    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    assert listed == _on_disk()


def test_entry_points_resolve() -> None:
    for group in ("sitewatch.connectors", "sitewatch.detectors", "sitewatch.notifiers"):
        eps = entry_points(group=group)
        assert eps, group
        for ep in eps:
            assert ep.load() is not None
