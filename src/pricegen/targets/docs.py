"""The documentation target: an overview, a page per plan and add-on, worked examples."""

from __future__ import annotations

from ..model import Addon, Catalog, Plan
from ..render import inheritance, pages
from ..render.charges import charge_view
from ..render.describe import PERIOD_ADVERBS, Words
from ..render.prices import plan_headline, shown_name, trial_text
from ..render.templating import ENV, common_context
from .base import RenderContext


class Docs:
    """``docs/``: Markdown for customers and sales, in the catalog's locale."""

    name = "docs"

    def render(self, context: RenderContext) -> dict[str, str]:
        catalog, words = context.catalog, context.words
        common = common_context(catalog)
        files = {
            "docs/index.md": _index(catalog, words, common),
            "docs/pricing-models.md": ENV.get_template("pricing-models.md.jinja").render(
                **common,
                rounding=catalog.product.rounding.replace("_", "-"),
                # the evaluator itself computes the worked examples
                examples=pages.worked_examples(catalog, context.evaluator, words),
            ),
        }
        for plan in catalog.plans.values():
            files[f"docs/plans/{plan.id}.md"] = _plan_page(catalog, plan, words, common)
        for addon in catalog.addons.values():
            files[f"docs/addons/{addon.id}.md"] = _addon_page(catalog, addon, words, common)
        return files


def _plans_and_addons(catalog: Catalog) -> list[Plan | Addon]:
    return [*catalog.plans.values(), *catalog.addons.values()]


def _index(catalog: Catalog, words: Words, common: dict) -> str:
    sold = [p for p in catalog.plans.values() if p.status != "archived"]
    return ENV.get_template("index.md.jinja").render(
        **common,
        periods=[PERIOD_ADVERBS[p] for p in catalog.product.billing_periods],
        plans=sold,
        archived=[p for p in catalog.plans.values() if p.status == "archived"],
        addons=[a for a in catalog.addons.values() if a.status != "archived"],
        names={item.id: shown_name(item) for item in _plans_and_addons(catalog)},
        plan_prices={p.id: _price_summary(catalog, p, words) for p in sold},
        trials={p.id: trial_text(p, words) for p in sold},
    )


def _price_summary(catalog: Catalog, plan: Plan, words: Words) -> str:
    currency = catalog.product.default_currency
    texts = [plan_headline(catalog, plan, p, currency, words).full for p in plan.billing_periods]
    return " or ".join(dict.fromkeys(texts))  # "Free", not "Free or Free"


def _plan_page(catalog: Catalog, plan: Plan, words: Words, common: dict) -> str:
    addons = [a for a in catalog.addons.values() if plan.id in a.plans and a.status != "archived"]
    views = [charge_view(catalog, plan, c, words) for c in plan.charges]
    return ENV.get_template("plan.md.jinja").render(
        **common,
        plan=plan,
        prices=pages.price_rows(catalog, plan, words),
        trial=trial_text(plan, words) if plan.trial else "",
        included=inheritance.included(catalog, plan, words),
        charges=[pages.charge_context(view, catalog, words) for view in views],
        addons=addons,
        names={a.id: shown_name(a) for a in addons},
        addon_prices={a.id: pages.addon_price_summary(catalog, a, words) for a in addons},
    )


def _addon_page(catalog: Catalog, addon: Addon, words: Words, common: dict) -> str:
    return ENV.get_template("addon.md.jinja").render(
        **common,
        addon=addon,
        prices=pages.addon_price_rows(catalog, addon, words),
        grants=pages.addon_grants(catalog, addon, words),
        **pages.addon_rules(catalog, addon),
    )
