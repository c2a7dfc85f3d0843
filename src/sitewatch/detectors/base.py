"""Shared pieces for detectors: the construction context, phrase matching, pattern recognizers.

Base classes here are conveniences (ARCHITECTURE section 7): the pipeline only relies on the
``sitewatch.typing.Detector`` protocol and the optional ``Redactor`` protocol below.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Generic,
    Protocol,
    Self,
    TypeVar,
    runtime_checkable,
)

import ahocorasick

from sitewatch.frozen import assemble
from sitewatch.models import Finding, Severity
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
    "make_finding",
    "min_digits",
    "normalize_phrase",
    "word_regex",
    "word_start_alternation",
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


def make_finding(
    category: str,
    start: int,
    end: int,
    score: float,
    detector: str,
    explanation: str,
    tags: tuple[str, ...] = (),
) -> Finding:
    """``Finding(category, start, end, score, detector, explanation, tags=tags)`` built
    with ``assemble`` (no frozen ``__init__``), for detectors that report per post."""
    return assemble(
        Finding,
        category=category,
        start=start,
        end=end,
        score=score,
        detector=detector,
        explanation=explanation,
        severity=Severity.INFO,
        clause=None,
        tags=tags,
    )


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

    def items(self) -> Iterator[tuple[str, tuple[T, ...]]]:
        """Every key with all its payloads, as ``spans`` reports them."""
        if not self._size:
            return
        for _key, value in self._automaton.items():
            yield value

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
    # Prefilter: a regex that finds something inside every match of every pattern, far
    # cheaper than the patterns (start it with a character class or a literal, so the
    # engine skips in C to where it can match). Nothing found, no pattern is run. None
    # disables it; tests/detectors/test_fast_paths.py checks each subclass's gate.
    gate: ClassVar[str | None] = None

    def __init__(self) -> None:
        self._compiled: list[tuple[PatternSpec, re.Pattern[str]]] = []
        self._context: re.Pattern[str] | None = None
        self._gate: re.Pattern[str] | None = None
        self._loaded = False

    @classmethod
    def from_context(cls, ctx: DetectorContext) -> Self:
        return cls()

    def load(self) -> None:
        self._compiled = [(spec, spec.compile()) for spec in self.patterns]
        self._context = word_regex(self.context_words)
        self._gate = re.compile(self.gate) if self.gate is not None else None
        self._loaded = True

    def required_digits(self) -> int:
        """How many digits every match of every pattern holds at least (``min_digits``)."""
        return self.min_digits

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
        needed = self.required_digits()
        if needed and doc.digits < needed:
            return findings  # no pattern can match (see ``min_digits``)
        if self._gate is not None and self._gate.search(doc.text) is None:
            return findings  # no pattern can match (see ``gate``)
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


# The regex parser of the standard library (private; ``re._parser`` since 3.11):
# ``min_digits`` reads a district's own patterns with it, and gives no bound without it.
try:
    _re_parser: Any = importlib.import_module("re._parser")
    _re_constants: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - another Python
    _re_parser = _re_constants = None
_DIGIT_CHARS: frozenset[int] = frozenset(range(ord("0"), ord("9") + 1))


def min_digits(regex: str, flags: int = 0) -> int:
    """How many decimal digits (``\\d``) every match of ``regex`` holds, at least.

    Read from the parsed regex: a literal digit, a class of digits only (``\\d``, ``[0-9]``)
    counts one per repetition it must make, a branch its poorest alternative; look-arounds,
    back-references and anything unknown count nothing. So the bound is only ever too low
    (0 when in doubt), never too high, and a document with fewer digits holds no match.
    """
    if _re_parser is None:
        return 0
    try:
        return _min_digits(_re_parser.parse(regex, flags).data)
    except Exception:  # not a regex, or a parser this code does not know: no bound
        return 0


def _min_digits(items: Any) -> int:
    c = _re_constants
    total = 0
    for op, av in items:
        if op is c.LITERAL:
            total += av in _DIGIT_CHARS
        elif op is c.IN:
            total += _only_digits(av)
        elif op is c.SUBPATTERN:
            total += _min_digits(av[-1])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, _high, sub = av
            total += low * _min_digits(sub)
        elif op is c.BRANCH:
            total += min(_min_digits(alternative) for alternative in av[1])
        elif op is c.ATOMIC_GROUP:
            total += _min_digits(av)
        # ANY, NOT_LITERAL, CATEGORY, AT, look-arounds, back-references, conditionals: 0
    return total


def _only_digits(members: Any) -> bool:
    """Does a character class (``IN``) hold decimal digits only?"""
    c = _re_constants
    if not members:
        return False
    for kind, value in members:
        if kind is c.CATEGORY and value is c.CATEGORY_DIGIT:
            continue
        if kind is c.LITERAL and value in _DIGIT_CHARS:
            continue
        if kind is c.RANGE and value[0] in _DIGIT_CHARS and value[1] in _DIGIT_CHARS:
            continue
        return False  # NEGATE, other letters, other categories
    return True


def word_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any of ``words`` (normalized) as a whole word or phrase.

    Longest first. A key matches only where the text holds its first character, so at any
    position either only the keys that start with a word character can match or only the
    others, and of the former only those with that first character: the word-initial keys
    are grouped by first character, each group behind ONE word-start test (in their
    longest-first order), which matches exactly the spans one test per key did, many
    times faster (see ``word_start_alternation``).
    """
    keys = sorted({normalize_phrase(w) for w in words} - {""}, key=len, reverse=True)
    if not keys:
        return None

    def body(k: str) -> str:
        return re.escape(k).replace(r"\ ", r"\s+") + (r"(?!\w)" if is_word_char(k[-1]) else "")

    # ``re.escape`` leaves word characters alone, so each word-initial body starts with
    # its key's first character, unescaped.
    word_initial = _first_character_groups([body(k) for k in keys if is_word_char(k[0])])
    others = [body(k) for k in keys if not is_word_char(k[0])]
    return re.compile("(?:" + "|".join(word_initial + others) + ")")


def word_start_alternation(words: Sequence[str], *, escape: bool = True) -> str:
    """``(?<!\\w)(?:w1|w2|...)`` for literal words that start with a word character, as a
    regex in which each alternative starts with a literal: the same matches (the first
    word that matches, in the given order, wins as before), found many times faster.

    A regex that starts with a look-behind gives the engine nothing to skip ahead by, so
    ``search`` runs the whole pattern at every position of the text. Here the words are
    grouped by first character, ``(?:h(?<!\\wh)(?:e|im|is)|s(?<!\\ws)he|...)``: the engine
    scans in C for positions holding one of those characters and tries only the words that
    start with it. The look-behind moves one character right and one wider: before a
    match starting at ``p`` it still tests ``text[p - 1]`` (``text[p]`` is the literal
    just matched), and at ``p == 0`` a two-character look-behind cannot match, so the
    negative one succeeds, as before.

    ``escape=False``: the words are regexes, each starting with a literal word character
    (``r"birth\\s+date"``), kept as they are.
    """
    bodies = []
    for word in words:
        if not word or not is_word_char(word[0]):
            raise ValueError(f"{word!r}: every word must start with a word character")
        bodies.append(word[0] + re.escape(word[1:]) if escape else word)
    return "(?:" + "|".join(_first_character_groups(bodies)) + ")"


def _first_character_groups(bodies: Sequence[str]) -> list[str]:
    """Regex bodies that each start with an unescaped word character, grouped by that
    character behind one word-start test each, in order of first appearance; within a
    group the bodies keep their order. At any position only one group can match, so the
    alternation matches what ``(?<!\\w)(?:b1|b2|...)`` matches."""
    groups: dict[str, list[str]] = {}
    for body in bodies:
        groups.setdefault(body[0], []).append(body[1:])
    out = []
    for first, rests in groups.items():
        rest = rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")"
        out.append(f"{first}(?<!\\w{first}){rest}")
    return out


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
