"""Hostile catalog text reaches every output as inert text.

Names and descriptions hold script tags, Jinja syntax, Markdown table pipes,
newlines, quotes and spreadsheet formulas. Each output format must keep
them as data: the HTML runs no script of theirs, the Markdown table keeps
its columns, the CSV has no live formula, and the Python module compiles
and gives the strings back exactly.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

import pricegen
from pricegen import compile_catalog
from pricegen.runtime import load_evaluator
from pricegen.targets import render

HOSTILE = [
    "</script><script>alert(1)</script>",
    "{{ 7*7 }} {% raw %}",
    "a | b || c",
    "line one\nline two",
    "quotes ''' \"\"\" \\ \\n",
    '=HYPERLINK("http://evil")',
    "+1 -1 @SUM(A1)",
    "<img src=x onerror=alert(2)>",
    "\u2028separator\u2029",
    "]]> <!-- --> ${x} `code` *bold* [link](javascript:alert(3))",
]


def yaml_str(text: str) -> str:
    return json.dumps(text)  # JSON strings are valid YAML double-quoted scalars


def hostile_catalog(tmp_path):
    features = "\n".join(
        f"  f{i}: {{name: {yaml_str(t)}, description: {yaml_str(t)}, type: boolean, group: {yaml_str(t)}}}"  # noqa: E501
        for i, t in enumerate(HOSTILE)
    )
    grants = ", ".join(f"f{i}: true" for i in range(len(HOSTILE)))
    text = f"""pricegen: 1
product:
  id: evil
  name: {yaml_str(HOSTILE[0])}
  description: {yaml_str(HOSTILE[3])}
  currencies: [USD]
  billing_periods: [monthly]
features:
{features}
  seats: {{name: {yaml_str(HOSTILE[2])}, type: metered, unit: [{yaml_str(HOSTILE[1])}, {yaml_str(HOSTILE[5])}]}}
plans:
  free:
    name: {yaml_str(HOSTILE[5])}
    description: {yaml_str(HOSTILE[7])}
    default: true
    entitlements: {{f0: true, seats: 3}}
  pro:
    name: {yaml_str(HOSTILE[0])}
    description: {yaml_str(HOSTILE[4])}
    extends: free
    price: 10
    entitlements: {{{grants}}}
addons:
  extra:
    name: {yaml_str(HOSTILE[8])}
    description: {yaml_str(HOSTILE[9])}
    plans: [pro]
    price: 5
    entitlements: {{seats: 1}}
"""  # noqa: E501
    path = tmp_path / "pricing.yaml"
    path.write_text(text, "utf-8")
    build = compile_catalog(path)
    assert build.ok, build.diagnostics
    return build.catalog


@pytest.fixture
def outputs(tmp_path):
    catalog = hostile_catalog(tmp_path)
    return catalog, render(catalog)


class ScriptCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self.handlers: list[str] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))
        if tag == "img":
            self.handlers.append("img")

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def test_html_has_only_its_own_scripts(outputs):
    _, files = outputs
    parser = ScriptCollector()
    parser.feed(files["pricing.html"])
    kinds = [attrs.get("type") for attrs, _ in parser.scripts]
    # the data island, our own code, and the generated evaluator with the calculator
    assert kinds == ["application/json", None, "module"]
    assert "alert" not in parser.scripts[1][1]
    module = next(text for path, text in files.items() if path.endswith(".mjs"))
    calculator = (Path(pricegen.__file__).parent / "render/templates/calculator.js").read_text()
    assert parser.scripts[2][1] == f"\n{module}\n{calculator}\n"  # that text, nothing else
    assert parser.handlers == []  # no <img>, no on* attribute came from the catalog
    data = json.loads(parser.scripts[0][1])
    assert data["prices"]["plan:pro"]["monthly"]["USD"]["amount"] == "10"


def test_html_shows_the_text_escaped(outputs):
    _, files = outputs
    html = files["pricing.html"]
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html  # shown, never evaluated


def _md_table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("| ")]


def _unescaped_pipes(line: str) -> int:
    count, escaped = 0, False
    for char in line:
        if char == "|" and not escaped:
            count += 1
        escaped = char == "\\" and not escaped
    return count


def test_markdown_table_keeps_its_columns(outputs):
    _, files = outputs
    rows = _md_table_rows(files["pricing-table.md"])
    assert len(rows) > 5
    widths = {_unescaped_pipes(row) for row in rows}
    assert widths == {4}  # 2 plans + the label column: 4 separators on every row
    assert "<script>" not in files["pricing-table.md"]
    for name, text in files.items():
        if name.endswith(".md"):
            assert "<script>" not in text and "<img" not in text, name


def test_csv_has_no_live_formula(outputs):
    _, files = outputs
    rows = list(csv.reader(io.StringIO(files["pricing-table.csv"])))
    width = len(rows[0])
    for row in rows:
        assert len(row) == width
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert any(cell == "'" + HOSTILE[5] for row in rows for cell in row)


def test_python_module_round_trips_every_string(outputs):
    catalog, files = outputs
    module_source = files["evil_pricing.py"]
    compile(module_source, "evil_pricing.py", "exec")
    module = load_evaluator(catalog)
    for i, text in enumerate(HOSTILE):
        assert module.FEATURES[f"f{i}"]["name"] == text
        assert module.FEATURES[f"f{i}"]["description"] == text
    assert module.PLANS["pro"]["name"] == HOSTILE[0]
    assert module.PLANS["pro"]["description"] == HOSTILE[4]
    assert module.ADDONS["extra"]["name"] == HOSTILE[8]
    assert module.CATALOG["product"]["name"] == HOSTILE[0]
    json_catalog = json.loads(files["catalog.json"])
    assert json_catalog["plans"]["free"]["name"] == HOSTILE[5]
