"""Toxicity detector quality on OLID and Davidson, in one run: prints figures, asserts nothing.

Reads both sets in place from ``../shared/data/toxicity`` (never copied into the repo):

* OLID v1.0 training (``olid_train/olid-training-v1.0.tsv``; no licence stated, internal
  evaluation only): gold "offensive" is ``subtask_a == OFF``.
* Davidson et al. 2017 (``davidson/labeled_data.csv``, MIT): gold "offensive" is class 0
  (hate) or 1 (offensive); class 2 (neither) is not. NOTE: alt-profanity-check was trained on
  this set (and Jigsaw), so its Davidson figures are in-sample for the reference.

The lexicon is fitted on neither set. The ``sitewatch`` model and the ``ensemble`` (the
offline default: alt-profanity-check and the sitewatch model stacked; data/toxicity_model.npz,
bench/train_toxicity.py) are trained on Davidson among others, never on OLID. For each set it
prints precision, recall, F1 of each class and macro-F1 (the unweighted mean of the two
classes' F1, as sklearn's ``average="macro"``; checked against sklearn) of

* the reference: alt-profanity-check alone on the whole tweet at 0.5, with @handles, links
  and OLID's "@USER"/"URL" placeholders removed (its vocabulary reads "url" and "user" as
  words, weights -0.54 and -0.14; real handles are out of its vocabulary). The raw-text
  figure is printed too, with support-weighted F1 (what "about 0.73 on OLID" matches), and
  a threshold sweep (reported, never used to pick anything);
* each detector configuration (the offline default, the other offline backends), as
  configured (sentence scoring, per-label thresholds, word lists, self-harm phrases): "any
  finding" and "incident" (severity medium or above after the default severity policy);
* OLID: cross-dataset for every system (nothing is trained or tuned on it);
* Davidson: in-sample for alt-profanity-check (it was trained on Davidson, so the reference
  is in-sample) and the shipped models (labelled so), plus the sitewatch and ensemble
  backends 5-fold cross-validated: fold k scored by models retrained without fold k (same
  data, C and seed; bench/train_toxicity.py) at thresholds picked on the other folds. The
  ensemble's alt-profanity-check input stays in-sample there;
* school posts, all benign: how many become incidents (medium+) or any finding. The
  hand-written training posts (bench/train_toxicity.py) are scored out-of-fold by the
  cross-validation models; ``HELD_OUT_SCHOOL_POSTS`` below were never trained on;
* toxic_spans test (held out of training, all toxic): recall only.

Usage::

    .venv/bin/python bench/toxicity_quality.py [--data DIR] [--limit N] [--no-sweep]
        [--no-cv] [--backend detoxify --checkpoint F --huggingface-config-path D]

``--no-cv`` skips the cross-validation (about five minutes on two cores).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import f1_score  # type: ignore[import-untyped]

from sitewatch.detectors.toxicity import (
    MODEL_FILE,
    ProfanityCheckModel,
    SitewatchModel,
    ToxicityDetector,
    ToxicityModel,
    ToxicitySettings,
    build_model,
    model_view,
    read_model_meta,
)
from sitewatch.exceptions import ConfigError
from sitewatch.scan.normalize import normalize
from sitewatch.scan.severity import SeverityPolicy

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "toxicity"
OLID_FILE = Path("olid_train") / "olid-training-v1.0.tsv"
DAVIDSON_FILE = Path("davidson") / "labeled_data.csv"
SPANS_TEST_FILE = Path("toxic_spans") / "SemEval2021__data__tsd_test.csv"
SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.95, 0.97)

# What the reference reads: the tweet with @handles, links and OLID's placeholders removed.
_REFERENCE_NOISE = re.compile(r"(?<![\w@])@\w+|(?:https?://|www\.)\S+|(?<!\w)URL(?!\w)")

# Benign school posts written for this benchmark and never trained on (the training set's
# own hand-written posts are bench/train_toxicity.py's BENIGN_SCHOOL_POSTS). Slang, sports,
# music, clubs, mild words and garden tools: none of these should reach a sponsor.
HELD_OUT_SCHOOL_POSTS: tuple[str, ...] = (
    "damn that was close",
    "Damn, the band sounded amazing tonight!",
    "Hell yeah we won",
    "What the hell was that play",
    "That drumline was sick!",
    "Sick dunk in the second quarter!",
    "Garden club: bring a hoe and gloves",
    "The FFA greenhouse needs two more hoes and a rake.",
    "Ho ho ho, merry Christmas from the choir",
    "we killed it",
    "Our drumline killed it at regionals!",
    "The choir killed it tonight",
    "The jazz band killed it at the concert",
    "The defense crushed it tonight",
    "Shoot your shot at tryouts",
    "She shot 8 for 10 from the line tonight",
    "Kill the lights for the finale",
    "We're going to destroy Central on Friday",
    "We got smoked in the second half, heads up team",
    "Killer solo by the sax section",
    "Practice was a beast today",
    "Lmao I'm dead",
    "Suicide drills at practice today, ouch",
    "Trash pickup volunteers meet at 8",
    "The GSA club meets Tuesday in room 204",
    "Our gay and lesbian alumni panel is Thursday",
    "The Black Student Union meets at lunch",
    "Email @coach with questions about the bus",
    "@bandmom thanks for the cookies!",
    "This test sucks, wish me luck",
    "Crap, I left my trumpet on the bus",
    "Dang, that rain delay was long",
    "That halftime show was insane",
    "Our robotics team is crazy good this year",
    "The seniors are going to murder this final exam, they studied so hard",
    "Great win tonight, Lakeview band! Proud of every one of you.",
    "Band practice moved to 4pm. Bring your music folders.",
    "Senior night is Friday, come support the seniors",
    "Tryouts are Monday after school in the gym",
    "The school board will vote on the budget and the new tax levy Monday",
)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1_off: float
    f1_not: float
    flagged: int

    @property
    def macro_f1(self) -> float:
        return (self.f1_off + self.f1_not) / 2


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def score(predicted: Sequence[bool], gold: Sequence[bool]) -> Scores:
    tp = sum(p and g for p, g in zip(predicted, gold, strict=True))
    fp = sum(p and not g for p, g in zip(predicted, gold, strict=True))
    fn = sum(g and not p for p, g in zip(predicted, gold, strict=True))
    tn = len(gold) - tp - fp - fn
    return Scores(
        precision=tp / (tp + fp) if tp + fp else 0.0,
        recall=tp / (tp + fn) if tp + fn else 0.0,
        f1_off=_f1(tp, fp, fn),
        f1_not=_f1(tn, fn, fp),
        flagged=tp + fp,
    )


def row(name: str, s: Scores) -> str:
    return (
        f"{name:<44} P(OFF) {s.precision:.3f}  R(OFF) {s.recall:.3f}  F1(OFF) {s.f1_off:.3f}  "
        f"F1(NOT) {s.f1_not:.3f}  macro-F1 {s.macro_f1:.3f}  flagged {s.flagged}"
    )


def read_olid(folder: Path, limit: int | None) -> tuple[list[str], list[bool]]:
    texts: list[str] = []
    gold: list[bool] = []
    with (folder / OLID_FILE).open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            texts.append(rec["tweet"])
            gold.append(rec["subtask_a"] == "OFF")
            if limit is not None and len(texts) >= limit:
                break
    return texts, gold


def read_davidson(folder: Path, limit: int | None) -> tuple[list[str], list[bool]]:
    texts: list[str] = []
    gold: list[bool] = []
    with (folder / DAVIDSON_FILE).open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            texts.append(rec["tweet"])
            gold.append(rec["class"] in ("0", "1"))  # hate or offensive vs neither
            if limit is not None and len(texts) >= limit:
                break
    return texts, gold


def reference_text(text: str) -> str:
    """The reference's input: the tweet without @handles, links and "@USER"/"URL"."""
    return " ".join(_REFERENCE_NOISE.sub(" ", text).split())


def detector_flags(
    detector: ToxicityDetector, texts: Sequence[str]
) -> tuple[list[bool], list[bool]]:
    """(any content finding, incident = medium or above after the default policy) per post."""
    policy = SeverityPolicy()
    docs = [normalize(t) for t in texts]
    any_finding: list[bool] = []
    incident: list[bool] = []
    for i in range(0, len(docs), 1024):
        for findings in detector.detect_many(docs[i : i + 1024]):
            content = [f for f in findings if f.category.startswith("content.")]
            any_finding.append(bool(content))
            incident.append(any(policy.apply(f).severity.is_incident for f in content))
    return any_finding, incident


def model_alone(model: SitewatchModel, texts: Sequence[str]) -> list[bool]:
    """The sitewatch model alone on the whole post (model view) at its own threshold."""
    views = [model_view(normalize(t)).text.strip() for t in texts]
    return [p["toxicity"] >= model.threshold for p in model.predict(views)]


@dataclass
class Summary:
    """The figures the closing table prints, by system and data set."""

    macro: dict[tuple[str, str], float]
    precision: dict[tuple[str, str], float]
    school: dict[str, str]


def evaluate(
    name: str,
    key: str,
    texts: Sequence[str],
    gold: Sequence[bool],
    systems: Sequence[tuple[str, ToxicityDetector]],
    sweep: bool,
    summary: Summary,
    *,
    in_sample: str = "",
) -> None:
    """The reference (alt-profanity-check alone at 0.5) and each detector, on one data set."""
    print(f"\n== {name}: {len(texts)} posts, {sum(gold)} offensive")
    reference = ProfanityCheckModel()
    started = time.perf_counter()
    probs = reference.predict_raw([reference_text(t) for t in texts])
    ref_elapsed = time.perf_counter() - started
    raw = reference.predict_raw(list(texts))
    flags = [p >= 0.5 for p in probs]
    ref = score(flags, gold)
    check = float(f1_score(list(gold), flags, average="macro"))
    assert abs(check - ref.macro_f1) < 1e-9, (check, ref.macro_f1)  # same definition
    print(row(f"reference: alt-profanity-check alone >= 0.5{in_sample}", ref))
    raw_flags = [p >= 0.5 for p in raw]
    weighted = float(f1_score(list(gold), raw_flags, average="weighted"))
    print(
        row("  same, raw text (handles/links/placeholders)", score(raw_flags, gold))
        + f"  [support-weighted F1 {weighted:.3f}]"
    )
    summary.macro[("reference", key)] = ref.macro_f1
    summary.precision[("reference", key)] = ref.precision
    if sweep:
        for t in SWEEP:
            if t != 0.5:
                print(row(f"  sweep >= {t:.2f}", score([p >= t for p in probs], gold)))
    for label, detector in systems:
        started = time.perf_counter()
        any_finding, incident = detector_flags(detector, texts)
        elapsed = time.perf_counter() - started
        s_any, s_incident = score(any_finding, gold), score(incident, gold)
        print(row(f"{label}{in_sample}: any content finding", s_any))
        print(row(f"{label}{in_sample}: incident (medium+)", s_incident))
        print(f"  speed: {label} {len(texts) / elapsed:.0f} posts/s")
        summary.macro[(label, key)] = s_any.macro_f1
        summary.macro[(f"{label} incident", key)] = s_incident.macro_f1
        summary.precision[(label, key)] = s_any.precision
        summary.precision[(f"{label} incident", key)] = s_incident.precision
    print(f"  speed: alt-profanity-check alone {len(texts) / ref_elapsed:.0f} posts/s")


def _school_line(label: str, any_finding: Sequence[bool], incident: Sequence[bool]) -> str:
    n = len(incident)
    return f"incidents {sum(incident)}/{n}, any finding {sum(any_finding)}/{n}"


def school_posts(systems: Sequence[tuple[str, ToxicityDetector]], summary: Summary) -> None:
    print(
        f"\n== held-out school posts (never trained on): {len(HELD_OUT_SCHOOL_POSTS)}, all benign"
    )
    for label, detector in systems:
        any_finding, incident = detector_flags(detector, HELD_OUT_SCHOOL_POSTS)
        line = _school_line(label, any_finding, incident)
        print(f"{label:<52} {line}")
        summary.school[label] = line


def _fold_detector(model: ToxicityModel, backend: str, threshold: float) -> ToxicityDetector:
    labels = ("toxicity", "profanity") if backend == "ensemble" else ("toxicity",)
    settings = ToxicitySettings.model_validate(
        {"backend": backend, "thresholds": dict.fromkeys(labels, threshold)}
    )
    return ToxicityDetector(settings, model)


def cross_validated(
    folder: Path, texts: Sequence[str], gold: Sequence[bool], summary: Summary
) -> None:
    """The sitewatch and ensemble backends on Davidson (and the hand-written school posts),
    5-fold cross-validated: fold k is scored by models trained (bench/train_toxicity.py,
    same data, C and seed as the shipped model) without fold k, at thresholds picked on the
    other folds."""
    import train_toxicity

    c = float(read_model_meta()["regularization_c"])
    started = time.perf_counter()
    cv = train_toxicity.fold_models(folder, c)
    fold_of_text: dict[str, int] = {}
    for r, k in zip(cv.rows, cv.fold_of_row, strict=True):
        fold_of_text.setdefault(r.text.strip(), int(k))
    school = list(train_toxicity.BENIGN_SCHOOL_POSTS)
    ens_t = ", ".join(f"{m.threshold:.2f}" for m in cv.ensemble)
    sw_t = ", ".join(f"{m.threshold:.2f}" for m in cv.sitewatch)
    print(
        f"\n== 5-fold cross-validation (out-of-fold: each fold scored by models trained "
        f"without it; C {c:g}; fold thresholds ensemble {ens_t}, sitewatch {sw_t}) "
        f"[{time.perf_counter() - started:.0f}s]"
    )
    for label, backend, models in (
        ("ensemble (offline default) CV", "ensemble", cv.ensemble),
        ("sitewatch CV", "sitewatch", cv.sitewatch),
    ):
        for set_name, set_texts, set_gold in (
            ("Davidson", texts, gold),
            ("school posts (training)", school, [False] * len(school)),
        ):
            folds = [fold_of_text.get(t.strip()) for t in set_texts]
            any_finding = [False] * len(set_texts)
            incident = [False] * len(set_texts)
            for k, model in enumerate(models):
                idx = [i for i, f in enumerate(folds) if f == k]
                threshold = model.threshold
                detector = _fold_detector(model, backend, threshold)
                flags_any, flags_incident = detector_flags(detector, [set_texts[i] for i in idx])
                for j, i in enumerate(idx):
                    any_finding[i], incident[i] = flags_any[j], flags_incident[j]
            unscored = sum(f is None for f in folds)
            if set_name == "Davidson":
                s_any, s_incident = score(any_finding, set_gold), score(incident, set_gold)
                print(row(f"{label}: Davidson any finding", s_any) + f"  ({unscored} unscored)")
                print(row(f"{label}: Davidson incident (medium+)", s_incident))
                summary.macro[(label, "davidson")] = s_any.macro_f1
                summary.macro[(f"{label} incident", "davidson")] = s_incident.macro_f1
                summary.precision[(label, "davidson")] = s_any.precision
                summary.precision[(f"{label} incident", "davidson")] = s_incident.precision
            else:
                line = _school_line(label, any_finding, incident)
                print(f"{label}: {set_name}: {line}  ({unscored} unscored)")
                summary.school[f"{label} (training posts, out-of-fold)"] = line


def read_spans_test(folder: Path, limit: int | None) -> list[str]:
    with (folder / SPANS_TEST_FILE).open(encoding="utf-8", newline="") as fh:
        texts = [rec["text"] for rec in csv.DictReader(fh)]
    return texts[:limit] if limit is not None else texts


def recall_row(name: str, flags: Sequence[bool]) -> str:
    return f"{name:<52} recall {sum(flags) / max(1, len(flags)):.3f}  flagged {sum(flags)}"


def print_summary(summary: Summary, labels: Sequence[str]) -> None:
    print("\n== summary: macro-F1 any finding / incident, precision(OFF) of incidents")

    def cell(label: str, key: str) -> str:
        macro = summary.macro.get((label, key))
        incident = summary.macro.get((f"{label} incident", key))
        precision = summary.precision.get((f"{label} incident", key))
        if macro is None:
            return "-"
        if incident is None or precision is None:
            flagged = summary.precision.get((label, key))
            return f"{macro:.3f}" + ("" if flagged is None else f" (P {flagged:.3f})")
        return f"{macro:.3f} / {incident:.3f} (P {precision:.3f})"

    print(f"{'system':<46} {'OLID':<28} {'Davidson':<28}")
    for label in labels:
        print(f"{label:<46} {cell(label, 'olid'):<28} {cell(label, 'davidson'):<28}")
    for label, line in summary.school.items():
        print(f"school posts: {label:<60} {line}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="folder with olid_train/, davidson/ and toxic_spans/",
    )
    ap.add_argument("--no-sweep", action="store_true", help="skip the threshold sweep")
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    ap.add_argument("--limit", type=int, default=None, help="only the first N posts of each set")
    ap.add_argument("--backend", choices=("detoxify",), default=None)
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--huggingface-config-path", default=None)
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args(argv)

    missing = [
        str(args.data / f)
        for f in (OLID_FILE, DAVIDSON_FILE, SPANS_TEST_FILE)
        if not (args.data / f).is_file()
    ]
    if missing:
        print(
            f"toxicity data not found: {', '.join(missing)} missing. The sets are read in place "
            "from shared/data/toxicity beside the checkout; pass --data DIR (the folder holding "
            "olid_train/, davidson/ and toxic_spans/) to point elsewhere.",
            file=sys.stderr,
        )
        return 2

    default = ToxicitySettings()
    configs: list[tuple[str, ToxicitySettings]] = []
    if args.backend == "detoxify":
        configs.append(
            (
                "detoxify",
                ToxicitySettings(
                    backend="detoxify",
                    checkpoint=args.checkpoint,
                    huggingface_config_path=args.huggingface_config_path,
                    batch_size=args.batch_size,
                ),
            )
        )
    else:
        configs.append((f"{default.backend} (offline default)", default))
        for backend, label in (
            ("sitewatch", "sitewatch"),
            ("profanity_check", "profanity_check + lexicon (previous default)"),
        ):
            if default.backend != backend:
                configs.append((label, ToxicitySettings.model_validate({"backend": backend})))
    systems: list[tuple[str, ToxicityDetector]] = []
    for label, settings in configs:
        detector = ToxicityDetector(settings, build_model(settings))
        try:
            detector.load()
        except ConfigError as exc:
            print(f"cannot load the toxicity detector {label}: {exc}", file=sys.stderr)
            return 2
        systems.append((label, detector))
        thresholds = ", ".join(
            f"{k} {v:.2f}" for k, v in sorted(settings.effective_thresholds().items())
        )
        print(
            f"{label} = toxicity detector, backend {detector.backend}, thresholds {thresholds}, "
            f"lexicon {'on' if settings.lexicon else 'off'} (sentence scoring, content view, "
            "word lists, self-harm phrases)"
        )
    shipped = SitewatchModel()
    shipped.load()
    meta = shipped.meta
    rows = meta["training_rows"]
    ensemble = meta.get("ensemble", {})
    print(
        f"sitewatch model: data/{MODEL_FILE}, trained {meta['created']} on "
        + ", ".join(f"{k} {v['rows']}" for k, v in sorted(rows.items()))
        + f" (never OLID); C {meta['regularization_c']:g}, threshold {shipped.threshold:.2f}; "
        f"ensemble weights {ensemble.get('coef')} + {ensemble.get('intercept')}, threshold "
        f"{ensemble.get('threshold')}; loaded in {shipped.load_seconds:.2f}s"
    )
    summary = Summary({}, {}, {})

    texts, gold = read_olid(args.data, args.limit)
    evaluate(
        "OLID subtask A (train), cross-dataset: never trained on",
        "olid",
        texts,
        gold,
        systems,
        not args.no_sweep,
        summary,
    )
    print(row("sitewatch model alone, whole post", score(model_alone(shipped, texts), gold)))

    texts, gold = read_davidson(args.data, args.limit)
    evaluate(
        "Davidson",
        "davidson-in-sample",
        texts,
        gold,
        systems,
        not args.no_sweep,
        summary,
        in_sample=" [IN-SAMPLE]",
    )
    summary.macro[("reference", "davidson")] = summary.macro[("reference", "davidson-in-sample")]
    summary.precision[("reference", "davidson")] = summary.precision[
        ("reference", "davidson-in-sample")
    ]
    if args.backend is None:
        profanity_label = "profanity_check + lexicon (previous default)"
        for key in ("", " incident"):
            found = summary.macro.get((f"{profanity_label}{key}", "davidson-in-sample"))
            if found is not None:  # never trained on Davidson beyond alt-profanity-check itself
                summary.macro[(f"{profanity_label}{key}", "davidson")] = found
                summary.precision[(f"{profanity_label}{key}", "davidson")] = summary.precision[
                    (f"{profanity_label}{key}", "davidson-in-sample")
                ]
        school_posts(systems, summary)
        if not args.no_cv:
            cross_validated(args.data, texts, gold, summary)

    texts = read_spans_test(args.data, args.limit)
    print(
        f"\n== toxic_spans test (Civil Comments; held out of training): {len(texts)} posts, "
        "all toxic: recall only"
    )
    probs = ProfanityCheckModel().predict_raw([reference_text(t) for t in texts])
    print(recall_row("alt-profanity-check alone, >= 0.5", [p >= 0.5 for p in probs]))
    for label, detector in systems:
        any_finding, incident = detector_flags(detector, texts)
        print(recall_row(f"{label}: any content finding", any_finding))
        print(recall_row(f"{label}: incident (medium+)", incident))
    print(recall_row("sitewatch model alone, whole post", model_alone(shipped, texts)))

    labels = ["reference"]
    for label, _ in systems:
        labels.append(label)
        cv_label = {"ensemble (offline default)": "ensemble (offline default) CV"}.get(
            label, f"{label} CV"
        )
        if any(k[0] == cv_label for k in summary.macro):
            labels.append(cv_label)
    print_summary(summary, labels)
    print(
        "Davidson: the reference and anything using alt-profanity-check are in-sample there "
        "(it was trained on Davidson); the sitewatch model's own part is cross-validated only "
        "in the CV rows. OLID is never trained or tuned on."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
