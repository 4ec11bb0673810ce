"""Stage two: check each file against the JSON Schema.

jsonschema reports errors in Python terms (``'name' is a required
property``, ``Decimal('-5') is less than ...``). Authors write YAML, so this
module rewrites each error as one sentence in catalog terms, places it at
the offending key or value, and digs into ``anyOf`` failures for the branch
the author evidently meant.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from importlib import resources

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .diagnostics import Diagnostic, did_you_mean, error
from .source import SourceFile

_TYPE_NAMES = {
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
    return resources.files("pricegen").joinpath("schema/pricegen.schema.json").read_text("utf-8")


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(schema_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate(sources: list[SourceFile]) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Return the files that match the schema, and a diagnostic per violation."""
    validator = _validator()
    valid, diagnostics = [], []
    for source in sources:
        problems = [_diagnostic(e, source) for e in validator.iter_errors(source.data)]
        diagnostics.extend(problems)
        if not problems:
            valid.append(source)
    return valid, diagnostics


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


def json_path(path) -> str:
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
    branches: dict[int, list[tuple[ValidationError, int, bool]]] = {}
    for sub in err.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(_pick(sub))
    candidates = []
    for index, picks in sorted(branches.items()):
        here = [p for p in picks if len(p[0].absolute_path) == len(err.absolute_path)]
        if here and all(p[2] for p in here):
            continue  # the value is not of this branch's shape
        count = sum(p[1] for p in picks)
        chosen = min(picks, key=lambda p: (p[2], -len(p[0].absolute_path)))
        candidates.append((count, chosen[2], -len(chosen[0].absolute_path), index, chosen[0]))
    if not candidates:
        return err, 1, True
    count, shape, _, _, chosen = min(candidates, key=lambda c: c[:4])
    return chosen, count, False


def _diagnostic(err: ValidationError, source: SourceFile) -> Diagnostic:
    if err.validator in ("anyOf", "oneOf"):
        err = _best(err)
    path = tuple(err.absolute_path)
    message, on_key, path = _message(err, path)
    loc = source.locate(path, key=on_key)
    return error(loc, "SCHEMA", f"{json_path(path)}: {message}")


def _message(err: ValidationError, path: tuple) -> tuple[str, bool, tuple]:
    """(sentence, whether to point at the key, path to point at)."""
    kind, expected, instance = err.validator, err.validator_value, err.instance
    described = err.schema.get("description") if isinstance(err.schema, dict) else None
    if "propertyNames" in err.absolute_schema_path and isinstance(instance, str):
        return _bad_key(instance, kind, expected, described, path)
    if kind == "required":
        missing = [k for k in expected if k not in instance]
        hint = f" ({described.rstrip('.')})" if described else ""
        return f'missing key "{missing[0]}"; expected it in this mapping{hint}.', False, path
    if kind == "additionalProperties":
        return _unknown_key(err, path)
    if kind == "type":
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in _as_list(expected))
        return f"expected {wanted}, got {show(instance)}.", False, path
    if kind == "enum":
        options = ", ".join(show(v) for v in expected)
        hint = did_you_mean(instance, [str(v) for v in expected]) if isinstance(instance, str) else "."
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


def _bound_message(kind: str, expected, instance, described: str | None) -> str:
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


def _forbidden(expected, instance, described, path: tuple) -> tuple[str, bool, tuple]:
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
            names = [_TYPE_NAMES.get(t, t) for t in _as_list(sub.validator_value)]
        elif sub.validator == "const":
            names = [show(sub.validator_value)]
        else:
            continue
        options.extend(n for n in names if n not in options)
    if not options:
        return "another value"  # pragma: no cover - every anyOf branch has a type or const
    return options[0] if len(options) == 1 else f"{', '.join(options[:-1])} or {options[-1]}"


def _unknown_key(err: ValidationError, path: tuple) -> tuple[str, bool, tuple]:
    allowed = sorted(err.schema.get("properties", {}))
    extra = sorted(k for k in err.instance if k not in allowed)[0]
    hint = did_you_mean(extra, allowed, "keys")
    return f'unknown key "{extra}"{hint}', True, path + (extra,)


def _bad_key(key: str, kind: str, expected, described, path: tuple) -> tuple[str, bool, tuple]:
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


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]
