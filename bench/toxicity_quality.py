"""Toxicity detector quality on OLID and Davidson, in one run: prints figures, asserts nothing.

Reads both sets in place from ``../shared/data/toxicity`` (never copied into the repo):

* OLID v1.0 training (``olid_train/olid-training-v1.0.tsv``; no licence stated, internal
  evaluation only): gold "offensive" is ``subtask_a == OFF``.
* Davidson et al. 2017 (``davidson/labeled_data.csv``, MIT): gold "offensive" is class 0
  (hate) or 1 (offensive); class 2 (neither) is not. NOTE: alt-profanity-check was trained on
  this set (and Jigsaw), so its Davidson figures are in-sample for the reference.

The ``profanity_check`` backend and the lexicon are fitted on neither set. The ``sitewatch``
backend (data/toxicity_model.npz, bench/train_toxicity.py) is trained on Davidson, never on
OLID. For each set it prints precision, recall, F1 of each class and macro-F1 of

* profanity_check alone on the whole tweet at 0.5 (the reference), and a threshold sweep;
* each detector configuration (the offline default, the other offline backend), as
  configured (sentence scoring, per-label thresholds, word lists, self-harm phrases): "any
  finding" and "incident" (severity medium or above after the default severity policy);
* OLID: cross-dataset for every system (nothing is trained or tuned on it);
* Davidson: in-sample for profanity_check and the shipped sitewatch model (both trained on
  it; labelled so), plus the sitewatch backend 5-fold cross-validated: fold k scored by a
  model retrained without fold k (same data, C and seed; bench/train_toxicity.py), at a
  threshold picked on the other folds' out-of-fold scores;
* toxic_spans test (held out of training, all toxic): recall only.

Usage::

    .venv/bin/python bench/toxicity_quality.py [--data DIR] [--limit N] [--no-sweep]
        [--no-cv] [--backend detoxify --checkpoint F --huggingface-config-path D]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sitewatch.detectors.toxicity import (
    MODEL_FILE,
    ProfanityCheckModel,
    SitewatchModel,
    ToxicityDetector,
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


def evaluate(
    name: str,
    texts: Sequence[str],
    gold: Sequence[bool],
    systems: Sequence[tuple[str, ToxicityDetector]],
    sweep: bool,
    *,
    in_sample: str = "",
) -> dict[str, Scores]:
    """profanity_check alone at 0.5 and each detector, on one data set."""
    print(f"\n== {name}: {len(texts)} posts, {sum(gold)} offensive")
    out: dict[str, Scores] = {}
    reference = ProfanityCheckModel()
    started = time.perf_counter()
    probs = [r["profanity"] for r in reference.predict(texts)]
    ref_elapsed = time.perf_counter() - started
    out["reference"] = score([p >= 0.5 for p in probs], gold)
    print(row(f"profanity_check alone, >= 0.5{in_sample}", out["reference"]))
    if sweep:
        for t in SWEEP:
            if t != 0.5:
                print(row(f"  sweep >= {t:.2f}", score([p >= t for p in probs], gold)))
    for label, detector in systems:
        started = time.perf_counter()
        any_finding, incident = detector_flags(detector, texts)
        elapsed = time.perf_counter() - started
        out[f"{label}: any"] = score(any_finding, gold)
        out[f"{label}: incident"] = score(incident, gold)
        print(row(f"{label}: any content finding", out[f"{label}: any"]))
        print(row(f"{label}: incident (medium+)", out[f"{label}: incident"]))
        print(f"  speed: {label} {len(texts) / elapsed:.0f} posts/s")
    print(f"  speed: profanity_check alone {len(texts) / ref_elapsed:.0f} posts/s")
    return out


def davidson_cv(folder: Path, texts: Sequence[str], gold: Sequence[bool], lexicon: bool) -> None:
    """The sitewatch backend on Davidson, 5-fold cross-validated: fold k is scored by a model
    trained (bench/train_toxicity.py, same data, C and seed as the shipped model) without
    fold k, at a threshold picked on the other folds."""
    import train_toxicity

    c = float(read_model_meta()["regularization_c"])
    started = time.perf_counter()
    rows, fold_of_row, models = train_toxicity.fold_models(folder, c)
    fold_of_text = {
        r.text.strip(): int(k)
        for r, k in zip(rows, fold_of_row, strict=True)
        if r.source == "davidson"
    }
    folds = [fold_of_text.get(t.strip()) for t in texts]
    any_finding = [False] * len(texts)
    incident = [False] * len(texts)
    alone = [False] * len(texts)
    for k, model in enumerate(models):
        idx = [i for i, f in enumerate(folds) if f == k]
        settings = ToxicitySettings(
            backend="sitewatch", thresholds={"toxicity": model.threshold}, lexicon=lexicon
        )
        detector = ToxicityDetector(settings, model)
        fold_texts = [texts[i] for i in idx]
        flags_any, flags_incident = detector_flags(detector, fold_texts)
        flags_alone = model_alone(model, fold_texts)
        for j, i in enumerate(idx):
            any_finding[i], incident[i], alone[i] = flags_any[j], flags_incident[j], flags_alone[j]
    # Duplicate tweets were dropped from training: they take the fold of their first copy.
    unscored = sum(f is None for f in folds)
    thresholds = ", ".join(f"{m.threshold:.2f}" for m in models)
    print(
        f"  sitewatch 5-fold CV (out-of-fold: each fold scored by a model trained without it; "
        f"C {c:g}, fold thresholds {thresholds}; {unscored} unscored) "
        f"[{time.perf_counter() - started:.0f}s]"
    )
    print(row("sitewatch CV: model alone, whole post", score(alone, gold)))
    print(row("sitewatch CV: any content finding", score(any_finding, gold)))
    print(row("sitewatch CV: incident (medium+)", score(incident, gold)))


def read_spans_test(folder: Path, limit: int | None) -> list[str]:
    with (folder / SPANS_TEST_FILE).open(encoding="utf-8", newline="") as fh:
        texts = [rec["text"] for rec in csv.DictReader(fh)]
    return texts[:limit] if limit is not None else texts


def recall_row(name: str, flags: Sequence[bool]) -> str:
    return f"{name:<52} recall {sum(flags) / max(1, len(flags)):.3f}  flagged {sum(flags)}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="folder with olid_train/, davidson/ and toxic_spans/",
    )
    ap.add_argument("--no-sweep", action="store_true", help="skip the threshold sweep")
    ap.add_argument("--no-cv", action="store_true", help="skip the Davidson cross-validation")
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
    previous = ToxicitySettings(backend="profanity_check")
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
        if default.backend != "sitewatch":
            configs.append(("sitewatch", ToxicitySettings(backend="sitewatch")))
        if default.backend != "profanity_check":
            configs.append(("profanity_check + lexicon (previous default)", previous))
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
    print(
        f"sitewatch model: data/{MODEL_FILE}, trained {meta['created']} on "
        + ", ".join(f"{k} {v['rows']}" for k, v in sorted(rows.items()))
        + f" (never OLID); C {meta['regularization_c']:g}, threshold {shipped.threshold:.2f}; "
        f"loaded in {shipped.load_seconds:.2f}s"
    )

    texts, gold = read_olid(args.data, args.limit)
    evaluate(
        "OLID subtask A (train), cross-dataset: never trained on",
        texts,
        gold,
        systems,
        not args.no_sweep,
    )
    print(row("sitewatch model alone, whole post", score(model_alone(shipped, texts), gold)))

    texts, gold = read_davidson(args.data, args.limit)
    in_sample = " [IN-SAMPLE: trained on Davidson]"
    evaluate(
        "Davidson",
        texts,
        gold,
        [(f"{label}{in_sample}", d) for label, d in systems],
        not args.no_sweep,
        in_sample=in_sample,
    )
    if args.backend is None and not args.no_cv:
        davidson_cv(args.data, texts, gold, default.lexicon)

    texts = read_spans_test(args.data, args.limit)
    print(
        f"\n== toxic_spans test (Civil Comments; held out of training): {len(texts)} posts, "
        "all toxic: recall only"
    )
    probs = [r["profanity"] for r in ProfanityCheckModel().predict(texts)]
    print(recall_row("profanity_check alone, >= 0.5", [p >= 0.5 for p in probs]))
    for label, detector in systems:
        any_finding, incident = detector_flags(detector, texts)
        print(recall_row(f"{label}: any content finding", any_finding))
        print(recall_row(f"{label}: incident (medium+)", incident))
    print(recall_row("sitewatch model alone, whole post", model_alone(shipped, texts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
