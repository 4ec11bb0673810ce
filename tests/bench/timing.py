"""Interleaved timing: every candidate and its baseline measured in the same rounds.

A machine's speed drifts (other processes, frequency scaling), so a ratio
of two figures taken minutes apart says little. Here each round times every
statement once, in an order that rotates from round to round, and a ratio
is taken within each round; the report gives the median and the range over
rounds, never only the best.
"""

from __future__ import annotations

import statistics
import timeit
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """Seconds per call in each round."""

    rounds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.rounds)

    def ratio(self, baseline: Sample) -> Spread:
        """This over ``baseline``, round by round."""
        return Spread(tuple(a / b for a, b in zip(self.rounds, baseline.rounds, strict=True)))


@dataclass(frozen=True)
class Spread:
    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def __str__(self) -> str:
        return f"{self.median:5.2f}x ({min(self.values):.2f}-{max(self.values):.2f})"


def interleaved(
    statements: Mapping[str, str | Callable[[], object]],
    namespace: dict,
    *,
    number: int,
    rounds: int,
) -> dict[str, Sample]:
    """Time each statement ``number`` times per round, all of them in every round."""
    timers = {name: timeit.Timer(stmt, globals=namespace) for name, stmt in statements.items()}
    names = list(timers)
    for timer in timers.values():
        timer.timeit(number=max(number // 10, 1))  # warm caches and the interpreter
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            seconds[name].append(timers[name].timeit(number=number) / number)
    return {name: Sample(tuple(values)) for name, values in seconds.items()}


def nanoseconds(sample: Sample) -> str:
    values = sample.rounds
    return f"{sample.median * 1e9:9,.0f} ns ({min(values) * 1e9:,.0f}-{max(values) * 1e9:,.0f})"
