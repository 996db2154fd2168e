"""Timing: warm up, then interleave the sides call by call; medians and tails in ms."""

import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

NS_PER_MS = 1_000_000


@dataclass(frozen=True, kw_only=True)
class Summary:
    median_ms: float
    p90_ms: float
    p99_ms: float


def summarize(samples_ns: Sequence[int]) -> Summary:
    cuts = statistics.quantiles(samples_ns, n=100, method="inclusive")
    return Summary(
        median_ms=statistics.median(samples_ns) / NS_PER_MS,
        p90_ms=cuts[89] / NS_PER_MS,
        p99_ms=cuts[98] / NS_PER_MS,
    )


def _timed(call: Callable[[], object]) -> int:
    start = time.perf_counter_ns()
    call()
    return time.perf_counter_ns() - start


def interleave(
    sides: Mapping[str, Callable[[], object]], *, iterations: int, warmup: int
) -> dict[str, Summary]:
    """Every side once per round, the round's first side rotating, so drift in the JVM, the CPU
    clock or the garbage collector lands on all sides alike."""
    names = list(sides)
    for _ in range(warmup):
        for name in names:
            sides[name]()
    samples: dict[str, list[int]] = {name: [] for name in names}
    for index in range(iterations):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(_timed(sides[name]))
    return {name: summarize(taken) for name, taken in samples.items()}
