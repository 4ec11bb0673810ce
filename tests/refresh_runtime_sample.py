"""Rewrite the sample data block of each runtime from its sample catalog.

The runtimes in ``src/pricegen/runtimes/`` carry the data of
``tests/cases/valid/acme-full`` so that they run, and are tested, as they
are. ``tests/test_runtime_source.py`` fails when that block is stale; run
``python tests/refresh_runtime_sample.py`` to bring it up to date.
"""

from __future__ import annotations

from pathlib import Path

from pricegen import compile_catalog
from pricegen.targets import RenderContext, javascript
from pricegen.targets.python import data_block, split_runtime

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "tests" / "cases" / "valid" / "acme-full" / "pricing.yaml"
PYTHON_RUNTIME = REPO / "src" / "pricegen" / "runtimes" / "evaluator.py"
JAVASCRIPT_RUNTIME = REPO / "src" / "pricegen" / "runtimes" / "evaluator.mjs"
# Only in the runtime's own copy, never in a generated module.
SAMPLE_NOTE = (
    "# The sample catalog tests/cases/valid/acme-full, so that this file runs,\n"
    "# and is tested, as it is. Refresh: python tests/refresh_runtime_sample.py\n"
)


def sample_context() -> RenderContext:
    build = compile_catalog(SAMPLE, display="tests/cases/valid/acme-full/pricing.yaml")
    assert build.ok, build.diagnostics
    return RenderContext.of(build.catalog)


def python_sample_block() -> str:
    return SAMPLE_NOTE + data_block(sample_context())


def refreshed_python_runtime() -> str:
    before, _, after = split_runtime(PYTHON_RUNTIME.read_text(encoding="utf-8"))
    return before + python_sample_block() + after


def refreshed_javascript_runtime() -> str:
    before, _, after = javascript.split_runtime(JAVASCRIPT_RUNTIME.read_text(encoding="utf-8"))
    note = SAMPLE_NOTE.replace("# ", "// ")
    return before + note + javascript.data_block(sample_context()) + after


if __name__ == "__main__":
    PYTHON_RUNTIME.write_text(refreshed_python_runtime(), encoding="utf-8")
    JAVASCRIPT_RUNTIME.write_text(refreshed_javascript_runtime(), encoding="utf-8")
    for path in (PYTHON_RUNTIME, JAVASCRIPT_RUNTIME):
        print(f"refreshed {path.relative_to(REPO)}")
