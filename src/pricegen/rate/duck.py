"""Rating on embedded DuckDB: inputs streamed from their files, steps run once each.

Each step of the rating SQL becomes a table, so it runs once. The database
is in memory, but DuckDB spills what exceeds its memory limit (1 GB by default)
to a scratch directory, so 10M usage rows stay well under 2 GB of resident
memory. Outputs are written with COPY, sorted, so the same inputs give the
same files.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlglot import exp

from ..model import Catalog
from . import (
    EMPTY,
    INPUT_COLUMNS,
    ORDER,
    OUTPUTS,
    Inputs,
    Progress,
    RateError,
    Result,
    csv_columns,
    input_select,
    unmatched_queries,
)

_MEMORY = re.compile(r"[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
PROGRESS_EVERY = 2.0  # seconds between progress messages of a long step


def _import_duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise RateError(
            "DuckDB is not installed; expected it with pip install 'pricegen[sql]'."
        ) from None
    return duckdb


def run_duckdb(
    catalog: Catalog,
    inputs: Inputs,
    out: Path,
    fmt: str,
    memory_limit: str,
    say: Progress,
    outputs: tuple[str, ...] = OUTPUTS,
) -> Result:
    duckdb = _import_duckdb()
    if not _MEMORY.fullmatch(memory_limit.strip()):
        raise RateError(f'"{memory_limit}" is not a memory size; expected one such as 1GB.')
    from ..targets.sql.query import names_read, statements, step_reads
    from ..targets.sql.steps import MATERIALIZED
    from .release import release_plan
    from .staging import scratch

    with scratch() as work:
        con = duckdb.connect()
        try:
            con.execute(f"SET memory_limit = {_text(memory_limit.strip())}")
            con.execute(f"SET temp_directory = {_text(str(work))}")
            con.execute("SET preserve_insertion_order = false")
            # _run reports progress in pricegen's words; DuckDB's own bar stays silent
            con.execute("SET enable_progress_bar = true")
            con.execute("SET enable_progress_bar_print = false")
            _register_inputs(con, inputs)
            checks = unmatched_queries(inputs)
            later = set().union(*(names_read(query) for query in checks.values()))
            plan = release_plan(step_reads(catalog, outputs), MATERIALIZED, outputs, later)
            steps = statements(catalog, "duckdb", tables=True, outputs=outputs)
            for index, statement in enumerate(steps, 1):
                name = statement.split(" AS", 1)[0].split()[-1]
                _run(con, statement, f"step {index}/{len(steps)} {name}", say)
                _drop(con, plan.after.get(name, ()))
            unmatched = {f: _run(con, q, f"checking --{f}", say)[0] for f, q in checks.items()}
            _drop(con, plan.before_writing)
            result = _write_outputs(con, out, fmt, say, outputs)
            result.unmatched.update(unmatched)
            return result
        except duckdb.Error as exc:
            raise _stopped(exc) from None
        finally:
            con.close()


def _drop(con: Any, tables: Iterable[str]) -> None:
    """Drop step tables nothing still to run reads: their memory goes to the sorts."""
    for table in tables:
        con.execute(f"DROP TABLE {table}")


def _text(value: str) -> str:
    """A string literal for DuckDB, quoted by sqlglot."""
    return exp.Literal.string(value).sql(dialect="duckdb")


_CSV_LINE = re.compile(r"CSV Error on Line: ([0-9]+)")
_CSV_FILE = re.compile(r"^\s*file = (.+)$", re.MULTILINE)
_CSV_FIELDS = re.compile(r"Expected Number of Columns: ([0-9]+) Found: ([0-9]+)")


def _stopped(exc: Exception) -> RateError:
    """The RateError for an error DuckDB raised: a malformed CSV row is the input's
    problem (exit 2), said as ``file:line: what``; anything else stopped the engine."""
    text = str(exc)
    line, file = _CSV_LINE.search(text), _CSV_FILE.search(text)
    if line is None or file is None:
        return _input_problem(text) or RateError(f"DuckDB stopped: {_first_line(exc)}", usage=False)
    fields = _CSV_FIELDS.search(text)
    if fields is not None:
        what = f"expected {fields[1]} fields, as the header has; found {fields[2]}"
    else:
        what = _csv_problem(text)
    return RateError(f"{file[1].strip()}:{line[1]}: {what}.")


_NOT_BOOLEAN = re.compile(
    r"Could not convert string '(.*)' to BOOL when casting from source column (\w+)"
)
_NOT_PARQUET = re.compile(r"No magic bytes found at end of file '(.*)'")


def _input_problem(text: str) -> RateError | None:
    """The RateError (exit 2) for what DuckDB found wrong with an input or a flag, if
    that is what stopped it: a flag that is not true or false, a file that is not
    Parquet, too little memory to run in."""
    found = _NOT_BOOLEAN.search(text)
    if found is not None:
        return RateError(
            f"an input's {found[2]} column holds {found[1]!r}; expected true or false "
            "(or t, yes, 1, f, no, 0, in any case), or NULL."
        )
    file = _CSV_FILE.search(text)
    if "CSV Parser state machine reached an invalid state" in text and file is not None:
        return RateError(
            f"{file[1].strip()}: not CSV as RFC 4180 writes it, and DuckDB's strict reader "
            "stopped (the usual causes: lines that end in both \\r\\n and \\n, or a quote "
            "that never closes); expected one line ending throughout, and closed quotes."
        )
    found = _NOT_PARQUET.search(text)
    if found is not None:
        return RateError(f"{found[1]}: not a Parquet file; expected a .parquet file.")
    if text.startswith("Out of Memory Error"):
        detail = _first_line(Exception(text)).removeprefix("Out of Memory Error: ")
        return RateError(
            f"DuckDB ran out of memory ({detail.rstrip('.')}); expected a larger "
            "--memory-limit, or room in TMPDIR for DuckDB to spill to."
        )
    return None


def _csv_problem(text: str) -> str:
    """DuckDB's own words for a malformed CSV row: the line after the row's text."""
    lines = [line.strip() for line in text.splitlines()]
    after = [line for line in lines[2:] if line and not line.startswith("Possible")]
    return after[0].rstrip(".") if after else "not a CSV row as the header's"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _reader(path: Path, table: str) -> str:
    if path.suffix.lower() == ".csv":
        # Every column as written: a sniffed type would turn id "007" into 7, and a
        # quantity "1.0000000000000001" into the DOUBLE 1.0. The dialect is CSV's own
        # and the columns the header's, never sniffed: a row of the wrong length is
        # then an error naming its line, where a sniffer would guess another dialect.
        columns = ", ".join(f"{_text(name)}: 'VARCHAR'" for name in csv_columns(path, table))
        return (
            f"read_csv({_text(str(path))}, header = true, auto_detect = false, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
            f"columns = {{{columns}}})"
        )
    return f"read_parquet({_text(str(path))})"


def _register_inputs(con: Any, inputs: Inputs) -> None:
    for table in INPUT_COLUMNS:
        path = inputs.files.get(table)
        if path is None:
            con.execute(f"CREATE VIEW {table} AS {EMPTY[table]}")
            continue
        con.execute(f"CREATE VIEW pricegen_input_{table} AS SELECT * FROM {_reader(path, table)}")
        described = con.execute(f"DESCRIBE SELECT * FROM pricegen_input_{table}").fetchall()
        kinds = {row[0]: _kind(row[1]) for row in described}
        select = input_select(table, [row[0] for row in described], kinds, path)
        con.execute(f"CREATE VIEW {table} AS {select}")


# DuckDB's names of the scalar types input_select() tells apart (a list or a struct of
# them is another type: "INTEGER[]" is not a number).
_DUCK_KINDS = (
    (re.compile(r"VARCHAR|TEXT|STRING"), "text"),
    (re.compile(r"DOUBLE|FLOAT|REAL"), "float"),
    (re.compile(r"U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|DECIMAL\(\d+, ?\d+\)"), "number"),
    (re.compile(r"BOOLEAN"), "boolean"),
    (re.compile(r"TIMESTAMP(_S|_MS|_NS| WITH TIME ZONE)?|DATE"), "time"),
    (re.compile(r'"?NULL"?'), "null"),
)


def _kind(type_name: str) -> str:
    """What input_select() calls a DuckDB column type; any other type by its name."""
    upper = type_name.upper()
    for pattern, kind in _DUCK_KINDS:
        if pattern.fullmatch(upper):
            return kind
    return type_name


def _run(con: Any, statement: str, what: str, say: Progress) -> Any:
    """Run one statement; while it runs, report DuckDB's progress every PROGRESS_EVERY s."""
    done = threading.Event()

    def report() -> None:
        started = time.monotonic()
        while not done.wait(PROGRESS_EVERY):
            percent = con.query_progress()
            shown = f", {percent:.0f}%" if percent is not None and percent >= 0 else ""
            say(f"{what} ({time.monotonic() - started:.0f} s{shown})")

    watcher = threading.Thread(target=report, daemon=True)
    watcher.start()
    try:
        return con.execute(statement).fetchone()  # COPY answers with the rows it wrote
    finally:
        done.set()
        watcher.join()


def _write_outputs(
    con: Any, out: Path, fmt: str, say: Progress, outputs: tuple[str, ...]
) -> Result:
    result = Result()
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    for name in outputs:
        path = out / f"{name}.{fmt}"
        copy = (
            f"COPY (SELECT * FROM {name} ORDER BY {ORDER[name]}) TO {_text(str(path))} ({options})"
        )
        result.rows[name] = _run(con, copy, f"writing {path.name}", say)[0]
        result.files[name] = path
    return result
