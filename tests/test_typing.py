"""src, and every module pricegen generates, type-check with mypy and pyright.

src is checked as pyproject.toml configures it: mypy strict except for the
modules it lists (and says why), pyright in its standard mode. That includes
src/pricegen/runtimes/evaluator.py, the generated evaluator's source.

A generated module lands in its users' code, under their type checker and
settings, so it is checked on its own too: the module of every example (each
environment's) and of a few catalogs from tests/fuzz/strategies.py, all in
one mypy --strict run (strict adds checks to mypy's defaults, so it covers
them) and one run of pyright in its standard mode, outside this project's
configuration. The package ships py.typed, so its users' type checkers read
these annotations.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from fuzz.strategies import catalogs, to_yaml
from hypothesis import HealthCheck, Phase, given, settings
from test_fuzz import compile_text

from pricegen.pipeline import compile_environments
from pricegen.targets import RenderContext

EXAMPLES = REPO / "examples"
FUZZ_CATALOGS = 4


def run(*command: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900)


def test_mypy_is_clean():
    pytest.importorskip("mypy", reason="mypy comes with the test extra")
    result = run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyright_is_clean():
    pytest.importorskip("pyright", reason="pyright comes with the test extra")
    result = run(sys.executable, "-m", "pyright", "--pythonpath", sys.executable)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout


def test_the_package_is_marked_typed():
    assert (REPO / "src" / "pricegen" / "py.typed").is_file()


def example_modules() -> dict[str, str]:
    """The Python module of each example, one per environment, by a unique module name."""
    modules = {}
    for example in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        catalog = example / "pricing"
        if not catalog.is_dir():
            catalog = example / "pricing.yaml"
        if not catalog.is_file() and not catalog.is_dir():
            continue
        builds = compile_environments(catalog)
        assert builds.ok, (example.name, builds.diagnostics)
        for env, build in builds.builds.items():
            name = "_".join(["example", example.name, *([env] if env else [])])
            modules[name.replace("-", "_")] = RenderContext.of(build.catalog).python_source
    return modules


def richness(catalog: dict) -> tuple[int, int, int]:
    """(pricing models, add-ons, plans) of a drawn catalog: the more, the more code it types."""
    plans = catalog.get("plans") or {}
    charges = [c for p in plans.values() for c in (p.get("charges") or {}).values()]
    models = {c["model"] for c in charges if isinstance(c, dict)}
    return len(models), len(catalog.get("addons") or {}), len(plans)


def fuzz_modules(count: int, among: int = 20) -> dict[str, str]:
    """The Python modules of the ``count`` richest of the first ``among`` catalogs the
    strategy draws (a fixed seed): its first draws are the smallest catalogs."""
    drawn: list[dict] = []

    @settings(
        max_examples=among,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(catalogs())
    def draw(catalog: dict) -> None:
        drawn.append(catalog)

    draw()
    richest = sorted(drawn, key=richness, reverse=True)[:count]
    modules = {}
    for index, catalog in enumerate(richest):
        build = compile_text(to_yaml(catalog).encode("utf-8"))
        assert build.ok, build.diagnostics
        modules[f"fuzz_{index}"] = RenderContext.of(build.catalog).python_source
    return modules


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory of generated modules, with no type-checker settings of this project."""
    directory = tmp_path_factory.mktemp("generated")
    modules = {**example_modules(), **fuzz_modules(FUZZ_CATALOGS)}
    assert len(modules) >= 7 + FUZZ_CATALOGS, sorted(modules)
    assert any("ADDON_SOURCES: dict[str, str] = {}" in text for text in modules.values())
    for name, text in modules.items():
        (directory / f"{name}.py").write_text(text, encoding="utf-8")
    config = {"typeCheckingMode": "standard", "pythonVersion": "3.11"}
    (directory / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def test_generated_modules_are_clean_under_mypy_strict(generated):
    pytest.importorskip("mypy", reason="mypy comes with the test extra")
    result = run(
        sys.executable,
        *("-m", "mypy", "--strict", "--python-version", "3.11", "--no-incremental"),
        *sorted(p.name for p in generated.glob("*.py")),
        cwd=generated,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in" in result.stdout


def test_generated_modules_are_clean_under_pyright(generated):
    pytest.importorskip("pyright", reason="pyright comes with the test extra")
    result = run(
        sys.executable,
        *("-m", "pyright", "--outputjson", "--pythonpath", sys.executable),
        cwd=generated,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout)["summary"]
    assert summary["errorCount"] == summary["warningCount"] == 0, result.stdout
    assert summary["filesAnalyzed"] == len(list(generated.glob("*.py")))
