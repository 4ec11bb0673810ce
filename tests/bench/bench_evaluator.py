"""Benchmark: the generated evaluator against hand-written baselines, same run.

Targets:

1. ``check()`` on a metered feature: at most 2× a plain dict lookup plus a
   comparison. A second, realistic baseline is a hand-written function that
   looks the limit up and returns a small frozen result object; both ratios
   are printed.
2. ``quote()`` of a base fee, 3-tier graduated seats and a pay-as-you-go line:
   at most 3× a hand-written Decimal computation of the same three lines,
   each rounded to cents.
3. Importing the module generated from a 500-plan catalog, in a fresh
   interpreter: at most 50 ms, with and without a warm ``__pycache__``.
   The catalog comes from ``tests/bench/gen_catalog.py`` when it is there,
   else from a simple generator in this file.

Every figure is the best of several ``timeit`` repeats (import times: best
and median of fresh processes). The module is written to a temporary
directory and imported from there, as a service would.

Usage::

    python tests/bench/bench_evaluator.py [--repeat 7] [--plans 500] [--check]

``--check`` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import timeit
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from pricegen import compile_catalog
from pricegen.targets import render

HERE = Path(__file__).resolve().parent

CATALOG = """\
pricegen: 1
product: {id: bench, name: Bench, currencies: [USD, EUR], billing_periods: [monthly, annual]}
features:
  seats: {name: Seats, type: metered, meter: fluctuating, unit: [seat, seats]}
  api-calls: {name: API calls, type: metered, meter: incremental, unit: [call, calls]}
  sso: {name: SSO, type: boolean}
plans:
  free:
    name: Free
    default: true
    entitlements:
      seats: 3
      api-calls: {limit: 1000, reset: month}
  pro:
    name: Pro
    extends: free
    price: {monthly: {USD: 29, EUR: 27}, annual: {USD: 290, EUR: 270}}
    entitlements:
      sso: true
      api-calls: {limit: 1000000, reset: month, soft: true}
    charges:
      seats:
        model: graduated
        billing: in_advance
        tiers:
          - {up_to: 5, unit_price: {monthly: {USD: 20, EUR: 18}, annual: {USD: 200, EUR: 180}}}
          - {up_to: 10, unit_price: {monthly: {USD: 15, EUR: 14}, annual: {USD: 150, EUR: 140}}}
          - {unit_price: {monthly: {USD: 10, EUR: 9}, annual: {USD: 100, EUR: 90}}}
      api-calls:
        model: per_unit
        billing: in_arrears
        included: 100000
        unit_price: {monthly: {USD: 0.0027, EUR: 0.0025}, annual: {USD: 0.0027, EUR: 0.0025}}
"""

CHECK_TARGET, QUOTE_TARGET, IMPORT_TARGET_MS = 2.0, 3.0, 50.0


def best(stmt, number: int, repeat: int, namespace: dict) -> float:
    """Seconds per call: the best of ``repeat`` timings of ``number`` calls."""
    timer = timeit.Timer(stmt, globals=namespace)
    return min(timer.repeat(repeat=repeat, number=number)) / number


def write_module(catalog_path: Path, directory: Path) -> str:
    build = compile_catalog(catalog_path)
    if not build.ok:
        raise SystemExit(f"{catalog_path}: does not compile: {build.diagnostics[:3]}")
    ((name, text),) = [(n, t) for n, t in render(build.catalog).items() if n.endswith(".py")]
    (directory / name).write_text(text, encoding="utf-8")
    return name.removesuffix(".py")


# -- 1. check -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HandDecision:
    has_access: bool
    limit: int
    remaining: int


LIMITS = {"free": {"seats": 3, "api-calls": 1000}, "pro": {"seats": 20, "api-calls": 1000000}}


def hand_check(plan: str, feature: str, usage: int, requested: int = 1) -> HandDecision:
    limit = LIMITS[plan][feature]
    return HandDecision(usage + requested <= limit, limit, max(limit - usage, 0))


def hand_allowed(limits: dict, feature: str, usage: int, requested: int = 1) -> bool:
    """The hand-written function a service would write: a lookup and a comparison."""
    return usage + requested <= limits[feature]


def empty_call(sub, feature: str, usage: int = 0, requested: int = 1, now=None) -> None:
    """The floor: calling any Python function with check()'s arguments costs this."""


def bench_check(pricing, repeat: int) -> dict:
    sub = pricing.Subscription(plan="pro", quantities={"seats": 20})
    got, hand = pricing.check(sub, "seats", usage=10), hand_check("pro", "seats", 10)
    assert (got.has_access, got.limit, got.remaining) == (
        hand.has_access,
        hand.limit,
        hand.remaining,
    )
    assert pricing.allowed(sub, "seats", 10) is got.has_access
    namespace = {
        "pricing": pricing,
        "sub": sub,
        "limits": LIMITS["pro"],
        "hand_check": hand_check,
        "hand_allowed": hand_allowed,
        "empty_call": empty_call,
    }
    n = 200_000
    return {
        "check": best("pricing.check(sub, 'seats', usage=10)", n, repeat, namespace),
        "dict": best("limits['seats'] >= 10 + 1", n, repeat, namespace),
        "hand": best("hand_check('pro', 'seats', 10)", n, repeat, namespace),
        "allowed": best("pricing.allowed(sub, 'seats', 10)", n, repeat, namespace),
        "empty call": best("empty_call(sub, 'seats', usage=10)", n, repeat, namespace),
        "hand allowed": best("hand_allowed(limits, 'seats', 10)", n, repeat, namespace),
        "check, 2nd feature": best(
            "pricing.check(sub, 'api-calls', usage=10)", n, repeat, namespace
        ),
    }


# -- 2. quote -------------------------------------------------------------------

CENT = Decimal("0.01")
TIERS = ((5, Decimal(20)), (10, Decimal(15)), (None, Decimal(10)))


def hand_quote(seats: int, calls: int) -> Decimal:
    """Base fee + graduated seats + pay-as-you-go calls, each line rounded to cents."""
    base = Decimal(29).quantize(CENT, ROUND_HALF_UP)
    amount, lower = Decimal(0), 0
    for upper, price in TIERS:
        if seats <= lower:
            break
        amount += ((seats if upper is None else min(seats, upper)) - lower) * price
        lower = upper
    seat_line = amount.quantize(CENT, ROUND_HALF_UP)
    calls_line = (max(calls - 100_000, 0) * Decimal("0.0027")).quantize(CENT, ROUND_HALF_UP)
    return base + seat_line + calls_line


def bench_quote(pricing, repeat: int) -> dict:
    sub = pricing.Subscription(plan="pro", quantities={"seats": 20})
    usage = {"api-calls": 1_500_000}
    generated = pricing.quote(sub, usage=usage).total
    assert generated == hand_quote(20, 1_500_000), (generated, hand_quote(20, 1_500_000))
    namespace = {"pricing": pricing, "sub": sub, "usage": usage, "hand_quote": hand_quote}
    namespace["S"] = pricing.Subscription
    n = 20_000
    return {
        "quote": best("pricing.quote(sub, usage=usage)", n, repeat, namespace),
        "described": best(
            "[line.description for line in pricing.quote(sub, usage=usage).lines]",
            n,
            repeat,
            namespace,
        ),
        "fresh": best(
            "pricing.quote(S(plan='pro', quantities={'seats': 20}), usage=usage)",
            n,
            repeat,
            namespace,
        ),
        "subscription": best("S(plan='pro', quantities={'seats': 20})", n, repeat, namespace),
        "hand": best("hand_quote(20, 1_500_000)", n, repeat, namespace),
    }


# -- 3. import ------------------------------------------------------------------


def large_catalog(directory: Path, plans: int) -> Path:
    """A catalog of ``plans`` plans: tests/bench/gen_catalog.py when present, else our own."""
    directory.mkdir(parents=True, exist_ok=True)
    if (HERE / "gen_catalog.py").exists():
        sys.path.insert(0, str(HERE))
        gen_catalog = importlib.import_module("gen_catalog")
        return gen_catalog.generate(directory / "catalog", plans=plans)
    lines = [
        "pricegen: 1",
        "product: {id: big, name: Big, currencies: [USD, EUR], billing_periods: [monthly, annual]}",
        "features:",
    ]
    lines += [f"  f{i}: {{name: F{i}, type: metered, meter: fluctuating}}" for i in range(50)]
    lines.append("plans:")
    for p in range(plans):
        lines += [f"  p{p}:", f"    name: P{p}"]
        if p % 4:  # families of four plans, each extending the one before
            lines += [
                f"    extends: p{p - 1}",
                "    price: {monthly: {USD: 9, EUR: 8}, annual: {USD: 90, EUR: 80}}",
            ]
        lines.append("    entitlements:")
        lines += [f"      f{(p + i) % 50}: {p + i}" for i in range(5)]
    path = directory / "big.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


IMPORT_PROBE = (
    "import time; t = time.perf_counter(); import {name}; print((time.perf_counter() - t) * 1000)"
)
STDLIB_PROBE = (
    "import time; t = time.perf_counter(); "
    "import calendar, json, dataclasses, datetime, decimal, enum, types, collections.abc; "
    "print((time.perf_counter() - t) * 1000)"
)


def fresh_import_ms(directory: Path, code: str, warm: bool, runs: int) -> list[float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    if not warm:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    times = []
    for _ in range(runs):
        if not warm:
            shutil.rmtree(directory / "__pycache__", ignore_errors=True)
        result = subprocess.run(
            [sys.executable, "-S", "-c", code], cwd=directory, env=env, capture_output=True,
            text=True, check=True,
        )  # fmt: skip
        times.append(float(result.stdout))
    return times


def bench_import(directory: Path, plans: int, runs: int) -> dict:
    catalog = large_catalog(directory, plans)
    module_dir = directory / "module"
    module_dir.mkdir()
    name = write_module(catalog, module_dir)
    size = (module_dir / f"{name}.py").stat().st_size
    code = IMPORT_PROBE.format(name=name)
    cold = fresh_import_ms(module_dir, code, warm=False, runs=runs)
    subprocess.run([sys.executable, "-S", "-c", f"import {name}"], cwd=module_dir, check=True)
    warm = fresh_import_ms(module_dir, code, warm=True, runs=runs)
    stdlib = fresh_import_ms(module_dir, STDLIB_PROBE, warm=True, runs=runs)
    return {"name": name, "bytes": size, "cold": cold, "warm": warm, "stdlib": stdlib}


# -- report ---------------------------------------------------------------------


def row(label: str, seconds: float, ratio: float | None = None, target: float | None = None):
    text = f"   {label:<36}{seconds * 1e9:>10,.0f} ns"
    if ratio is not None:
        text += f"   generated / this {ratio:6.1f}x"
    if target is not None:
        text += f"  (target <= {target:g}x)"
    print(text)


def report_check(c: dict) -> list[str]:
    ratio = c["check"] / c["dict"]
    print("1. check() on a metered feature (seats, usage 10 of 20)")
    row("generated check()", c["check"])
    row("generated check(), another feature", c["check, 2nd feature"])
    row("dict lookup + comparison", c["dict"], ratio, CHECK_TARGET)
    row("an empty function, same arguments", c["empty call"], c["check"] / c["empty call"])
    print(f"   (calling any function costs {c['empty call'] / c['dict']:.1f}x the dict lookup)")
    row("hand-written, small result object", c["hand"], c["check"] / c["hand"])
    fast = c["allowed"] / c["dict"]
    row("generated allowed() (has_access only)", c["allowed"], fast, CHECK_TARGET)
    row(
        "hand-written function: lookup + comparison",
        c["hand allowed"],
        c["allowed"] / c["hand allowed"],
    )
    missed = [f"check() is {ratio:.1f}x a dict lookup"] if ratio > CHECK_TARGET else []
    return missed + ([f"allowed() is {fast:.1f}x a dict lookup"] if fast > CHECK_TARGET else [])


def report_quote(q: dict) -> list[str]:
    ratio = q["quote"] / q["hand"]
    print("2. quote(): base fee + 3-tier graduated seats (20) + pay-as-you-go (1.5M calls)")
    row("generated quote()", q["quote"])
    row("hand-written Decimal, 3 lines", q["hand"], ratio, QUOTE_TARGET)
    print("   and with what the first figure leaves out:")
    row("quote(), reading every description", q["described"], q["described"] / q["hand"])
    fresh = q["fresh"] - q["subscription"]
    row("quote() of a new Subscription", fresh, fresh / q["hand"])
    print("   (a new Subscription each call, less the cost of making it: no cache helps)")
    return [f"quote() is {ratio:.1f}x hand-written Decimal"] if ratio > QUOTE_TARGET else []


def report_import(i: dict, plans: int) -> list[str]:
    runs = len(i["cold"])
    print(
        f"3. import of the module for {plans} plans ({i['bytes']:,} bytes), {runs} fresh processes"
    )
    labels = {"cold": "cold (no __pycache__)", "warm": "warm __pycache__"}
    labels["stdlib"] = "its stdlib imports alone"
    for key, label in labels.items():
        times = i[key]
        print(
            f"   {label:<28} best {min(times):6.1f} ms   median {statistics.median(times):6.1f} ms"
        )
    slow = [key for key in ("cold", "warm") if min(i[key]) > IMPORT_TARGET_MS]
    return [f"{key} import takes {min(i[key]):.1f} ms (> {IMPORT_TARGET_MS:g} ms)" for key in slow]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--plans", type=int, default=500)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "pricing.yaml").write_text(CATALOG, encoding="utf-8")
        small = tmp / "small"
        small.mkdir()
        name = write_module(tmp / "pricing.yaml", small)
        sys.path.insert(0, str(small))
        pricing = importlib.import_module(name)
        missed = report_check(bench_check(pricing, args.repeat))
        missed += report_quote(bench_quote(pricing, args.repeat))
        imports = bench_import(tmp / "large", args.plans, max(2 * args.repeat, 10))
        missed += report_import(imports, args.plans)
    for line in missed:
        print(f"target missed: {line}")
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
