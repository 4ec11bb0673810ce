"""check() and quote() never disagree, over generated catalogs and subscriptions.

For every usage that quote() bills, check() allows it at the same moment;
for every usage that check() denies, quote() refuses it. Limits that reset
more often than the billing period are the one place where the two differ
by design: check() holds each window to the limit, quote() the whole period
to the limit times the windows the period can touch (spec/evaluator.md,
"Usage in a quote"). That count is worked out here from the rule, not read
from the module.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fuzz.strategies import catalogs, to_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricegen import compile_catalog
from pricegen.config import Config
from pricegen.runtime import load_evaluator

PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
PERIOD_HOURS = {"monthly": 31 * 24, "quarterly": 92 * 24, "annual": 366 * 24}
RESET_HOURS = {"hour": 1, "day": 24, "week": 168}


def windows_per_period(reset, anchor, period) -> int:
    """The most usage windows one billing period (starting at the subscription's start) touches."""
    if reset is None:
        return 1
    if reset in ("month", "year"):
        per = 12 if reset == "year" else 1
        whole = max(PERIOD_MONTHS[period] // per, 1)
        return whole if anchor == "subscription_start" else whole + 1
    return -(-PERIOD_HOURS[period] // RESET_HOURS[reset]) + 1


def compiled(catalog: dict):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pricing.yaml"
        path.write_text(to_yaml(catalog), "utf-8")
        build = compile_catalog(path)
    assert build.ok, build.diagnostics
    return build.catalog, load_evaluator(build.catalog, Config(include_drafts=True))


UNITS = st.one_of(
    st.integers(0, 3), st.integers(0, 2_000_000), st.sampled_from([10**6, 10**6 + 1, 10**15])
)
START = datetime(2026, 1, 31, 10, tzinfo=UTC)


@st.composite
def subscriptions(draw, model, module):
    sold = sorted(p for p, plan in model.plans.items() if not plan.custom) or sorted(model.plans)
    plan = model.plans[
        draw(
            st.sampled_from(sold)
            if draw(st.integers(0, 5))
            else st.sampled_from(sorted(model.plans))
        )
    ]
    advance = [c.feature for c in plan.charges if c.billing == "in_advance"]
    quantities = {f: draw(UNITS) for f in advance if draw(st.integers(0, 9))}  # sometimes missing
    compatible = [a for a, addon in model.addons.items() if plan.id in addon.plans]
    addons = {a: draw(st.integers(0, 2)) for a in compatible if draw(st.integers(0, 3)) == 0}
    variables = {f: draw(UNITS) for f, e in plan.entitlements.items() if e.variable}
    trial = plan.trial is not None and draw(st.integers(0, 3)) > 0
    started = START if draw(st.integers(0, 4)) else None
    sub = module.Subscription(
        plan=plan.id,
        period=draw(st.sampled_from(plan.billing_periods)),
        currency=draw(st.sampled_from(model.product.currencies)),
        quantities=quantities,
        addons=addons,
        variables=variables,
        trial=trial,
        existing=draw(st.booleans()),
        started_at=started,
    )
    now = None
    if started is not None and draw(st.booleans()):
        now = started + timedelta(hours=draw(st.integers(0, 24 * 800)))
    usage = {
        f: draw(near_limits(plan.entitlements.get(f)))
        for f in model.features
        if draw(st.integers(0, 2)) == 0
    }
    return sub, now, usage


def near_limits(ent):
    """Units around a limit and its multiples, where check() and quote() could part ways."""
    if ent is None or ent.limit is None:
        return UNITS
    edges = [m * ent.limit + d for m in (1, 2, 3, 12, 13) for d in (-1, 0, 1)]
    return st.one_of(st.sampled_from([e for e in edges if e >= 0]), UNITS)


def outcome(call, *args, **kwargs):
    try:
        return call(*args, **kwargs), None
    except Exception as exc:  # a PricingError, checked below; anything else fails the test
        return None, exc


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(catalog=catalogs(), data=st.data())
def test_quote_bills_only_what_check_allows_and_refuses_what_it_denies(catalog, data):
    model, module = compiled(catalog)
    for _ in range(15):
        sub, now, usage = data.draw(subscriptions(model, module))
        billed, refused = outcome(module.quote, sub, usage=usage, now=now)
        if refused is not None:
            assert isinstance(refused, module.PricingError), repr(refused)
        for fid, units in usage.items():
            if not units:
                continue
            decision, problem = outcome(module.check, sub, fid, 0, units, now)
            if problem is not None:  # the subscription itself is invalid: quote() refused too
                assert isinstance(problem, module.PricingError), repr(problem)
                assert refused is not None, f"quote billed a subscription check() refuses: {sub}"
                continue
            if billed is not None:
                assert_check_allows(module, model, sub, fid, units, decision, billed)
            one_alone, why = outcome(module.quote, sub, usage={fid: units}, now=now)
            if not decision.has_access and not shorter_windows(model, decision, billed, sub):
                assert one_alone is None, (
                    f"check() denies {units} {fid} ({decision.reason}), quote bills it"
                )
                assert isinstance(why, module.PricingError)


def shorter_windows(model, decision, billed, sub) -> bool:
    """A usage-limit denial of one window, where the period holds more than one."""
    if decision.reason != "usage_limit_exceeded" or decision.reset is None:
        return False
    period = sub.period or model.plans[sub.plan].billing_periods[0]
    anchor = decision_anchor(model, sub, decision.feature)
    return windows_per_period(decision.reset, anchor, period) > 1


def decision_anchor(model, sub, fid) -> str:
    plan = model.plans[sub.plan]
    ent = plan.entitlements.get(fid)
    if ent is not None and ent.reset is not None:
        return ent.reset_anchor
    for aid in sub.addons:
        extra = model.addons[aid].entitlements.get(fid) if aid in model.addons else None
        if extra is not None and extra.reset is not None:
            return extra.reset_anchor
    return "subscription_start"


def assert_check_allows(module, model, sub, fid, units, decision, billed):
    """quote() billed ``units`` of ``fid``: check() allows them, or the period has more windows."""
    if decision.has_access:
        return
    assert decision.reason == "usage_limit_exceeded", (
        f"quote billed {units} {fid}, check() denies it: {decision.reason}"
    )
    windows = windows_per_period(decision.reset, decision_anchor(model, sub, fid), billed.period)
    assert windows > 1 and units <= decision.limit * windows, (
        f"quote billed {units} {fid}, more than {windows} windows of {decision.limit}"
    )


BUDGET_CATALOG = """\
pricegen: 1
product: {{id: budget, name: Budget, currencies: [USD, JPY], billing_periods: [monthly]}}
features:
  calls: {{name: Calls, type: metered, meter: incremental}}
plans:
  free: {{name: Free, default: true}}
  payg:
    name: Pay as you go
    trial: {{credits: {{USD: {usd}, JPY: {jpy}}}}}
    charges:
      calls:
        model: {model}
        included: {included}
        {price}
"""


@st.composite
def budget_catalogs(draw):
    model = draw(st.sampled_from(["per_unit", "package"]))
    cents = draw(st.integers(1, 500))
    if model == "per_unit":
        price = f"unit_price: {{USD: {cents / 1000}, JPY: {cents}}}"
    else:
        size = draw(st.integers(1, 50))
        price = f"block_size: {size}\n        block_price: {{USD: {cents / 100}, JPY: {cents}}}"
    return BUDGET_CATALOG.format(
        usd=draw(st.integers(1, 100)),
        jpy=draw(st.integers(100, 10_000)),
        model=model,
        included=draw(st.integers(0, 100)),
        price=price,
    )


@settings(max_examples=40, deadline=None, derandomize=True)
@given(text=budget_catalogs(), data=st.data())
def test_a_trial_budget_is_drawn_at_the_same_unit_by_check_and_quote(text, data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pricing.yaml"
        path.write_text(text, "utf-8")
        build = compile_catalog(path)
    assert build.ok, build.diagnostics
    module = load_evaluator(build.catalog)
    for currency in ("USD", "JPY"):
        sub = module.Subscription(plan="payg", currency=currency, trial=True)
        units = data.draw(st.integers(0, 200_000))
        decision = module.check(sub, "calls", 0, units)
        billed, refused = outcome(module.quote, sub, usage={"calls": units})
        if decision.has_access:
            assert billed is not None and billed.total == 0, refused
        else:
            assert decision.reason == "budget_exceeded"
            assert isinstance(refused, module.TrialBudgetExceededError)
