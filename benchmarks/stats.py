"""Summaries of latency samples: median and p99 the same way in every section."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

__all__ = ["percentile", "rotated", "summarize"]


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was actually observed, never an interpolation."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summarize(seconds: Sequence[float]) -> dict[str, float | int]:
    """Median and p99 in milliseconds, plus the sample count (p99 of 20 samples is the max)."""
    return {
        "n": len(seconds),
        "median_ms": round(statistics.median(seconds) * 1000, 3) if seconds else math.nan,
        "p99_ms": round(percentile(seconds, 0.99) * 1000, 3),
    }


def rotated(items: Sequence[T], by: int) -> list[T]:
    """`items` starting at position `by` (wrapping): each round of a benchmark takes its
    candidates in another order, so that load from elsewhere spreads over all of them."""
    shift = by % len(items)
    return [*items[shift:], *items[:shift]]
