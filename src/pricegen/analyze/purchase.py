"""What is sold, and what a purchase costs line by line.

Archived plans and add-ons sell to nobody new, and drafts only count with
``include_drafts``. A :class:`Purchase` is one subscription with its
quantities and usage; its total is the sum of rounded lines, as the
evaluator would quote it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Addon, Catalog, Plan
from .arithmetic import charge_amount, price_of, round_line


def selling(status: str, include_drafts: bool) -> bool:
    return status == "published" or (include_drafts and status == "draft")


def sold_plans(catalog: Catalog, include_drafts: bool = False) -> list[Plan]:
    """Plans a new customer can subscribe to, in ladder order."""
    return [p for p in catalog.plans.values() if selling(p.status, include_drafts)]


def sold_addons(catalog: Catalog, plan: Plan, include_drafts: bool = False) -> dict[str, Addon]:
    """Add-ons a new customer of ``plan`` can buy, in catalog order."""
    return {
        a.id: a
        for a in catalog.addons.values()
        if plan.id in a.plans and selling(a.status, include_drafts)
    }


def priced_addons(catalog, plan, period, currency, include_drafts) -> dict[str, Addon]:
    """Sold add-ons that have a price in this period and currency."""
    return {
        aid: a
        for aid, a in sold_addons(catalog, plan, include_drafts).items()
        if price_of(a.price, period, currency) is not None
    }


# -- purchases -------------------------------------------------------------------------


@dataclass(frozen=True)
class Purchase:
    """One subscription with its quantities and usage, and its total by the model's arithmetic."""

    plan: str
    period: str
    currency: str
    addons: tuple[tuple[str, int], ...]
    quantities: tuple[tuple[str, int], ...]
    usage: tuple[tuple[str, int], ...]
    total: Decimal

    def to_dict(self) -> dict:
        return {
            "plan": self.plan,
            "period": self.period,
            "currency": self.currency,
            "addons": dict(self.addons),
            "quantities": dict(self.quantities),
            "usage": dict(self.usage),
            "total": format(self.total, "f"),
        }


@dataclass(frozen=True)
class Amounts:
    """In-advance quantities and in-arrears usage to price plans at (beyond requirements)."""

    quantities: dict[str, int] = field(default_factory=dict)  # default: 1 of each
    usage: dict[str, int] = field(default_factory=dict)  # default: none


def quantities_of(plan: Plan, amounts: Amounts) -> dict[str, int]:
    """In-advance quantities to price ``plan`` at: those given, else 1 of each."""
    return {
        c.feature: amounts.quantities.get(c.feature, 1)
        for c in plan.charges
        if c.billing == "in_advance"
    }


def usage_of(plan: Plan, amounts: Amounts) -> dict[str, int]:
    """In-arrears usage to price ``plan`` at: what is given, else none."""
    return {
        c.feature: amounts.usage.get(c.feature, 0)
        for c in plan.charges
        if c.billing == "in_arrears"
    }


# -- lines -----------------------------------------------------------------------------


def plan_lines(
    catalog: Catalog, plan: Plan, period: str, currency: str, quantities: dict, usage: dict
) -> Decimal | None:
    """Base price plus every charge line, rounded per line; None if refused or not sold."""
    product = catalog.product
    base = price_of(plan.price, period, currency)
    if base is None or plan.custom:
        return None
    total = round_line(base, product, currency)
    for charge in plan.charges:
        q = (
            quantities[charge.feature]
            if charge.billing == "in_advance"
            else usage.get(charge.feature, 0)
        )
        amount = charge_amount(charge, q, period, currency)
        if amount is None:
            return None
        total += round_line(amount, product, currency)
    return total


def addon_line(
    catalog: Catalog, addon: Addon, qty: int, period: str, currency: str
) -> Decimal | None:
    unit = price_of(addon.price, period, currency)
    return None if unit is None else round_line(unit * qty, catalog.product, currency)


def sorted_picks(picks, order: list[str]) -> tuple[tuple[str, int], ...]:
    """Chosen (add-on, quantity) pairs in catalog order."""
    rank = {aid: i for i, aid in enumerate(order)}
    return tuple(sorted(picks, key=lambda p: rank[p[0]]))
