"""Plan headlines, add-on prices and trials in words, for one period and currency.

The rule for a plan's headline (spec/language.md, "How outputs show
prices"): a plan with a base fee shows it, and says "+ members" or
"+ usage" when charges come on top; a plan sold only per unit bought shows
the price of its first unit, with the range that price holds for when
other tiers follow. Nothing says "from": a lowest tier rate is not what
any customer starts at.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model import Addon, Catalog, Plan
from .charges import charge_view, entry_price, unit_word
from .describe import DASH, PERIOD_ADVERBS, PERIOD_WORDS, Words


@dataclass(frozen=True)
class Headline:
    text: str  # "$29.00", "Free", "Contact sales", "–"
    qualifier: str  # "/ month + members + usage", "per member / month for 1–25 members"
    key: str = ""  # the price key of the amount shown; "" when the text is no amount
    amount: Decimal | None = None

    @property
    def full(self) -> str:
        return f"{self.text} {self.qualifier}".strip()


def shown_name(item: Plan | Addon) -> str:
    """A name as outputs list it: drafts (only there with --include-drafts) say so."""
    return item.name + (" (draft)" if item.status == "draft" else "")


def plan_headline(catalog: Catalog, plan: Plan, period: str, currency: str, words: Words):
    """What a plan costs at a glance, in ``period`` and ``currency``."""
    if plan.custom:
        return Headline("Contact sales", "")
    if period not in plan.billing_periods:
        return Headline(DASH, f"not sold {PERIOD_ADVERBS[period]}")
    if plan.is_free:
        return Headline("Free", "")
    advance = [c for c in plan.charges if c.billing == "in_advance"]
    usage = " + usage" if any(c.billing == "in_arrears" for c in plan.charges) else ""
    per = f"/ {PERIOD_WORDS[period]}"
    if plan.price is None and advance:
        return _per_unit_headline(catalog, plan, advance, period, currency, words, usage)
    base = plan.price[period][currency] if plan.price else Decimal(0)
    bought = "".join(f" + {unit_word(catalog.features[c.feature], True)}" for c in advance)
    return Headline(words.money(base, currency), per + bought + usage, f"plan:{plan.id}", base)


def _per_unit_headline(catalog, plan, advance, period, currency, words, usage) -> Headline:
    """A plan without a base fee, sold per unit bought: the price of its first unit."""
    view = charge_view(catalog, plan, advance[0], words)
    part, where = entry_price(view)
    amount = part.price[period][currency]
    qualifier = f"{part.after.strip()} / {PERIOD_WORDS[period]}".strip()
    if where:
        qualifier += f" {where}"
    if view.charge.included:
        qualifier += f", {words.counted(view.charge.included, view.feature)} included"
    qualifier += "".join(f" + {unit_word(catalog.features[c.feature], True)}" for c in advance[1:])
    return Headline(words.money(amount, currency), qualifier + usage, part.key, amount)


def trial_text(plan: Plan, words: Words, currency: str | None = None) -> str:
    """A plan's trial; its credits in ``currency``, or in every currency when None."""
    trial = plan.trial
    if trial is None:
        return DASH
    parts = []
    if trial.days:
        parts.append(f"{words.number(trial.days)} day{'s' if trial.days != 1 else ''}")
    if trial.months:
        parts.append(f"{words.number(trial.months)} month{'s' if trial.months != 1 else ''}")
    if trial.credits:
        shown = [currency] if currency else list(trial.credits)
        amounts = " / ".join(words.money(trial.credits[c], c) for c in shown if c in trial.credits)
        parts.append(f"{amounts} of usage credits")
    return " or ".join(parts) + (" (whichever ends first)" if len(parts) > 1 else "")


def addon_periods(addon: Addon) -> tuple[str, ...]:
    return tuple(addon.price)


def addon_price_text(addon: Addon, period: str, currency: str, words: Words) -> str:
    """One add-on's price in ``period`` and ``currency``: "$5.00 / month", or "–" when
    it is not sold in that period."""
    if period not in addon.price or currency not in addon.price[period]:
        return DASH
    return words.money(addon.price[period][currency], currency)
