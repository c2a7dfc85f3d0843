"""normalize(): folding table and the offset map back to the original text."""

from __future__ import annotations

import random
import time

import pytest

from sitewatch.scan.normalize import Document, normalize

CASES = [
    ("Maya Chen", "maya chen"),
    ("ＭＡＹＡ　Ｃｈｅｎ", "maya chen"),  # fullwidth letters and ideographic space
    ("Mаya Сhen", "maya chen"),  # Cyrillic а, С
    ("ΜΑΥΑ", "maya"),  # Greek capitals
    ("José Ramírez", "jose ramirez"),
    ("Jose\u0301", "jose"),  # decomposed accent
    ("Straße", "strasse"),
    ("ﬁnal", "final"),
    ("Ma\u200bya\u200d\ufeff", "maya"),  # zero-width space/joiner, BOM
    ("soft\u00adhyphen", "softhyphen"),
    ("tab\tand\nnewline", "tab\tand\nnewline"),
    ("crlf\r\nline\u2028sep", "crlf\n\nline\nsep"),
    ("bell\x07null\x00", "bellnull"),
    ("０７８－０５－１１２３", "078-05-1123"),
    ("O’Brien – 10", "o'brien - 10"),
    ("x\ud800y", "xy"),  # a lone surrogate is dropped, not a crash
    ("😀 🎺", "😀 🎺"),  # astral characters pass through
    ("𝐌𝐚𝐲𝐚", "maya"),  # mathematical bold
    ("İstanbul", "istanbul"),
    ("Łukasz Søren", "lukasz soren"),
    ("", ""),
]


@pytest.mark.parametrize(("original", "expected"), CASES)
def test_normalize_text(original: str, expected: str) -> None:
    doc = normalize(original)
    assert doc.text == expected
    assert doc.original == original
    assert len(doc.offsets) == len(doc.text)


@pytest.mark.parametrize(
    ("original", "needle", "expected"),
    [
        ("Hi Mаya Chen!", "maya chen", "Mаya Chen"),
        ("Ｍａｙａ", "maya", "Ｍａｙａ"),
        ("Straße 5", "ss", "ß"),  # part of an expansion covers the whole original char
        ("Straße 5", "strasse", "Straße"),
        ("Straße 5", "e 5", "e 5"),
        ("a ﬁne day", "f", "ﬁ"),
        ("Ma\u200bya Chen", "maya", "Ma\u200bya"),
        ("Jose\u0301 won", "jose", "Jose\u0301"),  # trailing combining mark included
        ("\u200b\u200bMaya", "maya", "Maya"),  # leading dropped chars excluded
        ("x\ud800y", "xy", "x\ud800y"),
    ],
)
def test_to_original(original: str, needle: str, expected: str) -> None:
    doc = normalize(original)
    start = doc.text.index(needle)
    o_start, o_end = doc.to_original(start, start + len(needle))
    assert original[o_start:o_end] == expected
    assert doc.original_slice(start, start + len(needle)) == expected


def test_to_original_empty_and_bad_spans() -> None:
    doc = normalize("ab\u200b")
    assert doc.to_original(1, 1) == (1, 1)
    assert doc.to_original(2, 2) == (3, 3)
    with pytest.raises(ValueError, match="outside"):
        doc.to_original(0, 3)
    with pytest.raises(ValueError, match="outside"):
        doc.to_original(2, 1)


ALPHABET = "aZ ß\u0301\u200bﬁＡа\ufdfa😀\ud800\r\n\t.İǰ﹘Η"


def test_every_span_maps_to_covering_original() -> None:
    """Property: every normalized span maps to an original span whose fold contains it."""
    rng = random.Random(1234)
    for _ in range(200):
        original = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))
        doc = normalize(original)
        assert list(doc.offsets) == sorted(doc.offsets)
        assert all(0 <= o < len(original) for o in doc.offsets)
        n = len(doc.text)
        for i in range(n + 1):
            for j in range(i, n + 1):
                o_start, o_end = doc.to_original(i, j)
                assert 0 <= o_start <= o_end <= len(original)
                assert doc.text[i:j] in normalize(original[o_start:o_end]).text


def test_document_is_frozen() -> None:
    doc = normalize("abc")
    assert isinstance(doc, Document)
    with pytest.raises(AttributeError):
        doc.text = "x"  # type: ignore[misc]
    assert hash(doc) == hash(normalize("abc"))


@pytest.mark.parametrize(
    "unit",
    [
        "Maya Chen was suspended; call 555-201-3344. ",
        "Майя Чен ß é\u0301 ﬁ\u200b ＦＵＬＬ 😀 ",
    ],
)
def test_one_megabyte_is_fast(unit: str) -> None:
    text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    began = time.perf_counter()
    doc = normalize(text)
    elapsed = time.perf_counter() - began
    assert len(doc.offsets) == len(doc.text)
    assert elapsed < 1.0


# -- content view: evasion folding ------------------------------------------------------------
from sitewatch.scan.normalize import content_view  # noqa: E402


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("k1ll y0urself", "kill yourself"),
        ("You are a L O S E R", "you are a loser"),
        ("a s s", "ass"),
        ("go k.i.l.l y.o.u.r.s.e.l.f", "go kill yourself"),
        ("idiooooot!", "idiot!"),
        ("you @ss", "you ass"),
        ("Ｋ１ＬＬ yourself", "kill yourself"),
        ("l-o-s-e-r", "loser"),
        # no-change rows: numbers, dates, phones, ordinary words, trailing punctuation
        ("Concert 11/02/2026, call 555-0147!", "concert 11/02/2026, call 555-0147!"),
        ("Room 204 at 7:30", "room 204 at 7:30"),
        ("Good luck!!", "good luck!!"),
        ("I am in", "i am in"),
    ],
)
def test_content_view_folds_evasion(text: str, folded: str) -> None:
    view = content_view(normalize(text))
    assert view.text == folded
    # every character of the view maps into the original, in order
    assert list(view.offsets) == sorted(view.offsets)
    assert all(0 <= o < len(text) for o in view.offsets)


def test_content_view_spans_map_to_the_original() -> None:
    text = "ok so k 1 l l yourself lol"
    view = content_view(normalize(text))
    start = view.text.index("kill yourself")
    o_start, o_end = view.to_original(start, start + len("kill yourself"))
    assert text[o_start:o_end] == "k 1 l l yourself"


def test_content_view_is_identity_when_nothing_to_fold() -> None:
    doc = normalize("plain words only")
    assert content_view(doc) is doc


# -- the pure-ASCII fast path -------------------------------------------------------------------

from sitewatch.scan import normalize as normalize_module  # noqa: E402


def test_ascii_fast_path_table_matches_fold_char() -> None:
    """Every ASCII code point the fast path accepts folds to its lowercase, one char."""
    special = normalize_module._ASCII_SPECIAL
    for cp in range(128):
        ch = chr(cp)
        if special.search(ch) is None:
            assert normalize_module.fold_char(ch) == ch.lower(), repr(ch)
        else:
            assert normalize_module.fold_char(ch) != ch.lower(), repr(ch)


ASCII_CASES = [
    "",
    "Maya Chen",
    "MAYA CHEN got DETENTION.",
    "tab\tand\nnewline",
    "crlf\r\nline",
    "bell\x07null\x00del\x7f",
    "vt\x0bff\x0cfs\x1cgs\x1drs\x1eus\x1f",
    "Call (217) 384-2015 or 555.123.4567!",
    "a@b.io ~`!@#$%^&*()_+-=[]{}|;':\",./<>?",
    "".join(chr(cp) for cp in range(128)),
]


@pytest.mark.parametrize("text", ASCII_CASES)
def test_ascii_fast_path_gives_the_same_document(text: str) -> None:
    assert normalize(text) == normalize_module._normalize(text)


def test_ascii_fast_path_random() -> None:
    rnd = random.Random(7)
    for _ in range(2000):
        text = "".join(chr(rnd.randrange(128)) for _ in range(rnd.randrange(0, 40)))
        assert normalize(text) == normalize_module._normalize(text)


def test_document_digits() -> None:
    assert normalize("no digits").digits == 0
    assert normalize("call 555-0100").digits == 7
    assert normalize("０７８－０５").digits == 5  # fullwidth digits fold to ASCII
    assert normalize("١٢٣ and 4").digits == 4  # other decimal digits count, as \d does


# -- the general path folds only the runs outside plain ASCII ---------------------------------

from sitewatch.scan.normalize import fold_char  # noqa: E402


def _reference(text: str) -> tuple[str, list[int]]:
    """The definition: every code point folded on its own, the map expanded char by char."""
    folded = [fold_char(ch) for ch in text]
    offsets = [i for i, out in enumerate(folded) for _ in out]
    return "".join(folded), offsets


UNICODE_CASES = [
    "",
    "plain ascii only, no change",
    "tab\tand\nnewline\r\nand \x00 controls \x7f",
    "Siobhán Jаng (Cyrillic а), student number 42671274.",
    "TARIQ BÙI'S 504 meeting",
    "ＭＡＹＡ　Ｃｈｅｎ’ｓ ＳＳＮ ０７８－０５－１１２３",
    "Straße ﬁne Æsir œuvre İstanbul ǰ",  # folds of more than one character
    "Jose\u0301 Ma\u200bya\u200d\ufeff soft\u00adhyphen",  # folds of none
    "Майя Чен, 李小龍, مرحبا ١٢٣, 😀🎺, \ud800 lone surrogate",
    "a\u0301" * 20 + "x" * 9 + "é" + "y" * 10 + "ß",  # runs split and merged around 8 plain
]


@pytest.mark.parametrize("text", UNICODE_CASES)
def test_general_path_is_the_per_character_fold(text: str) -> None:
    doc = normalize_module._normalize(text)
    folded, offsets = _reference(text)
    assert doc.text == folded
    assert list(doc.offsets) == offsets
    assert normalize(text) == doc
    if offsets == list(range(len(text))):
        assert isinstance(doc.offsets, range)  # the identity map costs nothing


def test_general_path_random_unicode() -> None:
    rnd = random.Random(20260901)
    pool = [*ALPHABET, *"abcXYZ 019.,-'\t\n", "\x00", "\x85", "ǅ", "ﬃ", "ᾈ", "㍱", "Ⅻ", "가"]
    for _ in range(3000):
        text = "".join(rnd.choice(pool) for _ in range(rnd.randrange(0, 40)))
        doc = normalize(text)
        folded, offsets = _reference(text)
        assert (doc.text, list(doc.offsets)) == (folded, offsets), repr(text)


def test_general_path_one_megabyte() -> None:
    unit = "Майя Чен ß é\u0301 ﬁ\u200b ＦＵＬＬ 😀 plain words between them "
    text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    doc = normalize(text)
    folded, offsets = _reference(text)
    assert doc.text == folded
    assert list(doc.offsets) == offsets


def test_ascii_fast_path_accepts_printable_text_without_the_regex() -> None:
    """``str.isprintable`` on ASCII text means no character of ``_ASCII_SPECIAL``."""
    for cp in range(128):
        ch = chr(cp)
        if ch.isprintable():
            assert normalize_module._ASCII_SPECIAL.search(ch) is None, repr(ch)


def test_document_built_without_init_is_the_dataclass() -> None:
    built = normalize_module._document("Ab", "ab", range(2))
    assert built == Document("Ab", "ab", range(2))
    assert hash(built) == hash(Document("Ab", "ab", range(2)))
    assert repr(built) == repr(Document("Ab", "ab", range(2)))
    with pytest.raises(AttributeError):
        built.text = "x"  # type: ignore[misc]


def test_digits_are_counted_once_and_are_not_a_field() -> None:
    doc = normalize("call 555-0100")
    assert "digits" not in doc.__dict__
    assert doc.digits == 7
    assert doc.__dict__["digits"] == 7  # later reads are a plain attribute
    assert doc == normalize("call 555-0100")  # equality and hashing ignore it
    assert Document.digits is not None  # the descriptor itself, read from the class
