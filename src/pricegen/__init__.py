"""pricegen: a compiler for pricing-as-code.

The public API is :func:`compile_catalog`, which runs the pipeline
``load → validate → merge → check → lower → resolve`` and returns a
:class:`Build`; rendering and writing outputs are separate steps
(``pricegen.render`` and ``pricegen.emit``).
"""

from __future__ import annotations

from .pipeline import Build, compile_catalog

__version__ = "0.1.0"
__all__ = ["Build", "compile_catalog", "__version__"]
