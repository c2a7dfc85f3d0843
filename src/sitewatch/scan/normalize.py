"""Text normalization with an offset map back to the original post.

Detectors match on a folded form of the post (compatibility-decomposed, accents and
invisible characters removed, case-folded, Cyrillic/Greek look-alikes mapped to Latin) so
that "ＭАYA Ｃhén" — fullwidth, Cyrillic А, accent — still matches the roster entry
"Maya Chen". Findings must still point into the text the sponsor sees, so every normalized
character remembers which original code point it came from.

Each original code point is folded independently, which keeps the map exact and lets the
fold be cached per code point: the whole post is folded with one ``str.translate`` call (C
speed). Most posts hold no code point whose fold is not exactly one character long; their
offset map is the identity, a ``range`` that costs nothing to build. Otherwise a second
``str.translate`` marks those code points and only they are visited in Python.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, overload

from sitewatch.frozen import assemble

__all__ = ["CONFUSABLES", "LEET", "Document", "content_view", "fold_char", "normalize"]

# Look-alike letters folded to the Latin letter they imitate, applied after NFKD and before
# case folding (so uppercase Greek Eta "Η" → h while lowercase eta "η" → n), and once more
# after case folding. Data, not code: extend here.
CONFUSABLES: Final[dict[str, str]] = {
    # Cyrillic capitals
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
    "С": "c", "Т": "t", "У": "y", "Х": "x", "І": "i", "Ј": "j", "Ѕ": "s", "Ԁ": "d",
    "Ԛ": "q", "Ԝ": "w", "Һ": "h", "Ӏ": "l", "Ү": "y", "Ԍ": "g", "Ꙅ": "s", "Ѵ": "v",
    # Cyrillic small letters
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ү": "y", "ԍ": "g", "ꙅ": "s", "ѵ": "v",
    "ь": "b", "п": "n", "г": "r",
    # Greek capitals
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m",
    "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "Ϲ": "c", "Ϳ": "j",
    # Greek small letters
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u",
    "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c",
    "ϳ": "j",
    # Latin letters NFKD leaves alone
    "ı": "i", "ȷ": "j", "ɡ": "g", "ɑ": "a", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
    "ł": "l", "Ł": "l", "ð": "d", "Ð": "d", "ħ": "h", "Ħ": "h", "ŧ": "t", "Ŧ": "t",
    "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
    # Typographic punctuation folded to ASCII, so "O’Brien" and "078–05–1120" match
    "‘": "'", "’": "'", "‛": "'", "ʼ": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "﹘": "-",
}  # fmt: skip

# Line and paragraph separators become "\n" so sentence logic sees them; one char each,
# so offsets stay 1:1.
_NEWLINES: Final[frozenset[str]] = frozenset("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Categories removed outright: combining/enclosing marks, format (zero-width, bidi, soft
# hyphen, BOM, tags), controls, and lone surrogates (which cannot be encoded anyway).
_DROP_CATEGORIES: Final[frozenset[str]] = frozenset({"Mn", "Me", "Cf", "Cc", "Cs"})
_KEEP: Final[frozenset[str]] = frozenset("\n\t")


def _strip(text: str) -> str:
    """NFKD, then drop marks and invisible/control characters (keeping \\n and \\t)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if ch in _NEWLINES:
            out.append("\n")
        elif ch in _KEEP or unicodedata.category(ch) not in _DROP_CATEGORIES:
            out.append(ch)
    return "".join(out)


def _confuse(text: str) -> str:
    return "".join(CONFUSABLES.get(ch, ch) for ch in text)


def fold_char(ch: str) -> str:
    """The normalized form of one original code point (possibly empty or several chars)."""
    if ch in _NEWLINES:
        return "\n"
    folded = _confuse(_strip(ch)).casefold()
    # Case folding can produce new decomposable chars (e.g. "ǰ") or a lowercase look-alike.
    return _confuse(_strip(folded))


# Posts are hostile: a post listing every code point must not grow the caches without end.
_CACHE_LIMIT: Final[int] = 100_000


class _FoldTable(dict[int, str]):
    """``str.translate`` table that computes and caches the fold of each code point.

    Every code point whose fold is not exactly one character long ("ß" → "ss", a zero-width
    space → "") is also recorded in ``_IRREGULAR``, cached or not: a post whose code points
    are all outside it has the identity offset map. That set is bounded by Unicode itself
    (the code points with such a fold: combining marks, format characters, surrogates,
    Hangul syllables, compatibility decompositions: 16,557 of the 1,114,112), so hostile
    posts cannot grow it without end.
    """

    def __missing__(self, cp: int) -> str:
        out = fold_char(chr(cp))
        if len(out) != 1:
            _IRREGULAR.add(chr(cp))
        if len(self) < _CACHE_LIMIT:
            self[cp] = out
        return out


_IDENTITY_LEN: Final[str] = "."
_LEN_BASE: Final[int] = 0x30  # chr(0x30 + n) marks a code point that folds to n chars


class _LengthTable(dict[int, str]):
    """Maps each code point to one marker char: "." when it folds to exactly one char."""

    def __missing__(self, cp: int) -> str:
        n = len(_FOLD[cp])
        out = _IDENTITY_LEN if n == 1 else chr(_LEN_BASE + n)
        if len(self) < _CACHE_LIMIT:
            self[cp] = out
        return out


_IRREGULAR: Final[set[str]] = set()
_FOLD: Final[_FoldTable] = _FoldTable()
_LENGTHS: Final[_LengthTable] = _LengthTable()
_NOT_IDENTITY: Final[re.Pattern[str]] = re.compile(r"[^.]")
# ASCII characters whose fold is not their lowercase: controls (dropped) and the line
# separators that become "\n". Every other ASCII code point folds to ``ch.lower()``
# (NFKD, the confusables and case folding leave it alone), so a pure-ASCII post without
# these folds with one ``str.lower`` and an identity offset map. A test checks this
# against ``fold_char`` for all 128 code points.
_ASCII_SPECIAL: Final[re.Pattern[str]] = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Runs holding characters other than tab, newline and printable ASCII (at most 8 of those
# between two others): the general path folds these through the table, the rest with
# ``str.lower``. Any split would give the same text; this one keeps the runs few.
_NOT_PLAIN_RUN: Final[re.Pattern[str]] = re.compile(
    r"[^\t\n\x20-\x7e](?:[\t\n\x20-\x7e]{0,8}[^\t\n\x20-\x7e])*"
)
_DIGIT: Final[re.Pattern[str]] = re.compile(r"\d")
_NON_DIGITS: Final[re.Pattern[str]] = re.compile(r"\D+")


class _DigitCount:
    """``Document.digits``: how many decimal digits (regex ``\\d``, Unicode) ``text`` holds.

    Computed once per document: detectors whose patterns need digits (phone numbers, SSNs,
    dates, street numbers) skip the many posts that have too few. The first access stores
    the count in the instance, where later ones find it without calling anything (this
    is a non-data descriptor; ``functools.cached_property`` would also take a lock).
    """

    @overload
    def __get__(self, doc: None, owner: type[Document]) -> _DigitCount: ...

    @overload
    def __get__(self, doc: Document, owner: type[Document]) -> int: ...

    def __get__(self, doc: Document | None, owner: type[Document]) -> int | _DigitCount:
        if doc is None:
            return self
        text = doc.text
        count = 0 if _DIGIT.search(text) is None else len(_NON_DIGITS.sub("", text))
        doc.__dict__["digits"] = count  # frozen dataclass: its fields are untouched
        return count


@dataclass(frozen=True)
class Document:
    """A post's original text, its normalized text, and the map between them.

    ``offsets[i]`` is the index in ``original`` of the code point that produced
    ``text[i]``; it is non-decreasing. ``normalize`` gives a ``range`` when the map is the
    identity (every code point folded to one character) and a tuple otherwise.
    """

    original: str
    text: str
    offsets: Sequence[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to the half-open span of ``original`` it covers.

        Whole original characters are covered: a span touching half of "ß"→"ss" covers the
        "ß", and combining marks that were dropped right after the span are included so a
        redaction never leaves a stray accent behind.
        """
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"span [{start}, {end}) is outside the text (length {n})")
        if start == end:
            pos = self.offsets[start] if start < n else len(self.original)
            return pos, pos
        o_start = self.offsets[start]
        o_end = self.offsets[end - 1] + 1
        limit = self.offsets[end] if end < n else len(self.original)
        while o_end < limit and unicodedata.category(self.original[o_end]) in ("Mn", "Me"):
            o_end += 1
        return o_start, o_end

    def original_slice(self, start: int, end: int) -> str:
        """The original text behind a normalized span (for tests and redaction)."""
        o_start, o_end = self.to_original(start, end)
        return self.original[o_start:o_end]

    # How many decimal digits (regex ``\\d``, Unicode) ``text`` holds; see ``_DigitCount``.
    # (Not a field: no annotation.)
    digits = _DigitCount()


def normalize(text: str) -> Document:
    """Fold ``text`` for matching and keep the offset map back to it. Linear time."""
    if text.isascii() and (text.isprintable() or _ASCII_SPECIAL.search(text) is None):
        # Fast path, identical to the general one: every char folds to its lowercase.
        return _document(text, text.lower(), range(len(text)))
    return _normalize(text)


def _normalize(text: str) -> Document:
    """The general path of ``normalize``: any text.

    Only the runs holding characters outside plain ASCII go through the fold table
    (``str.translate`` with a Python mapping costs a dictionary lookup per character); the
    plain ASCII between them folds with ``str.lower``, as on the fast path.
    """
    pieces: list[str] = []
    identity = True  # so far, every code point folded to exactly one character
    pos = 0
    for m in _NOT_PLAIN_RUN.finditer(text):
        start, end = m.span()
        run = m.group()
        folded_run = run.translate(_FOLD)  # records irregular code points in ``_IRREGULAR``
        if identity and (len(folded_run) != end - start or not _IRREGULAR.isdisjoint(run)):
            identity = False
        pieces.append(text[pos:start].lower())
        pieces.append(folded_run)
        pos = end
    pieces.append(text[pos:].lower())
    folded = "".join(pieces)
    if identity:
        return _document(text, folded, range(len(text)))
    marks = text.translate(_LENGTHS)
    offsets: list[int] = []
    pos = 0
    for m in _NOT_IDENTITY.finditer(marks):
        i = m.start()
        offsets.extend(range(pos, i))
        offsets.extend([i] * (ord(marks[i]) - _LEN_BASE))
        pos = i + 1
    offsets.extend(range(pos, len(text)))
    if len(offsets) != len(folded):  # pragma: no cover - guards the table invariant
        raise AssertionError("normalization offset map is out of step with the text")
    return _document(text, folded, tuple(offsets))


def _document(original: str, text: str, offsets: Sequence[int]) -> Document:
    """``Document(original, text, offsets)`` built with ``assemble``: the frozen
    ``__init__`` costs more than a short post's whole fold."""
    return assemble(Document, original=original, text=text, offsets=offsets)


# -- the content view: evasion folding for content rules ---------------------------------------
# Leetspeak digits and symbols read as the letters they imitate ("k1ll", "l0s3r", "@ss").
LEET: Final[dict[str, str]] = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
    "@": "a", "$": "s", "!": "i", "|": "l", "+": "t",
}  # fmt: skip
_LEET_TABLE: Final[dict[int, str]] = str.maketrans(LEET)
# A token that holds at least one letter; symbols fold only inside it, never at its end, so
# "idiot!" keeps its "!" and "2026" (no letter) stays a number.
_LEET_TOKEN: Final[re.Pattern[str]] = re.compile(r"[a-z0-9@$!|+]*[a-z][a-z0-9@$!|+]*")
_LEET_SYMBOLS: Final[frozenset[str]] = frozenset("@$!|+")
# A letter beside a leetspeak character: a token holding both has such a pair, so a text
# without one has nothing to fold ("post (12)." is left alone without a token-by-token pass).
_LEET_BESIDE_LETTER: Final[re.Pattern[str]] = re.compile(r"[a-z][0-9@$!|+]|[0-9@$!|+][a-z]")
# Three or more single characters split by one repeated separator: "l o s e r", "k.i.l.l".
_SPACED: Final[re.Pattern[str]] = re.compile(
    r"(?<![a-z0-9])[a-z0-9@$](?P<sep>[ .\-_*])[a-z0-9@$](?:(?P=sep)[a-z0-9@$])+(?![a-z0-9])"
)
# A letter stretched to three or more: "looooser" -> "loser".
_STRETCHED: Final[re.Pattern[str]] = re.compile(r"([a-z])\1{2,}")


def _fold_leet_token(token: str) -> str:
    """Digits always fold; a symbol folds only before a letter or digit ("l!ar", "@ss"),
    and "!", "|", "+" never at the start ("!important" is punctuation)."""
    out = []
    for i, ch in enumerate(token):
        nxt = token[i + 1] if i + 1 < len(token) else ""
        if ch.isdigit() or (ch in _LEET_SYMBOLS and nxt.isalnum() and (i > 0 or ch in "@$")):
            ch = ch.translate(_LEET_TABLE)
        out.append(ch)
    return "".join(out)


def _fold_leet_match(m: re.Match[str]) -> str:
    token = m.group()
    return token if token.isalpha() else _fold_leet_token(token)


def content_view(doc: Document) -> Document:
    """``doc`` folded further for content rules and models: spaced-out letters joined,
    stretched letters collapsed, leetspeak read as letters. Offsets still map to the
    original post. Not for PII: it would turn phone numbers into letters."""
    text = doc.text
    dropped: set[int] = set()
    for m in _SPACED.finditer(text):
        sep = m.group("sep")
        first = m.start() + 1
        # "a L O S E R", "i H A T E": a leading one-letter word stays a word.
        if text[m.start()] in "ai" and (m.end() - m.start() + 1) // 2 > 4:
            first += 2
        dropped.update(i for i in range(first, m.end(), 2) if text[i] == sep)
    for m in _STRETCHED.finditer(text):
        dropped.update(range(m.start() + 1, m.end()))
    offsets: Sequence[int]
    if dropped:
        kept = [i for i in range(len(text)) if i not in dropped]
        text = "".join(text[i] for i in kept)
        offsets = tuple(doc.offsets[i] for i in kept)
    else:
        offsets = doc.offsets
    if _LEET_BESIDE_LETTER.search(text):
        text = _LEET_TOKEN.sub(_fold_leet_match, text)
    if text == doc.text:
        return doc
    return Document(original=doc.original, text=text, offsets=offsets)
