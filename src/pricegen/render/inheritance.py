"""What a plan includes, told against the plan it extends, truthfully.

"Everything in Free, plus:" is a promise, so a page says it only when the
plan keeps everything its shown parent grants, at least as generously.
When it lowers or drops something, the list opens "Compared with Free:"
instead, and each narrower line says what the parent had. The rule is
stated in spec/language.md ("Inheritance").

A feature bought in advance (seats) counts as kept: a customer can buy as
many as the parent granted. Variable (negotiated) values are not compared,
and neither are limits whose reset periods differ in opposite directions
(2,500 a day against 100,000 a month).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Catalog, Entitlement, Feature, Plan
from .describe import Words, bought_in_advance

# Shorter windows give more: the same limit per day beats it per month.
_WINDOWS = {"hour": 0, "day": 1, "week": 2, "month": 3, "year": 4, None: 5}


@dataclass(frozen=True)
class Included:
    parent: Plan | None  # the plan the list is told against, when it is shown
    keeps_everything: bool
    lines: tuple[str, ...]

    @property
    def lead(self) -> str:
        """The words before the parent's name: "Everything in" or "Compared with"."""
        return "Everything in" if self.keeps_everything else "Compared with"

    @property
    def tail(self) -> str:
        return ", plus:" if self.keeps_everything else ":"

    @property
    def intro(self) -> str:
        """The sentence before the list: "" without a parent."""
        return f"{self.lead} {self.parent.name}{self.tail}" if self.parent else ""


def shown_parent(catalog: Catalog, plan: Plan) -> Plan | None:
    """The parent a page tells a plan against: one in the outputs and not archived."""
    parent = catalog.plans.get(plan.extends) if plan.extends else None
    return parent if parent is not None and parent.status != "archived" else None


def included(catalog: Catalog, plan: Plan, words: Words) -> Included:
    """What ``plan`` includes, against its shown parent.

    The plan pages and the pricing page both list it for every plan: for a
    plan of the catalog ``words`` is bound to, it is worked out once and kept
    on ``words`` (the model is frozen, so the answer cannot change).
    """
    if words.catalog is not catalog or catalog.plans.get(plan.id) is not plan:
        return _included(catalog, plan, words)
    found = words.memo.get(("included", plan.id))
    if found is None:
        found = words.memo[("included", plan.id)] = _included(catalog, plan, words)
    return found


def _included(catalog: Catalog, plan: Plan, words: Words) -> Included:
    parent = shown_parent(catalog, plan)
    lines, keeps = [], True
    for feature in catalog.features.values():
        line, lost = _feature_line(plan, parent, feature, words)
        if line:
            lines.append(line)
        keeps = keeps and not lost
    return Included(parent, keeps, tuple(lines))


def _feature_line(plan: Plan, parent: Plan | None, feature: Feature, words: Words):
    """(the line for this feature or "", whether it is narrower than the parent's)."""
    if parent is not None and _same_grant(plan, parent, feature.id):
        return "", False  # inherited as it is: the two lines are one text
    own = _grant(plan, feature, words)
    if parent is None:
        return own, False
    theirs = _grant(parent, feature, words)
    if own == theirs:
        return "", False
    if not own:
        return f"No {feature.name} (included in {parent.name})", True
    if theirs and _narrower(plan, parent, feature):
        return f"{own} ({parent.name} has {_value(parent, feature, words)})", True
    return own, False


def _same_grant(plan: Plan, parent: Plan, fid: str) -> bool:
    """Whether both grant ``fid`` through the same entitlement object (or neither has
    one), alike in being bought in advance: then _grant gives both one text. Most
    of a ladder's entitlements are inherited, so this skips two texts for each."""
    if plan.entitlements.get(fid) is not parent.entitlements.get(fid):
        return False
    return bought_in_advance(plan, fid) == bought_in_advance(parent, fid)


def _grant(plan: Plan, feature: Feature, words: Words) -> str:
    if bought_in_advance(plan, feature.id):
        return f"{feature.name}: as many as you buy"
    ent = plan.entitlements.get(feature.id)
    return words.feature_line(feature, ent) if ent is not None and ent.granted else ""


def _value(plan: Plan, feature: Feature, words: Words) -> str:
    if bought_in_advance(plan, feature.id):
        return "as many as you buy"
    value = words.entitlement(feature, plan.entitlements[feature.id])
    return feature.name if value == feature.name else value


def _narrower(plan: Plan, parent: Plan, feature: Feature) -> bool:
    """Whether ``plan`` grants ``feature`` less generously than ``parent`` does."""
    fid = feature.id
    if bought_in_advance(plan, fid):
        theirs = parent.entitlements.get(fid)
        return bool(theirs and theirs.unlimited) and not bought_in_advance(parent, fid)
    own = plan.entitlements[fid]
    if bought_in_advance(parent, fid):
        return not own.unlimited
    return less_generous(own, parent.entitlements[fid])


def less_generous(own: Entitlement, theirs: Entitlement) -> bool:
    """``own`` gives less than ``theirs`` on every count that can be compared."""
    if own.variable or theirs.variable:
        return False  # negotiated per subscription
    if own.type == "enum":
        return any(v not in own.values for v in theirs.values)
    if own.type == "config":
        return own.value is not None and theirs.value is not None and own.value < theirs.value
    if own.type != "metered" or own.unlimited:
        return False
    if theirs.unlimited:
        return True
    limit, window, soft = (
        own.limit <= theirs.limit,
        _WINDOWS[own.reset] >= _WINDOWS[theirs.reset],
        theirs.soft or not own.soft,
    )
    return limit and window and soft  # the lines differ, so at least one is strict
