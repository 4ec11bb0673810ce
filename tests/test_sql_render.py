"""The catalog's tables printed row by row are the tables sqlglot prints whole.

``statements()`` prints each catalog table as sqlglot prints it with one
placeholder row, then writes the rows in, each value as the text sqlglot
writes for that literal (targets/sql/query.py). These tests hold that to
sqlglot's own printing of the whole tree: the same statements once parsed,
in every dialect, on generated catalogs and on hostile values; byte for byte
where no row is long enough for sqlglot to wrap it; and DuckDB reads every
value back exactly.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import sqlglot
from fuzz.strategies import catalogs, to_yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sql_support import require

from pricegen import compile_catalog
from pricegen.targets.sql import DIALECTS
from pricegen.targets.sql.query import (
    _catalog_tables,
    _create,
    _create_values,
    _types,
    values_view,
)
from pricegen.targets.sql.sheets import sheets

COLUMNS = [("t", "VARCHAR"), ("n", "BIGINT"), ("d", "DECIMAL(38, 10)"), ("b", "BOOLEAN")]


def _whole_tree(name, columns, rows, dialect) -> str:
    return _create(name, values_view(columns, rows), dialect, table=False)


def _same_parse(fast: str, whole: str, dialect: str) -> bool:
    return sqlglot.parse_one(fast, read=dialect) == sqlglot.parse_one(whole, read=dialect)


def _tables(catalog_data: dict):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pricing.yaml"
        path.write_text(to_yaml(catalog_data), "utf-8")
        build = compile_catalog(path)
    assert build.ok, build.diagnostics
    data = sheets(build.catalog)
    return _catalog_tables(data, _types(build.catalog, data))


@settings(max_examples=25, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(catalogs())
def test_each_catalog_table_is_the_statement_sqlglot_prints_whole(catalog_data):
    for name, columns, rows in _tables(catalog_data):
        for dialect in DIALECTS:
            fast = _create_values(name, columns, rows, dialect)
            whole = _whole_tree(name, columns, rows, dialect)
            assert _same_parse(fast, whole, dialect), (name, dialect)
            if dialect == "duckdb" and all(len(repr(row)) < 50 for row in rows):
                assert fast == whole, name  # short rows: sqlglot does not wrap them either


HOSTILE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=120
)
ROWS = st.lists(
    st.tuples(
        HOSTILE,
        st.integers(-(10**15), 10**15),
        st.decimals(allow_nan=False, allow_infinity=False, places=10, min_value=-(10**15),
                    max_value=10**15),
        st.booleans(),
    ),
    min_size=1,
    max_size=6,
)  # fmt: skip


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(ROWS)
@example([("x", 0, Decimal("-1E-7"), False), ("y", 1, Decimal("1E+3"), True)])  # exponent forms
def test_hostile_values_print_as_sqlglot_prints_them_and_read_back_exactly(rows):
    duckdb = require("duckdb")
    rows = [(text.replace("\x00", ""), n, d, b) for text, n, d, b in rows]
    for dialect in DIALECTS:
        fast = _create_values("pricegen_probe", COLUMNS, rows, dialect)
        assert _same_parse(fast, _whole_tree("pricegen_probe", COLUMNS, rows, dialect), dialect)
    con = duckdb.connect()
    con.execute(_create_values("pricegen_probe", COLUMNS, rows, "duckdb"))
    back = con.execute("SELECT * FROM pricegen_probe").fetchall()
    assert back == [(t, n, Decimal(d).quantize(Decimal("1e-10")), b) for t, n, d, b in rows]
    assert len(con.execute("SHOW TABLES").fetchall()) == 1  # the text made no other statement


def test_values_equal_in_python_keep_their_own_text():
    rows = [(True, 1, Decimal("1.0"), Decimal("1"))]
    columns = [("a", "BOOLEAN"), ("b", "BIGINT"), ("c", "DECIMAL(9, 1)"), ("d", "DECIMAL(9, 0)")]
    fast = _create_values("pricegen_probe", columns, rows, "duckdb")
    assert "(TRUE, 1, 1.0, 1)" in fast
    assert fast == _whole_tree("pricegen_probe", columns, rows, "duckdb")


def test_a_table_without_rows_is_printed_whole():
    fast = _create_values("pricegen_probe", COLUMNS, [], "duckdb")
    assert fast == _whole_tree("pricegen_probe", COLUMNS, [], "duckdb")
    assert fast.endswith("WHERE\n  FALSE;")
