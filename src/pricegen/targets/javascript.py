"""The JavaScript evaluator target: the ES module runtime with the catalog's data in it.

The runtime is a real module, ``pricegen/runtimes/evaluator.mjs`` (and its
types, ``evaluator.d.mts``), tested as it is with a sample catalog in its data
block. This target adds only the header and swaps that block for the
catalog's data: JSON text in single-quoted JavaScript string literals, ASCII
only, with ``<``, ``>`` and ``&`` escaped, so that catalog text reaches the
module as data, never as code, and the module can sit inside a ``<script>``.
"""

from __future__ import annotations

import json
from importlib.resources import files

from ..render.templating import generator_name, header_comment
from .base import RenderContext
from .python import evaluator_product

DATA_BEGIN = "// -- data: begin. The catalog as JSON text, parsed on import ------------------\n"
DATA_END = "// -- data: end ----------------------------------------------------------------\n"

# Integer fields of the data that may exceed 2^53; the runtime reads them as BigInt.
_INTEGER_FIELDS = frozenset({"limit", "included", "up_to", "block_size", "max_quantity"})
_MAX_SAFE = 2**53 - 1


class JavaScriptEvaluator:
    """``<module>.mjs``, the dependency-free ES module, and ``<module>.d.mts``, its types.

    ``.d.mts`` is the name TypeScript looks up for an ``.mjs`` module; a
    ``.d.ts`` beside it would be ignored (TS7016, "could not find a
    declaration file").
    """

    name = "javascript"

    def render(self, context: RenderContext) -> dict[str, str]:
        name = context.module_name
        return {f"{name}.mjs": context.javascript_source, f"{name}.d.mts": render_types(context)}


def runtime_file(name: str) -> str:
    return files("pricegen.runtimes").joinpath(name).read_text(encoding="utf-8")


def js_header(context: RenderContext) -> str:
    return (
        f"// {header_comment()}\n// source-sha256: {context.catalog.source_sha256}\n// @generated"
    )


def render_evaluator(context: RenderContext) -> str:
    """The generated module: header, then the runtime with this catalog's data block."""
    before, _, after = split_runtime(runtime_file("evaluator.mjs"))
    return f"{js_header(context)}\n{before}{data_block(context)}{after}"


def render_types(context: RenderContext) -> str:
    return f"{js_header(context)}\n{runtime_file('evaluator.d.mts')}"


def split_runtime(source: str) -> tuple[str, str, str]:
    """(text up to the data block, the block, text from its end on), as for Python."""
    start = source.index(DATA_BEGIN) + len(DATA_BEGIN)
    end = source.index(DATA_END, start)
    return source[:start], source[start:end], source[end:]


def data_block(context: RenderContext) -> str:
    catalog, data = context.catalog, context.canonical
    features = {f: data["features"][f] for f in catalog.features}
    plans, addons = context.lean_packages["plans"], context.lean_packages["addons"]
    lines = [
        f"export const GENERATOR = {json.dumps(generator_name())};",
        f"export const SOURCE_SHA256 = {json.dumps(catalog.source_sha256)};",
        f"const _PRODUCT_SOURCE = {js_json(evaluator_product(context))};",
        f"const _FEATURES_SOURCE = {js_json(features)};",
        f"const _PLAN_SOURCES = {js_json(plans)};",
        f"const _ADDON_SOURCES = {js_json(addons)};",
    ]
    return "\n".join(lines) + "\n"


def js_json(data: object) -> str:
    """A single-quoted JavaScript string of compact JSON: safe in a module and in a page.

    The JSON is ASCII only (so no line terminator can end the literal); the
    backslash and the quote are escaped for the literal, and <, > and & as
    \\x3c, \\x3e and \\x26 so that no ``</script>`` or ``<!--`` can appear.
    """
    text = json.dumps(_big_integers(data), separators=(",", ":"), ensure_ascii=True)
    body = text.replace("\\", "\\\\").replace("'", "\\'")
    for char, escape in (("<", "\\x3c"), (">", "\\x3e"), ("&", "\\x26")):
        body = body.replace(char, escape)
    return f"'{body}'"


def _big_integers(
    value: object, key: str | None = None, seen: dict[int, dict] | None = None
) -> object:
    """Integers beyond 2^53 as decimal strings: JSON.parse would round them.

    ``seen`` holds each dict's copy by id for one call: the lean packages
    share their inherited entitlements, so each is copied once. A scalar is
    looked at only under a field that holds an integer.
    """
    if seen is None:
        seen = {}
    if isinstance(value, dict):
        done = seen.get(id(value))
        if done is None:
            done = seen[id(value)] = {
                k: _big_integers(v, k, seen)
                if k in _INTEGER_FIELDS or isinstance(v, (dict, list))
                else v
                for k, v in value.items()
            }
        return done
    if isinstance(value, list):
        return [_big_integers(v, key, seen) for v in value]
    if key in _INTEGER_FIELDS and type(value) is int and abs(value) > _MAX_SAFE:
        return str(value)
    return value
