"""The pre-commit hooks work as a user's repository would run them: ``pre-commit try-repo``.

pre-commit installs this repository (its HEAD, plus uncommitted changes)
into a virtual environment of its own, as it would from a release tag, then
runs the hooks of ``.pre-commit-hooks.yaml`` in a scratch repository that
keeps a catalog, its generated outputs and a ``[tool.pricegen]`` table.
The install needs the package index, like any pre-commit hook; it takes
half a minute, once per test session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from gitrepo import GitRepo, git_env

pytest.importorskip("pre_commit", reason="pre-commit comes with the test extra")

HOOKS = ("pricegen-validate", "pricegen-lint", "pricegen-generate-check")
CATALOG = (REPO / "examples" / "saas-seats" / "pricing.yaml").read_text("utf-8")


def test_the_manifest_declares_the_three_hooks():
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert [hook["id"] for hook in manifest] == list(HOOKS)
    for hook in manifest:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert hook["entry"].startswith("pricegen ")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """pre-commit's cache, shared by this module's runs so pricegen is installed once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(project: Path, store: Path, *hooks: str) -> subprocess.CompletedProcess[str]:
    env = {**git_env(), "PRE_COMMIT_HOME": str(store), "NO_COLOR": "1"}
    env.pop("PRE_COMMIT_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), *hooks, "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def lines_of(result: subprocess.CompletedProcess[str], hook_name: str) -> str:
    return next(line for line in result.stdout.splitlines() if line.startswith(hook_name))


def test_try_repo_runs_each_hook_against_a_project(tmp_path, store):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project = GitRepo(tmp_path / "project")
    project.write("pricing/pricing.yaml", CATALOG)
    project.write(
        "pyproject.toml",
        '[project]\nname = "wiki"\n\n[tool.pricegen]\ncatalog = "pricing"\nout = "generated"\n',
    )
    generated = subprocess.run(
        [str(Path(sys.executable).with_name("pricegen")), "generate", "-q"],
        cwd=project.root,
        env=os.environ,
        capture_output=True,
        text=True,
    )
    assert generated.returncode == 0, generated.stderr
    project.commit("pricing as code")

    clean = try_repo(project.root, store)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    for name in ("pricegen validate", "pricegen lint", "pricegen generate --check"):
        assert lines_of(clean, name).endswith("Passed"), clean.stdout

    # A price change without regenerating: the catalog is fine, the outputs are stale.
    project.write(
        "pricing/pricing.yaml", CATALOG.replace("{USD: 8, EUR: 7.50}", "{USD: 9, EUR: 7.50}", 1)
    )
    assert "{USD: 8, EUR: 7.50}" in CATALOG
    stale = try_repo(project.root, store, "pricegen-generate-check")
    assert stale.returncode == 1
    assert lines_of(stale, "pricegen generate --check").endswith("Failed")
    assert "would regenerate pricing.html" in stale.stdout

    # A broken catalog: validate fails with the diagnostic at its place.
    project.write("pricing/pricing.yaml", CATALOG.replace("extends: free", "extends: fre", 1))
    broken = try_repo(project.root, store, "pricegen-validate")
    assert broken.returncode == 1
    assert lines_of(broken, "pricegen validate").endswith("Failed")
    assert "pricing/pricing.yaml:" in broken.stdout and "[PLAN_EXTENDS_UNKNOWN]" in broken.stdout
