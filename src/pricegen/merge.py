"""Stage three: merge schema-valid files into one raw catalog.

Ownership can be split one plan per file, so ids are checked for
uniqueness across files here, and every entry keeps its file so that later
diagnostics can point into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .diagnostics import Diagnostic, Location, error
from .source import SourceFile
from .yaml_build import YamlMap

SECTIONS = {"features": "Feature", "plans": "Plan", "addons": "Add-on"}


@dataclass(frozen=True)
class Entry:
    """One feature, plan or add-on as written, with the file it came from."""

    section: str
    id: str
    data: YamlMap
    source: SourceFile

    def loc(self, *path: str | int, key: bool = False) -> Location:
        return self.source.locate((self.section, self.id, *path), key=key)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass(frozen=True)
class RawCatalog:
    product: YamlMap
    product_source: SourceFile
    features: dict[str, Entry]
    plans: dict[str, Entry]
    addons: dict[str, Entry]
    sources: tuple[SourceFile, ...]

    def product_loc(self, *path: str | int, key: bool = False) -> Location:
        return self.product_source.locate(("product", *path), key=key)


def merge(sources: list[SourceFile]) -> tuple[RawCatalog | None, list[Diagnostic]]:
    """Files in path order; entries in author order within each file."""
    diagnostics: list[Diagnostic] = []
    product, product_source = _single_product(sources, diagnostics)
    sections: dict[str, dict[str, Entry]] = {name: {} for name in SECTIONS}
    for source in sources:
        for section, entries in sections.items():
            document: Any = source.data  # a mapping: the schema said so
            for entry_id, data in (document.get(section) or {}).items():
                entry = Entry(section, entry_id, data, source)
                if entry_id in entries:
                    diagnostics.append(_duplicate(entries[entry_id], entry))
                else:
                    entries[entry_id] = entry
    if product is None or product_source is None:
        return None, diagnostics
    raw = RawCatalog(
        product,
        product_source,
        sections["features"],
        sections["plans"],
        sections["addons"],
        tuple(sources),
    )
    diagnostics.extend(_check_size(raw))
    return raw, diagnostics


# Outputs grow with plans × features (a table cell, an entitlement and a line of
# docs each), and resolution with the depth of extends chains. These bounds keep
# a small hostile file (1,000 plans extending each other, each with every one of
# 1,000 features) from taking hours and gigabytes; see spec/limits.md.
MAX_ENTRIES = 5_000  # features, and plans plus add-ons
MAX_COMBINATIONS = 100_000  # (plans + add-ons) × features
MAX_EXTENDS_DEPTH = 50


def _check_size(raw: RawCatalog) -> list[Diagnostic]:
    features, sellables = len(raw.features), len(raw.plans) + len(raw.addons)
    where = raw.product_loc(key=True)
    if features > MAX_ENTRIES or sellables > MAX_ENTRIES:
        message = (
            f"The catalog has {features:,} features and {sellables:,} plans and add-ons; "
            f"expected at most {MAX_ENTRIES:,} of each."
        )
        return [error(where, "CATALOG_TOO_LARGE", message)]
    if features * sellables > MAX_COMBINATIONS:
        message = (
            f"The catalog has {sellables:,} plans and add-ons and {features:,} features, "
            f"{features * sellables:,} combinations to render; expected at most "
            f"{MAX_COMBINATIONS:,} (split it into several products)."
        )
        return [error(where, "CATALOG_TOO_LARGE", message)]
    for plan_id, depth in _extends_depths(raw.plans).items():
        if depth > MAX_EXTENDS_DEPTH:
            plan = raw.plans[plan_id]
            message = (
                f'Plan "{plan_id}" has {depth} ancestors through extends; '
                f"expected a chain at most {MAX_EXTENDS_DEPTH} deep."
            )
            return [error(plan.loc("extends"), "CATALOG_TOO_LARGE", message)]
    return []


def _extends_depths(plans: dict[str, Entry]) -> dict[str, int]:
    """How many ancestors each plan has, in one pass; plans on a cycle count 0
    (the cycle is reported by the checks)."""
    depths: dict[str, int] = {}
    for start in plans:
        path, on_path = [], set()
        current: str | None = start
        while current in plans and current not in depths and current not in on_path:
            on_path.add(current)
            path.append(current)
            parent = plans[current].get("extends")
            current = parent if isinstance(parent, str) else None
        if current in on_path:  # a cycle: its members have no finite depth
            loop = path[path.index(current) :]
            for plan_id in loop:
                depths[plan_id] = 0
            path = path[: len(path) - len(loop)]
            base = 0
        else:
            base = depths[current] + 1 if current in depths else 0
        for plan_id in reversed(path):
            depths[plan_id] = base
            base += 1
    return depths


def _single_product(
    sources: list[SourceFile], diagnostics: list[Diagnostic]
) -> tuple[YamlMap, SourceFile] | tuple[None, None]:
    declaring = [s for s in sources if "product" in s.mapping]
    if not declaring:
        where = Location(sources[0].path) if sources else Location(".")
        message = "No file declares the product; expected one file with a 'product:' section."
        diagnostics.append(error(where, "PRODUCT_MISSING", message))
        return None, None
    first = declaring[0]
    for other in declaring[1:]:
        message = (
            f"The product is declared twice: here and at {first.locate(('product',), key=True)}; "
            "expected exactly one file to declare it."
        )
        diagnostics.append(
            error(other.locate(("product",), key=True), "PRODUCT_DUPLICATE", message)
        )
    return first.mapping["product"], first


def _duplicate(first: Entry, again: Entry) -> Diagnostic:
    noun = SECTIONS[first.section]
    message = (
        f'{noun} "{again.id}" is defined twice: here and at {first.loc(key=True)}; '
        "expected each id once across all files."
    )
    return error(again.loc(key=True), "ID_DUPLICATE", message)
