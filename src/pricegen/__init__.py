"""pricegen: a compiler for pricing-as-code.

The public API is :func:`compile_catalog`, which runs the pipeline
``load → validate → merge → check → lower → resolve`` and returns a
:class:`Build`; rendering and writing outputs are separate steps
(``pricegen.render`` and ``pricegen.emit``).

The pipeline is imported on first use: the pytest plugin imports this
package in every test run of a project that has pricegen installed, and
should cost nothing there unless it is configured.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["Build", "compile_catalog", "__version__"]


def __getattr__(name: str):
    if name in ("Build", "compile_catalog"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'pricegen' has no attribute {name!r}")
