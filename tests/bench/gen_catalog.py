"""Generate a large, realistic, valid pricegen catalog for benchmarks.

The catalog is a directory:

- ``product.yaml``: the product (USD and EUR, monthly and annual) and all
  features, in a mix of boolean, config, enum and metered types;
- ``plans/<id>.yaml``: one plan per file. Plans come in families of four
  (``basic`` → ``plus`` → ``pro`` → ``max``), so ``extends`` chains are
  three deep. A family's root sets every feature; each child raises about
  half of them (never lowers, so resolution emits no warnings). Paid plans
  are priced in both currencies and both periods; every third family's
  ``pro`` plan has a three-tier graduated charge and a per-unit charge; every
  fifth family's ``max`` plan is a custom (contact sales) plan with variable
  entitlements. The first root is the free default plan;
- ``addons.yaml``: a few add-ons compatible with a handful of plans each.

The output is a pure function of ``(plans, features, seed)``: the same
arguments always write byte-identical files.

As a module::

    from gen_catalog import generate
    root = generate(tmp_path / "catalog", plans=500, features=50)

As a script::

    python tests/bench/gen_catalog.py OUT_DIR [--plans 500] [--features 50] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

DEFAULT_PLANS = 500
DEFAULT_FEATURES = 50
DEFAULT_SEED = 20240601

TIERS = ("basic", "plus", "pro", "max")  # one family: an extends chain of depth 3
CURRENCIES = ("USD", "EUR")
EUR_RATE = (92, 100)  # EUR price = USD price × 0.92, rounded to whole units
KINDS = ("boolean", "config", "enum", "metered")
KIND_WEIGHTS = (40, 20, 15, 25)
WORDS = (
    "audit",
    "alerts",
    "api",
    "backup",
    "branding",
    "cache",
    "dashboards",
    "domains",
    "export",
    "forms",
    "geo",
    "history",
    "insights",
    "jobs",
    "keys",
    "logs",
    "maps",
    "notes",
    "pipelines",
    "queries",
    "reports",
    "roles",
    "search",
    "storage",
    "tags",
    "tokens",
    "uploads",
    "views",
    "webhooks",
    "workflows",
    "zones",
)
UNITS = (("seat", "seats"), ("call", "calls"), ("GB", "GB"), ("run", "runs"), ("event", "events"))
ENUM_VALUES = ("csv", "json", "parquet", "xlsx", "pdf", "avro", "orc")


# -- the model --------------------------------------------------------------


def _features(rng: random.Random, count: int) -> list[dict]:
    features = []
    for index in range(count):
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0] if index >= len(KINDS) else KINDS[index]
        word = WORDS[index % len(WORDS)]
        feature = {
            "id": f"{word}-{index:03d}",
            "name": f"{word.capitalize()} {index}",
            "type": kind,
        }
        if kind == "config":
            feature["unit"] = ["day", "days"]
        elif kind == "enum":
            feature["values"] = list(ENUM_VALUES[: rng.randint(3, len(ENUM_VALUES))])
        elif kind == "metered":
            feature["meter"] = rng.choice(("fluctuating", "incremental"))
            feature["unit"] = list(rng.choice(UNITS))
        if rng.random() < 0.3:
            feature["group"] = rng.choice(("Security", "Data", "Integrations", "Usage"))
        features.append(feature)
    return features


def _root_entitlement(rng: random.Random, feature: dict):
    kind = feature["type"]
    if kind == "boolean":
        return rng.random() < 0.4
    if kind == "config":
        return rng.choice((7, 14, 30))
    if kind == "enum":
        return feature["values"][:1]
    if feature["meter"] == "fluctuating":
        return rng.choice((1, 3, 5))
    return {"limit": rng.choice((1000, 5000, 10000)), "reset": "month"}


def _raise(rng: random.Random, feature: dict, before):
    """A value at least as generous as ``before``; None when nothing can rise."""
    kind = feature["type"]
    if kind == "boolean":
        return True if before is False else None
    if kind == "config":
        return before * rng.choice((2, 3))
    if kind == "enum":
        values = feature["values"]
        return values[: len(before) + 1] if len(before) < len(values) else None
    if isinstance(before, dict):
        if before["limit"] == "unlimited":
            return None
        if rng.random() < 0.15:
            return {"limit": "unlimited", "reset": "month"}
        raised = {"limit": before["limit"] * 10, "reset": "month"}
        if rng.random() < 0.3:
            raised["soft"] = True
        return raised
    if before == "unlimited":
        return None
    return "unlimited" if rng.random() < 0.15 else before * rng.choice((2, 5))


def _amount(base: int, cents: bool) -> str:
    return f"{base}.{(base * 37) % 100:02d}" if cents else str(base)


def _price(usd: int, *, cents: bool = False) -> dict:
    """Both periods in both currencies; annual is ten months."""
    price = {}
    for period, months in (("monthly", 1), ("annual", 10)):
        value = usd * months
        eur = max(1, value * EUR_RATE[0] // EUR_RATE[1])
        price[period] = {"USD": _amount(value, cents), "EUR": _amount(eur, cents)}
    return price


def _unit_price(usd_ten_thousandths: int) -> dict:
    def text(ten_thousandths: int) -> str:
        return f"0.{ten_thousandths:04d}"

    eur = max(1, usd_ten_thousandths * EUR_RATE[0] // EUR_RATE[1])
    return {p: {"USD": text(usd_ten_thousandths), "EUR": text(eur)} for p in ("monthly", "annual")}


def _graduated(rng: random.Random) -> dict:
    first = rng.choice((5, 10, 20))
    base = rng.choice((8, 10, 12, 15))
    return {
        "model": "graduated",
        "billing": "in_advance",
        "tiers": [
            {"up_to": first, "unit_price": _price(base), "flat_price": _price(base // 2 + 1)},
            {"up_to": first * 5, "unit_price": _price(base - 2)},
            {"unit_price": _price(base - 4)},
        ],
    }


def _per_unit(rng: random.Random) -> dict:
    return {
        "model": "per_unit",
        "billing": "in_arrears",
        "included": rng.choice((1000, 10000, 100000)),
        "unit_price": _unit_price(rng.choice((12, 27, 50))),
    }


def _plans(rng: random.Random, count: int, features: list[dict]) -> list[dict]:
    fluctuating = [f for f in features if f["type"] == "metered" and f["meter"] == "fluctuating"]
    incremental = [f for f in features if f["type"] == "metered" and f["meter"] == "incremental"]
    configs = [f for f in features if f["type"] == "config"]
    plans: list[dict] = []
    family = 0
    while len(plans) < count:
        effective: dict[str, object] = {}
        parent = None
        for depth, tier in enumerate(TIERS):
            if len(plans) == count:
                break
            plan_id = f"{WORDS[family % len(WORDS)]}-{family:04d}-{tier}"
            plan: dict = {"id": plan_id, "name": f"{tier.capitalize()} {family}"}
            if rng.random() < 0.5:
                plan["description"] = f"The {tier} plan of line {family}, for teams that need more."
            if parent:
                plan["extends"] = parent
            custom = depth == 3 and family % 5 == 0
            default = family == 0 and depth == 0
            if rng.random() < 0.1 and not default:
                plan["status"] = rng.choice(("draft", "archived"))
            own: dict[str, object] = {}
            if depth == 0:
                own = {f["id"]: _root_entitlement(rng, f) for f in features}
            else:
                for feature in features:
                    if rng.random() < 0.5:
                        raised = _raise(rng, feature, effective[feature["id"]])
                        if raised is not None:
                            own[feature["id"]] = raised
            if custom:
                plan["custom"] = True
                for feature in configs[:2]:
                    own[feature["id"]] = {"variable": True}
            elif default:
                plan["default"] = True
            else:
                plan["price"] = _price(
                    rng.choice((9, 19, 29, 49, 99)) * (depth + 1), cents=rng.random() < 0.3
                )
                if depth in (1, 2) and rng.random() < 0.3:
                    plan["trial"] = (
                        {"days": 14}
                        if rng.random() < 0.7
                        else {"months": 3, "credits": {"USD": 30, "EUR": 27}}
                    )
                if depth == 2 and family % 3 == 0:
                    charges = {}
                    if fluctuating:
                        charges[rng.choice(fluctuating)["id"]] = _graduated(rng)
                    if incremental:
                        charges[rng.choice(incremental)["id"]] = _per_unit(rng)
                    if charges:
                        plan["charges"] = charges
            plan["entitlements"] = own
            effective.update(own)
            plans.append(plan)
            parent = plan_id
        family += 1
    return plans


def _addons(rng: random.Random, plans: list[dict], features: list[dict]) -> list[dict]:
    paid = [p["id"] for p in plans if "price" in p] or [p["id"] for p in plans]
    metered = [f for f in features if f["type"] == "metered"]
    booleans = [f for f in features if f["type"] == "boolean"]
    count = max(3, len(plans) // 50)
    addons: list[dict] = []
    for index in range(count):
        addon: dict = {
            "id": f"addon-{index:03d}",
            "name": f"Add-on {index}",
            "plans": sorted(rng.sample(paid, min(len(paid), rng.randint(2, 8)))),
            "max_quantity": rng.choice((1, 5, 10)),
            "price": _price(rng.choice((5, 10, 25, 50))),
        }
        entitlements: dict[str, object] = {}
        if metered:
            feature = rng.choice(metered)
            limit = 10 if feature["meter"] == "fluctuating" else 100000
            entitlements[feature["id"]] = (
                {"limit": limit}
                if rng.random() < 0.7
                else {"limit": limit * 10, "behavior": "override"}
            )
        if booleans and rng.random() < 0.5:
            entitlements[rng.choice(booleans)["id"]] = True
        addon["entitlements"] = entitlements
        if index > 0 and rng.random() < 0.3:
            addon["requires"] = [f"addon-{rng.randrange(index):03d}"]
        if index > 1 and rng.random() < 0.3:
            excluded = f"addon-{rng.randrange(index):03d}"
            if excluded not in addon.get("requires", ()):
                addon["excludes"] = [excluded]
        addons.append(addon)
    return addons


# -- YAML text ---------------------------------------------------------------


def _scalar(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _price_block(lines: list[str], indent: str, key: str, price: dict) -> None:
    """The brief's style: one flow map per period."""
    lines.append(f"{indent}{key}:")
    for period, money in price.items():
        lines.append(f"{indent}  {period}: {_flow(money)}")


def _product_file(features: list[dict]) -> str:
    lines = [
        "# yaml-language-server: $schema=../spec/pricegen.schema.json",
        "pricegen: 1",
        "product:",
        "  id: bench",
        "  name: Bench Analytics",
        "  description: A generated catalog for benchmarks.",
        f"  currencies: {_flow(list(CURRENCIES))}",
        "  billing_periods: [monthly, annual]",
        "  trial_end: downgrade",
        "",
        "features:",
    ]
    for feature in features:
        body = {k: v for k, v in feature.items() if k != "id"}
        lines.append(f"  {feature['id']}: {_flow(body)}")
    return "\n".join(lines) + "\n"


def _plan_file(plan: dict) -> str:
    lines = ["pricegen: 1", "plans:", f"  {plan['id']}:"]
    for key in ("name", "description", "extends", "status", "default", "custom"):
        if key in plan:
            lines.append(f"    {key}: {_scalar(plan[key])}")
    if "trial" in plan:
        lines.append(f"    trial: {_flow(plan['trial'])}")
    if "price" in plan:
        _price_block(lines, "    ", "price", plan["price"])
    if plan["entitlements"]:
        lines.append("    entitlements:")
        for feature_id, value in plan["entitlements"].items():
            lines.append(f"      {feature_id}: {_flow(value)}")
    if "charges" in plan:
        lines.append("    charges:")
        for feature_id, charge in plan["charges"].items():
            lines.append(f"      {feature_id}:")
            for key, value in charge.items():
                if key == "unit_price":
                    _price_block(lines, "        ", key, value)
                elif key == "tiers":
                    lines.append("        tiers:")
                    for tier in value:
                        first = True
                        for tkey, tvalue in tier.items():
                            lead = "          - " if first else "            "
                            lines.append(f"{lead}{tkey}: {_flow(tvalue)}")
                            first = False
                else:
                    lines.append(f"        {key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _addons_file(addons: list[dict]) -> str:
    lines = ["pricegen: 1", "addons:"]
    for addon in addons:
        lines.append(f"  {addon['id']}:")
        for key in ("name", "plans", "max_quantity", "requires", "excludes"):
            if key in addon:
                lines.append(f"    {key}: {_flow(addon[key])}")
        _price_block(lines, "    ", "price", addon["price"])
        lines.append("    entitlements:")
        for feature_id, value in addon["entitlements"].items():
            lines.append(f"      {feature_id}: {_flow(value)}")
    return "\n".join(lines) + "\n"


def generate(
    out: str | Path,
    plans: int = DEFAULT_PLANS,
    features: int = DEFAULT_FEATURES,
    seed: int = DEFAULT_SEED,
) -> Path:
    """Write the catalog into ``out`` (replacing its ``plans/`` directory); return ``out``."""
    if plans < 1 or features < len(KINDS):
        raise ValueError(f"expected at least 1 plan and {len(KINDS)} features")
    rng = random.Random(seed)
    feature_list = _features(rng, features)
    plan_list = _plans(rng, plans, feature_list)
    addon_list = _addons(rng, plan_list, feature_list)
    root = Path(out)
    if (root / "plans").exists():
        shutil.rmtree(root / "plans")
    (root / "plans").mkdir(parents=True)
    (root / "product.yaml").write_text(_product_file(feature_list), encoding="utf-8")
    (root / "addons.yaml").write_text(_addons_file(addon_list), encoding="utf-8")
    for plan in plan_list:
        (root / "plans" / f"{plan['id']}.yaml").write_text(_plan_file(plan), encoding="utf-8")
    return root


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to write the catalog into")
    parser.add_argument("--plans", type=int, default=DEFAULT_PLANS)
    parser.add_argument("--features", type=int, default=DEFAULT_FEATURES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    root = generate(args.out, args.plans, args.features, args.seed)
    print(f"{root}: {args.plans} plans × {args.features} features")


if __name__ == "__main__":
    main()
