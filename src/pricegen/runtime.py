"""Run the generated evaluator in-process, so the CLI and the module never disagree.

``pricegen quote`` and ``pricegen check`` render the evaluator for the
catalog and execute that very source, rather than reimplementing pricing.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager

from .config import Config
from .model import Catalog


def load_evaluator(catalog: Catalog, config: Config | None = None) -> types.ModuleType:
    """Render the evaluator for ``catalog`` and import it from memory."""
    from .targets import RenderContext

    return RenderContext.of(catalog, config).evaluator


def load_source(source: str, module_name: str) -> types.ModuleType:
    """Execute rendered evaluator source as a fresh module, not registered for import."""
    name = f"_pricegen_evaluator_{module_name}"
    module = types.ModuleType(name)
    module.__file__ = f"<{name}>"
    with _registered(name, module):
        exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


@contextmanager
def _registered(name: str, module: types.ModuleType) -> Iterator[None]:
    """dataclasses look their module up in sys.modules while the class is built."""
    sys.modules[name] = module
    try:
        yield
    finally:
        sys.modules.pop(name, None)
