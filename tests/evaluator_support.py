"""Shared by the evaluator tests: catalog text in, generated module out.

Catalogs go through the real pipeline (``compile_catalog``) and the module
through the real renderer (``load_evaluator``), so a test exercises the
code a company would import.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from pricegen import compile_catalog
from pricegen.config import Config
from pricegen.model import Catalog
from pricegen.runtime import load_evaluator

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


class _CatalogDumper(yaml.SafeDumper):
    """Writes Decimal money as a plain YAML number (``0.0027``), as authors do."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_CatalogDumper.add_representer(Decimal, _represent_decimal)


def catalog_yaml(data: dict) -> str:
    """Catalog text: Decimal money as plain numbers, strings (even "20") quoted."""
    return yaml.dump(data, Dumper=_CatalogDumper, sort_keys=False, allow_unicode=True)


def compile_text(text: str, directory: Path) -> Catalog:
    """Compile catalog text from ``directory/pricing.yaml``; any error fails the test."""
    path = directory / "pricing.yaml"
    path.write_text(text, encoding="utf-8")
    build = compile_catalog(path)
    errors = [d for d in build.diagnostics if d.is_error]
    assert build.ok, f"catalog does not compile: {errors}\n{text}"
    return build.catalog


def load_text(text: str, directory: Path, config: Config | None = None):
    """The generated evaluator module for catalog text."""
    return load_evaluator(compile_text(text, directory), config)


def example_catalogs() -> list[Path]:
    """Each example's catalog: ``pricing.yaml`` or a ``pricing/`` directory."""
    found = []
    for example in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        for name in ("pricing", "pricing.yaml"):
            if (example / name).exists():
                found.append(example / name)
                break
    return found


def example_id(catalog: Path) -> str:
    return catalog.parent.name
