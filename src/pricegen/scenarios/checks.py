"""Checking a scenarios file against the catalog: do its ids exist, does each fit its plan?

The catalog is read from the evaluator module's ``CATALOG`` (plain data),
so that a scenarios file is checked the same way against a compiled
catalog and against an already generated module. References that do not
depend on the plan (unknown plans, features, add-ons, periods and
currencies, with "did you mean") are checked first; how a scenario fits its
plan (quotable, quantities sold in advance, compatible add-ons, a trial) is
checked while it is expanded (:mod:`.expand`), since only then is its plan
known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..diagnostics import Diagnostic, did_you_mean, error
from ..source import SourceFile


def quoted(ids) -> str:
    """ "a", "a" or "b", "a", "b" or "c"; "none" for no ids."""
    ids = list(ids)
    shown = [f'"{i}"' for i in ids]
    if not shown:
        return "none"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"


def _refs(where: tuple, body: Mapping, one: str, many: str) -> list[tuple[tuple, str]]:
    """(path, id) of each id given alone (``plan:``) or in a list (``plans:``)."""
    refs = [(where + (one,), body[one])] if one in body else []
    refs += [(where + (many, i), v) for i, v in enumerate(body.get(many, ()))]
    return refs


class Checker:
    """The catalog as a scenarios file sees it, and the diagnostics found so far."""

    def __init__(self, source: SourceFile, catalog: Mapping) -> None:
        self.source = source
        self.data: Any = source.data  # a mapping: the schema was checked first
        self.product = catalog["product"]
        self.features = catalog["features"]
        self.plans = catalog["plans"]
        self.addons = catalog["addons"]
        self.diagnostics: list[Diagnostic] = []

    def report(self, path: tuple, rule: str, message: str, *, key: bool = False) -> None:
        self.diagnostics.append(error(self.source.locate(path, key=key), rule, message))

    # -- the environment

    def check_environment(self) -> bool:
        """The file's ``environment``, when it names one, is the evaluator's own."""
        wanted = self.data.get("environment")
        actual = (self.product.get("environment") or {}).get("name")
        if wanted is None or wanted == actual:
            return True
        if actual is None:
            message = (
                f'The scenarios are for environment "{wanted}", but the catalog declares '
                "no environments; expected no environment: key."
            )
        else:
            message = (
                f'The scenarios are for environment "{wanted}", but the evaluator is '
                f'generated for "{actual}"; expected the evaluator of "{wanted}" '
                f"(or environment: {actual})."
            )
        self.report(("environment",), "SCENARIO_ENVIRONMENT_MISMATCH", message)
        return False

    # -- references that do not depend on the plan

    def check_references(self, where: tuple, body: Mapping) -> None:
        for path, plan in _refs(where, body, "plan", "plans"):
            if plan not in self.plans:
                hint = did_you_mean(plan, self.plans, "plans")
                self.report(
                    path, "SCENARIO_PLAN_UNKNOWN", f'Plan "{plan}" is not in the catalog{hint}'
                )
        for path, period in _refs(where, body, "period", "periods"):
            if period not in self.product["billing_periods"]:
                periods = self.product["billing_periods"]
                self.report(
                    path,
                    "SCENARIO_PERIOD_NOT_SOLD",
                    f"The product has no {period} billing; expected {quoted(periods)}.",
                )
        for path, currency in _refs(where, body, "currency", "currencies"):
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
                f"expected a metered feature such as {quoted(metered[:3])}.",
                key=True,
            )

    def metered(self, fid: str) -> bool:
        return fid in self.features and self.features[fid]["type"] == "metered"

    # -- where a value comes from: the scenario itself, or defaults

    @staticmethod
    def pick(key: str, where: tuple, body: Mapping, defaults: Mapping) -> tuple[Any, Any]:
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

    # -- how a scenario fits its plan

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
        quantities = self._quantities(who, plan_id, where, body, defaults, strict)
        addons = self._addons(who, plan_id, where, body, defaults)
        usage = {
            fid: value
            for fid, (value, _path, _own) in self.merged("usage", where, body, defaults).items()
            if self.metered(fid)
        }
        trial = self._trial(who, plan_id, where, body, defaults)
        return quantities, addons, usage, trial

    def _quantities(
        self, who: str, plan_id: str, where: tuple, body: Mapping, defaults: Mapping, strict: bool
    ) -> dict:
        """The quantities the plan sells in advance; each of them is required."""
        sold = self.in_advance(self.plans[plan_id])
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
                    + (f"quantities for {quoted(sold)} only." if sold else "no quantities."),
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
        return quantities

    def _addons(
        self, who: str, plan_id: str, where: tuple, body: Mapping, defaults: Mapping
    ) -> dict:
        """The add-ons bought; each one bought must be compatible with the plan."""
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
                    f"expected a plan it lists: {quoted(compatible)}.",
                    key=True,
                )
            addons[aid] = value
        return addons

    def _trial(self, who: str, plan_id: str, where: tuple, body: Mapping, defaults: Mapping):
        """Whether the scenario is a trial; only a plan with a trial can be trialled."""
        trial, trial_path = self.pick("trial", where, body, defaults)
        if trial and not self.plans[plan_id]["trial"]:
            with_trial = [p for p, data in self.plans.items() if data["trial"]]
            shown = quoted(with_trial) if with_trial else "the catalog has none"
            self.report(
                trial_path,
                "SCENARIO_TRIAL_NONE",
                f'{who}: plan "{plan_id}" offers no trial; expected trial: false, '
                f"or a plan with a trial ({shown}).",
            )
        return bool(trial)
