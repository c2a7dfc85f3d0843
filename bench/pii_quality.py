"""PII recognizer quality on presidio-research's synthetic dataset, sitewatch vs Presidio.

Reads ``data/synth_dataset_v2.json`` from presidio-research (1,500 Faker-generated records,
MIT) where it lies in ``shared/`` beside the checkout, runs sitewatch's regex detectors and,
in the same run, Presidio's pattern recognizers on a ``NoOpNlpEngine`` (no spaCy model), and
prints span-overlap precision / recall / F1 per entity side by side.

Span overlap: a predicted span is correct when it overlaps a gold span of the same entity;
a gold span is found when a predicted span overlaps it. The dataset splits some addresses
into pieces ("Harjukuja 54", "Suite 318", "38524"); one prediction covering them finds all.

The dataset has no birthdate label: gold birthdates are its DATE_TIME spans in records
whose template speaks of birth ("She was born on ...", "date of birth"); every other
DATE_TIME span is a date that must not be reported as a birthdate.

Benchmark only: presidio-analyzer is not a sitewatch dependency
(``pip install presidio-analyzer``; ``--no-presidio`` runs sitewatch alone).

    .venv/bin/python bench/pii_quality.py [--data PATH] [--no-presidio] [--errors ENTITY]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitewatch.config import Settings
from sitewatch.detectors.base import DetectorContext
from sitewatch.detectors.pii import (
    AddressDetector,
    BirthdateDetector,
    EmailDetector,
    PhoneDetector,
    SsnDetector,
)
from sitewatch.scan.normalize import normalize
from sitewatch.typing import Detector

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO / ".." / "shared" / "data" / "pii" / "presidio_research"
DEFAULT_DATA /= "data__synth_dataset_v2.json"

Span = tuple[int, int]
Predictor = Callable[[str], dict[str, list[Span]]]


@dataclass(frozen=True)
class Entity:
    """One row of the table: our category, the dataset's label, Presidio's entity."""

    name: str
    dataset_label: str
    presidio_entity: str | None
    target: str


ENTITIES: tuple[Entity, ...] = (
    Entity("phone", "PHONE_NUMBER", "PHONE_NUMBER", "F1 >= 0.90"),
    Entity("email", "EMAIL_ADDRESS", "EMAIL_ADDRESS", "F1 = 1.00"),
    Entity("ssn", "US_SSN", "US_SSN", "F1 = 1.00"),
    Entity("address", "STREET_ADDRESS", None, "F1 >= 0.80"),  # Presidio: no such recognizer
    Entity("birthdate", "DATE_TIME", "DATE_TIME", "-"),
)
BIRTH_TEMPLATE = re.compile(r"\bborn\b|\bbirth", re.IGNORECASE)


@dataclass
class Record:
    text: str
    gold: dict[str, list[Span]]


@dataclass
class Score:
    predicted: int = 0
    predicted_ok: int = 0
    gold: int = 0
    gold_found: int = 0
    false_positives: list[tuple[str, str]] = field(default_factory=list)
    false_negatives: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.predicted_ok / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_records(path: Path) -> list[Record]:
    """presidio-research's format: [{full_text, masked, spans: [{entity_type, start_position,
    end_position, ...}], ...}]."""
    raw: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    labels = {e.dataset_label: e.name for e in ENTITIES}
    records: list[Record] = []
    for item in raw:
        gold: dict[str, list[Span]] = {e.name: [] for e in ENTITIES}
        birth = bool(BIRTH_TEMPLATE.search(item.get("masked") or ""))
        for span in item["spans"]:
            name = labels.get(span["entity_type"])
            if name is None or (name == "birthdate" and not birth):
                continue
            gold[name].append((span["start_position"], span["end_position"]))
        records.append(Record(item["full_text"], gold))
    return records


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(records: Sequence[Record], predict: Predictor) -> tuple[dict[str, Score], float]:
    scores = {e.name: Score() for e in ENTITIES}
    started = time.perf_counter()
    for record in records:
        predicted = predict(record.text)
        for name, score in scores.items():
            pred, gold = predicted.get(name, []), record.gold[name]
            score.predicted += len(pred)
            score.gold += len(gold)
            for p in pred:
                if any(overlaps(p, g) for g in gold):
                    score.predicted_ok += 1
                else:
                    score.false_positives.append((record.text[p[0] : p[1]], record.text))
            for g in gold:
                if any(overlaps(p, g) for p in pred):
                    score.gold_found += 1
                else:
                    score.false_negatives.append((record.text[g[0] : g[1]], record.text))
    return scores, time.perf_counter() - started


def sitewatch_predictor() -> Predictor:
    settings = Settings.model_validate({})
    context = DetectorContext(settings, None)
    detectors: list[Detector] = [
        EmailDetector.from_context(context),
        PhoneDetector.from_context(context),
        SsnDetector.from_context(context),
        AddressDetector.from_context(context),
        BirthdateDetector.from_context(context),
    ]
    for detector in detectors:
        detector.load()

    def predict(text: str) -> dict[str, list[Span]]:
        doc = normalize(text)
        out: dict[str, list[Span]] = {}
        for detector in detectors:
            for f in detector.detect(doc):
                out.setdefault(f.category.removeprefix("pii."), []).append((f.start, f.end))
        return out

    return predict


def presidio_predictor() -> Predictor | None:
    """Presidio's predefined pattern recognizers, English, no NLP model; None if absent."""
    try:
        import tldextract
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NoOpNlpEngine
    except ImportError:
        return None
    # Offline: the e-mail recognizer's tldextract would fetch the public suffix list.
    tldextract.tldextract.TLD_EXTRACTOR.suffix_list_urls = ()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        engine = AnalyzerEngine(
            nlp_engine=NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
        )
    wanted = {e.presidio_entity: e.name for e in ENTITIES if e.presidio_entity}

    def predict(text: str) -> dict[str, list[Span]]:
        out: dict[str, list[Span]] = {}
        for r in engine.analyze(text, language="en", entities=list(wanted)):
            out.setdefault(wanted[r.entity_type], []).append((r.start, r.end))
        return out

    return predict


def fmt(score: Score | None) -> str:
    if score is None:
        return f"{'n/a':>6} {'':>6} {'':>6}"
    return f"{score.precision:6.2f} {score.recall:6.2f} {score.f1:6.2f}"


def print_table(
    ours: dict[str, Score], theirs: dict[str, Score] | None, n_records: int, times: str
) -> None:
    print(f"presidio-research synth_dataset_v2: {n_records} records; {times}")
    print("span-overlap scores (P R F1); gold = spans of that entity in the dataset\n")
    header = f"{'entity':<10} {'gold':>5} | {'sitewatch':^20} | {'presidio':^20} | target"
    print(header)
    print(f"{'':<10} {'':>5} | {'P':>6} {'R':>6} {'F1':>6} | {'P':>6} {'R':>6} {'F1':>6} |")
    print("-" * len(header))
    for e in ENTITIES:
        mine = ours[e.name]
        other = theirs[e.name] if theirs is not None and e.presidio_entity else None
        print(f"{e.name:<10} {mine.gold:>5} | {fmt(mine)} | {fmt(other)} | {e.target}")
    if theirs is not None:
        print("\npresidio: predefined pattern recognizers, NoOpNlpEngine; birthdate = its")
        print("DATE_TIME (no birth notion); address: Presidio has no street-address recognizer")


def print_errors(name: str, score: Score, limit: int) -> None:
    for title, rows in (("false positives", score.false_positives),
                        ("false negatives", score.false_negatives)):  # fmt: skip
        print(f"\n{name} {title} ({len(rows)}):")
        for value, text in rows[:limit]:
            print(f"  {value!r:<45} in {text[:110]!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="synth_dataset_v2.json")
    parser.add_argument("--no-presidio", action="store_true", help="run sitewatch alone")
    parser.add_argument(
        "--errors", metavar="ENTITY", choices=[e.name for e in ENTITIES], help="list misses"
    )
    parser.add_argument("--limit", type=int, default=40, help="misses listed per kind")
    args = parser.parse_args(argv)

    data: Path = args.data.resolve()
    if not data.is_file():
        print(
            f"dataset not found: {data}\n(presidio-research data/synth_dataset_v2.json; "
            "point --data at it)",
            file=sys.stderr,
        )
        return 2
    records = load_records(data)

    ours, our_time = evaluate(records, sitewatch_predictor())
    times = f"sitewatch {our_time:.1f}s"
    theirs: dict[str, Score] | None = None
    if not args.no_presidio:
        presidio = presidio_predictor()
        if presidio is None:
            print("presidio-analyzer is not installed: sitewatch column only", file=sys.stderr)
        else:
            theirs, their_time = evaluate(records, presidio)
            times += f", presidio {their_time:.1f}s"
    print_table(ours, theirs, len(records), times)
    if args.errors:
        print_errors(f"sitewatch {args.errors}", ours[args.errors], args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
