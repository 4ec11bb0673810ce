"""Settings files: ``[tool.pricegen]`` in pyproject.toml and ``pricegen.toml``.

Precedence, from strongest: a flag on the command line; the settings file
(``--config FILE``, else the nearest ``pricegen.toml`` or ``pyproject.toml``
with a ``[tool.pricegen]`` table, from the working directory upwards;
``pricegen.toml`` first in one directory); the built-in default.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CASES, REPO
from gitrepo import GitRepo

from pricegen import settings
from pricegen.cli import main

VALID = CASES / "valid" / "acme-full" / "pricing.yaml"
SPLIT = REPO / "examples" / "split-catalog" / "pricing"


def run(args: list[str]):
    result = CliRunner().invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project directory with the split catalog under pricing/, as the working directory."""
    shutil.copytree(SPLIT, tmp_path / "pricing")
    (tmp_path / "alt.yaml").write_bytes(VALID.read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pyproject(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[tool.pricegen]\n{body}')


def test_pyproject_sets_the_defaults_of_generate(project):
    pyproject(project, 'out = "build/pricing"\nmodule = "shift_prices"\ninclude-drafts = true\n')
    result = run(["generate"])
    assert result.exit_code == 0, result.output
    out = project / "build" / "pricing"
    assert (out / "shift_prices.py").is_file() and not (out / "shiftwell_pricing.py").exists()
    # the draft plan multi-site is in the outputs only with include-drafts
    assert (out / "docs" / "plans" / "multi-site.md").is_file()


def test_flags_win_over_the_settings(project):
    pyproject(project, 'catalog = "pricing"\nout = "build"\nmodule = "shift_prices"\n')
    result = run(["generate", "alt.yaml", "-o", "elsewhere", "--module", "acme_prices"])
    assert result.exit_code == 0, result.output
    assert (project / "elsewhere" / "acme_prices.py").is_file()
    assert not (project / "build").exists()
    catalog = json.loads((project / "elsewhere" / "catalog.json").read_text())
    assert catalog["product"]["id"] == "acme"  # alt.yaml, not the configured pricing/


def test_without_settings_the_built_in_defaults_hold(project):
    result = run(["generate", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert (project / "out" / "shiftwell_pricing.py").is_file()  # <product id>_pricing
    assert not (project / "out" / "docs" / "plans" / "multi-site.md").exists()  # no drafts


def test_the_catalog_setting_serves_every_command(project):
    (project / "pricegen.toml").write_text('catalog = "alt.yaml"\n')
    assert run(["validate"]).stderr.startswith("alt.yaml: ok (")
    linted = run(["lint"])
    assert linted.exit_code == 0 and linted.stderr.startswith("alt.yaml:"), linted.stderr
    quote = run(["quote", "--plan", "free", "--output-format", "json"])
    assert quote.exit_code == 0 and json.loads(quote.stdout)["total"] == "0.00"


def test_pricegen_toml_wins_over_pyproject_in_the_same_directory(project):
    pyproject(project, 'catalog = "pricing"\n')
    (project / "pricegen.toml").write_text('catalog = "alt.yaml"\n')
    assert run(["validate"]).stderr.startswith("alt.yaml: ok (")


def test_the_nearest_settings_file_wins_and_its_paths_are_its_own(project, monkeypatch):
    (project / "pricegen.toml").write_text('catalog = "pricing"\nout = "generated"\n')
    sub = project / "docs" / "deep"
    sub.mkdir(parents=True)
    (project / "docs" / "pyproject.toml").write_text('[project]\nname = "docs"\n')  # no table
    monkeypatch.chdir(sub)
    result = run(["generate"])
    assert result.exit_code == 0, result.output
    assert (project / "generated" / "shiftwell_pricing.py").is_file()  # relative to the file
    validated = run(["validate"])
    assert validated.stderr.startswith("../../pricing: ok (")


def test_config_names_a_file_and_no_config_ignores_them(project):
    (project / "pricegen.toml").write_text('catalog = "does-not-exist"\n')
    (project / "other.toml").write_text('catalog = "alt.yaml"\n')
    assert run(["--config", "other.toml", "validate"]).stderr.startswith("alt.yaml: ok (")
    assert run(["validate"]).exit_code == 2  # pricegen.toml names a missing catalog
    ignored = run(["--no-config", "validate"])
    assert ignored.exit_code == 0 and ignored.stderr.startswith("pricing: ok (")  # the default


def test_a_configured_catalog_that_is_missing_names_the_settings_file(project):
    (project / "pricegen.toml").write_text('catalog = "pricng"\n')
    result = run(["validate"])
    assert result.exit_code == 2
    assert "Path 'pricng' does not exist (the catalog setting in pricegen.toml)." in result.stderr


def test_a_bad_module_setting_names_the_settings_file(project):
    pyproject(project, 'out = "out"\nmodule = "Bad-Name"\n')
    result = run(["generate"])
    assert result.exit_code == 2
    assert "--module (from pyproject.toml [tool.pricegen])" in result.stderr
    assert "not a valid module name" in result.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('ouput = "x"\n', 'pyproject.toml: error: Unknown setting "ouput"; did you mean "out"?'),
        ("include-drafts = 1\n", 'The setting "include-drafts" is a number; expected true or'),
        ('catalog = ""\n', 'The setting "catalog" is an empty string; expected a non-empty'),
        ("module = [1]\n", 'The setting "module" is an array; expected a non-empty string.'),
        ("out = \n", "pyproject.toml:5:7: error: Invalid value; expected valid TOML."),
    ],
)
def test_bad_settings_are_usage_errors_that_say_what_was_expected(project, body, message):
    pyproject(project, body)
    result = run(["validate"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_pyproject_without_the_table_is_not_a_settings_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pricegenerator]\nx = 1\n[project]\nname = "x"\n'
    )
    assert settings.discover(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[tool.pricegen.lint]\n")
    assert settings.discover(tmp_path) == tmp_path / "pyproject.toml"


def test_include_drafts_reaches_analyze(project):
    plain = run(["analyze", "--output-format", "json"])
    pyproject(project, "include-drafts = true\n")
    drafts = run(["analyze", "--output-format", "json"])
    assert plain.exit_code == 0 and drafts.exit_code == 0, drafts.output
    assert json.loads(drafts.stdout)["space"] != json.loads(plain.stdout)["space"]


def test_diff_against_uses_the_configured_catalog(tmp_path, monkeypatch):
    repo = GitRepo(tmp_path / "repo")
    text = VALID.read_text("utf-8")
    repo.write("prices/pricing.yaml", text)
    repo.write("pricegen.toml", 'catalog = "prices/pricing.yaml"\n')
    repo.commit("catalog")
    repo.write("prices/pricing.yaml", text.replace("name: Pro", "name: Professional", 1))
    monkeypatch.chdir(repo.root)
    result = run(["diff", "--against", "HEAD", "--no-quotes"])
    assert result.exit_code == 0, result.output
    assert "Professional" in result.stdout


def test_every_key_is_documented_in_the_readme():
    """The README's example [tool.pricegen] table sets every key, with its purpose."""
    import re

    readme = (REPO / "README.md").read_text("utf-8")
    for key in settings.KEYS:
        assert re.search(rf"^{re.escape(key.name)} = .+# ", readme, re.M), key.name


def test_env_is_a_default_for_every_command_that_has_the_parameter(tmp_path, monkeypatch):
    """env applies to every command: those with --env get it, the others never look it up."""
    import click

    (tmp_path / "pricegen.toml").write_text('env = "staging"\ncatalog = "alt.yaml"\n')
    monkeypatch.chdir(tmp_path)
    from pricegen.cli_common import apply_settings

    ctx = click.Context(main, info_name="pricegen")
    with ctx:
        apply_settings(ctx, None, False)
    assert ctx.default_map is not None
    for name in main.list_commands(ctx):
        assert ctx.default_map[name]["env"] == "staging", name
        assert ctx.default_map[name]["catalog"] == "alt.yaml", name
    assert "out" not in ctx.default_map["validate"]  # generate's own keys stay generate's


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tool.pricegen\nout = "x"\n', "pyproject.toml:1:15: error:"),
        ('[tool]\npricegen = {out = "x"\n', "pyproject.toml:2:"),
    ],
)
def test_a_broken_table_of_pricegens_is_reported_not_passed_over(project, text, message):
    """The cheap text test before parsing must not take a broken table for no table."""
    (project / "pyproject.toml").write_text(text)
    result = run(["validate", "-v"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "expected valid TOML" in result.stderr
