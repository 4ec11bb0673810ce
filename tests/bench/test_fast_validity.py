"""The fast validity check must give jsonschema's verdict on every value.

``validate.validate`` trusts ``_fast_check`` to say "valid" only when
jsonschema's ``iter_errors`` would report nothing, and runs iter_errors
whenever it says "invalid". These tests compare the two verdicts on a
generated catalog, on thousands of seeded mutations of it, on every catalog
file under ``tests/cases`` and ``examples``, and on small schemas that use
keywords the shipped schema does not.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from gen_catalog import generate
from jsonschema import Draft202012Validator

from pricegen import source
from pricegen.fast_validity import Compiler
from pricegen.validate import _fast_check, _validator

ROOT = Path(__file__).resolve().parents[2]

# fmt: off
POOL = [
    True, False, None, 0, 1, -1, 7, 100000, 2.0, 1.5,
    Decimal("0.5"), Decimal("-0.01"), Decimal("2.0"), Decimal("1E+3"), Decimal("0"),
    "", "x", "unlimited", "USD", "usd", "EURO", "monthly", "weekly", "graduated", "flat",
    "boolean", "enum", "metered", "config", "in_advance", "month", "Bad Id", "a" * 65,
    "b" * 201, "29.00", "-5", "1e3",
    [], ["csv"], ["csv", "csv"], ["a", 1], [1, True], ["USD", "EUR"], ["seat", "seats"],
    ["seat", ""], ["monthly", "annual"], ["x", "y", "z"],
    {}, {"USD": 1}, {"usd": 1}, {"USD": -1}, {"monthly": {"USD": -1}},
    {"monthly": 5, "annual": {"EUR": Decimal("3.5")}}, {"limit": 5}, {"limit": -5},
    {"limit": "unlimited", "reset": "month"}, {"variable": True}, {"variable": False},
    {"enabled": "yes"}, {"model": "flat"}, {"model": "flat", "price": 3}, {"days": 0},
    {"days": 14}, {"values": ["a"]}, {"up_to": 3}, {"name": "N", "type": "enum"},
    {"name": "N", "type": "boolean", "unit": "u"}, {"name": "N", "plans": []},
]

# A plausible value for each key, so that adding it tests the key's presence.
KEYS = {
    "bogus": True, "Bad Key": True, "name": "", "model": "flat", "limit": 5, "USD": 1,
    "monthly": 1, "values": ["a"], "meter": "incremental", "unit": "u", "price": 1,
    "tiers": [{"unit_price": 1}], "extends": "x", "up_to": 3, "reset": "month",
    "plans": ["x"], "features": {},
}
# fmt: on


def plain(value):
    """YamlMap/YamlList as plain dict/list, so mutations never touch the originals."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def nodes(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from nodes(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from nodes(child, (*path, index))


def mutate(data, rng: random.Random, donors: list):
    """One random edit somewhere in a copy of ``data``."""
    copy = plain(data)
    path, target = rng.choice(list(nodes(copy)))
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    action = rng.random()
    if isinstance(target, dict) and action < 0.2:
        target[rng.choice(list(KEYS))] = plain(rng.choice(POOL + donors))
    elif isinstance(target, dict) and target and action < 0.3:
        del target[rng.choice(list(target))]
    elif isinstance(target, list) and action < 0.3:
        target.append(rng.choice(POOL + donors))
    elif path:
        parent[path[-1]] = plain(rng.choice(POOL + donors))
    else:
        copy = plain(rng.choice(POOL + donors))
    return copy


def with_key_added(data):
    """``data`` with one of KEYS added to (or replaced in) one mapping, edit after edit.

    Each edit is undone before the next, so a yielded copy is only valid until then.
    """
    copy = plain(data)
    for _, target in list(nodes(copy)):
        if isinstance(target, dict):
            for key, value in KEYS.items():
                missing = key not in target
                before = target.get(key)
                target[key] = plain(value)
                yield copy
                if missing:
                    del target[key]
                else:
                    target[key] = before


@pytest.fixture(scope="module")
def catalog_files(tmp_path_factory):
    root = generate(tmp_path_factory.mktemp("catalog"), plans=12, features=8, seed=7)
    files, problems = source.load(root)
    assert not problems
    return files


def test_fast_check_is_in_use_for_the_shipped_schema():
    assert _fast_check() is not None


def test_generated_catalog_is_valid_both_ways(catalog_files):
    fast, validator = _fast_check(), _validator()
    for file in catalog_files:
        assert fast(file.data) and validator.is_valid(file.data), file.path


def test_verdicts_agree_on_mutations(catalog_files):
    fast, validator = _fast_check(), _validator()
    rng = random.Random(20240601)
    donors = [plain(v) for f in catalog_files for _, v in nodes(f.data)]
    donors = rng.sample(donors, 200)
    counts = {True: 0, False: 0}
    disagreements = []
    for _ in range(1500):
        data = mutate(rng.choice(catalog_files).data, rng, donors)
        expected = validator.is_valid(data)
        counts[expected] += 1
        if fast(data) != expected:
            disagreements.append(data)
    assert not disagreements, disagreements[:3]
    assert counts[True] > 100 and counts[False] > 500, counts  # the mutations test both ways


def test_verdicts_agree_when_adding_keys(catalog_files):
    fast, validator = _fast_check(), _validator()
    chosen = [f for f in catalog_files if "plans" not in f.data]  # product, features, add-ons
    chosen += [next(f for f in catalog_files if "charges" in str(f.data))]
    disagreements = []
    for file in chosen:
        for data in with_key_added(file.data):
            if fast(data) != validator.is_valid(data):
                disagreements.append(data)
    assert not disagreements, disagreements[:3]


def test_verdicts_agree_on_case_and_example_files():
    fast, validator = _fast_check(), _validator()
    paths = [
        p
        for base in (ROOT / "tests" / "cases", ROOT / "examples")
        for p in sorted(base.rglob("*"))
        if p.suffix in source.YAML_SUFFIXES
    ]
    for path in paths:
        loaded, problems = source.load_file(path, str(path))
        if loaded is not None:
            assert fast(loaded.data) == validator.is_valid(loaded.data), path


# fmt: off
SCHEMAS = [
    # keywords the shipped schema does not use, and delegation to jsonschema
    {"oneOf": [{"type": "integer"}, {"minimum": 5}]},
    {"exclusiveMinimum": 0, "exclusiveMaximum": 10},
    {"type": ["string", "null"], "maxLength": 2},
    {"type": "object", "maxProperties": 1, "patternProperties": {"^x": {"type": "string"}}},
    {"type": "array", "prefixItems": [{"type": "string"}], "items": False},
    {"enum": [1, "a", None, [1]], "const": 1},
    {"const": {"a": [1, 2]}},
    {"const": True},
    {"uniqueItems": True},
    {"format": "email", "dependentRequired": {"a": ["b"]}},
    {"if": {"required": ["a"]}, "then": {"required": ["b"]}},
    {"then": {"required": ["never"]}, "else": False},
    {"$defs": {"n": {"anyOf": [{"type": "integer"}, {"$ref": "#/$defs/l"}]},
               "l": {"type": "array", "items": {"$ref": "#/$defs/n"}}},
     "$ref": "#/$defs/n"},
    {"properties": {"a/b": {"type": "string"}},
     "additionalProperties": {"$ref": "#/properties/a~1b"}},
    {"not": {"anyOf": [True, False]}},
]
INSTANCES = [
    None, True, False, 0, 1, 5, 7, 10, 2.0, 2.5, Decimal("1.0"), Decimal("-1"), "", "a", "ab",
    "abc", "x@y", [], [1], [1, 1], [1, True], ["a"], ["a", "a"], ["a", "b"], [[1, [2]], 3],
    [[1, ["x"]]], {}, {"a": 1}, {"a": "s"}, {"a": 1, "b": 2}, {"x1": "s"}, {"x1": 2},
    {"a": [1, 2]}, {"a/b": "s", "c": 1}, {"a/b": "s", "c": "t"},
]
# fmt: on


@pytest.mark.parametrize("schema", SCHEMAS, ids=range(len(SCHEMAS)))
def test_verdicts_agree_on_other_keywords(schema):
    validator = Draft202012Validator(schema)
    fast = Compiler(schema).root()
    for instance in INSTANCES:
        assert fast(instance) == validator.is_valid(instance), instance


@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "https://example.com/other.json"},
        {"properties": {"a": {"$id": "https://example.com/a", "type": "string"}}},
        {"$defs": {"a": {"$anchor": "a"}}, "$ref": "#a"},
        {"$dynamicRef": "#meta"},
    ],
)
def test_referencing_beyond_local_pointers_turns_the_fast_check_off(schema):
    from pricegen.fast_validity import NotCompilable

    with pytest.raises(NotCompilable):
        Compiler(schema).root()


def test_the_keyword_list_is_jsonschemas():
    from pricegen.fast_validity import DRAFT_2020_12_KEYWORDS

    assert DRAFT_2020_12_KEYWORDS == set(Draft202012Validator.VALIDATORS)


def test_a_valid_catalog_never_imports_jsonschema():
    """The fast check answers for a valid catalog; jsonschema costs some 40 ms to import."""
    import subprocess
    import sys

    code = (
        "import sys; from pricegen import compile_catalog; "
        f"assert compile_catalog({str(ROOT / 'examples' / 'saas-seats' / 'pricing.yaml')!r}).ok; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jsonschema', 'babel')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
