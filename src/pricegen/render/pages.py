"""Contexts for the documentation pages: plans, add-ons, the overview, worked examples.

Templates only lay text out; everything they show is decided here, in
code, in a fixed order: plans in ladder order, features in catalog order,
periods and currencies as declared. Every price of a plan, a charge, a
tier and an add-on appears in every period and currency it is sold in.
"""

from __future__ import annotations

from ..model import Addon, Catalog, Charge, Plan
from .charges import ChargeView, charge_view, row_text
from .describe import PERIOD_TITLES, PERIOD_WORDS, Words, bought_in_advance
from .prices import addon_price_text, plan_headline, shown_name


def price_rows(catalog: Catalog, plan: Plan, words: Words) -> list[dict]:
    """A plan page's price table: a row per period, a cell per currency."""
    if plan.price is None and not plan.charges:
        return []
    return [
        {
            "period": PERIOD_TITLES[period],
            "cells": [
                plan_headline(catalog, plan, period, c, words).full
                for c in catalog.product.currencies
            ],
        }
        for period in plan.billing_periods
    ]


def charge_context(view: ChargeView, catalog: Catalog, words: Words) -> dict:
    """A charge for a docs page: its sentences, then a table with a column per period
    and currency, a row per tier (or one row for the other models)."""
    columns = [
        (period, currency)
        for period in view.plan.billing_periods
        for currency in catalog.product.currencies
    ]
    return {
        "title": f"{view.title}: {view.model.lower()}",
        "summary": charge_summary(view),
        "column": view.column,
        "columns": [f"{PERIOD_TITLES[p]} {c}" for p, c in columns],
        "rows": [
            {"label": row.label, "cells": [row_text(row, p, c, words) for p, c in columns]}
            for row in view.rows
        ],
    }


def charge_summary(view: ChargeView) -> str:
    return " ".join(s for s in (view.billing, view.included, view.rule) if s)


def addon_price_rows(catalog: Catalog, addon: Addon, words: Words) -> list[dict]:
    """An add-on page's price table: a row per period it is sold in, a cell per currency."""
    return [
        {
            "period": PERIOD_TITLES[period],
            "cells": [
                addon_price_text(addon, period, c, words) for c in catalog.product.currencies
            ],
        }
        for period in addon.price
    ]


def addon_price_summary(catalog: Catalog, addon: Addon, words: Words) -> str:
    """One line in the default currency, for lists: "$5.00 / month or $50.00 / year"."""
    currency = catalog.product.default_currency
    parts = [
        f"{addon_price_text(addon, period, currency, words)} / {PERIOD_WORDS[period]}"
        for period in addon.price
    ]
    return " or ".join(parts) if parts else "free"


def addon_grants(catalog: Catalog, addon: Addon, words: Words) -> list[str]:
    """What one unit of an add-on grants, and how it combines with the plan's value."""
    lines = []
    for fid, ent in addon.entitlements.items():
        feature = catalog.features[fid]
        value = words.entitlement(feature, ent)
        if feature.type == "boolean":
            lines.append(feature.name)
        elif feature.type == "enum":
            lines.append(f"{feature.name}: adds {value}")
        elif feature.type == "config":
            lines.append(f"{feature.name}: {value}, or the plan's value if higher")
        elif ent.behavior == "override":
            lines.append(f"{feature.name}: {value}, replacing the plan's limit")
        else:
            lines.append(f"{feature.name}: +{value} for each one bought")
    return lines


def addon_rules(catalog: Catalog, addon: Addon) -> dict:
    """Who may buy an add-on, how many, and with what: plans, requires, excludes."""
    return {
        "plans": [catalog.plans[p] for p in addon.plans if p in catalog.plans],
        "requires": [catalog.addons[a] for a in addon.requires if a in catalog.addons],
        "excludes": [catalog.addons[a] for a in addon.excludes if a in catalog.addons],
        "quantity": (
            "One per subscription"
            if addon.max_quantity == 1
            else f"Up to {addon.max_quantity:,} per subscription"
        ),
    }


# -- worked examples, computed by the evaluator ----------------------------------------


def sample_quantity(charge: Charge, most: int) -> int:
    """A quantity that reaches past the interesting part of the charge, at most ``most``.

    ``most`` is the evaluator's largest quantity (10^30): a block size, an
    ``included`` or a tier bound near it would otherwise make the example a
    quantity the evaluator refuses.
    """
    bounds = [t.up_to for t in charge.tiers if t.up_to is not None]
    if charge.model == "stairstep" and charge.tiers and charge.tiers[-1].up_to is not None:
        base = bounds[-1] - 1 if len(bounds) < 2 else (bounds[-2] + bounds[-1]) // 2
    elif bounds:
        base = bounds[-1] * 2
    elif charge.block_size:
        base = charge.block_size * 2 + charge.block_size // 2
    else:
        base = 1000
    return min(charge.included + max(base, 1), most)


def _sample_within_limit(plan: Plan, charge: Charge, most: int) -> int:
    """sample_quantity(), held to a hard limit on usage: quote() refuses usage beyond it."""
    sample = sample_quantity(charge, most)
    ent = plan.entitlements.get(charge.feature)
    hard = ent is not None and ent.limit is not None and not ent.soft and not ent.unlimited
    if hard and not bought_in_advance(plan, charge.feature):
        return min(sample, ent.limit)
    return sample


def worked_examples(catalog: Catalog, evaluator, words: Words) -> list[dict]:
    examples = []
    for plan in catalog.plans.values():
        if plan.charges and not plan.custom:
            examples += _plan_examples(catalog, plan, evaluator, words)
    return examples


def _plan_examples(catalog: Catalog, plan: Plan, evaluator, words: Words) -> list[dict]:
    """One quote of the plan at a sample quantity of each charge, one example per line."""
    most = evaluator._MAX_UNITS  # the quantities the evaluator accepts: 0 to 10^30
    quantities = {c.feature: _sample_within_limit(plan, c, most) for c in plan.charges}
    sub = evaluator.Subscription(
        plan=plan.id,
        period=plan.billing_periods[0],
        currency=catalog.product.default_currency,
        quantities={f: q for f, q in quantities.items() if bought_in_advance(plan, f)},
        existing=True,
    )
    quote = evaluator.quote(
        sub, usage={f: q for f, q in quantities.items() if not bought_in_advance(plan, f)}
    )
    lines = {line.item: line for line in quote.lines}
    examples = []
    for charge in plan.charges:
        view = charge_view(catalog, plan, charge, words)
        line = lines[charge.feature]
        examples.append(
            {
                "title": f"{shown_name(plan)}: {view.title} ({view.model.lower()})",
                "summary": charge_summary(view),
                "line": line.description,
                "amount": words.money(line.amount, quote.currency),
            }
        )
    return examples
