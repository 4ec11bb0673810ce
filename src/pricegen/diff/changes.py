"""The vocabulary of ``pricegen diff``: a :class:`Change`, its class, and its order.

Every comparison module collects its changes through a :class:`Collector`,
which is where the rule "only what can have subscribers can break" lives:
changes to drafts are reclassed as internal. The order of changes follows
the new catalog (see :func:`union`), so that the report reads like the
catalog a reviewer has open.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..money import text

BREAKING, VISIBLE, INTERNAL = "breaking", "customer-visible", "internal"
CLASSES = (BREAKING, VISIBLE, INTERNAL)
SUBSCRIBED = ("published", "archived")  # statuses that can have existing subscribers


@dataclass(frozen=True)
class Change:
    """One change for customers. ``old`` and ``new`` are plain JSON-ready values."""

    scope: str  # product | plan | addon | feature
    id: str  # the plan, add-on or feature id; the product's id for product changes
    kind: str
    item: str  # what within it changed: "monthly USD", a feature id, ...
    klass: str  # breaking | customer-visible | internal
    old: object
    new: object
    message: str

    def to_dict(self) -> dict:
        return {
            "scope": self.scope,
            "id": self.id,
            "kind": self.kind,
            "item": self.item,
            "class": self.klass,
            "old": self.old,
            "new": self.new,
            "message": self.message,
        }


def _plain(value):
    if isinstance(value, Decimal):
        return text(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class Collector:
    """Changes of one plan, add-on or feature, classed by whether it has subscribers."""

    def __init__(self, scope: str, id: str, subscribed: bool = True) -> None:
        self.scope, self.id, self.subscribed = scope, id, subscribed
        self.changes: list[Change] = []

    def add(self, kind: str, klass: str, message: str, item: str = "", old=None, new=None) -> None:
        if not self.subscribed and klass == BREAKING:
            klass = INTERNAL
        if not self.subscribed and klass == VISIBLE and self.scope != "product":
            klass = INTERNAL
        self.changes.append(
            Change(self.scope, self.id, kind, item, klass, _plain(old), _plain(new), message)
        )


def union(first: dict, second: dict) -> list[str]:
    """Keys of ``first`` in its order, then those only ``second`` has: the new side
    leads, and what was removed follows."""
    return [*first, *(k for k in second if k not in first)]


# -- status moves, shared by plans and add-ons -----------------------------------------

_BACK_TO_DRAFT = (
    "back to draft: left out of the generated evaluator, "
    "so existing subscribers cannot be evaluated"
)
_STATUS = {
    ("published", "archived"): (
        VISIBLE,
        "no longer sold to new customers; existing subscribers keep it",
    ),
    ("archived", "published"): (VISIBLE, "sold to new customers again"),
    ("draft", "published"): (VISIBLE, "now sold"),
    ("published", "draft"): (
        BREAKING,
        _BACK_TO_DRAFT,
    ),
    ("archived", "draft"): (
        BREAKING,
        _BACK_TO_DRAFT,
    ),
    ("draft", "archived"): (INTERNAL, "archived before it was ever published"),
}


def status_change(c: Collector, noun: str, old: str, new: str) -> None:
    """A status move of the collector's plan or add-on, if any.

    A status change is about sales, so it keeps its class even for an item
    without subscribers: it bypasses :meth:`Collector.add`.
    """
    if old == new:
        return
    klass, what = _STATUS[(old, new)]
    message = f'{noun} "{c.id}" {old} → {new}: {what}.'
    c.changes.append(Change(c.scope, c.id, "status", "status", klass, old, new, message))


# -- amounts ---------------------------------------------------------------------------


def percent(old: Decimal, new: Decimal) -> str:
    """ "+20.7%", or "" when there is no old amount to compare with."""
    if not old:
        return ""
    change = ((new - old) / old * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{'+' if change > 0 else ''}{change}%"


def arrow(old: Decimal, new: Decimal) -> str:
    """ "29 → 35 (+20.7%)": an amount's move, with its percentage when there is one."""
    pct = percent(old, new)
    return f"{text(old)} → {text(new)}" + (f" ({pct})" if pct else "")


def direction(old, new) -> str:
    """A rise is breaking, a fall only visible."""
    return BREAKING if new > old else VISIBLE


# -- totals ----------------------------------------------------------------------------


def counts(changes: list[Change]) -> dict[str, int]:
    return {klass: sum(1 for ch in changes if ch.klass == klass) for klass in CLASSES}


def fails(changes: list[Change], threshold: str | None) -> bool:
    """Is there a change of class ``threshold`` or worse?"""
    if threshold is None:
        return False
    worst = CLASSES[: CLASSES.index(threshold) + 1]
    return any(ch.klass in worst for ch in changes)
