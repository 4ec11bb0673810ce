"""The test-environment banner in a real browser (headless Chromium, as test_browser.py).

A non-production page opens with the banner, visible at the top at phone and
desktop widths, with no axe-core violation; the production page has none.
"""

from __future__ import annotations

import pytest
from conftest import REPO
from test_browser import ARTIFACTS, _axe_source, browser  # noqa: F401 - browser is a fixture

from pricegen import compile_catalog
from pricegen.targets import render

pytestmark = pytest.mark.browser

CATALOG = REPO / "examples" / "environments" / "pricing"


def _open(chromium, tmp_path, env: str, width: int):
    page_file = tmp_path / env / "pricing.html"
    page_file.parent.mkdir(parents=True)
    page_file.write_text(render(compile_catalog(CATALOG, env=env).catalog)["pricing.html"])
    page = chromium.new_page(viewport={"width": width, "height": 900})
    page.goto(page_file.as_uri())
    return page


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("env", ["development", "staging"])
def test_a_non_production_page_shows_the_banner(browser, tmp_path, env, width):  # noqa: F811
    page = _open(browser, tmp_path, env, width)
    banner = page.locator(".test-environment")
    assert banner.is_visible()
    assert banner.inner_text() == f"Test environment: {env}. This is not the live pricing."
    box = banner.bounding_box()
    assert box["y"] == 0 and box["width"] >= width - 20  # across the top of the page
    page.add_script_tag(content=_axe_source())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert [v["id"] for v in result["violations"]] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"environments-{env}-{width}.png"))
    page.close()


def test_the_production_page_has_no_banner(browser, tmp_path):  # noqa: F811
    page = _open(browser, tmp_path, "production", 1280)
    assert page.locator(".test-environment").count() == 0
    page.close()
