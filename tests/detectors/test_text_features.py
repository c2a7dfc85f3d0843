"""The cached featurizers give scikit-learn's numbers (detectors/text_features.py)."""

from __future__ import annotations

import importlib
import random
from typing import Any

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from sitewatch.detectors.text_features import (
    CalibratedTfidfScorer,
    HashedNgramScorer,
    TwoGenerationCache,
    char_wb_ngrams,
)
from sitewatch.detectors.toxicity import (
    ProfanityCheckModel,
    SitewatchModel,
    hashing_kwargs,
    lexicon_features,
    model_text,
    read_model_meta,
)

TEXTS = [
    "",
    "   ",
    "a",
    "you are a damn idiot",
    "Great concert tonight, thanks to every family who came (12).",
    "ΑΒΓ Ünïcödé  f\u200buck  you\n\nbitch",
    "the the the the",
    "§user url §user",
    "I will bring a gun tomorrow",
    "x" * 5000,
    "hello world " * 300,
    "日本語のテキストと emoji 🐻💙 mixed in",
    "tab\tseparated\u00a0nbsp\u2003em-space",
    "12 34 56",
    "l o s e r",
]


def random_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    alphabet = "abcdeéfghijklmnopqrstuvwxyz  §'!?.,0123456789ΑΩжщ🐻\n\t"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120))) for _ in range(n)]


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    meta = read_model_meta()
    return dict(meta["hashing"])


@pytest.mark.parametrize("part", ["word", "char"])
def test_hashed_scores_equal_scikit_learns(shipped: dict[str, Any], part: str) -> None:
    cfg = shipped[part]
    rng = np.random.default_rng(3)
    coef = rng.normal(size=int(cfg["n_features"])).astype(np.float32)
    vectorizer = HashingVectorizer(**hashing_kwargs(cfg))
    scorer = HashedNgramScorer(cfg, coef)
    texts = TEXTS + random_texts(300)
    expected = np.asarray(vectorizer.transform(texts) @ coef, dtype=np.float64)
    first = scorer.scores(texts)
    again = scorer.scores(texts)  # from the cache this time
    np.testing.assert_allclose(first, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(first, again)


def test_empty_and_whitespace_texts_score_zero(shipped: dict[str, Any]) -> None:
    scorer = HashedNgramScorer(shipped["char"], np.ones(int(shipped["char"]["n_features"])))
    assert scorer.scores(["", "  \n\t"]).tolist() == [0.0, 0.0]
    assert scorer.scores([]).tolist() == []


@pytest.mark.parametrize(
    ("word", "grams"),
    [
        ("a", [" a", "a ", " a "]),
        ("ab", [" a", "ab", "b ", " ab", "ab ", " ab "]),
    ],
)
def test_char_wb_ngrams_match_scikit_learn(word: str, grams: list[str]) -> None:
    analyzer = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    assert char_wb_ngrams(word, 2, 5) == grams == analyzer(word)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"binary": False}, "binary"),
        ({"norm": "l1"}, "norm"),
        ({"alternate_sign": True}, "alternate_sign"),
        ({"lowercase": True}, "lowercase"),
        ({"analyzer": "char"}, "analyzer"),
    ],
)
def test_unsupported_hashing_is_refused(
    shipped: dict[str, Any], change: dict[str, Any], problem: str
) -> None:
    cfg = {**shipped["char"], **change}
    with pytest.raises(ValueError, match=problem):
        HashedNgramScorer(cfg, np.zeros(int(cfg["n_features"])))


def test_the_word_cache_stays_bounded(shipped: dict[str, Any]) -> None:
    cfg = shipped["char"]
    scorer = HashedNgramScorer(cfg, np.zeros(int(cfg["n_features"])))
    scorer._words.limit = 100
    scorer.scores([f"word{i}" for i in range(1000)])
    assert len(scorer._words) <= 200


def test_two_generation_cache_keeps_what_comes_back() -> None:
    cache: TwoGenerationCache[int] = TwoGenerationCache(limit=3)
    cache.put("often", 1)
    for i in range(2):
        cache.put(f"once{i}", i)
    cache.put("once2", 2)  # young generation full: it becomes the old one
    assert cache.get("often") == 1  # found in the old generation, moved back to the young
    for i in range(3, 8):
        cache.put(f"once{i}", i)
    assert cache.get("once0") is None  # aged out
    assert len(cache) <= 6


def test_profanity_scorer_equals_the_packages_predict_prob() -> None:
    module = importlib.import_module("profanity_check.profanity_check")
    scorer = CalibratedTfidfScorer(module.vectorizer, module.model)
    texts = TEXTS + random_texts(200, seed=11)
    expected = module.predict_prob(texts)
    np.testing.assert_allclose(scorer.probabilities(texts), expected, rtol=1e-9, atol=1e-12)
    model = ProfanityCheckModel()
    model.load()
    assert model.fast


def test_profanity_model_of_another_shape_keeps_the_packages_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = importlib.import_module("profanity_check.profanity_check")
    with pytest.raises(ValueError, match="vectorizer"):
        CalibratedTfidfScorer(object(), module.model)
    monkeypatch.setattr(module, "vectorizer", object())
    model = ProfanityCheckModel()
    model.load()
    assert not model.fast
    assert model._predict_prob is module.predict_prob  # the package's own path


def test_sitewatch_model_scores_like_scikit_learn() -> None:
    model = SitewatchModel()
    model.load()
    meta = read_model_meta()
    texts = TEXTS + random_texts(100, seed=5)
    fast = model.decision(texts)
    # The same log-odds through scikit-learn's own vectorizers and the shipped weights.
    expected = np.full(len(texts), float(model._intercept))
    prepared = [model_text(t) for t in texts]
    for part, scorer in zip(("word", "char"), model._scorers, strict=True):
        vectorizer = HashingVectorizer(**hashing_kwargs(meta["hashing"][part]))
        expected += vectorizer.transform(prepared) @ scorer._coef
    expected += lexicon_features(prepared, model._lexicon) @ model._lex_coef
    np.testing.assert_allclose(fast, expected, rtol=1e-5, atol=1e-5)
