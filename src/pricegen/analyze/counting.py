"""How many subscriptions a catalog can sell: its configuration space.

A subscription here is a plan plus a set of add-ons, each bought between 1
and ``max_quantity`` times, that the evaluator accepts. In-advance
quantities (seats) are unbounded, so they are not part of the count.
Counts are exact big integers: the engine multiplies and adds them.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

from ..model import Addon, Catalog
from .arithmetic import exact
from .engine import Budget, Ring, solve
from .purchase import sold_addons, sold_plans

COUNTS = Ring(1, operator.mul, operator.add)


@dataclass(frozen=True)
class Space:
    """How many subscriptions can be sold, per plan and in total."""

    per_plan: dict[str, int]
    priced_per_plan: dict[str, int]  # × the plan's billing periods × the product's currencies
    never_bought: dict[str, tuple[str, ...]]  # per plan: sold add-ons in no subscription

    @property
    def total(self) -> int:
        return sum(self.per_plan.values())

    @property
    def priced(self) -> int:
        return sum(self.priced_per_plan.values())


def count_addon_sets(addons: dict[str, Addon], budget: Budget | None = None) -> int:
    """Valid add-on choices (sets with a quantity each), the empty one included."""
    budget = budget or Budget()
    key = ("count", frozenset(addons))
    if key not in budget.memo:
        counts = solve(addons, lambda aid: [(None, addons[aid].max_quantity)], COUNTS, budget)
        budget.memo[key] = counts.get(None, 0)
    return budget.memo[key]


@exact
def configuration_space(
    catalog: Catalog, include_drafts: bool = False, budget: Budget | None = None
) -> Space:
    budget = budget or Budget()
    per_plan, priced, never = {}, {}, {}
    for plan in sold_plans(catalog, include_drafts):
        addons = sold_addons(catalog, plan, include_drafts)
        count = count_addon_sets(addons, budget)
        per_plan[plan.id] = count
        priced[plan.id] = count * len(plan.billing_periods) * len(catalog.product.currencies)
        unsold = budget.never_bought(addons)
        never[plan.id] = tuple(a for a in addons if a in unsold)
    return Space(per_plan, priced, never)


@exact
def addon_counts(
    catalog: Catalog, include_drafts: bool = False, budget: Budget | None = None
) -> dict[str, int]:
    """How many subscriptions (over every sold plan) hold each sold add-on.

    Those without it are the valid sets of the other add-ons (leaving an
    add-on out leaves out what requires it), so each count is a difference
    of two counts.
    """
    budget = budget or Budget()
    counts: dict[str, int] = {}
    for plan in sold_plans(catalog, include_drafts):
        addons = sold_addons(catalog, plan, include_drafts)
        every = count_addon_sets(addons, budget)
        for aid in addons:
            rest = {a: x for a, x in addons.items() if a != aid}
            counts[aid] = counts.get(aid, 0) + every - count_addon_sets(rest, budget)
    return counts
