"""The catalog's price sheets as rows of data, and the decimal widths they need.

The SQL target ships the catalog inside the query as small tables (VALUES
lists): plans, their prices per period and currency, every charge reduced
to tiers, add-ons and their rules. This module computes those rows from the
model, in plain Python with ``Decimal``; :mod:`.query` turns them into
sqlglot expressions. Nothing here knows SQL.

Every pricing model becomes tiers of one shape, so the query prices any
charge with one formula. For ``units`` billable units (``blocks`` for a
package) that fall in the tier ``tier_from < units <= tier_to``::

    amount = base + (units - tier_from) * unit_price

- ``per_unit``: one open tier from 0, base 0.
- ``graduated``: ``base`` is everything the tiers below charge in full, plus
  the flat fees of the tiers reached, this one's included.
- ``volume``: ``tier_from`` is taken as 0 for the slope, so every unit is at
  the tier's price (``offset`` says where the slope starts), plus its flat fee.
- ``stairstep``: the tier's price as ``base``, no slope; no tier means the
  quantity is beyond a bounded last tier, which is refused.
- ``package``: one open tier; units are blocks, rounded up or down.
- ``flat``: one tier from -1, so that 0 units pay the fee too.

Zero billable units match no tier of any other model, and cost nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ...model import Catalog, Charge, Entitlement, Plan

# The most units the SQL accepts in a quantity, usage or add-on count: quantities
# are DECIMAL(16, 0), and every amount at this many units must fit DECIMAL(38).
MAX_UNITS = 10**15
UNIT_DIGITS = 16
# Widths of the money types, chosen so that no operation of the query needs more
# than 38 digits in any dialect (Spark adds a digit to each product and sum):
# price (19) x units (16 + 1 for the subtraction) + 1 + base -> 38.
PRICE_DIGITS = 19
LINE_DIGITS = 29  # an exact line amount; times 10^6 and plus 0.5 to round stays within 38
TOTAL_DIGITS = 38
MAX_MINOR_UNITS = 6


@dataclass(frozen=True)
class Tier:
    plan: str
    period: str
    currency: str
    feature: str
    tier_from: int  # exclusive lower bound of the tier, in units (blocks for a package)
    tier_to: int | None  # inclusive upper bound; None for an open tier
    offset: int  # where the slope starts: tier_from, or 0 for volume
    base: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class Sheets:
    """Every row the query's catalog tables hold, and the scale of its money."""

    scale: int  # decimals of every money value in the query
    currencies: list[tuple[str, int, int]]  # (currency, position, minor units)
    plans: list[tuple]  # (plan, key, status, custom, has_trial, first period, charge count)
    plan_periods: list[tuple[str, str]]
    plan_prices: list[tuple]  # (plan, period, currency, price, sheet): sheet numbers them
    charges: list[tuple]  # (plan key, feature, position, in_advance, included, block, add,
    #                       the most units of a bounded stairstep)
    tiers: list[tuple]  # (sheet, charge position, from, to, offset, base, unit price)
    addons: list[tuple]  # (addon, item, position, max_quantity, archived)
    addon_plans: list[tuple[str, str]]
    addon_prices: list[tuple[str, str, str, Decimal]]
    addon_requires: list[tuple[str, str]]
    addon_excludes: list[tuple[str, str]]
    trial_credits: list[tuple[int, Decimal]]  # (sheet, budget)
    features: list[tuple[str, bool]]  # (feature, metered)
    plan_limits: list[tuple]  # (plan, feature, limit, unlimited, soft, metered, reset key)
    addon_limits: list[tuple]  # (addon, feature, ... as plan_limits, override, position)
    reset_windows: list[tuple[int, str, int]]  # (reset key, period, windows per period)


def sheets(catalog: Catalog) -> Sheets:
    """The rows of the catalog's tables, in catalog order."""
    product = catalog.product
    tiers: list[tuple] = []
    charges: list[tuple] = []
    prices: list[tuple] = []
    credits: list[tuple[int, Decimal]] = []
    for key, plan in enumerate(catalog.plans.values()):
        sheet_of = {}
        for plan_id, period, currency, amount in _plan_prices(catalog, plan):
            sheet_of[period, currency] = len(prices)
            prices.append((plan_id, period, currency, amount, len(prices)))
        for index, charge in enumerate(plan.charges):
            block, add = _blocks(charge)
            in_advance = charge.billing == "in_advance"
            most = _stairstep_most(charge)
            charges.append(
                (key, charge.feature, index, in_advance, charge.included, block, add, most)
            )
            tiers += [
                (sheet_of[t.period, t.currency], index, t.tier_from, t.tier_to, t.offset,
                 t.base, t.unit_price)
                for t in charge_tiers(plan, charge)
            ]  # fmt: skip
        if plan.trial and plan.trial.credits:
            budgets = plan.trial.credits
            credits += [(s, budgets[c]) for (_, c), s in sheet_of.items() if c in budgets]
    addons = list(catalog.addons.values())
    resets: dict[tuple[str | None, str], int] = {}  # (reset, anchor) -> key, in first use
    return Sheets(
        scale=money_scale(catalog),
        currencies=[(c, i, product.minor_units[c]) for i, c in enumerate(product.currencies)],
        plans=[
            (
                p.id,
                key,
                p.status,
                p.custom,
                p.trial is not None,
                p.billing_periods[0],
                len(p.charges),
            )
            for key, p in enumerate(catalog.plans.values())
        ],  # fmt: skip
        plan_periods=[
            (p.id, period) for p in catalog.plans.values() for period in p.billing_periods
        ],
        plan_prices=prices,
        charges=charges,
        tiers=tiers,
        addons=[
            (a.id, f"addon:{a.id}", i, a.max_quantity, a.status == "archived")
            for i, a in enumerate(addons)
        ],
        addon_plans=[(a.id, p) for a in addons for p in a.plans if p in catalog.plans],
        addon_prices=[
            (a.id, period, currency, amount)
            for a in addons
            for period, money in a.price.items()
            for currency, amount in money.items()
        ],
        addon_requires=[(a.id, r) for a in addons for r in a.requires],
        addon_excludes=[(a.id, x) for a in addons for x in a.excludes],
        trial_credits=credits,
        features=[(fid, f.type == "metered") for fid, f in catalog.features.items()],
        plan_limits=[
            (p.id, fid, *_grant_row(e, resets))
            for p in catalog.plans.values()
            for fid, e in p.entitlements.items()
            if e.granted and not e.variable
        ],
        addon_limits=[
            (a.id, fid, *_grant_row(e, resets), e.behavior == "override", i)
            for i, a in enumerate(addons)
            for fid, e in a.entitlements.items()
            if e.granted
        ],
        reset_windows=_reset_windows(resets, catalog),
    )


def _grant_row(e: Entitlement, resets: dict[tuple[str | None, str], int]) -> tuple:
    """(limit, unlimited, soft, metered, reset key) of a grant: the key numbers its
    (reset, anchor), which decides how many usage windows a billing period holds."""
    metered = e.type == "metered"
    key = resets.setdefault((e.reset, e.reset_anchor), len(resets)) if metered else None
    return e.limit if metered else None, e.unlimited, e.soft, metered, key


def _reset_windows(resets: dict, catalog: Catalog) -> list[tuple[int, str, int]]:
    """How many usage windows each billing period can touch, as quote() caps usage by a
    hard limit: the evaluator's own rule, so the two cannot drift."""
    from ...runtimes.evaluator import _windows_per_period

    return [
        (key, period, _windows_per_period(reset, anchor, period))
        for (reset, anchor), key in resets.items()
        for period in catalog.product.billing_periods
    ]


def _plan_prices(catalog: Catalog, plan: Plan) -> list[tuple[str, str, str, Decimal]]:
    """The base fee of every period and currency the plan sells; 0 without a price."""
    rows = []
    for period in plan.billing_periods:
        for currency in catalog.product.currencies:
            amount = plan.price[period][currency] if plan.price else Decimal(0)
            rows.append((plan.id, period, currency, amount))
    return rows


def _blocks(charge: Charge) -> tuple[int, int]:
    """(block size, units added before dividing): a package counts blocks, others units."""
    if charge.model != "package":
        return 1, 0
    size = charge.block_size or 1
    return size, size - 1 if charge.rounding == "up" else 0


def _stairstep_most(charge: Charge) -> int | None:
    """The most units a bounded stairstep prices (its last tier, plus what is included)."""
    if charge.model != "stairstep" or not charge.tiers or charge.tiers[-1].up_to is None:
        return None
    return charge.included + charge.tiers[-1].up_to


def charge_tiers(plan: Plan, charge: Charge) -> list[Tier]:
    """The charge's tiers in every period and currency, in the one shape of the module doc."""
    rows = []
    prices = _price_maps(charge)
    for period in plan.billing_periods:
        for currency in _currencies(prices, period):
            rows += _tiers_of(plan.id, charge, period, currency)
    return rows


def _price_maps(charge: Charge) -> list:
    maps = [charge.price, charge.unit_price, charge.block_price]
    for tier in charge.tiers:
        maps += [tier.unit_price, tier.flat_price, tier.price]
    return [m for m in maps if m]


def _currencies(prices: list, period: str) -> list[str]:
    """The currencies every price of the charge has in this period (all of them, once valid)."""
    first = list(prices[0].get(period, {})) if prices else []
    return [c for c in first if all(c in p.get(period, {}) for p in prices)]


def _tiers_of(plan_id: str, charge: Charge, period: str, currency: str) -> list[Tier]:
    def at(price) -> Decimal:
        return price[period][currency] if price else Decimal(0)

    def tier(start, end, offset, base, unit) -> Tier:
        return Tier(plan_id, period, currency, charge.feature, start, end, offset, base, unit)

    model = charge.model
    if model == "flat":
        return [tier(-1, None, 0, at(charge.price), Decimal(0))]
    if model == "per_unit":
        return [tier(0, None, 0, Decimal(0), at(charge.unit_price))]
    if model == "package":
        return [tier(0, None, 0, Decimal(0), at(charge.block_price))]
    rows, lower, below = [], 0, Decimal(0)
    for t in charge.tiers:
        unit, flat = at(t.unit_price), at(t.flat_price)
        if model == "graduated":
            rows.append(tier(lower, t.up_to, lower, below + flat, unit))
            if t.up_to is not None:
                below += (t.up_to - lower) * unit + flat
        elif model == "volume":
            rows.append(tier(lower, t.up_to, 0, flat, unit))
        else:  # stairstep
            rows.append(tier(lower, t.up_to, lower, at(t.price), Decimal(0)))
        lower = t.up_to if t.up_to is not None else lower
    return rows


# -- exactness --------------------------------------------------------------------


def money_scale(catalog: Catalog) -> int:
    """Decimals enough for every amount of the catalog and every currency's minor unit."""
    scale = max(catalog.product.minor_units.values(), default=0)
    for amount in _amounts(catalog):
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int):  # always: the catalog's amounts are finite
            scale = max(scale, -min(exponent, 0))
    return scale


def _amounts(catalog: Catalog):
    for plan in catalog.plans.values():
        for money in (plan.price or {}).values():
            yield from money.values()
        if plan.trial and plan.trial.credits:
            yield from plan.trial.credits.values()
        for charge in plan.charges:
            for price in _price_maps(charge):
                for money in price.values():
                    yield from money.values()
    for addon in catalog.addons.values():
        for money in addon.price.values():
            yield from money.values()


def digits(value: Decimal | int, scale: int) -> int:
    """Significant digits of ``value`` held with ``scale`` decimals."""
    whole = int(abs(Decimal(value)))
    return len(str(whole)) + scale if whole else 1 + scale


def tier_max(tier: Tier, block: int) -> Decimal:
    """The most a tier charges, at its upper bound (or MAX_UNITS for an open tier)."""
    top = tier.tier_to if tier.tier_to is not None else -(-MAX_UNITS // block)
    return tier.base + max(top - tier.offset, 0) * tier.unit_price
