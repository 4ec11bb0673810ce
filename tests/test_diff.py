"""pricegen diff: classes of change, quote impact, formats, and sides read from real git repos.

Catalogs are built as data and changed one thing at a time; each expected
class follows from the rules in spec/review.md, and each expected number
(percentages, totals) is computed here from the catalog's own prices.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from evaluator_support import catalog_yaml

BASE = {
    "pricegen": 1,
    "product": {
        "id": "acme",
        "name": "Acme",
        "currencies": ["USD", "EUR"],
        "billing_periods": ["monthly", "annual"],
    },
    "features": {
        "seats": {"name": "Seats", "type": "metered", "meter": "fluctuating"},
        "api-calls": {"name": "API calls", "type": "metered", "meter": "incremental"},
        "sso": {"name": "SSO", "type": "boolean"},
        "api-access": {"name": "API access", "type": "boolean"},
        "retention": {"name": "Retention", "type": "config"},
        "export": {"name": "Export", "type": "enum", "values": ["csv", "parquet", "xlsx"]},
    },
    "plans": {
        "free": {
            "name": "Free",
            "description": "For trying it out.",
            "default": True,
            "entitlements": {
                "seats": 3,
                "api-calls": {"limit": 1000, "reset": "month"},
                "api-access": True,
                "retention": 7,
                "export": ["csv"],
            },  # fmt: skip
        },
        "pro": {
            "name": "Pro",
            "description": "For small teams.",
            "extends": "free",
            "trial": {"days": 14},
            "price": {"monthly": {"USD": 29, "EUR": 27}, "annual": {"USD": 290, "EUR": 270}},
            "entitlements": {
                "sso": True,
                "seats": 10,
                "api-calls": {"limit": 100000, "reset": "month", "soft": True},
                "retention": 30,
                "export": ["csv", "parquet"],
            },  # fmt: skip
        },
        "team": {
            "name": "Team",
            "description": "Per seat.",
            "extends": "pro",
            "charges": {
                "seats": {
                    "model": "graduated",
                    "tiers": [
                        {
                            "up_to": 10,
                            "unit_price": {
                                "monthly": {"USD": 10, "EUR": 9},
                                "annual": {"USD": 100, "EUR": 90},
                            },
                        },
                        {
                            "unit_price": {
                                "monthly": {"USD": 8, "EUR": 7},
                                "annual": {"USD": 80, "EUR": 70},
                            }
                        },
                    ],
                }
            },
        },
        "legacy": {
            "name": "Legacy",
            "description": "The 2020 plan.",
            "status": "archived",
            "price": {"monthly": {"USD": 15, "EUR": 14}, "annual": {"USD": 150, "EUR": 140}},
            "entitlements": {"seats": 5},
        },
        "beta": {
            "name": "Beta",
            "description": "Not sold yet.",
            "status": "draft",
            "extends": "pro",
            "price": {"monthly": {"USD": 49, "EUR": 45}, "annual": {"USD": 490, "EUR": 450}},
        },
    },
    "addons": {
        "extra-seats": {
            "name": "10 seats",
            "plans": ["pro", "team"],
            "max_quantity": 5,
            "price": {"monthly": {"USD": 50, "EUR": 45}, "annual": {"USD": 500, "EUR": 450}},
            "entitlements": {"seats": {"limit": 10}},
        },
        "audit": {
            "name": "Audit",
            "plans": ["team"],
            "price": {"monthly": {"USD": 20, "EUR": 18}, "annual": {"USD": 200, "EUR": 180}},
            "entitlements": {"retention": 365},
        },
    },
}


def pct(old, new) -> str:
    """The percentage as the spec writes it: one decimal, half up, with a sign."""
    value = ((Decimal(new) - Decimal(old)) / Decimal(old) * 100).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return f"{'+' if value > 0 else ''}{value}%"


def changed(mutate) -> dict:
    data = copy.deepcopy(BASE)
    mutate(data)
    return data


def write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(catalog_yaml(data), encoding="utf-8")
    return path


def run_diff(run_cli, tmp_path, new: dict, *args, old: dict = BASE):
    a = write(tmp_path / "old" / "pricing.yaml", old)
    b = write(tmp_path / "new" / "pricing.yaml", new)
    return run_cli(["diff", str(a), str(b), *args])


def changes_of(run_cli, tmp_path, new: dict, old: dict = BASE) -> list[dict]:
    result = run_diff(run_cli, tmp_path, new, "--output-format", "json", "--no-quotes", old=old)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["changes"]


def keyed(changes: list[dict]) -> set[tuple]:
    return {(c["scope"], c["id"], c["kind"], c["class"]) for c in changes}


# -- one case per class of change -----------------------------------------------------------


def _walk(data, path: str):
    """The parent of the last step of an "a/b/0/c" path (digits index lists), and that step."""
    *parents, last = path.split("/")
    node = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node, int(last) if isinstance(node, list) else last


def _set(path: str, value):
    def mutate(data):
        node, key = _walk(data, path)
        node[key] = value

    return mutate


def _delete(path: str):
    def mutate(data):
        node, key = _walk(data, path)
        del node[key]

    return mutate


def _drop_currency(data):
    data["product"]["currencies"] = ["USD"]
    _walk_prices(data, lambda money: money.pop("EUR", None))


def _drop_annual(data):
    data["product"]["billing_periods"] = ["monthly"]
    _walk_prices(data, None, drop_period="annual")


def _walk_prices(node, on_money, drop_period=None):
    if isinstance(node, dict):
        if set(node) & {"monthly", "annual"} and all(isinstance(v, dict) for v in node.values()):
            if drop_period:
                node.pop(drop_period, None)
            for money in node.values():
                if on_money:
                    on_money(money)
            return
        for value in node.values():
            _walk_prices(value, on_money, drop_period)
    elif isinstance(node, list):
        for value in node:
            _walk_prices(value, on_money, drop_period)


def _delete_team(data):
    del data["plans"]["team"]
    data["addons"]["extra-seats"]["plans"] = ["pro"]
    data["addons"]["audit"]["plans"] = ["pro"]


def _new_plan(status):
    def mutate(data):
        data["plans"]["scale"] = {"name": "Scale", "description": "Big.", "status": status, "extends": "pro",  # noqa: E501
                                  "price": {"monthly": {"USD": 99, "EUR": 95}, "annual": {"USD": 990, "EUR": 950}}}  # fmt: skip  # noqa: E501

    return mutate


TIER_1 = "plans/team/charges/seats/tiers"

CASES = [
    # (id, mutation, expected (scope, id, kind, class))
    ("price-raised", _set("plans/pro/price/monthly/USD", 35), ("plan", "pro", "price-raised", "breaking")),  # noqa: E501
    ("price-lowered", _set("plans/pro/price/monthly/USD", 25), ("plan", "pro", "price-lowered", "customer-visible")),  # noqa: E501
    ("archived-plan-price-raised", _set("plans/legacy/price/monthly/USD", 16), ("plan", "legacy", "price-raised", "breaking")),  # noqa: E501
    ("draft-plan-price-raised", _set("plans/beta/price/monthly/USD", 59), ("plan", "beta", "price-raised", "internal")),  # noqa: E501
    ("limit-lowered", _set("plans/pro/entitlements/seats", 8), ("plan", "pro", "limit-lowered", "breaking")),  # noqa: E501
    ("limit-raised", _set("plans/pro/entitlements/seats", 12), ("plan", "pro", "limit-raised", "customer-visible")),  # noqa: E501
    ("limit-made-hard", _set("plans/pro/entitlements/api-calls", {"limit": 100000, "reset": "month"}), ("plan", "pro", "limit-hard", "breaking")),  # noqa: E501
    ("value-lowered", _set("plans/pro/entitlements/retention", 14), ("plan", "pro", "value-lowered", "breaking")),  # noqa: E501
    ("enum-value-removed", _set("plans/pro/entitlements/export", ["csv"]), ("plan", "pro", "values-removed", "breaking")),  # noqa: E501
    ("enum-value-added", _set("plans/pro/entitlements/export", ["csv", "parquet", "xlsx"]), ("plan", "pro", "values-added", "customer-visible")),  # noqa: E501
    ("entitlement-added", _set("plans/free/entitlements/sso", True), ("plan", "free", "entitlement-added", "customer-visible")),  # noqa: E501
    ("entitlement-removed", _delete("plans/pro/entitlements/sso"), ("plan", "pro", "entitlement-removed", "breaking")),  # noqa: E501
    ("removed-through-inheritance", _delete("plans/free/entitlements/api-access"), ("plan", "team", "entitlement-removed", "breaking")),  # noqa: E501
    ("currency-dropped", _drop_currency, ("product", "acme", "currency-removed", "breaking")),
    ("period-dropped", _drop_annual, ("product", "acme", "period-removed", "breaking")),
    ("plan-period-dropped", lambda d: (_set("plans/legacy/billing_periods", ["monthly"])(d), _delete("plans/legacy/price/annual")(d)), ("plan", "legacy", "period-removed", "breaking")),  # noqa: E501
    ("compatibility-narrowed", _set("addons/extra-seats/plans", ["pro"]), ("addon", "extra-seats", "compatibility-narrowed", "breaking")),  # noqa: E501
    ("compatibility-widened", _set("addons/audit/plans", ["pro", "team"]), ("addon", "audit", "compatibility-widened", "customer-visible")),  # noqa: E501
    ("addon-requires-added", _set("addons/extra-seats/requires", ["audit"]), ("addon", "extra-seats", "requires-added", "breaking")),  # noqa: E501
    ("addon-max-quantity-lowered", _set("addons/extra-seats/max_quantity", 2), ("addon", "extra-seats", "max-quantity", "breaking")),  # noqa: E501
    ("addon-price-raised", _set("addons/audit/price/annual/EUR", 190), ("addon", "audit", "price-raised", "breaking")),  # noqa: E501
    ("addon-removed", _delete("addons/audit"), ("addon", "audit", "addon-removed", "breaking")),
    ("published-plan-deleted", _delete_team, ("plan", "team", "plan-removed", "breaking")),
    ("archived-not-deleted", _set("plans/team/status", "archived"), ("plan", "team", "status", "customer-visible")),  # noqa: E501
    ("unpublished-to-draft", _set("plans/team/status", "draft"), ("plan", "team", "status", "breaking")),  # noqa: E501
    ("made-custom", lambda d: (_set("plans/pro/custom", True)(d), _delete("plans/pro/price")(d)), ("plan", "pro", "custom", "breaking")),  # noqa: E501
    ("new-plan", _new_plan("published"), ("plan", "scale", "plan-added", "customer-visible")),
    ("new-draft-plan", _new_plan("draft"), ("plan", "scale", "plan-added", "internal")),
    ("trial-changed", _set("plans/pro/trial", {"days": 30}), ("plan", "pro", "trial", "customer-visible")),  # noqa: E501
    ("description-changed", _set("plans/pro/description", "For growing teams."), ("plan", "pro", "description", "internal")),  # noqa: E501
    ("tier-price-raised", _set(f"{TIER_1}/1/unit_price/monthly/USD", 9), ("plan", "team", "charge-changed", "breaking")),  # noqa: E501
    ("tier-price-lowered", _set(f"{TIER_1}/0/unit_price/annual/EUR", 85), ("plan", "team", "charge-changed", "customer-visible")),  # noqa: E501
    # 11-20 seats move from the 8 tier into the 10 tier: dearer for 11 seats and more
    ("tier-bound-moved", _set(f"{TIER_1}/0/up_to", 20), ("plan", "team", "charge-changed", "breaking")),  # noqa: E501
    ("charge-added", _set("plans/pro/charges", {"api-calls": {"model": "per_unit", "included": 100000, "unit_price": {"monthly": {"USD": "0.001", "EUR": "0.001"}, "annual": {"USD": "0.001", "EUR": "0.001"}}}}), ("plan", "pro", "charge-added", "breaking")),  # noqa: E501
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutation", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_change_class(run_cli, tmp_path, mutation, expected):
    new = changed(mutation)
    found = keyed(changes_of(run_cli, tmp_path, new))
    assert expected in found
    if expected[3] != "breaking":
        assert not {f for f in found if f[3] == "breaking"}, "nothing else may be breaking"


def test_no_changes(run_cli, tmp_path):
    result = run_diff(run_cli, tmp_path, BASE, "--fail-on", "internal")
    assert result.exit_code == 0
    assert "No changes." in result.stdout


def test_price_change_message_and_quote_impact(run_cli, tmp_path):
    new = changed(_set("plans/pro/price/monthly/USD", 35))
    result = run_diff(run_cli, tmp_path, new)
    assert f"price monthly USD: 29 → 35 ({pct(29, 35)})" in result.stdout
    # the base-price reference subscription of pro, quoted by each side's evaluator
    assert f"pro monthly USD [base price]: 29.00 → 35.00 ({pct(29, 35)})" in result.stdout


def test_quote_impact_of_a_tier_change_at_reference_points(run_cli, tmp_path):
    """Team's second tier 8 → 9 USD monthly: 10 seats cost 100 both sides (first tier only);
    the user's 25 seats cost 10·10 + 15·8 = 220 before and 10·10 + 15·9 = 235 after."""
    new = changed(_set(f"{TIER_1}/1/unit_price/monthly/USD", 9))
    result = run_diff(run_cli, tmp_path, new, "--output-format", "json", "--reference", "seats=25")
    quotes = {
        (q["plan"], q["period"], q["currency"], q["reference"]): q
        for q in json.loads(result.stdout)["quotes"]
    }
    assert quotes[("team", "monthly", "USD", "seats=10")]["changed"] is False
    assert quotes[("team", "monthly", "USD", "seats=25")]["old"] == str(10 * 10 + 15 * 8) + ".00"
    assert quotes[("team", "monthly", "USD", "seats=25")]["new"] == str(10 * 10 + 15 * 9) + ".00"
    assert quotes[("team", "monthly", "EUR", "seats=25")]["changed"] is False


def test_formats(run_cli, tmp_path):
    new = changed(
        lambda d: (
            _set("plans/pro/price/monthly/USD", 35)(d),
            _set("plans/pro/entitlements/seats", 12)(d),
        )
    )
    markdown = run_diff(run_cli, tmp_path, new, "--output-format", "markdown").stdout
    assert markdown.startswith("### Pricing changes\n")
    # pro: price raised (breaking), seats raised (visible); team inherits the seats
    # but buys seats in advance, and beta is a draft: both internal
    assert "**1 breaking**, 1 customer-visible, 2 internal" in markdown
    assert (
        "| Class | Change |" in markdown
        and "| **breaking** | price monthly USD: 29 → 35" in markdown
    )
    assert f"| pro | monthly | USD | base price | 29.00 | 35.00 | {pct(29, 35)} |" in markdown
    data = json.loads(run_diff(run_cli, tmp_path, new, "--output-format", "json").stdout)
    assert data["summary"] == {"breaking": 1, "customer-visible": 1, "internal": 2}
    assert [(c["id"], c["class"]) for c in data["changes"]] == [
        ("pro", "breaking"),
        ("pro", "customer-visible"),
        ("team", "internal"),
        ("beta", "internal"),
    ]
    price = data["changes"][0]
    assert (price["item"], price["old"], price["new"]) == ("monthly USD", "29", "35")
    text = run_diff(run_cli, tmp_path, new).stdout
    assert "1 breaking, 1 customer-visible, 2 internal" in text


def test_fail_on(run_cli, tmp_path):
    raised = changed(_set("plans/pro/price/monthly/USD", 35))
    lowered = changed(_set("plans/pro/price/monthly/USD", 25))
    assert run_diff(run_cli, tmp_path, raised, "--fail-on", "breaking").exit_code == 1
    assert run_diff(run_cli, tmp_path, lowered, "--fail-on", "breaking").exit_code == 0
    assert run_diff(run_cli, tmp_path, lowered, "--fail-on", "customer-visible").exit_code == 1
    assert run_diff(run_cli, tmp_path, raised).exit_code == 0


def test_usage_errors(run_cli, tmp_path):
    a = write(tmp_path / "pricing.yaml", BASE)
    assert run_cli(["diff", str(a)]).exit_code == 2
    assert run_cli(["diff", str(a), str(a), str(a)]).exit_code == 2
    assert run_cli(["diff", str(a), str(a), "--against", "HEAD"]).exit_code == 2
    result = run_cli(["diff", str(tmp_path / "missing.yaml"), str(a)])
    assert result.exit_code == 2 and "old:" in result.stderr  # a missing path is a usage error
    result = run_cli(["diff", "--against", "HEAD", str(tmp_path / "nosuch.yaml")])
    assert result.exit_code == 2 and 'new: "' in result.stderr and "does not exist" in result.stderr


# -- git sides ----------------------------------------------------------------------------------


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        identity = [
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ]
        done = subprocess.run(
            ["git", *identity, *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def write(self, rel: str, data: dict | str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else catalog_yaml(data), encoding="utf-8")
        return path

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def state(self) -> tuple[str, str]:
        return self.git("rev-parse", "HEAD"), self.git("status", "--porcelain")


def test_against_head_reads_git_and_leaves_the_tree_alone(run_cli, tmp_path, monkeypatch):
    repo = Repo(tmp_path / "repo")
    repo.write("pricing.yaml", BASE)
    repo.commit("base")
    edited = repo.write("pricing.yaml", changed(_set("plans/pro/price/monthly/USD", 35)))
    before, text_before = repo.state(), edited.read_text()
    monkeypatch.chdir(repo.root)
    result = run_cli(["diff", "pricing.yaml", "--against", "HEAD", "--fail-on", "breaking"])
    assert result.exit_code == 1
    assert result.stdout.startswith("pricegen diff HEAD:pricing.yaml → pricing.yaml\n")
    assert f"price monthly USD: 29 → 35 ({pct(29, 35)})" in result.stdout
    assert repo.state() == before and edited.read_text() == text_before


def test_against_head_1_and_rev_path_sides(run_cli, tmp_path, monkeypatch):
    repo = Repo(tmp_path / "repo")
    repo.write("pricing/catalog.yaml", BASE)
    repo.commit("base")
    repo.write("pricing/catalog.yaml", changed(_set("plans/pro/entitlements/seats", 8)))
    repo.commit("fewer seats")
    monkeypatch.chdir(repo.root)
    for args in (["pricing", "--against", "HEAD~1"], ["HEAD~1:pricing", "HEAD:pricing"]):
        result = run_cli(["diff", *args, "--output-format", "json", "--no-quotes"])
        assert result.exit_code == 0, result.stderr
        assert ("plan", "pro", "limit-lowered", "breaking") in keyed(
            json.loads(result.stdout)["changes"]
        )


def test_directory_catalog_from_a_subdirectory(run_cli, tmp_path, monkeypatch):
    """One plan per file; the deleted file is a deleted plan. Run from a subdirectory
    with a relative path: the path is resolved against the repository's top."""
    repo = Repo(tmp_path / "repo")
    data = copy.deepcopy(BASE)
    plans = data.pop("plans")
    repo.write("services/billing/pricing/product.yaml", data)
    for pid, plan in plans.items():
        repo.write(
            f"services/billing/pricing/plans/{pid}.yaml", {"pricegen": 1, "plans": {pid: plan}}
        )
    repo.write("services/billing/README.md", "not a catalog\n")
    repo.commit("split catalog")
    (repo.root / "services/billing/pricing/plans/legacy.yaml").unlink()
    monkeypatch.chdir(repo.root / "services" / "billing")
    result = run_cli(
        ["diff", "pricing", "--against", "HEAD", "--output-format", "json", "--no-quotes"]
    )
    assert result.exit_code == 0, result.stderr
    assert keyed(json.loads(result.stdout)["changes"]) == {
        ("plan", "legacy", "plan-removed", "breaking")
    }


def test_missing_revision_names_the_side(run_cli, tmp_path):
    repo = Repo(tmp_path / "repo")
    path = repo.write("pricing.yaml", BASE)
    repo.commit("base")
    result = run_cli(["diff", str(path), "--against", "no-such-branch"])
    assert result.exit_code == 2
    assert 'error: old: git revision "no-such-branch" does not exist' in result.stderr
    result = run_cli(["diff", str(path), f"no-such-branch:{path}"])
    assert result.exit_code == 2 and "error: new: git revision" in result.stderr


def test_path_missing_in_revision_names_the_side(run_cli, tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.write("README.md", "hello\n")
    repo.commit("first")
    path = repo.write("pricing.yaml", BASE)
    result = run_cli(["diff", str(path), "--against", "HEAD"])
    assert result.exit_code == 3
    assert 'error: old: "pricing.yaml" does not exist in revision HEAD.' in result.stderr


def test_not_a_repository(run_cli, tmp_path):
    path = write(tmp_path / "plain" / "pricing.yaml", BASE)
    result = run_cli(["diff", str(path), "--against", "HEAD"])
    assert (
        result.exit_code == 2
        and "old:" in result.stderr
        and "not inside a git repository" in result.stderr
    )


def test_invalid_old_catalog_names_the_side(run_cli, tmp_path, monkeypatch):
    repo = Repo(tmp_path / "repo")
    broken = changed(_set("plans/pro/extends", "premium"))
    repo.write("pricing.yaml", broken)
    repo.commit("broken")
    repo.write("pricing.yaml", BASE)
    monkeypatch.chdir(repo.root)
    result = run_cli(["diff", "pricing.yaml", "--against", "HEAD"])
    assert result.exit_code == 3
    assert "HEAD:pricing.yaml:" in result.stderr and "[PLAN_EXTENDS_UNKNOWN]" in result.stderr
    assert "error: old catalog HEAD:pricing.yaml has 1 error; nothing to compare." in result.stderr
    assert result.stdout == ""


def test_invalid_new_catalog_names_the_side(run_cli, tmp_path, monkeypatch):
    repo = Repo(tmp_path / "repo")
    repo.write("pricing.yaml", BASE)
    repo.commit("base")
    repo.write("pricing.yaml", "pricegen: 1\nproduct: [\n")
    monkeypatch.chdir(repo.root)
    result = run_cli(["diff", "pricing.yaml", "--against", "HEAD"])
    assert result.exit_code == 3
    assert "error: new catalog pricing.yaml has" in result.stderr


def test_inherited_removal_names_where_it_comes_from(run_cli, tmp_path):
    changes = changes_of(run_cli, tmp_path, changed(_delete("plans/free/entitlements/api-access")))
    messages = {c["id"]: c["message"] for c in changes if c["kind"] == "entitlement-removed"}
    assert set(messages) == {"free", "pro", "team", "beta"}  # every plan on the ladder above free
    assert 'through "free"' in messages["team"] and "through" not in messages["free"]


def test_a_charge_change_quotes_its_witness_in_whole_cents(run_cli, tmp_path):
    """0.0027 → 0.0029 a call past 100,000 included: the witness is shown as billed, to the
    cent (never "0.0054 → 0.0058"), at a usage where the cents differ."""
    calls = {"model": "per_unit", "included": 100000}
    old = changed(
        _set("plans/pro/charges", {"api-calls": {**calls, "unit_price": _every("0.0027")}})
    )
    new = changed(
        _set("plans/pro/charges", {"api-calls": {**calls, "unit_price": _every("0.0029")}})
    )
    old_path = write(tmp_path / "old.yaml", old)
    new_path = write(tmp_path / "new.yaml", new)
    result = run_cli(["diff", str(old_path), str(new_path), "--no-quotes"])
    line = next(text for text in result.stdout.splitlines() if "costs more at" in text)
    amounts = re.search(r"\((\w+) (\w+): ([0-9.]+) → ([0-9.]+)\)", line)
    assert amounts, line
    for amount in amounts.group(3, 4):
        assert re.fullmatch(r"[0-9]+\.[0-9]{2}", amount), line  # USD and EUR: two decimals
    assert amounts.group(3) != amounts.group(4), line


def _every(amount: str) -> dict:
    return {period: {"USD": amount, "EUR": amount} for period in ("monthly", "annual")}


def test_a_limit_change_in_json_has_plain_digits(run_cli, tmp_path):
    """old and new are for tools: digits, as prices are; the message keeps separators."""
    base = changed(_set("plans/pro/entitlements/seats", 1000))
    new = changed(_set("plans/pro/entitlements/seats", 2500000))
    (change,) = [
        c
        for c in changes_of(run_cli, tmp_path, new, old=base)
        if c["kind"] == "limit-raised" and c["item"] == "seats" and c["id"] == "pro"
    ]
    assert (change["old"], change["new"]) == ("1000", "2500000")
    assert '"seats" limit 1,000 → 2,500,000' in change["message"]
