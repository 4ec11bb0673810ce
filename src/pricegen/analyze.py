"""What a catalog can sell: its configuration space, its extremes, the cheapest purchase.

A *subscription* here is a plan plus a set of add-ons, each bought between 1
and ``max_quantity`` times, that the evaluator accepts: every add-on is
compatible with the plan, its ``requires`` are bought too, and no two bought
add-ons exclude each other. Archived plans and add-ons sell to nobody new,
and drafts only count with ``include_drafts``. In-advance quantities (seats)
are unbounded, so they are not part of the count.

One engine answers every question: a sweep over the add-ons in an order
that follows the requires/excludes graph. Deciding an add-on (in or out)
only ever constrains the undecided ones by *forcing* them in or out, so the
state of the sweep is the pair of forced sets, plus, when a requirement is
searched, how far the bought add-ons cover it (capped at the threshold). For
chains, trees and groups of mutually exclusive add-ons the forced sets stay
tiny, and unrelated add-ons never appear in the same set, so counting is
linear in the number of add-ons rather than 2^n. Values are combined in a
semiring: big-int counts (+, ×), or exact ``Decimal`` costs (min/max, +).

Money here is the model's own arithmetic, rounded per line exactly as the
generated evaluator rounds a quote, so that optimising the sum of lines
optimises the quote's total. Final answers are re-quoted by the evaluator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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

from .model import Addon, Catalog, Charge, Entitlement, Plan, Product
from .money import Price

# -- the model's arithmetic ------------------------------------------------------------

_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)
_ROUNDING = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "up": ROUND_UP,
    "down": ROUND_DOWN,
}
ZERO = Decimal(0)


def round_line(amount: Decimal, product: Product, currency: str) -> Decimal:
    """A line item rounded to the currency's minor unit, as the catalog says."""
    digits = product.minor_units[currency]
    with localcontext(_CONTEXT):
        return amount.quantize(Decimal(1).scaleb(-digits), rounding=_ROUNDING[product.rounding])


def ceil_div(a, b) -> int:
    """The smallest whole n with n × b ≥ a, exactly (b > 0; ints or Decimals)."""
    with localcontext(_CONTEXT):
        return int((Decimal(a) / Decimal(b)).to_integral_value(rounding=ROUND_CEILING))


def price_of(price: Price | None, period: str, currency: str) -> Decimal | None:
    """The amount of ``price`` in one period and currency; 0 for no price; None if not sold."""
    if not price:
        return ZERO
    return price.get(period, {}).get(currency)


def charge_amount(charge: Charge, quantity: int, period: str, currency: str) -> Decimal | None:
    """Unrounded amount of ``charge`` for ``quantity`` units; None when the quantity is refused."""
    with localcontext(_CONTEXT):
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
        unit, flat = _tier_parts(tier, period, currency)
        return unit * q + flat
    return None if tier is None else tier.price[period][currency]  # stairstep


def _tier_parts(tier, period: str, currency: str) -> tuple[Decimal, Decimal]:
    unit = tier.unit_price[period][currency] if tier.unit_price else ZERO
    flat = tier.flat_price[period][currency] if tier.flat_price else ZERO
    return unit, flat


def _graduated(charge: Charge, q: int, period: str, currency: str) -> Decimal:
    total, lower = ZERO, 0
    for tier in charge.tiers:
        if q <= lower:
            break
        units = (min(q, tier.up_to) if tier.up_to is not None else q) - lower
        unit, flat = _tier_parts(tier, period, currency)
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
        from math import lcm

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
        with localcontext(_CONTEXT):
            return charge.block_price[period][currency] / charge.block_size
    return _tier_parts(charge.tiers[-1], period, currency)[0]


# -- what is sold ----------------------------------------------------------------------


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


# -- the sweep -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Graph:
    """Add-ons in sweep order, with each one's constraints on those decided after it."""

    order: tuple[str, ...]
    blocked: frozenset[str]  # requires an add-on that cannot be bought with the plan
    requires_later: dict[str, frozenset[str]]
    conflicts_later: dict[str, frozenset[str]]
    dependents_later: dict[str, frozenset[str]]


def _graph(addons: dict[str, Addon]) -> _Graph:
    ids = set(addons)
    requires = {a: set(addon.requires) & ids for a, addon in addons.items()}
    blocked = frozenset(a for a, addon in addons.items() if not set(addon.requires) <= ids)
    conflicts = {a: set(addon.excludes) & ids for a, addon in addons.items()}
    for a, addon in addons.items():
        for b in addon.excludes:
            if b in ids:
                conflicts[b].add(a)
    dependents: dict[str, set[str]] = {a: set() for a in ids}
    for a, needed in requires.items():
        for b in needed:
            dependents[b].add(a)
    neighbours = {a: requires[a] | conflicts[a] | dependents[a] for a in ids}
    order = _sweep_order(list(addons), neighbours)
    position = {a: i for i, a in enumerate(order)}

    def later(a: str, among: set[str]) -> frozenset[str]:
        return frozenset(b for b in among if position[b] > position[a])

    return _Graph(
        order=tuple(order),
        blocked=blocked,
        requires_later={a: later(a, requires[a]) for a in ids},
        conflicts_later={a: later(a, conflicts[a]) for a in ids},
        dependents_later={a: later(a, dependents[a]) for a in ids},
    )


def _sweep_order(ids: list[str], neighbours: dict[str, set[str]]) -> list[str]:
    """Connected components one after another, each breadth first from its first add-on,
    so that forced sets never mix unrelated add-ons."""
    rank = {a: i for i, a in enumerate(ids)}
    order: list[str] = []
    placed: set[str] = set()
    for start in ids:
        if start in placed:
            continue
        placed.add(start)
        queue = [start]
        while queue:
            current = queue.pop(0)
            order.append(current)
            for nxt in sorted(neighbours[current] - placed, key=rank.__getitem__):
                placed.add(nxt)
                queue.append(nxt)
    return order


State = tuple  # (forced_in, forced_out, extra)
Choices = Callable[[str, object, object], Iterable[tuple[object, object]]]


def sweep(addons: dict[str, Addon], start, choices: Choices, merge, extra=None) -> dict:
    """Decide every add-on in or out; return {extra: value} over the valid subscriptions.

    ``choices(addon_id, extra, value)`` yields ``(extra, value)`` for buying the
    add-on (one pair per quantity worth telling apart); ``merge`` combines the
    values of two ways that reach the same state.
    """
    graph = _graph(addons)
    states: dict[State, object] = {(frozenset(), frozenset(), extra): start}
    for aid in graph.order:
        nxt: dict[State, object] = {}
        for (forced_in, forced_out, ext), value in states.items():
            rest_in, rest_out = forced_in - {aid}, forced_out - {aid}
            if aid not in forced_in:  # leave it out: whatever requires it is out too
                out = rest_out | graph.dependents_later[aid]
                if not out & rest_in:
                    _put(nxt, (rest_in, out, ext), value, merge)
            if aid in forced_out or aid in graph.blocked:
                continue
            now_in = rest_in | graph.requires_later[aid]
            now_out = rest_out | graph.conflicts_later[aid]
            if now_in & now_out:
                continue
            for new_ext, new_value in choices(aid, ext, value):
                _put(nxt, (now_in, now_out, new_ext), new_value, merge)
        states = nxt
    result: dict = {}
    for (_, _, ext), value in states.items():
        _put(result, ext, value, merge)
    return result


def _put(states: dict, key, value, merge) -> None:
    states[key] = value if key not in states else merge(states[key], value)


# -- the configuration space -----------------------------------------------------------


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


# -- costs -----------------------------------------------------------------------------


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


def _quantities(plan: Plan, amounts: Amounts) -> dict[str, int]:
    return {
        c.feature: amounts.quantities.get(c.feature, 1)
        for c in plan.charges
        if c.billing == "in_advance"
    }


def _priced_addons(catalog, plan, period, currency, include_drafts) -> dict[str, Addon]:
    """Sold add-ons that have a price in this period and currency."""
    return {
        aid: a
        for aid, a in sold_addons(catalog, plan, include_drafts).items()
        if price_of(a.price, period, currency) is not None
    }


def extreme(
    catalog: Catalog,
    period: str,
    currency: str,
    *,
    most: bool,
    amounts: Amounts | None = None,
    include_drafts: bool = False,
) -> Purchase | None:
    """The cheapest (``most=False``) or most expensive subscription with a list price."""
    amounts = amounts or Amounts()
    best: Purchase | None = None
    for plan in sold_plans(catalog, include_drafts):
        if period not in plan.billing_periods:
            continue
        quantities = _quantities(plan, amounts)
        usage = {
            c.feature: amounts.usage.get(c.feature, 0)
            for c in plan.charges
            if c.billing == "in_arrears"
        }
        base = plan_lines(catalog, plan, period, currency, quantities, usage)
        if base is None:
            continue
        addons = _priced_addons(catalog, plan, period, currency, include_drafts)
        cost, picks = _best_addons(catalog, addons, period, currency, most)
        candidate = Purchase(
            plan.id,
            period,
            currency,
            picks,
            tuple(quantities.items()),
            tuple(usage.items()),
            base + cost,
        )
        if best is None or _better(candidate, best, most):
            best = candidate
    return best


def _better(a: Purchase, b: Purchase, most: bool) -> bool:
    """Strictly better total; ties keep the earlier plan (ladder order)."""
    return a.total > b.total if most else a.total < b.total


def _best_addons(catalog, addons: dict[str, Addon], period, currency, most: bool):
    """(cost, picks) of the most or least expensive valid add-on choice.

    Prices are not negative, so the cheapest buys each chosen add-on once and
    the most expensive buys it ``max_quantity`` times.
    """

    def choices(aid, ext, value):
        addon = addons[aid]
        qty = addon.max_quantity if most else 1
        cost, picks = value
        yield ext, (cost + addon_line(catalog, addon, qty, period, currency), picks + ((aid, qty),))

    def merge(a, b):
        if a[0] != b[0]:
            return (a if a[0] > b[0] else b) if most else (a if a[0] < b[0] else b)
        return min(a, b, key=lambda v: (len(v[1]), v[1]))

    result = sweep(addons, (ZERO, ()), choices, merge)
    cost, picks = result[None]
    order = list(addons)
    return cost, tuple(sorted(picks, key=lambda p: order.index(p[0])))


# -- requirements ----------------------------------------------------------------------

_REQUIREMENT = re.compile(r"\s*([a-z][a-z0-9_-]*)\s*(?:(>=|=)\s*(\S.*?))?\s*")
_NUMBER = re.compile(r"[0-9][0-9_]*(\.[0-9]+)?")


@dataclass(frozen=True)
class Requirement:
    """``sso`` (granted), ``seats>=40`` (a limit or value of at least 40), ``export=parquet``."""

    feature: str
    op: str  # has | >= | =
    value: object = None  # int for metered, Decimal for config, str for enum

    def __str__(self) -> str:
        if self.op == "has":
            return self.feature
        shown = f"{self.value:,}" if isinstance(self.value, int) else str(self.value)
        return f"{self.feature}{self.op}{shown}"


class RequirementError(ValueError):
    """A requirement that does not parse or does not fit its feature."""


def parse_requirement(text: str, catalog: Catalog) -> Requirement:
    match = _REQUIREMENT.fullmatch(text)
    if not match:
        raise RequirementError(
            f'"{text}" is not a requirement; expected FEATURE, FEATURE>=N or FEATURE=VALUE, '
            "e.g. sso, seats>=40, export-format=parquet."
        )
    fid, op, raw = match.group(1), match.group(2) or "has", match.group(3)
    feature = catalog.features.get(fid)
    if feature is None:
        from .diagnostics import did_you_mean

        raise RequirementError(
            f'Unknown feature "{fid}" in "{text}"{did_you_mean(fid, catalog.features, "features")}'
        )
    if op == "has":
        return Requirement(fid, ">=", 1) if feature.type == "metered" else Requirement(fid, "has")
    if feature.type == "enum":
        if op != "=" or raw not in feature.values:
            options = ", ".join(f"{fid}={v}" for v in feature.values)
            raise RequirementError(
                f'"{text}" does not name a value of enum feature "{fid}"; '
                f"expected one of {options}."
            )
        return Requirement(fid, "=", raw)
    if feature.type == "boolean":
        raise RequirementError(f'"{fid}" is a boolean feature; require it as "{fid}" alone.')
    if op != ">=" or not _NUMBER.fullmatch(raw):
        raise RequirementError(f'"{text}" needs a number; expected {fid}>=N, e.g. {fid}>=40.')
    number = Decimal(raw.replace("_", ""))
    if feature.type == "metered":
        if number != number.to_integral_value() or number < 1:
            raise RequirementError(f'"{text}" needs a whole number of at least 1.')
        return Requirement(fid, ">=", int(number))
    return Requirement(fid, ">=", number)


def behavior(ent: Entitlement) -> str:
    """How an add-on grant combines, as the evaluator does: metered grants
    increment by default, other types take the most generous value."""
    return ent.behavior or ("increment" if ent.type == "metered" else "override")


@dataclass(frozen=True)
class _Need:
    """One requirement against one plan: what the plan gives, and what add-ons may add."""

    req: Requirement
    type: str
    in_advance: bool  # the plan sells the feature in advance (the quantity is the limit)
    granted: bool  # by the plan
    unlimited: bool
    soft: bool
    base: object  # the plan's limit or value (0 when absent)

    @property
    def threshold(self):
        return self.req.value


# Coverage of one need by the add-ons bought so far:
# (granted, unlimited, soft, override_max, increment_sum), numbers capped at the threshold.
_NO_COVER = (False, False, False, 0, 0)


def _need(plan: Plan, req: Requirement, feature_type: str) -> _Need:
    ent = plan.entitlements.get(req.feature)
    in_advance = any(c.feature == req.feature and c.billing == "in_advance" for c in plan.charges)
    granted = ent is not None
    base: object = 0
    unlimited = soft = False
    if ent is not None:
        if req.op == "=":
            granted = req.value in ent.values
        elif feature_type == "metered":
            unlimited, soft, base = ent.unlimited and not in_advance, ent.soft, ent.limit or 0
        elif feature_type == "config":
            base = ent.value if ent.value is not None else 0
    return _Need(req, feature_type, in_advance, granted, unlimited, soft, base)


def _contribution(addon: Addon, need: _Need):
    """What one unit of ``addon`` does for ``need``: None, or
    (behavior, granted, unlimited, soft, amount)."""
    ent = addon.entitlements.get(need.req.feature)
    if ent is None or not ent.granted:
        return None
    if need.req.op == "has":
        return ("override", True, False, False, 0)
    if need.req.op == "=":
        return ("override", True, False, False, 0) if need.req.value in ent.values else None
    if need.type == "metered":
        return (behavior(ent), True, ent.unlimited, ent.soft, ent.limit or 0)
    return (behavior(ent), True, False, False, ent.value or 0)


def _cover(cover: tuple, effect, qty: int, cap) -> tuple:
    kind, granted, unlimited, soft, amount = effect
    g, u, s, over, inc = cover
    if kind == "override":
        over = min(max(over, amount), cap) if cap is not None else 0
    else:
        inc = min(inc + amount * qty, cap) if cap is not None else 0
    return (g or granted, u or unlimited, s or soft, over, inc)


def _satisfied(need: _Need, cover: tuple, quantity: int | None) -> bool:
    """Does the plan, with these add-ons and this in-advance quantity, meet the need?"""
    g, u, s, over, inc = cover
    granted = need.granted or g or need.in_advance
    if not granted:
        return False
    if need.req.op in ("has", "="):
        return True
    if need.type == "metered":
        if need.unlimited or u or need.soft or s:
            return True
        base = quantity if need.in_advance else need.base
        return max(base, over) + inc >= need.threshold
    return max(need.base, over) + inc >= need.threshold


def _quantity_needed(need: _Need, cover: tuple) -> int:
    """The in-advance quantity that closes the gap the add-ons leave (0 if none)."""
    g, u, s, over, inc = cover
    if need.unlimited or u or need.soft or s or over + inc >= need.threshold:
        return 0
    return need.threshold - inc


@dataclass(frozen=True)
class Answer:
    """The cheapest purchase meeting every requirement, and the best on each plan."""

    requirements: tuple[Requirement, ...]
    period: str
    currency: str
    best: Purchase | None
    per_plan: tuple[
        Purchase, ...
    ]  # the best purchase on each plan that can meet them, cheapest first


def cheapest_purchase(
    catalog: Catalog,
    requirements: list[Requirement],
    period: str,
    currency: str,
    *,
    amounts: Amounts | None = None,
    include_drafts: bool = False,
) -> Answer:
    amounts = amounts or Amounts()
    found = []
    for plan in sold_plans(catalog, include_drafts):
        if period in plan.billing_periods and not plan.custom:
            purchase = _cheapest_on(
                catalog, plan, requirements, period, currency, amounts, include_drafts
            )
            if purchase is not None:
                found.append(purchase)
    order = list(catalog.plans)
    found.sort(key=lambda p: (p.total, order.index(p.plan)))
    return Answer(tuple(requirements), period, currency, found[0] if found else None, tuple(found))


def _cheapest_on(
    catalog, plan, requirements, period, currency, amounts, include_drafts
) -> Purchase | None:
    needs = [_need(plan, r, catalog.features[r.feature].type) for r in requirements]
    addons = _priced_addons(catalog, plan, period, currency, include_drafts)
    useful = {
        aid for aid, a in addons.items() if any(_contribution(a, n) for n in needs if _open(n))
    }
    closure = _requires_closure(useful, addons)
    addons = {aid: a for aid, a in addons.items() if aid in closure}
    covers = sweep(
        addons,
        (ZERO, ()),
        _requirement_choices(catalog, addons, needs, period, currency),
        _cheaper,
        extra=tuple(_NO_COVER for _ in needs),
    )
    best = None
    for cover, (cost, picks) in covers.items():
        purchase = _complete(catalog, plan, needs, cover, cost, picks, period, currency, amounts)
        if purchase is not None and (
            best is None or (purchase.total, len(purchase.addons)) < (best.total, len(best.addons))
        ):
            best = purchase
    return best


def _open(need: _Need) -> bool:
    """Can add-ons still help? Not when the plan alone meets the need; a quantity
    bought in advance is a trade-off against add-ons, so that need stays open."""
    if need.in_advance and need.type == "metered":
        return not (need.unlimited or need.soft)
    return not _satisfied(need, _NO_COVER, None)


def _requires_closure(ids: set[str], addons: dict[str, Addon]) -> set[str]:
    closure, stack = set(), list(ids)
    while stack:
        aid = stack.pop()
        if aid in closure or aid not in addons:
            continue
        closure.add(aid)
        stack.extend(addons[aid].requires)
    return closure


def _requirement_choices(catalog, addons, needs, period, currency):
    """Buying ``qty`` of an add-on: its line (computed once) and its effect on each need."""
    caps = [n.threshold if n.req.op == ">=" else None for n in needs]
    options = {}
    for aid, addon in addons.items():
        effects = [
            (i, e)
            for i, n in enumerate(needs)
            if _open(n) and (e := _contribution(addon, n)) is not None
        ]
        top = 1  # quantities beyond saturating every increment it feeds buy nothing
        for i, e in effects:
            if e[0] == "increment" and e[4] and caps[i] is not None:
                top = max(top, ceil_div(caps[i], e[4]))
        options[aid] = [
            (qty, addon_line(catalog, addon, qty, period, currency), effects)
            for qty in range(1, min(top, addon.max_quantity) + 1)
        ]

    def choices(aid, cover, value):
        cost, picks = value
        for qty, line, effects in options[aid]:
            new = list(cover)
            for i, effect in effects:
                new[i] = _cover(cover[i], effect, qty, caps[i])
            yield tuple(new), (cost + line, picks + ((aid, qty),))

    return choices


def _cheaper(a, b):
    if a[0] != b[0]:
        return a if a[0] < b[0] else b
    return min(a, b, key=lambda v: (len(v[1]), v[1]))


def _complete(
    catalog, plan, needs, cover, cost, picks, period, currency, amounts
) -> Purchase | None:
    """Choose in-advance quantities and usage for a set of add-ons; None if unmet."""
    quantities = _quantities(plan, amounts)
    usage = {
        c.feature: amounts.usage.get(c.feature, 0)
        for c in plan.charges
        if c.billing == "in_arrears"
    }
    options: dict[str, list[int]] = {}
    for need, c in zip(needs, cover, strict=True):
        fid = need.req.feature
        if need.type == "metered" and fid in usage:
            usage[fid] = max(usage[fid], need.threshold)
        if need.in_advance and need.type == "metered":
            quantities[fid] = max(quantities[fid], _quantity_needed(need, c))
    for charge in plan.charges:
        if charge.billing == "in_advance" and charge.model in ("volume", "stairstep"):
            q = quantities[charge.feature]
            options[charge.feature] = [q] + [s for s in tier_starts(charge) if s > q]
    best = None
    for chosen in _combinations(quantities, options):
        if not all(
            _satisfied(n, c, chosen.get(n.req.feature)) for n, c in zip(needs, cover, strict=True)
        ):
            continue
        lines = plan_lines(catalog, plan, period, currency, chosen, usage)
        if lines is not None and (best is None or lines < best[0]):
            best = (lines, chosen)
    if best is None:
        return None
    order = list(catalog.addons)
    picks = tuple(sorted(picks, key=lambda p: order.index(p[0])))
    return Purchase(
        plan.id,
        period,
        currency,
        picks,
        tuple(best[1].items()),
        tuple(usage.items()),
        best[0] + cost,
    )


def _combinations(quantities: dict[str, int], options: dict[str, list[int]]):
    """Every mix of candidate quantities (only volume and stairstep charges have several)."""
    mixes = [dict(quantities)]
    for fid, values in options.items():
        mixes = [{**m, fid: v} for m in mixes for v in values]
    return mixes


# -- the evaluator's word --------------------------------------------------------------


def quote(module, purchase: Purchase):
    """Quote ``purchase`` with the generated evaluator (``runtime.load_evaluator``)."""
    sub = subscription(module, purchase)
    return module.quote(sub, usage=dict(purchase.usage))


def subscription(module, purchase: Purchase):
    return module.Subscription(
        plan=purchase.plan,
        period=purchase.period,
        currency=purchase.currency,
        quantities=dict(purchase.quantities),
        addons=dict(purchase.addons),
    )


def meets(module, purchase: Purchase, requirement: Requirement) -> bool:
    """Does the evaluator agree that ``purchase`` meets ``requirement``?"""
    sub = subscription(module, purchase)
    if requirement.op == ">=" and isinstance(requirement.value, int):
        decision = module.check(sub, requirement.feature, usage=requirement.value - 1, requested=1)
        return decision.has_access
    ent = module.entitlements(sub).get(requirement.feature)
    if ent is None:
        return False
    if requirement.op == "=":
        return requirement.value in ent.values
    if requirement.op == ">=":
        return ent.value is not None and ent.value >= requirement.value
    return True
