"""Shared fixtures: run the CLI in-process, and find the committed test cases."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pricegen.cli import main

TESTS = Path(__file__).parent
REPO = TESTS.parent
CASES = TESTS / "cases"


def case_dirs(kind: str) -> list[Path]:
    """The case directories under ``tests/cases/<kind>/``, sorted by name."""
    root = CASES / kind
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def catalog_in(case: Path) -> str:
    """The catalog of a case, relative to it: a ``pricing/`` directory or ``pricing.yaml``."""
    return "pricing" if (case / "pricing").is_dir() else "pricing.yaml"


def invoke(args: list[str]) -> Result:
    """Run ``pricegen ARGS`` in-process; stdout and stderr stay separate."""
    result = CliRunner().invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"pricegen {' '.join(args)} raised instead of reporting:\n{trace}")
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream
    return result


@pytest.fixture
def run_cli():
    return invoke
