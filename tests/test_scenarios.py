"""Scenarios files: checks against the catalog, expansion, and `pricegen quote --scenarios`.

The SCENARIO_* rules each have a case under ``tests/cases/invalid/<RULE>/``:
a valid ``pricing.yaml`` and a ``scenarios.yaml`` broken in exactly one way,
on the line marked ``# <-- RULE``. They run through ``pricegen quote
--scenarios`` here, since ``pricegen validate`` never reads a scenarios file.
"""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CASES, REPO, invoke
from jsonschema import Draft202012Validator

from pricegen import scenarios as sc
from pricegen.config import Config
from pricegen.pipeline import compile_catalog
from pricegen.rules import RULES
from pricegen.runtime import load_evaluator

EXAMPLE = REPO / "examples" / "quote-snapshots"
SCENARIO_RULES = sorted(rule.id for rule in RULES if rule.category == "scenarios")
SCENARIO_CASES = sorted((CASES / "invalid").glob("SCENARIO_*"))
DIAGNOSTIC = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.+) \[(?P<rule>[A-Z_]+)\]$"
)


@pytest.fixture(scope="module")
def module():
    """The example's evaluator, compiled once for this file."""
    build = compile_catalog(EXAMPLE / "pricing")
    assert build.ok, build.diagnostics
    return load_evaluator(build.catalog, Config(include_drafts=True))


def write(tmp_path: Path, text: str, name: str = "scenarios.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def load(module, tmp_path, text):
    return sc.load(write(tmp_path, text), module.CATALOG, "scenarios.yaml")


def diagnostics_of(stderr: str) -> list[dict]:
    return [m.groupdict() for line in stderr.splitlines() if (m := DIAGNOSTIC.match(line))]


# -- every rule has a case, and each case breaks exactly its rule ----------------------


def test_every_scenario_rule_has_a_case():
    assert [case.name for case in SCENARIO_CASES] == SCENARIO_RULES


@pytest.mark.parametrize("case", SCENARIO_CASES, ids=lambda p: p.name)
def test_scenario_case(case: Path, monkeypatch):
    rule = case.name
    monkeypatch.chdir(case)
    assert invoke(["validate", "pricing.yaml"]).exit_code == 0, "the case's catalog must be valid"
    assert (case / "README.md").read_text("utf-8").startswith(f"# {rule}\n")

    result = invoke(["quote", "pricing.yaml", "--scenarios", "scenarios.yaml"])

    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    found = diagnostics_of(result.stderr)
    assert [d["rule"] for d in found] == [rule], result.stderr
    (diagnostic,) = found
    marked = [
        number
        for number, line in enumerate((case / "scenarios.yaml").read_text("utf-8").splitlines(), 1)
        if line.rstrip().endswith(f"# <-- {rule}")
    ]
    assert (diagnostic["path"], [int(diagnostic["line"])]) == ("scenarios.yaml", marked)
    message = diagnostic["message"]
    assert message[0].isupper() or message[0] in '"$'
    assert message.endswith((".", "?"))
    assert any(hint in message for hint in ("expected", "did you mean", "known ")), message
    assert result.stderr.endswith("1 error\n")


# -- the typos users make ---------------------------------------------------------------


def test_typos_are_errors_with_positions_and_hints(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLE / "pricing", tmp_path / "pricing")
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        "scenarios:\n"
        "  agency:\n"
        "    plan: teem\n"
        "    quantities: {seats: 5}\n"
        "  consultancy:\n"
        "    plan: business\n"
        "    quantities: {seatz: 40}\n"
        "    addons: {audit-logs: 1}\n"
        "    currency: EUX\n",
    )
    result = invoke(["quote", "pricing", "--scenarios", "scenarios.yaml"])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (
        'scenarios.yaml:3:11: error: Plan "teem" is not in the catalog; did you mean "team"? [SCENARIO_PLAN_UNKNOWN]\n'  # noqa: E501
        'scenarios.yaml:7:18: error: Feature "seatz" is not in the catalog; did you mean "seats"? [SCENARIO_FEATURE_UNKNOWN]\n'  # noqa: E501
        'scenarios.yaml:8:14: error: Add-on "audit-logs" is not in the catalog; did you mean "audit-log"? [SCENARIO_ADDON_UNKNOWN]\n'  # noqa: E501
        'scenarios.yaml:9:15: error: Currency "EUX" is not one of the product\'s; did you mean "EUR"? [SCENARIO_CURRENCY_UNKNOWN]\n'  # noqa: E501
        "4 errors\n"
    )


def test_schema_typos(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLE / "pricing", tmp_path / "pricing")
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        "defaults:\n  period: montly\nscenarioz:\n  agency: {plan: team, quantities: {seats: 5}}\n",
    )
    result = invoke(["quote", "pricing", "--scenarios", "scenarios.yaml"])
    assert result.exit_code == 3
    assert result.stderr == (
        (
            '$: the file has neither "scenarios" nor "matrix"; '
            "expected at least one of them at the top level."
        ).join(["scenarios.yaml:1:1: error: ", " [SCENARIO_SCHEMA]\n"])
        + 'scenarios.yaml:2:11: error: $.defaults.period: "montly" is not one of "monthly", '
        '"quarterly", "annual"; did you mean "monthly"? [SCENARIO_SCHEMA]\n'
        'scenarios.yaml:3:1: error: $.scenarioz: unknown key "scenarioz"; '
        'did you mean "scenarios"? [SCENARIO_SCHEMA]\n'
        "3 errors\n"
    )


@pytest.mark.parametrize(
    ("text", "rule", "where"),
    [
        ("", "YAML_EMPTY", "1:1"),
        ("scenarios:\n  a: {plan: team\n", "YAML_SYNTAX", "2:6"),
        ("scenarios:\n  a: {plan: free}\n  a: {plan: team}\n", "YAML_DUPLICATE_KEY", "3:3"),
        ("scenarios:\n\ta: {plan: free}\n", "YAML_TAB", "2:1"),
        ("- free\n- team\n", "SCENARIO_SCHEMA", "1:1"),
        ("scenarios:\n  Agency 5: {plan: free}\n", "SCENARIO_SCHEMA", "2:3"),
        ("scenarios:\n  a: {plan: team, quantities: {seats: 2.5}}\n", "SCENARIO_SCHEMA", "2:39"),
        ("scenarios:\n  a: {plan: team, quantities: {seats: -1}}\n", "SCENARIO_SCHEMA", "2:39"),
        ("matrix:\n  - name: '{plan}-{curency}'\n", "SCENARIO_SCHEMA", "2:11"),
    ],
)
def test_file_problems_are_diagnostics(module, tmp_path, text, rule, where):
    found, diagnostics = load(module, tmp_path, text)
    assert found == []
    assert [(d.rule, f"{d.line}:{d.col}") for d in diagnostics] == [(rule, where)]
    assert "expected" in diagnostics[0].message


def test_empty_file_message_is_about_scenarios(module, tmp_path):
    _, (diagnostic,) = load(module, tmp_path, "# nothing yet\n")
    assert (
        diagnostic.message
        == "The file has no content; expected a scenarios file with scenarios: or matrix:."
    )


def test_a_missing_scenarios_file_is_a_usage_error(monkeypatch):
    monkeypatch.chdir(EXAMPLE)
    result = invoke(["quote", "pricing", "--scenarios", "no-such-file.yaml"])
    assert result.exit_code == 2
    assert "no-such-file.yaml" in result.stderr and "does not exist" in result.stderr


def test_catalog_errors_come_first(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLE / "pricing", tmp_path / "pricing")
    shutil.copy(EXAMPLE / "scenarios.yaml", tmp_path)
    plans = tmp_path / "pricing" / "plans.yaml"
    plans.write_text(
        plans.read_text("utf-8").replace("extends: team", "extends: teams", 1), "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = invoke(["quote", "pricing", "--scenarios", "scenarios.yaml"])
    assert result.exit_code == 3
    assert "[PLAN_EXTENDS_UNKNOWN]" in result.stderr
    assert "SCENARIO_" not in result.stderr and result.stdout == ""


# -- expansion --------------------------------------------------------------------------


def test_defaults_fill_in_and_merge(module, tmp_path):
    found, diagnostics = load(
        module,
        tmp_path,
        "defaults:\n"
        "  currency: EUR\n"
        "  quantities: {seats: 4}\n"
        "  addons: {audit-log: 1}\n"
        "  usage: {api-calls: 20000}\n"
        "scenarios:\n"
        "  team:\n"
        "    plan: team\n"
        "  business-annual:\n"
        "    description: Bigger.\n"
        "    plan: business\n"
        "    period: annual\n"
        "    currency: USD\n"
        "    quantities: {seats: 30}\n"
        "    addons: {audit-log: 0}\n",
    )
    assert diagnostics == []
    assert [s.to_dict() for s in found] == [
        {
            "plan": "team",
            "period": "monthly",
            "currency": "EUR",
            "quantities": {"seats": 4},
            "addons": {"audit-log": 1},
            "usage": {"api-calls": 20000},
            "trial": False,
            "existing": False,
        },
        {
            "plan": "business",
            "period": "annual",
            "currency": "USD",
            "quantities": {"seats": 30},
            "addons": {"audit-log": 0},
            "usage": {"api-calls": 20000},
            "trial": False,
            "existing": False,
        },
    ]
    assert [s.description for s in found] == ["", "Bigger."]
    assert [(s.loc.line, s.loc.col) for s in found] == [(7, 3), (9, 3)]


def test_defaults_quantities_apply_only_where_sold(module, tmp_path):
    found, diagnostics = load(
        module, tmp_path, "defaults:\n  quantities: {seats: 4}\nscenarios:\n  free: {plan: free}\n"
    )
    assert diagnostics == []
    assert found[0].quantities == {}


def test_matrix_defaults_to_every_published_plan_with_a_price(module, tmp_path):
    found, diagnostics = load(module, tmp_path, "matrix:\n  - quantities: {seats: 10}\n")
    assert diagnostics == []
    # starter is archived and enterprise is custom: neither is in a default matrix.
    assert [s.name for s in found] == [
        f"{plan}-{period}-{currency}"
        for plan in ("free", "team", "business")
        for period in ("monthly", "annual")
        for currency in ("usd", "eur")
    ]
    assert {s.name: s.quantities for s in found}["free-monthly-usd"] == {}
    assert {s.name: s.quantities for s in found}["team-annual-eur"] == {"seats": 10}
    assert {s.name: s.currency for s in found}["team-annual-eur"] == "EUR"


def test_matrix_axes_and_template(module, tmp_path):
    found, diagnostics = load(
        module,
        tmp_path,
        "scenarios:\n"
        "  first: {plan: free}\n"
        "matrix:\n"
        "  - name: '{currency}.{plan}-20'\n"
        "    plans: [business, team]\n"
        "    periods: [annual]\n"
        "    currencies: [EUR]\n"
        "    quantities: {seats: 20}\n"
        "    usage: {api-calls: 5}\n"
        "  - name: starter-{period}\n"
        "    plans: [starter]\n"
        "    currencies: [USD]\n"
        "    existing: true\n",
    )
    assert diagnostics == []
    assert [(s.name, s.plan, s.period, s.currency) for s in found] == [
        ("first", "free", "monthly", "USD"),
        ("eur.business-20", "business", "annual", "EUR"),
        ("eur.team-20", "team", "annual", "EUR"),
        ("starter-monthly", "starter", "monthly", "USD"),
        ("starter-annual", "starter", "annual", "USD"),
    ]
    assert found[1].usage == {"api-calls": 5}
    assert found[3].existing


def test_file_order_is_kept_across_sections(module, tmp_path):
    found, _ = load(
        module,
        tmp_path,
        "matrix:\n  - {plans: [team], periods: [monthly], currencies: [USD], quantities: {seats: 1}}\n"  # noqa: E501
        "scenarios:\n  z: {plan: free}\n  a: {plan: free}\n",
    )
    assert [s.name for s in found] == ["team-monthly-usd", "z", "a"]


@pytest.mark.parametrize(
    ("text", "rule", "message"),
    [
        (
            "matrix:\n  - plans: [team]\n    quantities: {seats: 1}\n    name: '{plan}'\n",
            "SCENARIO_NAME_DUPLICATE",
            'Matrix entry 1 generates the name "team" for more than one scenario; '
            "expected a name template with {period} and {currency}.",
        ),
        (
            "matrix:\n  - plans: [enterprise]\n",
            "SCENARIO_PLAN_NOT_QUOTABLE",
            'Matrix entry 1: plan "enterprise" is a custom plan with no list price (contact sales); '  # noqa: E501
            "expected a plan with a price.",
        ),
        (
            "matrix:\n  - plans: [team]\n",
            "SCENARIO_QUANTITY_MISSING",
            'Matrix entry 1: plan "team" sells "seats" in advance; expected quantities: {seats: N}.',  # noqa: E501
        ),
        (
            "matrix:\n  - quantities: {seats: 1}\n    addons: {audit-log: 1}\n",
            "SCENARIO_ADDON_NOT_COMPATIBLE",
            'Matrix entry 1: add-on "audit-log" cannot be used with plan "free"; '
            'expected a plan it lists: "team" or "business".',
        ),
        (
            "matrix:\n  - quantities: {seats: 1}\n    trial: true\n",
            "SCENARIO_TRIAL_NONE",
            'Matrix entry 1: plan "free" offers no trial; expected trial: false, '
            'or a plan with a trial ("team" or "business").',
        ),
        (
            "scenarios:\n  a: {plan: starter, existing: true}\nmatrix:\n  - plans: [starter]\n",
            "SCENARIO_PLAN_NOT_QUOTABLE",
            'Matrix entry 1: plan "starter" is archived and sells to no new customer; '
            "expected existing: true for a subscription made before it was archived.",
        ),
    ],
)
def test_matrix_problems(module, tmp_path, text, rule, message):
    found, diagnostics = load(module, tmp_path, text)
    assert found == []
    assert [(d.rule, d.message) for d in diagnostics] == [(rule, message)]


def test_defaults_problems_are_reported_once(module, tmp_path):
    _, diagnostics = load(
        module,
        tmp_path,
        "defaults:\n  usage: {api-call: 1}\nscenarios:\n  a: {plan: free}\n  b: {plan: free}\n",
    )
    assert [(d.rule, d.line) for d in diagnostics] == [("SCENARIO_FEATURE_UNKNOWN", 2)]


# -- quoting ------------------------------------------------------------------------------


def test_example_quotes_as_text(monkeypatch):
    monkeypatch.chdir(EXAMPLE)
    result = invoke(["quote", "pricing", "--scenarios", "scenarios.yaml"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "scenarios.yaml: 14 scenarios, 14 quoted, 0 refused.\n"
    blocks = result.stdout.split("\n\n")
    assert len(blocks) == 14
    assert blocks[1] == (
        "== agency-5: A five-person agency on Team.\n"
        "Quote for plan team, monthly, USD\n"
        "  Team (monthly)                                                1  $12.00\n"
        "  5 members: 5 × $8.00                                          5  $40.00\n"
        "  0 requests (10,000 included, 0 billable): nothing billable    0   $0.00\n"
        "  Total                                                            $52.00"
    )


def test_example_quotes_as_json_mirror_to_dict(module, monkeypatch):
    monkeypatch.chdir(EXAMPLE)
    result = invoke(
        ["quote", "pricing", "--scenarios", "scenarios.yaml", "--output-format", "json"]
    )
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    entries = payload["scenarios"]
    assert len(entries) == 14
    first = entries[4]
    assert first["name"] == "consultancy-annual-eur"
    assert first["subscription"] == {
        "addons": {"audit-log": 1},
        "currency": "EUR",
        "existing": False,
        "period": "annual",
        "plan": "business",
        "quantities": {"seats": 40},
        "trial": False,
        "usage": {"api-calls": 150000},
    }
    sub = module.Subscription(
        plan="business",
        period="annual",
        currency="EUR",
        quantities={"seats": 40},
        addons={"audit-log": 1},
    )
    assert first["quote"] == module.quote(sub, usage={"api-calls": 150000}).to_dict()
    assert first["quote"]["total"] == "4465.00"
    assert result.stdout == json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_example_quotes_as_markdown(monkeypatch):
    monkeypatch.chdir(EXAMPLE)
    result = invoke(
        ["quote", "pricing", "--scenarios", "scenarios.yaml", "--output-format", "markdown"]
    )
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith(
        "### Price quotes\n\n"
        "| Scenario | Plan | Period | Currency | Total |\n"
        "|---|---|---|---|---:|\n"
        "| `freelancer` | free | monthly | USD | $8.00 |\n"
    )
    assert "| `consultancy-annual-eur` | business | annual | EUR | €4,465.00 |\n" in text
    assert text.count("<details>") == text.count("</details>") == 14
    assert (
        "<summary><code>agency-5</code>: $52.00</summary>\n\n"
        "A five-person agency on Team.\n\n"
        "| Item | Quantity | Amount |\n"
        "|---|---:|---:|\n"
        "| Team (monthly) | 1 | $12.00 |\n"
        "| 5 members: 5 × $8.00 | 5 | $40.00 |\n"
        "| 0 requests (10,000 included, 0 billable): nothing billable | 0 | $0.00 |\n"
        "| **Total** | | **$52.00** |\n\n"
        "</details>\n"
    ) in text


def test_a_refused_scenario_is_its_own_error(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLE / "pricing", tmp_path / "pricing")
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        "scenarios:\n"
        "  many-projects:\n"
        "    plan: free\n"
        "    addons: {extra-projects: 5}\n"
        "  agency-5:\n"
        "    plan: team\n"
        "    quantities: {seats: 5}\n",
    )
    for output, flag in (
        ("text", []),
        ("json", ["--output-format", "json"]),
        ("markdown", ["--output-format", "markdown"]),
    ):
        result = invoke(["quote", "pricing", "--scenarios", "scenarios.yaml", *flag])
        assert result.exit_code == 3, output
        assert result.stderr == "scenarios.yaml: 2 scenarios, 1 quoted, 1 refused.\n"
        if output == "text":
            assert result.stdout.startswith(
                "== many-projects\n"
                "error: Add-on 'extra-projects' may be bought at most 4 times, got 5. "
                "[AddonQuantityExceededError]\n\n"
                "== agency-5\n"
            )
        elif output == "json":
            first, second = json.loads(result.stdout)["scenarios"]
            assert first["error"] == {
                "type": "AddonQuantityExceededError",
                "message": "Add-on 'extra-projects' may be bought at most 4 times, got 5.",
            }
            assert "quote" not in first and second["quote"]["total"] == "52.00"
        else:
            assert (
                "| `many-projects` | free | monthly | USD | refused: `AddonQuantityExceededError` |"
                in result.stdout
            )


def test_scenarios_quote_the_generated_module_too(module, tmp_path):
    """A scenarios file checks the same against a compiled catalog and a generated module."""
    out = tmp_path / "generated"
    assert invoke(["generate", str(EXAMPLE / "pricing"), "-o", str(out)]).exit_code == 0
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "tally_pricing_under_test", out / "tally_pricing.py"
    )
    generated = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generated
    try:
        spec.loader.exec_module(generated)
        suite = sc.open_suite(EXAMPLE / "scenarios.yaml", module=generated)
        compiled = sc.open_suite(EXAMPLE / "scenarios.yaml", catalog=EXAMPLE / "pricing")
    finally:
        sys.modules.pop(spec.name, None)
    # The generated module leaves the archived plan in (existing customers), as the CLI does.
    assert suite.ok and compiled.ok
    assert [o.to_dict() for o in suite.run()] == [o.to_dict() for o in compiled.run()]


def test_quotes_are_decimal_exact(module, tmp_path):
    found, _ = load(
        module,
        tmp_path,
        "scenarios:\n  api:\n    plan: team\n    quantities: {seats: 1}\n    usage: {api-calls: 10333}\n",  # noqa: E501
    )
    (outcome,) = sc.run(found, module)
    assert outcome.ok
    assert outcome.quote.lines[-1].amount == Decimal("0.33")  # 333 x 0.001, rounded half-up
    assert outcome.to_dict()["quote"]["total"] == "20.33"


# -- the schema -----------------------------------------------------------------------------


def test_schema_is_valid_and_matches_the_scenario_fields():
    schema = json.loads(sc.schema_text())
    Draft202012Validator.check_schema(schema)
    scenario = set(schema["$defs"]["scenario"]["properties"])
    assert scenario == set(sc._SUBSCRIPTION_KEYS) | {"description"}
    assert set(schema["$defs"]["defaults"]["properties"]) == set(sc._SUBSCRIPTION_KEYS)
    matrix = set(schema["$defs"]["matrix"]["properties"])
    assert matrix == (set(sc._SUBSCRIPTION_KEYS) - {"plan", "period", "currency"}) | {
        "name",
        "description",
        "plans",
        "periods",
        "currencies",
    }
