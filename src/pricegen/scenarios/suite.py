"""One call for the command line and the pytest plugin: compile, load, run, print.

``pricegen quote --scenarios`` prints every quote (:func:`run_cli`); the
pytest plugin opens a :class:`Suite` and runs one test per scenario. The
compiler and the evaluator are imported only when a catalog is compiled,
so that the plugin costs nothing until a test asks for a scenario.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..diagnostics import Diagnostic, Location, error, has_errors
from ..source import load_file
from .loading import load
from .scenario import Outcome, Scenario, run

EXIT_OK, EXIT_ERRORS = 0, 3


@dataclass(frozen=True, eq=False)
class Suite:
    """A catalog's evaluator and a scenarios file checked against it."""

    module: types.ModuleType | None
    scenarios: list[Scenario]
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return self.module is not None and not has_errors(self.diagnostics)

    def run(self) -> list[Outcome]:
        assert self.module is not None  # only a suite that is ok runs
        return run(self.scenarios, self.module)


def open_suite(
    scenarios_path: str | Path,
    *,
    catalog: str | Path | None = None,
    module: types.ModuleType | None = None,
    display: str | None = None,
    catalog_display: str | None = None,
    env: str | None = None,
    default_env: str | None = None,
) -> Suite:
    """Compile ``catalog`` (or take an evaluator ``module``), then load the scenarios.

    Exactly one of ``catalog`` and ``module`` is given. The module is an
    already generated evaluator; the catalog is compiled and its evaluator
    rendered in memory, drafts included, as ``pricegen quote`` does.

    The catalog is compiled for ``env`` (asked for explicitly: an unknown one
    raises UnknownEnvironmentError), else for the environment the scenarios
    file names, else ``default_env`` (a project setting), else the catalog's
    default. A file whose environment is not the evaluator's is an error
    (SCENARIO_ENVIRONMENT_MISMATCH), so an explicit ``env`` cannot quote a
    file's scenarios against another environment's prices.
    """
    diagnostics: list[Diagnostic] = []
    if module is None:
        if catalog is None:
            raise TypeError("open_suite() needs a catalog path or an evaluator module")
        module, diagnostics = _compiled(
            catalog, catalog_display, scenarios_path, display, env, default_env
        )
        if module is None:
            return Suite(None, [], diagnostics)
    scenarios, problems = load(scenarios_path, module.CATALOG, display)
    return Suite(module, scenarios, diagnostics + problems)


def _compiled(catalog, catalog_display, scenarios_path, display, env, default_env):
    """(evaluator or None, diagnostics) for the environment the scenarios are quoted in."""
    from ..config import Config
    from ..pipeline import UnknownEnvironmentError, compile_catalog
    from ..runtime import load_evaluator

    named = file_environment(scenarios_path, display)
    wanted = env or (named.name if named is not None else None) or default_env
    try:
        build = compile_catalog(catalog, display=catalog_display, env=wanted)
    except UnknownEnvironmentError as exc:
        if env is not None or named is None:
            raise
        message = undeclared_message(exc)
        return None, [error(named.where, "SCENARIO_ENVIRONMENT_MISMATCH", message)]
    if not build.ok:
        return None, list(build.diagnostics)
    module = load_evaluator(build.checked_catalog(), Config(include_drafts=True))
    return module, list(build.diagnostics)


def undeclared_message(exc) -> str:
    """SCENARIO_ENVIRONMENT_MISMATCH's message for a file naming an undeclared environment."""
    from ..diagnostics import did_you_mean

    if not exc.known:
        return (
            f'The scenarios are for environment "{exc.name}", but the catalog declares no '
            "environments; expected no environment: key."
        )
    return (
        f'The scenarios are for environment "{exc.name}", which the catalog does not declare'
        f"{did_you_mean(exc.name, exc.known, 'environments')}"
    )


class NamedEnvironment(NamedTuple):
    """The environment a scenarios file names (``environment:``), and where."""

    name: str
    where: Location


def file_environment(path: str | Path, display: str | None = None) -> NamedEnvironment | None:
    """The environment a scenarios file names and where, or None when it names none.

    Read ahead of checking the file, to know which environment to compile; a
    file that does not load is reported when it is checked.
    """
    source, _ = load_file(Path(path), display if display is not None else str(path))
    if source is None:
        return None
    named = source.data.get("environment") if isinstance(source.data, dict) else None
    if not isinstance(named, str):
        return None
    return NamedEnvironment(named, source.locate(("environment",)))


def run_cli(catalog_path: str, scenarios_path: str, output: str, env: str | None = None) -> int:
    """``pricegen quote CATALOG --scenarios FILE``: print every quote; return the exit code.

    ``output`` is ``text``, ``json`` or ``markdown``. Problems in the catalog
    or the scenarios file are printed as diagnostics on stderr (exit 3); a
    scenario the evaluator refuses is printed as that scenario's error, the
    others are still quoted, and the exit code is 3.
    """
    import click

    from .. import present
    from ..diagnostics import format_text, summary
    from ..pipeline import UnknownEnvironmentError

    try:
        suite = open_suite(scenarios_path, catalog=catalog_path, env=env)
    except UnknownEnvironmentError as exc:
        raise click.BadParameter(str(exc), param_hint="--env") from None
    if suite.diagnostics:
        click.echo(format_text(suite.diagnostics), err=True, nl=False)
        click.echo(summary(suite.diagnostics), err=True)
    if not suite.ok:
        return EXIT_ERRORS
    outcomes = suite.run()
    assert suite.module is not None  # suite.ok
    if output == "json":
        click.echo(present.scenarios_json(outcomes), nl=False)
    elif output == "markdown":
        click.echo(present.scenarios_markdown(outcomes, suite.module), nl=False)
    else:
        click.echo(present.scenarios_text(outcomes, suite.module), nl=False)
    refused = sum(1 for o in outcomes if not o.ok)
    count = f"{len(outcomes)} scenario{'s' if len(outcomes) != 1 else ''}"
    click.echo(
        f"{scenarios_path}: {count}, {len(outcomes) - refused} quoted, {refused} refused.", err=True
    )
    return EXIT_ERRORS if refused else EXIT_OK
