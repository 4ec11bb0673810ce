"""Running the rules as configured: ``lint:`` sections, then the command line.

Configuration only changes severities (``error``, ``warning``, ``off``) of
rules that can be configured: every lint rule with a check, and the
compiler's warnings. A rule that does not exist, or a compiler error, is a
``LINT_CONFIG_INVALID`` error in the catalog (or a usage error on the
command line), with "did you mean".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import localcontext

from ..analyze.arithmetic import CONTEXT
from ..diagnostics import Diagnostic, Severity, did_you_mean, error
from ..model import Catalog
from ..rules import RULES
from ..source import SourceFile
from .context import Context
from .registry import CONFIGURABLE, LINT_RULES


@dataclass(frozen=True)
class LintConfig:
    """Severity overrides by rule id: ``error``, ``warning`` or ``off``."""

    levels: dict[str, str] = field(default_factory=dict)

    def merged(self, other: dict[str, str]) -> LintConfig:
        return LintConfig({**self.levels, **other})


def config_problem(rule_id: str) -> str | None:
    """Why ``rule_id`` cannot be configured, or None."""
    if rule_id in CONFIGURABLE:
        return None
    if any(r.id == rule_id for r in RULES) or rule_id == "LINT_CONFIG_INVALID":
        return f'"{rule_id}" is an error, not a warning, and cannot be configured.'
    return f'Unknown lint rule "{rule_id}"{did_you_mean(rule_id, CONFIGURABLE, "rules")}'


def _sentence(problem: str) -> str:
    return problem if problem.endswith((".", "?")) else problem + "."


def catalog_config(sources: Iterable[SourceFile]) -> tuple[LintConfig, list[Diagnostic]]:
    """The ``lint:`` sections of every file, in path order (a later file wins)."""
    levels: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for source in sources:
        section = source.data.get("lint") if isinstance(source.data, dict) else None
        if not section:
            continue
        for i, rule_id in enumerate(section.get("disable") or ()):
            _configure(source, ("lint", "disable", i), rule_id, "off", levels, problems)
        for rule_id, level in (section.get("severity") or {}).items():
            _configure(source, ("lint", "severity", rule_id), rule_id, level, levels, problems)
    return LintConfig(levels), problems


def _configure(source, path, rule_id, level, levels, problems) -> None:
    problem = config_problem(rule_id)
    if problem:
        problems.append(
            error(source.locate(path, key=True), "LINT_CONFIG_INVALID", _sentence(problem))
        )
    else:
        levels[rule_id] = level


def apply(diagnostics: Iterable[Diagnostic], config: LintConfig) -> list[Diagnostic]:
    """Drop what is off and set severities; errors of the compiler stay as they are."""
    result = []
    for d in diagnostics:
        level = config.levels.get(d.rule) if d.rule in CONFIGURABLE else None
        if level == "off":
            continue
        if level is not None:
            d = Diagnostic(d.path, d.line, d.col, d.rule, d.message, Severity(level))
        result.append(d)
    return result


# -- running ---------------------------------------------------------------------------


def configure(
    diagnostics: Iterable[Diagnostic],
    sources: Iterable[SourceFile],
    overrides: dict[str, str] | None = None,
) -> list[Diagnostic]:
    """The compiler's diagnostics as the catalog's ``lint:`` sections and ``overrides``
    configure them, with any problem of the configuration itself.

    The pipeline calls this, so that one configuration holds for every command.
    ``sources`` must have passed the schema.
    """
    config, problems = catalog_config(sources)
    return problems + apply(diagnostics, config.merged(overrides or {}))


def lint(
    catalog: Catalog,
    sources: Iterable[SourceFile] = (),
    overrides: dict[str, str] | None = None,
    only_errors: bool = False,
) -> list[Diagnostic]:
    """The lint rules' findings for ``catalog``, configured by its ``lint:`` sections and
    ``overrides``. The compiler's own warnings come from ``compile_catalog`` (given
    the same ``lint_overrides``), already configured.

    ``only_errors``: only the rules configured as errors run, which is what the
    pipeline adds to every command's diagnostics (see compile_catalog)."""
    sources = list(sources)
    config, _ = catalog_config(sources)
    config = config.merged(overrides or {})
    rules = [
        rule
        for rule in LINT_RULES
        if rule.check is not None
        and config.levels.get(rule.id) != "off"
        and (not only_errors or config.levels.get(rule.id) == "error")
    ]
    if not rules:
        return []
    ctx = Context(catalog, {s.path: s for s in sources})
    findings: list[Diagnostic] = []
    with localcontext(CONTEXT):  # exact: prices of 30 digits times 12 keep every digit
        for rule in rules:
            assert rule.check is not None  # kept above
            findings.extend(rule.check(ctx))
    return apply(findings, config)
