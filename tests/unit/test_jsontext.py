"""jsontext.dump_json writes exactly what json.dumps(sort_keys, indent=2) writes."""

from __future__ import annotations

import json
from collections import OrderedDict
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricegen.jsontext import dump_json


def reference(data: object) -> str:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


# every kind of text JSON escapes: quotes, backslashes, controls, non-ASCII, surrogates
texts = st.text(alphabet=st.characters(codec=None), max_size=12)
scalars = st.none() | st.booleans() | st.integers() | texts
plain = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(texts, inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(plain)
def test_plain_data_is_byte_identical(data: object) -> None:
    assert dump_json(data) == reference(data)


@pytest.mark.parametrize(
    "data",
    [
        {2: "int keys", 1: "sorted as numbers"},  # json.dumps turns them into text
        {"f": 1.5, "n": float("nan")},
        {"s": OrderedDict(b=1, a=2)},  # a dict subclass
        [True, 1, False, 0],
        {"": [], "x": {}},
    ],
    ids=["int-key", "floats", "dict-subclass", "bools-and-ints", "empty-containers"],
)
def test_data_beyond_plain_json_still_matches(data: object) -> None:
    assert dump_json(data) == reference(data)


def test_what_json_refuses_is_refused_alike() -> None:
    with pytest.raises(TypeError):
        dump_json({"amount": Decimal("1.00")})


def test_a_dict_shared_at_several_depths_is_written_at_each_depth() -> None:
    shared = {"limit": 5, "values": ["csv", "json"], "soft": False}
    flat = {"b": None, "a": "x", "c": [], "d": {}, "e": True}
    data = {"one": shared, "two": {"deeper": shared, "flat": flat}, "list": [shared, flat, flat]}
    assert dump_json(data) == reference(data)


def test_a_long_dict_and_a_flat_dict_beside_nested_ones_match() -> None:
    long = {f"key-{i:04d}": "v" * 40 for i in range(200)}  # longer than any text kept for reuse
    data = {"long": long, "again": long, "nested": {"x": {"y": [1, [2, {"z": None}]]}}}
    assert dump_json(data) == reference(data)


def test_without_the_c_encoder_the_bytes_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    import pricegen.jsontext as jsontext

    data = {"flat": {"b": 1, "a": "x", "c": None}, "list": [{"z": True}, {"y": []}]}
    monkeypatch.setattr(jsontext, "_C_MAKE_ENCODER", None)
    monkeypatch.setattr(jsontext, "_FLAT_ENCODERS", {})
    assert dump_json(data) == reference(data)
