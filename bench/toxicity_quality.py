"""Toxicity detector quality on OLID (offensive tweets): prints figures, asserts nothing.

Reads the OLID v1.0 training file in place (research use only; never copied into the repo):
``olid-training-v1.0.tsv`` with columns id, tweet, subtask_a (OFF/NOT), ... Gold "offensive"
is ``subtask_a == OFF``. Prints, for the "offensive" class: precision, recall, F1 of each
class and macro-F1 of

* profanity_check alone on the whole tweet at 0.5 (the reference), and a threshold sweep;
* the ``toxicity`` detector as configured by default (sentence scoring, per-label
  thresholds, self-harm phrases): "any finding" and "incident" (severity medium or above
  after the default severity policy).

Usage::

    .venv/bin/python bench/toxicity_quality.py [--data DIR] [--limit N]
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

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "toxicity" / "olid_train"
FILE_NAME = "olid-training-v1.0.tsv"
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
    with (folder / FILE_NAME).open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            texts.append(rec["tweet"])
            gold.append(rec["subtask_a"] == "OFF")
            if limit is not None and len(texts) >= limit:
                break
    return texts, gold


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with " + FILE_NAME)
    ap.add_argument("--limit", type=int, default=None, help="only the first N tweets")
    ap.add_argument("--backend", choices=("profanity_check", "detoxify"), default=None)
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--huggingface-config-path", default=None)
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args(argv)

    if not (args.data / FILE_NAME).is_file():
        print(
            f"OLID data not found: {args.data / FILE_NAME} is missing. It is read in place from "
            "shared/data/toxicity/olid_train beside the checkout; pass --data DIR to point "
            "elsewhere.",
            file=sys.stderr,
        )
        return 2

    texts, gold = read_olid(args.data, args.limit)
    print(f"OLID training: {len(texts)} tweets, {sum(gold)} offensive ({args.data / FILE_NAME})")

    reference = ProfanityCheckModel()
    started = time.perf_counter()
    probs = [r["profanity"] for r in reference.predict(texts)]
    print(f"profanity_check on whole tweets: {time.perf_counter() - started:.2f}s\n")
    print(row("profanity_check alone, whole tweet, >= 0.5", score([p >= 0.5 for p in probs], gold)))
    for t in SWEEP:
        if t != 0.5:
            print(row(f"  sweep >= {t:.2f}", score([p >= t for p in probs], gold)))

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
    policy = SeverityPolicy()
    started = time.perf_counter()
    docs = [normalize(t) for t in texts]
    any_finding: list[bool] = []
    incident: list[bool] = []
    for i in range(0, len(docs), 1024):
        for findings in detector.detect_many(docs[i : i + 1024]):
            any_finding.append(bool(findings))
            incident.append(any(policy.apply(f).severity.is_incident for f in findings))
    elapsed = time.perf_counter() - started
    thresholds = ", ".join(
        f"{k} {v:.2f}" for k, v in sorted(settings.effective_thresholds().items())
    )
    print(f"\ntoxicity detector, backend {detector.backend}, thresholds {thresholds}")
    print(f"(sentence scoring + self-harm phrases; {elapsed:.2f}s)")
    print(row("detector: any finding", score(any_finding, gold)))
    print(row("detector: incident (medium+ by policy)", score(incident, gold)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
