"""The pytest plugin, as a user meets it: pytest run in a subprocess on a user project.

The project is a copy of ``examples/quote-snapshots`` (a pricing directory, a
scenarios file, a five-line test and its committed snapshots) in a temporary
directory. The plugin is found through its ``pytest11`` entry point, as in
any project that installs pricegen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from conftest import REPO, invoke

EXAMPLE = REPO / "examples" / "quote-snapshots"
SNAPSHOT = Path("tests") / "__snapshots__" / "test_quotes.ambr"


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m pytest ARGS`` in ``project``, isolated from this run's pytest settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["COLUMNS"] = "120"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def output(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user project: a copy of the committed example."""
    target = tmp_path / "project"
    shutil.copytree(
        EXAMPLE, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "generated")
    )
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_the_plugin_is_registered_for_pytest():
    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins.get("pricegen") == "pricegen.pytest_plugin"


def test_the_example_project_passes_as_committed(project: Path):
    result = run_pytest(project)
    assert result.returncode == 0, output(result)
    assert "14 snapshots passed." in result.stdout
    assert "14 passed" in result.stdout


def test_a_price_change_fails_with_a_readable_diff_until_the_snapshots_are_updated(project: Path):
    # 1. Change a price: Team seats go from $8 to $9 a month.
    edit(
        project / "pricing" / "plans.yaml",
        "monthly: {USD: 8, EUR: 7.50}",
        "monthly: {USD: 9, EUR: 7.50}",
    )

    # 2. pytest fails, once for each scenario whose quote changed, with the old and new amounts.
    failed = run_pytest(project)
    text = output(failed)
    assert failed.returncode == 1, text
    assert "4 failed, 10 passed" in text
    for scenario in (
        "agency-5",
        "agency-12-api-overage",
        "agency-trial",
        "team-monthly-usd-10-seats",
    ):
        assert f"FAILED tests/test_quotes.py::test_quote[{scenario}]" in text
    assert "_ test_quote[agency-5] _" in text
    diff = text.split("_ test_quote[agency-5] _", 1)[1].split("\n_", 1)[0]
    for line in (
        "-       'amount': '40.00',",
        "+       'amount': '45.00',",
        "-       'description': '5 members: 5 × $8.00',",
        "+       'description': '5 members: 5 × $9.00',",
        "-   'total': '52.00',",
        "+   'total': '57.00',",
    ):
        assert line in diff, diff
    assert "Traceback" not in text

    # 3. pytest --snapshot-update takes the new prices into the snapshots, for review.
    updated = run_pytest(project, "--snapshot-update")
    assert updated.returncode == 0, output(updated)
    assert "4 snapshots updated." in updated.stdout
    snapshot = (project / SNAPSHOT).read_text("utf-8")
    assert "'total': '57.00'" in snapshot and "'total': '52.00'" not in snapshot
    assert snapshot.count("# name: test_quote[") == 14

    again = run_pytest(project)
    assert again.returncode == 0, output(again)
    assert "14 passed" in again.stdout


def test_a_typo_in_the_scenarios_file_is_a_diagnostic_not_a_traceback(project: Path):
    edit(
        project / "scenarios.yaml",
        "plan: team\n    quantities: {seats: 5}",
        "plan: teem\n    quantities: {seats: 5}",
    )
    result = run_pytest(project)
    text = output(result)
    assert result.returncode == 2, text  # a collection error
    assert "ERROR collecting tests/test_quotes.py" in text
    assert (
        'scenarios.yaml:23:11: error: Plan "teem" is not in the catalog; did you mean "team"? '
        "[SCENARIO_PLAN_UNKNOWN]"
    ) in text
    assert "Traceback" not in text and "pricegen/" not in text
    # said once, not chained twice (the short summary may repeat it: it does under CI)
    errors = text.split("short test summary info")[0]
    assert errors.count("[SCENARIO_PLAN_UNKNOWN]") == 1, text
    assert "During handling of the above exception" not in text


def test_a_broken_catalog_is_a_diagnostic_not_a_traceback(project: Path):
    edit(project / "pricing" / "plans.yaml", "extends: team", "extends: teams")
    result = run_pytest(project)
    text = output(result)
    assert result.returncode == 2, text
    assert "pricegen: the catalog has errors:" in text
    assert "pricing/plans.yaml:" in text and "[PLAN_EXTENDS_UNKNOWN]" in text
    assert "Traceback" not in text
    assert "During handling of the above exception" not in text


def test_a_refused_scenario_fails_its_own_test_by_name(project: Path):
    with (project / "scenarios.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n  - name: too-many-projects-{period}-{currency}\n"
            "    plans: [free]\n    periods: [monthly]\n    currencies: [USD]\n"
            "    addons: {extra-projects: 5}\n"
        )
    (project / "tests" / "test_refusals.py").write_text(
        "def test_result(pricing_scenario, snapshot):\n"
        "    if pricing_scenario.name.startswith('too-many'):\n"
        "        assert pricing_scenario.result() == snapshot\n",
        "utf-8",
    )
    result = run_pytest(project, "--snapshot-update")
    text = output(result)
    assert result.returncode == 1, text
    assert "1 failed, 29 passed" in text
    assert "FAILED tests/test_quotes.py::test_quote[too-many-projects-monthly-usd]" in text
    assert (
        'pricegen scenario "too-many-projects-monthly-usd" (scenarios.yaml:57:5) was refused: '
        "Add-on 'extra-projects' may be bought at most 4 times, got 5. [AddonQuantityExceededError]"
    ) in text
    assert "Traceback" not in text and "During handling" not in text
    refusals = (project / "tests" / "__snapshots__" / "test_refusals.ambr").read_text("utf-8")
    assert "'error': 'AddonQuantityExceededError'," in refusals


def test_the_generated_module_can_be_tested_instead_of_the_catalog(project: Path):
    assert (
        invoke(["generate", str(project / "pricing"), "-o", str(project / "generated")]).exit_code
        == 0
    )
    edit(
        project / "pyproject.toml",
        'pricegen_catalog = "pricing"',
        'pricegen_module = "generated/tally_pricing.py"',
    )
    # The catalog is not read at all: a broken one does not matter.
    edit(project / "pricing" / "plans.yaml", "extends: team", "extends: teams")
    result = run_pytest(project)
    assert result.returncode == 0, output(result)
    assert "14 snapshots passed." in result.stdout


def test_options_and_marker_override_the_ini_file(project: Path):
    edit(project / "pyproject.toml", 'pricegen_catalog = "pricing"\n', "")
    edit(project / "pyproject.toml", 'pricegen_scenarios = "scenarios.yaml"\n', "")
    (project / "tests" / "few.yaml").write_text(
        "scenarios:\n  solo: {plan: free}\n  duo: {plan: team, quantities: {seats: 2}}\n", "utf-8"
    )
    (project / "tests" / "test_marked.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.pricegen(scenarios='few.yaml')\n"
        "def test_total(pricing_scenario):\n"
        "    assert pricing_scenario.quote().total >= 0\n\n"
        "def test_every_scenario(pricing_scenarios, pricing_evaluator):\n"
        "    assert [s.name for s in pricing_scenarios][:2] == ['freelancer', 'agency-5']\n"
        "    assert pricing_evaluator.CATALOG['product']['id'] == 'tally'\n",
        "utf-8",
    )
    result = run_pytest(
        project,
        "--pricegen-catalog",
        "pricing",
        "--pricegen-scenarios",
        "scenarios.yaml",
        "-v",
        "tests/test_marked.py",
    )
    text = output(result)
    assert result.returncode == 0, text
    assert "test_marked.py::test_total[solo] PASSED" in text
    assert "test_marked.py::test_total[duo] PASSED" in text
    assert "test_marked.py::test_every_scenario PASSED" in text


def test_the_plugin_stays_out_of_the_way(project: Path):
    """Unconfigured and unused, it compiles nothing;
    asked for without configuration, it says how."""
    (project / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\ntestpaths = ['tests']\n", "utf-8"
    )
    (project / "tests" / "test_other.py").write_text(
        "import sys\n\n"
        "def test_nothing_was_compiled():\n"
        "    assert 'pricegen.pytest_plugin' in sys.modules\n"
        "    loaded = {'pricegen.scenarios', 'pricegen.runtime', 'pricegen.targets', 'jinja2'}"
        " & set(sys.modules)\n"
        "    assert not loaded\n",
        "utf-8",
    )
    quiet = run_pytest(project, "tests/test_other.py")
    assert quiet.returncode == 0, output(quiet)

    unconfigured = run_pytest(project, "tests/test_quotes.py")
    text = output(unconfigured)
    assert unconfigured.returncode == 2, text
    assert "pricegen: no scenarios file; configure pricegen in pyproject.toml:" in text
    assert 'pricegen_scenarios = "scenarios.yaml"' in text
    assert "Traceback" not in text


def test_a_project_fixture_of_the_same_name_wins(project: Path):
    (project / "tests" / "conftest.py").write_text(
        "import pytest\n\n@pytest.fixture\ndef pricing_scenario():\n    return 'mine'\n", "utf-8"
    )
    (project / "tests" / "test_quotes.py").write_text(
        "def test_own(pricing_scenario):\n    assert pricing_scenario == 'mine'\n", "utf-8"
    )
    shutil.rmtree(project / "tests" / "__snapshots__")
    result = run_pytest(project)
    assert result.returncode == 0, output(result)
    assert "1 passed" in result.stdout
