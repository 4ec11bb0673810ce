"""The context of pricing.html: plan cards, charges, add-ons, the comparison table.

Every amount on the page is a *price piece*: a ``<span data-price="KEY">``
whose text the page's script replaces with ``data.prices[KEY][period]
[currency]`` when the period or currency switch is pressed, and whose
``data-amount`` holds the exact decimal. Words that change with the period
("/ month", "not sold annually") are ``<span data-text="KEY">`` pieces from
``data.texts[KEY][period]``. Keys name what the amount is (``plan:pro``,
``addon:ai-plus``, ``credits:pay-as-you-go``, and the charge keys of
``charges.py``), so the browser test can ask the evaluator for the same
thing, and a calculator added later can read the same data.

A sentence is a list of pieces (static text, a price, or period words);
the template lays pieces out and decides nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal

from ..model import Addon, Catalog, Plan
from ..money import Price
from ..money import text as decimal_text
from . import inheritance, pages
from .charges import ChargeView, charge_view, entry_price, unit_word
from .describe import DASH, PERIOD_ADVERBS, PERIOD_TITLES, PERIOD_WORDS, Words
from .prices import plan_headline, shown_name
from .tables import Table

PAGE_DATA_VERSION = 1


class PriceBook:
    """Every price and period-dependent text the page shows, for every period and currency."""

    def __init__(self, catalog: Catalog, words: Words):
        self.catalog, self.words = catalog, words
        self.periods = catalog.product.billing_periods
        self.currencies = catalog.product.currencies
        self.period, self.currency = self.periods[0], catalog.product.default_currency
        self.prices: dict[str, dict] = {}
        self.texts: dict[str, dict] = {"period": dict(PERIOD_WORDS)}

    def price(self, key: str, price: Price) -> dict:
        """A price piece; periods or currencies the price lacks show "–"."""
        if key not in self.prices:
            self.prices[key] = {
                period: {
                    currency: self._entry(price, period, currency) for currency in self.currencies
                }
                for period in self.periods
            }
        shown = self.prices[key][self.period][self.currency]
        return {"price": key, "text": shown["text"], "amount": shown["amount"]}

    def _entry(self, price: Price, period: str, currency: str) -> dict:
        amount = price.get(period, {}).get(currency)
        if amount is None:
            return {"text": DASH, "amount": ""}
        return {"text": self.words.money(amount, currency), "amount": decimal_text(amount)}

    def text(self, key: str, by_period: dict[str, str]) -> dict:
        """Words that change with the period."""
        self.texts[key] = by_period
        return {"word": key, "text": by_period[self.period]}

    def per_period(self) -> dict:
        return {"word": "period", "text": PERIOD_WORDS[self.period]}


def _static(text: str) -> dict:
    return {"text": text}


# -- plans --------------------------------------------------------------------------


def headline(book: PriceBook, plan: Plan) -> list[dict]:
    """The plan's price at a glance: the amount, then its qualifier."""
    shown = {
        p: plan_headline(book.catalog, plan, p, book.currency, book.words) for p in book.periods
    }
    first = shown[book.period]
    keyed = next((h for h in shown.values() if h.key), None)
    if keyed is None:  # Free, Contact sales, or not sold in any period: no amount
        return [_static(first.text)]
    amount = _headline_price(book, plan, keyed.key)
    qualifier = book.text(f"per:{plan.id}", {p: h.qualifier for p, h in shown.items()})
    return [amount, _static(" "), qualifier]


def _headline_price(book: PriceBook, plan: Plan, key: str) -> dict:
    if key.startswith("plan:"):
        return book.price(key, _base_price(book, plan))
    view = _views(book, plan)[key.split(":")[2]]
    return book.price(key, entry_price(view)[0].price)


def _base_price(book: PriceBook, plan: Plan) -> Price:
    """The base fee; 0 in each period a plan without one sells, as the evaluator bills."""
    if plan.price is not None:
        return plan.price
    return {p: dict.fromkeys(book.currencies, Decimal(0)) for p in plan.billing_periods}


def _views(book: PriceBook, plan: Plan) -> dict[str, ChargeView]:
    return {c.feature: charge_view(book.catalog, plan, c, book.words) for c in plan.charges}


def trial(book: PriceBook, plan: Plan) -> list[dict]:
    """The trial, with its credits in the selected currency."""
    t = plan.trial
    if t is None:
        return [_static(DASH)]
    parts: list[list[dict]] = []
    words = book.words
    if t.days:
        parts.append([_static(f"{words.number(t.days)} day{'s' if t.days != 1 else ''}")])
    if t.months:
        parts.append([_static(f"{words.number(t.months)} month{'s' if t.months != 1 else ''}")])
    if t.credits:
        credits = {p: dict(t.credits) for p in book.periods}
        parts.append([book.price(f"credits:{plan.id}", credits), _static(" of usage credits")])
    pieces = [
        piece for i, part in enumerate(parts) for piece in ([_static(" or ")] if i else []) + part
    ]
    if len(parts) > 1:
        pieces.append(_static(" (whichever ends first)"))
    return pieces


def charge_entry(book: PriceBook, view: ChargeView) -> list[dict]:
    """One line of a plan card: the charge's first price, and where it holds."""
    part, where = entry_price(view)
    pieces = [_static(f"{view.title}: "), book.price(part.key, part.price), _static(part.after)]
    if view.charge.model == "flat":
        pieces += [_static(" / "), book.per_period()]
    if where:
        pieces.append(_static(f" {where.removesuffix(' ' + unit_word(view.feature, True))}"))
        pieces.append(_static(f"; {len(view.rows)} tiers"))
    elif view.charge.included:
        pieces.append(_static(f" after {book.words.number(view.charge.included)} free"))
    pieces.append(_static(" (bought in advance)" if view.in_advance else " (on usage)"))
    return pieces


def plan_card(book: PriceBook, plan: Plan) -> dict:
    included = inheritance.included(book.catalog, plan, book.words)
    return {
        "plan": plan,
        "draft": plan.status == "draft",
        "headline": headline(book, plan),
        "trial": trial(book, plan) if plan.trial else [],
        "charges": [charge_entry(book, view) for view in _views(book, plan).values()],
        "intro": included.intro,
        "lines": included.lines,
    }


def charge_section(book: PriceBook, plan: Plan) -> dict:
    """A plan's charges in full: each one's sentences and a table of its prices."""
    charges = []
    for view in _views(book, plan).values():
        rows = [_tier_row(book, row) for row in view.rows]
        charges.append(
            {
                "id": f"charge-{plan.id}-{view.feature.id}",
                "title": view.title,
                "model": view.model,
                "sentences": [s for s in (view.billing, view.included, view.rule) if s],
                "column": view.column,
                "price_column": _price_heading(view),
                "flat_column": view.has_flat_fees,
                "rows": rows,
            }
        )
    return {"plan": plan, "draft": plan.status == "draft", "charges": charges}


def _tier_row(book: PriceBook, row) -> dict:
    """A row of a charge's table: its range, its price, and its flat fee if any."""
    cells: dict[str, list[dict]] = {"price": [_static(DASH)], "flat": []}
    for part in row.parts:
        kind = "flat" if part.key.endswith(":flat") else "price"
        cells[kind] = [book.price(part.key, part.price)]
    return {"label": row.label, **cells}


def _price_heading(view: ChargeView) -> str:
    if view.charge.model in ("graduated", "volume"):
        return f"Price per {unit_word(view.feature)}"
    return "Price"


# -- add-ons ------------------------------------------------------------------------


def addon_card(book: PriceBook, addon: Addon) -> dict:
    catalog = book.catalog
    rules = pages.addon_rules(catalog, addon)
    sold = {p: "" if p in addon.price else f" (not sold {PERIOD_ADVERBS[p]})" for p in book.periods}
    return {
        "addon": addon,
        "draft": addon.status == "draft",
        "price": [
            book.price(f"addon:{addon.id}", addon.price),
            _static(" / "),
            book.per_period(),
            _static(" each"),
            book.text(f"sold:{addon.id}", sold),
        ],
        "plans": [shown_name(p) for p in rules["plans"]],
        "quantity": rules["quantity"],
        "requires": [a.name for a in rules["requires"]],
        "excludes": [a.name for a in rules["excludes"]],
        "grants": pages.addon_grants(catalog, addon, book.words),
    }


# -- the page -----------------------------------------------------------------------


def script_json(data: object) -> str:
    """JSON that cannot close its <script> element or open a comment."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def html_context(catalog: Catalog, table: Table, words: Words) -> dict:
    book = PriceBook(catalog, words)
    cards = [plan_card(book, plan) for plan in table.plans]
    charged = [charge_section(book, p) for p in table.plans if p.charges and not p.custom]
    addons = [addon_card(book, a) for a in catalog.addons.values() if _on_page(a, table)]
    trial_cells = [trial(book, p) for p in table.plans] if any(p.trial for p in table.plans) else []
    data = {
        "version": PAGE_DATA_VERSION,
        "defaultPeriod": book.period,
        "defaultCurrency": book.currency,
        "periods": list(book.periods),
        "currencies": list(book.currencies),
        "prices": book.prices,
        "texts": book.texts,
    }
    return {
        "cards": cards,
        "charge_sections": charged,
        "addons": addons,
        "periods": book.periods,
        "period_titles": PERIOD_TITLES,
        "default_period": book.period,
        "default_currency": book.currency,
        "trial_cells": trial_cells,
        "feature_sections": [s for s in table.sections if s.title != "Pricing"],
        "data_json": script_json(data),
        "lang": words.locale.replace("_", "-"),
    }


def _on_page(addon: Addon, table: Table) -> bool:
    """Add-ons a new customer can buy: not archived, on a plan in the table."""
    shown = {p.id for p in table.plans}
    return addon.status != "archived" and any(p in shown for p in addon.plans)
