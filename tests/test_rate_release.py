"""pricegen rate drops each step table once nothing still to run reads it (rate/release.py).

Held three ways: against the real steps, by replaying the plan for every set of
outputs (each statement, a view's creation included, finds every table it reads,
directly or through views, still there; when the outputs are written, only what
they read is left); on DuckDB, where the tables left when the outputs are
written are those; and end to end, where every set of outputs gives the rows the
run of all four gives, so that no drop comes too early. That the rows are the
evaluator's is the differential tests' to hold (test_sql_differential.py).
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from sql_support import inputs_of, random_subscriptions, require, write_inputs

from pricegen import compile_catalog
from pricegen.rate import CHILD_TABLES, OUTPUTS, Inputs, unmatched_queries
from pricegen.rate.release import Releases, release_plan
from pricegen.targets.sql.query import names_read, step_reads
from pricegen.targets.sql.steps import MATERIALIZED

REPO = Path(__file__).resolve().parent.parent
CATALOG = REPO / "examples" / "saas-seats" / "pricing.yaml"
EVERY_SET = [
    outputs
    for size in range(1, len(OUTPUTS) + 1)
    for outputs in itertools.combinations(OUTPUTS, size)
]


def _read_now(reads: dict[str, set[str]], names: set[str]) -> set[str]:
    """The step tables that reading ``names`` reads, through views: the test's own walk."""
    found = set()
    for name in names:
        if name in MATERIALIZED:
            found.add(name)
        elif name in reads:  # a view (the steps' views form no cycle)
            found |= _read_now(reads, reads[name])
    return found


def test_the_small_plan_drops_after_the_last_reader_and_keeps_what_outputs_read():
    reads = [
        ("a", {"input"}),  # a table
        ("v", {"a"}),  # a view of it
        ("b", {"v"}),  # a table that reads a through v
        ("c", {"input"}),  # a table only the later queries read
        ("out", {"b"}),  # a view, the output
        ("unread", {"input"}),  # a table nothing reads
    ]
    plan = release_plan(reads, {"a", "b", "c", "unread"}, ["out"], later=["c"])
    assert plan == Releases(after={"b": ["a"], "unread": ["unread"]}, before_writing=["c"])


def test_creating_a_view_reads_its_tables():
    """DuckDB binds a view's tables when the view is created: a view created after the
    last reader of its table must keep the table until then."""
    reads = [("a", {"input"}), ("b", {"a"}), ("v", {"a"}), ("out", {"b"})]
    plan = release_plan(reads, {"a", "b"}, ["out"])
    assert plan.after == {"v": ["a"]}


# What the queries run after the steps read: those of every child input, as rate runs them.
LATER = set().union(
    *map(names_read, unmatched_queries(Inputs(dict.fromkeys(CHILD_TABLES))).values())
)


@pytest.mark.parametrize("outputs", EVERY_SET, ids="+".join)
def test_the_plan_of_the_real_steps_never_drops_a_table_before_its_last_reader(outputs):
    catalog = compile_catalog(CATALOG).checked_catalog()
    steps = step_reads(catalog, outputs)
    reads = dict(steps)
    plan = release_plan(steps, MATERIALIZED, outputs, LATER)
    live: set[str] = set()
    for name, named in steps:  # a table is built here, or a view created: both read
        assert _read_now(reads, named) <= live, (name, _read_now(reads, named) - live)
        if name in MATERIALIZED:
            live.add(name)
        live -= set(plan.after.get(name, ()))
    assert LATER and _read_now(reads, LATER) <= live
    live -= set(plan.before_writing)
    assert live == _read_now(reads, set(outputs)), "written: only what the outputs read is left"
    assert live < {name for name, _ in steps if name in MATERIALIZED}


@pytest.mark.parametrize("outputs", EVERY_SET, ids="+".join)
def test_a_run_has_only_the_steps_its_outputs_read(outputs):
    """Each step kept is read by an output, directly or through other steps, and every
    step an output reads is kept: rejections alone prices no lines, for instance."""
    reads = dict(step_reads(compile_catalog(CATALOG).checked_catalog(), outputs))
    reached: set[str] = set()
    pending = list(outputs)
    while pending:
        name = pending.pop()
        if name in reads and name not in reached:
            reached.add(name)
            pending.extend(reads[name])
    assert set(reads) == reached and set(outputs) <= reached
    if "invoice_lines" not in outputs and "invoices" not in outputs:
        assert not {"pricegen_lines", "invoice_lines"} & set(reads)


def test_duckdb_holds_only_what_the_outputs_read_when_it_writes_them(tmp_path, monkeypatch):
    """The plan is keyed by the step names rate reads off its statements: were they to
    differ, nothing would be dropped and every other test would still pass."""
    require("duckdb")
    from pricegen.rate import duck, rate

    catalog = compile_catalog(CATALOG).checked_catalog()
    inputs = inputs_of(write_inputs(random_subscriptions(catalog, random.Random(3), 50), tmp_path))
    outputs = ("invoice_lines", "invoices", "rejections")
    held: list[set[str]] = []
    write = duck._write_outputs

    def writing(con, *args, **kwargs):
        held.append(
            {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        )
        return write(con, *args, **kwargs)

    monkeypatch.setattr(duck, "_write_outputs", writing)
    rate(catalog, inputs, tmp_path / "out", outputs=outputs)
    reads = dict(step_reads(catalog, outputs))
    assert held == [_read_now(reads, set(outputs))] and held[0] == {"invoice_lines", "rejections"}


def test_every_set_of_outputs_rates_as_the_run_of_all_four(tmp_path):
    duckdb = require("duckdb")
    from pricegen.rate import rate

    catalog = compile_catalog(CATALOG).checked_catalog()
    inputs = inputs_of(
        write_inputs(random_subscriptions(catalog, random.Random(11), 300), tmp_path)
    )
    whole = tmp_path / "all"
    rate(catalog, inputs, whole)
    expected = {n: duckdb.sql(f"SELECT * FROM '{whole}/{n}.parquet'").fetchall() for n in OUTPUTS}
    assert expected["invoice_lines"] and expected["rejections"] and expected["usage_status"]
    for index, outputs in enumerate(EVERY_SET):
        out = tmp_path / f"some-{index}"
        result = rate(catalog, inputs, out, outputs=outputs)
        for name in outputs:
            assert duckdb.sql(f"SELECT * FROM '{out}/{name}.parquet'").fetchall() == expected[name]
        assert set(result.rows) == set(outputs)
