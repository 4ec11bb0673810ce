"""pricing.html in a real browser: headless Chromium driven by Playwright.

The page is loaded from a file, the period and currency switches are
clicked, and every price it shows (plans, charges, tiers, add-ons, trial
credits) must equal the evaluator's amount for the same thing
(tests/page_prices.py). axe-core checks accessibility at 375 and 1280 px;
a screenshot of each is kept under build/test-artifacts/ for people to
look at.
"""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from babel.numbers import get_currency_symbol
from conftest import REPO
from npm_tools import npm_tool
from page_prices import evaluator_amount, expected_keys

from pricegen import compile_catalog
from pricegen.config import Config
from pricegen.runtime import load_evaluator
from pricegen.targets import render, visible

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


def _write(tmp_path: Path, catalog, config: Config | None = None) -> Path:
    files = render(catalog, config)
    path = tmp_path / "pricing.html"
    path.write_text(files["pricing.html"], "utf-8")
    return path


def _shown_prices(page) -> list[tuple[str, str, str]]:
    """(key, text, exact amount) of every price on the page, in document order."""
    return page.eval_on_selector_all(
        "[data-price]",
        "els => els.map(e => [e.dataset.price, e.textContent, e.dataset.amount])",
    )


def _unchecked_money(page, symbols: list[str]) -> list[str]:
    """Money-looking text outside the price pieces (catalog descriptions aside, and the
    calculator, whose amounts tests/test_calculator_browser.py checks)."""
    text = page.evaluate(
        """() => {
        const body = document.body.cloneNode(true);
        body.querySelectorAll("[data-price], .description, .calculator, script")
            .forEach(e => e.remove());
        return body.innerText;
    }"""
    )
    return [line for line in text.splitlines() if any(s in line for s in symbols)]


def _select(page, catalog, period: str, currency: str) -> None:
    if len(catalog.product.billing_periods) > 1:
        page.click(f"button[data-period={period}]")
        assert page.get_attribute(f"button[data-period={period}]", "aria-pressed") == "true"
    if len(catalog.product.currencies) > 1:
        page.click(f"button[data-currency={currency}]")
        assert page.get_attribute(f"button[data-currency={currency}]", "aria-pressed") == "true"


CASES = [
    pytest.param(EXAMPLES[0], False, id="saas-seats"),
    pytest.param(EXAMPLES[1], False, id="api-usage"),
    pytest.param(REPO / "examples" / "split-catalog" / "pricing", False, id="split-catalog"),
    pytest.param(REPO / "examples" / "split-catalog" / "pricing", True, id="split-catalog-drafts"),
    pytest.param(REPO / "examples" / "quote-snapshots" / "pricing", False, id="quote-snapshots"),
]


@pytest.mark.parametrize(("catalog_path", "drafts"), CASES)
def test_every_shown_price_is_the_evaluators(browser, tmp_path, catalog_path, drafts):
    """Every amount on the page, in every period and currency, is what the evaluator
    charges for the same thing: plan fees, unit and block prices, each tier's rate,
    flat fee and step price, add-ons and trial credits."""
    config = Config(include_drafts=drafts)
    catalog = visible(compile_catalog(catalog_path).catalog, config)
    module = load_evaluator(catalog, config)
    page, requests, dialogs, errors = _page(browser, _write(tmp_path, catalog, config))
    symbols = [get_currency_symbol(c, catalog.product.locale) for c in catalog.product.currencies]
    checked = 0
    for period in catalog.product.billing_periods:
        for currency in catalog.product.currencies:
            _select(page, catalog, period, currency)
            shown = _shown_prices(page)
            assert {key for key, _, _ in shown} == expected_keys(catalog)
            for key, text, amount in shown:
                expected = evaluator_amount(module, catalog, key, period, currency)
                where = (key, period, currency)
                if expected is None:
                    assert (text, amount) == ("–", ""), where
                else:
                    assert Decimal(amount) == expected, where
                    assert text == module.format_money(Decimal(amount), currency), where
                checked += 1
            assert _unchecked_money(page, symbols) == [], (period, currency)
    assert checked >= len(expected_keys(catalog))
    assert [u for u in requests if not u.startswith("file:")] == []  # no network, no CDN
    assert dialogs == [] and errors == []
    page.close()


def test_drafts_are_on_the_page_only_with_include_drafts(browser, tmp_path):
    catalog = compile_catalog(REPO / "examples" / "split-catalog" / "pricing").catalog
    draft = "multi-site"
    assert catalog.plans[draft].status == "draft"
    for drafts in (False, True):
        config = Config(include_drafts=drafts)
        html = _write(tmp_path, visible(catalog, config), config)
        page, _, _, errors = _page(browser, html)
        cards = page.eval_on_selector_all(".card[data-plan]", "els => els.map(e => e.dataset.plan)")
        badges = page.eval_on_selector_all(
            f".card[data-plan={draft}] .badge", "els => els.map(e => e.textContent)"
        )
        if drafts:
            assert draft in cards and badges == ["Draft"]
            assert page.inner_text(f".card[data-plan={draft}] h3").startswith("Multi-site")
        else:
            assert draft not in cards and "Multi-site" not in page.inner_text("body")
            assert draft not in html.read_text("utf-8")  # not in the data either
        assert errors == []
        page.close()


def _axe_source() -> str:
    return npm_tool("axe-core/axe.min.js").read_text("utf-8")


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize(("catalog_path", "drafts"), CASES)
def test_axe_finds_no_violations_and_the_page_fits(browser, tmp_path, catalog_path, drafts, width):
    """axe-core (pinned in tests/js) on the page at phone and desktop widths; nothing
    runs wider than the screen but the scrollable table regions; a screenshot of each."""
    config = Config(include_drafts=drafts)
    catalog = visible(compile_catalog(catalog_path).catalog, config)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(_write(tmp_path, catalog, config).as_uri())
    page.add_script_tag(content=_axe_source())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = f"{catalog_path.parent.name}{'-drafts' if drafts else ''}-{width}.png"
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
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
