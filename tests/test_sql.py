"""The SQL target and ``pricegen sql`` / ``pricegen rate``: hand-computed cases and contracts.

The differential test (test_sql_differential.py) compares the SQL with the
evaluator on generated catalogs; here every number is worked out by hand from
the rules: rounding modes, the 10^15 bound, refusals at compile time, the
written rating.sql (views, as a warehouse runs it), the dialects, and the
command line's files, errors and progress.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
import sqlglot
from conftest import REPO, invoke
from sql_support import require

from pricegen import compile_catalog
from pricegen.runtime import load_evaluator
from pricegen.targets.sql import DIALECTS, OUTPUTS, problems, rating_sql

ROUNDING = """\
pricegen: 1
product: {{id: acme, name: Acme, currencies: [USD, JPY], billing_periods: [monthly],
  rounding: {rounding}}}
features:
  calls: {{name: Calls, type: metered, meter: incremental}}
  seats: {{name: Seats, type: metered, meter: fluctuating}}
plans:
  pro:
    name: Pro
    price: {{USD: 10.005, JPY: 1000.5}}
    charges:
      calls: {{model: per_unit, unit_price: {{USD: 0.005, JPY: 0.5}}}}
      seats:
        model: package
        block_size: 10
        block_price: {{USD: 7, JPY: 700}}
"""


def _catalog(tmp_path: Path, text: str):
    path = tmp_path / "pricing.yaml"
    path.write_text(text, "utf-8")
    build = compile_catalog(path)
    assert build.ok, build.diagnostics
    return build.catalog


def _rate(sql: str, subscriptions, quantities=(), addons=(), usage=()):
    """Run the written rating.sql (views) on in-memory tables; (lines by id, rejections)."""
    duckdb = require("duckdb")
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE subscriptions (subscription_id VARCHAR, plan VARCHAR, period VARCHAR, "
        "currency VARCHAR, trial BOOLEAN, existing BOOLEAN, started_at TIMESTAMPTZ)"
    )
    for name, key in (
        ("subscription_quantities", "feature"),
        ("subscription_addons", "addon"),
        ("usage", "feature"),
    ):
        con.execute(
            f"CREATE TABLE {name} (subscription_id VARCHAR, {key} VARCHAR, quantity BIGINT)"
        )
    con.executemany("INSERT INTO subscriptions VALUES (?, ?, ?, ?, ?, ?, NULL)", subscriptions)
    for name, rows in (
        ("subscription_quantities", quantities),
        ("subscription_addons", addons),
        ("usage", usage),
    ):
        if rows:
            con.executemany(f"INSERT INTO {name} VALUES (?, ?, ?)", rows)
    con.execute(sql)
    lines: dict[str, list] = {}
    for sid, item, quantity, amount in con.execute(
        "SELECT subscription_id, item, quantity, amount FROM invoice_lines ORDER BY 1, line"
    ).fetchall():
        lines.setdefault(sid, []).append((item, quantity, amount))
    rejected = dict(con.execute("SELECT * FROM rejections").fetchall())
    return lines, rejected


@pytest.mark.parametrize(
    "rounding, usd, jpy",
    [
        # 1 and 3 calls at $0.005 / ¥0.5, and the base fee of $10.005 / ¥1000.5
        ("half_up", ("10.01", "0.01", "0.02"), ("1001", "1", "2")),
        ("half_even", ("10.00", "0.00", "0.02"), ("1000", "0", "2")),
        ("down", ("10.00", "0.00", "0.01"), ("1000", "0", "1")),
        ("up", ("10.01", "0.01", "0.02"), ("1001", "1", "2")),
    ],
)
def test_each_rounding_mode_rounds_each_line_once_exactly(tmp_path, rounding, usd, jpy):
    sql = rating_sql(_catalog(tmp_path, ROUNDING.format(rounding=rounding)))
    subs = [
        (f"{currency}-{calls}", "pro", "monthly", currency, False, False)
        for currency in ("USD", "JPY")
        for calls in (1, 3)
    ]
    quantities = [(s[0], "seats", 11) for s in subs]  # 2 blocks of 10, rounded up
    usage = [(s[0], "calls", int(s[0].split("-")[1])) for s in subs]
    lines, rejected = _rate(sql, subs, quantities, usage=usage)
    assert rejected == {}
    for currency, (base, one, three) in (("USD", usd), ("JPY", jpy)):
        block = "14.00" if currency == "USD" else "1400"
        for calls, amount in ((1, one), (3, three)):
            assert lines[f"{currency}-{calls}"] == [
                ("plan", 1, Decimal(base)),
                ("calls", calls, Decimal(amount)),
                ("seats", 11, Decimal(block)),
            ]


BOUND = """\
pricegen: 1
product: {id: acme, name: Acme, currencies: [USD], billing_periods: [monthly]}
features:
  calls: {name: Calls, type: metered, meter: incremental}
plans:
  pro:
    name: Pro
    price: 29
    charges:
      calls: {model: per_unit, included: 1000, unit_price: 0.0027}
"""


def test_quantities_up_to_ten_to_the_fifteen_are_exact_and_more_are_refused(tmp_path):
    sql = rating_sql(_catalog(tmp_path, BOUND))
    subs = [(s, "pro", None, None, None, None) for s in ("max", "over", "neg")]
    usage = [("max", "calls", 10**15), ("over", "calls", 10**15 + 1), ("neg", "calls", -1)]
    lines, rejected = _rate(sql, subs, usage=usage)
    # (10^15 - 1000) x 0.0027 = 2,699,999,999,997.3 -> 2699999999997.30
    assert lines["max"] == [
        ("plan", 1, Decimal("29.00")),
        ("calls", 10**15, Decimal("2699999999997.30")),
    ]
    assert rejected == {"over": "QuantityOutOfRangeError", "neg": "InvalidQuantityError"}


def test_a_catalog_beyond_decimal_38_is_refused_and_generate_says_why(tmp_path):
    text = BOUND.replace("0.0027", "123456789012.0027")
    catalog = _catalog(tmp_path, text)
    (problem,) = problems(catalog)
    assert problem.rule == "SQL_DECIMAL_OVERFLOW" and problem.line == 6  # the plan
    # 10^15 calls x 123456789012.0027 = 1.23E+26: 27 digits before the point, 4 after
    assert "needs 31 digits" in problem.message
    written = rating_sql(catalog)
    assert "CREATE" not in written and "[SQL_DECIMAL_OVERFLOW]" in written
    result = invoke(["sql", str(tmp_path / "pricing.yaml")])
    assert result.exit_code == 3 and "SQL_DECIMAL_OVERFLOW" in result.stderr


def test_catalog_text_reaches_the_sql_only_as_quoted_ids(tmp_path):
    text = BOUND.replace("name: Pro", 'name: "\'); DROP TABLE usage; --"')
    sql = rating_sql(_catalog(tmp_path, text))
    assert "DROP TABLE" not in sql  # names are not needed; ids are slugs, quoted by sqlglot
    for dialect in DIALECTS:
        for statement in sqlglot.parse(rating_sql(_catalog(tmp_path, text), dialect), dialect):
            assert statement is not None


def test_every_dialect_is_written_and_parses_back():
    catalog = compile_catalog(REPO / "examples" / "saas-seats" / "pricing.yaml").catalog
    for dialect in DIALECTS:
        result = invoke(["sql", str(REPO / "examples" / "saas-seats" / "pricing.yaml"),
                         "--dialect", dialect])  # fmt: skip
        assert result.exit_code == 0, result.stderr
        assert result.stdout == rating_sql(catalog, dialect)
        parsed = sqlglot.parse(result.stdout, read=dialect)
        assert len(parsed) == result.stdout.count("CREATE OR REPLACE")


def _write_csv(path: Path, header, rows) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_rate_reads_csv_and_writes_parquet_with_the_evaluators_lines(tmp_path):
    duckdb = require("duckdb")
    catalog = REPO / "tests" / "cases" / "valid" / "acme-full" / "pricing.yaml"
    subs = _write_csv(
        tmp_path / "subs.csv",
        ["subscription_id", "plan", "period", "currency"],
        [["a", "pro", "annual", "EUR"], ["b", "enterprise", "", ""], ["c", "pro", "", ""]],
    )
    quantities = _write_csv(
        tmp_path / "q.csv",
        ["subscription_id", "feature", "quantity"],
        [["a", "seats", 12], ["c", "seats", 5]],
    )
    usage = _write_csv(
        tmp_path / "u.csv",
        ["subscription_id", "feature", "quantity"],
        [["a", "api-calls", 100_000], ["a", "api-calls", 400], ["c", "seats", 6]],
    )
    out = tmp_path / "out"
    result = invoke(["rate", str(catalog), "--subscriptions", str(subs), "--quantities",
                     str(quantities), "--usage", str(usage), "-o", str(out), "--output-format",
                     "parquet"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "3 invoice lines, 1 invoice, 2 rejections" in result.stderr
    lines = duckdb.sql(f"SELECT item, quantity, amount FROM '{out}/invoice_lines.parquet'")
    # annual EUR: base 270; 12 seats = 5 x 180 + 90 (flat) + 5 x 140 + 2 x 90; usage rows
    # are summed: 100,400 calls, 400 billable x 0.0025 = 1.00
    assert lines.fetchall() == [
        ("plan", 1, Decimal("270.00")),
        ("seats", 12, Decimal("1870.00")),
        ("api-calls", 100_400, Decimal("1.00")),
    ]
    rejected = duckdb.sql(f"SELECT * FROM '{out}/rejections.parquet'").fetchall()
    # b: enterprise is custom; c: seats are bought in advance, so usage of them is refused
    assert sorted(rejected) == [("b", "PlanNotQuotableError"), ("c", "InvalidQuantityError")]
    status = duckdb.sql(f"SELECT * FROM '{out}/usage_status.parquet' ORDER BY feature").fetchall()
    # seats: the 12 bought are the limit, none measured; api-calls: 100,000 soft, 100,400 used
    assert status == [
        ("a", "api-calls", 100_000, 100_400, 0, True, True),
        ("a", "seats", 12, 0, 12, False, False),
    ]


def test_rate_reads_csv_text_exactly_never_through_a_float(tmp_path):
    duckdb = require("duckdb")
    catalog = tmp_path / "pricing.yaml"
    catalog.write_text(BOUND, "utf-8")
    written = {
        "007": " 2000 ",  # an id that a sniffed type would make 7; spaces are trimmed
        "two": "2000.0",  # a whole number, as Decimal("2000.0") is in quote()
        "zeros": "0" * 40 + "2000",  # leading zeros, beyond DECIMAL(38) as written
        "tiny": "1000.0000000000000001",  # a DOUBLE would read 1000.0
        "exp": "2e3",  # exponents are not the digits of a whole number (spec/sql.md)
        "neg": "-5",
        "huge": "9" * 45,
    }
    subs = _write_csv(tmp_path / "subs.csv", ["subscription_id", "plan", "period", "currency"],
                      [[sid, "pro", "", ""] for sid in written])  # fmt: skip
    usage = _write_csv(tmp_path / "u.csv", ["subscription_id", "feature", "quantity"],
                       [[sid, "calls", text] for sid, text in written.items()])  # fmt: skip
    out = tmp_path / "out"
    result = invoke(["rate", str(catalog), "--subscriptions", str(subs), "--usage", str(usage),
                     "-o", str(out), "--output-format", "parquet"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    query = "SELECT subscription_id, item, quantity, amount FROM '{}' WHERE item = 'calls'"
    lines = duckdb.sql(query.format(out / "invoice_lines.parquet")).fetchall()
    # 2,000 calls, 1,000 included: 1,000 x 0.0027 = 2.70
    priced = ("007", "two", "zeros")
    assert sorted(lines) == [(sid, "calls", 2000, Decimal("2.70")) for sid in priced]
    rejected = dict(duckdb.sql(f"SELECT * FROM '{out}/rejections.parquet'").fetchall())
    assert rejected == {
        "tiny": "InvalidQuantityError",
        "exp": "InvalidQuantityError",
        "neg": "InvalidQuantityError",
        "huge": "QuantityOutOfRangeError",
    }
    module = load_evaluator(compile_catalog(catalog).catalog)
    with pytest.raises(module.InvalidQuantityError):  # the reference agrees on "tiny"
        module.quote(module.Subscription(plan="pro"), usage={"calls": Decimal(written["tiny"])})


def test_a_rate_that_fails_part_way_leaves_the_previous_outputs_as_they_were(tmp_path, monkeypatch):
    duckdb = require("duckdb")
    from pricegen.rate import duck

    catalog = tmp_path / "pricing.yaml"
    catalog.write_text(BOUND, "utf-8")
    subs = _write_csv(tmp_path / "subs.csv", ["subscription_id", "plan", "period", "currency"],
                      [["a", "pro", "", ""]])  # fmt: skip
    usage = _write_csv(tmp_path / "u.csv", ["subscription_id", "feature", "quantity"],
                       [["a", "calls", "2000"]])  # fmt: skip
    out = tmp_path / "out"
    command = ["rate", str(catalog), "--subscriptions", str(subs), "--usage", str(usage),
               "-o", str(out), "--output-format", "parquet"]  # fmt: skip
    assert invoke(command).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == sorted(f"{name}.parquet" for name in OUTPUTS)
    usage.write_text("subscription_id,feature,quantity\na,calls,3000\n", "utf-8")
    real_run, written = duck._run, []

    def fail_on_the_second_write(con, statement, what, say):
        if what.startswith("writing"):
            written.append(what)
            if len(written) == 2:
                raise duckdb.IOException("IO Error: no space left on device")
        return real_run(con, statement, what, say)

    monkeypatch.setattr(duck, "_run", fail_on_the_second_write)
    result = invoke(command)
    assert result.exit_code == 3 and "no space left on device" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # and no staging dir
    monkeypatch.setattr(duck, "_run", real_run)
    assert invoke(command).exit_code == 0
    lines = duckdb.sql(f"SELECT amount FROM '{out}/invoice_lines.parquet' WHERE item = 'calls'")
    assert lines.fetchall() == [(Decimal("5.40"),)]  # 2,000 billable x 0.0027
    assert sorted(p.name for p in out.iterdir()) == sorted(before)


KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from pricegen import compile_catalog
from pricegen.rate import Inputs, duck, rate

real_run = duck._run

def killed_at_the_second_write(con, statement, what, say):
    if what.startswith("writing invoices."):  # invoice_lines is in the staging dir
        os.kill(os.getpid(), signal.SIGKILL)
    return real_run(con, statement, what, say)

duck._run = killed_at_the_second_write
catalog, subs, out = sys.argv[1:]
rate(compile_catalog(catalog).checked_catalog(), Inputs({"subscriptions": Path(subs)}), Path(out))
"""


def test_a_killed_rate_leaves_a_staging_dir_that_the_next_run_removes(tmp_path, monkeypatch):
    """SIGKILL lets nothing clean up; the next run does: the staging directory in the
    output directory, and DuckDB's scratch directory in TMPDIR (no longer locked)."""
    require("duckdb")
    pytest.importorskip("fcntl")
    scratch_root = tmp_path / "tmp"
    scratch_root.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch_root))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR anew
    live = scratch_root / "pricegen-rate-live"  # a live run's: locked, so it stays
    live.mkdir()
    catalog = tmp_path / "pricing.yaml"
    catalog.write_text(BOUND, "utf-8")
    subs = _write_csv(tmp_path / "subs.csv", ["subscription_id", "plan", "period", "currency"],
                      [["a", "pro", "", ""]])  # fmt: skip
    out = tmp_path / "out"
    command = ["rate", str(catalog), "--subscriptions", str(subs), "-o", str(out)]
    assert invoke(command).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    killed = subprocess.run([sys.executable, "-c", KILLED_RUN, str(catalog), str(subs), str(out)])
    assert killed.returncode == -signal.SIGKILL
    left = [p for p in out.iterdir() if p.name not in before]
    assert len(left) == 1 and left[0].name.startswith(".pricegen-rate-")
    assert [p.name for p in left[0].iterdir()] == ["invoice_lines.parquet"]
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name in before} == before
    (left_scratch,) = (p for p in scratch_root.iterdir() if p != live)
    assert left_scratch.name.startswith("pricegen-rate-")
    for path in (left_scratch, live):  # older than the grace a fresh directory has
        os.utime(path, (0, 0))
    fd = os.open(live, os.O_RDONLY)
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
        assert invoke(command).exit_code == 0
    finally:
        os.close(fd)
    assert sorted(p.name for p in out.iterdir()) == sorted(before)
    assert list(scratch_root.iterdir()) == [live]


def test_a_second_rate_into_a_busy_output_directory_is_refused(tmp_path):
    """One run at a time per output directory: a run holds a lock on it (flock)."""
    require("duckdb")
    fcntl = pytest.importorskip("fcntl")
    catalog = tmp_path / "pricing.yaml"
    catalog.write_text(BOUND, "utf-8")
    subs = _write_csv(tmp_path / "subs.csv", ["subscription_id", "plan", "period", "currency"],
                      [["a", "pro", "", ""]])  # fmt: skip
    out = tmp_path / "out"
    out.mkdir()
    (out / ".pricegen-rate-live").mkdir()  # the staging dir of the run that holds the lock
    command = ["rate", str(catalog), "--subscriptions", str(subs), "-o", str(out)]
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = invoke(command)
        assert result.exit_code == 2
        assert "another pricegen rate is writing into this directory" in result.stderr
        assert [p.name for p in out.iterdir()] == [".pricegen-rate-live"]
    finally:
        os.close(fd)
    assert invoke(command).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.csv" for n in OUTPUTS)


def test_rate_refuses_a_quantity_column_of_floats(tmp_path):
    duckdb = require("duckdb")
    catalog = str(REPO / "tests" / "cases" / "valid" / "acme-full" / "pricing.yaml")
    subs = _write_csv(tmp_path / "subs.csv", ["subscription_id", "plan", "period", "currency"],
                      [["a", "pro", "", ""]])  # fmt: skip
    usage = tmp_path / "usage.parquet"
    duckdb.sql("SELECT 'a' AS subscription_id, 'api-calls' AS feature, 2.0::DOUBLE AS quantity"
               ).write_parquet(str(usage))  # fmt: skip
    result = invoke(["rate", catalog, "--subscriptions", str(subs), "--usage", str(usage),
                     "-o", str(tmp_path / "o")])  # fmt: skip
    assert result.exit_code == 2
    assert "usage.parquet (--usage) has a quantity column of floating-point numbers" in (
        result.stderr
    )
    assert not any((tmp_path / "o").iterdir())  # nothing written


def test_rate_names_what_is_wrong_with_its_inputs(tmp_path):
    require("duckdb")
    catalog = str(REPO / "tests" / "cases" / "valid" / "acme-full" / "pricing.yaml")
    subs = _write_csv(tmp_path / "subs.csv", ["subscription_id", "plan"], [["a", "pro"]])
    result = invoke(["rate", catalog, "--subscriptions", str(subs), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "subs.csv (--subscriptions) has no column period, currency; expected the" in (
        result.stderr
    )
    other = tmp_path / "subs.json"
    other.write_text("{}")
    result = invoke(["rate", catalog, "--subscriptions", str(other), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "expected .csv or .parquet" in result.stderr
    missing = str(tmp_path / "nope.csv")
    result = invoke(["rate", catalog, "--subscriptions", str(subs), "--usage", missing, "-o",
                     str(tmp_path / "o")])  # fmt: skip
    assert result.exit_code == 2 and "no such file (--usage)" in result.stderr


def test_rate_reports_progress_on_a_long_step(monkeypatch):
    duckdb = require("duckdb")
    from pricegen.rate import duck

    monkeypatch.setattr(duck, "PROGRESS_EVERY", 0.05)
    con = duckdb.connect()
    said = []
    query = "SELECT COUNT(*) FROM range(200000000) AS r(i) WHERE i % 7 = 3"
    duck._run(con, query, "step 1/1 counting", said.append)
    assert said and all(message.startswith("step 1/1 counting (") for message in said)


USAGE = """\
pricegen: 1
product: {id: acme, name: Acme, currencies: [USD], billing_periods: [monthly], trial_end: cancel}
features:
  calls: {name: Calls, type: metered, meter: incremental}
  exports: {name: Exports, type: metered, meter: incremental}
  sso: {name: SSO, type: boolean}
plans:
  starter:
    name: Starter
    trial: {credits: {USD: 5}}
    entitlements:
      calls: unlimited
    charges:
      calls: {model: per_unit, unit_price: {USD: 0.01}}
  pro:
    name: Pro
    price: {USD: 20}
    entitlements:
      exports: {limit: 10, reset: day}
"""


def test_usage_is_refused_where_quote_refuses_it_and_trial_credits_pay_within_budget(tmp_path):
    catalog = _catalog(tmp_path, USAGE)
    subscriptions = [
        ("t1", "starter", None, None, True, None),
        ("t2", "starter", None, None, True, None),
        ("t3", "starter", None, None, False, None),
        ("p1", "pro", None, None, None, None),
        ("p2", "pro", None, None, None, None),
        ("p3", "pro", None, None, None, None),
        ("p4", "pro", None, None, None, None),
        ("p5", None, None, None, None, None),
    ]
    usage = [
        ("t1", "calls", 300),  # $3.00 of the $5 credits: credited
        ("t2", "calls", 501),  # $5.01: more than the credits
        ("t3", "calls", 501),  # not in trial: billed
        ("p1", "exports", 320),  # 10 a day; a month touches at most 31 + 1 daily windows
        ("p1", "sso", 0),  # none of a feature the plan lacks is no usage
        ("p2", "exports", 321),
        ("p3", "sso", 1),
        ("p4", "exports", 400),  # refused too, but calls comes first by id
        ("p4", "calls", 7),
    ]
    lines, rejected = _rate(rating_sql(catalog), subscriptions, usage=usage)
    cents = Decimal("0.01")
    assert lines == {
        "t1": [("plan", 1, 0), ("calls", 300, 300 * cents), ("trial-credits", 1, -300 * cents)],
        "t3": [("plan", 1, 0), ("calls", 501, 501 * cents)],
        "p1": [("plan", 1, 20)],
    }
    assert rejected == {
        "t2": "TrialBudgetExceededError",
        "p2": "UsageLimitExceededError",
        "p3": "FeatureNotInPlanError",
        "p4": "FeatureNotInPlanError",
        "p5": "InvalidArgumentError",
    }


def test_rate_spills_under_a_small_memory_limit_to_a_scratch_dir_it_removes(tmp_path, monkeypatch):
    """A memory limit far below what the steps hold makes DuckDB spill (the check is
    that its scratch files grew), gives the same rows as without the limit, and leaves
    nothing behind: not in the working directory, not in the system's temporary one."""
    duckdb = require("duckdb")
    from bench.sample_data import write_sample

    from pricegen.rate import OUTPUTS, Inputs, duck, rate

    catalog_path = REPO / "tests" / "bench" / "rate_catalog.yaml"
    files = write_sample(
        str(catalog_path), 60_000, tmp_path / "in", refused=0.02, plans=["team", "business"]
    )
    catalog = compile_catalog(catalog_path).catalog
    spilled = []
    run = duck._run

    def measured(con, statement, what, say):
        answer = run(con, statement, what, say)
        size = "SELECT COALESCE(SUM(size), 0) FROM duckdb_temporary_files()"
        spilled.append(con.execute(size).fetchone()[0])
        return answer

    monkeypatch.setattr(duck, "_run", measured)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    rate(catalog, Inputs(files), tmp_path / "roomy")
    assert max(spilled) == 0
    spilled.clear()
    rate(catalog, Inputs(files), tmp_path / "tight", memory_limit="64MB")
    assert max(spilled) > 0
    for name in OUTPUTS:
        query = "SELECT * FROM '{}/" + name + ".parquet'"
        roomy = duckdb.sql(query.format(tmp_path / "roomy")).fetchall()
        assert roomy and duckdb.sql(query.format(tmp_path / "tight")).fetchall() == roomy
    assert list(scratch.iterdir()) == [] and list(cwd.iterdir()) == []
