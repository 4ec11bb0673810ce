"""The interface every output shares: a target takes the model and returns files.

A target is any object with a ``name`` and a ``render(context)`` method that
returns ``{relative path: text}``. It writes nothing: ``emit`` does. What
several targets need (the catalog's canonical data, the locale's words, the
rendered Python evaluator, which docs run for their worked examples) is
computed once, on first use, by the shared :class:`RenderContext`.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Protocol

from ..config import Config
from ..model import Addon, Catalog, Entitlement, Plan, canonical_data


class Target(Protocol):
    """One kind of output: the model in, files out."""

    name: str

    def render(self, context: RenderContext) -> dict[str, str]: ...


def visible(catalog: Catalog, config: Config) -> Catalog:
    """Draft plans and add-ons exist in outputs only with --include-drafts.

    Without it they leave no trace: an add-on's ``plans`` and ``excludes``
    lose them, a plan extending a draft names its nearest shown ancestor,
    and an entitlement set by a draft counts as set by the first shown plan
    that inherits it. An add-on left with no plan, or requiring an add-on
    that is not shown, cannot be bought, so it is not shown either.
    """
    if config.include_drafts:
        return catalog
    plans = {k: p for k, p in catalog.plans.items() if p.status != "draft"}
    addons = _sellable_addons(catalog.addons, plans)
    return replace(
        catalog,
        plans={k: _plan_without_drafts(p, plans) for k, p in plans.items()},
        addons={k: _addon_without_drafts(a, plans, addons) for k, a in addons.items()},
    )


def _sellable_addons(addons: dict[str, Addon], plans: dict[str, Plan]) -> dict[str, Addon]:
    shown = {
        k: a for k, a in addons.items() if a.status != "draft" and any(p in plans for p in a.plans)
    }
    while True:  # requiring a hidden add-on hides this one too, and so on down the chain
        broken = {k for k, a in shown.items() if any(r not in shown for r in a.requires)}
        if not broken:
            return shown
        shown = {k: a for k, a in shown.items() if k not in broken}


def _plan_without_drafts(plan: Plan, plans: dict[str, Plan]) -> Plan:
    chain = (plan.id, *plan.ancestors)
    if all(p in plans for p in chain):
        return plan
    ancestors = tuple(p for p in plan.ancestors if p in plans)
    entitlements = {fid: _shown_source(ent, chain, plans) for fid, ent in plan.entitlements.items()}
    return replace(
        plan,
        extends=ancestors[0] if ancestors else None,
        ancestors=ancestors,
        entitlements=entitlements,
    )


def _shown_source(ent: Entitlement, chain: tuple[str, ...], plans: dict) -> Entitlement:
    """An entitlement set by a hidden plan is set, as far as outputs show, by the
    shown plan nearest below it in the chain (the plan itself at worst)."""
    if ent.source in plans or ent.source not in chain:
        return ent
    below = chain[: chain.index(ent.source)]
    return replace(ent, source=next(p for p in reversed(below) if p in plans))


def _addon_without_drafts(addon: Addon, plans: dict, addons: dict) -> Addon:
    return replace(
        addon,
        plans=tuple(p for p in addon.plans if p in plans),
        excludes=tuple(a for a in addon.excludes if a in addons),
    )


@dataclass
class RenderContext:
    """The model as every target sees it, with the work they share done once."""

    catalog: Catalog  # already filtered by visible()
    config: Config

    @classmethod
    def of(cls, catalog: Catalog, config: Config | None = None) -> RenderContext:
        config = config or Config()
        return cls(visible(catalog, config), config)

    @cached_property
    def canonical(self) -> dict:
        """canonical_data(catalog): read-only for targets, which copy what they change."""
        return canonical_data(self.catalog)

    @cached_property
    def lean_packages(self) -> dict[str, list[dict]]:
        """Each plan's and add-on's data as the evaluators embed it (python.lean_package),
        under "plans" and "addons" in catalog order: built once for the Python and the
        JavaScript module, which embed the same."""
        from .python import lean_package

        data = self.canonical
        shared: dict[int, dict] = {}  # one memo over the one canonical data
        return {
            "plans": [lean_package(data["plans"][p], shared) for p in self.catalog.plans],
            "addons": [lean_package(data["addons"][a], shared) for a in self.catalog.addons],
        }

    @cached_property
    def locale(self) -> str:
        return self.config.locale or self.catalog.product.locale

    @cached_property
    def words(self):
        from ..render.describe import Words

        return Words(self.catalog, self.locale)

    @cached_property
    def module_name(self) -> str:
        return self.config.module_name(self.catalog.product.id)

    @cached_property
    def python_source(self) -> str:
        """The generated Python evaluator's text."""
        from .python import render_evaluator

        return render_evaluator(self)

    @cached_property
    def javascript_source(self) -> str:
        """The generated JavaScript evaluator's text (the page embeds it too)."""
        from .javascript import render_evaluator

        return render_evaluator(self)

    @cached_property
    def evaluator(self) -> types.ModuleType:
        """The generated evaluator, loaded: the reference semantics other outputs quote."""
        from ..runtime import load_source

        return load_source(self.python_source, self.module_name)
