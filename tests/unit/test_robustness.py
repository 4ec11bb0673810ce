"""Catalogs broken in ways nobody planned: compiling never raises,
and every problem is a diagnostic.

Hypothesis mutates the valid cases line by line (drops, duplicates,
re-indents, or swaps a value for an odd token) and compiles the result.
Whatever comes out must be a Build: either ok, or with at least one error
diagnostic that points at a real line of a real file, in one sentence.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricegen import compile_catalog

CASES = Path(__file__).resolve().parents[1] / "cases"
SEEDS = [
    (CASES / "valid" / "acme-full" / "pricing.yaml").read_text("utf-8"),
    (CASES / "invalid" / "PLAN_LIMIT_LOWERED" / "pricing.yaml").read_text("utf-8"),
    (CASES / "invalid" / "PLAN_FEATURE_DROPPED" / "pricing.yaml").read_text("utf-8"),
]
ODD_VALUES = [
    "-1",
    "0",
    "1e999",
    "1e21",
    "~",
    "[]",
    "{}",
    "yes",
    "no",
    ".nan",
    "-.inf",
    "0x10",
    "010",
    "1_000",
    "1:30",
    '""',
    "''",
    "*nowhere",
    "&a 1",
    "!!str 1",
    "!!float 1",
    "[[[[1]]]]",
    "{a: 1, a: 2}",
    "unlimited",
    "true",
    "false",
    "null",
    "9" * 120,
    "ÿ",
    "\\t",
    "- x",
    "{limit: -1}",
    "{variable: true}",
    "[csv, csv]",
    "monthly",
    "USD",
    "pro",
    "free",
    '"29.50"',
    '"29,50"',
    "29.5.1",
    "@x",
    "`x`",
    "|",
    ">",
    "%x",
    "? x",
]


def mutate(text: str, ops: list[tuple[int, int, int]]) -> str:
    lines = text.split("\n")
    for kind, where, pick in ops:
        if not lines:
            break
        i = where % len(lines)
        line = lines[i]
        if kind == 0:
            del lines[i]
        elif kind == 1:
            lines.insert(i, line)
        elif kind == 2:
            lines[i] = " " * (pick % 5) + line.lstrip(" ")
        elif ":" in line:
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {ODD_VALUES[pick % len(ODD_VALUES)]}"
        else:
            lines[i] = ODD_VALUES[pick % len(ODD_VALUES)]
    return "\n".join(lines)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.sampled_from(SEEDS),
    ops=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 10_000), st.integers(0, 10_000)),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_catalogs_compile_to_diagnostics(tmp_path, seed, ops):
    text = mutate(seed, ops)
    path = tmp_path / "pricing.yaml"
    path.write_text(text, "utf-8")
    build = compile_catalog(path, display="pricing.yaml")
    if build.ok:
        return
    errors = [d for d in build.diagnostics if d.is_error]
    assert errors, build.diagnostics
    line_count = max(1, len(text.split("\n")))
    for d in build.diagnostics:
        assert d.path == "pricing.yaml"
        assert 1 <= d.line <= line_count and d.col >= 1, d
        assert "\n" not in d.message and d.message.endswith((".", "?")), d
        assert "Traceback" not in d.message and "Decimal(" not in d.message, d
