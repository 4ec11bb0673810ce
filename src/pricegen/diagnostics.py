"""Diagnostics: the one value every pipeline stage reports problems with.

Errors are values until they reach ``cli.py``: each stage returns its result
together with a list of :class:`Diagnostic`, and the pipeline stops after a
stage that produced an error. Formatting lives here too, so that every
command prints problems the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import Enum

from .jsontext import dump_json


# Not StrEnum: str() and format() of a member would become "error" instead of
# "Severity.ERROR", which callers of this public type may rely on.
class Severity(str, Enum):  # noqa: UP042
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place. Field order is the sort order."""

    path: str
    line: int
    col: int
    rule: str
    message: str
    severity: Severity = Severity.ERROR
    # Where the key or value ends (exclusive, as in SARIF and LSP); 0 until
    # spans.with_ends() finds it for a machine format.
    end_line: int = 0
    end_col: int = 0

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, object]:
        """The diagnostic as JSON data; end positions only once they are known."""
        data: dict[str, object] = {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
        }
        if self.end_line:
            data["end_line"], data["end_col"] = self.end_line, self.end_col
        return data


def error(loc: Location, rule: str, message: str) -> Diagnostic:
    return Diagnostic(loc.path, loc.line, loc.col, rule, message, Severity.ERROR)


def warning(loc: Location, rule: str, message: str) -> Diagnostic:
    return Diagnostic(loc.path, loc.line, loc.col, rule, message, Severity.WARNING)


@dataclass(frozen=True)
class Location:
    """A 1-based line and column in a source file, as editors count them."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def normalize(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> list[Diagnostic]:
    """Sort and deduplicate; under ``strict`` every warning becomes an error."""
    items = set(diagnostics)
    if strict:
        items = {replace(d, severity=Severity.ERROR) for d in items}
    return sorted(items)


def _plain(text: str, _role: str) -> str:
    return text


def format_text(
    diagnostics: Iterable[Diagnostic], *, paint: Callable[[str, str], str] = _plain
) -> str:
    """One line per diagnostic, whatever the catalog's text holds (see escape.py).

    ``paint(text, role)`` styles the parts (roles: path, error, warning, rule),
    for colour on a terminal; by default the text stays plain. Catalog text is
    escaped before it is painted, so it cannot carry escape sequences of its own.
    """
    from .escape import one_line

    return "".join(
        f"{paint(f'{one_line(d.path)}:{d.line}:{d.col}:', 'path')} "
        f"{paint(d.severity.value + ':', d.severity.value)} {one_line(d.message)} "
        f"{paint(f'[{d.rule}]', 'rule')}\n"
        for d in diagnostics
    )


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    """A JSON array: each diagnostic's fields, its end when known, and its rule's ``doc``."""
    from .ruledocs import doc_link

    payload = [{**d.to_dict(), "doc": doc_link(d.rule)} for d in diagnostics]
    return dump_json(payload)


def format_sarif(diagnostics: Iterable[Diagnostic]) -> str:
    from .sarif import sarif_log

    return json.dumps(sarif_log(list(diagnostics)), indent=2, ensure_ascii=False) + "\n"


def _github_escape(text: str, *, prop: bool = False) -> str:
    """GitHub workflow commands need %, CR and LF escaped (and , : in properties)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        props = ",".join(
            [
                f"file={_github_escape(d.path, prop=True)}",
                f"line={d.line}",
                f"col={d.col}",
                f"title={_github_escape(d.rule, prop=True)}",
            ]
        )
        lines.append(f"::{d.severity.value} {props}::{_github_escape(d.message)}\n")
    return "".join(lines)


FORMATTERS: dict[str, Callable[[list[Diagnostic]], str]] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "sarif": format_sarif,
}


def summary(diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts) if parts else "no problems"


def did_you_mean(name: str, known: Iterable[str], noun: str | None = None) -> str:
    """The end of an unknown-reference message: the closest id, or the known ones.

    ``noun`` (plural, such as "plans") names what is listed. The hint carries
    its own final punctuation, so callers end their sentence with it.
    """
    import difflib

    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f'; did you mean "{close[0]}"?'
    if not known:
        return f"; no {noun} are declared." if noun else "; none are declared."
    shown = quoted_first(known)
    return f"; known {noun}: {shown}." if noun else f"; known: {shown}."


def quoted(items: Iterable[object]) -> str:
    """Ids for a message, each in double quotes: ``"a", "b"``."""
    return ", ".join(f'"{i}"' for i in items)


def quoted_first(items: list[str], most: int = 5) -> str:
    """The first ``most`` ids, quoted, then how many more: ``"a", "b" and 3 more``."""
    more = f" and {len(items) - most} more" if len(items) > most else ""
    return quoted(items[:most]) + more


def article(word: str) -> str:
    """The indefinite article before ``word`` in a message: "a" or "an"."""
    return "an" if word[:1] in "aeiou" else "a"
