"""Locale data baked into outputs at generation time, from CLDR via Babel's pattern objects.

The evaluator must stay stdlib-only, so instead of shipping Babel it gets,
per currency, what Babel's ``NumberPattern`` for the locale says: the
prefix and suffix of positive and negative amounts (the currency symbol
already in place), the group and decimal symbols, and the grouping sizes
(3;3 for en_US, 3;2 for en_IN's 12,34,567). Counts get the locale's decimal
pattern's grouping. ``tests/test_localization.py`` checks that formatting
from this data, here and in the evaluator, equals Babel's own for every locale.

The locale changes how numbers and money are written, never the words:
outputs stay in English.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, localcontext
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    NumberPattern,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)

# Babel rounds and normalises in the current decimal context, 28 digits by default;
# catalog amounts have up to 100 digits, and a few of them multiplied are shown.
_WIDE = Context(prec=200)
_QUOTED = re.compile(r"'([^']*)'")


@lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def _affix(text: str, currency: str, symbol: str) -> str:
    """A pattern's prefix or suffix with the currency in place, as Babel renders it."""
    text = _QUOTED.sub(lambda m: m.group(1) or "'", text)  # quoted literals, unquoted
    return text.replace("¤¤¤", currency).replace("¤¤", currency).replace("¤", symbol)


def money_format(currency: str, locale: str) -> dict:
    """How one currency's amounts are written in ``locale``: affixes, symbols, grouping."""
    loc = _locale(locale)
    pattern: NumberPattern = loc.currency_formats["standard"]
    symbol = get_currency_symbol(currency, loc)
    affixes = [
        [
            _affix(pattern.prefix[sign], currency, symbol),
            _affix(pattern.suffix[sign], currency, symbol),
        ]
        for sign in (0, 1)
    ]
    return {
        "positive": affixes[0],
        "negative": affixes[1],
        "group": get_group_symbol(loc),
        "decimal": get_decimal_symbol(loc),
        "grouping": list(pattern.grouping),
    }


def money_formats(currencies, locale: str) -> dict[str, dict]:
    return {currency: money_format(currency, locale) for currency in currencies}


def number_format(locale: str) -> dict:
    """How counts and config values are written: the decimal pattern's symbols and sizes."""
    loc = _locale(locale)
    pattern: NumberPattern = loc.decimal_formats[None]
    return {
        "group": get_group_symbol(loc),
        "decimal": get_decimal_symbol(loc),
        "grouping": list(pattern.grouping),
    }


# -- formatting from that data: the evaluator's format_money() and format_number() ------
#
# The same steps as the generated evaluator's, over the same data, so docs, tables,
# the page, the terminal and the evaluator write every amount alike. Babel's own
# rendering is the reference they are tested against (tests/test_localization.py).


def grouped(digits: str, group: str, sizes) -> str:
    """Digits grouped from the right: ``sizes[0]``, then ``sizes[1]`` (India: 3;2)."""
    size = sizes[0]
    if len(digits) <= size:
        return digits
    parts = [digits[-size:]]
    digits = digits[:-size]
    size = sizes[1]
    while len(digits) > size:
        parts.append(digits[-size:])
        digits = digits[:-size]
    parts.append(digits)
    return group.join(reversed(parts))


def _digits(value: Decimal, minimum: int) -> tuple[str, str]:
    """(whole, fraction) of ``|value|``: at least ``minimum`` decimals, all it has."""
    with localcontext(_WIDE):
        places = max(minimum, -value.normalize().as_tuple().exponent)
        whole, _, fraction = f"{value.copy_abs():.{places}f}".partition(".")
    return whole, fraction


@lru_cache(maxsize=8192, typed=True)  # a catalog repeats its numbers; equal values read alike
def format_money(amount: Decimal, currency: str, locale: str, minor_units: int) -> str:
    """``amount`` in ``locale``: at least ``minor_units`` decimals, more when it has them.

    The catalog's minor unit (which ``product.minor_units`` may override)
    replaces the pattern's precision, and nothing is rounded away, so a unit
    price of $0.0027 shows as such. A zero is never negative.
    """
    form = _money_format(currency, locale)
    whole, fraction = _digits(amount, minor_units)
    body = grouped(whole, form["group"], form["grouping"])
    if fraction:
        body += form["decimal"] + fraction
    prefix, suffix = form["negative" if amount < 0 else "positive"]
    return f"{prefix}{body}{suffix}"


@lru_cache(maxsize=8192, typed=True)  # a catalog repeats its numbers; equal values read alike
def format_number(value: int | Decimal, locale: str) -> str:
    """A count or a config value as the locale writes numbers: 1,000, 99.9, 12,34,567."""
    form = _number_format(locale)
    whole, fraction = _digits(Decimal(value), 0)
    body = grouped(whole, form["group"], form["grouping"])
    if fraction:
        body += form["decimal"] + fraction
    return f"-{body}" if value < 0 else body


@lru_cache(maxsize=256)
def _money_format(currency: str, locale: str) -> dict:
    return money_format(currency, locale)


@lru_cache(maxsize=64)
def _number_format(locale: str) -> dict:
    return number_format(locale)
