"""A plan compared: added or removed, its lifecycle, periods, prices, grants and trial.

A plan without subscribers (a draft) can change freely: its collector
reclasses breaking changes as internal. Custom plans have no list price, so
only their entitlements and wording are compared.
"""

from __future__ import annotations

from ..model import Catalog, Plan
from ..money import text
from .changes import (
    BREAKING,
    INTERNAL,
    SUBSCRIBED,
    VISIBLE,
    Change,
    Collector,
    status_change,
    union,
)
from .entitlements import entitlement_changes
from .prices import charge_changes, price_changes, shared


def plan_changes(oc: Catalog, nc: Catalog, o: Plan | None, n: Plan | None) -> list[Change]:
    if o is None:
        assert n is not None  # one side has the plan
        c = Collector("plan", n.id)
        klass = VISIBLE if n.status == "published" else INTERNAL
        c.add("plan-added", klass, f'New plan "{n.id}" ({n.name}), {n.status}.', "", None, n.status)
        return c.changes
    if n is None:
        return _removed(o)
    c = Collector("plan", n.id, o.status in SUBSCRIBED)
    _lifecycle(c, o, n)
    if not (o.custom or n.custom):
        _periods(c, o.billing_periods, n.billing_periods)
        price_changes(c, "price", o.price, n.price, shared(o, n, oc, nc))
        charge_changes(c, oc, nc, o, n)
    bought = _bought(o) & _bought(n)
    for fid in union(nc.features, oc.features):
        before, after = o.entitlements.get(fid), n.entitlements.get(fid)
        entitlement_changes(c, before, after, fid, plan=n, bought=fid in bought)
    _trial(c, o, n)
    return c.changes


def _removed(o: Plan) -> list[Change]:
    c = Collector("plan", o.id, o.status in SUBSCRIBED)
    what = (
        "a published plan was deleted rather than archived"
        if o.status == "published"
        else f"a {o.status} plan was deleted"
    )
    c.add(
        "plan-removed",
        BREAKING,
        f'Plan "{o.id}" removed: {what}; its existing subscribers can no longer be evaluated.',
        "",
        o.status,
        None,
    )
    return c.changes


def _bought(plan: Plan) -> set[str]:
    """Features sold in advance: the quantity bought is their limit, whatever the
    entitlement says."""
    return {ch.feature for ch in plan.charges if ch.billing == "in_advance"}


# -- lifecycle -------------------------------------------------------------------------


def _lifecycle(c: Collector, o: Plan, n: Plan) -> None:
    status_change(c, "Plan", o.status, n.status)
    if o.default != n.default:
        what = (
            "is now the default (fallback) plan" if n.default else "is no longer the default plan"
        )
        c.add("default", VISIBLE, f'Plan "{n.id}" {what}.', "default", o.default, n.default)
    if o.custom != n.custom:
        _custom(c, n)
    if o.name != n.name:
        c.add(
            "name",
            VISIBLE,
            f'Plan "{n.id}" renamed: {o.name!r} → {n.name!r}.',
            "name",
            o.name,
            n.name,
        )
    if o.description != n.description:
        c.add(
            "description",
            INTERNAL,
            f'Plan "{n.id}" description changed.',
            "description",
            o.description,
            n.description,
        )


def _custom(c: Collector, n: Plan) -> None:
    """A plan became custom (contact sales), or got a list price."""
    if n.custom:
        c.add(
            "custom",
            BREAKING,
            f'Plan "{n.id}" is now custom (contact sales): '
            "it has no list price and quotes are refused.",
            "custom",
            False,
            True,
        )
    else:
        c.add(
            "custom",
            VISIBLE,
            f'Plan "{n.id}" now has a list price instead of "contact sales".',
            "custom",
            True,
            False,
        )


def _periods(c: Collector, old: tuple, new: tuple) -> None:
    for period in old:
        if period not in new:
            c.add("period-removed", BREAKING, f"No longer sold {period}.", period, period, None)
    for period in new:
        if period not in old:
            c.add("period-added", VISIBLE, f"Now also sold {period}.", period, None, period)


# -- trial -----------------------------------------------------------------------------


def _trial(c: Collector, o: Plan, n: Plan) -> None:
    if o.trial == n.trial:
        return
    before, after = _trial_text(o), _trial_text(n)
    c.add(
        "trial", VISIBLE, f"Trial: {before} → {after} (new customers only).", "trial", before, after
    )


def _count(n: int | None, noun: str) -> str:
    """ "1 day", "14 days"; "" for none."""
    return f"{n} {noun}{'s' if n != 1 else ''}" if n else ""


def _trial_text(plan: Plan) -> str:
    t = plan.trial
    if t is None:
        return "none"
    parts = [_count(t.days, "day"), _count(t.months, "month")]
    if t.credits:
        parts.append("credits " + ", ".join(f"{cur} {text(v)}" for cur, v in t.credits.items()))
    return ", ".join(p for p in parts if p)
