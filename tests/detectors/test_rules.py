"""District rules: keywords and patterns on normalized text, with the rule's severity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sitewatch.config import Settings
from sitewatch.detectors.base import DetectorContext
from sitewatch.detectors.rules import RulesDetector
from sitewatch.exceptions import ConfigError
from sitewatch.models import Severity
from sitewatch.scan.normalize import normalize
from sitewatch.typing import Detector

RULES: list[dict[str, Any]] = [
    {
        "name": "vaping",
        "severity": "high",
        "keywords": ["vape", "juul", "THC cart"],
        "clause": "5(a)",
        "description": "No promotion of vaping",
    },
    {"name": "private_contact", "pattern": r"\b(dm|snap(chat)?)\s+me\b"},
]


@pytest.fixture
def detector(detection_settings: Callable[..., Settings]) -> RulesDetector:
    d = RulesDetector.from_context(DetectorContext(detection_settings(rules=RULES), None))
    d.load()
    return d


CASES = [
    ("No vape pens at the game", [("rule.vaping", "vape", "matched keyword #1")]),
    ("NO VAPE PENS", [("rule.vaping", "VAPE", "matched keyword #1")]),
    ("vаpe (Cyrillic а)", [("rule.vaping", "vаpe", "matched keyword #1")]),
    ("ＪＵＵＬ", [("rule.vaping", "ＪＵＵＬ", "matched keyword #2")]),
    ("thc  cart", []),  # phrases need single spaces (spacing evasion is a later issue)
    ("selling a THC cart", [("rule.vaping", "THC cart", "matched keyword #3")]),
    ("v\u200bape", [("rule.vaping", "v\u200bape", "matched keyword #1")]),
    ("Snapchat me after practice", [("rule.private_contact", "Snapchat me", "matched pattern")]),
    ("DM ME", [("rule.private_contact", "DM ME", "matched pattern")]),
    (
        "vape? dm me",
        [
            ("rule.vaping", "vape", "matched keyword #1"),
            ("rule.private_contact", "dm me", "matched pattern"),
        ],
    ),
    # no-match rows
    ("vaper vapes vaporwave", []),
    ("juulia's recital", []),
    ("dm meeting at noon", []),
    ("the team snapped a photo with me", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_rules(detector: RulesDetector, text: str, expected: list[tuple[str, str, str]]) -> None:
    findings = detector.detect(normalize(text))
    got = [(f.category, text[f.start : f.end], f.explanation.split(": ", 1)[1]) for f in findings]
    assert got == expected
    for f in findings:
        assert f.score == 1.0
        assert f.detector == "rules"
        assert text[f.start : f.end] not in f.explanation


def test_rule_severity_and_clause_reach_the_finding(detector: RulesDetector) -> None:
    vaping, contact = detector.detect(normalize("vape, snap me"))
    assert vaping.severity is Severity.HIGH
    assert vaping.clause == "5(a)"
    assert vaping.explanation == "district rule 'vaping': matched keyword #1"
    assert contact.severity is Severity.MEDIUM  # the RuleSettings default
    assert contact.clause is None
    assert contact.explanation == "district rule 'private_contact': matched pattern"


def test_no_rules_no_findings(detection_settings: Callable[..., Settings]) -> None:
    d: Detector = RulesDetector.from_context(DetectorContext(detection_settings(), None))
    assert isinstance(d, Detector)
    assert list(d.detect(normalize("vape"))) == []


def test_invisible_keyword_is_config_error(detection_settings: Callable[..., Settings]) -> None:
    rules = [{"name": "bad", "keywords": ["ok", "\u200b"]}]
    d = RulesDetector.from_context(DetectorContext(detection_settings(rules=rules), None))
    with pytest.raises(ConfigError, match=r"rules\[0\] \(name='bad'\)\.keywords\[1\]"):
        d.load()


# -- evasion: keywords match leetspeak, spacing and stretching ------------------------------
@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("go k1ll y0urself", "k1ll y0urself"),
        ("ur such a L O S E R", "L O S E R"),
        ("what an idioooot", "idioooot"),
        ("nobody likes you l0ser", "l0ser"),
    ],
)
def test_keywords_see_through_evasion(text: str, matched: str) -> None:
    from sitewatch.config import RuleSettings
    from sitewatch.detectors.rules import RulesDetector
    from sitewatch.scan.normalize import normalize

    detector = RulesDetector(
        [
            RuleSettings(name="self_harm", severity="critical", keywords=["kill yourself"]),
            RuleSettings(name="harassment", keywords=["loser", "idiot"]),
        ]
    )
    findings = detector.detect(normalize(text))
    assert [text[f.start : f.end] for f in findings] == [matched]
