"""The documentation target: an overview, a page per plan and add-on, worked examples."""

from __future__ import annotations

from ..model import Addon, Catalog, Plan
from ..render import pages
from ..render.describe import PERIOD_ADVERBS, Words
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


def _index(catalog: Catalog, words: Words, common: dict) -> str:
    published = [p for p in catalog.plans.values() if p.status == "published"]
    return ENV.get_template("index.md.jinja").render(
        **common,
        periods=[PERIOD_ADVERBS[p] for p in catalog.product.billing_periods],
        plans=published,
        archived=[p for p in catalog.plans.values() if p.status == "archived"],
        addons=[a for a in catalog.addons.values() if a.status != "archived"],
        plan_prices={p.id: _price_summary(catalog, p, words) for p in published},
        trials={p.id: words.trial(p) for p in published},
    )


def _price_summary(catalog: Catalog, plan: Plan, words: Words) -> str:
    currency = catalog.product.default_currency
    texts = [words.plan_price(plan, p, currency) for p in plan.billing_periods]
    return " or ".join(dict.fromkeys(texts))  # "Free", not "Free or Free"


def _plan_page(catalog: Catalog, plan: Plan, words: Words, common: dict) -> str:
    addons = [a for a in catalog.addons.values() if plan.id in a.plans and a.status != "archived"]
    return ENV.get_template("plan.md.jinja").render(
        **common,
        plan=plan,
        prices=pages.price_rows(catalog, plan, words),
        trial=words.trial(plan) if plan.trial else "",
        parent=pages.shown_parent(catalog, plan),
        included=pages.included_lines(catalog, plan, words),
        charges=[pages.charge_context(catalog, plan, c, words) for c in plan.charges],
        addons=addons,
        addon_prices={a.id: pages.addon_price(catalog, a, words) for a in addons},
    )


def _addon_page(catalog: Catalog, addon: Addon, words: Words, common: dict) -> str:
    return ENV.get_template("addon.md.jinja").render(
        **common,
        addon=addon,
        price=pages.addon_price(catalog, addon, words),
        plans=[catalog.plans[p] for p in addon.plans if p in catalog.plans],
        requires=[catalog.addons[a] for a in addon.requires if a in catalog.addons],
        excludes=[catalog.addons[a] for a in addon.excludes if a in catalog.addons],
        grants=pages.addon_grants(catalog, addon, words),
    )
