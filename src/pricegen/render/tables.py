"""The plan comparison table, built once and written as Markdown, CSV and HTML.

Features are rows, grouped in catalog order; published plans are columns
in ladder order. Archived plans never appear: the table is what a new
customer can buy. Draft plans appear, marked as drafts, only in a build
with --include-drafts (without it they are not in the catalog at all).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ..model import Catalog, Plan
from ..money import text as decimal_text
from .describe import PERIOD_TITLES, Words
from .prices import plan_headline, shown_name, trial_text


@dataclass(frozen=True)
class Cell:
    text: str  # for people
    value: str  # for machines (CSV): plain decimal strings for money


@dataclass(frozen=True)
class Row:
    key: str  # feature id, or price:<period>:<currency>, or trial
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Table:
    plans: tuple[Plan, ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)


def sellable_plans(catalog: Catalog) -> tuple[Plan, ...]:
    return tuple(p for p in catalog.plans.values() if p.status != "archived")


def build_table(catalog: Catalog, words: Words) -> Table:
    plans = sellable_plans(catalog)
    sections = [_price_section(catalog, plans, words)]
    sections += _feature_sections(catalog, plans, words)
    return Table(plans, tuple(s for s in sections if s.rows))


def _price_section(catalog: Catalog, plans, words: Words) -> Section:
    rows = []
    for period in catalog.product.billing_periods:
        for currency in catalog.product.currencies:
            cells = tuple(
                Cell(
                    plan_headline(catalog, plan, period, currency, words).full,
                    _price_value(plan, period, currency),
                )
                for plan in plans
            )
            label = f"{PERIOD_TITLES[period]} price ({currency})"
            rows.append(Row(f"price:{period}:{currency}", label, cells))
    if any(plan.trial for plan in plans):
        trials = [trial_text(plan, words) for plan in plans]
        cells = tuple(Cell(text, text) for text in trials)
        rows.append(Row("trial", "Free trial", cells))
    return Section("Pricing", tuple(rows))


def _price_value(plan: Plan, period: str, currency: str) -> str:
    if plan.custom:
        return "custom"
    if period not in plan.billing_periods:
        return ""
    base = plan.price[period][currency] if plan.price else Decimal(0)
    return decimal_text(base)


def _feature_sections(catalog: Catalog, plans, words: Words) -> list[Section]:
    groups: dict[str, list[Row]] = {}
    shared: dict[str, Cell] = {}
    for feature in catalog.features.values():
        cells = tuple(_text_cell(words.plan_cell(plan, feature), shared) for plan in plans)
        if all(cell.text == "–" for cell in cells):
            continue  # in no sellable plan: nothing to compare
        groups.setdefault(feature.group or "Features", []).append(
            Row(feature.id, feature.name, cells)
        )
    return [Section(title, tuple(rows)) for title, rows in groups.items()]


def _text_cell(text: str, shared: dict[str, Cell]) -> Cell:
    """The one Cell of ``text`` in this table: cells are immutable, a table of
    features has tens of thousands, and few distinct texts ("✓", "–")."""
    cell = shared.get(text)
    if cell is None:
        cell = shared[text] = Cell(text, text)
    return cell


# -- Markdown ------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans(
    {c: "\\" + c for c in "\\`*_[]|~"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
)
_MD_LINE_START = ("#", "+", "-", "=", "!")
# Whitespace that may break a line; no-break spaces (1.234,00\xa0€, 1\u202f234) stay.
_BREAKING_SPACE = re.compile(r"(?:(?![\xa0\u2007\u202f])\s)+")


@lru_cache(maxsize=1 << 14, typed=True)  # typed: 1 and True differ
def md_inline(text: str) -> str:
    """Catalog text as literal Markdown: no markup, no HTML, one line.

    Newlines fold to spaces (a table row stays one row), no-break spaces stay; characters that
    open markup are backslash-escaped, and HTML is written as entities. Remembered: a
    large table has tens of thousands of cells and few distinct texts ("✓", "–").
    """
    flat = " ".join(_BREAKING_SPACE.split(str(text))).strip().translate(_MD_SPECIAL)
    if flat.startswith(_MD_LINE_START) or flat[:1].isdigit() and ". " in flat[:12]:
        flat = "\\" + flat
    return flat


def markdown_table(table: Table) -> str:
    header = ["Feature", *(md_inline(shown_name(p)) for p in table.plans)]
    lines = [_md_row(header), _md_row(["---"] + [":---:"] * len(table.plans))]
    for section in table.sections:
        lines.append(_md_row([f"**{md_inline(section.title)}**"] + [""] * len(table.plans)))
        for row in section.rows:
            lines.append(_md_row([md_inline(row.label), *(md_inline(c.text) for c in row.cells)]))
    return "\n".join(lines)


def _md_row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


# -- CSV -----------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@lru_cache(maxsize=1 << 14, typed=True)  # typed: 1 and True differ
def csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas: a leading = + - @ becomes literal text.

    Carriage returns become newlines first: the writer quotes a cell for the
    line terminator ("\n") only, so a bare "\r" would split the row in two.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_table(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "key", "label", *(p.id for p in table.plans)])
    writer.writerow(["", "", "plan name", *(csv_safe(shown_name(p)) for p in table.plans)])
    for section in table.sections:
        for row in section.rows:
            writer.writerow(
                [
                    csv_safe(section.title),
                    row.key,
                    csv_safe(row.label),
                    *(csv_safe(cell.value) for cell in row.cells),
                ]
            )
    return buffer.getvalue()
