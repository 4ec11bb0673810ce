"""The Python evaluator target: the runtime source with the catalog's data in it.

The runtime is a real module, ``pricegen/runtimes/evaluator.py``, linted,
type-checked and tested as it is, with a sample catalog in its data block.
This target adds only the header and swaps that block for the catalog's
data, as JSON text in Python string literals: catalog text reaches the
module as data, never as code.
"""

from __future__ import annotations

import json
from importlib.resources import files

from ..model import to_data
from ..render.localization import money_formats, number_format
from ..render.pyliteral import noqa_if_long, py_str
from ..render.templating import generator_name, python_header
from .base import RenderContext

# The lines around the data block; pricegen writes the catalog's data between them.
DATA_BEGIN = "# -- data: begin. The catalog as JSON text, parsed on import or on first use --\n"
DATA_END = "# -- data: end ----------------------------------------------------------------\n"


class PythonEvaluator:
    """``<module>.py``: the standalone, stdlib-only evaluator."""

    name = "python"

    def render(self, context: RenderContext) -> dict[str, str]:
        return {f"{context.module_name}.py": context.python_source}


def runtime_source() -> str:
    """The runtime's own text, as shipped in the package."""
    return files("pricegen.runtimes").joinpath("evaluator.py").read_text(encoding="utf-8")


def render_evaluator(context: RenderContext) -> str:
    """The generated module: header, then the runtime with this catalog's data block."""
    before, _, after = split_runtime(runtime_source())
    return f"{python_header(context.catalog)}\n{before}{data_block(context)}{after}"


def split_runtime(source: str) -> tuple[str, str, str]:
    """(text up to the data block, the block, text from its end on), each with newlines.

    The begin and end lines stay in the first and last parts, so a generated
    module can be split again the same way.
    """
    start = source.index(DATA_BEGIN) + len(DATA_BEGIN)
    end = source.index(DATA_END, start)
    return source[:start], source[start:end], source[end:]


def data_block(context: RenderContext) -> str:
    """The module's data: one constant per line, so compiling it at import is quick."""
    catalog, data = context.catalog, context.canonical
    features = {f: data["features"][f] for f in catalog.features}
    lines = [
        f"GENERATOR = {py_str(generator_name())}",
        f"SOURCE_SHA256 = {py_str(catalog.source_sha256)}",
        noqa_if_long(f"_PRODUCT_SOURCE = {py_str(_compact(evaluator_product(context)))}"),
        noqa_if_long(f"_FEATURES_SOURCE = {py_str(_compact(features))}"),
        *_sources("_PLAN_SOURCES", context.lean_packages["plans"]),
        *_sources("_ADDON_SOURCES", context.lean_packages["addons"]),
    ]
    return "\n".join(lines) + "\n"


def _sources(name: str, packages: list[dict]) -> list[str]:
    """One line per package, already lean (RenderContext.lean_packages)."""
    if not packages:
        return [f"{name}: dict[str, str] = {{}}"]
    lines = [f"{name} = {{"]
    for package in packages:
        literal = py_str(_compact(package))
        lines.append(noqa_if_long(f'    "{package["id"]}": {literal},'))
    return [*lines, "}"]


def _compact(data: object) -> str:
    """Compact, ASCII-only JSON: safe inside a Python literal. Key order is the
    model's (catalog order for features), decided in code, so it is stable."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=True)


def evaluator_product(context: RenderContext) -> dict:
    catalog = context.catalog
    product = to_data(catalog.product)
    assert isinstance(product, dict)
    product["default_plan"] = next((p.id for p in catalog.plans.values() if p.default), None)
    product["money_formats"] = money_formats(catalog.product.currencies, context.locale)
    product["number_format"] = number_format(context.locale)
    return product


def lean_package(package: dict, shared: dict[int, dict] | None = None) -> dict:
    """A copy without what the evaluator restores or reads with .get() and finds empty.

    Entitlements are most of a large catalog's data, and compiling the module's
    text is most of a cold import. Gone are: null, false and empty fields; the
    redundant feature id; the feature's type; the default reset anchor; and
    the source when it is the package itself. The module's _package_data()
    puts the last three back, so PLANS and CATALOG show them.

    ``shared`` (a memo by id over one canonical data, whose inherited
    entitlements are shared dicts) makes each entitlement lean once; a
    package's own ones are then that copy less the source. Lean dicts are
    shared too, so read-only.
    """
    package_id = package["id"]
    if shared is None:
        shared = {}
    entitlements = {}
    for fid, ent in package["entitlements"].items():
        lean = shared.get(id(ent))
        if lean is None:
            lean = shared[id(ent)] = _lean_entitlement(ent)
        if lean.get("source") == package_id:
            lean = {k: v for k, v in lean.items() if k != "source"}
        entitlements[fid] = lean
    return {**package, "entitlements": entitlements}


_DROPPED = frozenset({"feature", "granted", "type"})


def _lean_entitlement(ent: dict) -> dict:
    """The fields the evaluator reads, the source kept (lean_package drops its own)."""
    lean = {
        k: v
        for k, v in ent.items()
        if v is not None and v is not False and k not in _DROPPED and not _empty(v)
    }
    if lean.get("reset_anchor") == "subscription_start":
        del lean["reset_anchor"]
    return lean


def _empty(value: object) -> bool:
    """None, false and empty text or lists; never 0, although 0 == False in Python."""
    return value is None or value is False or (isinstance(value, (str, list)) and not value)
