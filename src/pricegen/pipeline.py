"""The compile pipeline: each stage returns its result and its diagnostics.

The pipeline stops after the first stage that reports an error, so that
nothing downstream ever sees a broken model. Warnings accumulate and go on,
configured by the catalog's ``lint:`` sections (and ``lint_overrides``), so
that ``validate``, ``generate``, ``lint`` and every other command report the
same warnings at the same severities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import checks, lower, merge, resolve, source, validate
from .diagnostics import Diagnostic, has_errors, normalize
from .lint.run import configure
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
    lint_overrides: dict[str, str] | None = None,
) -> Build:
    """Load, validate and resolve the catalog at ``path`` (a file or a directory).

    ``lint_overrides`` (rule id to ``error``, ``warning`` or ``off``) win over
    the catalog's ``lint:`` sections, as ``pricegen lint --severity`` does.
    """
    root = Path(path)
    files, diagnostics = source.load(root, display if display is not None else str(path))
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
    diagnostics = configure(diagnostics + problems, files, lint_overrides)
    final = normalize(diagnostics, strict=strict)
    if has_errors(final):
        return Build(None, final, tuple(files))
    return Build(catalog, final, tuple(files))


def _stop(diagnostics, strict, files=()) -> Build:
    return Build(None, normalize(diagnostics, strict=strict), tuple(files))
