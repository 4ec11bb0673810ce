"""YAML parser events into values that remember their positions, within bounds.

The builder behind :func:`.source.parse_text`: mappings and sequences record
the line and column of each entry, numbers become ``int`` or ``Decimal``
straight from the scalar's text, only YAML 1.2 core booleans and nulls are
recognised, and depth and alias expansion are bounded while building, so a
hostile file fails fast instead of exhausting memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import yaml

# libyaml's C parser is several times faster; fall back to pure Python without it.
EVENT_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 64
MAX_ALIAS_NODES = 100_000
MAX_NUMBER_CHARS = 100
MAX_EXPONENT = 20  # money.amount() writes 1e20 out in full; beyond 27 digits it cannot
DEPTH_MESSAGE = f"Nesting is deeper than {MAX_DEPTH} levels; expected a flatter document."


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


class LoadError(Exception):
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
        raise LoadError(
            "YAML_NUMBER_NOT_FINITE",
            f'"{text}" is not a finite number; expected a decimal number such as 29 or 0.0027 '
            "(write unlimited for a limit without bound).",
            line,
            col,
        )
    if _is_ambiguous(text):
        plain = _plain_number(text)
        raise LoadError(
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
        raise LoadError(
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


class Builder:
    """Turns parser events into YamlMap/YamlList/scalars, enforcing the bounds."""

    def __init__(self, budget: int, limit: int) -> None:
        """``budget``: the values this file may still add; ``limit``: the catalog's, to name."""
        self.anchors: dict[str, tuple[object, int]] = {}
        self.alias_nodes = 0
        self.nodes = 0  # values built, aliases counted at their expanded size
        self.budget, self.limit = budget, limit

    def _count(self, nodes: int, line: int, col: int) -> None:
        self.nodes += nodes
        if self.nodes > self.budget:
            raise LoadError(
                "YAML_NODE_LIMIT",
                f"The catalog holds more than {self.limit:,} values (aliases expanded); "
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
                    line, col = event_mark(event)
                    raise LoadError(
                        "YAML_MULTIPLE_DOCUMENTS",
                        "A catalog file holds one YAML document; expected no second '---'.",
                        line,
                        col,
                    )
                first = next(events)
                root = self._node(first, events, 1, event_mark(first))[0]
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
            raise LoadError("YAML_DEPTH_LIMIT", DEPTH_MESSAGE, line, col)
        if isinstance(event, yaml.ScalarEvent):
            value, size = self._scalar(event, line, col), 1
        elif isinstance(event, yaml.MappingStartEvent):
            self._check_collection_tag(event, line, col)
            value, size = self._mapping(events, depth)
        elif isinstance(event, yaml.SequenceStartEvent):
            self._check_collection_tag(event, line, col)
            value, size = self._sequence(events, depth)
        else:  # pragma: no cover - the parser guarantees a node event here
            raise LoadError("YAML_SYNTAX", f"Unexpected {type(event).__name__}.", line, col)
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
            raise LoadError("YAML_SYNTAX", message, line, col)
        value, size = self.anchors[anchor]
        self.alias_nodes += size
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise LoadError(
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
            raise LoadError(
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
            raise LoadError(
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
            kline, kcol = event_mark(key_event)
            key = self._key(key_event, kline, kcol)
            if key in result.marks:
                first_line, first_col = result.marks[key][:2]
                raise LoadError(
                    "YAML_DUPLICATE_KEY",
                    f'Key "{key}" appears twice in this mapping (first at line {first_line}, '
                    f"column {first_col}); expected each key once.",
                    kline,
                    kcol,
                )
            value_event = next(events)
            vline, vcol = mark = event_mark(value_event)
            value, child = self._node(value_event, events, depth + 1, mark)
            result[key] = value
            result.marks[key] = (kline, kcol, vline, vcol)
            size += child
        raise LoadError("YAML_SYNTAX", "Mapping is not closed.", 1, 1)  # pragma: no cover

    @staticmethod
    def _key(event: yaml.Event, line: int, col: int) -> str:
        """Mapping keys are always strings, taken from their source text."""
        if not isinstance(event, yaml.ScalarEvent):
            raise LoadError(
                "YAML_KEY_NOT_STRING",
                "Mapping keys must be plain text; expected a name, not a collection or alias.",
                line,
                col,
            )
        if event.value == "<<" and not event.style:
            raise LoadError(
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
            mark = event_mark(item_event)
            value, child = self._node(item_event, events, depth + 1, mark)
            result.append(value)
            result.marks.append(mark)
            size += child
        raise LoadError("YAML_SYNTAX", "Sequence is not closed.", 1, 1)  # pragma: no cover


def _short_tag(tag: str) -> str:
    """Tags as authors write them: !!float, not tag:yaml.org,2002:float."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def event_mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    if mark is None:  # pragma: no cover - the parser marks every event
        return 1, 1
    return mark.line + 1, mark.column + 1
