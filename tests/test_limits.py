"""Resource bounds: each hostile input fails fast, with bounded memory and the right rule.

The limits are documented in spec/limits.md, with the figures that
tests/bench/bench_limits.py measures on full-size inputs (a real 100 MB
file, for one). Here each input is built small enough to be quick, or
cheaply (a sparse file), and every run is held to a time and a peak of
traced memory far above what it needs and far below what it would take
without the bound.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from bench import hostile
from conftest import invoke

from pricegen import compile_catalog, merge, source, validate
from pricegen.diagnostics import Severity

SECONDS = 10  # generous for a loaded CI machine; each case takes well under one
MEGABYTES = 200


def measured(path: Path, *, display: str | None = None):
    """compile_catalog under a stopwatch and tracemalloc; (build, seconds, peak MB)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        build = compile_catalog(path, display=display)
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return build, elapsed, peak / 2**20


def fails_with(path: Path, rule: str, *, seconds: float = SECONDS, megabytes: float = MEGABYTES):
    build, elapsed, peak = measured(path)
    errors = [d for d in build.diagnostics if d.severity is Severity.ERROR]
    assert not build.ok
    assert {d.rule for d in errors} == {rule}, errors[:5]
    assert elapsed < seconds, f"{path.name}: {elapsed:.1f} s"
    assert peak < megabytes, f"{path.name}: {peak:.0f} MB"
    return errors


def test_billion_laughs(tmp_path):
    (problem,) = fails_with(hostile.billion_laughs(tmp_path), "YAML_ALIAS_LIMIT", seconds=2)
    assert "100,000" in problem.message and problem.line > 2


def test_a_100_mb_file_is_never_read(tmp_path):
    (problem,) = fails_with(
        hostile.big_file(tmp_path, sparse=True), "FILE_TOO_LARGE", seconds=1, megabytes=5
    )
    assert "104,857,600 bytes" in problem.message


def test_a_file_just_over_the_limit(tmp_path):
    path = hostile.big_file(tmp_path, size=source.MAX_FILE_BYTES + 1)
    fails_with(path, "FILE_TOO_LARGE", seconds=1, megabytes=5)


def test_a_device_that_never_ends_is_read_only_up_to_the_limit():
    path = Path("/dev/zero")
    if not path.exists():
        pytest.skip("no /dev/zero")
    (problem,) = fails_with(
        path, "FILE_TOO_LARGE", seconds=5, megabytes=3 * source.MAX_FILE_BYTES / 2**20
    )
    assert "more than 8,388,608 bytes" in problem.message


@pytest.mark.parametrize(
    "build",
    [hostile.deep_flow_list, hostile.deep_flow_map, hostile.deep_block_list],
    ids=lambda b: b.__name__,
)
def test_10_000_deep_nesting(tmp_path, build):
    (problem,) = fails_with(build(tmp_path, 10_000), "YAML_DEPTH_LIMIT", seconds=2)
    assert "64 levels" in problem.message


def test_a_10_000_deep_block_mapping_is_too_large_to_read(tmp_path):
    """One more space of indentation per level: 10,000 levels take 50 MB, past the size limit."""
    fails_with(hostile.deep_block_map(tmp_path, 10_000), "FILE_TOO_LARGE", seconds=2, megabytes=5)


def test_a_deep_block_mapping_within_the_size_limit(tmp_path):
    (problem,) = fails_with(hostile.deep_block_map(tmp_path, 1_000), "YAML_DEPTH_LIMIT", seconds=2)
    assert problem.line == 2 + 65  # the header, "x:", then the 65th level


def test_a_charge_has_at_most_100_tiers(tmp_path):
    (problem,) = fails_with(hostile.many_tiers(tmp_path, 101), "SCHEMA", seconds=5)
    assert "at most 100 items" in problem.message


def test_100_tiers_are_fine(tmp_path):
    build, _, _ = measured(hostile.many_tiers(tmp_path, 100))
    assert "SCHEMA" not in {d.rule for d in build.diagnostics}


@pytest.mark.parametrize(
    "build", [hostile.huge_number, hostile.huge_exponent], ids=lambda b: b.__name__
)
def test_huge_numbers(tmp_path, build):
    fails_with(build(tmp_path), "YAML_NUMBER_OUT_OF_RANGE", seconds=2, megabytes=50)


def test_too_many_values(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_NODES", 20_000)  # the benchmark measures the real 200,000
    (problem,) = fails_with(hostile.many_values(tmp_path, 1_000_000), "YAML_NODE_LIMIT")
    assert "20,000 values" in problem.message and problem.col < 60_000


def test_aliases_count_towards_the_values_of_a_catalog(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_NODES", 50_000)  # below the 100,000 of YAML_ALIAS_LIMIT
    fails_with(hostile.alias_fanout(tmp_path, plans=200, features=300), "YAML_NODE_LIMIT")


def test_the_value_budget_is_shared_by_the_files_of_a_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_NODES", 5_000)
    directory = hostile.many_files(tmp_path, count=1_000)  # about 6 values a file
    (problem,) = fails_with(directory, "YAML_NODE_LIMIT")
    assert problem.path.startswith(str(directory)) and "plan-00" in problem.path


def test_schema_errors_stop_at_100(tmp_path):
    errors = fails_with(hostile.many_bad_features(tmp_path, 2_000), "SCHEMA")
    assert len(errors) == validate.MAX_SCHEMA_ERRORS


def test_a_long_extends_chain(tmp_path):
    (problem,) = fails_with(hostile.plan_chain(tmp_path, 1_000), "CATALOG_TOO_LARGE", seconds=5)
    assert "ancestors through extends" in problem.message and "50 deep" in problem.message


def test_a_chain_of_51_plans_is_fine(tmp_path):
    build, _, _ = measured(hostile.plan_chain(tmp_path, merge.MAX_EXTENDS_DEPTH + 1))
    assert build.ok, build.diagnostics


def test_plans_times_features(tmp_path):
    (problem,) = fails_with(
        hostile.plans_times_features(tmp_path, 500, 500), "CATALOG_TOO_LARGE", seconds=5
    )
    assert "250,000 combinations" in problem.message


def test_a_long_string(tmp_path):
    (problem,) = fails_with(hostile.long_string(tmp_path), "SCHEMA", seconds=5)
    assert "at most 200 characters" in problem.message


def test_generate_fails_fast_through_the_cli(tmp_path):
    path = hostile.billion_laughs(tmp_path)
    started = time.perf_counter()
    result = invoke(["generate", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 3 and "[YAML_ALIAS_LIMIT]" in result.stderr
    assert time.perf_counter() - started < 2
    assert not (tmp_path / "out").exists()
