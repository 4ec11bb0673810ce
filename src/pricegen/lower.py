"""Stage five: the raw, checked catalog becomes the typed model.

This is the only module that knows the YAML shapes and shorthands: ``true``,
``unlimited``, a bare number, a list of enum values, a price without
periods. Each plan gets only its own entitlements here; ``resolve`` adds
the inherited ones.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .check_prices import plan_periods
from .currencies import minor_units as default_minor_units
from .merge import Entry, RawCatalog
from .model import Addon, Catalog, Charge, Entitlement, Feature, Plan, Product, Tier, Trial
from .money import PERIODS, Price, amount, expand_money, expand_price, order_price
from .source import combined_sha256


def lower(raw: RawCatalog) -> Catalog:
    product = _product(raw.product)
    features = {fid: _feature(entry) for fid, entry in raw.features.items()}
    plans = {pid: _plan(raw, product, features, entry) for pid, entry in raw.plans.items()}
    addons = {aid: _addon(raw, product, features, entry) for aid, entry in raw.addons.items()}
    return Catalog(product, features, plans, addons, combined_sha256(list(raw.sources)))


def _product(data) -> Product:
    currencies = tuple(data["currencies"])
    overrides = data.get("minor_units") or {}
    minor_units = {c: overrides.get(c, default_minor_units(c)) for c in currencies}
    return Product(
        id=data["id"],
        name=data["name"],
        description=data.get("description", ""),
        currencies=currencies,
        billing_periods=tuple(p for p in PERIODS if p in data["billing_periods"]),
        trial_end=data.get("trial_end", "downgrade"),
        rounding=data.get("rounding", "half_up"),
        minor_units=minor_units,
        locale=data.get("locale", "en_US"),
        metadata=_metadata(data),
    )


def _metadata(data) -> dict[str, str]:
    """Passed through as written: text keys and text values, in author order."""
    return dict(data.get("metadata") or {})


def _feature(entry: Entry) -> Feature:
    unit = entry.get("unit")
    if isinstance(unit, str):
        unit = (unit, unit)
    singular_plural: tuple[str, str] | None = (unit[0], unit[1]) if unit else None
    kind = entry.get("type")
    return Feature(
        id=entry.id,
        name=entry.get("name"),
        description=entry.get("description", ""),
        group=entry.get("group", ""),
        type=kind,
        unit=singular_plural,
        values=tuple(entry.get("values") or ()),
        meter=entry.get("meter", "incremental") if kind == "metered" else None,
        metadata=_metadata(entry.data),
        loc=entry.loc(key=True),
    )


def entitlement(feature: Feature, value: Any, source: str, loc: Any) -> Entitlement:
    """Expand one entitlement shorthand for ``feature``; the checks passed already."""
    base = {"feature": feature.id, "type": feature.type, "source": source, "loc": loc}
    if value is False:
        return Entitlement(**base, granted=False)
    full: Any = value if isinstance(value, dict) else {}
    common: dict[str, Any] = {
        **base,
        "variable": bool(full.get("variable")),
        "behavior": full.get("behavior"),
    }
    if feature.type == "boolean":
        return Entitlement(**common, granted=full.get("enabled", True) if full else True)
    if feature.type == "config":
        raw: Any = full.get("value") if full else value
        return Entitlement(**common, value=None if raw is None else amount(raw))
    if feature.type == "enum":
        chosen = full.get("values", ()) if full else value
        order = [v for v in feature.values if v in chosen]
        return Entitlement(**common, values=tuple(order))
    limit: Any = full.get("limit") if full else value
    return Entitlement(
        **common,
        limit=None if limit in (None, "unlimited") else int(limit),
        unlimited=limit == "unlimited",
        soft=bool(full.get("soft", False)),
        reset=full.get("reset"),
        reset_anchor=full.get("reset_anchor", "subscription_start"),
    )


def _entitlements(features, entry: Entry) -> dict[str, Entitlement]:
    own = entry.get("entitlements") or {}
    order = [fid for fid in features if fid in own]
    return {
        fid: entitlement(
            features[fid], own[fid], entry.id, entry.loc("entitlements", fid, key=True)
        )
        for fid in order
    }


def _price(value, periods, product: Product) -> Price | None:
    if value is None:
        return None
    expanded = expand_price(value, periods, product.currencies)
    return order_price(expanded, periods, product.currencies)


def _plan(raw: RawCatalog, product: Product, features, entry: Entry) -> Plan:
    periods = tuple(p for p in product.billing_periods if p in plan_periods(raw, entry))
    trial = entry.get("trial")
    charges = entry.get("charges") or {}
    return Plan(
        id=entry.id,
        name=entry.get("name"),
        description=entry.get("description", ""),
        status=entry.get("status", "published"),
        default=bool(entry.get("default", False)),
        custom=bool(entry.get("custom", False)),
        extends=entry.get("extends"),
        ancestors=(),
        billing_periods=periods,
        trial=_trial(trial, product) if trial is not None else None,
        price=_price(entry.get("price"), periods, product),
        charges=tuple(
            _charge(features[fid], charges[fid], periods, product)
            for fid in features
            if fid in charges
        ),
        entitlements=_entitlements(features, entry),
        metadata=_metadata(entry.data),
        loc=entry.loc(key=True),
    )


def _trial(data, product: Product) -> Trial:
    credits = data.get("credits")
    return Trial(
        days=data.get("days"),
        months=data.get("months"),
        credits=None
        if credits is None
        else {c: v for c, v in expand_money(credits, product.currencies).items()},
    )


def _charge(feature: Feature, data, periods, product: Product) -> Charge:
    default_billing = "in_advance" if feature.meter == "fluctuating" else "in_arrears"
    return Charge(
        feature=feature.id,
        model=data["model"],
        billing=data.get("billing", default_billing),
        description=data.get("description", ""),
        included=data.get("included", 0),
        price=_price(data.get("price"), periods, product),
        unit_price=_price(data.get("unit_price"), periods, product),
        block_size=data.get("block_size"),
        block_price=_price(data.get("block_price"), periods, product),
        rounding=data.get("rounding", "up"),
        tiers=tuple(
            Tier(
                up_to=tier.get("up_to"),
                unit_price=_price(tier.get("unit_price"), periods, product),
                flat_price=_price(tier.get("flat_price"), periods, product),
                price=_price(tier.get("price"), periods, product),
            )
            for tier in data.get("tiers") or ()
        ),
    )


def _addon(raw: RawCatalog, product: Product, features, entry: Entry) -> Addon:
    compatible = tuple(entry.get("plans") or ())
    periods = (
        tuple(
            p
            for p in product.billing_periods
            if any(p in plan_periods(raw, raw.plans[pid]) for pid in compatible if pid in raw.plans)
        )
        or product.billing_periods
    )
    ents = _entitlements(features, entry)
    # An add-on only adds: "feature: false" grants nothing, so it is not an entitlement
    # (as a plan's effective entitlements hold only granted ones).
    ents = {
        fid: e if e.behavior or e.type != "metered" else replace(e, behavior="increment")
        for fid, e in ents.items()
        if e.granted
    }
    return Addon(
        id=entry.id,
        name=entry.get("name"),
        description=entry.get("description", ""),
        status=entry.get("status", "published"),
        plans=compatible,
        max_quantity=entry.get("max_quantity", 1),
        requires=tuple(entry.get("requires") or ()),
        excludes=tuple(entry.get("excludes") or ()),
        price=_price(entry.get("price"), periods, product) or {},
        entitlements=ents,
        metadata=_metadata(entry.data),
        loc=entry.loc(key=True),
    )
