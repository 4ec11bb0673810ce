"""Where things are: the resolved catalog, and the source files its keys came from.

A rule reports at the model's ``loc`` fields, or deeper when the sources
have the key (``plans.pro.price.annual``), so a finding points at the line
to change. ``cache`` lets two rules share one expensive pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Location
from ..model import Addon, Catalog, Plan
from ..source import SourceFile


@dataclass(frozen=True)
class Context:
    catalog: Catalog
    sources: dict[str, SourceFile]
    cache: dict = field(default_factory=dict, compare=False)

    def at(self, loc: Location, section: str, item: str, *path) -> Location:
        """The key of ``section.item.path`` in the file of ``loc``, or of its deepest
        existing parent."""
        source = self.sources.get(loc.path)
        return loc if source is None else source.locate((section, item, *path), key=True)

    def plan_at(self, plan: Plan, *path) -> Location:
        return self.at(plan.loc, "plans", plan.id, *path)

    def addon_at(self, addon: Addon, *path) -> Location:
        return self.at(addon.loc, "addons", addon.id, *path)

    @property
    def published(self) -> list[Plan]:
        return [p for p in self.catalog.plans.values() if p.status == "published"]
