"""A sample of subscriptions, quantities, add-ons and usage for any catalog, as files.

    python tests/bench/sample_data.py examples/api-usage/pricing.yaml --count 100000 -o sample/

writes ``subscriptions``, ``subscription_quantities``, ``subscription_addons`` and
``usage`` (``--format parquet`` or ``csv``) for ``pricegen rate``. Each subscription
is on a published, list-priced plan, in a period and currency it sells, with a
quantity for each in-advance charge and usage for each in-arrears charge of its
plan (around the charge's included units and tiers), and one subscription in
five has a compatible add-on. Pass ``--refused 0.02`` to make that share of
subscriptions ask for an unknown plan. DuckDB generates the rows (10 million
in seconds); the same arguments give the same files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from pricegen import compile_catalog


def _choices(catalog, only: list[str] | None = None) -> tuple[list, list, list]:
    """(plan, period, currency) offers; (plan, feature, in_advance, scale) charges;
    (plan, add-on) that can be bought alone."""
    offers, charges, addons = [], [], []
    for plan in catalog.plans.values():
        if plan.status != "published" or plan.custom or (only and plan.id not in only):
            continue
        for period in plan.billing_periods:
            offers += [(plan.id, period, c) for c in catalog.product.currencies]
        for charge in plan.charges:
            charges.append((plan.id, charge.feature, charge.billing == "in_advance", _top(charge)))
    for addon in catalog.addons.values():
        if addon.status == "published" and not addon.requires:
            addons += [(p, addon.id) for p in addon.plans]
    return offers, charges, addons


def _top(charge) -> int:
    """The most units to sample: half past the tiers and included units, or, for a
    stairstep with a bounded last tier, that bound (more would be refused)."""
    bounds = [t.up_to for t in charge.tiers if t.up_to] + [10]
    if charge.model == "stairstep" and charge.tiers[-1].up_to is not None:
        return charge.included + charge.tiers[-1].up_to
    return (charge.included + max(bounds)) * 3 // 2


def write_sample(
    catalog_path: str,
    count: int,
    out: Path,
    fmt: str = "parquet",
    refused: float = 0.0,
    plans: list[str] | None = None,
) -> dict[str, Path]:
    build = compile_catalog(catalog_path)
    if not build.ok:
        raise SystemExit(f"{catalog_path}: the catalog has errors; run pricegen validate")
    offers, charges, addons = _choices(build.catalog, plans)
    if not offers:
        raise SystemExit(f"{catalog_path}: no published plan with a list price to sample")
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("CREATE TABLE offers (n BIGINT, plan VARCHAR, period VARCHAR, currency VARCHAR)")
    con.executemany(
        "INSERT INTO offers VALUES (?, ?, ?, ?)", [(i, *o) for i, o in enumerate(offers)]
    )
    con.execute(
        "CREATE TABLE charges (plan VARCHAR, feature VARCHAR, in_advance BOOLEAN, top BIGINT)"
    )
    if charges:
        con.executemany("INSERT INTO charges VALUES (?, ?, ?, ?)", charges)
    con.execute("CREATE TABLE addons (plan VARCHAR, addon VARCHAR)")
    if addons:
        con.executemany("INSERT INTO addons VALUES (?, ?)", addons)
    con.execute(
        f"""CREATE TEMP VIEW subs AS
        SELECT 's' || lpad(CAST(i AS VARCHAR), 9, '0') AS subscription_id, i,
          CASE WHEN hash(i, 'refused') % 1000000 < {int(refused * 1_000_000)}
               THEN 'no-such-plan' ELSE o.plan END AS plan,
          o.plan AS offered, o.period, o.currency
        FROM range({int(count)}) AS r(i)
        JOIN offers AS o ON o.n = hash(i, 'offer') % {len(offers)}"""
    )
    queries = {
        "subscriptions": "SELECT subscription_id, plan, period, currency FROM subs",
        "subscription_quantities": _rows("in_advance"),
        "usage": _rows("NOT in_advance"),
        "subscription_addons": """
            SELECT s.subscription_id, a.addon, 1 AS quantity
            FROM subs AS s JOIN (
              SELECT plan, addon, row_number() OVER (PARTITION BY plan ORDER BY addon) - 1 AS k,
                count(*) OVER (PARTITION BY plan) AS n
              FROM addons
            ) AS a ON a.plan = s.offered AND a.k = hash(s.i, 'addon') % a.n
            WHERE hash(s.i, 'has-addon') % 5 = 0""",
    }
    paths = {}
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    for name, query in queries.items():
        paths[name] = out / f"{name}.{fmt}"
        con.execute(f"COPY ({query}) TO '{paths[name]}' ({options})")
    return paths


def _rows(which: str) -> str:
    """A quantity for each charge of the sub's plan: below, at and past its tiers."""
    return f"""
        SELECT s.subscription_id, c.feature,
          CAST(hash(s.i, c.feature) % (c.top + 1) AS BIGINT) AS quantity
        FROM subs AS s JOIN charges AS c ON c.plan = s.offered AND {which}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("catalog")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--refused", type=float, default=0.0)
    parser.add_argument("--plans", nargs="*", help="only these plans [default: all sold]")
    args = parser.parse_args(argv)
    paths = write_sample(args.catalog, args.count, args.out, args.format, args.refused, args.plans)
    for path in paths.values():
        print(path, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
