"""A corpus of hostile strings through every text field into every output.

Each string of the corpus is used as a name, a description, a feature
group, a unit, an enum value, a plan, charge and add-on text. The catalog
is rendered twice: with the corpus, and with the corpus replaced by plain
words. Catalog text must stay data, so each output must have the same
*structure* both times, and only text may differ:

- the Python module: the same syntax tree, string constants aside (catalog
  text only ever sits inside literals), and it gives every string back;
- the HTML page: the same sequence of tags and attribute names (no tag,
  attribute, script or event handler came from the catalog), and a JSON
  data island that cannot end its script element;
- the Markdown pages: the same lines, headings and table columns, and every
  link target is one of ours;
- the CSV table: the same rows and columns, and no cell starts a formula
  (``=``, ``+``, ``-``, ``@``, tab, carriage return);
- catalog.json: gives every string back.

tests/test_hostile_browser.py loads the HTML page in Chromium and checks
that no script of the corpus runs.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from fuzz.strategies import scalar

from pricegen import compile_catalog
from pricegen.runtime import load_evaluator
from pricegen.targets import render

CORPUS = [
    # HTML and script injection
    "</script><script>window.__pwned=1</script>",
    "</SCRIPT ><script >window.__pwned=2</script >",
    "<img src=x onerror=window.__pwned=3>",
    '"><svg/onload=window.__pwned=4>',
    "'><iframe srcdoc='<script>parent.__pwned=5</script>'>",
    "<a href=javascript:window.__pwned=6>click</a>",
    "<style>body{display:none}</style>",
    "<!-- comment --> <![CDATA[ x ]]> ]]>",
    "&lt;script&gt; &amp; &#x3C;script&#x3E; &quot;",
    "<scr<script>ipt>window.__pwned=7</scr</script>ipt>",
    "<body onload=window.__pwned=8>",
    "<details open ontoggle=window.__pwned=9>",
    "{{constructor.constructor('window.__pwned=10')()}}",
    "${window.__pwned=11} `${x}`",
    "\u2028\u2029</script>",
    # Markdown
    "[click](javascript:window.__pwned=12)",
    "![img](http://evil.example/x.png)",
    "<http://evil.example> <mailto:x@evil.example>",
    "# Heading\n## Another",
    "---",
    "| a | b |\n|---|---|",
    "*bold* _it_ `code` ~~s~~ \\",
    "1. item",
    "> quote",
    "[ref]: http://evil.example",
    # Spreadsheets
    '=HYPERLINK("http://evil.example","x")',
    "=1+1",
    "+SUM(A1:A9)",
    "-2+3",
    "@SUM(A1)",
    "\t=cmd|' /C calc'!A0",
    "\r=1",
    'a,b;"c"\nd',
    # Python and templates
    "\"\"\" ''' \\ \\n \\x00 \\N{BULLET}",
    "{{ 7*7 }} {% raw %} {# c #}",
    "{0} {name!r} %s %(x)s",
    "__import__('os').system('touch /tmp/pwned')",
    "# -*- coding: latin-1 -*-",
    "\x00\x01\x07\x1b[31m\x7f",
    # Unicode
    "\u202eevil\u202c \u200b\u200d \ufeff",
    "😀 ünïcödé 中文 עברית \U0001f4a9",
    "e\u0301\u0301\u0301",
    "../../etc/passwd",
]
PLAIN = [f"Plain words number {i}" for i in range(len(CORPUS))]


def _q(text: str) -> str:
    """A YAML double-quoted scalar, every character YAML cannot hold raw escaped."""
    return scalar(text)


def catalog_yaml(strings: list[str]) -> str:
    short = lambda s, n: s[:n] or "x"  # noqa: E731 - units and groups have length limits
    lines = [
        "pricegen: 1",
        "product:",
        "  id: hostile",
        f"  name: {_q(strings[0])}",
        f"  description: {_q(' '.join(strings))}",
        "  currencies: [USD, EUR]",
        "  billing_periods: [monthly, annual]",
        "features:",
    ]
    for i, text in enumerate(strings):
        lines.append(
            f"  b{i}: {{name: {_q(text)}, description: {_q(text)}, group: {_q(short(text, 100))}, type: boolean}}"  # noqa: E501
        )
        lines.append(
            f"  m{i}: {{name: {_q(text)}, type: metered, unit: [{_q(short(text, 50))}, {_q(short(text, 50))}]}}"  # noqa: E501
        )
    values = list(dict.fromkeys(short(t, 100) for t in strings))
    lines.append(f"  e: {{name: Enum, type: enum, values: [{', '.join(_q(v) for v in values)}]}}")
    lines.append(f"  c: {{name: Config, type: config, unit: {_q(short(strings[1], 50))}}}")
    lines.append("plans:")
    lines.append("  free: {name: Free, default: true, entitlements: {b0: true, c: 3}}")
    for i, text in enumerate(strings):
        month, year = i + 1, 10 * i + 10
        price = f"{{monthly: {{USD: {month}, EUR: {month}}}, annual: {{USD: {year}, EUR: {year}}}}}"
        lines += [
            f"  p{i}:",
            f"    name: {_q(text)}",
            f"    description: {_q(text)}",
            "    extends: free",
            f"    price: {price}",
            f"    entitlements: {{b{i}: true, m{i}: 10, e: [{_q(values[i % len(values)])}]}}",
            "    charges:",
            f"      m{i}: {{model: per_unit, description: {_q(text)}, unit_price: {price}}}",
        ]
    lines.append("addons:")
    for i, text in enumerate(strings):
        lines.append(
            f"  a{i}: {{name: {_q(text)}, description: {_q(text)}, plans: [p{i}], price: "
            f"{{monthly: {{USD: 1, EUR: 1}}, annual: {{USD: 9, EUR: 9}}}}, entitlements: {{m{i}: 5}}}}"  # noqa: E501
        )
    return "\n".join(lines) + "\n"


def built(tmp_path, strings: list[str], name: str):
    path = tmp_path / f"{name}.yaml"
    path.write_text(catalog_yaml(strings), "utf-8")
    build = compile_catalog(path)
    assert build.ok, build.diagnostics
    return build.catalog, render(build.catalog)


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    hostile_catalog, hostile = built(tmp, CORPUS, "hostile")
    _, plain = built(tmp, PLAIN, "plain")
    return hostile_catalog, hostile, plain


def test_the_corpus_is_used_everywhere(renders):
    catalog, files, plain = renders
    assert set(files) == set(plain)
    assert len(catalog.plans) == len(CORPUS) + 1 and len(catalog.addons) == len(CORPUS)


# -- Python ---------------------------------------------------------------------------


class _Blank(ast.NodeTransformer):
    def visit_Constant(self, node):
        return ast.Constant("") if isinstance(node.value, str) else node


def _shape(source: str) -> str:
    return ast.dump(_Blank().visit(ast.parse(source)), include_attributes=False)


def test_the_module_has_the_same_syntax_tree(renders):
    _, files, plain = renders
    name = next(n for n in files if n.endswith("_pricing.py"))
    assert _shape(files[name]) == _shape(plain[name])  # catalog text only inside literals


def test_the_module_gives_every_string_back(renders):
    catalog, _, _ = renders
    module = load_evaluator(catalog)
    for i, text in enumerate(CORPUS):
        assert module.FEATURES[f"b{i}"]["name"] == text
        assert module.FEATURES[f"b{i}"]["description"] == text
        assert module.PLANS[f"p{i}"]["name"] == text
        assert module.PLANS[f"p{i}"]["charges"][0]["description"] == text
        assert module.ADDONS[f"a{i}"]["name"] == text
    assert module.CATALOG["product"]["name"] == CORPUS[0]
    quote = module.quote(
        module.Subscription(plan="p0", quantities={}, addons={"a0": 1}), usage={"m0": 2}
    )
    assert CORPUS[0] in quote.lines[0].description  # text, not code


# -- HTML -----------------------------------------------------------------------------


class _Tags(HTMLParser):
    """The sequence of tags with their attribute names, and the data island."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple] = []
        self.island = ""
        self._in_island = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(("<", tag, tuple(name for name, _ in attrs)))
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action", "formaction"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:")), value
        self._in_island = tag == "script" and ("type", "application/json") in attrs

    def handle_endtag(self, tag):
        self.tags.append((">", tag))
        self._in_island = False

    def handle_data(self, data):
        if self._in_island:
            self.island += data


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def test_the_html_page_has_the_same_tags(renders):
    _, files, plain = renders
    hostile, benign = _parse(files["pricing.html"]), _parse(plain["pricing.html"])
    assert hostile.tags == benign.tags
    scripts = [t for t in hostile.tags if t[:2] == ("<", "script")]
    # the JSON data island, pricegen's page code, and the evaluator module with the calculator
    assert len(scripts) == 3


def test_the_html_data_island_cannot_end_its_script(renders):
    _, files, plain = renders
    island = _parse(files["pricing.html"]).island
    assert "<" not in island and ">" not in island and "&" not in island
    assert json.loads(island) == json.loads(_parse(plain["pricing.html"]).island)  # prices only


def test_the_html_shows_the_text_escaped(renders):
    _, files, _ = renders
    html = files["pricing.html"]
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<script>window.__pwned" not in html and "<img src=x" not in html


# -- Markdown -------------------------------------------------------------------------

_LINK = re.compile(r"(?<!\\)\]\(([^)]*)\)")


def test_markdown_keeps_its_structure(renders):
    _, files, plain = renders
    for name in files:
        if not name.endswith(".md"):
            continue
        hostile, benign = files[name].split("\n"), plain[name].split("\n")
        assert len(hostile) == len(benign), name
        for mine, theirs in zip(hostile, benign, strict=True):
            assert mine.startswith("#") == theirs.startswith("#"), (name, mine)
            assert mine.startswith(">") == theirs.startswith(">"), (name, mine)
            assert mine.startswith("|") == theirs.startswith("|"), (name, mine)
            if mine.startswith("|"):
                assert _pipes(mine) == _pipes(theirs), (name, mine)
        for target in _LINK.findall(files[name]):
            assert re.fullmatch(r"[a-z0-9_./#-]+", target), (name, target)
        for raw in ("<script", "<img", "<svg", "<iframe", "<style", "<a href", "<details", "<http"):
            assert raw not in files[name].lower(), (name, raw)


def _pipes(line: str) -> int:
    count, escaped = 0, False
    for char in line:
        if char == "|" and not escaped:
            count += 1
        escaped = char == "\\" and not escaped
    return count


# -- CSV ------------------------------------------------------------------------------


def test_csv_has_the_same_shape_and_no_formula(renders):
    _, files, plain = renders
    hostile = list(csv.reader(io.StringIO(files["pricing-table.csv"], newline="")))
    benign = list(csv.reader(io.StringIO(plain["pricing-table.csv"], newline="")))
    assert [len(row) for row in hostile] == [len(row) for row in benign]
    for row in hostile:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    cells = {cell for row in hostile for cell in row}
    assert "'=1+1" in cells and "'@SUM(A1)" in cells and "'-2+3" in cells
    assert 'a,b;"c"\nd' in cells  # quoted by the writer, read back whole


# -- catalog.json ---------------------------------------------------------------------


def test_catalog_json_gives_every_string_back(renders):
    _, files, _ = renders
    data = json.loads(files["catalog.json"])
    for i, text in enumerate(CORPUS):
        assert data["features"][f"b{i}"]["name"] == text
        assert data["plans"][f"p{i}"]["description"] == text
        assert data["addons"][f"a{i}"]["description"] == text
