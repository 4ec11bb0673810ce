"""The command line: flags become calls, results become exit codes.

Exit codes: 0 ok; 1 stale outputs under ``--check``; 2 usage error; 3 the
catalog (or a quote's arguments) has errors; 123 a bug in pricegen. The
conventions every command shares (``-`` for standard input, settings
files, ``-q``/``-v``, colour, internal errors) live in ``cli_common``.

Heavy modules (the renderers, the evaluator, the review commands' cores)
are imported by the commands that use them, so that ``pricegen validate``
and shell completion start quickly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .cli_common import (
    DEFAULT_CATALOG,
    EXIT_CATALOG,
    EXIT_OK,
    EXIT_USAGE,
    OUTPUT_DIRECTORY,
    PricegenGroup,
    apply_settings,
    bad_setting,
    catalog_argument,
    catalog_label,
    compile_input,
    compile_inputs,
    info,
    ok_line,
    verbosity_options,
)
from .cli_common import (
    EXIT_FAIL as EXIT_STALE,
)
from .cli_common import (
    report as report_diagnostics,
)
from .cli_env import env_option
from .config import Config, locale_problem, module_name_problem
from .diagnostics import FORMATTERS
from .environments import ALL

if TYPE_CHECKING:
    from .model import Catalog
    from .pipeline import Build, Builds

F = TypeVar("F", bound=Callable[..., Any])


def diagnostic_options(command: F) -> F:
    command = click.option("--strict", is_flag=True, help="Treat warnings as errors.")(command)
    return click.option(
        "--error-format",
        type=click.Choice(sorted(FORMATTERS)),
        default="text",
        show_default=True,
        help=(
            "text: path:line:col lines on stderr; on stdout, json, github (Actions "
            "annotations) and sarif (SARIF 2.1.0, for code scanning)."
        ),
    )(command)


@click.group(
    cls=PricegenGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="pricegen")
@click.option(
    "--config",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=str),
    default=None,
    help="Read settings from FILE, not the nearest pricegen.toml or pyproject.toml.",
)
@click.option("--no-config", is_flag=True, help="Ignore settings files.")
@verbosity_options
@click.pass_context
def main(ctx: click.Context, config: str | None, no_config: bool) -> None:
    """pricegen compiles a pricing catalog (YAML) into an evaluator, docs and tables.

    Settings (catalog, out, module, locale, include-drafts, env) come from
    pricegen.toml, or [tool.pricegen] in pyproject.toml, in this directory or
    the nearest parent that has one; flags on the command line win.

    \b
    Examples:
      pricegen validate pricing/
      pricegen generate pricing/ -o generated/
      pricegen generate pricing/ -o generated/ --check --diff
      cat pricing.yaml | pricegen validate - --stdin-filename pricing.yaml
    """
    apply_settings(ctx, config, no_config)


def report(build: Build | Builds, error_format: str) -> None:
    """Print diagnostics in the chosen format; text goes to stderr with a summary."""
    report_diagnostics(build.diagnostics, error_format, build.sources)


def compile_or_exit(catalog: str, strict: bool, error_format: str, env: str | None = None) -> Build:
    build = compile_input(catalog, strict=strict, env=env)
    report(build, error_format)
    if not build.ok:
        sys.exit(EXIT_CATALOG)
    return build


@main.command()
@catalog_argument
@env_option(every=True, help="Check only this environment [default: all of them].")
@diagnostic_options
@verbosity_options
def validate(catalog: str, env: str | None, strict: bool, error_format: str) -> None:
    """Check the catalog against the schema and the semantic rules; write nothing.

    A catalog with environments is checked in every one of them.

    \b
    Examples:
      pricegen validate pricing.yaml
      pricegen validate pricing/ --strict --error-format github
      pricegen validate pricing/ --error-format sarif > pricegen.sarif
      pricegen validate - --stdin-filename pricing.yaml < pricing.yaml
    """
    builds = compile_inputs(catalog, strict=strict, env=env)
    report(builds, error_format)
    if not builds.ok:
        sys.exit(EXIT_CATALOG)
    if error_format == "text":
        counts = [
            f"{name}: {_counts(build.catalog)}" if name else _counts(build.catalog)
            for name, build in builds.builds.items()
        ]
        ok_line(f"{catalog_label(catalog)}: ok ({'; '.join(counts)}).")


def _counts(model: Any) -> str:
    return (
        f"{_count(model.plans, 'plan')}, {_count(model.features, 'feature')}, "
        f"{_count(model.addons, 'add-on')}"
    )


def _count(items, noun: str) -> str:
    return f"{len(items)} {noun}{'s' if len(items) != 1 else ''}"


@main.command()
@catalog_argument
@click.option(
    "-o",
    "--out",
    "out",
    required=True,
    type=OUTPUT_DIRECTORY,
    help="Output directory (owned by pricegen).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 when any output is stale, missing or extra.",
)
@click.option("--diff", "show_diff", is_flag=True, help="Show a unified diff of what would change.")
@click.option(
    "--module", default=None, help="Evaluator module name [default: <product id>_pricing]."
)
@click.option("--include-drafts", is_flag=True, help="Include draft plans in the outputs.")
@click.option(
    "--locale",
    default=None,
    help="Locale for money in docs and tables, e.g. de_DE [default: the product's].",
)
@env_option(
    every=True,
    help="Environment to compile [default: the production one], or all: each into OUT/NAME/.",
)
@diagnostic_options
@verbosity_options
def generate(
    catalog: str,
    out: Path,
    check: bool,
    show_diff: bool,
    module: str | None,
    include_drafts: bool,
    locale: str | None,
    env: str | None,
    strict: bool,
    error_format: str,
) -> None:
    """Compile the catalog and write every output into OUT.

    \b
    Examples:
      pricegen generate pricing/ -o generated/
      pricegen generate pricing/ -o generated/ --check --diff   # in CI
      pricegen generate pricing/ -o generated/ --module acme_pricing --locale de_DE
      pricegen generate pricing/ --env staging -o generated/staging/
      pricegen generate pricing/ --env all -o generated/         # generated/<env>/
    """
    from . import emit
    from .freshness import render_key

    if module is not None and (problem := module_name_problem(module)):
        raise bad_setting("module", "--module", problem)
    if locale is not None and (problem := locale_problem(locale)):
        raise bad_setting("locale", "--locale", problem)
    if problem := emit.output_directory_problem(out, catalog):
        raise bad_setting("out", "--out", problem)
    config = Config(module=module, include_drafts=include_drafts, locale=locale)
    compiled = _compiled_for_generate(catalog, strict, error_format, env)
    key = render_key({name: c.source_sha256 for name, c in compiled.items()}, config, env)
    try:
        current = emit.current_plan(out, key)
        if current is not None:  # the outputs are what rendering would write
            info(emit.summary(current, check=check or show_diff))
            sys.exit(EXIT_OK)
        files = _render_compiled(compiled, config, env)
        if check or show_diff:
            files = emit.with_manifest(files, key)
            changes = emit.plan(out, files)
            if show_diff:
                click.echo(emit.unified_diff(out, files, changes), nl=False)
            for line in emit.check_messages(changes):
                click.echo(line, err=True)
            info(emit.summary(changes, check=True))
            sys.exit(EXIT_STALE if changes.changed and check else EXIT_OK)
        changes = emit.write(out, files, key)
    except (emit.UnsafePathError, OSError) as exc:
        reason = str(exc) if isinstance(exc, emit.UnsafePathError) else f"{exc.strerror or exc}"
        where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
        click.echo(f"{out}: error: {reason}{where}", err=True)
        sys.exit(EXIT_USAGE)
    info(emit.summary(changes, check=False))


def _compiled_for_generate(
    catalog: str, strict: bool, error_format: str, env: str | None
) -> dict[str | None, Catalog]:
    """Each environment's compiled catalog (one, keyed None or its name); exits on errors."""
    if env == ALL:
        builds = compile_inputs(catalog, strict=strict, env=env)
        report(builds, error_format)
        if not builds.ok:
            sys.exit(EXIT_CATALOG)
        return {name: build.checked_catalog() for name, build in builds.builds.items()}
    build = compile_or_exit(catalog, strict, error_format, env)
    return {env: build.checked_catalog()}  # compile_or_exit exits on errors


def _render_compiled(
    compiled: dict[str | None, Catalog], config: Config, env: str | None
) -> dict[str, str]:
    """The files of one catalog, or with --env all of every environment under its name."""
    from .environments import render_environments
    from .targets import render

    if env == ALL:
        return render_environments(compiled, config)
    (catalog,) = compiled.values()
    return render(catalog, config)


@main.command()
@click.option(
    "--scenarios",
    "of_scenarios",
    is_flag=True,
    help="The schema of scenarios files (quote --scenarios) instead.",
)
@verbosity_options
def schema(of_scenarios: bool) -> None:
    """Print the JSON Schema of catalog files, for editors and other tools.

    \b
    Examples:
      pricegen schema > pricegen.schema.json
      pricegen schema --scenarios > scenarios.schema.json
    """
    if of_scenarios:
        from .scenarios.loading import schema_text as scenarios_schema_text

        click.echo(scenarios_schema_text(), nl=False)
        return
    from .validate import schema_text

    click.echo(schema_text(), nl=False)


@main.command()
@verbosity_options
def rules() -> None:
    """List every diagnostic rule with its category, severity and purpose.

    Lint rules follow, category lint/...

    \b
    Examples:
      pricegen rules
      pricegen rules | grep '^SCENARIO_'
    """
    from .rules import RULES

    width = max(len(rule.id) for rule in RULES)
    for rule in RULES:
        click.echo(
            f"{rule.id:<{width}}  {rule.category:<11} {rule.severity.value:<7}  {rule.purpose}"
        )
    from .cli_review import list_lint_rules  # pricegen lint's own registry

    list_lint_rules()


@main.command()
@click.argument(
    "directory", default=DEFAULT_CATALOG, type=click.Path(file_okay=False, path_type=Path)
)
@verbosity_options
def init(directory: Path) -> None:
    """Scaffold a small starter catalog that validates, with the schema beside it.

    \b
    Example:
      pricegen init pricing && pricegen validate pricing
    """
    from .starter import STARTER_CATALOG
    from .swap import atomic_write
    from .validate import schema_text

    targets = {
        directory / "pricing.yaml": STARTER_CATALOG,
        directory / "pricegen.schema.json": schema_text(),
    }
    existing = [str(p) for p in targets if p.exists()]
    if existing:
        verb = "exists" if len(existing) == 1 else "exist"
        raise click.UsageError(
            f"{', '.join(existing)} already {verb}; expected a new or empty directory."
        )
    for path, content in targets.items():
        atomic_write(path, content)
        info(f"created {path}")


# These commands import their modules only when run (see PricegenGroup).
main.add_lazy_command("quote", "pricegen.cli_evaluate:quote")
main.add_lazy_command("check", "pricegen.cli_evaluate:check_command")
main.add_lazy_command("diff", "pricegen.cli_review:diff")
main.add_lazy_command("lint", "pricegen.cli_review:lint")
main.add_lazy_command("analyze", "pricegen.cli_review:analyze")
main.add_lazy_command("conformance", "pricegen.cli_conformance:conformance_command")
main.add_lazy_command("sql", "pricegen.cli_sql:sql")
main.add_lazy_command("rate", "pricegen.cli_sql:rate")
