"""Semantic rules of charges and prices, the part of stage four about money.

A charge must use the fields of its model and have well-ordered tiers; every
price, of a plan, an add-on or a charge's tier, must name an amount for each
currency and billing period sold, and only those. Like every rule in
``checks.py``, each function yields all the problems it finds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .diagnostics import Diagnostic, article, error, quoted
from .merge import Entry, RawCatalog
from .money import PERIODS, expand_price, is_period_map, is_zero_amount

PRICE_FIELDS = ("price", "unit_price", "block_price")
MODEL_FIELDS = {
    "flat": {"price"},
    "per_unit": {"unit_price"},
    "package": {"block_size", "block_price", "rounding"},
    "graduated": {"tiers"},
    "volume": {"tiers"},
    "stairstep": {"tiers"},
}
MODEL_SPECIFIC = set().union(*MODEL_FIELDS.values())

Data = dict[str, Any]  # a charge or a tier as written in the catalog
FieldPath = tuple[str | int, ...]  # keys from an entry to one of its values


def plan_periods(raw: RawCatalog, plan: Entry) -> tuple[str, ...]:
    return tuple(plan.get("billing_periods") or raw.product["billing_periods"])


# -- charges -----------------------------------------------------------------


def check_charges(raw: RawCatalog) -> Iterator[Diagnostic]:
    for plan in raw.plans.values():
        for feature_id, charge in (plan.get("charges") or {}).items():
            feature = raw.features.get(feature_id)
            if feature is not None and feature.get("type") != "metered":
                message = (
                    f'Feature "{feature_id}" is {article(feature.get("type"))} '
                    f"{feature.get('type')} feature; expected a metered feature for a charge."
                )
                yield error(
                    plan.loc("charges", feature_id, key=True), "CHARGE_FEATURE_NOT_METERED", message
                )
            yield from _charge_fields(plan, feature_id, charge)
            yield from _tiers(plan, feature_id, charge)


def _charge_fields(plan: Entry, feature_id: str, charge: Data) -> Iterator[Diagnostic]:
    model = charge["model"]
    for field in sorted(MODEL_SPECIFIC - MODEL_FIELDS[model]):
        if field in charge:
            message = (
                f'A {model} charge does not use "{field}"; '
                f"expected only {quoted(sorted(MODEL_FIELDS[model]))}."
            )
            yield error(
                plan.loc("charges", feature_id, field, key=True), "CHARGE_FIELD_UNUSED", message
            )


def _tiers(plan: Entry, feature_id: str, charge: Data) -> Iterator[Diagnostic]:
    tiers = charge.get("tiers") or []
    model = charge["model"]
    previous = None
    for index, tier in enumerate(tiers):
        path = ("charges", feature_id, "tiers", index)
        name = f'Tier {index + 1} of the "{feature_id}" charge'
        yield from _tier_prices(plan, path, name, model, tier)
        bound = tier.get("up_to")
        last = index == len(tiers) - 1
        if bound is None and not last:
            message = (
                f"{name} has no up_to, but only the last tier may omit it; "
                "expected an inclusive upper bound."
            )
            yield error(plan.loc(*path), "TIERS_OPEN_NOT_LAST", message)
        if bound is not None and previous is not None and bound <= previous:
            message = (
                f"{name} ends at {bound}, not above the previous bound {previous}; "
                "expected strictly ascending up_to values."
            )
            yield error(plan.loc(*path, "up_to"), "TIERS_NOT_ASCENDING", message)
        if bound is not None and last and model != "stairstep":
            message = (
                f"{name} is the last {model} tier but ends at {bound}; "
                "expected an open last tier without up_to."
            )
            yield error(plan.loc(*path, "up_to"), "TIERS_LAST_BOUNDED", message)
        previous = bound if bound is not None else previous


def _tier_prices(
    plan: Entry, path: FieldPath, name: str, model: str, tier: Data
) -> Iterator[Diagnostic]:
    if model == "stairstep":
        unused: tuple[str, ...] = ("unit_price", "flat_price")
        needed = '"price"'
        missing = "price" not in tier
    else:
        needed, unused = "unit_price, flat_price or both", ("price",)
        missing = "unit_price" not in tier and "flat_price" not in tier
    if missing:
        yield error(
            plan.loc(*path), "TIER_PRICE_MISSING", f"{name} has no price; expected {needed}."
        )
    for field in unused:
        if field in tier:
            message = f'A {model} tier does not use "{field}"; expected {needed}.'
            yield error(plan.loc(*path, field, key=True), "CHARGE_FIELD_UNUSED", message)


# -- prices ------------------------------------------------------------------


def check_prices(raw: RawCatalog) -> Iterator[Diagnostic]:
    for plan in raw.plans.values():
        periods = plan_periods(raw, plan)
        if plan.get("price") is not None:
            yield from _price(raw, plan, ("price",), periods)
        for feature_id, charge in (plan.get("charges") or {}).items():
            for path in _charge_price_paths(charge):
                yield from _price(raw, plan, ("charges", feature_id, *path), periods)
    for addon in raw.addons.values():
        periods = _addon_periods(raw, addon)
        if addon.get("price") is None:
            message = (
                f'Add-on "{addon.id}" has no price; expected one for each currency and period '
                "(write price: 0 for a free add-on)."
            )
            yield error(addon.loc(key=True), "PRICE_MISSING", message)
        else:
            yield from _price(raw, addon, ("price",), periods)


def _charge_price_paths(charge: Data) -> Iterator[FieldPath]:
    for field in PRICE_FIELDS:
        if field in charge:
            yield (field,)
    for index, tier in enumerate(charge.get("tiers") or ()):
        for field in ("unit_price", "flat_price", "price"):
            if field in tier:
                yield ("tiers", index, field)


def _addon_periods(raw: RawCatalog, addon: Entry) -> tuple[str, ...]:
    """An add-on is sold in every period of every plan it is compatible with."""
    wanted: set[str] = set()
    for plan_id in addon.get("plans") or ():
        if plan_id in raw.plans:
            wanted.update(plan_periods(raw, raw.plans[plan_id]))
    return tuple(p for p in PERIODS if p in wanted) or tuple(raw.product["billing_periods"])


def _price(
    raw: RawCatalog, entry: Entry, path: FieldPath, periods: tuple[str, ...]
) -> Iterator[Diagnostic]:
    value: Any = entry.data
    for step in path:
        value = value[step]
    currencies = tuple(raw.product["currencies"])
    what = _describe(entry, path)
    if not is_period_map(value) and len(periods) > 1 and not is_zero_amount(value):
        message = (
            f"{what} gives one amount for several billing periods; expected an amount "
            f"for each of {quoted(periods)}, as in {{{periods[0]}: ..., {periods[1]}: ...}}."
        )
        yield error(entry.loc(*path), "PRICE_PERIOD_AMBIGUOUS", message)
        return
    price = expand_price(value, periods, currencies)
    for period, money in price.items():
        if period not in periods:
            message = (
                f"{what} has {article(period)} {period} price, "
                f"but is sold only {quoted(periods)}; "
                f'expected no "{period}" price.'
            )
            yield error(entry.loc(*path, period, key=True), "PRICE_PERIOD_UNDECLARED", message)
            continue
        for currency in money:
            if currency not in currencies:
                sub = (*path, period, currency) if is_period_map(value) else (*path, currency)
                message = (
                    f'{what} is priced in "{currency}", which the product does not sell in; '
                    f"expected only {quoted(currencies)}."
                )
                yield error(entry.loc(*sub, key=True), "PRICE_CURRENCY_UNDECLARED", message)
    for period in periods:
        missing = [c for c in currencies if c not in price.get(period, {})]
        if missing:
            message = (
                f"{what} has no {period} price in {quoted(missing)}; "
                "expected a price for every currency and period sold."
            )
            where = (*path, period) if is_period_map(value) and period in value else path
            yield error(entry.loc(*where), "PRICE_MISSING", message)


def _describe(entry: Entry, path: FieldPath) -> str:
    noun = {"plans": "Plan", "addons": "Add-on"}[entry.section]
    if path == ("price",):
        return f'{noun} "{entry.id}"'
    field = ".".join(str(p) for p in path[1:])
    return f'The {path[1]} charge of plan "{entry.id}" ({field})'
