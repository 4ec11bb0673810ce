"""Stage two: check each file against the JSON Schema.

jsonschema reports errors in Python terms (``'name' is a required
property``, ``Decimal('-5') is less than ...``). Authors write YAML, so this
module rewrites each error as one sentence in catalog terms, places it at
the offending key or value, and digs into ``anyOf`` failures for the branch
the author evidently meant.
"""

from __future__ import annotations

import json
import numbers
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal
from functools import cache
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, overload
from urllib.parse import unquote

from .diagnostics import Diagnostic, did_you_mean, error
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


# -- the fast validity check -------------------------------------------------
#
# jsonschema interprets the schema anew for every value: each subschema it
# enters costs a new validator object and each $ref a registry lookup, some
# 4 ms for one plan file. Most files are valid, and for a valid file a yes is
# all that is needed. So the schema is compiled once into plain predicates
# that give jsonschema's own verdict, keyword by keyword (the code mirrors
# jsonschema's keyword functions); iter_errors then runs only on the files
# they reject, so every diagnostic is exactly what it was. Keywords not
# modelled here are answered by jsonschema itself, and a schema whose
# references this does not model switches the fast check off altogether.
# tests/bench/test_fast_validity.py holds the two verdicts equal.
#
# The compiler reads the schema as data and needs jsonschema only for the
# keywords it delegates, which the shipped schema does not use: a catalog
# that validates never imports jsonschema (some 40 ms of start-up).

Check = Callable[[Any], bool]
Schema = dict[str, Any]

# Keywords that change how references resolve: supported only as the root's
# own $id and $schema; anywhere else the fast check is not used at all.
_ROOT_ONLY = frozenset({"$id", "$schema"})
_SCOPE_KEYWORDS = _ROOT_ONLY | {
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$recursiveAnchor",
    "$recursiveRef",
}


class _NotCompilable(Exception):
    """The schema needs jsonschema's full referencing; validate with it alone."""


def _always(_instance: object) -> bool:
    return True


def _never(_instance: object) -> bool:
    return False


@cache
def _fast_check() -> Check | None:
    """A predicate equal to ``_validator().is_valid``, or None when the schema is out of reach."""
    try:
        return _Compiler(_schema()).root()
    except _NotCompilable:
        return None


# Draft 2020-12's keywords, as jsonschema's Draft202012Validator.VALIDATORS has them.
_DRAFT_2020_12_KEYWORDS = frozenset(
    {
        "$dynamicRef", "$ref", "additionalProperties", "allOf", "anyOf", "const", "contains",
        "dependentRequired", "dependentSchemas", "enum", "exclusiveMaximum", "exclusiveMinimum",
        "format", "if", "items", "maxItems", "maxLength", "maxProperties", "maximum",
        "minItems", "minLength", "minProperties", "minimum", "multipleOf", "not", "oneOf",
        "pattern", "patternProperties", "prefixItems", "properties", "propertyNames",
        "required", "type", "unevaluatedItems", "unevaluatedProperties", "uniqueItems",
    }
)  # fmt: skip


def _json_equal(one: object, two: object) -> bool:
    """Equality as jsonschema's ``equal`` has it: true is not 1, lists and maps by item."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, list | tuple) and isinstance(two, list | tuple):
        return len(one) == len(two) and all(map(_json_equal, one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return len(one) == len(two) and all(
            key in two and _json_equal(value, two[key]) for key, value in one.items()
        )
    if isinstance(one, bool) or isinstance(two, bool):
        return type(one) is type(two) and one == two
    return one == two


def _is_integer(instance: object) -> bool:
    if isinstance(instance, bool):
        return False
    return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())


# Draft 2020-12's types as jsonschema's type checker defines them: bool is no
# number, a float with an integral value is an integer, a Decimal never is.
_TYPE_TESTS: dict[str, Check] = {
    "array": lambda instance: isinstance(instance, list),
    "boolean": lambda instance: isinstance(instance, bool),
    "integer": _is_integer,
    "null": lambda instance: instance is None,
    "number": lambda instance: (
        isinstance(instance, numbers.Number) and not isinstance(instance, bool)
    ),
    "object": lambda instance: isinstance(instance, dict),
    "string": lambda instance: isinstance(instance, str),
}


class _Compiler:
    def __init__(self, schema: Any) -> None:
        self.schema = schema
        # The root as a subschema: its own $id and $schema only set the scope.
        self.root_schema = (
            {k: v for k, v in self.schema.items() if k not in _ROOT_ONLY}
            if isinstance(self.schema, dict)
            else self.schema
        )
        self.refs: dict[str, Check] = {}
        self.is_object = self.type_test("object")
        self.is_array = self.type_test("array")
        self.is_string = self.type_test("string")
        self.is_number = self.type_test("number")

    def root(self) -> Check:
        return self.compile(self.root_schema)

    def type_test(self, name: str) -> Check:
        """The type check jsonschema makes for ``name``; an unknown name is jsonschema's."""
        test = _TYPE_TESTS.get(name) if isinstance(name, str) else None
        if test is None:
            raise _NotCompilable
        return test

    def delegate(self, schema: Schema) -> Check:
        """jsonschema decides this subschema (refs still resolve against the root).

        jsonschema is imported on the first value this check sees.
        """
        root, judge = self.schema, list[Check]()

        def check(instance: object) -> bool:
            if not judge:
                from jsonschema import Draft202012Validator

                judge.append(Draft202012Validator(root).evolve(schema=schema).is_valid)
            return judge[0](instance)

        return check

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict) or any(k in schema for k in _SCOPE_KEYWORDS):
            raise _NotCompilable
        checks: list[Check] = []
        for keyword, value in schema.items():
            if keyword not in _DRAFT_2020_12_KEYWORDS:
                continue  # annotations, $defs, and then/else (applied by "if")
            if keyword == "additionalProperties" and "properties" in schema:
                continue  # compiled together with "properties"
            make = _KEYWORDS.get(keyword)
            if make is None:
                return self.delegate(schema)
            checks.append(make(self, value, schema))
        return _all(checks)

    def ref(self, ref: str, _schema: Schema) -> Check:
        if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
            raise _NotCompilable
        if ref not in self.refs:
            slot: list[Check] = []
            self.refs[ref] = lambda instance: slot[0](instance)  # a recursive ref, while compiling
            slot.append(self.compile(self.pointer(ref)))
            self.refs[ref] = slot[0]
        return self.refs[ref]

    def pointer(self, ref: str) -> Any:
        target = self.schema
        for token in ref[2:].split("/") if ref != "#" else ():
            token = unquote(token).replace("~1", "/").replace("~0", "~")
            try:
                target = target[int(token)] if isinstance(target, list) else target[token]
            except (KeyError, IndexError, ValueError, TypeError):
                raise _NotCompilable from None
        return self.root_schema if target is self.schema else target

    # -- objects

    def members(self, _value: Any, schema: Schema) -> Check:
        """properties and additionalProperties in one pass over the mapping."""
        props = {name: self.compile(sub) for name, sub in schema.get("properties", {}).items()}
        extra = self.compile(schema.get("additionalProperties", True))
        extra_or_none = None if extra is _always else extra
        is_object = self.is_object

        def check(instance: Any) -> bool:
            if not is_object(instance):
                return True
            for key, value in instance.items():
                test = props.get(key, extra_or_none)
                if test is not None and not test(value):
                    return False
            return True

        return check

    def required(self, names: Any, _schema: Schema) -> Check:
        names, is_object = tuple(names), self.is_object
        return lambda instance: not is_object(instance) or all(n in instance for n in names)

    def property_names(self, sub: Any, _schema: Schema) -> Check:
        test, is_object = self.compile(sub), self.is_object
        return lambda instance: not is_object(instance) or all(test(k) for k in instance)

    def min_properties(self, bound: Any, _schema: Schema) -> Check:
        is_object = self.is_object
        return lambda instance: not is_object(instance) or len(instance) >= bound

    def max_properties(self, bound: Any, _schema: Schema) -> Check:
        is_object = self.is_object
        return lambda instance: not is_object(instance) or len(instance) <= bound

    # -- arrays

    def items(self, sub: Any, schema: Schema) -> Check:
        test, is_array = self.compile(sub), self.is_array
        prefix = len(schema.get("prefixItems", []))
        return lambda instance: not is_array(instance) or all(test(i) for i in instance[prefix:])

    def prefix_items(self, subs: Any, _schema: Schema) -> Check:
        tests, is_array = [self.compile(sub) for sub in subs], self.is_array
        return lambda instance: (
            not is_array(instance)
            or all(test(item) for item, test in zip(instance, tests, strict=False))
        )

    def min_items(self, bound: Any, _schema: Schema) -> Check:
        is_array = self.is_array
        return lambda instance: not is_array(instance) or len(instance) >= bound

    def max_items(self, bound: Any, _schema: Schema) -> Check:
        is_array = self.is_array
        return lambda instance: not is_array(instance) or len(instance) <= bound

    def unique_items(self, unique: Any, _schema: Schema) -> Check:
        if not unique:
            return _always
        slow, is_array = self.delegate({"uniqueItems": True}), self.is_array

        def check(instance: Any) -> bool:
            if not is_array(instance):
                return True
            if all(type(item) is str for item in instance):
                return len(set(instance)) == len(instance)
            return slow(instance)

        return check

    # -- strings and numbers

    def pattern(self, regex: str, _schema: Schema) -> Check:
        search, is_string = re.compile(regex).search, self.is_string
        return lambda instance: not is_string(instance) or search(instance) is not None

    def min_length(self, bound: Any, _schema: Schema) -> Check:
        is_string = self.is_string
        return lambda instance: not is_string(instance) or len(instance) >= bound

    def max_length(self, bound: Any, _schema: Schema) -> Check:
        is_string = self.is_string
        return lambda instance: not is_string(instance) or len(instance) <= bound

    def minimum(self, bound: Any, _schema: Schema) -> Check:
        is_number = self.is_number
        return lambda instance: not is_number(instance) or not instance < bound

    def maximum(self, bound: Any, _schema: Schema) -> Check:
        is_number = self.is_number
        return lambda instance: not is_number(instance) or not instance > bound

    def exclusive_minimum(self, bound: Any, _schema: Schema) -> Check:
        is_number = self.is_number
        return lambda instance: not is_number(instance) or not instance <= bound

    def exclusive_maximum(self, bound: Any, _schema: Schema) -> Check:
        is_number = self.is_number
        return lambda instance: not is_number(instance) or not instance >= bound

    # -- any value

    def type(self, names: Any, _schema: Schema) -> Check:
        tests = [self.type_test(name) for name in (names if isinstance(names, list) else [names])]
        if len(tests) == 1:
            return tests[0]
        return lambda instance: any(test(instance) for test in tests)

    def enum(self, options: Any, _schema: Schema) -> Check:
        if not isinstance(options, list):
            raise _NotCompilable
        if not all(type(option) is str for option in options):
            return lambda instance: any(_json_equal(option, instance) for option in options)
        texts = frozenset(options)
        # jsonschema's equal() compares a string to anything with ==.
        return lambda instance: instance in texts if type(instance) is str else False

    def const(self, expected: Any, _schema: Schema) -> Check:
        if type(expected) not in (str, int):
            return lambda instance: _json_equal(instance, expected)
        kind = type(expected)
        return lambda instance: (
            instance == expected if type(instance) is kind else _json_equal(instance, expected)
        )

    # -- combinations

    def all_of(self, subs: Any, _schema: Schema) -> Check:
        return _all([self.compile(sub) for sub in subs])

    def any_of(self, subs: Any, _schema: Schema) -> Check:
        tests = [self.compile(sub) for sub in subs]
        return lambda instance: any(test(instance) for test in tests)

    def one_of(self, subs: Any, _schema: Schema) -> Check:
        tests = [self.compile(sub) for sub in subs]
        return lambda instance: sum(1 for test in tests if test(instance)) == 1

    def not_(self, sub: Any, _schema: Schema) -> Check:
        test = self.compile(sub)
        return lambda instance: not test(instance)

    def if_(self, sub: Any, schema: Schema) -> Check:
        condition = self.compile(sub)
        then = self.compile(schema.get("then", True))
        otherwise = self.compile(schema.get("else", True))
        return lambda instance: then(instance) if condition(instance) else otherwise(instance)


_KEYWORDS: dict[str, Callable[[_Compiler, Any, Schema], Check]] = {
    "$ref": _Compiler.ref,
    "properties": _Compiler.members,
    "additionalProperties": _Compiler.members,
    "required": _Compiler.required,
    "propertyNames": _Compiler.property_names,
    "minProperties": _Compiler.min_properties,
    "maxProperties": _Compiler.max_properties,
    "items": _Compiler.items,
    "prefixItems": _Compiler.prefix_items,
    "minItems": _Compiler.min_items,
    "maxItems": _Compiler.max_items,
    "uniqueItems": _Compiler.unique_items,
    "pattern": _Compiler.pattern,
    "minLength": _Compiler.min_length,
    "maxLength": _Compiler.max_length,
    "minimum": _Compiler.minimum,
    "maximum": _Compiler.maximum,
    "exclusiveMinimum": _Compiler.exclusive_minimum,
    "exclusiveMaximum": _Compiler.exclusive_maximum,
    "type": _Compiler.type,
    "enum": _Compiler.enum,
    "const": _Compiler.const,
    "allOf": _Compiler.all_of,
    "anyOf": _Compiler.any_of,
    "oneOf": _Compiler.one_of,
    "not": _Compiler.not_,
    "if": _Compiler.if_,
}


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    every_check = tuple(checks)

    def every(instance: Any) -> bool:
        for check in every_check:
            if not check(instance):
                return False
        return True

    return every
