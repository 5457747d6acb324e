"""Reference solutions for notebook 11 (performance: chapter 6 reproduced)."""
from __future__ import annotations

import csv
import math


def speedups_over_thesis(csv_path, chain, grid, value, thesis_means):
    """{function: thesis mean ÷ our mean} for one cell (chain, grid, value) of a bench CSV."""
    ours = {}
    with open(csv_path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["chain"] == chain and row["grid"] == grid and int(row["value"]) == value:
                ours[row["function"]] = float(row["mean_s"])
    return {function: mean / ours[function] for function, mean in thesis_means.items()}


def largest_ratio_to_floor(csv_path):
    """(chain, grid, value, function, ratio_to_floor) of the row furthest above its floor."""
    with open(csv_path, newline="", encoding="utf-8") as handle:
        best = max(csv.DictReader(handle), key=lambda row: float(row["ratio_to_floor"]))
    return best["chain"], best["grid"], int(best["value"]), best["function"], float(best["ratio_to_floor"])


def p95(timings):
    """The 95th percentile, interpolating linearly between the two nearest ranks (numpy's default)."""
    ordered = sorted(timings)
    rank = (len(ordered) - 1) * 0.95
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def throughput_tx_s(requests):
    """Requests per second of a concurrent phase: count ÷ (last end - first start)."""
    first_start = min(start for start, _ in requests)
    last_end = max(end for _, end in requests)
    return len(requests) / (last_end - first_start)


def expected_transaction_time(block_time_s, base_s, confirmations):
    """base + half an interval to the next block + one block to be included + one per confirmation."""
    return base_s + block_time_s / 2 + block_time_s + confirmations * block_time_s


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "11.1": speedups_over_thesis,
    "11.2": largest_ratio_to_floor,
    "11.3": p95,
    "11.4": throughput_tx_s,
    "11.5": expected_transaction_time,
}
