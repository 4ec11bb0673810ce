"""``pricegen rate``'s CSV inputs: read as RFC 4180 writes them, refused by file and line.

A CSV file's columns come from its header line, and the engine is told them
instead of sniffing the file: a sniffer that meets a row of the wrong length
guesses another dialect and reads nothing, or one column, without a word.
Spark's side of these rules is tested in test_sql_differential.py, beside its
other tests of a Spark session.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO, invoke
from sql_support import require

from pricegen import compile_catalog
from pricegen.rate import RateError, input_select
from pricegen.runtime import load_evaluator

CATALOG = REPO / "tests" / "cases" / "valid" / "acme-full" / "pricing.yaml"
HEADER = "subscription_id,plan,period,currency\n"


def _rate(tmp_path: Path, subscriptions: str | bytes):
    subs = tmp_path / "subs.csv"
    if isinstance(subscriptions, str):
        subscriptions = subscriptions.encode("utf-8")
    subs.write_bytes(subscriptions)
    out = tmp_path / "out"
    args = ["rate", str(CATALOG), "--subscriptions", str(subs), "-o", str(out)]
    return invoke([*args, "--output-format", "csv"]), subs, out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER + "a,pro\n", ":2: expected 4 fields, as the header has; found 2."),
        (
            HEADER + "a,pro,monthly,USD\nb,pro,monthly,USD,x\n",
            ":3: expected 4 fields, as the header has; found 5.",
        ),
        (
            HEADER.replace("\n", "\r\n") + "a,pro,monthly,USD\r\nb,pro,monthly,USD\n",
            ": not CSV as RFC 4180 writes it",
        ),
        (HEADER + 'a,"pro,monthly,USD\n', ":2: "),  # an unterminated quote, in DuckDB's words
        (HEADER.encode() + b"a,pr\xffo,monthly,USD\n", ":2: "),  # not UTF-8, in DuckDB's words
        ("", ": no header line (--subscriptions); expected a first line naming the columns"),
        (
            "subscription_id,plan,Plan,period,currency\n",
            ": two columns named 'plan' and 'Plan' (--subscriptions); expected each column once",
        ),
        (
            "subscription_id,plan,,period,currency\n",
            ": column 3 of the header has no name (--subscriptions)",
        ),
        (b"subscription_id,pl\xffan,period,currency\n", ":1: the header line is not UTF-8 text"),
        (
            HEADER[:-1] + ",trial\na,free,monthly,USD,maybe\n",
            ':2: Error when converting column "trial"',
        ),
    ],
    ids=[
        "short-row",
        "long-row",
        "mixed-line-endings",
        "unterminated-quote",
        "bad-utf8-row",
        "empty-file",
        "column-twice",
        "unnamed-column",
        "bad-utf8-header",
        "not-a-boolean",
    ],
)
def test_a_malformed_csv_input_is_refused_by_file_and_line(tmp_path, text, message):
    require("duckdb")
    result, subs, out = _rate(tmp_path, text)
    assert result.exit_code == 2, result.stderr
    assert f"error: {subs}{message}" in result.stderr
    assert not out.exists() or not any(out.iterdir())  # nothing written


def test_csv_fields_are_read_as_rfc_4180_writes_them(tmp_path):
    """A quoted id holding a comma and a doubled quote, after a byte order mark, is one
    id; its lines are the evaluator's, and the output writes it back as it came."""
    require("duckdb")
    sid = 'a,"1"'
    text = "\ufeff" + HEADER + '"a,""1""",free,monthly,USD\n'
    result, _, out = _rate(tmp_path, text)
    assert result.exit_code == 0, result.stderr
    module = load_evaluator(compile_catalog(CATALOG).checked_catalog())
    quote = module.quote(module.Subscription(plan="free", period="monthly", currency="USD"))
    with (out / "invoice_lines.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["subscription_id"], r["item"], Decimal(r["amount"])) for r in rows] == [
        (sid, line.item, line.amount) for line in quote.lines
    ]
    assert '"a,""1"""' in (out / "invoices.csv").read_text(encoding="utf-8")


def test_an_input_naming_a_column_twice_in_any_case_is_refused():
    """Parquet files and tables reach input_select without a CSV header: the same rule."""
    present = ["subscription_id", "plan", "PLAN", "period", "currency"]
    with pytest.raises(RateError, match="two columns named 'plan' and 'PLAN'"):
        input_select("subscriptions", present, dict.fromkeys(present, "text"))


def test_an_id_given_twice_or_not_at_all_is_rejected_never_billed(tmp_path):
    """Two rows of one id would bill it twice, and a row without an id could be neither
    billed nor refused by id: both are rejections, with the input's problem as reason,
    and the subscription beside them is priced as the evaluator prices it."""
    require("duckdb")
    text = HEADER + "a,free,monthly,USD\nb,free,monthly,USD\na,free,monthly,USD\n,free,,\n"
    result, _, out = _rate(tmp_path, text)
    assert result.exit_code == 0, result.stderr
    with (out / "rejections.csv").open(newline="", encoding="utf-8") as handle:
        rejected = sorted((r["subscription_id"], r["reason"]) for r in csv.DictReader(handle))
    assert rejected == [("", "MissingSubscriptionIdError"), ("a", "DuplicateSubscriptionError")]
    module = load_evaluator(compile_catalog(CATALOG).checked_catalog())
    quote = module.quote(module.Subscription(plan="free", period="monthly", currency="USD"))
    with (out / "invoice_lines.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["subscription_id"], r["item"], Decimal(r["amount"])) for r in rows] == [
        ("b", line.item, line.amount) for line in quote.lines
    ]
    invoices = (out / "invoices.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in invoices[1:]] == ["b"]
    with (out / "usage_status.csv").open(newline="", encoding="utf-8") as handle:
        assert {r["subscription_id"] for r in csv.DictReader(handle)} <= {"b"}


def test_an_output_that_would_replace_an_input_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    subs = out / "invoices.csv"  # where the invoices output goes
    subs.write_text(HEADER + "a,pro,monthly,USD\n")
    before = subs.read_bytes()
    args = ["rate", str(CATALOG), "--subscriptions", str(subs), "-o", str(out)]
    result = invoke([*args, "--output-format", "csv"])
    assert result.exit_code == 2, result.stderr
    assert "the invoices output would replace this input (--subscriptions)" in result.stderr
    assert subs.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["invoices.csv"]


def _parquet(path: Path, select: str) -> Path:
    import duckdb

    duckdb.connect().execute(f"COPY ({select}) TO '{path}' (FORMAT parquet)")
    return path


SUBS = "SELECT 'a' AS subscription_id, 'pro' AS plan, 'monthly' AS period, 'USD' AS currency"


@pytest.mark.parametrize(
    ("subscriptions", "quantities", "said"),
    [
        (
            "SELECT 'a' AS subscription_id, {'a': 'pro'} AS plan, 'monthly' AS period, "
            "'USD' AS currency",
            None,
            "subs.parquet (--subscriptions) has a column plan of type STRUCT(a VARCHAR); "
            "expected ids",
        ),
        (
            SUBS,
            "SELECT 'a' AS subscription_id, 'seats' AS feature, true AS quantity",
            "quantities.parquet (--quantities) has a column quantity of type boolean; "
            "expected whole numbers",
        ),
        (
            f"{SUBS}, 'maybe' AS trial",
            None,
            "an input's trial column holds 'maybe'; expected true or false",
        ),
        (
            f"{SUBS}, [1] AS started_at",
            None,
            "has a column started_at of type INTEGER[]; expected moments",
        ),
    ],
)
def test_a_typed_input_of_the_wrong_type_is_refused_with_its_column(
    tmp_path, subscriptions, quantities, said
):
    """Never the engine's binder or cast error, and never priced as an unknown plan."""
    require("duckdb")
    args = ["--subscriptions", str(_parquet(tmp_path / "subs.parquet", subscriptions))]
    if quantities is not None:
        args += ["--quantities", str(_parquet(tmp_path / "quantities.parquet", quantities))]
    result = invoke(["rate", str(CATALOG), *args, "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.stderr
    assert said in result.stderr and "DuckDB stopped" not in result.stderr


def test_a_file_that_is_not_parquet_or_too_little_memory_is_a_usage_error(tmp_path):
    require("duckdb")
    (tmp_path / "garbage.parquet").write_text("not parquet\n")
    args = ["rate", str(CATALOG), "-o", str(tmp_path / "out"), "--subscriptions"]
    result = invoke([*args, str(tmp_path / "garbage.parquet")])
    assert result.exit_code == 2, result.stderr
    assert "garbage.parquet: not a Parquet file" in result.stderr
    subs = _parquet(tmp_path / "subs.parquet", SUBS)
    result = invoke([*args, str(subs), "--memory-limit", "1KB"])
    assert result.exit_code == 2, result.stderr
    assert "DuckDB ran out of memory (" in result.stderr and "--memory-limit" in result.stderr


def test_rows_for_subscriptions_that_are_not_rated_are_counted_and_said(tmp_path):
    """The SQL ignores them (spec/sql.md); the command says how many, per input, since
    usage of a subscription missing from --subscriptions is usage nobody is billed for."""
    require("duckdb")
    subs = tmp_path / "subs.csv"
    subs.write_text(HEADER + "a,free,monthly,USD\n")
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "subscription_id,feature,quantity\na,api-calls,5\nb,api-calls,7\nc,api-calls,9\n,seats,1\n"
    )
    args = ["rate", str(CATALOG), "--subscriptions", str(subs), "--usage", str(usage)]
    result = invoke([*args, "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    assert "warning: 3 rows of --usage name no subscription of --subscriptions" in result.stderr
    quiet = invoke([*args, "-o", str(tmp_path / "out2"), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    usage.write_text("subscription_id,feature,quantity\na,api-calls,5\n")
    result = invoke([*args, "-o", str(tmp_path / "out3")])
    assert result.exit_code == 0 and "warning" not in result.stderr
