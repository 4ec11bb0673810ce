"""Rating on Spark: the same SQL, transpiled by sqlglot, in local mode or on a cluster.

The session runs with ANSI mode on and decimal precision loss off, so an
amount that would not fit its DECIMAL type stops the job instead of being
rounded. Each output is written as Spark writes files: a directory of parts
(``invoice_lines.parquet/part-...``), which is what a cluster's readers expect.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

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

SETTINGS = {
    "spark.sql.ansi.enabled": "true",
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
}


def session(master: str | None = None) -> Any:
    """A SparkSession for rating: local[*] unless ``master`` names a cluster."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise RateError(
            "PySpark is not installed; expected it with pip install 'pricegen[spark]' "
            "(and Java 17)."
        ) from None
    builder = SparkSession.builder.appName("pricegen-rate").master(master or "local[*]")
    for key, value in SETTINGS.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    # FATAL: a failed task's stack trace is logged at ERROR; rate says what went wrong
    spark.sparkContext.setLogLevel("FATAL")
    return spark


def transpile(text: str) -> str:
    import sqlglot

    return sqlglot.transpile(text, read="duckdb", write="spark")[0]


def run_spark(
    catalog: Catalog,
    inputs: Inputs,
    out: Path,
    fmt: str,
    master: str | None,
    say: Progress,
    outputs: tuple[str, ...] = OUTPUTS,
) -> Result:
    spark = session(master)
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        register_inputs(spark, inputs)
        run_statements(spark, catalog, say, outputs)
        unmatched = {}
        for flag, query in unmatched_queries(inputs).items():  # before writing, as on DuckDB
            say(f"checking --{flag}")
            unmatched[flag] = spark.sql(transpile(query)).collect()[0][0]
        result = _write_outputs(spark, out, fmt, say, outputs)
        result.unmatched.update(unmatched)
        return result
    except (PySparkException, Py4JJavaError) as exc:
        raise _stopped(exc, inputs) from None


_MALFORMED = re.compile(
    r"\[MALFORMED_CSV_RECORD\] Malformed CSV record: (.*?)(?: SQLSTATE|$)", re.M
)
_READING = re.compile(r"while reading file (?:file://)?(\S+?)\.?\s")


def _stopped(exc: Exception, inputs: Inputs) -> RateError:
    """The RateError for an error Spark raised: a malformed CSV row is the input's
    problem (exit 2), named by its file (as the user wrote it) and text; anything
    else stopped the engine."""
    text = str(exc)
    malformed, reading = _MALFORMED.search(text), _READING.search(text)
    if malformed is not None:
        given = {str(path.resolve()): str(path) for path in inputs.files.values()}
        where = given.get(reading[1], reading[1]) if reading is not None else "a CSV input"
        return RateError(
            f"{where}: the row {malformed[1].strip()!r} does not have the header's fields "
            "(a field too many or too few, or an unterminated quote)."
        )
    lines = [line.strip().lstrip(": ") for line in text.splitlines() if line.strip()]
    if lines and lines[0].startswith("An error occurred while"):  # py4j's own first line
        lines = lines[1:]
    return RateError(f"Spark stopped: {lines[0] if lines else type(exc).__name__}", usage=False)


def register_inputs(spark: Any, inputs: Inputs) -> None:
    for table in INPUT_COLUMNS:
        path = inputs.files.get(table)
        if path is None:
            spark.sql(transpile(EMPTY[table])).createOrReplaceTempView(table)
            continue
        frame = _read(spark, path, table)
        frame.createOrReplaceTempView(f"pricegen_input_{table}")
        kinds = {f.name: _kind(f.dataType.typeName()) for f in frame.schema.fields}
        select = input_select(table, frame.columns, kinds, path)
        spark.sql(transpile(select)).createOrReplaceTempView(table)


def _read(spark: Any, path: Path, table: str) -> Any:
    """A CSV input as text columns named by its header, every row of the header's
    length (FAILFAST: Spark's default pads a short row with NULLs and cuts a long
    one, without a word); a Parquet input as it is."""
    if path.suffix.lower() != ".csv":
        return spark.read.parquet(str(path))
    from pyspark.sql.types import StringType, StructField, StructType

    schema = StructType([StructField(name, StringType()) for name in csv_columns(path, table)])
    return (
        spark.read.option("header", "true")
        .option("mode", "FAILFAST")
        .option("escape", '"')
        .schema(schema)
        .csv(str(path))
    )


_SPARK_KINDS = {
    "string": "text",
    "float": "float",
    "double": "float",
    "byte": "number",
    "short": "number",
    "integer": "number",
    "long": "number",
    "decimal": "number",
    "boolean": "boolean",
    "timestamp": "time",
    "timestamp_ntz": "time",
    "date": "time",
    "void": "null",
}


def _kind(type_name: str) -> str:
    """What input_select() calls a Spark column type (DataType.typeName())."""
    return _SPARK_KINDS.get(type_name, type_name)


def run_statements(
    spark: Any, catalog: Catalog, say: Progress, outputs: tuple[str, ...] = OUTPUTS
) -> None:
    """Each step as a temporary view of its result, checkpointed: later steps then plan
    against it rather than against the whole chain, which Spark plans slowly."""
    from ..targets.sql.query import rating_selects

    views = rating_selects(catalog, outputs)
    for index, (name, query, step) in enumerate(views, 1):
        frame = spark.sql(query.sql(dialect="spark"))
        if step:
            say(f"step {index}/{len(views)} {name}")
            frame = frame.localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)


def _write_outputs(
    spark: Any, out: Path, fmt: str, say: Progress, outputs: tuple[str, ...]
) -> Result:
    result = Result()
    for name in outputs:
        path = out / f"{name}.{fmt}"
        say(f"writing {path.name}")
        frame = spark.sql(f"SELECT * FROM {name} ORDER BY {ORDER[name]}")
        writer = frame.write.mode("overwrite").format(fmt)
        if fmt == "csv":  # RFC 4180, as DuckDB writes it: a quote inside quotes is doubled
            writer = writer.option("header", "true").option("escape", '"')
        writer.save(str(path))
        reader = spark.read.format(fmt)
        if fmt == "csv":
            reader = reader.option("header", "true").option("escape", '"')
        result.rows[name] = reader.load(str(path)).count()
        result.files[name] = path
    return result
