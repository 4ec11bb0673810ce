"""Stage six: flatten ``extends`` chains into effective entitlements.

A child plan gets every entitlement of its ancestors and may override any
of them. Each effective entitlement keeps ``source``, the plan that set it,
so the docs can say "Everything in Pro, plus...". Lowering a limit or
dropping a feature is allowed but warned about: "everything in Pro" is a
promise. Prices, charges and trials are not inherited.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

from .diagnostics import Diagnostic, error, warning
from .model import Catalog, Entitlement, Plan


def resolve(catalog: Catalog) -> tuple[Catalog, list[Diagnostic]]:
    cycles = _cycles(catalog.plans)
    if cycles:
        return catalog, cycles
    order = ladder_order(catalog.plans)
    resolved: dict[str, Plan] = {}
    diagnostics: list[Diagnostic] = []
    for plan_id in order:
        plan = catalog.plans[plan_id]
        parent = resolved.get(plan.extends) if plan.extends else None
        entitlements, problems = _inherit(plan, parent, catalog)
        diagnostics.extend(problems)
        diagnostics.extend(_inherited_variables(plan, entitlements))
        ancestors = (parent.id, *parent.ancestors) if parent else ()
        resolved[plan_id] = replace(plan, entitlements=entitlements, ancestors=ancestors)
    granted = {}
    for plan_id in order:  # after inheritance: a grant by charge is not inherited
        own = catalog.plans[plan_id]
        plan, problems = _grant_charged_features(resolved[plan_id], own, catalog)
        diagnostics.extend(problems)
        granted[plan_id] = plan
    result = replace(catalog, plans=granted)
    diagnostics.extend(_addon_reset_mismatches(result))
    return result, diagnostics


def _grant_charged_features(
    plan: Plan, own: Plan, catalog: Catalog
) -> tuple[Plan, list[Diagnostic]]:
    """A pay-as-you-go charge grants its feature: unlimited, unless an entitlement limits it.

    That is what the charge means (Stigg's pay-as-you-go), so that check() and
    quote() agree and tables show the feature. A plan that removes the feature
    it charges for (``feature: false``) contradicts itself: an error. In-advance
    charges need nothing here: the quantity bought becomes the limit.
    """
    entitlements = dict(plan.entitlements)
    problems: list[Diagnostic] = []
    for charge in plan.charges:
        fid = charge.feature
        if charge.billing != "in_arrears" or fid in entitlements:
            continue
        removed = own.entitlements.get(fid)
        if removed is not None and not removed.granted:
            message = (
                f'Plan "{plan.id}" charges for "{fid}" on usage but removes it ({fid}: false); '
                "expected the feature granted, or the charge dropped."
            )
            problems.append(error(removed.loc, "CHARGE_FEATURE_REMOVED", message))
            continue
        entitlements[fid] = Entitlement(
            feature=fid, type="metered", unlimited=True, source=plan.id, loc=plan.loc
        )
    ordered = {fid: entitlements[fid] for fid in catalog.features if fid in entitlements}
    return replace(plan, entitlements=ordered), problems


def _addon_reset_mismatches(catalog: Catalog) -> list[Diagnostic]:
    """An add-on grant with its own reset, on a plan whose grant resets otherwise, is an error.

    The evaluator keeps one usage window per feature; folding a daily add-on
    allowance into a monthly window would change what it means. A grant
    without ``reset`` follows the plan's window.
    """
    problems = []
    for addon in catalog.addons.values():
        for fid, extra in addon.entitlements.items():
            if extra.type != "metered" or extra.reset is None:
                continue
            for plan_id in addon.plans:
                base = (
                    catalog.plans[plan_id].entitlements.get(fid)
                    if plan_id in catalog.plans
                    else None
                )
                if base is None or (base.reset, base.reset_anchor) == (
                    extra.reset,
                    extra.reset_anchor,
                ):
                    continue
                problems.append(
                    error(
                        extra.loc,
                        "ADDON_RESET_MISMATCH",
                        _reset_message(addon.id, plan_id, fid, base, extra),
                    )
                )
                break
    return problems


def _reset_message(
    addon_id: str, plan_id: str, fid: str, base: Entitlement, extra: Entitlement
) -> str:
    def window(ent: Entitlement) -> str:
        if ent.reset is None:
            return "never"
        anchor = "" if ent.reset_anchor == "subscription_start" else f" ({ent.reset_anchor})"
        return f"every {ent.reset}{anchor}"

    return (
        f'Add-on "{addon_id}" resets "{fid}" {window(extra)}, but plan "{plan_id}" resets it '
        f"{window(base)}; expected the same reset and anchor as the plan, or no reset on the "
        "add-on's grant (it then follows the plan's window)."
    )


def _cycles(plans: dict[str, Plan]) -> list[Diagnostic]:
    """One error per cycle, at its first plan in catalog order, naming the whole loop.

    ``checks`` reports cycles first, at the ``extends`` that closes them; this
    is the safety net for catalogs built without the checks.
    """
    return [
        error(plans[loop[0]].loc, "PLAN_EXTENDS_CYCLE", cycle_message(loop))
        for loop in find_cycles({pid: plan.extends for pid, plan in plans.items()})
    ]


def find_cycles(parents: dict[str, str | None]) -> list[list[str]]:
    """Each ``extends`` cycle once, starting at its first plan in catalog order."""
    order = list(parents)
    cycles, reported = [], set()
    for start in order:
        chain, seen = [], set()
        current: str | None = start
        while current in parents and current not in seen:
            seen.add(current)
            chain.append(current)
            current = parents[current]
        if current in seen and current not in reported:
            loop = chain[chain.index(current) :]
            reported.update(loop)
            first = min(loop, key=order.index)
            cycles.append(loop[loop.index(first) :] + loop[: loop.index(first)])
    return cycles


def cycle_message(loop: list[str]) -> str:
    names = " → ".join(f'"{p}"' for p in [*loop, loop[0]])
    return (
        f"Plans extend each other in a cycle: {names}; "
        "expected a chain that ends at a plan without extends."
    )


def ladder_order(plans: dict[str, Plan]) -> list[str]:
    """Parents before children; otherwise catalog order. Assumes no cycles."""
    order: list[str] = []
    placed: set[str] = set()

    def place(plan_id: str) -> None:
        if plan_id in placed:
            return
        parent = plans[plan_id].extends
        if parent in plans:
            place(parent)
        placed.add(plan_id)
        order.append(plan_id)

    for plan_id in plans:
        place(plan_id)
    return order


def _inherit(
    plan: Plan, parent: Plan | None, catalog: Catalog
) -> tuple[dict[str, Entitlement], list[Diagnostic]]:
    """The parent's effective entitlements, overridden by the plan's own."""
    inherited = dict(parent.entitlements) if parent else {}
    diagnostics: list[Diagnostic] = []
    for feature_id, own in plan.entitlements.items():
        before = inherited.get(feature_id)
        if before is not None and parent is not None:
            diagnostics.extend(_narrowing(plan, parent, before, own))
        inherited[feature_id] = own
    effective = {
        fid: inherited[fid]
        for fid in catalog.features
        if fid in inherited and inherited[fid].granted
    }
    return effective, diagnostics


def _inherited_variables(plan: Plan, entitlements: dict[str, Entitlement]) -> Iterator[Diagnostic]:
    """A plan sold at list price cannot inherit a value set per subscription.

    ``checks`` refuses ``variable: true`` on a plan that is not custom; this is
    the same rule for a value inherited from a custom parent, which would
    otherwise make every quote of the plan ask for a value it cannot have.
    """
    if plan.custom:
        return
    for feature_id, ent in entitlements.items():
        if ent.variable and ent.source != plan.id:
            message = (
                f'Plan "{plan.id}" is not custom, so it cannot inherit variable "{feature_id}" '
                f'from custom plan "{ent.source}"; expected a fixed value for it in "{plan.id}".'
            )
            yield error(plan.loc, "ENTITLEMENT_VARIABLE_NOT_CUSTOM", message)


def _narrowing(
    plan: Plan, parent: Plan, before: Entitlement, own: Entitlement
) -> Iterator[Diagnostic]:
    feature = own.feature
    if not own.granted:
        message = (
            f'Plan "{plan.id}" drops feature "{feature}" that it inherits from "{before.source}"; '
            f'expected everything in "{parent.id}" to stay included.'
        )
        yield warning(own.loc, "PLAN_FEATURE_DROPPED", message)
        return
    if own.type == "enum":
        lost = [v for v in before.values if v not in own.values]
        if lost:
            dropped = ", ".join(f'"{v}"' for v in lost)
            message = (
                f'Plan "{plan.id}" drops {dropped} from "{feature}", '
                f'inherited from "{before.source}"; expected a superset of the parent\'s values.'
            )
            yield warning(own.loc, "PLAN_FEATURE_DROPPED", message)
        return
    lowered = _lower_value(before, own)
    if lowered:
        old, new = lowered
        message = (
            f'Plan "{plan.id}" lowers "{feature}" from {old} to {new}, inherited from '
            f'"{before.source}"; expected at least the parent\'s value.'
        )
        yield warning(own.loc, "PLAN_LIMIT_LOWERED", message)


def _lower_value(
    before: Entitlement, own: Entitlement
) -> tuple[int | Decimal | str, int | Decimal] | None:
    """(old, new) when ``own`` is less generous than ``before``, else None."""
    if own.variable or before.variable:
        return None
    if own.type == "metered":
        if own.unlimited:
            return None
        if own.limit is None:  # checks refuse a metered grant with no limit, unless variable
            raise ValueError(f'"{own.feature}" of "{own.source}": metered, limited, no limit')
        if before.unlimited:
            return ("unlimited", own.limit)
        if before.limit is not None and own.limit < before.limit:
            return (before.limit, own.limit)
    if own.type == "config" and before.value is not None and own.value is not None:
        if own.value < before.value:
            return (before.value, own.value)
    return None
