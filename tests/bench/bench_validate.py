"""Benchmark: full validation against parsing alone with libyaml's CSafeLoader.

Requirement: validating a catalog of 500 plans × 50 features takes at most
5× as long as only parsing the same files with ``yaml.CSafeLoader``,
measured in the same run.

Both sides include the same file I/O: finding the ``.yaml`` files under the
directory, reading and decoding each one (from a warm page cache, since
every side runs several times). That is what ``compile_catalog`` does, so
the baseline does it too:

- baseline: ``discover(dir)``, then ``yaml.load(path.read_text(), Loader=yaml.CSafeLoader)``
  for each file;
- pricegen: ``pricegen.compile_catalog(dir)``, the whole pipeline (load →
  schema validate → merge → check → lower → resolve), which must report no
  diagnostics at all.

A second comparison excludes I/O from both sides: parsing pre-read texts with
``CSafeLoader`` against pricegen's position-aware ``parse_text``.

At the headline size it also times each pipeline stage on its own, and the
pipeline as it was before the fast validity check in ``validate.py``
(jsonschema's ``iter_errors`` on every file), against the baseline again.

Each figure is the best of several repetitions; the functions compared take
turns within each round, with ``gc.collect()`` before each run and garbage
collection left on while timing. The clock is this process's CPU time by
default, which a busy machine disturbs far less than elapsed time
(``--clock wall`` for elapsed time). The scaling table repeats the comparison
for 100, 250, 500 and 1,000 plans, with the time per plan, so growth can be
read off directly. A run takes about 40 s.

Usage::

    python tests/bench/bench_validate.py [--plans 500] [--features 50] [--reps 5]
        [--sizes 100,250,500,1000] [--clock cpu|wall] [--profile] [--check]

``--check`` exits 1 when the ratio at the headline size is above 5.
``--profile`` prints the top of a cProfile of one ``compile_catalog`` run.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import platform
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_catalog import generate  # noqa: E402

from pricegen import checks, lower, merge, resolve, source, validate  # noqa: E402
from pricegen.pipeline import compile_catalog  # noqa: E402

LIMIT = 5.0


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def best_of(reps: int, clock: Callable[[], float], **fns: Callable[[], object]) -> dict:
    """The fastest of ``reps`` runs of each function, in seconds.

    The functions take turns within each round, so that a busy spell on the
    machine slows both sides of a comparison rather than one.
    """
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(reps):
        for name, fn in fns.items():
            gc.collect()
            start = clock()
            fn()
            best[name] = min(best[name], clock() - start)
    return best


def measure(root: Path, reps: int, clock: Callable[[], float], stages: bool) -> dict[str, float]:
    paths = source.discover(root)
    texts = [p.read_text(encoding="utf-8") for p in paths]

    def baseline_io() -> None:
        for path in source.discover(root):
            yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

    def baseline_parse() -> None:
        for text in texts:
            yaml.load(text, Loader=yaml.CSafeLoader)

    def pricegen_parse() -> None:
        for path, text in zip(paths, texts, strict=True):
            source.parse_text(text, path.name)

    def full() -> None:
        build = compile_catalog(root)
        if not build.ok or build.diagnostics:
            shown = "\n".join(str(d) for d in build.diagnostics[:10])
            raise SystemExit(f"the generated catalog does not validate clean:\n{shown}")

    def jsonschema_only() -> None:
        """The pipeline as it was before the fast validity check: iter_errors on every file."""
        fast_check = validate._fast_check
        validate._fast_check = lambda: None
        try:
            full()
        finally:
            validate._fast_check = fast_check

    compared = {"baseline": baseline_io, "full": full}
    if stages:
        compared["before"] = jsonschema_only
    result = {
        "files": len(paths),
        "bytes": sum(len(t.encode("utf-8")) for t in texts),
        **best_of(reps, clock, **compared),
    }
    if not stages:
        return result

    # Each stage on the previous stage's output, as the pipeline runs them.
    files, _ = source.load(root)
    valid, problems = validate.validate(files)
    assert not problems, problems[:3]
    raw, problems = merge.merge(valid)
    assert raw is not None and not problems, problems[:3]

    def merge_check() -> None:
        checks.check(merge.merge(valid)[0])

    result.update(
        best_of(
            reps,
            clock,
            baseline_parse=baseline_parse,
            pricegen_parse=pricegen_parse,
            load=lambda: source.load(root),
            schema=lambda: validate.validate(files),
            merge_check=merge_check,
            lower_resolve=lambda: resolve.resolve(lower.lower(raw)),
        )
    )
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def profile(root: Path, top: int) -> None:
    compile_catalog(root)  # warm caches (compiled schema, babel data)
    profiler = cProfile.Profile()
    profiler.enable()
    compile_catalog(root)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=500, help="headline size [500]")
    parser.add_argument("--features", type=int, default=50, help="features per catalog [50]")
    parser.add_argument("--reps", type=int, default=5, help="repetitions at the headline size [5]")
    parser.add_argument(
        "--sizes", default="100,250,500,1000", help="plan counts of the scaling table"
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="cpu: this process's CPU time, steady on a busy machine; wall: elapsed time [cpu]",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one full validation")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when the ratio > {LIMIT}")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s} | {args.plans})

    print(
        f"Python {platform.python_version()} ({platform.machine()}), PyYAML {yaml.__version__} "
        f"(libyaml {'yes' if yaml.__with_libyaml__ else 'NO'}), jsonschema {jsonschema_version()}"
    )
    print("Both sides include discovering, reading and decoding the files (warm page cache).")
    print(f"Clock: {args.clock} time; each figure is the best of its repetitions.")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pricegen-bench-") as tmp:
        compile_catalog(generate(Path(tmp) / "warmup", plans=4, features=args.features))
        results = {}
        for plans in sizes:
            root = generate(Path(tmp) / f"catalog-{plans}", plans=plans, features=args.features)
            headline = plans == args.plans
            reps = args.reps if headline else max(2, args.reps - 2)
            results[plans] = measure(root, reps, CLOCKS[args.clock], stages=headline)
            if headline and args.profile:
                profile(root, 25)

        head = results[args.plans]
        ratio = head["full"] / head["baseline"]
        print()
        print(
            f"{args.plans} plans × {args.features} features: {head['files']} files, "
            f"{head['bytes'] / 1e6:.2f} MB, best of {args.reps}"
        )
        print(f"  baseline (CSafeLoader, with I/O)       {ms(head['baseline'])}")
        print(f"  pricegen compile_catalog (with I/O)    {ms(head['full'])}")
        print(f"  ratio                                  {ratio:9.2f} ×  (limit {LIMIT:.0f} ×)")
        print()
        print("  stages (each on the previous stage's output):")
        stage_rows = (
            ("load: discover, read, parse", "load"),
            ("schema validate", "schema"),
            ("merge + check", "merge_check"),
            ("lower + resolve", "lower_resolve"),
        )
        for label, key in stage_rows:
            share = head[key] / head["full"] * 100
            print(
                f"    {label:34} {ms(head[key])}  {head[key] / head['baseline']:5.2f} ×  "
                f"{share:5.1f} % of full"
            )
        print()
        print("  before the fast validity check (jsonschema's iter_errors on every file):")
        print(
            f"    compile_catalog                    {ms(head['before'])}  "
            f"{head['before'] / head['baseline']:5.2f} ×  (same rounds as the ratio above)"
        )
        print()
        print("  parsing only, pre-read texts (no I/O on either side):")
        print(f"    CSafeLoader yaml.load              {ms(head['baseline_parse'])}")
        print(
            f"    pricegen source.parse_text         {ms(head['pricegen_parse'])}  "
            f"{head['pricegen_parse'] / head['baseline_parse']:5.2f} ×"
        )
        print()
        print(f"Scaling (features fixed at {args.features}):")
        print(
            f"  {'plans':>6} {'files':>6} {'baseline':>12} {'pricegen':>12} {'ratio':>7} "
            f"{'baseline/plan':>14} {'pricegen/plan':>14}"
        )
        for plans, r in results.items():
            print(
                f"  {plans:>6} {r['files']:>6} {ms(r['baseline'])} {ms(r['full'])} "
                f"{r['full'] / r['baseline']:6.2f}× "
                f"{r['baseline'] / plans * 1e6:11.0f} µs {r['full'] / plans * 1e6:11.0f} µs"
            )
        first, last = min(results), max(results)
        growth = results[last]["full"] / results[first]["full"]
        print(
            f"  {first} → {last} plans ({last / first:.0f}× the plans): "
            f"pricegen time × {growth:.2f}, baseline time × "
            f"{results[last]['baseline'] / results[first]['baseline']:.2f}"
        )
    print(f"\nTotal benchmark run: {time.perf_counter() - started:.1f} s")
    verdict = "PASS" if ratio <= LIMIT else "FAIL"
    print(f"{verdict}: ratio {ratio:.2f} × at {args.plans} × {args.features} (limit {LIMIT:.0f} ×)")
    return 1 if args.check and ratio > LIMIT else 0


def jsonschema_version() -> str:
    from importlib.metadata import version

    return version("jsonschema")


if __name__ == "__main__":
    raise SystemExit(main())
