"""Each charge as people read it: how it bills, what is included, and every price it has.

A :class:`ChargeView` is built once per charge and laid out by the docs
(a table with a column per period and currency) and by the page (a table
whose amounts follow the period and currency switches). Each amount is a
:class:`PricePart` with a stable ``key``, so the page's script, its data
and its browser test name the same price the same way:

    charge:<plan>:<feature>:<row>:<part>

where ``part`` is ``unit`` (a price per unit), ``flat`` (a tier's flat fee),
``block`` (a package's block price), ``price`` (a flat charge, or a
stairstep tier's total). Tier ranges count every unit, the included ones
too: with 250,000 included, the first tier starts at 250,001.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Catalog, Charge, Feature, Plan
from ..money import Price
from .describe import PERIOD_WORDS, Words

MODEL_TITLES = {
    "flat": "Flat fee",
    "per_unit": "Per unit",
    "package": "Package",
    "graduated": "Graduated tiers",
    "volume": "Volume tiers",
    "stairstep": "Stairstep tiers",
}


_COLUMNS = {"flat": "Charge", "per_unit": "Unit", "package": "Block"}


@dataclass(frozen=True)
class PricePart:
    key: str
    price: Price  # period -> currency -> amount
    after: str = ""  # words after the amount: " per member", " flat fee"


@dataclass(frozen=True)
class PriceRow:
    label: str  # "1–25", "101 or more", "Each request"
    parts: tuple[PricePart, ...]


@dataclass(frozen=True)
class ChargeView:
    plan: Plan
    charge: Charge
    feature: Feature
    title: str  # the feature's name
    model: str  # "Graduated tiers"
    billing: str  # one sentence: in advance, or on usage
    included: str  # one sentence, or ""
    rule: str  # how the model computes the amount, one sentence
    column: str  # the label column's heading: "Members", "Price"
    rows: tuple[PriceRow, ...]

    @property
    def in_advance(self) -> bool:
        return self.charge.billing == "in_advance"

    @property
    def has_flat_fees(self) -> bool:
        return any(len(row.parts) > 1 for row in self.rows)


def unit_word(feature: Feature, plural: bool = False) -> str:
    if not feature.unit:
        return "units" if plural else "unit"
    return feature.unit[1] if plural else feature.unit[0]


def charge_view(catalog: Catalog, plan: Plan, charge: Charge, words: Words) -> ChargeView:
    feature = catalog.features[charge.feature]
    units = unit_word(feature, plural=True)
    if charge.billing == "in_advance":
        billing = f"Bought in advance: the number of {units} bought is the limit."
    else:
        billing = "Billed on usage: measured over each billing period and charged at its end."
    included = ""
    if charge.included:
        included = f"The first {words.counted(charge.included, feature)} are included at no charge."
    return ChargeView(
        plan=plan,
        charge=charge,
        feature=feature,
        title=feature.name,
        model=MODEL_TITLES[charge.model],
        billing=billing,
        included=included,
        rule=_rule(charge, feature, words),
        column=units.capitalize() if charge.tiers else _COLUMNS[charge.model],
        rows=_rows(plan, charge, feature, words),
    )


def _rule(charge: Charge, feature: Feature, words: Words) -> str:
    units, unit = unit_word(feature, True), unit_word(feature)
    if charge.model == "flat":
        return "A fixed fee each billing period, whatever the quantity."
    if charge.model == "per_unit":
        return f"Each {unit} costs the same."
    if charge.model == "package":
        block = words.counted(charge.block_size, feature)
        if charge.rounding == "down":
            return f"Sold in blocks of {block}; a partial block is free (rounded down)."
        return f"Sold in blocks of {block}; a started block counts as a whole one (rounded up)."
    flat = any(t.flat_price is not None for t in charge.tiers)
    if charge.model == "graduated":
        fee = ", plus its flat fee once reached" if flat else ""
        return f"Each tier's rate applies to the {units} within it{fee}."
    if charge.model == "volume":
        fee = ", plus that tier's flat fee" if flat else ""
        return f"Every {unit} is charged at the rate of the tier the total falls in{fee}."
    text = "The price is that of the tier the total falls in."
    last = charge.tiers[-1].up_to
    if last is not None:
        beyond = words.counted(charge.included + last, feature)
        if charge.billing == "in_advance":
            text += f" More than {beyond} cannot be bought on this plan."
        else:
            text += f" Usage above {beyond} is refused on this plan."
    return text


def _key(plan: Plan, charge: Charge, row: int, part: str) -> str:
    return f"charge:{plan.id}:{charge.feature}:{row}:{part}"


def _rows(plan: Plan, charge: Charge, feature: Feature, words: Words) -> tuple[PriceRow, ...]:
    unit = unit_word(feature)
    if charge.model == "flat":
        return (PriceRow("Flat fee", (PricePart(_key(plan, charge, 0, "price"), charge.price),)),)
    if charge.model == "per_unit":
        part = PricePart(_key(plan, charge, 0, "unit"), charge.unit_price, f" per {unit}")
        return (PriceRow(f"Each {unit}", (part,)),)
    if charge.model == "package":
        block = words.counted(charge.block_size, feature)
        part = PricePart(_key(plan, charge, 0, "block"), charge.block_price, f" per {block}")
        return (PriceRow(f"Each block of {block}", (part,)),)
    return tuple(_tier_row(plan, charge, i, unit, words) for i in range(len(charge.tiers)))


def _tier_row(plan: Plan, charge: Charge, index: int, unit: str, words: Words) -> PriceRow:
    tier = charge.tiers[index]
    parts = []
    if tier.price is not None:
        parts.append(PricePart(_key(plan, charge, index, "price"), tier.price))
    if tier.unit_price is not None:
        parts.append(PricePart(_key(plan, charge, index, "unit"), tier.unit_price, f" per {unit}"))
    if tier.flat_price is not None:
        parts.append(PricePart(_key(plan, charge, index, "flat"), tier.flat_price, " flat fee"))
    return PriceRow(tier_range(charge, index, words), tuple(parts))


def tier_range(charge: Charge, index: int, words: Words) -> str:
    """The quantities a tier covers, counting the included units: "1–25", "101 or more"."""
    lower = (charge.tiers[index - 1].up_to if index else 0) + 1 + charge.included
    upper = charge.tiers[index].up_to
    if upper is None:
        return f"{words.number(lower)} or more"
    upper += charge.included
    if upper == lower:
        return words.number(lower)
    return f"{words.number(lower)}–{words.number(upper)}"


def part_text(part: PricePart, period: str, currency: str, words: Words) -> str:
    return words.money(part.price[period][currency], currency) + part.after


def row_text(row: PriceRow, period: str, currency: str, words: Words) -> str:
    return " + ".join(part_text(p, period, currency, words) for p in row.parts)


def entry_price(view: ChargeView) -> tuple[PricePart, str]:
    """The first price of a charge, and the words for where it applies.

    A headline never says "from": the first tier's rate is what the first
    unit costs, and other tiers may be cheaper or dearer, so the range it
    holds for is said instead ("for 1–25 members").
    """
    row = view.rows[0]
    part = row.parts[0]
    if not view.charge.tiers or len(view.rows) == 1:
        return part, ""
    return part, f"for {row.label} {unit_word(view.feature, plural=True)}"


def entry_text(view: ChargeView, period: str, currency: str, words: Words) -> str:
    """A one-line summary of a charge's price, for a plan card or a comparison cell."""
    part, where = entry_price(view)
    text = part_text(part, period, currency, words)
    if view.charge.model == "flat":
        text += f" / {PERIOD_WORDS[period]}"
    if where:
        more = len(view.rows) - 1
        text += f" {where}, then {more} more tier{'s' if more != 1 else ''}"
    return text
