"""A scenario, and its outcome: one named subscription, and what the evaluator said.

A :class:`Scenario` has every default already applied, so running it needs
nothing but an evaluator module. A ``PricingError`` for one scenario (an
add-on bought too often, say) is that scenario's outcome, not a crash.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..diagnostics import Location

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
            data["quote"] = self.quote.to_dict()  # type: ignore[attr-defined]  # a Quote
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
