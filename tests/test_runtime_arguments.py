"""Every bad argument to the generated evaluator ends in a clear PricingError.

Never a bare ValueError, OverflowError, AttributeError, TypeError or
decimal.InvalidOperation, and never a silent default: each reproduction of
issue 12 ("The generated evaluator's API") is a case here.
"""

from __future__ import annotations

import copy
import gc
import pickle
import sys
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from evaluator_support import load_text

CATALOG = """\
pricegen: 1
product:
  id: args
  name: Arguments
  currencies: [USD, EUR]
  billing_periods: [monthly, annual]
features:
  seats: {name: Seats, type: metered, meter: fluctuating, unit: [seat, seats]}
  calls: {name: Calls, type: metered, meter: incremental, unit: [call, calls]}
  retention: {name: Retention, type: config, unit: [day, days]}
  sso: {name: SSO, type: boolean}
plans:
  free:
    name: Free
    default: true
    entitlements:
      calls: {limit: 1000, reset: month}
  team:
    name: Team
    extends: free
    trial: {days: 14}
    price: {monthly: {USD: 99, EUR: 90}, annual: {USD: 990, EUR: 900}}
    charges:
      seats:
        model: per_unit
        unit_price: {monthly: {USD: 10, EUR: 9}, annual: {USD: 100, EUR: 90}}
  custom:
    name: Custom
    extends: team
    custom: true
    entitlements:
      retention: {variable: true}
addons:
  extra-seats:
    name: Extra seats
    plans: [team]
    price: {monthly: {USD: 5, EUR: 4}, annual: {USD: 50, EUR: 40}}
    entitlements:
      seats: {limit: 5}
"""


@pytest.fixture(scope="module")
def pricing(tmp_path_factory):
    return load_text(CATALOG, tmp_path_factory.mktemp("args"))


def team(pricing, **kwargs):
    kwargs.setdefault("quantities", {"seats": 2})
    return pricing.Subscription(plan="team", **kwargs)


@pytest.mark.parametrize("name", ["quantities", "addons", "variables"])
@pytest.mark.parametrize("bad", [None, "abc", 5, ["extra-seats"], [("seats", 2)]])
def test_mappings_must_be_mappings(pricing, name, bad):
    with pytest.raises(pricing.InvalidArgumentError, match=f"{name} must be a mapping"):
        pricing.Subscription(plan="team", **{name: bad})
    assert issubclass(pricing.InvalidArgumentError, TypeError)  # and a documented TypeError


def test_mapping_keys_must_be_ids_and_values_hashable(pricing):
    with pytest.raises(pricing.InvalidArgumentError, match="keys must be ids"):
        pricing.Subscription(plan="team", quantities={1: 2})
    with pytest.raises(pricing.InvalidArgumentError, match="must be a number"):
        pricing.Subscription(plan="custom", variables={"retention": [30]})


@pytest.mark.parametrize("bad", ["false", "true", 1, 0, None, "yes"])
def test_trial_and_existing_must_be_booleans(pricing, bad):
    with pytest.raises(pricing.InvalidArgumentError, match="trial must be True or False"):
        team(pricing, trial=bad)
    with pytest.raises(pricing.InvalidArgumentError, match="existing must be True or False"):
        team(pricing, existing=bad)


def test_a_string_trial_is_not_taken_for_a_trial(pricing):
    """trial="false" priced as a trial was 0.00 instead of 99.00: now it is refused outright."""
    assert pricing.quote(team(pricing, trial=False)).lines[0].amount == Decimal("99.00")
    with pytest.raises(pricing.InvalidArgumentError):
        pricing.quote(team(pricing, trial="false"))


@pytest.mark.parametrize("field", ["period", "currency"])
@pytest.mark.parametrize("bad", [0, False, [], b"monthly"])
def test_a_falsy_or_odd_period_or_currency_is_refused(pricing, field, bad):
    with pytest.raises(pricing.InvalidArgumentError, match=f"{field} must be an id"):
        team(pricing, **{field: bad})


def test_an_empty_period_or_currency_is_unknown_not_the_default(pricing):
    with pytest.raises(pricing.UnknownPeriodError):
        pricing.quote(team(pricing, period=""))
    with pytest.raises(pricing.UnknownCurrencyError):
        pricing.quote(team(pricing, currency=""))


@pytest.mark.parametrize("bad", [None, 5, b"seats", ("seats",)])
def test_check_wants_a_feature_id(pricing, bad):
    with pytest.raises(pricing.InvalidArgumentError, match="feature must be a feature id"):
        pricing.check(team(pricing), bad)
    with pytest.raises(pricing.InvalidArgumentError):
        pricing.allowed(team(pricing), bad)


@pytest.mark.parametrize("bad", ["abc", 5, ["calls"]])
def test_usage_must_be_a_mapping(pricing, bad):
    with pytest.raises(pricing.InvalidArgumentError, match="usage must be a mapping"):
        pricing.quote(team(pricing), usage=bad)


def test_a_plan_that_is_not_a_string_is_refused(pricing):
    with pytest.raises(pricing.InvalidArgumentError, match="plan must be an id"):
        pricing.Subscription(plan=None)


def test_variables_are_bounded_like_quantities(pricing):
    big = pricing.Subscription(plan="custom", variables={"retention": 10**40})
    with pytest.raises(pricing.QuantityOutOfRangeError, match="at most"):
        pricing.entitlements(big)
    most = pricing.Subscription(plan="custom", variables={"retention": 10**30})
    assert pricing.entitlements(most)["retention"].value == Decimal(10**30)


def test_a_variable_for_an_entitlement_that_is_not_variable_is_refused(pricing):
    with pytest.raises(pricing.VariableEntitlementUnknownError, match="expected variables for"):
        pricing.entitlements(team(pricing, variables={"seats": 5}))  # team is not custom
    custom = pricing.Subscription(plan="custom", variables={"retention": 30, "seats": 5})
    with pytest.raises(pricing.VariableEntitlementUnknownError, match="'retention'"):
        pricing.check(custom, "sso")


@pytest.mark.parametrize("bad", [None, "12.50", 12.5, True, [1]])
def test_money_helpers_want_decimal_or_int_amounts(pricing, bad):
    with pytest.raises(pricing.InvalidArgumentError, match="must be a Decimal or an int"):
        pricing.format_money(bad, "USD")
    with pytest.raises(pricing.InvalidArgumentError):
        pricing.round_money(bad, "USD")


@pytest.mark.parametrize(
    "bad",
    [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("1E+300")],
)
def test_money_helpers_refuse_amounts_that_are_not_finite_or_absurd(pricing, bad):
    with pytest.raises(pricing.InvalidAmountError, match="finite number"):
        pricing.format_money(bad, "USD")
    with pytest.raises(pricing.InvalidAmountError):
        pricing.round_money(bad, "USD")


def test_money_helpers_take_ints_and_decimals(pricing):
    assert pricing.round_money(7, "USD") == Decimal("7.00")
    assert pricing.round_money(Decimal("2.345"), "USD") == Decimal("2.35")  # half-up
    assert pricing.format_money(1234, "USD") == "$1,234.00"
    assert pricing.format_money(Decimal("-0.5"), "EUR") == "-€0.50"


def test_a_subscription_pickles_and_copies(pricing, monkeypatch):
    monkeypatch.setitem(sys.modules, pricing.__name__, pricing)  # as if imported by name
    sub = team(pricing, addons={"extra-seats": 1}, started_at=datetime(2026, 1, 1, tzinfo=UTC))
    expected = pricing.quote(sub).total  # a warm cache must not travel with it
    for clone in (pickle.loads(pickle.dumps(sub)), copy.deepcopy(sub), copy.copy(sub)):
        assert clone == sub and hash(clone) == hash(sub)
        assert pricing.quote(clone).total == expected
        with pytest.raises(TypeError):
            clone.quantities["seats"] = 9  # still read-only


def test_every_subscription_hashes(pricing):
    custom = pricing.Subscription(
        plan="custom", quantities={"seats": 1}, variables={"retention": Decimal(30)}
    )
    assert isinstance(hash(custom), int)


# -- dates at the edges ------------------------------------------------------------


def test_a_start_that_cannot_be_in_utc_is_refused(pricing):
    early = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))  # year 0 in UTC
    with pytest.raises(pricing.InvalidMomentError, match="years 1 to 9999"):
        team(pricing, started_at=early)
    with pytest.raises(pricing.InvalidMomentError, match="years 1 to 9999"):
        pricing.check(team(pricing), "calls", now=early)
    with pytest.raises(pricing.InvalidMomentError):
        pricing.reset_window("month", "subscription_start", early, early)


def test_a_window_past_the_year_9999_is_refused(pricing):
    start = datetime(9999, 12, 31, tzinfo=UTC)
    sub = pricing.Subscription(plan="free", started_at=start)
    with pytest.raises(pricing.InvalidMomentError, match="after the year 9999"):
        pricing.check(sub, "calls", now=datetime(9999, 12, 31, 12, tzinfo=UTC))
    with pytest.raises(pricing.InvalidMomentError, match="after the year 9999"):
        pricing.reset_window("day", "calendar", start, datetime(9999, 12, 31, 1, tzinfo=UTC))


def test_a_trial_ending_past_the_year_9999_is_refused(pricing):
    sub = team(pricing, trial=True, started_at=datetime(9999, 12, 25, tzinfo=UTC))
    with pytest.raises(pricing.InvalidMomentError, match="after the year 9999"):
        pricing.check(sub, "sso", now=datetime(9999, 12, 26, tzinfo=UTC))


def test_the_first_and_last_representable_windows(pricing):
    first = datetime(1, 1, 1, tzinfo=UTC)
    assert pricing.reset_window("day", "calendar", first, first + timedelta(hours=5)) == (
        first,
        first + timedelta(days=1),
    )
    late = datetime(9999, 11, 15, tzinfo=UTC)
    window = pricing.reset_window("month", "calendar", late, late)
    assert window == (datetime(9999, 11, 1, tzinfo=UTC), datetime(9999, 12, 1, tzinfo=UTC))


@pytest.mark.parametrize("bad", ["2026-01-01", 1767225600, datetime(2026, 1, 1)])
def test_moments_must_be_aware_datetimes(pricing, bad):
    with pytest.raises(pricing.NaiveDatetimeError):
        pricing.check(team(pricing), "calls", now=bad)
    with pytest.raises(pricing.NaiveDatetimeError):
        team(pricing, started_at=bad)


@pytest.mark.parametrize(
    "bad, error",
    [
        ({"seats": 2.0}, "InvalidQuantityError"),  # equal to 2, and still refused
        ({"seats": True}, "InvalidQuantityError"),
        ({"seats": 2, "calls": 1}, "InvalidQuantityError"),
    ],
)
def test_an_equal_valid_subscription_priced_before_vouches_for_no_other(pricing, bad, error):
    """quote() shares the priced parts of equal plain subscriptions; an argument that
    only compares equal to a valid one is still checked, and refused."""
    assert pricing.quote(team(pricing)).total == Decimal("119.00")  # 99 + 2 seats x 10
    with pytest.raises(pricing.PricingError) as raised:
        pricing.quote(team(pricing, quantities=bad))
    assert type(raised.value).__name__ == error


def test_quoting_new_subscriptions_leaves_no_reference_cycles(pricing):
    """Equal plain subscriptions share a state kept in a bounded memo; were the state to
    hold the subscription that keeps it in its cache, every purchase quoted once would
    leave a cycle for the garbage collector when the memo lets go of it."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for seats in range(3, 203):  # 200 purchases, none seen before
            assert pricing.quote(team(pricing, quantities={"seats": seats})).total == Decimal(
                99 + 10 * seats
            )
        pricing._QUOTE_STATES.clear()  # what a full memo does
        pricing._PRICED.clear()
        gc.collect()
        left = [
            type(o).__name__ for o in gc.garbage if type(o).__name__ in ("Subscription", "_State")
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []


def test_an_archived_plan_priced_for_an_existing_customer_is_refused_to_a_new_one(tmp_path):
    text = CATALOG.replace(
        "    trial: {days: 14}\n", "    trial: {days: 14}\n    status: archived\n", 1
    )
    pricing = load_text(text, tmp_path)
    existing = pricing.Subscription(plan="team", quantities={"seats": 2}, existing=True)
    assert pricing.quote(existing).total == Decimal("119.00")
    with pytest.raises(pricing.PlanArchivedError):
        pricing.quote(pricing.Subscription(plan="team", quantities={"seats": 2}))


@pytest.mark.parametrize("bad", [None, "team", {"plan": "team"}, 5])
@pytest.mark.parametrize(
    "call",
    [
        lambda m, sub: m.quote(sub),
        lambda m, sub: m.quote(sub, now=datetime(2026, 1, 1, tzinfo=UTC)),
        lambda m, sub: m.check(sub, "calls"),
        lambda m, sub: m.allowed(sub, "calls", 1),
        lambda m, sub: m.entitlements(sub),
        lambda m, sub: m.phase(sub),
    ],
)
def test_every_call_wants_a_subscription(pricing, call, bad):
    """Not an AttributeError from deep inside: the argument is named and an example given
    (check() fails closed on a bad subscription's contents, never on its type)."""
    with pytest.raises(pricing.InvalidArgumentError, match=r"sub must be a Subscription"):
        call(pricing, bad)


def test_a_misspelt_or_missing_subscription_field_is_refused(pricing):
    with pytest.raises(pricing.InvalidArgumentError, match=r"no field seat; expected only plan,"):
        pricing.Subscription(plan="team", seat=5)
    with pytest.raises(pricing.InvalidArgumentError, match=r"no fields a, b;"):
        pricing.Subscription(plan="team", b=1, a=2)
    with pytest.raises(pricing.InvalidArgumentError, match=r"needs a plan"):
        pricing.Subscription()
    assert pricing.Subscription("team") == pricing.Subscription(plan="team")


def test_a_quantity_for_a_plan_that_sells_nothing_in_advance_says_so(pricing):
    with pytest.raises(
        pricing.InvalidQuantityError,
        match=r"does not sell 'seats' in advance; expected no quantities, as it sells nothing",
    ):
        pricing.quote(pricing.Subscription(plan="free", quantities={"seats": 5}))
