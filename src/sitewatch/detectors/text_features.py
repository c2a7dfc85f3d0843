"""Exact, cached scorers for the two scikit-learn text featurizers the offline toxicity
models use: ``HashingVectorizer`` (binary, l2-normalised word or ``char_wb`` n-grams) and
``TfidfVectorizer`` (word unigrams) under a calibrated linear SVM (alt-profanity-check).

scikit-learn builds every text's n-grams and hashes each one on every call, then pays for
sparse-matrix construction and input validation per batch: at one post per call the daemon
spent most of its toxicity time there. These scorers compute the same numbers from the same
fitted weights, but cache each word's feature indices (a bounded cache: post text is hostile
and words such as "(12345)." never repeat) and score a text with one set union and one
gather. They are pure functions of the fitted state: the test suite checks them against
scikit-learn on hostile and ordinary text (tests/detectors/test_text_features.py).

Only the linear part is re-implemented; fitting stays in scikit-learn
(``bench/train_toxicity.py``).
"""

from __future__ import annotations

import importlib
import math
import re
from array import array
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Generic, TypeVar

WORD_CACHE_LIMIT: Final[int] = 20_000
"""Words (or word n-grams) each featurizer keeps per cache generation (two generations):
memory stays bounded however many distinct words the posts carry (~10 MB for the char
featurizer when full), and the words that keep coming back stay cached."""

_V = TypeVar("_V")


class TwoGenerationCache(Generic[_V]):
    """A bounded memo: new entries go to the young generation; when it is full it becomes
    the old one (the previous old one is dropped). A hit in the old generation moves back
    to the young one, so frequent words survive and one-off words ("(12345).") age out."""

    def __init__(self, limit: int = WORD_CACHE_LIMIT) -> None:
        self.limit = limit
        self._young: dict[str, _V] = {}
        self._old: dict[str, _V] = {}

    def __len__(self) -> int:
        return len(self._young) + len(self._old)

    def get(self, key: str) -> _V | None:
        value = self._young.get(key)
        if value is None:
            value = self._old.pop(key, None)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key: str, value: _V) -> None:
        if len(self._young) >= self.limit:
            self._old = self._young
            self._young = {}
        self._young[key] = value


_INT32_MIN: Final[int] = -(2**31)


def _hash_index(murmur: Callable[[str], int], feature: str, n_features: int) -> int:
    """The column scikit-learn's ``FeatureHasher`` gives ``feature`` (sklearn/feature_extraction/
    _hashing_fast.pyx: signed 32-bit MurmurHash3 of the UTF-8 bytes, seed 0)."""
    h = murmur(feature)
    if h == _INT32_MIN:
        return (2147483647 - (n_features - 1)) % n_features
    return abs(h) % n_features


def char_wb_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """One whitespace-free word's ``char_wb`` n-grams, as scikit-learn's ``_char_wb_ngrams``."""
    padded = " " + word + " "
    length = len(padded)
    grams: list[str] = []
    for n in range(min_n, max_n + 1):
        offset = 0
        grams.append(padded[offset : offset + n])
        while offset + n < length:
            offset += 1
            grams.append(padded[offset : offset + n])
        if offset == 0:  # a short word counts once
            break
    return grams


class HashedNgramScorer:
    """``HashingVectorizer(binary=True, norm="l2", alternate_sign=False, lowercase=False)``
    followed by a dot product with ``coef``: ``Σ coef[i] / √n`` over the n distinct hashed
    columns of the text's n-grams.

    ``analyzer="char_wb"`` caches each word's columns (its n-grams never cross a space);
    ``analyzer="word"`` caches each token and token pair.
    """

    def __init__(self, cfg: Mapping[str, Any], coef: Any) -> None:
        problems = [
            key
            for key, wanted in (
                ("binary", True),
                ("norm", "l2"),
                ("alternate_sign", False),
                ("lowercase", False),
            )
            if cfg.get(key) != wanted
        ]
        analyzer = str(cfg.get("analyzer"))
        if analyzer not in ("word", "char_wb"):
            problems.append("analyzer")
        if problems:
            raise ValueError(f"unsupported hashing configuration: {', '.join(problems)}")
        self._np = importlib.import_module("numpy")
        murmur = importlib.import_module("sklearn.utils").murmurhash3_32
        self._murmur: Callable[[str], int] = murmur
        self.analyzer = analyzer
        self.n_features = int(cfg["n_features"])
        self.min_n, self.max_n = (int(cfg["ngram_range"][0]), int(cfg["ngram_range"][1]))
        pattern = cfg.get("token_pattern") or r"(?u)\b\w\w+\b"
        self._tokens = re.compile(str(pattern)).findall
        self._coef = self._np.asarray(coef, dtype=self._np.float64)
        self._words: TwoGenerationCache[array[int]] = TwoGenerationCache()
        self._grams: TwoGenerationCache[int] = TwoGenerationCache()

    def _index(self, feature: str) -> int:
        return _hash_index(self._murmur, feature, self.n_features)

    def _word_columns(self, word: str) -> array[int]:
        columns = self._words.get(word)
        if columns is None:
            grams = char_wb_ngrams(word, self.min_n, self.max_n)
            columns = array("i", sorted({self._index(g) for g in grams}))
            self._words.put(word, columns)
        return columns

    def _gram_column(self, gram: str) -> int:
        column = self._grams.get(gram)
        if column is None:
            column = self._index(gram)
            self._grams.put(gram, column)
        return column

    def columns(self, text: str) -> set[int]:
        """The distinct hashed columns of ``text``'s n-grams."""
        if self.analyzer == "char_wb":
            out: set[int] = set()
            for word in text.split():
                out.update(self._word_columns(word))
            return out
        tokens = self._tokens(text)
        column = self._gram_column
        found = {column(t) for t in tokens} if self.min_n <= 1 else set()
        for n in range(max(2, self.min_n), min(self.max_n, len(tokens)) + 1):
            for i in range(len(tokens) - n + 1):
                found.add(column(" ".join(tokens[i : i + n])))
        return found

    def scores(self, texts: Sequence[str]) -> Any:
        """``transform(texts) @ coef`` as a float64 array (one gather for the whole batch)."""
        np = self._np
        sizes = np.zeros(len(texts), dtype=np.int64)
        flat: list[int] = []
        for i, text in enumerate(texts):
            cols = self.columns(text)
            sizes[i] = len(cols)
            flat.extend(cols)
        out = np.zeros(len(texts), dtype=np.float64)
        filled = sizes > 0
        if not filled.any():
            return out
        picked = self._coef[np.fromiter(flat, dtype=np.int64, count=len(flat))]
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))[filled]
        out[filled] = np.add.reduceat(picked, starts) / np.sqrt(sizes[filled])
        return out


class CalibratedTfidfScorer:
    """alt-profanity-check's ``predict_prob``: ``TfidfVectorizer`` (word unigrams, l2) into a
    ``CalibratedClassifierCV`` of linear models with sigmoid calibration, whose probability
    is the mean over folds of ``1 / (1 + exp(a·d + b))`` with ``d`` the fold's decision value.

    Built from the fitted objects; ``ValueError`` when they are of another shape (a future
    alt-profanity-check), so the caller can keep the package's own path.
    """

    def __init__(self, vectorizer: Any, model: Any) -> None:
        np = importlib.import_module("numpy")
        problems: list[str] = []
        if type(vectorizer).__name__ != "TfidfVectorizer":
            problems.append(f"vectorizer {type(vectorizer).__name__}")
        else:
            for key, wanted in (
                ("analyzer", "word"),
                ("ngram_range", (1, 1)),
                ("norm", "l2"),
                ("binary", False),
                ("sublinear_tf", False),
                ("use_idf", True),
                ("preprocessor", None),
                ("tokenizer", None),
                ("strip_accents", None),
            ):
                if getattr(vectorizer, key, None) != wanted:
                    problems.append(key)
        if getattr(model, "method", None) != "sigmoid":
            problems.append("calibration method")
        folds = getattr(model, "calibrated_classifiers_", None) or []
        if not folds:
            problems.append("no calibrated folds")
        if problems:
            raise ValueError(f"unsupported alt-profanity-check model: {', '.join(problems)}")
        self._np = np
        self.lowercase = bool(vectorizer.lowercase)
        self._tokens = re.compile(vectorizer.token_pattern).findall
        vocabulary: Mapping[str, int] = vectorizer.vocabulary_
        idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        weights = []
        intercepts = []
        calibration = []
        for fold in folds:
            estimator = fold.estimator
            coef = np.asarray(estimator.coef_, dtype=np.float64)
            if coef.shape != (1, len(idf)) or len(fold.calibrators) != 1:
                raise ValueError("unsupported alt-profanity-check model: fold shape")
            weights.append(coef[0])
            intercepts.append(float(np.asarray(estimator.intercept_).reshape(-1)[0]))
            sigmoid = fold.calibrators[0]
            calibration.append((float(sigmoid.a_), float(sigmoid.b_)))
        w = np.vstack(weights) * idf  # (folds, vocabulary): weight × idf per term
        self._terms: dict[str, tuple[float, tuple[float, ...]]] = {
            term: (float(idf[col]), tuple(float(v) for v in w[:, col]))
            for term, col in vocabulary.items()
        }
        self._intercepts = tuple(intercepts)
        self._calibration = tuple(calibration)

    def probability(self, text: str) -> float:
        counts: dict[str, int] = {}
        terms = self._terms
        for token in self._tokens(text.lower() if self.lowercase else text):
            if token in terms:
                counts[token] = counts.get(token, 0) + 1
        folds = len(self._intercepts)
        dots = [0.0] * folds
        norm2 = 0.0
        for token, count in counts.items():
            idf, weighted = terms[token]
            norm2 += (count * idf) ** 2
            for k in range(folds):
                dots[k] += count * weighted[k]
        scale = 1.0 / math.sqrt(norm2) if norm2 > 0.0 else 0.0
        total = 0.0
        for k, (a, b) in enumerate(self._calibration):
            d = dots[k] * scale + self._intercepts[k]
            z = a * d + b
            # expit(-z) without overflow
            total += 1.0 / (1.0 + math.exp(z)) if z < 700.0 else 0.0
        return total / folds

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        return [self.probability(t) for t in texts]
