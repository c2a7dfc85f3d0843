"""Options and helpers shared by the command modules."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from sitewatch.config import Settings, load_settings

DEFAULT_CONFIG = "/etc/sitewatch/sitewatch.toml"
F = TypeVar("F", bound=Callable[..., Any])


def config_option(f: F) -> F:
    return click.option(
        "--config",
        "-c",
        "config_path",
        type=click.Path(dir_okay=False),
        default=lambda: os.environ.get("SITEWATCH_CONFIG", DEFAULT_CONFIG),
        show_default=f"$SITEWATCH_CONFIG or {DEFAULT_CONFIG}",
        help="The sitewatch TOML configuration.",
    )(f)


def load(config_path: str) -> Settings:
    return load_settings(config_path)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain fixed-width table (no colour: it must read the same in a log or a pipe)."""
    cells = [[_cell(c) for c in r] for r in rows]
    widths = [len(h) for h in headers]
    for r in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, r, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(out)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    text = str(value)
    # Content from platforms may hold control or bidi characters: never let them reach a TTY.
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def terminal_safe(text: str) -> str:
    """Hostile text made safe to print: control, escape and bidi characters are shown as
    \\uXXXX instead of acting on the terminal; newlines and tabs stay."""
    out = []
    for ch in text:
        if ch in "\n\t" or (
            ch.isprintable() and not 0x202A <= ord(ch) <= 0x202E and not 0x2066 <= ord(ch) <= 0x2069
        ):
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)
