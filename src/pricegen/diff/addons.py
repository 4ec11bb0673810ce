"""An add-on compared: status, which plans it fits, quantity, its rules, price and grants.

Narrowing what an add-on can be bought with (fewer plans, a lower maximum,
a new requirement or exclusion) is breaking for those who already bought it.
"""

from __future__ import annotations

from ..model import Addon, Catalog
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
from .prices import price_changes, shared


def addon_changes(oc: Catalog, nc: Catalog, o: Addon | None, n: Addon | None) -> list[Change]:
    if o is None:
        assert n is not None  # one side has the add-on
        c = Collector("addon", n.id)
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
        c = Collector("addon", o.id, o.status in SUBSCRIBED)
        c.add(
            "addon-removed",
            BREAKING,
            f'Add-on "{o.id}" removed: subscriptions that bought it can no longer be evaluated.',
            "",
            o.status,
            None,
        )
        return c.changes
    c = Collector("addon", n.id, o.status in SUBSCRIBED)
    status_change(c, "Add-on", o.status, n.status)
    _compatibility(c, o, n)
    _rules(c, o, n)
    price_changes(c, "price", o.price, n.price, shared(o, n, oc, nc))
    for fid in union(nc.features, oc.features):
        entitlement_changes(c, o.entitlements.get(fid), n.entitlements.get(fid), fid)
    _wording(c, o, n)
    return c.changes


def _compatibility(c: Collector, o: Addon, n: Addon) -> None:
    """Plans it can be bought with, and how many times."""
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


def _rules(c: Collector, o: Addon, n: Addon) -> None:
    """Add-ons it requires or excludes: a new one is breaking, a dropped one visible."""
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


def _wording(c: Collector, o: Addon, n: Addon) -> None:
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
