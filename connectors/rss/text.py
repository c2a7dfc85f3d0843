"""Feed HTML to plain text with the standard library; the markup is hostile input.

Script, style and template bodies are dropped, block elements become line breaks, image
``alt`` text is kept (a photo caption can name a student), entities are decoded, and the
result is capped. Nothing is ever rendered or fetched.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["MAX_TEXT_CHARS", "clean_text", "html_to_text"]

MAX_TEXT_CHARS = 1_000_000
"""Longer texts are truncated (the post is still scanned)."""

_SKIP = frozenset({"script", "style", "template", "head", "title", "svg", "math", "iframe"})
_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "wbr"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


class _TextExtractor(HTMLParser):
    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit
        self.skip_depth = 0

    def _add(self, text: str) -> None:
        if self.size < self.limit:
            self.parts.append(text)
            self.size += len(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag in _BLOCK:
            self._add("\n")
        if tag == "img":
            alt = next((v for k, v in attrs if k == "alt" and v), None)
            if alt and alt.strip():
                self._add(f" [image: {alt.strip()}] ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIP:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if not self.skip_depth and tag in _BLOCK:
            self._add("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self._add(data)


def clean_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Control characters and lone surrogates out, whitespace tidied, length capped."""
    text = _CONTROL.sub(" ", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n"))
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return text[:limit]


def html_to_text(markup: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The readable text of an HTML fragment (never raises on malformed markup)."""
    if "<" not in markup and "&" not in markup:
        return clean_text(markup, limit)
    parser = _TextExtractor(limit * 2)
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient
        pass
    return clean_text("".join(parser.parts), limit)
