"""Where each diagnostic ends, for tools that underline a range (JSON, SARIF).

Diagnostics carry the line and column where they start. The loader keeps
only start positions, because a valid catalog needs no more; so the end
of the key or value a diagnostic starts at is found here, by reading the
file's parser events again, only when a machine format asks for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Protocol

import yaml

from .diagnostics import Diagnostic
from .yaml_build import EVENT_LOADER

Position = tuple[int, int]


class _Source(Protocol):
    @property
    def path(self) -> str: ...

    @property
    def text(self) -> str: ...


def with_ends(
    diagnostics: Sequence[Diagnostic], sources: Iterable[_Source], reparse_limit: int | None = None
) -> list[Diagnostic]:
    """The diagnostics with ``end_line`` and ``end_col`` set (exclusive, 1-based).

    A diagnostic that starts at a key or value ends where that token ends
    (a collection: where its last item ends); any other covers one
    character, or none at the end of a line. A text longer than
    ``reparse_limit`` characters is not parsed again: its diagnostics cover
    one character (a hostile file's error must not cost a second full parse).
    """
    texts = {source.path: source.text for source in sources}
    ends: dict[str, dict[Position, Position]] = {}
    result = []
    for d in diagnostics:
        if d.end_line:
            result.append(d)
            continue
        text = texts.get(d.path)
        if text is not None and d.path not in ends:
            small = reparse_limit is None or len(text) <= reparse_limit
            ends[d.path] = token_ends(text) if small else {}
        end = ends.get(d.path, {}).get((d.line, d.col)) or _one_character(text, d.line, d.col)
        result.append(dataclasses.replace(d, end_line=end[0], end_col=end[1]))
    return result


def token_ends(text: str) -> dict[Position, Position]:
    """Start → end of every scalar, alias and collection in a YAML text.

    A scalar wins over a block collection that starts at the same place (a
    block mapping starts at its first key): the key is what a diagnostic there
    names. A block collection ends where its last item ends, not at the next
    line's indentation.
    """
    ends: dict[Position, Position] = {}
    open_collections: list[tuple[Position, bool]] = []
    last_end: Position = (1, 1)
    try:
        for event in yaml.parse(text, Loader=EVENT_LOADER):
            start_mark, end_mark = event.start_mark, event.end_mark
            if start_mark is None or end_mark is None:
                continue  # the parser marks every event; the stubs allow none
            start = (start_mark.line + 1, start_mark.column + 1)
            end = (end_mark.line + 1, end_mark.column + 1)
            if isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                ends.setdefault(start, end)
                last_end = end
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                open_collections.append((start, bool(event.flow_style)))
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                opened, flow = open_collections.pop()
                closed = end if flow else last_end
                ends.setdefault(opened, closed)
                last_end = closed
    except yaml.YAMLError:
        pass  # a broken file: the ends found before the problem still hold
    return ends


def _one_character(text: str | None, line: int, col: int) -> Position:
    if text is not None:
        lines = text.split("\n")
        if 0 < line <= len(lines) and col <= len(lines[line - 1].rstrip("\r")):
            return (line, col + 1)
    return (line, col)
