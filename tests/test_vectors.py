"""Stigg's worked examples (../shared/vectors/stigg.yaml), run end to end.

Each vector becomes a small catalog, compiled by pricegen and evaluated by
the generated module. Every expected number comes from the vectors file;
nothing here restates one.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from evaluator_support import catalog_yaml, load_text

VECTORS_FILE = Path(__file__).parents[1].parent / "shared" / "vectors" / "stigg.yaml"

# The keys each section's vectors may use; an unknown key or section would be
# a vector this file does not understand, so it fails rather than passing idly.
KNOWN_KEYS = {
    "prices": {
        "id", "model", "tiers", "quantity", "expect", "basis", "note", "currency",
        "unit_price", "block_size", "block_price", "rounding", "included",
    },
    "checks": {"id", "limit", "soft", "entitlement", "usage", "requested", "expect", "basis"},
    "addons": {
        "id", "plan_limit", "addon", "addons", "quantity", "expect_limit", "plan",
        "expect", "basis",
    },
    "resets": {"id", "reset", "anchor", "started_at", "now", "expect", "basis"},
}  # fmt: skip


def _load_vectors() -> dict:
    if not VECTORS_FILE.is_file():
        return {}
    return yaml.safe_load(VECTORS_FILE.read_text(encoding="utf-8"))


VECTORS = _load_vectors()


def _cases(section: str) -> list:
    return [pytest.param(v, id=v["id"]) for v in VECTORS.get(section, ())]


def test_vectors_file_is_present_and_fully_understood():
    assert VECTORS_FILE.is_file(), f"missing test vectors: {VECTORS_FILE}"
    assert set(VECTORS) <= {"tiers", *KNOWN_KEYS}, "a vector section this file does not run"
    ids = []
    for section, keys in KNOWN_KEYS.items():
        assert VECTORS[section], f"no vectors in section {section!r}"
        for vector in VECTORS[section]:
            assert set(vector) <= keys, f"{vector['id']}: keys {set(vector) - keys} not handled"
            ids.append(vector["id"])
    assert len(ids) == len(set(ids)), "vector ids must be unique"


# -- catalogs -------------------------------------------------------------------


def _product(currency: str = "USD") -> dict:
    return {
        "id": "vectors",
        "name": "Vectors",
        "currencies": [currency],
        "billing_periods": ["monthly"],
    }


def _money(value):
    """Vector amounts are decimal strings; catalogs write them as plain numbers."""
    return Decimal(value) if isinstance(value, str) else value


def _units_feature() -> dict:
    return {
        "units": {
            "name": "Units",
            "type": "metered",
            "meter": "incremental",
            "unit": ["unit", "units"],
        }
    }


def _charge(vector: dict, spell) -> dict:
    charge = {"model": vector["model"], "billing": "in_arrears"}
    for key in ("included", "block_size", "rounding"):
        if key in vector:
            charge[key] = vector[key]
    for key in ("unit_price", "block_price"):
        if key in vector:
            charge[key] = spell(vector[key])
    if "tiers" in vector:
        charge["tiers"] = [
            {k: (v if k == "up_to" else spell(v)) for k, v in tier.items()}
            for tier in vector["tiers"]
        ]
    return charge


def price_catalog(vector: dict, spell=_money) -> str:
    """A plan with one in-arrears charge of the vector's model on a metered feature."""
    return catalog_yaml(
        {
            "pricegen": 1,
            "product": _product(vector.get("currency", "USD")),
            "features": _units_feature(),
            "plans": {
                "metered": {
                    "name": "Metered",
                    "entitlements": {"units": "unlimited"},
                    "charges": {"units": _charge(vector, spell)},
                }
            },
        }
    )


def _entitlement(vector: dict):
    if vector.get("entitlement") == "none":
        return None
    if vector["limit"] == "unlimited":
        return "unlimited"
    return {"limit": vector["limit"], "soft": bool(vector.get("soft", False))}


def check_catalog(vector: dict) -> str:
    entitlement = _entitlement(vector)
    return catalog_yaml(
        {
            "pricegen": 1,
            "product": _product(),
            "features": _units_feature(),
            "plans": {
                "plan": {
                    "name": "Plan",
                    "default": True,
                    "entitlements": {} if entitlement is None else {"units": entitlement},
                }
            },
        }
    )


def _addon_entitlements(spec: dict) -> dict:
    if "limit" in spec:
        return {"units": {"limit": spec["limit"], "behavior": spec["behavior"]}}
    return dict(spec)  # boolean grants, e.g. {sso: true}


def addon_catalog(vector: dict) -> tuple[str, dict]:
    """A plan limit plus the vector's add-on(s); returns the text and the add-on quantities."""
    specs = vector["addons"] if "addons" in vector else [vector["addon"]]
    quantity = vector.get("quantity", 1)
    features = _units_feature()
    plan = {"name": "Plan", "default": True, "entitlements": {}}
    if "plan_limit" in vector:
        plan["entitlements"]["units"] = vector["plan_limit"]
    for fid, value in vector.get("plan", {}).items():
        features[fid] = {"name": fid.upper(), "type": "boolean"}
        plan["entitlements"][fid] = value
    addons = {
        f"addon-{i}": {
            "name": f"Add-on {i}",
            "plans": ["plan"],
            "max_quantity": quantity,
            "price": Decimal(0),
            "entitlements": _addon_entitlements(spec),
        }
        for i, spec in enumerate(specs, 1)
    }
    text = catalog_yaml(
        {
            "pricegen": 1,
            "product": _product(),
            "features": features,
            "plans": {"plan": plan},
            "addons": addons,
        }
    )
    return text, {addon_id: quantity for addon_id in addons}


def reset_catalog(vector: dict) -> str:
    entitlement = {"limit": 100, "reset": vector["reset"], "reset_anchor": vector["anchor"]}
    return catalog_yaml(
        {
            "pricegen": 1,
            "product": _product(),
            "features": _units_feature(),
            "plans": {
                "plan": {"name": "Plan", "default": True, "entitlements": {"units": entitlement}}
            },
        }
    )


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- the vectors ----------------------------------------------------------------


@pytest.mark.parametrize("vector", _cases("prices"))
@pytest.mark.parametrize("spelling", ["plain-numbers", "quoted-strings"])
def test_price(vector, spelling, tmp_path):
    spell = _money if spelling == "plain-numbers" else (lambda v: v)
    pricing = load_text(price_catalog(vector, spell), tmp_path)
    currency = vector.get("currency", "USD")
    sub = pricing.Subscription(plan="metered", period="monthly", currency=currency)
    quote = pricing.quote(sub, usage={"units": vector["quantity"]})
    (line,) = [line for line in quote.lines if line.item == "units"]
    expected = Decimal(vector["expect"])
    assert line.quantity == vector["quantity"]
    assert line.amount == expected
    assert quote.total == expected  # the plan has no base fee
    assert quote.currency == currency
    # rounded to the currency's minor unit: "2.70" for USD, "2" for JPY
    assert line.amount == pricing.round_money(line.amount, currency)
    assert isinstance(line.amount, Decimal) and isinstance(quote.total, Decimal)


@pytest.mark.parametrize("vector", _cases("checks"))
def test_check(vector, tmp_path):
    pricing = load_text(check_catalog(vector), tmp_path)
    sub = pricing.Subscription(plan="plan")
    decision = pricing.check(
        sub, "units", usage=vector["usage"], requested=vector.get("requested", 1)
    )
    data = decision.to_dict()
    assert {key: data[key] for key in vector["expect"]} == vector["expect"]
    if "reason" not in vector["expect"]:
        assert decision.reason is None


@pytest.mark.parametrize("vector", _cases("addons"))
def test_addon(vector, tmp_path):
    text, quantities = addon_catalog(vector)
    pricing = load_text(text, tmp_path)
    sub = pricing.Subscription(plan="plan", addons=quantities)
    if "expect_limit" in vector:
        limit = vector["expect_limit"]
        assert pricing.entitlements(sub)["units"].limit == limit
        assert pricing.check(sub, "units", usage=limit - 1).has_access
        assert not pricing.check(sub, "units", usage=limit).has_access
    for fid, granted in vector.get("expect", {}).items():
        assert pricing.check(sub, fid).has_access is granted
        plan_alone = pricing.Subscription(plan="plan")
        assert pricing.check(plan_alone, fid).has_access is vector["plan"][fid]


@pytest.mark.parametrize("vector", _cases("resets"))
def test_reset(vector, tmp_path):
    pricing = load_text(reset_catalog(vector), tmp_path)
    sub = pricing.Subscription(plan="plan", started_at=_moment(vector["started_at"]))
    decision = pricing.check(sub, "units", usage=0, now=_moment(vector["now"]))
    expect = vector["expect"]
    assert decision.reset == vector["reset"]
    assert decision.window_start == _moment(expect["window_start"])
    assert decision.window_end == _moment(expect["window_end"])
    data = decision.to_dict()
    assert {"window_start": data["window_start"], "window_end": data["window_end"]} == expect
