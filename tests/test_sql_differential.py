"""The SQL target against the reference: every line, total, refusal and limit agrees.

For catalogs drawn by ``tests/fuzz/strategies.py`` (without the 30-digit amount,
which SQL refuses; see test_sql.py), a few thousand random subscriptions each
(``sql_support.random_subscriptions``: quotable ones and, on purpose, refused
ones) are quoted by the generated evaluator and rated by the catalog's SQL:

- every invoice line equals ``quote()``'s (item, quantity and Decimal amount,
  in order), and every invoice total ``quote().total``;
- every refused subscription is in ``rejections`` with the class name of the
  error ``quote()`` raised, and no subscription is both;
- ``usage_status`` holds, for each priced subscription, exactly its finite
  metered limits, as ``check(sub, feature, usage, requested=0)`` sees them.

Profiles, by ``PRICEGEN_SQL_FUZZ``:

- ``quick`` (default, in CI): DuckDB on 200 catalogs of 1,500 subscriptions, and
  Spark local on 4 catalogs of 300 (the Spark test is skipped without pyspark
  and Java, except under CI);
- ``long``, by hand: ``PRICEGEN_SQL_FUZZ=long pytest tests/test_sql_differential.py``,
  2,000 DuckDB catalogs of 3,000 subscriptions and 40 Spark catalogs
  (``PRICEGEN_SQL_FUZZ_CATALOGS`` sets the DuckDB count).
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import REPO
from fuzz.strategies import catalogs, everyday_amounts, to_yaml
from hypothesis import HealthCheck, Phase, given, settings
from sql_support import (
    differences,
    duckdb_outcomes,
    evaluator_outcomes,
    evaluator_status,
    random_subscriptions,
    require,
    spark_outcomes,
    write_inputs,
)

from pricegen import compile_catalog
from pricegen.config import Config
from pricegen.runtime import load_evaluator
from pricegen.targets.base import visible
from pricegen.targets.sql import problems

PROFILE = os.environ.get("PRICEGEN_SQL_FUZZ", "quick")
if PROFILE not in ("quick", "long"):
    raise pytest.UsageError(f"PRICEGEN_SQL_FUZZ={PROFILE!r}; expected quick or long")
LONG = PROFILE == "long"
DUCKDB_CATALOGS = int(os.environ.get("PRICEGEN_SQL_FUZZ_CATALOGS", "2000")) if LONG else 200
DUCKDB_SUBSCRIPTIONS = 3000 if LONG else 1500
SPARK_CATALOGS, SPARK_SUBSCRIPTIONS = (40, 1000) if LONG else (4, 300)


def profile(examples: int):
    return settings(
        max_examples=examples,
        derandomize=not LONG,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


def compare(catalog_data: dict, count: int, run) -> None:
    """Quote ``count`` random subscriptions with the evaluator and with ``run``; agree."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pricing.yaml"
        path.write_text(to_yaml(catalog_data), "utf-8")
        build = compile_catalog(path)
        assert build.ok, build.diagnostics
        rng = random.Random(path.read_bytes())
        config = Config(include_drafts=rng.random() < 0.3)
        catalog = visible(build.catalog, config)
        assert not problems(catalog), problems(catalog)
        module = load_evaluator(build.catalog, config)
        subs = random_subscriptions(catalog, rng, count)
        expected = evaluator_outcomes(module, subs)
        expected_status = evaluator_status(module, subs, expected)
        actual, status = run(catalog, write_inputs(subs, Path(tmp)))
    found = differences(expected, actual, subs)
    assert not found, "\n".join(found) + "\n--- catalog ---\n" + to_yaml(catalog_data)
    wrong = sorted(
        k for k in set(status) | set(expected_status) if status.get(k) != expected_status.get(k)
    )
    assert not wrong, [(k, expected_status.get(k), status.get(k)) for k in wrong[:5]]


@profile(DUCKDB_CATALOGS)
@given(catalogs(everyday_amounts))
def test_duckdb_rates_as_the_evaluator_quotes(catalog):
    require("duckdb")
    compare(catalog, DUCKDB_SUBSCRIPTIONS, duckdb_outcomes)


@pytest.fixture(scope="module")
def spark():
    require("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if os.environ.get("CI"):
            pytest.fail("Spark needs Java; .ci/run installs it")
        pytest.skip("Spark needs Java")
    from pricegen.rate.spark import session

    spark = session()
    yield spark
    spark.stop()


def test_spark_rates_as_the_evaluator_quotes(spark):
    @profile(SPARK_CATALOGS)
    @given(catalogs(everyday_amounts))
    def check(catalog):
        compare(catalog, SPARK_SUBSCRIPTIONS, lambda c, p: spark_outcomes(spark, c, p))

    check()


def test_rate_on_spark_writes_the_files_rate_on_duckdb_writes(spark, tmp_path):
    """``rate(engine="spark")`` end to end, as the command runs it: CSV in, each output
    written as Spark writes it (a directory of part files) and moved into place, then
    read back. Every output holds the rows DuckDB's run holds, value for value."""
    duckdb = require("duckdb")
    from sql_support import inputs_of

    from pricegen.rate import OUTPUTS, rate

    catalog = compile_catalog(REPO / "examples" / "saas-seats" / "pricing.yaml").checked_catalog()
    subs = random_subscriptions(catalog, random.Random(7), 400)
    inputs = inputs_of(write_inputs(subs, tmp_path))
    with inputs.files["usage"].open("a", encoding="utf-8", newline="") as usage:
        usage.write("no-such-subscription,seats,1\r\n")  # counted, not rated
    written, unmatched = {}, {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / engine
        result = rate(catalog, inputs, out, engine=engine, output_format="csv")
        assert sorted(path.name for path in out.iterdir()) == sorted(f"{n}.csv" for n in OUTPUTS)
        written[engine] = {name: _csv_rows(duckdb, out / f"{name}.csv") for name in OUTPUTS}
        assert {n: len(rows) for n, rows in written[engine].items()} == result.rows
        unmatched[engine] = result.unmatched
    assert written["spark"] == written["duckdb"]
    assert unmatched["spark"] == unmatched["duckdb"] and unmatched["duckdb"]["usage"] >= 1
    assert written["duckdb"]["invoice_lines"] and written["duckdb"]["rejections"]


def _csv_rows(duckdb, path: Path) -> list[tuple]:
    """A CSV output's rows as text, sorted, numbers normalized (``12.0`` is ``12``): Spark
    writes a directory of part files, DuckDB one file."""
    files = f"{path}/*.csv" if path.is_dir() else str(path)
    rows = duckdb.sql(f"SELECT * FROM read_csv('{files}', header = true, all_varchar = true)")
    return sorted(tuple(_normal(value) for value in row) for row in rows.fetchall())


def _normal(value: str | None) -> str | None:
    from decimal import Decimal, InvalidOperation

    if value is None:
        return None
    try:
        return str(Decimal(value).normalize())
    except InvalidOperation:
        return value.lower() if value.lower() in ("true", "false") else value


def test_rate_on_spark_reads_and_writes_csv_as_rfc_4180_and_refuses_a_short_row(spark, tmp_path):
    """The CSV rules of test_rate_inputs.py, on Spark: a quoted id holding a comma and a
    doubled quote is one id, written back with the quote doubled (as DuckDB writes it,
    not with Spark's default backslash); a row a field short is refused, by file, where
    Spark's default would pad it with NULLs."""
    from pricegen.rate import Inputs, RateError, rate

    catalog = compile_catalog(REPO / "tests" / "cases" / "valid" / "acme-full" / "pricing.yaml")
    catalog = catalog.checked_catalog()
    subs = tmp_path / "subs.csv"
    subs.write_text(
        'subscription_id,plan,period,currency\n"a,""1""",free,monthly,USD\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    result = rate(catalog, Inputs({"subscriptions": subs}), out, engine="spark",
                  output_format="csv", outputs=("invoices",))  # fmt: skip
    assert result.rows == {"invoices": 1}
    (part,) = (out / "invoices.csv").glob("*.csv")
    assert part.read_text(encoding="utf-8").splitlines()[1].startswith('"a,""1""",USD,')
    subs.write_text("subscription_id,plan,period,currency\na,free\n", encoding="utf-8")
    with pytest.raises(RateError) as refused:
        rate(catalog, Inputs({"subscriptions": subs}), tmp_path / "again", engine="spark",
             output_format="csv", outputs=("invoices",))  # fmt: skip
    assert refused.value.usage
    assert str(refused.value).startswith(f"{subs}: the row 'a,free' does not have the header's")
