"""Python string literals for generated code: safe, and already ruff-formatted.

Catalog text reaches the evaluator only through these literals, never pasted
into code. The quote style follows ruff's formatter (double quotes unless
that needs more escapes), so generated modules pass ``ruff format --check``.
"""

from __future__ import annotations

CHUNK = 72


def py_str(text: str) -> str:
    """A one-line literal for ASCII text."""
    if not text.isascii() or any(ord(c) < 32 or ord(c) == 127 for c in text):
        return repr(text)  # not expected from our callers; repr is always valid
    quote = "'" if text.count('"') > text.count("'") else '"'
    body = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return f"{quote}{body}{quote}"


def _chunks(text: str) -> list[str]:
    """Split so that no escape sequence (a backslash pair) straddles chunks' literals.

    Each chunk is escaped separately, so any split is valid Python; splitting
    after a backslash only makes the escaped forms longer, never wrong.
    """
    return [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]


def string_literal(text: str, *, indent: int) -> str:
    """One literal, or implicit concatenation in parentheses for long text."""
    chunks = _chunks(text)
    if len(chunks) == 1:
        return py_str(chunks[0])
    pad = " " * (indent + 4)
    inner = "\n".join(pad + py_str(chunk) for chunk in chunks)
    return f"(\n{inner}\n{' ' * indent})"
