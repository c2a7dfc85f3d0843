"""Education-record vocabularies: the words that turn a student's name into a FERPA record.

A student named for winning the science fair is directory information; the same student
named next to "suspended" or "IEP" is an education record (ARCHITECTURE section 5). The
vocabularies ship as one text file per category in ``sitewatch/data/context``; a district
adds words by pointing ``detection.context_dir`` at a folder with files of the same names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final

from sitewatch.detectors.base import PhraseMatcher, normalize_phrase
from sitewatch.exceptions import ConfigError
from sitewatch.scan.normalize import Document

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "PATTERNS",
    "ContextHit",
    "ContextMatcher",
    "load_vocabularies",
    "parse_vocabulary",
]

CATEGORIES: Final[tuple[str, ...]] = (
    "grades",
    "discipline",
    "attendance",
    "health",
    "iep_504",
    "special_education",
)
# Record phrasings with a number in them, which a word list cannot enumerate: "has a 52% in
# chemistry", "missed 12 days", "cutting 3rd period", "repeating 8th grade". Matched on the
# normalized text; the hit's term is the pattern's description, never the post's words.
_ORDINAL: Final[str] = (
    r"(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
    r"|tenth|eleventh|twelfth)"
)
PATTERNS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "grades": (
        (
            "percentage grade",
            r"(?<!\w)(?:has|had|have|got|gets|getting|with|earned|earning|at|holding)\s+an?"
            r"\s+\d{1,3}(?:\.\d+)?\s?%\s+(?:in|on)(?!\w)",
        ),
        ("repeating a grade", rf"(?<!\w)(?:repeat|repeating|repeated)\s+{_ORDINAL}\s+grade(?!\w)"),
    ),
    "attendance": (
        (
            "days missed",
            r"(?<!\w)missed\s+(?:\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|several)"
            r"\s+(?:more\s+|straight\s+|school\s+)?(?:days|weeks|classes|periods)(?!\w)"
            r"(?!\s+of\s+(?:practice|rehearsal|camp|the\s+season))",
        ),
        (
            "cutting class",
            rf"(?<!\w)(?:cut|cuts|cutting|skip|skips|skipped|skipping|ditch|ditched|ditching)"
            rf"\s+{_ORDINAL}\s+(?:period|hour|block)(?!\w)",
        ),
    ),
}

_WORD_START: Final[str] = r"(?<!\w)"

CATEGORY_LABELS: Final[dict[str, str]] = {
    "grades": "grades",
    "discipline": "discipline",
    "attendance": "attendance",
    "health": "health",
    "iep_504": "IEP/504",
    "special_education": "special education",
}


def parse_vocabulary(text: str) -> list[str]:
    """One word or phrase per line; ``#`` starts a comment; blank lines are ignored."""
    words: list[str] = []
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


def _builtin(category: str) -> str:
    ref = resources.files("sitewatch").joinpath("data", "context", f"{category}.txt")
    try:
        return ref.read_text(encoding="utf-8")
    except FileNotFoundError:
        # Only a broken installation gets here (package data left out of the wheel).
        raise ConfigError(
            f"built-in vocabulary sitewatch/data/context/{category}.txt is missing from the "
            "installation; reinstall sitewatch"
        ) from None


def load_vocabularies(extra_dir: Path | None = None) -> dict[str, tuple[str, ...]]:
    """The shipped vocabularies plus the district's additions, as normalized phrases.

    A hyphenated phrase is also listed with spaces ("in-school suspension"). Files in
    ``extra_dir`` must be named after a known category, so a typo'd file name fails loudly
    instead of silently adding nothing.
    """
    raw: dict[str, list[str]] = {c: parse_vocabulary(_builtin(c)) for c in CATEGORIES}
    if extra_dir is not None:
        folder = Path(extra_dir)
        if not folder.is_dir():
            raise ConfigError("detection.context_dir is not a folder", path=str(folder))
        known = ", ".join(f"{c}.txt" for c in CATEGORIES)
        for file in sorted(folder.glob("*.txt")):
            if file.stem not in raw:
                raise ConfigError(
                    f"unknown vocabulary file {file.name!r}; expected one of: {known}",
                    path=str(folder),
                )
            try:
                raw[file.stem].extend(parse_vocabulary(file.read_text(encoding="utf-8")))
            except UnicodeDecodeError:
                raise ConfigError("vocabulary file is not UTF-8 text", path=str(file)) from None
    vocab: dict[str, tuple[str, ...]] = {}
    for category, words in raw.items():
        seen: dict[str, None] = {}
        for word in words:
            norm = normalize_phrase(word)
            for variant in (norm, norm.replace("-", " ")):
                if variant:
                    seen.setdefault(variant)
        vocab[category] = tuple(seen)
    return vocab


@dataclass(frozen=True)
class ContextHit:
    """One context word in normalized text."""

    start: int
    end: int
    category: str
    term: str

    @property
    def label(self) -> str:
        """Sponsor-readable, e.g. "'suspended' (discipline context)"."""
        return f"'{self.term}' ({CATEGORY_LABELS.get(self.category, self.category)} context)"


class ContextMatcher:
    """Finds every vocabulary phrase in a Document with one automaton pass."""

    def __init__(
        self,
        vocabularies: Mapping[str, Sequence[str]],
        patterns: Mapping[str, Sequence[tuple[str, str]]] = PATTERNS,
    ) -> None:
        self._matcher: PhraseMatcher[str] = PhraseMatcher(
            (term, category) for category, terms in vocabularies.items() for term in terms
        )
        # One alternation, one pass: the group that matched names the category and label.
        self._pattern_meta: dict[str, tuple[str, str]] = {}
        regexes: list[str] = []
        for category, specs in patterns.items():
            for label, regex in specs:
                self._pattern_meta[f"p{len(regexes)}"] = (category, label)
                regexes.append(regex)
        # When every pattern starts at a word start (the shipped ones do), test that once
        # per position rather than once per pattern: the same matches, several times faster.
        lead = _WORD_START if regexes and all(r.startswith(_WORD_START) for r in regexes) else ""
        alternatives = "|".join(f"(?P<p{i}>{r[len(lead) :]})" for i, r in enumerate(regexes))
        self._pattern = re.compile(f"{lead}(?:{alternatives})") if regexes else None

    @classmethod
    def load(cls, extra_dir: Path | None = None) -> ContextMatcher:
        return cls(load_vocabularies(extra_dir))

    def find(self, doc: Document) -> list[ContextHit]:
        """Hits in normalized offsets, longest phrase first where phrases overlap."""
        hits = [
            ContextHit(start, end, category, key)
            for start, end, key, categories in self._matcher.spans(doc.text)
            for category in categories
        ]
        if self._pattern is not None:
            for m in self._pattern.finditer(doc.text):
                category, label = self._pattern_meta[m.lastgroup or ""]
                hits.append(ContextHit(m.start(), m.end(), category, label))
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        return hits
