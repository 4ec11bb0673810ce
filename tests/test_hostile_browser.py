"""The hostile corpus of test_hostile_strings.py in a real browser: no script of it runs.

pricing.html for the corpus catalog is opened in headless Chromium (the
fixture of test_browser.py); every period and currency switch is clicked.
Any script, event handler or URL of the corpus would set ``window.__pwned``,
open a dialog, raise a page error or make a request; none may happen, and
every string must be shown as text.
"""

from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, _page, browser  # noqa: F401 - the browser fixture
from test_hostile_strings import CORPUS, built

pytestmark = pytest.mark.browser


def test_the_corpus_runs_no_script(browser, tmp_path):  # noqa: F811
    catalog, files = built(tmp_path, CORPUS, "hostile")
    html = tmp_path / "pricing.html"
    html.write_text(files["pricing.html"], "utf-8")
    page, requests, dialogs, errors = _page(browser, html)
    for period in catalog.product.billing_periods:
        page.click(f"button[data-period={period}]")
        for currency in catalog.product.currencies:
            page.click(f"button[data-currency={currency}]")
            assert page.evaluate("window.__pwned === undefined")
    page.wait_for_timeout(200)  # let any onerror, onload or ontoggle fire
    assert page.evaluate("window.__pwned === undefined")
    assert dialogs == [] and errors == []
    assert [url for url in requests if not url.startswith("file:")] == []
    assert (
        page.evaluate(
            "document.querySelectorAll('img, svg, iframe, style:not(head style), details').length"
        )
        == 0
    )
    body = page.inner_text("body")
    for text in CORPUS:
        shown = " ".join(text.split())
        if shown and shown.isprintable():
            assert shown in " ".join(body.split()), text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hostile-corpus.png"), full_page=True)
    page.close()
