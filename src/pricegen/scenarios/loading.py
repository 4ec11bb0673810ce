"""Reading a scenarios file: the position-aware loader, then the JSON Schema.

The file is checked like a catalog, in stages that stop at the first with
errors: the loader (``YAML_*`` rules), the schema (``SCENARIO_SCHEMA``),
then the references against the catalog (:mod:`.checks`) while it is
expanded into scenarios (:mod:`.expand`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, error, has_errors, normalize
from ..source import SourceFile, load_file
from .expand import Expander
from .scenario import Scenario


def schema_text() -> str:
    """The packaged JSON Schema of scenarios files."""
    return resources.files("pricegen").joinpath("schema/scenarios.schema.json").read_text("utf-8")


@cache
def _validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def load(
    path: str | Path, catalog: Mapping, display: str | None = None
) -> tuple[list[Scenario], list[Diagnostic]]:
    """Read, check and expand a scenarios file against ``catalog``.

    ``catalog`` is an evaluator module's ``CATALOG`` (plain data with
    ``product``, ``features``, ``plans`` and ``addons``). Returns the
    scenarios in file order, or none when there are errors, and the
    diagnostics sorted as every command prints them.
    """
    shown = display if display is not None else str(path)
    source, diagnostics = load_file(Path(path), shown)
    if source is None:
        return [], normalize(_reworded(d) for d in diagnostics)
    problems = check_schema(source)
    if problems:
        return [], normalize(problems)
    expander = Expander(source, catalog)
    scenarios = expander.expand()
    problems = normalize(expander.diagnostics)
    return ([] if has_errors(problems) else scenarios), problems


def _reworded(diagnostic: Diagnostic) -> Diagnostic:
    """The loader speaks of catalogs; an empty scenarios file needs its own hint."""
    if diagnostic.rule != "YAML_EMPTY":
        return diagnostic
    message = "The file has no content; expected a scenarios file with scenarios: or matrix:."
    return Diagnostic(diagnostic.path, diagnostic.line, diagnostic.col, diagnostic.rule, message)


def check_schema(source: SourceFile) -> list[Diagnostic]:
    """One SCENARIO_SCHEMA diagnostic per schema violation, worded as validate.py words them."""
    from .. import validate

    problems = []
    data: Any = source.data
    for err in _validator().iter_errors(data):
        path = tuple(err.absolute_path)
        if err.validator == "anyOf" and not path:
            message = (
                '$: the file has neither "scenarios" nor "matrix"; expected at least one of them '
                "at the top level."
            )
            problems.append(error(source.locate(()), "SCENARIO_SCHEMA", message))
            continue
        if err.validator in ("anyOf", "oneOf"):
            err = validate._best(err)
            path = tuple(err.absolute_path)
        message, on_key, path = validate._message(err, path)
        loc = source.locate(path, key=on_key)
        problems.append(error(loc, "SCENARIO_SCHEMA", f"{validate.json_path(path)}: {message}"))
    return problems
