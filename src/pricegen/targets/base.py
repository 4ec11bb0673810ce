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
from ..model import Catalog, canonical_data


class Target(Protocol):
    """One kind of output: the model in, files out."""

    name: str

    def render(self, context: RenderContext) -> dict[str, str]: ...


def visible(catalog: Catalog, config: Config) -> Catalog:
    """Draft plans and add-ons exist in outputs only with --include-drafts."""
    if config.include_drafts:
        return catalog
    plans = {k: p for k, p in catalog.plans.items() if p.status != "draft"}
    addons = {k: a for k, a in catalog.addons.items() if a.status != "draft"}
    return replace(catalog, plans=plans, addons=addons)


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
    def evaluator(self) -> types.ModuleType:
        """The generated evaluator, loaded: the reference semantics other outputs quote."""
        from ..runtime import load_source

        return load_source(self.python_source, self.module_name)
