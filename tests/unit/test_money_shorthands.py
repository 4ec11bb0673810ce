"""Money shorthands: a bare 0 is free everywhere; trial budgets are money per currency."""

from __future__ import annotations

from decimal import Decimal

from pricegen import compile_catalog
from pricegen.runtime import load_evaluator

BASE = """\
pricegen: 1
product:
  {id: shop, name: Shop, currencies: [USD, EUR], billing_periods: [monthly, annual],
   trial_end: cancel}
features:
  seats: {name: Seats, type: metered, unit: [seat, seats]}
plans:
  pro:
    name: Pro
    price: {monthly: {USD: 10, EUR: 9}, annual: {USD: 100, EUR: 90}}
    entitlements: {seats: 5}
    TRIAL
addons:
  helper:
    name: Helper
    plans: [pro]
    price: 0
    entitlements: {seats: 1}
"""


def build(tmp_path, trial: str = ""):
    path = tmp_path / "pricing.yaml"
    path.write_text(BASE.replace("TRIAL", trial), "utf-8")
    return compile_catalog(path)


def test_a_bare_zero_price_is_free_in_every_currency_and_period(tmp_path):
    result = build(tmp_path)
    assert result.ok, result.diagnostics
    addon = result.catalog.addons["helper"]
    assert addon.price == {
        "monthly": {"USD": Decimal(0), "EUR": Decimal(0)},
        "annual": {"USD": Decimal(0), "EUR": Decimal(0)},
    }
    module = load_evaluator(result.catalog)
    quote = module.quote(
        module.Subscription(plan="pro", period="annual", currency="EUR", addons={"helper": 1})
    )
    assert [line.amount for line in quote.lines] == [Decimal("90.00"), Decimal("0.00")]


def test_a_bare_nonzero_price_stays_ambiguous(tmp_path):
    path = tmp_path / "pricing.yaml"
    path.write_text(BASE.replace("TRIAL", "").replace("price: 0", "price: 5"), "utf-8")
    rules = [d.rule for d in compile_catalog(path).diagnostics]
    assert rules == ["PRICE_PERIOD_AMBIGUOUS"]


def test_trial_credits_need_every_currency(tmp_path):
    rules = [d.rule for d in build(tmp_path, "trial: {credits: {USD: 20}}").diagnostics]
    assert rules == ["PRICE_MISSING"]


def test_trial_credits_in_an_unsold_currency_are_refused(tmp_path):
    result = build(tmp_path, "trial: {credits: {USD: 20, EUR: 18, GBP: 15}}")
    assert [d.rule for d in result.diagnostics] == ["PRICE_CURRENCY_UNDECLARED"]
    assert "GBP" in result.diagnostics[0].message


def test_complete_trial_credits_validate(tmp_path):
    result = build(tmp_path, "trial: {credits: {USD: 20, EUR: 18}}")
    assert result.ok, result.diagnostics
    assert result.catalog.plans["pro"].trial.credits == {"USD": Decimal(20), "EUR": Decimal(18)}
