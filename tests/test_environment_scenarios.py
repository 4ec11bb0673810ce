"""Scenarios files and the pytest plugin in a catalog with environments.

The environment is, in order: the one asked for explicitly (``--env``,
``--pricegen-env``, the marker's ``env``), else the one the scenarios file
names, else ``pricegen_env`` in the ini file, else the catalog's default. A
file that names another environment than its evaluator's is an error.

The example's staging sells team-2027 (a draft in production, so not
quotable there): 5 seats are included, so its monthly USD quote is its base
price, $29.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO, invoke
from test_pytest_plugin import output, run_pytest

from pricegen.environments import UnknownEnvironmentError
from pricegen.pipeline import compile_catalog
from pricegen.runtime import load_evaluator
from pricegen.scenarios import open_suite

CATALOG = REPO / "examples" / "environments" / "pricing"
SCENARIOS = """\
defaults: {period: monthly, currency: USD}
scenarios:
  team-2027-5:
    plan: team-2027
    quantities: {seats: 5}
"""


def scenarios_file(tmp_path: Path, environment: str | None = None) -> Path:
    path = tmp_path / "scenarios.yaml"
    head = f"environment: {environment}\n" if environment else ""
    path.write_text(head + SCENARIOS, "utf-8")
    return path


def totals(suite) -> list[Decimal]:
    assert suite.ok, suite.diagnostics
    return [outcome.quote.total for outcome in suite.run()]


# -- which environment: open_suite and pricegen quote --scenarios -------------------------


def test_the_file_names_the_environment(tmp_path):
    suite = open_suite(scenarios_file(tmp_path, "staging"), catalog=CATALOG)
    assert suite.module.ENVIRONMENT == "staging"
    assert totals(suite) == [Decimal("29.00")]


def test_the_file_beats_the_project_default(tmp_path):
    suite = open_suite(
        scenarios_file(tmp_path, "staging"), catalog=CATALOG, default_env="production"
    )
    assert suite.module.ENVIRONMENT == "staging"


def test_the_project_default_serves_files_that_name_none(tmp_path):
    suite = open_suite(scenarios_file(tmp_path), catalog=CATALOG, default_env="development")
    assert suite.module.ENVIRONMENT == "development"
    assert totals(suite) == [Decimal("29.00")]


def test_without_any_the_default_environment_is_quoted(tmp_path):
    suite = open_suite(scenarios_file(tmp_path), catalog=CATALOG)
    assert suite.module.ENVIRONMENT == "production"
    (problem,) = suite.diagnostics  # team-2027 is a draft in production
    assert problem.rule == "SCENARIO_PLAN_NOT_QUOTABLE"


def test_an_explicit_environment_that_contradicts_the_file_is_an_error(tmp_path):
    path = scenarios_file(tmp_path, "staging")
    suite = open_suite(path, catalog=CATALOG, env="production", display="scenarios.yaml")
    (problem,) = suite.diagnostics
    assert (problem.rule, problem.path, problem.line, problem.col) == (
        "SCENARIO_ENVIRONMENT_MISMATCH",
        "scenarios.yaml",
        1,
        14,
    )
    assert 'generated for "production"' in problem.message and suite.scenarios == []


def test_a_generated_module_is_checked_against_the_file(tmp_path):
    module = load_evaluator(compile_catalog(CATALOG, env="development").catalog)
    suite = open_suite(scenarios_file(tmp_path, "staging"), module=module)
    assert [d.rule for d in suite.diagnostics] == ["SCENARIO_ENVIRONMENT_MISMATCH"]
    assert totals(open_suite(scenarios_file(tmp_path, "development"), module=module)) == [
        Decimal("29.00")
    ]


def test_an_unknown_explicit_environment_raises(tmp_path):
    with pytest.raises(UnknownEnvironmentError):
        open_suite(scenarios_file(tmp_path), catalog=CATALOG, env="nope")


def test_a_file_naming_an_environment_of_a_catalog_without_any(tmp_path):
    plain = REPO / "examples" / "saas-seats" / "pricing.yaml"
    path = tmp_path / "scenarios.yaml"
    path.write_text("environment: staging\nscenarios:\n  free:\n    plan: free\n", "utf-8")
    (problem,) = open_suite(path, catalog=plain).diagnostics
    assert problem.rule == "SCENARIO_ENVIRONMENT_MISMATCH"
    assert "declares no environments" in problem.message


def test_quote_scenarios_with_env(tmp_path):
    path = scenarios_file(tmp_path)
    result = invoke(["quote", str(CATALOG), "--scenarios", str(path), "--env", "staging", "--json"])
    assert result.exit_code == 0, result.stderr
    (scenario,) = json.loads(result.stdout)["scenarios"]
    assert scenario["quote"]["total"] == "29.00"
    refused = invoke(["quote", str(CATALOG), "--scenarios", str(path), "--env", "stagin"])
    assert refused.exit_code == 2 and 'did you mean "staging"?' in refused.stderr


# -- the pytest plugin ----------------------------------------------------------------------

TEST_FILE = """\
from decimal import Decimal


def test_quote(pricing_scenario):
    assert pricing_scenario.module.ENVIRONMENT == "{expected}"
    assert pricing_scenario.quote().total == Decimal("29.00")
"""


def project(tmp_path: Path, *, ini_env=None, file_env=None, expected="staging", marker="") -> Path:
    root = tmp_path / "project"
    shutil.copytree(CATALOG, root / "pricing")
    ini = ['pricegen_catalog = "pricing"', 'pricegen_scenarios = "scenarios.yaml"']
    if ini_env:
        ini.append(f'pricegen_env = "{ini_env}"')
    (root / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\n" + "\n".join(ini) + "\n", "utf-8"
    )
    scenarios_file(root, file_env)
    (root / "tests").mkdir()
    test = TEST_FILE.replace("{expected}", expected)
    if marker:
        test = "import pytest\n" + test.replace("def test_quote", f"{marker}\ndef test_quote")
    (root / "tests" / "test_quotes.py").write_text(test, "utf-8")
    return root


def test_plugin_ini_environment(tmp_path):
    result = run_pytest(project(tmp_path, ini_env="staging"))
    assert result.returncode == 0, output(result)
    assert "1 passed" in result.stdout


def test_plugin_command_line_beats_the_ini(tmp_path):
    root = project(tmp_path, ini_env="production", expected="staging")
    result = run_pytest(root, "--pricegen-env", "staging")
    assert result.returncode == 0, output(result)
    wrong = run_pytest(root)  # production: team-2027 is a draft there
    assert wrong.returncode != 0 and "[SCENARIO_PLAN_NOT_QUOTABLE]" in output(wrong)


def test_plugin_file_beats_the_ini(tmp_path):
    result = run_pytest(project(tmp_path, ini_env="production", file_env="staging"))
    assert result.returncode == 0, output(result)


def test_plugin_marker_environment(tmp_path):
    root = project(tmp_path, marker='@pytest.mark.pricegen(env="staging")')
    result = run_pytest(root)
    assert result.returncode == 0, output(result)


def test_plugin_command_line_contradicting_the_file_fails_collection(tmp_path):
    root = project(tmp_path, file_env="staging")
    result = run_pytest(root, "--pricegen-env", "development")
    text = output(result)
    assert result.returncode != 0
    assert 'scenarios.yaml:1:14: error: The scenarios are for environment "staging"' in text
    assert "[SCENARIO_ENVIRONMENT_MISMATCH]" in text and "Traceback" not in text


def test_plugin_unknown_environment_is_a_clear_error(tmp_path):
    result = run_pytest(project(tmp_path), "--pricegen-env", "stagign")
    text = output(result)
    assert result.returncode != 0 and "Traceback" not in text
    assert 'pricegen: "stagign" is not an environment of the catalog; did you mean "staging"?' in (
        text
    )


def test_plugin_module_of_another_environment_is_refused(tmp_path):
    root = project(tmp_path, ini_env="staging")
    out = root / "generated"
    assert invoke(["generate", str(root / "pricing"), "-o", str(out)]).exit_code == 0
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text("utf-8").replace(
            'pricegen_catalog = "pricing"', 'pricegen_module = "generated/ledgerly_pricing.py"'
        ),
        "utf-8",
    )
    result = run_pytest(root)
    text = output(result)
    assert result.returncode != 0 and "Traceback" not in text
    assert 'is generated for "production", not "staging"' in text
