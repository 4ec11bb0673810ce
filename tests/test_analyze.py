"""pricegen analyze: counts, extremes and cheapest purchases against independent answers.

Every expected number comes from brute force through the generated
evaluator (which validates add-on sets and quotes them on its own), or from
a closed formula that follows from the rules; never from analyze's output.
"""

from __future__ import annotations

import itertools
import json
import time
from decimal import Decimal

import pytest
from evaluator_support import EXAMPLES, catalog_yaml, compile_text, example_catalogs, example_id
from fuzz import strategies as fuzz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricegen import analyze
from pricegen.config import Config
from pricegen.pipeline import compile_catalog
from pricegen.runtime import load_evaluator

PRODUCT = {"id": "t", "name": "T", "currencies": ["USD"], "billing_periods": ["monthly"]}
FEATURES = {
    "seats": {"name": "Seats", "type": "metered", "meter": "fluctuating"},
    "calls": {"name": "Calls", "type": "metered", "meter": "incremental"},
    "sso": {"name": "SSO", "type": "boolean"},
    "retention": {"name": "Retention", "type": "config"},
    "export": {"name": "Export", "type": "enum", "values": ["csv", "parquet"]},
}


def catalog(plans: dict, addons: dict, features: dict | None = None) -> dict:
    return {
        "pricegen": 1,
        "product": PRODUCT,
        "features": features or FEATURES,
        "plans": plans,
        "addons": addons,
    }


def build(tmp_path, data: dict):
    model = compile_text(catalog_yaml(data), tmp_path)
    return model, load_evaluator(model, Config(include_drafts=True))


# -- brute force through the evaluator -------------------------------------------------


def valid_addon_sets(module, model, plan_id: str):
    """Every add-on assignment (0..max_quantity each, published add-ons) the evaluator accepts."""
    sold = [a for a in model.addons.values() if a.status == "published"]
    ranges = [range(a.max_quantity + 1) for a in sold]
    variables = {f: 1 for f, e in model.plans[plan_id].entitlements.items() if e.variable}
    bought = {c.feature: 1 for c in model.plans[plan_id].charges if c.billing == "in_advance"}
    for counts in itertools.product(*ranges):
        chosen = {a.id: n for a, n in zip(sold, counts, strict=True) if n}
        try:
            module.entitlements(
                module.Subscription(
                    plan=plan_id, addons=chosen, variables=variables, quantities=bought
                )
            )
        except module.PricingError:
            continue
        yield chosen


def brute_count(module, model) -> dict[str, int]:
    return {
        pid: sum(1 for _ in valid_addon_sets(module, model, pid))
        for pid, plan in model.plans.items()
        if plan.status == "published"
    }


# -- counting -----------------------------------------------------------------------------

ADDON_IDS = ["a", "b", "c", "d", "e", "f"]


@st.composite
def addon_graphs(draw, statuses: bool = False):
    """2 to 6 add-ons tied as a chain, tree, star, hub with legs, clique or at random
    (tests/fuzz/strategies.py), each with 1 or 2 of the plans; with ``statuses``, now
    and then archived or a draft."""
    ids = ADDON_IDS[: draw(st.integers(2, 6))]
    graph = draw(fuzz.addon_graphs(ids))
    addons = {}
    for aid in ids:
        addons[aid] = {
            "name": aid.upper(),
            "plans": draw(st.lists(st.sampled_from(["basic", "pro"]), unique=True, min_size=1)),
            "max_quantity": draw(st.integers(1, 2)),
            **graph[aid],
            "price": draw(st.integers(0, 9)),
        }
        if statuses and draw(st.integers(0, 5)) == 0:
            addons[aid]["status"] = draw(st.sampled_from(["archived", "draft"]))
    return addons


PLANS = {
    "basic": {"name": "Basic", "default": True},
    "pro": {"name": "Pro", "price": 10},
}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(addons=addon_graphs())
def test_count_matches_brute_force(tmp_path_factory, addons):
    model, module = build(tmp_path_factory.mktemp("c"), catalog(PLANS, addons))
    space = analyze.configuration_space(model)
    assert space.per_plan == brute_count(module, model)
    assert space.total == sum(space.per_plan.values())


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(addons=addon_graphs())
def test_extremes_match_brute_force(tmp_path_factory, addons):
    model, module = build(tmp_path_factory.mktemp("x"), catalog(PLANS, addons))
    totals = [
        module.quote(module.Subscription(plan=pid, addons=chosen)).total
        for pid in ("basic", "pro")
        for chosen in valid_addon_sets(module, model, pid)
    ]
    cheapest = analyze.extreme(model, "monthly", "USD", most=False)
    dearest = analyze.extreme(model, "monthly", "USD", most=True)
    assert cheapest.total == min(totals)
    assert dearest.total == max(totals)
    for purchase in (cheapest, dearest):
        assert analyze.quote(module, purchase).total == purchase.total


def test_archived_draft_and_incompatible_addons_are_not_counted(tmp_path):
    addons = {
        "live": {"name": "Live", "plans": ["pro"], "max_quantity": 2, "price": 1},
        "old": {"name": "Old", "plans": ["pro"], "status": "archived", "price": 1},
        "soon": {"name": "Soon", "plans": ["pro"], "status": "draft", "price": 1},
        "other": {"name": "Other", "plans": ["basic"], "price": 1},
        "needs-other": {"name": "Needs", "plans": ["pro"], "requires": ["other"], "price": 1},
    }
    model, _ = build(tmp_path, catalog(PLANS, addons))
    # pro: "live" 0..2 times; "needs-other" requires an add-on pro cannot have.
    assert analyze.configuration_space(model).per_plan == {"basic": 1 + 1, "pro": 1 + 2}
    # with drafts: "soon" doubles pro's choices
    assert analyze.configuration_space(model, include_drafts=True).per_plan == {
        "basic": 2,
        "pro": 3 * 2,
    }


def test_structured_count_of_many_addons_is_exact_and_fast(tmp_path):
    """A requires chain of 12, an exclusive group of 10 and 8 free-standing add-ons.

    By the rules: a chain where each requires the one before can only be bought
    as a prefix, so it gives sum(m^k for k in 0..12); a group where each excludes
    every other gives 1 + 10·m; free-standing ones give (1 + m) each.
    """
    m = 3
    addons = {}
    for i in range(12):
        addons[f"chain-{i}"] = {"name": f"C{i}", "plans": ["pro"], "max_quantity": m, "price": i,
                                "requires": [f"chain-{i - 1}"] if i else []}  # fmt: skip
    group = [f"group-{i}" for i in range(10)]
    for gid in group:
        addons[gid] = {"name": gid, "plans": ["pro"], "max_quantity": m, "price": 2,
                       "excludes": [x for x in group if x != gid]}  # fmt: skip
    for i in range(8):
        addons[f"free-{i}"] = {"name": f"F{i}", "plans": ["pro"], "max_quantity": m, "price": 1}
    model, _ = build(tmp_path, catalog(PLANS, addons))
    started = time.perf_counter()
    space = analyze.configuration_space(model)
    elapsed = time.perf_counter() - started
    expected = sum(m**k for k in range(13)) * (1 + 10 * m) * (1 + m) ** 8
    assert space.per_plan == {"basic": 1, "pro": expected}
    assert elapsed < 2.0
    # most expensive: the whole chain, the dearest group member, every free add-on, m times each
    dearest = analyze.extreme(model, "monthly", "USD", most=True)
    assert dearest.total == 10 + m * (sum(range(12)) + 2 + 8)


@pytest.mark.parametrize("catalog_path", example_catalogs(), ids=example_id)
def test_examples_count_matches_brute_force(catalog_path):
    model = compile_catalog(catalog_path).catalog
    module = load_evaluator(model, Config(include_drafts=True))
    space = analyze.configuration_space(model)
    assert space.per_plan == brute_count(module, model)


# -- the model's arithmetic against the evaluator -----------------------------------------


@pytest.mark.parametrize("catalog_path", example_catalogs(), ids=example_id)
def test_charge_amounts_match_the_evaluator(catalog_path):
    model = compile_catalog(catalog_path).catalog
    module = load_evaluator(model, Config(include_drafts=True))
    for plan in model.plans.values():
        if plan.custom or not plan.charges:
            continue
        for charge in plan.charges:
            for q in sorted({0, 1, *analyze.breakpoints(charge), charge.included + 12_345}):
                ours = analyze.charge_amount(
                    charge, q, plan.billing_periods[0], model.product.default_currency
                )
                theirs = _charge_line(module, plan, charge, q)
                if ours is None:
                    assert theirs is None
                else:
                    assert (
                        analyze.round_line(ours, model.product, model.product.default_currency)
                        == theirs
                    )


def _charge_line(module, plan, charge, q):
    quantities = {c.feature: 1 for c in plan.charges if c.billing == "in_advance"}
    usage = {}
    if charge.billing == "in_advance":
        quantities[charge.feature] = q
    else:
        usage[charge.feature] = q
    sub = module.Subscription(
        plan=plan.id, period=plan.billing_periods[0], quantities=quantities, existing=True
    )
    try:
        quote = module.quote(sub, usage=usage)
    except (module.QuantityOutOfRangeError, module.UsageLimitExceededError):
        return None  # beyond the last stairstep tier, or beyond the plan's hard limit
    return next(line.amount for line in quote.lines if line.item == charge.feature)


TIERS = st.lists(st.integers(1, 6), min_size=1, max_size=3).map(
    lambda xs: list(itertools.accumulate(xs))
)
PRICE = st.integers(0, 9)


@st.composite
def charges(draw):
    model = draw(st.sampled_from(["per_unit", "package", "graduated", "volume", "stairstep"]))
    data = {"model": model, "billing": "in_advance", "included": draw(st.integers(0, 3))}
    if model == "per_unit":
        data["unit_price"] = draw(PRICE)
    elif model == "package":
        data["block_size"] = draw(st.integers(1, 4))
        data["block_price"] = draw(PRICE)
    else:
        bounds = draw(TIERS)
        key = "price" if model == "stairstep" else "unit_price"
        tiers = [{"up_to": b, key: draw(PRICE)} for b in bounds]
        if model != "stairstep" or draw(st.booleans()):
            tiers.append({key: draw(PRICE)})  # stairstep may end bounded
        if model != "stairstep" and draw(st.booleans()):
            tiers[0]["flat_price"] = draw(PRICE)
        data["tiers"] = tiers
    return data


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(old=charges(), new=charges())
def test_charge_difference_matches_enumeration(tmp_path_factory, old, new):
    """Extremes of new(q) - old(q) over every q, against q = 0..199 one by one.

    All bounds are below 25, so 200 covers several periods of every block size;
    past that the difference moves by the final slopes, which decide ±Infinity.
    """
    plans = {
        "old": {"name": "Old", "charges": {"seats": old}},
        "new": {"name": "New", "charges": {"seats": new}},
    }
    model = compile_text(catalog_yaml(catalog(plans, {})), tmp_path_factory.mktemp("d"))
    a, b = model.plans["new"].charges[0], model.plans["old"].charges[0]
    d = analyze.charge_difference(a, b, "monthly", "USD")
    values = []
    for q in range(200):
        before, after = (
            analyze.charge_amount(b, q, "monthly", "USD"),
            analyze.charge_amount(a, q, "monthly", "USD"),
        )
        if before is not None and after is not None:
            values.append(after - before)
    if values:
        if d.lowest.is_infinite():
            assert d.lowest < 0
        else:
            assert d.lowest == min(values)
        if d.highest.is_infinite():
            assert d.highest > 0
        else:
            assert d.highest == max(values)


# -- cheapest purchase ------------------------------------------------------------------------

PURCHASE_PLANS = {
    "free": {
        "name": "Free",
        "default": True,
        "entitlements": {"seats": 3, "calls": {"limit": 1000, "reset": "month"}},
    },
    "team": {
        "name": "Team",
        "extends": "free",
        "price": 20,
        "charges": {
            "seats": {
                "model": "graduated",
                "tiers": [
                    {"up_to": 10, "unit_price": 8},
                    {"up_to": 50, "unit_price": 6},
                    {"unit_price": 5},
                ],
            },
            "calls": {"model": "per_unit", "included": 10000, "unit_price": "0.001"},
        },
        "entitlements": {
            "calls": {"limit": "unlimited", "reset": "month"},
            "retention": 30,
            "export": ["csv"],
        },
    },
    "scale": {
        "name": "Scale",
        "extends": "team",
        "price": 200,
        "charges": {
            "seats": {  # volume: 31 seats cost less than 29
                "model": "volume",
                "tiers": [{"up_to": 30, "unit_price": 9}, {"unit_price": 4}],
            },
        },
        "entitlements": {
            "sso": True,
            "retention": 90,
            "export": ["csv", "parquet"],
            "calls": {"limit": 50000, "reset": "month"},
        },  # fmt: skip
    },
}
PURCHASE_ADDONS = {
    "seat-pack": {
        "name": "10 seats",
        "plans": ["team"],
        "max_quantity": 3,
        "price": 45,
        "entitlements": {"seats": {"limit": 10}},
    },  # fmt: skip
    "sso-pack": {
        "name": "SSO",
        "plans": ["team"],
        "price": 60,
        "requires": ["audit"],
        "entitlements": {"sso": True},
    },  # fmt: skip
    "audit": {"name": "Audit", "plans": ["team"], "price": 15, "entitlements": {"retention": 365}},
    "calls-pack": {
        "name": "Calls",
        "plans": ["scale"],
        "max_quantity": 4,
        "price": 30,
        "entitlements": {"calls": {"limit": 100000}},
    },  # fmt: skip
    "parquet": {
        "name": "Parquet",
        "plans": ["team"],
        "price": 5,
        "excludes": ["sso-pack"],
        "entitlements": {"export": ["parquet"]},
    },  # fmt: skip
}


def brute_cheapest(module, model, requirements, max_seats: int):
    """Cheapest quote over every plan, add-on set and seat count that the evaluator says
    meets every requirement: 0..max_seats when seats are required (add-ons may grant
    them all), else 1..max_seats, as analyze buys a feature nobody asked about once."""
    best = None
    for pid, plan in model.plans.items():
        if plan.status != "published" or plan.custom:
            continue
        buys_seats = any(c.feature == "seats" and c.billing == "in_advance" for c in plan.charges)
        usage = {r.feature: r.value for r in requirements if r.feature == "calls"}
        usage = {
            f: u
            for f, u in usage.items()
            if any(c.feature == f and c.billing == "in_arrears" for c in plan.charges)
        }
        least = 0 if any(r.feature == "seats" for r in requirements) else 1
        for chosen in valid_addon_sets(module, model, pid):
            for seats in range(least, max_seats + 1) if buys_seats else [None]:
                quantities = {"seats": seats} if seats is not None else {}
                sub = module.Subscription(plan=pid, quantities=quantities, addons=chosen)
                if not all(evaluator_meets(module, sub, r) for r in requirements):
                    continue
                total = module.quote(sub, usage=usage).total
                if best is None or total < best:
                    best = total
    return best


def evaluator_meets(module, sub, requirement) -> bool:
    """The evaluator's own answer: check() for metered limits, entitlements() otherwise."""
    if requirement.op == ">=" and isinstance(requirement.value, int):
        return module.check(sub, requirement.feature, usage=requirement.value - 1).has_access
    ent = module.entitlements(sub).get(requirement.feature)
    if ent is None:
        return False
    if requirement.op == "=":
        return requirement.value in ent.values
    return requirement.op == "has" or ent.value >= requirement.value


@pytest.mark.parametrize(
    "wanted",
    [
        ["seats>=5"],
        ["seats>=29"],
        ["seats>=40"],
        ["seats>=60"],
        ["sso"],
        ["sso", "seats>=12"],
        ["export=parquet"],
        ["export=parquet", "sso"],
        ["retention>=100"],
        ["calls>=60000"],
        ["calls>=200000", "seats>=2"],
        ["calls>=600000"],
    ],
    ids=lambda w: " ".join(w),
)
def test_cheapest_purchase_matches_brute_force(tmp_path, wanted):
    model, module = build(tmp_path, catalog(PURCHASE_PLANS, PURCHASE_ADDONS))
    requirements = [analyze.parse_requirement(w, model) for w in wanted]
    answer = analyze.cheapest_purchase(model, requirements, "monthly", "USD")
    expected = brute_cheapest(module, model, requirements, max_seats=70)
    if expected is None:
        assert answer.best is None
        return
    assert answer.best.total == expected
    assert analyze.quote(module, answer.best).total == expected
    sub = module.Subscription(
        plan=answer.best.plan,
        quantities=dict(answer.best.quantities),
        addons=dict(answer.best.addons),
    )
    assert all(evaluator_meets(module, sub, r) for r in requirements)


def test_volume_pricing_buys_more_seats_when_that_is_cheaper(tmp_path):
    """Scale's volume tiers: 29 seats at 9 = 261, 31 seats at 4 = 124 (rules: the whole
    quantity at the rate of the tier it falls in)."""
    plans = {
        "scale": {
            "name": "Scale",
            "charges": {"seats": PURCHASE_PLANS["scale"]["charges"]["seats"]},
        }
    }
    model, module = build(tmp_path, catalog(plans, {}))
    answer = analyze.cheapest_purchase(
        model, [analyze.parse_requirement("seats>=29", model)], "monthly", "USD"
    )
    assert dict(answer.best.quantities) == {"seats": 31}
    assert answer.best.total == 31 * 4


def test_unmeetable_requirement_has_no_answer(tmp_path):
    model, _ = build(tmp_path, catalog({"free": PURCHASE_PLANS["free"]}, {}))
    answer = analyze.cheapest_purchase(
        model, [analyze.parse_requirement("sso", model)], "monthly", "USD"
    )
    assert answer.best is None and answer.per_plan == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nope", 'Unknown feature "nope"'),
        ("seats>=many", "needs a number"),
        ("seats>=0", "at least 1"),
        ("sso>=2", "boolean feature"),
        ("export=json", "does not name a value"),
        ("seats>>3", "is not a requirement"),
    ],
)
def test_bad_requirements_are_explained(tmp_path, text, message):
    model, _ = build(tmp_path, catalog(PURCHASE_PLANS, {}))
    with pytest.raises(analyze.RequirementError, match=message):
        analyze.parse_requirement(text, model)


# -- the command ------------------------------------------------------------------------------


def test_analyze_command_text_and_json(run_cli):
    path = str(EXAMPLES / "saas-seats" / "pricing.yaml")
    result = run_cli(["analyze", path, "--require", "sso", "--require", "seats>=40"])
    assert result.exit_code == 0, result.stderr
    assert "Cheapest purchase for sso, seats>=40 (monthly, USD)" in result.stdout
    assert "analyzed in" in result.stderr
    result = run_cli(
        ["analyze", path, "--require", "sso", "--require", "seats>=40", "--output-format", "json"]
    )
    data = json.loads(result.stdout)
    model = compile_catalog(path).catalog
    module = load_evaluator(model)
    reqs = [analyze.parse_requirement(r, model) for r in ("sso", "seats>=40")]
    best = data["purchase"]["best"]
    sub = module.Subscription(
        plan=best["plan"], quantities=best["quantities"], addons=best["addons"]
    )
    assert all(evaluator_meets(module, sub, r) for r in reqs)
    assert module.quote(sub).total == Decimal(best["total"])
    assert data["purchase"]["quote"]["total"] == best["total"]
    assert data["space"]["total"] == sum(data["space"]["per_plan"].values())


def test_analyze_command_exit_codes(run_cli):
    path = str(EXAMPLES / "saas-seats" / "pricing.yaml")
    assert run_cli(["analyze", path, "--require", "seats>=40", "--period", "weekly"]).exit_code == 2
    assert run_cli(["analyze", path, "--require", "no-such-feature"]).exit_code == 2
    # no plan with a list price grants a 99.99% uptime SLA
    result = run_cli(["analyze", path, "--require", "uptime-sla>=99.99"])
    assert result.exit_code == 1
    assert "no subscription meets every requirement" in result.stdout
