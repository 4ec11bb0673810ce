"""The command line: flags become calls, results become exit codes.

Exit codes: 0 ok; 1 stale outputs under ``--check``; 2 usage error; 3 the
catalog (or a quote's arguments) has errors. Anything else is a bug.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import click

from . import __version__, emit, present
from .config import Config, locale_problem, module_name_problem
from .diagnostics import FORMATTERS, summary
from .pipeline import Build, compile_catalog
from .rules import RULES
from .starter import STARTER_CATALOG
from .targets import render

EXIT_OK, EXIT_STALE, EXIT_USAGE, EXIT_CATALOG = 0, 1, 2, 3
DEFAULT_CATALOG = "pricing"

catalog_argument = click.argument(
    "catalog",
    default=DEFAULT_CATALOG,
    type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=str),
)


def diagnostic_options(command):
    command = click.option("--strict", is_flag=True, help="Treat warnings as errors.")(command)
    return click.option(
        "--error-format",
        type=click.Choice(sorted(FORMATTERS)),
        default="text",
        show_default=True,
        help=(
            "text: path:line:col lines on stderr; json and github (Actions annotations) on stdout."
        ),
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
        counts = (
            f"{_count(model.plans, 'plan')}, {_count(model.features, 'feature')}, "
            f"{_count(model.addons, 'add-on')}"
        )
        click.echo(f"{catalog}: ok ({counts}).", err=True)


def _count(items, noun: str) -> str:
    return f"{len(items)} {noun}{'s' if len(items) != 1 else ''}"


@main.command()
@catalog_argument
@click.option(
    "-o",
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
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
@diagnostic_options
def generate(
    catalog, out, check, show_diff, module, include_drafts, locale, strict, error_format
) -> None:
    """Compile the catalog and write every output into OUT.

    \b
    Examples:
      pricegen generate pricing/ -o generated/
      pricegen generate pricing/ -o generated/ --check --diff   # in CI
    """
    if module is not None and (problem := module_name_problem(module)):
        raise click.BadParameter(problem, param_hint="--module")
    if locale is not None and (problem := locale_problem(locale)):
        raise click.BadParameter(problem, param_hint="--locale")
    build = compile_or_exit(catalog, strict, error_format)
    files = render(
        build.catalog, Config(module=module, include_drafts=include_drafts, locale=locale)
    )
    try:
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
    except (emit.UnsafePathError, OSError) as exc:
        reason = str(exc) if isinstance(exc, emit.UnsafePathError) else f"{exc.strerror or exc}"
        where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
        click.echo(f"{out}: error: {reason}{where}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(emit.summary(changes, check=False), err=True)


@main.command()
def schema() -> None:
    """Print the JSON Schema of catalog files, for editors and other tools."""
    from .validate import schema_text

    click.echo(schema_text(), nl=False)


@main.command()
def rules() -> None:
    """List every diagnostic rule with its category, severity and purpose.
    Lint rules follow, category lint/..."""
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
def init(directory: Path) -> None:
    """Scaffold a small starter catalog that validates, with the schema beside it.

    \b
    Example:
      pricegen init pricing && pricegen validate pricing
    """
    from .validate import schema_text

    targets = {
        directory / "pricing.yaml": STARTER_CATALOG,
        directory / "pricegen.schema.json": schema_text(),
    }
    existing = [str(p) for p in targets if p.exists()]
    if existing:
        raise click.UsageError(
            f"{', '.join(existing)} already exists; expected a new or empty directory."
        )
    for path, content in targets.items():
        emit.atomic_write(path, content)
        click.echo(f"created {path}", err=True)


# -- quote and check: run the generated evaluator -------------------------------

_INT = re.compile(r"[-+]?[0-9]+")
_DEC = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)")


def _number(text: str):
    """Whole numbers as int and decimals as Decimal, so the evaluator can refuse fractions."""
    if _INT.fullmatch(text):
        return int(text)
    if _DEC.fullmatch(text):
        return Decimal(text)
    return text


def _pairs(ctx, param, values) -> dict:
    result = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise click.BadParameter(
                f'"{item}" is not KEY=VALUE, e.g. seats=20.', ctx=ctx, param=param
            )
        result[key] = _number(value)
    return result


def _moment(ctx, param, value):
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f'"{value}" is not an ISO 8601 time, e.g. 2026-02-01T00:00:00Z.', ctx=ctx, param=param
        ) from None
    if moment.tzinfo is None:
        raise click.BadParameter(
            f'"{value}" has no timezone; add Z or an offset such as +02:00.', ctx=ctx, param=param
        )
    return moment


def subscription_options(command):
    options = [
        click.option("--plan", default=None, help="Plan id (required unless --scenarios)."),
        click.option("--period", default=None, help="Billing period [default: the plan's first]."),
        click.option("--currency", default=None, help="Currency [default: the product's first]."),
        click.option(
            "--quantity",
            "quantities",
            multiple=True,
            callback=_pairs,
            metavar="FEATURE=N",
            help="In-advance quantity, e.g. seats=20.",
        ),
        click.option(
            "--addon",
            "addons",
            multiple=True,
            callback=_pairs,
            metavar="ADDON=N",
            help="Add-on and quantity, e.g. extra-seats=2.",
        ),
        click.option(
            "--variable",
            "variables",
            multiple=True,
            callback=_pairs,
            metavar="FEATURE=V",
            help="Value of a variable entitlement (custom plans).",
        ),
        click.option(
            "--started-at",
            callback=_moment,
            default=None,
            help="Subscription start, ISO 8601 with timezone.",
        ),
        click.option(
            "--existing", is_flag=True, help="A subscription made before its plan was archived."
        ),
        click.option("--trial", is_flag=True, help="The plan is being trialled."),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="Print to_dict() as JSON (money as decimal strings).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _subscription(module, opts: dict):
    return module.Subscription(
        plan=opts["plan"],
        period=opts["period"],
        currency=opts["currency"],
        quantities=opts["quantities"],
        addons=opts["addons"],
        variables=opts["variables"],
        started_at=opts["started_at"],
        existing=opts["existing"],
        trial=opts["trial"],
    )


def _run_evaluator(catalog: str, action):
    """Compile, load the generated module, run ``action``; PricingError exits 3."""
    from .runtime import load_evaluator

    build = compile_or_exit(catalog, False, "text")
    module = load_evaluator(build.catalog, Config(include_drafts=True))
    try:
        return module, action(module)
    except module.PricingError as exc:
        click.echo(f"error: {exc} [{type(exc).__name__}]", err=True)
        sys.exit(EXIT_CATALOG)


@main.command()
@catalog_argument
@subscription_options
@click.option(
    "--usage",
    "usage",
    multiple=True,
    callback=_pairs,
    metavar="FEATURE=N",
    help="Measured in-arrears usage, e.g. api-calls=1500000.",
)
@click.option(
    "--scenarios",
    type=click.Path(exists=True, dir_okay=False, path_type=str),
    default=None,
    help="Quote every subscription in a scenarios file instead.",
)
@click.option(
    "--markdown",
    "as_markdown",
    is_flag=True,
    help="With --scenarios: a Markdown table, e.g. for a pull-request comment.",
)
def quote(catalog, usage, as_json, scenarios, as_markdown, **opts) -> None:
    """Price one subscription for one period, line by line.

    \b
    Examples:
      pricegen quote pricing/ --plan pro --period annual --currency EUR \\
          --quantity seats=20 --usage api-calls=1500000 --addon extra-seats=2
      pricegen quote pricing/ --plan pro --quantity seats=5 --json
      pricegen quote pricing/ --scenarios scenarios.yaml --markdown
    """
    if scenarios is not None:
        from .scenarios import run_cli

        single = [
            f"--{k.rstrip('s').replace('_', '-')}" for k, v in opts.items() if v and k != "as_json"
        ]
        if usage or single:
            raise click.UsageError(
                "--scenarios quotes the subscriptions in the file; "
                f"drop {', '.join(single or ['--usage'])}."
            )

        output = "json" if as_json else "markdown" if as_markdown else "text"
        sys.exit(run_cli(catalog, scenarios, output))
    if opts["plan"] is None:
        raise click.UsageError("Missing option '--plan' (or give --scenarios FILE).")
    module, result = _run_evaluator(catalog, lambda m: m.quote(_subscription(m, opts), usage=usage))
    if as_json:
        click.echo(present.quote_json(result), nl=False)
    else:
        click.echo(present.quote_text(result, module.format_money), nl=False)


@main.command(name="check")
@catalog_argument
@subscription_options
@click.option("--feature", required=True, help="Feature id.")
@click.option(
    "--usage",
    "usage",
    type=int,
    default=0,
    show_default=True,
    help="Usage so far in the current window.",
)
@click.option("--requested", type=int, default=1, show_default=True, help="Units about to be used.")
@click.option(
    "--at",
    "at",
    callback=_moment,
    default=None,
    help="The moment of the check, ISO 8601 with timezone.",
)
def check_command(catalog, feature, usage, requested, at, as_json, **opts) -> None:
    """May this subscription use this feature now? Exit 0 either way; read the answer.

    \b
    Example:
      pricegen check pricing/ --plan pro --quantity seats=20 --addon extra-seats=2 \\
          --feature seats --usage 19 --at 2026-02-01T00:00:00Z
    """
    if opts["plan"] is None:
        raise click.UsageError("Missing option '--plan'.")
    _, result = _run_evaluator(
        catalog,
        lambda m: m.check(
            _subscription(m, opts), feature, usage=usage, requested=requested, now=at
        ),
    )
    if as_json:
        click.echo(present.decision_json(result), nl=False)
    else:
        click.echo(present.decision_text(result), nl=False)


from .cli_review import analyze, diff, lint  # noqa: E402

main.add_command(diff)
main.add_command(lint)
main.add_command(analyze)

from .cli_sql import rate, sql  # noqa: E402

main.add_command(sql)
main.add_command(rate)
