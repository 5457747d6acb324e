"""Notebook 11's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
from __future__ import annotations

import csv
import math
import statistics

import pytest

from grid.bench import read_csv
from lab.checks import nb11 as checks
from lab.exercises import SOLVED, WRONG, check
from lab.solutions import nb11


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# -- 11.1: speed-ups over the thesis
def _speedups_with_p50(csv_path, chain, grid, value, thesis_means):
    # The bench's charts plot p50, but the thesis's tables hold means.
    ours = {r["function"]: float(r["p50_s"]) for r in _rows(csv_path)
            if (r["chain"], r["grid"], int(r["value"])) == (chain, grid, value)}
    return {f: m / ours[f] for f, m in thesis_means.items()}


def _speedups_any_chain(csv_path, chain, grid, value, thesis_means):
    # Forgets the chain: a later tester row overwrites the anvil one.
    ours = {r["function"]: float(r["mean_s"]) for r in _rows(csv_path)
            if (r["grid"], int(r["value"])) == (grid, value)}
    return {f: m / ours[f] for f, m in thesis_means.items()}


def _speedups_any_grid(csv_path, chain, grid, value, thesis_means):
    # Forgets the grid: "users 10" and "blocks 10" are different cells.
    ours = {r["function"]: float(r["mean_s"]) for r in _rows(csv_path)
            if (r["chain"], int(r["value"])) == (chain, value)}
    return {f: m / ours[f] for f, m in thesis_means.items()}


def _speedups_inverted(csv_path, chain, grid, value, thesis_means):
    ours = nb11.speedups_over_thesis(csv_path, chain, grid, value, thesis_means)
    return {f: 1 / r for f, r in ours.items()}


def _speedups_in_ms(csv_path, chain, grid, value, thesis_means):
    # Compares seconds with milliseconds.
    ours = nb11.speedups_over_thesis(csv_path, chain, grid, value, thesis_means)
    return {f: r / 1000 for f, r in ours.items()}


@pytest.mark.parametrize("wrong", [_speedups_with_p50, _speedups_any_chain, _speedups_any_grid,
                                   _speedups_inverted, _speedups_in_ms])
def test_11_1_rejects(wrong):
    assert check("11.1", wrong).status == WRONG


# -- 11.2: the largest ratio to the floor
def _largest_as_text(csv_path):
    best = max(_rows(csv_path), key=lambda r: r["ratio_to_floor"])
    return best["chain"], best["grid"], int(best["value"]), best["function"], float(best["ratio_to_floor"])


def _slowest_p50(csv_path):
    best = max(_rows(csv_path), key=lambda r: float(r["p50_s"]))
    return best["chain"], best["grid"], int(best["value"]), best["function"], float(best["ratio_to_floor"])


def _value_as_text(csv_path):
    chain, grid, value, function, ratio = nb11.largest_ratio_to_floor(csv_path)
    return chain, grid, str(value), function, ratio


def _smallest_ratio(csv_path):
    best = min(_rows(csv_path), key=lambda r: float(r["ratio_to_floor"]))
    return best["chain"], best["grid"], int(best["value"]), best["function"], float(best["ratio_to_floor"])


@pytest.mark.parametrize("wrong", [_largest_as_text, _slowest_p50, _value_as_text, _smallest_ratio])
def test_11_2_rejects(wrong):
    assert check("11.2", wrong).status == WRONG


# -- 11.3: p95
def _p95_nearest_rank(timings):
    ordered = sorted(timings)
    return ordered[min(int(0.95 * len(ordered)), len(ordered) - 1)]


def _p95_exclusive(timings):
    if len(timings) < 2:
        return timings[0]
    return statistics.quantiles(timings, n=100)[94]   # the standard library's default method


def _p95_unsorted(timings):
    rank = (len(timings) - 1) * 0.95
    low = math.floor(rank)
    high = min(low + 1, len(timings) - 1)
    return timings[low] + (timings[high] - timings[low]) * (rank - low)


def _p95_normal(timings):
    if len(timings) < 2:
        return timings[0]
    return statistics.mean(timings) + 1.645 * statistics.stdev(timings)


@pytest.mark.parametrize("wrong", [_p95_nearest_rank, _p95_exclusive, _p95_unsorted, _p95_normal])
def test_11_3_rejects(wrong):
    assert check("11.3", wrong).status == WRONG


# -- 11.4: throughput
def _one_at_a_time(requests):
    return len(requests) / sum(end - start for start, end in requests)


def _from_zero(requests):
    return len(requests) / max(end for _, end in requests)


def _first_and_last_in_list_order(requests):
    return len(requests) / (requests[-1][1] - requests[0][0])


def _longest_request(requests):
    return len(requests) / max(end - start for start, end in requests)


@pytest.mark.parametrize("wrong", [_one_at_a_time, _from_zero, _first_and_last_in_list_order,
                                   _longest_request])
def test_11_4_rejects(wrong):
    assert check("11.4", wrong).status == WRONG


# -- 11.5: the model
@pytest.mark.parametrize("wrong", [
    lambda t, base, k: base + t / 2 + k * t,            # forgets the block that includes it
    lambda t, base, k: base + t + k * t,                # forgets the half interval to the next block
    lambda t, base, k: 1.5 * t + k * t,                 # forgets the client's own time
    lambda t, base, k: base + 1.5 * t + max(k - 1, 0) * t,   # counts the including block as a confirmation
    lambda t, base, k: base + 1.5 * t * (k + 1),        # a half interval per confirmation too
])
def test_11_5_rejects(wrong):
    assert check("11.5", wrong).status == WRONG


# -- the checks' CSVs are real bench CSVs
def test_the_checks_write_csvs_the_bench_can_read():
    path, records = checks._speedup_csv()
    rows = read_csv(path)
    assert len(rows) == len(records)
    assert {r.function for r in rows} >= set(checks.FUNCTIONS)
    for path, _ in checks._ratio_csvs():
        assert max(r.ratio_to_floor for r in read_csv(path)) == pytest.approx(10.25)


def test_every_reference_solution_passes():
    for exercise_id, solution in nb11.SOLUTIONS.items():
        assert check(exercise_id, solution).status == SOLVED
