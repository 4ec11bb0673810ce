"""The cheapest and the most expensive subscription with a list price.

Quantities and usage are fixed (:class:`~pricegen.analyze.purchase.Amounts`),
so only the add-ons are chosen. Prices are not negative, so the cheapest
buys each chosen add-on once and the most expensive buys it
``max_quantity`` times; the engine finds the best choice per plan.
"""

from __future__ import annotations

from ..model import Addon, Catalog
from . import best
from .arithmetic import exact
from .engine import Budget, solve
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


@exact
def extreme(
    catalog: Catalog,
    period: str,
    currency: str,
    *,
    most: bool,
    amounts: Amounts | None = None,
    include_drafts: bool = False,
    budget: Budget | None = None,
) -> Purchase | None:
    """The cheapest (``most=False``) or most expensive subscription with a list price."""
    amounts = amounts or Amounts()
    budget = budget or Budget()
    found: Purchase | None = None
    for plan in sold_plans(catalog, include_drafts):
        if period not in plan.billing_periods:
            continue
        quantities = quantities_of(plan, amounts)
        usage = usage_of(plan, amounts)
        budget.spend(1 + len(plan.charges))
        base = plan_lines(catalog, plan, period, currency, quantities, usage)
        if base is None:
            continue
        addons = priced_addons(catalog, plan, period, currency, include_drafts)
        cost, picks = _best_addons(catalog, addons, period, currency, most, budget)
        candidate = Purchase(
            plan.id,
            period,
            currency,
            picks,
            tuple(quantities.items()),
            tuple(usage.items()),
            base + cost,
        )
        if found is None or _better(candidate, found, most):
            found = candidate
    return found


def _better(a: Purchase, b: Purchase, most: bool) -> bool:
    """Strictly better total; ties keep the earlier plan (ladder order)."""
    return a.total > b.total if most else a.total < b.total


def _best_addons(catalog, addons: dict[str, Addon], period, currency, most: bool, budget):
    """(cost, picks) of the most or least expensive valid add-on choice.

    Prices are not negative, so the cheapest buys each chosen add-on once and
    the most expensive buys it ``max_quantity`` times.
    """
    key = ("extreme", frozenset(addons), period, currency, most)
    if key not in budget.memo:
        order = list(catalog.addons)
        rank = {aid: i for i, aid in enumerate(order)}

        def bought(aid):
            qty = addons[aid].max_quantity if most else 1
            line = addon_line(catalog, addons[aid], qty, period, currency)
            yield None, best.leaf(aid, qty, line, rank[aid], len(order))

        value = solve(addons, bought, best.ring(most), budget)[None]
        budget.memo[key] = value[0], sorted_picks(best.picks_of(value), order)
    return budget.memo[key]
