"""Toxicity detector: profanity_check rows, thresholds → categories, self-harm phrases, spans,
and a real Detoxify load from a tiny checkpoint these tests build themselves (offline)."""

from __future__ import annotations

import math
import re
import socket
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import torch
from pydantic import ValidationError
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

from sitewatch.config import Settings
from sitewatch.detectors.base import DetectorContext
from sitewatch.detectors.toxicity import (
    DEFAULT_THRESHOLDS,
    DETOXIFY_LABELS,
    ENSEMBLE_FEATURES,
    ENSEMBLE_THRESHOLD,
    LABEL_CATEGORIES,
    LEXICON_CATEGORIES,
    LEXICON_KINDS,
    LEXICON_SCORES,
    MODEL_FILE,
    MODEL_FORMAT,
    MODEL_META_KEYS,
    SITEWATCH_THRESHOLD,
    DetoxifyModel,
    EnsembleModel,
    MildWords,
    ProfanityCheckModel,
    SitewatchModel,
    StackWeights,
    ToxicityDetector,
    ToxicityLexicon,
    ToxicitySettings,
    build_model,
    compile_lexicon_entry,
    describe_backend,
    load_lexicon,
    load_mild_words,
    load_self_harm_phrases,
    model_text,
    model_view,
    neutral_text,
    read_model_meta,
    sentence_spans,
    toxicity_settings,
)
from sitewatch.exceptions import ConfigError
from sitewatch.models import Finding, Severity
from sitewatch.scan.normalize import normalize
from sitewatch.scan.severity import SeverityPolicy
from sitewatch.typing import Detector

EXPLANATION = re.compile(
    r"^toxicity model (ensemble|sitewatch|profanity_check|detoxify|fake): [a-z_]+ \d\.\d\d "
    r"\(threshold \d\.\d\d\)"
    r"(, sentence \d+ of \d+)?$"
)


def scan(detector: ToxicityDetector, text: str) -> list[Finding]:
    return list(detector.detect(normalize(text)))


def categories(findings: Sequence[Finding]) -> list[str]:
    return sorted(f.category for f in findings)


# -- profanity_check (the offline default) -----------------------------------------------------


@pytest.fixture(scope="module")
def profanity() -> ToxicityDetector:
    """The model alone (lexicon off): these rows pin profanity_check's own behaviour."""
    settings = ToxicitySettings(backend="profanity_check", lexicon=False)
    detector = ToxicityDetector(settings, ProfanityCheckModel())
    detector.load()
    return detector


@pytest.fixture(scope="module")
def previous_default() -> ToxicityDetector:
    """The previous offline default: profanity_check plus the word lists."""
    settings = ToxicitySettings(backend="profanity_check")
    detector = ToxicityDetector(settings, ProfanityCheckModel())
    detector.load()
    return detector


PROFANITY = ["content.profanity", "content.toxicity"]

PROFANITY_ROWS = [
    ("you are a stupid idiot", PROFANITY),
    ("Shut up, you dumb loser", PROFANITY),
    ("You suck, nobody likes you", PROFANITY),
    ("The ref is a moron", PROFANITY),
    ("that was a bullshit call", PROFANITY),
    ("screw you and your stupid team", PROFANITY),
    ("ＹＯＵ ＡＲＥ ＡＮ ＩＤＩＯＴ", PROFANITY),  # fullwidth folds before scoring
    ("you are an idіot", PROFANITY),  # Cyrillic і
    # crude but not abusive enough for a sponsor: a low (digest) finding only
    ("Whoever keyed the band van is a worthless piece of crap", ["content.profanity"]),
    ("Hell yeah we won", ["content.profanity"]),
    # Known false positive of the bag-of-words model (slang "sick" scores 0.90): it stays a
    # low digest finding, never an incident, because toxicity needs 0.95.
    ("That drumline was sick!", ["content.profanity"]),
    # no-match rows: band, sports, announcements, competitive slang
    ("Great win tonight, Lakeview band! Proud of every one of you.", []),
    ("Band practice moved to 4pm. Bring your music folders.", []),
    ("Our drumline killed it at regionals!", []),
    ("We destroyed Central 42-7!", []),
    ("The defense crushed it tonight", []),
    ("Beat Westfield! Fight fight fight for Lakeview!", []),
    ("We got smoked in the second half, heads up team", []),
    ("Killer solo by the sax section", []),
    ("Senior night is Friday, come support the seniors", []),
    ("Suicide drills at practice today, ouch", []),
    ("Tryouts are Monday after school in the gym", []),
    ("damn that was close", []),  # 0.79: under the 0.8 profanity threshold
    ("", []),
    ("   \n ", []),
]


@pytest.mark.parametrize(("text", "expected"), PROFANITY_ROWS)
def test_profanity_check_rows(profanity: ToxicityDetector, text: str, expected: list[str]) -> None:
    findings = scan(profanity, text)
    assert categories(findings) == expected
    for f in findings:
        assert f.detector == "toxicity"
        assert 0.0 <= f.score <= 1.0
        assert EXPLANATION.match(f.explanation), f.explanation
        assert f.severity is Severity.INFO  # severity is the policy's job
        assert text[f.start : f.end] == text.strip()  # one sentence: the whole trimmed post


# -- profanity_check plus lexicon (the previous default) ---------------------------------------

LEXICON_EXPLANATION = re.compile(
    r"^toxicity lexicon: (threat|identity_attack|sexual|targeting|insult|profanity) entry #\d+$"
)

# (post, categories, incident?) — incident = any finding medium or above by the default policy.
PREVIOUS_DEFAULT_ROWS = [
    ("you are a stupid idiot", ["content.insult", "content.profanity", "content.toxicity"], True),
    (
        "@USER you're such a moron",
        ["content.insult", "content.profanity", "content.toxicity"],
        True,
    ),
    ("he is a clown", ["content.insult"], True),  # the model misses it; targeting finds it
    ("nobody likes you", ["content.insult"], True),
    ("I will kill you", ["content.profanity", "content.threat"], True),
    ("im gonna shoot up the school", ["content.threat"], True),
    ("i hope he dies", ["content.threat"], True),
    ("send nudes", ["content.sexual"], True),
    ("the quiz was dumb", ["content.insult", "content.profanity"], False),  # bare word: low
    ("this is f u c k i n g annoying", ["content.profanity", "content.toxicity"], True),
    ("what the sh1t", ["content.profanity", "content.toxicity"], True),  # model reads "shit"
    ("That drumline was sick!", ["content.profanity"], False),
    ("Hell yeah we won", ["content.profanity"], False),
    # no-match rows: school slang, sports, music, clubs
    ("we killed it", [], False),
    ("Our drumline killed it at regionals!", [], False),
    ("The defense crushed it tonight", [], False),
    ("Shoot your shot at tryouts", [], False),
    ("Kill the lights for the finale", [], False),
    ("We're going to destroy Central on Friday", [], False),
    ("Ho ho ho, merry Christmas from the choir", [], False),
    ("Garden club: bring a hoe and gloves", ["content.insult"], False),  # bare word: low only
    ("Trash pickup volunteers meet at 8", [], False),
    ("The GSA club meets Tuesday in room 204", [], False),
    ("Email @coach with questions about the bus", [], False),
    ("damn that was close", [], False),
]


@pytest.mark.parametrize(("text", "expected", "incident"), PREVIOUS_DEFAULT_ROWS)
def test_previous_default_rows(
    previous_default: ToxicityDetector, text: str, expected: list[str], incident: bool
) -> None:
    findings = scan(previous_default, text)
    assert categories(findings) == expected
    policy = SeverityPolicy()
    assert any(policy.apply(f).severity.is_incident for f in findings) is incident
    for f in findings:
        assert EXPLANATION.match(f.explanation) or LEXICON_EXPLANATION.match(f.explanation)
        assert 0 <= f.start < f.end <= len(text)
        for word in text.split():  # explanations never quote the post
            if len(word) > 3:
                assert word.lower() not in f.explanation.lower()


def test_lexicon_finding_points_at_the_words() -> None:
    detector = ToxicityDetector(ToxicitySettings(backend="detoxify"), FakeModel({}))
    text = "Great game!! But ＵＲ a l0ser, @Sam."
    (f,) = scan(detector, text)
    assert f.category == "content.insult"
    assert text[f.start : f.end] == "ＵＲ a l0ser"
    assert f.explanation.startswith("toxicity lexicon: targeting entry #")
    assert f.score == LEXICON_SCORES["targeting"]


def test_lexicon_and_model_merge_to_the_stronger_finding_per_category() -> None:
    detector, _ = fake_detector({"insult": 0.97})
    (f,) = scan(detector, "you idiot")
    assert f.category == "content.insult"
    assert f.explanation.startswith("toxicity model fake: insult 0.97")  # model 0.97 > 0.8
    detector, _ = fake_detector({"insult": 0.1})
    (f,) = scan(detector, "you idiot")
    assert f.explanation.startswith("toxicity lexicon: targeting")


def test_lexicon_off_and_backend_none_give_model_and_self_harm_only() -> None:
    detector, _ = fake_detector({}, thresholds={})
    assert categories(scan(detector, "you idiot")) == ["content.insult"]
    off = ToxicityDetector(ToxicitySettings(backend="detoxify", lexicon=False), FakeModel({}))
    assert scan(off, "you idiot") == []
    none = ToxicityDetector(ToxicitySettings(backend="none"), None)
    assert scan(none, "you idiot") == []


@pytest.mark.parametrize(
    ("entry", "matches", "misses"),
    [
        ("fuck*", ["fuck", "fucking"], ["fu", "unfuck"]),
        ("piece of shit", ["piece  of shit", "piece-of-shit"], ["piece of shitake"]),
        ("[you|u] [a|an]? {insult}", ["you idiot", "u a moron"], ["you are", "youidiot"]),
        ("{target} [is|'s] {insult}", ["he's idiot", "§sam is idiot"], ["sam is idiot"]),
        ("shoot up [the|our] school", ["shoot up our school"], ["shoot up the gym"]),
    ],
)
def test_lexicon_entry_syntax(entry: str, matches: list[str], misses: list[str]) -> None:
    lexicon = ToxicityLexicon({"insult": ["idiot|moron"], "threat": [entry]})
    for text in matches:
        assert "threat" in [h.kind for h in lexicon.find(text)], text
    for text in misses:
        assert [h.kind for h in lexicon.find(text) if h.kind == "threat"] == [], text


@pytest.mark.parametrize("entry", ["[a|b", "{nope} x", "[a]? b", "a ]b["])
def test_lexicon_entry_syntax_errors(entry: str) -> None:
    with pytest.raises(ValueError, match=r"brackets|placeholder|optional"):
        compile_lexicon_entry(entry, {})


def test_lexicons_ship_as_data() -> None:
    lexicon = ToxicityLexicon.load()
    assert lexicon.kinds == LEXICON_KINDS
    assert all(lexicon.sizes[k] > 0 for k in LEXICON_KINDS)
    assert set(LEXICON_CATEGORIES) == set(LEXICON_SCORES) == set(LEXICON_KINDS)
    profanity = load_lexicon("profanity")
    assert "fuck*" in profanity
    assert not {"damn", "hell", "crap", "sick"} & set(profanity)  # school slang stays out
    policy = SeverityPolicy()
    # bare insult words are weak (low); everything else keeps its category's severity
    assert policy.weak_score > LEXICON_SCORES["insult"]
    assert min(v for k, v in LEXICON_SCORES.items() if k != "insult") >= policy.weak_score


def test_profanity_check_is_a_protocol_model() -> None:
    model = ProfanityCheckModel()
    model.load()
    out = model.predict(["you are a stupid idiot", "band practice at 4"])
    assert len(out) == 2
    assert set(out[0]) == {"profanity", "toxicity"}
    assert out[0]["profanity"] > 0.95 > out[1]["profanity"]
    assert model.predict([]) == []


def test_detector_protocol(profanity: ToxicityDetector) -> None:
    assert isinstance(profanity, Detector)
    assert profanity.name == "toxicity"
    assert profanity.backend == "profanity_check"


def test_span_is_the_sentence_with_the_highest_score(profanity: ToxicityDetector) -> None:
    text = "  Go Eagles! That ref was a damn idiot. See you Friday.\n"
    findings = scan(profanity, text)
    assert categories(findings) == PROFANITY
    for f in findings:
        assert text[f.start : f.end] == "That ref was a damn idiot."
        assert f.explanation.endswith(", sentence 2 of 3")
        assert "idiot" not in f.explanation and "ref" not in f.explanation  # never quotes


def test_offsets_point_into_the_original_text(profanity: ToxicityDetector) -> None:
    text = "Ｇｏ Ｅａｇｌｅｓ! ｙｏｕ ａｒｅ ａ ｓｔｕｐｉｄ ｉｄｉｏｔ"
    findings = scan(profanity, text)
    assert findings
    assert {text[f.start : f.end] for f in findings} == {"ｙｏｕ ａｒｅ ａ ｓｔｕｐｉｄ ｉｄｉｏｔ"}


# -- the offline default: the ensemble ---------------------------------------------------------


@pytest.fixture(scope="module")
def ensemble() -> ToxicityDetector:
    """The offline default as shipped: the ensemble plus the word lists and self-harm phrases."""
    settings = ToxicitySettings()
    model = build_model(settings)
    assert isinstance(model, EnsembleModel)
    detector = ToxicityDetector(settings, model)
    detector.load()
    return detector


CRITICAL = "critical"
INCIDENT = "incident"  # medium or high
DIGEST = "digest"  # low or info: logged, in the daily digest, no e-mail
NONE = "none"  # no finding at all

# (post, categories, outcome): the highest severity after the default policy.
ENSEMBLE_ROWS = [
    ("you are a stupid idiot", ["content.insult", "content.profanity", "content.toxicity"],
     INCIDENT),
    ("@USER you're such a moron", ["content.insult", "content.profanity", "content.toxicity"],
     INCIDENT),
    ("shut up loser", ["content.insult", "content.profanity", "content.toxicity"], INCIDENT),
    ("he is a clown", ["content.insult", "content.profanity", "content.toxicity"], INCIDENT),
    ("you damn idiot", ["content.insult", "content.profanity", "content.toxicity"], INCIDENT),
    ("what the sh1t", ["content.profanity", "content.toxicity"], INCIDENT),
    ("this is f u c k i n g annoying", ["content.profanity", "content.toxicity"], INCIDENT),
    ("these hoes aint loyal", ["content.insult", "content.profanity", "content.toxicity"],
     INCIDENT),  # "hoe" is mild only next to garden words
    ("send nudes", ["content.sexual"], INCIDENT),  # high, from the sexual word list
    # threats and self-harm: critical
    ("I will kill you", ["content.profanity", "content.threat", "content.toxicity"], CRITICAL),
    ("im gonna shoot up the school", ["content.profanity", "content.threat", "content.toxicity"],
     CRITICAL),
    ("someone should shoot that teacher",
     ["content.profanity", "content.threat", "content.toxicity"], CRITICAL),
    ("i hope he dies", ["content.threat"], CRITICAL),
    ("kys loser", ["content.insult", "content.profanity", "content.self_harm",
                   "content.toxicity"], CRITICAL),
    ("I want to die", ["content.self_harm"], CRITICAL),
    ("sometimes I cut myself", ["content.self_harm"], CRITICAL),
    # mild words alone: crude language for the digest, never an incident
    ("damn that was close", ["content.profanity"], DIGEST),
    ("Hell yeah we won", ["content.profanity"], DIGEST),
    ("That drumline was sick!", ["content.profanity"], DIGEST),
    ("Garden club: bring a hoe and gloves", ["content.insult", "content.profanity"], DIGEST),
    ("Shoot your shot at tryouts", ["content.profanity"], DIGEST),
    # "dumb"/"stupid" about a school thing (data/toxicity_mild.txt, "@ quiz|test|…"): crude,
    # for the digest; about a person, or with no such thing named, still an incident.
    ("the quiz was dumb", ["content.insult", "content.profanity"], DIGEST),
    ("this stupid test again", ["content.insult", "content.profanity"], DIGEST),
    ("the new dress code is stupid", ["content.insult", "content.profanity"], DIGEST),
    ("Jake is dumb and ugly", ["content.insult", "content.profanity", "content.toxicity"],
     INCIDENT),
    ("you are stupid and the quiz was dumb", ["content.insult", "content.profanity"],
     INCIDENT),  # aimed at someone: the insult word list's medium finding
    # no-match rows: school slang, sports, music, clubs, announcements
    ("Our drumline killed it at regionals!", [], NONE),
    ("The choir killed it tonight", [], NONE),
    ("The defense crushed it tonight", [], NONE),
    ("She shot 8 for 10 from the line tonight", [], NONE),
    ("We're going to destroy Central on Friday", [], NONE),
    ("Killer solo by the sax section", [], NONE),
    ("Suicide drills at practice today, ouch", [], NONE),
    ("Ho ho ho, merry Christmas from the choir", [], NONE),
    ("Trash pickup volunteers meet at 8", [], NONE),
    ("The GSA club meets Tuesday in room 204", [], NONE),
    ("Our gay and lesbian alumni panel is Thursday", [], NONE),
    ("The Black Student Union meets at lunch", [], NONE),
    ("Email @coach with questions about the bus", [], NONE),
    ("Great win tonight, Lakeview band! Proud of every one of you.", [], NONE),
    ("Band practice moved to 4pm. Bring your music folders.", [], NONE),
    ("The school board will vote on the budget and the new tax levy Monday", [], NONE),
    ("", [], NONE),
]  # fmt: skip


def outcome(findings: Sequence[Finding]) -> str:
    if not findings:
        return NONE
    worst = max(SeverityPolicy().apply(f).severity for f in findings)
    if worst is Severity.CRITICAL:
        return CRITICAL
    return INCIDENT if worst.is_incident else DIGEST


@pytest.mark.parametrize(("text", "expected", "result"), ENSEMBLE_ROWS)
def test_ensemble_rows(
    ensemble: ToxicityDetector, text: str, expected: list[str], result: str
) -> None:
    findings = scan(ensemble, text)
    assert categories(findings) == expected
    assert outcome(findings) == result
    for f in findings:
        assert f.detector == "toxicity"
        assert 0 <= f.start < f.end <= len(text)
        assert 0.0 <= f.score <= 1.0
        assert (
            EXPLANATION.match(f.explanation)
            or LEXICON_EXPLANATION.match(f.explanation)
            or f.explanation.startswith("self-harm phrase list: entry #")
        ), f.explanation
        if f.explanation.startswith("toxicity model"):
            assert f.explanation.startswith("toxicity model ensemble: ")
            assert f"(threshold {ENSEMBLE_THRESHOLD:.2f})" in f.explanation
        for word in text.split():  # explanations never quote the post
            if len(word) > 3:
                assert word.lower() not in f.explanation.lower()


def test_ensemble_is_the_stacked_formula(ensemble: ToxicityDetector) -> None:
    """p = sigmoid(a · logit(alt-profanity-check of neutral_text) + b · sitewatch log-odds + c),
    with a, b, c from the shipped file."""
    model = ensemble.model
    assert isinstance(model, EnsembleModel)
    weights = StackWeights.from_meta(read_model_meta())
    assert model.weights == weights
    assert model.threshold == pytest.approx(ENSEMBLE_THRESHOLD)
    texts = [model_view(normalize(t)).text for t in ("@Sam you idiot http://x.co", "go band")]
    raw = ProfanityCheckModel().predict_raw([neutral_text(model_text(t)) for t in texts])
    logits = model.sitewatch.decision(texts)
    for text, p_raw, z_b, scores in zip(texts, raw, logits, model.predict(texts), strict=True):
        p = min(max(p_raw, 1e-4), 1 - 1e-4)
        z = weights.coef[0] * math.log(p / (1 - p)) + weights.coef[1] * z_b + weights.intercept
        assert scores["profanity"] == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-9), text
        assert scores["toxicity"] == pytest.approx(scores["profanity"], abs=1e-9)  # no mild word
    assert model.predict([]) == []


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("damn that was close", "____ that was close"),
        ("what the hell, that was sick", "what the ____, that was ____"),
        ("we killed it tonight", "we _________ tonight"),
        ("shoot your shot", "_______________"),
        ("bring a hoe and a rake", "bring a ___ and a rake"),
        ("these hoes aint loyal", "these hoes aint loyal"),  # no garden word: not mild
        ("sickle and shellfish", "sickle and shellfish"),  # whole words only
        ("§hell is here", "§hell is here"),  # an @handle is not a word
    ],
)
def test_mild_words_are_blanked_in_place(text: str, masked: str) -> None:
    out = MildWords.load().mask(text)
    assert len(out) == len(text)  # offsets still hold
    assert out == masked.replace("_", " ")


def test_mild_word_list_ships_as_data() -> None:
    entries = load_mild_words()
    assert any(e.startswith("damn") for e in entries)
    assert any(" @ " in e and e.startswith("hoe") for e in entries)
    for phrase in ("kill", "shoot", "idiot", "fuck"):  # never mild on their own
        assert MildWords(entries).mask(phrase) == phrase
    with pytest.raises(ConfigError, match=r"toxicity_mild\.txt"):
        MildWords(["[a|b"])


def test_neutral_text_drops_generic_handles_and_links() -> None:
    assert neutral_text("§user you are an idiot url") == "you are an idiot"
    assert neutral_text("curling is fun") == "curling is fun"


@pytest.mark.parametrize(
    "meta",
    [
        {},
        {"ensemble": {"features": ["x"], "coef": [1.0], "intercept": 0.0, "threshold": 0.5}},
        {"ensemble": {"features": list(ENSEMBLE_FEATURES), "coef": [1.0], "intercept": 0,
                      "threshold": 0.5}},
        {"ensemble": {"features": list(ENSEMBLE_FEATURES), "coef": "ab", "intercept": 0,
                      "threshold": 0.5}},
    ],
)  # fmt: skip
def test_unusable_ensemble_weights_are_a_config_error(meta: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="no usable ensemble weights"):
        StackWeights.from_meta(meta)


def test_ensemble_provenance() -> None:
    meta = read_model_meta()
    entry = meta["ensemble"]
    assert tuple(entry["features"]) == ENSEMBLE_FEATURES
    assert entry["threshold"] == pytest.approx(ENSEMBLE_THRESHOLD)
    assert len(entry["coef"]) == len(ENSEMBLE_FEATURES)
    assert all(c > 0 for c in entry["coef"])  # both models push the same way
    assert "never OLID" in entry["threshold_rule"] and "out-of-fold" in entry["fitted_on"]
    assert 0.0 < entry["balanced_macro_f1"] <= 1.0
    assert set(entry["by_source"]) == set(meta["training_rows"])
    assert entry["alt_profanity_check"]


# -- sitewatch's own model (data/toxicity_model.npz) -------------------------------------------


@pytest.fixture(scope="module")
def sitewatch_model() -> SitewatchModel:
    model = SitewatchModel()
    model.load()
    return model


@pytest.fixture(scope="module")
def sitewatch() -> ToxicityDetector:
    """The sitewatch backend as shipped: its model plus the word lists."""
    settings = ToxicitySettings(backend="sitewatch")
    model = build_model(settings)
    assert isinstance(model, SitewatchModel)
    detector = ToxicityDetector(settings, model)
    detector.load()
    return detector


def test_sitewatch_model_ships_small_and_loads_fast(sitewatch_model: SitewatchModel) -> None:
    from importlib import resources

    ref = resources.files("sitewatch").joinpath("data", MODEL_FILE)
    assert len(ref.read_bytes()) <= 5_000_000
    fresh = SitewatchModel()
    fresh.load()
    assert fresh.load_seconds < 1.0
    assert fresh.threshold == pytest.approx(SITEWATCH_THRESHOLD, abs=1e-6)


def test_sitewatch_model_provenance() -> None:
    meta = read_model_meta()
    assert set(MODEL_META_KEYS) <= set(meta)
    assert meta["format"] == MODEL_FORMAT == 2
    assert meta["threshold"] == pytest.approx(SITEWATCH_THRESHOLD)
    names = {d["name"] for d in meta["datasets"]}
    assert names == {"davidson", "toxic_spans", "jigsaw_sample", "school_benign"}
    assert all(d["licence"] and d["source"] for d in meta["datasets"])
    assert "olid" not in " ".join(meta["training_rows"]).lower()  # never trained on OLID
    assert meta["training_rows"]["davidson"]["rows"] == 24783
    assert meta["hashing"]["word"]["ngram_range"] == [1, 2]
    assert meta["hashing"]["char"]["ngram_range"] == [2, 5]
    assert meta["cv"]["folds"] == 5
    assert 0.0 < meta["cv"]["balanced_macro_f1"] <= 1.0


# Pinned outputs of the shipped file: a retrained model must update these on purpose.
SITEWATCH_PINNED = [
    ("you are a stupid idiot", 0.9998),
    ("Great win tonight, Lakeview band!", 0.0011),
    ("@coach the bus leaves at 3", 0.0048),
    ("what the sh1t", 0.8427),
    ("Our drumline killed it at regionals!", 0.0192),
]


def test_sitewatch_model_predictions_are_deterministic(sitewatch_model: SitewatchModel) -> None:
    texts = [model_view(normalize(t)).text for t, _ in SITEWATCH_PINNED]
    out = sitewatch_model.predict(texts)
    assert [set(o) for o in out] == [{"toxicity"}] * len(texts)
    for (text, expected), scores in zip(SITEWATCH_PINNED, out, strict=True):
        assert scores["toxicity"] == pytest.approx(expected, abs=1e-4), text
    again = [sitewatch_model.predict([t])[0] for t in texts]  # batch == one at a time
    for a, b in zip(again, out, strict=True):
        assert a["toxicity"] == pytest.approx(b["toxicity"], abs=1e-6)
    assert sitewatch_model.predict([]) == []


def test_model_view_keeps_handles_and_model_text_makes_them_generic() -> None:
    view = model_view(normalize("@Coach you're a l0ser http://t.co/x &amp; @ss"))
    assert view.text == "§coach you're a loser http://t.co/x &amp; ass"
    assert model_text(view.text) == "§user you're a loser url & ass"


# (post, categories, incident?) with the sitewatch backend and the word lists.
SITEWATCH_ROWS = [
    ("you are a stupid idiot", ["content.insult", "content.toxicity"], True),
    ("@USER you're such a moron", ["content.insult", "content.toxicity"], True),
    ("shut up loser", ["content.insult", "content.toxicity"], True),
    ("You suck, nobody likes you", ["content.insult", "content.toxicity"], True),
    ("I will kill you", ["content.threat", "content.toxicity"], True),
    ("im gonna shoot up the school", ["content.threat", "content.toxicity"], True),
    ("what the sh1t", ["content.profanity", "content.toxicity"], True),
    ("he is a clown", ["content.insult", "content.toxicity"], True),
    ("send nudes", ["content.sexual"], True),
    ("the quiz was dumb", ["content.insult"], False),  # bare word: low
    # no-match rows: school slang, sports, music, clubs, announcements
    ("That drumline was sick!", [], False),
    ("Hell yeah we won", [], False),
    ("we killed it", [], False),
    ("Our drumline killed it at regionals!", [], False),
    ("The choir killed it tonight", [], False),
    ("The defense crushed it tonight", [], False),
    ("Kill the lights for the finale", [], False),
    ("We're going to destroy Central on Friday", [], False),
    ("Killer solo by the sax section", [], False),
    ("Practice was a beast today", [], False),
    ("What the hell was that play", [], False),
    ("Lmao I'm dead", [], False),
    ("Suicide drills at practice today, ouch", [], False),
    ("Ho ho ho, merry Christmas from the choir", [], False),
    ("Trash pickup volunteers meet at 8", [], False),
    ("The GSA club meets Tuesday in room 204", [], False),
    ("Our gay and lesbian alumni panel is Thursday", [], False),
    ("The Black Student Union meets at lunch", [], False),
    ("The school board will vote on the budget and the new tax levy Monday", [], False),
    ("Email @coach with questions about the bus", [], False),
    # Known false positives of this backend alone (the ensemble masks these mild words and
    # idioms): Davidson's slang sense of "hoe", "shoot" and casual "damn".
    ("Garden club: bring a hoe and gloves", ["content.insult", "content.toxicity"], True),
    ("Shoot your shot at tryouts", ["content.toxicity"], False),  # 0.496: low, barely
    ("damn that was close", ["content.toxicity"], False),  # 0.45: a low finding
]


@pytest.mark.parametrize(("text", "expected", "incident"), SITEWATCH_ROWS)
def test_sitewatch_rows(
    sitewatch: ToxicityDetector, text: str, expected: list[str], incident: bool
) -> None:
    findings = scan(sitewatch, text)
    assert categories(findings) == expected
    policy = SeverityPolicy()
    assert any(policy.apply(f).severity.is_incident for f in findings) is incident
    for f in findings:
        assert EXPLANATION.match(f.explanation) or LEXICON_EXPLANATION.match(f.explanation)
        if f.explanation.startswith("toxicity model"):
            assert f.explanation.startswith("toxicity model sitewatch: toxicity ")
            assert f"(threshold {SITEWATCH_THRESHOLD:.2f})" in f.explanation
        for word in text.split():  # explanations never quote the post
            if len(word) > 3:
                assert word.lower() not in f.explanation.lower()


def test_sitewatch_backend_selection_and_description() -> None:
    settings = ToxicitySettings(backend="sitewatch")
    assert settings.effective_thresholds() == {"toxicity": SITEWATCH_THRESHOLD}
    assert isinstance(build_model(settings), SitewatchModel)
    assert isinstance(build_model(ToxicitySettings(backend="profanity_check")), ProfanityCheckModel)
    name, why = describe_backend(fake_settings({"backend": "sitewatch"}))
    assert name == "sitewatch"
    assert "configured: detection.toxicity.backend = 'sitewatch'" in why
    assert MODEL_FILE in why and "never OLID" in why and "davidson 24783" in why
    assert f"thresholds toxicity {SITEWATCH_THRESHOLD:.2f}" in why


def test_a_broken_model_file_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"not an npz")
    with pytest.raises(ConfigError, match="cannot read the sitewatch toxicity model"):
        SitewatchModel(bad).load()


# -- thresholds and categories, with a fake model ----------------------------------------------


class FakeModel:
    """Returns the same label scores for every text, or per-text scores by substring."""

    name = "fake"

    def __init__(
        self, scores: dict[str, float], by_text: dict[str, dict[str, float]] | None = None
    ) -> None:
        self.scores = scores
        self.by_text = by_text or {}
        self.calls: list[list[str]] = []
        self.loaded = False

    def load(self) -> None:
        self.loaded = True

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.calls.append(list(texts))
        out = []
        for t in texts:
            match = next((v for k, v in self.by_text.items() if k in t), None)
            out.append(dict(match if match is not None else self.scores))
        return out


def fake_detector(
    scores: dict[str, float],
    *,
    backend: str = "detoxify",
    thresholds: dict[str, float] | None = None,
    by_text: dict[str, dict[str, float]] | None = None,
) -> tuple[ToxicityDetector, FakeModel]:
    model = FakeModel(scores, by_text)
    settings = ToxicitySettings.model_validate({"backend": backend, "thresholds": thresholds or {}})
    detector = ToxicityDetector(settings, model)
    detector.load()
    return detector, model


LABEL_ROWS = [
    ("toxicity", "content.toxicity"),
    ("severe_toxicity", "content.toxicity"),
    ("obscene", "content.profanity"),
    ("insult", "content.insult"),
    ("threat", "content.threat"),
    ("identity_attack", "content.identity_attack"),
    ("sexual_explicit", "content.sexual"),
]


@pytest.mark.parametrize(("label", "category"), LABEL_ROWS)
def test_each_detoxify_label_maps_to_its_category(label: str, category: str) -> None:
    scores = dict.fromkeys(DETOXIFY_LABELS, 0.01) | {label: 0.97}
    detector, _ = fake_detector(scores)
    findings = scan(detector, "some post")
    assert categories(findings) == [category]
    (f,) = findings
    threshold = DEFAULT_THRESHOLDS["detoxify"][label]
    assert f.explanation == f"toxicity model fake: {label} 0.97 (threshold {threshold:.2f})"
    assert f.score == pytest.approx(0.97)


def test_below_threshold_gives_nothing() -> None:
    detector, _ = fake_detector(dict.fromkeys(DETOXIFY_LABELS, 0.49))
    assert scan(detector, "some post") == []


def test_threshold_is_inclusive_and_overridable() -> None:
    detector, _ = fake_detector({"insult": 0.6}, thresholds={"insult": 0.6})
    assert categories(scan(detector, "x")) == ["content.insult"]
    detector, _ = fake_detector({"insult": 0.6})  # default 0.8
    assert scan(detector, "x") == []


def test_two_labels_of_one_category_give_one_finding_with_the_stronger() -> None:
    detector, _ = fake_detector({"toxicity": 0.85, "severe_toxicity": 0.9})
    (f,) = scan(detector, "x")
    assert f.category == "content.toxicity"
    assert f.explanation.startswith("toxicity model fake: severe_toxicity 0.90")


def test_threat_and_self_harm_are_critical_through_the_policy() -> None:
    detector, _ = fake_detector({"threat": 0.99})
    policy = SeverityPolicy()
    findings = scan(detector, "I want to die")
    assert categories(findings) == ["content.self_harm", "content.threat"]
    assert {policy.apply(f).severity for f in findings} == {Severity.CRITICAL}


def test_sentences_are_scored_in_the_same_batch() -> None:
    text = "Great show. You are all trash. See you Monday."
    # The whole post contains "trash" too: on a tie the narrower sentence is reported.
    detector, model = fake_detector({"insult": 0.1}, by_text={"trash": {"insult": 0.95}})
    (f,) = scan(detector, text)
    assert text[f.start : f.end] == "You are all trash."
    assert f.explanation.endswith("sentence 2 of 3")
    sentences = ("Great show.", "You are all trash.", "See you Monday.")
    assert model.calls == [[normalize(t).text for t in (text, *sentences)]]


def test_whole_post_wins_when_it_scores_higher_than_any_sentence() -> None:
    text = "line one.\nline two."
    detector, _ = fake_detector({"insult": 0.5}, by_text={"line one.\nline two.": {"insult": 0.9}})
    (f,) = scan(detector, text)
    assert (f.start, f.end) == (0, len(text))
    assert "sentence" not in f.explanation


def test_detect_many_batches_documents_in_one_call() -> None:
    detector, model = fake_detector({"insult": 0.1}, by_text={"jerk": {"insult": 0.9}})
    docs = [normalize(t) for t in ("hello", "what a jerk", "   ", "bye")]
    results = detector.detect_many(docs)
    assert [categories(r) for r in results] == [[], ["content.insult"], [], []]
    assert len(model.calls) == 1 and len(model.calls[0]) == 3  # blank post not scored


def test_backend_none_still_finds_self_harm() -> None:
    detector = ToxicityDetector(ToxicitySettings(backend="none"), None)
    detector.load()
    assert detector.backend == "none"
    assert categories(scan(detector, "kys")) == ["content.self_harm"]
    assert scan(detector, "you are a stupid idiot") == []


def test_model_returning_the_wrong_count_is_an_error() -> None:
    class Broken(FakeModel):
        def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
            return []

    detector = ToxicityDetector(ToxicitySettings(), Broken({}))
    with pytest.raises(RuntimeError, match="returned 0 results"):
        scan(detector, "hello")


# -- self-harm phrases -------------------------------------------------------------------------

SELF_HARM_ROWS = [
    ("kys", ["kys"]),
    ("KYS lol", ["KYS"]),
    ("just kуs already", ["kуs"]),  # Cyrillic у
    ("I want to die", ["want to die"]),
    ("i wanna kill myself after that test", ["wanna kill myself"]),  # longest phrase wins
    ("sometimes I cut myself", ["cut myself"]),
    ("you should kill yourself", ["kill yourself"]),
    ("Ｅｎｄ ｍｙ ｌｉｆｅ", ["Ｅｎｄ ｍｙ ｌｉｆｅ"]),
    # no-match rows
    ("Suicide prevention week: talk to your counselor", []),
    ("The keys are on the bus", []),
    ("kysr is not a word", []),
    ("we want to diet before prom", []),
    ("the team killed it", []),
]


@pytest.mark.parametrize(("text", "spans"), SELF_HARM_ROWS)
def test_self_harm_phrases(text: str, spans: list[str]) -> None:
    detector = ToxicityDetector(ToxicitySettings(backend="none"), None)
    findings = scan(detector, text)
    assert [text[f.start : f.end] for f in findings] == spans
    for f in findings:
        assert f.category == "content.self_harm"
        assert re.fullmatch(r"self-harm phrase list: entry #\d+", f.explanation)


def test_self_harm_phrase_list_ships_as_data() -> None:
    phrases = load_self_harm_phrases()
    assert {"kill yourself", "kys", "want to die", "end my life", "cut myself"} <= set(phrases)
    assert "suicide" not in phrases


def test_sentence_spans() -> None:
    text = "Scores: 3.5 avg. Go lhs.band!!  Next line\n\n  ...  \nlast"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Scores: 3.5 avg.",
        "Go lhs.band!!",
        "Next line",
        "last",
    ]
    assert len(sentence_spans("a. " * 100)) == 32


# -- settings ----------------------------------------------------------------------------------


def test_settings_defaults_and_merge() -> None:
    s = ToxicitySettings()
    assert s.backend == "ensemble"
    assert s.effective_thresholds() == {
        "toxicity": ENSEMBLE_THRESHOLD,
        "profanity": ENSEMBLE_THRESHOLD,
    }
    s = ToxicitySettings(backend="profanity_check")
    assert s.effective_thresholds() == {"profanity": 0.8, "toxicity": 0.95}
    s = ToxicitySettings(backend="detoxify", thresholds={"threat": 0.3})
    assert s.effective_thresholds()["threat"] == 0.3
    assert s.effective_thresholds()["insult"] == 0.8
    assert set(DEFAULT_THRESHOLDS["detoxify"]) == set(DETOXIFY_LABELS)
    assert set(DETOXIFY_LABELS) | {"profanity"} == set(LABEL_CATEGORIES)


@pytest.mark.parametrize(
    "data",
    [
        {"thresholds": {"toxic": 0.5}},
        {"thresholds": {"insult": 1.5}},
        {"thresholds": {"insult": 0.0}},
        {"backend": "perspective"},
        {"batch_size": 0},
        {"modeltype": "original"},
    ],
)
def test_settings_reject(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ToxicitySettings.model_validate(data)


def fake_settings(toxicity: Any, detectors: Sequence[str] = ("toxicity",)) -> Any:
    """A Settings stand-in with ``detection.toxicity`` (until config.py has the field)."""
    base = Settings()
    return SimpleNamespace(
        detection=SimpleNamespace(toxicity=toxicity, detectors=list(detectors)),
        resolve_path=base.resolve_path,
    )


def test_reads_settings_defensively() -> None:
    assert toxicity_settings(Settings()) == ToxicitySettings()
    assert toxicity_settings(fake_settings({"backend": "none"})).backend == "none"
    assert toxicity_settings(fake_settings(ToxicitySettings(batch_size=4))).batch_size == 4
    detector = ToxicityDetector.from_context(DetectorContext(Settings()))
    assert detector.backend == "ensemble"
    assert isinstance(detector.model, EnsembleModel)


def test_describe_backend_default_and_none() -> None:
    name, why = describe_backend(Settings())
    assert name == "ensemble"
    assert why.startswith("default (no [detection.toxicity]): ")
    assert "the offline default" in why and "never OLID" in why and MODEL_FILE in why
    assert f"ensemble threshold {ENSEMBLE_THRESHOLD:.2f}" in why
    assert "not in detection.detectors" not in why  # on by default
    _, why = describe_backend(fake_settings({"backend": "none"}, detectors=["email"]))
    assert "not in detection.detectors" in why
    name, why = describe_backend(fake_settings({"backend": "none"}))
    assert name == "none"
    assert "configured: detection.toxicity.backend = 'none'" in why


# -- Detoxify, loaded for real from a tiny checkpoint built here -------------------------------

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "you", "are", "a", "the", "band", "game", "great", "idiot", "go", "team", "win", "!", ".",
]  # fmt: skip
UNBIASED_CLASSES = [
    "toxicity", "severe_toxicity", "obscene", "identity_attack", "insult", "threat",
    "sexual_explicit",
]  # fmt: skip
ORIGINAL_CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def build_checkpoint(
    folder: Path, classes: Sequence[str], fixed: Sequence[float] | None = None
) -> tuple[Path, Path]:
    """A Detoxify-format checkpoint of a tiny BERT and its local HF folder.

    With ``fixed``, the classifier ignores the text (zero weights) and its biases are the
    logits of ``fixed``: predictions must then equal ``fixed``, which proves the state dict
    was loaded rather than freshly initialised.
    """
    hf = folder / "hf"
    hf.mkdir(parents=True)
    (hf / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(hf / "vocab.txt"), do_lower_case=True).save_pretrained(hf)
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=64,
        num_labels=len(classes),
    )
    config.save_pretrained(hf)
    torch.manual_seed(1234)
    model = BertForSequenceClassification(config)
    if fixed is not None:
        with torch.no_grad():
            model.classifier.weight.zero_()
            model.classifier.bias.copy_(torch.tensor([_logit(p) for p in fixed]))
    checkpoint = folder / "tiny.ckpt"
    torch.save(
        {
            "config": {
                "arch": {
                    "args": {
                        # A hub name, as in Detoxify's published checkpoints: the loader
                        # must use the local folder instead and never reach for the hub.
                        "model_type": "bert-base-uncased",
                        "model_name": "BertForSequenceClassification",
                        "tokenizer_name": "BertTokenizer",
                        "num_classes": len(classes),
                    }
                },
                "dataset": {"args": {"classes": list(classes)}},
            },
            "state_dict": model.state_dict(),
        },
        checkpoint,
    )
    return checkpoint, hf


FIXED = [0.97, 0.02, 0.3, 0.6, 0.85, 0.55, 0.1]  # in UNBIASED_CLASSES order


@pytest.fixture(scope="module")
def fixed_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_checkpoint(tmp_path_factory.mktemp("fixed"), UNBIASED_CLASSES, FIXED)


@pytest.fixture(scope="module")
def random_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_checkpoint(tmp_path_factory.mktemp("random"), UNBIASED_CLASSES)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_detoxify_loads_offline_and_predicts_the_seven_labels(
    fixed_checkpoint: tuple[Path, Path], no_network: None
) -> None:
    checkpoint, hf = fixed_checkpoint
    model = DetoxifyModel(checkpoint, hf, model_type="unbiased", batch_size=2)
    model.load()
    texts = ["you are a idiot", "great game team !", "go band", "the", "win win win win"]
    out = model.predict(texts)
    assert len(out) == len(texts)
    for scores in out:
        assert set(scores) == set(DETOXIFY_LABELS)
        assert all(0.0 <= p <= 1.0 for p in scores.values())
        for label, p in zip(UNBIASED_CLASSES, FIXED, strict=True):
            assert scores[label] == pytest.approx(p, abs=1e-5)
    assert model.predict([]) == []


def test_detoxify_batches_match_one_at_a_time(random_checkpoint: tuple[Path, Path]) -> None:
    checkpoint, hf = random_checkpoint
    texts = ["you are a idiot", "great game team ! go band win", "the", "go go go", "band"]
    batched = DetoxifyModel(checkpoint, hf, batch_size=3).predict(texts)
    single = DetoxifyModel(checkpoint, hf, batch_size=1)
    assert len(batched) == len(texts)
    for text, scores in zip(texts, batched, strict=True):
        (alone,) = single.predict([text])
        assert alone.keys() == scores.keys()
        for label in scores:
            assert scores[label] == pytest.approx(alone[label], abs=1e-4)


def test_detoxify_truncates_long_posts(random_checkpoint: tuple[Path, Path]) -> None:
    checkpoint, hf = random_checkpoint
    (scores,) = DetoxifyModel(*random_checkpoint).predict(["go band " * 500])
    assert set(scores) == set(DETOXIFY_LABELS)
    assert checkpoint.exists() and hf.exists()


def test_detoxify_renames_original_class_names(tmp_path: Path) -> None:
    checkpoint, hf = build_checkpoint(tmp_path, ORIGINAL_CLASSES)
    (scores,) = DetoxifyModel(checkpoint, hf).predict(["go team"])
    assert set(scores) == {
        "toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack",
    }  # fmt: skip


def test_detector_with_detoxify_backend_end_to_end(
    fixed_checkpoint: tuple[Path, Path], no_network: None
) -> None:
    checkpoint, hf = fixed_checkpoint
    settings = fake_settings(
        {
            "backend": "detoxify",
            "checkpoint": str(checkpoint),
            "huggingface_config_path": str(hf),
            "model_type": "unbiased",
            "batch_size": 4,
        }
    )
    detector = ToxicityDetector.from_context(DetectorContext(settings))
    detector.load()
    assert detector.backend == "detoxify"
    findings = scan(detector, "  great game team !  ")
    # FIXED: toxicity 0.97 ≥ 0.8, insult 0.85 ≥ 0.8, threat 0.6 ≥ 0.5, identity_attack 0.55 ≥ 0.5
    assert categories(findings) == [
        "content.identity_attack",
        "content.insult",
        "content.threat",
        "content.toxicity",
    ]
    for f in findings:
        assert (f.start, f.end) == (2, 19)
        assert EXPLANATION.match(f.explanation), f.explanation
    policy = SeverityPolicy()
    threat = next(f for f in findings if f.category == "content.threat")
    assert policy.apply(threat).severity is Severity.CRITICAL

    name, why = describe_backend(settings)
    assert name == "detoxify"
    assert str(checkpoint) in why and str(hf) in why and "'unbiased'" in why


def _detoxify_settings(**overrides: Any) -> Any:
    return fake_settings({"backend": "detoxify", **overrides})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda c, h: {"checkpoint": str(c.with_name("nope.ckpt")),
                       "huggingface_config_path": str(h)},
         "nope.ckpt: detection.toxicity.checkpoint: Detoxify checkpoint file not found"),
        (lambda c, h: {"huggingface_config_path": str(h)},
         "detection.toxicity.checkpoint is required"),
        (lambda c, h: {"checkpoint": str(c)},
         "detection.toxicity.huggingface_config_path is required"),
        (lambda c, h: {"checkpoint": str(c), "huggingface_config_path": str(h / "missing")},
         "missing: detection.toxicity.huggingface_config_path: not a folder"),
    ],
)  # fmt: skip
def test_detoxify_misconfiguration_is_a_config_error(
    fixed_checkpoint: tuple[Path, Path],
    make: Callable[[Path, Path], dict[str, str]],
    message: str,
) -> None:
    settings = _detoxify_settings(**make(*fixed_checkpoint))
    detector = ToxicityDetector.from_context(DetectorContext(settings))
    with pytest.raises(ConfigError, match=re.escape(message)):
        detector.load()
    with pytest.raises(ConfigError, match=re.escape(message)):
        describe_backend(settings)  # an error, never a silent fall-back


def test_detoxify_relative_paths_resolve_against_the_config(
    fixed_checkpoint: tuple[Path, Path],
) -> None:
    checkpoint, _ = fixed_checkpoint
    base = Settings().model_copy(update={"base_dir": checkpoint.parent})
    settings = SimpleNamespace(
        detection=SimpleNamespace(
            toxicity={
                "backend": "detoxify",
                "checkpoint": checkpoint.name,
                "huggingface_config_path": "hf",
            },
            detectors=["toxicity"],
        ),
        resolve_path=base.resolve_path,
    )
    name, why = describe_backend(settings)
    assert name == "detoxify" and str(checkpoint) in why


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"state_dict": {}}, "not a Detoxify checkpoint"),
        ([1, 2, 3], "not a Detoxify checkpoint"),
    ],
)
def test_not_a_detoxify_checkpoint(
    tmp_path: Path, fixed_checkpoint: tuple[Path, Path], payload: object, message: str
) -> None:
    bad = tmp_path / "bad.ckpt"
    torch.save(payload, bad)
    with pytest.raises(ConfigError, match=message):
        DetoxifyModel(bad, fixed_checkpoint[1]).load()


def test_garbage_checkpoint_file(tmp_path: Path, fixed_checkpoint: tuple[Path, Path]) -> None:
    bad = tmp_path / "bad.ckpt"
    bad.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ConfigError, match="cannot read Detoxify checkpoint"):
        DetoxifyModel(bad, fixed_checkpoint[1]).load()


# -- through the scan pipeline ------------------------------------------------------------------


def test_pipeline_applies_the_severity_policy(profanity: ToxicityDetector) -> None:
    from sitewatch.scan.pipeline import ScanPipeline

    pipeline = ScanPipeline([profanity], SeverityPolicy())
    result = pipeline.scan("Great game. kys loser")
    assert result.categories == ("content.profanity", "content.self_harm", "content.toxicity")
    assert result.severity is Severity.CRITICAL
    by_category = {f.category: f.severity for f in result.findings}
    assert by_category["content.profanity"] is Severity.LOW
    assert by_category["content.toxicity"] is Severity.MEDIUM
    assert result.redactions == ()  # content findings are not masked in excerpts
    assert pipeline.scan("Great game, Lakeview band!").findings == ()


def test_importing_the_module_loads_no_model_package() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sitewatch.detectors.toxicity; "
        "print([m for m in ('torch', 'detoxify', 'profanity_check', 'sitewatch.config') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # config.py will import ToxicitySettings from here: no cycle, and no heavy imports.
    assert out.stdout.strip() == "[]"
