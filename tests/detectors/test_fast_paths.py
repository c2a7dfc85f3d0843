"""The scan's fast paths find exactly what the slow ones did.

* phone rule 1: ``_Matcher`` (``PhoneNumberMatcher`` with each candidate's verdict
  memoized) yields the library's own matches, cold cache or warm, on a table of tricky
  inputs and a seeded random corpus, for several regions;
* address: every match of a gated pattern holds its gate, and the findings are the same
  with the gates switched off; birthdate: the same with the birth-word gate bypassed;
* ``PhraseMatcher.spans`` is ``find`` as tuples.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

import pytest
from phonenumbers import Leniency, PhoneNumberMatcher

from sitewatch.detectors import pii
from sitewatch.detectors.base import PhraseMatcher, normalize_phrase
from sitewatch.detectors.pii import AddressDetector, BirthdateDetector, PhoneDetector
from sitewatch.scan.normalize import normalize

_PHONES = (
    "(415) 555-0132", "415-555-0132", "415.555.0132", "415 555 0132", "+1 415 555 0132",
    "1-800-555-0199", "(212)555-1234", "212-555-1234 x12", "+44 20 7946 0958",
    "020 7946 0958", "+33 1 42 68 53 00", "+49 30 901820", "+61 2 9374 4000",
    "+91 98765 43210", "06-12345678", "+31 6 12345678", "+1 (202) 456-1111",
    "202.456.1111", "1 800 356 9377", "(0)20 7946 0958", "+44 (0)20 7946 0958",
    "650-253-0000", "650 253 0000 ext 1", "6502530000", "16502530000", "+16502530000",
    "tel:+1-650-253-0000", "650/253-0000", "(650) 253 - 0000", "650-253-00001",
    "1650253000", "[650] 253-0000", "650 253 0000 xx 12", "650 253 0000 x", "011 44 20 7946 0958",
    "030 901820", "0049 30 901820", "3/10/2011", "2012-01-02 08:00", "211-227 (2003)",
    "651-234-2345/332-445-1234", "12345 - 332-445-1234", "(650) 223 3345 (754) 223 3321",
    "3324451234 8002341234", "650–253–0000", "６５０ ２５３ ００００", "+683 4002",
)  # fmt: skip
_WRAPS = (
    "{}", "call {}", "x{}", "{}x", "a{}b", "({})", "{}.", "{},", "1{}", "{}1", "#{}", "{}/",
    "/{}", "{} - {}", "{}{}", "{}, {}", "{}\n{}", "ph:{}", "é{}", "{}é", "_{}_", "{}%",
    "${}", "{}$", "€{}", "{} usd", '"{}"', "[{}]", "{} ext 5", "{} x 77", "{}ext1", "ǅ{}",
    "{}:30", "{} 08:00", "Ж{}", "{}ʰ",
)  # fmt: skip


def _tricky() -> list[str]:
    return [w.format(p, p) for w in _WRAPS for p in _PHONES]


def _random_corpus(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    pieces = ["+", "+1", "+44", "00", "011", "(", ")", "[", "]", "-", ".", "/", " ", "  ",
              "x", "ext", "#", "a", "é", "%", "$", ":", "\n", "–", "０", "٣", "12", "555",
              "2", "0", "650", "253", "0000", "7946", "0958", "415", "20"]  # fmt: skip
    out = []
    for _ in range(n):
        out.append("".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 30))))
        digits = "".join(rnd.choice("0123456789") for _ in range(rnd.choice([7, 10, 11, 12])))
        out.append(rnd.choice(["call ", "", "x", "(", "a"]) + digits + rnd.choice(["", "b", ")"]))
    return out


def _library(text: str, region: str) -> list[tuple[Any, ...]]:
    return [
        (m.start, m.end, m.raw_string, m.number)
        for m in PhoneNumberMatcher(text, region, leniency=Leniency.VALID)
    ]


def _ours(text: str, region: str) -> list[tuple[Any, ...]]:
    return [(m.start, m.end, m.raw_string, m.number) for m in pii._Matcher(text, region)]


@pytest.mark.parametrize("region", ["US", "GB", "DE"])
def test_phone_matcher_is_the_library_matcher(region: str) -> None:
    texts = [normalize(t).text for t in (*_tricky(), *_random_corpus(1500, 20260901))]
    expected = [_library(t, region) for t in texts]
    assert sum(map(len, expected)) > 100  # the corpus exercises the matcher
    pii._verify.cache_clear()
    assert [_ours(t, region) for t in texts] == expected  # cold
    assert [_ours(t, region) for t in texts] == expected  # warm
    assert pii._verify.cache_info().hits > 0


def test_phone_detector_same_cold_and_warm() -> None:
    detector = PhoneDetector(allow_phones=["(555) 201-0100"], student_id_pattern=r"\b4\d{7}\b")
    docs = [normalize(t) for t in (*_tricky(), *_random_corpus(300, 7))]
    pii._verify.cache_clear()
    cold = [list(detector.detect(d)) for d in docs]
    assert [list(detector.detect(d)) for d in docs] == cold
    assert any(cold)


# -- address and birthdate gates ---------------------------------------------------------------

_ADDRESS_TEXTS = (
    "Lives at 123 Main St., Springfield, IL 62704. Apt 4B.",
    "Via Roma 131, 00100 Roma; Kaiserstrasse 3\n60311 Frankfurt; 29 Rue de Tanger",
    "PO Box 1234, Anchorage AK 99501; PSC 1234, Box 5678 APO AE 09001",
    "USS Nimitz FPO AP 96620-2820; p.o. box 7; Post Office Box 12",
    "Rákóczi út 66., Hegedűs Gyula utca 76., Király u. 15.; ul. Grochowa 80",
    "Harjukuja 54, Nørregade 7, Strandvejen 12; 20789 Allika 46; Pagari 18 Suite 932",
    "Game at 7 on Court Street; won 3 games at Lincoln Park; 3 hour drive",
    "4 Elm Dr\n12 Oak Avenue NW, 5 Pine Ln #3, 77 W. 3rd St, 1600 Pennsylvania Ave",
    "Born on March 3rd, 2012; her birthday is 04/05/2011; DOB 2010-03-04; bday 5/6",
    "She turns 12 on 5 June. Dates: 1/2, 5-6, 3.14, 2023-2024. born 2011-02-03T08:15",
)


def _gate_corpus(n: int = 1500) -> list[str]:
    rnd = random.Random(42)
    alphabet = "abcdefgh MAINSTboxapouVRdrln0123456789 -.,#/\n'’éö"
    out = list(_ADDRESS_TEXTS)
    for _ in range(n):
        chars = list(rnd.choice(_ADDRESS_TEXTS))
        for _ in range(rnd.randrange(1, 8)):
            chars[rnd.randrange(len(chars))] = rnd.choice(alphabet)
        out.append("".join(chars))
    return out


def test_every_match_of_a_gated_pattern_holds_its_gate() -> None:
    matched = 0
    for spec, gate in zip(AddressDetector.patterns, AddressDetector.gates, strict=True):
        if gate is None:
            continue
        regex, gate_rx = spec.compile(), re.compile(gate)
        for text in _gate_corpus():
            folded = normalize(text).text
            # every position, as ``_candidates`` retries one character later
            for start in range(len(folded)):
                m = regex.search(folded, start)
                if m is None:
                    break
                matched += 1
                assert gate_rx.search(folded) is not None, (spec.name, folded)
    assert matched > 1000


def test_address_gates_never_change_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [normalize(t) for t in _gate_corpus()]
    gated = AddressDetector()
    found = [list(gated.detect(d)) for d in docs]
    assert sum(map(len, found)) > 500
    monkeypatch.setattr(AddressDetector, "gates", (None,) * len(AddressDetector.patterns))
    assert [list(AddressDetector().detect(d)) for d in docs] == found


class _NoGate:
    """A context regex whose ``search`` always "finds": the birthdate gate never fires."""

    def __init__(self, regex: re.Pattern[str]) -> None:
        self._regex = regex

    def search(self, *args: Any) -> bool:
        return True

    def finditer(self, *args: Any) -> Iterator[re.Match[str]]:
        return self._regex.finditer(*args)


def test_birthdate_gate_never_changes_findings() -> None:
    docs = [normalize(t) for t in _gate_corpus()]
    gated = BirthdateDetector()
    found = [list(gated.detect(d)) for d in docs]
    assert sum(map(len, found)) > 100
    ungated = BirthdateDetector()
    ungated.load()
    assert ungated._context is not None
    ungated._context = _NoGate(ungated._context)  # type: ignore[assignment]
    assert [list(ungated.detect(d)) for d in docs] == found


def test_phrase_matcher_spans_are_find() -> None:
    words = ["ann smith", "ann", "smith-jones", "o'brien", "#1", "a.b@c.org", "x"]
    matcher = PhraseMatcher((normalize_phrase(w), i) for i, w in enumerate(words))
    for text in [*_gate_corpus(200), "ann smith's ann-smith-jones o'brien #1 a.b@c.org x"]:
        folded = normalize(text).text
        assert matcher.spans(folded) == [
            (h.start, h.end, h.key, h.payloads) for h in matcher.find(folded)
        ]
