"""Inheritance: flattening with provenance, ladder order, cycles, and narrowing warnings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pricegen import compile_catalog, lower, merge, resolve, source
from pricegen.resolve import find_cycles, ladder_order

HEAD = """\
pricegen: 1
product: {id: shop, name: Shop, currencies: [USD], billing_periods: [monthly]}
features:
  sso: {name: SSO, type: boolean}
  seats: {name: Seats, type: metered, meter: fluctuating}
  calls: {name: Calls, type: metered}
  retention: {name: Retention, type: config}
  export: {name: Export, type: enum, values: [csv, json, parquet]}
"""


def build(tmp_path, plans: str, *, strict: bool = False):
    path = tmp_path / "pricing.yaml"
    path.write_text(HEAD + "plans:\n" + plans)
    return compile_catalog(path, strict=strict, display="pricing.yaml")


def problems(result):
    return [(d.rule, d.line, d.severity.value) for d in result.diagnostics]


LADDER = """\
  free:
    name: Free
    default: true
    entitlements:
      seats: 3
      calls: {limit: 1000, reset: month}
      retention: 7
      export: [csv]
  pro:
    name: Pro
    extends: free
    price: 29
    trial: {days: 14}
    entitlements:
      sso: true
      seats: 10
  enterprise:
    name: Enterprise
    extends: pro
    custom: true
    entitlements:
      calls: {limit: unlimited, reset: month}
      export: [csv, json, parquet]
"""


def test_children_get_every_ancestor_entitlement_with_its_source(tmp_path):
    result = build(tmp_path, LADDER)
    assert result.ok and result.diagnostics == []
    plans = result.catalog.plans
    enterprise = plans["enterprise"].entitlements
    assert {f: e.source for f, e in enterprise.items()} == {
        "sso": "pro",
        "seats": "pro",
        "calls": "enterprise",
        "retention": "free",
        "export": "enterprise",
    }
    assert enterprise["seats"].limit == 10 and enterprise["calls"].unlimited
    assert enterprise["retention"].value == Decimal(7)
    assert plans["enterprise"].ancestors == ("pro", "free")
    assert plans["pro"].ancestors == ("free",) and plans["free"].ancestors == ()


def test_effective_entitlements_follow_feature_order(tmp_path):
    plans = build(tmp_path, LADDER).catalog.plans
    assert list(plans["enterprise"].entitlements) == [
        "sso",
        "seats",
        "calls",
        "retention",
        "export",
    ]


def test_prices_charges_and_trials_are_not_inherited(tmp_path):
    plans = build(tmp_path, LADDER).catalog.plans
    assert plans["pro"].price and plans["pro"].trial is not None
    assert plans["enterprise"].price is None and plans["enterprise"].trial is None
    assert plans["enterprise"].charges == ()


def test_parents_resolve_first_whatever_the_file_order(tmp_path):
    reordered = """\
  top:
    name: Top
    extends: mid
    entitlements: {seats: 50}
  mid:
    name: Mid
    extends: base
    entitlements: {sso: true}
  base:
    name: Base
    entitlements: {seats: 5}
"""
    result = build(tmp_path, reordered)
    assert result.ok, result.diagnostics
    top = result.catalog.plans["top"].entitlements
    assert (top["sso"].source, top["seats"].source, top["seats"].limit) == ("mid", "top", 50)
    assert ladder_order(result.catalog.plans) == ["base", "mid", "top"]


def test_ladder_order_keeps_catalog_order_otherwise(tmp_path):
    plans = build(tmp_path, LADDER).catalog.plans
    assert ladder_order(plans) == ["free", "pro", "enterprise"]


# -- cycles ------------------------------------------------------------------


def test_find_cycles_names_each_loop_once_from_its_first_plan():
    parents = {"a": "c", "b": "a", "c": "b", "d": "d", "e": "a", "f": None, "g": "nowhere"}
    assert find_cycles(parents) == [["a", "c", "b"], ["d"]]


def test_find_cycles_without_cycles():
    assert find_cycles({"a": None, "b": "a", "c": "b"}) == []


CYCLE = """\
  alpha:
    name: Alpha
    extends: gamma
  beta:
    name: Beta
    extends: alpha
  gamma:
    name: Gamma
    extends: beta
  tail:
    name: Tail
    extends: alpha
"""


def test_a_cycle_is_one_error_naming_the_whole_loop(tmp_path):
    result = build(tmp_path, CYCLE)
    assert not result.ok
    [diagnostic] = result.diagnostics
    assert (diagnostic.rule, diagnostic.line, diagnostic.col) == ("PLAN_EXTENDS_CYCLE", 12, 14)
    assert '"alpha" → "gamma" → "beta" → "alpha"' in diagnostic.message
    assert "tail" not in diagnostic.message


def test_a_plan_extending_itself(tmp_path):
    result = build(tmp_path, "  solo:\n    name: Solo\n    extends: solo\n")
    [diagnostic] = result.diagnostics
    assert diagnostic.rule == "PLAN_EXTENDS_CYCLE" and '"solo" → "solo"' in diagnostic.message


def test_resolve_itself_still_refuses_a_cycle(tmp_path):
    """Without the checks stage, resolve reports the cycle rather than looping forever."""
    path = tmp_path / "pricing.yaml"
    path.write_text(HEAD + "plans:\n" + CYCLE)
    files, _ = source.load(path, "pricing.yaml")
    raw, _ = merge.merge(files)
    catalog, diagnostics = resolve.resolve(lower.lower(raw))
    assert [d.rule for d in diagnostics] == ["PLAN_EXTENDS_CYCLE"]
    assert '"alpha" → "gamma" → "beta" → "alpha"' in diagnostics[0].message


# -- narrowing warnings ------------------------------------------------------


@pytest.mark.parametrize(
    ("child", "rule", "wording"),
    [
        ("seats: 2", "PLAN_LIMIT_LOWERED", 'lowers "seats" from 3 to 2'),
        (
            "calls: {limit: 10, reset: month}",
            "PLAN_LIMIT_LOWERED",
            'lowers "calls" from 1000 to 10',
        ),
        ("retention: 1.5", "PLAN_LIMIT_LOWERED", 'lowers "retention" from 7 to 1.5'),
        ("sso: false", "PLAN_FEATURE_DROPPED", 'drops feature "sso"'),
        ("seats: false", "PLAN_FEATURE_DROPPED", 'drops feature "seats"'),
        ("export: [json]", "PLAN_FEATURE_DROPPED", 'drops "csv" from "export"'),
    ],
)
def test_narrowing_an_inherited_entitlement_warns(tmp_path, child, rule, wording):
    plans = f"""\
  base:
    name: Base
    entitlements: {{seats: 3, calls: {{limit: 1000, reset: month}}, retention: 7, sso: true, export: [csv]}}
  child:
    name: Child
    extends: base
    entitlements:
      {child}
"""  # noqa: E501
    result = build(tmp_path, plans)
    assert result.ok  # warnings only
    [diagnostic] = result.diagnostics
    assert (diagnostic.rule, diagnostic.severity.value, diagnostic.line, diagnostic.col) == (
        rule,
        "warning",
        17,
        7,
    )
    assert wording in diagnostic.message and '"base"' in diagnostic.message
    strict = build(tmp_path, plans, strict=True)
    assert not strict.ok and [d.severity.value for d in strict.diagnostics] == ["error"]


def test_a_grandchild_warning_names_where_the_value_came_from(tmp_path):
    plans = """\
  a:
    name: A
    entitlements: {seats: 10}
  b:
    name: B
    extends: a
    entitlements: {sso: true}
  c:
    name: C
    extends: b
    entitlements: {seats: 5}
"""
    [diagnostic] = build(tmp_path, plans).diagnostics
    assert 'lowers "seats" from 10 to 5, inherited from "a"' in diagnostic.message


@pytest.mark.parametrize(
    "child",
    [
        "seats: 30",
        "seats: unlimited",
        "calls: {limit: 1000, reset: day}",
        "retention: 30",
        "export: [csv, parquet]",
        "sso: true",
    ],
)
def test_keeping_or_raising_an_inherited_entitlement_is_quiet(tmp_path, child):
    plans = f"""\
  base:
    name: Base
    entitlements: {{seats: 3, calls: {{limit: 1000, reset: month}}, retention: 7, sso: true, export: [csv]}}
  child:
    name: Child
    extends: base
    entitlements:
      {child}
"""  # noqa: E501
    result = build(tmp_path, plans, strict=True)
    assert result.ok and result.diagnostics == []


def test_unlimited_to_a_number_is_lowering(tmp_path):
    plans = """\
  base: {name: Base, entitlements: {seats: unlimited}}
  child: {name: Child, extends: base, entitlements: {seats: 100}}
"""
    [diagnostic] = build(tmp_path, plans).diagnostics
    assert 'lowers "seats" from unlimited to 100' in diagnostic.message


def test_variable_entitlements_are_not_lowering(tmp_path):
    plans = """\
  base: {name: Base, entitlements: {seats: 100, retention: 30}}
  deal:
    name: Deal
    extends: base
    custom: true
    entitlements: {seats: {variable: true}, retention: {variable: true}}
"""
    result = build(tmp_path, plans, strict=True)
    assert result.ok and result.diagnostics == []
    assert result.catalog.plans["deal"].entitlements["seats"].variable


def test_a_dropped_feature_leaves_the_effective_set(tmp_path):
    plans = """\
  base: {name: Base, entitlements: {sso: true, seats: 3}}
  child: {name: Child, extends: base, entitlements: {sso: false}}
"""
    child = build(tmp_path, plans).catalog.plans["child"].entitlements
    assert list(child) == ["seats"] and child["seats"].source == "base"
