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
"""

from __future__ import annotations

import json
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from .diagnostics import Diagnostic, Location, did_you_mean, error, has_errors, normalize
from .source import SourceFile, load_file

EXIT_OK, EXIT_ERRORS = 0, 3
DEFAULT_TEMPLATE = "{plan}-{period}-{currency}"
_SUBSCRIPTION_KEYS = (
    "plan",
    "period",
    "currency",
    "quantities",
    "addons",
    "usage",
    "trial",
    "existing",
)
_NOWHERE = Location("<scenarios>")


# -- the scenarios ------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Scenario:
    """One named subscription to quote, with every default already applied."""

    name: str
    plan: str
    period: str
    currency: str
    quantities: Mapping[str, int] = field(default_factory=dict)
    addons: Mapping[str, int] = field(default_factory=dict)
    usage: Mapping[str, int] = field(default_factory=dict)
    trial: bool = False
    existing: bool = False
    description: str = ""
    loc: Location = field(default=_NOWHERE, repr=False)

    def subscription(self, module: types.ModuleType):
        """The evaluator's ``Subscription`` for this scenario."""
        return module.Subscription(
            plan=self.plan,
            period=self.period,
            currency=self.currency,
            quantities=dict(self.quantities),
            addons=dict(self.addons),
            trial=self.trial,
            existing=self.existing,
        )

    def quote(self, module: types.ModuleType):
        """``module.quote`` of this scenario; raises the module's ``PricingError``."""
        return module.quote(self.subscription(module), usage=dict(self.usage))

    def to_dict(self) -> dict:
        """The scenario's inputs as plain data (keys sorted on output)."""
        return {
            "plan": self.plan,
            "period": self.period,
            "currency": self.currency,
            "quantities": dict(sorted(self.quantities.items())),
            "addons": dict(self.addons),
            "usage": dict(sorted(self.usage.items())),
            "trial": self.trial,
            "existing": self.existing,
        }


@dataclass(frozen=True, eq=False)
class Outcome:
    """A scenario's quote, or the ``PricingError`` the evaluator raised for it."""

    scenario: Scenario
    quote: object | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict:
        data: dict = {"name": self.scenario.name, "subscription": self.scenario.to_dict()}
        if self.scenario.description:
            data["description"] = self.scenario.description
        if self.error is not None:
            data["error"] = {"type": type(self.error).__name__, "message": str(self.error)}
        else:
            data["quote"] = self.quote.to_dict()
        return data


def run(scenarios: list[Scenario], module: types.ModuleType) -> list[Outcome]:
    """Quote every scenario; a PricingError becomes that scenario's outcome."""
    outcomes = []
    for scenario in scenarios:
        try:
            outcomes.append(Outcome(scenario, quote=scenario.quote(module)))
        except module.PricingError as exc:
            outcomes.append(Outcome(scenario, error=exc))
    return outcomes


# -- loading ------------------------------------------------------------------------


def schema_text() -> str:
    """The packaged JSON Schema of scenarios files."""
    return resources.files("pricegen").joinpath("schema/scenarios.schema.json").read_text("utf-8")


@cache
def _validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def load(
    path: str | Path, catalog: Mapping, display: str | None = None
) -> tuple[list[Scenario], list[Diagnostic]]:
    """Read, check and expand a scenarios file against ``catalog``.

    ``catalog`` is an evaluator module's ``CATALOG`` (plain data with
    ``product``, ``features``, ``plans`` and ``addons``). Returns the
    scenarios in file order, or none when there are errors, and the
    diagnostics sorted as every command prints them.
    """
    shown = display if display is not None else str(path)
    source, diagnostics = load_file(Path(path), shown)
    if source is None:
        return [], normalize(_reworded(d) for d in diagnostics)
    problems = check_schema(source)
    if problems:
        return [], normalize(problems)
    expander = _Expander(source, catalog)
    scenarios = expander.expand()
    problems = normalize(expander.diagnostics)
    return ([] if has_errors(problems) else scenarios), problems


def _reworded(diagnostic: Diagnostic) -> Diagnostic:
    """The loader speaks of catalogs; an empty scenarios file needs its own hint."""
    if diagnostic.rule != "YAML_EMPTY":
        return diagnostic
    message = "The file has no content; expected a scenarios file with scenarios: or matrix:."
    return Diagnostic(diagnostic.path, diagnostic.line, diagnostic.col, diagnostic.rule, message)


def check_schema(source: SourceFile) -> list[Diagnostic]:
    """One SCENARIO_SCHEMA diagnostic per schema violation, worded as validate.py words them."""
    from . import validate

    problems = []
    for err in _validator().iter_errors(source.data):
        path = tuple(err.absolute_path)
        if err.validator == "anyOf" and not path:
            message = (
                '$: the file has neither "scenarios" nor "matrix"; expected at least one of them '
                "at the top level."
            )
            problems.append(error(source.locate(()), "SCENARIO_SCHEMA", message))
            continue
        if err.validator in ("anyOf", "oneOf"):
            err = validate._best(err)
            path = tuple(err.absolute_path)
        message, on_key, path = validate._message(err, path)
        loc = source.locate(path, key=on_key)
        problems.append(error(loc, "SCENARIO_SCHEMA", f"{validate.json_path(path)}: {message}"))
    return problems


# -- expansion and checks against the catalog ----------------------------------------


def _quoted(ids) -> str:
    ids = list(ids)
    shown = [f'"{i}"' for i in ids]
    if not shown:
        return "none"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"


class _Expander:
    """Checks each part of the file against the catalog and expands it into scenarios."""

    def __init__(self, source: SourceFile, catalog: Mapping) -> None:
        self.source = source
        self.data = source.data
        self.product = catalog["product"]
        self.features = catalog["features"]
        self.plans = catalog["plans"]
        self.addons = catalog["addons"]
        self.diagnostics: list[Diagnostic] = []
        self.names: dict[str, Location] = {}

    # -- reporting

    def report(self, path: tuple, rule: str, message: str, *, key: bool = False) -> None:
        self.diagnostics.append(error(self.source.locate(path, key=key), rule, message))

    def expand(self) -> list[Scenario]:
        """References first, then how each scenario fits its plan.

        Like the catalog's stages, an unknown id stops the run before the
        plan checks, so that a misspelled "seatz" is not also reported as
        a missing "seats".
        """
        defaults = self.data.get("defaults") or {}
        self.check_references(("defaults",), defaults)
        for name, body in self.data.get("scenarios", {}).items():
            self.check_references(("scenarios", name), body)
        for index, entry in enumerate(self.data.get("matrix", ())):
            self.check_references(("matrix", index), entry)
        if has_errors(self.diagnostics):
            return []
        scenarios: list[Scenario] = []
        for section in self.data:
            if section == "scenarios":
                for name, body in self.data["scenarios"].items():
                    scenario = self.named(name, body, defaults)
                    if scenario is not None:
                        scenarios.append(scenario)
            elif section == "matrix":
                for index, entry in enumerate(self.data["matrix"]):
                    scenarios.extend(self.matrix(index, entry, defaults))
        return scenarios

    # -- references that do not depend on the plan

    def check_references(self, where: tuple, body: Mapping) -> None:
        plan_refs = [(where + ("plan",), body["plan"])] if "plan" in body else []
        plan_refs += [(where + ("plans", i), p) for i, p in enumerate(body.get("plans", ()))]
        for path, plan in plan_refs:
            if plan not in self.plans:
                hint = did_you_mean(plan, self.plans, "plans")
                self.report(
                    path, "SCENARIO_PLAN_UNKNOWN", f'Plan "{plan}" is not in the catalog{hint}'
                )
        period_refs = [(where + ("period",), body["period"])] if "period" in body else []
        period_refs += [(where + ("periods", i), p) for i, p in enumerate(body.get("periods", ()))]
        for path, period in period_refs:
            if period not in self.product["billing_periods"]:
                periods = self.product["billing_periods"]
                self.report(
                    path,
                    "SCENARIO_PERIOD_NOT_SOLD",
                    f"The product has no {period} billing; expected {_quoted(periods)}.",
                )
        currency_refs = [(where + ("currency",), body["currency"])] if "currency" in body else []
        currency_refs += [
            (where + ("currencies", i), c) for i, c in enumerate(body.get("currencies", ()))
        ]
        for path, currency in currency_refs:
            currencies = self.product["currencies"]
            if currency not in currencies:
                hint = did_you_mean(currency, currencies, "currencies")
                self.report(
                    path,
                    "SCENARIO_CURRENCY_UNKNOWN",
                    f'Currency "{currency}" is not one of the product\'s{hint}',
                )
        for section in ("quantities", "usage"):
            for fid in body.get(section, {}):
                self.check_feature(where + (section, fid), fid, section)
        for aid in body.get("addons", {}):
            if aid not in self.addons:
                hint = did_you_mean(aid, self.addons, "add-ons")
                self.report(
                    where + ("addons", aid),
                    "SCENARIO_ADDON_UNKNOWN",
                    f'Add-on "{aid}" is not in the catalog{hint}',
                    key=True,
                )

    def check_feature(self, path: tuple, fid: str, section: str) -> None:
        if fid not in self.features:
            hint = did_you_mean(fid, self.features, "features")
            self.report(
                path,
                "SCENARIO_FEATURE_UNKNOWN",
                f'Feature "{fid}" is not in the catalog{hint}',
                key=True,
            )
            return
        kind = self.features[fid]["type"]
        if kind != "metered":
            metered = [f for f, data in self.features.items() if data["type"] == "metered"]
            self.report(
                path,
                "SCENARIO_FEATURE_NOT_METERED",
                f'Feature "{fid}" is a {kind} feature, so it has no {section}; '
                f"expected a metered feature such as {_quoted(metered[:3])}.",
                key=True,
            )

    def metered(self, fid: str) -> bool:
        return fid in self.features and self.features[fid]["type"] == "metered"

    # -- helpers for one resolved scenario

    @staticmethod
    def pick(key: str, where: tuple, body: Mapping, defaults: Mapping):
        """(value, path of the value) from the body, else from defaults, else (None, None)."""
        if key in body:
            return body[key], where + (key,)
        if key in defaults:
            return defaults[key], ("defaults", key)
        return None, None

    @staticmethod
    def merged(key: str, where: tuple, body: Mapping, defaults: Mapping) -> dict:
        """{id: (value, path, from the body itself)}: defaults first, the body's own entries win."""
        result = {k: (v, ("defaults", key, k), False) for k, v in defaults.get(key, {}).items()}
        result.update({k: (v, where + (key, k), True) for k, v in body.get(key, {}).items()})
        return result

    @staticmethod
    def in_advance(plan: Mapping) -> list[str]:
        return [c["feature"] for c in plan["charges"] if c["billing"] == "in_advance"]

    def quotable(self, who: str, plan_id: str, existing: bool, path: tuple) -> bool:
        plan = self.plans[plan_id]
        if plan["custom"]:
            message = (
                f'{who}: plan "{plan_id}" is a custom plan with no list price (contact sales); '
                "expected a plan with a price."
            )
        elif plan["status"] == "archived" and not existing:
            message = (
                f'{who}: plan "{plan_id}" is archived and sells to no new customer; '
                "expected existing: true for a subscription made before it was archived."
            )
        elif plan["status"] == "draft" and not existing:
            message = (
                f'{who}: plan "{plan_id}" is a draft and is not sold yet; '
                "expected a published plan, or existing: true."
            )
        else:
            return True
        self.report(path, "SCENARIO_PLAN_NOT_QUOTABLE", message)
        return False

    def purchase(
        self,
        who: str,
        plan_id: str,
        where: tuple,
        body: Mapping,
        defaults: Mapping,
        *,
        strict: bool,
    ):
        """(quantities, addons, usage, trial) for ``plan_id``, reporting what does not fit it.

        ``strict``: the body's own quantities must be sold in advance by the
        plan. Quantities from defaults, and a matrix's quantities, apply only
        to the plans that sell them.
        """
        plan = self.plans[plan_id]
        sold = self.in_advance(plan)
        quantities = {}
        for fid, (value, path, own) in self.merged("quantities", where, body, defaults).items():
            if not self.metered(fid):
                continue  # reported by check_references
            if fid in sold:
                quantities[fid] = value
            elif own and strict:
                self.report(
                    path,
                    "SCENARIO_QUANTITY_NOT_SOLD",
                    f'{who}: plan "{plan_id}" does not sell "{fid}" in advance, so this quantity '
                    f"would be ignored; expected "
                    + (f"quantities for {_quoted(sold)} only." if sold else "no quantities."),
                    key=True,
                )
        for fid in sold:
            if fid not in quantities:
                self.report(
                    where,
                    "SCENARIO_QUANTITY_MISSING",
                    f'{who}: plan "{plan_id}" sells "{fid}" in advance; '
                    f"expected quantities: {{{fid}: N}}.",
                    key=where[0] == "scenarios",
                )
        addons = {}
        for aid, (value, path, _own) in self.merged("addons", where, body, defaults).items():
            if aid not in self.addons:
                continue  # reported by check_references
            compatible = self.addons[aid]["plans"]
            if value and plan_id not in compatible:
                self.report(
                    path,
                    "SCENARIO_ADDON_NOT_COMPATIBLE",
                    f'{who}: add-on "{aid}" cannot be used with plan "{plan_id}"; '
                    f"expected a plan it lists: {_quoted(compatible)}.",
                    key=True,
                )
            addons[aid] = value
        usage = {
            fid: value
            for fid, (value, _path, _own) in self.merged("usage", where, body, defaults).items()
            if self.metered(fid)
        }
        trial, trial_path = self.pick("trial", where, body, defaults)
        if trial and not plan["trial"]:
            with_trial = [p for p, data in self.plans.items() if data["trial"]]
            self.report(
                trial_path,
                "SCENARIO_TRIAL_NONE",
                f'{who}: plan "{plan_id}" offers no trial; expected trial: false, '
                f"or a plan with a trial ({_quoted(with_trial) if with_trial else 'the catalog has none'}).",
            )
        return quantities, addons, usage, bool(trial)

    def claim(self, name: str, path: tuple) -> bool:
        """Record a scenario name; a named scenario that reuses one is SCENARIO_NAME_DUPLICATE."""
        first = self.names.get(name)
        if first is None:
            self.names[name] = self.source.locate(path, key=path[0] == "scenarios")
            return True
        self.report(
            path,
            "SCENARIO_NAME_DUPLICATE",
            f'Scenario name "{name}" is already the name of a scenario generated at line '
            f"{first.line}; expected unique names.",
            key=True,
        )
        return False

    def duplicate_in_matrix(
        self, who: str, name: str, path: tuple, template: str, mine: list
    ) -> None:
        missing = [p for p in ("plan", "period", "currency") if "{" + p + "}" not in template]
        fix = " and ".join("{" + p + "}" for p in missing)
        if any(s.name == name for s in mine):
            self.report(
                path,
                "SCENARIO_NAME_DUPLICATE",
                f'{who} generates the name "{name}" for more than one scenario; '
                f"expected a name template with {fix or 'other fixed text'}.",
            )
            return
        first = self.names[name]
        self.report(
            path,
            "SCENARIO_NAME_DUPLICATE",
            f'{who} generates the name "{name}", already the name of the scenario at line '
            f"{first.line}; expected unique names (set name: to a template such as "
            '"{plan}-{period}-{currency}-20-seats").',
        )

    # -- named scenarios

    def named(self, name: str, body: Mapping, defaults: Mapping) -> Scenario | None:
        where = ("scenarios", name)
        who = f'Scenario "{name}"'
        if not self.claim(name, where):
            return None
        plan_id, plan_path = self.pick("plan", where, body, defaults)
        if plan_id is None:
            self.report(
                where,
                "SCENARIO_PLAN_MISSING",
                f'{who} names no plan; expected "plan:" in the scenario or in defaults.',
                key=True,
            )
            return None
        if plan_id not in self.plans:
            return None  # reported by check_references
        plan = self.plans[plan_id]
        existing, _ = self.pick("existing", where, body, defaults)
        self.quotable(who, plan_id, bool(existing), plan_path)
        period, period_path = self.pick("period", where, body, defaults)
        if period is None:
            period = plan["billing_periods"][0]
        elif period in self.product["billing_periods"] and period not in plan["billing_periods"]:
            self.report(
                period_path,
                "SCENARIO_PERIOD_NOT_SOLD",
                f'{who}: plan "{plan_id}" has no {period} billing; '
                f"expected {_quoted(plan['billing_periods'])}.",
            )
        currency, _ = self.pick("currency", where, body, defaults)
        currency = currency or self.product["currencies"][0]
        quantities, addons, usage, trial = self.purchase(
            who, plan_id, where, body, defaults, strict=True
        )
        loc = self.source.locate(where, key=True)
        return Scenario(
            name,
            plan_id,
            period,
            currency,
            quantities,
            addons,
            usage,
            trial,
            bool(existing),
            body.get("description", ""),
            loc,
        )

    # -- matrices

    def matrix(self, index: int, entry: Mapping, defaults: Mapping) -> list[Scenario]:
        where = ("matrix", index)
        who = f"Matrix entry {index + 1}"
        existing = bool(self.pick("existing", where, entry, defaults)[0])
        if "plans" in entry:
            plan_ids = [
                p
                for i, p in enumerate(entry["plans"])
                if p in self.plans and self.quotable(who, p, existing, where + ("plans", i))
            ]
        else:
            plan_ids = [
                p
                for p, data in self.plans.items()
                if data["status"] == "published" and not data["custom"]
            ]
            if not plan_ids:
                self.report(
                    where,
                    "SCENARIO_PLAN_NOT_QUOTABLE",
                    f"{who} selects no plan: the catalog has no published plan with a list price; "
                    'expected "plans:" listing the plans to quote.',
                )
        periods = entry.get("periods")
        if periods is not None:
            for i, period in enumerate(periods):
                sellers = [p for p in plan_ids if period in self.plans[p]["billing_periods"]]
                if plan_ids and period in self.product["billing_periods"] and not sellers:
                    self.report(
                        where + ("periods", i),
                        "SCENARIO_PERIOD_NOT_SOLD",
                        f"{who}: no plan it selects has {period} billing; expected a period "
                        f"that {_quoted(plan_ids)} sell, or other plans.",
                    )
        currencies = [
            c
            for c in entry.get("currencies", self.product["currencies"])
            if c in self.product["currencies"]
        ]
        template = entry.get("name", DEFAULT_TEMPLATE)
        name_path = where + ("name",) if "name" in entry else where
        scenarios: list[Scenario] = []
        reported = False  # one duplicate-name error per matrix entry is enough
        for plan_id in plan_ids:
            plan = self.plans[plan_id]
            purchase = self.purchase(who, plan_id, where, entry, defaults, strict=False)
            for period in plan["billing_periods"]:
                if periods is not None and period not in periods:
                    continue
                for currency in currencies:
                    name = _fill(template, plan=plan_id, period=period, currency=currency.lower())
                    if name in self.names:
                        if not reported:
                            self.duplicate_in_matrix(who, name, name_path, template, scenarios)
                        reported = True
                        continue
                    self.claim(name, where)
                    quantities, addons, usage, trial = purchase
                    scenarios.append(
                        Scenario(
                            name,
                            plan_id,
                            period,
                            currency,
                            quantities,
                            addons,
                            usage,
                            trial,
                            existing,
                            entry.get("description", ""),
                            self.source.locate(where),
                        )
                    )
        return scenarios


def _fill(template: str, **values: str) -> str:
    """Replace {plan}, {period} and {currency}; the schema allows no other braces."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


# -- one call for the command line and the pytest plugin -----------------------------


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
        from .config import Config
        from .pipeline import compile_catalog
        from .runtime import load_evaluator

        build = compile_catalog(catalog, display=catalog_display)
        diagnostics += build.diagnostics
        if not build.ok:
            return Suite(None, [], diagnostics)
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

    from . import present
    from .diagnostics import format_text, summary

    suite = open_suite(scenarios_path, catalog=catalog_path)
    if suite.diagnostics:
        click.echo(format_text(suite.diagnostics), err=True, nl=False)
        click.echo(summary(suite.diagnostics), err=True)
    if not suite.ok:
        return EXIT_ERRORS
    outcomes = suite.run()
    if output == "json":
        click.echo(present.scenarios_json(outcomes), nl=False)
    elif output == "markdown":
        click.echo(present.scenarios_markdown(outcomes, suite.module.format_money), nl=False)
    else:
        click.echo(present.scenarios_text(outcomes, suite.module.format_money), nl=False)
    refused = sum(1 for o in outcomes if not o.ok)
    count = f"{len(outcomes)} scenario{'s' if len(outcomes) != 1 else ''}"
    click.echo(
        f"{scenarios_path}: {count}, {len(outcomes) - refused} quoted, {refused} refused.", err=True
    )
    return EXIT_ERRORS if refused else EXIT_OK
