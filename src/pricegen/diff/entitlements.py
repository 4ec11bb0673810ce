"""What a plan or add-on grants, compared feature by feature.

Less is breaking (a limit lowered, a value removed, a hard limit), more is
only visible. A limit on a feature the plan sells in advance is not a
promise: the quantity bought is the limit, so moving it is internal. When
a plan inherits the entitlement, the message names the ancestor it comes
through.
"""

from __future__ import annotations

from ..model import Entitlement, Plan
from ..money import text
from .changes import BREAKING, INTERNAL, VISIBLE, Collector


def entitlement_changes(
    c: Collector,
    o: Entitlement | None,
    n: Entitlement | None,
    fid: str,
    plan: Plan | None = None,
    bought: bool = False,
) -> None:
    """The changes of one feature's entitlement; ``bought``: sold in advance on both sides."""
    via = _via(o, n, plan)
    if o is None and n is None:
        return
    if o is None or n is None or o.type != n.type:
        _granted_or_retyped(c, o, n, fid, via)
        return
    if o.type == "metered":
        _metered(c, o, n, fid, via, bought)
    elif o.type == "config":
        if o.variable != n.variable or o.value != n.value:
            _ordered(
                c, fid, o.value, n.value, describe(o), describe(n), via, o.variable or n.variable
            )
    elif o.type == "enum":
        _enum_values(c, o, n, fid, via)
    if o.behavior != n.behavior and o.behavior and n.behavior:
        klass = BREAKING if n.behavior == "override" else VISIBLE
        c.add(
            "behavior",
            klass,
            f'"{fid}" now combines by {n.behavior} instead of {o.behavior}.',
            fid,
            o.behavior,
            n.behavior,
        )


def _granted_or_retyped(
    c: Collector, o: Entitlement | None, n: Entitlement | None, fid: str, via: str
) -> None:
    """An entitlement added, removed, or changed into another type of feature."""
    if o is None:
        assert n is not None  # one side has the entitlement
        c.add(
            "entitlement-added",
            VISIBLE,
            f'Now includes "{fid}" ({describe(n)}){via}.',
            fid,
            None,
            describe(n),
        )
    elif n is None:
        c.add(
            "entitlement-removed",
            BREAKING,
            f'No longer includes "{fid}" (was {describe(o)}){via}.',
            fid,
            describe(o),
            None,
        )
    else:
        c.add(
            "entitlement-changed",
            BREAKING,
            f'"{fid}" changed type: {describe(o)} → {describe(n)}{via}.',
            fid,
            describe(o),
            describe(n),
        )


def _via(o: Entitlement | None, n: Entitlement | None, plan: Plan | None) -> str:
    """Name the ancestor a change comes through, when it is not the plan's own."""
    if plan is None:
        return ""
    sources = {e.source for e in (o, n) if e is not None and e.source and e.source != plan.id}
    shown = ", ".join(f'"{s}"' for s in sorted(sources))
    return f" (through {shown})" if sources else ""


def describe(e: Entitlement) -> str:
    if e.variable:
        return "set per subscription"
    if e.type == "boolean":
        return "included"
    if e.type == "config":
        return text(e.value) if e.value is not None else "set"
    if e.type == "enum":
        return ", ".join(e.values) or "none"
    amount = "unlimited" if e.unlimited else f"{e.limit:,}"
    extras = [f"per {e.reset}" if e.reset else "", "soft" if e.soft else ""]
    return " ".join([amount, *[x for x in extras if x]])


def _enum_values(c: Collector, o: Entitlement, n: Entitlement, fid: str, via: str) -> None:
    lost = [v for v in o.values if v not in n.values]
    gained = [v for v in n.values if v not in o.values]
    if lost:
        c.add(
            "values-removed",
            BREAKING,
            f'"{fid}" loses {", ".join(lost)}{via}.',
            fid,
            list(o.values),
            list(n.values),
        )
    if gained:
        c.add(
            "values-added",
            VISIBLE,
            f'"{fid}" gains {", ".join(gained)}{via}.',
            fid,
            list(o.values),
            list(n.values),
        )


# -- metered ---------------------------------------------------------------------------


def _metered(
    c: Collector, o: Entitlement, n: Entitlement, fid: str, via: str, bought: bool
) -> None:
    if o.variable != n.variable:
        c.add(
            "entitlement-changed",
            VISIBLE,
            f'"{fid}": {describe(o)} → {describe(n)}{via}.',
            fid,
            describe(o),
            describe(n),
        )
        return
    _limit_moved(c, o, n, fid, via, bought)
    if o.soft != n.soft:
        kind, klass = ("limit-soft", VISIBLE) if n.soft else ("limit-hard", BREAKING)
        word = (
            "soft (use past it is allowed and flagged)"
            if n.soft
            else "hard (use past it is refused)"
        )
        c.add(kind, klass, f'"{fid}" limit is now {word}{via}.', fid, o.soft, n.soft)
    if (o.reset, o.reset_anchor) != (n.reset, n.reset_anchor):
        c.add(
            "reset",
            VISIBLE,
            f'"{fid}" resets {_reset(o)} → {_reset(n)}{via}.',
            fid,
            _reset(o),
            _reset(n),
        )


def _limit_moved(
    c: Collector, o: Entitlement, n: Entitlement, fid: str, via: str, bought: bool
) -> None:
    before = None if o.unlimited else o.limit
    after = None if n.unlimited else n.limit
    if before == after:
        return
    raised = after is None or (before is not None and after > before)
    kind, klass = ("limit-raised", VISIBLE) if raised else ("limit-lowered", BREAKING)
    note = ""
    if bought:  # the quantity bought in advance replaces this limit
        klass, note = INTERNAL, ", but the quantity bought in advance is the limit"
    c.add(
        kind,
        klass,
        f'"{fid}" limit {_limit(before)} → {_limit(after)}{via}{note}.',
        fid,
        _plain_limit(before),
        _plain_limit(after),
    )


def _limit(value) -> str:
    return "unlimited" if value is None else f"{value:,}"


def _plain_limit(value) -> str:
    """A limit for the old and new fields that tools read: digits, no separators."""
    return "unlimited" if value is None else str(value)


def _reset(e: Entitlement) -> str:
    return f"every {e.reset} ({e.reset_anchor.replace('_', ' ')})" if e.reset else "never"


def _ordered(c: Collector, fid, before, after, old_text, new_text, via, variable) -> None:
    if variable or before is None or after is None:
        c.add(
            "entitlement-changed",
            VISIBLE,
            f'"{fid}": {old_text} → {new_text}{via}.',
            fid,
            old_text,
            new_text,
        )
    elif after < before:
        c.add(
            "value-lowered", BREAKING, f'"{fid}" {old_text} → {new_text}{via}.', fid, before, after
        )
    else:
        c.add("value-raised", VISIBLE, f'"{fid}" {old_text} → {new_text}{via}.', fid, before, after)
