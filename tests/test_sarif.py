"""Machine formats: SARIF 2.1.0 valid against its schema, end positions, a doc link per rule.

The SARIF schema is vendored under tests/sarif/ (see its README), so this
runs offline.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import CASES, REPO, case_dirs, catalog_in, invoke
from jsonschema import Draft4Validator

from pricegen.lint.registry import LINT_RULES
from pricegen.ruledocs import doc_link, rule_docs
from pricegen.rules import RULES
from pricegen.sarif import artifact_uri
from pricegen.spans import token_ends

SARIF_SCHEMA = json.loads((REPO / "tests" / "sarif" / "sarif-schema-2.1.0.json").read_text())
VALIDATOR = Draft4Validator(SARIF_SCHEMA)


def sarif_of(args: list[str]) -> dict:
    result = invoke([*args, "--error-format", "sarif"])
    assert result.exit_code in (0, 3), result.output
    log = json.loads(result.stdout)
    errors = sorted(VALIDATOR.iter_errors(log), key=str)
    assert not errors, errors[0]
    return log


def test_the_vendored_schema_is_sarif_2_1_0():
    Draft4Validator.check_schema(SARIF_SCHEMA)
    assert SARIF_SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]


def test_a_broken_catalog_is_one_result_per_diagnostic(monkeypatch):
    monkeypatch.chdir(CASES / "invalid" / "PLAN_EXTENDS_UNKNOWN")
    log = sarif_of(["validate", "pricing.yaml"])
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    assert run["tool"]["driver"]["name"] == "pricegen"
    [rule] = run["tool"]["driver"]["rules"]
    assert rule["id"] == "PLAN_EXTENDS_UNKNOWN"
    assert rule["shortDescription"]["text"] == "A plan extends a declared plan."
    assert rule["defaultConfiguration"]["level"] == "error"
    [result] = run["results"]
    assert result["ruleId"] == "PLAN_EXTENDS_UNKNOWN" and result["ruleIndex"] == 0
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "pricing.yaml"
    # line 21 is "    extends: premium": the value starts at column 14 and has 7 letters.
    assert location["region"] == {
        "startLine": 21,
        "startColumn": 14,
        "endLine": 21,
        "endColumn": 21,
    }


def test_a_clean_catalog_is_a_valid_log_without_results(monkeypatch):
    monkeypatch.chdir(CASES / "valid" / "acme-full")
    log = sarif_of(["validate", "pricing.yaml"])
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


@pytest.mark.parametrize("case", case_dirs("invalid"), ids=lambda p: p.name)
def test_every_invalid_case_is_valid_sarif(case: Path, monkeypatch):
    spec_file = case / "case.toml"
    if spec_file.exists() and ("setup" in spec_file.read_text() or "via" in spec_file.read_text()):
        pytest.skip("built at run time or not run through validate")
    if spec_file.exists() and "command" in spec_file.read_text():
        pytest.skip("another command")
    monkeypatch.chdir(case)
    log = sarif_of(["validate", catalog_in(case), "--strict"])
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == case.name
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])


def test_lint_findings_are_sarif_too(monkeypatch):
    monkeypatch.chdir(CASES / "lint" / "PLAN_DESCRIPTION_MISSING")
    result = invoke(["lint", catalog_in(CASES / "lint" / "PLAN_DESCRIPTION_MISSING")])
    assert result.exit_code == 0
    log = sarif_of(["lint", catalog_in(CASES / "lint" / "PLAN_DESCRIPTION_MISSING")])
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert "PLAN_DESCRIPTION_MISSING" in [r["id"] for r in rules]
    [descriptor] = [r for r in rules if r["id"] == "PLAN_DESCRIPTION_MISSING"]
    assert descriptor["properties"]["documentation"] == "spec/review.md#plan_description_missing"


def test_uris_are_relative_references_or_file_uris():
    assert artifact_uri("pricing/plans/pro.yaml") == "pricing/plans/pro.yaml"
    assert artifact_uri("my pricing/a#b.yaml") == "my%20pricing/a%23b.yaml"
    assert artifact_uri("/srv/pricing.yaml") == "file:///srv/pricing.yaml"
    assert artifact_uri("<stdin>") == "%3Cstdin%3E"


# -- end positions ---------------------------------------------------------------------

TEXT = """\
plans:
  pro:
    name: "Pro plan"
    tags: [a, bb]
    limits:
      seats: 5
"""


def test_token_ends_cover_keys_values_and_collections():
    ends = token_ends(TEXT)
    assert ends[(1, 1)] == (1, 6)  # the key "plans"
    assert ends[(2, 3)] == (2, 6)  # the key "pro" (also where the block mapping starts)
    assert ends[(3, 11)] == (3, 21)  # "Pro plan" with its quotes
    assert ends[(4, 11)] == (4, 18)  # the flow sequence [a, bb], brackets included
    assert ends[(4, 15)] == (4, 17)  # bb
    assert ends[(6, 7)] == (6, 12)  # the key "seats"
    assert ends[(6, 14)] == (6, 15)  # 5


def test_a_block_mapping_value_ends_with_its_last_item():
    text = "a:\n  b:\n    c: 1\n    d: 22\nz: 0\n"
    # the mapping under "b" starts at "c" (3:5): the key c wins, as diagnostics there name it
    assert token_ends(text)[(3, 5)] == (3, 6)
    # the whole document's mapping starts at 1:1 too: the key "a" wins there
    assert token_ends(text)[(1, 1)] == (1, 2)


def test_ends_of_a_broken_file_stop_at_the_problem():
    ends = token_ends("a: 1\nb: [2\n")
    assert ends[(1, 1)] == (1, 2) and ends[(1, 4)] == (1, 5)


# -- documentation links ---------------------------------------------------------------

ANCHOR = re.compile(r'<a id="([a-z0-9_]+)"></a>`([A-Z0-9_]+)`')


def anchors(path: str) -> dict[str, str]:
    return {a: rule for a, rule in ANCHOR.findall((REPO / path).read_text("utf-8"))}


def test_every_rule_links_to_an_anchor_that_names_it():
    for rule in [*RULES, *LINT_RULES]:
        link = doc_link(rule.id)
        assert link is not None, rule.id
        path, _, anchor = link.partition("#")
        assert anchors(path).get(anchor) == rule.id, f"{rule.id}: no row anchored {link}"


def test_each_rule_is_documented_once():
    assert len(rule_docs()) == len(RULES) + len(LINT_RULES)
    assert doc_link("NO_SUCH_RULE") is None
