"""A subscription's phase over time, and check() and quote() answering from it.

Every date and amount is worked out by hand from the rules in
spec/evaluator.md, in the comment next to it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from evaluator_support import load_text

CATALOG = """\
pricegen: 1
product:
  id: trials
  name: Trials
  currencies: [USD]
  billing_periods: [monthly, annual]
  trial_end: TRIAL_END

features:
  sso: {name: Single sign-on, type: boolean}
  seats: {name: Seats, type: metered, meter: fluctuating, unit: [seat, seats]}
  calls: {name: API calls, type: metered, meter: incremental, unit: [call, calls]}
  exports: {name: Exports, type: metered, meter: incremental, unit: [export, exports]}
  storage: {name: Storage, type: metered, meter: fluctuating, unit: GB}

plans:
  free:
    name: Free
    default: true
    entitlements:
      seats: 3
      calls: {limit: 1000, reset: month}
  pro:
    name: Pro
    extends: free
    trial: {days: 14}
    price: {monthly: 29, annual: 290}
    entitlements:
      sso: true
      calls: {limit: 50000, reset: month}
      exports: {limit: 100, reset: month, reset_anchor: calendar}
    charges:
      seats:
        model: per_unit
        billing: in_advance
        unit_price: {monthly: 10, annual: 100}
      calls:
        model: per_unit
        included: 10000
        unit_price: {monthly: 0.001, annual: 0.001}
      exports:
        model: per_unit
        unit_price: {monthly: 0.5, annual: 0.5}
  month:
    name: Month trial
    extends: free
    trial: {months: 1, days: 30}
    price: {monthly: 49, annual: 490}
  payg:
    name: Pay as you go
    extends: free
    trial: {credits: 20}
    price: {monthly: 5, annual: 50}
    charges:
      storage:                       # a charge on a feature the plan does not grant
        model: per_unit
        billing: in_arrears
        unit_price: {monthly: 0.01, annual: 0.01}
      calls:
        model: per_unit
        unit_price: {monthly: 0.01, annual: 0.01}
    entitlements:
      calls: {limit: unlimited, reset: month}
  steps:
    name: Steps
    extends: free
    price: {monthly: 9, annual: 90}
    charges:
      storage:
        model: stairstep
        billing: in_arrears
        included: 100
        tiers:
          - {up_to: 10, price: {monthly: 0, annual: 0}}
          - {up_to: 20, price: {monthly: 5, annual: 50}}
"""

JAN_1 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module", params=["downgrade", "cancel"])
def pricing(request, tmp_path_factory):
    text = CATALOG.replace("TRIAL_END", request.param)
    return load_text(text, tmp_path_factory.mktemp(request.param))


@pytest.fixture(scope="module")
def downgrading(tmp_path_factory):
    return load_text(CATALOG.replace("TRIAL_END", "downgrade"), tmp_path_factory.mktemp("d"))


@pytest.fixture(scope="module")
def cancelling(tmp_path_factory):
    return load_text(CATALOG.replace("TRIAL_END", "cancel"), tmp_path_factory.mktemp("c"))


def pro_trial(pricing, **kwargs):
    return pricing.Subscription(
        plan="pro", quantities={"seats": 2}, trial=True, started_at=JAN_1, **kwargs
    )


# -- when a trial ends --------------------------------------------------------------


def test_a_14_day_trial_ends_14_days_after_it_started(pricing):
    sub = pro_trial(pricing)
    ends = datetime(2026, 1, 15, tzinfo=UTC)  # Jan 1 + 14 days
    during = pricing.check(sub, "sso", now=datetime(2026, 1, 10, tzinfo=UTC))
    assert (during.has_access, during.phase, during.trial_ends_at) == (True, "trialing", ends)
    last_moment = ends - timedelta(microseconds=1)
    assert pricing.phase(sub, last_moment) == "trialing"
    assert pricing.phase(sub, ends) != "trialing"


def test_after_its_trial_a_subscription_is_downgraded_to_the_default_plan(downgrading):
    pricing = downgrading
    sub = pro_trial(pricing)
    after = datetime(2026, 1, 20, tzinfo=UTC)
    sso = pricing.check(sub, "sso", now=after)
    assert (sso.has_access, sso.reason, sso.phase) == (False, "not_in_plan", "downgraded")
    # the free plan's 3 seats, not the 2 bought for the trialled plan
    assert pricing.check(sub, "seats", usage=2, now=after).has_access
    assert not pricing.check(sub, "seats", usage=3, now=after).has_access
    assert not pricing.allowed(sub, "sso", now=after)
    assert pricing.allowed(sub, "sso")  # without now: still in its trial
    quote = pricing.quote(sub, now=after)
    assert (quote.plan, quote.phase, quote.total) == ("free", "downgraded", Decimal("0.00"))
    assert quote.trial_ends_at == datetime(2026, 1, 15, tzinfo=UTC)
    assert set(pricing.entitlements(sub, after)) == {"seats", "calls"}


def test_after_its_trial_a_subscription_is_cancelled_when_the_catalog_says_so(cancelling):
    pricing = cancelling
    sub = pro_trial(pricing)
    after = datetime(2026, 1, 20, tzinfo=UTC)
    decision = pricing.check(sub, "seats", now=after)
    assert (decision.has_access, decision.reason) == (False, "subscription_cancelled")
    assert decision.phase == "cancelled"
    assert not pricing.allowed(sub, "seats", now=after)
    with pytest.raises(pricing.SubscriptionCancelledError, match="cancelled"):
        pricing.quote(sub, now=after)
    assert dict(pricing.entitlements(sub, after)) == {}
    assert pricing.SubscriptionCancelledError.reason == "subscription_cancelled"


def test_a_months_trial_is_clamped_to_the_end_of_the_month(pricing):
    # {months: 1, days: 30} from Jan 31: Feb 28 (clamped from Feb 31) beats Mar 2 (+30 days)
    sub = pricing.Subscription(
        plan="month", trial=True, started_at=datetime(2026, 1, 31, 9, tzinfo=UTC)
    )
    ends = datetime(2026, 2, 28, 9, tzinfo=UTC)
    assert pricing.check(sub, "seats", now=ends - timedelta(seconds=1)).trial_ends_at == ends
    assert pricing.phase(sub, ends - timedelta(seconds=1)) == "trialing"
    assert pricing.phase(sub, ends) in ("downgraded", "cancelled")


def test_the_trial_ends_at_whichever_of_days_and_months_comes_first(pricing):
    # from Jan 1: +30 days is Jan 31, +1 month is Feb 1: the days win
    from_jan = pricing.Subscription(plan="month", trial=True, started_at=JAN_1)
    assert pricing.quote(from_jan).trial_ends_at == datetime(2026, 1, 31, tzinfo=UTC)
    # from Feb 1: +30 days is Mar 3, +1 month is Mar 1: the month wins
    from_feb = pricing.Subscription(
        plan="month", trial=True, started_at=datetime(2026, 2, 1, tzinfo=UTC)
    )
    assert pricing.quote(from_feb).trial_ends_at == datetime(2026, 3, 1, tzinfo=UTC)


def test_a_budget_only_trial_does_not_end_by_time(pricing):
    sub = pricing.Subscription(plan="payg", trial=True, started_at=JAN_1)
    years_later = datetime(2030, 1, 1, tzinfo=UTC)
    decision = pricing.check(sub, "calls", now=years_later)
    assert (decision.phase, decision.trial_ends_at) == ("trialing", None)


def test_without_now_a_trial_is_trialing(pricing):
    sub = pro_trial(pricing)
    quote = pricing.quote(sub)
    assert quote.phase == "trialing"
    assert quote.trial_ends_at == datetime(2026, 1, 15, tzinfo=UTC)
    assert quote.lines[0].amount == Decimal("0.00")  # the base fee is waived
    paid = pricing.Subscription(plan="pro", quantities={"seats": 2})
    assert pricing.quote(paid).phase == "active" and pricing.quote(paid).trial_ends_at is None


def test_now_on_a_dated_trial_needs_its_start(pricing):
    sub = pricing.Subscription(plan="pro", quantities={"seats": 2}, trial=True)
    with pytest.raises(pricing.InvalidMomentError, match="started_at"):
        pricing.check(sub, "sso", now=JAN_1)
    with pytest.raises(pricing.InvalidMomentError, match="started_at"):
        pricing.quote(sub, now=JAN_1)


def test_a_moment_before_the_start_is_refused(pricing):
    sub = pro_trial(pricing)
    before = JAN_1 - timedelta(days=1)
    for call in (
        lambda: pricing.check(sub, "sso", now=before),
        lambda: pricing.quote(sub, now=before),
        lambda: pricing.entitlements(sub, before),
        lambda: pricing.reset_window("month", "subscription_start", JAN_1, before),
    ):
        with pytest.raises(pricing.InvalidMomentError, match="before"):
            call()


def test_moments_in_other_timezones_are_the_same_moments(pricing):
    sub = pro_trial(pricing)
    ends_in_tokyo = datetime(2026, 1, 15, 9, tzinfo=timezone(timedelta(hours=9)))  # 00:00 UTC
    assert pricing.phase(sub, ends_in_tokyo - timedelta(seconds=1)) == "trialing"
    assert pricing.phase(sub, ends_in_tokyo) != "trialing"


# -- check() and quote() agree ------------------------------------------------------


def test_a_charge_grants_its_feature_so_check_allows_what_quote_bills(pricing):
    """payg charges for storage without an entitlement: unlimited, as in Stigg's pay-as-you-go."""
    sub = pricing.Subscription(plan="payg")
    assert pricing.check(sub, "storage", usage=10**9).has_access
    assert pricing.entitlements(sub)["storage"].unlimited
    # 2,500 GB x $0.01 = $25.00, plus the $5.00 base fee
    assert pricing.quote(sub, usage={"storage": 2_500}).total == Decimal("30.00")


def test_usage_of_a_feature_outside_the_plan_is_refused(pricing):
    sub = pricing.Subscription(plan="free")
    assert pricing.check(sub, "exports", requested=3).reason == "not_in_plan"
    with pytest.raises(pricing.FeatureNotInPlanError, match="exports"):
        pricing.quote(sub, usage={"exports": 3})
    assert pricing.quote(sub, usage={"exports": 0}).total == Decimal("0.00")  # nothing used


def test_usage_beyond_a_hard_limit_in_one_period_is_refused(pricing):
    # Pro: 50,000 calls a month, reset at the subscription's start: one window per month
    sub = pricing.Subscription(plan="pro", quantities={"seats": 1})
    assert pricing.check(sub, "calls", requested=50_000).has_access
    # (50,000 - 10,000 included) x $0.001 = $40.00
    line = pricing.quote(sub, usage={"calls": 50_000}).lines[2]
    assert (line.item, line.amount) == ("calls", Decimal("40.00"))
    assert not pricing.check(sub, "calls", requested=50_001).has_access
    with pytest.raises(pricing.UsageLimitExceededError, match="at most 50,000"):
        pricing.quote(sub, usage={"calls": 50_001})


def test_an_annual_period_holds_twelve_monthly_windows(pricing):
    sub = pricing.Subscription(plan="pro", period="annual", quantities={"seats": 1})
    assert pricing.quote(sub, usage={"calls": 12 * 50_000}).lines[2].amount == Decimal("590.00")
    with pytest.raises(pricing.UsageLimitExceededError, match="at most 600,000"):
        pricing.quote(sub, usage={"calls": 12 * 50_000 + 1})


def test_calendar_windows_can_split_a_period_in_two(pricing):
    # exports: 100 a calendar month; a period from Jan 15 to Feb 15 touches two of them
    sub = pricing.Subscription(plan="pro", quantities={"seats": 1})
    assert pricing.quote(sub, usage={"exports": 200}).lines[3].amount == Decimal("100.00")
    with pytest.raises(pricing.UsageLimitExceededError, match="at most 200"):
        pricing.quote(sub, usage={"exports": 201})


def test_usage_of_an_in_advance_feature_is_refused(pricing):
    sub = pricing.Subscription(plan="pro", quantities={"seats": 1})
    with pytest.raises(pricing.InvalidQuantityError, match="in advance"):
        pricing.quote(sub, usage={"seats": 5})


def test_a_stairstep_refusal_names_the_quantity_given_and_the_bound(pricing):
    sub = pricing.Subscription(plan="steps")
    # 100 included + up to 20 in the last tier = 120
    assert pricing.quote(sub, usage={"storage": 120}).lines[1].amount == Decimal("5.00")
    with pytest.raises(pricing.QuantityOutOfRangeError) as refused:
        pricing.quote(sub, usage={"storage": 121})
    assert "121 units" in str(refused.value) and "at most 120" in str(refused.value)
    assert "100 included" in str(refused.value)


def test_a_budget_trial_covers_usage_up_to_its_credits_in_both(pricing):
    sub = pricing.Subscription(plan="payg", trial=True)
    # $20 of credits at $0.01 a call: 2,000 calls exactly use them up
    assert pricing.check(sub, "calls", requested=2_000).has_access
    quote = pricing.quote(sub, usage={"calls": 2_000})
    assert quote.total == Decimal("0.00")  # base fee waived, $20.00 of calls paid by credits
    assert pricing.check(sub, "calls", requested=2_001).reason == "budget_exceeded"
    with pytest.raises(pricing.TrialBudgetExceededError, match=r"\$0\.01 more"):
        pricing.quote(sub, usage={"calls": 2_001})
    # the budget is shared: 1,500 calls and 600 GB cost $21.00 together
    with pytest.raises(pricing.TrialBudgetExceededError, match=r"\$1\.00 more"):
        pricing.quote(sub, usage={"calls": 1_500, "storage": 600})


def test_check_and_quote_draw_the_budget_line_at_the_same_cent(tmp_path):
    """$0.004 a call rounds per line: 5,001 calls cost $20.004, which bills as $20.00."""
    text = CATALOG.replace("TRIAL_END", "cancel").replace(
        "unit_price: {monthly: 0.01, annual: 0.01}\n    entitlements",
        "unit_price: {monthly: 0.004, annual: 0.004}\n    entitlements",
    )
    pricing = load_text(text, tmp_path)
    sub = pricing.Subscription(plan="payg", trial=True)
    assert pricing.quote(sub, usage={"calls": 5_001}).total == Decimal("0.00")
    assert pricing.check(sub, "calls", requested=5_001).has_access
    # 5,002 calls: $20.008, which rounds to $20.01
    assert pricing.check(sub, "calls", requested=5_002).reason == "budget_exceeded"
    with pytest.raises(pricing.TrialBudgetExceededError):
        pricing.quote(sub, usage={"calls": 5_002})
