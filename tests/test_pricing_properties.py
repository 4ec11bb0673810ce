"""Property tests of the pricing models, with the rules themselves as the oracle.

A fixed catalog with large, irregular tier tables is compiled once; hypothesis
varies the quantities. One more test builds random tier tables as catalog
text and compiles each. The oracle below restates the rules of the
language reference (spec/language.md, "The models") in plain Python.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from evaluator_support import catalog_yaml, load_text
from hypothesis import given, settings
from hypothesis import strategies as st

MINOR_UNITS = {"USD": 2, "JPY": 0, "KWD": 3}

# -- the oracle -----------------------------------------------------------------


def rounded(amount: Decimal, currency: str = "USD") -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-MINOR_UNITS[currency]), rounding=ROUND_HALF_UP)


def graduated(tiers: list[dict], q: int) -> Decimal:
    """The sum of per-tier slices: the units inside each tier, plus its flat fee once reached."""
    total, lower = Decimal(0), 0
    for tier in tiers:
        upper = tier.get("up_to")
        if q <= lower:
            break
        inside = (q if upper is None else min(q, upper)) - lower
        total += inside * tier["unit_price"] + tier.get("flat_price", 0)
        lower = upper
    return total


def reached(tiers: list[dict], q: int) -> dict | None:
    return next((t for t in tiers if t.get("up_to") is None or q <= t["up_to"]), None)


def volume(tiers: list[dict], q: int) -> Decimal:
    """Every unit at the reached tier's price, plus its flat fee; nothing for 0."""
    if q == 0:
        return Decimal(0)
    tier = reached(tiers, q)
    return q * tier["unit_price"] + tier.get("flat_price", 0)


def stairstep(tiers: list[dict], q: int) -> Decimal:
    return Decimal(0) if q == 0 else reached(tiers, q)["price"]


def package(size: int, price: Decimal, q: int, rounding: str = "up") -> Decimal:
    blocks = -(-q // size) if rounding == "up" else q // size
    return blocks * price


# -- a fixed catalog with irregular tiers -----------------------------------------

GRADUATED_TIERS = [
    {"up_to": 1, "unit_price": Decimal("19.9999")},
    {"up_to": 7, "unit_price": Decimal("3.1415"), "flat_price": Decimal("0.005")},
    {"up_to": 50, "unit_price": Decimal("0.0027")},
    {"up_to": 333, "unit_price": Decimal("1.0001"), "flat_price": Decimal("12.5")},
    {"up_to": 1000, "unit_price": Decimal("0"), "flat_price": Decimal("99.9999")},
    {"up_to": 12345, "unit_price": Decimal("0.0149")},
    {"unit_price": Decimal("0.0005"), "flat_price": Decimal("1000")},
]
STAIRSTEP_TIERS = [
    {"up_to": 3, "price": Decimal("0")},
    {"up_to": 10, "price": Decimal("7.4999")},
    {"up_to": 999, "price": Decimal("120.0051")},
    {"up_to": 50000, "price": Decimal("4500")},
]
PACKAGE = {"block_size": 37, "block_price": Decimal("2.3456")}
UNIT_PRICE = Decimal("0.0049")
INCLUDED = 1234

CHARGES = {
    "grad": {"model": "graduated", "tiers": GRADUATED_TIERS},
    "vol": {"model": "volume", "tiers": GRADUATED_TIERS},
    "stair": {"model": "stairstep", "tiers": STAIRSTEP_TIERS},
    "pkg": {"model": "package", **PACKAGE},
    "pkg-down": {"model": "package", **PACKAGE, "rounding": "down"},
    "unit": {"model": "per_unit", "unit_price": UNIT_PRICE},
}
ORACLE = {
    "grad": lambda q: graduated(GRADUATED_TIERS, q),
    "vol": lambda q: volume(GRADUATED_TIERS, q),
    "stair": lambda q: stairstep(STAIRSTEP_TIERS, q),
    "pkg": lambda q: package(PACKAGE["block_size"], PACKAGE["block_price"], q),
    "pkg-down": lambda q: package(PACKAGE["block_size"], PACKAGE["block_price"], q, "down"),
    "unit": lambda q: q * UNIT_PRICE,
}
STAIRSTEP_TOP = STAIRSTEP_TIERS[-1]["up_to"]


def fixed_catalog() -> str:
    """Plan "p" charges each model twice: as is, and on a twin feature with INCLUDED units."""
    features, charges = {}, {}
    for fid, charge in CHARGES.items():
        for name, extra in ((fid, {}), (f"{fid}-inc", {"included": INCLUDED})):
            features[name] = {"name": name, "type": "metered", "meter": "incremental"}
            charges[name] = {**charge, "billing": "in_arrears", **extra}
    return catalog_yaml(
        {
            "pricegen": 1,
            "product": {
                "id": "props",
                "name": "Props",
                "currencies": ["USD"],
                "billing_periods": ["monthly"],
            },
            "features": features,
            "plans": {"p": {"name": "P", "charges": charges}},
        }
    )


@pytest.fixture(scope="module")
def pricing(tmp_path_factory):
    return load_text(fixed_catalog(), tmp_path_factory.mktemp("props"))


def amounts(pricing, usage: dict) -> dict:
    quote = pricing.quote(pricing.Subscription(plan="p"), usage=usage)
    return {line.item: line.amount for line in quote.lines if line.item != "plan"}


quantities = st.one_of(
    st.integers(0, 60),
    st.integers(0, 2000),
    st.integers(0, STAIRSTEP_TOP),
    st.sampled_from([t["up_to"] + d for t in GRADUATED_TIERS[:-1] for d in (-1, 0, 1)]),
)


@given(q=quantities)
def test_every_model_follows_its_rule(pricing, q):
    got = amounts(pricing, {fid: q for fid in CHARGES})
    for fid, oracle in ORACLE.items():
        assert got[fid] == rounded(oracle(q)), fid


@given(q=quantities)
def test_included_units_are_free_and_tiers_count_the_rest(pricing, q):
    usage = {f"{fid}-inc": q for fid in CHARGES}
    usage.update({fid: max(q - INCLUDED, 0) for fid in CHARGES})
    got = amounts(pricing, usage)
    for fid in CHARGES:
        assert got[f"{fid}-inc"] == got[fid], fid


@given(q=quantities, step=st.integers(1, 500))
def test_graduated_package_and_per_unit_never_get_cheaper(pricing, q, step):
    low = amounts(pricing, dict.fromkeys(("grad", "pkg", "pkg-down", "unit"), q))
    high = amounts(pricing, dict.fromkeys(("grad", "pkg", "pkg-down", "unit"), q + step))
    for fid in ("grad", "pkg", "pkg-down", "unit"):
        assert low[fid] <= high[fid], fid


@given(usage=st.fixed_dictionaries({fid: quantities for fid in CHARGES}))
def test_amounts_are_decimal_and_the_same_inputs_give_the_same_quote(pricing, usage):
    first = pricing.quote(pricing.Subscription(plan="p"), usage=usage)
    again = pricing.quote(pricing.Subscription(plan="p"), usage=dict(reversed(usage.items())))
    assert first == again and first.to_dict() == again.to_dict()
    assert type(first.total) is Decimal
    for line in first.lines:
        assert type(line.amount) is Decimal and type(line.quantity) is int
        assert line.amount == rounded(line.amount)
    assert first.total == sum(line.amount for line in first.lines)
    data = first.to_dict()
    assert type(data["total"]) is str and all(type(li["amount"]) is str for li in data["lines"])


def test_stairstep_beyond_its_bounded_last_tier_is_refused(pricing):
    with pytest.raises(pricing.QuantityOutOfRangeError):
        amounts(pricing, {"stair": STAIRSTEP_TOP + 1})
    # included units come off first: INCLUDED more units still fit
    assert amounts(pricing, {"stair-inc": STAIRSTEP_TOP + INCLUDED})["stair-inc"] == rounded(
        STAIRSTEP_TIERS[-1]["price"]
    )


# -- random tier tables, one catalog per example ----------------------------------

prices = st.integers(0, 10**8).map(lambda n: Decimal(n).scaleb(-4))  # <= 4 decimal places


@st.composite
def tier_tables(draw):
    model = draw(st.sampled_from(["graduated", "volume", "stairstep"]))
    count = draw(st.integers(1, 6))
    bounds = sorted(
        draw(st.sets(st.integers(1, 10**6), min_size=count, max_size=count))
    )  # up_to >= 1
    tiers = []
    for bound in bounds:
        if model == "stairstep":
            tier = {"up_to": bound, "price": draw(prices)}
        else:
            tier = {"up_to": bound, "unit_price": draw(prices)}
            if draw(st.booleans()):
                tier["flat_price"] = draw(prices)
        tiers.append(tier)
    if model != "stairstep" or draw(st.booleans()):
        del tiers[-1]["up_to"]  # graduated and volume end open; stairstep may
    return model, tiers


@settings(max_examples=30, deadline=None)
@given(
    table=tier_tables(),
    currency=st.sampled_from(sorted(MINOR_UNITS)),
    included=st.sampled_from([0, 0, 1, 100]),
    qs=st.lists(st.integers(0, 2 * 10**6), min_size=1, max_size=8),
)
def test_random_tier_tables(tmp_path_factory, table, currency, included, qs):
    model, tiers = table
    text = catalog_yaml(
        {
            "pricegen": 1,
            "product": {
                "id": "random",
                "name": "Random",
                "currencies": [currency],
                "billing_periods": ["monthly"],
            },
            "features": {"units": {"name": "Units", "type": "metered"}},
            "plans": {
                "p": {
                    "name": "P",
                    "charges": {"units": {"model": model, "included": included, "tiers": tiers}},
                }
            },
        }
    )
    pricing = load_text(text, tmp_path_factory.mktemp("random"))
    oracle = {"graduated": graduated, "volume": volume, "stairstep": stairstep}[model]
    top = tiers[-1].get("up_to")
    for q in qs:
        billable = max(q - included, 0)
        sub = pricing.Subscription(plan="p")
        if top is not None and billable > top:
            with pytest.raises(pricing.QuantityOutOfRangeError):
                pricing.quote(sub, usage={"units": q})
            continue
        quote = pricing.quote(sub, usage={"units": q})
        (line,) = [line for line in quote.lines if line.item == "units"]
        assert line.amount == rounded(oracle(tiers, billable), currency)
        assert quote.total == line.amount
