"""Numbers, end to end: each odd number is accepted with an exact meaning, or refused clearly.

For every number the issue lists (30-digit prices, 10^15 units, zero-width
tiers, negative zero, ``1e3``, ``0x10``, ``.inf``, ``.nan`` and the YAML 1.1
oddities ``on``, ``no``, ``010``) the test checks what the loader makes of
it, the diagnostic when it is refused, and what reaches catalog.json and
the evaluator when it is accepted. Nothing may turn into a float or a
boolean: the outputs are checked for floats too. spec/limits.md lists the
same table for people.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import invoke

from pricegen import compile_catalog
from pricegen.runtime import load_evaluator
from pricegen.source import parse_text
from pricegen.targets import render

TEMPLATE = """\
pricegen: 1
product:
  id: numbers
  name: {name}
  currencies: [USD]
  billing_periods: [monthly]
features:
  seats: {{name: Seats, type: metered, meter: fluctuating}}
  calls: {{name: Calls, type: metered, meter: incremental}}
  sso: {{name: SSO, type: boolean}}
  retention: {{name: Retention, type: config, unit: [day, days]}}
plans:
  free:
    name: Free
    default: {default}
    entitlements: {{seats: {limit}, sso: {sso}, retention: {retention}}}
  pro:
    name: Pro
    price: {price}
    charges:
      seats:
        model: {model}
        billing: in_advance
        included: {included}
        tiers:
          - {{up_to: {up_to}, unit_price: 2}}
          - {{unit_price: 1}}
      calls: {{model: per_unit, billing: in_arrears, unit_price: {unit_price}}}
"""
DEFAULTS = {
    "name": "Numbers",
    "default": "true",
    "limit": "3",
    "sso": "true",
    "retention": "7",
    "price": "29",
    "model": "graduated",
    "included": "0",
    "up_to": "5",
    "unit_price": "0.0027",
}


def catalog_text(**values: str) -> str:
    return TEMPLATE.format(**{**DEFAULTS, **values})


def build(tmp_path, **values: str):
    path = tmp_path / "pricing.yaml"
    path.write_text(catalog_text(**values), "utf-8")
    return path, compile_catalog(path)


KEYS = {"limit": "seats", "model": "model"}  # the YAML key each template field is written after


def refused(tmp_path, rule: str | tuple[str, ...], **values: str) -> str:
    """Validate through the CLI: exit 3, one error of ``rule`` on the number's line."""
    path, _ = build(tmp_path, **values)
    result = invoke(["validate", str(path)])
    assert result.exit_code == 3, result.stderr
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    rules = (rule,) if isinstance(rule, str) else rule
    assert len(errors) == 1 and errors[0].endswith(tuple(f"[{r}]" for r in rules)), result.stderr
    ((field, value),) = values.items()
    written = f"{KEYS.get(field, field)}: {value}"
    lines = path.read_text("utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if written in text)
    assert errors[0].startswith(f"{path}:{line}:"), (errors[0], line)
    return errors[0]


def no_floats(value, where: str = "$") -> None:
    if isinstance(value, float):
        raise AssertionError(f"a float at {where}: {value!r}")
    if isinstance(value, dict):
        for key, item in value.items():
            no_floats(item, f"{where}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            no_floats(item, f"{where}[{index}]")


def outputs(catalog):
    files = render(catalog)
    data = json.loads(
        files["catalog.json"], parse_float=lambda text: pytest.fail(f"float {text} in catalog.json")
    )
    module = load_evaluator(catalog)
    no_floats(dict(module.CATALOG))
    return files, data, module


def quote(module, **kwargs):
    sub = module.Subscription(plan="pro", period="monthly", currency="USD", **kwargs)
    return module.quote(sub, usage=kwargs.pop("usage", None) or {})


# -- accepted, exactly ------------------------------------------------------------------


def test_a_30_digit_price_is_exact_everywhere(tmp_path):
    big = "123456789012345678901234567890"
    _, result = build(tmp_path, price=big)
    assert result.ok, result.diagnostics
    assert result.catalog.plans["pro"].price == {"monthly": {"USD": Decimal(big)}}
    files, data, module = outputs(result.catalog)
    assert data["plans"]["pro"]["price"]["monthly"]["USD"] == big
    assert f",{big}" in files["pricing-table.csv"]
    assert "$123,456,789,012,345,678,901,234,567,890.00" in files["pricing-table.md"]
    q = module.Subscription(plan="pro", period="monthly", currency="USD", quantities={"seats": 1})
    total = module.quote(q).total
    assert total == Decimal("123456789012345678901234567892")
    assert module.format_money(total, "USD") == "$123,456,789,012,345,678,901,234,567,892.00"


def test_a_30_digit_fraction_is_exact(tmp_path):
    tiny = "0.000000000000000000000000000001"
    _, result = build(tmp_path, unit_price=tiny)
    assert result.ok, result.diagnostics
    _, data, module = outputs(result.catalog)
    assert data["plans"]["pro"]["charges"][1]["unit_price"]["monthly"]["USD"] == tiny
    sub = module.Subscription(plan="pro", period="monthly", currency="USD", quantities={"seats": 0})
    line = next(x for x in module.quote(sub, usage={"calls": 10**30}).lines if x.item == "calls")
    assert line.amount == Decimal("1.00")  # 10^30 × 10^-30, exactly


def test_a_price_from_10_to_the_30_is_refused(tmp_path):
    message = refused(tmp_path, "SCHEMA", price="1000000000000000000000000000000")
    assert "expected less than 1000000000000000000000000000000" in message
    refused(tmp_path, "SCHEMA", price='"1000000000000000000000000000000.5"')


def test_10_to_the_15_units(tmp_path):
    units = 10**15
    _, result = build(tmp_path, included=str(units), up_to=str(2 * units), limit=str(units))
    assert result.ok, result.diagnostics
    _, data, module = outputs(result.catalog)
    assert data["plans"]["pro"]["charges"][0]["included"] == units
    assert data["plans"]["free"]["entitlements"]["seats"]["limit"] == units
    sub = module.Subscription(
        plan="pro", period="monthly", currency="USD", quantities={"seats": 3 * units}
    )
    lines = {x.item: x.amount for x in module.quote(sub, usage={"calls": units}).lines}
    assert lines["seats"] == 2 * units * 2 + 0 * 1  # 2×10^15 billable units, all in tier 1 at 2
    assert lines["calls"] == Decimal("2700000000000.00")  # 10^15 × 0.0027
    check = module.check(sub, "seats", usage=3 * units - 1)
    assert check.has_access and check.limit == 3 * units


def test_negative_zero_is_zero(tmp_path):
    for written in ("-0", "-0.0", "-0.00"):
        _, result = build(tmp_path, price=written, retention=written)
        assert result.ok, (written, result.diagnostics)
        _, data, _ = outputs(result.catalog)
        shown = data["plans"]["pro"]["price"]["monthly"]["USD"]
        assert shown in ("0", "0.0", "0.00") and not shown.startswith("-"), written
        assert not data["plans"]["free"]["entitlements"]["retention"]["value"].startswith("-")
    loaded, problems = parse_text("a: -0\nb: -0.0\n", "t.yaml")
    assert not problems and loaded == {"a": 0, "b": Decimal("0.0")}
    assert not Decimal(loaded["b"]).is_signed()


@pytest.mark.parametrize(
    ("written", "amount"), [("1e3", "1000"), ("1.5E3", "1500"), ("2.5e-4", "0.00025")]
)
def test_exponents_are_exact_decimals(tmp_path, written, amount):
    _, result = build(tmp_path, price=written)
    assert result.ok, result.diagnostics
    _, data, module = outputs(result.catalog)
    assert data["plans"]["pro"]["price"]["monthly"]["USD"] == amount
    sub = module.Subscription(plan="pro", period="monthly", currency="USD", quantities={"seats": 0})
    assert module.quote(sub).lines[0].amount == Decimal(amount).quantize(Decimal("0.01"))


def test_an_exponent_is_not_a_whole_number(tmp_path):
    message = refused(tmp_path, "SCHEMA", up_to="1e3")
    assert "expected a whole number" in message


def test_a_quoted_decimal_keeps_its_digits(tmp_path):
    _, result = build(tmp_path, price='"29.00"')
    assert result.ok, result.diagnostics
    _, data, _ = outputs(result.catalog)
    assert data["plans"]["pro"]["price"]["monthly"]["USD"] == "29.00"


def test_signs_and_short_forms(tmp_path):
    loaded, problems = parse_text("a: +5\nb: .5\nc: 5.\nd: 0.1\n", "t.yaml")
    assert not problems
    assert loaded == {"a": 5, "b": Decimal("0.5"), "c": Decimal("5"), "d": Decimal("0.1")}
    assert str(loaded["d"]) == "0.1"  # exactly one tenth, never 0.1000000000000000055...


# -- refused, clearly -------------------------------------------------------------------


@pytest.mark.parametrize("written", ["0x10", "010", "0o17", "1_000", "-012", "1:30", "0b101"])
def test_yaml_1_1_numbers_are_ambiguous(tmp_path, written):
    message = refused(tmp_path, "YAML_NUMBER_AMBIGUOUS", price=written)
    assert written in message


@pytest.mark.parametrize("written", [".inf", "-.inf", ".Inf", ".nan", ".NaN"])
def test_infinity_and_nan_are_refused(tmp_path, written):
    message = refused(tmp_path, "YAML_NUMBER_NOT_FINITE", price=written)
    assert "not a finite number" in message


@pytest.mark.parametrize("written", ["1e999999999", "1" * 101, "1e-30"])
def test_out_of_range_numbers_are_refused(tmp_path, written):
    refused(tmp_path, "YAML_NUMBER_OUT_OF_RANGE", price=written)


@pytest.mark.parametrize("written", ["-5", "-0.01"])
def test_negative_prices_are_refused(tmp_path, written):
    message = refused(tmp_path, "SCHEMA", price=written)
    assert "expected at least 0" in message


def test_a_zero_width_tier_is_refused(tmp_path):
    message = refused(tmp_path, "SCHEMA", up_to="0")
    assert "expected at least 1" in message


def test_two_tiers_ending_at_the_same_bound_are_refused(tmp_path):
    path = tmp_path / "pricing.yaml"
    path.write_text(
        catalog_text().replace(
            "- {unit_price: 1}", "- {up_to: 5, unit_price: 1}\n          - {unit_price: 1}"
        ),
        "utf-8",
    )
    result = invoke(["validate", str(path)])
    assert result.exit_code == 3 and "[TIERS_NOT_ASCENDING]" in result.stderr


@pytest.mark.parametrize("word", ["on", "off", "yes", "no", "y", "n", "Yes", "ON"])
def test_yaml_1_1_booleans_are_text_and_refused_where_a_boolean_goes(tmp_path, word):
    loaded, problems = parse_text(f"a: {word}\n", "t.yaml")
    assert not problems and loaded == {"a": word}
    refused(tmp_path, "SCHEMA", default=word)
    refused(tmp_path, "SCHEMA", sso=word)


@pytest.mark.parametrize(
    "word", ["on", "no", "010", "0x10", "1e3", ".inf", "~", "2026-01-01", "1:30"]
)
def test_odd_words_are_names_when_quoted(tmp_path, word):
    _, result = build(tmp_path, name=json.dumps(word))
    assert result.ok, result.diagnostics
    _, data, module = outputs(result.catalog)
    assert data["product"]["name"] == word and module.CATALOG["product"]["name"] == word


@pytest.mark.parametrize("word", ["on", "no", "yes", "2026-01-01", "Infinity", "NaN"])
def test_odd_plain_words_are_names_as_written(tmp_path, word):
    _, result = build(tmp_path, name=word)
    assert result.ok, result.diagnostics
    assert result.catalog.product.name == word


@pytest.mark.parametrize(
    ("field", "written"), [("limit", "3.0"), ("limit", "1e3"), ("included", "0.5")]
)
def test_whole_numbers_stay_whole(tmp_path, field, written):
    message = refused(tmp_path, ("SCHEMA", "ENTITLEMENT_TYPE_MISMATCH"), **{field: written})
    assert "whole" in message


# -- counts near the evaluator's bound: the docs' worked examples stay within it -----------

NINES = "9" * 30  # 10^30 - 1: valid, and just below the evaluator's largest quantity


def _worked_example(tmp_path, charge: str) -> str:
    path = tmp_path / "pricing.yaml"
    path.write_text(
        "pricegen: 1\n"
        "product: {id: acme, name: Acme, currencies: [USD], billing_periods: [monthly]}\n"
        "features: {seats: {name: Seats, type: metered, meter: fluctuating, unit: [seat, seats]}}\n"
        f"plans: {{pro: {{name: Pro, charges: {{seats: {charge}}}}}}}\n",
        "utf-8",
    )
    build = compile_catalog(path)
    assert build.ok, build.diagnostics
    models = render(build.catalog)["docs/pricing-models.md"]  # generate used to raise here
    return next(line for line in models.splitlines() if line.startswith("Example: "))


def test_a_block_size_near_10_to_the_30_has_a_worked_example_in_range(tmp_path):
    """Issue 12: 2.5 blocks of 5 × 10^29 seats is past 10^30; the example quotes 10^30."""
    line = _worked_example(
        tmp_path, "{model: package, block_size: 5" + "0" * 29 + ", block_price: 12}"
    )
    # 10^30 seats are exactly 2 blocks: 2 × $12
    assert line.startswith("Example: 1,000,000,000,000,000,000,000,000,000,000 seats: 2 blocks")
    assert line.endswith("= **$24.00**")


def test_an_included_count_of_30_nines_has_a_worked_example_in_range(tmp_path):
    line = _worked_example(tmp_path, f"{{model: per_unit, included: {NINES}, unit_price: 1}}")
    assert "1 billable" in line and line.endswith("= **$1.00**")  # 10^30 − (10^30 − 1) = 1 seat


def test_a_tier_bound_of_30_nines_has_a_worked_example_in_range(tmp_path):
    line = _worked_example(
        tmp_path,
        f"{{model: graduated, tiers: [{{up_to: {NINES}, unit_price: 1}}, {{unit_price: 2}}]}}",
    )
    # 10^30 seats: 10^30 − 1 at $1, then 1 at $2 = 10^30 + 1 dollars
    assert line.endswith("= **$1,000,000,000,000,000,000,000,000,000,001.00**")


def test_counts_far_past_10_to_the_30_still_generate(tmp_path):
    line = _worked_example(tmp_path, f"{{model: per_unit, included: 1{'0' * 40}, unit_price: 1}}")
    assert line.endswith("= **$0.00**")  # no quantity the evaluator accepts reaches the charge
