"""Locale data baked into outputs at generation time, from CLDR via Babel.

The evaluator must stay stdlib-only, so instead of shipping Babel it gets,
per currency, the prefix, suffix and separators that Babel's CLDR data gives
for the catalog's locale.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_currency

_SAMPLE = Decimal("1234567.89")
_PARTS = re.compile(r"^(?P<prefix>\D*)1(?P<group>\D*)234\D*567(?P<decimal>\D*)89(?P<suffix>\D*)$")


def money_format(currency: str, locale: str) -> list[str]:
    """[prefix, suffix, group separator, decimal separator] for one currency."""
    text = format_currency(_SAMPLE, currency, locale=locale, currency_digits=False)
    match = _PARTS.match(text)
    if not match:  # an exotic pattern (e.g. Indian grouping): fall back to a plain form
        return ["", f" {currency}", ",", "."]
    return [match["prefix"], match["suffix"], match["group"], match["decimal"]]


def money_formats(currencies, locale: str) -> dict[str, list[str]]:
    return {currency: money_format(currency, locale) for currency in currencies}
