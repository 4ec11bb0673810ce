"""Which add-ons can be bought with a plan at all, and why the others cannot.

This is the one definition that ``pricegen analyze`` (its counts and
searches leave these add-ons out) and ``pricegen lint``
(``ADDON_NEVER_BOUGHT``) share, so the two cannot disagree.

An add-on ``a`` sold with a plan is in some valid subscription exactly when
its *closure* (``a`` and everything its ``requires`` reach, transitively)
is sold with the plan and holds no two add-ons that exclude each other
(``excludes`` works both ways): the closure itself is then a valid set, and
every valid set holding ``a`` holds its closure. So there are two causes:

- an add-on in the closure is not sold with the plan (its ``plans`` leave
  the plan out, or it is archived, or a draft);
- two add-ons in the closure exclude each other.

:func:`unbuyable` decides it for every add-on at once, with closures as bit
sets over the strongly connected components of ``requires`` (linear in the
graph, times the width of a bit set); :func:`obstacle` explains one add-on
with the shortest chain it can find, breadth first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..model import Addon


@dataclass(frozen=True)
class Obstacle:
    """Why an add-on cannot be bought with one plan.

    ``steps`` are the ``requires`` edges from the add-on to the trouble, in
    breadth-first order; then either ``missing`` (an add-on the plan does not
    sell) or ``clash`` (two add-ons of the closure, the first excluding the
    second as the catalog writes it).
    """

    addon: str
    steps: tuple[tuple[str, str], ...]
    missing: str | None = None
    clash: tuple[str, str] | None = None

    def chain(self, limit: int = 8) -> str:
        """ "a" requires "b", "b" requires "c", and "c" excludes "a"."""
        parts = [f'"{a}" requires "{b}"' for a, b in self.steps]
        if len(parts) > limit:
            parts = [*parts[: limit // 2], f"… {len(parts) - limit} more …", *parts[-limit // 2 :]]
        if self.clash is not None:
            last = f'"{self.clash[0]}" excludes "{self.clash[1]}"'
            return ", ".join(parts) + (", and " if parts else "") + last
        return ", ".join(parts)


def excluded_by(addons: Mapping[str, Addon]) -> dict[str, set[str]]:
    """Each add-on's exclusions, both ways round, among ``addons``."""
    partners: dict[str, set[str]] = {a: set() for a in addons}
    for aid, addon in addons.items():
        for other in addon.excludes:
            if other in addons and other != aid:
                partners[aid].add(other)
                partners[other].add(aid)
    return partners


def unbuyable(addons: Mapping[str, Addon]) -> set[str]:
    """The add-ons of ``addons`` (those sold with one plan) that are in no valid set."""
    ids = list(addons)
    index = {a: i for i, a in enumerate(ids)}
    partners = excluded_by(addons)
    components = _components(ids, addons, index)
    closure: dict[int, int] = {}  # component -> bits of its closure; -1 when it is blocked
    reach_out: dict[int, int] = {}  # component -> bits of what its closure excludes
    member = {a: c for c, members in enumerate(components) for a in members}
    for c, members in enumerate(components):  # Tarjan's order: required components first
        bits = excluded = 0
        blocked = False
        for aid in members:
            bits |= 1 << index[aid]
            for other in partners[aid]:
                excluded |= 1 << index[other]
            for needed in addons[aid].requires:
                if needed not in addons:
                    blocked = True
                elif member[needed] != c:
                    below = member[needed]
                    if closure[below] < 0:
                        blocked = True
                    else:
                        bits |= closure[below]
                        excluded |= reach_out[below]
        closure[c] = -1 if blocked or bits & excluded else bits
        reach_out[c] = excluded
    return {a for a in ids if closure[member[a]] < 0}


def _components(ids: list[str], addons: Mapping[str, Addon], index) -> list[list[str]]:
    """Strongly connected components of ``requires`` (Tarjan, iterative), each after
    every component it requires."""
    low: dict[str, int] = {}
    number: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in ids:
        if root in number:
            continue
        work = [(root, iter(addons[root].requires))]
        number[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in addons:
                    continue
                if nxt not in number:
                    number[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(addons[nxt].requires)))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], number[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == number[node]:
                members = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    members.append(top)
                    if top == node:
                        break
                found.append(sorted(members, key=index.__getitem__))
    return found


def obstacle(addon_id: str, sold: Mapping[str, Addon], every: Mapping[str, Addon]) -> Obstacle:
    """Why ``addon_id`` cannot be bought when only ``sold`` are on offer.

    ``every`` is the catalog's add-ons, so that a requirement the plan does
    not sell can still be followed and named. Breadth first from the add-on:
    the first add-on reached that is not sold, or that excludes (or is
    excluded by) one reached before it, ends the chain.
    """
    partners = excluded_by(sold)
    parent: dict[str, str | None] = {addon_id: None}
    queue = [addon_id]
    for current in queue:
        if current not in sold:
            return Obstacle(addon_id, _path(parent, current), missing=current)
        for other in sorted(partners[current] & parent.keys(), key=queue.index):
            steps = _merge(_path(parent, other), _path(parent, current))
            first, second = (
                (current, other) if other in sold[current].excludes else (other, current)
            )
            return Obstacle(addon_id, steps, clash=(first, second))
        for needed in every[current].requires if current in every else ():
            if needed not in parent:
                parent[needed] = current
                queue.append(needed)
    raise ValueError(f"add-on {addon_id!r} can be bought")


def _path(parent: dict[str, str | None], node: str) -> tuple[tuple[str, str], ...]:
    steps: list[tuple[str, str]] = []
    previous = parent[node]
    while previous is not None:
        steps.append((previous, node))
        node, previous = previous, parent[previous]
    return tuple(reversed(steps))


def _merge(first: tuple, second: tuple) -> tuple:
    return first + tuple(step for step in second if step not in first)
