"""The price calculator of pricing.html in headless Chromium, against the Python evaluator.

For every example, every plan the calculator offers, and every period and
currency (clicked on the page's switches), quantities and expected usage are
typed in; the total and each line the page shows must be the Python
evaluator's quote for the same subscription, formatted as it formats money;
a quote the evaluator refuses must show the same error class and no total.
The page works from file: with no network. Each environment's page embeds
that environment's module: staging's calculator quotes the plan published
only there, at staging's prices, and production's does not offer it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import REPO
from test_browser import (
    ARTIFACTS,
    CASES,
    _page,
    _select,
    _write,
    browser,  # noqa: F401 - the browser fixture
)

from pricegen import compile_catalog
from pricegen.config import Config
from pricegen.runtime import load_evaluator
from pricegen.targets import visible

pytestmark = pytest.mark.browser

ENVIRONMENTS = REPO / "examples" / "environments" / "pricing"
CALCULATOR_CASES = [
    *(pytest.param(*case.values, None, id=case.id) for case in CASES),
    *(
        pytest.param(ENVIRONMENTS, False, env, id=f"environments-{env}")
        for env in ("development", "staging", "production")
    ),
]


def _inputs(page) -> list[dict]:
    return page.eval_on_selector_all(
        "fieldset[data-calc-plan]:not([hidden]) input[data-kind]",
        "els => els.map(e => ({id: e.id, kind: e.dataset.kind, key: e.dataset.id}))",
    )


def _typed(inputs: list[dict], catalog, plan_id: str, round_: int) -> dict:
    """What to type in each input: quantities past the first tiers, usage past the
    included units, the first add-on once; different on each round."""
    plan = catalog.plans[plan_id]
    charges = {c.feature: c for c in plan.charges}
    values, addons = {}, 0
    for field in inputs:
        if field["kind"] == "quantity":
            values[field["id"]] = str(7 + 5 * round_)
        elif field["kind"] == "usage":
            values[field["id"]] = str(charges[field["key"]].included + 1234 * (round_ + 1))
        else:
            values[field["id"]] = "1" if addons == 0 and round_ == 1 else "0"
            addons += 1
    return values


def _expected(module, inputs, values, plan_id, period, currency):
    sub_args = {"quantities": {}, "addons": {}}
    usage = {}
    for field in inputs:
        n = int(values[field["id"]])
        target = {"quantity": sub_args["quantities"], "addon": sub_args["addons"], "usage": usage}
        target[field["kind"]][field["key"]] = n
    sub = module.Subscription(plan=plan_id, period=period, currency=currency, **sub_args)
    try:
        return module.quote(sub, usage=usage), None
    except module.PricingError as error:
        return None, type(error).__name__


@pytest.mark.parametrize(("catalog_path", "drafts", "env"), CALCULATOR_CASES)
def test_the_calculator_shows_the_python_evaluators_quote(
    browser,  # noqa: F811
    tmp_path,
    catalog_path,
    drafts,
    env,
):
    config = Config(include_drafts=drafts)
    catalog = visible(compile_catalog(catalog_path, env=env).catalog, config)
    module = load_evaluator(catalog, config)
    page, requests, dialogs, errors = _page(browser, _write(tmp_path, catalog, config))
    plans = page.eval_on_selector_all("#calc-plan option", "els => els.map(e => e.value)")
    assert plans, "a catalog with a quotable plan gets a calculator"
    if env is not None:  # next year's plan is a draft in production, published elsewhere
        assert ("team-2027" in plans) is (env != "production"), plans
        assert page.evaluate("document.querySelector('.test-environment') !== null") is (
            env != "production"
        )
    shown_totals = 0
    for plan_id in plans:
        page.select_option("#calc-plan", value=plan_id)
        inputs = _inputs(page)
        for period in catalog.product.billing_periods:
            for currency in catalog.product.currencies:
                _select(page, catalog, period, currency)
                for round_ in (0, 1):
                    values = _typed(inputs, catalog, plan_id, round_)
                    for selector, value in values.items():
                        page.fill(f"#{selector}", value)
                    quote, error = _expected(module, inputs, values, plan_id, period, currency)
                    where = (plan_id, period, currency, values)
                    total = page.locator("output[data-calc-total]")
                    if error is not None:
                        assert page.get_attribute("[data-calc-error]", "data-error") == error, where
                        assert total.inner_text() == "–" and page.is_visible("[data-calc-error]")
                        continue
                    assert total.get_attribute("data-amount") == str(quote.total), where
                    assert total.inner_text() == module.format_money(quote.total, currency), where
                    rows = page.eval_on_selector_all(
                        "tbody[data-calc-lines] tr",
                        "rows => rows.map(r => [r.dataset.item, r.querySelector('th').textContent,"
                        " r.querySelector('td').dataset.amount])",
                    )
                    lines = [[ln.item, ln.description, str(ln.amount)] for ln in quote.lines]
                    assert rows == lines, where
                    shown_totals += 1
    assert shown_totals >= len(plans)
    assert [u for u in requests if not u.startswith("file:")] == []
    assert dialogs == [] and errors == []
    page.close()


def test_a_number_that_is_not_whole_is_refused_in_words(browser, tmp_path):  # noqa: F811
    catalog = compile_catalog(CASES[0].values[0]).catalog
    page, _, _, errors = _page(browser, _write(tmp_path, catalog))
    page.select_option("#calc-plan", value="pro")
    field = _inputs(page)[0]
    page.fill(f"#{field['id']}", "2.5")
    assert page.get_attribute(f"#{field['id']}", "aria-invalid") == "true"
    assert page.inner_text("[data-calc-error]").startswith("Enter a whole number: ")
    assert page.inner_text("output[data-calc-total]") == "–"
    page.fill(f"#{field['id']}", "3")
    assert page.get_attribute(f"#{field['id']}", "aria-invalid") == "false"
    assert Decimal(page.get_attribute("output[data-calc-total]", "data-amount")) > 0
    page.locator("section.calculator").screenshot(path=str(ARTIFACTS / "calculator.png"))
    assert errors == []
    page.close()
