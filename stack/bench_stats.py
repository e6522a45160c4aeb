"""The benchmark's arithmetic: percentiles, rates, ratios and whether memory stopped growing."""

import math
from typing import Any

# Allocator noise: a process whose peak moves by less than this has stopped growing.
GROWTH_TOLERANCE = 0.01  # of the middle third's peak
GROWTH_SLACK_MB = 1.0


def percentile(samples: list[float], share: float) -> float:
    """Nearest rank: the smallest sample with at least `share` of all samples at or below it."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 of samples in seconds, in milliseconds."""
    return {
        "p50_ms": round(1000 * percentile(samples, 0.50), 1),
        "p95_ms": round(1000 * percentile(samples, 0.95), 1),
    }


def rate(count: int, seconds: float) -> float:
    """Events a second, to one decimal; nothing happened in no time is 0, not a division error."""
    return round(count / seconds, 1) if seconds > 0 else 0.0


def ratio(value: float, baseline: float) -> float | None:
    return round(value / baseline, 2) if baseline else None


def growth(series: list[float]) -> dict[str, Any]:
    """Start, end and peak of a memory series, and whether it stopped growing.

    The first third is warm-up (caches, the index, the first conversations), so it is left out:
    the series has stopped growing when the last third's peak is no higher than the middle
    third's peak plus 1 % (and 1 MB) of allocator noise. Fewer than 3 samples say nothing.
    """
    figures: dict[str, Any] = {
        "start_mb": series[0],
        "end_mb": series[-1],
        "max_mb": max(series),
        "samples": len(series),
    }
    third = len(series) // 3
    if third == 0:
        return figures | {"stopped_growing": None}
    middle, last = series[third : 2 * third], series[2 * third :]
    allowed = max(middle) * (1 + GROWTH_TOLERANCE) + GROWTH_SLACK_MB
    return figures | {
        "middle_third_max_mb": max(middle),
        "last_third_max_mb": max(last),
        "stopped_growing": max(last) <= allowed,
    }
