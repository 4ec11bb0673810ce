"""src type-checks with mypy and pyright, as configured in pyproject.toml.

mypy is strict except for the modules pyproject.toml lists (and says why);
pyright runs in its standard mode. Both skip src/pricegen/runtimes/ for now:
the generated evaluator's source is being rewritten, and will be made clean
with the generated modules. The package ships py.typed, so its users' type
checkers read these annotations.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)


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
