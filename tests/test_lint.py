"""pricegen lint: one catalog per rule under tests/cases/lint/<RULE>/, and configuration.

Each case triggers its rule and no other, so a case documents its rule. The
configuration tests change severities in the catalog (``lint:``) and on the
command line, which wins.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CASES, case_dirs
from evaluator_support import catalog_yaml, example_catalogs, example_id

from pricegen.lint import CONFIGURABLE, LINT_RULES
from pricegen.rules import RULES

LINT_CASES = case_dirs("lint")
# Compiler warnings that lint reports and configures as well.
SURFACED = sorted(r.id for r in RULES if r.id in {"PLAN_LIMIT_LOWERED", "PLAN_FEATURE_DROPPED"})


def findings(run_cli, path, *args) -> tuple[int, list[dict]]:
    result = run_cli(["lint", str(path), "--error-format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def test_every_lint_rule_has_a_case():
    names = {case.name for case in LINT_CASES}
    missing = [r.id for r in LINT_RULES if r.id not in names] + [
        r for r in SURFACED if r not in names
    ]
    assert missing == []


@pytest.mark.parametrize("case", LINT_CASES, ids=lambda p: p.name)
def test_case_triggers_its_rule_and_only_it(run_cli, case: Path):
    code, found = findings(run_cli, case / "pricing.yaml")
    assert {f["rule"] for f in found} == {case.name}
    rule = next((r for r in LINT_RULES if r.id == case.name), None)
    severity = rule.severity.value if rule else "warning"
    assert {f["severity"] for f in found} == {severity}
    assert code == (3 if severity == "error" else 0)
    assert all(f["line"] > 1 for f in found), "findings point into the file"


@pytest.mark.parametrize(
    "case", [c for c in LINT_CASES if c.name in CONFIGURABLE], ids=lambda p: p.name
)
def test_each_rule_can_be_disabled_and_raised(run_cli, case: Path):
    path = case / "pricing.yaml"
    assert findings(run_cli, path, "--disable", case.name) == (0, [])
    code, found = findings(run_cli, path, "--severity", f"{case.name}=error")
    assert code == 3 and {f["severity"] for f in found} == {"error"}


@pytest.mark.parametrize("catalog_path", example_catalogs(), ids=example_id)
def test_examples_are_lint_clean(run_cli, catalog_path):
    assert findings(run_cli, catalog_path) == (0, [])


def test_registry_is_documented():
    ids = [r.id for r in LINT_RULES]
    assert len(ids) == len(set(ids))
    assert not set(ids) & {r.id for r in RULES}, "lint ids differ from the compiler's"
    for rule in LINT_RULES:
        assert rule.id.isupper() and rule.purpose.endswith(".") and rule.example
    spec = (Path(__file__).parents[1] / "spec" / "review.md").read_text(encoding="utf-8")
    for rule_id in ids + SURFACED:
        assert f"`{rule_id}`" in spec


def test_rules_command_lists_lint_rules(run_cli):
    listed = run_cli(["rules"]).stdout
    assert all(rule.id in listed for rule in LINT_RULES)
    assert all(rule.id in run_cli(["lint", "--list-rules"]).stdout for rule in LINT_RULES)


# -- configuration ----------------------------------------------------------------------------


def with_lint(case: str, lint: dict, tmp_path: Path) -> Path:
    text = (CASES / "lint" / case / "pricing.yaml").read_text(encoding="utf-8")
    path = tmp_path / "pricing.yaml"
    body = text.replace("pricegen: 1\n", "")
    path.write_text("pricegen: 1\n" + catalog_yaml({"lint": lint}) + body, encoding="utf-8")
    return path


def test_catalog_disables_a_rule(run_cli, tmp_path):
    path = with_lint(
        "PLAN_DESCRIPTION_MISSING", {"disable": ["PLAN_DESCRIPTION_MISSING"]}, tmp_path
    )
    assert findings(run_cli, path) == (0, [])


def test_catalog_sets_severity(run_cli, tmp_path):
    path = with_lint("PLAN_DOMINATED", {"severity": {"PLAN_DOMINATED": "error"}}, tmp_path)
    code, found = findings(run_cli, path)
    assert code == 3 and [(f["rule"], f["severity"]) for f in found] == [
        ("PLAN_DOMINATED", "error")
    ]
    path = with_lint("PLAN_DOMINATED", {"severity": {"PLAN_DOMINATED": "off"}}, tmp_path)
    assert findings(run_cli, path) == (0, [])


def test_a_lint_rule_set_to_error_fails_every_command_as_it_fails_lint(run_cli, tmp_path):
    """spec/review.md: such a rule fails validate and generate as it fails lint, so a CI
    that runs only the validate hook cannot ship what lint rejects."""
    path = with_lint("PLAN_DOMINATED", {"severity": {"PLAN_DOMINATED": "error"}}, tmp_path)
    for args in (["validate", str(path)], ["generate", str(path), "-o", str(tmp_path / "out")]):
        result = run_cli([*args, "--error-format", "json"])
        assert result.exit_code == 3, result.output
        assert [(f["rule"], f["severity"]) for f in json.loads(result.stdout)] == [
            ("PLAN_DOMINATED", "error")
        ]
    assert not (tmp_path / "out").exists()
    # as a warning it is lint's alone: validate stays quiet about it
    path = with_lint("PLAN_DOMINATED", {"severity": {"PLAN_DOMINATED": "warning"}}, tmp_path)
    result = run_cli(["validate", str(path), "--error-format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_catalog_configures_compiler_warnings(run_cli, tmp_path):
    path = with_lint("PLAN_LIMIT_LOWERED", {"severity": {"PLAN_LIMIT_LOWERED": "error"}}, tmp_path)
    code, found = findings(run_cli, path)
    assert code == 3 and [f["severity"] for f in found] == ["error"]


def test_command_line_wins_over_catalog(run_cli, tmp_path):
    path = with_lint("PLAN_DOMINATED", {"severity": {"PLAN_DOMINATED": "error"}}, tmp_path)
    code, found = findings(run_cli, path, "--severity", "PLAN_DOMINATED=warning")
    assert code == 0 and [f["severity"] for f in found] == ["warning"]
    assert findings(run_cli, path, "--disable", "PLAN_DOMINATED") == (0, [])


def test_strict_turns_warnings_into_errors(run_cli):
    code, found = findings(run_cli, CASES / "lint" / "PLAN_DOMINATED" / "pricing.yaml", "--strict")
    assert code == 3 and [f["severity"] for f in found] == ["error"]


def test_unknown_rule_in_catalog_is_placed(run_cli, tmp_path):
    path = with_lint("PLAN_DOMINATED", {"severity": {"SCHEMA": "off", "NOPE": "off"}}, tmp_path)
    code, found = findings(run_cli, path)
    invalid = [f for f in found if f["rule"] == "LINT_CONFIG_INVALID"]
    assert code == 3 and len(invalid) == 2
    assert any("cannot be configured" in f["message"] for f in invalid)
    assert sorted(f["line"] for f in invalid) == [4, 5]  # the keys under lint.severity


@pytest.mark.parametrize(
    "args",
    [
        ["--disable", "NOPE"],
        ["--severity", "SCHEMA=off"],
        ["--severity", "PLAN_DOMINATED=loud"],
        ["--severity", "PLAN_DOMINATED"],
    ],
)
def test_bad_command_line_configuration_is_a_usage_error(run_cli, args):
    result = run_cli(["lint", str(CASES / "lint" / "PLAN_DOMINATED" / "pricing.yaml"), *args])
    assert result.exit_code == 2


def test_lint_section_is_checked_by_the_schema(run_cli, tmp_path):
    path = with_lint("PLAN_DOMINATED", {"severity": {"PLAN_DOMINATED": "loud"}}, tmp_path)
    result = run_cli(["validate", str(path)])
    assert result.exit_code == 3 and "[SCHEMA]" in result.stderr


def test_text_format_is_compiler_style(run_cli):
    path = CASES / "lint" / "TIER_PRICE_RISING" / "pricing.yaml"
    result = run_cli(["lint", str(path)])
    assert result.exit_code == 0
    assert f"{path}:16:14: warning: " in result.stderr
    assert result.stderr.rstrip().endswith("1 warning")


def test_catalog_errors_stop_lint(run_cli, tmp_path):
    path = tmp_path / "pricing.yaml"
    path.write_text("pricegen: 1\nplans: {}\n", encoding="utf-8")
    assert run_cli(["lint", str(path)]).exit_code == 3


# -- rules that need a second look ---------------------------------------------------------------

BASE = {
    "pricegen": 1,
    "product": {"id": "t", "name": "T", "currencies": ["USD"], "billing_periods": ["monthly"]},
    "features": {
        "seats": {"name": "Seats", "type": "metered", "meter": "fluctuating"},
        "sso": {"name": "SSO", "type": "boolean"},
    },
}


def rules_for(run_cli, tmp_path, plans: dict, addons: dict | None = None) -> set[str]:
    path = tmp_path / "pricing.yaml"
    path.write_text(
        catalog_yaml({**BASE, "plans": plans, "addons": addons or {}}), encoding="utf-8"
    )
    return {f["rule"] for f in findings(run_cli, path)[1]}


def plan(price=None, **extra) -> dict:
    data = {"name": "P", "description": "A plan."}
    if price is not None:
        data["price"] = price
    return {**data, **extra}


FREE = plan(default=True, entitlements={"seats": 1})


def test_dominated_by_per_seat_charges(run_cli, tmp_path):
    """basic: 10 a seat; plus: 8 a seat and SSO. At every seat count plus costs less."""
    per_seat = lambda p: {"seats": {"model": "per_unit", "unit_price": p}}  # noqa: E731
    plans = {
        "free": FREE,
        "basic": plan(charges=per_seat(10)),
        "plus": plan(charges=per_seat(8), entitlements={"sso": True}),
    }
    assert rules_for(run_cli, tmp_path, plans) == {"PLAN_DOMINATED"}


def test_not_dominated_when_cheaper_only_for_some_quantities(run_cli, tmp_path):
    """plus: 50 + 5 a seat beats basic's 10 a seat only from 11 seats on."""
    plans = {
        "free": FREE,
        "basic": plan(charges={"seats": {"model": "per_unit", "unit_price": 10}}),
        "plus": plan(
            50,
            charges={"seats": {"model": "per_unit", "unit_price": 5}},
            entitlements={"sso": True},
        ),
    }
    assert rules_for(run_cli, tmp_path, plans) == set()


def test_not_dominated_when_the_better_plan_lacks_an_addon(run_cli, tmp_path):
    plans = {
        "free": FREE,
        "basic": plan(20, entitlements={"seats": 5}),
        "plus": plan(15, entitlements={"seats": 10}),
    }
    addons = {
        "sso": {
            "name": "SSO",
            "description": "SSO.",
            "plans": ["basic"],
            "price": 5,
            "entitlements": {"sso": True},
        }
    }
    assert rules_for(run_cli, tmp_path, plans, addons) == set()


def test_annual_discount_and_falling_tiers_are_fine(run_cli, tmp_path):
    BASE["product"]["billing_periods"] = ["monthly", "annual"]
    try:
        tiers = [
            {"up_to": 10, "unit_price": {"monthly": 5, "annual": 50}},
            {"unit_price": {"monthly": 4, "annual": 40}},
        ]
        plans = {
            "free": FREE,
            "pro": plan(
                {"monthly": 10, "annual": 100},
                charges={"seats": {"model": "volume", "tiers": tiers}},
                entitlements={"sso": True},
            ),
        }
        assert rules_for(run_cli, tmp_path, plans) == set()
    finally:
        BASE["product"]["billing_periods"] = ["monthly"]


def test_explicit_zero_price_is_not_free_by_omission(run_cli, tmp_path):
    plans = {
        "free": plan(default=True, entitlements={"seats": 5}),
        "team": plan(0, entitlements={"seats": 2, "sso": True}),
    }
    assert rules_for(run_cli, tmp_path, plans) == set()


def test_only_amounts_billed_as_written_must_fit_the_minor_unit(run_cli, tmp_path):
    """A unit price, a block price and a many-times add-on are multiplied before the
    line is rounded; a once-only add-on and a tier's flat fee are billed as written."""
    finer = "PRICE_FINER_THAN_MINOR_UNIT"
    seats = {"model": "per_unit", "billing": "in_advance", "unit_price": Decimal("0.0027")}
    pro = plan(Decimal("29"), entitlements={"sso": True}, charges={"seats": seats})
    many = {"name": "A", "plans": ["pro"], "price": Decimal("0.005"), "max_quantity": 100}
    assert finer not in rules_for(run_cli, tmp_path, {"free": FREE, "pro": pro}, {"a": many})
    once = {**many, "max_quantity": 1}
    assert finer in rules_for(run_cli, tmp_path, {"free": FREE, "pro": pro}, {"a": once})
    tiers = [
        {"up_to": 10, "unit_price": Decimal("1"), "flat_price": Decimal("0.015")},
        {"unit_price": Decimal("1")},
    ]
    tiered = plan(Decimal("29"), charges={"seats": {**seats, "model": "graduated", "tiers": tiers}})
    del tiered["charges"]["seats"]["unit_price"]
    assert finer in rules_for(run_cli, tmp_path, {"free": FREE, "pro": tiered})
    exact = plan(Decimal("29.99"), charges={"seats": seats})
    assert finer not in rules_for(run_cli, tmp_path, {"free": FREE, "pro": exact})
