"""pricing.html in a real browser: headless Chromium driven by Playwright.

The page is loaded from a file, the period and currency switches are
clicked, and every displayed price must equal the base-fee line of the
evaluator's quote for that plan, period and currency. A screenshot of each
state is kept under build/test-artifacts/ for people to look at.
"""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO

from pricegen import compile_catalog
from pricegen.runtime import load_evaluator
from pricegen.targets import render

pytestmark = pytest.mark.browser

CHROMIUM = (
    os.environ.get("PRICEGEN_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
ARTIFACTS = REPO / "build" / "test-artifacts"
EXAMPLES = [
    REPO / "examples" / "saas-seats" / "pricing.yaml",
    REPO / "examples" / "api-usage" / "pricing.yaml",
]
HOSTILE_NAME = (
    "</script><script>window.__pwned = 1</script><img src=x onerror='window.__pwned = 2'>"
)

if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("CI must install Debian's chromium for the browser tests", pytrace=False)
playwright = pytest.importorskip("playwright.sync_api")
if CHROMIUM is None:
    pytest.skip("chromium is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def _page(browser, html_path: Path):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(html_path.as_uri())
    return page, requests, dialogs, errors


def _write(tmp_path: Path, catalog) -> Path:
    files = render(catalog)
    path = tmp_path / "pricing.html"
    path.write_text(files["pricing.html"], "utf-8")
    return path


def _expected_base_fee(module, plan, period: str, currency: str) -> Decimal | None:
    """The evaluator's plan line for a new subscription, or None for custom plans."""
    if plan.custom:
        return None
    quantities = {c.feature: 1 for c in plan.charges if c.billing == "in_advance"}
    sub = module.Subscription(plan=plan.id, period=period, currency=currency, quantities=quantities)
    quote = module.quote(sub)
    return next(line.amount for line in quote.lines if line.item == "plan")


def _displayed(page) -> dict[str, list[tuple[str, str]]]:
    shown: dict[str, list[tuple[str, str]]] = {}
    for element in page.query_selector_all(".amount[data-plan]"):
        plan = element.get_attribute("data-plan")
        shown.setdefault(plan, []).append(
            (element.inner_text(), element.get_attribute("data-amount"))
        )
    return shown


@pytest.mark.parametrize("catalog_path", EXAMPLES, ids=lambda p: p.parent.name)
def test_switches_show_the_evaluators_prices(browser, tmp_path, catalog_path):
    catalog = compile_catalog(catalog_path).catalog
    module = load_evaluator(catalog)
    page, requests, dialogs, errors = _page(browser, _write(tmp_path, catalog))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    published = [p for p in catalog.plans.values() if p.status == "published"]
    checked = 0
    for period in catalog.product.billing_periods:
        if len(catalog.product.billing_periods) > 1:
            page.click(f"button[data-period={period}]")
        for currency in catalog.product.currencies:
            if len(catalog.product.currencies) > 1:
                page.click(f"button[data-currency={currency}]")
            if len(catalog.product.currencies) > 1:
                assert (
                    page.get_attribute(f"button[data-currency={currency}]", "aria-pressed")
                    == "true"
                )
            shown = _displayed(page)
            for plan in published:
                expected = _expected_base_fee(module, plan, period, currency)
                for text, amount in shown[plan.id]:  # the card and the table cell
                    if expected is None:
                        assert text == "Contact sales"
                    else:
                        assert Decimal(amount) == expected, (plan.id, period, currency)
                        assert text != ""
                    checked += 1
            page.screenshot(
                path=str(ARTIFACTS / f"{catalog_path.parent.name}-{period}-{currency}.png"),
                full_page=True,
            )
    assert checked >= 2 * len(published)
    assert [u for u in requests if not u.startswith("file:")] == []  # no network, no CDN
    assert dialogs == [] and errors == []
    page.close()


def test_hostile_names_run_no_script(browser, tmp_path):
    source = (REPO / "examples" / "saas-seats" / "pricing.yaml").read_text("utf-8")
    catalog_file = tmp_path / "pricing.yaml"
    quoted = HOSTILE_NAME.replace('"', '\\"')
    catalog_file.write_text(source.replace("name: Pro\n", f'name: "{quoted}"\n', 1), "utf-8")
    build = compile_catalog(catalog_file)
    assert build.ok, build.diagnostics
    assert any(p.name == HOSTILE_NAME for p in build.catalog.plans.values())
    page, _, dialogs, errors = _page(browser, _write(tmp_path, build.catalog))
    page.click("button[data-period=annual]")
    assert page.evaluate("window.__pwned === undefined")
    assert dialogs == [] and errors == []
    assert HOSTILE_NAME in page.inner_text("body")  # shown as text
    page.screenshot(path=str(ARTIFACTS / "hostile-names.png"), full_page=True)
    page.close()
