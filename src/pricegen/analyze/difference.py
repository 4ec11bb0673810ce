"""How two charges differ over every quantity at once, exactly.

``pricegen diff`` classes a changed charge by it (does it cost more
anywhere?) and ``pricegen lint`` proves one plan never dearer than another
with it. Both need the answer for *every* quantity, not a sample, so the
comparison looks only where it can change: the charges' breakpoints and
block boundaries, and the slope of the tail past the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from math import lcm

from ..model import Charge
from .arithmetic import CONTEXT, ZERO, breakpoints, ceil_div, charge_amount, tier_parts


@dataclass(frozen=True)
class Difference:
    """How ``new(q) - old(q)`` ranges over every quantity q ≥ 0 (up to ``upper``).

    ``lowest``/``highest`` are exact, or ±Infinity when the difference grows
    without bound; ``*_at`` is a quantity where it is reached (the first one
    past the last breakpoint for an infinite tail). ``refused_at`` is a
    quantity the old charge priced and the new one refuses (bounded stairstep).
    """

    lowest: Decimal
    lowest_at: int
    highest: Decimal
    highest_at: int
    refused_at: int | None = None


_INFINITY = Decimal("Infinity")


def charge_difference(
    new: Charge | None, old: Charge | None, period: str, currency: str, upper: int | None = None
) -> Difference:
    """Compare two charges on every quantity, exactly: a missing charge costs 0.

    Between consecutive breakpoints of both charges the difference is affine,
    so its extremes are at breakpoints; past the last one it follows the
    difference of the final slopes. A package charge is constant on each
    block, so on a run of blocks between two breakpoints the difference is
    affine in the block number, and the first and last blocks of each run
    bound it. Two packages with different blocks are probed block by block
    over one common period.
    """
    charges = [c for c in (new, old) if c is not None]
    points = {p for c in charges for p in breakpoints(c)}
    points |= _package_points(charges, points)
    if upper is not None:
        points = {p for p in points if p <= upper} | {upper}
    values, refused = [], None
    for q in sorted(points):
        before = _amount_or_zero(old, q, period, currency)
        after = _amount_or_zero(new, q, period, currency)
        if before is None:
            continue
        if after is None:
            refused = q if refused is None else refused
            continue
        values.append((after - before, q))
    if not values:
        return Difference(ZERO, 0, ZERO, 0, refused)
    low = min(values, key=lambda v: (v[0], v[1]))
    high = max(values, key=lambda v: (v[0], -v[1]))
    if upper is None:
        slope = _tail_slope(new, period, currency) - _tail_slope(old, period, currency)
        tail = max(points) + 1
        if slope < 0:
            low = (-_INFINITY, tail)
        elif slope > 0:
            high = (_INFINITY, tail)
    return Difference(low[0], low[1], high[0], high[1], refused)


def _package_points(charges: list[Charge], points: set[int]) -> set[int]:
    """Block boundaries that bound a difference involving package charges."""
    packages = [c for c in charges if c.model == "package"]
    if not packages:
        return set()
    top = max(points) + 2 * max(c.block_size for c in packages)
    extra: set[int] = set()
    shapes = {(c.block_size, c.included) for c in packages}
    if len(shapes) > 1:  # two different block grids: walk one common period past the top
        limit = top + lcm(*(k for k, _ in shapes))
        for k, inc in shapes:
            count = min((limit - inc) // k + 1, 100_000)
            extra |= {inc + n * k + d for n in range(count) for d in (0, 1)}
    for k, inc in shapes:
        for x in (*points, top):
            n_x = max(ceil_div(max(x - inc, 0), k), 1)
            for n in (n_x - 1, n_x, n_x + 1):
                if n >= 1:
                    extra |= {inc + (n - 1) * k + 1, inc + n * k}
    return extra


def _amount_or_zero(charge: Charge | None, q: int, period: str, currency: str) -> Decimal | None:
    return ZERO if charge is None else charge_amount(charge, q, period, currency)


def _tail_slope(charge: Charge | None, period: str, currency: str) -> Decimal:
    """The price of one more unit far beyond every tier (0 for flat and stairstep)."""
    if charge is None or charge.model in ("flat", "stairstep"):
        return ZERO
    if charge.model == "per_unit":
        return charge.unit_price[period][currency]
    if charge.model == "package":
        with localcontext(CONTEXT):
            return charge.block_price[period][currency] / charge.block_size
    return tier_parts(charge.tiers[-1], period, currency)[0]
