"""Scenarios files: named subscriptions, quoted in bulk and snapshot-tested.

A scenarios file (``spec/scenarios.md``) names subscriptions to quote: a
plan, a period, a currency, in-advance quantities, add-ons, usage, a trial
or an existing subscription. ``defaults`` fill what a scenario leaves out,
and a ``matrix`` generates one scenario for every plan x period x currency
it selects. ``pricegen quote --scenarios`` prints every quote, and the
pytest plugin (``pricegen.pytest_plugin``) runs one test per scenario.

The file is checked like a catalog, in stages that stop at the first with
errors: the position-aware loader (``YAML_*`` rules), the JSON Schema
(``SCENARIO_SCHEMA``), then the references against the catalog: unknown
plans, features, add-ons, periods and currencies, with "did you mean". The
catalog is read from the evaluator module's ``CATALOG``, so that a
scenarios file is checked the same way against a compiled catalog and
against an already generated module.

Quoting runs the evaluator itself. A ``PricingError`` for one scenario (an
add-on bought too often, say) is that scenario's outcome, not a crash.

The modules follow a file's way through: :mod:`.loading` (loader and
schema), :mod:`.checks` (against the catalog), :mod:`.expand` (defaults and
matrices into :class:`Scenario` values, :mod:`.scenario`), and
:mod:`.suite` (compile, load, run and print, for the command line and the
pytest plugin).
"""

from .expand import DEFAULT_TEMPLATE
from .loading import check_schema, load, schema_text
from .scenario import _SUBSCRIPTION_KEYS as _SUBSCRIPTION_KEYS
from .scenario import Outcome, Scenario, run
from .suite import EXIT_ERRORS, EXIT_OK, Suite, open_suite, run_cli

__all__ = [
    "DEFAULT_TEMPLATE",
    "EXIT_ERRORS",
    "EXIT_OK",
    "Outcome",
    "Scenario",
    "Suite",
    "check_schema",
    "load",
    "open_suite",
    "run",
    "run_cli",
    "schema_text",
]
