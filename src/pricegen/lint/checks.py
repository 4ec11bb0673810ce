"""Rules about single items: unused features, unsellable add-ons, prices, docs.

Each check takes the :class:`~.context.Context` and yields warnings; the
registry (:mod:`.registry`) gives them ids, categories and severities.
The ladder rules, which compare plans with each other, are in :mod:`.ladder`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..analyze.arithmetic import round_line
from ..diagnostics import Diagnostic, Location, warning
from ..money import Price, text
from .context import Context

# -- catalog ---------------------------------------------------------------------------


def feature_unused(ctx: Context) -> Iterator[Diagnostic]:
    used: set[str] = set()
    for plan in ctx.published:
        used.update(plan.entitlements)
        used.update(c.feature for c in plan.charges)
    for addon in ctx.catalog.addons.values():
        if addon.status == "published":
            used.update(e.feature for e in addon.entitlements.values() if e.granted)
    for feature in ctx.catalog.features.values():
        if feature.id not in used:
            yield warning(
                feature.loc,
                "FEATURE_UNUSED",
                f'Feature "{feature.id}" is in no published plan or add-on; expected it to be '
                "granted or charged somewhere, or removed.",
            )


def addon_unsellable(ctx: Context) -> Iterator[Diagnostic]:
    for addon in ctx.catalog.addons.values():
        if addon.status != "published":
            continue
        statuses = {
            pid: ctx.catalog.plans[pid].status for pid in addon.plans if pid in ctx.catalog.plans
        }
        if "published" not in statuses.values():
            shown = ", ".join(f'"{pid}" is {status}' for pid, status in statuses.items())
            yield warning(
                ctx.addon_at(addon, "plans"),
                "ADDON_UNSELLABLE",
                f'Add-on "{addon.id}" is compatible with no published plan ({shown}); '
                "expected at least one published plan in its plans.",
            )


# -- prices ----------------------------------------------------------------------------


def _price_fields(plan_or_addon) -> Iterator[tuple[tuple, Price | None]]:
    """(path, price) of every price an item states, for locating and comparing."""
    yield ("price",), plan_or_addon.price
    for charge in getattr(plan_or_addon, "charges", ()):
        base = ("charges", charge.feature)
        for name in ("price", "unit_price", "block_price"):
            yield (*base, name), getattr(charge, name)
        for i, tier in enumerate(charge.tiers):
            for name in ("unit_price", "flat_price", "price"):
                yield (*base, "tiers", i, name), getattr(tier, name)


def dotted(path: tuple) -> str:
    """("charges", "seats", "tiers", 0, "unit_price") -> charges.seats.tiers[0].unit_price"""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def _priced_items(ctx: Context) -> list[tuple[Any, Callable[..., Location], str]]:
    """(plan or add-on, how to locate a field of it, its noun) of every item that is not
    archived: the price rules leave archived items, sold to no one new, alone."""
    items: list[tuple[Any, Callable[..., Location], str]] = [
        (p, ctx.plan_at, "Plan") for p in ctx.catalog.plans.values() if p.status != "archived"
    ]
    items += [
        (a, ctx.addon_at, "Add-on") for a in ctx.catalog.addons.values() if a.status != "archived"
    ]
    return items


def no_annual_discount(ctx: Context) -> Iterator[Diagnostic]:
    for item, at, noun in _priced_items(ctx):
        for path, price in _price_fields(item):
            if not price or "monthly" not in price or "annual" not in price:
                continue
            flat = [
                f"{c} {text(price['annual'][c])} ≥ 12 × {text(m)}"
                for c, m in price["monthly"].items()
                if m > 0 and c in price["annual"] and price["annual"][c] >= 12 * m
            ]
            if flat:
                where = dotted(path)
                yield warning(
                    at(item, *path, "annual"),
                    "PRICE_NO_ANNUAL_DISCOUNT",
                    f'{noun} "{item.id}" {where}: the annual price is at least 12 × the monthly '
                    f"price ({'; '.join(flat)}); expected a discount for paying a year ahead.",
                )


def tier_rising(ctx: Context) -> Iterator[Diagnostic]:
    for plan in ctx.catalog.plans.values():
        for charge in plan.charges:
            if charge.model not in ("graduated", "volume"):
                continue
            for i in range(1, len(charge.tiers)):
                lower, upper = charge.tiers[i - 1].unit_price, charge.tiers[i].unit_price
                rises = [
                    f"{period} {c} {text(lower[period][c])} → {text(v)}"
                    for period, money in (upper or {}).items()
                    for c, v in money.items()
                    if lower and v > lower.get(period, {}).get(c, v)
                ]
                if rises:
                    yield warning(
                        ctx.plan_at(plan, "charges", charge.feature, "tiers", i, "unit_price"),
                        "TIER_PRICE_RISING",
                        f'Plan "{plan.id}" charges more per unit of "{charge.feature}" in '
                        f"tier {i + 1} than in tier {i} ({'; '.join(rises)}); expected unit "
                        "prices that fall or stay as volume grows.",
                    )


def free_by_omission(ctx: Context) -> Iterator[Diagnostic]:
    for plan in ctx.catalog.plans.values():
        if plan.is_free and not plan.default and plan.status != "archived":
            yield warning(
                ctx.plan_at(plan),
                "PLAN_FREE_BY_OMISSION",
                f'Plan "{plan.id}" has neither price nor charges, so it is free by omission; '
                "expected a price, or an explicit price of 0 if it is meant to be free.",
            )


def description_missing(ctx: Context) -> Iterator[Diagnostic]:
    for plan in ctx.published:
        if not plan.description.strip():
            yield warning(
                ctx.plan_at(plan),
                "PLAN_DESCRIPTION_MISSING",
                f'Published plan "{plan.id}" has no description; expected one sentence for the '
                "pricing page and the docs.",
            )


# The fields billed as written, never multiplied by a quantity: a plan's or add-on's
# price, a flat charge's price, a tier's flat fee, a stairstep tier's price (the schema
# and CHARGE_FIELD_UNUSED keep "price" off every other charge and tier).
_AS_WRITTEN = ("price", "flat_price")


def _billed_as_written(item: Any) -> Iterator[tuple[tuple, Price | None]]:
    """(path, price) of the amounts of ``item`` billed as they stand; an add-on's only
    when it can be bought once. Unit and block prices may be finer than a cent: they
    are multiplied before the line is rounded."""
    if not hasattr(item, "charges") and getattr(item, "max_quantity", 1) != 1:
        return
    for path, price in _price_fields(item):
        if path[-1] in _AS_WRITTEN:
            yield path, price


def price_finer_than_minor_unit(ctx: Context) -> Iterator[Diagnostic]:
    product = ctx.catalog.product
    for item, at, noun in _priced_items(ctx):
        for path, price in _billed_as_written(item):
            for period, money in (price or {}).items():
                for currency, amount in money.items():
                    billed = round_line(amount, product, currency)
                    if billed == amount:
                        continue
                    places = product.minor_units[currency]
                    yield warning(
                        at(item, *path, period, currency),
                        "PRICE_FINER_THAN_MINOR_UNIT",
                        f'{noun} "{item.id}" {dotted(path)} ({period}) is {currency} '
                        f"{text(amount)}, finer than {currency}'s {places} decimal places, so "
                        f"every quote bills {text(billed)}; expected an amount with at most "
                        f"{places} decimal places.",
                    )
