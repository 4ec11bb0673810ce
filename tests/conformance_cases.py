"""The conformance suite's catalogs and cases: examples, Stigg's vectors, random ones.

Each entry is (name, catalog, cases). ``write_suite`` generates, for each, the
JavaScript module and the vectors file (expected answers from the Python
evaluator) into a directory, with the manifest that
``tests/js/conformance.test.mjs`` reads.
"""

from __future__ import annotations

import json
from pathlib import Path

from evaluator_support import compile_text, example_catalogs, example_id
from test_vectors import VECTORS, addon_catalog, check_catalog, price_catalog, reset_catalog

from pricegen import conformance
from pricegen.pipeline import compile_environments
from pricegen.targets import RenderContext

REPO = Path(__file__).resolve().parents[1]
RUNNER = REPO / "tests" / "js" / "conformance.test.mjs"
VALID_CASES = REPO / "tests" / "cases" / "valid"


def _case(name: str, call: str, sub: dict | None, **args) -> dict:
    case = {"id": name, "call": call, "args": args}
    if sub is not None:
        case["subscription"] = sub
    return case


def stigg_suites() -> list[tuple[str, str, list[dict]]]:
    """Every vector of stigg.yaml as (name, catalog text, the calls the vector makes)."""
    suites = []
    for vector in VECTORS.get("prices", ()):
        sub = {"plan": "metered", "period": "monthly", "currency": vector.get("currency", "USD")}
        cases = [_case(vector["id"], "quote", sub, usage={"units": str(vector["quantity"])})]
        suites.append((f"stigg-{vector['id']}", price_catalog(vector), cases))
    for vector in VECTORS.get("checks", ()):
        args = {"feature": "units", "usage": str(vector["usage"])}
        args["requested"] = str(vector.get("requested", 1))
        cases = [
            _case(vector["id"], call, {"plan": "plan"}, **args) for call in ("check", "allowed")
        ]
        suites.append((f"stigg-{vector['id']}", check_catalog(vector), cases))
    for vector in VECTORS.get("addons", ()):
        text, quantities = addon_catalog(vector)
        sub = {"plan": "plan", "addons": {k: str(v) for k, v in quantities.items()}}
        cases = [_case(f"{vector['id']}-entitlements", "entitlements", sub)]
        if "expect_limit" in vector:
            for usage in (vector["expect_limit"] - 1, vector["expect_limit"]):
                cases.append(
                    _case(
                        f"{vector['id']}-{usage}", "check", sub, feature="units", usage=str(usage)
                    )
                )
        for fid in vector.get("expect", {}):
            cases.append(_case(f"{vector['id']}-{fid}", "check", sub, feature=fid))
            cases.append(
                _case(f"{vector['id']}-{fid}-plan", "check", {"plan": "plan"}, feature=fid)
            )
        suites.append((f"stigg-{vector['id']}", text, cases))
    for vector in VECTORS.get("resets", ()):
        sub = {"plan": "plan", "started_at": vector["started_at"]}
        cases = [
            _case(vector["id"], "check", sub, feature="units", usage="0", now=vector["now"]),
            _case(
                f"{vector['id']}-window", "reset_window", None, reset=vector["reset"],
                anchor=vector["anchor"], started_at=vector["started_at"], now=vector["now"],
            ),
        ]  # fmt: skip
        suites.append((f"stigg-{vector['id']}", reset_catalog(vector), cases))
    return suites


def write_entry(directory: Path, name: str, catalog, cases: list[dict], random: int) -> dict:
    """The module and vectors of one catalog in ``directory``; its manifest entry."""
    context = RenderContext.of(catalog)
    module = context.evaluator
    cases = cases + conformance.random_cases(module, count=random)
    data = conformance.vectors(module, cases, name=name)
    (directory / f"{name}.mjs").write_text(context.javascript_source, encoding="utf-8")
    (directory / f"{name}.json").write_text(conformance.dumps(data), encoding="utf-8")
    return {"name": name, "module": f"{name}.mjs", "vectors": f"{name}.json", "cases": len(cases)}


def environment_catalogs(path: Path, name: str) -> list[tuple[str, object]]:
    """(entry name, catalog) of each environment of the catalog at ``path``.

    A catalog without environments is one entry named ``name``; one with them
    gives ``name-<environment>`` for each, so that every environment's module
    (its prices, drafts and ENVIRONMENT) is held to the Python one's.
    """
    builds = compile_environments(path)
    assert builds.ok, builds.diagnostics
    return [
        (name if env is None else f"{name}-{env}", build.catalog)
        for env, build in builds.builds.items()
    ]


def write_suite(directory: Path, random: int = 150) -> list[dict]:
    """Every environment of every example and valid test case, and every Stigg
    vector; returns the manifest."""
    catalogs = []
    for path in example_catalogs():
        catalogs += environment_catalogs(path, f"example-{example_id(path)}")
    for case in sorted(p for p in VALID_CASES.iterdir() if p.is_dir()):
        name = "pricing" if (case / "pricing").is_dir() else "pricing.yaml"
        catalogs += environment_catalogs(case / name, f"valid-{case.name}")
    entries = [write_entry(directory, name, catalog, [], random) for name, catalog in catalogs]
    for name, text, cases in stigg_suites():
        work = directory / name
        work.mkdir()
        entries.append(write_entry(directory, name, compile_text(text, work), cases, 10))
    (directory / "manifest.json").write_text(json.dumps(entries), encoding="utf-8")
    return entries
