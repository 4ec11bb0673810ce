"""The SQL target: the catalog compiled to one static rating query, run where the data is.

``sql/rating.sql`` (DuckDB) is a list of ``CREATE OR REPLACE VIEW``
statements: the catalog's price sheets as VALUES tables, the steps of
``quote()`` as views, and the outputs ``invoice_lines``, ``invoices``,
``rejections`` (and ``usage_status``) over four input tables. The contract,
the dialects and the bounds are in ``spec/sql.md``. A catalog that SQL
cannot price exactly gets a file that says why, and ``pricegen sql``
refuses it with SQL_DECIMAL_OVERFLOW.

sqlglot is imported only here, when the target renders.
"""

from __future__ import annotations

from ...diagnostics import Diagnostic
from ...model import Catalog
from ..base import RenderContext

DIALECTS = ("duckdb", "spark", "postgres", "bigquery", "snowflake")
INPUTS = ("subscriptions", "subscription_quantities", "subscription_addons", "usage")
OUTPUTS = ("invoice_lines", "invoices", "rejections", "usage_status")


class SqlRating:
    """``sql/rating.sql``: the rating query in DuckDB's dialect."""

    name = "sql"

    def render(self, context: RenderContext) -> dict[str, str]:
        return {"sql/rating.sql": rating_sql(context.catalog, "duckdb")}


def problems(catalog: Catalog) -> list[Diagnostic]:
    """Why SQL cannot rate this catalog exactly (SQL_DECIMAL_OVERFLOW), or nothing."""
    from .exactness import problems as find

    return find(catalog)


def rating_sql(catalog: Catalog, dialect: str = "duckdb") -> str:
    """The whole script: header, then one statement per view; or why there is none."""
    from ...render.templating import header_comment

    lines = [
        f"-- {header_comment()}",
        f"-- source-sha256: {catalog.source_sha256}",
        "-- @generated",
        f"-- Rating query for {dialect}: reads {', '.join(INPUTS)};",
        f"-- defines the views {', '.join(OUTPUTS)}. The contract: spec/sql.md.",
    ]
    refused = problems(catalog)
    if refused:
        lines.append("-- This catalog cannot be rated in SQL exactly:")
        lines += [f"-- {d.message} [{d.rule}]" for d in refused]
        return "\n".join(lines) + "\n"
    from .query import statements

    return "\n".join(lines) + "\n\n" + "\n\n".join(statements(catalog, dialect)) + "\n"
