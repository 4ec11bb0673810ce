"""Benchmark: start-up of the pricegen command against Python's own, in the same run.

Requirements (issue 19, item 5):

- ``pricegen --version`` and ``pricegen --help`` take at most 3× ``python -c pass``;
- ``pricegen validate`` on the bundled example (examples/saas-seats) takes at
  most 2× a bare parse of the same file plus interpreter start:
  ``python -c "import yaml; yaml.load(open(FILE), Loader=yaml.CSafeLoader)"``.

Every command is a fresh process, as a shell, pre-commit or a CI step
starts it, with output to a pipe (so ``--help`` is formatted for 80
columns, as in CI), and with bytecode caching on (``PYTHONDONTWRITEBYTECODE``
is removed from the children's environment; the warm-up run writes the
caches), as an installed package has its modules compiled. Each round
runs every command once, in a new random order; a command's ratio is its
time over its baseline's time in the same round, and the table gives the
median and the min–max of those ratios over all rounds, with the median
wall time of each command. ``python -c "import click"`` is shown for
scale: importing click alone is about what the --version budget allows,
which is why --version and --help do not import it (see
``pricegen.entry``).

Usage::

    python tests/bench/bench_startup.py [--rounds 31] [--check]

``--check`` exits 1 when a median ratio misses its target. Run it on a quiet
machine: other processes on the two cores stretch every figure.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "saas-seats" / "pricing.yaml"
PRICEGEN = str(Path(sys.executable).with_name("pricegen"))
PY = sys.executable

COMMANDS: dict[str, list[str]] = {
    "python -c pass": [PY, "-c", "pass"],
    "bare parse": [
        PY,
        "-c",
        f"import yaml; yaml.load(open({str(EXAMPLE)!r}), Loader=yaml.CSafeLoader)",
    ],
    "python -c 'import click'": [PY, "-c", "import click"],
    "pricegen --version": [PRICEGEN, "--version"],
    "pricegen --help": [PRICEGEN, "--help"],
    "pricegen validate": [PRICEGEN, "validate", str(EXAMPLE)],
}
# (command, baseline, target ratio)
TARGETS = [
    ("pricegen --version", "python -c pass", 3.0),
    ("pricegen --help", "python -c pass", 3.0),
    ("python -c 'import click'", "python -c pass", None),
    ("pricegen validate", "bare parse", 2.0),
]


def run_once(command: list[str]) -> float:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    # Cached bytecode, as an installed package has it (pip compiles on install):
    # without it every start recompiles pricegen's modules, some 30 ms.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()}")
    return elapsed


def measure(rounds: int, seed: int = 19) -> dict[str, list[float]]:
    order = list(COMMANDS)
    times: dict[str, list[float]] = {name: [] for name in order}
    for name in order:  # warm the page cache and __pycache__ first
        run_once(COMMANDS[name])
    shuffle = random.Random(seed).shuffle
    for _ in range(rounds):
        shuffle(order)
        for name in order:
            times[name].append(run_once(COMMANDS[name]))
    return times


def report(times: dict[str, list[float]]) -> list[tuple[str, float, float, float, float | None]]:
    rows = []
    for name, baseline, target in TARGETS:
        ratios = [t / b for t, b in zip(times[name], times[baseline], strict=True)]
        rows.append((name, statistics.median(ratios), min(ratios), max(ratios), target))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    times = measure(args.rounds)
    print(f"{args.rounds} interleaved rounds; median wall time of each command:")
    for name, values in times.items():
        print(f"  {name:<26} {statistics.median(values) * 1000:7.1f} ms")
    print()
    print(f"{'ratio':<26} {'baseline':<16} {'median':>7} {'min–max':>13}  target")
    missed = False
    for (name, median, low, high, target), (_, baseline, _) in zip(
        report(times), TARGETS, strict=True
    ):
        verdict = ""
        if target is not None:
            verdict = f"≤ {target:g}  {'ok' if median <= target else 'MISSED'}"
            missed |= median > target
        print(f"{name:<26} {baseline:<16} {median:6.2f}× {low:5.2f}–{high:5.2f}×  {verdict}")
    if args.check and missed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
