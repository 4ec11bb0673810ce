"""The cheapest purchase that meets every requirement, and the best on each plan.

Per plan, the sweep decides the add-ons that can help (and those they
require), keeping for each state how far the add-ons cover each need and
the cheapest way there. Each cover is then completed with the in-advance
quantities that close the remaining gap; for volume and stairstep charges
a larger quantity can cost less, so each tier's first quantity is tried too.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Addon, Catalog
from .arithmetic import ZERO, ceil_div, tier_starts
from .engine import sweep
from .needs import (
    NO_COVER,
    add_cover,
    contribution,
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
    needs = [need_of(plan, r, catalog.features[r.feature].type) for r in requirements]
    addons = priced_addons(catalog, plan, period, currency, include_drafts)
    useful = {
        aid for aid, a in addons.items() if any(contribution(a, n) for n in needs if still_open(n))
    }
    closure = _requires_closure(useful, addons)
    addons = {aid: a for aid, a in addons.items() if aid in closure}
    covers = sweep(
        addons,
        (ZERO, ()),
        _requirement_choices(catalog, addons, needs, period, currency),
        _cheaper,
        extra=tuple(NO_COVER for _ in needs),
    )
    best = None
    for cover, (cost, picks) in covers.items():
        purchase = _complete(catalog, plan, needs, cover, cost, picks, period, currency, amounts)
        if purchase is not None and (
            best is None or (purchase.total, len(purchase.addons)) < (best.total, len(best.addons))
        ):
            best = purchase
    return best


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
            if still_open(n) and (e := contribution(addon, n)) is not None
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
                new[i] = add_cover(cover[i], effect, qty, caps[i])
            yield tuple(new), (cost + line, picks + ((aid, qty),))

    return choices


def _cheaper(a, b):
    if a[0] != b[0]:
        return a if a[0] < b[0] else b
    return min(a, b, key=lambda v: (len(v[1]), v[1]))


# -- completing a cover ----------------------------------------------------------------


def _complete(
    catalog, plan, needs, cover, cost, picks, period, currency, amounts
) -> Purchase | None:
    """Choose in-advance quantities and usage for a set of add-ons; None if unmet."""
    quantities, usage = _amounts_for(plan, needs, cover, amounts)
    options: dict[str, list[int]] = {}
    for charge in plan.charges:
        if charge.billing == "in_advance" and charge.model in ("volume", "stairstep"):
            q = quantities[charge.feature]
            options[charge.feature] = [q] + [s for s in tier_starts(charge) if s > q]
    best = None
    for chosen in _combinations(quantities, options):
        if not all(
            satisfied(n, c, chosen.get(n.req.feature)) for n, c in zip(needs, cover, strict=True)
        ):
            continue
        lines = plan_lines(catalog, plan, period, currency, chosen, usage)
        if lines is not None and (best is None or lines < best[0]):
            best = (lines, chosen)
    if best is None:
        return None
    return Purchase(
        plan.id,
        period,
        currency,
        sorted_picks(picks, list(catalog.addons)),
        tuple(best[1].items()),
        tuple(usage.items()),
        best[0] + cost,
    )


def _amounts_for(plan, needs, cover, amounts: Amounts) -> tuple[dict, dict]:
    """(quantities, usage): those given, raised to what each need still lacks."""
    quantities = quantities_of(plan, amounts)
    usage = usage_of(plan, amounts)
    for need, c in zip(needs, cover, strict=True):
        fid = need.req.feature
        if need.type == "metered" and fid in usage:
            usage[fid] = max(usage[fid], need.threshold)
        if need.in_advance and need.type == "metered":
            quantities[fid] = max(quantities[fid], quantity_needed(need, c))
    return quantities, usage


def _combinations(quantities: dict[str, int], options: dict[str, list[int]]):
    """Every mix of candidate quantities (only volume and stairstep charges have several)."""
    mixes = [dict(quantities)]
    for fid, values in options.items():
        mixes = [{**m, fid: v} for m in mixes for v in values]
    return mixes
