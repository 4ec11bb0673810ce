"""Benchmark: the generated JavaScript evaluator against hand-written JavaScript, same run.

Targets: ``allowed()`` within 3x a hand-written limit lookup and comparison,
``quote()`` within 5x a hand-written exact (BigInt) computation of the same
three lines (base fee, graduated seats, pay-as-you-go calls), each rounded to
cents. ``check()`` is shown against a hand-written function returning a small
frozen result object. The catalog is bench_evaluator.py's.

Rounds are interleaved (generated and hand-written alternate, in alternating
order) in one Node process, after a warm-up of both; each round gives a ratio,
and the table shows the median ratio and its spread (min-max over rounds).

Usage::

    python tests/bench/bench_javascript.py [--rounds 15] [--check]

``--check`` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_evaluator import CATALOG

from pricegen import compile_catalog
from pricegen.targets import render

HERE = Path(__file__).resolve().parent
TARGETS = {"allowed": 3.0, "check": None, "quote": 5.0}


def module_file(directory: Path) -> Path:
    source = directory / "pricing.yaml"
    source.write_text(CATALOG, encoding="utf-8")
    build = compile_catalog(source)
    assert build.ok, build.diagnostics
    for path, text in render(build.catalog).items():
        if path.endswith(".mjs"):
            (directory / path).write_text(text, encoding="utf-8")
            return directory / path
    raise AssertionError("no .mjs output")


def run(rounds: int) -> dict:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("Node.js is needed for this benchmark")
    with tempfile.TemporaryDirectory() as tmp:
        module = module_file(Path(tmp))
        out = subprocess.run(
            [node, str(HERE / "bench_javascript.mjs"), str(module), str(rounds)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    return json.loads(out.stdout)


def report(data: dict) -> tuple[list[str], bool]:
    lines, ok = [f"Node {data['node']}, {len(data['results']['quote']['hand'])} rounds"], True
    for name, sides in data["results"].items():
        ratios = [g / h for g, h in zip(sides["generated"], sides["hand"], strict=True)]
        median = statistics.median(ratios)
        target = TARGETS[name]
        verdict = "" if target is None else (" ok" if median <= target else " MISSED")
        ok = ok and (target is None or median <= target)
        goal = "" if target is None else f"  (target <= {target:.0f}x)"
        lines.append(
            f"{name:<8} generated {statistics.median(sides['generated']):8.1f} ns"
            f"   hand-written {statistics.median(sides['hand']):8.1f} ns"
            f"   ratio median {median:5.2f}x  spread {min(ratios):.2f}-{max(ratios):.2f}x"
            f"{goal}{verdict}"
        )
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    lines, ok = report(run(args.rounds))
    print("\n".join(lines))
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
