"""The reference stays true to the code: spec/language.md lists every rule as rules.py has it."""

from __future__ import annotations

import re

from conftest import REPO

from pricegen.rules import RULES

ROW = re.compile(
    r"^\| (?:<a id=\"[a-z0-9_]+\"></a>)?`(?P<id>[A-Z0-9_]+)` \| (?P<category>[^|]+) \| "
    r"(?P<severity>\w+) \| (?P<purpose>.+) \|$"
)


def test_the_rules_table_of_the_language_reference_is_rules_py():
    text = (REPO / "spec" / "language.md").read_text("utf-8")
    table = text.split("### Rules", 1)[1]
    rows = [m.groupdict() for m in map(ROW.match, table.splitlines()) if m]
    expected = [
        {"id": r.id, "category": r.category, "severity": r.severity.value, "purpose": r.purpose}
        for r in RULES
    ]
    assert [{**row, "category": row["category"].strip()} for row in rows] == expected, (
        "spec/language.md's rule table differs from src/pricegen/rules.py"
    )
