"""Valid catalogs validate cleanly: exit 0, no diagnostic, even under --strict.

Two sources: the committed examples (``examples/*/pricing.yaml`` or
``examples/*/pricing/``), whatever exists of them, and the cases under
``tests/cases/valid/<case>/`` (the brief's full example, and a catalog
that uses every odd-but-legal corner of the language).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO, case_dirs, catalog_in, invoke

from pricegen import compile_catalog


def _examples() -> list[Path]:
    root = REPO / "examples"
    if not root.is_dir():
        return []
    return sorted(
        d for d in root.iterdir() if (d / "pricing.yaml").is_file() or (d / "pricing").is_dir()
    )


VALID = [*_examples(), *case_dirs("valid")]


def _id(case: Path) -> str:
    return f"{case.parent.name}/{case.name}"


def test_there_are_valid_cases():
    assert len(case_dirs("valid")) >= 2


@pytest.mark.parametrize("case", VALID, ids=_id)
@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_valid_catalog(case: Path, strict: bool, monkeypatch):
    monkeypatch.chdir(case)
    catalog = catalog_in(case)
    flags = ["--strict"] if strict else []

    result = invoke(["validate", catalog, *flags])

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"{catalog}: ok (") and result.stderr.count("\n") == 1
    as_json = invoke(["validate", catalog, *flags, "--error-format", "json"])
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout) == []


def test_odd_but_valid_reads_as_written():
    """The corners that catalog reads exactly as written, through the whole pipeline."""
    case = REPO / "tests" / "cases" / "valid" / "odd-but-valid"
    build = compile_catalog(case / "pricing")
    assert build.ok, build.diagnostics
    catalog = build.catalog
    assert catalog.product.currencies == ("JPY", "USD")
    assert catalog.product.billing_periods == ("monthly", "quarterly", "annual")
    assert catalog.product.minor_units == {"JPY": 0, "USD": 3}
    assert "no" in catalog.features  # a quoted "no" is an id, not false
    assert catalog.features["materials"].values == ("wood", "acrylic", "on", "yes")
    assert catalog.features["bench-hours"].unit == ("hour", "hour")
    assert "hidden" not in catalog.plans  # .scratch.yaml is hidden
    maker = catalog.plans["maker"]
    assert maker.price["monthly"]["USD"] == Decimal("33.50")
    assert str(maker.price["quarterly"]["USD"]) == "94.000"
    assert maker.trial.credits == {"JPY": Decimal(3000), "USD": Decimal(20)}
    assert catalog.plans["legacy"].price == {"monthly": {"JPY": Decimal(1000), "USD": Decimal(7)}}
    assert catalog.plans["studio"].billing_periods == ("annual",)
    assert catalog.addons["extra-hours"].price["monthly"]["USD"] == Decimal("13.337")
    studio = catalog.plans["studio"].entitlements
    assert studio["members"].unlimited and studio["kiln"].source == "studio"
    assert studio["laser-cutter"].source == "maker"
    assert "laser-cutter" not in catalog.plans["hobbyist"].entitlements  # false: not granted
