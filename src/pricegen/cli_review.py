"""Commands for reviewing pricing: ``diff``, ``lint`` and ``analyze``.

Flags become calls into the pure cores (:mod:`pricegen.diff`,
:mod:`pricegen.lint`, :mod:`pricegen.analyze`), results become exit codes:
0 ok; 1 breaking changes under ``diff --fail-on`` (or no purchase meets the
requirements under ``analyze``); 2 usage error; 3 catalog errors.

``cli.py`` registers these commands; its ``rules`` command lists the lint
rules after the compiler's, since they live in their own registry
(:data:`pricegen.lint.LINT_RULES`).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import NoReturn

import click

from . import analyze as analysis
from . import diff as diffing
from .cli_common import (
    DEFAULT_CATALOG,
    EXIT_CATALOG,
    EXIT_FAIL,
    EXIT_OK,
    EXIT_USAGE,
    catalog_argument,
    catalog_label,
    compile_input,
    info,
    ok_line,
    output_format_option,
    verbosity_options,
)
from .cli_common import report as _report
from .cli_env import env_option
from .config import Config
from .diagnostics import FORMATTERS, Diagnostic, Severity, error, normalize
from .lint import LEVELS, LINT_RULES, config_problem
from .lint import lint as run_lint
from .model import Catalog, dump_json
from .pipeline import Build, UnknownEnvironmentError, compile_catalog


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _compiled(
    catalog: str,
    error_format: str = "text",
    env: str | None = None,
    lint_overrides=None,
    enforce_lint: bool = True,
) -> Build:
    build = compile_input(
        catalog, env=env, lint_overrides=lint_overrides, enforce_lint=enforce_lint
    )
    if not build.ok:
        _report(build.diagnostics, error_format, build.sources)
        sys.exit(EXIT_CATALOG)
    return build


def _pairs(ctx, param, values) -> dict[str, int]:
    result = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key or not value.replace("_", "").isdigit():
            raise click.BadParameter(
                f'"{item}" is not FEATURE=N with a whole number N, e.g. seats=20.',
                ctx=ctx,
                param=param,
            )
        result[key] = int(value.replace("_", ""))
    return result


# -- diff ------------------------------------------------------------------------------


def _references(ctx, param, values) -> list[dict[str, int]]:
    return [_pairs(ctx, param, [p for p in value.split(",") if p]) for value in values]


@click.command()
@click.argument("sides", nargs=-1, metavar="[OLD] NEW")
@click.option(
    "--against",
    metavar="REV",
    default=None,
    help="Compare CATALOG with its version in git revision REV.",
)
@output_format_option(
    sorted(diffing.FORMATS),
    {"--format": ""},
    "text, markdown (ready to paste as a pull-request comment) or json.",
)
@click.option(
    "--fail-on",
    type=click.Choice(list(diffing.CLASSES)),
    default=None,
    help="Exit 1 when a change of this class (or a worse one) is found.",
)
@click.option(
    "--reference",
    "references",
    multiple=True,
    callback=_references,
    metavar="F=N[,F=N...]",
    help="Another reference subscription for quote impact, e.g. seats=40,api-calls=2000000.",
)
@click.option("--no-quotes", is_flag=True, help="Skip quote impact.")
@env_option(help="Environment to compare on both sides; with --to-env, the one promoted.")
@click.option(
    "--to-env",
    metavar="NAME",
    default=None,
    help="Promotion: compare this environment (the old side) with --env (the new side).",
)
@verbosity_options
def diff(sides, against, output_format, fail_on, references, no_quotes, env, to_env) -> None:
    """What changed for customers between two catalogs, plan by plan.

    Each side is a catalog path, or REV:PATH for its version in a git revision
    (read with git show; the working tree is never changed). With --env and
    --to-env, one catalog's environments are compared: what customers of
    --to-env get if --env is promoted.

    \b
    Examples:
      pricegen diff pricing --against origin/main --output-format markdown
      pricegen diff old/pricing.yaml pricing.yaml --fail-on breaking
      pricegen diff HEAD~3:pricing HEAD:pricing --reference seats=40 --output-format json
      pricegen diff pricing --env staging --to-env production
      pricegen diff pricing --against origin/main --env staging --to-env production
    """
    old_spec, new_spec = _sides(sides, against, to_env)
    if against is not None and not Path(new_spec.path).exists():  # before reading git
        _fail(
            f'new: "{new_spec.path}" does not exist; expected a catalog file or directory.',
            EXIT_USAGE,
        )
    promotion = _promotion(env, to_env, old_spec == new_spec)
    if promotion is None:
        old_env = new_env = env
    else:  # the new side is the environment promoted, the old one the environment it goes to
        new_env, old_env = promotion
    old_option = "--to-env" if to_env is not None else "--env"
    with (
        _opened(old_spec, "old", old_env, old_option) as old,
        _opened(new_spec, "new", new_env, "--env") as new,
    ):
        assert old.catalog is not None and new.catalog is not None  # _opened exits on errors
        changes = diffing.diff(old.catalog, new.catalog)
        impacts = [] if no_quotes else _impacts(old.catalog, new.catalog, references)
    report = diffing.Report(old.label, new.label, changes, impacts, promotion)
    click.echo(diffing.FORMATS[output_format](report), nl=False)
    sys.exit(EXIT_FAIL if diffing.fails(changes, fail_on) else EXIT_OK)


def _promotion(env: str | None, to_env: str | None, same_catalog: bool) -> tuple[str, str] | None:
    """(the environment promoted, the one it is promoted to) with --to-env, else None."""
    if to_env is None:
        return None
    if env is None:
        raise click.UsageError(
            "--to-env compares an environment with the one promoted to it; "
            "expected --env too, e.g. --env staging --to-env production."
        )
    if env == to_env and same_catalog:
        raise click.UsageError(
            f'--env and --to-env are both "{env}": nothing to compare; '
            "expected two environments, or --against REV."
        )
    return env, to_env


def _configured_catalog() -> str:
    """The catalog setting (pricegen.toml, [tool.pricegen]) when there is one, else pricing."""
    defaults = click.get_current_context().default_map or {}
    return str(defaults.get("catalog", DEFAULT_CATALOG))


def _sides(sides: tuple[str, ...], against: str | None, to_env: str | None = None):
    if to_env is not None and against is None and len(sides) <= 1:
        path = sides[0] if sides else _configured_catalog()
        return diffing.SideSpec(path), diffing.SideSpec(path)  # two environments of one catalog
    if against is not None:
        if len(sides) > 1:
            raise click.UsageError(
                "With --against give one CATALOG (the new side), "
                "e.g. pricegen diff pricing --against origin/main."
            )
        path = sides[0] if sides else _configured_catalog()
        return diffing.SideSpec(path, against), diffing.SideSpec(path)
    if len(sides) != 2:
        raise click.UsageError(
            "Expected OLD and NEW catalogs, CATALOG --against REV, "
            "or CATALOG --env NAME --to-env NAME."
        )
    return diffing.parse_side(sides[0]), diffing.parse_side(sides[1])


class _opened:
    """Open and compile one side; every failure exits with a message naming the side."""

    def __init__(
        self, spec: diffing.SideSpec, side: str, env: str | None = None, option: str = "--env"
    ) -> None:
        self.spec, self.side, self.env, self.option = spec, side, env, option
        self.catalog: Catalog | None = None
        self.label = spec.label if env is None else f"{spec.label} ({env})"

    def __enter__(self):
        self._context = diffing.open_side(self.spec, self.side)
        try:
            path, display = self._context.__enter__()
        except diffing.SideError as exc:
            _fail(str(exc), EXIT_USAGE if exc.usage else EXIT_CATALOG)
        try:
            build = compile_catalog(path, display=display, env=self.env)
        except UnknownEnvironmentError as exc:
            self._context.__exit__(None, None, None)
            _fail(f"{self.side} catalog {self.spec.label}, {self.option}: {exc}", EXIT_USAGE)
        if not build.ok:
            self._context.__exit__(None, None, None)
            _report(build.diagnostics, "text", build.sources)
            errors = sum(1 for d in build.diagnostics if d.is_error)
            _fail(
                f"{self.side} catalog {self.spec.label} has {errors} "
                f"error{'s' if errors != 1 else ''}; nothing to compare.",
                EXIT_CATALOG,
            )
        self.catalog = build.catalog
        return self

    def __exit__(self, *exc_info):
        return self._context.__exit__(*exc_info)


def _impacts(old, new, references):
    from .runtime import load_evaluator

    config = Config(include_drafts=True)
    return diffing.quote_impact(
        old, new, load_evaluator(old, config), load_evaluator(new, config), references
    )


# -- lint ------------------------------------------------------------------------------


def _levels(ctx, param, values) -> dict[str, str]:
    result = {}
    for item in values:
        rule, sep, level = item.partition("=")
        if not sep or level not in LEVELS:
            raise click.BadParameter(
                f'"{item}" is not RULE=LEVEL with LEVEL one of {", ".join(LEVELS)}.',
                ctx=ctx,
                param=param,
            )
        result[rule] = level
    return result


def _check_rules(ctx, rules: dict[str, str], hint: str) -> None:
    for rule in rules:
        problem = config_problem(rule)
        if problem:
            raise click.BadParameter(problem, ctx=ctx, param_hint=hint)


def list_lint_rules() -> None:
    """Each lint rule and an example that triggers it; `pricegen rules` prints these
    after the compiler's."""
    width = max(len(rule.id) for rule in LINT_RULES)
    for rule in LINT_RULES:
        category = f"lint/{rule.category}"
        click.echo(f"{rule.id:<{width}}  {category:<12} {rule.severity.value:<7}  {rule.purpose}")
        click.echo(f"{'':<{width}}  e.g. {rule.example}")


def _list_rules_and_exit(ctx) -> None:
    list_lint_rules()
    ctx.exit(EXIT_OK)


@click.command()
@catalog_argument
@click.option("--disable", multiple=True, metavar="RULE", help="Turn a rule off (repeatable).")
@click.option(
    "--severity",
    "severities",
    multiple=True,
    callback=_levels,
    metavar="RULE=LEVEL",
    help="error, warning or off, e.g. PLAN_DOMINATED=error.",
)
@click.option(
    "--list-rules",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=lambda ctx, param, value: _list_rules_and_exit(ctx) if value else None,
    help="List the lint rules and exit.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--error-format",
    type=click.Choice(sorted(FORMATTERS)),
    default="text",
    show_default=True,
    help="text on stderr; json, github and sarif on stdout.",
)
@env_option()
@verbosity_options
@click.pass_context
def lint(ctx, catalog, disable, severities, strict, error_format, env) -> None:
    """Find pricing mistakes that compile: dominated plans, unused features, ...

    Rules are configured in the catalog (lint: {disable: [...], severity: {...}})
    and here; the command line wins. Exit 3 when any finding is an error.

    \b
    Examples:
      pricegen lint pricing/
      pricegen lint pricing/ --disable PLAN_DESCRIPTION_MISSING --severity PLAN_DOMINATED=error
      pricegen lint --list-rules
    """
    overrides = {rule: "off" for rule in disable} | severities
    _check_rules(ctx, {rule: "off" for rule in disable}, "--disable")
    _check_rules(ctx, severities, "--severity")
    # every rule runs below, so the pipeline need not run those set to error first
    build = _compiled(catalog, error_format, env, overrides, enforce_lint=False)
    found = build.diagnostics + run_lint(build.checked_catalog(), build.sources, overrides)
    findings = normalize(found, strict=strict)
    _report(findings, error_format, build.sources)
    if error_format == "text" and not findings:
        ok_line(f"{catalog_label(catalog)}: no lint findings.")
    sys.exit(EXIT_CATALOG if any(d.severity is Severity.ERROR for d in findings) else EXIT_OK)


# -- analyze ---------------------------------------------------------------------------


@click.command()
@catalog_argument
@click.option(
    "--require",
    "requires",
    multiple=True,
    metavar="REQ",
    help="sso, 'seats>=40' or export-format=parquet (repeatable; quote >= and <).",
)
@click.option(
    "--period",
    default=None,
    help="Billing period [default: every period; the first for --require].",
)
@click.option(
    "--currency", default=None, help="Currency [default: every currency; the first for --require]."
)
@click.option(
    "--quantity",
    "quantities",
    multiple=True,
    callback=_pairs,
    metavar="FEATURE=N",
    help="In-advance quantity to price at [default: 1].",
)
@click.option(
    "--usage",
    "usage",
    multiple=True,
    callback=_pairs,
    metavar="FEATURE=N",
    help="In-arrears usage to price at [default: 0].",
)
@click.option("--include-drafts", is_flag=True, help="Count draft plans and add-ons as sold.")
@output_format_option(("text", "json"), {"--json": "json"}, "text, or json for tools.")
@env_option()
@verbosity_options
def analyze(
    catalog, requires, period, currency, quantities, usage, include_drafts, output_format, env
) -> None:
    """Count the subscriptions a catalog can sell; find the cheapest purchase.

    \b
    Examples:
      pricegen analyze pricing/
      pricegen analyze pricing/ --require sso --require 'seats>=40' --require 'api-calls>=2000000'
      pricegen analyze pricing/ --require 'seats>=40' --period annual --currency EUR \\
          --output-format json
    """
    build = _compiled(catalog, env=env)
    model = build.catalog
    assert model is not None  # _compiled exits on errors
    periods = _choose(period, model.product.billing_periods, "--period")
    currencies = _choose(currency, model.product.currencies, "--currency")
    try:
        wanted = [analysis.parse_requirement(r, model) for r in requires]
    except analysis.RequirementError as exc:
        raise click.BadParameter(str(exc), param_hint="--require") from None
    amounts = analysis.Amounts(quantities, usage)
    started = time.perf_counter()
    try:
        space, extremes, answer = _analysis(
            model, periods, currencies, wanted, amounts, include_drafts
        )
    except analysis.AnalysisTooComplex as exc:
        _report([_too_complex(model, exc)], "text")
        sys.exit(EXIT_CATALOG)
    elapsed = time.perf_counter() - started
    quote, module = analysis.confirm_answer(model, answer)
    if output_format == "json":
        click.echo(dump_json(analysis.to_json(space, extremes, answer, quote)), nl=False)
    else:
        click.echo(analysis.format_text(space, extremes, answer, quote, module), nl=False)
        info(f"analyzed in {elapsed * 1000:.1f} ms")
    sys.exit(EXIT_FAIL if answer is not None and answer.best is None else EXIT_OK)


def _analysis(model, periods, currencies, wanted, amounts, include_drafts):
    """(space, extremes, answer), within one budget for the whole command."""
    budget = analysis.Budget()
    space = analysis.configuration_space(model, include_drafts, budget)
    options = {"amounts": amounts, "include_drafts": include_drafts, "budget": budget}
    pairs = [(p, c) for p in periods for c in currencies]
    extremes = analysis.extremes(model, pairs, **options)
    answer = None
    if wanted:
        answer = analysis.cheapest_purchase(model, wanted, periods[0], currencies[0], **options)
    return space, extremes, answer


def _too_complex(model, exc: analysis.AnalysisTooComplex) -> Diagnostic:
    """The bound met, placed at the add-on the engine was working on."""
    addon = model.addons.get(exc.addon) if exc.addon else None
    where = addon.loc if addon is not None else next(iter(model.plans.values())).loc
    at = f' at add-on "{addon.id}"' if addon is not None else ""
    return error(
        where,
        "ANALYZE_TOO_COMPLEX",
        f"Analysis stopped{at}: an exact answer needs more than its bound of {exc.bound}; "
        "expected fewer add-ons, or fewer of them tied together by requires and excludes "
        "(spec/limits.md).",
    )


def _choose(value: str | None, options: tuple[str, ...], hint: str) -> list[str]:
    if value is None:
        return list(options)
    if value not in options:
        raise click.BadParameter(f'"{value}" is not one of {", ".join(options)}.', param_hint=hint)
    return [value]


__all__ = ["analyze", "diff", "lint"]
