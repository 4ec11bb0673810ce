"""The ``pricegen`` script answers --version and --help without importing click.

The stored help texts must be exactly what click prints; when this fails
after a change to the group (an option, its docstring, a new command), run
``python tests/refresh_help.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pricegen import __version__
from pricegen.entry import HELP_WIDTHS, help_file, help_width, render_group_help

SCRIPT = Path(sys.executable).with_name("pricegen")


@pytest.mark.parametrize("width", HELP_WIDTHS)
def test_stored_help_is_what_click_prints(width):
    stored = Path(help_file(width)).read_text("utf-8")
    assert stored == render_group_help(width), "stale: run python tests/refresh_help.py"


@pytest.mark.parametrize("columns", ["80", "120", "101", "60", "30"])
def test_the_script_prints_clicks_help_at_every_width(columns):
    env = {**os.environ, "COLUMNS": columns}
    fast = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, env=env)
    assert fast.returncode == 0
    # click itself, in a process of its own (CliRunner pins the width at 80)
    code = "from pricegen.cli import main; main(prog_name='pricegen')"
    slow = subprocess.run(
        [sys.executable, "-c", code, "--help"], capture_output=True, text=True, env=env
    )
    assert slow.returncode == 0
    assert fast.stdout == slow.stdout


def test_help_width_follows_shutil(monkeypatch):
    for columns in ("80", "100", "250", "40", "0", "junk"):
        monkeypatch.setenv("COLUMNS", columns)
        expected = max(min(shutil.get_terminal_size().columns, 100) - 2, 50)
        assert help_width() == expected, columns


def test_version_and_help_import_neither_click_nor_yaml():
    code = (
        "import sys\n"
        "from pricegen.entry import main\n"
        "for args in (['--version'], ['--help'], ['-h']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as exit:\n"
        "        assert exit.code == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('click', 'yaml', 'jsonschema', 'jinja2', 'babel')), file=sys.stderr)\n"
    )
    env = {**os.environ, "COLUMNS": "80"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "[]"
    assert result.stdout.startswith(f"pricegen, version {__version__}\nUsage: pricegen [OPTIONS]")


def test_any_other_command_line_goes_to_click(tmp_path):
    result = subprocess.run(
        [str(SCRIPT), "--version", "--help"], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0 and result.stdout == f"pricegen, version {__version__}\n"
    usage = subprocess.run([str(SCRIPT), "--no-such-flag"], capture_output=True, text=True)
    assert usage.returncode == 2 and "No such option '--no-such-flag'" in usage.stderr


def test_python_dash_m_goes_through_the_script_entry():
    """``python -m pricegen`` answers --version as the script does, without click, and
    its help is click's with its own program name (the stored text names the script)."""
    version = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pricegen", "--version"],
        capture_output=True,
        text=True,
    )
    assert version.returncode == 0 and version.stdout == f"pricegen, version {__version__}\n"
    imported = {line.rsplit("|", 1)[-1].strip() for line in version.stderr.splitlines()}
    assert "pricegen.entry" in imported and "click" not in imported
    usage = subprocess.run(
        [sys.executable, "-m", "pricegen", "--help"], capture_output=True, text=True
    )
    assert usage.returncode == 0 and usage.stdout.startswith("Usage: python -m pricegen [OPTIONS]")
