"""Benchmark: generate against a bare YAML parse of the same files, in the same rounds.

Requirements (issue 19, items 4 and 6):

- ``pricegen generate`` into an empty directory takes at most 6× a bare
  parse of the catalog's files (``yaml.load`` with the C loader, in a fresh
  interpreter), at 500 and at 1,950 plans of 50 features;
- a second ``generate``, and ``generate --check``, on current outputs take
  at most 1.3× ``pricegen validate`` of the same catalog;
- growth is linear: the time per plan at 1,950 plans is within 1.5× that
  at 500, and peak RSS grows at most as the plans do (both shown for each
  command; peak RSS is of one run alone, through wait4()).

Every command is a fresh process. Each round runs every command of a size
once, in a new random order; ratios are taken within a round, and the table
gives their median and min–max. Catalogs come from gen_catalog.py.

Each ``generate (new)`` writes into a directory no run has used, and nothing
is deleted until the bench ends. Deleting the previous run's outputs before
the next one (as this bench once did) charges the next run for the bench's own
cleanup: for a while after thousands of files are deleted, ext4's inode
allocator skips the inodes it just freed (``recently_deleted`` in
``find_inode_bit``), so creating the next run's 1,921 files cost 0.7–1.4 s
of kernel time instead of 0.25 s, which the bare parse, writing nothing,
never paid. The same holds after any other mass deletion on the file system,
so run the bench where nothing has just deleted many files (or give
``TMPDIR`` on a file system that is quiet).

Usage::

    python tests/bench/bench_generate.py [--rounds 7] [--sizes 500,1950] [--check]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_catalog import generate as generate_catalog  # noqa: E402

PRICEGEN = str(Path(sys.executable).with_name("pricegen"))
PARSE = (
    "import sys, pathlib, yaml\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
    "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)\n"
)


class FreshOutputs:
    """A new, never used output directory for each run of ``generate (new)``."""

    def __init__(self, work: Path) -> None:
        self.root = work / "fresh"
        self.count = 0

    def next(self) -> Path:
        self.count += 1
        return self.root / str(self.count)


FRESH = "{fresh}"  # in an argv: replaced by a new directory from FreshOutputs


def commands(catalog: Path, work: Path) -> dict[str, list[str]]:
    """name -> argv; FRESH stands for an output directory no run has used."""
    current = work / "current"
    return {
        "bare parse": [sys.executable, "-c", PARSE, str(catalog)],
        "validate": [PRICEGEN, "validate", str(catalog)],
        "generate (new)": [PRICEGEN, "generate", str(catalog), "-o", FRESH],
        "generate (again)": [PRICEGEN, "generate", str(catalog), "-o", str(current)],
        "generate --check": [PRICEGEN, "generate", str(catalog), "-o", str(current), "--check"],
    }


def concrete(argv: list[str], fresh: FreshOutputs) -> list[str]:
    """``argv`` with FRESH, where it appears, replaced by a new directory."""
    return [str(fresh.next()) if arg == FRESH else arg for arg in argv]


def run_once(argv: list[str]) -> float:
    """Seconds of one fresh process."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, stderr = child.communicate()
    elapsed = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{stderr.decode()}")
    return elapsed


def measure(size: int, rounds: int, work: Path) -> tuple[dict[str, list[float]], dict[str, int]]:
    catalog = generate_catalog(work / f"catalog-{size}", plans=size, features=50)
    table = commands(catalog, work)
    fresh = FreshOutputs(work)
    for argv in table.values():  # warm the page cache, __pycache__ and the outputs
        run_once(concrete(argv, fresh))
    rss = {name: peak_rss(concrete(argv, fresh)) for name, argv in table.items()}
    times: dict[str, list[float]] = {name: [] for name in table}
    order = list(table)
    shuffle = random.Random(size).shuffle
    for _ in range(rounds):
        shuffle(order)
        for name in order:
            times[name].append(run_once(concrete(table[name], fresh)))
    return times, rss


def peak_rss(argv: list[str]) -> int:
    """Peak RSS (MiB) of one run, measured alone through wait4()."""
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    return usage.ru_maxrss // 1024


TARGETS = [  # (command, baseline, target)
    ("generate (new)", "bare parse", 6.0),
    ("generate (again)", "validate", 1.3),
    ("generate --check", "validate", 1.3),
    ("validate", "bare parse", None),
]


def ratios(times: dict[str, list[float]], name: str, baseline: str) -> list[float]:
    return [a / b for a, b in zip(times[name], times[baseline], strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--sizes", default="500,1950")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    missed = False
    per_plan: dict[str, list[float]] = {}
    peaks: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            times, rss = measure(size, args.rounds, Path(tmp))
            print(f"\n{size} plans × 50 features, {args.rounds} interleaved rounds:")
            for name, values in times.items():
                median = statistics.median(values)
                per_plan.setdefault(name, []).append(median / size)
                peaks.setdefault(name, []).append(rss[name])
                print(f"  {name:<18} {median * 1000:8.0f} ms  peak RSS {rss[name]:5d} MiB")
            for name, baseline, target in TARGETS:
                found = ratios(times, name, baseline)
                median = statistics.median(found)
                verdict = ""
                if target is not None:
                    verdict = f"≤ {target:g}  {'ok' if median <= target else 'MISSED'}"
                    missed |= median > target
                low, high = min(found), max(found)
                print(
                    f"  {name:<18} / {baseline:<10} {median:5.2f}×"
                    f" ({low:.2f}–{high:.2f})  {verdict}"
                )
    if len(sizes) > 1:
        print(f"\ngrowth, time per plan at {sizes[-1]} over {sizes[0]} plans:")
        for name, values in per_plan.items():
            print(f"  {name:<18} {values[-1] / values[0]:5.2f}×")
        scale = sizes[-1] / sizes[0]
        print(f"\npeak RSS at {sizes[-1]} over {sizes[0]} plans ({scale:.2f}× the plans):")
        for name, values in peaks.items():
            print(f"  {name:<18} {values[-1] / values[0]:5.2f}×  ({values[0]} -> {values[-1]} MiB)")
    if args.check and missed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
