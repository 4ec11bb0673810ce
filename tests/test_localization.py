"""One locale, written alike everywhere: Babel, the docs' words and the evaluator.

The evaluator formats money and counts from data baked in at generation
(``render/localization.py``, from Babel's pattern objects). These tests
run the evaluator's own ``format_money`` and ``format_number`` on that data
for every locale Babel knows, and compare them with what the compiler
writes in docs and tables, and with Babel's own rendering.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from babel import Locale, localedata
from babel.numbers import format_currency, format_decimal
from evaluator_support import load_text
from hypothesis import given
from hypothesis import strategies as st

from pricegen.config import Config
from pricegen.render import localization
from pricegen.runtime import load_source
from pricegen.targets.python import runtime_source

LOCALES = sorted(localedata.locale_identifiers())
CURRENCIES = {"USD": 2, "EUR": 2, "JPY": 0, "INR": 2, "KWD": 3, "CHF": 2}
AMOUNTS = [
    Decimal("0"),
    Decimal("0.5"),
    Decimal("8"),
    Decimal("0.0027"),
    Decimal("1234.5"),
    Decimal("-20"),
    Decimal("1234567.891"),
    Decimal("123456789012345678901234567890.25"),
]


@pytest.fixture(scope="module")
def runtime():
    """The runtime module as shipped; each test gives it one locale's data."""
    return load_source(runtime_source(), "locales")


def _with_locale(module, locale: str) -> None:
    currencies = list(CURRENCIES)
    module._PRODUCT = {
        "currencies": currencies,
        "minor_units": dict(CURRENCIES),
        "money_formats": localization.money_formats(currencies, locale),
        "number_format": localization.number_format(locale),
    }
    module._QUANTA = {c: Decimal(1).scaleb(-d) for c, d in CURRENCIES.items()}


def _babel_money(amount: Decimal, currency: str, locale: str) -> str:
    """Babel's own rendering with the same rule: the currency's digits, or more."""
    with localcontext() as ctx:
        ctx.prec = 200
        return format_currency(amount, currency, locale=locale, decimal_quantization=False)


def _babel_quotes_its_symbols(locale: str) -> bool:
    """Babel strips ' as pattern quoting after putting symbols in, so de_CH's
    1'234'567 group separators vanish in its output; ours keep them."""
    return "'" in Locale.parse(locale).number_symbols["latn"]["group"]


def test_every_locale_writes_money_alike_in_the_evaluator_docs_and_babel(runtime):
    checked = 0
    for locale in LOCALES:
        _with_locale(runtime, locale)
        for currency, minor in CURRENCIES.items():
            for amount in AMOUNTS:
                ours = localization.format_money(amount, currency, locale, minor)
                assert runtime.format_money(amount, currency) == ours, (locale, currency, amount)
                if not _babel_quotes_its_symbols(locale):
                    assert ours == _babel_money(amount, currency, locale), (locale, amount)
                checked += 1
    assert checked == len(LOCALES) * len(CURRENCIES) * len(AMOUNTS)


def test_every_locale_writes_counts_alike_in_the_evaluator_docs_and_babel(runtime):
    for locale in LOCALES:
        _with_locale(runtime, locale)
        for n in (0, 7, 1000, 1234567, 10**30):
            ours = localization.format_number(n, locale)
            assert runtime.format_number(n) == ours, (locale, n)
            if not _babel_quotes_its_symbols(locale):
                with localcontext() as ctx:
                    ctx.prec = 200
                    assert ours == format_decimal(n, locale=locale), (locale, n)


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False),
    st.sampled_from(["en_US", "en_IN", "de_DE", "fr_FR", "de_CH", "ar_EG", "ja", "hi"]),
)
def test_any_amount_is_written_alike(runtime, amount, locale):
    _with_locale(runtime, locale)
    assert runtime.format_money(amount, "EUR") == localization.format_money(
        amount, "EUR", locale, 2
    )


def test_indian_grouping_is_three_then_two(tmp_path):
    """en_IN groups lakhs and crores: 1,234,567.5 is 12,34,567.50 (CLDR #,##,##0.00)."""
    assert localization.format_money(Decimal("1234567.5"), "USD", "en_IN", 2) == "$12,34,567.50"
    assert localization.format_number(123456789, "en_IN") == "12,34,56,789"
    module = load_text(_CATALOG, tmp_path, Config(locale="en_IN"))
    assert module.format_money(Decimal("1234567.5"), "USD") == "$12,34,567.50"
    sub = module.Subscription(plan="pro", quantities={})
    line = module.quote(sub, usage={"api-calls": 1234567}).lines[1]
    assert line.description == "12,34,567 calls: 12,34,567 × $0.0027"


def test_the_evaluators_descriptions_follow_the_locale(tmp_path):
    """de_DE writes 1.000 and 0,0027 $, in counts and money alike (spec/language.md)."""
    module = load_text(_CATALOG, tmp_path, Config(locale="de_DE"))
    sub = module.Subscription(plan="pro", quantities={})
    line = module.quote(sub, usage={"api-calls": 1000}).lines[1]
    assert line.description == "1.000 calls: 1.000 × 0,0027\xa0$"
    assert line.amount == Decimal("2.70")  # 1,000 × 0.0027
    assert module.format_money(Decimal("-20"), "USD") == "-20,00\xa0$"


_CATALOG = """\
pricegen: 1
product: {id: acme, name: Acme, currencies: [USD], billing_periods: [monthly]}
features:
  api-calls: {name: API calls, type: metered, unit: [call, calls]}
plans:
  pro:
    name: Pro
    price: 10
    charges:
      api-calls: {model: per_unit, unit_price: 0.0027}
"""
