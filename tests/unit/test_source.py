"""The loader: exact numbers, YAML 1.2 scalars, positions, and hostile input that fails fast.

Most tests run with both event parsers, libyaml's (the default) and
PyYAML's pure-Python one (the fallback without libyaml), because they
differ in small ways, such as counting a reader error's position in bytes
or in characters.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pricegen import compile_catalog, source, yaml_errors
from pricegen.source import SourceFile, load, load_file, parse_text
from pricegen.yaml_build import YamlList, YamlMap

REPO = Path(__file__).resolve().parents[2]
PARSERS = [
    pytest.param(getattr(yaml, "CSafeLoader", None), id="libyaml"),
    pytest.param(yaml.SafeLoader, id="pure-python"),
]


@pytest.fixture(params=PARSERS)
def parser(request, monkeypatch):
    if request.param is None:
        pytest.skip("PyYAML was built without libyaml")
    # both modules that parse: loading, and the re-parse that places a depth error
    monkeypatch.setattr(source, "EVENT_LOADER", request.param)
    monkeypatch.setattr(yaml_errors, "EVENT_LOADER", request.param)
    return request.param


def load_ok(text: str):
    data, diagnostics = parse_text(text, "t.yaml")
    assert diagnostics == [], diagnostics
    return data


def load_bad(text: str):
    """The single diagnostic for ``text``, as (rule, line, col, message)."""
    data, diagnostics = parse_text(text, "t.yaml")
    assert data is None
    assert len(diagnostics) == 1, diagnostics
    d = diagnostics[0]
    assert d.path == "t.yaml" and "\n" not in d.message
    return d.rule, d.line, d.col, d.message


def walk(value):
    """Every scalar in loaded data."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    else:
        yield value


# -- numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.0027", Decimal("0.0027")),
        ("29.50", Decimal("29.50")),
        ("0.1", Decimal("0.1")),
        ("123456789012345678901234567890", 123456789012345678901234567890),
        (
            "123456789012345678901234567890.123456789012345678901234567890",
            Decimal("123456789012345678901234567890.123456789012345678901234567890"),
        ),
        ("-5", -5),
        ("+5", 5),
        (".5", Decimal("0.5")),
    ],
)
def test_numbers_are_exact(parser, text, expected):
    value = load_ok(f"a: {text}")["a"]
    assert value == expected and type(value) is type(expected)
    if isinstance(expected, Decimal):
        assert str(value) == str(expected)  # same digits, same exponent: from the text


def test_whole_numbers_are_ints_and_quoted_money_stays_text(parser):
    data = load_ok("a: 29\nb: \"29.50\"\nc: '0.0027'")
    assert data == {"a": 29, "b": "29.50", "c": "0.0027"}
    assert type(data["a"]) is int


def test_negative_zero_is_zero(parser):
    data = load_ok("a: -0\nb: -0.00")
    assert data["a"] == 0 and str(data["b"]) == "0.00"


def test_money_reaches_the_model_exactly(tmp_path):
    catalog = tmp_path / "pricing.yaml"
    catalog.write_text(
        "pricegen: 1\n"
        "product: {id: p, name: P, currencies: [USD], billing_periods: [monthly]}\n"
        "features: {calls: {name: Calls, type: metered}}\n"
        "plans:\n"
        "  a: {name: A, price: 29, charges: {calls: {model: per_unit, unit_price: 0.0027}}}\n"
        '  b: {name: B, price: "29.50"}\n'
        "  c: {name: C, price: 123456789012345678901234567890.123456789012345678901234567890}\n"
    )
    build = compile_catalog(catalog)
    assert build.ok, build.diagnostics
    plans = build.catalog.plans
    assert plans["a"].price == {"monthly": {"USD": Decimal(29)}}
    assert str(plans["a"].charges[0].unit_price["monthly"]["USD"]) == "0.0027"
    assert str(plans["b"].price["monthly"]["USD"]) == "29.50"
    big = "123456789012345678901234567890.123456789012345678901234567890"
    assert str(plans["c"].price["monthly"]["USD"]) == big


@given(
    st.integers(0, 12).flatmap(
        lambda places: st.decimals(
            min_value=-(10**15),
            max_value=10**15,
            allow_nan=False,
            allow_infinity=False,
            places=places,
        )
    )
)
def test_any_decimal_text_reads_back_exactly(number):
    text = format(number, "f")
    value = load_ok(f"a: {text}")["a"]
    assert not isinstance(value, float)
    assert value == Decimal(text)


@pytest.mark.parametrize(
    "case",
    sorted(
        [
            *REPO.glob("tests/cases/valid/*/pricing.yaml"),
            *REPO.glob("tests/cases/valid/*/pricing/**/*.y*ml"),
        ]
        + sorted(REPO.glob("examples/*/pricing.yaml"))
        + sorted(REPO.glob("examples/*/pricing/**/*.y*ml"))
    ),
    ids=lambda p: p.relative_to(REPO).as_posix(),
)
def test_no_floats_anywhere_in_loaded_data(case):
    loaded, diagnostics = load_file(case, case.name)
    if loaded is None:  # a hidden or deliberately broken file
        pytest.skip(str(diagnostics))
    scalars = list(walk(loaded.data))
    assert not [v for v in scalars if isinstance(v, float)]
    assert all(isinstance(v, (str, int, bool, Decimal, type(None))) for v in scalars)


@pytest.mark.parametrize(
    "text",
    [
        "010",
        "-010",
        "00",
        "0x10",
        "-0x10",
        "0X1F",
        "0o17",
        "0b101",
        "1_000",
        "1_000.5",
        "-1_0",
        "1:30",
        "12:30:00",
    ],
)
def test_numbers_that_read_differently_in_yaml_1_1_are_rejected(parser, text):
    rule, line, col, message = load_bad(f"a:\n  b: {text}")
    assert (rule, line, col) == ("YAML_NUMBER_AMBIGUOUS", 2, 6)
    assert f'"{text}"' in message and "expected" in message


def test_ambiguous_numbers_suggest_the_plain_spelling(parser):
    assert "expected 10 without leading zeros" in load_bad("a: 010")[3]
    assert "expected 16 written in decimal" in load_bad("a: 0x10")[3]
    assert "expected 15 written in decimal" in load_bad("a: 0o17")[3]
    assert "expected 5 written in decimal" in load_bad("a: 0b101")[3]
    assert "expected 1000 without underscores" in load_bad("a: 1_000")[3]
    assert "expected 1000.5 without underscores" in load_bad("a: 1_000.5")[3]
    assert load_bad("a: 1:30")[3].endswith("expected a quoted string.")


@pytest.mark.parametrize("text", ["0.5", "00.5", "1.5", "0", "-0", "+5", "0:30", "1e3", "2.5E-4"])
def test_numbers_that_read_the_same_are_fine(parser, text):
    assert load_ok(f"a: {text}")["a"] is not None


@pytest.mark.parametrize(
    "text", ["9" * 101, "0." + "0" * 99 + "1", "1e21", "1.5e+999999999", "1e-21", "0" + "7" * 5000]
)
def test_numbers_out_of_range_fail_fast(parser, text):
    """Not a ValueError from int() past 4300 digits, nor a billion-digit Decimal later."""
    rule, line, col, message = load_bad(f"a:\n  b: {text}")
    assert (rule, line, col) == ("YAML_NUMBER_OUT_OF_RANGE", 2, 6)
    assert len(message) < 200


def test_numbers_within_range_are_fine(parser):
    assert load_ok("a: " + "9" * 100)["a"] == 10**100 - 1
    assert load_ok("a: 1e20")["a"] == Decimal("1E+20")


def test_quoted_ambiguous_numbers_are_text(parser):
    assert load_ok("a: '010'\nb: \"0x10\"\nc: '1_000'") == {"a": "010", "b": "0x10", "c": "1_000"}


@pytest.mark.parametrize("text", [".inf", "-.inf", "+.INF", ".Inf", ".nan", ".NaN", ".NAN"])
def test_infinity_and_nan_are_rejected(parser, text):
    rule, line, col, message = load_bad(f"price: {text}")
    assert (rule, line, col) == ("YAML_NUMBER_NOT_FINITE", 1, 8)
    assert "unlimited" in message


# -- other scalars -----------------------------------------------------------


@pytest.mark.parametrize("word", ["on", "off", "yes", "no", "y", "n", "Yes", "NO", "On"])
def test_yaml_1_1_booleans_stay_strings(parser, word):
    assert load_ok(f"a: {word}\n{word}: 1") == {"a": word, word: 1}


def test_yaml_1_2_core_booleans_and_nulls(parser):
    data = load_ok("a: true\nb: False\nc: TRUE\nd: null\ne: ~\nf:\ng: Null")
    assert data == {"a": True, "b": False, "c": True, "d": None, "e": None, "f": None, "g": None}


def test_keys_are_always_text(parser):
    data = load_ok("1: a\ntrue: b\nnull: c\n0.5: d")
    assert list(data) == ["1", "true", "null", "0.5"]


def test_str_tag_keeps_the_text(parser):
    assert load_ok("a: !!str 010\nb: !!str true\nc: ! 12") == {"a": "010", "b": "true", "c": "12"}


def test_dates_and_timestamps_stay_text(parser):
    assert load_ok("a: 2026-01-15\nb: 2026-01-15T12:30:00Z") == {
        "a": "2026-01-15",
        "b": "2026-01-15T12:30:00Z",
    }


# -- tags --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('a: !!python/object/apply:os.system ["echo pwned"]', "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system", "!!python/name:os.system"),
        ("a: !!float 29.99", "!!float"),
        ("a: !!binary aGVsbG8=", "!!binary"),
        ("a: !!set {x, y}", "!!set"),
        ("a: !custom 1", "!custom"),
        ("a: !!omap [{x: 1}]", "!!omap"),
    ],
)
def test_explicit_tags_are_rejected(parser, monkeypatch, text, shown):
    monkeypatch.setattr(os, "system", lambda *_: pytest.fail("a tag ran code"))
    rule, line, col, message = load_bad(text)
    assert (rule, line, col) == ("YAML_TAG_UNSUPPORTED", 1, 4)
    assert f'Tag "{shown}"' in message


def test_standard_collection_tags_are_allowed(parser):
    assert load_ok("a: !!map {x: 1}\nb: !!seq [1]") == {"a": {"x": 1}, "b": [1]}


# -- structure ---------------------------------------------------------------


def test_duplicate_keys_are_rejected_with_both_positions(parser):
    rule, line, col, message = load_bad(
        "plans:\n  pro:\n    name: Pro\n    price: 1\n    name: Pro 2\n"
    )
    assert (rule, line, col) == ("YAML_DUPLICATE_KEY", 5, 5)
    assert 'Key "name"' in message and "first at line 3, column 5" in message


def test_duplicate_keys_in_flow_mappings(parser):
    rule, line, col, message = load_bad("a: {x: 1, y: 2, x: 3}")
    assert (rule, line, col) == ("YAML_DUPLICATE_KEY", 1, 17)
    assert "first at line 1, column 5" in message


def test_same_key_in_different_mappings_is_fine(parser):
    assert load_ok("a: {name: x}\nb: {name: y}") == {"a": {"name": "x"}, "b": {"name": "y"}}


def test_multiple_documents_are_rejected_at_the_second(parser):
    assert load_bad("a: 1\n---\nb: 2\n")[:3] == ("YAML_MULTIPLE_DOCUMENTS", 2, 1)
    assert load_bad("--- \na: 1\n--- \nb: 2\n")[:3] == ("YAML_MULTIPLE_DOCUMENTS", 3, 1)


def test_one_explicit_document_is_fine(parser):
    assert load_ok("---\na: 1\n...\n") == {"a": 1}


def test_merge_keys_are_rejected(parser):
    rule, line, col, _ = load_bad("base: &b {x: 1}\nplan:\n  <<: *b\n  y: 2\n")
    assert (rule, line, col) == ("YAML_MERGE_KEY", 3, 3)


def test_a_quoted_merge_key_is_just_a_key(parser):
    assert load_ok('"<<": 1') == {"<<": 1}


def test_collection_keys_are_rejected(parser):
    assert load_bad("? [a, b]\n: 1\n")[:3] == ("YAML_KEY_NOT_STRING", 1, 3)
    assert load_bad("{[monthly, annual]: 29}")[:3] == ("YAML_KEY_NOT_STRING", 1, 2)


def test_aliases_as_whole_values_are_fine(parser):
    data = load_ok("a: &x [1, 2]\nb: *x")
    assert data == {"a": [1, 2], "b": [1, 2]}


def test_an_alias_without_anchor_is_a_syntax_error(parser):
    rule, line, col, message = load_bad("a: 1\nb: *nowhere\n")
    assert (rule, line, col) == ("YAML_SYNTAX", 2, 4)
    assert '"&nowhere"' in message


# -- hostile input -----------------------------------------------------------

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


def test_billion_laughs_fails_fast(parser):
    started = time.perf_counter()
    rule, line, col, message = load_bad(BILLION_LAUGHS)
    assert time.perf_counter() - started < 2
    assert rule == "YAML_ALIAS_LIMIT" and "100,000" in message
    assert line == 6  # the first line whose aliases pass the bound


def test_many_small_aliases_within_the_bound_are_fine(parser):
    text = "x: &x [1, 2, 3]\n" + "".join(f"k{i}: *x\n" for i in range(1000))
    assert len(load_ok(text)) == 1001


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "a: " + "{a: " * 10_000 + "1" + "}" * 10_000,
        "".join(" " * i + "- \n" for i in range(0, 2000, 2)),
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_deep_nesting_fails_fast_without_recursion_error(parser, text):
    started = time.perf_counter()
    rule, _, _, message = load_bad(text)
    assert time.perf_counter() - started < 5
    assert rule == "YAML_DEPTH_LIMIT" and "64" in message


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("[" * 10_000 + "]" * 10_000, (1, 65)),
        ("a: " + "{a: " * 10_000 + "1" + "}" * 10_000, (1, 4 + 4 * 63)),
        ("k: [1, " + "[" * 2_000, (1, 7 + 63)),
    ],
    ids=["flow-sequences", "flow-mappings", "after-items"],
)
def test_deep_nesting_is_reported_at_level_65_by_every_parser(parser, text, position):
    """libyaml 0.2.6 stops at 1,000 levels by itself; pricegen's bound and position win."""
    rule, line, col, _ = load_bad(text)
    assert (rule, (line, col)) == ("YAML_DEPTH_LIMIT", position)


def test_a_syntax_error_before_deep_nesting_is_still_a_syntax_error(parser):
    rule, line, _, _ = load_bad("a: [1, 2\n b: }\n" + "[" * 2_000)
    assert rule == "YAML_SYNTAX" and line <= 2


def test_nesting_up_to_the_limit_is_fine(parser):
    assert load_ok("[" * 64 + "]" * 64) is not None


def test_tabs_used_for_indentation(parser):
    rule, line, col, message = load_bad("plans:\n  pro:\n\tname: Pro\n")
    assert (rule, line, col) == ("YAML_TAB", 3, 1)
    assert "spaces" in message


def test_tabs_as_separators(parser):
    if parser is yaml.SafeLoader:  # PyYAML's own scanner refuses a tab after "key:"
        assert load_bad("a:\t1")[:3] == ("YAML_TAB", 1, 3)
    else:
        assert load_ok("a:\t1\nb: {x:\t2}") == {"a": 1, "b": {"x": 2}}


@pytest.mark.parametrize(
    ("char", "line", "col"), [("\x00", 2, 6), ("\x07", 2, 6), ("\x1b", 2, 6), ("\ufffe", 2, 6)]
)
def test_control_characters_are_one_line_at_their_position(parser, char, line, col):
    rule, got_line, got_col, message = load_bad(f"a: 1\nb: éé{char}x\n")
    assert (rule, got_line, got_col) == ("YAML_SYNTAX", line, col)
    assert f"U+{ord(char):04X}" in message


# -- files -------------------------------------------------------------------


def write(tmp_path: Path, raw: bytes, name: str = "pricing.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def load_one(path: Path):
    loaded, diagnostics = load_file(path, path.name)
    return loaded, [(d.rule, d.line, d.col, d.message) for d in diagnostics]


def test_non_utf8_bytes_report_the_bad_byte(tmp_path):
    path = write(tmp_path, b"a: 1\nname: Caf" + b"\xe9 au lait\n")
    loaded, [(rule, line, col, message)] = load_one(path)
    assert loaded is None and (rule, line, col) == ("YAML_ENCODING", 2, 10)
    assert "0xe9" in message


def test_non_utf8_column_counts_characters(tmp_path):
    path = write(tmp_path, "a: 1\nname: Ünïcode \xff\n".encode().replace(b"\xc3\xbf", b"\xff"))
    _, [(rule, line, col, _)] = load_one(path)
    assert (rule, line, col) == ("YAML_ENCODING", 2, 15)


def test_utf16_is_not_utf8(tmp_path):
    path = write(tmp_path, "pricegen: 1\n".encode("utf-16"))
    _, [(rule, line, col, _)] = load_one(path)
    assert (rule, line, col) == ("YAML_ENCODING", 1, 1)


def test_a_utf8_bom_is_accepted(tmp_path):
    loaded, problems = load_one(write(tmp_path, b"\xef\xbb\xbfa: 1\n"))
    assert problems == [] and loaded.data == {"a": 1}


@pytest.mark.parametrize(
    "raw",
    [b"", b"\n\n", b"   \n  ", b"# only a comment\n# and another\n", b"\xef\xbb\xbf", b"---\n"],
)
def test_empty_files(tmp_path, raw):
    loaded, [(rule, line, col, message)] = load_one(write(tmp_path, raw))
    assert loaded is None and (rule, line, col) == ("YAML_EMPTY", 1, 1)
    assert "pricegen: 1" in message


def test_a_document_of_only_null_is_empty(tmp_path):
    _, [(rule, *_)] = load_one(write(tmp_path, b"null\n"))
    assert rule == "YAML_EMPTY"


def test_file_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 16)
    loaded, [(rule, line, col, message)] = load_one(write(tmp_path, b"a: 1\n" * 10))
    assert loaded is None and (rule, line, col) == ("FILE_TOO_LARGE", 1, 1)
    assert "50 bytes" in message and "at most 16 bytes" in message


def test_file_too_large_is_checked_before_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(source.MAX_FILE_BYTES + 1)  # sparse: no disk, never read
    _, [(rule, *_)] = load_one(path)
    assert rule == "FILE_TOO_LARGE"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    path = write(tmp_path, b"a: 1\n")
    path.chmod(0)
    try:
        _, [(rule, _, _, message)] = load_one(path)
    finally:
        path.chmod(0o644)
    assert rule == "FILE_UNREADABLE" and "Permission denied" in message


def test_the_sha256_is_of_the_bytes(tmp_path):
    import hashlib

    raw = b"\xef\xbb\xbfa: 1\n"
    loaded, _ = load_one(write(tmp_path, raw))
    assert loaded.sha256 == hashlib.sha256(raw).hexdigest()


# -- directories -------------------------------------------------------------


def catalog_dir(tmp_path: Path) -> Path:
    root = tmp_path / "pricing"
    (root / "plans").mkdir(parents=True)
    (root / "product.yaml").write_text("pricegen: 1\n")
    (root / "plans" / "pro.yml").write_text("pricegen: 1\n")
    (root / "plans" / "a.yaml").write_text("pricegen: 1\n")
    (root / "README.md").write_text("not a catalog file\n")
    (root / ".hidden.yaml").write_text("pricegen: 2\n")
    (root / ".git").mkdir()
    (root / ".git" / "x.yaml").write_text(": : :\n")
    return root


def test_directories_load_yaml_files_in_path_order(tmp_path):
    root = catalog_dir(tmp_path)
    sources, problems = load(root, "pricing")
    assert problems == []
    assert [s.path for s in sources] == [
        "pricing/plans/a.yaml",
        "pricing/plans/pro.yml",
        "pricing/product.yaml",
    ]


def test_a_directory_without_yaml_is_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    sources, [problem] = load(tmp_path, "pricing")
    assert sources == [] and problem.rule == "CATALOG_EMPTY" and problem.path == "pricing"


def test_a_missing_path(tmp_path):
    sources, [problem] = load(tmp_path / "nope", "nope")
    assert sources == [] and (problem.rule, problem.path) == ("CATALOG_NOT_FOUND", "nope")


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_broken_symlink_in_a_directory_is_reported(tmp_path):
    root = catalog_dir(tmp_path)
    (root / "plans" / "team.yaml").symlink_to("../../moved/team.yaml")
    sources, [problem] = load(root, "pricing")
    assert len(sources) == 3
    assert (problem.rule, problem.path) == ("FILE_UNREADABLE", "pricing/plans/team.yaml")
    assert '"../../moved/team.yaml", which does not exist' in problem.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_in_a_directory_is_reported_not_read(tmp_path):
    root = catalog_dir(tmp_path)
    os.mkfifo(root / "plans" / "pipe.yaml")  # reading it would block forever
    sources, [problem] = load(root, "pricing")
    assert (problem.rule, problem.path) == ("FILE_UNREADABLE", "pricing/plans/pipe.yaml")
    assert "named pipe" in problem.message


def test_a_symlink_to_a_file_is_followed(tmp_path):
    root = catalog_dir(tmp_path)
    (tmp_path / "shared.yaml").write_text("pricegen: 1\n")
    (root / "shared.yaml").symlink_to(tmp_path / "shared.yaml")
    sources, problems = load(root, "pricing")
    assert problems == [] and "pricing/shared.yaml" in [s.path for s in sources]


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_an_explicit_device_is_read(tmp_path):
    sources, [problem] = load(Path("/dev/null"), "/dev/null")
    assert problem.rule == "YAML_EMPTY"


# -- positions ---------------------------------------------------------------

POSITIONS = """\
pricegen: 1
plans:
  pro:
    name: Pro
    price:
      monthly: {USD: 29, EUR: 27}
    tiers:
      - up_to: 5
      -   unit_price: 3
"""


def test_every_mapping_and_list_remembers_positions(parser):
    data = load_ok(POSITIONS)
    assert isinstance(data, YamlMap) and isinstance(data["plans"]["pro"]["tiers"], YamlList)
    assert data.marks["plans"] == (2, 1, 3, 3)  # key line, key col, value line, value col
    assert data["plans"]["pro"]["tiers"].marks == [(8, 9), (9, 11)]


def test_locate_values_and_keys(parser):
    data = load_ok(POSITIONS)
    src = SourceFile("p.yaml", POSITIONS, data, "")
    loc = src.locate(("plans", "pro", "price", "monthly", "EUR"))
    assert (loc.path, loc.line, loc.col) == ("p.yaml", 6, 31)
    assert str(src.locate(("plans", "pro", "price", "monthly", "EUR"), key=True)) == "p.yaml:6:26"
    assert str(src.locate(("plans", "pro", "name"), key=True)) == "p.yaml:4:5"
    assert str(src.locate(("plans", "pro", "tiers", 1, "unit_price"))) == "p.yaml:9:23"
    assert str(src.locate(("plans", "pro", "tiers", 0))) == "p.yaml:8:9"


def test_locate_stops_at_the_deepest_existing_parent(parser):
    data = load_ok(POSITIONS)
    src = SourceFile("p.yaml", POSITIONS, data, "")
    assert str(src.locate(("plans", "pro", "trial", "days"))) == "p.yaml:4:5"  # pro's value
    assert str(src.locate(("plans", "pro", "tiers", 7))) == "p.yaml:8:7"
    assert str(src.locate(())) == "p.yaml:1:1"


def test_yaml_suffixes_count_in_any_letter_case(tmp_path):
    """pricing.YAML, as a case-blind disk or an editor may name it, is a catalog file;
    other suffixes are not."""
    for name in ("a.YAML", "b.Yml", "c.yaml", "notes.txt", "d.yaml.bak"):
        (tmp_path / name).write_text("x: 1\n")
    assert [p.name for p in source.discover(tmp_path)] == ["a.YAML", "b.Yml", "c.yaml"]
