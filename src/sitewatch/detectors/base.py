"""Shared pieces for detectors: the construction context, phrase matching, pattern recognizers.

Base classes here are conveniences (ARCHITECTURE section 7): the pipeline only relies on the
``sitewatch.typing.Detector`` protocol and the optional ``Redactor`` protocol below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Generic, Protocol, Self, TypeVar, runtime_checkable

import ahocorasick

from sitewatch.models import Finding
from sitewatch.scan.normalize import Document, normalize

if TYPE_CHECKING:
    from sitewatch.config import Settings
    from sitewatch.roster import Roster

__all__ = [
    "DetectorContext",
    "PatternDetector",
    "PatternSpec",
    "PhraseHit",
    "PhraseMatcher",
    "Redactor",
    "find_context_word",
    "is_word_char",
    "longest_first",
    "normalize_phrase",
    "word_regex",
]

T = TypeVar("T")


@dataclass(frozen=True)
class DetectorContext:
    """Everything a detector may need to build itself (``cls.from_context(ctx)``)."""

    settings: Settings
    roster: Roster | None = None


@runtime_checkable
class Redactor(Protocol):
    """A detector that knows spans to mask in excerpts even when they are not findings.

    Returns ORIGINAL-text ``(start, end, label)`` triples, e.g. a directory-information
    mention of a student ("student name") that is fine to post but not to e-mail around.
    """

    def redactions(self, doc: Document) -> Sequence[tuple[int, int, str]]: ...


def is_word_char(ch: str) -> bool:
    """Word characters for boundary checks (Unicode letters and digits, underscore)."""
    return ch.isalnum() or ch == "_"


def normalize_phrase(phrase: str) -> str:
    """A configured word or roster value in the same form as ``Document.text``."""
    return " ".join(normalize(phrase).text.split())


@dataclass(frozen=True)
class PhraseHit(Generic[T]):
    """A whole-word phrase occurrence in normalized text, with every payload for it."""

    start: int
    end: int
    key: str
    payloads: tuple[T, ...]


class PhraseMatcher(Generic[T]):
    """Many phrases, one Aho-Corasick pass: O(len(text) + hits) whatever the vocabulary size.

    Keys must already be normalized (``normalize_phrase``). A hit must start and end on a
    word boundary where the key itself starts/ends with a word character (regex ``\\b``
    semantics), so "ann" does not match inside "annual" yet "ann's" still matches.
    """

    def __init__(self, phrases: Iterable[tuple[str, T]]) -> None:
        self._automaton = ahocorasick.Automaton()
        self._size = 0
        for key, payload in phrases:
            if not key:
                continue
            found = self._automaton.get(key, None)
            if found is None:
                self._automaton.add_word(key, (key, (payload,)))
                self._size += 1
            elif payload not in found[1]:
                self._automaton.add_word(key, (key, (*found[1], payload)))
        if self._size:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return self._size

    def find(self, text: str) -> Iterator[PhraseHit[T]]:
        """Every whole-word occurrence (overlapping ones included), by end position."""
        for start, end, key, payloads in self.spans(text):
            yield PhraseHit(start, end, key, payloads)

    def spans(self, text: str) -> list[tuple[int, int, str, tuple[T, ...]]]:
        """``find`` as plain ``(start, end, key, payloads)`` tuples, for hot loops that
        would only unpack the ``PhraseHit`` again."""
        out: list[tuple[int, int, str, tuple[T, ...]]] = []
        if not self._size:
            return out
        n = len(text)
        # ``is_word_char`` inlined, and the text's neighbour tested before the key's own
        # edge: most hits sit between spaces or punctuation, so one test decides.
        for last, (key, payloads) in self._automaton.iter(text):
            end = last + 1
            start = end - len(key)
            if start > 0:
                ch = text[start - 1]
                if (ch.isalnum() or ch == "_") and (key[0].isalnum() or key[0] == "_"):
                    continue
            if end < n:
                ch = text[end]
                if (ch.isalnum() or ch == "_") and (key[-1].isalnum() or key[-1] == "_"):
                    continue
            out.append((start, end, key, payloads))
        return out


def longest_first(hits: Iterable[PhraseHit[T]]) -> list[PhraseHit[T]]:
    """Drop hits contained in a longer hit ("ann smith" inside "mary ann smith")."""
    ordered = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[PhraseHit[T]] = []
    reach = -1
    for hit in ordered:
        if hit.end <= reach:
            continue
        kept.append(hit)
        reach = max(reach, hit.end)
    return kept


@dataclass(frozen=True)
class PatternSpec:
    """One regex of a pattern recognizer (Presidio style): a name for explanations, a score."""

    name: str
    regex: str
    score: float
    flags: int = 0
    needs_context: bool = False  # weak shapes (9 bare digits) only count next to context

    def compile(self) -> re.Pattern[str]:
        return re.compile(self.regex, self.flags)


class PatternDetector:
    """Regex recognizer over ``doc.text`` with context words that raise the score.

    Subclasses are data: ``name``, ``category``, ``patterns``, ``context_words``,
    ``context_boost``; override ``validate`` to reject shapes the regex cannot (checksums,
    reserved ranges) and ``describe`` to word the explanation.
    """

    name: str
    category: ClassVar[str]
    patterns: ClassVar[tuple[PatternSpec, ...]] = ()
    context_words: ClassVar[tuple[str, ...]] = ()
    context_boost: ClassVar[float] = 0.2
    context_before: ClassVar[int] = 40  # normalized chars looked at before a match
    context_after: ClassVar[int] = 20  # ... and after it
    # Prefilter: every match of every pattern holds at least this many digits (``\d``), so
    # a document with fewer (``Document.digits``) is skipped without running the regexes.
    # 0 disables it. Subclasses that set it must keep it a lower bound for ALL patterns:
    # tests/detectors/test_prefilters.py checks it against the parsed regexes.
    min_digits: ClassVar[int] = 0

    def __init__(self) -> None:
        self._compiled: list[tuple[PatternSpec, re.Pattern[str]]] = []
        self._context: re.Pattern[str] | None = None
        self._loaded = False

    @classmethod
    def from_context(cls, ctx: DetectorContext) -> Self:
        return cls()

    def load(self) -> None:
        self._compiled = [(spec, spec.compile()) for spec in self.patterns]
        self._context = word_regex(self.context_words)
        self._loaded = True

    def detect(self, doc: Document) -> Sequence[Finding]:
        """Every validated match of every pattern; earlier patterns win overlapping spans.

        Linear in the number of matches (hostile posts hold tens of thousands): ``finditer``
        yields one pattern's matches in order and without overlap, so they are checked
        against the spans earlier patterns took by walking one cursor through that sorted,
        disjoint list, then merged into it, instead of scanning every taken span per match.
        """
        if not self._loaded:
            self.load()
        findings: list[Finding] = []
        if self.min_digits and doc.digits < self.min_digits:
            return findings  # no pattern can match (see ``min_digits``)
        taken: list[tuple[int, int]] = []  # sorted by start, pairwise disjoint
        for spec, regex in self._compiled:
            added: list[tuple[int, int]] = []
            i = 0
            for m in regex.finditer(doc.text):
                start, end = m.span()
                if start == end:
                    continue
                while i < len(taken) and taken[i][1] <= start:
                    i += 1  # starts only grow, so the cursor never moves back
                if i < len(taken) and taken[i][0] < end:
                    continue  # overlaps a span an earlier pattern reported
                if not self.validate(m):
                    continue
                word = self.context_word(doc.text, start, end)
                if spec.needs_context and word is None:
                    continue
                score = round(min(1.0, spec.score + (self.context_boost if word else 0.0)), 4)
                o_start, o_end = doc.to_original(start, end)
                added.append((start, end))
                findings.append(
                    Finding(
                        category=self.category,
                        start=o_start,
                        end=o_end,
                        score=score,
                        detector=self.name,
                        explanation=self.describe(spec, word),
                    )
                )
            if added:
                # Two sorted runs: timsort merges them in linear time.
                taken = sorted(taken + added) if taken else added
        return findings

    def validate(self, match: re.Match[str]) -> bool:
        """Reject a regex match that cannot be the real thing. Default: accept."""
        return True

    def context_word(self, text: str, start: int, end: int) -> str | None:
        """The nearest context word around ``text[start:end]``, if any."""
        return find_context_word(
            self._context, text, start, end, self.context_before, self.context_after
        )

    def describe(self, spec: PatternSpec, word: str | None) -> str:
        base = f"{spec.name} pattern"
        return f"{base} + context word '{word}'" if word else base


def word_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any of ``words`` (normalized) as a whole word or phrase.

    Longest first. A key matches only where the text holds its first character, so at any
    position either only the keys that start with a word character can match or only the
    others: the word-initial keys share ONE ``(?<!\\w)`` (in their longest-first order)
    instead of one each, which matches exactly the same spans ten times faster.
    """
    keys = sorted({normalize_phrase(w) for w in words} - {""}, key=len, reverse=True)
    if not keys:
        return None

    def body(k: str) -> str:
        return re.escape(k).replace(r"\ ", r"\s+") + (r"(?!\w)" if is_word_char(k[-1]) else "")

    word_initial = [body(k) for k in keys if is_word_char(k[0])]
    others = [body(k) for k in keys if not is_word_char(k[0])]
    alts = ([r"(?<!\w)(?:" + "|".join(word_initial) + ")"] if word_initial else []) + others
    return re.compile("(?:" + "|".join(alts) + ")")


def find_context_word(
    regex: re.Pattern[str] | None, text: str, start: int, end: int, before: int, after: int
) -> str | None:
    """Nearest whole-word context match within the window around a hit (normalized text)."""
    if regex is None:
        return None
    lo = max(0, start - before)
    hi = min(len(text), end + after)
    cap = min(len(text), hi + 64)
    while hi < cap and is_word_char(text[hi]):
        hi += 1  # never cut a word in two: "text" must not match inside "texting"
    best: tuple[int, str] | None = None
    for m in regex.finditer(text, lo, hi):
        if m.start() < end and start < m.end():
            continue  # inside the hit itself
        distance = start - m.end() if m.end() <= start else m.start() - end
        if best is None or distance < best[0]:
            best = (distance, " ".join(m.group().split()))
    return best[1] if best else None
