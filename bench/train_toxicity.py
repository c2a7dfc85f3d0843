"""Train sitewatch's offline toxicity model: ``src/sitewatch/data/toxicity_model.npz``.

Reads the licensed sets in place from ``../shared/data/toxicity`` (never copied into the repo):

* Davidson et al. 2017 (``davidson/labeled_data.csv``, MIT): class 0 (hate) and 1 (offensive)
  are toxic, class 2 (neither) is not.
* toxic_spans (``toxic_spans/SemEval2021__data__tsd_{train,trial}.csv``, CC0; Civil Comments,
  CC0): every post is toxic (the set has no negatives). Its test split is held out of
  training (texts that also occur in it are dropped) so the benchmark can report recall on it.
* the Jigsaw sample shipped with detoxify's tests (``jigsaw_sample``, labels CC0): ``toxic``.
* ``BENIGN_SCHOOL_POSTS`` below: school posts written by hand for sitewatch (band, sports,
  clubs, announcements, competitive slang), all not toxic.

OLID is NEVER read here (no licence; it is evaluation only, in bench/toxicity_quality.py).

The sitewatch model: logistic regression (liblinear, L2) on hashed word 1–2-grams and
character 2–5-grams of the model view (``sitewatch.detectors.toxicity.model_view`` +
``model_text``) plus one 0/1 feature per toxicity lexicon kind. Each (source, label) cell gets
the same total weight, so Davidson's 24,783 tweets (83% toxic) do not drown the other sources
and the hand-written school posts weigh as much as any corpus's negatives.

The ensemble (the offline default): a logistic regression over two features of each text,
alt-profanity-check's log-odds of ``neutral_text`` and the sitewatch model's log-odds, fitted
on the sitewatch model's OUT-OF-FOLD log-odds (so it learns how far to trust that model on
posts it has not seen), with the same weights.

Stratified 5-fold cross-validation (by source and label, fixed seed) picks the regularization
C (best out-of-fold ensemble score) and both thresholds: each held-out post is scored as the
detector scores it (the whole post and each sentence, the highest wins) and the threshold
maximises the weighted macro-F1 over the out-of-fold scores. Nothing is tuned on OLID. Both
models ship in one file with their provenance (``meta``; the ensemble's weights under
``meta["ensemble"]``).

Usage::

    .venv/bin/python bench/train_toxicity.py [--data DIR] [--out FILE] [--c C]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]
import sklearn  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import HashingVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedGroupKFold  # type: ignore[import-untyped]

from sitewatch.detectors.toxicity import (
    ENSEMBLE_FEATURES,
    LEXICON_KINDS,
    MODEL_FORMAT,
    PROB_CLIP,
    EnsembleModel,
    ProfanityCheckModel,
    SitewatchModel,
    StackWeights,
    ToxicityLexicon,
    hashing_kwargs,
    lexicon_features,
    model_text,
    model_view,
    neutral_text,
    sentence_spans,
)
from sitewatch.scan.normalize import normalize

ROOT: Final[Path] = Path(__file__).resolve().parents[1]
DEFAULT_DATA: Final[Path] = ROOT.parent / "shared" / "data" / "toxicity"
DEFAULT_OUT: Final[Path] = ROOT / "src" / "sitewatch" / "data" / "toxicity_model.npz"
DAVIDSON_FILE: Final[Path] = Path("davidson") / "labeled_data.csv"
SPANS_DIR: Final[Path] = Path("toxic_spans")
SPANS_TRAIN: Final[tuple[str, ...]] = (
    "SemEval2021__data__tsd_train.csv",
    "SemEval2021__data__tsd_trial.csv",
)
SPANS_TEST: Final[str] = "SemEval2021__data__tsd_test.csv"
JIGSAW_DIR: Final[Path] = Path("jigsaw_sample")
JIGSAW_FILES: Final[tuple[str, ...]] = (
    "tests__dummy_data__jigsaw-toxic-comment-classification-challenge__train.csv",
    "tests__dummy_data__jigsaw-toxic-comment-classification-challenge__test.csv",
)
REQUIRED: Final[tuple[Path, ...]] = (
    DAVIDSON_FILE,
    *(SPANS_DIR / f for f in (*SPANS_TRAIN, SPANS_TEST)),
    *(JIGSAW_DIR / f for f in JIGSAW_FILES),
)

SEED: Final[int] = 20240917
FOLDS: Final[int] = 5
C_GRID: Final[tuple[float, ...]] = (2.0, 4.0, 8.0)
STACK_C: Final[float] = 1.0
SPAN_NEGATIVES: bool = True
MIN_CLEAN_WORDS: Final[int] = 3
PRUNE_BELOW: Final[float] = 0.02
"""Weights with a smaller magnitude are dropped from the shipped file (size, not accuracy)."""

HASHING: Final[dict[str, dict[str, Any]]] = {
    "word": {
        "analyzer": "word",
        "ngram_range": [1, 2],
        "n_features": 2**18,
        "token_pattern": r"(?u)§?\b\w+\b",
        "lowercase": False,
        "binary": True,
        "norm": "l2",
        "alternate_sign": False,
    },
    "char": {
        "analyzer": "char_wb",
        "ngram_range": [2, 5],
        "n_features": 2**19,
        "token_pattern": None,
        "lowercase": False,
        "binary": True,
        "norm": "l2",
        "alternate_sign": False,
    },
}

DATASETS: Final[list[dict[str, str]]] = [
    {
        "name": "davidson",
        "what": "Davidson et al. 2017 tweets; class 0 hate / 1 offensive = toxic, 2 neither = not",
        "licence": "MIT",
        "source": "github.com/t-davidson/hate-speech-and-offensive-language "
        "@cb50f7e9eb855a99abc51423bf40df0e26d6fe30 data/labeled_data.csv",
    },
    {
        "name": "toxic_spans",
        "what": "SemEval-2021 toxic spans (Civil Comments) train+trial: every post toxic; "
        f"sentences of {MIN_CLEAN_WORDS}+ words with no annotated toxic character are weak "
        "negatives (source toxic_spans_clean)",
        "licence": "CC0-1.0",
        "source": "github.com/ipavlopoulos/toxic_spans "
        "@beaf170538df8275c3447b2e26070f2f82e55272 SemEval2021/data/tsd_{train,trial}.csv",
    },
    {
        "name": "jigsaw_sample",
        "what": "Jigsaw comment sample from detoxify's tests (label 'toxic'; -1 rows skipped)",
        "licence": "labels CC0; text CC-BY-SA-3.0 (Wikipedia); repo Apache-2.0",
        "source": "github.com/unitaryai/detoxify @d5376446b6accee5dd2d346f2d3050f9d8a69af1 "
        "tests/dummy_data/jigsaw-toxic-comment-classification-challenge/{train,test}.csv",
    },
    {
        "name": "school_benign",
        "what": "benign school posts written by hand for sitewatch (bench/train_toxicity.py)",
        "licence": "sitewatch's own",
        "source": "bench/train_toxicity.py BENIGN_SCHOOL_POSTS",
    },
]


BENIGN_SCHOOL_POSTS: Final[tuple[str, ...]] = (
    "Congrats to our varsity girls on a huge win tonight!",
    "The marching band took first place at the state competition. So proud!",
    "Reminder: picture day is Thursday. Order forms are due at the front office.",
    "Early release on Wednesday for teacher professional development.",
    "Our robotics team crushed the qualifier and is headed to state!",
    "The cafeteria will serve breakfast for all students during testing week.",
    "Buses will run on a two-hour delay schedule tomorrow due to ice.",
    "Spirit week starts Monday: pajama day, twin day, and jersey day.",
    "Varsity soccer destroyed the competition this weekend, 5-0!",
    "That halftime show was sick, great job color guard!",
    "Our debate team absolutely killed it at the tournament.",
    "The choir concert was fire tonight. Thank you families for coming out.",
    "Tickets for the spring musical go on sale Friday at noon.",
    "Seniors: caps and gowns are available for pickup in the library.",
    "The FFA chapter is selling mums for homecoming.",
    "Please remember to send a water bottle with your child on field day.",
    "Our quarterback threw for 300 yards in a killer performance.",
    "The JV team got crushed tonight but they never gave up. Proud of them.",
    "Shout out to the custodial staff for keeping our building spotless.",
    "Library books are due back before winter break.",
    "The science fair winners are posted in the main hallway.",
    "We are blown away by the generosity of our families during the food drive.",
    "Parent-teacher conferences are next Tuesday and Thursday evenings.",
    "Math club meets after school on Wednesdays in room 112.",
    "That buzzer beater was insane! What a game!",
    "Our swim team smashed three school records this weekend.",
    "The art show opens Friday in the commons. Come see the amazing work!",
    "Cross country runners are beasts, first place at the invitational!",
    "Bring your A game Friday night, Eagles! Pack the stands!",
    "The wrestling team dominated at the district meet.",
    "Yearbook orders close at the end of the month.",
    "Kindergarten registration for next fall is now open.",
    "The drama club nailed their opening night performance.",
    "Go Hawks! Let's bring the trophy home!",
    "Students must wear closed-toe shoes in the science lab.",
    "Our seniors are crushing their college applications, so proud.",
    "Happy Teacher Appreciation Week to our amazing staff!",
    "The jazz band is playing at the farmers market this Saturday.",
    "Huge thanks to the boosters for the new scoreboard.",
    "Fall sports physicals are due before the first practice.",
    "The volleyball girls fought hard and took the match in five sets.",
    "Shoot for the stars, class of 2026!",
    "Our shooters were on fire from the three-point line tonight.",
    "The trap shooting team placed second at the state meet.",
    "Basketball camp registration closes this Friday.",
    "What a battle on the field tonight. Great sportsmanship from both teams.",
    "The band room will be closed for repairs next week.",
    "Lost and found will be donated at the end of the semester.",
    "Our mock trial team won the regional competition!",
    "Good luck to all our students taking the SAT this Saturday.",
    "The counseling office has scholarship information for seniors.",
    "Today is the last day to turn in permission slips for the zoo trip.",
    "Dress rehearsal runs late tonight, please pick up students at 7.",
    "The drumline is looking tight for Friday night.",
    "That was a beast of a performance from the brass section.",
    "Our lineman absolutely bodied their offense tonight.",
    "The kids went crazy for the new playground equipment.",
    "The freshman class is killing it with their canned food drive.",
    "Hell of a comeback in the fourth quarter, team!",
    "We're dying to see everyone at the fall festival!",
    "I'm dead, the teachers' lip sync battle was hilarious.",
    "That dunk was nasty! Go Tigers!",
    "Come cheer on our bowling team at the lanes Saturday.",
    "The ceramics class is firing their pieces in the kiln this week.",
    "Field trip to the history museum is next Friday.",
    "Our hockey team beat the crosstown rivals in overtime!",
    "Please do not park in the bus loop during dismissal.",
    "The PTA meeting is moved to the library this month.",
    "Congratulations to our National Merit semifinalists!",
    "Summer reading lists are posted on the school website.",
    "We will observe a moment of silence for Veterans Day.",
    "Student council elections are next week. Vote for your class officers!",
    "Our theater kids brought the house down tonight.",
    "The softball team is on a ten-game winning streak!",
    "The orchestra is performing at the nursing home on Sunday.",
    "Remember to label all jackets and lunch boxes.",
    "The boys' tennis team swept the doubles matches.",
    "The chess club crushed it at the state scholastic tournament.",
    "Our students raised over two thousand dollars for the animal shelter.",
    "Homecoming dance tickets are ten dollars at the door.",
    "The weight room is open for athletes before school.",
    "We smoked the relay and set a new school record!",
    "Our linebackers were hungry tonight.",
    "Attack the day, Falcons! Finals week is here.",
    "The gym floor is being refinished over spring break.",
    "Flu shots will be offered in the nurse's office.",
    "A huge thank you to our volunteers at the book fair.",
    "The pep rally starts at 2:30 in the gym. Wear your school colors!",
    "Our band director was honored as teacher of the year!",
    "The baseball team knocked it out of the park this season.",
    "Great hustle on defense, you guys were relentless.",
    "The snow day makeup will be on the Friday before spring break.",
    "The golf team shot their best round of the year.",
    "Our speech team took home six trophies this weekend.",
    "Please join us for the Black History Month celebration assembly.",
    "The Pride club is hosting a movie night on Friday.",
    "The Latino Student Union is hosting a cultural night with food and dance.",
    "Our Muslim Student Association is holding a bake sale for charity.",
    "The Gay-Straight Alliance welcomes all students to its meetings.",
    "Happy Lunar New Year from the Asian Culture Club!",
    "The Jewish Student Union is hosting a Hanukkah celebration.",
    "The Black Student Union is leading this year's MLK Day service project.",
    "Students with disabilities may request accommodations through the counseling office.",
    "The women's history month display is in the library.",
    "Our ESL families are invited to a welcome night on Thursday.",
    "The native american heritage exhibit opens next week in the commons.",
    "Our team got beat up pretty badly tonight but we'll bounce back.",
    "We got killed on the boards tonight, rebounds will be the focus at practice.",
    "The girls' lacrosse team is headed to the playoffs!",
    "Our freshmen absolutely crushed their first band competition.",
    "That catch in the end zone was unreal!",
    "The fire drill is scheduled for Tuesday morning.",
    "The lockdown drill went smoothly today. Thank you for your cooperation.",
    "Please review the new cell phone policy with your student.",
    "Our school nurse reminds everyone to wash hands often.",
    "The costume contest winners will be announced at lunch.",
    "We're going to annihilate the canned food drive goal this year!",
    "The robotics kids built a monster of a robot this season.",
    "Killer turnout at the open house tonight, thank you families!",
    "Band kids are the best kids. Change my mind.",
    "The crowd was wild tonight! Thanks for packing the stands.",
    "That was a savage block at the net!",
    "Our defense was straight up nasty tonight.",
    "Congratulations to the boys' basketball team on the conference title!",
    "Please keep the drop-off lane moving in the mornings.",
    "The construction on the east parking lot will finish in October.",
    "Our teachers are the real MVPs.",
    "The cheer squad placed first at regionals!",
    "Go get 'em, Wildcats! Beat the Bulldogs!",
    "The bus to the away game leaves at 3:15 sharp.",
    "Anyone who wants to join the garden club should see Ms. Ortiz.",
    "Our AP Chemistry students are blowing up the lab with their experiments, safely of course.",
    "The band is ready to blow the roof off at the homecoming game.",
    "It's a dog eat dog league but our team came out on top.",
    "The lunch menu for next week is posted online.",
    "The school board meeting is open to the public on Monday at 7.",
    "The superintendent will hold a town hall on the budget.",
    "Tax levy information sessions will be held at each school.",
    "The district is seeking feedback on the new start times.",
    "Voters approved the bond for the new middle school.",
    "Our district has a new policy on bullying prevention.",
    "Students who are being harassed should report it to a trusted adult.",
    "Anti-bullying week starts Monday. Be kind to each other.",
    "Talk to a counselor if you are feeling stressed during finals.",
    "Our girls' basketball team whipped the competition at the holiday tournament.",
    "The football team took a beating tonight but kept fighting to the end.",
    "Jersey numbers for the new season are posted.",
    "The sophomore class is hosting a car wash Saturday.",
    "Our Model UN delegates represented the school brilliantly.",
    "The eighth grade trip to the capital is confirmed for May.",
    "Come see the talent show. Our students are crazy talented.",
    "We are so proud of our graduates. The sky is the limit!",
    "Damn good season, seniors. We'll miss you.",
    "Hell yes, state champions!",
    "Those kids are shooting lights out this season.",
    "Bring the noise Friday night!",
    "Our kicker is an absolute weapon.",
    "Practice was brutal today but the team pushed through.",
    "The community garden needs volunteers with a rake or a hoe this Saturday.",
    "Ag class: hoes, shovels and wheelbarrows go back in the shed after use.",
    "FFA members weeded the greenhouse beds with hoes and hand trowels.",
    "Damn, what a finish by the relay team!",
    "Damn, those cookies at the bake sale went fast.",
    "Dang that test was hard but we got through it.",
    "Oh damn, I forgot my gym clothes again.",
    "Damn close game, proud of how we fought back.",
)


@dataclass(frozen=True)
class Row:
    text: str
    toxic: bool
    source: str
    group: int = -1  # rows of one group (a post and its sentences) share a fold


def read_davidson(folder: Path) -> list[Row]:
    with (folder / DAVIDSON_FILE).open(encoding="utf-8", newline="") as fh:
        return [
            Row(rec["tweet"], rec["class"] in ("0", "1"), "davidson") for rec in csv.DictReader(fh)
        ]


def read_spans(folder: Path, files: Sequence[str]) -> list[tuple[str, set[int]]]:
    """(text, toxic character offsets) of each toxic_spans post."""
    out: list[tuple[str, set[int]]] = []
    for name in files:
        with (folder / SPANS_DIR / name).open(encoding="utf-8", newline="") as fh:
            out.extend((rec["text"], set(json.loads(rec["spans"]))) for rec in csv.DictReader(fh))
    return out


def span_rows(folder: Path) -> list[Row]:
    """toxic_spans train+trial: each post is toxic (as annotated); with ``SPAN_NEGATIVES``,
    each sentence of a post with annotated spans that holds no toxic character (and at least
    ``MIN_CLEAN_WORDS`` words) is a weak negative of the same domain, so the model learns
    the toxic words rather than the news-comment topics around them."""
    rows: list[Row] = []
    for text, spans in read_spans(folder, SPANS_TRAIN):
        group = len(rows)
        rows.append(Row(text, True, "toxic_spans", group))
        if not SPAN_NEGATIVES or not spans:
            continue
        for s, e in sentence_spans(text, limit=1000):
            if len(text[s:e].split()) >= MIN_CLEAN_WORDS and not spans.intersection(range(s, e)):
                rows.append(Row(text[s:e], False, "toxic_spans_clean", group))
    return rows


def read_jigsaw(folder: Path) -> list[Row]:
    rows: list[Row] = []
    for name in JIGSAW_FILES:
        with (folder / JIGSAW_DIR / name).open(encoding="utf-8", newline="") as fh:
            for rec in csv.DictReader(fh):
                if rec["toxic"] in ("0", "1"):  # -1: not scored (Kaggle convention)
                    rows.append(Row(rec["comment_text"], rec["toxic"] == "1", "jigsaw_sample"))
    return rows


def missing_files(folder: Path) -> list[str]:
    return [str(folder / f) for f in REQUIRED if not (folder / f).is_file()]


def load_training(folder: Path) -> tuple[list[Row], dict[str, int]]:
    """All training rows (exact duplicates and toxic_spans test texts dropped) and counts of
    what was dropped."""
    held_out = {t.strip() for t, _ in read_spans(folder, (SPANS_TEST,))}
    candidates = [
        *read_davidson(folder),
        *span_rows(folder),
        *read_jigsaw(folder),
        *(Row(t, False, "school_benign") for t in BENIGN_SCHOOL_POSTS),
    ]
    rows: list[Row] = []
    seen: set[str] = set()
    dropped = {"duplicate": 0, "in_toxic_spans_test": 0, "empty": 0}
    for row in candidates:
        key = row.text.strip()
        if not key:
            dropped["empty"] += 1
        elif key in held_out:
            dropped["in_toxic_spans_test"] += 1
        elif key in seen:
            dropped["duplicate"] += 1
        else:
            seen.add(key)
            rows.append(row)
    offset = 1 + max(r.group for r in rows)
    rows = [r if r.group >= 0 else replace(r, group=offset + i) for i, r in enumerate(rows)]
    return rows, dropped


# -- features ----------------------------------------------------------------------------------


def vectorizers() -> list[HashingVectorizer]:
    return [HashingVectorizer(**hashing_kwargs(HASHING[part])) for part in ("word", "char")]


def featurize(texts: Sequence[str], lexicon: ToxicityLexicon) -> sp.csr_matrix:
    """The model's design matrix for ``model_view`` texts: word | char | lexicon columns."""
    prepared = [model_text(t) for t in texts]
    blocks = [v.transform(prepared) for v in vectorizers()]
    blocks.append(sp.csr_matrix(lexicon_features(prepared, lexicon).astype(np.float32)))
    return sp.hstack(blocks, format="csr", dtype=np.float32)


@dataclass
class Design:
    """Detector-style candidates of every row: the post and, when it has several sentences,
    each sentence, as ``ToxicityDetector`` scores them. Models are fitted on whole posts
    (``post``) and score a row as the highest of its candidates."""

    candidates: sp.csr_matrix
    owner: np.ndarray  # candidate → row index
    post: np.ndarray  # row → its whole-post candidate
    pc_logit: np.ndarray  # alt-profanity-check log-odds of each candidate (ensemble feature)


def profanity_logits(texts: Sequence[str]) -> np.ndarray:
    """alt-profanity-check's log-odds of ``model_view`` texts, exactly as ``EnsembleModel``
    computes its first feature."""
    prepared = [neutral_text(model_text(t)) for t in texts]
    p = np.clip(np.asarray(ProfanityCheckModel().predict_raw(prepared)), PROB_CLIP, 1 - PROB_CLIP)
    return np.asarray(np.log(p / (1.0 - p)))


def build_design(rows: Sequence[Row], lexicon: ToxicityLexicon) -> Design:
    cand_texts: list[str] = []
    owner: list[int] = []
    post: list[int] = []
    for i, row in enumerate(rows):
        text = model_view(normalize(row.text)).text
        spans = sentence_spans(text)
        post.append(len(cand_texts))
        cand_texts.append(text.strip())
        owner.append(i)
        if len(spans) > 1:
            for s, e in spans:
                cand_texts.append(text[s:e])
                owner.append(i)
    return Design(
        candidates=featurize(cand_texts, lexicon),
        owner=np.asarray(owner, dtype=np.int64),
        post=np.asarray(post, dtype=np.int64),
        pc_logit=profanity_logits(cand_texts),
    )


# -- fitting and scoring -----------------------------------------------------------------------


def source_weights(y: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """Each (source, label) cell gets the same total weight (mean weight 1), so Davidson's
    24,783 tweets do not drown the other sources and the hand-written school posts count as
    much as any corpus's negatives."""
    w = np.zeros(len(y), dtype=np.float64)
    for source in np.unique(sources):
        for label in (False, True):
            cell = (sources == source) & (y == label)
            if cell.any():
                w[cell] = 1.0 / cell.sum()
    return np.asarray(w * len(y) / w.sum())


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


def row_max(values: np.ndarray, owner: np.ndarray, n_rows: int) -> np.ndarray:
    best = np.full(n_rows, -np.inf)
    np.maximum.at(best, owner, values)
    return best


@dataclass
class Fitted:
    coef: np.ndarray  # float32, word | char | lexicon
    intercept: float

    def decisions(self, design: Design, candidates: np.ndarray) -> np.ndarray:
        """Log-odds of the given candidates."""
        z = design.candidates[candidates] @ self.coef.astype(np.float64) + self.intercept
        return np.asarray(z)


def fit(design: Design, y: np.ndarray, rows: np.ndarray, c: float, w: np.ndarray) -> Fitted:
    clf = LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=SEED)
    clf.fit(design.candidates[design.post[rows]], y[rows], sample_weight=w[rows])
    return Fitted(clf.coef_.ravel().astype(np.float32), float(clf.intercept_[0]))


@dataclass
class Stack:
    """The ensemble's logistic regression over ``ENSEMBLE_FEATURES``."""

    coef: np.ndarray
    intercept: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        return _sigmoid(features @ self.coef + self.intercept)


def fit_stack(features: np.ndarray, y: np.ndarray, w: np.ndarray) -> Stack:
    clf = LogisticRegression(C=STACK_C, max_iter=1000)
    clf.fit(features, y, sample_weight=w)
    return Stack(clf.coef_.ravel().astype(np.float64), float(clf.intercept_[0]))


def balanced_macro_f1(p: np.ndarray, y: np.ndarray, t: float, w: np.ndarray) -> float:
    """Macro-F1 with each row weighted by ``w`` (``source_weights``: no assumption about
    either class's prior or any one corpus's share)."""
    flag = p >= t
    tp = float(w[flag & y].sum())
    fp = float(w[flag & ~y].sum())
    fn = float(w[~flag & y].sum())
    tn = float(w[~flag & ~y].sum())
    f1_pos = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    f1_neg = 2 * tn / (2 * tn + fn + fp) if tn else 0.0
    return (f1_pos + f1_neg) / 2


def best_threshold(p: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    grid = np.round(np.arange(0.20, 0.951, 0.01), 2)
    scored = [(balanced_macro_f1(p, y, float(t), w), float(t)) for t in grid]
    f1, t = max(scored)
    return t, f1


def macro_f1(flags: np.ndarray, y: np.ndarray) -> float:
    tp = int((flags & y).sum())
    fp = int((flags & ~y).sum())
    fn = int((~flags & y).sum())
    tn = int((~flags & ~y).sum())
    f1_pos = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    f1_neg = 2 * tn / (2 * tn + fn + fp) if tn else 0.0
    return (f1_pos + f1_neg) / 2


@dataclass
class Scored:
    """One system's out-of-fold row probabilities and thresholds."""

    oof: np.ndarray  # detector-style out-of-fold probability of every row
    fold_thresholds: list[float]  # fold k's: picked on the other folds' out-of-fold scores
    threshold: float  # picked on all out-of-fold scores (the shipped one)
    balanced_f1: float
    by_source: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class CrossValidation:
    c: float
    fold_of_row: np.ndarray
    models: list[Fitted]
    stacks: list[Stack]  # fold k's: fitted on the other folds' out-of-fold features
    sitewatch: Scored
    ensemble: Scored
    oof_logit: np.ndarray  # candidate-level out-of-fold sitewatch log-odds


def folds(rows: Sequence[Row]) -> np.ndarray:
    strata = [f"{r.source}:{int(r.toxic)}" for r in rows]
    groups = [r.group for r in rows]
    fold_of_row = np.zeros(len(rows), dtype=np.int64)
    splitter = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for k, (_, test) in enumerate(splitter.split(np.zeros(len(rows)), strata, groups)):
        fold_of_row[test] = k
    return fold_of_row


def score_oof(
    oof: np.ndarray, y: np.ndarray, w: np.ndarray, fold_of_row: np.ndarray, sources: np.ndarray
) -> Scored:
    threshold, f1 = best_threshold(oof, y, w)
    thresholds = [
        best_threshold(oof[fold_of_row != k], y[fold_of_row != k], w[fold_of_row != k])[0]
        for k in range(FOLDS)
    ]
    flags = np.zeros(len(y), dtype=bool)
    for k in range(FOLDS):
        in_k = fold_of_row == k
        flags[in_k] = oof[in_k] >= thresholds[k]
    by_source: dict[str, dict[str, float]] = {}
    for source in sorted(set(sources)):
        m = sources == source
        ys, fs = y[m], flags[m]
        entry = {
            "rows": float(m.sum()),
            "toxic": float(ys.sum()),
            "recall": float((fs & ys).sum() / max(1, ys.sum())),
            "specificity": float((~fs & ~ys).sum() / max(1, (~ys).sum())),
            "flagged": float(fs.sum()),
        }
        if 0 < ys.sum() < len(ys):
            entry["macro_f1"] = macro_f1(fs, ys)
        by_source[source] = {k: round(v, 4) for k, v in entry.items()}
    return Scored(oof, thresholds, threshold, f1, by_source)


def cross_validate(rows: Sequence[Row], design: Design, c: float) -> CrossValidation:
    y = np.array([r.toxic for r in rows])
    sources = np.array([r.source for r in rows])
    w = source_weights(y, sources)
    fold_of_row = folds(rows)
    cand_fold = fold_of_row[design.owner]
    oof_logit = np.zeros(len(design.owner))
    models: list[Fitted] = []
    for k in range(FOLDS):
        model = fit(design, y, np.flatnonzero(fold_of_row != k), c, w)
        held = np.flatnonzero(cand_fold == k)
        oof_logit[held] = model.decisions(design, held)
        models.append(model)
    n = len(rows)
    sitewatch = score_oof(row_max(_sigmoid(oof_logit), design.owner, n), y, w, fold_of_row, sources)
    # The ensemble: fold k's stacker is fitted on the whole-post features of the other folds
    # (their out-of-fold sitewatch log-odds) and scores fold k's candidates.
    features = np.column_stack([design.pc_logit, oof_logit])
    stack_oof = np.zeros(len(design.owner))
    stacks: list[Stack] = []
    for k in range(FOLDS):
        train = np.flatnonzero(fold_of_row != k)
        stack = fit_stack(features[design.post[train]], y[train], w[train])
        held = cand_fold == k
        stack_oof[held] = stack.probability(features[held])
        stacks.append(stack)
    ensemble = score_oof(row_max(stack_oof, design.owner, n), y, w, fold_of_row, sources)
    return CrossValidation(c, fold_of_row, models, stacks, sitewatch, ensemble, oof_logit)


def model_arrays(fitted: Fitted, threshold: float, meta: dict[str, Any]) -> dict[str, Any]:
    """The npz members (see ``SitewatchModel``); weights under ``PRUNE_BELOW`` are dropped."""
    n_word = HASHING["word"]["n_features"]
    n_char = HASHING["char"]["n_features"]
    parts = {
        "word": fitted.coef[:n_word],
        "char": fitted.coef[n_word : n_word + n_char],
    }
    arrays: dict[str, Any] = {}
    for name, coef in parts.items():
        keep = np.flatnonzero(np.abs(coef) >= PRUNE_BELOW)
        arrays[f"{name}_index"] = keep.astype(np.int32)
        arrays[f"{name}_coef"] = coef[keep].astype(np.float32)
    arrays["lex_coef"] = fitted.coef[n_word + n_char :].astype(np.float32)
    arrays["intercept"] = np.array([fitted.intercept], dtype=np.float32)
    arrays["threshold"] = np.array([threshold], dtype=np.float32)
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    return arrays


def ensemble_meta(stack: Stack, threshold: float) -> dict[str, Any]:
    return {
        "features": list(ENSEMBLE_FEATURES),
        "coef": [round(float(v), 6) for v in stack.coef],
        "intercept": round(stack.intercept, 6),
        "threshold": threshold,
    }


@dataclass
class FoldModels:
    """bench/toxicity_quality.py's cross-validated lines: fold k's models never saw fold k."""

    rows: list[Row]
    fold_of_row: np.ndarray
    sitewatch: list[SitewatchModel]
    ensemble: list[EnsembleModel]
    c: float


def fold_models(folder: Path, c: float) -> FoldModels:
    """Fold k's sitewatch model trained without fold k (its threshold picked on the other
    folds) and fold k's ensemble (that model plus a stacker fitted on the other folds)."""
    rows, _ = load_training(folder)
    lexicon = ToxicityLexicon.load()
    design = build_design(rows, lexicon)
    cv = cross_validate(rows, design, c)
    sitewatch: list[SitewatchModel] = []
    ensemble: list[EnsembleModel] = []
    for k in range(FOLDS):
        meta = {
            "format": MODEL_FORMAT,
            "hashing": HASHING,
            "ensemble": ensemble_meta(cv.stacks[k], cv.ensemble.fold_thresholds[k]),
        }
        model = SitewatchModel.from_arrays(
            model_arrays(cv.models[k], cv.sitewatch.fold_thresholds[k], meta)
        )
        sitewatch.append(model)
        ensemble.append(
            EnsembleModel(
                model,
                StackWeights(
                    tuple(float(v) for v in cv.stacks[k].coef),
                    cv.stacks[k].intercept,
                    cv.ensemble.fold_thresholds[k],
                ),
            )
        )
    return FoldModels(rows, cv.fold_of_row, sitewatch, ensemble, c)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the toxicity data folder")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the model")
    ap.add_argument("--c", type=float, default=None, help="skip the C grid, use this C")
    ap.add_argument(
        "--no-span-negatives", action="store_true", help="ablation: toxic_spans positives only"
    )
    args = ap.parse_args(argv)
    global SPAN_NEGATIVES
    SPAN_NEGATIVES = not args.no_span_negatives
    missing = missing_files(args.data)
    if missing:
        print(
            f"training data not found: {', '.join(missing)} missing. The sets are read in place "
            "from shared/data/toxicity beside the checkout; pass --data DIR (the folder holding "
            "davidson/, toxic_spans/ and jigsaw_sample/) to point elsewhere.",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    rows, dropped = load_training(args.data)
    y = np.array([r.toxic for r in rows])
    sources = np.array([r.source for r in rows])
    w = source_weights(y, sources)
    lexicon = ToxicityLexicon.load()
    design = build_design(rows, lexicon)
    print(
        f"{len(rows)} rows ({int(y.sum())} toxic), {design.candidates.shape[0]} scored "
        f"candidates, {design.candidates.shape[1]} features; dropped {dropped} "
        f"[{time.perf_counter() - started:.0f}s]",
        flush=True,
    )
    grid = (args.c,) if args.c is not None else C_GRID
    results: list[CrossValidation] = []
    for c in grid:
        cv = cross_validate(rows, design, c)
        results.append(cv)
        print(
            f"  C {c:g}: out-of-fold balanced macro-F1 sitewatch {cv.sitewatch.balanced_f1:.4f} "
            f"at {cv.sitewatch.threshold:.2f}, ensemble {cv.ensemble.balanced_f1:.4f} at "
            f"{cv.ensemble.threshold:.2f}; ensemble by source "
            f"{json.dumps(cv.ensemble.by_source)} [{time.perf_counter() - started:.0f}s]",
            flush=True,
        )
    best = max(results, key=lambda r: (r.ensemble.balanced_f1, -r.c))
    final = fit(design, y, np.arange(len(rows)), best.c, w)
    features = np.column_stack([design.pc_logit, best.oof_logit])
    stack = fit_stack(features[design.post], y, w)
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    meta: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "created": created,
        "seed": SEED,
        "hashing": HASHING,
        "lexicon_features": list(LEXICON_KINDS),
        "datasets": DATASETS,
        "training_rows": {
            s: {
                "rows": sum(r.source == s for r in rows),
                "toxic": sum(r.source == s and r.toxic for r in rows),
            }
            for s in sorted(set(sources))
        },
        "excluded": {
            "olid": "never read (no licence; evaluation only)",
            "toxic_spans_test": "held out for evaluation; identical texts dropped from training",
            "dropped_rows": dropped,
        },
        "weighting": "each (source, label) cell the same total weight",
        "regularization_c": best.c,
        "threshold": best.sitewatch.threshold,
        "threshold_rule": (
            f"max source-and-label-balanced macro-F1 of {FOLDS}-fold out-of-fold scores (whole "
            "post and each sentence, highest wins) on the training data; never OLID"
        ),
        "cv": {
            "folds": FOLDS,
            "stratified_by": "source and label",
            "balanced_macro_f1": round(best.sitewatch.balanced_f1, 4),
            "c_grid": {
                f"{r.c:g}": {
                    "sitewatch": round(r.sitewatch.balanced_f1, 4),
                    "ensemble": round(r.ensemble.balanced_f1, 4),
                }
                for r in results
            },
            "c_rule": "max out-of-fold balanced macro-F1 of the ensemble",
            "by_source": best.sitewatch.by_source,
        },
        "ensemble": {
            **ensemble_meta(stack, best.ensemble.threshold),
            "fitted_on": (
                "whole-post features of every training row: alt-profanity-check log-odds of "
                "neutral_text and the out-of-fold sitewatch log-odds; logistic regression "
                f"(C {STACK_C:g}) with the same source-and-label weights"
            ),
            "threshold_rule": (
                "max source-and-label-balanced macro-F1 of the out-of-fold ensemble scores "
                "(fold k's stacker fitted on the other folds); never OLID"
            ),
            "balanced_macro_f1": round(best.ensemble.balanced_f1, 4),
            "by_source": best.ensemble.by_source,
            "alt_profanity_check": importlib.metadata.version("alt-profanity-check"),
        },
        "pruned_below": PRUNE_BELOW,
        "sklearn": sklearn.__version__,
    }
    arrays = model_arrays(final, best.sitewatch.threshold, meta)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(buffer.getvalue())
    digest = hashlib.sha256(buffer.getvalue()).hexdigest()
    kept = int(arrays["word_index"].size + arrays["char_index"].size)
    print(f"wrote {args.out} ({len(buffer.getvalue()) / 1e6:.2f} MB, sha256 {digest[:16]}…)")
    print(f"  weights kept {kept} of {design.candidates.shape[1] - len(LEXICON_KINDS)} hashed")
    print(
        "  lexicon weights",
        dict(zip(LEXICON_KINDS, np.round(arrays["lex_coef"], 3).tolist(), strict=True)),
    )
    print(json.dumps(meta, indent=2, sort_keys=True))
    print(f"[{time.perf_counter() - started:.0f}s]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
