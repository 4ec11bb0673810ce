"""The one JSON style of every output, at C speed.

``json.dumps(indent=2)`` falls back to the pure-Python encoder: with
``indent`` set, CPython never uses its C encoder. On a large catalog that
made ``catalog.json`` the slowest output. This module writes the same bytes
as ``json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)`` by
walking the data itself and encoding each string with the C string encoder.
Anything outside plain JSON data (a key that is not a string, a subclass,
a float) goes to ``json.dumps`` itself, so the output never differs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring  # the C function where CPython has it

_SCALARS: dict[object, str] = {True: "true", False: "false", None: "null"}


class _NotPlain(Exception):
    """The data holds something json.dumps encodes in its own way."""


def dump_json(data: object) -> str:
    """Sorted keys, 2 spaces, UTF-8 (not escaped), final newline."""
    parts: list[str] = []
    try:
        _encode(data, "\n", parts.append)
    except _NotPlain:
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    parts.append("\n")
    return "".join(parts)


def _encode(value: object, newline: str, out: Callable[[str], object]) -> None:
    """Append the text of ``value`` whose line starts at ``newline``'s indent."""
    kind = type(value)
    if kind is str:
        out(encode_basestring(value))  # type: ignore[arg-type]
    elif kind is dict:
        _encode_dict(value, newline, out)  # type: ignore[arg-type]
    elif kind is list or kind is tuple:
        _encode_list(value, newline, out)  # type: ignore[arg-type]
    elif kind is int:
        out(repr(value))  # exactly an int here: the same text as int.__repr__
    elif kind is bool or value is None:
        out(_SCALARS[value])
    else:
        raise _NotPlain  # floats, subclasses and the rest: json.dumps decides


def _encode_dict(value: dict[object, object], newline: str, out: Callable[[str], object]) -> None:
    if not value:
        out("{}")
        return
    inner = newline + "  "
    separator = "{" + inner
    for key in sorted(value, key=_plain_key):
        out(separator)
        out(encode_basestring(key))  # type: ignore[arg-type]
        out(": ")
        _encode(value[key], inner, out)
        separator = "," + inner
    out(newline + "}")


def _encode_list(value: list[object], newline: str, out: Callable[[str], object]) -> None:
    if not value:
        out("[]")
        return
    inner = newline + "  "
    separator = "[" + inner
    for item in value:
        out(separator)
        _encode(item, inner, out)
        separator = "," + inner
    out(newline + "]")


def _plain_key(key: object) -> str:
    """A dict key as json.dumps sorts it: only str keys keep the order the same."""
    if type(key) is not str:
        raise _NotPlain
    return key
