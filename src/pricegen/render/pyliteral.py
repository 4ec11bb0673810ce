"""Python string literals for generated code: safe, and already ruff-formatted.

Catalog text reaches the evaluator only through these literals, never pasted
into code. The quote style follows ruff's formatter (double quotes unless
that needs more escapes), so generated modules pass ``ruff format --check``.
"""

from __future__ import annotations

import re

_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
LINE_LENGTH = 88


def py_str(text: str) -> str:
    """A one-line literal; our callers pass ASCII-only JSON text."""
    if not _PRINTABLE_ASCII.fullmatch(text):
        return repr(text)  # not expected from our callers; repr is always valid
    quote = "'" if text.count('"') > text.count("'") else '"'
    body = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return f"{quote}{body}{quote}"


def noqa_if_long(line: str) -> str:
    """Data literals are one line each (compiling one constant is fastest); say so to ruff."""
    return f"{line}  # noqa: E501" if len(line) > LINE_LENGTH else line
