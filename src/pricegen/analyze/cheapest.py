"""The cheapest purchase that meets every requirement, and the best on each plan.

Per plan, the engine decides the add-ons that can help (and those they
require), keeping for each *cover* (how far the add-ons cover each need)
the cheapest way there. Each cover is then completed with the in-advance
quantities that close the remaining gap; for volume and stairstep charges
a larger quantity can cost less, so each tier's first quantity is tried too.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Addon, Catalog
from . import best
from .arithmetic import ZERO, ceil_div, charge_amount, exact, round_line, tier_starts
from .engine import Budget, components, solve
from .needs import (
    NO_COVER,
    add_cover,
    contribution,
    join_cover,
    need_of,
    quantity_needed,
    satisfied,
    still_open,
)
from .purchase import (
    Amounts,
    Purchase,
    addon_line,
    plan_lines,
    priced_addons,
    quantities_of,
    sold_plans,
    sorted_picks,
    usage_of,
)
from .requirements import Requirement
from .usage import usage_requirements


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


@exact
def cheapest_purchase(
    catalog: Catalog,
    requirements: list[Requirement],
    period: str,
    currency: str,
    *,
    amounts: Amounts | None = None,
    include_drafts: bool = False,
    budget: Budget | None = None,
) -> Answer:
    amounts = amounts or Amounts()
    budget = budget or Budget()
    found = []
    for plan in sold_plans(catalog, include_drafts):
        if period in plan.billing_periods and not plan.custom:
            budget.spend(1 + len(plan.charges))
            purchase = best_on(
                catalog, plan, requirements, period, currency, amounts, include_drafts, budget
            )
            if purchase is not None:
                found.append(purchase)
    rank = {pid: i for i, pid in enumerate(catalog.plans)}
    found.sort(key=lambda p: (p.total, rank[p.plan]))
    return Answer(tuple(requirements), period, currency, found[0] if found else None, tuple(found))


def best_on(
    catalog, plan, requirements, period, currency, amounts, include_drafts, budget, most=False
) -> Purchase | None:
    """The cheapest (or, with ``most``, the dearest) purchase on ``plan`` that meets
    ``requirements`` and whose usage quote() accepts; None if there is none."""
    given = usage_of(plan, amounts)
    requirements = [*requirements, *usage_requirements(plan, given, period)]
    needs = [need_of(plan, r, catalog.features[r.feature].type) for r in requirements]
    addons = priced_addons(catalog, plan, period, currency, include_drafts)
    if not most:  # the cheapest buys only add-ons that help, and what they require
        useful = {
            aid
            for aid, a in addons.items()
            if any(contribution(a, n) for n in needs if still_open(n))
        }
        closure = _requires_closure(useful, addons)
        addons = {aid: a for aid, a in addons.items() if aid in closure}
    cover, cost, picks = [NO_COVER] * len(needs), ZERO, []
    for block, members in _blocks(needs, addons):
        choice = _best_in_block(
            catalog, plan, [needs[i] for i in block], members, period, currency, amounts,
            budget, most,
        )  # fmt: skip
        if choice is None:
            return None
        for i, c in zip(block, choice[0], strict=True):
            cover[i] = c
        cost += choice[1][0]
        picks += best.picks_of(choice[1])
    ordered = sorted_picks(picks, list(catalog.addons))
    return _complete(catalog, plan, needs, tuple(cover), cost, ordered, period, currency, amounts)


def _blocks(needs, addons: dict[str, Addon]) -> list[tuple[list[int], dict[str, Addon]]]:
    """The requirements in groups that can be met independently, each with its add-ons.

    Two requirements are in one group when they are on the same feature (one
    quantity serves both) or some connected group of add-ons helps with both;
    the cheapest purchase is then the cheapest way to meet each group, added
    up, which keeps each search to the covers of its own requirements.
    """
    group = list(range(len(needs)))

    def find(i):
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    def unite(indices):
        roots = [find(i) for i in indices]
        for r in roots[1:]:
            group[r] = roots[0]

    for feature in dict.fromkeys(n.req.feature for n in needs):
        unite([i for i, n in enumerate(needs) if n.req.feature == feature])
    helped, free = [], []
    for members in components(addons):
        touched = sorted(
            {i for a in members for i, n in enumerate(needs)
             if still_open(n) and contribution(addons[a], n) is not None}
        )  # fmt: skip
        if touched:
            unite(touched)
            helped.append((touched[0], members))
        else:
            free += members
    blocks: dict[int, list[int]] = {}
    for i in range(len(needs)):
        blocks.setdefault(find(i), []).append(i)
    found = []
    for root, indices in blocks.items():
        in_block = {a for first, m in helped if find(first) == root for a in m}
        found.append((indices, {a: addons[a] for a in addons if a in in_block}))
    if free:  # add-ons that help with nothing: only a dearest purchase buys them
        found.append(([], {a: addons[a] for a in addons if a in set(free)}))
    return found


def _best_in_block(catalog, plan, needs, addons, period, currency, amounts, budget, most):
    """(cover, value) of the cheapest (or dearest) way to meet ``needs`` with ``addons``
    and the plan's in-advance quantities of their features; None if there is none."""
    caps = [n.threshold if n.req.op == ">=" else None for n in needs]
    bought = _bought(catalog, addons, needs, caps, period, currency, most)
    join = lambda a, b: tuple(map(join_cover, a, b, caps))  # noqa: E731
    unit = tuple(NO_COVER for _ in needs)
    ring = best.ring(most, join=join, unit=unit, weight=1 + len(needs))
    found = None
    for cover, value in solve(addons, bought, ring, budget).items():
        budget.spend(1 + len(plan.charges))
        lines = _quantity_lines(catalog, plan, needs, cover, period, currency, amounts)
        if lines is None:
            continue
        total = lines + value[0]
        key = (-total if most else total, value[1], value[2], -value[3])
        if found is None or key < found[0]:
            found = (key, cover, value)
    return None if found is None else found[1:]


def _quantity_lines(catalog, plan, needs, cover, period, currency, amounts):
    """The lines of the in-advance charges on the features of ``needs``, at the
    quantities that meet them with this cover; None if they cannot be met."""
    quantities = _quantities(catalog, plan, needs, cover, period, currency, amounts)
    if quantities is None:
        return None
    total = ZERO
    features = {n.req.feature for n in needs}
    for charge in plan.charges:
        if charge.billing == "in_advance" and charge.feature in features:
            amount = charge_amount(charge, quantities[charge.feature], period, currency)
            if amount is None:
                return None
            total += round_line(amount, catalog.product, currency)
    return total


def _requires_closure(ids: set[str], addons: dict[str, Addon]) -> set[str]:
    closure, stack = set(), list(ids)
    while stack:
        aid = stack.pop()
        if aid in closure or aid not in addons:
            continue
        closure.add(aid)
        stack.extend(addons[aid].requires)
    return closure


def _bought(catalog, addons, needs, caps, period, currency, most=False):
    """Buying ``qty`` of an add-on: its line and how far it alone covers each need.

    Quantities beyond saturating every increment it feeds buy nothing more,
    so they are not offered; the engine counts each one offered against its
    budget, so a huge ``max_quantity`` ends in a clear stop, not a hang. The
    dearest purchase buys ``max_quantity`` (prices are not negative).
    """
    rank = {aid: i for i, aid in enumerate(catalog.addons)}
    empty = tuple(NO_COVER for _ in needs)

    def bought(aid):
        addon = addons[aid]
        effects = [
            (i, e)
            for i, n in enumerate(needs)
            if still_open(n) and (e := contribution(addon, n)) is not None
        ]
        top = 1
        for i, e in effects:
            if e[0] == "increment" and e[4] and caps[i] is not None:
                top = max(top, ceil_div(caps[i], e[4]))
        offered = [addon.max_quantity] if most else range(1, min(top, addon.max_quantity) + 1)
        for qty in offered:
            cover = list(empty)
            for i, effect in effects:
                cover[i] = add_cover(empty[i], effect, qty, caps[i])
            line = addon_line(catalog, addon, qty, period, currency)
            yield tuple(cover), best.leaf(aid, qty, line, rank[aid], len(rank))

    return bought


# -- completing a cover ----------------------------------------------------------------


def _complete(
    catalog, plan, needs, cover, cost, picks, period, currency, amounts
) -> Purchase | None:
    """The purchase of these add-ons with the quantities and usage that meet every
    need; None if unmet."""
    quantities = _quantities(catalog, plan, needs, cover, period, currency, amounts)
    if quantities is None:
        return None
    usage = _usage_for(plan, needs, amounts)
    lines = plan_lines(catalog, plan, period, currency, quantities, usage)
    if lines is None:
        return None
    return Purchase(
        plan.id, period, currency, picks, tuple(quantities.items()), tuple(usage.items()),
        lines + cost,
    )  # fmt: skip


def _quantities(catalog, plan, needs, cover, period, currency, amounts) -> dict | None:
    """In-advance quantities that meet ``needs`` with this cover; None if unmet.

    Each charge is a line of its own and each need is on one feature, so the
    quantity of each volume or stairstep charge (where buying more can cost
    less) is chosen on its own: the cheapest of the least quantity that meets
    its needs and the first quantity of each later tier.
    """
    quantities = quantities_of(plan, amounts)
    # a required feature's least quantity closes the gap the add-ons leave, 0 when they
    # close it all (the default of 1 is for features nobody asked about); --quantity counts
    least: dict[str, int] = {}
    for need, c in zip(needs, cover, strict=True):
        fid = need.req.feature
        if need.in_advance and need.type == "metered":
            least[fid] = max(least.get(fid, 0), quantity_needed(need, c))
    for fid, q in least.items():
        given = amounts.quantities.get(fid)
        quantities[fid] = q if given is None else max(given, q)
    features = {n.req.feature for n in needs}
    for charge in plan.charges:
        if (
            charge.billing == "in_advance"
            and charge.model in ("volume", "stairstep")
            and charge.feature in features
        ):
            fid = charge.feature
            q = quantities[fid]
            options = [q] + [s for s in tier_starts(charge) if s > q]
            chosen = _cheapest_quantity(catalog, charge, options, needs, cover, period, currency)
            if chosen is None:
                return None
            quantities[fid] = chosen
    if not all(
        satisfied(n, c, quantities.get(n.req.feature)) for n, c in zip(needs, cover, strict=True)
    ):
        return None
    return quantities


def _cheapest_quantity(catalog, charge, options, needs, cover, period, currency) -> int | None:
    """The option that meets every need on the charge's feature for the smallest line."""
    found = None
    for q in options:
        if not all(
            satisfied(n, c, q)
            for n, c in zip(needs, cover, strict=True)
            if n.req.feature == charge.feature
        ):
            continue
        amount = charge_amount(charge, q, period, currency)
        if amount is None:
            continue
        line = round_line(amount, catalog.product, currency)
        if found is None or line < found[0]:
            found = (line, q)
    return None if found is None else found[1]


def _usage_for(plan, needs, amounts: Amounts) -> dict:
    """In-arrears usage: what is given, raised to each requirement on it (the customer
    will use what they need, and pays for it)."""
    usage = usage_of(plan, amounts)
    for need in needs:
        fid = need.req.feature
        if need.type == "metered" and fid in usage:
            usage[fid] = max(usage[fid], need.threshold)
    return usage
