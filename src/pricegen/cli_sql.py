"""Commands for rating in SQL: ``pricegen sql`` prints the query, ``pricegen rate`` runs it.

Flags become calls into :mod:`pricegen.targets.sql` and :mod:`pricegen.rate`;
results become exit codes: 0 ok; 2 usage error (a missing file or column, an
engine that is not installed); 3 catalog errors, including a catalog that SQL
cannot price exactly (SQL_DECIMAL_OVERFLOW), or an engine that stopped.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .cli_common import OUTPUT_DIRECTORY, compile_input, detail, info, verbosity_options
from .cli_env import env_option
from .config import Config
from .diagnostics import FORMATTERS, normalize, summary
from .model import Catalog
from .targets.base import visible

EXIT_USAGE, EXIT_CATALOG = 2, 3
_NOUNS = {
    "invoice_lines": ("invoice line", "invoice lines"),
    "invoices": ("invoice", "invoices"),
    "rejections": ("rejection", "rejections"),
    "usage_status": ("usage status row", "usage status rows"),
}
DEFAULT_CATALOG = "pricing"

catalog_argument = click.argument(
    "catalog",
    default=DEFAULT_CATALOG,
    type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=str),
)
drafts_option = click.option(
    "--include-drafts", is_flag=True, help="Rate draft plans and add-ons too (as generate does)."
)


def _rateable(catalog_path: str, include_drafts: bool, env: str | None) -> Catalog:
    """The catalog (of environment ``env``) as the SQL target sees it, or exit 3 with
    its diagnostics."""
    from .targets.sql import problems

    build = compile_input(catalog_path, env=env)
    diagnostics = list(build.diagnostics)
    catalog = None
    if build.ok and build.catalog is not None:
        catalog = visible(build.catalog, Config(include_drafts=include_drafts))
        diagnostics = normalize([*diagnostics, *problems(catalog)])
    if diagnostics:
        click.echo(FORMATTERS["text"](diagnostics), err=True, nl=False)
        click.echo(summary(diagnostics), err=True)
    if catalog is None or any(d.is_error for d in diagnostics):
        sys.exit(EXIT_CATALOG)
    return catalog


@click.command()
@catalog_argument
@click.option(
    "--dialect",
    type=click.Choice(["duckdb", "spark", "postgres", "bigquery", "snowflake"]),
    default="duckdb",
    show_default=True,
    help="SQL dialect to write.",
)
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the query to this file instead of stdout.",
)
@drafts_option
@env_option()
@verbosity_options
def sql(
    catalog: str, dialect: str, out: Path | None, include_drafts: bool, env: str | None
) -> None:
    """Print the catalog's rating query: VALUES tables of its prices, then views.

    The views read subscriptions, subscription_quantities, subscription_addons and
    usage, and define invoice_lines, invoices, rejections and usage_status
    (spec/sql.md).

    \b
    Examples:
      pricegen sql pricing/ > rating.sql
      pricegen sql pricing/ --dialect spark -o rating_spark.sql
    """
    from .swap import atomic_write
    from .targets.sql import rating_sql

    text = rating_sql(_rateable(catalog, include_drafts, env), dialect)
    if out is None:
        click.echo(text, nl=False)
        return
    atomic_write(out, text)
    info(f"wrote {out}")


def _input(flag: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        f"--{flag}",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"The {flag} table, .csv or .parquet.",
    )


@click.command()
@catalog_argument
@click.option(
    "--subscriptions",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="subscription_id, plan, period, currency [, trial, existing, started_at]; "
    ".csv or .parquet.",
)
@_input("quantities")
@_input("addons")
@_input("usage")
@click.option(
    "-o",
    "--out",
    "out",
    required=True,
    type=OUTPUT_DIRECTORY,
    help="Output directory: invoice_lines, invoices, rejections, usage_status.",
)
@click.option(
    "--output-format",
    "output_format",
    type=click.Choice(["csv", "parquet"]),
    default=None,
    help="Output file type [default: the type of --subscriptions].",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="duckdb (embedded) or spark (local mode, or --master).",
)
@click.option("--master", default=None, help="Spark master URL [default: local[*]].")
@click.option(
    "--memory-limit",
    default="1GB",
    show_default=True,
    help="DuckDB's memory limit; past it, DuckDB spills to a scratch directory in the "
    "system's temporary directory (TMPDIR), removed at the end.",
)
@click.option(
    "--outputs",
    default="invoice_lines,invoices,rejections,usage_status",
    show_default=True,
    help="The outputs to write, comma-separated.",
)
@drafts_option
@env_option()
@verbosity_options
def rate(
    catalog: str,
    subscriptions: Path,
    quantities: Path | None,
    addons: Path | None,
    usage: Path | None,
    out: Path,
    output_format: str | None,
    engine: str,
    master: str | None,
    memory_limit: str,
    outputs: str,
    include_drafts: bool,
    env: str | None,
) -> None:
    """Rate subscriptions in bulk with the catalog's SQL, on DuckDB or Spark.

    \b
    Examples:
      pricegen rate pricing/ --subscriptions subs.parquet --quantities quantities.parquet \\
          --addons addons.parquet --usage usage.parquet -o rated/
      pricegen rate pricing/ --subscriptions subs.csv -o rated/ --engine spark
    """
    from . import rate as rating

    if master is not None and engine != "spark":
        raise click.UsageError("--master goes with --engine spark.")
    model = _rateable(catalog, include_drafts, env)
    files = {
        "subscriptions": subscriptions,
        "subscription_quantities": quantities,
        "subscription_addons": addons,
        "usage": usage,
    }
    inputs = rating.Inputs({k: v for k, v in files.items() if v is not None})
    started = time.monotonic()

    def progress(message: str) -> None:
        info(f"pricegen rate: {message}")

    where = (
        f"master {master or 'local[*]'}" if engine == "spark" else f"memory limit {memory_limit}"
    )
    detail(f"pricegen rate: engine {engine}, {where}, outputs {outputs}")

    try:
        fmt = output_format or rating.file_format(subscriptions)
        result = rating.rate(
            model, inputs, out, engine=engine, output_format=fmt, master=master,
            memory_limit=memory_limit, progress=progress,
            outputs=tuple(name.strip() for name in outputs.split(",") if name.strip()),
        )  # fmt: skip
    except rating.RateError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE if exc.usage else EXIT_CATALOG)
    counts = ", ".join(f"{n:,} {_NOUNS[name][n != 1]}" for name, n in result.rows.items())
    info(f"rated in {time.monotonic() - started:.1f} s: {counts} in {out}")
    for flag, n in result.unmatched.items():
        if n:
            info(
                f"warning: {n:,} row{'s' if n != 1 else ''} of --{flag} name no subscription "
                "of --subscriptions, and were not rated (spec/sql.md, Inputs)."
            )
