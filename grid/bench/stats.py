"""Summary statistics of a list of response times: n, mean, sigma, p50, p95.

sigma is the sample standard deviation (n - 1 in the denominator), the usual
choice for repeated measurements; percentiles interpolate linearly between
the two nearest ranks (numpy's default, `statistics.quantiles(method="inclusive")`).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """What the bench reports for one set of timings, in seconds."""

    n: int
    mean_s: float
    sigma_s: float
    p50_s: float
    p95_s: float


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q must be in 0..100, not {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(values: Sequence[float]) -> Summary:
    """n, mean, sample standard deviation, median and 95th percentile of `values`."""
    n = len(values)
    if n == 0:
        raise ValueError("cannot summarise no timings")
    mean = math.fsum(values) / n
    sigma = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    return Summary(n, mean, sigma, percentile(values, 50), percentile(values, 95))
