"""Hostile post text made displayable: bidi controls stripped, finding spans marked,
sensitive spans masked, only http(s) links, spreadsheet-safe CSV cells.

Everything returned here is still plain text: the templates escape it (autoescape is on).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

# Bidi embeddings/overrides (U+202A–202E) and isolates (U+2066–2069) could reorder what a
# reviewer reads; other C0/C1 controls (but newline and tab) have no business on a page.
_UNSAFE = re.compile(r"[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def clean(value: object) -> str:
    """Text safe to show: bidi overrides and control characters removed."""
    if value is None:
        return ""
    return _UNSAFE.sub("", str(value))


def safe_url(value: str | None) -> str | None:
    """``value`` if it is an absolute http(s) URL with a host, else None (shown as text)."""
    if not value:
        return None
    url = value.strip()
    if _UNSAFE.search(url) or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix with a quote)."""
    text = clean(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str = "plain"  # plain | mark (a finding's span) | masked (a redacted span)
    title: str = ""


def segments(
    text: str,
    findings: Sequence[tuple[int, int, str]],
    redactions: Sequence[tuple[int, int, str]],
    *,
    reveal: bool,
) -> list[Segment]:
    """Split evidence into segments: finding spans marked, sensitive spans replaced by
    ``[label]`` unless ``reveal``. Offsets are into the original ``text``."""
    n = len(text)

    def clamp(a: int, b: int) -> tuple[int, int]:
        return max(0, min(a, n)), max(0, min(b, n))

    spans = [(*clamp(a, b), label) for a, b, label in findings]
    masks = [] if reveal else [(*clamp(a, b), label) for a, b, label in redactions]
    merged: list[tuple[int, int, str]] = []
    for a, b, label in sorted(m for m in masks if m[0] < m[1]):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b), merged[-1][2])
        else:
            merged.append((a, b, label))
    cuts = sorted(
        {
            0,
            n,
            *(x for a, b, _ in spans for x in (a, b)),
            *(x for a, b, _ in merged for x in (a, b)),
        }
    )
    out: list[Segment] = []
    last_mask: tuple[int, int, str] | None = None
    for a, b in itertools.pairwise(cuts):
        if a >= b:
            continue
        mask = next((m for m in merged if m[0] <= a and b <= m[1]), None)
        if mask is not None:
            if mask is not last_mask:
                out.append(Segment(f"[{mask[2]}]", "masked", "hidden: " + mask[2]))
                last_mask = mask
            continue
        cats = sorted({label for s, e, label in spans if s <= a and b <= e})
        piece = clean(text[a:b])
        kind, title = ("mark", ", ".join(cats)) if cats else ("plain", "")
        if out and out[-1].kind == kind and out[-1].title == title:
            out[-1] = Segment(out[-1].text + piece, kind, title)
        else:
            out.append(Segment(piece, kind, title))
    return [s for s in out if s.text]
