"""Environments: which ones a catalog declares, which overlay belongs to each.

``product.environments`` names each environment with its type
(``production`` or ``non-production``); the production one, or else the
first declared, is the default. An *overlay* is a file of the catalog
directory with a top-level ``environment:`` key; it patches the base
catalog (every other file) for that environment (see :mod:`.overlay`).

This module holds what is checked once per catalog, whatever environment is
compiled: the declarations, and each overlay's frame (a declared
environment, one overlay per environment, additions only where allowed).
It also chooses the environment a command compiles, and words the
diagnostics of several environments as one list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, did_you_mean, error
from .model import Environment
from .source import SourceFile

if TYPE_CHECKING:
    from .config import Config
    from .model import Catalog

PRODUCTION = "production"
ALL = "all"  # --env all: every environment; never an environment's name


class UnknownEnvironmentError(ValueError):
    """A command asked for an environment the catalog does not declare (a usage error)."""

    def __init__(self, message: str, name: str, known: list[str]) -> None:
        super().__init__(message)
        self.name, self.known = name, known


@dataclass(frozen=True)
class Declared:
    """The environments of a catalog, in declared order, and the default one."""

    environments: dict[str, Environment] = field(default_factory=dict)
    default: str | None = None
    overlays: dict[str, SourceFile] = field(default_factory=dict)  # by environment

    @property
    def names(self) -> list[str]:
        return list(self.environments)


def is_overlay(source: SourceFile) -> bool:
    """An overlay says which environment it patches; a catalog file never does."""
    return isinstance(source.data, dict) and "environment" in source.data


def split(files: Iterable[SourceFile]) -> tuple[list[SourceFile], list[SourceFile]]:
    """(base files, overlay files), each in path order."""
    base: list[SourceFile] = []
    overlays: list[SourceFile] = []
    for source in files:
        (overlays if is_overlay(source) else base).append(source)
    return base, overlays


def declare(
    base: list[SourceFile], overlays: list[SourceFile]
) -> tuple[Declared, list[Diagnostic]]:
    """The declared environments and their overlays, from schema-valid files."""
    product_file = next((s for s in base if "product" in s.mapping), None)
    if product_file is None and overlays and not base:
        message = (
            "The catalog holds only overlays (files with environment:); expected the "
            "catalog directory around them, whose base files declare the product."
        )
        return Declared(), [
            error(overlays[0].locate(("environment",), key=True), "PRODUCT_MISSING", message)
        ]
    if product_file is None:
        return Declared(), []  # merge reports PRODUCT_MISSING
    written = product_file.mapping["product"].get("environments") or {}
    environments = {name: Environment(name, spec["type"]) for name, spec in written.items()}
    diagnostics = list(_productions(product_file, environments))
    productions = [e.name for e in environments.values() if e.is_production]
    default = productions[0] if productions else next(iter(environments), None)
    found, problems = _overlays(overlays, environments)
    return Declared(environments, default, found), diagnostics + problems


def _productions(
    product_file: SourceFile, environments: dict[str, Environment]
) -> Iterator[Diagnostic]:
    productions = [e.name for e in environments.values() if e.is_production]
    for name in productions[1:]:
        message = (
            f'Environment "{name}" is production, but "{productions[0]}" already is; '
            "expected at most one production environment."
        )
        where = product_file.locate(("product", "environments", name, "type"))
        yield error(where, "ENVIRONMENT_PRODUCTION_MULTIPLE", message)


def _overlays(
    overlays: list[SourceFile], environments: dict[str, Environment]
) -> tuple[dict[str, SourceFile], list[Diagnostic]]:
    """Each overlay's environment is declared, has one overlay, and adds only if allowed."""
    found: dict[str, SourceFile] = {}
    diagnostics: list[Diagnostic] = []
    for overlay in overlays:
        name = overlay.mapping["environment"]
        where = overlay.locate(("environment",))
        if name not in environments:
            diagnostics.append(
                error(where, "OVERLAY_ENVIRONMENT_UNKNOWN", _unknown(name, environments))
            )
        elif name in found:
            first = found[name].locate(("environment",))
            message = (
                f'Environment "{name}" already has an overlay, at {first}; '
                "expected one overlay file per environment."
            )
            diagnostics.append(error(where, "OVERLAY_DUPLICATE", message))
        else:
            found[name] = overlay
            if "add" in overlay.mapping and environments[name].is_production:
                message = (
                    f'"{name}" is the production environment, which adds no entries; '
                    "expected new entries in the base catalog (as drafts, published by the "
                    "overlays of the environments that sell them)."
                )
                at = overlay.locate(("add",), key=True)
                diagnostics.append(error(at, "OVERLAY_ADD_IN_PRODUCTION", message))
    return found, diagnostics


def _unknown(name: str, environments: dict[str, Environment]) -> str:
    if not environments:
        return (
            f'The overlay is for environment "{name}", but the product declares no '
            "environments; expected it under product.environments."
        )
    return (
        f'The overlay is for environment "{name}", which the product does not declare'
        f"{did_you_mean(name, environments, 'environments')}"
    )


def select(declared: Declared, env: str | None) -> str | None:
    """The environment to compile: ``env``, or the default (None without environments)."""
    if env is None:
        return declared.default
    if not declared.environments:
        raise UnknownEnvironmentError(
            f'The catalog declares no environments, so there is no "{env}"; '
            "expected no --env, or environments under product.environments.",
            env,
            [],
        )
    if env not in declared.environments:
        raise UnknownEnvironmentError(
            f'"{env}" is not an environment of the catalog'
            f"{did_you_mean(env, declared.environments, 'environments')}",
            env,
            declared.names,
        )
    return env


def selected(declared: Declared, env: str | None) -> list[str | None]:
    """The environments a command that can take them all compiles: ``all`` (or
    nothing) is every environment; None stands for a catalog without any."""
    if env is None or env == ALL:
        return list(declared.environments) or [None]
    return [select(declared, env)]


def combine(
    per_environment: dict[str | None, list[Diagnostic]], declared: Declared | None = None
) -> list[Diagnostic]:
    """The diagnostics of several environments as one list.

    A diagnostic found in every environment is reported once, as it is; one
    found in only some says which: ``In environment "staging": ...``, unless
    it is in the overlay of the one environment it was found in, which says so.
    """
    names = list(per_environment)
    overlays = declared.overlays if declared is not None else {}
    where: dict[Diagnostic, list[str | None]] = {}
    for name, diagnostics in per_environment.items():
        for diagnostic in diagnostics:
            where.setdefault(diagnostic, []).append(name)
    combined = []
    for diagnostic, found in where.items():
        named = [n for n in found if n is not None]
        in_own_overlay = len(named) == 1 and len(found) == 1 and named[0] in overlays
        if in_own_overlay and overlays[named[0]].path == diagnostic.path:
            combined.append(diagnostic)
        elif len(found) == len(names) or len(named) < len(found):  # everywhere, or no envs
            combined.append(diagnostic)
        else:
            combined.append(_tagged(diagnostic, named))
    return sorted(set(combined))


def _tagged(d: Diagnostic, names: list[str]) -> Diagnostic:
    quoted = [f'"{n}"' for n in names]
    shown = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
    noun = "environment" if len(names) == 1 else "environments"
    message = f"In {noun} {shown}: {d.message}"
    return Diagnostic(d.path, d.line, d.col, d.rule, message, d.severity)


def render_environments(
    catalogs: Mapping[str | None, Catalog], config: Config | None = None
) -> dict[str, str]:
    """``generate --env all``: each environment's files under its own name, as one set.

    ``catalogs`` maps each environment's name to its compiled catalog. One
    set, so that ``emit`` swaps every environment's outputs at once and one
    manifest owns them. A catalog without environments (name None) is its
    one set.
    """
    from .targets import render

    files: dict[str, str] = {}
    for name, catalog in catalogs.items():
        rendered = render(catalog, config)
        if name is None:
            return rendered
        files.update({f"{name}/{path}": text for path, text in rendered.items()})
    return dict(sorted(files.items()))
