"""The rating query as sqlglot expressions: the catalog's tables, then one view per step.

Catalog text (ids, currency codes) reaches the SQL only as sqlglot literals,
in the VALUES lists of the catalog's tables (:func:`values_view`) and the
one placeholder of the default currency: sqlglot quotes and escapes them for
each dialect. The steps themselves are fixed SQL, parsed by sqlglot from the
text in :mod:`.steps`; they hold no catalog text, only the widths and the
rounding mode chosen here.

A large catalog has tens of thousands of rows in those tables, and sqlglot
spends most of a ``generate`` copying and printing them node by node. So
:func:`statements` prints a catalog table as sqlglot prints it with one
placeholder row, then puts the rows there, one per line, each value the
text sqlglot writes for that literal (:func:`_literal_sql`). A dialect that
does not print VALUES as rows (BigQuery writes STRUCTs) gets sqlglot's whole
printing instead.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import sqlglot
from sqlglot import exp

from ...model import Catalog
from . import steps
from .sheets import LINE_DIGITS, PRICE_DIGITS, TOTAL_DIGITS, Sheets, sheets

READ = "duckdb"  # the dialect the fixed steps are written in


def statements(
    catalog: Catalog, dialect: str, tables: bool = False, outputs: tuple[str, ...] | None = None
) -> list[str]:
    """``CREATE OR REPLACE VIEW`` statements in ``dialect`` (temporary views on Spark):
    the catalog's tables, then the steps, outputs among them, in dependency order.

    With ``tables``, the steps that several others read (steps.MATERIALIZED) are
    ``CREATE TABLE AS`` instead: each runs once, which is how ``pricegen rate`` runs
    them on DuckDB. ``outputs`` leaves out the steps that none of them reads.
    """
    data = sheets(catalog)
    types = _types(catalog, data)
    out = [
        _create_values(name, columns, rows, dialect)
        for name, columns, rows in _catalog_tables(data, types)
    ]
    key = _step_key(catalog, types)
    fixed = _step_statements(*key, dialect, tables)
    return out + [statement for _, statement in _kept(fixed, _steps(*key), outputs)]


def rating_selects(
    catalog: Catalog, outputs: tuple[str, ...] | None = None
) -> list[tuple[str, exp.Expr, bool]]:
    """(name, SELECT, whether it is a step) of each view, in the order of statements().
    The steps' expressions are shared: copy one before changing it."""
    data = sheets(catalog)
    types = _types(catalog, data)
    views = [(name, query, False) for name, query in _catalog_views(data, types)]
    fixed = _steps(*_step_key(catalog, types))
    return views + [(name, query, True) for name, query in _kept(fixed, fixed, outputs)]


def step_reads(
    catalog: Catalog, outputs: tuple[str, ...] | None = None
) -> list[tuple[str, set[str]]]:
    """(name, the tables and views its query reads) of each step, in the order of
    statements(): what a run may free once no later statement reads it."""
    parsed = _steps(*_step_key(catalog, _types(catalog, sheets(catalog))))
    return [(name, names_read(query)) for name, query in _kept(parsed, parsed, outputs)]


def names_read(query: exp.Expr | str) -> set[str]:
    """The names of the tables and views ``query`` (a tree, or SQL text in the steps'
    dialect) reads, in lower case as DuckDB matches them. A name the query gives a
    CTE of its own is counted too, which keeps a table longer, never shorter."""
    tree = sqlglot.parse_one(query, read=READ) if isinstance(query, str) else query
    return {table.name.lower() for table in tree.find_all(exp.Table) if table.name}


def _kept(views: tuple, parsed: tuple, outputs: tuple[str, ...] | None) -> list:
    """The (name, ...) entries of ``views`` (steps in the order of ``parsed``, their
    trees) that one of ``outputs`` reads, directly or through other steps (None: all).
    Derived from the trees, so a new step or a new read needs no table of its own."""
    if outputs is None:
        return list(views)
    reads = {name: names_read(query) for name, query in parsed}
    needed, pending = set(), list(outputs)
    while pending:
        name = pending.pop()
        if name in reads and name not in needed:
            needed.add(name)
            pending.extend(reads[name])
    return [view for view in views if view[0] in needed]


def _step_key(catalog: Catalog, types: dict[str, str]) -> tuple:
    product = catalog.product
    return tuple(sorted(types.items())), product.rounding, product.currencies[0]


@lru_cache(maxsize=64)
def _steps(types: tuple, rounding: str, currency: str) -> tuple:
    """The steps, parsed; they depend on the catalog only through these arguments."""
    out = []
    for name, text in steps.step_queries(dict(types), rounding):
        query = sqlglot.parse_one(text, read=READ)
        out.append((name, exp.replace_placeholders(query, default_currency=currency)))
    return tuple(out)


@lru_cache(maxsize=64)
def _step_statements(types: tuple, rounding: str, currency: str, dialect: str, tables: bool):
    """Printed from trees parsed for this call alone, which the printer may then use
    up: copying the shared trees of _steps() cost more than parsing them again."""
    return tuple(
        (name, _create(name, query, dialect, tables and name in steps.MATERIALIZED, owned=True))
        for name, query in _parsed_steps(types, rounding, currency)
    )


def _parsed_steps(types: tuple, rounding: str, currency: str) -> list[tuple[str, exp.Expr]]:
    out = []
    for name, text in steps.step_queries(dict(types), rounding):
        query = sqlglot.parse_one(text, read=READ)
        out.append((name, exp.replace_placeholders(query, default_currency=currency)))
    return out


def _create(name: str, query: exp.Expr, dialect: str, table: bool, owned: bool = False) -> str:
    temporary = dialect == "spark" and not table
    create = exp.Create(
        this=exp.to_table(name),
        kind="TABLE" if table else "VIEW",
        replace=True,
        expression=query,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]) if temporary else None,
    )
    return create.sql(dialect=dialect, pretty=True, copy=not owned) + ";"


def _types(catalog: Catalog, data: Sheets) -> dict[str, str]:
    scale = max(data.scale, 1)
    minor = max(catalog.product.minor_units.values(), default=0)
    return {
        "price": f"DECIMAL({PRICE_DIGITS}, {scale})",
        "line": f"DECIMAL({LINE_DIGITS}, {scale})",
        "amount": f"DECIMAL({TOTAL_DIGITS}, {minor})",
        # a minor unit at the scale of amounts: a rounded amount needs no rescaling
        "unit": f"DECIMAL({minor + 1}, {minor})",
        "units": "DECIMAL(17, 0)",
        "count": "DECIMAL(38, 0)",
    }


# -- the catalog's tables -------------------------------------------------------------


def _catalog_views(data: Sheets, types: dict[str, str]) -> list[tuple[str, exp.Expr]]:
    """Each catalog table as a SELECT over its VALUES: the whole tree, for Spark's
    DataFrame views and for the dialects that print VALUES in their own way."""
    return [
        (name, values_view(columns, rows)) for name, columns, rows in _catalog_tables(data, types)
    ]


def _catalog_tables(data: Sheets, types: dict[str, str]) -> list[tuple[str, list, list]]:
    """(view name, [(column, type)], rows) of each table of the catalog's data."""
    price = types["price"]
    text, integer, flag = "VARCHAR", "BIGINT", "BOOLEAN"
    tables = [
        (
            "pricegen_currencies",
            [
                ("currency", text),
                ("position", integer),
                ("factor", "DECIMAL(7, 0)"),
                ("unit", types["unit"]),
            ],
            [(c, i, Decimal(10) ** m, Decimal(1).scaleb(-m)) for c, i, m in data.currencies],
        ),
        (
            "pricegen_plans",
            [
                ("plan", text),
                ("plan_key", integer),
                ("status", text),
                ("custom", flag),
                ("has_trial", flag),
                ("first_period", text),
                ("charges", integer),
            ],
            data.plans,
        ),
        ("pricegen_plan_periods", [("plan", text), ("period", text)], data.plan_periods),
        (
            "pricegen_plan_prices",
            [
                ("plan", text),
                ("period", text),
                ("currency", text),
                ("price", price),
                ("sheet", integer),
            ],
            data.plan_prices,
        ),
        (
            "pricegen_charges",
            [
                ("plan_key", integer),
                ("feature", text),
                ("position", integer),
                ("in_advance", flag),
                ("included", integer),
                ("block", integer),
                ("block_add", integer),
                ("most", integer),
            ],
            data.charges,
        ),
        (
            "pricegen_tiers",
            [
                ("sheet", integer),
                ("position", integer),
                ("tier_from", integer),
                ("tier_to", integer),
                ("tier_offset", integer),
                ("base", price),
                ("unit_price", price),
            ],
            data.tiers,
        ),
        (
            "pricegen_addons",
            [
                ("addon", text),
                ("item", text),
                ("position", integer),
                ("max_quantity", integer),
                ("archived", flag),
            ],
            data.addons,
        ),
        ("pricegen_addon_plans", [("addon", text), ("plan", text)], data.addon_plans),
        (
            "pricegen_addon_prices",
            [("addon", text), ("period", text), ("currency", text), ("price", price)],
            data.addon_prices,
        ),
        ("pricegen_addon_requires", [("addon", text), ("required", text)], data.addon_requires),
        ("pricegen_addon_excludes", [("addon", text), ("excluded", text)], data.addon_excludes),
        ("pricegen_trial_credits", [("sheet", integer), ("budget", price)], data.trial_credits),
        ("pricegen_features", [("feature", text), ("metered", flag)], data.features),
        (
            "pricegen_plan_limits",
            [
                ("plan", text),
                ("feature", text),
                ("lim", integer),
                ("unlimited", flag),
                ("soft", flag),
                ("metered", flag),
                ("reset_key", integer),
            ],
            data.plan_limits,
        ),
        (
            "pricegen_addon_limits",
            [
                ("addon", text),
                ("feature", text),
                ("lim", integer),
                ("unlimited", flag),
                ("soft", flag),
                ("metered", flag),
                ("reset_key", integer),
                ("override", flag),
                ("position", integer),
            ],
            data.addon_limits,
        ),
        (
            "pricegen_reset_windows",
            [("reset_key", integer), ("period", text), ("windows", integer)],
            data.reset_windows,
        ),
    ]
    return tables


def values_view(columns: list[tuple[str, str]], rows: list[tuple]) -> exp.Select:
    """SELECT CAST(c AS type) ... FROM (VALUES ...) AS t(c, ...); typed, even when empty."""
    if not rows:
        select = exp.select(
            *[exp.cast(exp.null(), exp.DataType.build(t, dialect=READ)).as_(n) for n, t in columns]
        )
        return select.where(exp.false())
    return _over_values(columns, [tuple(literal(v) for v in row) for row in rows])


def _over_values(columns: list[tuple[str, str]], tuples: list[tuple]) -> exp.Select:
    names = [name for name, _ in columns]
    values = exp.values(tuples, alias="t", columns=names)
    return exp.select(
        *[
            exp.cast(exp.column(n, "t"), exp.DataType.build(t, dialect=READ)).as_(n)
            for n, t in columns
        ],
        copy=False,
    ).from_(values, copy=False)


ROWS_MARK = "pricegen_values_rows"  # the placeholder row's one column; no catalog name


def _create_values(name: str, columns: list[tuple[str, str]], rows: list, dialect: str) -> str:
    """The CREATE statement of one catalog table, in ``dialect``; as sqlglot prints the
    whole tree (tests/test_sql_render.py holds the two to the same parse), but with
    each row on a line of its own, so a changed price is a one-line diff."""
    if rows:
        shape = _create(name, _over_values(columns, [(exp.column(ROWS_MARK),)]), dialect, False)
        mark = f"({ROWS_MARK})"
        at = shape.find(mark)
        indent = shape[shape.rfind("\n", 0, at) + 1 : at]
        if at >= 0 and shape.count(mark) == 1 and not indent.strip(" "):
            texts = _row_texts(rows, dialect)
            return shape[:at] + (",\n" + indent).join(texts) + shape[at + len(mark) :]
    return _create(name, values_view(columns, rows), dialect, table=False)  # printed whole


def _row_texts(rows: list, dialect: str) -> list[str]:
    """Each row as ``(a, b, c)``. A table of a large catalog has some 100,000
    values and few distinct ones (flags, nulls, ids): each is looked up in a
    memo of this one table by its type and value, which is all its text
    depends on, but for a Decimal (1.0 == 1), which goes to _literal_sql."""
    memo: dict[tuple[type, object], str] = {}
    texts = []
    for row in rows:
        parts = []
        for value in row:
            kind = type(value)
            if kind is Decimal:
                parts.append(_literal_sql(value, dialect))
                continue
            text = memo.get((kind, value))
            if text is None:
                text = memo[(kind, value)] = _literal_sql(value, dialect)
            parts.append(text)
        texts.append(f"({', '.join(parts)})")
    return texts


def _literal_sql(value, dialect: str) -> str:
    """The text sqlglot writes for ``value`` as a literal in ``dialect``, remembered:
    a catalog repeats its ids, prices and flags thousands of times."""
    if type(value) is Decimal:
        return _literal_text(dialect, "decimal", format(value, "f"))
    return _literal_text(dialect, type(value).__name__, value)


@lru_cache(maxsize=65536)
def _literal_text(dialect: str, kind: str, value) -> str:
    """Keyed by the kind too: True == 1 and Decimal("1.0") == 1, but each is its own text."""
    source = Decimal(value) if kind == "decimal" else value
    return literal(source).sql(dialect=dialect)


def literal(value) -> exp.Expr:
    """A Python value from the catalog as a SQL literal: text is quoted by sqlglot."""
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, Decimal):
        # Not Literal.number: it rewrites a negative number through str(), and
        # str(Decimal("-1E-7")) is exponent notation, which DuckDB reads as a DOUBLE
        # (and with it the whole VALUES column). Plain digits stay DECIMAL.
        digits = exp.Literal(this=format(abs(value), "f"), is_string=False)
        return exp.Neg(this=digits) if value < 0 else digits
    if isinstance(value, str):
        return exp.Literal.string(value)
    raise TypeError(f"no SQL literal for {value!r}")
