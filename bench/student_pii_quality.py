"""Student-PII quality of the real scan pipeline on a synthetic district (FERPA rules).

Generates (or reads) a fictional district with ``bench/synthetic_district.py``: a OneRoster
roster and labelled posts. Builds ``ScanPipeline`` from the district's config exactly as
``sitewatch scan --config district.toml`` does, with the toxicity detector left out
(``detection.detectors`` has no "toxicity"), and prints precision / recall / F1 per
category and micro overall:

* span level: a predicted ``pii.*`` finding is correct when it overlaps a gold label of the
  same category; a gold label is found when a same-category finding overlaps it;
* post level: per post and category, "flagged" versus "should be flagged".

Every predicted ``pii.*`` finding counts, so a stray ``pii.ssn`` is a false positive.
``--show-errors`` lists failures by post id, template kind and category — never the text
(posts hold fictional student names, but the habit matters). A benchmark, not a test.

    .venv/bin/python bench/student_pii_quality.py [--students 2000] [--posts 3000]
        [--seed N] [--data DIR] [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import synthetic_district as sd

from sitewatch.config import load_settings
from sitewatch.roster import load_roster
from sitewatch.scan.pipeline import ScanPipeline

TARGET_F1 = 0.97
Span = tuple[int, int]


@dataclass
class Counts:
    pred: int = 0
    pred_ok: int = 0
    gold: int = 0
    gold_found: int = 0

    def add(self, other: Counts) -> None:
        self.pred += other.pred
        self.pred_ok += other.pred_ok
        self.gold += other.gold
        self.gold_found += other.gold_found

    @property
    def precision(self) -> float:
        return self.pred_ok / self.pred if self.pred else 1.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def load_posts(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def district_dir(args: argparse.Namespace, tmp: Path) -> Path:
    if args.data is not None:
        return Path(args.data)
    t0 = time.perf_counter()
    district = sd.generate(args.students, args.posts, args.seed)
    sd.write_district(district, tmp)
    print(
        f"generated district: {args.students} students, {args.posts} posts, seed {args.seed} "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    return tmp


def build_pipeline(folder: Path) -> ScanPipeline:
    settings = load_settings(folder / "district.toml")
    detectors = [d for d in settings.detection.detectors if d != "toxicity"]
    detection = settings.detection.model_copy(update={"detectors": detectors})
    settings = settings.model_copy(update={"detection": detection})
    roster_path = settings.roster_path
    roster = load_roster(roster_path) if roster_path else None
    pipeline = ScanPipeline.from_settings(settings, roster)
    pipeline.load()
    return pipeline


def evaluate(
    pipeline: ScanPipeline, posts: Sequence[dict[str, object]], categories: Iterable[str]
) -> tuple[dict[str, Counts], dict[str, Counts], list[tuple[str, str, str, str]]]:
    """(span counts, post counts, errors as (id, kind, category, FP|FN))."""
    span: dict[str, Counts] = {c: Counts() for c in categories}
    post_level: dict[str, Counts] = {c: Counts() for c in categories}
    errors: list[tuple[str, str, str, str]] = []
    for post in posts:
        pid, kind = str(post["id"]), str(post.get("kind", "?"))
        text = post["text"]
        assert isinstance(text, str)
        raw_labels = post.get("labels") or []
        assert isinstance(raw_labels, list)
        gold: dict[str, list[Span]] = {}
        for lb in raw_labels:
            gold.setdefault(lb["category"], []).append((lb["start"], lb["end"]))
        pred: dict[str, list[Span]] = {}
        for f in pipeline.scan(text).findings:
            if f.category.startswith("pii."):
                pred.setdefault(f.category, []).append((f.start, f.end))
        for cat in set(gold) | set(pred):
            c = span.setdefault(cat, Counts())
            g, p = gold.get(cat, []), pred.get(cat, [])
            ok = sum(1 for s in p if any(_overlaps(s, t) for t in g))
            found = sum(1 for t in g if any(_overlaps(s, t) for s in p))
            c.add(Counts(len(p), ok, len(g), found))
            if ok < len(p):
                errors.append((pid, kind, cat, "FP"))
            if found < len(g):
                errors.append((pid, kind, cat, "FN"))
            pc = post_level.setdefault(cat, Counts())
            hit = bool(g) and bool(p)
            pc.add(Counts(int(bool(p)), int(hit), int(bool(g)), int(hit)))
    return span, post_level, errors


def table(title: str, counts: dict[str, Counts]) -> Counts:
    print(f"\n{title}")
    print(f"  {'category':<22} {'gold':>6} {'pred':>6} {'prec':>7} {'recall':>7} {'F1':>7}")
    total = Counts()
    for cat, c in counts.items():
        total.add(c)
        print(
            f"  {cat:<22} {c.gold:>6} {c.pred:>6} {c.precision:>7.4f} {c.recall:>7.4f} {c.f1:>7.4f}"
        )
    print(
        f"  {'micro overall':<22} {total.gold:>6} {total.pred:>6} {total.precision:>7.4f} "
        f"{total.recall:>7.4f} {total.f1:>7.4f}"
    )
    return total


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Student-PII quality on a synthetic district.")
    ap.add_argument("--students", type=int, default=2000)
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20260901)
    ap.add_argument("--data", type=Path, help="a folder written by synthetic_district.py")
    ap.add_argument("--show-errors", action="store_true", help="list failing post ids")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sitewatch-district-") as tmp:
        folder = district_dir(args, Path(tmp))
        posts = load_posts(folder / "posts.jsonl")
        t0 = time.perf_counter()
        pipeline = build_pipeline(folder)
        t1 = time.perf_counter()
        span, post_level, errors = evaluate(pipeline, posts, sd.CATEGORIES)
        t2 = time.perf_counter()

    print(f"pipeline: {', '.join(pipeline.names)} (built in {t1 - t0:.1f} s)")
    print(f"scanned {len(posts)} posts in {t2 - t1:.2f} s")
    overall = table("span level (overlap, same category)", span)
    table("post level (post flagged for the category)", post_level)
    verdict = "meets" if overall.f1 >= TARGET_F1 else "MISSES"
    print(f"\nspan-level micro F1 {overall.f1:.4f} {verdict} the target {TARGET_F1}")

    by_kind = Counter((kind, cat, what) for _, kind, cat, what in errors)
    if by_kind:
        print("\nerrors by template kind:")
        for (kind, cat, what), n in by_kind.most_common():
            print(f"  {n:>4} {what} {cat:<22} {kind}")
    if args.show_errors:
        print("\nfailures (id, kind, category, FP|FN):")
        for pid, kind, cat, what in errors:
            print(f"  {pid}\t{kind}\t{cat}\t{what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
