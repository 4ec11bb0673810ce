"""Write src/pricegen/currencies.py from Babel's copy of CLDR's currency data.

pricegen checks currency codes and takes each currency's minor units from
this table rather than from Babel, for two reasons: ``validate`` need not
import Babel (some 25 ms), and outputs do not change when a newer Babel
ships newer CLDR data. ``tests/test_currencies.py`` fails when the installed
Babel disagrees with the table; then run this and review the diff:

    python tests/refresh_currencies.py
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from babel.numbers import get_currency_precision, list_currencies

TARGET = Path(__file__).resolve().parents[1] / "src" / "pricegen" / "currencies.py"

TEMPLATE = '''\
"""Currency codes and their minor units (decimals), from CLDR, as Babel has them.

Written by ``python tests/refresh_currencies.py``; do not edit by hand.
``checks.py`` refuses codes outside ``CODES`` (CURRENCY_UNKNOWN) and
``lower.py`` rounds money to ``minor_units(code)`` decimals unless the
catalog says otherwise. A table of pricegen's own keeps ``validate`` from
importing Babel, and outputs from changing with Babel's data;
``tests/test_currencies.py`` holds it equal to the installed Babel.
"""

from __future__ import annotations

CODES = frozenset(
    """
{codes}
    """.split()
)

# Codes whose minor units are not 2.
_NOT_TWO = {{
{not_two}
}}


def minor_units(code: str) -> int:
    """How many decimals amounts in ``code`` are rounded to."""
    return _NOT_TWO.get(code, 2)
'''


def render() -> str:
    codes = sorted(list_currencies())
    not_two = {c: get_currency_precision(c) for c in codes if get_currency_precision(c) != 2}
    return TEMPLATE.format(
        codes=textwrap.indent(textwrap.fill(" ".join(codes), 92), "    "),
        not_two="\n".join(f'    "{c}": {n},' for c, n in not_two.items()),
    )


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8", newline="\n")
    print(f"wrote {TARGET}")
