"""What one requirement asks of one plan, and how far add-ons cover it.

A :class:`Need` is a requirement against a plan: what the plan already
gives, and whether it sells the feature in advance (then the quantity bought
is the limit). A *cover* is what the add-ons bought so far add to it,
``(granted, unlimited, soft, override_max, increment_sum)``, with numbers
capped at the threshold, so that the engine's tables stay small.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Addon, Plan
from .requirements import Requirement, behavior


@dataclass(frozen=True)
class Need:
    """One requirement against one plan: what the plan gives, and what add-ons may add."""

    req: Requirement
    type: str
    in_advance: bool  # the plan sells the feature in advance (the quantity is the limit)
    granted: bool  # by the plan
    unlimited: bool
    soft: bool
    base: object  # the plan's limit or value (0 when absent)

    @property
    def threshold(self):
        return self.req.value


# Coverage of one need by the add-ons bought so far:
# (granted, unlimited, soft, override_max, increment_sum), numbers capped at the threshold.
NO_COVER = (False, False, False, 0, 0)


def need_of(plan: Plan, req: Requirement, feature_type: str) -> Need:
    """What ``plan`` alone gives towards ``req``."""
    ent = plan.entitlements.get(req.feature)
    in_advance = any(c.feature == req.feature and c.billing == "in_advance" for c in plan.charges)
    granted = ent is not None
    base: object = 0
    unlimited = soft = False
    if ent is not None:
        if req.op == "=":
            granted = req.value in ent.values
        elif feature_type == "metered":
            unlimited, soft, base = ent.unlimited and not in_advance, ent.soft, ent.limit or 0
        elif feature_type == "config":
            base = ent.value if ent.value is not None else 0
    return Need(req, feature_type, in_advance, granted, unlimited, soft, base)


def contribution(addon: Addon, need: Need):
    """What one unit of ``addon`` does for ``need``: None, or
    (behavior, granted, unlimited, soft, amount)."""
    ent = addon.entitlements.get(need.req.feature)
    if ent is None or not ent.granted:
        return None
    if need.req.op == "has":
        return ("override", True, False, False, 0)
    if need.req.op == "=":
        return ("override", True, False, False, 0) if need.req.value in ent.values else None
    if need.type == "metered":
        return (behavior(ent), True, ent.unlimited, ent.soft, ent.limit or 0)
    return (behavior(ent), True, False, False, ent.value or 0)


def add_cover(cover: tuple, effect, qty: int, cap) -> tuple:
    """``cover`` after buying ``qty`` of an add-on with this ``effect``."""
    kind, granted, unlimited, soft, amount = effect
    g, u, s, over, inc = cover
    if kind == "override":
        over = min(max(over, amount), cap) if cap is not None else 0
    else:
        inc = min(inc + amount * qty, cap) if cap is not None else 0
    return (g or granted, u or unlimited, s or soft, over, inc)


def join_cover(a: tuple, b: tuple, cap) -> tuple:
    """What two sets of add-ons bought together cover (each already capped)."""
    g, u, s, over, inc = a
    g2, u2, s2, over2, inc2 = b
    return (
        g or g2, u or u2, s or s2, max(over, over2), min(inc + inc2, cap) if cap is not None else 0
    )  # fmt: skip


def satisfied(need: Need, cover: tuple, quantity: int | None) -> bool:
    """Does the plan, with these add-ons and this in-advance quantity, meet the need?"""
    g, u, s, over, inc = cover
    granted = need.granted or g or need.in_advance
    if not granted:
        return False
    if need.req.op in ("has", "="):
        return True
    if need.type == "metered":
        if need.unlimited or u or need.soft or s:
            return True
        base = quantity if need.in_advance else need.base
        return max(base, over) + inc >= need.threshold
    return max(need.base, over) + inc >= need.threshold


def quantity_needed(need: Need, cover: tuple) -> int:
    """The in-advance quantity that closes the gap the add-ons leave (0 if none)."""
    g, u, s, over, inc = cover
    if need.unlimited or u or need.soft or s or over + inc >= need.threshold:
        return 0
    return need.threshold - inc


def still_open(need: Need) -> bool:
    """Can add-ons still help? Not when the plan alone meets the need; a quantity
    bought in advance is a trade-off against add-ons, so that need stays open."""
    if need.in_advance and need.type == "metered":
        return not (need.unlimited or need.soft)
    return not satisfied(need, NO_COVER, None)
