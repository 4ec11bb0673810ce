"""When a run may drop each step table: as soon as nothing still to run reads it.

``pricegen rate`` makes the steps that several others read tables
(``steps.MATERIALIZED``), each computed once. Kept to the end, at a million
subscriptions they hold some millions of rows that no later statement reads:
under DuckDB's memory limit the final sorts of the outputs then spill to
disk, and writing ``invoice_lines`` took half as long again as with them
dropped (1.30 s against 0.84 s at 1M, with the default 1 GB). So a run drops
each such table after the last statement that reads it.

A statement reads a table that it names, and the tables of each view it
names, read through: a view is evaluated each time a statement reads it,
and DuckDB binds a view's tables when the view is created, so creating a
view reads them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Releases:
    """The step tables to drop: ``after`` a step (by its name), in the order they were
    built; ``before_writing``: once the steps and the queries after them have run,
    before the outputs are written."""

    after: dict[str, list[str]] = field(default_factory=dict)
    before_writing: list[str] = field(default_factory=list)


def release_plan(
    reads: list[tuple[str, set[str]]],
    tables: set[str],
    outputs: Iterable[str],
    later: Iterable[str] = (),
) -> Releases:
    """When to drop each step table that neither the outputs nor ``later`` need.

    ``reads`` is each step's name and the names its query reads, in the
    order the steps run (query.step_reads); ``tables`` the steps that are
    tables. ``outputs`` are written after every step, so what they read is
    never dropped. ``later`` are the names the queries run after the steps
    read, before the outputs are written: what only they read goes last.
    """
    named = dict(reads)
    last: dict[str, str | None] = {}  # table -> the last statement reading it; None: later
    for name, read in reads:
        if name in tables:
            last[name] = name  # built here, and freed here if nothing reads it after
        for table in _tables_read(named, tables, read):
            last[table] = name
    for table in _tables_read(named, tables, later):
        last[table] = None
    kept = _tables_read(named, tables, outputs)
    releases = Releases()
    for table, step in last.items():
        if table in kept:
            continue
        if step is None:
            releases.before_writing.append(table)
        else:
            releases.after.setdefault(step, []).append(table)
    return releases


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
