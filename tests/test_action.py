"""The GitHub Action's steps, run locally as the runner runs them.

action.yml is a composite action whose steps call action/pricegen-action.sh.
This test reads action.yml, evaluates each step's ``if:`` and ``env:`` (the
few expression forms the file uses: ``inputs.NAME``, ``github.action_path``),
and runs each ``run:`` with bash, in a shallow clone of a pull-request branch
of a scratch project, with GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and
GITHUB_BASE_REF as the runner sets them. ``uses:`` steps (actions/setup-python)
are GitHub's; in their place the install step runs in a fresh virtual
environment, installing pricegen from this checkout with its dependencies
from the package index, as it does on a runner.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from gitrepo import GitRepo, git_env
from jsonschema import Draft4Validator

EXAMPLE = REPO / "examples" / "quote-snapshots"
ACTION = yaml.safe_load((REPO / "action.yml").read_text("utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*([a-z_.-]+)\s*\}\}")
CONDITION = re.compile(r"inputs\.([a-z-]+) (==|!=) '([^']*)'")
SEAT_PRICE = "monthly: {USD: 8, EUR: 7.50}"


def inputs_with(**given: str) -> dict[str, str]:
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    unknown = set(given) - set(values)
    assert not unknown, unknown
    return values | given


def evaluate(text: str, inputs: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match[1]
        if name == "github.action_path":
            return str(REPO)
        assert name.startswith("inputs."), f"unsupported expression {name}"
        return inputs[name.removeprefix("inputs.")]

    return EXPRESSION.sub(value, text)


def runs(step: dict, inputs: dict[str, str]) -> bool:
    condition = step.get("if")
    if condition is None:
        return True
    match = CONDITION.fullmatch(condition)
    assert match, f"unsupported condition {condition!r}"
    name, op, expected = match.groups()
    return (inputs[name] == expected) == (op == "==")


class Runner:
    """One job: a workspace, a temp dir, and the files GitHub collects outputs in."""

    def __init__(self, workspace: Path, temp: Path, path: list[str]) -> None:
        self.workspace, self.temp, self.path = workspace, temp, path
        self.summary = temp / "summary.md"

    def run_action(self, inputs: dict[str, str], base_ref: str = "main") -> list[dict]:
        """Run every step that applies; stop at the first failure, as a composite action does."""
        results = []
        for step in ACTION["runs"]["steps"]:
            if "uses" in step or not runs(step, inputs):
                continue
            result = self.run_step(step, inputs, base_ref)
            results.append(result)
            if result["code"] != 0:
                break
        return results

    def run_step(self, step: dict, inputs: dict[str, str], base_ref: str) -> dict:
        outputs = self.temp / f"output-{step['name'].replace(' ', '-')}"
        outputs.write_text("")
        env = {
            **git_env(),
            "PATH": os.pathsep.join([*self.path, os.environ["PATH"]]),
            "GITHUB_OUTPUT": str(outputs),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_BASE_REF": base_ref,
            "RUNNER_TEMP": str(self.temp),
            "NO_COLOR": "1",
        }
        env.pop("VIRTUAL_ENV", None)
        env |= {name: evaluate(value, inputs) for name, value in step.get("env", {}).items()}
        assert step["shell"] == "bash"
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        values = dict(line.split("=", 1) for line in outputs.read_text().splitlines() if line)
        return {
            "name": step["name"],
            "code": done.returncode,
            "stdout": done.stdout,
            "stderr": done.stderr,
            "outputs": values,
        }


def by_name(results: list[dict]) -> dict[str, dict]:
    return {result["name"]: result for result in results}


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """The runner's Python: a fresh virtual environment, as setup-python gives one."""
    root = tmp_path_factory.mktemp("runner") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
    return root


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory) -> Path:
    """A bare origin with main and a branch that raises Team's seat price from $8 to $9."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path_factory.mktemp("project")
    work = GitRepo(root / "work")
    for part in ("pricing", "tests", "generated"):
        shutil.copytree(EXAMPLE / part, work.root / part)
    for part in ("scenarios.yaml", "pyproject.toml"):
        shutil.copy(EXAMPLE / part, work.root / part)
    work.commit("pricing as code")
    subprocess.run(["git", "init", "-q", "--bare", str(root / "origin.git")], check=True)
    work.git("remote", "add", "origin", str(root / "origin.git"))
    work.git("push", "-q", "origin", "main")

    work.git("checkout", "-q", "-b", "seat-price")
    plans = work.root / "pricing" / "plans.yaml"
    text = plans.read_text("utf-8")
    assert text.count(SEAT_PRICE) == 1
    plans.write_text(text.replace(SEAT_PRICE, "monthly: {USD: 9, EUR: 7.50}"), "utf-8")
    tools = Path(sys.executable).parent
    for command in (
        [str(tools / "pricegen"), "generate", "-q"],
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--snapshot-update"],
    ):
        done = subprocess.run(command, cwd=work.root, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    work.commit("Team seats cost $9")
    work.git("push", "-q", "origin", "seat-price")
    return root


def checkout(pull_request: Path, tmp_path: Path, branch: str = "seat-price") -> Path:
    """What actions/checkout does for a pull request: a shallow clone of one branch."""
    target = tmp_path / "workspace"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--branch", branch,
         (pull_request / "origin.git").as_uri(), str(target)],
        check=True,
        env=git_env(),
    )  # fmt: skip
    return target


def test_the_action_reviews_a_pull_request(pull_request, venv, tmp_path):
    workspace = checkout(pull_request, tmp_path)
    runner = Runner(workspace, tmp_path, [str(venv / "bin")])
    sarif = tmp_path / "pricegen.sarif"
    inputs = inputs_with(**{"snapshot-tests": "tests", "sarif-file": str(sarif)})
    results = runner.run_action(inputs)
    steps = by_name(results)
    assert [r["name"] for r in results] == [
        "Install pricegen",
        "pricegen validate",
        "pricegen generate --check",
        "pricegen diff against the base branch",
        "Quote snapshot tests",
    ]
    for result in results:
        assert result["code"] == 0, f"{result['name']}:\n{result['stdout']}\n{result['stderr']}"
    assert (venv / "bin" / "pricegen").exists()  # installed into the runner's Python
    assert steps["pricegen validate"]["stdout"] == ""  # no annotations: the catalog is clean
    log = json.loads(sarif.read_text())
    sarif_schema = json.loads((REPO / "tests" / "sarif" / "sarif-schema-2.1.0.json").read_text())
    assert not list(Draft4Validator(sarif_schema).iter_errors(log))
    assert steps["pricegen validate"]["outputs"] == {"sarif-file": str(sarif)}
    assert "unchanged" in steps["pricegen generate --check"]["stderr"]
    diff = steps["pricegen diff against the base branch"]
    markdown = Path(diff["outputs"]["markdown-file"]).read_text("utf-8")
    assert markdown.startswith("### Pricing changes")
    assert "unit_price monthly USD: 8 → 9" in markdown  # the Team seat price, old and new
    assert markdown in runner.summary.read_text("utf-8")  # the job summary shows it too
    assert " passed" in steps["Quote snapshot tests"]["stdout"]


def test_the_action_fails_on_breaking_changes_when_asked(pull_request, venv, tmp_path):
    workspace = checkout(pull_request, tmp_path)
    runner = Runner(workspace, tmp_path, [str(venv / "bin")])
    results = runner.run_action(inputs_with(install="false", **{"fail-on": "customer-visible"}))
    last = results[-1]
    assert last["name"] == "pricegen diff against the base branch" and last["code"] == 1
    assert Path(last["outputs"]["markdown-file"]).read_text("utf-8").startswith("### Pricing")


def test_the_action_annotates_a_broken_catalog_and_stops(pull_request, venv, tmp_path):
    workspace = checkout(pull_request, tmp_path)
    plans = workspace / "pricing" / "plans.yaml"
    plans.write_text(plans.read_text("utf-8").replace("extends: free", "extends: fre", 1))
    runner = Runner(workspace, tmp_path, [str(venv / "bin")])
    results = runner.run_action(inputs_with(install="false"))
    assert [r["name"] for r in results] == ["pricegen validate"]
    [validate] = results
    assert validate["code"] == 3
    assert validate["stdout"].startswith("::error file=pricing/plans.yaml,line=")
    assert "title=PLAN_EXTENDS_UNKNOWN::" in validate["stdout"]


def test_stale_outputs_fail_the_check_with_a_diff(pull_request, venv, tmp_path):
    workspace = checkout(pull_request, tmp_path)
    (workspace / "generated" / "pricing-table.md").write_text("edited by hand\n")
    runner = Runner(workspace, tmp_path, [str(venv / "bin")])
    results = runner.run_action(inputs_with(install="false"))
    last = results[-1]
    assert last["name"] == "pricegen generate --check" and last["code"] == 1
    assert "-edited by hand" in last["stdout"]  # --diff shows what would change


def test_outside_a_pull_request_the_diff_is_skipped(pull_request, venv, tmp_path):
    workspace = checkout(pull_request, tmp_path)
    runner = Runner(workspace, tmp_path, [str(venv / "bin")])
    results = runner.run_action(inputs_with(install="false"), base_ref="")
    diff = by_name(results)["pricegen diff against the base branch"]
    assert diff["code"] == 0 and "skipped" in diff["stdout"] and diff["outputs"] == {}
