"""Benchmark: peak memory and time of pricegen on hostile catalogs, full size.

Each input (tests/bench/hostile.py) is built in a temporary directory and
compiled in its own subprocess (``compile_catalog``, then ``render`` when
the catalog is valid), so that each peak is that input's alone:

- **time**: wall-clock time of the compile (and render) call;
- **RSS**: the subprocess's peak resident set (``VmHWM`` from /proc, which,
  unlike ``ru_maxrss``, does not inherit the parent's peak across exec), and
  the same less the baseline of an interpreter that imported pricegen;
- **traced**: the peak of Python allocations seen by ``tracemalloc`` in a
  second run (slower, but independent of the allocator), less the same
  baseline.

Usage::

    python tests/bench/bench_limits.py [--only NAME ...] [--no-traced] [--markdown]

A full run builds a real 100 MB file and takes about two minutes. The
figures go to spec/limits.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import hostile  # noqa: E402

CASES = {
    "billion laughs (9 levels of 9 aliases)": hostile.billion_laughs,
    "100 MB file (real bytes)": hostile.big_file,
    "10,000-deep flow list [[[...]]]": hostile.deep_flow_list,
    "10,000-deep flow map {a: {a: ...}}": hostile.deep_flow_map,
    "10,000-deep block list - - - ... 1": hostile.deep_block_list,
    "10,000-deep block mapping (50 MB)": hostile.deep_block_map,
    "1,000-deep block mapping (0.5 MB)": lambda root: hostile.deep_block_map(root, 1_000),
    "101 tiers": hostile.many_tiers,
    "100 tiers (allowed)": lambda root: hostile.many_tiers(root, 100),
    "number of 1,000,000 digits": hostile.huge_number,
    "number 1e999999999": hostile.huge_exponent,
    "4,000,000 values (8 MB flow list)": hostile.many_values,
    "99,000 bad features (one error each)": hostile.many_bad_features,
    "900 plans x 300 features by alias": hostile.alias_fanout,
    "1,000 plans in one extends chain": hostile.plan_chain,
    "500 plans x 500 features": hostile.plans_times_features,
    "7 MB string": hostile.long_string,
    "2,000 files in a directory": hostile.many_files,
    "50-deep chain (allowed, generated)": lambda root: hostile.plan_chain(root, 51),
    "250 plans x 400 features (allowed, generated)": lambda root: hostile.plans_times_features(
        root, 250, 400
    ),
}

CHILD = textwrap.dedent(
    """
    import json, sys, time, tracemalloc
    from pathlib import Path
    from pricegen import compile_catalog
    from pricegen.targets import render
    def peak_rss_kb():
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    path, traced = Path(sys.argv[1]), sys.argv[2] == "traced"
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    build = compile_catalog(path)
    files = render(build.catalog) if build.ok else {}
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    errors = sorted({d.rule for d in build.diagnostics if d.severity.value == "error"})
    print(json.dumps({
        "seconds": elapsed,
        "rss_kb": peak_rss_kb(),
        "traced": peak,
        "rules": errors,
        "outputs": sum(len(text) for text in files.values()),
    }))
    """
)


def run(path: Path, traced: bool) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), "traced" if traced else "plain"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"crash": done.stderr.strip().splitlines()[-1:] or ["?"]}
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="substrings of case names to run")
    parser.add_argument("--no-traced", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        nothing = root / "no-such-catalog.yaml"  # the pipeline stops at once: CATALOG_NOT_FOUND
        baseline = run(nothing, traced=False)["rss_kb"]
        traced_baseline = run(nothing, traced=True)["traced"]
        print(
            f"baseline: an interpreter that imported pricegen: {baseline / 1024:.0f} MB RSS, "
            f"{traced_baseline / 2**20:.1f} MB traced"
        )
        rows = []
        for index, (name, build) in enumerate(CASES.items()):
            if args.only and not any(part in name for part in args.only):
                continue
            work = root / f"case{index}"
            work.mkdir()
            path = build(work)
            size = (
                path.stat().st_size
                if path.is_file()
                else sum(p.stat().st_size for p in path.iterdir())
            )
            plain = run(path, traced=False)
            traced = {} if args.no_traced else run(path, traced=True)
            if "traced" in traced:
                traced["traced"] = max(traced["traced"] - traced_baseline, 0)
            rows.append((name, size, plain, traced))
            _print_row(name, size, plain, traced, baseline)
        if args.markdown:
            print()
            print("| Input | Size | Result | Time | Peak RSS (over baseline) | Peak traced |")
            print("|---|---:|---|---:|---:|---:|")
            for name, size, plain, traced in rows:
                print(_markdown_row(name, size, plain, traced, baseline))


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"


def _result(plain: dict) -> str:
    if "crash" in plain:
        return f"CRASH: {plain['crash'][0]}"
    return ", ".join(plain["rules"]) or f"ok, {_size(plain['outputs'])} of outputs"


def _print_row(name, size, plain, traced, baseline) -> None:
    if "crash" in plain:
        print(f"{name:48} {_size(size):>9}  {_result(plain)}")
        return
    rss = plain["rss_kb"] / 1024
    over = (plain["rss_kb"] - baseline) / 1024
    peak = f"{traced['traced'] / 2**20:7.1f} MB traced" if "traced" in traced else ""
    print(
        f"{name:48} {_size(size):>9}  {plain['seconds']:7.2f} s  {rss:6.0f} MB RSS (+{over:.0f})  "
        f"{peak}  {_result(plain)}"
    )


def _markdown_row(name, size, plain, traced, baseline) -> str:
    if "crash" in plain:
        return f"| {name} | {_size(size)} | {_result(plain)} | | | |"
    over = (plain["rss_kb"] - baseline) / 1024
    peak = f"+{traced['traced'] / 2**20:.1f} MB" if "traced" in traced else ""
    return (
        f"| {name} | {_size(size)} | {_result(plain)} | {plain['seconds']:.2f} s | "
        f"{plain['rss_kb'] / 1024:.0f} MB (+{over:.0f} MB) | {peak} |"
    )


if __name__ == "__main__":
    main()
