"""Exact money: amounts, money values and prices, with their shorthands expanded.

A money value is an amount (the default currency) or a map of currency to
amount. A price is a money value (the only billing period) or a map of
period to money value. Amounts are ``Decimal`` from the YAML text; they
never pass through a float.
"""

from __future__ import annotations

from decimal import Decimal

PERIODS = ("monthly", "quarterly", "annual")

Money = dict[str, Decimal]
Price = dict[str, Money]


def amount(value: int | Decimal | str) -> Decimal:
    """A schema-valid amount (int, Decimal or decimal string) as a canonical Decimal."""
    result = value if isinstance(value, Decimal) else Decimal(str(value))
    exponent = result.as_tuple().exponent  # an int: amounts are finite
    if result == result.to_integral_value() and isinstance(exponent, int) and exponent > 0:
        result = result.quantize(Decimal(1))  # 1E+3 -> 1000
    return result.copy_abs() if result.is_zero() else result


def text(value: Decimal) -> str:
    """Plain decimal text, never scientific notation: the canonical string form."""
    return format(value, "f")


def is_period_map(value: object) -> bool:
    return isinstance(value, dict) and bool(value) and all(k in PERIODS for k in value)


def is_zero_amount(value: object) -> bool:
    """A bare 0: free in every currency and every period, so never ambiguous."""
    return not isinstance(value, (dict, bool)) and value is not None and amount(value).is_zero()  # type: ignore[arg-type]


def expand_money(value: object, currencies: tuple[str, ...]) -> Money:
    """A map stays as written; a bare amount is the default currency's, and 0 is everyone's."""
    if isinstance(value, dict):
        return {currency: amount(v) for currency, v in value.items()}
    if is_zero_amount(value):
        return {currency: Decimal(0) for currency in currencies}
    return {currencies[0]: amount(value)}  # type: ignore[arg-type]


def expand_price(value: object, periods: tuple[str, ...], currencies: tuple[str, ...]) -> Price:
    """Expand shorthands. A bare money value belongs to the only period sold.

    With several periods a bare value is ambiguous (except 0); ``checks``
    reports that before lowering, and here it is given to every period so
    that lowering never fails.
    """
    if is_period_map(value):
        assert isinstance(value, dict)  # is_period_map says so
        return {p: expand_money(v, currencies) for p, v in value.items()}
    money = expand_money(value, currencies)
    return {p: dict(money) for p in periods}


def order_price(price: Price, periods: tuple[str, ...], currencies: tuple[str, ...]) -> Price:
    """Declared order of periods and currencies, so output never depends on YAML key order."""
    return {p: {c: price[p][c] for c in currencies if c in price[p]} for p in periods if p in price}
