"""Scan throughput on ONE core: sitewatch versus Presidio's pattern-only analyzer.

1. A synthetic district (``bench/synthetic_district.py``) with a 50,000-student roster and
   its posts. The full sitewatch pipeline WITHOUT the toxicity model (every default
   detector but toxicity: e-mail, phone, SSN, student number, address, birthdate, roster,
   rules) scans every post; so does the district config's own list (``district.toml``:
   no address, no birthdate), for comparison; Presidio's ``AnalyzerEngine`` with a
   ``NoOpNlpEngine`` (its predefined pattern recognizers, no spaCy model) scans the same
   posts in the same run. The systems alternate for ``--rounds`` rounds (a busy machine
   slows them alike); in a round each system makes ``--passes`` passes and the fastest
   counts (a pass another process interrupted does not), timed in CPU time of this
   process (``--clock cpu``; ``wall`` for elapsed time). Each round times the full scan
   twice:

   * COLD, the headline: every memoized per-value verdict forgotten first
     (``ScanPipeline.clear_caches``: phone-number checks, roster keys), as for new posts
     with new numbers and new names. Within the pass a number seen in an earlier post
     (a district line) is remembered, as it would be in the daemon;
   * WARM, secondary: the same posts again right after, every verdict remembered.

   Each round prints µs/post and the ratios to Presidio's µs/post of the same round; the
   verdict is the MEDIAN of the per-round cold ratios (target: the full scan ≥ 10×).
2. A 500-student roster (the first 500 students of the same district, their guardians,
   staff in proportion) versus the whole 50,000: per-post µs on the same posts, written
   about the 500 (so they are on both rosters and both find the same names).
3. WITH the toxicity model (``detection.toxicity`` defaults: profanity_check): per-post
   ``ScanPipeline.scan``, and batched (``ToxicityDetector.detect_many`` over batches, the
   rest of the pipeline per post).

The process is pinned to one CPU and BLAS/OpenMP pools to one thread before any numeric
library is imported. It prints what a rerun needs (command line, seed, versions, commit,
CPU, load) and figures; it asserts nothing about time. On a shared machine, compare runs
by the median ratio, and confirm a change with an instruction count
(``valgrind --tool=callgrind``), which other processes do not disturb.

Benchmark-only dependency: presidio-analyzer (``pip install presidio-analyzer``; not in
pyproject). Without it this prints why and exits 2.

    .venv/bin/python bench/throughput.py [--students 50000] [--small 500] [--posts 3000]
        [--presidio-posts 1000] [--batch 256] [--seed N] [--rounds 5] [--passes 3]
        [--clock cpu|wall] [--only-ratio]
"""

from __future__ import annotations

import os

for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "TOKENIZERS_PARALLELISM",
):
    os.environ[_var] = "false" if _var == "TOKENIZERS_PARALLELISM" else "1"

import argparse  # noqa: E402
import contextlib  # noqa: E402
import importlib.metadata  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import shlex  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import synthetic_district as sd  # noqa: E402

from sitewatch.config import DEFAULT_DETECTORS, Settings, load_settings  # noqa: E402
from sitewatch.detectors.toxicity import ToxicityDetector  # noqa: E402
from sitewatch.models import Finding  # noqa: E402
from sitewatch.roster import load_roster  # noqa: E402
from sitewatch.scan.normalize import normalize  # noqa: E402
from sitewatch.scan.pipeline import ScanPipeline  # noqa: E402

TARGET_RATIO = 10.0


def version_of(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def git_revision() -> str:
    """The checkout's commit, "+ local changes" when the work tree differs from it."""
    here = Path(__file__).resolve().parent

    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], cwd=here, capture_output=True, text=True, check=True)
        return run.stdout.strip()

    try:
        head = git("rev-parse", "--short=12", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" + local changes" if dirty else "")


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                return row.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def load_average() -> str:
    if hasattr(os, "getloadavg"):
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    return "n/a"


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "CPU pinning unavailable on this platform (thread pools still 1)"


def presidio_engine() -> Any | None:
    """Presidio's predefined recognizers on a NoOpNlpEngine; None when not installed."""
    try:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NoOpNlpEngine
    except ImportError:
        return None
    with contextlib.suppress(ImportError):
        import tldextract  # offline: the e-mail recognizer would fetch the suffix list

        tldextract.tldextract.TLD_EXTRACTOR.suffix_list_urls = ()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return AnalyzerEngine(
            nlp_engine=NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}]),
            supported_languages=["en"],
        )


# Section 1's clock: CPU time of this process (``--clock cpu``, the default) leaves out
# the time other processes take on the same core, which a shared machine makes frequent;
# ``--clock wall`` measures elapsed time. Sections 2 and 3 use wall time.
CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}


def timed(
    fn: Callable[[str], object],
    texts: Sequence[str],
    repeat: int = 1,
    *,
    clock: Callable[[], float] = time.perf_counter,
    before: Callable[[], object] | None = None,
) -> float:
    """Best time (s) over ``repeat`` passes of ``fn`` over ``texts``; ``before`` runs
    before each pass, outside the timing."""
    best = float("inf")
    for _ in range(repeat):
        if before is not None:
            before()
        t0 = clock()
        for t in texts:
            fn(t)
        best = min(best, clock() - t0)
    return best


def settings_for(folder: Path, *, toxicity: bool, defaults: bool = False) -> Settings:
    """The district's settings; ``defaults``: every default detector, not district.toml's."""
    settings = load_settings(folder / "district.toml")
    names = DEFAULT_DETECTORS if defaults else settings.detection.detectors
    detectors = [d for d in names if d != "toxicity"]
    if toxicity:
        detectors.append("toxicity")
    detection = settings.detection.model_copy(update={"detectors": detectors})
    return settings.model_copy(update={"detection": detection})


def build(
    folder: Path, *, toxicity: bool = False, defaults: bool = False
) -> tuple[ScanPipeline, float]:
    t0 = time.perf_counter()
    settings = settings_for(folder, toxicity=toxicity, defaults=defaults)
    roster = load_roster(folder / "users.csv")
    pipeline = ScanPipeline.from_settings(settings, roster)
    pipeline.load()
    return pipeline, time.perf_counter() - t0


def small_district(big: sd.District, n: int) -> sd.District:
    """The first ``n`` students of ``big``, their guardians, and staff in proportion."""
    students = [p for p in big.people if p.role == "student"][:n]
    kept = {p.sourced_id for p in students}
    staff = [p for p in big.people if p.role in ("teacher", "administrator", "aide")]
    guardians = [p for p in big.people if p.agents in kept and p.role != "student"]
    people = staff[: max(5, n // 15)] + students + guardians
    return sd.District(people, list(big.posts))


def line(label: str, n: int, seconds: float) -> float:
    rate = n / seconds
    print(f"  {label:<44} {rate:>10,.0f} posts/s  {seconds / n * 1e6:>9,.1f} µs/post")
    return rate


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="One-core scan throughput, sitewatch vs Presidio.")
    ap.add_argument("--students", type=int, default=50_000)
    ap.add_argument("--small", type=int, default=500)
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--presidio-posts", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--seed", type=int, default=20260901)
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds in section 1")
    ap.add_argument(
        "--passes",
        type=int,
        default=3,
        help="section 1: passes of each system per round, the fastest counts",
    )
    ap.add_argument("--clock", choices=sorted(CLOCKS), default="cpu", help="section 1's clock")
    ap.add_argument(
        "--only-ratio", action="store_true", help="section 1 only (skip roster size, toxicity)"
    )
    args = ap.parse_args(argv)

    engine = presidio_engine()
    if engine is None:
        print(
            "presidio-analyzer is not installed; this benchmark compares against it.\n"
            "Install it into the venv (benchmark only, not a sitewatch dependency):\n"
            "    .venv/bin/pip install presidio-analyzer",
            file=sys.stderr,
        )
        return 2

    pinned = pin_one_core()
    command = shlex.join([Path(sys.executable).name, *sys.argv])
    print(f"command: {command}")
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {pinned}; "
        f"{cpu_model()}; load average {load_average()} (1, 5, 15 min)"
    )
    print(
        f"sitewatch {git_revision()}; phonenumbers {version_of('phonenumbers')}, "
        f"pyahocorasick {version_of('pyahocorasick')}, "
        f"presidio-analyzer {version_of('presidio-analyzer')}"
    )

    t0 = time.perf_counter()
    district = sd.generate(args.students, args.posts, args.seed)
    texts = [p.text for p in district.posts]
    chars = sum(len(t) for t in texts) / len(texts)
    print(
        f"district: {args.students:,} students ({len(district.people):,} roster rows), "
        f"{len(texts):,} posts, mean {chars:.0f} chars, seed {args.seed} "
        f"(generated in {time.perf_counter() - t0:.1f} s)"
    )

    with tempfile.TemporaryDirectory(prefix="sitewatch-throughput-") as tmp:
        big_dir, small_dir = Path(tmp) / "big", Path(tmp) / "small"
        sd.write_district(district, big_dir)
        small_people = small_district(district, args.small)
        sd.write_district(small_people, small_dir)
        # Posts about students on BOTH rosters, so both find the same names.
        shared = [p.text for p in sd.generate_posts(small_people.people, args.posts, args.seed)]

        full, _ = build(big_dir, defaults=True)
        big, big_load = build(big_dir)
        small, small_load = build(small_dir)

        print(f"\nfull pipeline (default detectors but toxicity): {', '.join(full.names)}")
        print(f"district.toml pipeline: {', '.join(big.names)}")
        print(f"  load: {args.students:,}-student roster {big_load:.1f} s, ", end="")
        print(f"{args.small:,}-student roster {small_load:.1f} s")
        for p in (full, big, small):  # warm caches (normalization tables, regexes)
            timed(p.scan, texts[:200])

        print("\n1. sitewatch vs Presidio (pattern recognizers, NoOpNlpEngine), one core")
        subset = texts[: args.presidio_posts]

        def presidio(t: str) -> object:
            return engine.analyze(t, language="en")

        clock = CLOCKS[args.clock]

        def cold(pipeline: ScanPipeline) -> float:
            """µs/post, the fastest of the passes, each with every verdict forgotten first."""
            seconds = timed(
                pipeline.scan, texts, args.passes, clock=clock, before=pipeline.clear_caches
            )
            return seconds / len(texts) * 1e6

        def warm(pipeline: ScanPipeline) -> float:
            """µs/post, the fastest of the passes over posts it has just scanned."""
            return timed(pipeline.scan, texts, args.passes, clock=clock) / len(texts) * 1e6

        timed(presidio, subset[:50])  # warm up
        # Alternating rounds: a busy machine slows every system alike within a round.
        cold_full: list[float] = []
        warm_full: list[float] = []
        cold_toml: list[float] = []
        us_pr: list[float] = []
        print(
            f"  {'round':<6} {'presidio':>9} {'full cold':>10} {'full warm':>10} "
            f"{'toml cold':>10}   {'ratios to presidio: full cold, warm; toml cold'}"
        )
        for r in range(1, args.rounds + 1):
            cold_full.append(cold(full))
            warm_full.append(warm(full))  # right after: every verdict remembered
            us_pr.append(timed(presidio, subset, args.passes, clock=clock) / len(subset) * 1e6)
            cold_toml.append(cold(big))
            print(
                f"  {r:<6} {us_pr[-1]:>9.1f} {cold_full[-1]:>10.1f} {warm_full[-1]:>10.1f} "
                f"{cold_toml[-1]:>10.1f}   {us_pr[-1] / cold_full[-1]:>6.1f}x "
                f"{us_pr[-1] / warm_full[-1]:>6.1f}x {us_pr[-1] / cold_toml[-1]:>6.1f}x"
            )
        print(
            f"  (µs/post of {args.clock.upper()} time, the fastest of {args.passes} passes per "
            f"round: presidio over the first {len(subset):,} posts, sitewatch over all "
            f"{len(texts):,})"
        )

        def ratios(us: list[float]) -> tuple[float, float, float]:
            per_round = [a / b for a, b in zip(us_pr, us, strict=True)]
            return statistics.median(per_round), min(per_round), max(per_round)

        n_full = len(full.names)
        line(
            f"sitewatch full ({n_full} detectors), cold, best",
            len(texts),
            min(cold_full) * len(texts) / 1e6,
        )
        line(
            f"sitewatch full ({n_full} detectors), warm, best",
            len(texts),
            min(warm_full) * len(texts) / 1e6,
        )
        line(
            f"sitewatch district.toml ({len(big.names)}), cold, best",
            len(texts),
            min(cold_toml) * len(texts) / 1e6,
        )
        line(
            f"presidio-analyzer ({len(subset):,} posts), best",
            len(subset),
            min(us_pr) * len(subset) / 1e6,
        )
        median, low, high = ratios(cold_full)
        verdict = "meets" if median >= TARGET_RATIO else "MISSES"
        print(
            f"  FULL SCAN, COLD (every verdict forgotten before each pass): median of rounds "
            f"{median:.1f}x Presidio (rounds {low:.1f}x to {high:.1f}x); {verdict} the "
            f"{TARGET_RATIO:.0f}x target"
        )
        median, low, high = ratios(warm_full)
        print(
            f"  full scan, warm (the same posts again, verdicts remembered): median "
            f"{median:.1f}x (rounds {low:.1f}x to {high:.1f}x)"
        )
        median, low, high = ratios(cold_toml)
        print(
            f"  district.toml scan, cold: median {median:.1f}x (rounds {low:.1f}x to {high:.1f}x)"
        )
        print(f"  load average now {load_average()}")
        if args.only_ratio:
            return 0

        print(
            f"\n2. roster size: cost per post, the same {len(shared):,} posts about students "
            f"on both rosters"
        )
        timed(small.scan, shared[:200])
        t_small = t_big = float("inf")
        for _ in range(3):  # interleaved, best of each
            t_small = min(t_small, timed(small.scan, shared))
            t_big = min(t_big, timed(big.scan, shared))
        r_small = line(f"{args.small:,} students", len(shared), t_small)
        r_big = line(f"{args.students:,} students", len(shared), t_big)
        print(
            f"  {args.students:,} vs {args.small:,} students: "
            f"{(1 / r_big) / (1 / r_small):.2f}x the per-post time"
        )

        print("\n3. with the toxicity model (detection.toxicity defaults)")
        tox, tox_load = build(big_dir, toxicity=True)
        detector = next(d for d in tox.detectors if isinstance(d, ToxicityDetector))
        print(f"  backend: {detector.backend}; pipeline load {tox_load:.1f} s")
        timed(tox.scan, texts[:100])
        per_post = line("ScanPipeline.scan per post", len(texts), timed(tox.scan, texts, 1))

        def batched() -> float:
            t0 = time.perf_counter()
            for i in range(0, len(texts), args.batch):
                chunk = texts[i : i + args.batch]
                docs = [normalize(t) for t in chunk]
                tox_findings = detector.detect_many(docs)
                for text, found in zip(chunk, tox_findings, strict=True):
                    result = big.scan(text)  # everything but the model, per post
                    merged: list[Finding] = [*result.findings]
                    merged.extend(tox.policy.apply(f) for f in found)
            return time.perf_counter() - t0

        batched()
        bt = line(f"batched detect_many (batch {args.batch})", len(texts), batched())
        best = "batched" if bt > per_post else "per post"
        print(f"  faster: {best} ({max(bt, per_post) / min(bt, per_post):.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
