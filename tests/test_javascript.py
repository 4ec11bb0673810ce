"""The JavaScript evaluator, held to the Python one: conformance, differential fuzzing, types.

- The conformance suite (every example, every valid case, every vector of
  stigg.yaml, and random subscriptions of each) runs under ``node --test``:
  each case's JSON must equal the Python evaluator's byte for byte.
- The differential test draws catalogs from ``tests/fuzz/strategies.py`` and
  random subscriptions of each, and asserts the same JSON from both; another
  draws them with a staging overlay and compares staging and production.
- Every environment's module says which it is (``ENVIRONMENT``,
  ``IS_PRODUCTION``) as the Python one does.
- The runtime's own tests (``tests/js/runtime.test.mjs``) run on the runtime
  file as it is, with its sample catalog.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conformance_cases import REPO, RUNNER, write_entry, write_suite
from fuzz.strategies import catalogs, to_yaml
from hypothesis import assume, given
from npm_tools import npm_tool
from test_fuzz import compile_text, fuzz
from test_overlay_properties import patched_catalogs

from pricegen import compile_catalog
from pricegen.config import Config
from pricegen.pipeline import compile_environments
from pricegen.runtime import load_evaluator
from pricegen.targets import render

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    NODE is None and not os.environ.get("CI"), reason="Node.js is not installed"
)
RUNTIME = REPO / "src" / "pricegen" / "runtimes" / "evaluator.mjs"


def node_test(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    assert NODE is not None, "Node.js is needed for the JavaScript tests (.ci/run installs it)"
    return subprocess.run(
        [NODE, "--test", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def passed(result: subprocess.CompletedProcess) -> int:
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    found = re.search(r"^# pass (\d+)$", result.stdout, re.M)
    assert found and not re.search(r"^# fail [1-9]", result.stdout, re.M), result.stdout
    return int(found.group(1))


def test_the_conformance_suite_passes_under_node(tmp_path):
    entries = write_suite(tmp_path)
    assert len([e for e in entries if e["name"].startswith("stigg-")]) == 44
    names = {e["name"] for e in entries}
    assert {
        f"example-environments-{env}" for env in ("development", "staging", "production")
    } <= names
    assert {
        "valid-environments-single-file-sandbox",
        "valid-environments-single-file-preview",
    } <= names
    assert sum(e["cases"] for e in entries) > 10_000
    result = node_test(str(RUNNER), env={"PRICEGEN_CONFORMANCE": str(tmp_path / "manifest.json")})
    assert passed(result) == len(entries)


@fuzz(quick=25)
@given(catalogs())
def test_both_evaluators_give_the_same_json_on_random_catalogs(catalog):
    build = compile_text(to_yaml(catalog).encode("utf-8"))
    assert build.ok, build.diagnostics
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        entry = write_entry(directory, "fuzz", build.catalog, [], random=25)
        (directory / "manifest.json").write_text(json.dumps([entry]), encoding="utf-8")
        result = node_test(
            str(RUNNER), env={"PRICEGEN_CONFORMANCE": str(directory / "manifest.json")}
        )
        assert passed(result) == 1


def run_manifest(directory: Path, entries: list[dict]) -> int:
    (directory / "manifest.json").write_text(json.dumps(entries), encoding="utf-8")
    return passed(
        node_test(str(RUNNER), env={"PRICEGEN_CONFORMANCE": str(directory / "manifest.json")})
    )


@fuzz(quick=15)
@given(patched_catalogs())
def test_both_evaluators_agree_in_every_environment_of_random_overlays(case):
    """A random catalog with a random staging overlay: staging's module and production's
    (the base catalog) give the Python answers, and know which environment they are."""
    catalog, overlay = case
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        root = directory / "pricing"
        root.mkdir()
        (root / "pricing.yaml").write_text(to_yaml(catalog), encoding="utf-8")
        (root / "staging.yaml").write_text(to_yaml(overlay), encoding="utf-8")
        builds = compile_environments(root)
        assume(builds.ok)  # about half the drawn patches break the catalog, on purpose
        assert list(builds.builds) == ["staging", "production"]
        entries = [
            write_entry(directory, f"fuzz-{env}", build.catalog, [], random=15)
            for env, build in builds.builds.items()
        ]
        assert run_manifest(directory, entries) == 2


def js_environment(module: Path) -> tuple[str | None, bool]:
    script = (
        "const m = await import(process.argv[1]);"
        "console.log(JSON.stringify([m.ENVIRONMENT, m.IS_PRODUCTION]));"
    )
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", script, module.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    name, production = json.loads(result.stdout)
    return name, production


@pytest.mark.parametrize(
    "catalog, env, expected",
    [
        ("examples/environments/pricing", "development", ("development", False)),
        ("examples/environments/pricing", "staging", ("staging", False)),
        ("examples/environments/pricing", "production", ("production", True)),
        ("tests/cases/valid/environments-single-file/pricing.yaml", "preview", ("preview", False)),
        ("tests/cases/valid/acme-full/pricing.yaml", None, (None, True)),
    ],
)
def test_the_javascript_module_knows_its_environment_as_python_does(
    tmp_path, catalog, env, expected
):
    build = compile_catalog(REPO / catalog, env=env)
    files = render(build.catalog)
    (name,) = [path for path in files if path.endswith(".mjs")]
    (tmp_path / name).write_text(files[name], encoding="utf-8")
    python = load_evaluator(build.catalog, Config())
    assert (python.ENVIRONMENT, python.IS_PRODUCTION) == expected
    assert js_environment(tmp_path / name) == expected


def test_the_runtime_file_passes_its_own_tests():
    assert passed(node_test(str(REPO / "tests" / "js" / "runtime.test.mjs"))) >= 16


def test_the_runtime_is_dependency_free_deterministic_and_safe_in_a_page():
    text = RUNTIME.read_text(encoding="utf-8")
    assert not re.search(r"^\s*import\b|\brequire\(|\bimport\(", text, re.M), "no dependency"
    assert "Math.random" not in text and "Date.now" not in text, "answers never depend on when"
    lowered = text.lower()
    assert "</script" not in lowered and "<!--" not in lowered and "<script" not in lowered
    assert text.isascii(), "ASCII only, so that any page encoding reads it"


def test_a_typescript_consumer_type_checks_against_the_generated_types(tmp_path):
    tsc = npm_tool(".bin/tsc")
    build = compile_catalog(REPO / "tests" / "cases" / "valid" / "acme-full" / "pricing.yaml")
    for path, text in render(build.catalog).items():
        if path.startswith("acme_pricing."):
            (tmp_path / path).write_text(text, encoding="utf-8")
    for name in ("consumer.ts", "tsconfig.json"):
        shutil.copy(REPO / "tests" / "js" / "types" / name, tmp_path / name)
    result = subprocess.run(
        [str(tsc), "-p", str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (tmp_path / "consumer.ts").write_text(
        (tmp_path / "consumer.ts").read_text() + "\nexport const broken: number = check(sub, 1);\n"
    )
    failed = subprocess.run([str(tsc), "-p", str(tmp_path)], capture_output=True, text=True)
    assert failed.returncode != 0 and "consumer.ts" in failed.stdout  # the check can fail


def test_the_runtime_file_type_checks_as_javascript():
    """tsc --checkJs on evaluator.mjs as it is: BigInt and number never mixed where the
    types are known, no unknown names or properties (tests/js/types/tsconfig.runtime.json)."""
    tsc = npm_tool(".bin/tsc")
    config = REPO / "tests" / "js" / "types" / "tsconfig.runtime.json"
    result = subprocess.run(
        [str(tsc), "-p", str(config)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pricegens_javascript_passes_eslint():
    eslint = npm_tool(".bin/eslint")
    sources = [
        RUNTIME,
        REPO / "src" / "pricegen" / "render" / "templates" / "calculator.js",
        *sorted((REPO / "tests" / "js").glob("*.mjs")),
        *sorted((REPO / "tests" / "bench").glob("*.mjs")),
    ]
    config = REPO / "tests" / "js" / "eslint.config.mjs"
    result = subprocess.run(
        [str(eslint), "--max-warnings=0", "-c", str(config), *map(str, sources)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hostile_catalog_text_reaches_the_javascript_module_as_data(tmp_path):
    from test_hostile_strings import CORPUS, built

    _, files = built(tmp_path, CORPUS, "hostile")
    (module,) = [path for path in files if path.endswith(".mjs")]
    (tmp_path / module).write_text(files[module], encoding="utf-8")
    script = (
        "const m = await import(process.argv[1]);"
        "console.log(JSON.stringify(Object.values(m.FEATURES).map((f) => f.name)));"
        "console.log(typeof globalThis.__pwned);"
    )
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", script, (tmp_path / module).as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    names, pwned = result.stdout.rstrip("\n").split("\n")  # not splitlines(): U+2028 is text
    assert set(CORPUS) <= set(json.loads(names))  # every string, exactly, as data
    assert pwned == "undefined"


def test_pricegen_conformance_writes_the_same_vectors_twice(tmp_path, run_cli):
    catalog = REPO / "tests" / "cases" / "valid" / "acme-full" / "pricing.yaml"
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for out in (first, second):
        result = run_cli(["conformance", str(catalog), "-o", str(out), "--cases", "20"])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    data = json.loads(first.read_text("utf-8"))
    assert (data["format"], data["version"], data["catalog"]) == ("pricegen-conformance", 1, "acme")
    assert len({c["id"] for c in data["cases"]}) == len(data["cases"]) > 100
    kinds = {c["call"] for c in data["cases"]}
    assert {"check", "allowed", "quote", "entitlements", "phase"} <= kinds
    assert all(set(c["expect"]) in ({"json"}, {"error"}) for c in data["cases"])
    assert (data["environment"], data["is_production"]) == (None, True)
    missing = run_cli(["conformance", str(tmp_path / "nowhere"), "-o", str(first)])
    assert missing.exit_code == 2


@pytest.mark.parametrize("env, production", [("staging", False), ("production", True)])
def test_conformance_and_generate_with_env_hold_the_module_to_that_environment(
    tmp_path, run_cli, env, production
):
    """As a user would: vectors and modules of one environment, then the Node runner."""
    catalog = str(REPO / "examples" / "environments" / "pricing")
    vectors, out = tmp_path / "vectors.json", tmp_path / "generated"
    for args in (
        ["conformance", catalog, "-o", str(vectors), "--cases", "30"],
        ["generate", catalog, "-o", str(out)],
    ):
        result = run_cli([*args, "--env", env])
        assert result.exit_code == 0, result.output
    data = json.loads(vectors.read_text("utf-8"))
    assert (data["environment"], data["is_production"]) == (env, production)
    plans = {c["subscription"]["plan"] for c in data["cases"] if "subscription" in c}
    assert ("team-2027" in plans) is not production  # a draft in production, published in staging
    entry = {"name": env, "module": str(out / "ledgerly_pricing.mjs"), "vectors": str(vectors)}
    assert run_manifest(tmp_path, [entry]) == 1
    assert run_cli(["conformance", catalog, "-o", str(vectors), "--env", "qa"]).exit_code == 2
