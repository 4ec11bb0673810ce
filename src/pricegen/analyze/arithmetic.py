"""The model's arithmetic: what a price or a charge amounts to, exactly.

Money here is the model's own arithmetic, rounded per line exactly as the
generated evaluator rounds a quote (:func:`round_line`), so that optimising
the sum of lines optimises the quote's total. Charge amounts are unrounded;
:func:`breakpoints` and :func:`tier_starts` are the quantities where a
charge's shape changes, which is all the searches need to look at.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    localcontext,
)
from typing import ParamSpec, TypeVar

from ..model import Charge, Product
from ..money import Price

# Exact for every amount a catalog can hold (100 digits) times every quantity (10^30),
# summed over any number of lines: the evaluator's own money context.
CONTEXT = Context(prec=200, rounding=ROUND_HALF_UP)
_ROUNDING = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "up": ROUND_UP,
    "down": ROUND_DOWN,
}
ZERO = Decimal(0)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def exact(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` in the analysis context, so that no sum or product is rounded
    (Python's default context keeps 28 digits)."""

    @functools.wraps(function)
    def exactly(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(CONTEXT):
            return function(*args, **kwargs)

    return exactly


def round_line(amount: Decimal, product: Product, currency: str) -> Decimal:
    """A line item rounded to the currency's minor unit, as the catalog says."""
    digits = product.minor_units[currency]
    with localcontext(CONTEXT):
        return amount.quantize(Decimal(1).scaleb(-digits), rounding=_ROUNDING[product.rounding])


def ceil_div(a, b) -> int:
    """The smallest whole n with n × b ≥ a, exactly (b > 0; ints or Decimals)."""
    with localcontext(CONTEXT):
        return int((Decimal(a) / Decimal(b)).to_integral_value(rounding=ROUND_CEILING))


def price_of(price: Price | None, period: str, currency: str) -> Decimal | None:
    """The amount of ``price`` in one period and currency; 0 for no price; None if not sold."""
    if not price:
        return ZERO
    return price.get(period, {}).get(currency)


def charge_amount(charge: Charge, quantity: int, period: str, currency: str) -> Decimal | None:
    """Unrounded amount of ``charge`` for ``quantity`` units; None when the quantity is refused."""
    with localcontext(CONTEXT):
        return _model_amount(charge, max(quantity - charge.included, 0), period, currency)


def _model_amount(charge: Charge, q: int, period: str, currency: str) -> Decimal | None:
    model = charge.model
    if model == "flat":
        return charge.price[period][currency]
    if q == 0:
        return ZERO
    if model == "per_unit":
        return charge.unit_price[period][currency] * q
    if model == "package":
        size = charge.block_size
        blocks = -(-q // size) if charge.rounding == "up" else q // size
        return charge.block_price[period][currency] * blocks
    if model == "graduated":
        return _graduated(charge, q, period, currency)
    tier = next((t for t in charge.tiers if t.up_to is None or q <= t.up_to), None)
    if model == "volume":
        unit, flat = tier_parts(tier, period, currency)
        return unit * q + flat
    return None if tier is None else tier.price[period][currency]  # stairstep


def tier_parts(tier, period: str, currency: str) -> tuple[Decimal, Decimal]:
    """(unit price, flat price) of a tier, 0 for what it does not state."""
    unit = tier.unit_price[period][currency] if tier.unit_price else ZERO
    flat = tier.flat_price[period][currency] if tier.flat_price else ZERO
    return unit, flat


def _graduated(charge: Charge, q: int, period: str, currency: str) -> Decimal:
    total, lower = ZERO, 0
    for tier in charge.tiers:
        if q <= lower:
            break
        units = (min(q, tier.up_to) if tier.up_to is not None else q) - lower
        unit, flat = tier_parts(tier, period, currency)
        total += unit * units + flat
        if tier.up_to is None:
            break
        lower = tier.up_to
    return total


def breakpoints(charge: Charge) -> list[int]:
    """Quantities where the charge changes shape: 0, 1, included, and each tier's
    first and last unit. Between two consecutive points every model but
    ``package`` is affine in the quantity (package steps every block)."""
    points = {0, 1, charge.included, charge.included + 1}
    for tier in charge.tiers:
        if tier.up_to is not None:
            points.update({charge.included + tier.up_to, charge.included + tier.up_to + 1})
    if charge.model == "package":
        points.update(
            {charge.included + charge.block_size, charge.included + charge.block_size + 1}
        )
    return sorted(points)


def tier_starts(charge: Charge) -> list[int]:
    """First quantity of each tier: where a volume or stairstep price may drop."""
    starts = [charge.included + 1]
    starts += [charge.included + t.up_to + 1 for t in charge.tiers if t.up_to is not None]
    return starts
