"""The fast validity check: the catalog schema compiled once into predicates.

jsonschema interprets the schema anew for every value: each subschema it
enters costs a new validator object and each $ref a registry lookup, some
4 ms for one plan file. Most files are valid, and for a valid file a yes is
all that is needed. So the schema is compiled once into plain predicates
that give jsonschema's own verdict, keyword by keyword (the code mirrors
jsonschema's keyword functions); iter_errors then runs only on the files
they reject, so every diagnostic is exactly what it was. Keywords not
modelled here are answered by jsonschema itself, and a schema whose
references this does not model switches the fast check off altogether.
tests/bench/test_fast_validity.py holds the two verdicts equal.

The compiler reads the schema as data and needs jsonschema only for the
keywords it delegates, which the shipped schema does not use: a catalog
that validates never imports jsonschema (some 40 ms of start-up).
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

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


class NotCompilable(Exception):
    """The schema needs jsonschema's full referencing; validate with it alone."""


def _always(_instance: object) -> bool:
    return True


def _never(_instance: object) -> bool:
    return False


# Draft 2020-12's keywords, as jsonschema's Draft202012Validator.VALIDATORS has them.
DRAFT_2020_12_KEYWORDS = frozenset(
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


class Compiler:
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
            raise NotCompilable
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
            raise NotCompilable
        checks: list[Check] = []
        for keyword, value in schema.items():
            if keyword not in DRAFT_2020_12_KEYWORDS:
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
            raise NotCompilable
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
                raise NotCompilable from None
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
            raise NotCompilable
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


_KEYWORDS: dict[str, Callable[[Compiler, Any, Schema], Check]] = {
    "$ref": Compiler.ref,
    "properties": Compiler.members,
    "additionalProperties": Compiler.members,
    "required": Compiler.required,
    "propertyNames": Compiler.property_names,
    "minProperties": Compiler.min_properties,
    "maxProperties": Compiler.max_properties,
    "items": Compiler.items,
    "prefixItems": Compiler.prefix_items,
    "minItems": Compiler.min_items,
    "maxItems": Compiler.max_items,
    "uniqueItems": Compiler.unique_items,
    "pattern": Compiler.pattern,
    "minLength": Compiler.min_length,
    "maxLength": Compiler.max_length,
    "minimum": Compiler.minimum,
    "maximum": Compiler.maximum,
    "exclusiveMinimum": Compiler.exclusive_minimum,
    "exclusiveMaximum": Compiler.exclusive_maximum,
    "type": Compiler.type,
    "enum": Compiler.enum,
    "const": Compiler.const,
    "allOf": Compiler.all_of,
    "anyOf": Compiler.any_of,
    "oneOf": Compiler.one_of,
    "not": Compiler.not_,
    "if": Compiler.if_,
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
