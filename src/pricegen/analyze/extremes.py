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
from .cheapest import best_on
from .engine import Budget, solve
from .needs import NO_COVER, need_of, satisfied
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
from .usage import usage_requirements


@exact
def extremes(
    catalog: Catalog,
    pairs: list[tuple[str, str]],
    *,
    amounts: Amounts | None = None,
    include_drafts: bool = False,
    budget: Budget | None = None,
) -> list[tuple[str, str, Purchase | None, Purchase | None]]:
    """(period, currency, cheapest, most expensive) for each pair, of the subscriptions
    with a list price. One pass of the engine per set of add-ons answers every pair
    and both questions at once."""
    amounts = amounts or Amounts()
    budget = budget or Budget()
    found: dict[tuple, Purchase | None] = {(p, c, m): None for p, c in pairs for m in (0, 1)}
    options = (amounts, include_drafts, budget)
    for plan in sold_plans(catalog, include_drafts):
        for key, candidate in _candidates(catalog, plan, pairs, *options):
            if found[key] is None or _better(candidate, found[key], key[2]):
                found[key] = candidate
    return [(p, c, found[p, c, 0], found[p, c, 1]) for p, c in pairs]


def _candidates(catalog, plan, pairs, amounts, include_drafts, budget):
    """((period, currency, most), purchase) for the cheapest and dearest on ``plan``.

    Usage given to price at must be usage quote() accepts. When the plan alone
    accepts it, add-ons (which only add) cannot change that, and one engine
    pass answers every pair; else the purchase must buy what allows it
    (:func:`.cheapest.best_on`).
    """
    quantities = quantities_of(plan, amounts)
    usage = usage_of(plan, amounts)
    bases = {}
    for period, currency in pairs:
        if period not in plan.billing_periods:
            continue
        budget.spend(1 + len(plan.charges))
        needs = [need_of(plan, r, "metered") for r in usage_requirements(plan, usage, period)]
        if not all(satisfied(n, NO_COVER, None) for n in needs):
            for most in (0, 1):
                constrained = best_on(
                    catalog, plan, [], period, currency, amounts, include_drafts, budget, most
                )
                if constrained is not None:
                    yield (period, currency, most), constrained
            continue
        base = plan_lines(catalog, plan, period, currency, quantities, usage)
        if base is not None:
            bases[period, currency] = base
    chosen = _best_addons(catalog, plan, list(bases), include_drafts, budget)
    for (period, currency), base in bases.items():
        for most in (0, 1):
            cost, picks = chosen[period, currency, most]
            yield (period, currency, most), Purchase(
                plan.id, period, currency, picks, tuple(quantities.items()),
                tuple(usage.items()), base + cost,
            )  # fmt: skip


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
    options = {"amounts": amounts, "include_drafts": include_drafts, "budget": budget}
    (answer,) = extremes(catalog, [(period, currency)], **options)
    return answer[3] if most else answer[2]


def _better(a: Purchase, b: Purchase, most: bool) -> bool:
    """Strictly better total; ties keep the earlier plan (ladder order)."""
    return a.total > b.total if most else a.total < b.total


def _best_addons(catalog, plan, pairs, include_drafts, budget) -> dict:
    """{(period, currency, most): (cost, picks)} of the least and most expensive valid
    add-on choice on ``plan``, one engine pass per set of add-ons priced in the pair.

    Prices are not negative, so the cheapest buys each chosen add-on once and
    the most expensive buys it ``max_quantity`` times.
    """
    groups: dict[frozenset, list] = {}
    for period, currency in pairs:
        addons = priced_addons(catalog, plan, period, currency, include_drafts)
        groups.setdefault(frozenset(addons), []).append((period, currency))
    result = {}
    for ids, group in groups.items():
        key = ("extremes", ids, tuple(group))
        if key not in budget.memo:
            addons = {aid: catalog.addons[aid] for aid in catalog.addons if aid in ids}
            budget.memo[key] = _solve_extremes(catalog, addons, group, budget)
        result.update(budget.memo[key])
    return result


def _solve_extremes(catalog, addons: dict[str, Addon], pairs, budget) -> dict:
    order = list(catalog.addons)
    rank = {aid: i for i, aid in enumerate(order)}
    questions = [(p, c, most) for p, c in pairs for most in (0, 1)]
    ring = best.rings([bool(most) for _, _, most in questions])

    def bought(aid):
        addon = addons[aid]
        leaves = []
        for period, currency, most in questions:
            qty = addon.max_quantity if most else 1
            line = addon_line(catalog, addon, qty, period, currency)
            leaves.append(best.leaf(aid, qty, line, rank[aid], len(order)))
        yield None, tuple(leaves)

    values = solve(addons, bought, ring, budget)[None]
    return {
        q: (value[0], sorted_picks(best.picks_of(value), order))
        for q, value in zip(questions, values, strict=True)
    }
