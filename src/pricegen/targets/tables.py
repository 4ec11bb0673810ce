"""The pricing tables target: one plan comparison in Markdown, CSV and a page."""

from __future__ import annotations

from importlib.resources import files

from markupsafe import Markup

from ..render import webpage
from ..render.calculator import calculator_plans, script_text
from ..render.tables import build_table, csv_table, markdown_table
from ..render.templating import ENV, common_context
from .base import RenderContext


class PricingTables:
    """``pricing-table.md``, ``pricing-table.csv`` and ``pricing.html``, from one Table."""

    name = "tables"

    def render(self, context: RenderContext) -> dict[str, str]:
        catalog, words = context.catalog, context.words
        table = build_table(catalog, words)
        common = common_context(catalog)
        page = webpage.html_context(catalog, table, words)
        calculator = calculator_plans(catalog, list(table.plans))
        scripts = _calculator_scripts(context) if calculator else {}
        html = ENV.get_template("pricing.html.jinja").render(
            **common, table=table, calculator=calculator, **scripts, **_html_safe(page)
        )
        markdown = ENV.get_template("pricing-table.md.jinja").render(
            **common, table=markdown_table(table)
        )
        return {
            "pricing-table.md": markdown,
            "pricing-table.csv": csv_table(table),
            "pricing.html": html,
        }


def _calculator_scripts(context: RenderContext) -> dict:
    """The evaluator module and the calculator's code, as checked inline script text."""
    code = files("pricegen.render").joinpath("templates", "calculator.js").read_text("utf-8")
    return {
        "evaluator_js": Markup(script_text(context.javascript_source)),
        "calculator_js": Markup(script_text(code)),
    }


def _html_safe(context: dict) -> dict:
    """The one pre-escaped value: JSON whose <, > and & are already \\u-escaped."""
    return {**context, "data_json": Markup(context["data_json"])}
