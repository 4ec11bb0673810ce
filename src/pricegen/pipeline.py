"""The compile pipeline: each stage returns its result and its diagnostics.

The pipeline stops after the first stage that reports an error, so that
nothing downstream ever sees a broken model. Warnings accumulate and go on.

A catalog that declares environments is compiled once per environment: the
base files and the overlays are loaded and schema-checked once, then each
environment's overlay is applied (:mod:`.overlay`) and the rest of the
pipeline runs on the result. A catalog without environments takes the same
path as it always has,
and the warnings of every environment are configured by the catalog's
``lint:`` sections (and ``lint_overrides``), so that ``validate``,
``generate``, ``lint`` and every other command report the same warnings at
the same severities.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from . import checks, environments, lower, merge, overlay, resolve, source, validate
from .diagnostics import Diagnostic, has_errors, normalize
from .environments import Declared, UnknownEnvironmentError
from .model import Catalog

__all__ = [
    "Build",
    "Builds",
    "UnknownEnvironmentError",
    "compile_catalog",
    "compile_environments",
]


@dataclass(frozen=True)
class Build:
    """The result of compiling a catalog: a model when there were no errors."""

    catalog: Catalog | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: tuple[source.SourceFile, ...] = ()

    @property
    def ok(self) -> bool:
        return self.catalog is not None and not has_errors(self.diagnostics)

    def checked_catalog(self) -> Catalog:
        """The model, for code that has checked ``ok``.

        A failed build has no model; asking for it anyway is a bug in the
        caller, not a problem with the catalog, so it raises.
        """
        if self.catalog is None:
            raise ValueError("The build has errors, so it has no catalog; check Build.ok first.")
        return self.catalog


@dataclass(frozen=True)
class Builds:
    """Several environments of one catalog, by name (None: a catalog without any)."""

    builds: dict[str | None, Build]
    diagnostics: list[Diagnostic]  # every environment's, with the environment named
    # where a diagnostic is found in only some of them

    @property
    def ok(self) -> bool:
        return all(b.ok for b in self.builds.values()) and not has_errors(self.diagnostics)

    @property
    def sources(self) -> tuple[source.SourceFile, ...]:
        """Every environment's files, each once (by display path), in order."""
        seen: dict[str, source.SourceFile] = {}
        for build in self.builds.values():
            for file in build.sources:
                seen.setdefault(file.path, file)
        return tuple(seen.values())


@dataclass(frozen=True)
class _Front:
    """What is read and checked once, whatever environment is compiled."""

    base: list[source.SourceFile]
    declared: Declared
    diagnostics: list[Diagnostic]
    files: tuple[source.SourceFile, ...]


def compile_catalog(
    path: str | Path,
    *,
    strict: bool = False,
    display: str | None = None,
    env: str | None = None,
    lint_overrides: dict[str, str] | None = None,
    stream: BinaryIO | None = None,
    enforce_lint: bool = True,
) -> Build:
    """Load, validate and resolve the catalog at ``path`` (a file or a directory).

    With ``stream`` the catalog is one file read from it (standard input),
    shown as ``display`` (default: ``path``) in diagnostics.

    ``env`` names one of the catalog's environments; without it, the default
    environment is compiled (or the catalog as it is, when it declares none).
    An ``env`` the catalog does not declare raises UnknownEnvironmentError.
    ``lint_overrides`` (rule id to ``error``, ``warning`` or ``off``) win over
    the catalog's ``lint:`` sections, as ``pricegen lint --severity`` does. A lint
    rule they set to ``error`` runs here too, so that it fails every command as it
    fails ``lint`` (``enforce_lint=False``: ``pricegen lint``, which runs them all).
    """
    front = _front(path, display, stream)
    if isinstance(front, Build):
        return _finish(front, strict)
    name = environments.select(front.declared, env)
    return _finish(_environment(front, name, lint_overrides, enforce_lint), strict)


def compile_environments(
    path: str | Path,
    *,
    strict: bool = False,
    display: str | None = None,
    env: str | None = None,
    lint_overrides: dict[str, str] | None = None,
    stream: BinaryIO | None = None,
    enforce_lint: bool = True,
) -> Builds:
    """Every environment of the catalog (``env`` None or ``all``), or the one named."""
    front = _front(path, display, stream)
    if isinstance(front, Build):
        build = _finish(front, strict)
        return Builds({None: build}, build.diagnostics)
    names = environments.selected(front.declared, env)
    builds = {
        name: _finish(_environment(front, name, lint_overrides, enforce_lint), strict)
        for name in names
    }
    combined = environments.combine({n: b.diagnostics for n, b in builds.items()}, front.declared)
    return Builds(builds, combined)


def _front(path: str | Path, display: str | None, stream: BinaryIO | None) -> _Front | Build:
    """Load every file, check each against its schema, find the environments.

    Returns a (failed) Build when a stage reported errors.
    """
    shown = display if display is not None else str(path)
    if stream is not None:
        files, diagnostics = source.load_stream(stream, shown)
    else:
        files, diagnostics = source.load(Path(path), shown)
    if has_errors(diagnostics) and not files:
        return Build(None, diagnostics)
    base, overlays = environments.split(files)
    valid, problems = validate.validate(base)
    diagnostics += problems + validate.validate_overlays(overlays)
    if has_errors(diagnostics):
        return Build(None, diagnostics, tuple(files))
    declared, problems = environments.declare(valid, overlays)
    diagnostics += problems
    if has_errors(diagnostics):
        return Build(None, diagnostics, tuple(files))
    return _Front(valid, declared, diagnostics, tuple(files))


def _environment(
    front: _Front,
    name: str | None,
    lint_overrides: dict[str, str] | None = None,
    enforce_lint: bool = True,
) -> Build:
    """One environment's catalog: the base patched by its overlay, merged, checked, resolved."""
    diagnostics = list(front.diagnostics)
    files = front.base
    if name is not None:
        kind = front.declared.environments[name]
        files, problems = overlay.apply(
            front.base, front.declared.overlays.get(name), kind.is_production
        )
        diagnostics += problems
        if not has_errors(diagnostics):
            patched = [f for f in files if not any(f is b for b in front.base)]
            diagnostics += validate.validate(patched)[1]
        if has_errors(diagnostics):
            return Build(None, diagnostics, tuple(files))
    raw, problems = merge.merge(files)
    diagnostics += problems
    if raw is None or has_errors(diagnostics):
        return Build(None, diagnostics, tuple(files))
    diagnostics += checks.check(raw)
    if has_errors(diagnostics):
        return Build(None, diagnostics, tuple(files))
    catalog, problems = resolve.resolve(lower.lower(raw))
    diagnostics = _configured(diagnostics + problems, files, lint_overrides)
    if name is not None:
        product = replace(catalog.product, environment=front.declared.environments[name])
        catalog = replace(catalog, product=product)
    if enforce_lint:
        diagnostics += _lint_errors(catalog, files, lint_overrides)
    return Build(catalog, diagnostics, tuple(files))


def _lint_errors(
    catalog: Catalog, files: list[source.SourceFile], lint_overrides: dict[str, str] | None
) -> list[Diagnostic]:
    """Findings of the lint rules that the ``lint:`` sections or the overrides set to
    ``error``: such a rule fails validate and generate as it fails lint. Lint is
    imported only for a catalog whose configuration might ask for it."""
    if not (lint_overrides or _has_lint_section(files)):
        return []
    from .lint.run import lint

    return lint(catalog, files, lint_overrides, only_errors=True)


def _finish(build: Build, strict: bool) -> Build:
    """Diagnostics sorted and deduplicated (warnings as errors under ``strict``)."""
    final = normalize(build.diagnostics, strict=strict)
    catalog = None if has_errors(final) else build.catalog
    return Build(catalog, final, build.sources)


def _configured(
    diagnostics: list[Diagnostic],
    files: list[source.SourceFile],
    lint_overrides: dict[str, str] | None,
) -> list[Diagnostic]:
    """Warnings as the catalog's ``lint:`` sections and the overrides configure them.

    Lint (and the analysis it shares) is imported only when there is something
    to configure: a clean catalog without a ``lint:`` section never loads it.
    """
    if not (diagnostics or _has_lint_section(files) or lint_overrides):
        return diagnostics
    from .lint.run import configure

    return configure(diagnostics, files, lint_overrides)


def _has_lint_section(files: list[source.SourceFile]) -> bool:
    """Whether any file has a ``lint:`` section: without one (and without overrides)
    there is nothing to configure, and lint is never imported."""
    return any(isinstance(f.data, dict) and "lint" in f.data for f in files)
