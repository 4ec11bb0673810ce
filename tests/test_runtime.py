"""Semantics of the generated evaluator: inheritance, add-ons, lifecycle, quantities,
trials and bad arguments, on the one catalog of runtime_acme.py that exercises them all.

Every expected number is worked out by hand from the rules in the comment
next to it, not read back from the module.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from runtime_acme import acme_catalog, acme_pricing, sub  # noqa: F401  (fixtures)

from pricegen.config import Config
from pricegen.runtime import load_evaluator

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
