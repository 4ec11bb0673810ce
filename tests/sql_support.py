"""Random subscriptions for a catalog, priced by the evaluator and by the SQL target.

The differential tests (``test_sql_differential.py``) draw catalogs, then a few
thousand subscriptions each with :func:`random_subscriptions`: mostly
quotable, and on purpose also refused ones (unknown plan, period, currency or
add-on, incompatible or excluded add-ons, missing or bad quantities, custom,
draft and archived plans, trials of plans without one). :func:`evaluator_outcomes`
asks the reference (the generated evaluator's ``quote()``); :func:`duckdb_outcomes`
runs ``sql/rating.sql`` on the same rows. Both give, per subscription id,
``("lines", ((item, quantity, amount), ...), total)`` or ``("refused", class name)``.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pricegen.model import Catalog

SUBSCRIPTION_COLUMNS = {
    "subscription_id": "VARCHAR",
    "plan": "VARCHAR",
    "period": "VARCHAR",
    "currency": "VARCHAR",
    "trial": "BOOLEAN",
    "existing": "BOOLEAN",
}
ROW_COLUMNS = {"subscription_id": "VARCHAR", "feature": "VARCHAR", "quantity": "BIGINT"}
ADDON_COLUMNS = {"subscription_id": "VARCHAR", "addon": "VARCHAR", "quantity": "BIGINT"}


@dataclass
class Sub:
    id: str
    plan: str | None
    period: str | None = None
    currency: str | None = None
    trial: bool = False
    existing: bool = False
    quantities: dict = field(default_factory=dict)
    addons: dict = field(default_factory=dict)
    usage: dict = field(default_factory=dict)


def _quantity(rng: random.Random, charge, bad: bool = True):
    """Mostly ordinary numbers, tier bounds and their neighbours; now and then huge or bad."""
    roll = rng.random()
    bounds = [t.up_to for t in charge.tiers if t.up_to is not None] + [charge.included]
    if roll < 0.35:
        return rng.randint(0, 50)
    if roll < 0.6:
        return min(max(rng.choice(bounds) + rng.choice((-1, 0, 1)), 0), 10**15)
    if roll < 0.85:
        return rng.randint(0, 2_000_000)
    if roll < 0.93:
        return rng.choice((10**15, 10**15 - 1, 10**12 + 7))
    if not bad:
        return 0
    return rng.choice((-1, None))  # more than 10^15 is refused by SQL alone: see its own test


def random_subscriptions(catalog: Catalog, rng: random.Random, count: int) -> list[Sub]:
    return [random_subscription(catalog, rng, f"s{i}") for i in range(count)]


def random_subscription(catalog: Catalog, rng: random.Random, sid: str) -> Sub:
    plans = list(catalog.plans.values())
    product = catalog.product
    if not plans or rng.random() < 0.03:
        return Sub(sid, rng.choice(["nope", None]))
    plan = rng.choice(plans)
    sub = Sub(sid, plan.id)
    roll = rng.random()
    sub.period = (
        rng.choice(plan.billing_periods)
        if roll < 0.8
        else None
        if roll < 0.93
        else rng.choice([*product.billing_periods, "weekly"])
    )
    roll = rng.random()
    sub.currency = rng.choice(product.currencies) if roll < 0.8 else None if roll < 0.97 else "XXX"
    sub.trial = rng.random() < (0.4 if plan.trial else 0.03)
    sub.existing = rng.random() < 0.1
    _charges(rng, plan, sub, catalog)
    _addons(rng, catalog, plan, sub)
    return sub


def _charges(rng: random.Random, plan, sub: Sub, catalog: Catalog) -> None:
    careful = rng.random() < 0.7  # most subscriptions are quotable
    for charge in plan.charges:
        if charge.billing == "in_advance":
            if careful or rng.random() < 0.9:
                sub.quantities[charge.feature] = _quantity(rng, charge, bad=not careful)
        elif rng.random() < 0.85:
            sub.usage[charge.feature] = _quantity(rng, charge, bad=not careful)
    if careful:
        return
    features = list(catalog.features)
    roll = rng.random()
    if roll < 0.1:
        sub.quantities["no-such-feature"] = 3
    elif roll < 0.2 and features:
        sold = {c.feature for c in plan.charges if c.billing == "in_advance"}
        other = [f for f in features if f not in sold]
        if other:
            sub.quantities[rng.choice(other)] = 2
    elif roll < 0.3:
        sub.usage["no-such-feature"] = 5
    elif roll < 0.5 and features:
        sub.usage[rng.choice(features)] = rng.randint(0, 10**6)


def _addons(rng: random.Random, catalog: Catalog, plan, sub: Sub) -> None:
    addons = list(catalog.addons.values())
    if rng.random() < 0.03:
        sub.addons["no-such-addon"] = 1
    if not addons:
        return
    compatible = [a for a in addons if plan.id in a.plans]
    pool = compatible if compatible and rng.random() < 0.8 else addons
    for addon in rng.sample(pool, rng.randint(0, min(len(pool), 3))):
        roll = rng.random()
        sub.addons[addon.id] = (
            rng.randint(1, addon.max_quantity)
            if roll < 0.85
            else rng.choice((0, addon.max_quantity + 1, -1, None))
        )


# -- the reference ------------------------------------------------------------------------


def evaluator_outcomes(module, subs: list[Sub]) -> dict[str, tuple]:
    outcomes = {}
    for sub in subs:
        try:
            quote = module.quote(_subscription(module, sub), usage=_in_order(sub.usage))
        except module.PricingError as exc:
            outcomes[sub.id] = ("refused", type(exc).__name__)
            continue
        lines = tuple((line.item, line.quantity, line.amount) for line in quote.lines)
        outcomes[sub.id] = ("lines", lines, quote.total)
    return outcomes


def _in_order(usage: dict) -> dict:
    """Usage by feature id: where several features' usage is refused, quote() names the
    first it reads, and rejections the first by id (spec/sql.md)."""
    return dict(sorted(usage.items()))


def _subscription(module, sub: Sub):
    return module.Subscription(
        plan=sub.plan,
        period=sub.period,
        currency=sub.currency,
        quantities=sub.quantities,
        addons=sub.addons,
        trial=sub.trial,
        existing=sub.existing,
    )


def evaluator_status(module, subs: list[Sub], outcomes: dict) -> dict[tuple, tuple]:
    """check(sub, feature, usage, requested=0) of each finite metered limit of priced subs."""
    status = {}
    for sub in subs:
        if outcomes[sub.id][0] != "lines":
            continue
        subscription = _subscription(module, sub)
        for fid, ent in module.entitlements(subscription).items():
            if ent.type != "metered" or ent.unlimited or ent.limit is None:
                continue
            used = sub.usage.get(fid, 0)
            d = module.check(subscription, fid, usage=used, requested=0)
            status[(sub.id, fid)] = (d.limit, d.usage, d.remaining, d.over_limit, d.soft)
    return status


# -- the SQL target -------------------------------------------------------------------------


def write_inputs(subs: list[Sub], directory: Path) -> dict[str, Path]:
    """The four input tables as CSV files (empty cells are NULL)."""
    tables = {
        "subscriptions": [(s.id, s.plan, s.period, s.currency, s.trial, s.existing) for s in subs],
        "subscription_quantities": [(s.id, f, q) for s in subs for f, q in s.quantities.items()],
        "subscription_addons": [(s.id, a, q) for s in subs for a, q in s.addons.items()],
        "usage": [(s.id, f, q) for s in subs for f, q in s.usage.items()],
    }
    paths = {}
    for name, rows in tables.items():
        path = directory / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(_columns(name))
            writer.writerows(
                ["" if v is None else str(v).lower() if isinstance(v, bool) else v for v in row]
                for row in rows
            )
        paths[name] = path
    return paths


def _columns(name: str) -> dict[str, str]:
    if name == "subscriptions":
        return SUBSCRIPTION_COLUMNS
    return ADDON_COLUMNS if name == "subscription_addons" else ROW_COLUMNS


def require(module: str):
    """Import an engine, or skip without it; under CI (which installs it) never skip."""
    import importlib
    import os

    import pytest

    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module)


def inputs_of(paths: dict[str, Path]):
    from pricegen.rate import Inputs

    return Inputs(dict(paths))


def duckdb_outcomes(catalog: Catalog, paths: dict[str, Path]) -> tuple[dict, dict]:
    """invoice_lines, invoices and rejections as outcomes, and usage_status, by way of
    pricegen rate's own input views and the rating SQL's steps run as tables."""
    import duckdb

    from pricegen.rate.duck import _register_inputs
    from pricegen.targets.sql.query import statements

    con = duckdb.connect()
    try:
        _register_inputs(con, inputs_of(paths))
        for statement in statements(catalog, "duckdb", tables=True):
            con.execute(statement)
        return collect(lambda q: con.execute(q).fetchall())
    finally:
        con.close()


def spark_outcomes(spark, catalog: Catalog, paths: dict[str, Path]) -> tuple[dict, dict]:
    from pricegen.rate.spark import register_inputs, run_statements

    register_inputs(spark, inputs_of(paths))
    run_statements(spark, catalog, lambda message: None)
    return collect(lambda q: [tuple(row) for row in spark.sql(q).collect()])


def collect(fetch) -> tuple[dict, dict]:
    lines = fetch(
        "SELECT subscription_id, item, quantity, amount FROM invoice_lines "
        "ORDER BY subscription_id, line"
    )
    totals = dict(fetch("SELECT subscription_id, total FROM invoices"))
    refused = fetch("SELECT subscription_id, reason FROM rejections")
    status = fetch(
        "SELECT subscription_id, feature, usage_status.limit, usage, remaining, over_limit, "
        "soft FROM usage_status"
    )
    return assemble(lines, totals, refused), {(r[0], r[1]): tuple(r[2:]) for r in status}


def assemble(lines, totals, refused) -> dict[str, tuple]:
    outcomes: dict[str, tuple] = {}
    grouped: dict[str, list] = {}
    for sid, item, quantity, amount in lines:
        grouped.setdefault(sid, []).append((item, quantity, Decimal(amount)))
    for sid, items in grouped.items():
        outcomes[sid] = ("lines", tuple(items), totals.get(sid))
    for sid, reason in refused:
        assert sid not in outcomes, f"{sid} is both priced and refused"
        outcomes[sid] = ("refused", reason)
    return outcomes


def differences(expected: dict, actual: dict, subs: list[Sub], limit: int = 5) -> list[str]:
    """Readable differences, the subscription's inputs with each."""
    by_id = {s.id: s for s in subs}
    found = []
    for sid in sorted(set(expected) | set(actual)):
        if expected.get(sid) != actual.get(sid):
            found.append(
                f"{by_id.get(sid)}\n  evaluator: {expected.get(sid)}\n"
                f"  sql:       {actual.get(sid)}"
            )
            if len(found) >= limit:
                break
    return found
