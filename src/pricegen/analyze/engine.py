"""The one engine behind every question: dynamic programming over the add-on graph.

Each add-on sold with a plan is a variable, in or out. ``requires`` and
``excludes`` are constraints between two of them; what buying one adds (a
count, a price, how far it covers a requirement) is a factor of its own.
The engine sums over every valid choice by *variable elimination*: it takes
the add-ons one at a time in an order of small width (fewest remaining
neighbours first, which is exact for trees: leaves go first), multiplies
the factors that mention the add-on, and sums it out, leaving a factor over
its neighbours. Work is linear in the number of add-ons times 2 to the
width of the order, so trees, chains, stars, exclusive groups and
unrelated add-ons (each its own connected component) are all fast, where a
plain enumeration is 2^n.

Values are combined in a semiring (:class:`Ring`): big-int counts (+, ×),
or exact ``Decimal`` costs (min or max, +). A value may carry an *extra*
(how far the bought add-ons cover each requirement, say) that is joined
when two parts of a purchase are combined; the result is one value per
extra.

Add-ons that no valid set holds (:mod:`.buyable`) are left out first, so
the engine and ``pricegen lint`` share one definition of "can be bought".

Some catalogs are too entangled to answer exactly in bounded time (a dense
web of exclusions among hundreds of add-ons). Every step of the engine is
counted against a :class:`Budget`; at its end the engine stops with
:class:`AnalysisTooComplex`, which names the bound, rather than running on.
"""

from __future__ import annotations

import heapq
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ..model import Addon
from .buyable import excluded_by, unbuyable

# The bounds (spec/limits.md gives their measured cost): steps in all for one
# command, and rows held by one table at once.
STEPS = 1_500_000
ROWS = 100_000
# The fixed cost of making, joining or summing out one factor, in steps (one step
# is one pair of rows combined, about half a microsecond).
_FACTOR = 10
_OPTION = 4  # one way of buying an add-on: its price line, rounded


class AnalysisTooComplex(Exception):
    """The analysis met its bound; ``addon`` is where, when known."""

    def __init__(self, bound: str, addon: str | None = None) -> None:
        super().__init__(bound)
        self.bound = bound
        self.addon = addon


@dataclass
class Budget:
    """Steps left for one command, and answers already worked out (by key)."""

    steps: int = STEPS
    rows: int = ROWS
    used: int = 0
    memo: dict = field(default_factory=dict)
    where: str | None = None

    def never_bought(self, addons: Mapping[str, Addon]) -> set[str]:
        """:func:`.buyable.unbuyable`, worked out once per set of add-ons."""
        key = ("unbuyable", frozenset(addons))
        if key not in self.memo:
            self.spend(len(addons))
            self.memo[key] = unbuyable(addons)
        return self.memo[key]

    def spend(self, n: int) -> None:
        self.used += n
        if self.used > self.steps:
            raise AnalysisTooComplex(f"{self.steps:,} steps", self.where)

    def hold(self, rows: int) -> None:
        if rows > self.rows:
            bound = f"{self.rows:,} partial subscriptions held at once"
            raise AnalysisTooComplex(bound, self.where)


@dataclass(frozen=True)
class Ring:
    """How values combine: ``times`` for two parts of one purchase, ``plus`` for two
    alternatives; ``join`` combines the extras of two parts (None: no extras)."""

    one: object
    times: Callable[[object, object], object]
    plus: Callable[[object, object], object]
    join: Callable[[object, object], object] | None = None
    unit: object = None  # the extra of buying nothing
    weight: int = 1  # steps per pair of rows combined (joining extras costs more)


Bought = Callable[[str], Iterable[tuple[object, object]]]

# A factor: the add-ons it is over, and rows {(bits, extra): value}, bits 1 = bought.
Rows = dict


@dataclass
class _Factor:
    scope: tuple[str, ...]
    rows: Rows
    plain: bool  # every extra is the unit: it can only filter rows, never add any


def solve(addons: Mapping[str, Addon], bought: Bought, ring: Ring, budget: Budget) -> dict:
    """{extra: value} summed over every valid choice of ``addons`` (sold with one plan).

    ``bought(addon_id)`` gives ``(extra, value)`` for buying the add-on, one
    pair per quantity worth telling apart; leaving it out is ``(unit, one)``.
    """
    never = budget.never_bought(addons)
    buyable = {a: x for a, x in addons.items() if a not in never}
    neighbours = _neighbours(buyable)
    rank = {a: i for i, a in enumerate(buyable)}
    total: Rows = {((), ring.unit): ring.one}
    for component in _components(buyable, neighbours):
        budget.where = component[0]
        if len(component) == 1:  # a free-standing add-on: in or out, nothing to eliminate
            result = _sum_out(
                _unary(component[0], bought, ring, budget), component[0], ring, budget
            ).rows
        else:
            result = _eliminate(component, buyable, neighbours, rank, bought, ring, budget)
        total = _join(_Factor((), total, False), _Factor((), result, False), ring, budget).rows
    return {extra: value for (_, extra), value in total.items()}


def _neighbours(addons: Mapping[str, Addon]) -> dict[str, set[str]]:
    near = excluded_by(addons)
    for aid, addon in addons.items():
        for other in addon.requires:
            if other in addons and other != aid:
                near[aid].add(other)
                near[other].add(aid)
    return near


def components(addons: Mapping[str, Addon]) -> list[list[str]]:
    """The add-ons in groups tied together by requires and excludes (either way)."""
    return _components(addons, _neighbours(addons))


def _components(addons: Mapping[str, Addon], near: dict[str, set[str]]) -> list[list[str]]:
    """Connected components, each in catalog order (sets iterate in hash order, which
    varies between runs; the engine's choices must not)."""
    rank = {a: i for i, a in enumerate(addons)}
    seen: set[str] = set()
    found = []
    for start in addons:
        if start in seen:
            continue
        seen.add(start)
        members, stack = [], [start]
        while stack:
            current = stack.pop()
            members.append(current)
            for other in near[current]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        found.append(sorted(members, key=rank.__getitem__))
    return found


# -- the factors ------------------------------------------------------------------------


def _unary(aid: str, bought: Bought, ring: Ring, budget: Budget) -> _Factor:
    rows: Rows = {((0,), ring.unit): ring.one}
    budget.spend(_FACTOR)
    for extra, value in bought(aid):
        budget.spend(_OPTION * ring.weight)
        key = ((1,), extra)
        rows[key] = value if key not in rows else ring.plus(rows[key], value)
        budget.hold(len(rows))
    return _Factor((aid,), rows, all(extra == ring.unit for _, extra in rows))


def _pair(a: str, b: str, addons: Mapping[str, Addon], ring: Ring, budget: Budget) -> _Factor:
    """The constraint between two add-ons: requires either way, excludes either way."""
    budget.spend(_FACTOR)
    x, y = addons[a], addons[b]
    rows = {}
    for bits in ((0, 0), (0, 1), (1, 0), (1, 1)):
        has_a, has_b = bits
        if has_a and not has_b and b in x.requires:
            continue
        if has_b and not has_a and a in y.requires:
            continue
        if has_a and has_b and (b in x.excludes or a in y.excludes):
            continue
        rows[(bits, ring.unit)] = ring.one
    return _Factor((a, b), rows, True)


# -- elimination ------------------------------------------------------------------------


class _Pool:
    """The factors not yet used, found by add-on, and binary constraints by their pair."""

    def __init__(self, component: list[str]) -> None:
        self.factors: dict[int, _Factor] = {}
        self.by_addon: dict[str, set[int]] = {a: set() for a in component}
        self.pairs: dict[frozenset, set[int]] = {}
        self.made = 0

    def add(self, factor: _Factor) -> None:
        key, self.made = self.made, self.made + 1
        self.factors[key] = factor
        for aid in factor.scope:
            self.by_addon[aid].add(key)
        if factor.plain and len(factor.scope) == 2:
            self.pairs.setdefault(frozenset(factor.scope), set()).add(key)

    def bucket(self, aid: str, budget: Budget) -> list[_Factor]:
        """Every factor on ``aid``, and the constraints between its neighbours (which
        lie inside the bucket anyway and filter it early: an exclusive group
        stays small), taken out of the pool."""
        keys = set(self.by_addon[aid])
        scope = sorted({a for k in keys for a in self.factors[k].scope} - {aid})
        budget.spend(_FACTOR + len(scope) * len(scope))
        for i, a in enumerate(scope):
            for b in scope[i + 1 :]:
                keys |= self.pairs.get(frozenset((a, b)), set())
        taken = []
        for k in sorted(keys):
            factor = self.factors.pop(k)
            taken.append(factor)
            for a in factor.scope:
                self.by_addon[a].discard(k)
            if factor.plain and len(factor.scope) == 2:
                self.pairs[frozenset(factor.scope)].discard(k)
        return taken


def _eliminate(component, addons, near, rank, bought, ring, budget) -> Rows:
    """One connected component summed out: rows {((), extra): value}."""
    pool = _Pool(component)
    for aid in component:
        budget.where = aid
        pool.add(_unary(aid, bought, ring, budget))
    for aid in component:
        for other in sorted(near[aid], key=rank.__getitem__):
            if rank[aid] < rank[other]:
                pool.add(_pair(aid, other, addons, ring, budget))
    result = _Factor((), {((), ring.unit): ring.one}, True)
    for aid in _order(component, near, rank, budget):
        budget.where = aid
        bucket = pool.bucket(aid, budget)
        message = _sum_out(_product(bucket, aid, ring, budget), aid, ring, budget)
        if message.scope:
            pool.add(message)
        else:
            result = _join(result, message, ring, budget)
    return result.rows


def _order(component: list[str], near, rank, budget: Budget) -> list[str]:
    """Fewest remaining neighbours first (ties in catalog order); eliminating an
    add-on ties its neighbours together, as the factor left over them does."""
    graph = {a: set(near[a]) for a in component}
    heap = [(len(graph[a]), rank[a], a) for a in component]
    heapq.heapify(heap)
    order = []
    while heap:
        degree, _, aid = heapq.heappop(heap)
        if aid not in graph or degree != len(graph[aid]):
            continue
        around = graph.pop(aid)
        order.append(aid)
        budget.spend(1 + len(around) * len(around))
        for other in around:
            graph[other].discard(aid)
            graph[other] |= around - {other}
            heapq.heappush(heap, (len(graph[other]), rank[other], other))
    return order


def _product(bucket: list[_Factor], aid: str, ring: Ring, budget: Budget) -> _Factor:
    """The product of a bucket, joined in an order that keeps tables small: the add-on's
    own factor first, then whatever lies inside the scope so far, then the factor
    that shares most with it."""
    rest = list(bucket)
    current = min((f for f in rest if aid in f.scope), key=lambda f: (len(f.scope), len(f.rows)))
    rest.remove(current)
    while rest:
        inside = set(current.scope)
        outside = []
        for factor in rest:
            if inside.issuperset(factor.scope):
                current = _join(current, factor, ring, budget)
            else:
                outside.append(factor)
        if not outside:
            break
        best = max(
            range(len(outside)),
            key=lambda i: (len(inside.intersection(outside[i].scope)), -len(outside[i].rows), -i),
        )
        current = _join(current, outside.pop(best), ring, budget)
        rest = outside
    return current


def _join(f: _Factor, g: _Factor, ring: Ring, budget: Budget) -> _Factor:
    """Rows of f and g that agree on their shared add-ons, values multiplied."""
    where = {a: i for i, a in enumerate(f.scope)}
    at_g = [i for i, a in enumerate(g.scope) if a in where]
    own_g = [i for i, a in enumerate(g.scope) if a not in where]
    on_f = _projector([where[g.scope[i]] for i in at_g])
    on_g, rest_g = _projector(at_g), _projector(own_g)
    index: dict[tuple, list] = {}
    for (bits, extra), value in g.rows.items():
        index.setdefault(on_g(bits), []).append((rest_g(bits), extra, value))
    join, times, plus = ring.join, ring.times, ring.plus
    rows: Rows = {}
    cost = ring.weight + _wide(f.scope + g.scope)  # per pair: the values, and the keys' length
    budget.spend(2 * _FACTOR + len(f.rows) + len(g.rows))
    for (bits, extra), value in f.rows.items():
        matches = index.get(on_f(bits))
        if not matches:
            continue
        budget.spend(len(matches) * cost)
        for more, other_extra, other_value in matches:
            key = (bits + more, extra if join is None else join(extra, other_extra))
            product = times(value, other_value)
            rows[key] = product if key not in rows else plus(rows[key], product)
        budget.hold(len(rows))
    scope = f.scope + tuple(g.scope[i] for i in own_g)
    return _Factor(scope, rows, f.plain and g.plain)


def _wide(scope: tuple) -> int:
    """The extra cost of rows over many add-ons: their keys are longer to build and hash."""
    return len(scope) // 8


def _projector(positions: list[int]):
    """bits -> the tuple of bits at ``positions``."""
    if not positions:
        return lambda bits: ()
    if len(positions) == 1:
        (at,) = positions
        return lambda bits: (bits[at],)
    return operator.itemgetter(*positions)


def _sum_out(factor: _Factor, aid: str, ring: Ring, budget: Budget) -> _Factor:
    at = factor.scope.index(aid)
    scope = factor.scope[:at] + factor.scope[at + 1 :]
    rows: Rows = {}
    plus = ring.plus
    budget.spend(_FACTOR + len(factor.rows) * (1 + _wide(factor.scope)))
    for (bits, extra), value in factor.rows.items():
        key = (bits[:at] + bits[at + 1 :], extra)
        rows[key] = value if key not in rows else plus(rows[key], value)
    return _Factor(scope, rows, factor.plain)
