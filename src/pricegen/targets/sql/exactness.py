"""What SQL can hold exactly: the catalog is refused at compile time when it cannot.

The query computes in DECIMAL types of fixed widths (see :mod:`.sheets`):
prices in DECIMAL(19, s), exact line amounts in DECIMAL(29, s), rounded
amounts and totals in DECIMAL(38, m), where ``s`` is the most decimals any
amount of the catalog has and ``m`` the most minor units of its currencies.
A quantity is at most 10^15 units. This module finds every price, charge and
total that would not fit at that many units, as SQL_DECIMAL_OVERFLOW
diagnostics at the plan or add-on concerned, so that no dialect ever
overflows at run time or rounds where the rules do not.
"""

from __future__ import annotations

from decimal import Decimal

from ...diagnostics import Diagnostic, error
from ...model import NOWHERE, Addon, Catalog, Plan
from .sheets import (
    LINE_DIGITS,
    PRICE_DIGITS,
    TOTAL_DIGITS,
    charge_tiers,
    digits,
    money_scale,
    tier_max,
)

RULE = "SQL_DECIMAL_OVERFLOW"


def problems(catalog: Catalog) -> list[Diagnostic]:
    """SQL_DECIMAL_OVERFLOW diagnostics, one per plan or add-on that does not fit."""
    scale = money_scale(catalog)
    minor = max(catalog.product.minor_units.values(), default=0)
    found = []
    if scale >= PRICE_DIGITS:  # not with the language's amounts today; kept as a guard
        loc = next((p.loc for p in catalog.plans.values()), NOWHERE)
        return [error(loc, RULE, _scale_message(scale))]
    for plan in catalog.plans.values():
        if message := _plan_problem(catalog, plan, scale, minor):
            found.append(error(plan.loc, RULE, message))
    for addon in catalog.addons.values():
        if message := _addon_problem(addon, scale):
            found.append(error(addon.loc, RULE, message))
    return found


def _scale_message(scale: int) -> str:
    return (
        f"Amounts of this catalog have up to {scale} decimals, too many for SQL's DECIMAL(38) "
        f"to price 10^15 units exactly; expected at most {PRICE_DIGITS - 1} decimals."
    )


def _plan_problem(catalog: Catalog, plan: Plan, scale: int, minor: int) -> str | None:
    """Why the plan's prices, lines or largest total do not fit, or None."""
    for money in (plan.price or {}).values():
        for amount in money.values():
            if digits(amount, scale) > PRICE_DIGITS:
                return _price_message(f'Plan "{plan.id}"', amount, scale)
    most = {
        period: max((m for m in (plan.price or {}).get(period, {}).values()), default=Decimal(0))
        for period in plan.billing_periods
    }
    for charge in plan.charges:
        block = charge.block_size or 1 if charge.model == "package" else 1
        for tier in charge_tiers(plan, charge):
            for amount in (tier.base, tier.unit_price):
                if digits(amount, scale) > PRICE_DIGITS:
                    return _price_message(f'Plan "{plan.id}"', amount, scale)
            top = tier_max(tier, block)
            if digits(top, scale) > LINE_DIGITS:
                return _line_message(plan.id, charge.feature, top, scale)
            most[tier.period] = most.get(tier.period, Decimal(0)) + top
    for addon in catalog.addons.values():
        if plan.id in addon.plans:
            for period in plan.billing_periods:
                price = max(addon.price.get(period, {}).values(), default=Decimal(0))
                most[period] = most.get(period, Decimal(0)) + price * addon.max_quantity
    total = max(most.values(), default=Decimal(0))
    if digits(total, minor) > TOTAL_DIGITS - 2:
        return (
            f'Plan "{plan.id}" can total {total:.6E} in a period at 10^15 units, more than '
            f"SQL's DECIMAL(38) holds with {minor} decimals; expected totals below "
            f"10^{TOTAL_DIGITS - 2 - minor}."
        )
    return None


def _addon_problem(addon: Addon, scale: int) -> str | None:
    for money in addon.price.values():
        for amount in money.values():
            if digits(amount, scale) > PRICE_DIGITS:
                return _price_message(f'Add-on "{addon.id}"', amount, scale)
            most = amount * addon.max_quantity
            if digits(most, scale) > LINE_DIGITS:
                return (
                    f'Add-on "{addon.id}" costs up to {most:.6E}, which needs '
                    f"{digits(most, scale)} digits with the catalog's {scale} decimals; expected "
                    f"at most {LINE_DIGITS}, so that SQL's DECIMAL(38) holds every line exactly."
                )
    return None


def _price_message(owner: str, amount: Decimal, scale: int) -> str:
    return (
        f"{owner} has the amount {amount:f}, which needs {digits(amount, scale)} digits with the "
        f"catalog's {scale} decimals; expected at most {PRICE_DIGITS} so that SQL prices "
        "10^15 units of it exactly in DECIMAL(38)."
    )


def _line_message(plan_id: str, feature: str, top: Decimal, scale: int) -> str:
    return (
        f'Plan "{plan_id}" charges up to {top:.6E} for "{feature}" at 10^15 units, which '
        f"needs {digits(top, scale)} digits with the catalog's {scale} decimals; expected at "
        f"most {LINE_DIGITS}, so that SQL's DECIMAL(38) holds every line exactly."
    )
