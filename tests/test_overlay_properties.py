"""A property of overlays, over catalogs drawn by ``tests/fuzz/strategies.py``.

An overlay's patch and the same edit made to the base file give the same
environment: the same diagnostics (by rule) and, when it compiles, the same
canonical catalog. The edit is applied here by a few lines that state the
rule of the language (maps merge key by key, ``null`` removes, anything else
replaces), independently of ``overlay.py``. Patches are drawn from the
catalog itself: keys removed, values replaced by values of another kind or
of the same, maps merged, metadata added; many of them break the catalog,
and then both sides must break it the same way.
"""

from __future__ import annotations

import copy
import tempfile
from decimal import Decimal
from pathlib import Path

from fuzz.strategies import Text, catalogs, texts, to_yaml
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz import fuzz

from pricegen.model import canonical_data
from pricegen.pipeline import compile_catalog

ENVIRONMENTS = {"staging": {"type": "non-production"}, "production": {"type": "production"}}


def merged(base, patch):
    """The language's rule, stated once: maps merge, null removes, the rest replaces."""
    if not isinstance(patch, dict) or not isinstance(base, dict):
        return _without_nulls(patch)
    result = dict(base)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merged(base.get(key), value)
    return result


def _without_nulls(value):
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return value


def _replacement(draw, value):
    """Another value for a key: mostly of the same kind, sometimes of another."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from([True, 7, Decimal("0.5"), Text("x"), ["a"], {}]))
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return draw(st.integers(0, 1000))
    if isinstance(value, Decimal):
        return draw(st.decimals(0, 500, places=2))
    if isinstance(value, (str, Text)):
        return draw(texts(20))
    if isinstance(value, list):
        return list(reversed(value))
    return value


@st.composite
def patches(draw, value, depth=0):
    """A patch of a map: some keys removed, replaced, or (maps) patched in turn."""
    patch = {}
    keys = list(value)
    for key in draw(st.lists(st.sampled_from(keys), max_size=2, unique=True)) if keys else []:
        action = draw(st.sampled_from(["remove", "replace", "patch"]))
        if action == "remove":
            patch[key] = None
        elif action == "patch" and isinstance(value[key], dict) and value[key] and depth < 3:
            patch[key] = draw(patches(value[key], depth + 1))
        else:
            patch[key] = _replacement(draw, value[key])
    if depth == 0 and draw(st.booleans()):
        patch["metadata"] = {"price_id": Text(draw(st.sampled_from(["price_1", "price_2"])))}
    return patch


@st.composite
def patched_catalogs(draw):
    catalog = draw(catalogs())
    catalog["product"]["environments"] = copy.deepcopy(ENVIRONMENTS)
    overlay = {"pricegen": 1, "environment": "staging"}
    for section in ("features", "plans", "addons"):
        entries = catalog.get(section) or {}
        if not entries:
            continue
        chosen = draw(st.lists(st.sampled_from(list(entries)), max_size=2, unique=True))
        if chosen:
            overlay[section] = {eid: draw(patches(entries[eid])) for eid in chosen}
    return catalog, overlay


def _compile(files: dict[str, str]):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pricing"
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, "utf-8")
        return compile_catalog(root, env="staging", display="pricing")


def _comparable(build):
    data = canonical_data(build.catalog)
    data.pop("source_sha256")
    return data


@fuzz(quick=60)
@given(patched_catalogs())
def test_an_overlay_patch_is_the_same_edit_of_the_base(case):
    catalog, overlay = case
    patched = _compile({"pricing.yaml": to_yaml(catalog), "staging.yaml": to_yaml(overlay)})
    edited = {**catalog}
    for section in ("features", "plans", "addons"):
        if section in overlay:
            edited[section] = merged(catalog[section], overlay[section])
    edit = _compile({"pricing.yaml": to_yaml(edited)})
    shown = f"--- overlay ---\n{to_yaml(overlay)}"
    assert sorted({d.rule for d in patched.diagnostics}) == sorted(
        {d.rule for d in edit.diagnostics}
    ), f"{patched.diagnostics}\n{edit.diagnostics}\n{shown}"
    assert patched.ok == edit.ok, shown
    if patched.ok:
        assert _comparable(patched) == _comparable(edit), shown
