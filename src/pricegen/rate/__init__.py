"""``pricegen rate``: the rating query run over files, on DuckDB or on Spark.

The engines read the four input tables from CSV or Parquet files (by
extension), run the catalog's rating SQL (:mod:`pricegen.targets.sql`) and
write ``invoice_lines``, ``invoices``, ``rejections`` and ``usage_status``
into the output directory. Neither engine holds the inputs in Python:
DuckDB streams them and spills to disk past its memory limit; Spark is
Spark. duckdb and pyspark are optional extras, imported only here.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Catalog

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
INPUT_COLUMNS = {
    "subscriptions": (
        ("subscription_id", "plan", "period", "currency"),
        ("trial", "existing", "started_at"),
    ),
    "subscription_quantities": (("subscription_id", "feature", "quantity"), ()),
    "subscription_addons": (("subscription_id", "addon", "quantity"), ()),
    "usage": (("subscription_id", "feature", "quantity"), ()),
}
OUTPUTS = ("invoice_lines", "invoices", "rejections", "usage_status")
ORDER = {
    "invoice_lines": "subscription_id, line",
    "invoices": "subscription_id",
    "rejections": "subscription_id",
    "usage_status": "subscription_id, feature",
}


class RateError(Exception):
    """A problem with the inputs (``usage``: the user's to fix, exit 2) or an engine that
    stopped (exit 3), said in one sentence."""

    def __init__(self, message: str, usage: bool = True) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class Inputs:
    """The input files by table name; tables without a file are empty."""

    files: dict[str, Path]

    def format_of(self, table: str) -> str:
        return file_format(self.files[table])


@dataclass
class Result:
    """Rows written per output, and the files they are in."""

    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    # rows of a child input whose subscription_id is in no subscriptions row, by flag
    unmatched: dict[str, int] = field(default_factory=dict)


CHILD_TABLES = ("subscription_quantities", "subscription_addons", "usage")


def unmatched_queries(inputs: Inputs) -> dict[str, str]:
    """flag -> a query counting the rows of that child input that no subscription has.

    The rating SQL ignores them, as spec/sql.md says; pricegen rate counts them
    and says so, since usage of a subscription missing from --subscriptions is
    usage nobody is billed for.
    """
    return {
        _flag(table): (
            f"SELECT COUNT(*) FROM {table} AS c WHERE NOT EXISTS (SELECT 1 FROM "
            "pricegen_subscriptions AS s WHERE s.subscription_id = c.subscription_id)"
        )
        for table in CHILD_TABLES
        if table in inputs.files
    }


Progress = Callable[[str], None]


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RateError(f"{path}: unknown file type {path.suffix!r}; expected .csv or .parquet.")
    return fmt


def rate(
    catalog: Catalog,
    inputs: Inputs,
    out: Path,
    *,
    engine: str = "duckdb",
    output_format: str = "parquet",
    master: str | None = None,
    memory_limit: str = "1GB",
    progress: Progress | None = None,
    outputs: tuple[str, ...] = OUTPUTS,
) -> Result:
    """Rate every subscription of ``inputs`` and write ``outputs`` into ``out``."""
    from ..targets.sql import problems

    refused = problems(catalog)
    if refused:
        raise RateError(f"{refused[0].message} [{refused[0].rule}]", usage=False)
    for table, path in inputs.files.items():
        if not path.is_file():
            raise RateError(f"{path}: no such file (--{_flag(table)}).")
        file_format(path)
    unknown = [name for name in outputs if name not in OUTPUTS]
    if unknown or not outputs:
        raise RateError(
            f"unknown output {', '.join(unknown)}; expected some of {', '.join(OUTPUTS)}."
        )
    _refuse_overwriting_inputs(inputs, out, output_format, outputs)
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda message: None)
    from .staging import BusyError, staging

    try:
        with staging(out) as stage:
            if engine == "spark":
                from .spark import run_spark

                result = run_spark(catalog, inputs, stage, output_format, master, say, outputs)
            else:
                from .duck import run_duckdb

                result = run_duckdb(
                    catalog, inputs, stage, output_format, memory_limit, say, outputs
                )
            return _move_outputs(result, out)
    except BusyError:
        raise RateError(
            f"{out}: another pricegen rate is writing into this directory; expected one run "
            "at a time per output directory: wait for it, or give another -o."
        ) from None


def _refuse_overwriting_inputs(
    inputs: Inputs, out: Path, output_format: str, outputs: tuple[str, ...]
) -> None:
    """A RateError when an output would replace one of the inputs it is rated from."""
    targets = {os.path.realpath(out / f"{name}.{output_format}"): name for name in outputs}
    for table, path in inputs.files.items():
        name = targets.get(os.path.realpath(path))
        if name is not None:
            raise RateError(
                f"{path}: the {name} output would replace this input (--{_flag(table)}); "
                "expected an output directory where no input is named like an output "
                f"({', '.join(f'{n}.{output_format}' for n in outputs)})."
            )


def _move_outputs(result: Result, out: Path) -> Result:
    """Move the outputs, all written, from the staging directory into ``out``.

    The engines write into a staging directory inside ``out`` (the same file
    system, so each move is a rename): a run that fails part way leaves the
    previous run's outputs as they were, never a mix of old and new files
    that looks like one complete run.
    """
    moved = Result(rows=dict(result.rows), unmatched=dict(result.unmatched))
    for name, path in result.files.items():
        target = out / path.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)  # Spark writes a directory of part files
        os.replace(path, target)
        moved.files[name] = target
    return moved


def _flag(table: str) -> str:
    return {
        "subscriptions": "subscriptions",
        "subscription_quantities": "quantities",
        "subscription_addons": "addons",
        "usage": "usage",
    }[table]


def csv_columns(path: Path, table: str) -> list[str]:
    """The column names of a CSV input's header line, each named once.

    The engines are told these columns instead of sniffing the file: a sniffer
    that meets a row with a field too many or too few guesses another dialect,
    and then reads no rows, or one column, without a word. With the columns
    given, such a row is an error that names its line. Raises RateError for a
    file that is empty, not UTF-8, or whose header names a column twice (in any
    letter case, as columns are matched) or leaves one unnamed.
    """
    flag = _flag(table)
    try:
        with path.open("rb") as handle:
            first = handle.readline().decode("utf-8-sig")  # the engine reads the rest
        header = next(csv.reader([first]), None)
    except UnicodeDecodeError:
        raise RateError(
            f"{path}:1: the header line is not UTF-8 text (--{flag}); expected a CSV file in UTF-8."
        ) from None
    except (OSError, csv.Error) as exc:
        raise RateError(f"{path}: cannot read the header line (--{flag}): {exc}.") from None
    if not header:
        raise RateError(
            f"{path}: no header line (--{flag}); expected a first line naming the columns "
            f"{', '.join(INPUT_COLUMNS[table][0])}."
        )
    seen: dict[str, str] = {}
    for position, name in enumerate(header, 1):
        if not name.strip():
            raise RateError(
                f"{path}: column {position} of the header has no name (--{flag}); expected "
                "a name for every column."
            )
        if name.lower() in seen:
            raise RateError(
                f"{path}: two columns named {seen[name.lower()]!r} and {name!r} (--{flag}); "
                "expected each column once (names are matched in any letter case)."
            )
        seen[name.lower()] = name
    return header


def input_select(
    table: str, present: list[str], kinds: dict[str, str], path: Path | None = None
) -> str:
    """SELECT of one input with the contract's columns: optional ones NULL when absent,
    quantities as numbers (text that is no number becomes NULL: InvalidQuantityError).

    ``kinds`` maps each present column to what the engine read it as: "text",
    "float", "number" (an integer or decimal type), "boolean", "time" (a date or
    timestamp), "null", or for any other type its name. Raises RateError naming a
    required column that is missing, or a column of a type its values cannot have
    (a plan that is a struct, a quantity that is a float or a boolean); the
    message names ``path``, the input's file, when given.
    """
    who = _who(table, path)
    required, optional = INPUT_COLUMNS[table]
    lower: dict[str, str] = {}
    for column in present:
        if column.lower() in lower:
            raise RateError(
                f"{who} has two columns named {lower[column.lower()]!r} and "
                f"{column!r}; expected each column once (names are matched in any letter case)."
            )
        lower[column.lower()] = column
    missing = [c for c in required if c not in lower]
    if missing:
        raise RateError(
            f"{who} has no column {', '.join(missing)}; expected the columns "
            f"{', '.join(required)} (see spec/sql.md)."
        )
    columns = []
    for name in (*required, *optional):
        if name not in lower:
            columns.append(f"NULL AS {name}")
            continue
        source = f'"{lower[name]}"'
        _check_kind(who, lower[name], name, kinds.get(lower[name], "text"))
        if name == "quantity":
            columns.append(_quantity(source, kinds.get(lower[name]), who))
        elif name in ("trial", "existing"):
            columns.append(f"CAST({source} AS BOOLEAN) AS {name}")
        elif name == "started_at":
            columns.append(f"{source} AS started_at")
        else:
            columns.append(f"CAST({source} AS VARCHAR) AS {name}")
    return f"SELECT {', '.join(columns)} FROM pricegen_input_{table}"


# The types each column may be read as ("null": a column of NULLs, as a typed file can
# hold); a float quantity has its own message (_quantity).
_ACCEPTED = {
    "quantity": ("text", "number", "float", "null"),
    "trial": ("text", "boolean", "null"),
    "existing": ("text", "boolean", "null"),
    "started_at": ("text", "time", "null"),
}
_ID_KINDS = ("text", "number", "null")  # ids, plans, periods, currencies, features, add-ons
_EXPECTED = {
    "quantity": "whole numbers: an integer or decimal type, or text",
    "trial": "true or false: a boolean type, or text",
    "existing": "true or false: a boolean type, or text",
    "started_at": "moments: a timestamp type, or text",
}


def _who(table: str, path: Path | None) -> str:
    """How a message names an input: its file and flag, or the flag alone."""
    return f"{path} (--{_flag(table)})" if path is not None else _flag(table)


def _check_kind(who: str, column: str, name: str, kind: str) -> None:
    """RateError when a typed input's column cannot hold what the contract says."""
    if kind in _ACCEPTED.get(name, _ID_KINDS):
        return
    expected = _EXPECTED.get(name, "ids: text, or an integer type")
    raise RateError(
        f"{who} has a column {column} of type {kind}; expected {expected} (see spec/sql.md)."
    )


# A whole number written in text: digits, with at most a fraction of zeros ("2.0" is 2, as
# Decimal("2.0") is in quote()). The digits after any leading zeros are group 1.
WHOLE_TEXT = "^[+]?0*([0-9]+)([.]0*)?$"
BEYOND_ANY_BOUND = "1" + "0" * 37  # fits DECIMAL(38, 0); refused as QuantityOutOfRangeError


def _quantity(source: str, kind: str | None, who: str) -> str:
    """The quantity column as an exact whole number, or NULL (InvalidQuantityError).

    Text is read digit by digit, never through a float: "1.0000000000000001" is
    fractional, as Decimal keeps it, where a DOUBLE would make it 1. A number too
    long for DECIMAL(38) is still a number, beyond the bound. A floating-point
    column is refused outright: its values are not the numbers that were meant.
    """
    if kind == "float":
        raise RateError(
            f"{who} has a quantity column of floating-point numbers; quantities "
            "are whole numbers stored exactly: an integer or decimal type, or text. Cast "
            "the column where the file is made (see spec/sql.md)."
        )
    if kind != "text":
        return f"{source} AS quantity"
    text = f"TRIM({source})"
    digits = f"regexp_extract({text}, '{WHOLE_TEXT}', 1)"
    return (
        f"CASE WHEN NOT regexp_matches({text}, '{WHOLE_TEXT}') THEN NULL "
        f"WHEN LENGTH({digits}) > 37 THEN CAST('{BEYOND_ANY_BOUND}' AS DECIMAL(38, 0)) "
        f"ELSE CAST({digits} AS DECIMAL(38, 0)) END AS quantity"
    )


EMPTY = {
    "subscriptions": "SELECT CAST(NULL AS VARCHAR) AS subscription_id, CAST(NULL AS VARCHAR) "
    "AS plan, CAST(NULL AS VARCHAR) AS period, CAST(NULL AS VARCHAR) AS currency, "
    "CAST(NULL AS BOOLEAN) AS trial, CAST(NULL AS BOOLEAN) AS existing, "
    "CAST(NULL AS TIMESTAMP) AS started_at WHERE 1 = 0",
    "subscription_quantities": "SELECT CAST(NULL AS VARCHAR) AS subscription_id, "
    "CAST(NULL AS VARCHAR) AS feature, CAST(NULL AS BIGINT) AS quantity WHERE 1 = 0",
    "subscription_addons": "SELECT CAST(NULL AS VARCHAR) AS subscription_id, "
    "CAST(NULL AS VARCHAR) AS addon, CAST(NULL AS BIGINT) AS quantity WHERE 1 = 0",
    "usage": "SELECT CAST(NULL AS VARCHAR) AS subscription_id, CAST(NULL AS VARCHAR) "
    "AS feature, CAST(NULL AS BIGINT) AS quantity WHERE 1 = 0",
}
