"""Diagnostics: order, dedupe, --strict, the three formatters, and did-you-mean hints."""

from __future__ import annotations

import json

from pricegen.diagnostics import (
    Diagnostic,
    Location,
    Severity,
    did_you_mean,
    error,
    format_github,
    format_json,
    format_text,
    has_errors,
    normalize,
    summary,
    warning,
)

E, W = Severity.ERROR, Severity.WARNING


def d(path="a.yaml", line=1, col=1, rule="SCHEMA", message="m.", severity=E) -> Diagnostic:
    return Diagnostic(path, line, col, rule, message, severity)


def test_sorted_by_path_then_line_then_column_then_rule():
    items = [
        d("b.yaml", 1, 1),
        d("a.yaml", 10, 1),
        d("a.yaml", 2, 30),
        d("a.yaml", 2, 4, "Z_RULE"),
        d("a.yaml", 2, 4, "A_RULE"),
    ]
    assert [(x.path, x.line, x.col, x.rule) for x in normalize(items)] == [
        ("a.yaml", 2, 4, "A_RULE"),
        ("a.yaml", 2, 4, "Z_RULE"),
        ("a.yaml", 2, 30, "SCHEMA"),
        ("a.yaml", 10, 1, "SCHEMA"),
        ("b.yaml", 1, 1, "SCHEMA"),
    ]


def test_lines_sort_as_numbers_not_text():
    assert [x.line for x in normalize([d(line=10), d(line=9), d(line=100)])] == [9, 10, 100]


def test_identical_diagnostics_are_reported_once():
    assert normalize([d(), d(), d(message="other.")]) == [d(), d(message="other.")]


def test_normalize_is_deterministic_whatever_the_input_order():
    items = [d(line=n % 7, col=n % 3, message=str(n % 5)) for n in range(50)]
    assert normalize(items) == normalize(list(reversed(items)))


def test_strict_turns_warnings_into_errors():
    items = [d(rule="PLAN_LIMIT_LOWERED", severity=W)]
    assert not has_errors(normalize(items))
    strict = normalize(items, strict=True)
    assert has_errors(strict) and strict[0].severity is E and strict[0].rule == "PLAN_LIMIT_LOWERED"


def test_strict_dedupes_a_warning_and_an_identical_error():
    assert len(normalize([d(severity=W), d(severity=E)], strict=True)) == 1


def test_error_and_warning_helpers_take_a_location():
    loc = Location("p.yaml", 3, 7)
    assert error(loc, "R", "m.") == Diagnostic("p.yaml", 3, 7, "R", "m.", E)
    assert warning(loc, "R", "m.").severity is W
    assert str(loc) == "p.yaml:3:7" and str(Location("p.yaml")) == "p.yaml:1:1"


def test_text_format_is_compiler_style():
    items = [d("pricing/plans.yaml", 14, 5, "PLAN_EXTENDS_UNKNOWN", 'Plan "team" extends "x".')]
    items.append(d("pricing/plans.yaml", 20, 1, "PLAN_LIMIT_LOWERED", "Lowered.", W))
    assert format_text(items) == (
        'pricing/plans.yaml:14:5: error: Plan "team" extends "x". [PLAN_EXTENDS_UNKNOWN]\n'
        "pricing/plans.yaml:20:1: warning: Lowered. [PLAN_LIMIT_LOWERED]\n"
    )
    assert format_text([]) == ""


def test_json_format_is_a_list_of_objects():
    items = [d("ü.yaml", 2, 3, "SCHEMA", "Café «x»."), d(severity=W)]
    text = format_json(items)
    assert text.endswith("\n") and "Café" in text  # not \u escapes
    assert json.loads(text) == [
        {
            "path": "ü.yaml",
            "line": 2,
            "col": 3,
            "rule": "SCHEMA",
            "severity": "error",
            "message": "Café «x».",
            "doc": "spec/language.md#schema",
        },
        {
            "path": "a.yaml",
            "line": 1,
            "col": 1,
            "rule": "SCHEMA",
            "severity": "warning",
            "message": "m.",
            "doc": "spec/language.md#schema",
        },
    ]
    assert json.loads(format_json([])) == []


def test_json_format_has_end_positions_once_known_and_null_docs_for_unknown_rules():
    item = Diagnostic("a.yaml", 2, 3, "NO_SUCH_RULE", "m.", E, end_line=2, end_col=9)
    [data] = json.loads(format_json([item]))
    assert (data["end_line"], data["end_col"], data["doc"]) == (2, 9, None)


def test_text_format_paints_each_part_by_role():
    item = d("p.yaml", 3, 7, "PLAN_UNKNOWN", "Unknown plan.", W)
    painted = format_text([item], paint=lambda text, role: f"<{role}>{text}</{role}>")
    assert painted == (
        "<path>p.yaml:3:7:</path> <warning>warning:</warning> Unknown plan. "
        "<rule>[PLAN_UNKNOWN]</rule>\n"
    )


def test_github_format_is_a_workflow_command():
    items = [d("pricing/plans.yaml", 14, 5, "PLAN_UNKNOWN", "Unknown plan."), d(severity=W)]
    assert format_github(items) == (
        "::error file=pricing/plans.yaml,line=14,col=5,title=PLAN_UNKNOWN::Unknown plan.\n"
        "::warning file=a.yaml,line=1,col=1,title=SCHEMA::m.\n"
    )


def test_github_format_escapes_data_and_properties():
    item = d("odd,name:1.yaml", 1, 1, "SCHEMA", "100% sure,\r\nreally: yes")
    line = format_github([item])
    assert line == (
        "::error file=odd%2Cname%3A1.yaml,line=1,col=1,title=SCHEMA::100%25 sure,%0D%0Areally: yes\n"  # noqa: E501
    )
    assert line.count("\n") == 1


def test_summary():
    assert summary([]) == "no problems"
    assert summary([d()]) == "1 error"
    assert summary([d(), d(line=2), d(severity=W)]) == "2 errors, 1 warning"
    assert summary([d(severity=W), d(line=2, severity=W)]) == "2 warnings"


def test_did_you_mean_the_closest_id():
    assert did_you_mean("buisness", ["business", "free"], "plans") == '; did you mean "business"?'


def test_did_you_mean_lists_known_ids_when_nothing_is_close():
    assert did_you_mean("premium", ["free", "pro"], "plans") == '; known plans: "free", "pro".'
    assert did_you_mean("x", [], "add-ons") == "; no add-ons are declared."
    assert did_you_mean("x", []) == "; none are declared."


def test_did_you_mean_caps_long_lists():
    hint = did_you_mean("zzz", [f"plan-{n}" for n in range(8)], "plans")
    assert hint == '; known plans: "plan-0", "plan-1", "plan-2", "plan-3", "plan-4" and 3 more.'
