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

from pricegen import compile_catalog, conformance
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


def write_suite(directory: Path, random: int = 150) -> list[dict]:
    """Every example, valid test case and Stigg vector; returns the manifest."""
    entries = []
    for path in example_catalogs():
        build = compile_catalog(path)
        assert build.ok, build.diagnostics
        entries.append(
            write_entry(directory, f"example-{example_id(path)}", build.catalog, [], random)
        )
    for case in sorted(p for p in VALID_CASES.iterdir() if p.is_dir()):
        name = "pricing" if (case / "pricing").is_dir() else "pricing.yaml"
        build = compile_catalog(case / name)
        assert build.ok, build.diagnostics
        entries.append(write_entry(directory, f"valid-{case.name}", build.catalog, [], random))
    for name, text, cases in stigg_suites():
        work = directory / name
        work.mkdir()
        entries.append(write_entry(directory, name, compile_text(text, work), cases, 10))
    (directory / "manifest.json").write_text(json.dumps(entries), encoding="utf-8")
    return entries
