"""What the evaluator charges for each price the pricing page shows.

The page names each amount with a key (render/webpage.py, render/charges.py):

    plan:<plan>                         the plan's base fee
    addon:<addon>                       one unit of an add-on
    credits:<plan>                      a trial's usage credits
    charge:<plan>:<feature>:<row>:<part>

``evaluator_amount`` answers each key by quoting subscriptions and reading
line items, never by reading prices out of the catalog: a unit price is
what ``m`` more units cost divided by ``m``, a tier's flat fee is what
reaching the tier costs beyond its units, a stairstep price is what a
quantity in the step costs, a trial's credits are what the most trial usage
the evaluator accepts costs. ``m`` is a power of ten large enough that
rounding each line to the minor unit loses nothing (10^12 where the tier
is wide enough), so sub-cent prices such as $0.00025 come back exactly.

``expected_keys`` lists the keys a page of a catalog must show, from the
catalog's plans, charges and add-ons: with ``page keys == expected keys``,
every price of the catalog is on the page and checked.
"""

from __future__ import annotations

from decimal import Decimal

BIG = 10**12


def expected_keys(catalog) -> set[str]:
    keys = set()
    shown = {pid: p for pid, p in catalog.plans.items() if p.status != "archived"}
    for plan in shown.values():
        if plan.custom:
            continue
        for charge in plan.charges:
            keys |= _charge_keys(plan, charge)
        if plan.trial and plan.trial.credits:
            keys.add(f"credits:{plan.id}")
        in_advance = [c for c in plan.charges if c.billing == "in_advance"]
        if plan.price is not None or (plan.charges and not in_advance):
            keys.add(f"plan:{plan.id}")
    for addon in catalog.addons.values():
        if addon.status != "archived" and any(p in shown for p in addon.plans):
            keys.add(f"addon:{addon.id}")
    return keys


def _charge_keys(plan, charge) -> set[str]:
    prefix = f"charge:{plan.id}:{charge.feature}"
    simple = {"flat": "price", "per_unit": "unit", "package": "block"}
    if charge.model in simple:
        return {f"{prefix}:0:{simple[charge.model]}"}
    keys = set()
    for i, tier in enumerate(charge.tiers):
        for part, price in (("price", tier.price), ("unit", tier.unit_price)):
            if price is not None:
                keys.add(f"{prefix}:{i}:{part}")
        if tier.flat_price is not None:
            keys.add(f"{prefix}:{i}:flat")
    return keys


def evaluator_amount(module, catalog, key: str, period: str, currency: str) -> Decimal | None:
    """The evaluator's amount for ``key``, or None when it does not sell it in ``period``."""
    kind, *rest = key.split(":")
    if kind == "addon":
        return _addon_amount(module, catalog, rest[0], period, currency)
    plan = catalog.plans[rest[0]]
    if period not in plan.billing_periods:
        with _refused(module):
            _quote(module, plan, period, currency)
        return None
    if kind == "plan":
        return _line(_quote(module, plan, period, currency), "plan")
    if kind == "credits":
        return _credits(module, plan, period, currency)
    charge = next(c for c in plan.charges if c.feature == rest[1])
    return _charge_amount(module, plan, charge, int(rest[2]), rest[3], period, currency)


class _refused:
    """The evaluator must refuse what the page shows as not sold."""

    def __init__(self, module):
        self.module = module

    def __enter__(self):
        return self

    def __exit__(self, kind, value, trace):
        assert kind is not None and issubclass(kind, self.module.UnknownPeriodError), (
            "the page shows a price as not sold, but the evaluator quotes it"
        )
        return True


def _subscription(module, plan, period, currency, quantities=None, **options):
    advance = {c.feature: 0 for c in plan.charges if c.billing == "in_advance"}
    return module.Subscription(
        plan=plan.id,
        period=period,
        currency=currency,
        quantities={**advance, **(quantities or {})},
        existing=plan.status == "draft",  # a draft is quoted only as an existing subscription
        **options,
    )


def _quote(module, plan, period, currency, quantities=None, usage=None, **options):
    sub = _subscription(module, plan, period, currency, quantities, **options)
    return module.quote(sub, usage=usage or {})


def _line(quote, item: str) -> Decimal:
    return next(line.amount for line in quote.lines if line.item == item)


def _credits(module, plan, period, currency) -> Decimal:
    """A credits trial pays usage up to its budget and refuses usage that costs more:
    the most trial usage the evaluator accepts costs the budget (to the minor unit,
    when a unit costs less than that)."""
    charge = next(c for c in plan.charges if c.billing == "in_arrears")

    def spent(units: int) -> Decimal | None:
        usage = {charge.feature: charge.included + units}
        try:
            quote = _quote(module, plan, period, currency, usage=usage, trial=True)
        except module.TrialBudgetExceededError:
            return None
        credit = [line.amount for line in quote.lines if line.item == "trial-credits"]
        return -credit[0] if credit else Decimal(0)  # nothing spent, no credit line

    low, high = 0, 10**29  # spent(low) is accepted; spent(high) is refused
    assert spent(high) is None, f"{plan.id}: the credits cover any usage"
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if spent(middle) is not None else (low, middle)
    return spent(low)


def _addon_amount(module, catalog, addon_id, period, currency) -> Decimal | None:
    addon = catalog.addons[addon_id]
    plans = [catalog.plans[p] for p in addon.plans if p in catalog.plans]
    plan = next((p for p in plans if period in p.billing_periods and not p.custom), None)
    if plan is None:
        return None
    wanted = {addon_id: 1, **{r: 1 for r in addon.requires}}
    quote = _quote(module, plan, period, currency, addons=wanted)
    return _line(quote, f"addon:{addon_id}")


def _charge_amount(module, plan, charge, row, part, period, currency) -> Decimal:
    def cost(units: int) -> Decimal:
        """The charge's line for ``units`` beyond the included ones."""
        quantity = charge.included + units
        if charge.billing == "in_advance":
            quote = _quote(module, plan, period, currency, quantities={charge.feature: quantity})
        else:
            quote = _quote(module, plan, period, currency, usage={charge.feature: quantity})
        return _line(quote, charge.feature)

    if charge.model == "flat":
        return cost(0)
    if charge.model == "per_unit":
        return cost(BIG) / BIG
    if charge.model == "package":
        blocks = BIG if charge.block_size * BIG <= 10**29 else 1
        return cost(charge.block_size * blocks) / blocks
    lower = (charge.tiers[row - 1].up_to if row else 0) + 1
    upper = charge.tiers[row].up_to
    if charge.model == "stairstep":
        return cost(lower)
    width = BIG * 3 if upper is None else upper - lower + 1
    if charge.model == "graduated":
        return _graduated(cost, lower, width, part)
    return _volume(cost, lower, width, part)


def _step(width: int, parts: int) -> int:
    """The largest power of ten, at most 10^12, of which ``parts`` fit in ``width``."""
    step = BIG
    while step > 1 and step * parts > width:
        step //= 10
    assert step * parts <= width, "a tier too narrow to tell its unit price from its flat fee"
    return step


def _graduated(cost, lower: int, width: int, part: str) -> Decimal:
    """Units inside the tier cost its rate each; reaching it adds its flat fee once."""
    m = _step(width, 2)
    before = lower - 1
    unit = (cost(before + 2 * m) - cost(before + m)) / m
    if part == "unit":
        return unit
    return cost(before + m) - cost(before) - m * unit


def _volume(cost, lower: int, width: int, part: str) -> Decimal:
    """Every unit costs the rate of the tier the total falls in, plus its flat fee."""
    m = _step(width, 3)
    start = -(-lower // m) * m  # a multiple of m inside the tier, so start × rate is exact
    unit = (cost(start + m) - cost(start)) / m
    if part == "unit":
        return unit
    return cost(start) - start * unit
