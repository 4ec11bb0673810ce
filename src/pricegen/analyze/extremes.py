"""The cheapest and the most expensive subscription with a list price.

Quantities and usage are fixed (:class:`~pricegen.analyze.purchase.Amounts`),
so only the add-ons are chosen. Prices are not negative, so the cheapest
buys each chosen add-on once and the most expensive buys it
``max_quantity`` times; the sweep finds the best choice per plan.
"""

from __future__ import annotations

from ..model import Addon, Catalog
from .arithmetic import ZERO
from .engine import sweep
from .purchase import (
    Amounts,
    Purchase,
    addon_line,
    plan_lines,
    priced_addons,
    quantities_of,
    sold_plans,
    sorted_picks,
    usage_of,
)


def extreme(
    catalog: Catalog,
    period: str,
    currency: str,
    *,
    most: bool,
    amounts: Amounts | None = None,
    include_drafts: bool = False,
) -> Purchase | None:
    """The cheapest (``most=False``) or most expensive subscription with a list price."""
    amounts = amounts or Amounts()
    best: Purchase | None = None
    for plan in sold_plans(catalog, include_drafts):
        if period not in plan.billing_periods:
            continue
        quantities = quantities_of(plan, amounts)
        usage = usage_of(plan, amounts)
        base = plan_lines(catalog, plan, period, currency, quantities, usage)
        if base is None:
            continue
        addons = priced_addons(catalog, plan, period, currency, include_drafts)
        cost, picks = _best_addons(catalog, addons, period, currency, most)
        candidate = Purchase(
            plan.id,
            period,
            currency,
            picks,
            tuple(quantities.items()),
            tuple(usage.items()),
            base + cost,
        )
        if best is None or _better(candidate, best, most):
            best = candidate
    return best


def _better(a: Purchase, b: Purchase, most: bool) -> bool:
    """Strictly better total; ties keep the earlier plan (ladder order)."""
    return a.total > b.total if most else a.total < b.total


def _best_addons(catalog, addons: dict[str, Addon], period, currency, most: bool):
    """(cost, picks) of the most or least expensive valid add-on choice.

    Prices are not negative, so the cheapest buys each chosen add-on once and
    the most expensive buys it ``max_quantity`` times.
    """

    def choices(aid, ext, value):
        addon = addons[aid]
        qty = addon.max_quantity if most else 1
        cost, picks = value
        yield ext, (cost + addon_line(catalog, addon, qty, period, currency), picks + ((aid, qty),))

    def merge(a, b):
        if a[0] != b[0]:
            return (a if a[0] > b[0] else b) if most else (a if a[0] < b[0] else b)
        return min(a, b, key=lambda v: (len(v[1]), v[1]))

    result = sweep(addons, (ZERO, ()), choices, merge)
    cost, picks = result[None]
    return cost, sorted_picks(picks, list(addons))
