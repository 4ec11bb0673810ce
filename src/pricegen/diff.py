"""What a change to the catalog means for customers: ``pricegen diff``.

The core is pure: two resolved catalogs in, an ordered list of
:class:`Change` out, product first, then plan by plan (ladder order), then
add-ons and features. Every change has a class:

- ``breaking``: worse for someone who already subscribes: a price raised, a
  limit lowered, an entitlement removed, a currency or period dropped, add-on
  compatibility narrowed, a published plan deleted rather than archived;
- ``customer-visible``: a customer can see it, but nobody already
  subscribed is worse off: a price lowered, a new plan, a plan archived;
- ``internal``: wording, and anything about drafts, which have no subscribers.

Only plans and add-ons that can have subscribers (published or archived)
have breaking changes. Quote impact runs the generated evaluators of both
sides on reference subscriptions. Reading a side from git is the one I/O
edge here (:func:`open_side`), through ``git ls-tree`` and ``git show``;
the working tree is never touched.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path, PurePosixPath

from . import analyze
from .model import Addon, Catalog, Charge, Entitlement, Plan, dump_json
from .money import text

BREAKING, VISIBLE, INTERNAL = "breaking", "customer-visible", "internal"
CLASSES = (BREAKING, VISIBLE, INTERNAL)
SUBSCRIBED = ("published", "archived")  # statuses that can have existing subscribers


@dataclass(frozen=True)
class Change:
    """One change for customers. ``old`` and ``new`` are plain JSON-ready values."""

    scope: str  # product | plan | addon | feature
    id: str  # the plan, add-on or feature id; the product's id for product changes
    kind: str
    item: str  # what within it changed: "monthly USD", a feature id, ...
    klass: str  # breaking | customer-visible | internal
    old: object
    new: object
    message: str

    def to_dict(self) -> dict:
        return {
            "scope": self.scope,
            "id": self.id,
            "kind": self.kind,
            "item": self.item,
            "class": self.klass,
            "old": self.old,
            "new": self.new,
            "message": self.message,
        }


def _plain(value):
    if isinstance(value, Decimal):
        return text(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class _Collector:
    """Changes of one plan, add-on or feature, classed by whether it has subscribers."""

    def __init__(self, scope: str, id: str, subscribed: bool = True) -> None:
        self.scope, self.id, self.subscribed, self.changes = scope, id, subscribed, []

    def add(self, kind: str, klass: str, message: str, item: str = "", old=None, new=None) -> None:
        if not self.subscribed and klass == BREAKING:
            klass = INTERNAL
        if not self.subscribed and klass == VISIBLE and self.scope != "product":
            klass = INTERNAL
        self.changes.append(
            Change(self.scope, self.id, kind, item, klass, _plain(old), _plain(new), message)
        )


def percent(old: Decimal, new: Decimal) -> str:
    """ "+20.7%", or "" when there is no old amount to compare with."""
    if not old:
        return ""
    change = ((new - old) / old * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{'+' if change > 0 else ''}{change}%"


def _arrow(old: Decimal, new: Decimal) -> str:
    pct = percent(old, new)
    return f"{text(old)} → {text(new)}" + (f" ({pct})" if pct else "")


def _direction(old, new) -> str:
    return BREAKING if new > old else VISIBLE


# -- the diff --------------------------------------------------------------------------


def diff(old: Catalog, new: Catalog) -> list[Change]:
    """Every change from ``old`` to ``new``, product first, then plan by plan."""
    changes = _product(old, new)
    for pid in _union(new.plans, old.plans):
        changes += _plan(old, new, old.plans.get(pid), new.plans.get(pid))
    for aid in _union(new.addons, old.addons):
        changes += _addon(old, new, old.addons.get(aid), new.addons.get(aid))
    for fid in _union(new.features, old.features):
        changes += _feature(new.product.id, old.features.get(fid), new.features.get(fid))
    return changes


def _union(first: dict, second: dict) -> list[str]:
    return [*first, *(k for k in second if k not in first)]


def _product(old: Catalog, new: Catalog) -> list[Change]:
    o, n = old.product, new.product
    c = _Collector("product", n.id)
    for currency in o.currencies:
        if currency not in n.currencies:
            c.add(
                "currency-removed",
                BREAKING,
                f"Currency {currency} dropped: subscribers paying in it can no longer be quoted.",
                currency,
                currency,
                None,
            )
    for currency in n.currencies:
        if currency not in o.currencies:
            c.add(
                "currency-added", VISIBLE, f"Currency {currency} added.", currency, None, currency
            )
    if o.default_currency != n.default_currency and n.default_currency in o.currencies:
        c.add(
            "default-currency",
            VISIBLE,
            f"Default currency {o.default_currency} → {n.default_currency}.",
            "",
            o.default_currency,
            n.default_currency,
        )
    for period in o.billing_periods:
        if period not in n.billing_periods:
            c.add(
                "period-removed",
                BREAKING,
                f"Billing period {period} dropped from the product.",
                period,
                period,
                None,
            )
    for period in n.billing_periods:
        if period not in o.billing_periods:
            c.add(
                "period-added",
                VISIBLE,
                f"Billing period {period} added to the product.",
                period,
                None,
                period,
            )
    for name, klass in (
        ("trial_end", VISIBLE),
        ("rounding", VISIBLE),
        ("name", VISIBLE),
        ("id", INTERNAL),
        ("description", INTERNAL),
        ("locale", INTERNAL),
    ):
        before, after = getattr(o, name), getattr(n, name)
        if before != after:
            c.add(
                f"product-{name.replace('_', '-')}",
                klass,
                f"Product {name}: {before!r} → {after!r}.",
                name,
                before,
                after,
            )
    for currency in n.currencies:
        if currency in o.currencies and o.minor_units[currency] != n.minor_units[currency]:
            c.add(
                "minor-units",
                VISIBLE,
                f"{currency} is rounded to {n.minor_units[currency]} decimals "
                f"instead of {o.minor_units[currency]}.",
                currency,
                o.minor_units[currency],
                n.minor_units[currency],
            )
    return c.changes


# -- plans -----------------------------------------------------------------------------

_BACK_TO_DRAFT = (
    "back to draft: left out of the generated evaluator, "
    "so existing subscribers cannot be evaluated"
)
_STATUS = {
    ("published", "archived"): (
        VISIBLE,
        "archived: no longer sold to new customers; existing subscribers keep it",
    ),
    ("archived", "published"): (VISIBLE, "published again: sold to new customers"),
    ("draft", "published"): (VISIBLE, "published: now sold"),
    ("published", "draft"): (
        BREAKING,
        _BACK_TO_DRAFT,
    ),
    ("archived", "draft"): (
        BREAKING,
        _BACK_TO_DRAFT,
    ),
    ("draft", "archived"): (INTERNAL, "archived before it was ever published"),
}


def _plan(oc: Catalog, nc: Catalog, o: Plan | None, n: Plan | None) -> list[Change]:
    if o is None:
        c = _Collector("plan", n.id)
        klass = VISIBLE if n.status == "published" else INTERNAL
        c.add("plan-added", klass, f'New plan "{n.id}" ({n.name}), {n.status}.', "", None, n.status)
        return c.changes
    if n is None:
        c = _Collector("plan", o.id, o.status in SUBSCRIBED)
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
    c = _Collector("plan", n.id, o.status in SUBSCRIBED)
    _lifecycle(c, o, n)
    if not (o.custom or n.custom):
        _periods(c, o.billing_periods, n.billing_periods)
        _prices(c, "price", o.price, n.price, _shared(o, n, oc, nc))
        _charges(c, oc, nc, o, n)
    bought = _bought(o) & _bought(n)
    for fid in _union(nc.features, oc.features):
        before, after = o.entitlements.get(fid), n.entitlements.get(fid)
        _entitlement(c, before, after, fid, plan=n, bought=fid in bought)
    _trial(c, o, n)
    return c.changes


def _bought(plan: Plan) -> set[str]:
    """Features sold in advance: the quantity bought is their limit, whatever the
    entitlement says."""
    return {ch.feature for ch in plan.charges if ch.billing == "in_advance"}


def _shared(o, n, oc: Catalog, nc: Catalog) -> list[tuple[str, str]]:
    """(period, currency) pairs both sides sell this item in."""
    periods = (
        [p for p in n.billing_periods if p in o.billing_periods]
        if isinstance(o, Plan)
        else [p for p in nc.product.billing_periods if p in oc.product.billing_periods]
    )
    return [
        (p, cur) for p in periods for cur in nc.product.currencies if cur in oc.product.currencies
    ]


def _lifecycle(c: _Collector, o: Plan, n: Plan) -> None:
    if o.status != n.status:
        klass, what = _STATUS[(o.status, n.status)]
        # a status change is about sales, so it counts even for a plan without subscribers
        c.changes.append(
            Change(
                "plan",
                n.id,
                "status",
                "status",
                klass,
                o.status,
                n.status,
                f'Plan "{n.id}" {o.status} → {n.status}: {what}.',
            )
        )
    if o.default != n.default:
        what = (
            "is now the default (fallback) plan" if n.default else "is no longer the default plan"
        )
        c.add("default", VISIBLE, f'Plan "{n.id}" {what}.', "default", o.default, n.default)
    if o.custom != n.custom:
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


def _periods(c: _Collector, old: tuple, new: tuple) -> None:
    for period in old:
        if period not in new:
            c.add("period-removed", BREAKING, f"No longer sold {period}.", period, period, None)
    for period in new:
        if period not in old:
            c.add("period-added", VISIBLE, f"Now also sold {period}.", period, None, period)


def _prices(c: _Collector, what: str, old, new, shared) -> None:
    for period, currency in shared:
        before = analyze.price_of(old, period, currency)
        after = analyze.price_of(new, period, currency)
        if before is None or after is None or before == after:
            continue
        direction = "raised" if after > before else "lowered"
        c.add(
            f"{what}-{direction}",
            _direction(before, after),
            f"{what} {period} {currency}: {_arrow(before, after)}.",
            f"{period} {currency}",
            before,
            after,
        )


# -- charges ---------------------------------------------------------------------------


def _charges(c: _Collector, oc: Catalog, nc: Catalog, o: Plan, n: Plan) -> None:
    old = {ch.feature: ch for ch in o.charges}
    new = {ch.feature: ch for ch in n.charges}
    shared = _shared(o, n, oc, nc)
    for fid in _union(new, old):
        before, after = old.get(fid), new.get(fid)
        if before is None:
            c.add(
                "charge-added",
                BREAKING,
                f'New charge for "{fid}" ({_shape(after)}).',
                fid,
                None,
                _shape(after),
            )
        elif after is None:
            c.add(
                "charge-removed",
                VISIBLE,
                f'Charge for "{fid}" removed ({_shape(before)}).',
                fid,
                _shape(before),
                None,
            )
        elif before != after:
            _charge_changed(c, fid, before, after, shared)


def _shape(charge: Charge) -> str:
    bounds = "/".join("∞" if t.up_to is None else f"{t.up_to:,}" for t in charge.tiers)
    parts = [charge.model, charge.billing.replace("_", " ")]
    if charge.included:
        parts.append(f"{charge.included:,} included")
    if charge.block_size:
        parts.append(f"blocks of {charge.block_size:,}")
    if bounds:
        parts.append(f"tiers up to {bounds}")
    return ", ".join(parts)


def _charge_changed(c: _Collector, fid: str, before: Charge, after: Charge, shared) -> None:
    """One change per charge, classed by how its amount moves over every quantity."""
    parts = []
    if _shape(before) != _shape(after):
        parts.append(f"{_shape(before)} → {_shape(after)}")
    parts += _component_changes(before, after, shared)
    raised = lowered = None
    for period, currency in shared:
        d = analyze.charge_difference(after, before, period, currency)
        if d.refused_at is not None and raised is None:
            raised = f"{d.refused_at:,} units are refused ({period} {currency})"
        if d.highest > 0 and raised is None:
            raised = _witness(before, after, d.highest_at, period, currency, "more")
        if d.lowest < 0 and lowered is None:
            lowered = _witness(before, after, d.lowest_at, period, currency, "less")
    klass = BREAKING if raised else VISIBLE if lowered else INTERNAL
    summary = "; ".join(parts) or "restated"
    effect = raised or lowered or "no amount changes"
    c.add(
        "charge-changed",
        klass,
        f'Charge for "{fid}": {summary}. Effect: {effect}.',
        fid,
        _shape(before),
        _shape(after),
    )


def _witness(before: Charge, after: Charge, q: int, period: str, currency: str, word: str) -> str:
    old = analyze.charge_amount(before, q, period, currency)
    new = analyze.charge_amount(after, q, period, currency)
    return f"costs {word} at {q:,} units ({period} {currency}: {text(old)} → {text(new)})"


def _component_changes(before: Charge, after: Charge, shared) -> list[str]:
    parts = []
    for name in ("price", "unit_price", "block_price"):
        parts += _price_parts(name, getattr(before, name), getattr(after, name), shared)
    for i, (tb, ta) in enumerate(zip(before.tiers, after.tiers, strict=False)):
        for name in ("unit_price", "flat_price", "price"):
            parts += _price_parts(
                f"tier {i + 1} {name}", getattr(tb, name), getattr(ta, name), shared
            )
    return parts


def _price_parts(label: str, old, new, shared) -> list[str]:
    if old == new:
        return []
    parts = []
    for period, currency in shared:
        a, b = analyze.price_of(old, period, currency), analyze.price_of(new, period, currency)
        if a is not None and b is not None and a != b:
            parts.append(f"{label} {period} {currency} {_arrow(a, b)}")
    return parts


# -- entitlements ----------------------------------------------------------------------


def _entitlement(
    c: _Collector,
    o: Entitlement | None,
    n: Entitlement | None,
    fid: str,
    plan: Plan | None = None,
    bought: bool = False,
) -> None:
    via = _via(o, n, plan)
    if o is None and n is None:
        return
    if o is None:
        c.add(
            "entitlement-added",
            VISIBLE,
            f'Now includes "{fid}" ({describe(n)}){via}.',
            fid,
            None,
            describe(n),
        )
        return
    if n is None:
        c.add(
            "entitlement-removed",
            BREAKING,
            f'No longer includes "{fid}" (was {describe(o)}){via}.',
            fid,
            describe(o),
            None,
        )
        return
    if o.type != n.type:
        c.add(
            "entitlement-changed",
            BREAKING,
            f'"{fid}" changed type: {describe(o)} → {describe(n)}{via}.',
            fid,
            describe(o),
            describe(n),
        )
        return
    if o.type == "metered":
        _metered(c, o, n, fid, via, bought)
    elif o.type == "config":
        if o.variable != n.variable or o.value != n.value:
            _ordered(
                c, fid, o.value, n.value, describe(o), describe(n), via, o.variable or n.variable
            )
    elif o.type == "enum":
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


def _metered(
    c: _Collector, o: Entitlement, n: Entitlement, fid: str, via: str, bought: bool
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
    before = None if o.unlimited else o.limit
    after = None if n.unlimited else n.limit
    if before != after:
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
            _limit(before),
            _limit(after),
        )
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


def _limit(value) -> str:
    return "unlimited" if value is None else f"{value:,}"


def _reset(e: Entitlement) -> str:
    return f"every {e.reset} ({e.reset_anchor.replace('_', ' ')})" if e.reset else "never"


def _ordered(c: _Collector, fid, before, after, old_text, new_text, via, variable) -> None:
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


def _trial(c: _Collector, o: Plan, n: Plan) -> None:
    if o.trial == n.trial:
        return
    before, after = _trial_text(o), _trial_text(n)
    c.add(
        "trial", VISIBLE, f"Trial: {before} → {after} (new customers only).", "trial", before, after
    )


def _trial_text(plan: Plan) -> str:
    t = plan.trial
    if t is None:
        return "none"
    parts = [f"{t.days} days" if t.days else "", f"{t.months} months" if t.months else ""]
    if t.credits:
        parts.append("credits " + ", ".join(f"{cur} {text(v)}" for cur, v in t.credits.items()))
    return ", ".join(p for p in parts if p)


# -- add-ons ---------------------------------------------------------------------------


def _addon(oc: Catalog, nc: Catalog, o: Addon | None, n: Addon | None) -> list[Change]:
    if o is None:
        c = _Collector("addon", n.id)
        c.add(
            "addon-added",
            VISIBLE if n.status == "published" else INTERNAL,
            f'New add-on "{n.id}" ({n.name}), {n.status}.',
            "",
            None,
            n.status,
        )
        return c.changes
    if n is None:
        c = _Collector("addon", o.id, o.status in SUBSCRIBED)
        c.add(
            "addon-removed",
            BREAKING,
            f'Add-on "{o.id}" removed: subscriptions that bought it can no longer be evaluated.',
            "",
            o.status,
            None,
        )
        return c.changes
    c = _Collector("addon", n.id, o.status in SUBSCRIBED)
    if o.status != n.status:
        klass, what = _STATUS[(o.status, n.status)]
        c.changes.append(
            Change(
                "addon",
                n.id,
                "status",
                "status",
                klass,
                o.status,
                n.status,
                f'Add-on "{n.id}" {o.status} → {n.status}: {what}.',
            )
        )
    for pid in o.plans:
        if pid not in n.plans:
            c.add(
                "compatibility-narrowed",
                BREAKING,
                f'No longer compatible with plan "{pid}".',
                pid,
                list(o.plans),
                list(n.plans),
            )
    for pid in n.plans:
        if pid not in o.plans:
            c.add(
                "compatibility-widened",
                VISIBLE,
                f'Now compatible with plan "{pid}".',
                pid,
                list(o.plans),
                list(n.plans),
            )
    if o.max_quantity != n.max_quantity:
        klass = BREAKING if n.max_quantity < o.max_quantity else VISIBLE
        c.add(
            "max-quantity",
            klass,
            f"At most {o.max_quantity} → {n.max_quantity} per subscription.",
            "max_quantity",
            o.max_quantity,
            n.max_quantity,
        )
    for name, noun in (("requires", "Requires"), ("excludes", "Excludes")):
        before, after = getattr(o, name), getattr(n, name)
        for aid in after:
            if aid not in before:
                c.add(
                    f"{name}-added",
                    BREAKING,
                    f'{noun} "{aid}" now.',
                    aid,
                    list(before),
                    list(after),
                )
        for aid in before:
            if aid not in after:
                c.add(
                    f"{name}-removed",
                    VISIBLE,
                    f'No longer {name} "{aid}".',
                    aid,
                    list(before),
                    list(after),
                )
    _prices(c, "price", o.price, n.price, _shared(o, n, oc, nc))
    for fid in _union(nc.features, oc.features):
        _entitlement(c, o.entitlements.get(fid), n.entitlements.get(fid), fid)
    if o.name != n.name:
        c.add("name", VISIBLE, f"Renamed: {o.name!r} → {n.name!r}.", "name", o.name, n.name)
    if o.description != n.description:
        c.add(
            "description",
            INTERNAL,
            "Description changed.",
            "description",
            o.description,
            n.description,
        )
    return c.changes


# -- features --------------------------------------------------------------------------


def _feature(product_id: str, o, n) -> list[Change]:
    c = _Collector("feature", (n or o).id)
    if o is None:
        c.add("feature-added", INTERNAL, f'New feature "{n.id}" ({n.name}).', "", None, n.type)
    elif n is None:
        c.add(
            "feature-removed",
            INTERNAL,
            f'Feature "{o.id}" removed from the catalog.',
            "",
            o.type,
            None,
        )
    else:
        if o.name != n.name:
            c.add(
                "feature-name",
                VISIBLE,
                f'Feature "{n.id}" renamed: {o.name!r} → {n.name!r}.',
                "name",
                o.name,
                n.name,
            )
        for name in ("type", "unit", "group", "description", "values", "meter"):
            before, after = getattr(o, name), getattr(n, name)
            if before != after:
                c.add(
                    f"feature-{name}",
                    INTERNAL,
                    f'Feature "{n.id}" {name}: {_show(before)} → {_show(after)}.',
                    name,
                    _show(before),
                    _show(after),
                )
    return c.changes


def _show(value) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    return "none" if value in (None, "") else str(value)


def counts(changes: list[Change]) -> dict[str, int]:
    return {klass: sum(1 for ch in changes if ch.klass == klass) for klass in CLASSES}


def fails(changes: list[Change], threshold: str | None) -> bool:
    """Is there a change of class ``threshold`` or worse?"""
    if threshold is None:
        return False
    worst = CLASSES[: CLASSES.index(threshold) + 1]
    return any(ch.klass in worst for ch in changes)


# -- quote impact ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A reference subscription: in-advance quantities and in-arrears usage."""

    quantities: tuple[tuple[str, int], ...]
    usage: tuple[tuple[str, int], ...]

    @property
    def label(self) -> str:
        shown = [f"{f}={q:,}" for f, q in (*self.quantities, *self.usage)]
        return ", ".join(shown) if shown else "base price"


def reference_points(charge: Charge) -> list[int]:
    """Quantities where a charge changes shape: the first billable unit, the last
    included one, each tier's last unit, one block."""
    points = {charge.included + 1}
    if charge.included:
        points.add(charge.included)
    points.update(charge.included + t.up_to for t in charge.tiers if t.up_to is not None)
    if charge.block_size:
        points.add(charge.included + charge.block_size)
    return sorted(points)


def references(o: Plan, n: Plan, given: list[dict[str, int]] = ()) -> list[Reference]:
    """The default references of a plan on both sides, then the ones the user gives.

    The base buys 1 of each in-advance feature and uses nothing; each other
    default moves one charged feature to one of its reference points.
    """
    charges = [*o.charges, *n.charges]
    advance = list(dict.fromkeys(c.feature for c in charges if c.billing == "in_advance"))
    arrears = list(dict.fromkeys(c.feature for c in charges if c.billing == "in_arrears"))
    base = {f: 1 for f in advance}
    found = [Reference(tuple(base.items()), ())]
    for charge in charges:
        for point in reference_points(charge):
            if charge.feature in base:
                found.append(Reference(tuple({**base, charge.feature: point}.items()), ()))
            else:
                found.append(Reference(tuple(base.items()), ((charge.feature, point),)))
    for amounts in given:
        quantities = {**base, **{f: v for f, v in amounts.items() if f in base}}
        usage = tuple((f, v) for f, v in amounts.items() if f in arrears)
        if any(f in base or f in arrears for f in amounts):
            found.append(Reference(tuple(quantities.items()), usage))
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Impact:
    """Old and new totals of one reference subscription, or why a side refused it."""

    plan: str
    period: str
    currency: str
    reference: str
    old: Decimal | None
    new: Decimal | None
    old_error: str | None = None
    new_error: str | None = None

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def to_dict(self) -> dict:
        return {
            "plan": self.plan,
            "period": self.period,
            "currency": self.currency,
            "reference": self.reference,
            "old": None if self.old is None else text(self.old),
            "new": None if self.new is None else text(self.new),
            "old_error": self.old_error,
            "new_error": self.new_error,
            "changed": self.changed,
        }


def quote_impact(
    old: Catalog, new: Catalog, old_module, new_module, given: list[dict[str, int]] = ()
) -> list[Impact]:
    """Quote every reference subscription of every plan both sides list a price for."""
    rows = []
    for pid, n in new.plans.items():
        o = old.plans.get(pid)
        if o is None or o.custom or n.custom:
            continue
        refs = references(o, n, given)
        for period, currency in _shared(o, n, old, new):
            for ref in refs:
                before, before_error = _quote(old_module, o, period, currency, ref)
                after, after_error = _quote(new_module, n, period, currency, ref)
                rows.append(
                    Impact(
                        pid, period, currency, ref.label, before, after, before_error, after_error
                    )
                )
    return rows


def _quote(module, plan: Plan, period: str, currency: str, ref: Reference):
    advance = {c.feature for c in plan.charges if c.billing == "in_advance"}
    arrears = {c.feature for c in plan.charges if c.billing == "in_arrears"}
    sub = module.Subscription(
        plan=plan.id,
        period=period,
        currency=currency,
        quantities={f: q for f, q in ref.quantities if f in advance},
        existing=True,
    )
    try:
        return module.quote(sub, usage={f: u for f, u in ref.usage if f in arrears}).total, None
    except module.PricingError as exc:
        return None, str(exc)


# -- reports ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    old: str  # how each side was named on the command line
    new: str
    changes: list[Change]
    impacts: list[Impact]

    def to_dict(self) -> dict:
        return {
            "old": self.old,
            "new": self.new,
            "summary": counts(self.changes),
            "changes": [c.to_dict() for c in self.changes],
            "quotes": [i.to_dict() for i in self.impacts],
        }


def _summary(changes: list[Change]) -> str:
    n = counts(changes)
    return ", ".join(f"{n[k]} {k}" for k in CLASSES)


def _groups(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        groups.setdefault((change.scope, change.id), []).append(change)
    return [(_heading(scope, id), items) for (scope, id), items in groups.items()]


def _heading(scope: str, id: str) -> str:
    return {"product": "Product", "plan": "Plan", "addon": "Add-on", "feature": "Feature"}[
        scope
    ] + f' "{id}"'


def _impact_text(i: Impact) -> str:
    def side(amount, error):
        return "refused" if amount is None else text(amount)

    delta = percent(i.old, i.new) if i.old is not None and i.new is not None else ""
    return f"{side(i.old, i.old_error)} → {side(i.new, i.new_error)}" + (
        f" ({delta})" if delta else ""
    )


def format_text(report: Report) -> str:
    lines = [f"pricegen diff {report.old} → {report.new}", _summary(report.changes)]
    if not report.changes:
        lines.append("No changes.")
    width = max(len(k) for k in CLASSES)
    for heading, items in _groups(report.changes):
        lines += ["", heading]
        lines += [f"  {c.klass:<{width}}  {c.message}" for c in items]
    changed = [i for i in report.impacts if i.changed]
    if report.impacts:
        lines += [
            "",
            f"Quote impact: {len(changed)} of {len(report.impacts)} reference quotes changed",
        ]
        for i in changed:
            lines.append(f"  {i.plan} {i.period} {i.currency} [{i.reference}]: {_impact_text(i)}")
    return "\n".join(lines) + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def format_markdown(report: Report) -> str:
    n = counts(report.changes)
    lines = [
        "### Pricing changes",
        "",
        f"`{_cell(report.old)}` → `{_cell(report.new)}`: "
        + ", ".join(
            (f"**{n[k]} {k}**" if k == BREAKING and n[k] else f"{n[k]} {k}") for k in CLASSES
        ),
    ]
    if not report.changes:
        lines += ["", "No changes."]
    for heading, items in _groups(report.changes):
        lines += ["", f"#### {heading}", "", "| Class | Change |", "|---|---|"]
        lines += [
            f"| {'**breaking**' if c.klass == BREAKING else c.klass} | {_cell(c.message)} |"
            for c in items
        ]
    changed = [i for i in report.impacts if i.changed]
    if report.impacts:
        lines += [
            "",
            f"#### Quote impact ({len(changed)} of {len(report.impacts)} reference quotes changed)",
        ]
        if changed:
            lines += [
                "",
                "| Plan | Period | Currency | Subscription | Old | New | Change |",
                "|---|---|---|---|--:|--:|--:|",
            ]
            for i in changed:
                delta = percent(i.old, i.new) if i.old is not None and i.new is not None else ""
                lines.append(
                    f"| {i.plan} | {i.period} | {i.currency} | {_cell(i.reference)} | "
                    f"{_cell(text(i.old) if i.old is not None else 'refused')} | "
                    f"{_cell(text(i.new) if i.new is not None else 'refused')} | {delta} |"
                )
    return "\n".join(lines) + "\n"


def format_json(report: Report) -> str:
    return dump_json(report.to_dict())


FORMATS = {"text": format_text, "markdown": format_markdown, "json": format_json}


# -- reading a side --------------------------------------------------------------------


class SideError(Exception):
    """A side that cannot be read; the message names the side ("old" or "new")."""

    def __init__(self, side: str, message: str, usage: bool = False) -> None:
        super().__init__(f"{side}: {message}")
        self.side = side
        self.usage = usage  # a bad argument (exit 2) rather than a missing catalog (exit 3)


@dataclass(frozen=True)
class SideSpec:
    """A catalog path in the working tree, or in a git revision (``rev`` set)."""

    path: str
    rev: str | None = None

    @property
    def label(self) -> str:
        return f"{self.rev}:{self.path}" if self.rev is not None else self.path


def parse_side(value: str) -> SideSpec:
    """``PATH`` when it exists, else ``REV:PATH`` as git writes it."""
    if Path(value).exists() or ":" not in value:
        return SideSpec(value)
    rev, _, path = value.partition(":")
    return SideSpec(path or ".", rev)


@contextmanager
def open_side(spec: SideSpec, side: str) -> Iterator[tuple[Path, str]]:
    """(path on disk, display name) of a side; a git side is extracted into a
    temporary directory."""
    if spec.rev is None:
        if not Path(spec.path).exists():
            raise SideError(
                side,
                f'"{spec.path}" does not exist; expected a catalog file or directory, or REV:PATH.',
            )
        yield Path(spec.path), spec.path
        return
    with tempfile.TemporaryDirectory(prefix="pricegen-diff-") as tmp:
        yield _extract(spec, side, Path(tmp)), spec.label


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise SideError("git", "git is not installed or not on PATH.", usage=True) from None


def _extract(spec: SideSpec, side: str, tmp: Path) -> Path:
    repo, rel = _locate(spec, side)
    if (
        spec.rev.startswith("-")
        or _git(["rev-parse", "--verify", "--quiet", f"{spec.rev}^{{commit}}"], repo).returncode
    ):
        raise SideError(side, f'git revision "{spec.rev}" does not exist in {repo}.', usage=True)
    listing = _git(["ls-tree", "-r", "-z", spec.rev, "--", rel or "."], repo)
    if listing.returncode:
        raise SideError(
            side,
            f'cannot list "{rel}" in revision {spec.rev}: '
            + listing.stderr.decode(errors="replace").strip(),
        )
    entries = [e for e in listing.stdout.decode("utf-8", "surrogateescape").split("\0") if e]
    blobs = []
    for entry in entries:
        meta, _, name = entry.partition("\t")
        mode, kind, _ = meta.split(" ", 2)
        if kind == "blob":
            blobs.append((mode, name))
    if not blobs:
        raise SideError(side, f'"{rel or "."}" does not exist in revision {spec.rev}.')
    if len(blobs) == 1 and blobs[0][1] == rel:
        target = tmp / PurePosixPath(rel).name
        _write_blob(spec.rev, repo, blobs[0], target)
        return target
    root = tmp / "catalog"
    for mode, name in blobs:
        inner = PurePosixPath(name).relative_to(rel) if rel else PurePosixPath(name)
        _write_blob(spec.rev, repo, (mode, name), root / inner)
    return root


def _locate(spec: SideSpec, side: str) -> tuple[Path, str]:
    """The repository holding ``spec.path`` and the path relative to its top."""
    absolute = Path(os.path.abspath(spec.path))
    existing = absolute
    while not existing.is_dir():
        existing = existing.parent
    top = _git(["rev-parse", "--show-toplevel"], existing)
    if top.returncode:
        raise SideError(side, f'"{spec.path}" is not inside a git repository.', usage=True)
    repo = Path(top.stdout.decode().strip())
    real = Path(os.path.realpath(existing)) / absolute.relative_to(existing)
    try:
        rel = real.relative_to(Path(os.path.realpath(repo)))
    except ValueError:
        raise SideError(
            side, f'"{spec.path}" is outside the repository {repo}.', usage=True
        ) from None
    return repo, "" if str(rel) == "." else rel.as_posix()


def _write_blob(rev: str, repo: Path, blob: tuple[str, str], target: Path) -> None:
    mode, name = blob
    shown = _git(["show", f"{rev}:{name}"], repo)
    if shown.returncode:
        raise SideError(
            "git", f"cannot read {rev}:{name}: {shown.stderr.decode(errors='replace').strip()}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if mode == "120000":  # a symbolic link: keep it one, so it resolves inside the tree
        os.symlink(shown.stdout.decode("utf-8", "surrogateescape"), target)
    else:
        target.write_bytes(shown.stdout)
