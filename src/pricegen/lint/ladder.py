"""Ladder rules: plans compared with each other.

``PLAN_DOMINATED`` needs a proof, not a sample: plan b dominates plan a if
b grants at least what a grants and costs no more *whatever is bought*.
Costs are separable by feature, so the proof sums, per feature, the lowest
difference of the two charges over every quantity
(:func:`pricegen.analyze.charge_difference`), bounded by what the plan
lets a customer use in one period.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from .. import analyze
from ..diagnostics import Diagnostic, warning
from ..model import Catalog, Charge, Entitlement, Plan
from ..money import text
from .context import Context


def _comparable(ctx: Context) -> list[Plan]:
    return [p for p in ctx.published if not p.custom]


def _identical_and_dominated(ctx: Context) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Both ladder comparisons come from one pass over the pairs of plans."""
    if "ladder" in ctx.cache:
        return ctx.cache["ladder"]
    plans = _comparable(ctx)
    identical, dominated, reported = [], [], set()
    for i, a in enumerate(plans):
        for b in plans[i + 1 :]:
            ab, ba = dominates(ctx.catalog, b, a), dominates(ctx.catalog, a, b)
            if ab and ba:
                identical.append(warning(ctx.plan_at(b), "PLAN_IDENTICAL", _identical(b, a)))
                continue
            for loser, winner, yes in ((a, b, ab), (b, a, ba)):
                if yes and loser.id not in reported:
                    reported.add(loser.id)
                    where = ctx.plan_at(loser)
                    dominated.append(warning(where, "PLAN_DOMINATED", _dominated(loser, winner)))
    ctx.cache["ladder"] = identical, dominated
    return identical, dominated


def _identical(plan: Plan, same: Plan) -> str:
    return (
        f'Plan "{plan.id}" gives the same as "{same.id}" for the same price in every '
        "period and currency; expected plans that differ, or one of them archived."
    )


def _dominated(loser: Plan, winner: Plan) -> str:
    return (
        f'Plan "{loser.id}" gives no more than "{winner.id}" and costs at least as much in '
        "every period and currency, so nobody should buy it; expected it to give more or "
        "cost less."
    )


def plan_identical(ctx: Context) -> list[Diagnostic]:
    return _identical_and_dominated(ctx)[0]


def plan_dominated(ctx: Context) -> list[Diagnostic]:
    return _identical_and_dominated(ctx)[1]


# -- dominance -------------------------------------------------------------------------


def dominates(catalog: Catalog, b: Plan, a: Plan) -> bool:
    """Does ``b`` give at least what ``a`` gives, for no more money, whatever is bought?"""
    if not set(a.billing_periods) <= set(b.billing_periods):
        return False
    addons_a = [x for x in catalog.addons.values() if a.id in x.plans and x.status == "published"]
    if any(b.id not in x.plans for x in addons_a):
        return False
    matched = _gives_at_least(b, a)
    if matched is None:
        return False
    return all(
        _never_dearer(catalog, b, a, matched, period, currency)
        for period in a.billing_periods
        for currency in catalog.product.currencies
    )


def _advance(plan: Plan) -> dict[str, Charge]:
    return {c.feature: c for c in plan.charges if c.billing == "in_advance"}


def _arrears(plan: Plan) -> dict[str, Charge]:
    return {c.feature: c for c in plan.charges if c.billing == "in_arrears"}


def _gives_at_least(b: Plan, a: Plan) -> dict[str, int] | None:
    """None unless ``b`` grants at least ``a``'s grants; else the in-advance
    quantities ``b`` must buy to match ``a``'s fixed limits."""
    bought_a, bought_b = _advance(a), _advance(b)
    matched: dict[str, int] = {}
    for fid in {*a.entitlements, *bought_a}:
        ea, eb = a.entitlements.get(fid), b.entitlements.get(fid)
        if fid in bought_a:
            if fid not in bought_b and not (eb is not None and eb.unlimited):
                return None
            continue
        if fid in bought_b:  # b buys what a grants outright: it must buy a's limit
            if ea.unlimited or ea.limit is None or ea.soft:
                return None
            matched[fid] = ea.limit
            continue
        if eb is None or not _ent_at_least(eb, ea):
            return None
    return matched


def _ent_at_least(b: Entitlement, a: Entitlement) -> bool:
    if a.variable or b.variable:
        return False
    if a.type == "enum":
        return set(a.values) <= set(b.values)
    if a.type == "config":
        return a.value is None or (b.value is not None and b.value >= a.value)
    if a.type == "metered":
        if b.unlimited:
            return True
        if a.unlimited or a.reset != b.reset or (a.soft and not b.soft):
            return False
        return (b.limit or 0) >= (a.limit or 0)
    return True


def _usage_bound(plan: Plan, fid: str, period: str) -> int | None:
    """The most ``plan`` lets a customer use of ``fid`` in one billing period, if it says."""
    ent = plan.entitlements.get(fid)
    if ent is None:
        return 0
    if ent.unlimited or ent.soft or ent.limit is None:
        return None
    return (
        ent.limit
        if ent.reset in (None, {"monthly": "month", "annual": "year"}.get(period))
        else None
    )


def _never_dearer(catalog, b: Plan, a: Plan, matched: dict, period: str, currency: str) -> bool:
    """min over every quantity and usage of cost(a) - cost(b) ≥ 0; the terms are separable."""
    base_a = analyze.price_of(a.price, period, currency)
    base_b = analyze.price_of(b.price, period, currency)
    if base_a is None or base_b is None:
        return False
    total = base_a - base_b
    adv_a, adv_b, arr_a, arr_b = _advance(a), _advance(b), _arrears(a), _arrears(b)
    for fid, q in matched.items():
        amount = analyze.charge_amount(adv_b[fid], q, period, currency)
        if amount is None:
            return False
        total -= amount
        adv_b = {k: v for k, v in adv_b.items() if k != fid}
    for fid in {*adv_a, *adv_b}:
        if (fid in arr_a) or (fid in arr_b):
            return False
        diff = analyze.charge_difference(adv_a.get(fid), adv_b.get(fid), period, currency)
        if diff.refused_at is not None:
            return False
        total += diff.lowest
    for fid in {*arr_a, *arr_b}:
        upper = _usage_bound(a, fid, period)
        diff = analyze.charge_difference(arr_a.get(fid), arr_b.get(fid), period, currency, upper)
        if diff.refused_at is not None:
            return False
        total += diff.lowest
    return total >= 0


# -- price inversion -------------------------------------------------------------------


def price_inversion(ctx: Context) -> Iterator[Diagnostic]:
    catalog = ctx.catalog
    for plan in _comparable(ctx):
        parent = _priced_ancestor(catalog, plan)
        if parent is None:
            continue
        for period in plan.billing_periods:
            if period not in parent.billing_periods:
                continue
            cheaper = []
            for currency in catalog.product.currencies:
                child = _entry(catalog, plan, period, currency)
                above = _entry(catalog, parent, period, currency)
                if child is not None and above is not None and child < above:
                    cheaper.append(f"{currency} {text(child)} < {text(above)}")
            if cheaper:
                yield warning(
                    ctx.plan_at(plan, "price", period) if plan.price else ctx.plan_at(plan),
                    "PLAN_PRICE_INVERSION",
                    f'Plan "{plan.id}" extends "{parent.id}" but costs less {period} '
                    f"({'; '.join(cheaper)}, at 1 unit of each quantity and no usage); "
                    "expected a plan to cost at least what the plan it extends costs.",
                )


def _priced_ancestor(catalog: Catalog, plan: Plan) -> Plan | None:
    for pid in plan.ancestors:
        ancestor = catalog.plans[pid]
        if ancestor.status == "published" and not ancestor.custom:
            return ancestor
    return None


def _entry(catalog: Catalog, plan: Plan, period: str, currency: str) -> Decimal | None:
    quantities = {c.feature: 1 for c in plan.charges if c.billing == "in_advance"}
    return analyze.plan_lines(catalog, plan, period, currency, quantities, {})
