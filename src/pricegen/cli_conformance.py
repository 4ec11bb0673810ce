"""``pricegen conformance``: the vectors every port of the evaluator must reproduce.

The expected answers come from the generated Python evaluator (the
reference); spec/conformance.md documents the file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import conformance
from .cli_common import info, verbosity_options
from .cli_env import env_option
from .config import Config
from .runtime import load_evaluator

EXIT_USAGE = 2


@click.command(name="conformance")
@click.argument(
    "catalog",
    default="pricing",
    type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=str),
)
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The vectors file to write (JSON).",
)
@click.option(
    "--cases",
    default=200,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Random subscriptions to draw (each gives about a dozen cases).",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Draw another set of cases.")
@click.option("--include-drafts", is_flag=True, help="Include draft plans, as generate does.")
@env_option()
@verbosity_options
def conformance_command(
    catalog: str, out: Path, cases: int, seed: int, include_drafts: bool, env: str | None
) -> None:
    """Write conformance vectors for CATALOG: calls and the Python evaluator's answers.

    \b
    Example:
      pricegen conformance pricing/ -o vectors.json
      pricegen conformance pricing/ --env staging -o staging-vectors.json
    """
    from .cli import compile_or_exit

    build = compile_or_exit(catalog, strict=False, error_format="text", env=env)
    compiled = build.checked_catalog()  # compile_or_exit exits on errors
    module = load_evaluator(compiled, Config(include_drafts=include_drafts))
    drawn = conformance.random_cases(module, count=cases, seed=seed)
    data = conformance.vectors(module, drawn, name=compiled.product.id)
    try:
        out.write_text(conformance.dumps(data) + "\n", encoding="utf-8")
    except OSError as exc:
        click.echo(f"{out}: error: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    info(f"wrote {len(data['cases'])} cases to {out}")
