"""Benchmark: ``pricegen rate`` on DuckDB against the evaluator and a hand-written query.

The data: ``tests/bench/rate_catalog.yaml`` (two paid plans with three charges
each: graduated seats bought in advance, API calls past an allowance, storage
in blocks; two periods, two currencies, one add-on) and subscriptions made by
``sample_data.py``: every subscription has a seat quantity and two usage rows,
one in five the add-on. Sizes: 100k, 1M and 10M subscriptions (``--sizes``).

Contenders, interleaved round by round on the same Parquet files:

- ``rate``: ``pricegen.rate.rate()`` as the command runs it: read the inputs,
  check every subscription, price it, and write the four outputs, sorted;
- ``hand``: the best DuckDB query I could write by hand for the same catalog:
  one price-sheet row per plan, period and currency, and the lines as
  arithmetic on it, ROUND to cents; it writes invoice_lines and invoices,
  sorted, and checks nothing. Its lines are compared with rate's, which must
  be equal;
- ``evaluator``: the generated evaluator's ``quote()`` looping over the same
  rows, already in Python (reading and writing are not counted for it), at
  100k (every round) and 1M (one round).

Targets: rate at least 50x the evaluator's rows/s, within 1.5x the hand-written
query, and linear growth (time per subscription at 10M within 1.5x of that at
1M). Figures are medians of the rounds, with the spread (min-max). The peak
RSS of ``pricegen rate`` at the largest size is measured in a separate process
with /usr/bin/time. The machine is shared: say how loaded it was (the load
average is printed).

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
from pricegen.rate import OUTPUTS, Inputs, rate
from pricegen.runtime import load_evaluator

HERE = Path(__file__).parent
CATALOG = HERE / "rate_catalog.yaml"
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
CREATE OR REPLACE TEMP VIEW hand_lines AS
WITH s AS (
  SELECT x.subscription_id, x.currency, sheet.*, q.quantity AS seats,
    COALESCE(u.calls, 0) AS calls, COALESCE(u.storage, 0) AS storage, a.quantity AS support_n
  FROM read_parquet({subscriptions}) AS x
  JOIN sheet USING (plan, period, currency)
  LEFT JOIN read_parquet({subscription_quantities}) AS q
    ON q.subscription_id = x.subscription_id AND q.feature = 'seats'
  LEFT JOIN (
    SELECT subscription_id,
      SUM(CASE WHEN feature = 'api-calls' THEN quantity END) AS calls,
      SUM(CASE WHEN feature = 'storage' THEN quantity END) AS storage
    FROM read_parquet({usage}) GROUP BY subscription_id
  ) AS u ON u.subscription_id = x.subscription_id
  LEFT JOIN read_parquet({subscription_addons}) AS a
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
"""


def run_hand(files: dict[str, Path], out: Path) -> None:
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")
        quoted = {k: "'" + str(v).replace("'", "''") + "'" for k, v in files.items()}
        con.execute(HAND.format(**quoted))
        con.execute(
            f"COPY (SELECT * FROM hand_lines ORDER BY subscription_id, line) "
            f"TO '{out}/invoice_lines.parquet' (FORMAT parquet)"
        )
        con.execute(
            "COPY (SELECT subscription_id, currency, SUM(amount) AS total FROM hand_lines "
            f"GROUP BY ALL ORDER BY subscription_id) TO '{out}/invoices.parquet' (FORMAT parquet)"
        )
    finally:
        con.close()


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


CONTENDERS = ("rate", "hand", "rate-all", "evaluator")


def bench_size(size: int, rounds: int, catalog, module, work: Path, evaluator: bool) -> dict:
    data = work / f"data-{size}"
    files = write_sample(str(CATALOG), size, data, plans=["team", "business"])
    times: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    rows = evaluator_rows(files) if evaluator and size <= 1_000_000 else None
    for index in range(rounds):
        for name in CONTENDERS:
            out = work / f"out-{name}-{size}"
            out.mkdir(exist_ok=True)
            if name == "evaluator" and (rows is None or (size > 100_000 and index > 0)):
                continue
            started = time.perf_counter()
            if name.startswith("rate"):
                run_rate(catalog, files, out, every=name == "rate-all")
            elif name == "hand":
                run_hand(files, out)
            else:
                run_evaluator(module, rows)
            times[name].append(time.perf_counter() - started)
    assert same_lines(work / f"out-rate-{size}", work / f"out-hand-{size}"), "lines differ"
    return {"size": size, "times": times, "files": files}


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
            print(f"{size:>11,} subscriptions: {shown}")
        largest = results[-1]
        seconds, rss = peak_rss(largest["files"], Path(tmp) / "out-rss")
        print(f"pricegen rate at {largest['size']:,} in its own process: {seconds:.1f} s, "
              f"peak RSS {rss:.0f} MB")  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 1 if report(results, rss) and args.check else 0


def report(results: list[dict], rss: float) -> list[str]:
    """Print the ratios against the targets; the missed targets."""
    missed = []
    per_row = {}
    for result in results:
        size, t = result["size"], result["times"]
        rate_s, hand_s = statistics.median(t["rate"]), statistics.median(t["hand"])
        per_row[size] = rate_s / size
        every = statistics.median(t["rate-all"])
        line = (
            f"{size:>11,}: rate {size / rate_s:>12,.0f} rows/s; {rate_s / hand_s:.2f}x hand "
            f"({every / hand_s:.2f}x with usage_status)"
        )
        if t["evaluator"]:
            speedup = (size / rate_s) / (size / statistics.median(t["evaluator"]))
            line += f"; {speedup:.0f}x the evaluator"
            if speedup < 50:
                missed.append(f"{size}: {speedup:.0f}x the evaluator < 50x")
        if rate_s / hand_s > 1.5:
            missed.append(f"{size}: {rate_s / hand_s:.2f}x the hand-written query > 1.5x")
        print(line)
    sizes = sorted(per_row)
    if len(sizes) > 1:
        growth = per_row[sizes[-1]] / per_row[sizes[-2]]
        print(f"time per subscription, {sizes[-1]:,} over {sizes[-2]:,}: {growth:.2f}x")
        if growth > 1.5:
            missed.append(f"growth {growth:.2f}x > 1.5x")
    if rss > 2048:
        missed.append(f"peak RSS {rss:.0f} MB > 2 GB")
    for problem in missed:
        print(f"MISSED: {problem}")
    return missed


if __name__ == "__main__":
    sys.exit(main())
