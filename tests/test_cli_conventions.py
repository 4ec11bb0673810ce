"""The command-line conventions of black and ruff: stdin, -q/-v, colour, exit 123, schemas.

Each test runs pricegen as a user would (in-process through click's runner,
or as a subprocess where the process itself matters) and reads what it
prints and how it exits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CASES, REPO, invoke

from pricegen import cli_common
from pricegen.cli import main

VALID = CASES / "valid" / "acme-full"
BROKEN = CASES / "invalid" / "PLAN_EXTENDS_UNKNOWN"
ESC = "\x1b["


def run(args: list[str], *, stdin: bytes | None = None, env: dict | None = None):
    """Like conftest.invoke, with standard input and environment."""
    result = CliRunner().invoke(main, args, input=stdin, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


# -- standard input ----------------------------------------------------------------------


def test_dash_reads_the_catalog_from_stdin_and_names_it(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    text = (BROKEN / "pricing.yaml").read_bytes()
    result = run(["validate", "-", "--stdin-filename", "pricing/plans.yaml"], stdin=text)
    assert result.exit_code == 3
    assert result.stderr.startswith("pricing/plans.yaml:21:14: error: ")
    unnamed = run(["validate", "-"], stdin=text)
    assert unnamed.exit_code == 3 and unnamed.stderr.startswith("<stdin>:21:14: error: ")


def test_a_valid_catalog_from_stdin_says_ok_under_its_name(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    text = (VALID / "pricing.yaml").read_bytes()
    result = run(["validate", "-", "--stdin-filename", "acme.yaml"], stdin=text)
    assert result.exit_code == 0
    assert result.stderr == "acme.yaml: ok (3 plans, 5 features, 1 add-on).\n"


def test_generate_from_stdin_writes_the_bytes_generate_writes_from_the_file(tmp_path):
    text = (VALID / "pricing.yaml").read_bytes()
    from_file = run(["generate", str(VALID / "pricing.yaml"), "-o", str(tmp_path / "a")])
    from_stdin = run(
        ["generate", "-", "--stdin-filename", "pricing.yaml", "-o", str(tmp_path / "b")],
        stdin=text,
    )
    assert from_file.exit_code == 0 and from_stdin.exit_code == 0, from_stdin.output
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*"))
    assert files_a == files_b and files_a
    for name in files_a:
        if (tmp_path / "a" / name).is_file():
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_stdin_is_bounded_like_a_file(monkeypatch, tmp_path):
    from pricegen.source import MAX_FILE_BYTES

    monkeypatch.chdir(tmp_path)
    result = run(["validate", "-"], stdin=b"#" * (MAX_FILE_BYTES + 1))
    assert result.exit_code == 3
    assert "[FILE_TOO_LARGE]" in result.stderr and "<stdin>:1:1: error:" in result.stderr


def test_lint_and_quote_read_stdin_too(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    text = (VALID / "pricing.yaml").read_bytes()
    lint = run(["lint", "-", "--stdin-filename", "acme.yaml"], stdin=text)
    assert lint.exit_code == 0 and "acme.yaml" in lint.stderr
    quote = run(["quote", "-", "--plan", "free", "--output-format", "json"], stdin=text)
    assert quote.exit_code == 0, quote.output
    assert json.loads(quote.stdout)["total"] == "0.00"  # Free costs nothing


def test_stdin_filename_without_dash_is_a_usage_error(monkeypatch):
    monkeypatch.chdir(VALID)
    result = run(["validate", "pricing.yaml", "--stdin-filename", "x.yaml"])
    assert result.exit_code == 2 and "give '-' as CATALOG" in result.stderr


def test_a_missing_catalog_path_is_still_a_usage_error(monkeypatch):
    monkeypatch.chdir(VALID)
    result = run(["validate", "nope.yaml"])
    assert result.exit_code == 2 and "Path 'nope.yaml' does not exist." in result.stderr


# -- quiet and verbose -------------------------------------------------------------------


def test_quiet_prints_diagnostics_and_nothing_else(monkeypatch):
    monkeypatch.chdir(VALID)
    assert run(["validate", "pricing.yaml", "-q"]).stderr == ""
    assert run(["-q", "validate", "pricing.yaml"]).stderr == ""
    monkeypatch.chdir(BROKEN)
    broken = run(["validate", "pricing.yaml", "--quiet"])
    assert broken.exit_code == 3
    [line] = broken.stderr.splitlines()  # the diagnostic, without the "1 error" summary
    assert line.endswith("[PLAN_EXTENDS_UNKNOWN]")


def test_quiet_generate_prints_nothing_and_still_writes(tmp_path):
    result = run(["generate", str(VALID / "pricing.yaml"), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0 and result.stderr == "" and result.stdout == ""
    assert (tmp_path / "out" / "catalog.json").is_file()
    stale = run(["generate", str(VALID / "pricing.yaml"), "-o", str(tmp_path / "new"), "-q"])
    assert stale.exit_code == 0
    check = run(["generate", str(VALID / "pricing.yaml"), "-o", str(tmp_path / "x"), "--check"])
    assert check.exit_code == 1 and "would" in check.stderr


def test_verbose_says_which_settings_and_files(monkeypatch):
    monkeypatch.chdir(VALID)
    result = run(["validate", "pricing.yaml", "-v"])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0] == "settings: none"
    assert lines[1].startswith("pricing.yaml: compiled 1 file in ") and lines[1].endswith(" ms.")
    assert lines[2].startswith("pricing.yaml: ok (")


@pytest.mark.parametrize("command", sorted(main.list_commands(None)))  # type: ignore[arg-type]
def test_every_command_takes_quiet_and_verbose(command):
    """-q/--quiet and -v/--verbose on every command, as on the group: a flag that one
    command refuses is a flag a script cannot pass to all of them."""
    flags = {
        flag
        for param in main.get_command(None, command).params  # type: ignore[arg-type, union-attr]
        for flag in param.opts
    }
    assert {"-q", "--quiet", "-v", "--verbose"} <= flags


def test_quiet_rate_prints_nothing_and_verbose_rate_names_its_engine(tmp_path):
    pytest.importorskip("duckdb")
    subs = tmp_path / "subs.csv"
    subs.write_text("subscription_id,plan,period,currency\na,free,monthly,USD\n")
    args = ["rate", str(VALID / "pricing.yaml"), "--subscriptions", str(subs), "-o"]
    quiet = run([*args, str(tmp_path / "q"), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == ""
    assert (tmp_path / "q" / "invoice_lines.csv").is_file()
    verbose = run([*args, str(tmp_path / "v"), "-v"])
    assert verbose.exit_code == 0
    assert "pricegen rate: engine duckdb, memory limit 1GB, outputs " in verbose.stderr
    assert "rated in " in verbose.stderr


def test_quiet_and_verbose_together_is_a_usage_error(monkeypatch):
    monkeypatch.chdir(VALID)
    result = run(["validate", "pricing.yaml", "-q", "-v"])
    assert result.exit_code == 2 and "exclude each other" in result.stderr


# -- colour ------------------------------------------------------------------------------


def test_no_colour_unless_a_terminal(monkeypatch):
    monkeypatch.chdir(BROKEN)
    result = run(["validate", "pricing.yaml"], env={"NO_COLOR": None, "FORCE_COLOR": None})
    assert ESC not in result.stderr


def test_force_color_colours_a_pipe_and_no_color_wins(monkeypatch):
    monkeypatch.chdir(BROKEN)
    forced = run(["validate", "pricing.yaml"], env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert f"{ESC}31m{ESC}1merror:" in forced.stderr  # bold red
    assert "[PLAN_EXTENDS_UNKNOWN]" in forced.stderr
    both = run(["validate", "pricing.yaml"], env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert ESC not in both.stderr and both.stderr.count("error:") == 1


def test_colour_follows_the_terminal(monkeypatch):
    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert cli_common.color_enabled(Terminal()) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli_common.color_enabled(Terminal()) is False
    monkeypatch.setenv("NO_COLOR", "")  # empty means unset, as no-color.org says
    assert cli_common.color_enabled(Terminal()) is True


def test_machine_formats_never_colour(monkeypatch):
    monkeypatch.chdir(BROKEN)
    result = run(["validate", "pricing.yaml", "--error-format", "json"], env={"FORCE_COLOR": "1"})
    assert ESC not in result.stdout and json.loads(result.stdout)


# -- internal errors ---------------------------------------------------------------------


def test_a_bug_exits_123_with_a_please_report_message(monkeypatch):
    import pricegen.pipeline

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pricegen.pipeline, "compile_catalog", broken)
    monkeypatch.setattr(pricegen.pipeline, "compile_environments", broken)  # validate's
    monkeypatch.chdir(VALID)
    result = CliRunner().invoke(main, ["validate", "pricing.yaml"])
    assert result.exit_code == 123
    assert result.stderr.startswith(
        "pricegen: internal error: ZeroDivisionError: division by zero\n"
    )
    assert "This is a bug in pricegen" in result.stderr and "Please report it" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr  # for the report


def test_a_catalog_error_is_not_a_bug(monkeypatch):
    monkeypatch.chdir(BROKEN)
    result = invoke(["validate", "pricing.yaml"])
    assert result.exit_code == 3 and "internal error" not in result.stderr


# -- schemas ------------------------------------------------------------------------------


def test_schema_scenarios_prints_the_scenarios_schema_byte_for_byte():
    result = invoke(["schema", "--scenarios"])
    assert result.exit_code == 0
    assert result.stdout_bytes == (REPO / "spec" / "scenarios.schema.json").read_bytes()
    assert json.loads(result.stdout)["$id"].endswith("scenarios.schema.json")


def test_modelines_point_at_spec():
    """Every yaml-language-server modeline in examples/ and spec/ names a schema under spec/."""
    found = 0
    for path in sorted([*REPO.glob("examples/**/*.yaml"), *REPO.glob("spec/*.md")]):
        for line in path.read_text("utf-8").splitlines():
            if "yaml-language-server: $schema=" not in line:
                continue
            found += 1
            target = line.split("$schema=", 1)[1].strip()
            resolved = Path(os.path.normpath(path.parent / target))
            assert resolved.parent == REPO / "spec", f"{path}: {target}"
            assert resolved.is_file(), f"{path}: {target}"
            if path.suffix == ".yaml":
                overlay = any(x.startswith("environment:") for x in path.read_text().splitlines())
                kind = "scenarios" if path.name == "scenarios.yaml" else "pricegen"
                kind = "overlay" if overlay else kind  # an environment's overlay file
                assert resolved.name == f"{kind}.schema.json", f"{path}: {target}"
    assert found >= 10


# -- python -m and start-up ----------------------------------------------------------------


def test_python_dash_m_pricegen_is_the_command_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pricegen", "validate", str(BROKEN / "pricing.yaml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 3 and "[PLAN_EXTENDS_UNKNOWN]" in result.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "pricegen", "--help"], capture_output=True, text=True
    )
    assert usage.returncode == 0 and usage.stdout.startswith("Usage: python -m pricegen ")


def test_validate_imports_no_renderer_and_no_validator_library():
    """jinja2 and babel are for rendering, jsonschema for catalogs the fast check rejects."""
    code = (
        "import sys\n"
        "from pricegen.cli import main\n"
        "try:\n"
        f"    main([ 'validate', {str(VALID / 'pricing.yaml')!r}, '-q'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "heavy = ('jsonschema', 'jinja2', 'babel', 'pricegen.targets', 'pricegen.lint', "
        "'pricegen.diff', 'pricegen.analyze')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# -- one spelling of output formats, old spellings kept for one release -------------------

ACME = str(VALID / "pricing.yaml")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (["quote", ACME, "--plan", "free", "--json"], ["quote", ACME, "--plan", "free"]),
        (
            ["check", ACME, "--plan", "free", "--feature", "seats", "--json"],
            ["check", ACME, "--plan", "free", "--feature", "seats"],
        ),
        (["analyze", ACME, "--json"], ["analyze", ACME]),
        (["diff", ACME, ACME, "--format", "json"], ["diff", ACME, ACME]),
    ],
    ids=["quote", "check", "analyze", "diff"],
)
def test_old_spellings_still_work_with_a_warning(old, new):
    before = run(old)
    after = run([*new, "--output-format", "json"])
    assert before.exit_code == after.exit_code == 0, before.output
    assert before.stdout == after.stdout and json.loads(after.stdout) is not None
    assert "is deprecated and goes in pricegen 0.3.0; use --output-format json." in before.stderr
    assert "deprecated" not in after.stderr


def test_markdown_of_scenarios_old_and_new(monkeypatch):
    monkeypatch.chdir(REPO / "examples" / "quote-snapshots")
    args = ["quote", "pricing", "--scenarios", "scenarios.yaml"]
    new = run([*args, "--output-format", "markdown"])
    old = run([*args, "--markdown"])
    assert new.exit_code == old.exit_code == 0 and new.stdout == old.stdout
    assert new.stdout.startswith("|") or new.stdout.startswith("#")


def test_conflicting_spellings_are_a_usage_error():
    result = run(["quote", ACME, "--plan", "free", "--json", "--output-format", "text"])
    assert result.exit_code == 2 and "ask for different formats" in result.stderr
    same = run(["quote", ACME, "--plan", "free", "--json", "--output-format", "json"])
    assert same.exit_code == 0


def test_markdown_without_scenarios_is_refused_not_ignored():
    result = run(["quote", ACME, "--plan", "free", "--output-format", "markdown"])
    assert result.exit_code == 2 and "--scenarios" in result.stderr


def test_every_command_spells_its_output_formats_the_same():
    """--output-format for what a command prints, --error-format for diagnostics; no others."""
    import click

    for name in main.list_commands(None):  # type: ignore[arg-type]
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert isinstance(command, click.Command)
        visible = {
            opt
            for param in command.params
            if isinstance(param, click.Option) and not param.hidden
            for opt in param.opts
        }
        formats = {opt for opt in visible if "format" in opt or opt in ("--json", "--markdown")}
        assert formats <= {"--output-format", "--error-format"}, (name, formats)


# -- help texts: examples that paste into a shell as written -------------------------------


def help_examples() -> list[tuple[str, str]]:
    """(command, example line) for every example in every help text, continuations joined."""
    import click

    found = []
    for name in ["", *main.list_commands(None)]:  # type: ignore[arg-type]
        command = main if not name else main.get_command(None, name)  # type: ignore[arg-type]
        assert isinstance(command, click.Command)
        text = command.help or ""
        joined: list[str] = []
        in_examples = False
        for line in text.split("\n"):
            stripped = line.strip()
            if stripped in ("Examples:", "Example:"):
                in_examples = True
            elif not stripped:
                in_examples = False
            elif joined and joined[-1].endswith("\\"):
                joined[-1] = joined[-1][:-1] + " " + stripped
            elif in_examples:
                joined.append(stripped)
        found += [(name or "pricegen", line) for line in joined]
    return found


def test_there_are_examples_in_every_help_text():
    named = {name for name, _line in help_examples()}
    assert named == {"pricegen", *main.list_commands(None)}  # type: ignore[arg-type]


@pytest.mark.parametrize(("command", "line"), help_examples(), ids=lambda v: str(v)[:60])
def test_help_examples_are_safe_to_paste(command, line):
    """No unquoted redirection: 'seats>=40' unquoted would write a file named =40."""
    import shlex

    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    tokens = list(lexer)
    operators = [t for t in tokens if t and set(t) <= set("();<>|&")]
    allowed = {"&&", "|", ">", "<"}  # a pipe, a chain, or redirection meant as such
    assert set(operators) <= allowed, (command, line, operators)
    for index, token in enumerate(tokens):
        if token in (">", "<"):  # meant redirection: to or from a file name
            target = tokens[index + 1] if index + 1 < len(tokens) else ""
            assert "." in target and not target.startswith("="), (command, line)
    assert tokens[0] in ("pricegen", "cat"), line
