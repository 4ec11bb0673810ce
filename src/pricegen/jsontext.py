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
import json.encoder
from collections.abc import Callable
from json.encoder import encode_basestring  # the C function where CPython has it

# CPython's C encoder (None where the C module is missing); not in json's public names.
_C_MAKE_ENCODER: Callable[..., Callable[[object, int], list[str]]] | None = getattr(
    json.encoder, "c_make_encoder", None
)

_SCALARS: dict[object, str] = {True: "true", False: "false", None: "null"}
_SHORT = 2048  # characters: the longest dict text kept for reuse (an entitlement's is ~400)


class _NotPlain(Exception):
    """The data holds something json.dumps encodes in its own way."""


def dump_json(data: object) -> str:
    """Sorted keys, 2 spaces, UTF-8 (not escaped), final newline.

    A key that is not text makes ``sorted`` or the C string encoder raise
    TypeError (json.dumps would write it as text, or refuse it): that data
    goes to json.dumps whole, as any other data this module does not model.
    """
    try:
        text = _text(data, "\n", {})
    except (_NotPlain, TypeError):
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    return text + "\n"


def _text(value: object, newline: str, seen: dict[int, tuple[str, str]]) -> str:
    """The text of ``value`` whose line starts at ``newline``'s indent.

    ``seen`` holds short dicts' texts by id, with their indent, for this one
    dump: data that shares a dict (canonical data shares inherited
    entitlements) has it encoded once per indent, not once per place. Only
    short ones: the shared dicts are small, and keeping a plan's text, or the
    whole catalog's, would hold a second copy of the output until the end.
    """
    kind = type(value)
    if kind is str:
        return encode_basestring(value)  # type: ignore[arg-type]
    if kind is dict:
        found = seen.get(id(value))
        if found is not None and found[0] == newline:
            return found[1]
        text = _dict_text(value, newline, seen)  # type: ignore[arg-type]
        if len(text) <= _SHORT:
            seen[id(value)] = (newline, text)
        return text
    if kind is list or kind is tuple:
        return _list_text(value, newline, seen)  # type: ignore[arg-type]
    if kind is int:
        return repr(value)  # exactly an int here: the same text as int.__repr__
    if kind is bool or value is None:
        return _SCALARS[value]
    raise _NotPlain  # floats, subclasses and the rest: json.dumps decides


def _dict_text(value: dict[str, object], newline: str, seen: dict[int, tuple[str, str]]) -> str:
    """Each entry is one string joined once; text values, most of a catalog's,
    are encoded here without a call to _text."""
    if not value:
        return "{}"
    inner = newline + "  "
    if _is_flat(value):
        flat = _flat_encoder(inner)
        if flat is not None:
            return "{" + inner + flat(value, 0)[0][1:-1] + newline + "}"
    parts: list[str] = []
    add = parts.append
    for key in sorted(value):
        item = value[key]
        if type(item) is str:
            add(encode_basestring(key) + ": " + encode_basestring(item))
        else:
            add(encode_basestring(key) + ": " + _text(item, inner, seen))
    return "{" + inner + ("," + inner).join(parts) + newline + "}"


def _list_text(value: list[object], newline: str, seen: dict[int, tuple[str, str]]) -> str:
    if not value:
        return "[]"
    inner = newline + "  "
    parts = [
        encode_basestring(item) if type(item) is str else _text(item, inner, seen) for item in value
    ]
    return "[" + inner + ("," + inner).join(parts) + newline + "]"


_FLAT_TYPES = frozenset({str, int, bool, type(None)})
_EMPTY_TYPES = frozenset({list, tuple, dict})


def _is_flat(value: dict[str, object]) -> bool:
    """Text keys, and values that are text, exact ints, booleans, null or empty lists
    and dicts: one line each, which the C encoder writes as this module would."""
    for key, item in value.items():
        if type(key) is not str:
            return False
        kind = type(item)
        if kind not in _FLAT_TYPES and (kind not in _EMPTY_TYPES or item):
            return False
    return True


_FLAT_ENCODERS: dict[str, Callable[[object, int], list[str]]] = {}


def _flat_encoder(inner: str) -> Callable[[object, int], list[str]] | None:
    """CPython's C encoder, items separated by a newline and ``inner``'s indent.

    Without ``indent`` the C encoder writes ``{"a": 1,<sep>"b": 2}`` with its
    keys sorted: with the separator ``",\n    "`` that is one of this
    module's dicts but for the line break after ``{`` and before ``}``, which
    the caller adds. Most of a catalog's dicts (its entitlements) are flat,
    and so get written at C speed. None where the C encoder is missing.
    """
    if _C_MAKE_ENCODER is None:
        return None
    encoder = _FLAT_ENCODERS.get(inner)
    if encoder is None:
        encoder = _FLAT_ENCODERS[inner] = _C_MAKE_ENCODER(
            None, _no_default, encode_basestring, None, ": ", "," + inner, True, False, True
        )
    return encoder


def _no_default(value: object) -> object:
    """Never called: _is_flat lets through only what the encoder writes itself."""
    raise TypeError(f"{type(value).__name__} is not JSON data")  # pragma: no cover
