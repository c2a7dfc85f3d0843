"""Toxicity detector quality on OLID and Davidson, in one run: prints figures, asserts nothing.

Reads both sets in place from ``../shared/data/toxicity`` (never copied into the repo):

* OLID v1.0 training (``olid_train/olid-training-v1.0.tsv``; no licence stated, internal
  evaluation only): gold "offensive" is ``subtask_a == OFF``.
* Davidson et al. 2017 (``davidson/labeled_data.csv``, MIT): gold "offensive" is class 0
  (hate) or 1 (offensive); class 2 (neither) is not. NOTE: alt-profanity-check was trained on
  this set (and Jigsaw), so its Davidson figures are in-sample for the reference.

Nothing in sitewatch is fitted on either set (the lexicon scores are hand-set). For each set
it prints precision, recall, F1 of each class and macro-F1 of

* profanity_check alone on the whole tweet at 0.5 (the reference), and a threshold sweep;
* the ``toxicity`` detector as configured by default (sentence scoring, per-label
  thresholds, self-harm phrases): "any finding" and "incident" (severity medium or above
  after the default severity policy).

Usage::

    .venv/bin/python bench/toxicity_quality.py [--data DIR] [--limit N] [--no-sweep]
        [--backend profanity_check|detoxify --checkpoint F --huggingface-config-path D]
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
    ProfanityCheckModel,
    ToxicityDetector,
    ToxicitySettings,
    build_model,
)
from sitewatch.exceptions import ConfigError
from sitewatch.scan.normalize import normalize
from sitewatch.scan.severity import SeverityPolicy

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "toxicity"
OLID_FILE = Path("olid_train") / "olid-training-v1.0.tsv"
DAVIDSON_FILE = Path("davidson") / "labeled_data.csv"
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


def evaluate(
    name: str,
    texts: Sequence[str],
    gold: Sequence[bool],
    detector: ToxicityDetector,
    sweep: bool,
) -> None:
    """profanity_check alone at 0.5 and the detector, on one data set."""
    print(f"\n== {name}: {len(texts)} posts, {sum(gold)} offensive")
    reference = ProfanityCheckModel()
    started = time.perf_counter()
    probs = [r["profanity"] for r in reference.predict(texts)]
    ref_elapsed = time.perf_counter() - started
    print(row("profanity_check alone, whole post, >= 0.5", score([p >= 0.5 for p in probs], gold)))
    if sweep:
        for t in SWEEP:
            if t != 0.5:
                print(row(f"  sweep >= {t:.2f}", score([p >= t for p in probs], gold)))
    policy = SeverityPolicy()
    started = time.perf_counter()
    docs = [normalize(t) for t in texts]
    any_finding: list[bool] = []
    incident: list[bool] = []
    for i in range(0, len(docs), 1024):
        for findings in detector.detect_many(docs[i : i + 1024]):
            content = [f for f in findings if f.category.startswith("content.")]
            any_finding.append(bool(content))
            incident.append(any(policy.apply(f).severity.is_incident for f in content))
    elapsed = time.perf_counter() - started
    print(row("offline default: any content finding", score(any_finding, gold)))
    print(row("offline default: incident (medium+)", score(incident, gold)))
    print(
        f"  speed: offline default {len(texts) / elapsed:.0f} posts/s "
        f"(profanity_check alone {len(texts) / ref_elapsed:.0f} posts/s)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="folder with olid_train/ and davidson/"
    )
    ap.add_argument("--no-sweep", action="store_true", help="skip the threshold sweep")
    ap.add_argument("--limit", type=int, default=None, help="only the first N tweets")
    ap.add_argument("--backend", choices=("profanity_check", "detoxify"), default=None)
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--huggingface-config-path", default=None)
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args(argv)

    missing = [
        str(args.data / f) for f in (OLID_FILE, DAVIDSON_FILE) if not (args.data / f).is_file()
    ]
    if missing:
        print(
            f"toxicity data not found: {', '.join(missing)} missing. The sets are read in place "
            "from shared/data/toxicity beside the checkout; pass --data DIR (the folder holding "
            "olid_train/ and davidson/) to point elsewhere.",
            file=sys.stderr,
        )
        return 2

    settings = ToxicitySettings(
        **{
            k: v
            for k, v in {
                "backend": args.backend,
                "checkpoint": args.checkpoint,
                "huggingface_config_path": args.huggingface_config_path,
                "batch_size": args.batch_size,
            }.items()
            if v is not None
        }
    )
    detector = ToxicityDetector(settings, build_model(settings))
    try:
        detector.load()
    except ConfigError as exc:
        print(f"cannot load the toxicity detector: {exc}", file=sys.stderr)
        return 2
    thresholds = ", ".join(
        f"{k} {v:.2f}" for k, v in sorted(settings.effective_thresholds().items())
    )
    print(
        f"offline default = toxicity detector, backend {detector.backend}, thresholds "
        f"{thresholds}, lexicon {'on' if settings.lexicon else 'off'} (sentence scoring, "
        "content view, word lists, self-harm phrases)"
    )
    for name, reader in (("OLID subtask A (train)", read_olid), ("Davidson", read_davidson)):
        texts, gold = reader(args.data, args.limit)
        evaluate(name, texts, gold, detector, not args.no_sweep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
