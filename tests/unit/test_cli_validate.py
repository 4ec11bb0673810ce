"""`pricegen validate`, `init`, `schema` and `rules`: exit codes, formats and the schema's bytes."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from conftest import CASES, REPO, invoke

from pricegen.rules import RULES

VALID = CASES / "valid" / "acme-full"
BROKEN = CASES / "invalid" / "PLAN_EXTENDS_UNKNOWN"
WARNS = CASES / "invalid" / "PLAN_LIMIT_LOWERED"


def test_a_valid_catalog_exits_0(monkeypatch):
    monkeypatch.chdir(VALID)
    result = invoke(["validate", "pricing.yaml"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "pricing.yaml: ok (3 plans, 5 features, 1 add-on).\n"


def test_catalog_errors_exit_3_on_stderr(monkeypatch):
    monkeypatch.chdir(BROKEN)
    result = invoke(["validate", "pricing.yaml"])
    assert result.exit_code == 3
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"pricing\.yaml:21:14: error: .+ \[PLAN_EXTENDS_UNKNOWN\]", lines[0])
    assert lines[1:] == ["1 error"]


def test_the_default_catalog_is_pricing(tmp_path, monkeypatch):
    (tmp_path / "pricing").mkdir()
    (tmp_path / "pricing" / "catalog.yaml").write_bytes((VALID / "pricing.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    result = invoke(["validate"])
    assert result.exit_code == 0 and result.stderr.startswith("pricing: ok")


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "pricing.yaml", "--no-such-flag"],
        ["validate", "no/such/path.yaml"],
        ["validate", "pricing.yaml", "--error-format", "xml"],
        ["validate", "pricing.yaml", "extra-argument"],
        ["no-such-command"],
    ],
    ids=["bad-flag", "missing-path", "bad-format", "extra-argument", "bad-command"],
)
def test_usage_errors_exit_2(args, monkeypatch):
    monkeypatch.chdir(VALID)
    result = invoke(args)
    assert result.exit_code == 2
    assert "Usage:" in result.stderr and "Error:" in result.stderr


def test_json_format_is_a_json_list_on_stdout(monkeypatch):
    monkeypatch.chdir(BROKEN)
    result = invoke(["validate", "pricing.yaml", "--error-format", "json"])
    assert result.exit_code == 3
    assert result.stderr == ""
    [item] = json.loads(result.stdout)
    assert item["rule"] == "PLAN_EXTENDS_UNKNOWN" and item["severity"] == "error"
    assert (item["path"], item["line"], item["col"]) == ("pricing.yaml", 21, 14)
    assert set(item) == {
        "path", "line", "col", "end_line", "end_col", "rule", "severity", "message", "doc"
    }  # fmt: skip
    # `extends: premium` at 21:14: the range ends after the 7 letters of "premium".
    assert (item["end_line"], item["end_col"]) == (21, 21)
    assert item["doc"] == "spec/language.md#plan_extends_unknown"


def test_json_format_of_a_valid_catalog_is_an_empty_list(monkeypatch):
    monkeypatch.chdir(VALID)
    result = invoke(["validate", "pricing.yaml", "--error-format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == [] and result.stderr == ""


def test_github_format_annotates_the_line(monkeypatch):
    monkeypatch.chdir(BROKEN)
    result = invoke(["validate", "pricing.yaml", "--error-format", "github"])
    assert result.exit_code == 3
    [line] = result.stdout.splitlines()
    assert line.startswith(
        "::error file=pricing.yaml,line=21,col=14,title=PLAN_EXTENDS_UNKNOWN::Plan "
    )


def test_github_format_of_a_directory_catalog(monkeypatch):
    monkeypatch.chdir(CASES / "invalid" / "ID_DUPLICATE")
    result = invoke(["validate", "pricing", "--error-format", "github"])
    assert result.exit_code == 3
    assert result.stdout.startswith(
        "::error file=pricing/plans/pro.yaml,line=3,col=3,title=ID_DUPLICATE::"
    )


def test_warnings_pass_unless_strict(monkeypatch):
    monkeypatch.chdir(WARNS)
    relaxed = invoke(["validate", "pricing.yaml"])
    assert relaxed.exit_code == 0
    assert ": warning: " in relaxed.stderr and "[PLAN_LIMIT_LOWERED]" in relaxed.stderr
    assert "1 warning" in relaxed.stderr and "ok (" in relaxed.stderr
    strict = invoke(["validate", "pricing.yaml", "--strict"])
    assert strict.exit_code == 3
    assert ": error: " in strict.stderr and ": warning: " not in strict.stderr
    github = invoke(["validate", "pricing.yaml", "--error-format", "github"])
    assert github.exit_code == 0 and github.stdout.startswith("::warning file=pricing.yaml,")


def test_init_then_validate(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    created = invoke(["init", "pricing"])
    assert created.exit_code == 0, created.output
    assert (tmp_path / "pricing" / "pricing.yaml").is_file()
    assert (tmp_path / "pricing" / "pricegen.schema.json").read_bytes() == (
        REPO / "spec" / "pricegen.schema.json"
    ).read_bytes()
    result = invoke(["validate", "pricing", "--strict"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("pricing: ok (")


def test_init_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke(["init", "pricing"]).exit_code == 0
    again = invoke(["init", "pricing"])
    assert again.exit_code == 2 and "already exist;" in again.stderr  # two files: "exist"


def test_schema_prints_the_spec_schema_byte_for_byte():
    result = invoke(["schema"])
    assert result.exit_code == 0
    assert result.stdout_bytes == (REPO / "spec" / "pricegen.schema.json").read_bytes()
    json.loads(result.stdout)


def test_the_packaged_schema_is_the_spec_schema():
    packaged = resources.files("pricegen").joinpath("schema/pricegen.schema.json").read_bytes()
    assert packaged == (REPO / "spec" / "pricegen.schema.json").read_bytes()


def test_rules_lists_every_rule_with_its_purpose():
    """Every rule of rules.RULES, in order (other registries, such as lint's, may follow)."""
    result = invoke(["rules"])
    assert result.exit_code == 0
    listed = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    ids = [rule.id for rule in RULES]
    assert [i for i in listed if i in set(ids)] == ids
    for rule in RULES:
        line = listed[rule.id]
        assert line.endswith(rule.purpose) and rule.severity.value in line.split()


def test_version():
    result = invoke(["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("pricegen, version ")
