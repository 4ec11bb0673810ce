"""Lint's add-on rules against independent answers, and the lint configuration everywhere.

"Never bought" is checked three ways on generated add-on graphs (trees,
chains, stars, cliques, random; tests/fuzz/strategies.py): lint's findings,
analyze's count of subscriptions holding each add-on, and brute force
through the generated evaluator. "Adds nothing" is checked against the
evaluator's own entitlements. The other rules get hand-made catalogs whose
verdict follows from the rules.
"""

from __future__ import annotations

import itertools
import json
import re
from decimal import Context, Decimal, localcontext

from evaluator_support import catalog_yaml
from fuzz import strategies as fuzz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricegen import analyze, compile_catalog
from pricegen.config import Config
from pricegen.lint import lint
from pricegen.runtime import load_evaluator

PRODUCT = {"id": "t", "name": "T", "currencies": ["USD"], "billing_periods": ["monthly"]}
FEATURES = {
    "sso": {"name": "SSO", "type": "boolean"},
    "seats": {"name": "Seats", "type": "metered", "meter": "fluctuating"},
    "calls": {"name": "Calls", "type": "metered", "meter": "incremental"},
    "retention": {"name": "Retention", "type": "config"},
    "export": {"name": "Export", "type": "enum", "values": ["csv", "parquet", "json"]},
}
PLANS = {
    "basic": {"name": "Basic", "description": "Free.", "default": True},
    "pro": {"name": "Pro", "description": "Paid.", "price": 10},
    "legacy": {"name": "Legacy", "description": "Old.", "status": "archived", "price": 5},
}
NEVER = ("ADDON_NEVER_BOUGHT", "ADDON_UNSELLABLE")
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def write(tmp_path, plans: dict, addons: dict, extra: dict | None = None):
    path = tmp_path / "pricing.yaml"
    data = {"pricegen": 1, "product": PRODUCT, "features": FEATURES, "plans": plans,
            "addons": addons, **(extra or {})}  # fmt: skip
    path.write_text(catalog_yaml(data), encoding="utf-8")
    return path


def compiled(tmp_path, plans: dict, addons: dict):
    build = compile_catalog(write(tmp_path, plans, addons))
    assert build.ok, build.diagnostics
    return build


def findings(build, *rules) -> dict[str, list[str]]:
    """{add-on id: [messages]} of the findings of ``rules``."""
    found: dict[str, list[str]] = {}
    for d in lint(build.catalog, build.sources):
        if d.rule in rules:
            found.setdefault(re.match(r'Add-on "([^"]+)"', d.message).group(1), []).append(
                d.message
            )
    return found


# -- never bought: lint, analyze and the evaluator agree ---------------------------------


@st.composite
def graphs(draw):
    ids = [f"a{i}" for i in range(draw(st.integers(2, 6)))]
    graph = draw(fuzz.addon_graphs(ids))
    addons = {}
    for aid in ids:
        addons[aid] = {
            "name": aid.upper(),
            "plans": draw(st.lists(st.sampled_from(list(PLANS)), unique=True, min_size=1)),
            "price": draw(st.integers(0, 3)),
            "entitlements": {"sso": True},
            **{k: v for k, v in graph[aid].items() if v},
        }
        if draw(st.integers(0, 6)) == 0:
            addons[aid]["status"] = draw(st.sampled_from(["archived", "draft"]))
    return addons


def bought_by_brute_force(model) -> set[str]:
    """Published add-ons in some add-on set that the evaluator accepts on some published plan."""
    module = load_evaluator(model, Config(include_drafts=True))
    sold = [a for a in model.addons.values() if a.status == "published"]
    seen: set[str] = set()
    for pid, plan in model.plans.items():
        if plan.status != "published":
            continue
        for bits in itertools.product((0, 1), repeat=len(sold)):
            chosen = {a.id: 1 for a, bit in zip(sold, bits, strict=True) if bit}
            try:
                module.entitlements(module.Subscription(plan=pid, addons=chosen))
            except module.PricingError:
                continue
            seen.update(chosen)
    return seen


@SETTINGS
@given(addons=graphs())
def test_never_bought_is_exactly_zero_configurations(tmp_path_factory, addons):
    build = compiled(tmp_path_factory.mktemp("g"), PLANS, addons)
    model = build.catalog
    published = {a for a, x in model.addons.items() if x.status == "published"}
    counts = analyze.addon_counts(model)
    zero = {a for a in published if counts.get(a, 0) == 0}
    assert set(findings(build, *NEVER)) == zero
    assert zero == published - bought_by_brute_force(model)
    space = analyze.configuration_space(model)  # what analyze reports as never bought
    somewhere = set()
    for plan in analyze.sold_plans(model):
        somewhere |= set(analyze.sold_addons(model, plan)) - set(space.never_bought[plan.id])
    assert zero == published - somewhere


def test_the_chain_that_makes_it_impossible_is_named(tmp_path):
    addons = {
        "a": {"name": "A", "plans": ["pro"], "price": 1, "requires": ["b"]},
        "b": {"name": "B", "plans": ["pro"], "price": 1, "requires": ["c"]},
        "c": {"name": "C", "plans": ["pro"], "price": 1, "excludes": ["a"]},
    }
    (message,) = findings(compiled(tmp_path, PLANS, addons), *NEVER)["a"]
    assert '"a" requires "b", "b" requires "c", and "c" excludes "a"' in message


def test_a_requirement_sold_with_none_of_its_plans_is_named(tmp_path):
    addons = {
        "scim": {"name": "SCIM", "plans": ["pro"], "price": 1, "requires": ["sso-pack"]},
        "sso-pack": {"name": "SSO", "plans": ["basic"], "price": 1, "entitlements": {"sso": True}},
        "audit": {"name": "Audit", "plans": ["pro"], "price": 1, "requires": ["old-log"]},
        "old-log": {"name": "Log", "plans": ["pro"], "price": 1, "status": "archived"},
    }
    found = findings(compiled(tmp_path, PLANS, addons), *NEVER)
    assert set(found) == {"scim", "audit"}
    assert '"scim" requires "sso-pack", which is not sold with "pro"' in found["scim"][0]
    assert '"audit" requires "old-log", which is archived' in found["audit"][0]


def test_requires_conflict_reads_excludes_both_ways(run_cli, tmp_path):
    """ "a requires b, b excludes a" is as impossible as "a requires b, a excludes b"."""
    addons = {
        "a": {"name": "A", "plans": ["pro"], "price": 1, "requires": ["b"]},
        "b": {"name": "B", "plans": ["pro"], "price": 1, "excludes": ["a"]},
    }
    result = run_cli(["validate", str(write(tmp_path, PLANS, addons))])
    assert result.exit_code == 3
    assert 'Add-on "a" requires "b", which excludes it' in result.stderr
    assert "[ADDON_REQUIRES_CONFLICT]" in result.stderr


def test_an_unknown_reference_by_the_only_add_on_says_so(run_cli, tmp_path):
    addons = {"solo": {"name": "Solo", "plans": ["pro"], "price": 1, "requires": ["duo"]}}
    result = run_cli(["validate", str(write(tmp_path, PLANS, addons))])
    assert result.exit_code == 3
    assert "no add-ons are declared" not in result.stderr
    assert 'expected another declared add-on, but "solo" is the only one.' in result.stderr


# -- adds nothing: lint against the evaluator's entitlements ------------------------------

LIMITS = st.one_of(st.integers(0, 20), st.just("unlimited"))


@st.composite
def grant(draw, feature: str, on_addon: bool):
    kind = FEATURES[feature]["type"]
    if kind == "boolean":
        return True
    if kind == "enum":
        values = FEATURES[feature]["values"]
        return draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
    if kind == "config":
        value = {"value": draw(st.integers(0, 90))}
    else:
        value = {"limit": draw(LIMITS), "soft": draw(st.booleans())}
        if feature == "calls":
            value["reset"] = "month"
    if on_addon and draw(st.booleans()):
        value["behavior"] = draw(st.sampled_from(["increment", "override"]))
    return value


@st.composite
def grants(draw, on_addon: bool):
    chosen = draw(st.lists(st.sampled_from(list(FEATURES)), unique=True, max_size=3))
    return {f: draw(grant(f, on_addon)) for f in chosen}


@st.composite
def plans_and_addon(draw):
    plans = {"basic": {**PLANS["basic"], "entitlements": draw(grants(False))}}
    pro = {**PLANS["pro"], "entitlements": draw(grants(False))}
    if draw(st.booleans()):
        pro["charges"] = {"seats": {"model": "per_unit", "unit_price": 2}}  # bought in advance
    plans["pro"] = pro
    addon = {"name": "X", "plans": ["basic", "pro"], "price": 1}
    addon["max_quantity"] = draw(st.integers(1, 3))
    addon["entitlements"] = draw(grants(True))
    return plans, {"x": addon}


def access(ent) -> tuple:
    """What an entitlement lets a customer do (an unlimited grant's soft flag is moot)."""
    if ent is None:
        return (None,)
    if ent.unlimited:
        return ("unlimited",)
    return (ent.limit, ent.soft, ent.value, tuple(sorted(ent.values)))


@SETTINGS
@given(case=plans_and_addon())
def test_adds_nothing_is_what_the_evaluator_computes(tmp_path_factory, case):
    plans, addons = case
    build = compiled(tmp_path_factory.mktemp("n"), plans, addons)
    module = load_evaluator(build.catalog)
    flagged = {re.search(r'to plan "([^"]+)"', m).group(1)
               for m in findings(build, "ADDON_ADDS_NOTHING").get("x", [])}  # fmt: skip
    for pid, plan in build.catalog.plans.items():
        quantities = {c.feature: 0 for c in plan.charges if c.billing == "in_advance"}
        alone = module.entitlements(module.Subscription(plan=pid, quantities=quantities))
        most = addons["x"]["max_quantity"]
        sub = module.Subscription(plan=pid, quantities=quantities, addons={"x": most})
        with_it = module.entitlements(sub)
        same = all(access(alone.get(f)) == access(with_it.get(f)) for f in FEATURES)
        assert (pid in flagged) == same, (pid, plan.entitlements, addons)


# -- identical and dominated ----------------------------------------------------------------


def pack(limit, price, **extra) -> dict:
    return {"name": "Pack", "plans": ["pro"], "price": price,
            "entitlements": {"seats": {"limit": limit}}, **extra}  # fmt: skip


def test_dominated_needs_no_more_money_and_no_less_anywhere(tmp_path):
    pro = {**PLANS["pro"], "entitlements": {"seats": 5}}
    plans = {"basic": PLANS["basic"], "pro": pro}

    def verdict(addons) -> dict[str, set[str]]:
        build = compiled(tmp_path, plans, addons)
        return {rule: set(findings(build, rule)) for rule in ("ADDON_DOMINATED", "ADDON_IDENTICAL")}

    # 10 seats for 8 beats 5 seats for 9
    assert verdict({"s": pack(5, 9), "l": pack(10, 8)})["ADDON_DOMINATED"] == {"s"}
    # 10 seats for 10 against 5 for 9: more for more money, a fair choice
    assert verdict({"s": pack(5, 9), "l": pack(10, 10)})["ADDON_DOMINATED"] == set()
    # the bigger pack can be bought only once, the smaller three times
    assert verdict({"s": pack(5, 9, max_quantity=3), "l": pack(10, 8)})["ADDON_DOMINATED"] == set()
    # the bigger pack needs another add-on
    other = {"name": "O", "plans": ["pro"], "price": 0, "entitlements": {"sso": True}}
    needs = {"s": pack(5, 9), "l": pack(10, 8, requires=["o"]), "o": other}
    assert verdict(needs)["ADDON_DOMINATED"] == set()
    # an override of 10 is not an increment of 5: on a plan of 5 seats, 10 < 5 + 5 × 2
    over = {"s": pack(5, 9, max_quantity=2), "l": pack(10, 8, max_quantity=2)}
    over["l"]["entitlements"]["seats"]["behavior"] = "override"
    assert verdict(over)["ADDON_DOMINATED"] == set()
    # the same pack twice: identical, the later one reported
    assert verdict({"s": pack(5, 9), "t": pack(5, 9)}) == {
        "ADDON_DOMINATED": set(),
        "ADDON_IDENTICAL": {"t"},
    }


def test_lint_arithmetic_keeps_every_digit(tmp_path):
    """An annual price of exactly 12 × a monthly price of 35 digits is no discount; in
    Python's default 28-digit context 12 × monthly rounded up and hid it. A millionth
    less is a discount."""
    monthly = Decimal("12345678901234567890123456789.123456")
    exactly = Decimal("148148146814814814681481481469.481472")  # 12 × monthly, by hand
    with localcontext(Context(prec=100)):
        assert exactly == 12 * monthly
        less = exactly - Decimal("0.000001")
    PRODUCT["billing_periods"] = ["monthly", "annual"]
    try:
        found = []
        for annual in (exactly, less):
            price = {"monthly": str(monthly), "annual": str(annual)}
            plans = {"basic": PLANS["basic"], "pro": {**PLANS["pro"], "price": price}}
            build = compiled(tmp_path, plans, {})
            found.append({d.rule for d in lint(build.catalog, build.sources)})
    finally:
        PRODUCT["billing_periods"] = ["monthly"]
    assert "PRICE_NO_ANNUAL_DISCOUNT" in found[0]
    assert "PRICE_NO_ANNUAL_DISCOUNT" not in found[1]


# -- the lint: section applies to every command ------------------------------------------------


def lowering(lint_section: dict | None = None) -> dict:
    """A child plan lowering an inherited limit (the compiler's PLAN_LIMIT_LOWERED)."""
    plans = {
        "basic": {**PLANS["basic"], "entitlements": {"seats": 10}},
        "pro": {**PLANS["pro"], "extends": "basic", "entitlements": {"seats": 5}},
    }
    return plans, ({"lint": lint_section} if lint_section else {})


def test_the_lint_section_configures_validate_and_generate(run_cli, tmp_path):
    plans, _ = lowering()
    path = write(tmp_path, plans, {})
    result = run_cli(["validate", str(path)])
    assert result.exit_code == 0 and "[PLAN_LIMIT_LOWERED]" in result.stderr

    plans, extra = lowering({"disable": ["PLAN_LIMIT_LOWERED"]})
    path = write(tmp_path, plans, {}, extra)
    for args in (["validate", str(path)], ["generate", str(path), "-o", str(tmp_path / "out")]):
        result = run_cli(args)
        assert result.exit_code == 0, result.stderr
        assert "PLAN_LIMIT_LOWERED" not in result.stderr

    plans, extra = lowering({"severity": {"PLAN_LIMIT_LOWERED": "error"}})
    path = write(tmp_path, plans, {}, extra)
    for args in (["validate", str(path)], ["generate", str(path), "-o", str(tmp_path / "out2")]):
        result = run_cli(args)
        assert result.exit_code == 3
        assert "error: " in result.stderr and "[PLAN_LIMIT_LOWERED]" in result.stderr
    assert not (tmp_path / "out2").exists()


def test_a_bad_lint_section_is_an_error_in_validate_too(run_cli, tmp_path):
    plans, extra = lowering({"disable": ["PLAN_LIMIT_LOWERD"]})
    result = run_cli(["validate", str(write(tmp_path, plans, {}, extra)), "--error-format", "json"])
    assert result.exit_code == 3
    (problem,) = [d for d in json.loads(result.stdout) if d["rule"] == "LINT_CONFIG_INVALID"]
    assert 'did you mean "PLAN_LIMIT_LOWERED"' in problem["message"]


def test_lint_command_line_still_wins_over_the_catalog(run_cli, tmp_path):
    plans, extra = lowering({"disable": ["PLAN_LIMIT_LOWERED"]})
    path = str(write(tmp_path, plans, {}, extra))
    assert "PLAN_LIMIT_LOWERED" not in run_cli(["lint", path]).stderr
    result = run_cli(["lint", path, "--severity", "PLAN_LIMIT_LOWERED=warning"])
    assert result.exit_code == 0 and "[PLAN_LIMIT_LOWERED]" in result.stderr
