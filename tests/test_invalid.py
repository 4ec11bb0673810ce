"""Every rule has a catalog under ``tests/cases/invalid/<RULE>/`` that breaks it, and only it.

Each case is a small, realistic catalog broken in exactly one way. Validating
it must exit 3 with exactly one diagnostic, of that rule, on the line marked
``# <-- RULE`` in the case's files (when the problem has a line), and no
traceback. The text the user sees on stderr is a snapshot in
``__snapshots__/test_invalid.ambr``: review changes to it like code.

A case may hold a ``case.toml``:

- ``catalog``: the path to validate, relative to the case (default:
  ``pricing/`` when present, else ``pricing.yaml``);
- ``args``: extra ``validate`` flags, such as ``["--strict"]`` for warnings;
- ``command``: another command line instead of ``validate CATALOG ARGS``
  (for rules another command reports, such as scenarios files checked by
  ``quote --scenarios``);
- ``via = "api"``: call ``pricegen.compile_catalog`` instead of the CLI, for
  conditions the CLI refuses before compiling (a missing path);
- ``via = "scenarios"`` with ``scenarios = FILE``: run ``quote CATALOG
  --scenarios FILE``, for rules about scenarios files (the catalog is valid);
- ``setup``: a condition that cannot be committed, built at run time in a
  copy of the case (``broken_symlink``, ``sparse_file``).
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import case_dirs, catalog_in, invoke

from pricegen import compile_catalog
from pricegen.diagnostics import Severity, format_text, summary
from pricegen.ruledocs import doc_link
from pricegen.rules import RULES

INVALID = case_dirs("invalid")
RULE_IDS = {rule.id for rule in RULES}
TEXT_KEYS = ("path", "line", "col", "severity", "message", "rule")
# Problems of a whole file (it is empty, or cannot be read): no range to underline.
WHOLE_FILE = {"CATALOG_EMPTY", "FILE_TOO_LARGE", "FILE_UNREADABLE", "YAML_EMPTY", "YAML_ENCODING"}
WARNINGS = sorted(rule.id for rule in RULES if rule.severity is Severity.WARNING)
TEXT_LINE = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): "
    r"(?P<message>.+) \[(?P<rule>[A-Z0-9_]+)\]$"
)


def case_spec(case: Path) -> dict:
    spec_file = case / "case.toml"
    return tomllib.loads(spec_file.read_text("utf-8")) if spec_file.exists() else {}


def prepare(case: Path, spec: dict, tmp_path: Path) -> Path:
    """The directory to run in: the case itself, or a copy with the runtime condition built."""
    setup = spec.get("setup")
    if setup is None:
        return case
    work = tmp_path / case.name
    shutil.copytree(case, work)
    target = work / spec["path"]
    target.parent.mkdir(parents=True, exist_ok=True)
    if setup == "broken_symlink":
        target.symlink_to(spec["target"])
    elif setup == "sparse_file":
        with target.open("wb") as handle:
            handle.truncate(spec["size"])
    else:
        raise AssertionError(f"{case.name}/case.toml: unknown setup {setup!r}")
    return work


def run_case(case: Path, spec: dict) -> tuple[str, list[dict]]:
    """(stderr text as the user sees it, the diagnostics in it), run from the case directory."""
    catalog = spec.get("catalog", catalog_in(case))
    args = spec.get("args", [])
    if spec.get("via") == "api":
        build = compile_catalog(catalog, strict="--strict" in args)
        assert not build.ok
        text = format_text(build.diagnostics) + summary(build.diagnostics) + "\n"
        return text, parse_text(text)
    if spec.get("via") == "scenarios":
        spec = {**spec, "command": ["quote", catalog, "--scenarios", spec["scenarios"], *args]}
    command = spec.get("command", ["validate", catalog, *args])
    result = invoke(command)
    assert result.exit_code == 3, result.output
    diagnostics = parse_text(result.stderr)
    if "command" not in spec:
        assert result.stdout == ""
        as_json = invoke([*command, "--error-format", "json"])
        assert as_json.exit_code == 3, as_json.output
        items = json.loads(as_json.stdout)
        assert [{key: item[key] for key in TEXT_KEYS} for item in items] == diagnostics
        for item in items:  # JSON adds where the problem ends, and where its rule is explained
            assert (item["end_line"], item["end_col"]) >= (item["line"], item["col"]), item
            if item["rule"] not in WHOLE_FILE:
                # a range a tool can underline: never empty where the problem has a place
                assert (item["end_line"], item["end_col"]) > (item["line"], item["col"]), item
            assert item["doc"] == doc_link(item["rule"]), item
    return result.stderr, diagnostics


def parse_text(text: str) -> list[dict]:
    """The diagnostics of compiler-style text output, as --error-format json gives them."""
    found = []
    for line in text.splitlines():
        if match := TEXT_LINE.match(line):
            item = match.groupdict()
            found.append({**item, "line": int(item["line"]), "col": int(item["col"])})
    return found


def marked_lines(work: Path, rule: str) -> list[tuple[str, int]]:
    """Where the case's files say the diagnostic belongs: lines ending in ``# <-- RULE``."""
    marker = f"# <-- {rule}".encode()
    found = []
    for path in sorted(work.rglob("*.y*ml")):
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 1_000_000:
            continue
        for number, line in enumerate(path.read_bytes().split(b"\n"), 1):
            if line.rstrip().endswith(marker):
                found.append((path.relative_to(work).as_posix(), number))
    return found


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.name)
def test_invalid_case(case: Path, tmp_path, monkeypatch, snapshot):
    rule = case.name
    spec = case_spec(case)
    work = prepare(case, spec, tmp_path)
    monkeypatch.chdir(work)

    stderr, diagnostics = run_case(work, spec)

    assert [d["rule"] for d in diagnostics] == [rule], "expected one precise diagnostic"
    (diagnostic,) = diagnostics
    assert diagnostic["severity"] == "error"
    assert "Traceback" not in stderr
    assert_readable(diagnostic["message"])
    where = (diagnostic["path"], diagnostic["line"])
    if diagnostic["line"] > 1:
        assert marked_lines(work, rule) == [where], "the diagnostic is not on the marked line"
    else:
        assert marked_lines(work, rule) == []
    assert stderr == snapshot


def assert_readable(message: str) -> None:
    """One sentence that says what was expected (or what the options are)."""
    assert "\n" not in message
    assert message[0].isupper() or message[0] in "\"$'"
    assert message.endswith((".", "?"))
    assert any(hint in message for hint in ("expected", "did you mean", "known ")), message
    assert "Decimal(" not in message and "None" not in message


@pytest.mark.parametrize("rule", WARNINGS)
def test_warning_cases_pass_without_strict(rule: str, monkeypatch):
    case = Path(__file__).parent / "cases" / "invalid" / rule
    monkeypatch.chdir(case)
    result = invoke(["validate", catalog_in(case)])
    assert result.exit_code == 0, result.output
    assert ": warning: " in result.stderr and result.stderr.count(f"[{rule}]") == 1
    assert "1 warning" in result.stderr


def test_every_rule_has_a_case():
    missing = sorted(RULE_IDS - {case.name for case in INVALID})
    assert missing == [], f"rules without tests/cases/invalid/<RULE>/: {missing}"


def test_every_case_names_a_rule():
    unknown = sorted({case.name for case in INVALID} - RULE_IDS)
    assert unknown == [], f"case directories that name no rule: {unknown}"


def test_every_case_has_a_catalog_or_explains_itself():
    for case in INVALID:
        spec = case_spec(case)
        if "setup" in spec or spec.get("via") == "api" or "command" in spec:
            assert (case / "case.toml").read_text("utf-8").startswith("#"), case.name
        if "catalog" not in spec and "command" not in spec:
            assert (case / "pricing.yaml").is_file() or (case / "pricing").is_dir(), case.name


def test_rules_are_documented():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", rule.id), rule.id
        assert rule.purpose and "\n" not in rule.purpose and rule.purpose.endswith("."), rule.id
        assert rule.category
