"""What the docs, tables and page say about prices, inheritance, drafts and locales.

Every expected text is worked out from the catalog in the test and the
rules in spec/language.md ("How outputs show prices", "Inheritance",
"Lifecycle"), not read back from the outputs.
"""

from __future__ import annotations

import json
import re

from conftest import REPO
from evaluator_support import compile_text

from pricegen import compile_catalog
from pricegen.config import Config
from pricegen.starter import STARTER_CATALOG
from pricegen.targets import render

# The README's tour catalog, which pricegen init writes (tests/test_readme.py holds the two
# equal): Pro has a base fee, seats bought in advance on graduated tiers, and API calls on
# usage past 100,000 included.
BRIEF = STARTER_CATALOG


def _files(tmp_path, text: str, **config) -> dict[str, str]:
    return render(compile_text(text, tmp_path), Config(**config))


def _page_text(html: str) -> str:
    """The page's visible text, roughly: tags dropped, the data island and script removed."""
    body = html.split("<body>", 1)[1].split('<script type="application/json"', 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def test_the_brief_catalogs_pro_card_shows_its_seat_and_call_prices(tmp_path):
    files = _files(tmp_path, BRIEF)
    text = _page_text(files["pricing.html"])
    # the base fee, with the seats bought and the usage on top: not "+ usage" for seats
    assert "$29.00 / month + seats + usage" in text
    assert "Seats: $20.00 per seat for 1–5; 2 tiers (bought in advance)" in text
    assert "API calls: $0.0027 per call after 100,000 free (on usage)" in text
    # the tier table: seats 1–5 at $20, 6 and more at $15
    assert "1–5 $20.00" in text and "6 or more $15.00" in text
    table = files["pricing-table.md"]
    assert "| Monthly price (USD) | Free | $29.00 / month + seats + usage |" in table


def test_a_plan_sold_per_unit_shows_its_first_tier_never_from(tmp_path):
    """saas-seats: Pro is $10 a member for the first 25, $9 to 100, $8 beyond."""
    files = render(compile_catalog(REPO / "examples" / "saas-seats" / "pricing.yaml").catalog)
    for name in ("pricing-table.md", "docs/plans/pro.md", "docs/index.md", "pricing.html"):
        assert "from $" not in files[name] and "from €" not in files[name], name
    assert "$10.00 per member / month for 1–25 members" in files["pricing-table.md"]
    assert "€90.00 per member / year for 1–25 members" in files["docs/plans/pro.md"]
    assert "| 26–100 | $9.00 per member | €8.50 per member |" in files["docs/plans/pro.md"]


def test_pay_as_you_go_shows_every_charge_price_with_sub_cent_digits():
    files = render(compile_catalog(REPO / "examples" / "api-usage" / "pricing.yaml").catalog)
    text = _page_text(files["pricing.html"])
    assert "Geocoding requests: $0.0009 per request after 10,000 free (on usage)" in text
    assert "Autocomplete sessions: $2.50 per 1,000 sessions (on usage)" in text
    growth = files["docs/plans/growth.md"]
    # requests 250,001 to 1,000,000 of the month are the first tier past 250,000 included
    assert "| 250,001–1,000,000 | $0.0006 per request | €0.00055 per request |" in growth
    assert "$0.00025 per request + $200.00 flat fee" in growth


def test_trial_credits_follow_the_selected_currency():
    files = render(compile_catalog(REPO / "examples" / "api-usage" / "pricing.yaml").catalog)
    html = files["pricing.html"]
    data = json.loads(html.split('id="pricing-data">', 1)[1].split("</script>", 1)[0])
    credits = data["prices"]["credits:pay-as-you-go"]["monthly"]
    assert {c: v["text"] for c, v in credits.items()} == {
        "USD": "$20.00",
        "EUR": "€18.00",
        "JPY": "¥3,000",
    }
    text = _page_text(html)
    assert "Free trial: $20.00 of usage credits" in text  # USD, the default, only
    assert "€18.00" not in text.split("Compare plans")[0]


def test_everything_in_only_when_the_child_keeps_everything(tmp_path):
    catalog = BRIEF.replace(
        "      api-calls: {limit: 100000, reset: month, soft: true}\n      retention: 30\n",
        "      api-calls: {limit: 100000, reset: month, soft: true}\n      retention: 3\n",
    ).replace("      sso: true\n", "      sso: true\n", 1)
    lowered = _files(tmp_path, catalog)
    pro = lowered["docs/plans/pro.md"]
    assert "Everything in" not in pro
    assert "Compared with [Free](free.md):" in pro
    assert "- Data retention: 3 days (Free has 7 days)" in pro
    assert "Everything in Free" not in lowered["pricing.html"]

    kept = _files(tmp_path, BRIEF)["docs/plans/pro.md"]
    assert "Everything in [Free](free.md), plus:" in kept
    assert "- Data retention: 30 days\n" in kept


def test_a_dropped_feature_is_said(tmp_path):
    catalog = BRIEF.replace("      retention: 30\n", "      retention: false\n")
    pro = _files(tmp_path, catalog)["docs/plans/pro.md"]
    assert "Compared with [Free](free.md):" in pro
    assert "- No Data retention (included in Free)" in pro


DRAFTS = """\
pricegen: 1
product: {id: acme, name: Acme, currencies: [USD], billing_periods: [monthly]}
features:
  sso: {name: Single sign-on, type: boolean}
  seats: {name: Seats, type: metered, meter: fluctuating, unit: [seat, seats]}
plans:
  free: {name: Free, default: true, entitlements: {seats: 3}}
  pro: {name: Pro, extends: free, price: 10, entitlements: {seats: 10}}
  beta: {name: Betaplan, status: draft, extends: pro, price: 20, entitlements: {sso: true}}
  team: {name: Team, extends: beta, price: 30, entitlements: {seats: 50}}
addons:
  both: {name: Both, plans: [pro, beta], price: 5, entitlements: {seats: 5}}
  trial-pack: {name: Draftpack, status: draft, plans: [pro], price: 1}
  needs-draft: {name: Needsdraft, plans: [pro], requires: [trial-pack], price: 2}
  not-with: {name: Notwith, plans: [pro], excludes: [trial-pack], price: 3}
  beta-only: {name: Betaonly, plans: [beta], price: 4}
"""
HIDDEN = ("beta", "Betaplan", "trial-pack", "Draftpack", "needs-draft", "beta-only")


def test_a_build_without_drafts_leaves_no_trace_of_them(tmp_path):
    files = _files(tmp_path, DRAFTS)
    for name, text in files.items():
        for word in HIDDEN:
            assert word not in text, (name, word)
    data = json.loads(files["catalog.json"])
    assert data["drafts_included"] is False
    assert data["addons"]["both"]["plans"] == ["pro"]
    assert data["addons"]["not-with"]["excludes"] == []
    team = data["plans"]["team"]
    assert team["extends"] == "pro" and team["ancestors"] == ["pro", "free"]
    # sso was set by the draft; without it, Team is the first shown plan that has it
    assert team["entitlements"]["sso"]["source"] == "team"
    assert set(data["addons"]) == {"both", "not-with"}


def test_include_drafts_shows_them_in_every_output_marked(tmp_path):
    files = _files(tmp_path, DRAFTS, include_drafts=True)
    assert json.loads(files["catalog.json"])["drafts_included"] is True
    assert "| Feature | Free | Pro | Betaplan (draft) | Team |" in files["pricing-table.md"]
    assert ",plan name,Free,Pro,Betaplan (draft),Team" in files["pricing-table.csv"]
    assert "[Betaplan (draft)](plans/beta.md)" in files["docs/index.md"]
    assert "[Draftpack (draft)](addons/trial-pack.md)" in files["docs/index.md"]
    assert "This add-on is a draft" in files["docs/addons/trial-pack.md"]
    assert '<h3>Betaplan <span class="badge">Draft</span></h3>' in files["pricing.html"]
    assert "Betaonly" in files["pricing.html"]
    assert "beta" in files["acme_pricing.py"]


def test_de_DE_docs_write_counts_and_money_one_way(tmp_path):
    """Pay as you go at 11,000 requests: 10,000 included, 1,000 × $0.0009 = $0.90."""
    catalog = compile_catalog(REPO / "examples" / "api-usage" / "pricing.yaml").catalog
    models = render(catalog, Config(locale="de_DE"))["docs/pricing-models.md"]
    assert (
        "Example: 11.000 requests (10.000 included, 1.000 billable): 1.000 × 0,0009\xa0$ "
        "= **0,90\xa0$**"
    ) in models
    assert not re.search(r"\d,\d{3}\b", models.replace("0,0009", ""))  # no 1,000-style groups


def test_en_IN_groups_lakhs_in_every_output():
    catalog = compile_catalog(REPO / "examples" / "api-usage" / "pricing.yaml").catalog
    files = render(catalog, Config(locale="en_IN"))
    # batch rows' second tier is 100,001 to 1,000,000: 1,00,001–10,00,000 in India
    assert "| 1,00,001–10,00,000 |" in files["docs/plans/growth.md"]
    assert "1,00,001–10,00,000" in files["pricing.html"]
    assert "2,00,00,000 rows per month" in files["pricing-table.md"]  # 20 million: 2 crore
