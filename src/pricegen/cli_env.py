"""The ``--env`` option, shared by every command that reads a catalog.

One decorator, so that the option is spelled, documented and checked the same
way everywhere (and a configuration file can set it for every command
later). The value is the name of one of the catalog's environments
(``product.environments``); commands that can handle them all also take
``all``. Without the option, a command compiles the default environment
(the production one), and ``validate`` every environment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from .environments import ALL

F = TypeVar("F", bound=Callable[..., Any])

ENV_METAVAR = "NAME"


def env_option(*, every: bool = False, help: str | None = None) -> Callable[[F], F]:
    """``--env NAME`` (and ``--env all`` when ``every``) as the ``env`` parameter."""
    text = help or (
        "Environment of the catalog to compile (product.environments) "
        "[default: the production environment]."
    )
    if every and help is None:
        text = (
            "Environment of the catalog (product.environments), or all for every environment "
            "[default: the production environment]."
        )
    return click.option(
        "--env",
        "env",
        metavar=f"{ENV_METAVAR}|{ALL}" if every else ENV_METAVAR,
        default=None,
        callback=_not_all if not every else None,
        help=text,
    )


def _not_all(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value == ALL:
        raise click.BadParameter(
            f'"{ALL}" means every environment, which this command cannot take; '
            "expected the name of one environment.",
            ctx=ctx,
            param=param,
        )
    return value
