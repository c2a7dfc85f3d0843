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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final

from sitewatch.detectors.base import PhraseMatcher, normalize_phrase
from sitewatch.exceptions import ConfigError
from sitewatch.frozen import assemble
from sitewatch.scan.normalize import Document

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "GUARDS",
    "PATTERNS",
    "ContextHit",
    "ContextMatcher",
    "dispatch_alternation",
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
            r"(?<!\w)(?:has|had|have|got|gets|getting|with|earned|earning|at|holding)\s+(?:an?\s+)?"
            r"\d{1,3}(?:\.\d+)?\s?%\s+(?:in|on)(?!\w)",
        ),
        ("repeating a grade", rf"(?<!\w)(?:repeat|repeating|repeated)\s+{_ORDINAL}\s+grade(?!\w)"),
        (
            "test score",
            r"(?<!\w)(?:scored|scoring|score|scores|got|get|gets|getting|earned|earning|received"
            r"|made|for|needs|need|needed)\s+(?:only\s+|just\s+|at\s+least\s+)?"
            r"(?:an?\s+(?:perfect\s+)?\d{1,4}(?:\s?%|\s+out\s+of\s+\d{1,4}|/\d{1,4})?|\d{1,3}\s?%)"
            r"\s+on\s+"
            rf"(?:it|that|(?:the|his|her|their|a|an|this|last|my)\s+(?:[\w-]+\s+){{0,3}}?"
            rf"{_ASSESSMENT})(?!\w)",
        ),
        (
            "letter grade",
            r"(?<!\w)(?:(?:got|gets|get|getting|earned|earning|has|had|have|with|received)\s+an?"
            r"\s+[a-f][+-]?\s+(?:in|on)\s|from\s+an?\s+[a-f][+-]?\s+(?:up\s+)?to\s+an?\s+[a-f]"
            r"|up\s+from\s+an?\s+[d-f][+-]?(?!\w))",
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
            "an aced test",
            r"(?<!\w)(?:aced|aces|acing)\s+(?:the|his|her|their|a|an|that)\s+"
            rf"(?:[\w-]+\s+){{0,2}}?{_ASSESSMENT}(?!\w)",
        ),
        (
            "a grade needed",
            r"(?<!\w)(?:needs|need|needed|needing)\s+(?:at\s+least\s+)?an?\s+[a-d][+-]?\s+"
            r"or\s+(?:better|higher|above)(?!\w)",
        ),
        (
            "a grade-point average",
            r"(?<!\w)(?:below|under|above|over)\s+an?\s+"
            r"[0-4]\.\d{1,2}(?![\d%])(?!\s*(?:miles?|km|seconds?|sec|minutes?|mph|goals?"
            r"|points?|pts|assists?|rebounds?|era|average\s+(?:points|goals)))",
        ),
        (
            "a grade that dropped",
            r"(?<!\w)(?:grade|grades|average|gpa)\s+(?:has\s+|had\s+)?(?:dropped|fell|slipped"
            r"|tanked|plummeted|went\s+down)(?!\w)",
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
            "periods skipped",
            rf"(?<!\w)(?:cut|cuts|cutting|skip|skips|skipped|skipping|ditch|ditched|ditching"
            rf"|missed|left\s+before)\s+(?:the\s+)?(?:last\s+|first\s+)?{_COUNT}\s+"
            rf"(?:periods|classes|blocks)(?!\w)",
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
            r"|dislocated|bruised|injured|hurt|twisted|rolled|chipped|cracked|knocked\s+out)\s+"
            r"(?:(?:his|her|their|a|an|the)\s+)?(?:left\s+|right\s+|front\s+)?"
            rf"{_BODY_PART}(?!\w)",
        ),
        (
            "a strained muscle",
            rf"(?<!\w){_BODY_PART}\s+(?:strain|strains|sprain|sprains|tear|fracture|injury"
            r"|surgery)(?!\w)",
        ),
        (
            "taken to hospital",
            r"(?<!\w)(?:rushed|taken|admitted|brought|sent|transported)\s+to\s+(?:the\s+)?"
            r"(?:er|hospital|children's\s+hospital|emergency\s+room|urgent\s+care)(?!\w)",
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
#   * a role named as a person: "interviewed the school nurse", "played a school nurse";
#   * a relative's condition: "an essay about her grandmother's fight with cancer";
#   * the school's own things: "our detention room", "the new detention policy",
#     "the counseling office", "a discussion on how schools handle absences";
#   * games, not students: "the game got suspended because of lightning";
#   * part of an address: "counseling@district.k12.us", "district.org/attendance".
# Gap words hold no punctuation, possessive, his/her/their or clause-joining "but",
# "because", so a guard never reaches across a clause or past a student ("a story about
# Maya's diagnosis", "tutors after school but failed the test" stay records).
_GAP_WORD: Final[str] = (
    r"(?:(?!(?:his|her|their|my|but|because|although|though|while|yet)\s)[a-z0-9-]+\s+)"
)
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
        r"|fundraiser|walk|talk|panel|webinar|workshop|seminar|segment|series|book|discussion"
        r"|discussions|debate|debates|play|one-act|skit|film|movie|novel|poem|song|comic|app"
        r"|game|demo)\s+"
        rf"(?:on|about|for|against|of)\s+(?:(?:how|why|what|when|whether)\s+{_GAP_WORD}{{0,3}})?"
        rf"{_GAP_WORD}{{0,2}}\Z",
    ),
    (
        "topic",
        None,
        "before",
        r"(?<!\w)(?:bill|bills|proposal|petition|resolution|amendment|initiative)\s+"
        rf"(?:to|that\s+would|that\s+will)\s+{_GAP_WORD}{{0,4}}\Z",
    ),
    (
        "someone in general",
        None,
        "before",
        r"(?<!\w)(?:a|an|any|every|each|some)\s+(?:kid|student|teen|girl|boy|child|character"
        r"|person|classmate|patient|athlete|principal|teacher|coach)\s+(?:who|that|with)\s+"
        rf"{_GAP_WORD}{{0,4}}\Z",
    ),
    (
        "someone in general",
        None,
        "before",
        r"(?<!\w)(?:kids|students|teens|teenagers|people|patients|athletes|classmates"
        rf"|children|everyone|others)\s+to\s+{_GAP_WORD}{{0,2}}(?:their\s+)?\Z",
    ),
    (
        "how it works",
        None,
        "before",
        r"(?<!\w)(?:show|shows|showed|explain|explains|explained|demonstrate|demonstrates"
        r"|demonstrated|teach|teaches|taught|learn|learns|learned)\s+(?:\w+\s+)?(?:how|why)"
        r"\s+(?:to\s+(?:use\s+)?)?(?:an?\s+|the\s+)?\Z",
    ),
    (
        "topic",
        None,
        "after",
        r"^\s+(?:awareness|prevention|research|advocacy|walk|fundraiser|club|alliance|assembly"
        r"|speaker|training|forum|fair|month|week|policy|policies|law|laws|legislation|rules"
        r"|center|centers|centre|ramp|ramps|clinic|clinics|pandemic|epidemic|outbreak|shot"
        r"|shots|vaccine|vaccines|office|offices|department|patient|patients|survivor"
        r"|survivors|floor|ward|foundation|charity|drive)(?!\w)",
    ),
    (
        "the school's own",
        None,
        "before",
        r"(?<!\w)(?:our|the\s+school's|the\s+district's)\s+\Z",
    ),
    (
        "helper",
        None,
        "before",
        r"(?<!\w)(?:peer\s+(?:tutor|tutors|tutoring|buddy|buddies|mentor|mentors|mentoring"
        r"|helper|helpers|partner|partners)|volunteer|volunteers|volunteered|volunteering"
        r"|tutor|tutors|tutored|tutoring|mentor|mentors|mentored|mentoring"
        rf"|helps\s+out|helped\s+out|student\s+aide)\s+{_GAP_WORD}{{0,4}}\Z",
    ),
    (
        "a relative's",
        None,
        "before",
        r"(?<!\w)(?:grandmother|grandma|grandfather|grandpa|grandparent|grandparents|mother"
        r"|mom|mum|father|dad|parent|parents|brother|sister|aunt|uncle|cousin|stepmom|stepdad"
        rf"|neighbor|neighbour)(?:'s\s+{_GAP_WORD}{{0,3}}|\s+(?:is|was|has\s+been|had\s+been"
        rf"|has|had|is\s+still)\s+{_GAP_WORD}{{0,2}})\Z",
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
        r"|introduces|introduced|introducing|play|plays|played|playing|portray|portrays"
        r"|portrayed|portraying|shadow|shadows|shadowed|shadowing)\s+(?:the|our|a|an|their)"
        rf"\s+{_GAP_WORD}?\Z",
    ),
    (
        "part of an address",
        None,
        "before",
        r"(?:@[\w.\-]*|(?:https?://|www\.)\S*|\.(?<=[\w.+\-]\.))\Z",
    ),
    ("part of an address", None, "after", r"^(?:@|\.[a-z0-9])"),
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
_QUANTIFIERS: Final[str] = "?*+{"


def _structure(regex: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth) of each "(", ")" and "|" of ``regex`` from ``start``,
    outside escapes and character classes ("[(]" and "\\(" are not parentheses); depth is
    the nesting after a "(" and before a ")"."""
    depth = 0
    i = start
    in_class = False
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if regex.startswith("]", i + 1) or regex.startswith("^]", i + 1):
                i += 2 if regex[i + 1] == "]" else 3  # "[]...]" / "[^]...]": "]" is a member
                continue
        elif ch == "(":
            depth += 1
            yield i, ch, depth
        elif ch == ")":
            yield i, ch, depth
            depth -= 1
        elif ch == "|":
            yield i, ch, depth
        i += 1


def _group_end(regex: str, start: int) -> int:
    """Index just past the group that opens at ``regex[start]`` ("("); -1 if unbalanced."""
    for i, ch, depth in _structure(regex, start):
        if ch == ")" and depth == 1:
            return i + 1
    return -1


def _top_level_alternatives(body: str) -> list[str]:
    """``body`` split at its top-level "|" (not inside a group, a class or an escape)."""
    parts: list[str] = []
    last = 0
    for i, ch, depth in _structure(body):
        if ch == "|" and depth == 0:
            parts.append(body[last:i])
            last = i + 1
    parts.append(body[last:])
    return parts


def _leading_literal(regex: str) -> str | None:
    """The character every match of ``regex`` starts with when the regex opens with one
    literal character (a word character, or an escaped or plain punctuation character
    that means itself); None otherwise."""
    if not regex:
        return None
    ch = regex[0]
    if ch.isalnum() or ch == "_":
        return None if regex.startswith(_QUANTIFIERS_AFTER, 1) else ch
    if ch == "\\" and len(regex) > 1 and not regex[1].isalnum() and regex[1] != "_":
        return None if regex.startswith(_QUANTIFIERS_AFTER, 2) else regex[1]
    if ch in "@#%&'\"-/:;<=>!,~`":
        return None if regex.startswith(_QUANTIFIERS_AFTER, 1) else ch
    return None


_QUANTIFIERS_AFTER: Final[tuple[str, ...]] = tuple(_QUANTIFIERS)


def _distribute(regex: str, depth: int = 0) -> list[str] | None:
    """Alternatives equivalent to ``regex`` (in the order the regex engine tries them),
    each opening with one literal character: a leading non-capturing group is distributed
    over what follows it, "(?:a|b)c" → "ac", "bc" (the engine tries "a" then "c", backing
    into "b" only after every way through "a…c" failed: the same order). None when some
    alternative opens with anything else (a class, a repeat, a look-around)."""
    if depth > 8:
        return None
    if regex.startswith("(?:"):
        end = _group_end(regex, 0)
        if end < 0 or regex.startswith(_QUANTIFIERS_AFTER, end):
            return None
        out: list[str] = []
        for alt in _top_level_alternatives(regex[3 : end - 1]):
            expanded = _distribute(alt + regex[end:], depth + 1)
            if expanded is None:
                return None
            out.extend(expanded)
        return out
    return [regex] if _leading_literal(regex) is not None else None


def dispatch_alternation(
    regexes: Sequence[str], names: Sequence[str] | None = None, *, padded: bool = False
) -> str | None:
    """One regex matching what ``(?:r1)|(?:r2)|...`` matches, at the same positions and with
    the same alternative winning, but which the engine can skip through: alternatives are
    grouped by their first character, so the regex opens with a set of literal characters
    (searched for in C) and, at a position, tries only the alternatives that can start
    there, each opening with a literal the engine checks before entering it. A regex may
    open with ``(?<!\\w)`` (a word start), tested once per group right after the first
    character ("h(?<!\\wh)(?:as|ad)" ≡ "(?<!\\w)(?:has|had)"). With ``names``, each expanded
    alternative ends in an empty group ``(?P<name_k>)``, so ``lastgroup`` tells which regex
    matched ("name_k": a piece of the regex called "name"). None when some regex does not
    expand (see ``_distribute``): use the plain alternation then.

    ``padded``: every regex must open with ``(?<!\\w)``, and the result leaves the word
    start to the caller, who matches ``\\W(?:result)`` on the text behind one blank: the
    engine then stops only at the characters before a word, not at every letter."""
    heads: dict[str, list[tuple[bool, str]]] = {}
    count = 0
    for i, regex in enumerate(regexes):
        lead = regex.startswith(_WORD_START)
        if padded and not lead:
            return None
        body = regex[len(_WORD_START) :] if lead else regex
        expanded = _distribute(body)
        if expanded is None:
            return None
        for alt in expanded:
            first = _leading_literal(alt)
            if first is None or (lead and not (first.isalnum() or first == "_")):
                return None
            width = 1 if alt[0] != "\\" else 2
            rest = alt[width:]
            if names is not None:
                rest += f"(?P<{names[i]}_{count}>)"
                count += 1
            heads.setdefault(alt[:width], []).append((lead, rest))
    branches = []
    for head, alts in heads.items():
        # runs of alternatives with the same look-behind, in their order
        runs: list[tuple[bool, list[str]]] = []
        for lead, rest in alts:
            if runs and runs[-1][0] == lead:
                runs[-1][1].append(rest)
            else:
                runs.append((lead, [rest]))
        parts = []
        for lead, rests in runs:
            body = rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")"
            parts.append(f"(?<!\\w{head}){body}" if lead and not padded else body)
        branches.append(head + (parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"))
    return "|".join(branches)


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

    @classmethod
    def make(cls, start: int, end: int, category: str, term: str) -> ContextHit:
        """``ContextHit(start, end, category, term)`` built with ``assemble``, for the
        matcher's hot loop."""
        return assemble(cls, start=start, end=end, category=category, term=term)

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
        # Dispatched on the character before a word when every pattern starts at a word
        # start (the shipped ones do): see ``dispatch_alternation``.
        names = [f"p{i}" for i in range(len(regexes))]
        padded = dispatch_alternation(regexes, names, padded=True) if regexes else None
        self._padded = padded is not None
        self._pattern = (
            re.compile(rf"\W(?:{padded})" if padded is not None else self.pattern_regex(regexes))
            if regexes
            else None
        )
        # Guards, per side and category scope (see ``GUARDS``): the word-start ones as one
        # padded, dispatched regex, the others (an "@", a "www.") as another.
        self._guards: dict[tuple[str, str | None], list[tuple[re.Pattern[str], bool]]] = {}
        grouped: dict[tuple[str, str | None], list[str]] = {}
        for _label, scope, side, regex in guards:
            if side not in ("before", "after"):
                raise ValueError(f"guard side must be 'before' or 'after', not {side!r}")
            grouped.setdefault((side, scope), []).append(regex)
        for key, regs in grouped.items():
            self._guards[key] = self._guard_regexes(regs, key[0] == "before")
        self._checks: dict[
            str,
            tuple[list[tuple[re.Pattern[str], bool]], list[tuple[re.Pattern[str], bool]]],
        ] = {}

    @staticmethod
    def _guard_regexes(regs: Sequence[str], before: bool) -> list[tuple[re.Pattern[str], bool]]:
        """(regex, padded) pairs that find a guard where ``(?:r1)|(?:r2)|...`` does. A
        padded one is searched on the window behind one blank (``dispatch_alternation``)."""
        plain = [(re.compile("|".join(f"(?:{r})" for r in regs)), False)]
        if not before:
            return plain  # matched at the window's start only: cheap as it is
        lead = [r for r in regs if r.startswith(_WORD_START)]
        other = [r for r in regs if not r.startswith(_WORD_START)]
        out: list[tuple[re.Pattern[str], bool]] = []
        if lead:
            padded = dispatch_alternation(lead, padded=True)
            if padded is None:
                return plain
            out.append((re.compile(rf"\W(?:{padded})"), True))
        if other:
            dispatched = dispatch_alternation(other)
            if dispatched is None:
                return plain
            out.append((re.compile(dispatched), False))
        return out

    @staticmethod
    def pattern_regex(regexes: Sequence[str]) -> str:
        """One regex for all patterns, one pass: group ``p<i>`` (or ``p<i>_<k>``) names
        the pattern that matched. Dispatched on the first character when every pattern
        allows it (see ``dispatch_alternation``): the engine then skips in C to where some
        pattern can start and tries only those, instead of every pattern at every word
        start. (The matcher uses the padded form when it can, see ``_pattern_matches``.)"""
        names = [f"p{i}" for i in range(len(regexes))]
        dispatched = dispatch_alternation(regexes, names)
        if dispatched is not None:
            return dispatched
        # When every pattern starts at a word start, test that once per position rather
        # than once per pattern: the same matches, several times faster.
        lead = _WORD_START if regexes and all(r.startswith(_WORD_START) for r in regexes) else ""
        return (
            f"{lead}(?:"
            + "|".join(f"(?P<p{i}>{r[len(lead) :]})" for i, r in enumerate(regexes))
            + ")"
        )

    @classmethod
    def load(cls, extra_dir: Path | None = None) -> ContextMatcher:
        return cls(load_vocabularies(extra_dir))

    def find(self, doc: Document) -> list[ContextHit]:
        """Hits in normalized offsets, longest phrase first where phrases overlap."""
        text = doc.text
        make = ContextHit.make
        hits = [
            make(start, end, category, key)
            for start, end, key, categories in self._matcher.spans(text)
            for category in categories
        ]
        if self._pattern is not None:
            meta = self._pattern_meta
            for start, end, name in self._pattern_matches(text):
                category, label = meta[name]
                hits.append(make(start, end, category, label))
        if hits and self._guards:
            hits = [h for h in hits if not self._guarded(text, h)]
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        return hits

    def _pattern_matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, "p<i>") of every pattern match, as ``finditer`` of the plain
        alternation gives them: leftmost first, the first pattern that matches there, the
        next search from the match's end."""
        pattern = self._pattern
        if pattern is None:
            return []
        if not self._padded:
            return [
                (m.start(), m.end(), (m.lastgroup or "").split("_", 1)[0])
                for m in pattern.finditer(text)
            ]
        # On " " + text, "\W(?:body)" at [a, b) is the body at text[a : b - 1]; a body
        # starting at text index i has its separator at padded index i, so the next search
        # starts at the padded index of the match's end.
        out: list[tuple[int, int, str]] = []
        padded = " " + text
        search = pattern.search
        pos = 0
        while (m := search(padded, pos)) is not None:
            start, end = m.start(), m.end() - 1
            out.append((start, end, (m.lastgroup or "").split("_", 1)[0]))
            pos = end if end > start else end + 1
        return out

    def _guarded(self, text: str, hit: ContextHit) -> bool:
        """Is this hit a topic, a helper's place, an adult's state or a game's status?"""
        checks = self._checks.get(hit.category)
        if checks is None:
            checks = self._checks[hit.category] = self._checks_for(hit.category)
        before, after = checks
        if before:
            window = text[max(0, hit.start - _GUARD_WINDOW) : hit.start]
            padded_window = " " + window
            for regex, padded in before:
                if regex.search(padded_window if padded else window):
                    return True
        if after:
            window = text[hit.end : hit.end + _GUARD_WINDOW]
            for regex, _padded in after:
                if regex.match(window):
                    return True
        return False

    def _checks_for(
        self, category: str
    ) -> tuple[list[tuple[re.Pattern[str], bool]], list[tuple[re.Pattern[str], bool]]]:
        """The before and after guard regexes that apply to a category's hits."""
        before: list[tuple[re.Pattern[str], bool]] = []
        after: list[tuple[re.Pattern[str], bool]] = []
        for (side, scope), regexes in self._guards.items():
            if scope is None or scope == category:
                (before if side == "before" else after).extend(regexes)
        return before, after
