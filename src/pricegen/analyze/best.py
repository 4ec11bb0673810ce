"""The cheapest (or dearest) choice of add-ons, as a semiring for the engine.

A value is ``(cost, add-ons, units, preference, picks)``. Two parts of one
purchase add up field by field; of two alternatives the better cost wins,
then fewer add-ons, then fewer units, then the one whose add-ons come
earlier in the catalog (``preference`` is a sum of one bit per add-on, the
earliest the highest, so it adds up like the rest and the choice does not
depend on the order in which the engine meets the parts). ``picks`` is a
tree of ``(add-on, quantity)`` pairs, flattened once at the end, so that
combining two parts costs the same however many add-ons they hold.
"""

from __future__ import annotations

from .arithmetic import ZERO
from .engine import Ring

ONE = (ZERO, 0, 0, 0, None)


def ring(most: bool = False, join=None, unit=None, weight: int = 1) -> Ring:
    """Min-plus (``most=False``) or max-plus over costs, with the tie-breaks above."""

    def better(a, b):
        if a[0] != b[0]:
            return (a if a[0] > b[0] else b) if most else (a if a[0] < b[0] else b)
        return a if (a[1], a[2], -a[3]) <= (b[1], b[2], -b[3]) else b

    return Ring(ONE, times, better, join=join, unit=unit, weight=weight)


def rings(mosts: list[bool]) -> Ring:
    """Several questions at once (the cheapest and the dearest, in each period and
    currency): values are tuples, one per question, combined each by its own ring."""
    each = [ring(most) for most in mosts]
    pluses = [r.plus for r in each]

    def times_all(a, b):
        return tuple(map(times, a, b))

    def plus_all(a, b):
        return tuple(plus(x, y) for plus, x, y in zip(pluses, a, b, strict=True))

    return Ring(tuple(r.one for r in each), times_all, plus_all, weight=len(each))


def times(a, b):
    picks = b[4] if a[4] is None else a[4] if b[4] is None else (a[4], b[4])
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], picks)


def leaf(addon_id: str, quantity: int, cost, rank: int, count: int):
    """Buying ``quantity`` of the add-on at position ``rank`` of ``count``, for ``cost``."""
    return (cost, 1, quantity, 1 << (count - rank), (addon_id, quantity))


def picks_of(value) -> list[tuple[str, int]]:
    """The (add-on, quantity) pairs of a value, in no particular order."""
    found, stack = [], [value[4]]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node[0], str):  # a leaf: (add-on, quantity)
            found.append(node)
        else:  # two parts
            stack.extend(node)
    return found
