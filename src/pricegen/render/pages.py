"""Contexts for the documentation pages and the HTML pricing page.

Templates only lay text out; everything they show is decided here, in
code, in a fixed order: plans in ladder order, features in catalog order,
periods and currencies as declared.
"""

from __future__ import annotations

import json
from decimal import Decimal

from ..model import Addon, Catalog, Charge, Plan
from ..money import text as decimal_text
from .describe import PERIOD_TITLES, PERIOD_WORDS, Words, bought_in_advance
from .tables import Table

MODEL_WORDS = {
    "flat": "flat fee",
    "per_unit": "per unit",
    "package": "package",
    "graduated": "graduated tiers",
    "volume": "volume tiers",
    "stairstep": "stairstep tiers",
}
BILLING_WORDS = {
    "in_advance": "bought in advance",
    "in_arrears": "billed in arrears on measured usage",
}


def shown_parent(catalog: Catalog, plan: Plan) -> Plan | None:
    """The parent a page may say "Everything in ..., plus" about: one still on sale."""
    parent = catalog.plans.get(plan.extends) if plan.extends else None
    return parent if parent is not None and parent.status == "published" else None


def included_lines(catalog: Catalog, plan: Plan, words: Words) -> list[str]:
    """What the plan adds over its shown parent (everything, without one)."""
    parent = shown_parent(catalog, plan)
    lines = []
    for fid, feature in catalog.features.items():
        if bought_in_advance(plan, fid):
            lines.append(f"{feature.name}: {words.bought(feature).lower()}")
            continue
        ent = plan.entitlements.get(fid)
        if ent is None or (parent is not None and parent.entitlements.get(fid) == ent):
            continue
        lines.append(words.feature_line(feature, ent))
    return lines


def price_rows(catalog: Catalog, plan: Plan, words: Words) -> list[dict]:
    if plan.price is None and not plan.charges:
        return []
    rows = []
    for period in plan.billing_periods:
        cells = [words.plan_price(plan, period, c) for c in catalog.product.currencies]
        rows.append({"period": PERIOD_TITLES[period], "cells": cells})
    return rows


def charge_context(catalog: Catalog, plan: Plan, charge: Charge, words: Words) -> dict:
    feature = catalog.features[charge.feature]
    columns = [
        (period, currency, f"{PERIOD_TITLES[period]} {currency}")
        for period in plan.billing_periods
        for currency in catalog.product.currencies
    ]
    return {
        "title": f"{feature.name}: {MODEL_WORDS[charge.model]}",
        "summary": charge_summary(catalog, plan, charge, words),
        "columns": [label for _, _, label in columns],
        "tiers": [
            {
                "range": _tier_range(charge, i),
                "cells": [_tier_cell(tier, p, c, words) for p, c, _ in columns],
            }
            for i, tier in enumerate(charge.tiers)
        ],
    }


def charge_summary(catalog: Catalog, plan: Plan, charge: Charge, words: Words) -> str:
    feature = catalog.features[charge.feature]
    period = plan.billing_periods[0]
    currency = catalog.product.default_currency
    parts = [f"{feature.name}, {BILLING_WORDS[charge.billing]}"]
    if charge.included:
        parts.append(f"the first {words.counted(charge.included, feature)} free")
    if charge.model == "flat":
        parts.append(
            f"{words.money(charge.price[period][currency], currency)} per {PERIOD_WORDS[period]}"
        )
    elif charge.model == "per_unit":
        unit = feature.unit[0] if feature.unit else "unit"
        parts.append(
            f"{words.money(charge.unit_price[period][currency], currency)} per {unit} "
            f"({PERIOD_TITLES[period].lower()}, {currency})"
        )
    elif charge.model == "package":
        rounding = "rounded down" if charge.rounding == "down" else "partial blocks count as whole"
        price = words.money(charge.block_price[period][currency], currency)
        parts.append(
            f"{price} per block of {words.counted(charge.block_size, feature)} ({rounding})"
        )
    return "; ".join(parts) + "."


def _tier_range(charge: Charge, index: int) -> str:
    lower = charge.tiers[index - 1].up_to + 1 if index else 1
    upper = charge.tiers[index].up_to
    if upper is None:
        return f"{lower:,}+"
    return f"{lower:,}–{upper:,}" if upper != lower else f"{lower:,}"


def _tier_cell(tier, period: str, currency: str, words: Words) -> str:
    if tier.price is not None:
        return words.money(tier.price[period][currency], currency)
    parts = []
    if tier.unit_price is not None:
        parts.append(f"{words.money(tier.unit_price[period][currency], currency)} each")
    if tier.flat_price is not None:
        parts.append(f"{words.money(tier.flat_price[period][currency], currency)} flat")
    return " + ".join(parts)


def addon_grants(catalog: Catalog, addon: Addon, words: Words) -> list[str]:
    lines = []
    for fid, ent in addon.entitlements.items():
        text = words.feature_line(catalog.features[fid], ent)
        if ent.type == "metered" and ent.behavior == "increment":
            text = f"+{text} per unit bought"
        elif ent.behavior == "override":
            text = f"{text} (replaces the plan's limit)"
        lines.append(text)
    return lines


def addon_price(catalog: Catalog, addon: Addon, words: Words) -> str:
    currency = catalog.product.default_currency
    parts = [
        f"{words.money(money[currency], currency)} / {PERIOD_WORDS[period]}"
        for period, money in addon.price.items()
    ]
    return " or ".join(parts) if parts else "free"


# -- worked examples, computed by the evaluator ----------------------------------------


def sample_quantity(charge: Charge) -> int:
    """A quantity that reaches past the interesting part of the charge."""
    bounds = [t.up_to for t in charge.tiers if t.up_to is not None]
    if charge.model == "stairstep" and charge.tiers and charge.tiers[-1].up_to is not None:
        base = bounds[-1] - 1 if len(bounds) < 2 else (bounds[-2] + bounds[-1]) // 2
    elif bounds:
        base = bounds[-1] * 2
    elif charge.block_size:
        base = charge.block_size * 2 + charge.block_size // 2
    else:
        base = 1000
    return charge.included + max(base, 1)


def _sample_within_limit(plan: Plan, charge: Charge) -> int:
    """sample_quantity(), held to a hard limit on usage: quote() refuses usage beyond it."""
    sample = sample_quantity(charge)
    ent = plan.entitlements.get(charge.feature)
    hard = ent is not None and ent.limit is not None and not ent.soft and not ent.unlimited
    if hard and not bought_in_advance(plan, charge.feature):
        return min(sample, ent.limit)
    return sample


def worked_examples(catalog: Catalog, evaluator, words: Words) -> list[dict]:
    examples = []
    for plan in catalog.plans.values():
        if not plan.charges or plan.custom:
            continue
        quantities = {c.feature: _sample_within_limit(plan, c) for c in plan.charges}
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
        for charge in plan.charges:
            line = lines[charge.feature]
            examples.append(
                {
                    "title": (
                        f"{plan.name}: {catalog.features[charge.feature].name} "
                        f"({MODEL_WORDS[charge.model]})"
                    ),
                    "summary": charge_summary(catalog, plan, charge, words),
                    "line": line.description,
                    "amount": words.money(line.amount, quote.currency),
                }
            )
    return examples


# -- the HTML page ------------------------------------------------------------------


def price_data(catalog: Catalog, plans, words: Words) -> dict:
    """Every displayed price, by plan, period and currency: text and exact amount."""
    prices: dict = {}
    for plan in plans:
        per_plan = prices.setdefault(plan.id, {})
        for period in catalog.product.billing_periods:
            for currency in catalog.product.currencies:
                per_plan.setdefault(period, {})[currency] = _card_price(
                    plan, period, currency, words
                )
    return prices


def _card_price(plan: Plan, period: str, currency: str, words: Words) -> dict:
    """Displayed text, the exact base fee the evaluator charges, and the qualifier."""
    text, per = words.price_parts(plan, period, currency)
    if plan.custom or period not in plan.billing_periods:
        return {"text": text, "amount": "", "per": per}
    amount = plan.price[period][currency] if plan.price else Decimal(0)
    return {"text": text, "amount": decimal_text(amount), "per": per}


def script_json(data: object) -> str:
    """JSON that cannot close its <script> element or open a comment."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def html_context(catalog: Catalog, table: Table, words: Words) -> dict:
    product = catalog.product
    prices = price_data(catalog, table.plans, words)
    period, currency = product.billing_periods[0], product.default_currency
    cards = []
    for plan in table.plans:
        shown = prices[plan.id][period][currency]
        parent = shown_parent(catalog, plan)
        cards.append(
            {
                "plan": plan,
                "price": shown["text"],
                "amount": shown["amount"],
                "per": shown["per"],
                "trial": words.trial(plan) if plan.trial else "",
                "parent": parent.name if parent is not None else "",
                "lines": included_lines(catalog, plan, words),
            }
        )
    data = {"defaultPeriod": period, "defaultCurrency": currency, "prices": prices}
    return {
        "cards": cards,
        "periods": product.billing_periods,
        "period_titles": PERIOD_TITLES,
        "default_period": period,
        "default_currency": currency,
        "trial_rows": [r for r in table.sections[0].rows if r.key == "trial"],
        "feature_sections": table.sections[1:],
        "data_json": script_json(data),
        "lang": words.locale.split("_")[0],
    }
