"""Diagnostics as a SARIF 2.1.0 log, for GitHub code scanning and other SARIF readers.

One run, one result per diagnostic, and a rule descriptor for each rule the
results use (sorted by id, so the log is deterministic). Columns count
Unicode code points, as pricegen's do; regions end exclusively, as
``spans.with_ends`` computes them. Artifact URIs are the diagnostics' paths,
relative to the working directory; code scanning resolves them against the
repository root, so run pricegen from there.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from . import __version__
from .diagnostics import Diagnostic
from .ruledocs import RuleDoc, rule_docs

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_VERSION = "2.1.0"


def sarif_log(diagnostics: list[Diagnostic]) -> dict[str, Any]:
    docs = rule_docs()
    used = sorted({d.rule for d in diagnostics})
    index = {rule: i for i, rule in enumerate(used)}
    driver = {
        "name": "pricegen",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [_descriptor(rule, docs.get(rule)) for rule in used],
    }
    run = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, index[d.rule]) for d in diagnostics],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _descriptor(rule: str, doc: RuleDoc | None) -> dict[str, Any]:
    if doc is None:  # a rule no registry documents; still a valid descriptor
        return {"id": rule, "name": _pascal(rule)}
    return {
        "id": rule,
        "name": _pascal(rule),
        "shortDescription": {"text": doc.purpose},
        "help": {
            "text": f"{doc.purpose} Documented in {doc.doc} (pricegen's source tree).",
            "markdown": f"{doc.purpose} Documented in `{doc.doc}` (pricegen's source tree).",
        },
        "defaultConfiguration": {"level": doc.severity.value},
        "properties": {"category": doc.category, "documentation": doc.doc},
    }


def _result(d: Diagnostic, rule_index: int) -> dict[str, Any]:
    region = {"startLine": d.line, "startColumn": d.col}
    if d.end_line:
        region |= {"endLine": d.end_line, "endColumn": d.end_col}
    location = {"artifactLocation": {"uri": artifact_uri(d.path)}, "region": region}
    return {
        "ruleId": d.rule,
        "ruleIndex": rule_index,
        "level": d.severity.value,
        "message": {"text": d.message},
        "locations": [{"physicalLocation": location}],
    }


def artifact_uri(path: str) -> str:
    """A path as a URI reference: relative paths stay relative, absolute become file://."""
    posix = path.replace("\\", "/")
    if PurePosixPath(posix).is_absolute():
        return "file://" + quote(posix, safe="/")
    return quote(posix, safe="/")


def _pascal(rule: str) -> str:
    return "".join(part.capitalize() for part in rule.split("_"))
