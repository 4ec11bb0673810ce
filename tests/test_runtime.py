"""Semantics of the generated evaluator, on one catalog that exercises them all.

Every expected number is worked out by hand from the rules in the comment
next to it, not read back from the module.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import sys
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_FLOOR, Decimal, getcontext, localcontext

import pytest
from evaluator_support import compile_text

from pricegen.config import Config
from pricegen.runtime import load_evaluator

CATALOG = """\
pricegen: 1
product:
  id: acme
  name: Acme Analytics
  currencies: [USD, EUR]
  billing_periods: [monthly, annual]

features:
  sso: {name: Single sign-on, type: boolean}
  audit: {name: Audit log, type: boolean}
  data-retention: {name: Data retention, type: config, unit: [day, days]}
  export-format: {name: Export format, type: enum, values: [csv, parquet, xlsx]}
  seats: {name: Seats, type: metered, meter: fluctuating, unit: [seat, seats]}
  projects: {name: Projects, type: metered, meter: fluctuating, unit: [project, projects]}
  api-calls: {name: API calls, type: metered, meter: incremental, unit: [call, calls]}
  storage: {name: Storage, type: metered, meter: fluctuating, unit: GB}
  sandboxes: {name: Sandboxes, type: metered, meter: fluctuating}

plans:
  free:
    name: Free
    default: true
    entitlements:
      seats: 3
      projects: 2
      api-calls: {limit: 1000, reset: month}
      data-retention: 7
      export-format: [csv]
  pro:
    name: Pro
    extends: free
    trial: {days: 14}
    price:
      monthly: {USD: 29, EUR: 27}
      annual: {USD: 290, EUR: 270}
    entitlements:
      sso: true
      projects: 10
      api-calls: {limit: 100000, reset: month, soft: true}
      data-retention: 30
      export-format: [csv, parquet]
    charges:
      seats:
        model: graduated
        billing: in_advance
        tiers:
          - up_to: 5
            unit_price: {monthly: {USD: 20, EUR: 18}, annual: {USD: 200, EUR: 180}}
            flat_price: {monthly: {USD: 10, EUR: 9}, annual: {USD: 100, EUR: 90}}
          - up_to: 10
            unit_price: {monthly: {USD: 15, EUR: 14}, annual: {USD: 150, EUR: 140}}
          - unit_price: {monthly: {USD: 10, EUR: 9}, annual: {USD: 100, EUR: 90}}
      api-calls:
        model: per_unit
        billing: in_arrears
        included: 100000
        unit_price: {monthly: {USD: 0.0027, EUR: 0.0025}, annual: {USD: 0.0027, EUR: 0.0025}}
  enterprise:
    name: Enterprise
    extends: pro
    custom: true
    entitlements:
      seats: unlimited
      api-calls: {limit: unlimited, reset: month}
      data-retention: {variable: true}
      projects: {variable: true}
  legacy:
    name: Legacy
    extends: free
    status: archived
    billing_periods: [monthly]
    price: {USD: 9, EUR: 8}
    entitlements:
      projects: 5
    charges:
      storage:
        model: stairstep
        billing: in_arrears
        tiers:
          - {up_to: 10, price: {USD: 0, EUR: 0}}
          - {up_to: 100, price: {USD: 5, EUR: 4}}
  payg:
    name: Pay as you go
    extends: free
    trial: {credits: {USD: 30, EUR: 27}}
    entitlements:
      api-calls: {limit: unlimited, reset: month}
    charges:
      api-calls:
        model: per_unit
        unit_price: {monthly: {USD: 0.01, EUR: 0.009}, annual: {USD: 0.01, EUR: 0.009}}
  beta:
    name: Beta
    extends: pro
    status: draft

addons:
  extra-seats:
    name: 10 extra seats
    plans: [pro]
    max_quantity: 5
    price: {monthly: {USD: 50, EUR: 45}, annual: {USD: 500, EUR: 450}}
    entitlements:
      seats: {limit: 10}
  more-projects:
    name: 5 more projects
    plans: [pro]
    max_quantity: 3
    price: {monthly: {USD: 5, EUR: 4}, annual: {USD: 50, EUR: 40}}
    entitlements:
      projects: {limit: 5}
  projects-50:
    name: 50 projects
    plans: [pro]
    price: {monthly: {USD: 20, EUR: 18}, annual: {USD: 200, EUR: 180}}
    entitlements:
      projects: {limit: 50, behavior: override}
  projects-80:
    name: 80 projects
    plans: [pro]
    price: {monthly: {USD: 30, EUR: 27}, annual: {USD: 300, EUR: 270}}
    entitlements:
      projects: {limit: 80, behavior: override}
  security:
    name: Security pack
    plans: [free, pro]
    price: {monthly: {USD: 15, EUR: 14}, annual: {USD: 150, EUR: 140}}
    entitlements:
      sso: true
      data-retention: 90
  audit-log:
    name: Audit log
    plans: [free, pro]
    requires: [security]
    price: {monthly: {USD: 5, EUR: 4}, annual: {USD: 50, EUR: 40}}
    entitlements:
      audit: true
  exports:
    name: Excel export
    plans: [free, pro, payg]
    excludes: [sandbox-pack]
    price: {monthly: {USD: 3, EUR: 3}, annual: {USD: 30, EUR: 30}}
    entitlements:
      export-format: [xlsx]
  sandbox-pack:
    name: Sandboxes
    plans: [free, pro]
    max_quantity: 4
    excludes: [exports]
    price: {monthly: {USD: 2, EUR: 2}, annual: {USD: 20, EUR: 20}}
    entitlements:
      sandboxes: {limit: 2}
      data-retention: {value: 5, behavior: increment}
  old-pack:
    name: Old sandbox pack
    status: archived
    plans: [pro]
    price: {monthly: {USD: 1, EUR: 1}, annual: {USD: 10, EUR: 10}}
    entitlements:
      sandboxes: {limit: 1}
"""

UTC2 = timezone(timedelta(hours=2))


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return compile_text(CATALOG, tmp_path_factory.mktemp("acme"))


@pytest.fixture(scope="module")
def pricing(catalog):
    return load_evaluator(catalog)


IN_ADVANCE = {"pro": "seats", "beta": "seats"}  # the plans of CATALOG that sell seats


def sub(pricing, plan="pro", **kwargs):
    """A subscription; one that must buy seats in advance buys one unless told otherwise."""
    if plan in IN_ADVANCE and "quantities" not in kwargs:
        kwargs["quantities"] = {IN_ADVANCE[plan]: 1}
    return pricing.Subscription(plan=plan, **kwargs)


# -- inheritance ----------------------------------------------------------------


def test_inheritance_gives_each_plan_its_ancestors_entitlements(pricing):
    free = pricing.entitlements(sub(pricing, "free"))
    assert set(free) == {"data-retention", "export-format", "seats", "projects", "api-calls"}
    assert list(free) == [fid for fid in pricing.FEATURES if fid in free]  # FEATURES order
    assert free["seats"].limit == 3 and free["projects"].limit == 2
    assert free["api-calls"].limit == 1000 and free["api-calls"].reset == "month"
    assert "sso" not in free

    pro = pricing.entitlements(sub(pricing, "pro", quantities={"seats": 7}))
    assert pro["sso"].type == "boolean"
    assert pro["seats"].limit == 7 and pro["seats"].sources == ("quantity",)  # bought
    assert pro["seats"].reset is None  # free's seats: the quantity replaces only the limit
    assert pro["projects"].limit == 10 and pro["projects"].sources == ("pro",)
    assert pro["api-calls"].limit == 100000 and pro["api-calls"].soft
    assert pro["data-retention"].value == Decimal(30)
    assert pro["export-format"].values == ("csv", "parquet")

    ent = pricing.entitlements(
        sub(pricing, "enterprise", variables={"data-retention": 365, "projects": 40})
    )
    assert ent["sso"].sources == ("pro",)  # two levels up
    assert ent["seats"].unlimited and ent["seats"].limit is None
    assert ent["api-calls"].unlimited and ent["api-calls"].reset == "month"
    assert ent["export-format"].values == ("csv", "parquet")
    assert ent["data-retention"].value == Decimal(365)
    assert ent["projects"].limit == 40 and ent["projects"].sources == ("subscription",)


# -- add-ons ------------------------------------------------------------------


def test_increment_adds_limit_times_quantity(pricing):
    # Pro projects 10 + 3 x 5 = 25
    s = sub(pricing, addons={"more-projects": 3})
    assert pricing.entitlements(s)["projects"].limit == 25
    assert pricing.check(s, "projects", usage=24).has_access
    assert not pricing.check(s, "projects", usage=25).has_access


def test_overrides_replace_and_the_highest_wins(pricing):
    # Pro projects 10; override 50 -> 50; overrides 50 and 80 -> 80, in either order
    assert pricing.entitlements(sub(pricing, addons={"projects-50": 1}))["projects"].limit == 50
    both = {"projects-50": 1, "projects-80": 1}
    reverse = dict(reversed(both.items()))
    for addons in (both, reverse):
        assert pricing.entitlements(sub(pricing, addons=addons))["projects"].limit == 80
    # an override, then increments on top: max(10, 50) + 2 x 5 = 60
    s = sub(pricing, addons={"more-projects": 2, "projects-50": 1})
    assert pricing.entitlements(s)["projects"].limit == 60


def test_equal_subscriptions_give_equal_results_whatever_the_addon_order(pricing):
    a = sub(
        pricing, quantities={"seats": 4}, addons={"projects-50": 1, "projects-80": 1, "security": 1}
    )
    b = sub(
        pricing, quantities={"seats": 4}, addons={"security": 1, "projects-80": 1, "projects-50": 1}
    )
    assert a == b
    assert pricing.entitlements(a) == pricing.entitlements(b)
    assert pricing.quote(a) == pricing.quote(b)


def test_boolean_and_enum_grants(pricing):
    free = sub(pricing, "free")
    assert pricing.check(free, "sso").reason == "not_in_plan"
    with_pack = sub(pricing, "free", addons={"security": 1, "exports": 1})
    assert pricing.check(with_pack, "sso").has_access
    assert pricing.entitlements(with_pack)["export-format"].values == ("csv", "xlsx")
    # Pro already has csv and parquet; the add-on adds xlsx
    pro = sub(pricing, addons={"exports": 1})
    assert pricing.check(pro, "export-format").values == ("csv", "parquet", "xlsx")


def test_config_grant_is_the_most_generous_value(pricing):
    # security grants 90 days: it beats free's 7 and pro's 30, and is not added to them
    for plan in ("free", "pro"):
        ent = pricing.entitlements(sub(pricing, plan, addons={"security": 1}))
        assert ent["data-retention"].value == Decimal(90)


def test_explicit_increment_of_a_config_value(pricing):
    # sandbox-pack: data-retention {value: 5, behavior: increment}: free 7 + 3 x 5 = 22
    ent = pricing.entitlements(sub(pricing, "free", addons={"sandbox-pack": 3}))
    assert ent["data-retention"].value == Decimal(22)
    # sandboxes are not in the plan at all: 3 x 2 = 6
    assert ent["sandboxes"].limit == 6


def test_incompatible_addon_is_refused(pricing):
    with pytest.raises(pricing.AddonNotCompatibleError, match="extra-seats"):
        pricing.entitlements(sub(pricing, "free", addons={"extra-seats": 1}))
    with pytest.raises(pricing.AddonNotCompatibleError, match="sandbox-pack"):
        pricing.quote(sub(pricing, "free", addons={"exports": 1, "sandbox-pack": 1}))


def test_addon_quantity_above_max_is_refused(pricing):
    with pytest.raises(pricing.AddonQuantityExceededError, match="at most 5"):
        pricing.quote(sub(pricing, quantities={"seats": 1}, addons={"extra-seats": 6}))


def test_missing_required_addon_is_refused(pricing):
    with pytest.raises(pricing.AddonRequirementMissingError, match="security"):
        pricing.entitlements(sub(pricing, "free", addons={"audit-log": 1}))
    ok = sub(pricing, "free", addons={"audit-log": 1, "security": 1})
    assert pricing.check(ok, "audit").has_access


def test_unknown_addon_is_refused(pricing):
    with pytest.raises(pricing.UnknownAddonError, match="nope"):
        pricing.entitlements(sub(pricing, addons={"nope": 1}))


def test_addon_quantity_zero_is_no_addon(pricing):
    s = sub(pricing, "free", addons={"extra-seats": 0})  # incompatible, but not bought
    assert pricing.entitlements(s) == pricing.entitlements(sub(pricing, "free"))


@pytest.mark.parametrize(
    "addons, reason",
    [
        ({"extra-seats": 1}, "addon_not_compatible"),
        ({"exports": 1, "sandbox-pack": 1}, "addon_not_compatible"),
        ({"nope": 1}, "addon_not_compatible"),
        ({"sandbox-pack": 5}, "addon_quantity_exceeded"),
        ({"audit-log": 1}, "addon_requirement_missing"),
    ],
)
def test_check_denies_instead_of_raising(pricing, addons, reason):
    decision = pricing.check(sub(pricing, "free", addons=addons), "seats")
    assert not decision.has_access
    assert decision.reason == reason
    assert decision.to_dict()["reason"] == reason


def test_check_of_unknown_plan_or_feature_denies(pricing):
    assert pricing.check(sub(pricing, "nope"), "seats").reason == "unknown_plan"
    assert pricing.check(sub(pricing, "free"), "nope").reason == "unknown_feature"
    with pytest.raises(pricing.InvalidArgumentError, match="feature must be a feature id"):
        pricing.check(sub(pricing, "free"), None)  # a bug in the caller, not a denial


# -- lifecycle, custom and variable -------------------------------------------


def test_archived_plan_refuses_new_quotes_and_checks(pricing):
    new = sub(pricing, "legacy")
    with pytest.raises(pricing.PlanArchivedError, match="legacy"):
        pricing.quote(new)
    decision = pricing.check(new, "projects")
    assert (decision.has_access, decision.reason) == (False, "plan_archived")


def test_archived_plan_serves_existing_subscriptions(pricing):
    old = sub(pricing, "legacy", existing=True)
    assert pricing.check(old, "projects", usage=4).has_access  # legacy: 5 projects
    assert not pricing.check(old, "projects", usage=5).has_access
    # base 9 + storage stairstep (11..100 GB) 5 = 14.00
    quote = pricing.quote(old, usage={"storage": 40})
    assert [(line.item, line.amount) for line in quote.lines] == [
        ("plan", Decimal("9.00")),
        ("storage", Decimal("5.00")),
    ]
    assert quote.total == Decimal("14.00") and quote.period == "monthly"


def test_archived_addon_is_for_existing_subscriptions_only(pricing):
    new = sub(pricing, quantities={"seats": 1}, addons={"old-pack": 1})
    with pytest.raises(pricing.PlanArchivedError, match="old-pack"):
        pricing.quote(new)
    assert pricing.check(new, "seats").reason == "plan_archived"
    old = sub(pricing, quantities={"seats": 1}, addons={"old-pack": 1}, existing=True)
    assert pricing.check(old, "sandboxes").limit == 1
    # base 29 + seats 1 x 20 + 10 + old pack 1 = 60
    assert pricing.quote(old).total == Decimal("60.00")


def test_stairstep_beyond_the_last_bounded_tier_is_refused(pricing):
    with pytest.raises(pricing.QuantityOutOfRangeError, match="101"):
        pricing.quote(sub(pricing, "legacy", existing=True), usage={"storage": 101})


def test_custom_plan_quote_is_refused(pricing):
    s = sub(pricing, "enterprise", variables={"data-retention": 365, "projects": 40})
    with pytest.raises(pricing.PlanNotQuotableError, match="contact sales"):
        pricing.quote(s)


def test_variable_entitlement_must_be_set(pricing):
    with pytest.raises(pricing.VariableEntitlementMissingError, match="data-retention"):
        pricing.entitlements(sub(pricing, "enterprise", variables={"projects": 40}))
    with pytest.raises(pricing.VariableEntitlementMissingError):
        pricing.check(sub(pricing, "enterprise"), "sso")
    s = sub(pricing, "enterprise", variables={"data-retention": 365, "projects": "unlimited"})
    assert pricing.check(s, "data-retention").value == Decimal(365)
    assert pricing.check(s, "projects", usage=10**9).unlimited


def test_draft_plans_are_left_out_unless_asked_for(pricing, catalog):
    assert "beta" not in pricing.PLANS
    with pytest.raises(pricing.UnknownPlanError):
        pricing.quote(sub(pricing, "beta"))
    drafts = load_evaluator(catalog, Config(include_drafts=True))
    with pytest.raises(drafts.PlanNotQuotableError, match="draft"):
        drafts.quote(drafts.Subscription(plan="beta", quantities={"seats": 1}))


# -- quantities bought in advance ---------------------------------------------


def test_in_advance_quantity_becomes_the_limit_plus_increments(pricing):
    # 20 seats bought + 2 x 10 extra seats = 40 (the inherited free limit of 3 no longer applies)
    s = sub(pricing, quantities={"seats": 20}, addons={"extra-seats": 2})
    decision = pricing.check(s, "seats", usage=39)
    assert decision.has_access and decision.limit == 40 and decision.remaining == 1
    denied = pricing.check(s, "seats", usage=40)
    assert (denied.has_access, denied.reason, denied.remaining) == (
        False,
        "usage_limit_exceeded",
        0,
    )
    assert pricing.check(sub(pricing, quantities={"seats": 20}), "seats").limit == 20


def test_quote_of_the_brief_subscription(pricing):
    s = sub(
        pricing,
        period="monthly",
        currency="USD",
        quantities={"seats": 20},
        addons={"extra-seats": 2},
    )
    quote = pricing.quote(s, usage={"api-calls": 1_500_000})
    # base 29; seats 5 x 20 + 10 + 5 x 15 + 10 x 10 = 285;
    # calls (1,500,000 - 100,000) x 0.0027 = 3780; extra seats 2 x 50 = 100
    assert [(line.item, line.quantity, line.amount) for line in quote.lines] == [
        ("plan", 1, Decimal("29.00")),
        ("seats", 20, Decimal("285.00")),
        ("api-calls", 1_500_000, Decimal("3780.00")),
        ("addon:extra-seats", 2, Decimal("100.00")),
    ]
    assert quote.total == Decimal("4194.00")
    assert (quote.currency, quote.period, quote.plan) == ("USD", "monthly", "pro")


def test_quote_annual_eur_uses_its_own_prices(pricing):
    s = sub(
        pricing,
        period="annual",
        currency="EUR",
        quantities={"seats": 20},
        addons={"extra-seats": 2},
    )
    quote = pricing.quote(s, usage={"api-calls": 1_500_000})
    # base 270; seats 5 x 180 + 90 + 5 x 140 + 10 x 90 = 2590; calls 1,400,000 x 0.0025 = 3500;
    # extra seats 2 x 450 = 900
    assert [line.amount for line in quote.lines] == [
        Decimal("270.00"), Decimal("2590.00"), Decimal("3500.00"), Decimal("900.00"),
    ]  # fmt: skip
    assert quote.total == Decimal("7260.00")


def test_defaults_are_the_first_currency_and_period(pricing):
    quote = pricing.quote(sub(pricing, quantities={"seats": 1}))
    # base 29 + seats 1 x 20 + 10 = 59
    assert (quote.currency, quote.period, quote.total) == ("USD", "monthly", Decimal("59.00"))


def test_in_advance_quantity_is_required_by_every_call(pricing):
    """check() and quote() agree: a subscription without its seats is refused by both."""
    without = pricing.Subscription(plan="pro")
    for call in (
        lambda: pricing.quote(without),
        lambda: pricing.check(without, "seats"),
        lambda: pricing.check(without, "sso"),
        lambda: pricing.allowed(without, "seats"),
        lambda: pricing.entitlements(without),
    ):
        with pytest.raises(pricing.QuantityMissingError, match="seats"):
            call()


def test_quantity_for_a_feature_not_sold_in_advance_is_refused(pricing):
    with pytest.raises(pricing.InvalidQuantityError, match="seats"):
        pricing.quote(sub(pricing, "free", quantities={"seats": 20}))
    with pytest.raises(pricing.UnknownFeatureError, match="seets"):
        pricing.quote(sub(pricing, quantities={"seets": 20, "seats": 2}))


# -- soft limits and trials ---------------------------------------------------


def test_soft_limit_allows_and_flags(pricing):
    s = sub(pricing, quantities={"seats": 1})
    under = pricing.check(s, "api-calls", usage=99_999)
    assert under.has_access and not under.over_limit and under.remaining == 1
    over = pricing.check(s, "api-calls", usage=100_000)
    assert over.has_access and over.over_limit and over.soft and over.reason is None
    assert over.remaining == 0


def test_trial_waives_the_base_price(pricing):
    quote = pricing.quote(sub(pricing, quantities={"seats": 2}, trial=True))
    # base 29 waived; seats 2 x 20 + 10 = 50 are still charged
    assert quote.lines[0].amount == Decimal("0.00") and "waived" in quote.lines[0].description
    assert quote.total == Decimal("50.00")


def test_trial_of_a_plan_without_a_trial_is_refused(pricing):
    with pytest.raises(pricing.PricingError, match="no trial"):
        pricing.quote(sub(pricing, "legacy", existing=True, trial=True))


def test_credits_trial_denies_once_the_budget_is_spent(pricing):
    s = sub(pricing, "payg", trial=True)
    # 3,000 calls x 0.01 = 30.00 = the USD budget: still within it
    assert pricing.check(s, "api-calls", usage=2_999).has_access
    # 3,001 calls cost 30.01 > 30
    denied = pricing.check(s, "api-calls", usage=3_000)
    assert (denied.has_access, denied.reason) == (False, "budget_exceeded")
    # in EUR the budget is 27 at 0.009 a call: 3,000 calls = 27.00, 3,001 = 27.009
    eur = sub(pricing, "payg", trial=True, currency="EUR")
    assert pricing.check(eur, "api-calls", usage=2_999).has_access
    assert pricing.check(eur, "api-calls", usage=3_000).reason == "budget_exceeded"
    # without the trial, pay-as-you-go is unlimited
    assert pricing.check(sub(pricing, "payg"), "api-calls", usage=10**9).has_access


def test_credits_trial_pays_usage_up_to_the_budget(pricing):
    quote = pricing.quote(sub(pricing, "payg", trial=True), usage={"api-calls": 3_000})
    # 3,000 x 0.01 = 30.00, all of it paid by the 30.00 of credits
    assert [(line.item, line.amount) for line in quote.lines] == [
        ("plan", Decimal("0.00")),
        ("api-calls", Decimal("30.00")),
        ("trial-credits", Decimal("-30.00")),
    ]
    assert quote.total == Decimal("0.00")
    # credits pay for usage only, not for add-ons: 0.00 + excel export 3.00
    with_addon = sub(pricing, "payg", trial=True, addons={"exports": 1})
    quote = pricing.quote(with_addon, usage={"api-calls": 3_000})
    assert quote.lines[-1] == pricing.Line(
        "trial-credits", "Trial credits (budget $30.00)", 1, Decimal("-30.00")
    )
    assert quote.total == Decimal("3.00")
    # a budget larger than the usage pays all of it and no more: 10.00 - 10.00 + 3.00
    quote = pricing.quote(with_addon, usage={"api-calls": 1_000})
    assert quote.lines[-1].amount == Decimal("-10.00") and quote.total == Decimal("3.00")


def test_trial_usage_beyond_the_budget_is_refused_as_check_denies_it(pricing):
    trial = sub(pricing, "payg", trial=True)
    # 5,000 calls x 0.01 = 50.00: 20.00 more than the 30.00 budget
    with pytest.raises(pricing.TrialBudgetExceededError, match=r"\$50\.00, \$20\.00 more"):
        pricing.quote(trial, usage={"api-calls": 5_000})
    assert pricing.check(trial, "api-calls", usage=0, requested=5_000).reason == "budget_exceeded"
    # one cent over: 3,001 calls cost 30.01
    with pytest.raises(pricing.TrialBudgetExceededError, match=r"\$0\.01 more"):
        pricing.quote(trial, usage={"api-calls": 3_001})
    assert pricing.TrialBudgetExceededError.reason == "budget_exceeded"


def test_trial_plan_gives_the_most_generous_value(pricing):
    ent = pricing.entitlements(sub(pricing, "free", trial_plan="pro"))
    assert ent["projects"].limit == 10  # max(2, 10)
    assert ent["api-calls"].limit == 100000 and ent["api-calls"].soft  # pro's soft 100,000
    assert ent["data-retention"].value == Decimal(30)  # max(7, 30)
    assert ent["export-format"].values == ("csv", "parquet")  # the union
    assert "sso" in ent  # granted by the trialled plan
    # and the paid plan's add-ons still count: security's 90 days beat both
    ent = pricing.entitlements(sub(pricing, "free", trial_plan="pro", addons={"security": 1}))
    assert ent["data-retention"].value == Decimal(90)


# -- bad arguments ------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, usage, error",
    [
        ({"plan": "nope"}, None, "UnknownPlanError"),
        ({"currency": "GBP"}, None, "UnknownCurrencyError"),
        ({"period": "weekly"}, None, "UnknownPeriodError"),
        ({"plan": "legacy", "existing": True, "period": "annual"}, None, "UnknownPeriodError"),
        ({"quantities": {"seats": -1}}, None, "InvalidQuantityError"),
        ({"quantities": {"seats": Decimal("2.5")}}, None, "InvalidQuantityError"),
        ({"quantities": {"seats": 2.0}}, None, "InvalidQuantityError"),
        ({"quantities": {"seats": True}}, None, "InvalidQuantityError"),
        ({"quantities": {"seats": "2"}}, None, "InvalidQuantityError"),
        ({"addons": {"extra-seats": -1}}, None, "InvalidQuantityError"),
        ({"addons": {"extra-seats": 1.5}}, None, "InvalidQuantityError"),
        ({}, {"api-calls": -5}, "InvalidQuantityError"),
        ({}, {"api-calls": 0.5}, "InvalidQuantityError"),
        ({}, {"nope": 5}, "UnknownFeatureError"),
        ({"trial_plan": "nope"}, None, "UnknownPlanError"),
    ],
)
def test_bad_quote_arguments_raise_a_specific_error(pricing, kwargs, usage, error):
    args = {"plan": "pro", "quantities": {"seats": 2}, **kwargs}
    with pytest.raises(getattr(pricing, error)) as raised:
        pricing.quote(pricing.Subscription(**args), usage=usage)
    assert isinstance(raised.value, pricing.PricingError)
    assert isinstance(raised.value, ValueError)
    assert str(raised.value).endswith(".")


def test_decimal_whole_quantities_are_accepted(pricing):
    a = pricing.quote(
        sub(pricing, quantities={"seats": Decimal("7")}, addons={"extra-seats": Decimal(1)})
    )
    b = pricing.quote(sub(pricing, quantities={"seats": 7}, addons={"extra-seats": 1}))
    assert a == b
    assert all(type(line.quantity) is int for line in a.lines)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"usage": -1}, "InvalidQuantityError"),
        ({"usage": 1.0}, "InvalidQuantityError"),
        ({"requested": False}, "InvalidQuantityError"),
        ({"requested": Decimal("0.5")}, "InvalidQuantityError"),
        ({"now": datetime(2026, 1, 1)}, "NaiveDatetimeError"),
        ({"now": "2026-01-01T00:00:00Z"}, "NaiveDatetimeError"),
    ],
)
def test_bad_check_arguments_raise_a_specific_error(pricing, kwargs, error):
    with pytest.raises(getattr(pricing, error)):
        pricing.check(sub(pricing, "free"), "seats", **kwargs)


def test_naive_subscription_start_is_refused(pricing):
    with pytest.raises(pricing.NaiveDatetimeError, match="timezone-aware"):
        pricing.Subscription(plan="free", started_at=datetime(2026, 1, 1))


def test_check_of_an_unknown_currency_raises(pricing):
    # a credits trial prices usage, so it needs a currency it knows
    with pytest.raises(pricing.UnknownCurrencyError):
        pricing.check(sub(pricing, "payg", trial=True, currency="GBP"), "api-calls")


# -- usage windows ------------------------------------------------------------


@pytest.mark.parametrize(
    "reset, anchor, started, now, start, end",
    [
        # hourly from 08:20:15: the window around 11:05 started at 10:20:15
        ("hour", "subscription_start", at(2026, 3, 1, 8, 20, 15), at(2026, 3, 2, 11, 5),
         at(2026, 3, 2, 10, 20, 15), at(2026, 3, 2, 11, 20, 15)),
        ("hour", "calendar", at(2026, 3, 1, 8, 20, 15), at(2026, 3, 2, 11, 5),
         at(2026, 3, 2, 11), at(2026, 3, 2, 12)),
        # daily from 06:30
        ("day", "subscription_start", at(2026, 3, 1, 6, 30), at(2026, 3, 2, 5),
         at(2026, 3, 1, 6, 30), at(2026, 3, 2, 6, 30)),
        ("day", "calendar", at(2026, 3, 1, 6, 30), at(2026, 3, 2, 5),
         at(2026, 3, 2), at(2026, 3, 3)),
        # weekly from Wednesday 2026-03-04 09:00: Mar 4, 11, 18, 25; Friday 20th is in the 18th
        ("week", "subscription_start", at(2026, 3, 4, 9), at(2026, 3, 20, 12),
         at(2026, 3, 18, 9), at(2026, 3, 25, 9)),
        # calendar weeks start on Monday: 2026-03-16 is a Monday
        ("week", "calendar", at(2026, 3, 4, 9), at(2026, 3, 20, 12),
         at(2026, 3, 16), at(2026, 3, 23)),
        # Thursday anchor: Thursday 2026-03-19 00:00 to Thursday 26th
        ("week", "thursday", at(2026, 3, 4, 9), at(2026, 3, 20, 12),
         at(2026, 3, 19), at(2026, 3, 26)),
        # exactly at a boundary, the new window starts
        ("week", "thursday", at(2026, 3, 4, 9), at(2026, 3, 19),
         at(2026, 3, 19), at(2026, 3, 26)),
        # monthly from Jan 31: clamped to Feb 28, then back to Mar 31, then Apr 30
        ("month", "subscription_start", at(2026, 1, 31, 10), at(2026, 2, 15),
         at(2026, 1, 31, 10), at(2026, 2, 28, 10)),
        ("month", "subscription_start", at(2026, 1, 31, 10), at(2026, 3, 5),
         at(2026, 2, 28, 10), at(2026, 3, 31, 10)),
        ("month", "subscription_start", at(2026, 1, 31, 10), at(2026, 4, 10),
         at(2026, 3, 31, 10), at(2026, 4, 30, 10)),
        # just before the clamped boundary, still in the January window
        ("month", "subscription_start", at(2026, 1, 31, 10), at(2026, 2, 28, 9, 59),
         at(2026, 1, 31, 10), at(2026, 2, 28, 10)),
        ("month", "calendar", at(2026, 1, 31, 10), at(2026, 12, 31, 23, 59),
         at(2026, 12, 1), at(2027, 1, 1)),
        # yearly from a leap day: Feb 28 in common years, Feb 29 in leap years
        ("year", "subscription_start", at(2024, 2, 29, 12), at(2025, 3, 1),
         at(2025, 2, 28, 12), at(2026, 2, 28, 12)),
        ("year", "subscription_start", at(2024, 2, 29, 12), at(2027, 6, 1),
         at(2027, 2, 28, 12), at(2028, 2, 29, 12)),
        ("year", "subscription_start", at(2024, 2, 29, 12), at(2028, 3, 1),
         at(2028, 2, 29, 12), at(2029, 2, 28, 12)),
        ("year", "calendar", at(2024, 2, 29, 12), at(2026, 7, 1),
         at(2026, 1, 1), at(2027, 1, 1)),
    ],
)  # fmt: skip
def test_reset_window(pricing, reset, anchor, started, now, start, end):
    assert pricing.reset_window(reset, anchor, started, now) == (start, end)


def test_reset_window_works_in_utc_whatever_the_input_offset(pricing):
    # 2026-03-02 01:30 at UTC+2 is 2026-03-01 23:30 UTC: still March 1st's calendar day
    start, end = pricing.reset_window(
        "day", "calendar", at(2026, 1, 1), datetime(2026, 3, 2, 1, 30, tzinfo=UTC2)
    )
    assert (start, end) == (at(2026, 3, 1), at(2026, 3, 2))
    assert start.utcoffset() == timedelta(0)


def test_check_reports_the_window_of_entitlements_with_a_reset(pricing):
    s = sub(pricing, "free", started_at=at(2026, 1, 31, 10))
    decision = pricing.check(s, "api-calls", usage=10, now=at(2026, 2, 15))
    assert (decision.reset, decision.window_start, decision.window_end) == (
        "month", at(2026, 1, 31, 10), at(2026, 2, 28, 10),
    )  # fmt: skip
    # no reset, no window; no moment, no window
    assert pricing.check(s, "seats", now=at(2026, 2, 15)).window_start is None
    assert pricing.check(s, "api-calls").window_start is None


def test_bad_reset_arguments_raise(pricing):
    with pytest.raises(pricing.PricingError, match="fortnight"):
        pricing.reset_window("fortnight", "calendar", at(2026, 1, 1), at(2026, 2, 1))
    with pytest.raises(pricing.PricingError, match="someday"):
        pricing.reset_window("month", "someday", at(2026, 1, 1), at(2026, 2, 1))
    with pytest.raises(pricing.NaiveDatetimeError):
        pricing.reset_window("month", "calendar", at(2026, 1, 1), datetime(2026, 2, 1))


# -- results and data ---------------------------------------------------------


def test_to_dict_is_stable_plain_data(pricing):
    s = sub(pricing, quantities={"seats": 20}, started_at=at(2026, 1, 15))
    quote = pricing.quote(s, usage={"api-calls": 100_001}).to_dict()
    assert list(quote) == sorted(quote)
    # base 29 + seats 285 + 1 call x 0.0027 -> 0.00 = 314.00
    assert quote["total"] == "314.00"
    assert quote["lines"][2] == {
        "amount": "0.00",
        "description": "100,001 calls (100,000 included, 1 billable): 1 × $0.0027",
        "item": "api-calls",
        "quantity": 100_001,
    }
    for line in quote["lines"]:
        assert list(line) == sorted(line) and isinstance(line["amount"], str)
    assert json.loads(json.dumps(quote)) == quote

    decision = pricing.check(s, "api-calls", usage=5, now=at(2026, 2, 20)).to_dict()
    assert list(decision) == sorted(decision)
    assert decision["window_start"] == "2026-02-15T00:00:00Z"
    assert decision["window_end"] == "2026-03-15T00:00:00Z"
    assert decision["reason"] is None and decision["values"] == []
    denied = pricing.check(s, "seats", usage=20).to_dict()
    assert denied["reason"] == "usage_limit_exceeded" and type(denied["reason"]) is str
    assert pricing.check(s, "data-retention").to_dict()["value"] == "30"
    assert pricing.entitlements(s)["export-format"].to_dict()["values"] == ["csv", "parquet"]
    assert pricing.quote(s, usage={"api-calls": 100_001}).to_dict() == quote


def test_results_are_frozen(pricing):
    s = sub(pricing, quantities={"seats": 2})
    quote = pricing.quote(s)
    with pytest.raises(dataclasses.FrozenInstanceError):
        quote.total = Decimal(0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pricing.check(s, "seats").has_access = True
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.plan = "free"
    with pytest.raises(TypeError):
        s.quantities["seats"] = 100


def test_results_from_the_fast_path_equal_results_built_by_their_constructors(pricing):
    """check() and quote() skip __init__ and format descriptions on first read;
    the objects must still behave exactly like ordinary instances."""
    s = sub(pricing, quantities={"seats": 20}, addons={"extra-seats": 2})
    quote = pricing.quote(s, usage={"api-calls": 123_456})
    for line in quote.lines:
        fields = {f.name: getattr(line, f.name) for f in dataclasses.fields(line)}
        built = pricing.Line(**fields)
        assert built == line and hash(built) == hash(line) and repr(built) == repr(line)
        assert built.to_dict() == line.to_dict() and copy.deepcopy(line) == line
    expected = "20 seats: 5 × $20.00 + $10.00; 5 × $15.00; 10 × $10.00"  # tier 1 has a flat fee
    assert quote.lines[1].description == expected
    fresh = pricing.quote(s, usage={"api-calls": 123_456})
    assert fresh.to_dict() == quote.to_dict() and copy.deepcopy(fresh) == quote
    decision = pricing.check(s, "seats", usage=3)
    fields = {f.name: getattr(decision, f.name) for f in dataclasses.fields(decision)}
    assert pricing.Decision(**fields) == decision and hash(decision) == hash(decision)
    assert dataclasses.replace(decision, usage=4).remaining == decision.remaining


def test_quotes_pickle_and_show_their_fields_once_described(pricing, monkeypatch):
    """A charge line formats its description lazily; pickling and vars() must not
    see how (the recipe holds functions that do not pickle)."""
    quote = pricing.quote(sub(pricing, "payg"), usage={"api-calls": 1_234})
    calls = quote.lines[1]
    assert "_describe" in vars(calls)  # not formatted yet
    monkeypatch.setitem(sys.modules, pricing.__name__, pricing)  # as if imported by name
    copied = pickle.loads(pickle.dumps(quote))  # formats it
    assert copied == quote and copied.lines[1].description == calls.description
    assert calls.description == "1,234 calls: 1,234 × $0.01"  # per unit, no tiers
    assert vars(calls) == {
        "item": "api-calls",
        "quantity": 1_234,
        "amount": Decimal("12.34"),
        "description": calls.description,
    }
    assert getattr(pricing.Line.__new__(pricing.Line), "description", None) is None


def test_a_sheet_is_compiled_once_per_plan_period_and_currency(pricing):
    pricing.quote(sub(pricing, quantities={"seats": 2}))
    sheets = len(pricing._SHEETS)
    for seats in range(50):  # new subscriptions, the same plan, period and currency
        pricing.quote(sub(pricing, period="monthly", currency="USD", quantities={"seats": seats}))
    assert len(pricing._SHEETS) == sheets


@pytest.mark.parametrize("falsy", ["", 0, False, []])
def test_a_falsy_period_or_currency_is_refused_not_taken_for_the_default(pricing, falsy):
    error = pricing.UnknownPeriodError if falsy == "" else pricing.InvalidArgumentError
    with pytest.raises(error):
        pricing.quote(sub(pricing, period=falsy))
    error = pricing.UnknownCurrencyError if falsy == "" else pricing.InvalidArgumentError
    with pytest.raises(error):
        pricing.quote(sub(pricing, currency=falsy))


def test_allowed_validates_arguments_before_the_subscription_like_check(pricing):
    custom = sub(pricing, "enterprise")  # its variables are missing
    for bad in (-1, 10**31, 1.5):
        with pytest.raises(pricing.PricingError) as by_check:
            pricing.check(custom, "sso", 0, bad)
        with pytest.raises(pricing.PricingError) as by_allowed:
            pricing.allowed(custom, "sso", 0, bad)
        assert type(by_allowed.value) is type(by_check.value)
        assert type(by_check.value) is not pricing.VariableEntitlementMissingError


def test_a_variable_that_is_not_a_finite_number_is_refused(pricing):
    for bad in (Decimal("NaN"), Decimal("Infinity"), -1, True, "30"):
        custom = sub(pricing, "enterprise", variables={"data-retention": bad, "projects": 5})
        with pytest.raises(pricing.InvalidQuantityError):
            pricing.entitlements(custom)
        with pytest.raises(pricing.InvalidQuantityError):
            pricing.check(custom, "sso")


def test_quantities_are_bounded_so_money_stays_exact(pricing):
    """Up to 10^30 units are priced exactly; beyond that is an error, not a crash."""
    s = sub(pricing, "payg")
    most = pricing.quote(s, usage={"api-calls": 10**30}).lines[1]
    assert most.quantity == 10**30 and most.amount == Decimal(10) ** 28  # × $0.01, exactly
    with pytest.raises(pricing.QuantityOutOfRangeError, match="at most 1,000,000,"):
        pricing.quote(s, usage={"api-calls": 10**30 + 1})
    with pytest.raises(pricing.QuantityOutOfRangeError):
        pricing.quote(sub(pricing, quantities={"seats": Decimal(10) ** 31}))
    with pytest.raises(pricing.QuantityOutOfRangeError):
        pricing.check(s, "api-calls", usage=10**31)
    with pytest.raises(pricing.QuantityOutOfRangeError):
        pricing.allowed(s, "api-calls", requested=10**31)
    with pytest.raises(pricing.InvalidQuantityError):
        pricing.check(s, "api-calls", usage=Decimal("Infinity"))


def test_quote_restores_the_callers_decimal_context_even_when_it_fails(pricing):
    with localcontext(prec=5) as mine:
        pricing.quote(sub(pricing, quantities={"seats": 2}))
        assert getcontext() is mine and mine.prec == 5
        with pytest.raises(pricing.QuantityMissingError):
            pricing.quote(sub(pricing, quantities={}))
        assert getcontext() is mine and mine.prec == 5


def test_a_currency_that_is_not_a_string_is_refused(pricing):
    with pytest.raises(pricing.InvalidArgumentError, match="currency must be an id"):
        sub(pricing, currency=["USD"], quantities={"seats": 2})


def test_equal_subscriptions_are_equal_and_hash_alike(pricing):
    a = sub(pricing, quantities={"seats": 2}, addons={"extra-seats": 1})
    b = sub(pricing, addons={"extra-seats": 1}, quantities={"seats": 2})
    pricing.quote(a)  # a cache filled on one of them changes nothing
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    c = sub(pricing, quantities={"seats": 3}, addons={"extra-seats": 1})
    assert a != c and len({a, c}) == 2


def test_subscription_copies_its_arguments(pricing):
    quantities = {"seats": 2}
    s = sub(pricing, quantities=quantities)
    quantities["seats"] = 100
    assert pricing.entitlements(s)["seats"].limit == 2


def test_module_data_is_immutable(pricing):
    with pytest.raises(TypeError):
        pricing.PLANS["pro"] = {}
    with pytest.raises(TypeError):
        pricing.PLANS["pro"]["name"] = "Cheap"
    with pytest.raises(TypeError):
        pricing.PLANS["pro"]["price"]["monthly"]["USD"] = Decimal(1)
    with pytest.raises(TypeError):
        pricing.ADDONS["extra-seats"]["max_quantity"] = 99
    with pytest.raises(TypeError):
        pricing.FEATURES["seats"] = {}
    with pytest.raises(TypeError):
        pricing.CATALOG["plans"] = {}
    with pytest.raises(TypeError):
        pricing.CATALOG["plans"]["pro"]["name"] = "Cheap"
    with pytest.raises((TypeError, AttributeError)):
        pricing.CATALOG["plans"]["pro"]["charges"].append({})
    assert pricing.quote(sub(pricing, quantities={"seats": 1})).total == Decimal("59.00")


def test_introspection(pricing):
    assert list(pricing.PLANS) == ["free", "pro", "enterprise", "legacy", "payg"]
    assert len(pricing.ADDONS) == 9 and "extra-seats" in pricing.ADDONS
    assert pricing.FEATURES["seats"]["type"] == "metered"
    assert pricing.PLANS["pro"]["price"]["monthly"]["USD"] == Decimal(29)
    assert pricing.PLANS["pro"]["status"] == "published"
    assert pricing.PLANS["legacy"]["status"] == "archived"
    assert pricing.PLANS["enterprise"]["custom"] is True
    assert pricing.ADDONS["extra-seats"]["max_quantity"] == 5
    assert pricing.ADDONS["audit-log"]["requires"] == ("security",)
    catalog = pricing.CATALOG
    assert catalog["product"]["id"] == "acme"
    assert catalog["product"]["currencies"] == ("USD", "EUR")
    assert set(catalog) == {"product", "features", "plans", "addons"}
    assert list(catalog["plans"]) == list(pricing.PLANS)
    assert catalog["plans"]["pro"]["name"] == "Pro"
    assert catalog["features"]["seats"]["name"] == "Seats"
    assert pricing.PLANS.get("nope") is None and "nope" not in pricing.PLANS
    assert len(pricing.SOURCE_SHA256) == 64 and pricing.GENERATOR.startswith("pricegen ")


def test_format_and_round_money(pricing):
    assert pricing.format_money(Decimal("1234.5"), "USD") == "$1,234.50"
    assert pricing.format_money(Decimal("0.0027"), "USD") == "$0.0027"
    assert pricing.format_money(Decimal("-3"), "EUR") == "-€3.00"
    assert pricing.round_money(Decimal("0.005"), "USD") == Decimal("0.01")  # half-up
    assert pricing.round_money(Decimal("0.0049"), "USD") == Decimal("0.00")


def test_money_helpers_refuse_unknown_currencies(pricing):
    with pytest.raises(pricing.UnknownCurrencyError):
        pricing.round_money(Decimal(1), "GBP")
    with pytest.raises(pricing.UnknownCurrencyError):
        pricing.format_money(Decimal(1), "GBP")


def test_results_do_not_depend_on_the_callers_decimal_context(pricing):
    s = sub(pricing, quantities={"seats": 20}, addons={"extra-seats": 2})
    usage = {"api-calls": 123_456_789}
    expected = pricing.quote(s, usage=usage)
    payg = sub(pricing, "payg", trial=True)
    with localcontext(prec=3, rounding=ROUND_FLOOR):
        assert pricing.quote(s, usage=usage) == expected
        assert pricing.round_money(Decimal("123456.785"), "USD") == Decimal("123456.79")
        # 3,000 + 1 calls x 0.01 = 30.01 > 30: at 3 digits, rounded down, it would be 30.0
        assert pricing.check(payg, "api-calls", usage=3_000).reason == "budget_exceeded"


# -- allowed(): the hot-path twin of check() -------------------------------------------


def test_allowed_agrees_with_check_everywhere(evaluator_for_allowed):
    """Every subscription shape × feature × usage: allowed() == check().has_access."""
    module, subs = evaluator_for_allowed
    features = [*module.FEATURES, "no-such-feature"]
    for sub in subs:
        for feature in features:
            for usage in (0, 1, 2, 4, 5, 9, 10, 11, 19, 20, 21, 1000, 10**9):
                for requested in (0, 1, 2, 7):
                    expected = module.check(
                        sub, feature, usage=usage, requested=requested
                    ).has_access
                    assert module.allowed(sub, feature, usage, requested) is expected, (
                        sub.plan,
                        feature,
                        usage,
                        requested,
                    )


def test_allowed_refuses_bad_arguments_like_check(evaluator_for_allowed):
    module, subs = evaluator_for_allowed
    feature = next(iter(module.FEATURES))
    for bad in (-1, 1.5, True):
        with pytest.raises(module.InvalidQuantityError):
            module.allowed(subs[0], feature, usage=bad)


@pytest.fixture(scope="module")
def evaluator_for_allowed(pricing):
    """Subscriptions of every shape check() distinguishes: limits, soft, unlimited,
    add-ons, in-advance quantities, archived and unknown plans, a credits trial."""
    S = pricing.Subscription
    subs = [
        S(plan="free"),
        S(plan="pro", quantities={"seats": 20}, addons={"extra-seats": 2, "projects-50": 1}),
        S(plan="pro", quantities={"seats": 5}, trial=True),
        S(plan="legacy"),  # archived, not existing: denied
        S(plan="legacy", existing=True),
        S(plan="payg", trial=True),  # credits trial: budget decides API calls
        S(plan="payg"),
        S(plan="nope"),  # unknown plan: denied with a reason
        S(plan="pro", addons={"audit-log": 1}),  # missing requirement: denied
    ]
    return pricing, subs
