"""Benchmark: ``pricegen analyze`` on a catalog with many add-ons.

The catalog has five plans and ``--addons`` add-ons (24 by default) tied by
``requires`` chains, mutually exclusive groups and a requires/excludes
"security" cluster, with quantities up to 5. It times, on the resolved model:

- the configuration space (every plan, every valid add-on set and quantity);
- the cheapest and most expensive subscription in every period and currency;
- the cheapest purchase for ``sso, scim, seats>=120, ai-answers>=5000,
  storage>=450`` (monthly, USD);

then the whole command (compile, analyze, evaluator quote) as a user runs it,
the example catalogs, a scaling table up to 32× the add-ons, which shows
that time grows about linearly, not as 2^n, and issue 12's hub of legs (a
hub excluding n add-ons that each exclude their own leaf) as a whole
command in a fresh process, with its peak memory.

Usage::

    python tests/bench/bench_analyze.py [--addons 24] [--reps 5] [--sizes 24,48,...]
                                        [--legs 18,100,1000]
    python tests/bench/bench_analyze.py --bounds    # the analyze rows of spec/limits.md
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

import yaml
from click.testing import CliRunner

from pricegen import analyze
from pricegen.cli import main
from pricegen.pipeline import compile_catalog

REPO = Path(__file__).resolve().parents[2]
REQUIREMENTS = ["sso", "scim", "seats>=120", "ai-answers>=5000", "storage>=450"]


def money(monthly: int) -> dict:
    return {"monthly": {"USD": monthly, "EUR": monthly - monthly // 10},
            "annual": {"USD": monthly * 10, "EUR": (monthly - monthly // 10) * 10}}  # fmt: skip


def build_catalog(n_addons: int) -> dict:
    """Plans free < starter < pro < business, plus a custom enterprise;
    add-ons in clusters of 12."""
    features = {
        "seats": {"name": "Seats", "type": "metered", "meter": "fluctuating"},
        "storage": {"name": "Storage", "type": "metered", "meter": "fluctuating"},
        "ai-answers": {"name": "AI answers", "type": "metered", "meter": "incremental"},
        "sso": {"name": "SSO", "type": "boolean"},
        "scim": {"name": "SCIM", "type": "boolean"},
        "audit": {"name": "Audit log", "type": "config"},
    }
    seat_charge = {"model": "graduated", "tiers": [
        {"up_to": 25, "unit_price": money(10)}, {"up_to": 100, "unit_price": money(9)}, {"unit_price": money(8)}]}  # fmt: skip  # noqa: E501
    plans = {
        "free": {"name": "Free", "description": "Free.", "default": True,
                 "entitlements": {"seats": 3, "storage": 5, "ai-answers": {"limit": 20, "reset": "month"}}},  # noqa: E501
        "starter": {"name": "Starter", "description": "Small teams.", "extends": "free", "price": money(15),  # noqa: E501
                    "entitlements": {"seats": 10, "storage": 50}},
        "pro": {"name": "Pro", "description": "Per seat.", "extends": "starter", "price": money(20), "charges": {"seats": seat_charge},  # noqa: E501
                "entitlements": {"storage": 100, "ai-answers": {"limit": 1000, "reset": "month"}}},
        "business": {"name": "Business", "description": "SSO included.", "extends": "pro", "price": money(150),  # noqa: E501
                     "charges": {"seats": seat_charge}, "entitlements": {"sso": True, "storage": 300, "audit": 90}},  # noqa: E501
        "enterprise": {"name": "Enterprise", "description": "Sales.", "extends": "business", "custom": True,  # noqa: E501
                       "entitlements": {"scim": True, "seats": "unlimited"}},
    }  # fmt: skip
    addons: dict = {}
    sold_with = ["starter", "pro", "business", "enterprise"]
    for cluster in range((n_addons + 11) // 12):
        _cluster(addons, cluster, sold_with)
    while len(addons) > n_addons:
        addons.popitem()
    for addon in addons.values():  # drop references to add-ons cut off at the end
        addon["requires"] = [r for r in addon["requires"] if r in addons]
        addon["excludes"] = [x for x in addon["excludes"] if x in addons]
    return {"pricegen": 1, "product": {"id": "bench", "name": "Bench", "currencies": ["USD", "EUR"],
            "billing_periods": ["monthly", "annual"]}, "features": features, "plans": plans, "addons": addons}  # fmt: skip  # noqa: E501


def _cluster(addons: dict, k: int, sold_with: list[str]) -> None:
    """12 add-ons: a requires chain of 4 seat packs, an exclusive group of 3 AI tiers,
    an SSO pack with SCIM and audit requiring it (audit excludes the cheap log),
    and 2 storage packs."""

    def add(aid, price, ents, requires=(), excludes=(), max_quantity=1, plans=sold_with):
        addons[f"{aid}-{k}"] = {"name": f"{aid} {k}", "plans": list(plans), "max_quantity": max_quantity,  # noqa: E501
                                "requires": [f"{r}-{k}" for r in requires], "excludes": [f"{x}-{k}" for x in excludes],  # noqa: E501
                                "price": money(price), "entitlements": ents}  # fmt: skip

    for i in range(4):
        add(
            f"seats{i}",
            40 + 5 * i,
            {"seats": {"limit": 10}},
            requires=[f"seats{i - 1}"] if i else [],
            max_quantity=5,
        )
    tiers = ["ai-s", "ai-m", "ai-l"]
    for i, tier in enumerate(tiers):
        limit = [2000, 5000, 20000][i]
        add(tier, [15, 30, 80][i], {"ai-answers": {"limit": limit, "reset": "month", "behavior": "override"}},  # noqa: E501
            excludes=[t for t in tiers if t != tier])  # fmt: skip
    add("sso", 50, {"sso": True}, plans=["starter", "pro"])
    add("scim", 25, {"scim": True}, requires=["sso"], plans=["starter", "pro", "business"])
    add("audit", 30, {"audit": 365}, requires=["sso"], excludes=["log"])
    add("log", 5, {"audit": 30})
    add("storage", 5, {"storage": {"limit": 100}}, max_quantity=5)


def best_of(reps: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(reps):
        gc.collect()
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def run(n_addons: int, reps: int, verbose: bool) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pricing.yaml"
        path.write_text(yaml.safe_dump(build_catalog(n_addons), sort_keys=False), encoding="utf-8")
        build = compile_catalog(path)
        assert build.ok, build.diagnostics
        model = build.catalog
        wanted = [analyze.parse_requirement(r, model) for r in REQUIREMENTS]
        t_space, space = best_of(reps, lambda: analyze.configuration_space(model))
        pairs = [(p, c) for p in model.product.billing_periods for c in model.product.currencies]
        t_ext, _ = best_of(reps, lambda: analyze.extremes(model, pairs))
        t_buy, answer = best_of(
            reps, lambda: analyze.cheapest_purchase(model, wanted, "monthly", "USD")
        )
        total = t_space + t_ext + t_buy
        if verbose:
            args = ["analyze", str(path), *[x for r in REQUIREMENTS for x in ("--require", r)]]
            t_cli, result = best_of(reps, lambda: CliRunner().invoke(main, args))
            assert result.exit_code == 0, result.output
            print(f"catalog: {len(model.plans)} plans, {len(model.addons)} add-ons")
            print(f"  configuration space     {ms(t_space)}   {space.total:,} subscriptions "
                  f"({space.priced:,} with periods and currencies)")  # fmt: skip
            print(f"  cheapest/most expensive {ms(t_ext)}   {len(pairs)} period × currency pairs")
            best = answer.best
            print(f"  cheapest purchase       {ms(t_buy)}   {best.plan} + "
                  f"{', '.join(f'{a}×{q}' for a, q in best.addons)} "
                  f"{dict(best.quantities)}: USD {best.total}")  # fmt: skip
            print(f"  analysis total          {ms(total)}")
            print(f"  pricegen analyze (CLI)  {ms(t_cli)}   compile + analysis + evaluator quote")
        return total


HUB_CHILD = """
import resource, sys, time
from click.testing import CliRunner
from pricegen.cli import main
started = time.perf_counter()
result = CliRunner().invoke(main, ["analyze", sys.argv[1]])
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{result.exit_code} {elapsed:.3f} {peak:.0f}")
"""


def hub_with_legs(legs: int) -> dict:
    """Issue 12's catalog: a hub excluding x0..x(n-1), each xi excluding its own yi;
    one plan, one period, price 1 on each add-on."""
    addons = {"hub": {"name": "Hub", "plans": ["p"], "price": 1,
                      "excludes": [f"x{i}" for i in range(legs)]}}  # fmt: skip
    for i in range(legs):
        addons[f"x{i}"] = {"name": f"X{i}", "plans": ["p"], "price": 1, "excludes": [f"y{i}"]}
        addons[f"y{i}"] = {"name": f"Y{i}", "plans": ["p"], "price": 1}
    return {"pricegen": 1, "product": {"id": "t", "name": "T", "currencies": ["USD"],
            "billing_periods": ["monthly"]}, "features": {"f": {"name": "F", "type": "boolean"}},
            "plans": {"p": {"name": "P", "price": 1, "entitlements": {"f": True}}},
            "addons": addons}  # fmt: skip


def hub(legs_list: list[int], reps: int) -> None:
    """The whole command in a fresh process per run: best time, and its peak RSS."""
    import subprocess

    print("\nhub with legs (issue 12), whole command in a fresh process, best of runs:")
    with tempfile.TemporaryDirectory() as tmp:
        for legs in legs_list:
            path = Path(tmp) / f"hub{legs}.yaml"
            path.write_text(yaml.safe_dump(hub_with_legs(legs), sort_keys=False), "utf-8")
            runs = []
            for _ in range(reps):
                out = subprocess.run(
                    [sys.executable, "-c", HUB_CHILD, str(path)],
                    capture_output=True, text=True, check=True,
                ).stdout.split()  # fmt: skip
                runs.append((float(out[1]), float(out[2]), out[0]))
            t, rss, code = min(runs)
            print(f"  {legs:>5} legs ({2 * legs + 1:>5} add-ons) {ms(t)}  peak RSS {rss:.0f} MB"
                  f"  exit {code}")  # fmt: skip


def _one_plan(addons: dict, features: dict | None = None, plan: dict | None = None) -> dict:
    return {"pricegen": 1, "product": {"id": "t", "name": "T", "currencies": ["USD"],
            "billing_periods": ["monthly"]},
            "features": features or {"f": {"name": "F", "type": "boolean"}},
            "plans": {"p": plan or {"name": "P", "price": 1, "entitlements": {"f": True}}},
            "addons": addons}  # fmt: skip


def _addons(n: int, edges, **extra) -> dict:
    """n add-ons a0..; ``edges`` are (a, "requires"|"excludes", b) by index."""
    addons = {f"a{i}": {"name": f"A{i}", "plans": ["p"], "price": 1 + i % 7, **extra}
              for i in range(n)}  # fmt: skip
    for a, kind, b in edges:
        addons[f"a{a}"].setdefault(kind, []).append(f"a{b}")
    return addons


def bound_inputs() -> list[tuple[str, dict, list[str]]]:
    """(what, catalog, extra arguments): shapes up to analyze's bound, and past it."""
    import random

    rng = random.Random(12)
    tree = [(i, rng.choice(["requires", "excludes"]), rng.randrange(i)) for i in range(1, 4000)]
    grid = [(i, "excludes", j) for i in range(144) for j in (i - 1, i - 12)
            if j >= 0 and (j != i - 1 or i % 12)]  # fmt: skip
    pairs = set()
    while len(pairs) < 750:
        a, b = rng.sample(range(1000), 2)
        pairs.add((max(a, b), min(a, b)))
    sparse = [(a, rng.choice(["requires", "excludes", "excludes"]), b) for a, b in sorted(pairs)]
    legacy = [(i, "excludes", 18 + j) for i in range(18) for j in range(18)]
    seats = {"seats": {"name": "Seats", "type": "metered", "meter": "fluctuating"}}
    per_seat = {
        "name": "P",
        "price": 1,
        "charges": {"seats": {"model": "per_unit", "unit_price": 10}},
    }
    one_seat = {"seats": {"limit": 1}}
    huge = {"one-seat": {"name": "One seat", "plans": ["p"], "price": 9,
                         "max_quantity": 10**29, "entitlements": one_seat}}  # fmt: skip
    return [
        ("issue 12's hub of 18 legs (37 add-ons)", hub_with_legs(18), []),
        ("a hub of 1,000 legs (2,001 add-ons)", hub_with_legs(1000), []),
        ("4,000 add-ons, no requires or excludes", _one_plan(_addons(4000, [])), []),
        ("a random tree of 4,000 add-ons", _one_plan(_addons(4000, tree)), []),
        ("1,000 add-ons, 750 random requires/excludes", _one_plan(_addons(1000, sparse)), []),
        ("the bench catalog with 768 add-ons, 5 requirements", build_catalog(768),
         [x for r in REQUIREMENTS for x in ("--require", r)]),
        ("an exclusive group of 40", _one_plan(_addons(40, [(i, "excludes", j)
         for i in range(40) for j in range(i)])), []),
        ("a 12 × 12 grid of exclusions (144 add-ons)", _one_plan(_addons(144, grid)), []),
        ("18 add-ons each excluding 18 others", _one_plan(_addons(36, legacy)), []),
        ("an exclusive group of 60", _one_plan(_addons(60, [(i, "excludes", j)
         for i in range(60) for j in range(i)])), []),
        ("max_quantity 10^29 against seats>=10^28", _one_plan(huge, seats, per_seat),
         ["--require", "seats>=" + "1" + "0" * 28]),
    ]  # fmt: skip


BOUND_CHILD = """
import resource, sys, time
from click.testing import CliRunner
from pricegen.cli import main
started = time.perf_counter()
result = CliRunner().invoke(main, ["analyze", *sys.argv[1:]])
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
rule = "ANALYZE_TOO_COMPLEX" if "ANALYZE_TOO_COMPLEX" in result.stderr else ""
bound = result.stderr.split("bound of ")[1].split(";")[0] if rule else ""
print(f"{result.exit_code}|{elapsed:.2f}|{peak:.0f}|{bound}")
"""


def bounds(reps: int) -> None:
    """Each input as a whole command in a fresh process (best of ``reps``), Markdown."""
    import subprocess

    print("\n| Input | Result | Time | Peak RSS |\n|---|---|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for what, data, extra in bound_inputs():
            path = Path(tmp) / "pricing.yaml"
            path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
            runs = []
            for _ in range(reps):
                out = subprocess.run(
                    [sys.executable, "-c", BOUND_CHILD, str(path), *extra],
                    capture_output=True, text=True, check=True,
                ).stdout.strip().split("|")  # fmt: skip
                runs.append((float(out[1]), float(out[2]), out[0], out[3]))
            t, rss, code, bound = min(runs)
            result = f"`ANALYZE_TOO_COMPLEX` ({bound}), exit {code}" if bound else f"exit {code}"
            print(f"| {what} | {result} | {t:.2f} s | {rss:.0f} MB |")


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addons", type=int, default=24)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--sizes", default="24,48,96,192,384,768")
    parser.add_argument("--legs", default="18,100,1000")
    parser.add_argument("--bounds", action="store_true", help="only the table of bound costs")
    args = parser.parse_args(argv)
    if args.bounds:
        bounds(min(args.reps, 3))
        return 0
    print(f"Python {sys.version.split()[0]}")
    run(args.addons, args.reps, verbose=True)
    print("\nexamples (whole command: compile + analysis):")
    for catalog in sorted(REPO.glob("examples/*/pricing*")):
        t, result = best_of(
            args.reps, lambda c=catalog: CliRunner().invoke(main, ["analyze", str(c)])
        )
        print(f"  {catalog.parent.name:<16} {ms(t)}")
    print("\nscaling (analysis only):")
    previous = None
    for size in [int(s) for s in args.sizes.split(",")]:
        t = run(size, args.reps, verbose=False)
        ratio = f"   ×{t / previous:.2f} for ×2 add-ons" if previous else ""
        print(f"  {size:>4} add-ons {ms(t)}{ratio}")
        previous = t
    hub([int(n) for n in args.legs.split(",")], min(args.reps, 3))
    return 0


if __name__ == "__main__":
    sys.exit(main_())
