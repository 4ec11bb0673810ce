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
from json.encoder import encode_basestring  # the C function where CPython has it

_SCALARS: dict[object, str] = {True: "true", False: "false", None: "null"}


class _NotPlain(Exception):
    """The data holds something json.dumps encodes in its own way."""


def dump_json(data: object) -> str:
    """Sorted keys, 2 spaces, UTF-8 (not escaped), final newline.

    A key that is not text makes ``sorted`` or the C string encoder raise
    TypeError (json.dumps would write it as text, or refuse it): that data
    goes to json.dumps whole, as any other data this module does not model.
    """
    try:
        text = _text(data, "\n")
    except (_NotPlain, TypeError):
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    return text + "\n"


def _text(value: object, newline: str) -> str:
    """The text of ``value`` whose line starts at ``newline``'s indent."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)  # type: ignore[arg-type]
    if kind is dict:
        return _dict_text(value, newline)  # type: ignore[arg-type]
    if kind is list or kind is tuple:
        return _list_text(value, newline)  # type: ignore[arg-type]
    if kind is int:
        return repr(value)  # exactly an int here: the same text as int.__repr__
    if kind is bool or value is None:
        return _SCALARS[value]
    raise _NotPlain  # floats, subclasses and the rest: json.dumps decides


def _dict_text(value: dict[str, object], newline: str) -> str:
    """Each entry is one string joined once; text values, most of a catalog's,
    are encoded here without a call to _text."""
    if not value:
        return "{}"
    inner = newline + "  "
    parts: list[str] = []
    add = parts.append
    for key in sorted(value):
        item = value[key]
        if type(item) is str:
            add(encode_basestring(key) + ": " + encode_basestring(item))
        else:
            add(encode_basestring(key) + ": " + _text(item, inner))
    return "{" + inner + ("," + inner).join(parts) + newline + "}"


def _list_text(value: list[object], newline: str) -> str:
    if not value:
        return "[]"
    inner = newline + "  "
    parts = [encode_basestring(item) if type(item) is str else _text(item, inner) for item in value]
    return "[" + inner + ("," + inner).join(parts) + newline + "]"
