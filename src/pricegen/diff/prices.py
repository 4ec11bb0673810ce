"""What a plan or add-on costs, compared: its price, and a plan's charges and tiers.

A price is compared in every (period, currency) both sides sell. A charge
is compared over every quantity at once (:func:`pricegen.analyze.charge_difference`),
so a tier reshuffle that raises the amount anywhere is breaking even when
no single price went up.
"""

from __future__ import annotations

from .. import analyze
from ..model import Catalog, Charge, Plan, Product
from ..money import text
from .changes import BREAKING, INTERNAL, VISIBLE, Collector, arrow, direction, union


def shared(o, n, oc: Catalog, nc: Catalog) -> list[tuple[str, str]]:
    """(period, currency) pairs both sides sell this item in."""
    periods = (
        [p for p in n.billing_periods if p in o.billing_periods]
        if isinstance(o, Plan)
        else [p for p in nc.product.billing_periods if p in oc.product.billing_periods]
    )
    return [
        (p, cur) for p in periods for cur in nc.product.currencies if cur in oc.product.currencies
    ]


def price_changes(c: Collector, what: str, old, new, pairs) -> None:
    """A raised or lowered price in each shared (period, currency)."""
    for period, currency in pairs:
        before = analyze.price_of(old, period, currency)
        after = analyze.price_of(new, period, currency)
        if before is None or after is None or before == after:
            continue
        way = "raised" if after > before else "lowered"
        c.add(
            f"{what}-{way}",
            direction(before, after),
            f"{what} {period} {currency}: {arrow(before, after)}.",
            f"{period} {currency}",
            before,
            after,
        )


# -- charges ---------------------------------------------------------------------------


def charge_changes(c: Collector, oc: Catalog, nc: Catalog, o: Plan, n: Plan) -> None:
    old = {ch.feature: ch for ch in o.charges}
    new = {ch.feature: ch for ch in n.charges}
    pairs = shared(o, n, oc, nc)
    for fid in union(new, old):
        before, after = old.get(fid), new.get(fid)
        if before is None:
            assert after is not None  # one side has the charge
            c.add(
                "charge-added",
                BREAKING,
                f'New charge for "{fid}" ({_shape(after)}).',
                fid,
                None,
                _shape(after),
            )
        elif after is None:
            c.add(
                "charge-removed",
                VISIBLE,
                f'Charge for "{fid}" removed ({_shape(before)}).',
                fid,
                _shape(before),
                None,
            )
        elif before != after:
            _charge_changed(c, fid, before, after, pairs, nc.product)


def _shape(charge: Charge) -> str:
    bounds = "/".join("∞" if t.up_to is None else f"{t.up_to:,}" for t in charge.tiers)
    parts = [charge.model, charge.billing.replace("_", " ")]
    if charge.included:
        parts.append(f"{charge.included:,} included")
    if charge.block_size:
        parts.append(f"blocks of {charge.block_size:,}")
    if bounds:
        parts.append(f"tiers up to {bounds}")
    return ", ".join(parts)


def _charge_changed(
    c: Collector, fid: str, before: Charge, after: Charge, pairs, product: Product
) -> None:
    """One change per charge, classed by how its amount moves over every quantity."""
    parts = []
    if _shape(before) != _shape(after):
        parts.append(f"{_shape(before)} → {_shape(after)}")
    parts += _component_changes(before, after, pairs)
    raised, lowered = _effects(before, after, pairs, product)
    klass = BREAKING if raised else VISIBLE if lowered else INTERNAL
    summary = "; ".join(parts) or "restated"
    effect = raised or lowered or "no amount changes"
    c.add(
        "charge-changed",
        klass,
        f'Charge for "{fid}": {summary}. Effect: {effect}.',
        fid,
        _shape(before),
        _shape(after),
    )


def _effects(
    before: Charge, after: Charge, pairs, product: Product
) -> tuple[str | None, str | None]:
    """(where it costs more or refuses, where it costs less): the first witness of each."""
    raised = lowered = None
    for period, currency in pairs:
        d = analyze.charge_difference(after, before, period, currency)
        if d.refused_at is not None and raised is None:
            raised = f"{d.refused_at:,} units are refused ({period} {currency})"
        if d.highest > 0 and raised is None:
            raised = _witness(before, after, d.highest_at, (period, currency), product, "more")
        if d.lowest < 0 and lowered is None:
            lowered = _witness(before, after, d.lowest_at, (period, currency), product, "less")
    return raised, lowered


def _witness(
    before: Charge, after: Charge, q: int, where: tuple[str, str], product: Product, word: str
) -> str:
    """ "costs more at 100,000 units (monthly USD: 0.00 → 135.00)": amounts as billed."""
    period, currency = where
    q, old, new = _billed_witness(before, after, q, where, product)
    return f"costs {word} at {q:,} units ({period} {currency}: {text(old)} → {text(new)})"


def _billed_witness(before: Charge, after: Charge, q: int, where, product: Product):
    """(q, old, new) with the amounts rounded as billed, where the rounding still shows
    the difference: a growing one at the first of q, 10q, 100q... that does."""
    period, currency = where
    first = None
    for units in (q * 10**k for k in range(31)):
        if units > 10**30:
            break
        amount_old, amount_new = (
            analyze.charge_amount(c, units, period, currency) for c in (before, after)
        )
        if amount_old is None or amount_new is None:
            break
        old = analyze.round_line(amount_old, product, currency)
        new = analyze.round_line(amount_new, product, currency)
        first = first or (units, old, new)
        if old != new:
            return units, old, new
    assert first is not None  # the witness itself is priced on both sides
    return first


def _component_changes(before: Charge, after: Charge, pairs) -> list[str]:
    parts = []
    for name in ("price", "unit_price", "block_price"):
        parts += _price_parts(name, getattr(before, name), getattr(after, name), pairs)
    for i, (tb, ta) in enumerate(zip(before.tiers, after.tiers, strict=False)):
        for name in ("unit_price", "flat_price", "price"):
            parts += _price_parts(
                f"tier {i + 1} {name}", getattr(tb, name), getattr(ta, name), pairs
            )
    return parts


def _price_parts(label: str, old, new, pairs) -> list[str]:
    if old == new:
        return []
    parts = []
    for period, currency in pairs:
        a, b = analyze.price_of(old, period, currency), analyze.price_of(new, period, currency)
        if a is not None and b is not None and a != b:
            parts.append(f"{label} {period} {currency}: {arrow(a, b)}")
    return parts
