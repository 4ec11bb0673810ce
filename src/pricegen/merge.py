"""Stage three: merge schema-valid files into one raw catalog.

Ownership can be split one plan per file, so ids are checked for
uniqueness across files here, and every entry keeps its file so that later
diagnostics can point into it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Diagnostic, Location, error
from .source import SourceFile, YamlMap

SECTIONS = {"features": "Feature", "plans": "Plan", "addons": "Add-on"}


@dataclass(frozen=True)
class Entry:
    """One feature, plan or add-on as written, with the file it came from."""

    section: str
    id: str
    data: YamlMap
    source: SourceFile

    def loc(self, *path, key: bool = False) -> Location:
        return self.source.locate((self.section, self.id, *path), key=key)

    def get(self, key: str, default=None):
        return self.data.get(key, default)


@dataclass(frozen=True)
class RawCatalog:
    product: YamlMap
    product_source: SourceFile
    features: dict[str, Entry]
    plans: dict[str, Entry]
    addons: dict[str, Entry]
    sources: tuple[SourceFile, ...]

    def product_loc(self, *path, key: bool = False) -> Location:
        return self.product_source.locate(("product", *path), key=key)


def merge(sources: list[SourceFile]) -> tuple[RawCatalog | None, list[Diagnostic]]:
    """Files in path order; entries in author order within each file."""
    diagnostics: list[Diagnostic] = []
    product, product_source = _single_product(sources, diagnostics)
    sections: dict[str, dict[str, Entry]] = {name: {} for name in SECTIONS}
    for source in sources:
        for section, entries in sections.items():
            for entry_id, data in (source.data.get(section) or {}).items():
                entry = Entry(section, entry_id, data, source)
                if entry_id in entries:
                    diagnostics.append(_duplicate(entries[entry_id], entry))
                else:
                    entries[entry_id] = entry
    if product is None:
        return None, diagnostics
    raw = RawCatalog(
        product,
        product_source,
        sections["features"],
        sections["plans"],
        sections["addons"],
        tuple(sources),
    )
    return raw, diagnostics


def _single_product(sources, diagnostics):
    declaring = [s for s in sources if "product" in s.data]
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
        diagnostics.append(error(other.locate(("product",), key=True), "PRODUCT_DUPLICATE", message))
    return first.data["product"], first


def _duplicate(first: Entry, again: Entry) -> Diagnostic:
    noun = SECTIONS[first.section]
    message = (
        f'{noun} "{again.id}" is defined twice: here and at {first.loc(key=True)}; '
        "expected each id once across all files."
    )
    return error(again.loc(key=True), "ID_DUPLICATE", message)
