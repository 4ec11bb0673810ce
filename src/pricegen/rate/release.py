"""When a run may drop each step table: as soon as nothing still to run reads it.

``pricegen rate`` makes the steps that several others read tables
(``steps.MATERIALIZED``), each computed once. Kept to the end, at a million
subscriptions they hold some millions of rows that no later statement reads:
under DuckDB's memory limit the final sorts of the outputs then spill to
disk, and writing ``invoice_lines`` took half as long again as with them
dropped (1.30 s against 0.84 s at 1M, with the default 1 GB). So a run drops
each such table after the last statement that reads it.

Only tables are read when a statement runs: a view is read through, each
time a statement reads the view, so a table a view names is needed as long
as anything still to run reads that view.
"""

from __future__ import annotations

from collections.abc import Iterable

# The key of release_plan() for the tables to drop once the steps have run and
# the queries after them (those that read ``later``) too, before the outputs are
# written.
BEFORE_WRITING = ""


def release_plan(
    reads: list[tuple[str, set[str]]],
    tables: set[str],
    outputs: Iterable[str],
    later: Iterable[str] = (),
) -> dict[str, list[str]]:
    """Step name -> the step tables to drop once it has run, in the order built.

    ``reads`` is each step's name and the names its query reads, in the
    order the steps run (query.step_reads); ``tables`` the steps that are
    tables. ``outputs`` are written after every step, so what they read is
    never dropped. ``later`` are names read once the steps have run, before
    the outputs are written: what only they read goes under BEFORE_WRITING.
    """
    named = dict(reads)
    kept = _tables_read(named, tables, outputs)
    last: dict[str, str] = {}
    for name, _ in reads:
        if name in tables:  # views run nothing: what they read is read by their readers
            last[name] = name  # built here, and freed here if nothing reads it later
            for table in _tables_read(named, tables, named[name]):
                last[table] = name
    for table in _tables_read(named, tables, later):
        last[table] = BEFORE_WRITING
    plan: dict[str, list[str]] = {}
    for table, step in last.items():
        if table not in kept:
            plan.setdefault(step, []).append(table)
    return plan


def _tables_read(named: dict[str, set[str]], tables: set[str], names: Iterable[str]) -> set[str]:
    """The step tables that reading ``names`` reads: each table named, and through each
    view named, what that view reads. Names that are no step (inputs, the catalog's
    own tables) are never dropped, so they are left out."""
    found: set[str] = set()
    pending = list(names)
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in tables:
            found.add(name)
        elif name in named:  # a view: read through it
            pending.extend(named[name])
    return found
