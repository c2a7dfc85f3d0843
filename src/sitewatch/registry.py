"""Entry-point discovery of connectors, detectors and notifiers.

Third parties add a platform or a detector by declaring an entry point; the core never
imports a platform SDK. An unknown name is an error that lists the known ones.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from sitewatch.exceptions import ConfigError

CONNECTORS = "sitewatch.connectors"
DETECTORS = "sitewatch.detectors"
NOTIFIERS = "sitewatch.notifiers"


@cache
def _group(group: str) -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=group)}


def known(group: str) -> list[str]:
    return sorted(_group(group))


def load(group: str, name: str) -> Any:
    """The object an entry point names; ConfigError listing the known names if absent."""
    eps = _group(group)
    if name not in eps:
        kind = group.rsplit(".", 1)[-1].rstrip("s")
        names = ", ".join(sorted(eps)) or "(none installed)"
        raise ConfigError(f"unknown {kind} {name!r}; known {kind}s: {names}")
    try:
        return eps[name].load()
    except ImportError as exc:
        raise ConfigError(
            f"{group.rsplit('.', 1)[-1][:-1]} {name!r} needs a package that is not installed "
            f"({exc.name}); install sitewatch with the matching extra, e.g. "
            f"`pip install 'sitewatch[{name}]'`"
        ) from None
