"""Two resolved catalogs in, an ordered list of changes out.

The product comes first, then plan by plan in ladder order, then add-ons
and features; within each, the new side's order leads and what was removed
follows (:func:`~pricegen.diff.changes.union`). Plans and add-ons are
compared in their own modules; the product and the features, which only
have a few fields, here.
"""

from __future__ import annotations

from ..model import Catalog, Product
from .addons import addon_changes
from .changes import BREAKING, INTERNAL, VISIBLE, Change, Collector, union
from .plans import plan_changes


def diff(old: Catalog, new: Catalog) -> list[Change]:
    """Every change from ``old`` to ``new``, product first, then plan by plan."""
    changes = _product(old, new)
    for pid in union(new.plans, old.plans):
        changes += plan_changes(old, new, old.plans.get(pid), new.plans.get(pid))
    for aid in union(new.addons, old.addons):
        changes += addon_changes(old, new, old.addons.get(aid), new.addons.get(aid))
    for fid in union(new.features, old.features):
        changes += _feature(new.product.id, old.features.get(fid), new.features.get(fid))
    return changes


# -- the product -----------------------------------------------------------------------


def _product(old: Catalog, new: Catalog) -> list[Change]:
    o, n = old.product, new.product
    c = Collector("product", n.id)
    _currencies(c, o, n)
    _product_periods(c, o, n)
    _product_fields(c, o, n)
    _minor_units(c, o, n)
    return c.changes


def _currencies(c: Collector, o: Product, n: Product) -> None:
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


def _product_periods(c: Collector, o: Product, n: Product) -> None:
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


def _product_fields(c: Collector, o: Product, n: Product) -> None:
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


def _minor_units(c: Collector, o: Product, n: Product) -> None:
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


# -- features --------------------------------------------------------------------------


def _feature(product_id: str, o, n) -> list[Change]:
    c = Collector("feature", (n or o).id)
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
