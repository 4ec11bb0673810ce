"""Stage two: check each file against the JSON Schema.

jsonschema reports errors in Python terms (``'name' is a required
property``, ``Decimal('-5') is less than ...``). Authors write YAML, so this
module rewrites each error as one sentence in catalog terms, places it at
the offending key or value, and digs into ``anyOf`` failures for the branch
the author evidently meant. Most files never reach jsonschema: the schema's
own verdict comes first from predicates compiled once (:mod:`.fast_validity`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from functools import cache
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, overload

from .diagnostics import Diagnostic, did_you_mean, error
from .fast_validity import Check, Compiler, NotCompilable
from .source import JsonPath, SourceFile

if TYPE_CHECKING:  # jsonschema is imported only for a file the fast check rejects
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

Message = tuple[str, bool, JsonPath]  # the text, whether it points at the key, where

_TYPE_NAMES: dict[str, str] = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


def schema_text() -> str:
    """The packaged schema; spec/pricegen.schema.json links to the same file."""
    # A path beside this module, not importlib.resources: that imports tempfile and
    # shutil, some 4 ms of every validate (pricegen is installed as files).
    with open(os.path.join(os.path.dirname(__file__), "schema", "pricegen.schema.json"), "rb") as f:
        return f.read().decode("utf-8")


@cache
def _schema() -> Any:
    """The packaged schema as data, with patterns anchored at the end of the text."""
    return _end_anchored(json.loads(schema_text()))


def overlay_schema_text() -> str:
    """The packaged schema of overlay files; spec/overlay.schema.json links to it."""
    with open(os.path.join(os.path.dirname(__file__), "schema", "overlay.schema.json"), "rb") as f:
        return f.read().decode("utf-8")


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(json.loads(schema_text()))
    return Draft202012Validator(_schema())


@cache
def _overlay_validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema: dict[str, Any] = json.loads(overlay_schema_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(_end_anchored(schema))


@overload
def _end_anchored(schema: dict[str, Any]) -> dict[str, Any]: ...
@overload
def _end_anchored(schema: object) -> object: ...
def _end_anchored(schema: object) -> object:
    """The schema with each pattern's final ``$`` meaning the end of the text, as in JSON Schema.

    Schema patterns are ECMA-262 regexes, where ``$`` is the end of the input.
    Python's ``re.search`` also lets ``$`` match before a final newline, so
    ``"pro\\n"`` would pass the id pattern and reach file names and generated
    code. ``\\Z`` is Python's end of text.
    """
    if isinstance(schema, dict):
        result: dict[str, object] = {key: _end_anchored(value) for key, value in schema.items()}
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and pattern.endswith("$") and not pattern.endswith("\\$"):
            result["pattern"] = pattern[:-1] + "\\Z"
        return result
    if isinstance(schema, list):
        return [_end_anchored(item) for item in schema]
    return schema


# A broken catalog of 100,000 entries has as many errors, each costing jsonschema
# some 0.1 ms; the first hundred are enough to start fixing (as with cc -fmax-errors).
MAX_SCHEMA_ERRORS = 100


def validate(sources: list[SourceFile]) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Return the files that match the schema, and a diagnostic per violation (at most 100)."""
    fast = _fast_check()
    valid: list[SourceFile] = []
    diagnostics: list[Diagnostic] = []
    for source in sources:
        version = _format_version_problem(source)
        if version is not None:
            diagnostics.append(version)
            continue
        if fast is not None and fast(source.data):
            valid.append(source)  # jsonschema would report nothing
            continue
        errors = _validator().iter_errors(_instance(source))  # lazy: stop once enough are reported
        first = next(errors, None)
        if first is None:
            valid.append(source)
            continue
        room = max(MAX_SCHEMA_ERRORS - len(diagnostics), 0)
        diagnostics.extend(_diagnostic(e, source) for e in islice(chain([first], errors), room))
    return valid, diagnostics


def validate_overlays(sources: list[SourceFile]) -> list[Diagnostic]:
    """One OVERLAY_SCHEMA diagnostic per violation of an overlay's frame (at most 100).

    The values an overlay sets are checked later, by the catalog schema, once
    they are merged into the catalog (see overlay.py).
    """
    if not sources:
        return []  # most catalogs: jsonschema is not even imported
    validator, diagnostics = _overlay_validator(), []
    for source in sources:
        version = _format_version_problem(source)
        if version is not None:
            diagnostics.append(replace(version, rule="OVERLAY_SCHEMA"))
            continue
        room = max(MAX_SCHEMA_ERRORS - len(diagnostics), 0)
        errors = islice(validator.iter_errors(_instance(source)), room)
        diagnostics.extend(_diagnostic(e, source, "OVERLAY_SCHEMA") for e in errors)
    return diagnostics


def _instance(source: SourceFile) -> Any:
    """A file's data as jsonschema takes it. Its stubs name JSON's Python types;
    the loader's numbers are exact Decimals, which jsonschema checks as numbers."""
    return source.data


def _format_version_problem(source: SourceFile) -> Diagnostic | None:
    """``pricegen: 1`` written as the integer 1, not 1.0, 1e0 or +1.

    The loader reads numbers exactly, so 1.0 and 1e0 are decimals, which the
    schema refuses; +1 is the integer 1 by value. A format version is a name
    more than a number, so it is held to its written form.
    """
    data = source.data
    if not isinstance(data, dict) or "pricegen" not in data or data["pricegen"] != 1:
        return None  # absent or another value: the schema says what is wrong
    loc = source.locate(("pricegen",))
    line = source.text.split("\n", loc.line)[loc.line - 1] if loc.line else ""
    written = re.match(r"[^\s,}\]#]*", line[loc.col - 1 :]).group()  # type: ignore[union-attr]
    if written == "1":
        return None
    message = (
        f"$.pricegen: {written} is not the format version; expected the whole number 1, "
        "written as 1."
    )
    return error(loc, "SCHEMA", message)


def show(value: object) -> str:
    """A value as the author wrote it in YAML, not as Python repr."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)  # pragma: no cover


def json_path(path: Iterable[str | int]) -> str:
    text = "$"
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text


_SHAPE = ("type", "const")


def _best(err: ValidationError) -> ValidationError:
    """For anyOf/oneOf: the error in the branch the author evidently meant.

    A branch whose only complaint is the value's shape (wrong type, not the
    constant) was not meant. Of the others, the one with the fewest errors
    wins: ``{monthly: -5}`` is a period map with a negative amount, not a
    currency map with two bad currency codes. Without such a branch, the
    anyOf error itself is the best message, since it lists what is allowed.
    """
    return _pick(err)[0]


def _pick(err: ValidationError) -> tuple[ValidationError, int, bool]:
    """(chosen error, how many errors it stands for, whether it is only a shape mismatch)."""
    if err.validator not in ("anyOf", "oneOf") or not err.context:
        shape = err.validator in _SHAPE
        return err, 1, shape
    branches: dict[Any, list[tuple[ValidationError, int, bool]]] = {}  # branch index -> picks
    for sub in err.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(_pick(sub))
    candidates: list[tuple[int, bool, int, Any, ValidationError]] = []
    for index, picks in sorted(branches.items()):
        here = [p for p in picks if len(p[0].absolute_path) == len(err.absolute_path)]
        if here and all(p[2] for p in here):
            continue  # the value is not of this branch's shape
        count = sum(p[1] for p in picks)
        pick = min(picks, key=lambda p: (p[2], -len(p[0].absolute_path)))
        candidates.append((count, pick[2], -len(pick[0].absolute_path), index, pick[0]))
    if not candidates:
        return err, 1, True
    count, shape, _, _, chosen = min(candidates, key=lambda c: c[:4])
    return chosen, count, False


def _diagnostic(err: ValidationError, source: SourceFile, rule: str = "SCHEMA") -> Diagnostic:
    if err.validator in ("anyOf", "oneOf"):
        err = _best(err)
    path = tuple(err.absolute_path)
    message, on_key, path = _message(err, path)
    loc = source.locate(path, key=on_key)
    return error(loc, rule, f"{json_path(path)}: {message}")


def _message(err: ValidationError, path: JsonPath) -> Message:
    """(sentence, whether to point at the key, path to point at)."""
    kind: Any = err.validator  # jsonschema's stubs allow "unset"; a reported error has each
    expected: Any = err.validator_value
    instance: Any = err.instance
    described = err.schema.get("description") if isinstance(err.schema, dict) else None
    if "propertyNames" in err.absolute_schema_path and isinstance(instance, str):
        return _bad_key(instance, kind, expected, described, path)
    if kind == "required":
        missing = [k for k in expected if k not in instance]
        hint = f" ({described.rstrip('.')})" if described else ""
        if missing[0] in getattr(instance, "removed", ()):  # an overlay's null: point at it
            message = (
                f'missing key "{missing[0]}", which the overlay removes; expected it here{hint}.'
            )
            return message, True, path + (missing[0],)
        return f'missing key "{missing[0]}"; expected it in this mapping{hint}.', False, path
    if kind == "additionalProperties":
        return _unknown_key(err, path)
    if kind == "type":
        wanted = " or ".join(_TYPE_NAMES.get(t, str(t)) for t in _as_list(expected))
        return f"expected {wanted}, got {show(instance)}.", False, path
    if kind == "enum":
        options = ", ".join(show(v) for v in expected)
        hint = (
            did_you_mean(instance, [str(v) for v in expected]) if isinstance(instance, str) else "."
        )
        return f"{show(instance)} is not one of {options}{_trim(hint)}", False, path
    if kind == "const":
        return f"expected {show(expected)}, got {show(instance)}.", False, path
    if kind in ("anyOf", "oneOf"):
        if described:
            what = f"{described[0].lower()}{described[1:].rstrip('.')}"
        else:
            what = _alternatives(err)
        return f"{show(instance)} is not valid here; expected {what}.", False, path
    if kind == "not":
        return _forbidden(expected, instance, described, path)
    return _bound_message(kind, expected, instance, described), False, path


def _bound_message(kind: str, expected: Any, instance: Any, described: str | None) -> str:
    numbers = {
        "minimum": "at least",
        "maximum": "at most",
        "exclusiveMinimum": "more than",
        "exclusiveMaximum": "less than",
    }
    if kind in numbers:
        return f"expected {numbers[kind]} {show(expected)}, got {show(instance)}."
    sizes = {
        "minItems": ("at least", "item"),
        "maxItems": ("at most", "item"),
        "minProperties": ("at least", "entry"),
        "maxProperties": ("at most", "entry"),
        "minLength": ("at least", "character"),
        "maxLength": ("at most", "character"),
    }
    if kind in sizes:
        bound, noun = sizes[kind]
        plural = "" if expected == 1 else ("ies" if noun.endswith("y") else "s")
        noun = noun[:-1] if noun.endswith("y") and expected != 1 else noun
        return f"expected {bound} {expected} {noun}{plural}."
    if kind == "uniqueItems":
        return "expected each item once; the list has a repeated item."
    if kind == "pattern":
        what = described.rstrip(".") if described else f"text matching {expected}"
        return f"{show(instance)} is not valid; expected {what[0].lower()}{what[1:]}."
    return f"{show(instance)} is not valid here ({kind})."  # pragma: no cover


def _forbidden(expected: Any, instance: Any, described: str | None, path: JsonPath) -> Message:
    """A ``not: {required: [key]}`` rule: point at the key that must go."""
    keys = expected.get("required", []) if isinstance(expected, dict) else []
    present = [k for k in keys if isinstance(instance, dict) and k in instance]
    reason = (described or "This key is not allowed here").rstrip(".")
    if present:
        return f'{reason}; expected no "{present[0]}" here.', True, path + (present[0],)
    return f"{reason}; expected another value.", False, path  # pragma: no cover


def _alternatives(err: ValidationError) -> str:
    """What an undocumented anyOf accepts, from its branches' type and const errors."""
    options: list[str] = []
    for sub in err.context or ():
        if sub.validator == "type":
            names = [_TYPE_NAMES.get(t, str(t)) for t in _as_list(sub.validator_value)]
        elif sub.validator == "const":
            names = [show(sub.validator_value)]
        else:
            continue
        options.extend(n for n in names if n not in options)
    if not options:
        return "another value"  # pragma: no cover - every anyOf branch has a type or const
    return options[0] if len(options) == 1 else f"{', '.join(options[:-1])} or {options[-1]}"


def _unknown_key(err: ValidationError, path: JsonPath) -> Message:
    schema: Any = err.schema
    instance: Any = err.instance
    allowed = sorted(schema.get("properties", {}))
    extra = sorted(k for k in instance if k not in allowed)[0]
    hint = did_you_mean(extra, allowed, "keys")
    return f'unknown key "{extra}"{hint}', True, path + (extra,)


def _bad_key(key: str, kind: str, expected: Any, described: str | None, path: JsonPath) -> Message:
    """propertyNames errors carry the bad key as their instance; point at that key."""
    if kind == "enum":
        options = ", ".join(show(v) for v in expected)
        hint = did_you_mean(key, [str(v) for v in expected])
        return f'key "{key}" is not one of {options}{_trim(hint)}', True, path + (key,)
    what = described.rstrip(".") if described else "a valid name"
    return f'key "{key}" is not valid; expected {what[0].lower()}{what[1:]}.', True, path + (key,)


def _trim(hint: str) -> str:
    """did_you_mean lists known names; after an enum we already listed them."""
    return hint if hint.startswith("; did you mean") else "."


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@cache
def _fast_check() -> Check | None:
    """A predicate equal to ``_validator().is_valid``, or None when the schema is out of
    reach of the compiler (pricegen.fast_validity): then jsonschema alone decides."""
    try:
        return Compiler(_schema()).root()
    except NotCompilable:
        return None
