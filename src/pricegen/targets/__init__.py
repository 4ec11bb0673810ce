"""Every output of pricegen is a target: the resolved model in, files out.

``render(catalog, config)`` runs each target of ``TARGETS`` on one shared
:class:`RenderContext` and returns ``{relative path: text}``, sorted; it
touches no disk. A new output is a new sibling here, with a ``name`` and a
``render(context)`` method (see :class:`Target`).
"""

from __future__ import annotations

from ..config import Config
from ..model import Catalog
from .base import RenderContext, Target, visible
from .catalog_json import CatalogJson
from .docs import Docs
from .javascript import JavaScriptEvaluator
from .python import PythonEvaluator
from .sql import SqlRating
from .tables import PricingTables

TARGETS: tuple[Target, ...] = (
    CatalogJson(),
    PythonEvaluator(),
    JavaScriptEvaluator(),
    PricingTables(),
    Docs(),
    SqlRating(),
)

__all__ = ["TARGETS", "RenderContext", "Target", "render", "visible"]


def render(
    catalog: Catalog, config: Config | None = None, targets: tuple[Target, ...] = TARGETS
) -> dict[str, str]:
    """The files of every target, by relative path, in sorted order."""
    context = RenderContext.of(catalog, config)
    files: dict[str, str] = {}
    for target in targets:
        for path, text in target.render(context).items():
            if path in files:
                raise ValueError(f"targets {target.name!r} and another both write {path!r}")
            files[path] = text
    return dict(sorted(files.items()))
