"""Education-record vocabularies: the words that turn a student's name into a FERPA record.

A student named for winning the science fair is directory information; the same student
named next to "suspended" or "IEP" is an education record (ARCHITECTURE section 5). The
vocabularies ship as one text file per category in ``sitewatch/data/context``; a district
adds words by pointing ``detection.context_dir`` at a folder with files of the same names.
Phrasings with numbers ("a 31 on the final", "out 11 days") are ``PATTERNS``; ``GUARDS``
drop a word that is a topic, a helper's place, an adult's state or a game's status
("project on diabetes", "peer tutor in the resource room", "Mr. Lee is out sick").
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
    "GUARDS",
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
_COUNT: Final[str] = r"(?:\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|several)"
_ABOUT: Final[str] = r"(?:(?:almost|nearly|over|about|more\s+than|at\s+least)\s+)?"
# What a score or a retake is on: "a 31 on the final", "a 2 on the AP Chemistry exam".
_ASSESSMENT: Final[str] = (
    r"(?:test|tests|exam|exams|quiz|quizzes|final|finals|midterm|midterms|mid-term|sat|act"
    r"|psat|assessment|essay|paper|project|assignment|lab|homework)"
)
_NOT_PRACTICE: Final[str] = r"(?!\s+of\s+(?:practice|rehearsal|camp|the\s+season))"
_BODY_PART: Final[str] = (
    r"(?:arm|arms|leg|legs|wrist|wrists|ankle|ankles|foot|feet|hand|finger|fingers|collarbone"
    r"|nose|rib|ribs|acl|mcl|meniscus|shoulder|knee|knees|elbow|back|toe|toes|thumb|hip|neck"
    r"|jaw|tooth|teeth|achilles|hamstring)"
)
PATTERNS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "grades": (
        (
            "percentage grade",
            r"(?<!\w)(?:has|had|have|got|gets|getting|with|earned|earning|at|holding)\s+an?"
            r"\s+\d{1,3}(?:\.\d+)?\s?%\s+(?:in|on)(?!\w)",
        ),
        ("repeating a grade", rf"(?<!\w)(?:repeat|repeating|repeated)\s+{_ORDINAL}\s+grade(?!\w)"),
        (
            "test score",
            r"(?<!\w)(?:scored|scoring|score|scores|got|get|gets|getting|earned|earning|received"
            r"|made)\s+(?:only\s+|just\s+)?an?\s+\d{1,4}(?:\s?%|\s+out\s+of\s+\d{1,4})?\s+on\s+"
            rf"(?:it|that|(?:the|his|her|their|a|an|this|last|my)\s+(?:[\w-]+\s+){{0,3}}?"
            rf"{_ASSESSMENT})(?!\w)",
        ),
        (
            "letter grade",
            r"(?<!\w)(?:(?:got|gets|get|getting|earned|earning|has|had|have|with|received)\s+an?"
            r"\s+[a-f][+-]?\s+(?:in|on)\s|from\s+an?\s+[a-f][+-]?\s+(?:up\s+)?to\s+an?\s+[a-f])",
        ),
        (
            "a subject grade",
            r"(?<!\w)(?:his|her|their)\s+(?!(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth"
            r"|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|whole|entire|same|next|new"
            r"|old|own|grade)(?!\w))(?:[\w-]+\s+){1,3}?grades?(?!\w)"
            r"(?!\s+(?:level|school|teacher|year|class|classroom|team|student|students|friends))",
        ),
        (
            "retaking a test",
            r"(?<!\w)(?:retake|retakes|retaking|retook|re-take|re-taking|re-took)\s+"
            r"(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+)?(?:[\w-]+\s+){0,2}?"
            rf"(?:{_ASSESSMENT}|class|course)(?!\w)",
        ),
        (
            "a failed test",
            r"(?<!\w)(?:bombed|tanked|blew)\s+(?:the|his|her|their|a|an|that)\s+"
            rf"(?:[\w-]+\s+){{0,2}}?{_ASSESSMENT}(?!\w)",
        ),
        (
            "reading below grade level",
            rf"(?<!\w)(?:reads|read|reading|performs|performing|working|works)\s+(?:at|below)\s+"
            rf"(?:an?\s+)?{_ORDINAL}[\s-]+grade\s+level(?!\w)",
        ),
    ),
    "attendance": (
        (
            "days missed",
            rf"(?<!\w)missed\s+{_ABOUT}{_COUNT}\s+(?:more\s+|straight\s+|school\s+)?"
            rf"(?:days|weeks|classes|periods)(?!\w){_NOT_PRACTICE}",
        ),
        (
            "days out of school",
            rf"(?<!\w)out\s+(?:for\s+)?{_ABOUT}{_COUNT}\s+(?:more\s+|straight\s+|school\s+)?"
            rf"(?:days|weeks)(?!\w){_NOT_PRACTICE}",
        ),
        (
            "cutting class",
            rf"(?<!\w)(?:cut|cuts|cutting|skip|skips|skipped|skipping|ditch|ditched|ditching"
            rf"|miss|misses|missed|missing)\s+{_ORDINAL}\s+(?:period|hour|block)(?!\w)",
        ),
        (
            "missing school days",
            r"(?<!\w)(?:miss|misses|missed|missing)\s+(?:the\s+rest\s+of\s+)?(?:the|this|next)"
            r"\s+(?:whole\s+)?(?:week|day)(?![\w'])(?!\s+of\s+(?:practice|rehearsal|camp))",
        ),
        (
            "not at school",
            r"(?<!\w)(?:has|have|had)(?:n't|\s+not)\s+been\s+(?:at|in|to)\s+(?:school|class)"
            r"(?!\w)",
        ),
    ),
    "discipline": (
        (
            "lost privileges",
            r"(?<!\w)(?:lost|lose|loses|losing)\s+(?:(?:his|her|their)\s+)?(?:[\w-]+\s+)?"
            r"privileges(?!\w)",
        ),
        (
            "a fight at school",
            r"(?<!\w)(?:a|the)\s+fight\s+(?:in|at|on)\s+(?:the\s+)?(?:cafeteria|hallway|hall"
            r"|halls|lunchroom|locker\s+room|bathroom|restroom|parking\s+lot|bus|class|gym"
            r"|lunch|school)(?!\w)",
        ),
    ),
    "health": (
        (
            "an injury",
            r"(?<!\w)(?:broke|broken|breaks|fractured|fracture|sprained|sprain|torn|tore|tearing"
            r"|dislocated|bruised|injured|hurt|twisted|rolled)\s+(?:(?:his|her|their|a|an|the)"
            rf"\s+)?(?:left\s+|right\s+)?{_BODY_PART}(?!\w)",
        ),
        (
            "out for the season",
            r"(?<!\w)out\s+for\s+the\s+(?:rest\s+of\s+the\s+)?season(?!\w)"
            r"(?!\s+(?:opener|finale|premiere))",
        ),
    ),
    "special_education": (("a paraprofessional", r"(?<!\w)(?:s|his|her|their)\s+para(?!\w)"),),
}
# Where a vocabulary word is not about a named student's record (matched on the normalized
# text around each hit; data, not code). ``before`` patterns end at the hit (searched in
# the text before it), ``after`` patterns start right after it; a category of ``None``
# guards every category.
#   * a topic, not a condition: "project on diabetes", "mental health awareness week";
#   * helping, not receiving: "volunteers as a peer tutor in the resource room";
#   * an adult is the subject: "Mr. Lee is out sick, so Maya leads warm-ups";
#   * a role named as a person: "interviewed the school nurse";
#   * games, not students: "the game got suspended because of lightning".
# Gap words hold no punctuation, possessive or his/her/their, so a guard never reaches
# across a clause or past a student ("a story about Maya's diagnosis" stays a record).
_GAP_WORD: Final[str] = r"(?:(?!(?:his|her|their|my)\s)[a-z0-9-]+\s+)"
# A name word, "O'Brien" included, never a possessive ("Mr. Lee's student is out sick").
_SURNAME: Final[str] = r"[\w-]+(?:'(?!s(?!\w))[\w-]+)?"
_TITLE: Final[str] = r"(?:mr|mrs|ms|mx|dr|coach|principal|nurse|officer|dean|superintendent)"
GUARDS: Final[tuple[tuple[str, str | None, str, str], ...]] = (
    (
        "topic",
        None,
        "before",
        r"(?<!\w)(?:project|projects|presentation|essay|report|paper|speech|podcast|episode"
        r"|article|story|lesson|unit|research|documentary|video|poster|booth|campaign"
        r"|fundraiser|walk|talk|panel|webinar|workshop|seminar|segment|series|book)\s+"
        rf"(?:on|about|for|against|of)\s+{_GAP_WORD}?\Z",
    ),
    (
        "topic",
        None,
        "after",
        r"^\s+(?:awareness|prevention|research|advocacy|walk|fundraiser|club|alliance|assembly"
        r"|speaker|training|forum|fair|month|week)(?!\w)",
    ),
    (
        "helper",
        None,
        "before",
        r"(?<!\w)(?:peer\s+(?:tutor|tutors|tutoring|buddy|buddies|mentor|mentors|mentoring"
        r"|helper|helpers|partner|partners)|volunteer|volunteers|volunteered|volunteering"
        rf"|helps\s+out|helped\s+out|student\s+aide)\s+{_GAP_WORD}{{0,4}}\Z",
    ),
    (
        "adult subject",
        None,
        "before",
        rf"(?<!\w){_TITLE}\.?\s+{_SURNAME}(?:\s+{_SURNAME})?\s+(?:is|was|has\s+been|had\s+been"
        rf"|will\s+be|has|had|remains|is\s+still)\s+{_GAP_WORD}{{0,2}}\Z",
    ),
    (
        "role as a person",
        None,
        "before",
        r"(?<!\w)(?:interview|interviews|interviewed|interviewing|thank|thanks|thanked"
        r"|thanking|honor|honors|honored|honoring|celebrate|celebrates|celebrated|celebrating"
        r"|profile|profiles|profiled|profiling|welcome|welcomes|welcomed|welcoming|introduce"
        r"|introduces|introduced|introducing)\s+(?:the|our|a|an|their)\s+(?:new\s+)?\Z",
    ),
    (
        "a game suspended",
        "discipline",
        "before",
        r"(?<!\w)(?:the|this|that|our|their|today's|tonight's|saturday's|friday's)\s+"
        r"(?:game|games|match|meet|practice|play|race|tournament|competition|contest|bout"
        r"|event)\s+(?:was\s+|were\s+|got\s+|is\s+|are\s+|has\s+been\s+"
        r"|had\s+been\s+|will\s+be\s+)?\Z",
    ),
    (
        "a game suspended",
        "discipline",
        "after",
        r"^\s+(?:(?:due\s+to|because\s+of|for|by)\s+(?:the\s+|a\s+|an\s+)?(?:weather|lightning"
        r"|rain|storms?|thunder|thunderstorms?|heat|darkness|snow|fog|smoke|air\s+quality"
        r"|power\s+outage)|play|the\s+game|the\s+match|the\s+meet)(?!\w)",
    ),
)
_GUARD_WINDOW: Final[int] = 72

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
        guards: Sequence[tuple[str, str | None, str, str]] = GUARDS,
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
        # Guards, one alternation per side and category scope (see ``GUARDS``).
        self._guards: dict[tuple[str, str | None], re.Pattern[str]] = {}
        grouped: dict[tuple[str, str | None], list[str]] = {}
        for _label, scope, side, regex in guards:
            if side not in ("before", "after"):
                raise ValueError(f"guard side must be 'before' or 'after', not {side!r}")
            grouped.setdefault((side, scope), []).append(regex)
        for key, regs in grouped.items():
            self._guards[key] = re.compile("|".join(f"(?:{r})" for r in regs))

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
        if hits and self._guards:
            hits = [h for h in hits if not self._guarded(doc.text, h)]
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        return hits

    def _guarded(self, text: str, hit: ContextHit) -> bool:
        """Is this hit a topic, a helper's place, an adult's state or a game's status?"""
        before: str | None = None
        after: str | None = None
        for (side, scope), regex in self._guards.items():
            if scope is not None and scope != hit.category:
                continue
            if side == "before":
                if before is None:
                    before = text[max(0, hit.start - _GUARD_WINDOW) : hit.start]
                if regex.search(before):
                    return True
            else:
                if after is None:
                    after = text[hit.end : hit.end + _GUARD_WINDOW]
                if regex.match(after):
                    return True
        return False
