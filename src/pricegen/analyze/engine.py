"""The one engine behind every question: a sweep over the add-ons.

The add-ons are decided one at a time (in or out) in an order that follows
the requires/excludes graph. Deciding an add-on only ever constrains the
undecided ones by *forcing* them in or out, so the state of the sweep is
the pair of forced sets, plus an ``extra`` the caller keeps (how far the
bought add-ons cover a requirement, say). For chains, trees and groups of
mutually exclusive add-ons the forced sets stay tiny, and unrelated add-ons
never appear in the same set, so the sweep is linear in the number of
add-ons rather than 2^n. The caller's values are combined in a semiring:
big-int counts (+, ×), or exact ``Decimal`` costs (min/max, +).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import Addon


@dataclass(frozen=True)
class _Graph:
    """Add-ons in sweep order, with each one's constraints on those decided after it."""

    order: tuple[str, ...]
    blocked: frozenset[str]  # requires an add-on that cannot be bought with the plan
    requires_later: dict[str, frozenset[str]]
    conflicts_later: dict[str, frozenset[str]]
    dependents_later: dict[str, frozenset[str]]


def _graph(addons: dict[str, Addon]) -> _Graph:
    ids = set(addons)
    requires = {a: set(addon.requires) & ids for a, addon in addons.items()}
    blocked = frozenset(a for a, addon in addons.items() if not set(addon.requires) <= ids)
    conflicts = {a: set(addon.excludes) & ids for a, addon in addons.items()}
    for a, addon in addons.items():
        for b in addon.excludes:
            if b in ids:
                conflicts[b].add(a)
    dependents: dict[str, set[str]] = {a: set() for a in ids}
    for a, needed in requires.items():
        for b in needed:
            dependents[b].add(a)
    neighbours = {a: requires[a] | conflicts[a] | dependents[a] for a in ids}
    order = _sweep_order(list(addons), neighbours)
    position = {a: i for i, a in enumerate(order)}

    def later(a: str, among: set[str]) -> frozenset[str]:
        return frozenset(b for b in among if position[b] > position[a])

    return _Graph(
        order=tuple(order),
        blocked=blocked,
        requires_later={a: later(a, requires[a]) for a in ids},
        conflicts_later={a: later(a, conflicts[a]) for a in ids},
        dependents_later={a: later(a, dependents[a]) for a in ids},
    )


def _sweep_order(ids: list[str], neighbours: dict[str, set[str]]) -> list[str]:
    """Connected components one after another, each breadth first from its first add-on,
    so that forced sets never mix unrelated add-ons."""
    rank = {a: i for i, a in enumerate(ids)}
    order: list[str] = []
    placed: set[str] = set()
    for start in ids:
        if start in placed:
            continue
        placed.add(start)
        queue = [start]
        while queue:
            current = queue.pop(0)
            order.append(current)
            for nxt in sorted(neighbours[current] - placed, key=rank.__getitem__):
                placed.add(nxt)
                queue.append(nxt)
    return order


State = tuple  # (forced_in, forced_out, extra)
Choices = Callable[[str, object, object], Iterable[tuple[object, object]]]


def sweep(addons: dict[str, Addon], start, choices: Choices, merge, extra=None) -> dict:
    """Decide every add-on in or out; return {extra: value} over the valid subscriptions.

    ``choices(addon_id, extra, value)`` yields ``(extra, value)`` for buying the
    add-on (one pair per quantity worth telling apart); ``merge`` combines the
    values of two ways that reach the same state.
    """
    graph = _graph(addons)
    states: dict[State, object] = {(frozenset(), frozenset(), extra): start}
    for aid in graph.order:
        nxt: dict[State, object] = {}
        for (forced_in, forced_out, ext), value in states.items():
            rest_in, rest_out = forced_in - {aid}, forced_out - {aid}
            if aid not in forced_in:  # leave it out: whatever requires it is out too
                out = rest_out | graph.dependents_later[aid]
                if not out & rest_in:
                    _put(nxt, (rest_in, out, ext), value, merge)
            if aid in forced_out or aid in graph.blocked:
                continue
            now_in = rest_in | graph.requires_later[aid]
            now_out = rest_out | graph.conflicts_later[aid]
            if now_in & now_out:
                continue
            for new_ext, new_value in choices(aid, ext, value):
                _put(nxt, (now_in, now_out, new_ext), new_value, merge)
        states = nxt
    result: dict = {}
    for (_, _, ext), value in states.items():
        _put(result, ext, value, merge)
    return result


def _put(states: dict, key, value, merge) -> None:
    states[key] = value if key not in states else merge(states[key], value)
