"""Inappropriate content: a toxicity model scores the post, a phrase list finds self-harm.

Four real backends behind one small protocol (``ToxicityModel``):

* ``ensemble`` (the offline default): a small logistic regression over two model scores, the
  log-odds of alt-profanity-check and of sitewatch's own model below, fitted out-of-fold on
  the training corpora by ``bench/train_toxicity.py`` (never OLID) and shipped in the same
  ``data/toxicity_model.npz`` (``meta["ensemble"]``). It reports two labels: ``toxicity``
  scored with the mild words of ``data/toxicity_mild.txt`` ("damn", "hell", "sick", garden
  "hoe") masked, so mild words alone never make a sponsor incident, and ``profanity`` (crude
  language, a low digest finding) scored on the whole text.
* ``sitewatch``: sitewatch's own logistic regression on hashed word and character n-grams
  plus lexicon features, trained by ``bench/train_toxicity.py`` on licensed data (never OLID)
  and shipped as ``data/toxicity_model.npz`` with its provenance. One probability, reported
  as ``toxicity``; the word lists supply insult, threat, identity attack, sexual, profanity.
* ``profanity_check``: alt-profanity-check's linear model, shipped inside the package (the
  offline default before the ensemble). One probability, reported as both ``profanity`` and
  ``toxicity``; the defaults give them different thresholds so a mildly crude post is a low
  (digest) finding and only a clearly abusive one becomes a medium incident.
* ``detoxify``: a Detoxify checkpoint loaded from local files only (``checkpoint`` and
  ``huggingface_config_path``); sitewatch never downloads a model. A configured but broken
  Detoxify setup is a ``ConfigError``, never a silent fall-back to another backend.

Spans: the model scores the whole post and, when it has several sentences, each sentence
(up to ``MAX_SENTENCES``) in the same batch. For each label the highest-scoring candidate
wins, so a finding points at the offending sentence when one sentence carries it and at the
whole post (trimmed of surrounding whitespace) when the post as a whole does. The model sees
the normalized text (``doc.text``: case-folded, look-alikes and invisible characters folded)
so "ＩＤＩＯＴ" and "idіot" (Cyrillic і) score like "idiot"; spans map back through
``doc.to_original``.

The models have no self-harm label: ``data/self_harm.txt`` phrases matched as whole words give
``content.self_harm``, with or without a model (also when ``backend = "none"``).

Severity is not set here: threat and self-harm are critical through the policy
(``scan/severity.py``). Explanations name the backend, label, probability and threshold,
never the post.
"""

from __future__ import annotations

import html
import importlib
import json
import math
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Final, Literal, Protocol, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sitewatch.detectors.base import (
    DetectorContext,
    PhraseMatcher,
    longest_first,
    normalize_phrase,
)
from sitewatch.detectors.context import parse_vocabulary
from sitewatch.detectors.text_features import CalibratedTfidfScorer, HashedNgramScorer
from sitewatch.exceptions import ConfigError
from sitewatch.models import Finding
from sitewatch.scan.normalize import Document, content_view

if TYPE_CHECKING:
    from sitewatch.config import Settings

__all__ = [
    "DEFAULT_THRESHOLDS",
    "ENSEMBLE_FEATURES",
    "ENSEMBLE_THRESHOLD",
    "LABEL_CATEGORIES",
    "LEXICON_CATEGORIES",
    "LEXICON_KINDS",
    "LEXICON_SCORES",
    "PROB_CLIP",
    "DetoxifyModel",
    "EnsembleModel",
    "LexiconHit",
    "MildWords",
    "ProfanityCheckModel",
    "SitewatchModel",
    "StackWeights",
    "ToxicityDetector",
    "ToxicityLexicon",
    "ToxicityModel",
    "ToxicitySettings",
    "build_model",
    "compile_lexicon_entry",
    "describe_backend",
    "load_lexicon",
    "load_mild_words",
    "load_self_harm_phrases",
    "model_text",
    "model_view",
    "neutral_text",
    "sentence_spans",
]

Backend = Literal["ensemble", "sitewatch", "profanity_check", "detoxify", "none"]
Resolver = Callable[[str], Path]

# Model label → finding category (ARCHITECTURE section 5). Labels a checkpoint has beyond
# these are scored but never reported.
LABEL_CATEGORIES: Final[Mapping[str, str]] = {
    "toxicity": "content.toxicity",
    "severe_toxicity": "content.toxicity",
    "profanity": "content.profanity",
    "obscene": "content.profanity",
    "insult": "content.insult",
    "threat": "content.threat",
    "identity_attack": "content.identity_attack",
    "sexual_explicit": "content.sexual",
}

SITEWATCH_THRESHOLD: Final[float] = 0.43
"""The shipped sitewatch model's own threshold (``threshold`` in the npz; a test keeps them
equal): picked by bench/train_toxicity.py on out-of-fold scores of the training data, never
OLID. Figures: bench/toxicity_quality.py and the README's toxicity section."""

ENSEMBLE_THRESHOLD: Final[float] = 0.38
"""The ensemble's threshold (``meta["ensemble"]["threshold"]``; a test keeps them equal),
picked the same way on the ensemble's out-of-fold scores. A finding scoring under the severity
policy's weak score (0.5) is lowered one level, so 0.38–0.5 is a low (digest) finding and only
0.5 and above files a medium incident."""

# Per-backend default thresholds; ``detection.toxicity.thresholds`` overrides label by label.
# ensemble and sitewatch: see their constants above. profanity_check, measured with
# bench/toxicity_quality.py on OLID training ("offensive"):
# the detector at these defaults flags with precision 0.85 / recall 0.34 (any finding) and
# files incidents with precision 0.88 / recall 0.23; profanity_check alone at 0.5 has
# precision 0.83 / recall 0.37. Higher than 0.5 because school slang scores high ("that
# drumline was sick!" 0.90, "hell yeah we won" 0.89, "our drumline killed it" 0.64):
# profanity (low, digest only) takes 0.8; toxicity notifies a sponsor, so it takes 0.95.
# Detoxify's figures follow its authors' usage (0.5 is their cut-off) raised where a label is
# broad; they are not measured here (no real checkpoint is reachable offline).
DEFAULT_THRESHOLDS: Final[Mapping[str, Mapping[str, float]]] = {
    "ensemble": {"toxicity": ENSEMBLE_THRESHOLD, "profanity": ENSEMBLE_THRESHOLD},
    "sitewatch": {"toxicity": SITEWATCH_THRESHOLD},
    "profanity_check": {"profanity": 0.8, "toxicity": 0.95},
    "detoxify": {
        "toxicity": 0.8,
        "severe_toxicity": 0.5,
        "obscene": 0.8,
        "insult": 0.8,
        "threat": 0.5,
        "identity_attack": 0.5,
        "sexual_explicit": 0.5,
    },
    "none": {},
}

DETOXIFY_LABELS: Final[tuple[str, ...]] = (
    "toxicity",
    "severe_toxicity",
    "obscene",
    "threat",
    "insult",
    "identity_attack",
    "sexual_explicit",
)

# Detoxify's own renaming of Jigsaw class names (detoxify.detoxify.load_checkpoint).
_DETOXIFY_RENAMES: Final[Mapping[str, str]] = {
    "toxic": "toxicity",
    "identity_hate": "identity_attack",
    "severe_toxic": "severe_toxicity",
}

MAX_SENTENCES: Final[int] = 32
"""Posts are hostile: beyond this many sentences only the whole post is scored."""

SELF_HARM_SCORE: Final[float] = 0.9


class ToxicitySettings(BaseModel):
    """``[detection.toxicity]``: which backend, where its files are, per-label thresholds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    backend: Backend = "ensemble"
    checkpoint: str | None = None  # Detoxify: a torch checkpoint file (config + state_dict)
    # Detoxify: which published model the checkpoint is ("original", "unbiased", ...). Shown by
    # describe_backend; the checkpoint's own config decides the architecture and labels.
    model_type: str = "original"
    huggingface_config_path: str | None = None  # Detoxify: folder with HF config + tokenizer
    batch_size: Annotated[int, Field(ge=1, le=1024)] = 16
    thresholds: dict[str, Annotated[float, Field(gt=0.0, le=1.0)]] = Field(default_factory=dict)
    device: str = "cpu"
    # The offline word lists (data/toxicity_*.txt) next to the model; off = the model alone.
    lexicon: bool = True

    @field_validator("thresholds")
    @classmethod
    def _known_labels(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(LABEL_CATEGORIES))
        if unknown:
            known = ", ".join(sorted(LABEL_CATEGORIES))
            raise ValueError(f"unknown label(s) {', '.join(unknown)}; known labels: {known}")
        return value

    def effective_thresholds(self) -> dict[str, float]:
        """The backend's defaults with the configured overrides on top."""
        return {**DEFAULT_THRESHOLDS[self.backend], **self.thresholds}


def toxicity_settings(settings: Settings) -> ToxicitySettings:
    """``settings.detection.toxicity``, or the defaults until config.py has that field."""
    raw: Any = getattr(settings.detection, "toxicity", None)
    if raw is None:
        return ToxicitySettings()
    if isinstance(raw, ToxicitySettings):
        return raw
    data = raw.model_dump() if isinstance(raw, BaseModel) else raw
    return ToxicitySettings.model_validate(data)


class ToxicityModel(Protocol):
    """Scores texts: one ``label → probability`` dict per text, in input order."""

    name: str

    def load(self) -> None: ...

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]: ...


def _missing_package(backend: str, package: str, exc: ImportError) -> ConfigError:
    return ConfigError(
        f"detection.toxicity.backend = {backend!r} needs {package}, which is not installed "
        f"({exc.name}); install sitewatch with `pip install 'sitewatch[toxicity]'`"
    )


class ProfanityCheckModel:
    """alt-profanity-check: a linear SVM on word n-grams, trained model inside the package.

    Scored by ``CalibratedTfidfScorer`` from the package's own fitted vectorizer and model
    (the same numbers as its ``predict_prob`` without scikit-learn's per-call overhead);
    the package's ``predict_prob`` when its model has another shape.
    """

    name: str = "profanity_check"

    def __init__(self) -> None:
        self._predict_prob: Callable[[list[str]], Sequence[float]] | None = None
        self.fast: bool = False

    def load(self) -> None:
        if self._predict_prob is not None:
            return
        try:
            module = importlib.import_module("profanity_check.profanity_check")
        except ImportError as exc:
            raise _missing_package(self.name, "alt-profanity-check", exc) from None
        try:
            scorer = CalibratedTfidfScorer(module.vectorizer, module.model)
        except (AttributeError, ValueError):
            self._predict_prob = module.predict_prob
        else:
            self._predict_prob = scorer.probabilities
            self.fast = True

    def predict_raw(self, texts: Sequence[str]) -> list[float]:
        """alt-profanity-check's probability of each text, unclamped."""
        if not texts:
            return []
        self.load()
        assert self._predict_prob is not None
        return [float(p) for p in self._predict_prob(list(texts))]

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        probs = self.predict_raw(texts)
        out: list[dict[str, float]] = []
        for p in probs:
            value = _clamp(float(p))
            out.append({"profanity": value, "toxicity": value})
        return out


MODEL_FILE: Final[str] = "toxicity_model.npz"
MODEL_FORMAT: Final[int] = 2
MODEL_META_KEYS: Final[tuple[str, ...]] = (
    "format",
    "created",
    "seed",
    "hashing",
    "lexicon_features",
    "datasets",
    "training_rows",
    "excluded",
    "regularization_c",
    "threshold",
    "threshold_rule",
    "cv",
    "pruned_below",
    "sklearn",
    "ensemble",
)
"""Provenance keys every shipped ``toxicity_model.npz`` carries in its ``meta`` JSON."""

_URL: Final[re.Pattern[str]] = re.compile(r"(?:https?://|www\.)\S+")
_GENERIC: Final[re.Pattern[str]] = re.compile(r"§user|(?<!\w)url(?!\w)")
_MASKED_HANDLE: Final[re.Pattern[str]] = re.compile(r"§\w+")
_SPACES: Final[re.Pattern[str]] = re.compile(r"\s+")


def model_view(doc: Document) -> Document:
    """What the ``sitewatch`` model reads: the content view with @handles kept as handles
    ("@user" → "§user", same offsets) instead of leetspeak-folded into "auser"."""
    return content_view(_mask_handles(doc))


def model_text(text: str) -> str:
    """The model's own clean-up of a ``model_view`` text, in training and at inference:
    HTML entities decoded (scraped tweets carry "&amp;"), links and handles made generic."""
    text = html.unescape(text)
    text = _URL.sub(" url ", text)
    text = _MASKED_HANDLE.sub("§user", text)
    return _SPACES.sub(" ", text).strip()


def neutral_text(prepared: str) -> str:
    """alt-profanity-check's input: a ``model_text`` with the generic handle and link tokens
    removed. Its vocabulary has "url" (weight -0.54) and "user" (-0.14), so OLID's "@USER"
    and "URL" placeholders would pull every score down; a real @handle is out of its
    vocabulary and counts for nothing, and so it does here."""
    return _SPACES.sub(" ", _GENERIC.sub(" ", prepared)).strip()


def _model_resource() -> Any:
    return resources.files("sitewatch").joinpath("data", MODEL_FILE)


def read_model_meta() -> dict[str, Any]:
    """The shipped model's provenance (reads only the small ``meta`` member)."""
    ref = _model_resource()
    np = importlib.import_module("numpy")
    try:
        with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as data:
            meta: dict[str, Any] = json.loads(str(data["meta"]))
    except FileNotFoundError:
        raise ConfigError(
            f"built-in model sitewatch/data/{MODEL_FILE} is missing from the installation; "
            "reinstall sitewatch"
        ) from None
    return meta


class SitewatchModel:
    """sitewatch's own offline model: logistic regression on hashed word 1–2-grams and
    character 2–5-grams of the model view, plus one feature per toxicity lexicon kind.

    Trained by ``bench/train_toxicity.py`` on licensed data only (Davidson et al., MIT;
    toxic_spans / Civil Comments, CC0; a Jigsaw sample, CC0 labels; hand-written benign
    school posts) and shipped as ``data/toxicity_model.npz``: the hashing configuration, the
    non-zero float32 weights and the provenance (``meta``). Never trained on OLID.

    One probability per text, reported as ``toxicity``. Inference is numpy and
    scikit-learn's ``HashingVectorizer`` (no fitted state beyond the weights).
    """

    name: str = "sitewatch"
    reads_masked_handles: ClassVar[bool] = True

    def __init__(self, path: Path | None = None) -> None:
        self.path = path  # None: the shipped file
        self.meta: dict[str, Any] = {}
        self.threshold: float = math.nan
        self.load_seconds: float = math.nan
        self._np: Any = None
        self._scorers: list[HashedNgramScorer] = []
        self._lex_coef: Any = None
        self._intercept: float = 0.0
        self._lexicon: ToxicityLexicon | None = None

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, Any]) -> SitewatchModel:
        """A model from in-memory arrays in the file's layout (training, cross-validation)."""
        model = cls()
        model._set(arrays)
        return model

    def load(self) -> None:
        if self._np is not None:
            return
        started = time.perf_counter()
        np = importlib.import_module("numpy")
        try:
            if self.path is not None:
                with np.load(self.path, allow_pickle=False) as data:
                    arrays = {k: data[k] for k in data.files}
            else:
                with _model_resource().open("rb") as fh, np.load(fh, allow_pickle=False) as data:
                    arrays = {k: data[k] for k in data.files}
        except FileNotFoundError:
            raise ConfigError(
                f"built-in model sitewatch/data/{MODEL_FILE} is missing from the installation; "
                "reinstall sitewatch",
                path=str(self.path) if self.path is not None else None,
            ) from None
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigError(
                f"cannot read the sitewatch toxicity model: {type(exc).__name__}: {exc}"
            ) from None
        self._set(arrays)
        self.load_seconds = time.perf_counter() - started

    def _set(self, arrays: Mapping[str, Any]) -> None:
        np = importlib.import_module("numpy")
        meta_raw = arrays["meta"]
        meta: dict[str, Any] = (
            json.loads(str(meta_raw)) if not isinstance(meta_raw, dict) else dict(meta_raw)
        )
        if meta.get("format") != MODEL_FORMAT:
            raise ConfigError(
                f"sitewatch toxicity model format {meta.get('format')!r} is not supported "
                f"(expected {MODEL_FORMAT})"
            )
        scorers: list[HashedNgramScorer] = []
        for part in ("word", "char"):
            cfg = meta["hashing"][part]
            coef = np.zeros(int(cfg["n_features"]), dtype=np.float64)
            coef[np.asarray(arrays[f"{part}_index"], dtype=np.int64)] = arrays[f"{part}_coef"]
            try:
                scorers.append(HashedNgramScorer(cfg, coef))
            except (KeyError, TypeError, ValueError) as exc:
                raise ConfigError(f"sitewatch toxicity model: {part} features: {exc}") from None
        self._scorers = scorers
        self._lex_coef = np.asarray(arrays["lex_coef"], dtype=np.float64)
        self._intercept = float(np.asarray(arrays["intercept"]).reshape(-1)[0])
        self.threshold = float(np.asarray(arrays["threshold"]).reshape(-1)[0])
        self.meta = meta
        self._lexicon = ToxicityLexicon.load()
        self._np = np

    def decision(self, texts: Sequence[str]) -> Any:
        """Raw scores (log-odds) of ``model_view`` texts, as a numpy array."""
        self.load()
        np = self._np
        prepared = [model_text(t) for t in texts]
        scores = np.full(len(prepared), self._intercept, dtype=np.float64)
        for scorer in self._scorers:
            scores += scorer.scores(prepared)
        scores += lexicon_features(prepared, self._lexicon) @ self._lex_coef
        return scores

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        scores = self.decision(texts)
        probs = 1.0 / (1.0 + self._np.exp(-self._np.clip(scores, -30.0, 30.0)))
        return [{"toxicity": _clamp(float(p))} for p in probs]


ENSEMBLE_FEATURES: Final[tuple[str, ...]] = ("profanity_check_logit", "sitewatch_logit")
PROB_CLIP: Final[float] = 1e-4
"""alt-profanity-check probabilities are clipped to [PROB_CLIP, 1 - PROB_CLIP] before the
log-odds (it returns exact 0 and 1)."""


@dataclass(frozen=True)
class StackWeights:
    """The ensemble's logistic regression: one weight per ``ENSEMBLE_FEATURES`` entry."""

    coef: tuple[float, ...]
    intercept: float
    threshold: float

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> StackWeights:
        try:
            entry = meta["ensemble"]
            if tuple(entry["features"]) != ENSEMBLE_FEATURES:
                raise ValueError(f"features {entry['features']!r}")
            coef = tuple(float(c) for c in entry["coef"])
            if len(coef) != len(ENSEMBLE_FEATURES):
                raise ValueError(f"{len(coef)} weights")
            return cls(coef, float(entry["intercept"]), float(entry["threshold"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"the sitewatch toxicity model file has no usable ensemble weights ({exc})"
            ) from None


class EnsembleModel:
    """The offline default: alt-profanity-check and sitewatch's own model, stacked.

    ``p = sigmoid(a · logit(profanity_check) + b · sitewatch_logit + c)`` per text, where
    alt-profanity-check reads ``neutral_text`` and the sitewatch model its usual input, and
    ``a``, ``b``, ``c`` and the threshold come from ``meta["ensemble"]`` of the shipped model
    file: fitted by ``bench/train_toxicity.py`` on the training corpora's out-of-fold scores
    (never OLID).

    Two labels per text: ``profanity`` is ``p`` of the text as written; ``toxicity`` is ``p``
    of the text with the mild words of ``data/toxicity_mild.txt`` masked, so a post whose
    only evidence is "damn", "hell", "sick" or a garden "hoe" is crude language (low) and
    never a toxicity incident, while "you damn idiot" still is one.
    """

    name: str = "ensemble"
    reads_masked_handles: ClassVar[bool] = True

    def __init__(
        self,
        sitewatch: SitewatchModel | None = None,
        weights: StackWeights | None = None,
        profanity: ProfanityCheckModel | None = None,
    ) -> None:
        self.sitewatch = sitewatch if sitewatch is not None else SitewatchModel()
        self.profanity = profanity if profanity is not None else ProfanityCheckModel()
        self.weights = weights
        self._mild: MildWords | None = None
        self._np: Any = None

    @property
    def threshold(self) -> float:
        self.load()
        assert self.weights is not None
        return self.weights.threshold

    def load(self) -> None:
        if self._np is not None:
            return
        self.sitewatch.load()
        self.profanity.load()
        if self.weights is None:
            self.weights = StackWeights.from_meta(self.sitewatch.meta)
        self._mild = MildWords.load()
        self._np = importlib.import_module("numpy")

    def features(self, texts: Sequence[str]) -> Any:
        """The stacker's input for ``model_view`` texts: one row of ``ENSEMBLE_FEATURES``."""
        self.load()
        np = self._np
        prepared = [neutral_text(model_text(t)) for t in texts]
        probs = np.asarray(self.profanity.predict_raw(prepared), dtype=np.float64)
        probs = np.clip(probs, PROB_CLIP, 1.0 - PROB_CLIP)
        return np.column_stack([np.log(probs / (1.0 - probs)), self.sitewatch.decision(texts)])

    def probability(self, texts: Sequence[str]) -> Any:
        self.load()
        assert self.weights is not None
        np = self._np
        z = self.features(texts) @ np.asarray(self.weights.coef) + self.weights.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))

    def mask_mild(self, text: str) -> str:
        """``text`` with each mild word blanked (same length, so offsets still hold)."""
        self.load()
        assert self._mild is not None
        return self._mild.mask(text)

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        full = self.probability(texts)
        masked = [self.mask_mild(t) for t in texts]
        changed = [i for i, (a, b) in enumerate(zip(texts, masked, strict=True)) if a != b]
        strong = full.copy()
        if changed:
            strong[changed] = self.probability([masked[i] for i in changed])
        return [
            {"toxicity": _clamp(float(s)), "profanity": _clamp(float(f))}
            for s, f in zip(strong, full, strict=True)
        ]


def hashing_kwargs(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """``HashingVectorizer`` arguments from a model file's hashing entry."""
    kwargs: dict[str, Any] = {
        "n_features": int(cfg["n_features"]),
        "analyzer": str(cfg["analyzer"]),
        "ngram_range": (int(cfg["ngram_range"][0]), int(cfg["ngram_range"][1])),
        "lowercase": bool(cfg["lowercase"]),
        "binary": bool(cfg["binary"]),
        "norm": cfg["norm"],
        "alternate_sign": bool(cfg["alternate_sign"]),
        "dtype": importlib.import_module("numpy").float32,
    }
    if cfg.get("token_pattern") is not None:
        kwargs["token_pattern"] = str(cfg["token_pattern"])
    return kwargs


def lexicon_features(texts: Sequence[str], lexicon: ToxicityLexicon | None) -> Any:
    """One 0/1 column per ``LEXICON_KINDS`` kind: whether the kind's word list hits."""
    np = importlib.import_module("numpy")
    out = np.zeros((len(texts), len(LEXICON_KINDS)), dtype=np.float64)
    if lexicon is None:
        return out
    column = {kind: n for n, kind in enumerate(LEXICON_KINDS)}
    for i, text in enumerate(texts):
        for hit in lexicon.find(text):
            out[i, column[hit.kind]] = 1.0
    return out


class DetoxifyModel:
    """A Detoxify checkpoint from local files, with batched inference on ``device``.

    The checkpoint is Detoxify's format: ``{"config": {"arch": {"args": {"model_type",
    "model_name", "tokenizer_name", "num_classes"}}, "dataset": {"args": {"classes"}}},
    "state_dict"}``. Detoxify's own loader builds the transformers config from the hub name in
    ``arch.args.model_type`` ("bert-base-uncased") even when a local folder is given, which
    fails offline; this loader reads the same checkpoint and hands detoxify's
    ``get_model_and_tokenizer`` the local folder instead, so nothing is ever fetched.

    The checkpoint is unpickled (``torch.load(weights_only=False)``, as Detoxify does): it is
    code-equivalent and must be as trusted as the config file that names it.
    """

    name: str = "detoxify"

    def __init__(
        self,
        checkpoint: Path | None,
        huggingface_config_path: Path | None,
        *,
        model_type: str = "original",
        batch_size: int = 16,
        device: str = "cpu",
    ) -> None:
        self.checkpoint = checkpoint
        self.huggingface_config_path = huggingface_config_path
        self.model_type = model_type
        self.batch_size = max(1, batch_size)
        self.device = device
        self.labels: tuple[str, ...] = ()
        self._torch: Any = None
        self._model: Any = None
        self._tokenizer: Any = None
        self._max_length = 512

    def check_files(self) -> tuple[Path, Path]:
        """The two local paths, or a ConfigError naming what is missing (no model loaded)."""
        if self.checkpoint is None:
            raise ConfigError(
                "detection.toxicity.checkpoint is required for backend 'detoxify' (a local "
                "Detoxify checkpoint file; sitewatch never downloads models)"
            )
        if not self.checkpoint.is_file():
            raise ConfigError(
                "detection.toxicity.checkpoint: Detoxify checkpoint file not found",
                path=str(self.checkpoint),
            )
        if self.huggingface_config_path is None:
            raise ConfigError(
                "detection.toxicity.huggingface_config_path is required for backend 'detoxify' "
                "(a local folder with the model's config.json and tokenizer files)"
            )
        if not self.huggingface_config_path.is_dir():
            raise ConfigError(
                "detection.toxicity.huggingface_config_path: not a folder",
                path=str(self.huggingface_config_path),
            )
        return self.checkpoint, self.huggingface_config_path

    def load(self) -> None:
        if self._model is not None:
            return
        checkpoint, hf_path = self.check_files()
        # Belt and braces: even a bug in the path handling below cannot reach a hub.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            torch = importlib.import_module("torch")
            detoxify = importlib.import_module("detoxify.detoxify")
        except ImportError as exc:
            raise _missing_package(self.name, "detoxify and torch", exc) from None
        try:
            loaded = torch.load(str(checkpoint), map_location=self.device, weights_only=False)
            args = dict(loaded["config"]["arch"]["args"])
            classes = list(loaded["config"]["dataset"]["args"]["classes"])
            state_dict = loaded["state_dict"]
        except (KeyError, TypeError) as exc:
            raise ConfigError(
                "not a Detoxify checkpoint: it needs config.arch.args, "
                f"config.dataset.args.classes and state_dict (missing {exc})",
                path=str(checkpoint),
            ) from None
        except Exception as exc:
            raise ConfigError(
                f"cannot read Detoxify checkpoint: {type(exc).__name__}: {exc}",
                path=str(checkpoint),
            ) from None
        args["model_type"] = str(hf_path)  # the local folder, never a hub name
        try:
            model, tokenizer = detoxify.get_model_and_tokenizer(
                **args, state_dict=state_dict, huggingface_config_path=str(hf_path)
            )
        except Exception as exc:
            raise ConfigError(
                "cannot build the Detoxify model from the checkpoint and "
                f"{hf_path}: {type(exc).__name__}: {exc}",
                path=str(checkpoint),
            ) from None
        num_labels = getattr(model.config, "num_labels", len(classes))
        if num_labels != len(classes):
            raise ConfigError(
                f"Detoxify checkpoint lists {len(classes)} classes but its model has "
                f"{num_labels} outputs",
                path=str(checkpoint),
            )
        model.to(self.device)
        model.eval()
        self.labels = tuple(_DETOXIFY_RENAMES.get(c, c) for c in classes)
        limits = [
            int(v)
            for v in (
                getattr(tokenizer, "model_max_length", None),
                getattr(model.config, "max_position_embeddings", None),
            )
            if isinstance(v, int) and 0 < v < 1_000_000
        ]
        self._max_length = min(limits, default=512)
        self._torch, self._model, self._tokenizer = torch, model, tokenizer

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        self.load()
        torch = self._torch
        out: list[dict[str, float]] = []
        with torch.no_grad():
            for i in range(0, len(texts), self.batch_size):
                batch = list(texts[i : i + self.batch_size])
                inputs = self._tokenizer(
                    batch,
                    return_tensors="pt",
                    truncation=True,
                    padding=True,
                    max_length=self._max_length,
                ).to(self.device)
                logits = self._model(**inputs)[0]
                scores = torch.sigmoid(logits).cpu().tolist()
                for row in scores:
                    out.append(
                        {label: _clamp(float(p)) for label, p in zip(self.labels, row, strict=True)}
                    )
        return out


def _clamp(p: float) -> float:
    return 0.0 if math.isnan(p) else min(1.0, max(0.0, p))


def _detoxify_model(settings: ToxicitySettings, resolve: Resolver | None) -> DetoxifyModel:
    def path(value: str | None) -> Path | None:
        if value is None:
            return None
        return resolve(value) if resolve is not None else Path(value)

    return DetoxifyModel(
        path(settings.checkpoint),
        path(settings.huggingface_config_path),
        model_type=settings.model_type,
        batch_size=settings.batch_size,
        device=settings.device,
    )


def build_model(
    settings: ToxicitySettings, resolve: Resolver | None = None
) -> ToxicityModel | None:
    """The configured backend (not yet loaded); ``None`` for ``backend = "none"``.

    ``resolve`` turns a configured path into a ``Path`` (``Settings.resolve_path``: relative
    to the config file, ``{state_dir}`` expanded).
    """
    if settings.backend == "none":
        return None
    if settings.backend == "ensemble":
        return EnsembleModel()
    if settings.backend == "sitewatch":
        return SitewatchModel()
    if settings.backend == "profanity_check":
        return ProfanityCheckModel()
    return _detoxify_model(settings, resolve)


def _configured(settings: Settings) -> bool:
    """Whether the config file has ``[detection.toxicity]`` (not just the field's default)."""
    fields: set[str] | None = getattr(settings.detection, "model_fields_set", None)
    if fields is not None:
        return "toxicity" in fields
    return getattr(settings.detection, "toxicity", None) is not None


def describe_backend(settings: Settings) -> tuple[str, str]:
    """(active backend, why) for ``sitewatch models``; checks files, loads nothing.

    A Detoxify backend whose files are missing raises ``ConfigError``: that is an error to
    fix, not something to fall back from.
    """
    tox = toxicity_settings(settings)
    where = "configured" if _configured(settings) else "default (no [detection.toxicity])"
    enabled = "toxicity" in settings.detection.detectors
    note = "" if enabled else "; the 'toxicity' detector is not in detection.detectors"
    thresholds = ", ".join(f"{k} {v:.2f}" for k, v in sorted(tox.effective_thresholds().items()))
    if tox.backend == "none":
        return (
            "none",
            f"{where}: detection.toxicity.backend = 'none' (self-harm phrases only){note}",
        )
    if tox.backend == "ensemble":
        meta = read_model_meta()
        weights = StackWeights.from_meta(meta)
        rows = meta.get("training_rows", {})
        trained = ", ".join(f"{k} {v['rows']}" for k, v in sorted(rows.items()))
        return "ensemble", (
            f"{where}: detection.toxicity.backend = 'ensemble' (the offline default: "
            f"alt-profanity-check's bundled model and sitewatch's own linear model, "
            f"data/{MODEL_FILE}, stacked by a logistic regression fitted out-of-fold on "
            f"{trained}, trained {meta.get('created', '?')}; never OLID; mild words of "
            f"{MILD_FILE} masked for the toxicity label); ensemble threshold "
            f"{weights.threshold:.2f}; thresholds {thresholds}{note}"
        )
    if tox.backend == "sitewatch":
        meta = read_model_meta()
        rows = meta.get("training_rows", {})
        trained = ", ".join(f"{k} {v['rows']}" for k, v in sorted(rows.items()))
        return "sitewatch", (
            f"{where}: detection.toxicity.backend = 'sitewatch' (sitewatch's own linear model, "
            f"data/{MODEL_FILE}, trained {meta.get('created', '?')} on {trained}; never OLID); "
            f"thresholds {thresholds}{note}"
        )
    if tox.backend == "profanity_check":
        return "profanity_check", (
            f"{where}: detection.toxicity.backend = 'profanity_check' "
            f"(alt-profanity-check's bundled model); thresholds {thresholds}{note}"
        )
    checkpoint, hf_path = _detoxify_model(tox, settings.resolve_path).check_files()
    return "detoxify", (
        f"{where}: detection.toxicity.backend = 'detoxify', model_type {tox.model_type!r}, "
        f"checkpoint {checkpoint}, huggingface_config_path {hf_path}, device {tox.device!r}, "
        f"batch_size {tox.batch_size}; thresholds {thresholds}{note}"
    )


MILD_FILE: Final[str] = "toxicity_mild.txt"


def load_mild_words() -> list[str]:
    """The shipped mild words (``sitewatch/data/toxicity_mild.txt``, lexicon syntax)."""
    ref = resources.files("sitewatch").joinpath("data", MILD_FILE)
    try:
        return parse_vocabulary(ref.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"built-in word list sitewatch/data/{MILD_FILE} is missing from the installation; "
            "reinstall sitewatch"
        ) from None


class MildWords:
    """The mild words and school idioms of ``data/toxicity_mild.txt`` (lexicon syntax, matched
    as whole words on a ``model_view`` text). A line ``words @ context`` holds only when one of
    the context words is in the same text too ("hoe" is mild next to "rake" or "garden")."""

    def __init__(self, entries: Sequence[str]) -> None:
        self._rules: list[tuple[re.Pattern[str], re.Pattern[str] | None]] = []
        for entry in entries:
            words, _, context = entry.partition(" @ ")
            try:
                regex = _whole_words(compile_lexicon_entry(words.strip(), {}))
                where = (
                    _whole_words(compile_lexicon_entry(context.strip(), {})) if context else None
                )
            except ValueError as exc:
                raise ConfigError(f"{MILD_FILE}: {exc}") from None
            self._rules.append((regex, where))
        self._any: re.Pattern[str] | None = (
            re.compile("|".join(f"(?:{regex.pattern})" for regex, _ in self._rules))
            if self._rules
            else None
        )

    @classmethod
    def load(cls) -> MildWords:
        return cls(load_mild_words())

    def mask(self, text: str) -> str:
        """``text`` with each mild word blanked (same length, so offsets still hold)."""
        if self._any is None or not self._any.search(text):
            return text  # most posts: no mild word at all
        for regex, where in self._rules:
            if where is None or where.search(text):
                text = regex.sub(lambda m: " " * len(m.group()), text)
        return text


def _whole_words(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w§])" + pattern + r"(?!\w)")


def load_self_harm_phrases() -> list[str]:
    """The shipped self-harm phrase list (``sitewatch/data/self_harm.txt``)."""
    ref = resources.files("sitewatch").joinpath("data", "self_harm.txt")
    try:
        return parse_vocabulary(ref.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            "built-in phrase list sitewatch/data/self_harm.txt is missing from the "
            "installation; reinstall sitewatch"
        ) from None


# -- the offline lexicon ------------------------------------------------------------------------

LEXICON_KINDS: Final[tuple[str, ...]] = (
    "threat",
    "identity_attack",
    "sexual",
    "targeting",
    "insult",
    "profanity",
)
"""Lexicon files ``data/toxicity_<kind>.txt``; a post's hits are reported in this order."""

LEXICON_CATEGORIES: Final[Mapping[str, str]] = {
    "threat": "content.threat",
    "identity_attack": "content.identity_attack",
    "sexual": "content.sexual",
    "targeting": "content.insult",
    "insult": "content.insult",
    "profanity": "content.profanity",
}

# Scores of lexicon findings, hand-set (nothing is fitted on any data set): the severity
# policy turns them into severities. A bare insult word scores under the policy's weak
# score (0.5), so it is lowered from medium to low ("that quiz was stupid" goes in the
# digest); aimed at someone (targeting) it is a medium incident. Threats (critical),
# slurs and sexual terms (high) keep their category's severity. Untargeted swearing is
# content.profanity, low.
LEXICON_SCORES: Final[Mapping[str, float]] = {
    "threat": 0.9,
    "identity_attack": 0.85,
    "sexual": 0.75,
    "targeting": 0.8,
    "insult": 0.4,
    "profanity": 0.7,
}

# A person an insult or a threat can be aimed at; "§" marks an @handle (see _mask_handles).
TARGET_WORDS: Final[str] = (
    "you|u|ya|he|she|they|him|her|them|this guy|that guy|this girl|that girl|these people|"
    "those people|this person|that person|your mom|ur mom|ur mum|your mum|§"
)
_SEP: Final[str] = r"[^\w'§]+"
_SEP_APOSTROPHE: Final[str] = r"[^\w'§]*"  # before "'s", "'re": "he's", "he 's"
_ITEM: Final[re.Pattern[str]] = re.compile(r"\[[^\]]*\]\??|\{\w+\}|[^\s\[\]{}]+")


def _split_top(text: str) -> list[str]:
    """Split on "|" outside brackets."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _word_regex(word: str) -> str:
    if word == "§":
        return r"§\w+"
    if len(word) > 1 and word.endswith("*"):
        return re.escape(word[:-1]) + r"[\w']*"
    return re.escape(word)


def compile_lexicon_entry(entry: str, refs: Mapping[str, str]) -> str:
    """A lexicon line as a regex (no word boundaries at its ends); syntax in the data files.

    ``refs`` maps ``{name}`` placeholders to regexes. Raises ``ValueError`` on bad syntax.
    """
    return _phrase_alternatives(entry.casefold(), refs, lead="")


def _phrase_alternatives(text: str, refs: Mapping[str, str], lead: str) -> str:
    alternatives = _split_top(text)
    if not alternatives:
        raise ValueError(f"empty phrase in {text!r}")
    return "(?:" + "|".join(_sequence(a, refs, lead) for a in alternatives) + ")"


def _sequence(text: str, refs: Mapping[str, str], lead: str) -> str:
    items = _ITEM.findall(text)
    if "".join("".join(items).split()) != "".join(text.split()):
        raise ValueError(f"unbalanced brackets or braces in {text!r}")
    out: list[str] = []
    for n, item in enumerate(items):
        sep = lead if n == 0 else _SEP
        if item.startswith("["):
            optional = item.endswith("?")
            inner = item[1 : -2 if optional else -1]
            piece = (
                "(?:"
                + "|".join(
                    _sequence(alt, refs, _SEP_APOSTROPHE if alt.startswith("'") and n else sep)
                    for alt in _split_top(inner)
                )
                + ")"
            )
            if optional:
                if n == 0:
                    raise ValueError(f"a phrase cannot start with an optional word: {text!r}")
                piece += "?"
            out.append(piece)
        elif item.startswith("{"):
            name = item[1:-1]
            if name not in refs:
                raise ValueError(f"unknown placeholder {item} (known: {', '.join(sorted(refs))})")
            out.append(sep + refs[name])
        else:
            out.append((_SEP_APOSTROPHE if item.startswith("'") and n else sep) + _word_regex(item))
    return "".join(out)


@dataclass(frozen=True)
class LexiconHit:
    """One lexicon match on the content view: which file, which entry (1-based line)."""

    kind: str
    entry: int
    start: int
    end: int


RECENT_LEXICON_TEXTS: Final[int] = 512
"""Texts whose lexicon hits ``ToxicityLexicon.find`` keeps (a page's worth and more)."""

_HANDLE: Final[re.Pattern[str]] = re.compile(r"(?<![\w@])@(?=\w{2,})(?!ss)")


def _mask_handles(doc: Document) -> Document:
    """ "@user" → "§user" (same length, same offsets), so the content view's leetspeak fold
    ("@ss" → "ass") leaves @handles alone and ``{target}`` can match them."""
    text = _HANDLE.sub("§", doc.text)
    return doc if text == doc.text else Document(doc.original, text, doc.offsets)


class ToxicityLexicon:
    """The shipped word lists, one regex per kind; ``find`` reports every whole-word hit."""

    def __init__(self, entries: Mapping[str, Sequence[str]]) -> None:
        missing = [k for k in ("insult",) if k not in entries]
        if missing:
            raise ValueError(f"lexicon needs the kind(s) {', '.join(missing)}")
        target = compile_lexicon_entry(TARGET_WORDS, {})
        insult = (
            "(?:"
            + "|".join(compile_lexicon_entry(e, {"target": target}) for e in entries["insult"])
            + ")"
        )
        refs = {"target": target, "insult": insult, "word": r"\w+"}
        self.kinds: tuple[str, ...] = tuple(k for k in LEXICON_KINDS if k in entries)
        self.sizes: dict[str, int] = {k: len(entries[k]) for k in self.kinds}
        self._entries: dict[str, list[re.Pattern[str]]] = {}
        self._any: dict[str, re.Pattern[str]] = {}
        self._recent: dict[str, tuple[LexiconHit, ...]] = {}
        for kind in self.kinds:
            try:
                compiled = [compile_lexicon_entry(e, refs) for e in entries[kind]]
            except ValueError as exc:
                raise ValueError(f"toxicity_{kind}.txt: {exc}") from None
            self._entries[kind] = [re.compile(c) for c in compiled]
            if compiled:
                self._any[kind] = re.compile(r"(?<![\w§])(?:" + "|".join(compiled) + r")(?!\w)")

    @classmethod
    def load(cls) -> ToxicityLexicon:
        return cls({kind: load_lexicon(kind) for kind in LEXICON_KINDS})

    def find(self, text: str) -> list[LexiconHit]:
        """Every whole-word hit in ``text``. The detector and the sitewatch model read the
        same text of a one-sentence post in turn, so the last few answers are kept."""
        known = self._recent.get(text)
        if known is not None:
            return list(known)
        hits = self._find(text)
        if len(self._recent) >= RECENT_LEXICON_TEXTS:
            self._recent.clear()
        self._recent[text] = tuple(hits)
        return hits

    def _find(self, text: str) -> list[LexiconHit]:
        hits: list[LexiconHit] = []
        for kind, regex in self._any.items():
            for m in regex.finditer(text):
                if m.start() == m.end():
                    continue
                entry = next(
                    (n for n, r in enumerate(self._entries[kind], 1) if r.fullmatch(m.group())),
                    0,
                )
                hits.append(LexiconHit(kind, entry, m.start(), m.end()))
        return hits


def load_lexicon(kind: str) -> list[str]:
    """The shipped entries of ``sitewatch/data/toxicity_<kind>.txt``."""
    ref = resources.files("sitewatch").joinpath("data", f"toxicity_{kind}.txt")
    try:
        return parse_vocabulary(ref.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"built-in word list sitewatch/data/toxicity_{kind}.txt is missing from the "
            "installation; reinstall sitewatch"
        ) from None


# A sentence: from a non-space character up to a run of . ! ? followed by whitespace or the
# end, or to the end of the line. "3.5" and "lhs.band" do not end a sentence.
_SENTENCE: Final[re.Pattern[str]] = re.compile(r"\S.*?(?:[.!?]+(?=\s|$)|$)", re.MULTILINE)


def sentence_spans(text: str, limit: int = MAX_SENTENCES) -> list[tuple[int, int]]:
    """Trimmed ``(start, end)`` of each sentence with a letter or digit, at most ``limit``."""
    spans: list[tuple[int, int]] = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if any(ch.isalnum() for ch in text[start:end]):
            spans.append((start, end))
            if len(spans) >= limit:
                break
    return spans


def _merge(first: list[Finding], second: list[Finding]) -> list[Finding]:
    """Both lists, keeping only the higher-scoring finding of a category both have
    (self-harm is never in ``second``)."""
    by_category: dict[str, Finding] = {}
    for f in [*first, *second]:
        held = by_category.get(f.category)
        if held is None or f.score > held.score:
            by_category[f.category] = f
    return [f for f in [*first, *second] if by_category[f.category] is f]


def _trimmed(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    return start, max(start, end)


@dataclass(frozen=True)
class _Candidate:
    start: int  # normalized-text span
    end: int
    sentence: int | None  # 1-based sentence number, None for the whole post
    of: int  # how many sentences were scored


class ToxicityDetector:
    """Model labels over thresholds → content findings; self-harm phrases → content.self_harm."""

    name: str = "toxicity"
    SELF_HARM_CATEGORY: ClassVar[str] = "content.self_harm"

    def __init__(
        self,
        settings: ToxicitySettings | None = None,
        model: ToxicityModel | None = None,
        *,
        self_harm_phrases: Sequence[str] | None = None,
    ) -> None:
        self.settings = settings or ToxicitySettings()
        self.model = model
        self.thresholds = self.settings.effective_thresholds()
        self._phrases = None if self_harm_phrases is None else list(self_harm_phrases)
        self._self_harm: PhraseMatcher[int] = PhraseMatcher(())
        self._lexicon: ToxicityLexicon | None = None
        self._loaded = False

    @classmethod
    def from_context(cls, ctx: DetectorContext) -> Self:
        settings = toxicity_settings(ctx.settings)
        return cls(settings, build_model(settings, ctx.settings.resolve_path))

    @property
    def backend(self) -> str:
        return self.model.name if self.model is not None else "none"

    def load(self) -> None:
        if self._loaded:
            return
        phrases = self._phrases if self._phrases is not None else load_self_harm_phrases()
        self._self_harm = PhraseMatcher(
            (key, n)
            for n, phrase in enumerate(phrases, start=1)
            if (key := normalize_phrase(phrase))
        )
        if self.settings.lexicon and self.settings.backend != "none":
            self._lexicon = ToxicityLexicon.load()
        if self.model is not None:
            self.model.load()
        self._loaded = True

    def detect(self, doc: Document) -> Sequence[Finding]:
        return self.detect_many([doc])[0]

    def detect_many(self, docs: Sequence[Document]) -> list[list[Finding]]:
        """Findings for several documents with one batched model call (benchmarks, backfills)."""
        if not self._loaded:
            self.load()
        results: list[list[Finding]] = [self._self_harm_findings(doc) for doc in docs]
        # The lexicon reads the content view with @handles kept as handles (model_view).
        handle_views = [model_view(doc) for doc in docs] if self._lexicon is not None else None
        if self._lexicon is not None and handle_views is not None:
            for view_doc, found in zip(handle_views, results, strict=True):
                found.extend(self._lexicon_findings(view_doc, self._lexicon))
        if self.model is None or not self.thresholds:
            return results
        texts: list[str] = []
        owners: list[tuple[int, _Candidate]] = []
        # The model reads the content view too: "sh1t" and "f u c k" score like the words.
        # The sitewatch model reads @handles as handles (model_view) rather than as letters.
        views: list[Document]
        if getattr(self.model, "reads_masked_handles", False):
            views = handle_views if handle_views is not None else [model_view(d) for d in docs]
        else:
            views = [content_view(doc) for doc in docs]
        for d, doc in enumerate(views):
            start, end = _trimmed(doc.text)
            if start == end:
                continue
            sentences = sentence_spans(doc.text)
            texts.append(doc.text[start:end])
            owners.append((d, _Candidate(start, end, None, len(sentences))))
            if len(sentences) > 1:
                for n, (s, e) in enumerate(sentences, start=1):
                    texts.append(doc.text[s:e])
                    owners.append((d, _Candidate(s, e, n, len(sentences))))
        if not texts:
            return results
        scores = self.model.predict(texts)
        if len(scores) != len(texts):
            raise RuntimeError(
                f"toxicity model {self.backend} returned {len(scores)} results for "
                f"{len(texts)} texts"
            )
        per_doc: dict[int, list[tuple[_Candidate, dict[str, float]]]] = {}
        for (d, cand), labels in zip(owners, scores, strict=True):
            per_doc.setdefault(d, []).append((cand, labels))
        for d, scored in per_doc.items():
            results[d] = _merge(results[d], self._model_findings(views[d], scored))
        return results

    def _lexicon_findings(self, view: Document, lexicon: ToxicityLexicon) -> list[Finding]:
        """One finding per category: the strongest lexicon hit, first in the post on ties.
        ``view`` is the post's ``model_view``."""
        best: dict[str, LexiconHit] = {}
        for hit in lexicon.find(view.text):
            category = LEXICON_CATEGORIES[hit.kind]
            held = best.get(category)
            if held is None or (LEXICON_SCORES[hit.kind], -hit.start) > (
                LEXICON_SCORES[held.kind],
                -held.start,
            ):
                best[category] = hit
        findings: list[Finding] = []
        for category, hit in sorted(best.items()):
            o_start, o_end = view.to_original(hit.start, hit.end)
            findings.append(
                Finding(
                    category=category,
                    start=o_start,
                    end=o_end,
                    score=LEXICON_SCORES[hit.kind],
                    detector=self.name,
                    explanation=f"toxicity lexicon: {hit.kind} entry #{hit.entry}",
                )
            )
        return findings

    def _model_findings(
        self, doc: Document, scored: Sequence[tuple[_Candidate, dict[str, float]]]
    ) -> list[Finding]:
        best: dict[str, tuple[float, str, _Candidate]] = {}  # category → strongest label
        for label, threshold in self.thresholds.items():
            category = LABEL_CATEGORIES.get(label)
            if category is None:
                continue
            top: tuple[float, bool, _Candidate] | None = None
            for cand, labels in scored:
                p = labels.get(label)
                if p is None:
                    continue
                key = (p, cand.sentence is not None, cand)  # ties go to the narrower sentence
                if top is None or key[:2] > top[:2]:
                    top = key
            if top is None or top[0] < threshold:
                continue
            if category not in best or top[0] > best[category][0]:
                best[category] = (top[0], label, top[2])
        findings: list[Finding] = []
        for category, (p, label, cand) in sorted(best.items()):
            where = "" if cand.sentence is None else f", sentence {cand.sentence} of {cand.of}"
            o_start, o_end = doc.to_original(cand.start, cand.end)
            findings.append(
                Finding(
                    category=category,
                    start=o_start,
                    end=o_end,
                    score=round(p, 4),
                    detector=self.name,
                    explanation=(
                        f"toxicity model {self.backend}: {label} {p:.2f} "
                        f"(threshold {self.thresholds[label]:.2f}){where}"
                    ),
                )
            )
        return findings

    def _self_harm_findings(self, doc: Document) -> list[Finding]:
        findings: list[Finding] = []
        for hit in longest_first(self._self_harm.find(doc.text)):
            o_start, o_end = doc.to_original(hit.start, hit.end)
            findings.append(
                Finding(
                    category=self.SELF_HARM_CATEGORY,
                    start=o_start,
                    end=o_end,
                    score=SELF_HARM_SCORE,
                    detector=self.name,
                    explanation=f"self-harm phrase list: entry #{min(hit.payloads)}",
                )
            )
        return findings
