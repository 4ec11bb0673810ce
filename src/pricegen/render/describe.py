"""Entitlements, limits and prices in words, for people.

Pure functions from the model to plain text ("1,000 API calls per month",
"Unlimited seats"); prices in words are in ``prices.py`` and ``charges.py``.
Escaping for Markdown, HTML or CSV happens later, in the template or writer
that knows the output format.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..model import Catalog, Entitlement, Feature, Plan
from .localization import format_money, format_number

RESET_WORDS = {
    "hour": "per hour",
    "day": "per day",
    "week": "per week",
    "month": "per month",
    "year": "per year",
}
PERIOD_WORDS = {"monthly": "month", "quarterly": "quarter", "annual": "year"}
PERIOD_ADVERBS = {"monthly": "monthly", "quarterly": "quarterly", "annual": "annually"}
PERIOD_TITLES = {"monthly": "Monthly", "quarterly": "Quarterly", "annual": "Annual"}
CHECK, DASH = "✓", "–"


def bought_in_advance(plan: Plan, feature_id: str) -> bool:
    for charge in plan.charges:  # a loop, not any(): tables ask this of every cell
        if charge.feature == feature_id and charge.billing == "in_advance":
            return True
    return False


class Words:
    """Formatting bound to one catalog and locale."""

    def __init__(self, catalog: Catalog, locale: str):
        self.catalog = catalog
        self.locale = locale
        # Texts several outputs derive from this catalog in this locale, by
        # (kind, id): worked out once for all of them (inheritance.included).
        self.memo: dict[tuple[str, str], Any] = {}

    # -- numbers and money ----------------------------------------------------

    def number(self, value: int | Decimal) -> str:
        return format_number(value, self.locale)

    def money(self, amount: Decimal, currency: str) -> str:
        """The locale's currency format; sub-minor unit prices keep their digits ($0.0027)."""
        return format_money(
            amount, currency, self.locale, self.catalog.product.minor_units[currency]
        )

    def counted(self, n: int | Decimal, feature: Feature) -> str:
        if not feature.unit:
            return f"{self.number(n)}"
        noun = feature.unit[0] if n == 1 else feature.unit[1]
        return f"{self.number(n)} {noun}"

    # -- entitlements ---------------------------------------------------------

    def entitlement(self, feature: Feature, ent: Entitlement | None, *, cell: bool = False) -> str:
        """A grant in words; ``cell`` gives the short form for tables."""
        if ent is None or not ent.granted:
            return DASH
        if ent.variable:
            return "Custom"
        if feature.type == "boolean":
            return CHECK if cell else feature.name
        if feature.type == "enum":
            return ", ".join(ent.values) if ent.values else DASH
        if feature.type == "config":
            return self.counted(ent.value, feature) if ent.value is not None else CHECK
        return self._metered(feature, ent)

    def plan_cell(self, plan: Plan, feature: Feature) -> str:
        """A comparison-table cell: what a customer of ``plan`` gets of ``feature``."""
        if bought_in_advance(plan, feature.id):
            return self.bought(feature)
        return self.entitlement(feature, plan.entitlements.get(feature.id), cell=True)

    @staticmethod
    def bought(feature: Feature) -> str:
        """In-advance features: the quantity bought is the limit."""
        unit = feature.unit[0] if feature.unit else "unit"
        return f"Bought per {unit}"

    def _metered(self, feature: Feature, ent: Entitlement) -> str:
        if ent.unlimited:
            noun = feature.unit[1] if feature.unit else feature.name
            text = f"Unlimited {noun}"
        else:
            text = self.counted(ent.limit, feature)
        if ent.reset:
            text += f" {RESET_WORDS[ent.reset]}"
        if ent.soft and not ent.unlimited:
            text += " (soft limit)"
        return text

    def feature_line(self, feature: Feature, ent: Entitlement) -> str:
        """A bullet for a plan page: the feature's name with its value."""
        value = self.entitlement(feature, ent)
        if feature.type == "boolean" or value == feature.name:
            return feature.name
        if feature.type in ("enum", "config") or ent.variable:
            return f"{feature.name}: {value}"
        if feature.unit and feature.unit[1].lower() in feature.name.lower():
            return value  # "1,000 API calls per month" already names the feature
        return f"{feature.name}: {value}"
