"""Masking of sensitive spans in excerpts that leave the store (e-mail, logs)."""

from __future__ import annotations

from collections.abc import Iterable

EXCERPT_CHARS = 400


def _merge(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans):
        if merged and start <= merged[-1][1]:
            prev = merged[-1]
            merged[-1] = (prev[0], max(prev[1], end), prev[2])
        else:
            merged.append((start, end, label))
    return merged


def redact(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each span replaced by ``[label]``; overlapping spans merge."""
    out: list[str] = []
    pos = 0
    for start, end, label in _merge(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        out.append(text[pos:start])
        out.append(f"[{label}]")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def excerpt(text: str, spans: Iterable[tuple[int, int, str]], limit: int = EXCERPT_CHARS) -> str:
    """A redacted, single-line, length-capped excerpt safe to e-mail."""
    masked = redact(text, spans)
    flat = " ".join(masked.split())
    # Strip bidi overrides and other format characters so an excerpt cannot disguise itself.
    flat = "".join(
        ch for ch in flat if not (0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069)
    )
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
