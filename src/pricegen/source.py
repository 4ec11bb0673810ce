"""Load YAML catalog files into plain data that remembers where it came from.

PyYAML's constructors lose positions, keep the last of two duplicate keys,
turn ``0.1`` into a float and ``on`` into ``True``, and expand aliases
without bound. So this module builds values itself from the parser's event
stream (libyaml's C parser when present): every mapping and sequence records
the line and column of each entry, numbers become ``int`` or ``Decimal``
straight from the scalar's text, and only YAML 1.2 core booleans and nulls
are recognised. Depth and alias expansion are bounded while building, so a
hostile file fails fast instead of exhausting memory.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from .diagnostics import Diagnostic, Location, error

# libyaml's C parser is several times faster; fall back to pure Python without it.
_EVENT_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_NODES = 100_000
MAX_NODES = 200_000  # values in the whole catalog, aliases counted expanded
MAX_NUMBER_CHARS = 100
MAX_EXPONENT = 20  # money.amount() writes 1e20 out in full; beyond 27 digits it cannot
YAML_SUFFIXES = (".yaml", ".yml")
_DEPTH_MESSAGE = f"Nesting is deeper than {MAX_DEPTH} levels; expected a flatter document."

JsonPath = tuple[str | int, ...]  # keys and list indexes from a file's top, as $.a.b[0]


class YamlMap(dict[str, Any]):
    """A mapping that knows the position of each key and of each value."""

    __slots__ = ("marks",)

    def __init__(self) -> None:
        super().__init__()
        self.marks: dict[str, tuple[int, int, int, int]] = {}


class PatchedMap(YamlMap):
    """A mapping an overlay patched: each key remembers which file wrote it.

    ``origins`` maps a key the overlay wrote (its marks are the overlay's) to
    the overlay's display path; ``removed`` maps a key the overlay removed with
    ``null`` to that null's (path, line, col); ``merged`` maps a key whose map
    both files wrote (inside an entry or the product) to the overlay's (path,
    key line, key col, value line, value col). Other keys are the base file's.
    So a diagnostic about a value the overlay wrote or removed points at the
    overlay.
    """

    __slots__ = ("origins", "removed", "merged")

    def __init__(self) -> None:
        super().__init__()
        self.origins: dict[str, str] = {}
        self.removed: dict[str, tuple[str, int, int]] = {}
        self.merged: dict[str, tuple[str, int, int, int, int]] = {}


class YamlList(list[Any]):
    """A sequence that knows the position of each item."""

    __slots__ = ("marks",)

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[tuple[int, int]] = []


@dataclass(frozen=True)
class SourceFile:
    """One loaded file: its display path, its data, and a way back to positions."""

    path: str
    text: str
    data: object
    sha256: str
    name: str = ""  # relative to the catalog root: the same however the root is spelled

    @property
    def mapping(self) -> YamlMap:
        """The file's top-level map, for the stages after the schema check.

        The schemas require a map at the top, so anything else here is a bug
        in the stage that let the file through, not a problem with the input.
        """
        if not isinstance(self.data, YamlMap):
            raise TypeError(
                f"{self.path}: expected a schema-checked file with a map at its top, "
                f"not {type(self.data).__name__}"
            )
        return self.data

    def locate(self, json_path: JsonPath = (), *, key: bool = False) -> Location:
        """Position of the value at ``json_path`` (or of its key, with ``key``).

        Walks as deep as the path exists, so a missing child reports its parent.
        In data an overlay patched, a key follows the file that wrote it, a key
        the overlay removed is found at its ``null``, and a map both files wrote
        is found at the overlay when the overlay removed keys from it (what is
        wrong with it then is most likely what went missing). Entries and the
        product stay where the base file defines them, so that the model's
        ``loc`` of an entry always names the file that holds its data.
        """
        path, line, col = self.path, 1, 1
        node = self.data
        last = len(json_path) - 1
        for depth, step in enumerate(json_path):
            if isinstance(node, YamlMap) and isinstance(step, str) and step in node.marks:
                kline, kcol, vline, vcol = node.marks[step]
                child = node[step]
                if type(node) is PatchedMap:
                    path = node.origins.get(step, path)
                    if depth == last and type(child) is PatchedMap and child.removed:
                        merged = node.merged.get(step)
                        if merged is not None:
                            path, kline, kcol, vline, vcol = merged
                line, col = (kline, kcol) if key and depth == last else (vline, vcol)
                node = child
            elif isinstance(node, YamlList) and isinstance(step, int) and step < len(node):
                line, col = node.marks[step]
                node = node[step]
            elif type(node) is PatchedMap and isinstance(step, str) and step in node.removed:
                path, line, col = node.removed[step]
                break
            else:
                break
        return Location(path, line, col)


class _LoadError(Exception):
    def __init__(self, rule: str, message: str, line: int, col: int):
        super().__init__(message)
        self.rule, self.message, self.line, self.col = rule, message, line, col


_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")
# Plain scalars that YAML 1.1 (PyYAML, many other tools) reads as a number and
# YAML 1.2 reads differently, as another number or as text.
_AMBIGUOUS = re.compile(
    r"[-+]?0[0-9_]+"  # 010: octal in YAML 1.1
    r"|[-+]?0[xX][0-9a-fA-F_]+|[-+]?0o[0-7_]+|[-+]?0b[01_]+"  # base prefixes
    r"|[-+]?[0-9][0-9_]*(\.[0-9_]*)?"  # 1_000: digit separators, with _is_ambiguous
    r"|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?"  # 1:30: base 60 in YAML 1.1
)
_NOT_FINITE = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = {"", "~", "null", "Null", "NULL"}
_NUMBER_STARTS = frozenset("+-.0123456789")
_STR_TAG = "tag:yaml.org,2002:str"
_STD_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def resolve_plain_scalar(text: str, line: int, col: int) -> object:
    """YAML 1.2 core resolution, with exact decimals and no silent surprises."""
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _NULLS:
        return None
    if text[0] not in _NUMBER_STARTS:
        return text  # every number pattern below starts with one of these: most text does not
    if _INT.fullmatch(text) or _DECIMAL.fullmatch(text) or _AMBIGUOUS.fullmatch(text):
        _check_range(text, line, col)
    if _INT.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text) and not _is_ambiguous(text):
        value = Decimal(text)
        return value.copy_abs() if value.is_zero() else value
    if _NOT_FINITE.fullmatch(text):
        raise _LoadError(
            "YAML_NUMBER_NOT_FINITE",
            f'"{text}" is not a finite number; expected a decimal number such as 29 or 0.0027 '
            "(write unlimited for a limit without bound).",
            line,
            col,
        )
    if _is_ambiguous(text):
        plain = _plain_number(text)
        raise _LoadError(
            "YAML_NUMBER_AMBIGUOUS",
            f'"{text}" reads differently in YAML 1.1 and 1.2; expected '
            + (f"{plain}, or a quoted string." if plain else "a quoted string."),
            line,
            col,
        )
    return text


def _check_range(text: str, line: int, col: int) -> None:
    """Refuse numbers too long to handle exactly and cheaply: 5000 digits, 1e999999999."""
    too_long = len(text) > MAX_NUMBER_CHARS
    exponent = "e" in text.lower() and _DECIMAL.fullmatch(text)
    if too_long or (exponent and not -MAX_EXPONENT <= Decimal(text).adjusted() <= MAX_EXPONENT):
        shown = text if len(text) <= 24 else f"{text[:20]}... ({len(text)} characters)"
        raise _LoadError(
            "YAML_NUMBER_OUT_OF_RANGE",
            f'The number "{shown}" is out of range; expected at most {MAX_NUMBER_CHARS} characters '
            f"and an exponent between -{MAX_EXPONENT} and {MAX_EXPONENT}.",
            line,
            col,
        )


def _is_ambiguous(text: str) -> bool:
    """Whether YAML 1.1 would read ``text`` as a number that 1.2 reads otherwise."""
    if not _AMBIGUOUS.fullmatch(text):
        return False
    core = text.lstrip("+-")
    if core[:2] in ("0x", "0X", "0o", "0b") or ":" in core or "_" in core:
        return True
    return "." not in core and core.startswith("0") and len(core) > 1  # 010; but 0.5 is fine


def _plain_number(text: str) -> str | None:
    """The unambiguous way to write an ambiguous number, for the error message."""
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("+-").replace("_", "")
    bases = {"0x": 16, "0X": 16, "0o": 8, "0b": 2}
    if digits[:2] in bases:
        return f"{sign}{int(digits[2:], bases[digits[:2]])} written in decimal"
    if ":" in digits:
        return None  # base 60: text is what was meant
    value = format(Decimal(digits), "f") if "." in digits else str(int(digits))
    return f"{sign}{value} without {'underscores' if '_' in text else 'leading zeros'}"


class _Builder:
    """Turns parser events into YamlMap/YamlList/scalars, enforcing the bounds."""

    def __init__(self, budget: int = MAX_NODES) -> None:
        self.anchors: dict[str, tuple[object, int]] = {}
        self.alias_nodes = 0
        self.nodes = 0  # values built, aliases counted at their expanded size
        self.budget = budget

    def _count(self, nodes: int, line: int, col: int) -> None:
        self.nodes += nodes
        if self.nodes > self.budget:
            raise _LoadError(
                "YAML_NODE_LIMIT",
                f"The catalog holds more than {MAX_NODES:,} values (aliases expanded); "
                "expected a smaller catalog.",
                line,
                col,
            )

    def build(self, events: Iterator[yaml.Event]) -> object:
        """Build the single document; ``None`` for an empty stream."""
        root: object = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    line, col = _mark(event)
                    raise _LoadError(
                        "YAML_MULTIPLE_DOCUMENTS",
                        "A catalog file holds one YAML document; expected no second '---'.",
                        line,
                        col,
                    )
                first = next(events)
                root = self._node(first, events, 1, _mark(first))[0]
        return root

    def _node(
        self, event: yaml.Event, events: Iterator[yaml.Event], depth: int, mark: tuple[int, int]
    ) -> tuple[object, int]:
        """Build one node at ``mark`` (its line and column, which the caller records
        too); returns (value, node count)."""
        line, col = mark
        if isinstance(event, yaml.AliasEvent):
            return self._alias(str(event.anchor), line, col)
        self._count(1, line, col)
        if depth > MAX_DEPTH:
            raise _LoadError("YAML_DEPTH_LIMIT", _DEPTH_MESSAGE, line, col)
        if isinstance(event, yaml.ScalarEvent):
            value, size = self._scalar(event, line, col), 1
        elif isinstance(event, yaml.MappingStartEvent):
            self._check_collection_tag(event, line, col)
            value, size = self._mapping(events, depth)
        elif isinstance(event, yaml.SequenceStartEvent):
            self._check_collection_tag(event, line, col)
            value, size = self._sequence(events, depth)
        else:  # pragma: no cover - the parser guarantees a node event here
            raise _LoadError("YAML_SYNTAX", f"Unexpected {type(event).__name__}.", line, col)
        anchor = getattr(event, "anchor", None)
        if anchor:
            self.anchors[anchor] = (value, size)
        return value, size

    def _alias(self, anchor: str, line: int, col: int) -> tuple[object, int]:
        if anchor not in self.anchors:
            message = (
                f'Alias "*{anchor}" refers to no anchor; '
                f'expected "&{anchor}" on a value earlier in the file.'
            )
            raise _LoadError("YAML_SYNTAX", message, line, col)
        value, size = self.anchors[anchor]
        self.alias_nodes += size
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise _LoadError(
                "YAML_ALIAS_LIMIT",
                f"Aliases expand to more than {MAX_ALIAS_NODES:,} nodes; "
                "expected a document without runaway alias expansion.",
                line,
                col,
            )
        self._count(size, line, col)
        return value, size

    def _scalar(self, event: yaml.ScalarEvent, line: int, col: int) -> object:
        tag = event.tag
        if tag not in (None, "!", _STR_TAG):
            raise _LoadError(
                "YAML_TAG_UNSUPPORTED",
                f'Tag "{_short_tag(tag)}" is not supported; expected an untagged value or !!str.',
                line,
                col,
            )
        if event.style or tag in ("!", _STR_TAG) or not event.implicit[0]:
            return event.value
        return resolve_plain_scalar(event.value, line, col)

    @staticmethod
    def _check_collection_tag(
        event: yaml.MappingStartEvent | yaml.SequenceStartEvent, line: int, col: int
    ) -> None:
        tag = event.tag
        if tag is not None and tag not in _STD_COLLECTION_TAGS:
            raise _LoadError(
                "YAML_TAG_UNSUPPORTED",
                f'Tag "{_short_tag(tag)}" is not supported; '
                "expected an untagged mapping or sequence.",
                line,
                col,
            )

    def _mapping(self, events: Iterator[yaml.Event], depth: int) -> tuple[YamlMap, int]:
        result, size = YamlMap(), 1
        for key_event in events:
            if isinstance(key_event, yaml.MappingEndEvent):
                return result, size
            kline, kcol = _mark(key_event)
            key = self._key(key_event, kline, kcol)
            if key in result.marks:
                first_line, first_col = result.marks[key][:2]
                raise _LoadError(
                    "YAML_DUPLICATE_KEY",
                    f'Key "{key}" appears twice in this mapping (first at line {first_line}, '
                    f"column {first_col}); expected each key once.",
                    kline,
                    kcol,
                )
            value_event = next(events)
            vline, vcol = mark = _mark(value_event)
            value, child = self._node(value_event, events, depth + 1, mark)
            result[key] = value
            result.marks[key] = (kline, kcol, vline, vcol)
            size += child
        raise _LoadError("YAML_SYNTAX", "Mapping is not closed.", 1, 1)  # pragma: no cover

    @staticmethod
    def _key(event: yaml.Event, line: int, col: int) -> str:
        """Mapping keys are always strings, taken from their source text."""
        if not isinstance(event, yaml.ScalarEvent):
            raise _LoadError(
                "YAML_KEY_NOT_STRING",
                "Mapping keys must be plain text; expected a name, not a collection or alias.",
                line,
                col,
            )
        if event.value == "<<" and not event.style:
            raise _LoadError(
                "YAML_MERGE_KEY",
                "Merge keys (<<) are not supported; expected the keys written out, "
                "or an alias used as a whole value.",
                line,
                col,
            )
        return event.value

    def _sequence(self, events: Iterator[yaml.Event], depth: int) -> tuple[YamlList, int]:
        result, size = YamlList(), 1
        for item_event in events:
            if isinstance(item_event, yaml.SequenceEndEvent):
                return result, size
            mark = _mark(item_event)
            value, child = self._node(item_event, events, depth + 1, mark)
            result.append(value)
            result.marks.append(mark)
            size += child
        raise _LoadError("YAML_SYNTAX", "Sequence is not closed.", 1, 1)  # pragma: no cover


def _short_tag(tag: str) -> str:
    """Tags as authors write them: !!float, not tag:yaml.org,2002:float."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    if mark is None:  # pragma: no cover - the parser marks every event
        return 1, 1
    return mark.line + 1, mark.column + 1


def _decode(raw: bytes, path: str) -> tuple[str | None, Diagnostic | None]:
    """Strict UTF-8, with the position of the first bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        # Editors count characters, not bytes; the line before the bad byte is valid UTF-8.
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1
        message = (
            f"Byte 0x{raw[exc.start]:02x} is not valid UTF-8; "
            "expected the file to be saved as UTF-8."
        )
        return None, error(Location(path, line, col), "YAML_ENCODING", message)


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n", line)
    if line - 1 < len(lines) and col - 1 < len(lines[line - 1]):
        return lines[line - 1][col - 1]
    return ""


def _within(text: str, line: int, col: int) -> tuple[int, int]:
    """A parser mark moved back into the text: at the end of the stream it can point past it."""
    lines = text.split("\n")
    if line <= len(lines):
        return line, col
    return len(lines), len(lines[-1]) + 1


def _unclosed(context: str, problem: str) -> bool:
    flow = context.startswith("while parsing a flow") and problem.startswith(
        "did not find expected"
    )
    quote = context.startswith("while scanning a quoted") and "found unexpected" in problem
    return flow or quote


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = _within(text, *((mark.line + 1, mark.column + 1) if mark else (1, 1)))
    problem = (exc.problem or "invalid YAML").strip()
    if "'\\t'" in problem or _char_at(text, line, col) == "\t":
        return error(
            Location(path, line, col),
            "YAML_TAB",
            "A tab character is used for indentation; expected spaces.",
        )
    context = (exc.context or "").strip()
    start = exc.context_mark
    opened = f"line {start.line + 1}, column {start.column + 1}" if start is not None else ""
    if start is not None and _unclosed(context, problem):
        # An unclosed bracket or quote: the parser notices late, the author needs the opening.
        what = context.split(" a ", 1)[1].replace("quoted scalar", "quoted value")
        closing = (
            problem.split("did not find expected ", 1)[-1]
            if "did not find" in problem
            else "a closing quote"
        )
        at_end = "end of stream" in problem or (line, col) == _within(text, 10**9, 1)
        until = "the end of the file" if at_end else f"line {line}, column {col}"
        message = f"This {what} is not closed before {until}; expected {closing}."
        # a flow node's mark can be the end of the text; keep it inside the file
        opening = _within(text, start.line + 1, start.column + 1)
        return error(Location(path, *opening), "YAML_SYNTAX", message)
    if start is not None and problem == "could not find expected ':'":
        message = "This line has no ':' after its key; expected 'key: value', or a '- ' list item."
        key = _within(text, start.line + 1, start.column + 1)
        return error(Location(path, *key), "YAML_SYNTAX", message)
    if start is not None and problem == "did not find expected key" and "block mapping" in context:
        message = (
            f"This line does not continue the mapping that starts at {opened}; "
            "expected a key indented like its other keys."
        )
        return error(Location(path, line, col), "YAML_SYNTAX", message)
    if start is not None and problem == "did not find expected '-' indicator":
        message = (
            f"This line does not continue the list that starts at {opened}; "
            "expected an item starting with '-' indented like its other items."
        )
        return error(Location(path, line, col), "YAML_SYNTAX", message)
    if problem == "mapping values are not allowed in this context":
        message = (
            "A ': ' appears inside a plain value; expected the value quoted, "
            "or the key on its own, correctly indented line."
        )
        return error(Location(path, line, col), "YAML_SYNTAX", message)
    if problem.startswith("found character that cannot start any token"):
        char = _char_at(text, line, col)
        message = f"'{char}' cannot start a plain value; expected the value quoted."
        return error(Location(path, line, col), "YAML_SYNTAX", message)
    if context and start is not None:
        context = f" {context} that starts at {opened}"
    elif context:
        context = f" {context}"
    problem = problem[0].upper() + problem[1:]
    message = f"{problem}{context}; expected well-formed YAML."
    return error(Location(path, line, col), "YAML_SYNTAX", message)


# Characters YAML does not allow anywhere in a stream (YAML 1.2, section 5.1).
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _reader_diagnostic(text: str, path: str) -> Diagnostic:
    """A character YAML refuses; the reader's own position is bytes or characters by parser."""
    found = _NOT_PRINTABLE.search(text)
    if found is None:  # pragma: no cover - the reader only fails on such a character
        return error(
            Location(path), "YAML_SYNTAX", "The file is not readable as YAML; expected text."
        )
    before = text[: found.start()]
    line = before.count("\n") + 1
    col = found.start() - (before.rfind("\n") + 1) + 1
    message = (
        f"Control character U+{ord(found.group()):04X} is not allowed in YAML; "
        "expected printable text."
    )
    return error(Location(path, line, col), "YAML_SYNTAX", message)


def _is_parser_depth_limit(exc: yaml.MarkedYAMLError) -> bool:
    """libyaml 0.2.6 and later stop at 1,000 levels of their own, before pricegen sees a node.

    Its scanner holds back a flow collection's tokens until it knows whether
    the collection is a key, so ``[[[[...`` fails inside libyaml before the
    builder meets level 65.
    """
    return (exc.problem or "").strip() == "exceeded maximum nesting depth"


def _own_depth_diagnostic(exc: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    """The diagnostic pricegen's own bound gives, whatever libyaml's version.

    The text before libyaml's mark holds its 1,000 open levels and no more, so
    building it reaches level 65 (or an earlier problem) exactly as a libyaml
    without the bound does. The catalog gets the same rule and position with
    every PyYAML release.
    """
    mark = exc.problem_mark
    end = mark.index if mark is not None else 0
    if 0 < end < len(text):
        try:
            _Builder().build(iter(yaml.parse(text[:end], Loader=_EVENT_LOADER)))
        except _LoadError as inner:
            return error(Location(path, inner.line, inner.col), inner.rule, inner.message)
        except yaml.MarkedYAMLError as inner:
            if not _is_parser_depth_limit(inner) and inner.problem_mark is not None:
                if inner.problem_mark.index < end - 1:
                    return _syntax_diagnostic(inner, text, path)
        except yaml.YAMLError:
            pass
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return error(Location(path, line, col), "YAML_DEPTH_LIMIT", _DEPTH_MESSAGE)


def parse_text(
    text: str, path: str, *, budget: list[int] | None = None
) -> tuple[object, list[Diagnostic]]:
    """Parse one document of YAML text into position-aware data.

    ``budget`` holds the number of values the catalog may still hold, in a
    one-item list that the files of a directory share and decrease.
    """
    builder = _Builder(budget[0] if budget is not None else MAX_NODES)
    try:
        data = builder.build(iter(yaml.parse(text, Loader=_EVENT_LOADER)))
        if budget is not None:
            budget[0] -= builder.nodes
        return data, []
    except _LoadError as exc:
        if exc.rule == "YAML_NODE_LIMIT" and budget is not None:
            budget[0] = -1  # spent: the files after this one are not read
        return None, [error(Location(path, exc.line, exc.col), exc.rule, exc.message)]
    except yaml.MarkedYAMLError as exc:
        if _is_parser_depth_limit(exc):
            return None, [_own_depth_diagnostic(exc, text, path)]
        return None, [_syntax_diagnostic(exc, text, path)]
    except yaml.reader.ReaderError:
        return None, [_reader_diagnostic(text, path)]
    except yaml.YAMLError as exc:  # pragma: no cover - e.g. a reader error without a mark
        return None, [error(Location(path), "YAML_SYNTAX", f"{exc}; expected well-formed YAML.")]


def load_file(
    file: Path, display: str, *, regular_only: bool = False, budget: list[int] | None = None
) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Read, decode and parse one file; never raises for bad content.

    ``regular_only`` is for files found in a catalog directory: a broken
    symlink or a named pipe there is reported, never silently skipped or
    read (a pipe would block). A path named explicitly is read whatever it
    is, so ``/dev/stdin`` works, but never more than ``MAX_FILE_BYTES``.
    """
    try:
        problem = _not_regular(file) if regular_only else None
        if problem:
            return None, [error(Location(display), "FILE_UNREADABLE", problem)]
        size = file.stat().st_size
        with file.open("rb") as handle:
            raw = b"" if size > MAX_FILE_BYTES else handle.read(MAX_FILE_BYTES + 1)
        if max(size, len(raw)) > MAX_FILE_BYTES:
            shown = (
                f"{size:,} bytes"
                if size > MAX_FILE_BYTES
                else f"more than {MAX_FILE_BYTES:,} bytes"
            )
            message = (
                f"The file is {shown}; expected at most {MAX_FILE_BYTES:,} bytes "
                "(split the catalog over several files)."
            )
            return None, [error(Location(display), "FILE_TOO_LARGE", message)]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [
            error(Location(display), "FILE_UNREADABLE", f"{reason}; expected a readable file.")
        ]
    return load_bytes(raw, display, budget=budget)


def load_bytes(
    raw: bytes, display: str, *, budget: list[int] | None = None
) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Decode and parse one file's bytes, already read (from a file or standard input)."""
    text, problem = _decode(raw, display)
    if problem or text is None:
        return None, [problem] if problem else []
    data, diagnostics = parse_text(text, display, budget=budget)
    if diagnostics:
        return None, diagnostics
    if data is None:
        message = "The file has no content; expected a catalog starting with 'pricegen: 1'."
        return None, [error(Location(display), "YAML_EMPTY", message)]
    digest = hashlib.sha256(raw).hexdigest()
    return SourceFile(display, text, data, digest), []


def load_stream(stream: BinaryIO, display: str) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Load a one-file catalog from a stream (standard input), as ``load`` loads a file.

    The file's name for the source digest is the last part of ``display``,
    so ``pricegen generate - --stdin-filename pricing.yaml < pricing.yaml``
    writes the very bytes ``pricegen generate pricing.yaml`` writes.
    """
    try:
        raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return [], [error(Location(display), "FILE_UNREADABLE", f"{reason}; expected a catalog.")]
    if len(raw) > MAX_FILE_BYTES:
        message = (
            f"The input is more than {MAX_FILE_BYTES:,} bytes; expected at most "
            f"{MAX_FILE_BYTES:,} bytes (split the catalog over several files)."
        )
        return [], [error(Location(display), "FILE_TOO_LARGE", message)]
    source, diagnostics = load_bytes(raw, display, budget=[MAX_NODES])
    if source is None:
        return [], diagnostics
    return [replace(source, name=display.replace("\\", "/").rsplit("/", 1)[-1])], diagnostics


def _not_regular(file: Path) -> str | None:
    """Why a file found in a catalog directory cannot be read as one, or None."""
    if file.is_symlink() and not file.exists():
        return (
            f'The symbolic link points to "{os.readlink(file)}", which does not exist; '
            "expected a readable file."
        )
    mode = file.stat().st_mode
    if stat.S_ISREG(mode):
        return None
    kind = (
        "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    )
    return f"The path is {kind}, not a regular file; expected a catalog file."


def discover(root: Path) -> list[Path]:
    """The catalog's files: the path itself, or every YAML file under a directory.

    Anything with a YAML suffix that is not a directory counts, so that a
    broken symlink is reported rather than silently leaving plans out.
    """
    if not root.is_dir():
        return [root]
    found = [
        p
        for p in root.rglob("*")
        if p.suffix in YAML_SUFFIXES
        and not p.is_dir()
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def display_path(file: Path, root: Path, root_display: str) -> str:
    if file == root:
        return root_display
    rel = file.relative_to(root).as_posix()
    return f"{root_display.rstrip('/')}/{rel}" if root_display not in ("", ".") else rel


def load(root: Path, root_display: str | None = None) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Load a catalog file or directory; stage one of the pipeline."""
    shown = root_display if root_display is not None else root.as_posix()
    if not root.exists():
        return [], [
            error(
                Location(shown),
                "CATALOG_NOT_FOUND",
                "No such file or directory; expected a catalog file or directory.",
            )
        ]
    files = discover(root)
    if not files:
        message = "The directory holds no .yaml or .yml files; expected at least one catalog file."
        return [], [error(Location(shown), "CATALOG_EMPTY", message)]
    sources, diagnostics = [], []
    budget = [MAX_NODES]  # shared: a directory of many files is one catalog
    for file in files:
        if budget[0] < 0:
            break  # one YAML_NODE_LIMIT is enough; the rest would repeat it
        shown_file = display_path(file, root, shown)
        source, problems = load_file(file, shown_file, regular_only=file != root, budget=budget)
        diagnostics.extend(problems)
        if source is not None:
            name = file.name if file == root else file.relative_to(root).as_posix()
            sources.append(replace(source, name=name))
    return sources, diagnostics


def combined_sha256(sources: list[SourceFile]) -> str:
    """One digest over root-relative names and contents, for generated-file headers.

    Names are relative to the catalog root, so the digest (and every output
    that carries it) does not depend on the directory the command ran from.
    """
    digest = hashlib.sha256()
    for source in sorted(sources, key=lambda s: s.name or s.path):
        name = source.name or source.path
        digest.update(name.encode("utf-8") + b"\0" + source.sha256.encode() + b"\0")
    return digest.hexdigest()
