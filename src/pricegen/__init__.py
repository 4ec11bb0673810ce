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

TYPE_CHECKING = False  # not typing's: importing typing would cost `pricegen --version` 3 ms
if TYPE_CHECKING:  # for type checkers; at run time __getattr__ imports on first use
    from .pipeline import Build, compile_catalog

__version__ = "0.1.0"
__all__ = ["Build", "compile_catalog", "__version__"]


def __getattr__(name: str) -> object:
    if name in ("Build", "compile_catalog"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'pricegen' has no attribute {name!r}")
