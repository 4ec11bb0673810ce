"""pricegen analyze on add-on graphs of every shape, at the edges of its numbers, and at
its bound.

Expected counts come from closed formulas worked out from the rules (each
derivation is in the test) or from brute force through the generated
evaluator; never from analyze's own output. Work is measured in the
engine's deterministic steps, not in seconds (tests/bench/ times it).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import test_analyze as brute
from conftest import CASES
from evaluator_support import EXAMPLES, catalog_yaml, compile_text
from fuzz import strategies as fuzz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricegen import analyze

PRODUCT = {"id": "t", "name": "T", "currencies": ["USD"], "billing_periods": ["monthly"]}


def catalog(addons: dict) -> dict:
    return {
        "pricegen": 1,
        "product": PRODUCT,
        "features": {"sync": {"name": "Sync", "type": "boolean"}},
        "plans": {"p": {"name": "P", "price": 1, "entitlements": {"sync": True}}},
        "addons": addons,
    }


def hub_with_legs(legs: int) -> dict:
    """The shape of issue 12: a hub that excludes x0..x(n-1), each xi excluding its yi;
    one plan, one period, price 1 on each add-on."""
    addons = {"hub": {"name": "Hub", "plans": ["p"], "price": 1,
                      "excludes": [f"x{i}" for i in range(legs)]}}  # fmt: skip
    for i in range(legs):
        addons[f"x{i}"] = {"name": f"X{i}", "plans": ["p"], "price": 1, "excludes": [f"y{i}"]}
        addons[f"y{i}"] = {"name": f"Y{i}", "plans": ["p"], "price": 1}
    return catalog(addons)


def test_hub_with_eighteen_legs_is_counted_exactly_in_few_steps(tmp_path, run_cli):
    """With the hub: every x is out and each y is free, 2^18 sets. Without it: each leg
    is empty, x or y (x excludes y), 3^18. Once 38 s and 570 MB; now a few thousand steps."""
    model = compile_text(catalog_yaml(hub_with_legs(18)), tmp_path)
    budget = analyze.Budget()
    space = analyze.configuration_space(model, budget=budget)
    assert space.per_plan == {"p": 2**18 + 3**18}
    assert budget.used < 20_000
    dearest = analyze.extreme(model, "monthly", "USD", most=True, budget=budget)
    # the hub and all 18 ys (19 add-ons), or all 18 xs or ys without the hub: 1 + 19
    assert dearest.total == 1 + 19
    result = run_cli(["analyze", str(tmp_path / "pricing.yaml"), "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["space"]["total"] == 2**18 + 3**18


def test_work_grows_linearly_with_the_legs(tmp_path):
    used = []
    for legs in (100, 200, 400):
        model = compile_text(catalog_yaml(hub_with_legs(legs)), tmp_path)
        budget = analyze.Budget()
        space = analyze.configuration_space(model, budget=budget)
        assert space.per_plan == {"p": 2**legs + 3**legs}
        used.append(budget.used)
    assert used[1] < 2.2 * used[0] and used[2] < 2.2 * used[1]


def binary_tree(depth: int) -> dict:
    """Each add-on requires its parent: a complete binary tree of requirements."""
    addons = {}
    for i in range(2**depth - 1):
        addons[f"n{i}"] = {"name": f"N{i}", "plans": ["p"], "price": 1}
        if i:
            addons[f"n{i}"]["requires"] = [f"n{(i - 1) // 2}"]
    return catalog(addons)


def subtrees(depth: int) -> int:
    """Sets closed under "requires the parent": empty, or the root with such a set in each
    subtree: t(d) = 1 + t(d-1)^2, t(0) = 1."""
    return 1 if depth == 0 else 1 + subtrees(depth - 1) ** 2


def test_a_tree_of_requirements_is_counted_exactly(tmp_path):
    model = compile_text(catalog_yaml(binary_tree(9)), tmp_path)  # 511 add-ons
    budget = analyze.Budget()
    assert analyze.configuration_space(model, budget=budget).per_plan == {"p": subtrees(9)}
    assert budget.used < 100_000


def test_an_exclusive_group_of_forty_is_counted_exactly(tmp_path):
    """Forty add-ons that each exclude every other, max_quantity 3: none, or one of 40
    bought 1 to 3 times: 1 + 40 × 3."""
    ids = [f"tier-{i}" for i in range(40)]
    addons = {a: {"name": a, "plans": ["p"], "price": 2, "max_quantity": 3,
                  "excludes": [b for b in ids if b != a]} for a in ids}  # fmt: skip
    model = compile_text(catalog_yaml(catalog(addons)), tmp_path)
    assert analyze.configuration_space(model).per_plan == {"p": 1 + 40 * 3}


def test_an_entangled_catalog_stops_at_the_bound(run_cli):
    """18 connectors that each exclude all 18 legacy add-ons: too wide to count exactly
    within the bound, so analyze says so (exit 3) and does not run on."""
    case = CASES / "invalid" / "ANALYZE_TOO_COMPLEX" / "pricing.yaml"
    assert run_cli(["validate", str(case)]).exit_code == 0
    result = run_cli(["analyze", str(case)])
    assert result.exit_code == 3
    assert "[ANALYZE_TOO_COMPLEX]" in result.stderr and "bound" in result.stderr
    assert result.stdout == ""


def test_the_bound_is_deterministic_and_names_itself(tmp_path):
    model = compile_text(catalog_yaml(hub_with_legs(50)), tmp_path)
    budget = analyze.Budget(steps=500)
    with pytest.raises(analyze.AnalysisTooComplex) as caught:
        analyze.configuration_space(model, budget=budget)
    assert caught.value.bound == "500 steps"
    assert caught.value.addon in model.addons


# -- exact arithmetic -----------------------------------------------------------------------


@pytest.mark.parametrize("seats", [10**28, 10**30])
def test_requirements_up_to_ten_to_the_thirty_are_exact(run_cli, seats):
    """saas-seats' Pro: no base fee, seats graduated at 10 for the first 25, 9 for the
    next 75, 8 beyond (monthly, USD), and no add-on grants seats. So the cheapest way to
    N seats costs 25 × 10 + 75 × 9 + (N - 100) × 8 = 8N + 125, to the cent."""
    path = str(EXAMPLES / "saas-seats" / "pricing.yaml")
    result = run_cli(["analyze", path, "--require", f"seats>={seats}", "--json"])
    assert result.exit_code == 0, result.stderr
    best = json.loads(result.stdout)["purchase"]["best"]
    assert best["plan"] == "pro" and best["quantities"] == {"seats": seats}
    assert Decimal(best["total"]) == 8 * seats + 125
    assert json.loads(result.stdout)["purchase"]["quote"]["total"] == best["total"]


# -- drafts ------------------------------------------------------------------------------------


def test_include_drafts_confirms_a_purchase_on_a_draft(run_cli):
    """split-catalog: history >= 30 needs Premium (36 months) or its draft child
    Multi-site. Premium: 59 a location; Multi-site: no base price, 55 a location up to
    10 (volume). So 1 location: 55 with drafts, 59 without."""
    path = str(EXAMPLES / "split-catalog" / "pricing")
    args = ["analyze", path, "--require", "history>=30", "--json"]
    result = run_cli([*args, "--include-drafts"])
    assert result.exit_code == 0, result.stderr
    purchase = json.loads(result.stdout)["purchase"]
    assert (purchase["best"]["plan"], purchase["best"]["total"]) == ("multi-site", "55.00")
    assert purchase["quote"]["total"] == "55.00"
    result = run_cli(args)
    assert result.exit_code == 0, result.stderr
    best = json.loads(result.stdout)["purchase"]["best"]
    assert (best["plan"], best["total"]) == ("premium", "59.00")


# -- the cheapest purchase on generated add-on graphs ------------------------------------------

GRANTS = [
    {"seats": {"limit": 10}},
    {"seats": {"limit": 25, "behavior": "override"}},
    {"sso": True},
    {"retention": 365},
    {"export": ["parquet"]},
    {"calls": {"limit": 100000}},
    {"sso": True, "seats": {"limit": 5}},
    {"retention": 120, "export": ["parquet"]},
]
WANTS = ["seats>=12", "seats>=40", "sso", "retention>=100", "export=parquet", "calls>=60000"]


@st.composite
def purchase_cases(draw):
    ids = [f"x{i}" for i in range(draw(st.integers(1, 5)))]
    graph = draw(fuzz.addon_graphs(ids))
    addons = {}
    for aid in ids:
        addons[aid] = {
            "name": aid,
            "plans": draw(st.lists(st.sampled_from(["team", "scale"]), unique=True, min_size=1)),
            "max_quantity": draw(st.integers(1, 3)),
            "price": draw(st.integers(0, 60)),
            "entitlements": draw(st.sampled_from(GRANTS)),
            **{k: v for k, v in graph[aid].items() if v},
        }
    return addons, draw(st.lists(st.sampled_from(WANTS), min_size=1, max_size=3, unique=True))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=purchase_cases())
def test_cheapest_purchase_on_graphs_matches_brute_force(tmp_path_factory, case):
    """Requirements that share add-ons are searched together, the others apart; either
    way the total is the cheapest the evaluator quotes over every add-on set and up
    to 70 seats."""
    addons, wanted = case
    data = {**brute.catalog(brute.PURCHASE_PLANS, addons), "features": brute.FEATURES}
    model, module = brute.build(tmp_path_factory.mktemp("p"), data)
    requirements = [analyze.parse_requirement(w, model) for w in wanted]
    answer = analyze.cheapest_purchase(model, requirements, "monthly", "USD")
    expected = brute.brute_cheapest(module, model, requirements, max_seats=70)
    if expected is None:
        assert answer.best is None
        return
    assert answer.best is not None and answer.best.total == expected
    quote, _ = analyze.confirm_answer(model, answer)
    assert quote.total == expected


# -- usage that quote() accepts -------------------------------------------------------------

USAGE_PLANS = {
    "free": {"name": "Free", "default": True},
    "team": {
        "name": "Team",
        "price": 20,
        "charges": {"calls": {"model": "per_unit", "unit_price": "0.001"}},
        "entitlements": {"calls": {"limit": 1000, "reset": "month"}, "sso": True},
    },
}
USAGE_ADDONS = {
    "calls-pack": {"name": "10k calls", "plans": ["team"], "max_quantity": 3, "price": 20,
                   "entitlements": {"calls": {"limit": 10000}}},
    "calls-unlimited": {"name": "Unlimited calls", "plans": ["team"], "price": 50,
                        "excludes": ["calls-pack"],
                        "entitlements": {"calls": {"limit": "unlimited", "behavior": "override"}}},
    "audit": {"name": "Audit", "plans": ["team"], "price": 7, "entitlements": {"retention": 90}},
}  # fmt: skip


@pytest.mark.parametrize("calls", [0, 500, 25_000, 40_000])
def test_extremes_buy_what_lets_the_usage_be_billed(tmp_path, calls):
    """quote() refuses usage past a hard limit (1,000 calls a month on Team). At 25,000
    calls Team needs 3 packs (31,000) or the unlimited add-on; at 40,000 only the
    unlimited one. Expected: brute force through the evaluator's quotes."""
    data = {**brute.catalog(USAGE_PLANS, USAGE_ADDONS), "features": brute.FEATURES}
    model, module = brute.build(tmp_path, data)
    totals = []
    for pid in ("free", "team"):
        for chosen in brute.valid_addon_sets(module, model, pid):
            sub = module.Subscription(plan=pid, addons=chosen)
            try:
                totals.append(module.quote(sub, usage={"calls": calls} if pid == "team" else {}))
            except module.PricingError:
                continue
    amounts = analyze.Amounts(usage={"calls": calls})
    ((_, _, low, high),) = analyze.extremes(model, [("monthly", "USD")], amounts=amounts)
    assert low.total == min(q.total for q in totals)
    assert high.total == max(q.total for q in totals)
    for purchase in (low, high):  # the evaluator bills each as analyzed
        assert analyze.quote(module, purchase).total == purchase.total


def test_cheapest_purchase_lets_the_given_usage_be_billed(tmp_path, run_cli):
    """sso on Team, priced at 25,000 calls: 20 + 25 (calls) + the unlimited add-on (50)
    beats 3 packs (60); the evaluator quotes it."""
    data = {**brute.catalog(USAGE_PLANS, USAGE_ADDONS), "features": brute.FEATURES}
    path = tmp_path / "pricing.yaml"
    path.write_text(catalog_yaml(data), encoding="utf-8")
    args = ["analyze", str(path), "--require", "sso", "--usage", "calls=25000", "--json"]
    result = run_cli(args)
    assert result.exit_code == 0, result.stderr
    best = json.loads(result.stdout)["purchase"]["best"]
    assert best["addons"] == {"calls-unlimited": 1}
    assert Decimal(best["total"]) == 20 + Decimal("25.00") + 50


def test_answers_and_the_bound_do_not_depend_on_hash_order(tmp_path):
    """Sets iterate in an order that changes with PYTHONHASHSEED; analyze's output, and
    where it stops, must not."""
    import os
    import subprocess
    import sys

    case = CASES / "invalid" / "ANALYZE_TOO_COMPLEX" / "pricing.yaml"
    hub = tmp_path / "hub.yaml"
    hub.write_text(catalog_yaml(hub_with_legs(30)), encoding="utf-8")
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs = []
        for args in ([str(case)], [str(hub), "--json"]):
            done = subprocess.run(
                [sys.executable, "-c", "from pricegen.cli import main; main()", "analyze", *args],
                capture_output=True, text=True, env=env, check=False,
            )  # fmt: skip
            outputs.append((done.returncode, done.stdout, done.stderr.split("analyzed in")[0]))
        runs.append(outputs)
    assert runs[0] == runs[1]
    assert runs[0][0][0] == 3 and runs[0][1][0] == 0
