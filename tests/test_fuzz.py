"""Fuzzing: generated catalogs compile, generate and quote by the rules; broken ones never crash.

Properties, each over catalogs drawn by ``tests/fuzz/strategies.py``:

- every generated catalog validates and generates (``generate`` in-process,
  to a real directory), and the written evaluator module imports from disk;
- its quotes follow the rules: each line is computed here independently
  (base fee from the catalog's price, each pricing model from its tiers,
  add-ons at price × quantity, each rounded to the currency's minor unit)
  and must equal the evaluator's, as must the total;
- a mutation of a valid catalog (a deleted key, a wrong type, a dangling
  reference, a cycle, a duplicated key, a broken indent, random bytes, a
  truncation, two lines swapped) never raises: it ends in diagnostics that
  all point inside the file, or in a catalog that generates.

Two profiles, chosen by ``PRICEGEN_FUZZ``:

- ``quick`` (default, run by ``.ci/run``): a fixed seed, 400 cases, about 30 s;
- ``long``, by hand: ``PRICEGEN_FUZZ=long pytest tests/test_fuzz.py
  --hypothesis-show-statistics`` (``PRICEGEN_FUZZ_EXAMPLES`` sets the number
  of cases per property, default 3,000).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from pathlib import Path

import pytest
from babel.numbers import get_currency_precision
from fuzz.strategies import (
    CONTROL,
    PERIODS,
    Text,
    apply_mutation,
    catalogs,
    mutations,
    to_yaml,
)
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from pricegen import compile_catalog, emit
from pricegen.config import Config
from pricegen.diagnostics import Severity, format_text
from pricegen.runtime import load_evaluator
from pricegen.targets import render

PROFILE = os.environ.get("PRICEGEN_FUZZ", "quick")
if PROFILE not in ("quick", "long"):
    raise pytest.UsageError(f"PRICEGEN_FUZZ={PROFILE!r}; expected quick or long")
LONG = PROFILE == "long"
EXAMPLES = int(os.environ.get("PRICEGEN_FUZZ_EXAMPLES", "3000")) if LONG else None


def fuzz(quick: int):
    """Hypothesis settings for one property: ``quick`` cases with a fixed seed, or the long run."""
    return settings(
        max_examples=EXAMPLES if LONG else quick,
        derandomize=not LONG,
        # Shrinking these catalogs can take minutes; the quick run reports its (fixed) case as is.
        phases=list(Phase) if LONG else [Phase.explicit, Phase.reuse, Phase.generate],
        deadline=None,
        database=None if not LONG else settings.default.database,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
        print_blob=True,
    )


def compile_text(raw: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pricing.yaml"
        path.write_bytes(raw)
        return compile_catalog(path, display="pricing.yaml")


# -- valid catalogs ---------------------------------------------------------------------


@fuzz(quick=40)
@given(catalogs())
def test_generated_catalogs_validate_generate_and_import(catalog):
    text = to_yaml(catalog)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pricing.yaml"
        path.write_text(text, "utf-8")
        build = compile_catalog(path)
        errors = [d for d in build.diagnostics if d.severity is Severity.ERROR]
        assert build.ok and not errors, f"{errors}\n--- catalog ---\n{text}"
        out = Path(tmp) / "out"
        emit.write(out, render(build.catalog))
        module_file = next(out.glob("*_pricing.py"))
        spec = importlib.util.spec_from_file_location(module_file.stem, module_file)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_file.stem] = module
        try:
            spec.loader.exec_module(module)
        finally:
            sys.modules.pop(module_file.stem, None)
        shown = {pid for pid, plan in catalog["plans"].items() if plan.get("status") != "draft"}
        assert set(module.PLANS) == shown
        data = json.loads((out / "catalog.json").read_text("utf-8"))
        assert data["product"]["name"] == catalog["product"]["name"]  # any text, exactly
        for fid, feature in catalog["features"].items():
            assert module.FEATURES[fid]["name"] == feature["name"]
            assert data["features"][fid]["name"] == feature["name"]


# -- quotes, computed independently -------------------------------------------------------

ROUNDING = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
}


def _amount(value) -> Decimal:
    return Decimal(value.value) if isinstance(value, Text) else Decimal(value)


def price_of(price, period: str, currency: str, default_currency: str) -> Decimal:
    """The catalog's price for one period and currency, shorthands expanded by hand."""
    if isinstance(price, dict) and set(price) <= set(PERIODS):
        price = price[period]
    if isinstance(price, dict):
        return _amount(price[currency])
    assert currency == default_currency
    return _amount(price)


def expected_charge(charge, quantity: int, price) -> Decimal | None:
    """The brief's pricing models; None when the quantity is beyond a bounded stairstep."""
    billable = max(quantity - charge.get("included", 0), 0)
    model = charge["model"]
    if model == "flat":
        return price(charge["price"])
    if billable == 0:
        return Decimal(0)
    if model == "per_unit":
        return billable * price(charge["unit_price"])
    if model == "package":
        size = charge["block_size"]
        blocks = (
            (billable + size - 1) // size
            if charge.get("rounding", "up") == "up"
            else billable // size
        )
        return blocks * price(charge["block_price"])
    tiers = charge["tiers"]

    def parts(tier):
        unit = price(tier["unit_price"]) if "unit_price" in tier else Decimal(0)
        flat = price(tier["flat_price"]) if "flat_price" in tier else Decimal(0)
        return unit, flat

    if model == "graduated":
        total, lower = Decimal(0), 0
        for tier in tiers:
            upper = tier.get("up_to", billable)
            units = max(min(billable, upper) - lower, 0)
            if units:
                unit, flat = parts(tier)
                total += units * unit + flat
            lower = upper
        return total
    reached = next((t for t in tiers if "up_to" not in t or billable <= t["up_to"]), None)
    if model == "volume":
        unit, flat = parts(reached)
        return billable * unit + flat
    return None if reached is None else price(reached["price"])


def _quotable_addons(catalog, plan_id, draw) -> dict[str, int]:
    addons = catalog.get("addons") or {}
    sellable = {
        aid: a
        for aid, a in addons.items()
        if plan_id in a["plans"] and a.get("status", "published") == "published"
    }
    chosen = (
        set(draw(st.lists(st.sampled_from(sorted(sellable)), unique=True))) if sellable else set()
    )
    while True:  # add what the chosen ones require, when it can be sold here
        missing = {r for a in chosen for r in addons[a].get("requires", [])} - chosen
        if not missing:
            break
        if not missing <= set(sellable):
            return {}
        chosen |= missing
    if any(x in chosen for a in chosen for x in addons[a].get("excludes", [])):
        return {}
    return {a: draw(st.integers(1, addons[a].get("max_quantity", 1))) for a in sorted(chosen)}


@fuzz(quick=60)
@given(catalogs(), st.data())
def test_quotes_follow_the_rules(catalog, data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pricing.yaml"
        path.write_text(to_yaml(catalog), "utf-8")
        build = compile_catalog(path)
    assert build.ok, build.diagnostics
    module = load_evaluator(build.catalog)
    product = catalog["product"]
    currencies, default = product["currencies"], product["currencies"][0]
    rounding = ROUNDING[product.get("rounding", "half_up")]
    features = catalog["features"]
    quotable = [
        pid
        for pid, plan in catalog["plans"].items()
        if plan.get("status", "published") == "published" and not plan.get("custom")
    ]
    assume(quotable)
    plan_id = data.draw(st.sampled_from(quotable), label="plan")
    plan = catalog["plans"][plan_id]
    period = data.draw(
        st.sampled_from(plan.get("billing_periods", product["billing_periods"])), label="period"
    )
    currency = data.draw(st.sampled_from(currencies), label="currency")

    def price(value) -> Decimal:
        return price_of(value, period, currency, default)

    def rounded(amount: Decimal) -> Decimal:
        quantum = Decimal(1).scaleb(-get_currency_precision(currency))
        with localcontext() as context:
            context.prec = 100
            return amount.quantize(quantum, rounding=rounding)

    quantity = st.one_of(st.integers(0, 3000), st.just(10**15))
    quantities, usage, expected, beyond = {}, {}, {}, False
    charges = plan.get("charges") or {}
    for fid, charge in charges.items():
        fluctuating = features[fid].get("meter", "incremental") == "fluctuating"
        billing = charge.get("billing", "in_advance" if fluctuating else "in_arrears")
        q = data.draw(quantity, label=f"quantity of {fid}")
        (quantities if billing == "in_advance" else usage)[fid] = q
    addons = _quotable_addons(catalog, plan_id, data.draw)
    sub = module.Subscription(
        plan=plan_id, period=period, currency=currency, quantities=quantities, addons=addons
    )
    try:
        grants = module.entitlements(sub)
    except module.QuantityOutOfRangeError:  # an in-advance quantity past a bounded stairstep:
        grants = {}  # quote() refuses it as well, which the end of this test expects
    for fid, q in usage.items():  # usage beyond a hard limit is refused (tests/test_agreement.py)
        grant = grants.get(fid)
        if grant is not None and grant.limit is not None and not grant.soft:
            usage[fid] = min(q, grant.limit)
    with localcontext() as context:
        context.prec = 100  # exact: every catalog number has at most 40 digits
        expected["plan"] = rounded(price(plan["price"]) if "price" in plan else Decimal(0))
        for fid, charge in charges.items():
            amount = expected_charge(charge, {**quantities, **usage}[fid], price)
            if amount is None:
                beyond = True
            else:
                expected[fid] = rounded(amount)
        for aid, count in addons.items():
            expected[f"addon:{aid}"] = rounded(price(catalog["addons"][aid]["price"]) * count)
        total = sum(expected.values(), Decimal(0))
    if beyond:
        with pytest.raises(module.QuantityOutOfRangeError):
            module.quote(sub, usage=usage)
        return
    quote = module.quote(sub, usage=usage)
    assert {line.item: line.amount for line in quote.lines} == expected
    assert quote.total == total
    assert (quote.currency, quote.period) == (currency, period)


# -- broken catalogs ----------------------------------------------------------------------


@fuzz(quick=300)
@given(catalogs(), mutations())
def test_mutations_end_in_a_diagnostic_inside_the_file_or_in_outputs(catalog, mutation):
    raw = apply_mutation(catalog, mutation)
    build = compile_text(raw)
    errors = [d for d in build.diagnostics if d.severity is Severity.ERROR]
    if build.ok:
        assert not errors
        render(build.catalog)  # generates: the evaluator, docs (with worked examples), tables
        return
    assert errors, f"{mutation}: not ok, but no error"
    shown = format_text(build.diagnostics)  # what a terminal gets: one line each, no controls
    assert shown.count("\n") == len(build.diagnostics), (str(mutation), shown)
    assert not any(c in shown.replace("\n", "") for c in CONTROL), (str(mutation), shown)
    lines = raw.decode("utf-8", "replace").removeprefix("\ufeff").split("\n")
    for d in errors:
        assert d.path == "pricing.yaml", d
        assert 1 <= d.line <= len(lines), (str(mutation), d)
        assert 1 <= d.col <= len(lines[d.line - 1]) + 1, (str(mutation), d)
        assert d.message and "Traceback" not in d.message


# -- what the fuzzer found, kept as plain tests -------------------------------------------


def test_a_plan_cannot_inherit_a_variable_value_from_a_custom_parent(tmp_path):
    """Found by the mutation property: generate crashed in the docs' worked examples, since
    the evaluator asked every subscription of the child for a value only custom plans have."""
    path = tmp_path / "pricing.yaml"
    path.write_text(
        "pricegen: 1\n"
        "product: {id: acme, name: Acme, currencies: [USD], billing_periods: [monthly]}\n"
        "features: {retention: {name: Retention, type: config}}\n"
        "plans:\n"
        "  enterprise: {name: Enterprise, custom: true, entitlements: {retention: {variable: true}}}\n"  # noqa: E501
        "  pro: {name: Pro, extends: enterprise, price: 10}\n",
        "utf-8",
    )
    build = compile_catalog(path)
    assert not build.ok
    (problem,) = [d for d in build.diagnostics if d.severity is Severity.ERROR]
    assert problem.rule == "ENTITLEMENT_VARIABLE_NOT_CUSTOM" and (problem.line, problem.col) == (
        6,
        3,
    )
    assert 'inherit variable "retention" from custom plan "enterprise"' in problem.message


def test_false_on_an_add_on_grants_nothing_and_quotes(tmp_path):
    """Found by the quote property: ``seats: false`` on an add-on reached the evaluator as
    a metered grant without a limit, and quoting the add-on raised TypeError."""
    path = tmp_path / "pricing.yaml"
    path.write_text(
        "pricegen: 1\n"
        "product: {id: acme, name: Acme, currencies: [USD], billing_periods: [monthly]}\n"
        "features: {seats: {name: Seats, type: metered}}\n"
        "plans: {pro: {name: Pro, price: 10, entitlements: {seats: 5}}}\n"
        "addons: {extra: {name: Extra, plans: [pro], price: 2, entitlements: {seats: false}}}\n",
        "utf-8",
    )
    build = compile_catalog(path)
    assert build.ok, build.diagnostics
    module = load_evaluator(build.catalog)
    sub = module.Subscription(plan="pro", addons={"extra": 1})
    assert module.quote(sub).total == Decimal("12.00")
    assert module.entitlements(sub)["seats"].limit == 5


def test_a_zero_limit_on_an_add_on_reaches_the_evaluator(tmp_path):
    """Found by the long quote run: the evaluator's lean data dropped ``limit: 0`` (0 == False
    in Python), and quoting an add-on with it raised TypeError (None * count)."""
    path = tmp_path / "pricing.yaml"
    path.write_text(
        "pricegen: 1\n"
        "product: {id: acme, name: Acme, currencies: [USD], billing_periods: [monthly]}\n"
        "features: {seats: {name: Seats, type: metered}, disk: {name: Disk, type: config}}\n"
        "plans: {pro: {name: Pro, price: 10, entitlements: {disk: 0}}}\n"
        "addons: {extra: {name: Extra, plans: [pro], price: 2, entitlements: {seats: {limit: 0}}}}\n",  # noqa: E501
        "utf-8",
    )
    build = compile_catalog(path)
    assert build.ok, build.diagnostics
    module = load_evaluator(build.catalog)
    assert module.ADDONS["extra"]["entitlements"]["seats"]["limit"] == 0
    assert module.PLANS["pro"]["entitlements"]["disk"]["value"] == Decimal(0)
    sub = module.Subscription(plan="pro", addons={"extra": 1})
    assert module.quote(sub).total == Decimal("12.00")
    assert module.entitlements(sub)["seats"].limit == 0


@pytest.mark.parametrize("text", ['a: 1\nplans: ["x", ', "a: [", "a: {b: ", "a:\n  - [1, "])
def test_an_unclosed_flow_at_the_end_points_inside_the_file(tmp_path, text):
    """Found by the long mutation run (a truncated file): the parser's mark for a missing
    flow node lies past the end, and the diagnostic pointed at a line the file lacks."""
    build = compile_text(text.encode())
    (problem,) = build.diagnostics
    lines = text.split("\n")
    assert problem.rule == "YAML_SYNTAX" and problem.line <= len(lines)
    assert problem.col <= len(lines[problem.line - 1]) + 1


# -- moments anywhere in time -------------------------------------------------------------

OFFSETS = [timezone(timedelta(hours=h, minutes=m)) for h, m in ((0, 0), (14, 0), (-12, 0), (5, 30))]
MOMENTS = st.datetimes(
    min_value=datetime(1, 1, 1),
    max_value=datetime(9999, 12, 31, 23, 59, 59),
    timezones=st.sampled_from(OFFSETS),
)
EDGES = st.sampled_from(
    [datetime(1, 1, 1, tzinfo=o) for o in OFFSETS]
    + [datetime(9999, 12, 31, 23, 59, tzinfo=o) for o in OFFSETS]
)


@fuzz(quick=40)
@given(catalogs(), st.data())
def test_moments_anywhere_in_time_end_in_an_answer_or_a_pricing_error(catalog, data):
    """Years 1 and 9999, any offset: never OverflowError, ValueError or a bare exception."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pricing.yaml"
        path.write_text(to_yaml(catalog), "utf-8")
        build = compile_catalog(path)
    module = load_evaluator(build.catalog, Config(include_drafts=True))
    moments = st.one_of(MOMENTS, EDGES)
    for _ in range(10):
        plan_id = data.draw(st.sampled_from(sorted(module.PLANS)))
        plan = build.catalog.plans[plan_id]
        started, now = data.draw(moments), data.draw(st.one_of(st.none(), moments))
        feature = data.draw(st.sampled_from(sorted(module.FEATURES)))
        bought = {c.feature: 1 for c in plan.charges if c.billing == "in_advance"}
        sub, problem = _outcome(
            module.Subscription,
            plan=plan_id,
            quantities=bought,
            trial=plan.trial is not None,
            started_at=started,
        )
        if problem is not None:
            assert isinstance(problem, module.PricingError), repr(problem)
            continue
        for call, *args in (
            (module.check, sub, feature, 0, 1, now),
            (module.allowed, sub, feature, 0, 1, now),
            (module.entitlements, sub, now),
            (module.quote, sub, None, now),
            (module.phase, sub, now),
            (module.reset_window, "month", "calendar", started, now or started),
            (module.reset_window, "week", "sunday", started, now or started),
        ):
            _, problem = _outcome(call, *args)
            assert problem is None or isinstance(problem, module.PricingError), repr(problem)


def _outcome(call, *args, **kwargs):
    try:
        return call(*args, **kwargs), None
    except Exception as exc:  # checked by the caller: only PricingError may escape
        return None, exc
