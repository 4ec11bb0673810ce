"""Catalog text made safe for a terminal line: one line, no control characters.

Catalog text (an id, a name, a quoted key) can hold a newline or an escape
sequence. Echoed raw into a human-readable line, a key such as
``"x\\nforged.yaml:9:9: error: forged [SCHEMA]"`` would print a second,
well-formed diagnostic, and ``\\x1b[2J`` would clear the screen. Every
human-readable output (diagnostics, quotes, decisions, diff, lint, analyze)
shows such characters escaped, as Python would write them in a string.
Machine formats (JSON, SARIF, GitHub annotations) escape in their own way.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, line and paragraph separators, and the
# bidirectional overrides and isolates that reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    """``text`` with every control character escaped (``\\n``, ``\\x1b``, ``\\u2028``)."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
