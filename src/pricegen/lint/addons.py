"""Add-on rules: add-ons nobody can buy, or nobody should.

- ``ADDON_NEVER_BOUGHT``: in no valid subscription with any published plan
  it lists. The verdict is :func:`pricegen.analyze.unbuyable`, the same
  helper the analysis engine prunes with, so lint and ``analyze`` agree;
  :func:`pricegen.analyze.obstacle` explains it with a chain.
- ``ADDON_IDENTICAL`` and ``ADDON_DOMINATED``: the add-on twins of the plan
  ladder rules, from one pass over the pairs of published add-ons.
- ``ADDON_ADDS_NOTHING``: per plan, every grant of the add-on is already at
  least as generous in the plan.

Only published plans and add-ons are compared, as in the other lint rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import analyze
from ..diagnostics import Diagnostic, warning
from ..model import Addon, Catalog, Entitlement, Plan
from .context import Context


def _published_addons(catalog: Catalog) -> dict[str, Addon]:
    return {a.id: a for a in catalog.addons.values() if a.status == "published"}


def _plans_of(ctx: Context, addon: Addon) -> list[Plan]:
    """The published plans an add-on lists, in its order."""
    plans = ctx.catalog.plans
    return [plans[p] for p in addon.plans if p in plans and plans[p].status == "published"]


def _sold(ctx: Context, plan: Plan) -> dict[str, Addon]:
    key = ("sold", plan.id)
    if key not in ctx.cache:
        ctx.cache[key] = analyze.sold_addons(ctx.catalog, plan)
    return ctx.cache[key]


def _unbuyable(ctx: Context, plan: Plan) -> set[str]:
    key = ("unbuyable", plan.id)
    if key not in ctx.cache:
        ctx.cache[key] = analyze.unbuyable(_sold(ctx, plan))
    return ctx.cache[key]


def _buyable_on(ctx: Context, addon: Addon) -> list[Plan]:
    """The published plans on which some valid subscription holds the add-on."""
    return [p for p in _plans_of(ctx, addon) if addon.id not in _unbuyable(ctx, p)]


# -- never bought ----------------------------------------------------------------------


def never_bought(ctx: Context) -> Iterator[Diagnostic]:
    everything = _published_addons(ctx.catalog)
    for addon in everything.values():
        plans = _plans_of(ctx, addon)
        if not plans or _buyable_on(ctx, addon):
            continue  # no published plan is ADDON_UNSELLABLE's
        yield warning(
            ctx.addon_at(addon, "requires"),
            "ADDON_NEVER_BOUGHT",
            f'Add-on "{addon.id}" can never be bought: {_why(ctx, addon, plans, everything)}; '
            "expected requirements that one subscription can meet together.",
        )


def _why(ctx: Context, addon: Addon, plans: list[Plan], everything: dict[str, Addon]) -> str:
    """The chain that makes it impossible: a clash or an unsold requirement everywhere,
    else, plan by plan, the requirement each plan does not sell."""
    every = ctx.catalog.addons
    if "unbuyable-anywhere" not in ctx.cache:
        ctx.cache["unbuyable-anywhere"] = analyze.unbuyable(everything)
    if addon.id in ctx.cache["unbuyable-anywhere"]:
        anywhere = analyze.obstacle(addon.id, everything, every)
        if anywhere.clash is not None:
            return anywhere.chain()
        status = every[anywhere.missing].status
        shown = "archived" if status == "archived" else "a draft"
        return _requires(anywhere) + f", which is {shown}"
    by_reason: dict[analyze.Obstacle, list[str]] = {}
    for plan in plans:
        found = analyze.obstacle(addon.id, _sold(ctx, plan), every)
        by_reason.setdefault(found, []).append(plan.id)
    return "; ".join(
        _requires(found) + f", which is not sold with {_either(pids)}"
        for found, pids in by_reason.items()
    )


def _requires(found: analyze.Obstacle) -> str:
    return found.chain() or f'"{found.addon}" requires "{found.missing}"'


def _either(ids: list[str]) -> str:
    shown = [f'"{i}"' for i in ids]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" or {shown[-1]}"


# -- adds nothing ----------------------------------------------------------------------


def adds_nothing(ctx: Context) -> Iterator[Diagnostic]:
    for addon in _published_addons(ctx.catalog).values():
        for plan in _buyable_on(ctx, addon):
            if any(_adds(addon, plan, fid) for fid in addon.entitlements):
                continue
            granted = ", ".join(f'"{f}"' for f in addon.entitlements)
            what = (
                f"the plan already grants {granted} at least as generously"
                if granted
                else "the add-on grants nothing"
            )
            yield warning(
                ctx.addon_at(addon, "plans", addon.plans.index(plan.id)),
                "ADDON_ADDS_NOTHING",
                f'Add-on "{addon.id}" adds nothing to plan "{plan.id}": {what}; expected '
                "it to be sold only with plans it improves.",
            )


def _adds(addon: Addon, plan: Plan, fid: str) -> bool:
    """Does one or more of ``addon`` make ``plan``'s grant of ``fid`` more generous,
    as the evaluator combines them?"""
    extra = addon.entitlements[fid]
    base = plan.entitlements.get(fid)
    in_advance = any(c.feature == fid and c.billing == "in_advance" for c in plan.charges)
    if in_advance:  # the quantity bought is the limit, and it may be as low as 0
        soft = base is not None and base.soft
        return extra.unlimited or (extra.soft and not soft) or (extra.limit or 0) > 0
    if base is None or base.variable:
        return True
    if extra.type == "boolean":
        return False
    if extra.type == "enum":
        return not set(extra.values) <= set(base.values)
    increment = analyze.behavior(extra) == "increment"
    if extra.type == "config":
        more = extra.value or 0
        return more > 0 if increment else more > (base.value or 0)
    if base.unlimited:
        return False
    if extra.unlimited or (extra.soft and not base.soft):
        return True
    return (extra.limit or 0) > 0 if increment else (extra.limit or 0) > (base.limit or 0)


# -- identical and dominated -----------------------------------------------------------


def addon_identical(ctx: Context) -> list[Diagnostic]:
    return _pairs(ctx)[0]


def addon_dominated(ctx: Context) -> list[Diagnostic]:
    return _pairs(ctx)[1]


def _pairs(ctx: Context) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Both comparisons come from one pass over the pairs of add-ons that can be bought."""
    if "addon-pairs" in ctx.cache:
        return ctx.cache["addon-pairs"]
    addons = [a for a in _published_addons(ctx.catalog).values() if _buyable_on(ctx, a)]
    partners = analyze.excluded_by(_published_addons(ctx.catalog))
    identical: dict[str, Diagnostic] = {}
    dominated: dict[str, Diagnostic] = {}
    for a, b in _candidates(addons):  # b grants every feature a grants
        if not gives_at_least(ctx, b, a, partners):
            continue
        if gives_at_least(ctx, a, b, partners):
            first, second = sorted((a, b), key=addons.index)
            identical.setdefault(second.id, warning(
                ctx.addon_at(second),
                "ADDON_IDENTICAL",
                f'Add-on "{second.id}" gives the same as "{first.id}" with the same plans, for '
                "the same price in every period and currency; expected add-ons that differ, "
                "or one of them archived.",
            ))  # fmt: skip
        else:
            dominated.setdefault(a.id, warning(
                ctx.addon_at(a),
                "ADDON_DOMINATED",
                f'Add-on "{a.id}" gives no more than "{b.id}", which is sold with the same '
                "plans, and costs at least as much in every period and currency; expected it "
                "to give more or cost less.",
            ))  # fmt: skip
    ctx.cache["addon-pairs"] = list(identical.values()), list(dominated.values())
    return ctx.cache["addon-pairs"]


def _candidates(addons: list[Addon]) -> Iterator[tuple[Addon, Addon]]:
    """(a, b) in catalog order where b grants every feature a grants: only such a b
    can take a's place."""
    granting: dict[str, set[int]] = {}
    for i, addon in enumerate(addons):
        for fid in addon.entitlements:
            granting.setdefault(fid, set()).add(i)
    everyone = set(range(len(addons)))
    for i, a in enumerate(addons):
        others = set(everyone)
        for fid in a.entitlements:
            others &= granting[fid]
        for j in sorted(others - {i}):
            yield a, addons[j]


def gives_at_least(ctx: Context, b: Addon, a: Addon, partners: dict[str, set[str]]) -> bool:
    """Can ``b`` take the place of ``a`` wherever ``a`` is bought, for no more money?

    ``b`` is bought on every plan ``a`` is, as often, with no more requirements
    and no more exclusions (``a`` itself aside), grants each feature of ``a``
    at least as generously, and costs no more in every period and currency.
    """
    a_plans = _buyable_on(ctx, a)
    if not {p.id for p in a_plans} <= {p.id for p in _buyable_on(ctx, b)}:
        return False
    if b.max_quantity < a.max_quantity or not set(b.requires) <= set(a.requires):
        return False
    if not partners[b.id] - {a.id} <= partners[a.id]:
        return False
    if not all(fid in b.entitlements and _at_least(b.entitlements[fid], e)
               for fid, e in a.entitlements.items()):  # fmt: skip
        return False
    for period, money in a.price.items():
        for currency, amount in money.items():
            other = b.price.get(period, {}).get(currency)
            if other is None or other > amount:
                return False
    return True


def _at_least(b: Entitlement, a: Entitlement) -> bool:
    """Is add-on grant ``b`` at least ``a`` on any plan, bought as many times?

    Overrides take the highest value, increments add per unit bought: an
    increment of n is at least an override or an increment of m ≤ n; an
    override is never at least an increment (the plan's own value adds to it).
    """
    if a.type == "boolean":
        return True
    if a.type == "enum":
        return set(a.values) <= set(b.values)
    kind_a, kind_b = analyze.behavior(a), analyze.behavior(b)
    if kind_a == "increment" and kind_b == "override":
        return False
    if a.type == "config":
        return (b.value or 0) >= (a.value or 0)
    if b.unlimited:
        return True
    if a.unlimited or a.reset != b.reset or (a.soft and not b.soft):
        return False
    return (b.limit or 0) >= (a.limit or 0)
