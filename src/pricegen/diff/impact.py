"""Quote impact: what reference subscriptions cost on each side, by the evaluators.

The classes of :mod:`~pricegen.diff.compare` say what kind of change it is;
this says how much it moves real quotes. Both sides' generated evaluators
quote the same reference subscriptions, so the numbers are the ones
customers would see, rounding and all, and a side that refuses a
subscription says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..model import Catalog, Charge, Plan
from ..money import text
from .prices import shared


@dataclass(frozen=True)
class Reference:
    """A reference subscription: in-advance quantities and in-arrears usage."""

    quantities: tuple[tuple[str, int], ...]
    usage: tuple[tuple[str, int], ...]

    @property
    def label(self) -> str:
        shown = [f"{f}={q:,}" for f, q in (*self.quantities, *self.usage)]
        return ", ".join(shown) if shown else "base price"


def reference_points(charge: Charge) -> list[int]:
    """Quantities where a charge changes shape: the first billable unit, the last
    included one, each tier's last unit, one block."""
    points = {charge.included + 1}
    if charge.included:
        points.add(charge.included)
    points.update(charge.included + t.up_to for t in charge.tiers if t.up_to is not None)
    if charge.block_size:
        points.add(charge.included + charge.block_size)
    return sorted(points)


def references(o: Plan, n: Plan, given: Sequence[dict[str, int]] = ()) -> list[Reference]:
    """The default references of a plan on both sides, then the ones the user gives.

    The base buys 1 of each in-advance feature and uses nothing; each other
    default moves one charged feature to one of its reference points.
    """
    charges = [*o.charges, *n.charges]
    advance = list(dict.fromkeys(c.feature for c in charges if c.billing == "in_advance"))
    arrears = list(dict.fromkeys(c.feature for c in charges if c.billing == "in_arrears"))
    base = {f: 1 for f in advance}
    found = [Reference(tuple(base.items()), ())]
    for charge in charges:
        for point in reference_points(charge):
            if charge.feature in base:
                found.append(Reference(tuple({**base, charge.feature: point}.items()), ()))
            else:
                found.append(Reference(tuple(base.items()), ((charge.feature, point),)))
    for amounts in given:
        quantities = {**base, **{f: v for f, v in amounts.items() if f in base}}
        usage = tuple((f, v) for f, v in amounts.items() if f in arrears)
        if any(f in base or f in arrears for f in amounts):
            found.append(Reference(tuple(quantities.items()), usage))
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Impact:
    """Old and new totals of one reference subscription, or why a side refused it."""

    plan: str
    period: str
    currency: str
    reference: str
    old: Decimal | None
    new: Decimal | None
    old_error: str | None = None
    new_error: str | None = None

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def to_dict(self) -> dict:
        return {
            "plan": self.plan,
            "period": self.period,
            "currency": self.currency,
            "reference": self.reference,
            "old": None if self.old is None else text(self.old),
            "new": None if self.new is None else text(self.new),
            "old_error": self.old_error,
            "new_error": self.new_error,
            "changed": self.changed,
        }


def quote_impact(
    old: Catalog, new: Catalog, old_module, new_module, given: Sequence[dict[str, int]] = ()
) -> list[Impact]:
    """Quote every reference subscription of every plan both sides list a price for."""
    rows = []
    for pid, n in new.plans.items():
        o = old.plans.get(pid)
        if o is None or o.custom or n.custom:
            continue
        refs = references(o, n, given)
        for period, currency in shared(o, n, old, new):
            for ref in refs:
                before, before_error = _quote(old_module, o, period, currency, ref)
                after, after_error = _quote(new_module, n, period, currency, ref)
                rows.append(
                    Impact(
                        pid, period, currency, ref.label, before, after, before_error, after_error
                    )
                )
    return rows


def _quote(module, plan: Plan, period: str, currency: str, ref: Reference):
    advance = {c.feature for c in plan.charges if c.billing == "in_advance"}
    arrears = {c.feature for c in plan.charges if c.billing == "in_arrears"}
    sub = module.Subscription(
        plan=plan.id,
        period=period,
        currency=currency,
        quantities={f: q for f, q in ref.quantities if f in advance},
        existing=True,
    )
    try:
        return module.quote(sub, usage={f: u for f, u in ref.usage if f in arrears}).total, None
    except module.PricingError as exc:
        return None, str(exc)
