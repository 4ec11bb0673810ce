"""Expanding a scenarios file into scenarios: defaults filled in, matrices multiplied out.

``defaults`` fill what a scenario leaves out, and a ``matrix`` generates
one scenario for every plan x period x currency it selects, named by a
template. Expansion is where a scenario meets its plan, so the plan checks
of :class:`~.checks.Checker` run here, and where names are claimed, so that
a generated name that repeats another is reported where it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..diagnostics import Location, has_errors
from ..source import SourceFile
from .checks import Checker, quoted
from .scenario import Scenario

DEFAULT_TEMPLATE = "{plan}-{period}-{currency}"


class Expander(Checker):
    """Checks each part of the file against the catalog and expands it into scenarios."""

    def __init__(self, source: SourceFile, catalog: Mapping) -> None:
        super().__init__(source, catalog)
        self.names: dict[str, Location] = {}

    def expand(self) -> list[Scenario]:
        """References first, then how each scenario fits its plan.

        Like the catalog's stages, an unknown id stops the run before the
        plan checks, so that a misspelled "seatz" is not also reported as
        a missing "seats".
        """
        if not self.check_environment():
            return []
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

    # -- names

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
                f"expected {quoted(plan['billing_periods'])}.",
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
        plan_ids = self.matrix_plans(who, where, entry, existing)
        periods = entry.get("periods")
        if periods is not None:
            self.check_matrix_periods(who, where, periods, plan_ids)
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
            cells = [
                (period, currency)
                for period in plan["billing_periods"]
                if periods is None or period in periods
                for currency in currencies
            ]
            for period, currency in cells:
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

    def matrix_plans(self, who: str, where: tuple, entry: Mapping, existing: bool) -> list[str]:
        """The plans a matrix entry selects: those it lists and can quote, else every
        published plan with a list price."""
        if "plans" in entry:
            return [
                p
                for i, p in enumerate(entry["plans"])
                if p in self.plans and self.quotable(who, p, existing, where + ("plans", i))
            ]
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
        return plan_ids

    def check_matrix_periods(self, who: str, where: tuple, periods, plan_ids: list[str]) -> None:
        """Each period a matrix entry lists must be sold by one of its plans."""
        for i, period in enumerate(periods):
            sellers = [p for p in plan_ids if period in self.plans[p]["billing_periods"]]
            if plan_ids and period in self.product["billing_periods"] and not sellers:
                self.report(
                    where + ("periods", i),
                    "SCENARIO_PERIOD_NOT_SOLD",
                    f"{who}: no plan it selects has {period} billing; expected a period "
                    f"that {quoted(plan_ids)} sell, or other plans.",
                )


def _fill(template: str, **values: str) -> str:
    """Replace {plan}, {period} and {currency}; the schema allows no other braces."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template
