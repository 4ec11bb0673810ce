"""Usage the evaluator bills: what quote() accepts of in-arrears usage.

``quote()`` refuses usage that ``check()`` would deny (the evaluator's
rule): a feature the subscription lacks, or more than a hard limit allows
in one billing period, which is the limit times the usage windows one
period can touch. So usage given to price at (``--usage``) is also a
requirement on the limit: ``units`` in one period need a limit of at least
``ceil(units / windows)``. Soft and unlimited grants accept any usage.

The windows are the plan's (an add-on's grant follows the plan's window,
``ADDON_RESET_MISMATCH``); when the plan lacks the feature, one window is
assumed, which can only ask for more than needed, never accept what the
evaluator refuses. ``confirm`` checks the answer with the evaluator itself.
"""

from __future__ import annotations

from ..model import Plan
from .arithmetic import ceil_div
from .requirements import Requirement

_PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
_PERIOD_MOST_HOURS = {"monthly": 31 * 24, "quarterly": 92 * 24, "annual": 366 * 24}
_RESET_HOURS = {"hour": 1, "day": 24, "week": 7 * 24}


def windows_per_period(reset: str | None, anchor: str, period: str) -> int:
    """The most usage windows one billing period can touch, as the evaluator counts."""
    if reset is None:
        return 1
    if reset in ("month", "year"):
        months = 12 if reset == "year" else 1
        windows = max(_PERIOD_MONTHS[period] // months, 1)
        return windows if anchor == "subscription_start" else windows + 1
    return -(-_PERIOD_MOST_HOURS[period] // _RESET_HOURS[reset]) + 1


def usage_requirements(plan: Plan, usage: dict[str, int], period: str) -> list[Requirement]:
    """The limits ``usage`` needs on ``plan`` for quote() to bill it."""
    found = []
    for fid, units in usage.items():
        if units <= 0:
            continue
        ent = plan.entitlements.get(fid)
        windows = windows_per_period(ent.reset, ent.reset_anchor, period) if ent else 1
        found.append(Requirement(fid, ">=", ceil_div(units, windows)))
    return found
