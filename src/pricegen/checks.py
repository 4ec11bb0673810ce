"""Stage four: semantic rules that the schema cannot express.

Each ``_check_*`` function reads the merged raw catalog and returns
diagnostics; none of them raises or stops at the first problem, so an
author sees every mistake in one run. The rules of charges and prices live
in ``check_prices.py``; inheritance rules in ``resolve.py``, because they
need the flattened plans.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from .check_prices import check_charges, check_prices
from .diagnostics import Diagnostic, did_you_mean, error, quoted
from .merge import Entry, RawCatalog
from .money import expand_money
from .resolve import cycle_message, find_cycles
from .validate import show

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def iso_currencies() -> frozenset[str]:
    """The currency codes CLDR knows (``currencies.py``, pricegen's copy of Babel's)."""
    from .currencies import CODES

    return CODES


def check(raw: RawCatalog) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for rule in (
        _check_product,
        _check_references,
        _check_cycles,
        _check_defaults,
        _check_entitlements,
        check_charges,
        check_prices,
        _check_addons,
        _check_trials,
    ):
        diagnostics.extend(rule(raw))
    return diagnostics


# -- product ----------------------------------------------------------------


def _check_product(raw: RawCatalog) -> Iterator[Diagnostic]:
    known = iso_currencies()
    for index, code in enumerate(raw.product["currencies"]):
        if code not in known:
            message = f'"{code}" is not an ISO 4217 currency code; expected one such as USD or EUR.'
            yield error(raw.product_loc("currencies", index), "CURRENCY_UNKNOWN", message)
    declared = raw.product["billing_periods"]
    for plan in raw.plans.values():
        for index, period in enumerate(plan.get("billing_periods") or ()):
            if period not in declared:
                message = (
                    f'Plan "{plan.id}" sells "{period}", which the product does not declare; '
                    f"expected one of {quoted(declared)}."
                )
                yield error(
                    plan.loc("billing_periods", index), "BILLING_PERIOD_UNDECLARED", message
                )


# -- references --------------------------------------------------------------


def _check_references(raw: RawCatalog) -> Iterator[Diagnostic]:
    for plan in raw.plans.values():
        parent = plan.get("extends")
        if parent is not None and parent not in raw.plans:
            others = [p for p in raw.plans if p != plan.id]
            message = (
                f'Plan "{plan.id}" extends unknown plan "{parent}"'
                f"{_other_than(plan.id, parent, others, 'plan')}"
            )
            yield error(plan.loc("extends"), "PLAN_EXTENDS_UNKNOWN", message)
        yield from _unknown_features(raw, plan, "entitlements")
        yield from _unknown_features(raw, plan, "charges")
    for addon in raw.addons.values():
        yield from _unknown_features(raw, addon, "entitlements")
        for index, plan_id in enumerate(addon.get("plans") or ()):
            if plan_id not in raw.plans:
                message = (
                    f'Add-on "{addon.id}" lists unknown plan "{plan_id}"'
                    f"{did_you_mean(plan_id, raw.plans, 'plans')}"
                )
                yield error(addon.loc("plans", index), "PLAN_UNKNOWN", message)
        for field in ("requires", "excludes"):
            for index, other in enumerate(addon.get(field) or ()):
                if other not in raw.addons:
                    others = [a for a in raw.addons if a != addon.id]
                    message = (
                        f'Add-on "{addon.id}" {field} unknown add-on "{other}"'
                        f"{_other_than(addon.id, other, others, 'add-on')}"
                    )
                    yield error(addon.loc(field, index), "ADDON_UNKNOWN", message)


def _other_than(own: str, name: str, others: list[str], noun: str) -> str:
    """The hint for a reference to another item: the close ones among the others, or,
    when the item making the reference is the only one declared, just that."""
    if others:
        return did_you_mean(name, others, f"{noun}s")
    return f'; expected another declared {noun}, but "{own}" is the only one.'


def _check_cycles(raw: RawCatalog) -> Iterator[Diagnostic]:
    """A cycle is reported at the ``extends`` of its first plan, which is what closes it."""
    for loop in find_cycles({pid: plan.get("extends") for pid, plan in raw.plans.items()}):
        yield error(raw.plans[loop[0]].loc("extends"), "PLAN_EXTENDS_CYCLE", cycle_message(loop))


def _unknown_features(raw: RawCatalog, entry: Entry, field: str) -> Iterator[Diagnostic]:
    owner = f'{"Plan" if entry.section == "plans" else "Add-on"} "{entry.id}"'
    verb = "grants" if field == "entitlements" else "charges for"
    for feature_id in entry.get(field) or {}:
        if feature_id not in raw.features:
            message = (
                f'{owner} {verb} unknown feature "{feature_id}"'
                f"{did_you_mean(feature_id, raw.features, 'features')}"
            )
            yield error(entry.loc(field, feature_id, key=True), "FEATURE_UNKNOWN", message)


# -- plans -------------------------------------------------------------------


def _check_defaults(raw: RawCatalog) -> Iterator[Diagnostic]:
    defaults = [p for p in raw.plans.values() if p.get("default")]
    for extra in defaults[1:]:
        message = (
            f'Plan "{extra.id}" is marked default, but "{defaults[0].id}" already is '
            f"(at {defaults[0].loc('default')}); expected at most one default plan."
        )
        yield error(extra.loc("default"), "PLAN_DEFAULT_MULTIPLE", message)
    for plan in defaults[:1]:
        status = plan.get("status", "published")
        if status != "published" or plan.get("custom"):
            what = "a custom plan" if plan.get("custom") else f"{status}"
            message = (
                f'Default plan "{plan.id}" is {what}; expected the fallback plan to be '
                "published and self-serve, since every customer may land on it."
            )
            yield error(plan.loc("default"), "PLAN_DEFAULT_UNAVAILABLE", message)
        if plan.get("price") is not None or plan.get("charges"):
            field = "price" if plan.get("price") is not None else "charges"
            message = (
                f'Default plan "{plan.id}" has a {"price" if field == "price" else "charge"}; '
                "expected the fallback plan to be free."
            )
            yield error(plan.loc(field, key=True), "PLAN_DEFAULT_NOT_FREE", message)
    for plan in raw.plans.values():
        if plan.get("custom") and (plan.get("price") is not None or plan.get("charges")):
            field = "price" if plan.get("price") is not None else "charges"
            message = (
                f'Custom plan "{plan.id}" has a list {field}; expected none, '
                "since a custom plan is quoted by sales."
            )
            yield error(plan.loc(field, key=True), "PLAN_CUSTOM_PRICED", message)


def _check_trials(raw: RawCatalog) -> Iterator[Diagnostic]:
    yield from _trial_end_target(raw)
    for plan in raw.plans.values():
        trial = plan.get("trial")
        if trial is not None and not any(k in trial for k in ("days", "months", "credits")):
            message = (
                f'The trial of plan "{plan.id}" has neither a duration nor a budget; '
                "expected days, months or credits."
            )
            yield error(plan.loc("trial", key=True), "TRIAL_EMPTY", message)
        elif trial is not None and trial.get("credits") is not None:
            yield from _credits(raw, plan, trial["credits"])


def _credits(raw: RawCatalog, plan: Entry, credits) -> Iterator[Diagnostic]:
    """A trial budget is money: one amount per currency the product sells in."""
    currencies = tuple(raw.product["currencies"])
    budget = expand_money(credits, currencies)
    what = f'The trial budget of plan "{plan.id}"'
    for currency in budget:
        if currency not in currencies:
            message = (
                f'{what} is in "{currency}", which the product does not sell in; '
                f"expected only {quoted(currencies)}."
            )
            yield error(
                plan.loc("trial", "credits", currency, key=True),
                "PRICE_CURRENCY_UNDECLARED",
                message,
            )
    missing = [c for c in currencies if c not in budget]
    if missing:
        message = (
            f"{what} has no amount in {quoted(missing)}; expected a budget in every currency sold."
        )
        yield error(plan.loc("trial", "credits"), "PRICE_MISSING", message)


# -- entitlements ------------------------------------------------------------


def _check_entitlements(raw: RawCatalog) -> Iterator[Diagnostic]:
    for plan in raw.plans.values():
        for feature_id, value in (plan.get("entitlements") or {}).items():
            if feature_id in raw.features:
                yield from _entitlement(raw, plan, feature_id, value, on_addon=False)
    for addon in raw.addons.values():
        for feature_id, value in (addon.get("entitlements") or {}).items():
            if feature_id in raw.features:
                yield from _entitlement(raw, addon, feature_id, value, on_addon=True)


def _entitlement(raw, entry: Entry, feature_id: str, value, *, on_addon: bool):
    feature = raw.features[feature_id]
    kind = feature.get("type")
    problem = _type_problem(kind, value)
    if problem:  # located only here: a large catalog has tens of thousands of entitlements
        message = f'{_shown(value)} does not fit {kind} feature "{feature_id}"; expected {problem}.'
        yield error(entry.loc("entitlements", feature_id), "ENTITLEMENT_TYPE_MISMATCH", message)
        return
    full = value if isinstance(value, dict) else {}
    yield from _enum_values(feature, entry, value)
    if "behavior" in full and not on_addon:
        message = (
            f'Plan "{entry.id}" gives "{feature_id}" a behavior, '
            "which only add-on entitlements have; "
            "expected no behavior on a plan."
        )
        yield error(
            entry.loc("entitlements", feature_id, "behavior", key=True),
            "ENTITLEMENT_BEHAVIOR_ON_PLAN",
            message,
        )
    if full.get("variable") and (on_addon or not entry.get("custom")):
        owner = f'Add-on "{entry.id}"' if on_addon else f'Plan "{entry.id}" is not custom, so it'
        message = (
            f'{owner} cannot leave "{feature_id}" variable; expected a fixed value, '
            "since only custom plans set values per subscription."
        )
        yield error(
            entry.loc("entitlements", feature_id, "variable", key=True),
            "ENTITLEMENT_VARIABLE_NOT_CUSTOM",
            message,
        )
    yield from _reset(kind, full, entry, feature_id)


_TYPE_EXPECTATIONS = {
    "boolean": "true, false or {enabled: ...}",
    "config": "a number, {value: ...} or {variable: true}",
    "enum": "a list of its values, {values: [...]} or false",
    "metered": "a whole-number limit, unlimited, or {limit: ...}",
}
_FULL_KEYS = {
    "boolean": {"enabled"},
    "config": {"value", "variable"},
    "enum": {"values"},
    "metered": {"limit", "soft", "reset", "reset_anchor", "variable", "behavior"},
}


def _type_problem(kind: str, value) -> str | None:
    """None when ``value`` fits a feature of ``kind``, else what was expected."""
    if value is False:
        return None  # explicitly not granted, for any type
    expected = _TYPE_EXPECTATIONS[kind]
    if isinstance(value, dict):
        allowed = _FULL_KEYS[kind] | ({"behavior"} if kind != "metered" else set())
        if set(value) - allowed:
            return expected
        if kind == "metered" and "limit" not in value and not value.get("variable"):
            return expected
        return None
    fits = {
        "boolean": value is True,
        "config": isinstance(value, (int, Decimal)) and not isinstance(value, bool),
        "enum": isinstance(value, list),
        "metered": value == "unlimited" or (isinstance(value, int) and not isinstance(value, bool)),
    }[kind]
    return None if fits else expected


def _enum_values(feature: Entry, entry: Entry, value):
    """Each unknown value is reported at the value itself."""
    path: tuple[str, ...] = ("entitlements", feature.id)
    if isinstance(value, dict):
        value, path = value.get("values"), (*path, "values")
    if not isinstance(value, list):
        return
    declared = feature.get("values") or []
    for index, item in enumerate(value):
        if item not in declared:
            message = (
                f'Feature "{feature.id}" has no value "{item}"'
                f"{did_you_mean(item, declared, 'values')}"
            )
            yield error(entry.loc(*path, index), "ENUM_VALUE_UNKNOWN", message)


def _reset(kind: str, full: dict, entry: Entry, feature_id: str):
    reset, anchor = full.get("reset"), full.get("reset_anchor")
    if not reset and not anchor:
        return  # nothing to check, and nothing to locate (most entitlements)
    where = entry.loc("entitlements", feature_id, "reset_anchor" if anchor else "reset")
    if reset and kind != "metered":
        yield error(
            where,
            "RESET_ANCHOR_INVALID",
            f'Feature "{feature_id}" is not metered; expected no reset.',
        )
    elif anchor and not reset:
        yield error(
            where,
            "RESET_ANCHOR_INVALID",
            "A reset anchor needs a reset period; expected 'reset' too.",
        )
    elif anchor in WEEKDAYS and reset != "week":
        message = (
            f'Weekday anchor "{anchor}" needs a weekly reset, but the reset is "{reset}"; '
            "expected reset: week, or reset_anchor: calendar."
        )
        yield error(where, "RESET_ANCHOR_INVALID", message)


# -- add-ons -----------------------------------------------------------------


def _check_addons(raw: RawCatalog) -> Iterator[Diagnostic]:
    for addon in raw.addons.values():
        if not addon.get("plans"):
            message = (
                f'Add-on "{addon.id}" is compatible with no plan; expected at least one plan id.'
            )
            yield error(addon.loc("plans"), "ADDON_NO_PLAN", message)
        for index, other in enumerate(addon.get("requires") or []):
            reason = _requires_conflict(raw, addon, other)
            if reason:
                message = (
                    f'Add-on "{addon.id}" requires {reason}; expected a requirement it can meet.'
                )
                yield error(addon.loc("requires", index), "ADDON_REQUIRES_CONFLICT", message)


def _requires_conflict(raw: RawCatalog, addon: Entry, other: str) -> str | None:
    """Why ``addon`` can never have ``other`` beside it, if it cannot: ``excludes``
    works both ways round, whichever add-on lists it."""
    if other == addon.id:
        return "itself"
    if other in (addon.get("excludes") or []):
        return f'"{other}", which it also excludes'
    target = raw.addons.get(other)
    if target is not None and addon.id in (target.get("excludes") or []):
        return f'"{other}", which excludes it'
    return None


def _shown(value) -> str:
    """An entitlement value as written: scalars as in YAML, a mapping by its keys."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: ..." for key in value) + "}"
    return show(value)


def _trial_end_target(raw: RawCatalog) -> Iterator[Diagnostic]:
    """A trial that ends in a downgrade needs a default plan to downgrade to."""
    if raw.product.get("trial_end", "downgrade") != "downgrade":
        return
    if any(p.get("default") for p in raw.plans.values()):
        return
    trialled = [p for p in raw.plans.values() if p.get("trial") is not None]
    if trialled:
        names = quoted([p.id for p in trialled])
        message = (
            f"Trials of {names} end in a downgrade to the default plan, but no plan is the "
            "default; expected one plan with default: true, or product.trial_end: cancel."
        )
        yield error(trialled[0].loc("trial", key=True), "TRIAL_END_NO_DEFAULT", message)
