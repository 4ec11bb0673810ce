"""The quote and check commands: every flag means something, or is refused.

Repeated KEY=VALUE flags and flags that only make sense with another are
usage errors (exit 2); values the evaluator refuses end in its error and
exit 3; a moment given with --at places the subscription in its phase.
Catalog text reaches the terminal escaped, one line per diagnostic.
"""

from __future__ import annotations

import json

import pytest
from conftest import REPO, invoke

ACME = str(REPO / "tests" / "cases" / "valid" / "acme-full" / "pricing.yaml")
PRO = ["quote", ACME, "--plan", "pro", "--quantity", "seats=5"]


@pytest.mark.parametrize(
    "flags",
    [
        ["--quantity", "seats=5", "--quantity", "seats=6"],
        ["--usage", "api-calls=5", "--usage", "api-calls=6"],
        ["--addon", "extra-seats=1", "--addon", "extra-seats=2"],
        ["--variable", "data-retention=5", "--variable", "data-retention=6"],
    ],
    ids=["quantity", "usage", "addon", "variable"],
)
def test_a_key_given_twice_is_refused_not_the_last_one_wins(run_cli, flags):
    result = run_cli(["quote", ACME, "--plan", "pro", *flags])
    assert result.exit_code == 2
    assert "is given twice" in result.stderr


def test_markdown_without_scenarios_is_refused(run_cli):
    result = run_cli([*PRO, "--markdown"])
    assert result.exit_code == 2 and "--scenarios" in result.stderr


@pytest.mark.parametrize(
    ("flags", "error"),
    [
        (["--variable", "seats=5"], "VariableEntitlementUnknownError"),  # pro is not custom
        (["--usage", "seats=5"], "InvalidQuantityError"),  # bought in advance
        (["--usage", "nope=5"], "UnknownFeatureError"),
        (["--quantity", "api-calls=5"], "InvalidQuantityError"),  # billed on usage
    ],
)
def test_flags_the_evaluator_refuses_end_in_its_error(run_cli, flags, error):
    result = run_cli([*PRO, *flags])
    assert result.exit_code == 3
    assert f"[{error}]" in result.stderr


def test_quote_at_a_moment_after_the_trial_is_downgraded(run_cli):
    trial = [*PRO, "--trial", "--started-at", "2026-01-01T00:00:00Z", "--json"]
    during = json.loads(run_cli([*trial, "--at", "2026-01-10T00:00:00Z"]).stdout)
    # 14 days from Jan 1: the trial ends Jan 15; the base fee is waived until then
    assert (during["phase"], during["trial_ends_at"]) == ("trialing", "2026-01-15T00:00:00Z")
    assert during["lines"][0]["amount"] == "0.00"
    after = json.loads(run_cli([*trial, "--at", "2026-01-20T00:00:00Z"]).stdout)
    assert (after["phase"], after["plan"], after["total"]) == ("downgraded", "free", "0.00")
    text = run_cli([*trial[:-1], "--at", "2026-01-20T00:00:00Z"]).stdout
    assert text.startswith("Quote for plan free, monthly, USD, downgraded (trial ended 2026-01-15")


def test_check_at_a_moment_after_the_trial(run_cli):
    result = run_cli(
        ["check", ACME, "--plan", "pro", "--quantity", "seats=5", "--feature", "sso", "--trial"]
        + ["--started-at", "2026-01-01T00:00:00Z", "--at", "2026-01-20T00:00:00Z"]
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("sso: denied (not_in_plan), downgraded")


CHECK = ["check", ACME, "--plan", "free", "--feature", "api-calls"]


@pytest.mark.parametrize(
    ("commands", "flags", "shown"),
    [
        ([CHECK, PRO], ["--started-at", "0001-01-01T00:00:00+05:00"], "years 1 to 9999"),
        (
            [CHECK, PRO],
            ["--started-at", "2026-02-01T00:00:00Z", "--at", "2026-01-01T00:00:00Z"],
            "before",
        ),
        # the monthly usage window would end in the year 10000 (a quote has no window)
        ([CHECK], ["--started-at", "9999-12-31T00:00:00Z", "--at", "9999-12-31T12:00:00Z"], "9999"),
    ],
)
def test_moments_at_the_edges_get_a_clear_error(run_cli, commands, flags, shown):
    for command in commands:
        result = run_cli([*command, *flags])
        assert result.exit_code == 3, result.stdout
        assert shown in result.stderr and "[InvalidMomentError]" in result.stderr


def test_a_forged_line_in_a_key_stays_inside_its_diagnostic(run_cli, tmp_path):
    catalog = tmp_path / "pricing.yaml"
    catalog.write_text(
        "pricegen: 1\n"
        "product: {id: a, name: A, currencies: [USD], billing_periods: [monthly]}\n"
        "plans:\n  free: {name: Free, default: true}\n"
        '"x\\nforged.yaml:9:9: error: forged [SCHEMA]\\u001b[2J": 1\n',
        "utf-8",
    )
    result = run_cli(["validate", str(catalog)])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert not any(line.startswith("forged.yaml") for line in lines)
    assert "\x1b" not in result.stderr
    assert "x\\nforged.yaml:9:9" in result.stderr and "\\x1b[2J" in result.stderr
    assert len(lines) == 2  # the diagnostic and the summary


def test_check_of_a_misspelt_feature_denies_and_names_the_nearest_one():
    """check() fails closed on an unknown feature (exit 0, denied); the command line,
    where a typo is the likely cause, also says which feature was probably meant."""
    result = invoke(["check", ACME, "--plan", "free", "--feature", "api-call"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("api-call: denied (unknown_feature)")
    assert 'note: unknown feature "api-call"; did you mean "api-calls"?' in result.stderr
    quiet = invoke(["check", ACME, "--plan", "free", "--feature", "api-call", "-q"])
    assert quiet.stderr == ""


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["--plan", "pro"], "hint: give each in-advance quantity with --quantity FEATURE=N"),
        (
            ["--plan", "pro", "--quantity", "seats=2", "--trial", "--at", "2026-02-01T00:00:00Z"],
            "hint: give the subscription's start with --started-at",
        ),
    ],
)
def test_an_evaluator_error_on_the_command_line_names_the_flag_that_answers_it(args, hint):
    """The evaluator's message speaks its Python API (quantities=, started_at=)."""
    result = invoke(["quote", ACME, *args])
    assert result.exit_code == 3, result.stderr
    assert result.stderr.splitlines()[0].startswith("error: ")
    assert result.stderr.splitlines()[1].startswith(hint)
