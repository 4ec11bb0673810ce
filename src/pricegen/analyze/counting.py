"""How many subscriptions a catalog can sell: its configuration space.

A subscription here is a plan plus a set of add-ons, each bought between 1
and ``max_quantity`` times, that the evaluator accepts. In-advance
quantities (seats) are unbounded, so they are not part of the count.
Counts are exact big integers: the sweep multiplies and adds them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Addon, Catalog
from .engine import sweep
from .purchase import sold_addons, sold_plans


@dataclass(frozen=True)
class Space:
    """How many subscriptions can be sold, per plan and in total."""

    per_plan: dict[str, int]
    priced_per_plan: dict[str, int]  # × the plan's billing periods × the product's currencies

    @property
    def total(self) -> int:
        return sum(self.per_plan.values())

    @property
    def priced(self) -> int:
        return sum(self.priced_per_plan.values())


def count_addon_sets(addons: dict[str, Addon]) -> int:
    """Valid add-on choices (sets with a quantity each), the empty one included."""
    counts = sweep(
        addons,
        1,
        lambda aid, ext, value: [(ext, value * addons[aid].max_quantity)],
        lambda a, b: a + b,
    )
    return counts.get(None, 0)


def configuration_space(catalog: Catalog, include_drafts: bool = False) -> Space:
    per_plan, priced = {}, {}
    for plan in sold_plans(catalog, include_drafts):
        count = count_addon_sets(sold_addons(catalog, plan, include_drafts))
        per_plan[plan.id] = count
        priced[plan.id] = count * len(plan.billing_periods) * len(catalog.product.currencies)
    return Space(per_plan, priced)
