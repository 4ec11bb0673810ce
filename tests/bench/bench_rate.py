"""Benchmark: ``pricegen rate`` on DuckDB against the evaluator and a hand-written query.

The data: ``tests/bench/rate_catalog.yaml`` (two paid plans with three charges
each: graduated seats bought in advance, API calls past an allowance, storage
in blocks; two periods, two currencies, one add-on) and subscriptions made by
``sample_data.py``: every subscription has a seat quantity and two usage rows,
one in five the add-on. Sizes: 100k, 1M and 10M subscriptions (``--sizes``).

Two comparisons, each contender interleaved round by round with the others:

(a) End to end, from the same Parquet files to sorted Parquet files:

- ``rate``: ``pricegen.rate.rate()`` as the command runs it: read the inputs,
  check every subscription, price it, and write invoice_lines, invoices and
  rejections, sorted (``rate+status``: usage_status too);
- ``hand``: the best DuckDB query I could write by hand for the same catalog:
  one price-sheet row per plan, period and currency, and the lines as
  arithmetic on it, ROUND to cents, materialized once; it writes invoice_lines
  and invoices, sorted, and checks nothing. Its lines must equal rate's. The
  issue's target is against this one;
- ``hand+checks``: the tightest DuckDB query I could write by hand for this
  catalog that also checks every subscription as rate does
  (``rate_hand_checks.sql``: each input read once, pivoted per subscription by
  the catalog's feature ids), and writes rejections too, sorted. Its lines,
  invoices and rejections must equal rate's. It is the fair baseline for rate,
  which does that work; ``hand`` is not.

(b) In the engine, the work the evaluator does: the inputs already loaded as
DuckDB tables, the outputs left as tables (no file, no sort):

- ``rate-sql``: the catalog's generated steps (``statements(..., tables=True)``,
  as rate runs them) up to invoice_lines, invoices and rejections;
- ``hand-sql``: the hand-written query over the same tables;
- ``hand+checks-sql``: the hand-written query with checks over the same tables;
- ``evaluator``: the generated evaluator's ``quote()`` looping over the same
  rows, already in Python, its results left in memory; at 100k every round,
  at 1M one round, not at 10M (the rows alone would not fit in Python).

Targets: (a) rate within 1.5x the hand-written query; (b) rate-sql within 1.5x
hand-sql and at least 50x the evaluator's rows/s (the ratios against
hand+checks are printed beside them, not targets); linear growth (time per
subscription at the largest size within 1.5x of that at the one before), and
the peak RSS of ``pricegen rate`` at the largest size, with its defaults,
under 2 GB (measured in its own process with /usr/bin/time). Figures are
medians of the rounds, with the spread (min-max). The machine is shared: the
load average is printed before and after.

    python tests/bench/bench_rate.py [--sizes 100000 1000000 10000000] [--rounds 3] [--check]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from sample_data import write_sample

from pricegen import compile_catalog
from pricegen.rate import OUTPUTS, Inputs, input_select, rate
from pricegen.rate.duck import _kind
from pricegen.runtime import load_evaluator
from pricegen.targets.sql.query import statements

HERE = Path(__file__).parent
CATALOG = HERE / "rate_catalog.yaml"
HAND_CHECKS = (HERE / "rate_hand_checks.sql").read_text(encoding="utf-8")
TABLES = ("subscriptions", "subscription_quantities", "subscription_addons", "usage")

# The hand-written query: the catalog's price sheets as one row each, typed by hand.
HAND = """
CREATE OR REPLACE TEMP VIEW sheet AS SELECT * FROM (VALUES
  ('team', 'monthly', 'USD', 29.00, 10, 12.00, 9.50, 10000, 0.0027, 100, 5.00, 49.00),
  ('team', 'monthly', 'EUR', 27.00, 10, 11.00, 8.75, 10000, 0.0025, 100, 4.50, 45.00),
  ('team', 'annual', 'USD', 290.00, 10, 120.00, 95.00, 10000, 0.0027, 100, 50.00, 490.00),
  ('team', 'annual', 'EUR', 270.00, 10, 110.00, 87.50, 10000, 0.0025, 100, 45.00, 450.00),
  ('business', 'monthly', 'USD', 99.00, 25, 18.00, 14.00, 100000, 0.0019, 500, 20.00, 49.00),
  ('business', 'monthly', 'EUR', 92.00, 25, 17.00, 13.00, 100000, 0.0018, 500, 18.00, 45.00),
  ('business', 'annual', 'USD', 990.00, 25, 180.00, 140.00, 100000, 0.0019, 500, 200.00, 490.00),
  ('business', 'annual', 'EUR', 920.00, 25, 170.00, 130.00, 100000, 0.0018, 500, 180.00, 450.00)
) AS t(plan, period, currency, base, seat_tier, seat_1, seat_2, included, call_price,
       block, block_price, support);
CREATE OR REPLACE TABLE hand_lines AS
WITH s AS (
  SELECT x.subscription_id, x.currency, sheet.*, q.quantity AS seats,
    COALESCE(u.calls, 0) AS calls, COALESCE(u.storage, 0) AS storage, a.quantity AS support_n
  FROM {subscriptions} AS x
  JOIN sheet USING (plan, period, currency)
  LEFT JOIN {subscription_quantities} AS q
    ON q.subscription_id = x.subscription_id AND q.feature = 'seats'
  LEFT JOIN (
    SELECT subscription_id,
      SUM(CASE WHEN feature = 'api-calls' THEN quantity END) AS calls,
      SUM(CASE WHEN feature = 'storage' THEN quantity END) AS storage
    FROM {usage} GROUP BY subscription_id
  ) AS u ON u.subscription_id = x.subscription_id
  LEFT JOIN {subscription_addons} AS a
    ON a.subscription_id = x.subscription_id AND a.addon = 'priority-support'
)
SELECT subscription_id, 1 AS line, 'plan' AS item, 1 AS quantity, base AS amount, currency
FROM s
UNION ALL
SELECT subscription_id, 2, 'seats', seats,
  ROUND(LEAST(seats, seat_tier) * seat_1 + GREATEST(seats - seat_tier, 0) * seat_2, 2),
  currency
FROM s
UNION ALL
SELECT subscription_id, 3, 'api-calls', calls,
  ROUND(GREATEST(calls - included, 0) * call_price, 2), currency
FROM s
UNION ALL
SELECT subscription_id, 4, 'storage', storage,
  ROUND((storage + block - 1) // block * block_price, 2), currency
FROM s
UNION ALL
SELECT subscription_id, 5, 'addon:priority-support', support_n, support_n * support, currency
FROM s WHERE support_n > 0;
CREATE OR REPLACE TABLE hand_invoices AS
SELECT subscription_id, currency, SUM(amount) AS total FROM hand_lines GROUP BY ALL;
"""


def run_hand(files: dict[str, Path], out: Path) -> None:
    """(a) The hand-written query from the Parquet files to sorted Parquet files."""
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")
        con.execute(HAND.format(**{k: f"read_parquet({_text(v)})" for k, v in files.items()}))
        for name, table, order in (
            ("invoice_lines", "hand_lines", "subscription_id, line"),
            ("invoices", "hand_invoices", "subscription_id"),
        ):
            target = _text(out / f"{name}.parquet")
            con.execute(
                f"COPY (SELECT * FROM {table} ORDER BY {order}) TO {target} (FORMAT parquet)"
            )
    finally:
        con.close()


def run_hand_checks(files: dict[str, Path], out: Path) -> None:
    """(a) The hand-written query with checks, from the Parquet files to sorted Parquet
    files. The bench's subscriptions have no trial column: NULL, as rate reads it."""
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")
        tables = {k: f"read_parquet({_text(v)})" for k, v in files.items()}
        tables["subscriptions"] = (
            f"(SELECT *, CAST(NULL AS BOOLEAN) AS trial FROM {tables['subscriptions']})"
        )
        con.execute(HAND_CHECKS.format(**tables))
        for name, table, order in (
            ("invoice_lines", "hc_lines", "subscription_id, line"),
            ("invoices", "hc_invoices", "subscription_id"),
            ("rejections", "hc_rejections", "subscription_id"),
        ):
            target = _text(out / f"{name}.parquet")
            con.execute(
                f"COPY (SELECT * FROM {table} ORDER BY {order}) TO {target} (FORMAT parquet)"
            )
    finally:
        con.close()


def _text(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def engine_with_inputs(files: dict[str, Path], work: Path):
    """(b) A DuckDB connection with the four inputs loaded as tables, as the contract
    names them (optional columns NULL), settings as rate's."""
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = {_text(work / 'engine-spill')}")
    for table, path in files.items():
        con.execute(
            f"CREATE TABLE pricegen_input_{table} AS SELECT * FROM read_parquet({_text(path)})"
        )
        described = con.execute(f"DESCRIBE pricegen_input_{table}").fetchall()
        kinds = {row[0]: _kind(row[1]) for row in described}
        select = input_select(table, [row[0] for row in described], kinds)
        con.execute(f"CREATE TABLE {table} AS {select}")
        con.execute(f"DROP TABLE pricegen_input_{table}")
    return con


def run_rate_sql(con, catalog) -> None:
    """(b) rate's steps up to its three outputs, each output left as a table."""
    outputs = ("invoice_lines", "invoices", "rejections")
    for statement in statements(catalog, "duckdb", tables=True, outputs=outputs):
        con.execute(statement)
    con.execute("CREATE OR REPLACE TABLE rated_invoices AS SELECT * FROM invoices")


def run_hand_sql(con) -> None:
    names = {t: t for t in TABLES}
    con.execute(HAND.format(**names))


def run_hand_checks_sql(con) -> None:
    names = {t: t for t in TABLES}
    con.execute(HAND_CHECKS.format(**names))


def run_rate(catalog, files: dict[str, Path], out: Path, every: bool = False) -> None:
    """invoice_lines, invoices and rejections (what the hand-written query computes, and
    the refusals it cannot); ``every``: usage_status too."""
    outputs = OUTPUTS if every else ("invoice_lines", "invoices", "rejections")
    rate(catalog, Inputs(dict(files)), out, output_format="parquet", outputs=outputs)


def evaluator_rows(files: dict[str, Path]) -> list:
    """The subscriptions as (plan, period, currency, quantities, addons, usage), in Python."""
    con = duckdb.connect()
    subs = {
        sid: [plan, period, currency, {}, {}, {}]
        for sid, plan, period, currency in con.execute(
            f"SELECT * FROM read_parquet('{files['subscriptions']}')"
        ).fetchall()
    }
    for table, index in (("subscription_quantities", 3), ("subscription_addons", 4), ("usage", 5)):
        for sid, key, quantity in con.execute(
            f"SELECT * FROM read_parquet('{files[table]}')"
        ).fetchall():
            subs[sid][index][key] = quantity
    return list(subs.values())


def run_evaluator(module, rows: list) -> int:
    count = 0
    for plan, period, currency, quantities, addons, usage in rows:
        sub = module.Subscription(
            plan=plan, period=period, currency=currency, quantities=quantities, addons=addons
        )
        count += len(module.quote(sub, usage=usage).lines)
    return count


def same_lines(a: Path, b: Path) -> bool:
    query = (
        f"SELECT subscription_id, item, quantity, amount FROM '{a}/invoice_lines.parquet' "
        f"EXCEPT SELECT subscription_id, item, quantity, amount FROM '{b}/invoice_lines.parquet'"
    )
    con = duckdb.connect()
    extra = con.execute(f"SELECT COUNT(*) FROM ({query})").fetchone()[0]
    back = query.replace(str(a), "\0").replace(str(b), str(a)).replace("\0", str(b))
    missing = con.execute(f"SELECT COUNT(*) FROM ({back})").fetchone()[0]
    return extra == 0 == missing


def peak_rss(files: dict[str, Path], out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of ``pricegen rate`` as a command, in its own process."""
    command = [
        "/usr/bin/time", "-v", str(Path(sys.executable).parent / "pricegen"), "rate", str(CATALOG),
        "--subscriptions", str(files["subscriptions"]),
        "--quantities", str(files["subscription_quantities"]),
        "--addons", str(files["subscription_addons"]),
        "--usage", str(files["usage"]), "-o", str(out), "--quiet",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return seconds, kb / 1024


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


END_TO_END = ("rate", "hand", "hand+checks", "rate+status")
IN_ENGINE = ("rate-sql", "hand-sql", "hand+checks-sql", "evaluator")


def bench_size(size: int, rounds: int, catalog, module, work: Path, evaluator: bool) -> dict:
    data = work / f"data-{size}"
    files = write_sample(str(CATALOG), size, data, plans=["team", "business"])
    times: dict[str, list[float]] = {name: [] for name in END_TO_END + IN_ENGINE}
    rows = evaluator_rows(files) if evaluator and size <= 1_000_000 else None
    con = engine_with_inputs(files, work)
    try:
        for index in range(rounds):
            for name in END_TO_END + IN_ENGINE:
                if name == "evaluator" and (rows is None or (size > 100_000 and index > 0)):
                    continue
                out = work / f"out-{name}-{size}"
                out.mkdir(exist_ok=True)
                started = time.perf_counter()
                if name.startswith("rate") and name != "rate-sql":
                    run_rate(catalog, files, out, every=name == "rate+status")
                elif name == "hand":
                    run_hand(files, out)
                elif name == "hand+checks":
                    run_hand_checks(files, out)
                elif name == "rate-sql":
                    run_rate_sql(con, catalog)
                elif name == "hand-sql":
                    run_hand_sql(con)
                elif name == "hand+checks-sql":
                    run_hand_checks_sql(con)
                else:
                    run_evaluator(module, rows)
                times[name].append(time.perf_counter() - started)
        assert same_tables(con), "in the engine, rate's lines differ from the hand-written ones"
        assert same_checked(con), "in the engine, rate differs from the hand-written checks"
    finally:
        con.close()
    assert same_lines(work / f"out-rate-{size}", work / f"out-hand-{size}"), "lines differ"
    assert same_files(work / f"out-rate-{size}", work / f"out-hand+checks-{size}"), "differ"
    return {"size": size, "times": times, "files": files}


def same_tables(con) -> bool:
    columns = "subscription_id, line, item, quantity, amount"
    a, b = f"SELECT {columns} FROM invoice_lines", f"SELECT {columns} FROM hand_lines"
    return (
        con.execute(
            f"SELECT COUNT(*) FROM (({a} EXCEPT {b}) UNION ALL ({b} EXCEPT {a}))"
        ).fetchone()[0]
        == 0
    )


def same_checked(con) -> bool:
    """rate's three outputs (as tables) are hand+checks' (rows, as sets)."""
    pairs = (
        ("invoice_lines", "hc_lines", "subscription_id, line, item, quantity, amount, currency"),
        ("rated_invoices", "hc_invoices", "subscription_id, currency, total"),
        ("rejections", "hc_rejections", "subscription_id, reason"),
    )
    return all(_same_rows(con, f"SELECT {c} FROM {a}", f"SELECT {c} FROM {b}") for a, b, c in pairs)


def _same_rows(con, a: str, b: str) -> bool:
    query = f"SELECT COUNT(*) FROM (({a} EXCEPT ALL {b}) UNION ALL ({b} EXCEPT ALL {a}))"
    return con.execute(query).fetchone()[0] == 0


def same_files(a: Path, b: Path) -> bool:
    """The Parquet outputs of two end-to-end runs hold the same rows, in the same order."""
    con = duckdb.connect()
    try:
        return all(
            con.execute(
                f"SELECT COUNT(*) FROM (SELECT * FROM read_parquet({_text(a / n)}) "
                f"EXCEPT ALL SELECT * FROM read_parquet({_text(b / n)}))"
            ).fetchone()[0]
            == 0
            and _rows(con, a / n) == _rows(con, b / n)
            for n in ("invoice_lines.parquet", "invoices.parquet", "rejections.parquet")
        )
    finally:
        con.close()


def _rows(con, path: Path) -> int:
    return con.execute(f"SELECT COUNT(*) FROM read_parquet({_text(path)})").fetchone()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pricegen rate against baselines")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--no-evaluator", action="store_true", help="skip the slow baseline")
    args = parser.parse_args(argv)
    catalog = compile_catalog(CATALOG).catalog
    module = load_evaluator(catalog)
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores)")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-rate-") as tmp:
        for size in sorted(args.sizes):
            result = bench_size(
                size, args.rounds, catalog, module, Path(tmp), not args.no_evaluator
            )
            results.append(result)
            shown = ", ".join(f"{n} {spread(v)}" for n, v in result["times"].items() if v)
            print(f"{size:>11,} subscriptions: {shown}", flush=True)
        largest = results[-1]
        seconds, rss = peak_rss(largest["files"], Path(tmp) / "out-rss")
        print(f"pricegen rate at {largest['size']:,} in its own process, its defaults: "
              f"{seconds:.1f} s, peak RSS {rss:.0f} MB")  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 1 if report(results, rss) and args.check else 0


def report(results: list[dict], rss: float) -> list[str]:
    """Print the ratios against the targets; the missed targets."""
    missed = []
    per_row: dict[str, dict[int, float]] = {"rate": {}, "rate-sql": {}}
    for result in results:
        size, t = result["size"], result["times"]
        med = {name: statistics.median(v) for name, v in t.items() if v}
        for name in per_row:
            per_row[name][size] = med[name] / size
        end = med["rate"] / med["hand"]
        engine = med["rate-sql"] / med["hand-sql"]
        print(
            f"{size:>11,} (a) end to end: rate {size / med['rate']:>10,.0f} rows/s, "
            f"{end:.2f}x hand ({med['rate+status'] / med['hand']:.2f}x with usage_status), "
            f"{med['rate'] / med['hand+checks']:.2f}x hand+checks"
        )
        line = (
            f"{size:>11,} (b) in the engine: rate-sql {size / med['rate-sql']:>10,.0f} rows/s, "
            f"{engine:.2f}x hand-sql, {med['rate-sql'] / med['hand+checks-sql']:.2f}x "
            "hand+checks-sql"
        )
        if "evaluator" in med:
            speedup = med["evaluator"] / med["rate-sql"]
            line += f", {speedup:.1f}x the evaluator's rows/s ({size / med['evaluator']:,.0f})"
            if speedup < 50:
                missed.append(f"{size}: (b) {speedup:.1f}x the evaluator < 50x")
        print(line)
        if end > 1.5:
            missed.append(f"{size}: (a) {end:.2f}x the hand-written query > 1.5x")
        if engine > 1.5:
            missed.append(f"{size}: (b) {engine:.2f}x the hand-written query > 1.5x")
    for name, by_size in per_row.items():
        sizes = sorted(by_size)
        for small, large in zip(sizes, sizes[1:], strict=False):
            growth = by_size[large] / by_size[small]
            print(f"{name}: time per subscription, {large:,} over {small:,}: {growth:.2f}x")
            if growth > 1.5 and large == sizes[-1]:
                missed.append(f"{name}: growth {growth:.2f}x > 1.5x")
    if rss > 2048:
        missed.append(f"peak RSS {rss:.0f} MB > 2 GB")
    for problem in missed:
        print(f"MISSED: {problem}")
    return missed


if __name__ == "__main__":
    sys.exit(main())
