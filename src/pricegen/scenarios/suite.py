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

from ..diagnostics import Diagnostic, has_errors
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
) -> Suite:
    """Compile ``catalog`` (or take an evaluator ``module``), then load the scenarios.

    Exactly one of ``catalog`` and ``module`` is given. The module is an
    already generated evaluator; the catalog is compiled and its evaluator
    rendered in memory, drafts included, as ``pricegen quote`` does.
    """
    diagnostics: list[Diagnostic] = []
    if module is None:
        if catalog is None:
            raise TypeError("open_suite() needs a catalog path or an evaluator module")
        from ..config import Config
        from ..pipeline import compile_catalog
        from ..runtime import load_evaluator

        build = compile_catalog(catalog, display=catalog_display)
        diagnostics += build.diagnostics
        if not build.ok:
            return Suite(None, [], diagnostics)
        assert build.catalog is not None  # build.ok
        module = load_evaluator(build.catalog, Config(include_drafts=True))
    scenarios, problems = load(scenarios_path, module.CATALOG, display)
    return Suite(module, scenarios, diagnostics + problems)


def run_cli(catalog_path: str, scenarios_path: str, output: str) -> int:
    """``pricegen quote CATALOG --scenarios FILE``: print every quote; return the exit code.

    ``output`` is ``text``, ``json`` or ``markdown``. Problems in the catalog
    or the scenarios file are printed as diagnostics on stderr (exit 3); a
    scenario the evaluator refuses is printed as that scenario's error, the
    others are still quoted, and the exit code is 3.
    """
    import click

    from .. import present
    from ..diagnostics import format_text, summary

    suite = open_suite(scenarios_path, catalog=catalog_path)
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
