"""The compile pipeline: each stage returns its result and its diagnostics.

The pipeline stops after the first stage that reports an error, so that
nothing downstream ever sees a broken model. Warnings accumulate and go on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from . import checks, lower, merge, resolve, source, validate
from .diagnostics import Diagnostic, has_errors, normalize
from .model import Catalog


@dataclass(frozen=True)
class Build:
    """The result of compiling a catalog: a model when there were no errors."""

    catalog: Catalog | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: tuple[source.SourceFile, ...] = ()

    @property
    def ok(self) -> bool:
        return self.catalog is not None and not has_errors(self.diagnostics)


def compile_catalog(
    path: str | Path,
    *,
    strict: bool = False,
    display: str | None = None,
    stream: BinaryIO | None = None,
) -> Build:
    """Load, validate and resolve the catalog at ``path`` (a file or a directory).

    With ``stream`` the catalog is one file read from it (standard input),
    shown as ``display`` (default: ``path``) in diagnostics.
    """
    shown = display if display is not None else str(path)
    if stream is not None:
        files, diagnostics = source.load_stream(stream, shown)
    else:
        files, diagnostics = source.load(Path(path), shown)
    if has_errors(diagnostics) and not files:
        return _stop(diagnostics, strict)
    valid, problems = validate.validate(files)
    diagnostics += problems
    if has_errors(diagnostics):
        return _stop(diagnostics, strict, files)
    raw, problems = merge.merge(valid)
    diagnostics += problems
    if raw is None or has_errors(diagnostics):
        return _stop(diagnostics, strict, files)
    diagnostics += checks.check(raw)
    if has_errors(diagnostics):
        return _stop(diagnostics, strict, files)
    catalog, problems = resolve.resolve(lower.lower(raw))
    diagnostics += problems
    final = normalize(diagnostics, strict=strict)
    if has_errors(final):
        return Build(None, final, tuple(files))
    return Build(catalog, final, tuple(files))


def _stop(
    diagnostics: list[Diagnostic], strict: bool, files: Iterable[source.SourceFile] = ()
) -> Build:
    return Build(None, normalize(diagnostics, strict=strict), tuple(files))
