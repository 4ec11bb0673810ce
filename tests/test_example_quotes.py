"""Quotes of every example plan, snapshotted (syrupy, .ambr) for review.

For each example, each plan, period and currency is quoted at a small and a
larger quantity, with each compatible add-on, and in its trial. A change of
price or of a pricing rule shows up as a snapshot diff. Plans that cannot be
quoted (custom, archived) are checked to refuse with the expected error, and
the refusal is part of the snapshot.
"""

from __future__ import annotations

from functools import cache

import pytest
from evaluator_support import example_catalogs, example_id

from pricegen import compile_catalog
from pricegen.runtime import load_evaluator


@cache
def evaluator(catalog):
    build = compile_catalog(catalog)
    assert build.ok, build.diagnostics
    return load_evaluator(build.catalog)


def _cases():
    for catalog in example_catalogs():
        for plan_id in evaluator(catalog).PLANS:
            yield pytest.param(catalog, plan_id, id=f"{example_id(catalog)}-{plan_id}")


def _larger(charge) -> int:
    """A quantity that reaches the last tier (or a few blocks past the allowance)."""
    tiers = charge["tiers"]
    if tiers:
        bounds = [t["up_to"] for t in tiers if t["up_to"] is not None]
        if charge["model"] == "stairstep":
            bounds = bounds[:-1] or bounds  # stay inside a bounded last tier
        return charge["included"] + (bounds[-1] + 1 if bounds else 10)
    if charge["model"] == "package":
        return charge["included"] + 2 * charge["block_size"] + charge["block_size"] // 2
    return charge["included"] + (12 if charge["billing"] == "in_advance" else 12_345)


def scenarios(pricing, plan_id: str) -> dict:
    """name -> (Subscription keyword arguments, usage), for one period and currency."""
    plan = pricing.PLANS[plan_id]
    advance = [c for c in plan["charges"] if c["billing"] == "in_advance"]
    arrears = [c for c in plan["charges"] if c["billing"] == "in_arrears"]
    small = {c["feature"]: 1 for c in advance}
    cases = {"small": ({"quantities": small}, {})}
    if plan["charges"]:
        cases["larger"] = (
            {"quantities": {c["feature"]: _larger(c) for c in advance}},
            {c["feature"]: _larger(c) for c in arrears},
        )
    for addon_id, addon in pricing.ADDONS.items():
        if plan_id in addon["plans"]:
            addons = {addon_id: 1, **dict.fromkeys(addon["requires"], 1)}
            cases[f"small + {addon_id}"] = ({"quantities": small, "addons": addons}, {})
    if plan["trial"]:
        name = "larger" if "larger" in cases else "small"
        kwargs, usage = cases[name]
        cases[f"{name}, in trial"] = ({**kwargs, "trial": True}, usage)
    return cases


def _label(name: str, kwargs: dict, usage: dict) -> str:
    counts = {**kwargs.get("quantities", {}), **usage}
    shown = ", ".join(f"{k}={v}" for k, v in counts.items())
    return f"{name} ({shown})" if shown else name


def quotes(pricing, plan_id: str, **fixed) -> dict:
    plan = pricing.PLANS[plan_id]
    result = {}
    for period in plan["billing_periods"]:
        for currency in pricing.CATALOG["product"]["currencies"]:
            for name, (kwargs, usage) in scenarios(pricing, plan_id).items():
                sub = pricing.Subscription(
                    plan=plan_id, period=period, currency=currency, **kwargs, **fixed
                )
                key = f"{period} {currency}: {_label(name, kwargs, usage)}"
                result[key] = pricing.quote(sub, usage=usage).to_dict()
    return result


def refusal(pricing, plan_id: str, expected: str) -> str:
    with pytest.raises(pricing.PricingError) as raised:
        pricing.quote(pricing.Subscription(plan=plan_id))
    assert type(raised.value).__name__ == expected
    return f"{expected}: {raised.value}"


@pytest.mark.parametrize("catalog, plan_id", list(_cases()))
def test_example_quotes(catalog, plan_id, snapshot):
    pricing = evaluator(catalog)
    plan = pricing.PLANS[plan_id]
    if plan["custom"]:
        assert refusal(pricing, plan_id, "PlanNotQuotableError") == snapshot
    elif plan["status"] == "archived":
        new = refusal(pricing, plan_id, "PlanArchivedError")
        assert {"new": new, "existing": quotes(pricing, plan_id, existing=True)} == snapshot
    else:
        assert plan["status"] == "published"
        assert quotes(pricing, plan_id) == snapshot


def test_every_example_has_quotable_plans():
    for catalog in example_catalogs():
        pricing = evaluator(catalog)
        sold = [p for p in pricing.PLANS.values() if p["status"] == "published" and not p["custom"]]
        assert sold, f"{example_id(catalog)}: no plan to quote"
