"""pricegen's currency table agrees with the installed Babel's CLDR data.

``src/pricegen/currencies.py`` is a copy, so that ``validate`` needs no Babel
and outputs do not move with Babel's data. When this fails after a Babel
upgrade, run ``python tests/refresh_currencies.py`` and review the diff: a
changed minor unit changes generated outputs.
"""

from __future__ import annotations

from babel.numbers import get_currency_precision, list_currencies
from refresh_currencies import TARGET, render

from pricegen.currencies import CODES, minor_units


def test_codes_are_babels():
    assert sorted(CODES) == sorted(list_currencies())


def test_minor_units_are_babels():
    wrong = {c: (minor_units(c), get_currency_precision(c)) for c in CODES}
    assert {c: v for c, v in wrong.items() if v[0] != v[1]} == {}


def test_the_table_is_as_the_script_writes_it():
    assert TARGET.read_text("utf-8") == render()


def test_well_known_minor_units():
    # ISO 4217: yen and won have no minor unit, the dinars of Bahrain and Kuwait three.
    codes = ("USD", "EUR", "JPY", "KRW", "BHD", "KWD")
    assert [minor_units(c) for c in codes] == [2, 2, 0, 0, 3, 3]
