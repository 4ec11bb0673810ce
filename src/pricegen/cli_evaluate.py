"""``pricegen quote`` and ``pricegen check``: run the generated evaluator on one subscription.

The subscription comes from flags (``--plan``, ``--quantity seats=20``, ...);
the catalog is compiled and its Python evaluator loaded in memory, so these
answer exactly as the generated module would. Registered lazily by ``cli``,
so other commands do not build these options.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import click

from .cli_common import (
    EXIT_CATALOG,
    catalog_argument,
    info,
    output_format_option,
    verbosity_options,
)
from .cli_env import env_option
from .config import Config
from .escape import one_line

F = TypeVar("F", bound=Callable[..., Any])


_INT = re.compile(r"[-+]?[0-9]+")
_DEC = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)")


def _number(text: str) -> int | Decimal | str:
    """Whole numbers as int and decimals as Decimal, so the evaluator can refuse fractions."""
    if _INT.fullmatch(text):
        return int(text)
    if _DEC.fullmatch(text):
        return Decimal(text)
    return text


def _pairs(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[str, int | Decimal | str]:
    """KEY=VALUE options as a dict; a key given twice is refused, never "the last wins"."""
    result: dict[str, int | Decimal | str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise click.BadParameter(
                f'"{item}" is not KEY=VALUE, e.g. seats=20.', ctx=ctx, param=param
            )
        if key in result:
            raise click.BadParameter(
                f'"{key}" is given twice; expected each {key}=... once.', ctx=ctx, param=param
            )
        result[key] = _number(value)
    return result


def _moment(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
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


def subscription_options(command: F) -> F:
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
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _subscription(module: Any, opts: dict[str, Any]) -> Any:
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


def _run_evaluator(
    catalog: str, action: Callable[[Any], Any], env: str | None = None
) -> tuple[Any, Any]:
    """Compile, load the generated module, run ``action``; PricingError exits 3."""
    from .cli import compile_or_exit
    from .runtime import load_evaluator

    build = compile_or_exit(catalog, False, "text", env)
    module = load_evaluator(build.checked_catalog(), Config(include_drafts=True))
    try:
        return module, action(module)
    except module.PricingError as exc:
        click.echo(f"error: {one_line(str(exc))} [{type(exc).__name__}]", err=True)
        hint = _flag_hint(type(exc).__name__, str(exc))
        if hint:
            click.echo(f"hint: {hint}", err=True)
        sys.exit(EXIT_CATALOG)


# The evaluator's messages name its Python API (quantities=, started_at=); on the command
# line, the flag that gives the same thing is what a user needs next.
_FLAG_HINTS = {
    "QuantityMissingError": "give each in-advance quantity with --quantity FEATURE=N, "
    "e.g. --quantity seats=5.",
    "VariableEntitlementMissingError": "give each variable entitlement with "
    "--variable FEATURE=VALUE.",
}


def _flag_hint(error: str, message: str) -> str | None:
    """The command-line flag that answers an evaluator error, when one does."""
    if error == "InvalidMomentError" and "expected started_at" in message:
        return "give the subscription's start with --started-at, e.g. 2026-01-01T00:00:00Z."
    return _FLAG_HINTS.get(error)


@click.command()
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
@output_format_option(
    ("text", "json", "markdown"),
    {"--json": "json", "--markdown": "markdown"},
    "text, json (to_dict(), money as decimal strings), or with --scenarios markdown "
    "(a table for a pull-request comment).",
)
@click.option(
    "--at",
    "at",
    callback=_moment,
    default=None,
    help="The moment of the quote, ISO 8601 with timezone: a trial that has ended is "
    "quoted as downgraded or cancelled.",
)
@env_option()
@verbosity_options
def quote(
    catalog: str,
    usage: dict[str, Any],
    scenarios: str | None,
    output_format: str,
    at: datetime | None,
    env: str | None,
    **opts: Any,
) -> None:
    """Price one subscription for one period, line by line.

    \b
    Examples:
      pricegen quote pricing/ --plan pro --period annual --currency EUR \\
          --quantity seats=20 --usage api-calls=1500000 --addon extra-seats=2
      pricegen quote pricing/ --plan pro --quantity seats=5 --output-format json
      pricegen quote pricing/ --plan pro --quantity seats=5 --trial \\
          --started-at 2026-01-01T00:00:00Z --at 2026-02-01T00:00:00Z
      pricegen quote pricing/ --scenarios scenarios.yaml --output-format markdown
    """
    if output_format == "markdown" and scenarios is None:
        raise click.UsageError("markdown formats a --scenarios run; give --scenarios FILE.")
    if scenarios is not None:
        from .scenarios import run_cli

        single = [f"--{k.rstrip('s').replace('_', '-')}" for k, v in opts.items() if v]
        if at is not None:
            single.append("--at")
        if usage or single:
            raise click.UsageError(
                "--scenarios quotes the subscriptions in the file; "
                f"drop {', '.join(single or ['--usage'])}."
            )

        if catalog == "-":
            raise click.UsageError("--scenarios reads the catalog from a path, not from '-'.")
        sys.exit(run_cli(catalog, scenarios, output_format, env=env))
    if opts["plan"] is None:
        raise click.UsageError("Missing option '--plan' (or give --scenarios FILE).")
    from . import present

    module, result = _run_evaluator(
        catalog, lambda m: m.quote(_subscription(m, opts), usage=usage, now=at), env
    )
    if output_format == "json":
        click.echo(present.quote_json(result), nl=False)
    else:
        click.echo(present.quote_text(result, module), nl=False)


@click.command(name="check")
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
@output_format_option(
    ("text", "json"), {"--json": "json"}, "text, or json (to_dict(), money as decimal strings)."
)
@env_option()
@verbosity_options
def check_command(
    catalog: str,
    feature: str,
    usage: int,
    requested: int,
    at: datetime | None,
    output_format: str,
    env: str | None,
    **opts: Any,
) -> None:
    """May this subscription use this feature now? Exit 0 either way; read the answer.

    \b
    Example:
      pricegen check pricing/ --plan pro --quantity seats=20 --addon extra-seats=2 \\
          --feature seats --usage 19 --at 2026-02-01T00:00:00Z
    """
    if opts["plan"] is None:
        raise click.UsageError("Missing option '--plan'.")
    from . import present

    module, result = _run_evaluator(
        catalog,
        lambda m: m.check(
            _subscription(m, opts), feature, usage=usage, requested=requested, now=at
        ),
        env,
    )
    if feature not in module.FEATURES:  # denied, as check() fails closed; but say so
        from .diagnostics import did_you_mean

        hint = did_you_mean(feature, module.FEATURES, "features")
        info(f'note: unknown feature "{feature}"{hint}')
    if output_format == "json":
        click.echo(present.decision_json(result), nl=False)
    else:
        click.echo(present.decision_text(result, module), nl=False)
