"""The generated evaluator's usage windows, its results as data, and allowed(), on the
catalog of runtime_acme.py (the semantics themselves: test_runtime.py).

Every expected number is worked out by hand from the rules in the comment
next to it, not read back from the module.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import sys
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal, getcontext, localcontext

import pytest
from runtime_acme import UTC2, acme_catalog, acme_pricing, at, sub  # noqa: F401  (fixtures)

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


@pytest.mark.parametrize("plan, quantities", [("pro", {"seats": 5}), ("payg", {})])
@pytest.mark.parametrize("period, currency", [(None, None), ("annual", "EUR")])
def test_quote_prices_a_per_unit_line_as_charge_line_does(pricing, plan, quantities, period,
                                                          currency):  # fmt: skip
    """quote() writes out _charge_line's per-unit case past the allowance (its hot path):
    at, around and far past the allowance, and at 0, each of its lines, description
    included, is the one _charge_line makes for the same charge and units."""
    s = sub(pricing, plan, quantities=quantities, period=period, currency=currency)
    priced = pricing._priced_subscription(s, None)
    (index, charge), quantum = priced[4][0], priced[2]
    assert charge.unit is not None  # api-calls: a per-unit charge of both plans
    for used in sorted({0, 1, charge.included - 1, charge.included, charge.included + 1, 10**9}):
        if used < 0:
            continue
        line = pricing.quote(s, usage={"api-calls": used}).lines[index]
        reference = pricing._charge_line(charge, used, quantum)
        assert (line.item, line.quantity, line.amount) == (
            reference.item, reference.quantity, reference.amount,
        )  # fmt: skip
        assert line.description == reference.description and line == reference


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
    for subscription in subs:
        for feature in features:
            for usage in (0, 1, 2, 4, 5, 9, 10, 11, 19, 20, 21, 1000, 10**9):
                for requested in (0, 1, 2, 7):
                    expected = module.check(
                        subscription, feature, usage=usage, requested=requested
                    ).has_access
                    assert module.allowed(subscription, feature, usage, requested) is expected, (
                        subscription.plan,
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
