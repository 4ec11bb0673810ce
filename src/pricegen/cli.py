"""The command line: flags become calls, results become exit codes.

Exit codes: 0 ok; 1 stale outputs under ``--check``; 2 usage error; 3 the
catalog (or a quote's arguments) has errors. Anything else is a bug.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, emit
from .config import Config, module_name_problem
from .diagnostics import FORMATTERS, summary
from .pipeline import Build, compile_catalog
from .render import render
from .rules import RULES
from .starter import STARTER_CATALOG

EXIT_OK, EXIT_STALE, EXIT_USAGE, EXIT_CATALOG = 0, 1, 2, 3
DEFAULT_CATALOG = "pricing"

catalog_argument = click.argument(
    "catalog",
    default=DEFAULT_CATALOG,
    type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=str),
)


def diagnostic_options(command):
    command = click.option(
        "--strict", is_flag=True, help="Treat warnings as errors."
    )(command)
    return click.option(
        "--error-format",
        type=click.Choice(sorted(FORMATTERS)),
        default="text",
        show_default=True,
        help="text: path:line:col lines on stderr; json and github (Actions annotations) on stdout.",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pricegen")
def main() -> None:
    """pricegen compiles a pricing catalog (YAML) into an evaluator, docs and tables.

    \b
    Examples:
      pricegen validate pricing/
      pricegen generate pricing/ -o generated/
      pricegen generate pricing/ -o generated/ --check --diff
    """


def report(build: Build, error_format: str) -> None:
    """Print diagnostics in the chosen format; text goes to stderr with a summary."""
    if error_format == "text":
        if build.diagnostics:
            click.echo(FORMATTERS["text"](build.diagnostics), err=True, nl=False)
            click.echo(summary(build.diagnostics), err=True)
    else:
        click.echo(FORMATTERS[error_format](build.diagnostics), nl=False)


def compile_or_exit(catalog: str, strict: bool, error_format: str) -> Build:
    build = compile_catalog(catalog, strict=strict)
    report(build, error_format)
    if not build.ok:
        sys.exit(EXIT_CATALOG)
    return build


@main.command()
@catalog_argument
@diagnostic_options
def validate(catalog: str, strict: bool, error_format: str) -> None:
    """Check the catalog against the schema and the semantic rules; write nothing.

    \b
    Examples:
      pricegen validate pricing.yaml
      pricegen validate pricing/ --strict --error-format github
    """
    build = compile_or_exit(catalog, strict, error_format)
    model = build.catalog
    if error_format == "text":
        counts = f"{_count(model.plans, 'plan')}, {_count(model.features, 'feature')}, {_count(model.addons, 'add-on')}"
        click.echo(f"{catalog}: ok ({counts}).", err=True)


def _count(items, noun: str) -> str:
    return f"{len(items)} {noun}{'s' if len(items) != 1 else ''}"


@main.command()
@catalog_argument
@click.option("-o", "--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output directory (owned by pricegen).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when any output is stale, missing or extra.")
@click.option("--diff", "show_diff", is_flag=True, help="Show a unified diff of what would change.")
@click.option("--module", default=None, help="Evaluator module name [default: <product id>_pricing].")
@click.option("--include-drafts", is_flag=True, help="Include draft plans in the outputs.")
@diagnostic_options
def generate(catalog, out, check, show_diff, module, include_drafts, strict, error_format) -> None:
    """Compile the catalog and write every output into OUT.

    \b
    Examples:
      pricegen generate pricing/ -o generated/
      pricegen generate pricing/ -o generated/ --check --diff   # in CI
    """
    if module is not None and (problem := module_name_problem(module)):
        raise click.BadParameter(problem, param_hint="--module")
    build = compile_or_exit(catalog, strict, error_format)
    files = render(build.catalog, Config(module=module, include_drafts=include_drafts))
    if check or show_diff:
        files = emit.with_manifest(files)
        changes = emit.plan(out, files)
        if show_diff:
            click.echo(emit.unified_diff(out, files, changes), nl=False)
        for line in emit.check_messages(changes):
            click.echo(line, err=True)
        click.echo(emit.summary(changes, check=True), err=True)
        sys.exit(EXIT_STALE if changes.changed and check else EXIT_OK)
    changes = emit.write(out, files)
    click.echo(emit.summary(changes, check=False), err=True)


@main.command()
def schema() -> None:
    """Print the JSON Schema of catalog files, for editors and other tools."""
    from .validate import schema_text

    click.echo(schema_text(), nl=False)


@main.command()
def rules() -> None:
    """List every diagnostic rule with its category, severity and purpose."""
    width = max(len(rule.id) for rule in RULES)
    for rule in RULES:
        click.echo(f"{rule.id:<{width}}  {rule.category:<11} {rule.severity.value:<7}  {rule.purpose}")


@main.command()
@click.argument("directory", default=DEFAULT_CATALOG, type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Scaffold a small starter catalog that validates, with the schema beside it.

    \b
    Example:
      pricegen init pricing && pricegen validate pricing
    """
    from .validate import schema_text

    targets = {directory / "pricing.yaml": STARTER_CATALOG, directory / "pricegen.schema.json": schema_text()}
    existing = [str(p) for p in targets if p.exists()]
    if existing:
        raise click.UsageError(f"{', '.join(existing)} already exists; expected a new or empty directory.")
    for path, content in targets.items():
        emit.atomic_write(path, content)
        click.echo(f"created {path}", err=True)
