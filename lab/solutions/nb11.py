"""Reference solutions for notebook 11 (performance: chapter 6 reproduced)."""
from __future__ import annotations

import csv
import math

from lab.solutions import ModelAnswer


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

MODEL_ANSWERS = {
    "11.Q1": ModelAnswer(
        points=3,
        answer=(
            'Executing one of these functions in the EVM takes microseconds and signing and the round '
            'trip take about a millisecond, as the breakdown shows; what dominates is waiting until the'
            " transaction is mined into a block and the client polls the receipt. The thesis's geth "
            'chain sealed blocks every few seconds, so a transaction waited on average about half a '
            'block interval or more, plus a polling interval: seconds, which matches 1.3-4.4 s. The '
            'query (Query Information) is a call that is not mined, so it should be fastest, as the '
            "thesis's smallest value, 1.31 s, shows (its cost was the client and the web stack). With "
            '12 s blocks our transactions would take about 6 s on average (up to 12 s, more if a block '
            'is full), thousands of times our instant-mining figure, while our queries would stay near '
            'a millisecond.'
        ),
        marking=(
            '1 point: computation and round trip are milliseconds, the wait for a block dominates; 1 '
            'point: the query is not mined and is fastest; 1 point: a prediction of about half a block '
            'time (6 s) or more for transactions on 12 s blocks, queries unchanged'
        ),
    ),
}
