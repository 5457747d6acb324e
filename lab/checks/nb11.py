"""Checks for notebook 11: performance, chapter 6 reproduced.

The bench CSVs handed to the student are written here, row by row, with numbers
this module chose (the columns are those of `grid.bench`'s CSV, so a student's
function also reads a real run's file). Expected values come from those numbers
and plain arithmetic, from the thesis's Tables 6.1/6.2 read straight from
data/thesis_chapter6.json (typed in from the thesis, source cited there), and
from numpy's percentile (cross-checked with the standard library's). Nothing
here calls grid.bench's statistics or lab.performance's model.
"""
from __future__ import annotations

import csv
import json
import math
import random
import statistics
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from grid.bench.results import Row

from ..exercises import exercise, expect

THESIS_FILE = Path(__file__).resolve().parents[2] / "data" / "thesis_chapter6.json"
FUNCTIONS = ("Generate Power", "Consume Power", "Transfer Power", "Query Information")
CONCURRENT = "Concurrent Generate Power"


def _columns() -> list[str]:
    """The bench CSV's header (its format; the values below are this module's own)."""
    return Row.columns()


def _thesis_means(grid: str, value: int) -> dict[str, float]:
    """{function: mean_s} of one column of Table 6.1 (grid "blocks") or 6.2 (grid "users")."""
    doc = json.loads(THESIS_FILE.read_text(encoding="utf-8"))
    table = doc["tables"]["6.1" if grid == "blocks" else "6.2"]
    return {r["function"]: float(r["mean_s"]) for r in table["rows"] if int(r["value"]) == value}


def _row(chain: str, grid: str, value: int, function: str, *, mean: float, p50: float,
         floor: float, users: int = 10, blocks: int = 0) -> dict:
    """One CSV record with the bench's columns (times in seconds, as the bench writes them)."""
    concurrent = function == CONCURRENT
    return {"chain": chain, "grid": grid, "variable": grid, "value": value,
            "users": value if grid == "users" else users, "blocks": value if grid == "blocks" else blocks,
            "height": (value if grid == "blocks" else blocks) + 3, "function": function,
            "n": 50 if concurrent else 10, "mean_s": repr(mean), "sigma_s": repr(mean * 0.1),
            "p50_s": repr(p50), "p95_s": repr(p50 * 1.4), "floor_p50_s": repr(floor),
            "ratio_to_floor": repr(p50 / floor),
            "web3_p50_s": "" if concurrent else repr(p50 * 6), "speedup_vs_web3": "" if concurrent else "6.0",
            "throughput_tx_s": repr(400.0) if concurrent else "", "floor_throughput_tx_s":
                repr(700.0) if concurrent else "", "concurrency": 10 if concurrent else 1}


@lru_cache(maxsize=1)
def _folder() -> tempfile.TemporaryDirectory:
    """One temporary folder per process for the checks' CSVs, removed when Python exits."""
    return tempfile.TemporaryDirectory(prefix="gridchain-11-check-")


def _write(records: list[dict], name: str) -> Path:
    path = Path(_folder().name) / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=_columns())
        writer.writeheader()
        writer.writerows(records)
    return path


def _cell(rng: random.Random, chain: str, grid: str, value: int, scale: float) -> list[dict]:
    """Rows for the four functions and the concurrent phase of one cell; mean differs from p50."""
    out = []
    for function in (*FUNCTIONS, CONCURRENT):
        floor = scale * (0.3 if function == "Query Information" else 0.9) * rng.uniform(0.9, 1.1)
        p50 = floor * rng.uniform(1.2, 3.4)
        out.append(_row(chain, grid, value, function, mean=p50 * rng.uniform(1.05, 1.3), p50=p50,
                        floor=floor))
    return out


# -------------------------------------------------------------------- 11.1
@lru_cache(maxsize=1)
def _speedup_csv() -> tuple[str, tuple]:
    """A CSV where a function's cell appears on several chains and grids, the wanted one first."""
    rng = random.Random(611)
    records = (_cell(rng, "anvil", "blocks", 0, 1e-3) + _cell(rng, "anvil", "blocks", 1000, 1.5e-3)
               + _cell(rng, "anvil", "users", 10, 1e-3) + _cell(rng, "anvil", "blocks", 10, 1.1e-3)
               + _cell(rng, "tester", "blocks", 0, 6e-3) + _cell(rng, "tester", "users", 10, 6e-3))
    return str(_write(records, "bench.csv")), tuple(records)


def _expected_speedups(records, chain: str, grid: str, value: int) -> dict[str, float]:
    thesis = _thesis_means(grid, value)
    ours = {r["function"]: float(r["mean_s"]) for r in records
            if (r["chain"], r["grid"], int(r["value"])) == (chain, grid, value) and r["function"] in thesis}
    return {f: thesis[f] / ours[f] for f in thesis}


@exercise("11.1", "each function's speed-up over the thesis, for one cell of the CSV")
def check_speedups(speedups_over_thesis) -> str:
    path, records = _speedup_csv()
    for chain, grid, value in (("anvil", "blocks", 0), ("anvil", "users", 10), ("tester", "blocks", 0)):
        thesis = _thesis_means(grid, value)
        got = speedups_over_thesis(path, chain, grid, value, dict(thesis))
        want = _expected_speedups(records, chain, grid, value)
        expect(isinstance(got, dict) and set(got) == set(want),
               f"for {chain}, {grid} {value}: expected a dict with the keys {sorted(want)}, got "
               f"{sorted(got) if isinstance(got, dict) else type(got).__name__}")
        for function, ratio in want.items():
            number = isinstance(got[function], (int, float))
            expect(number and math.isclose(got[function], ratio, rel_tol=1e-6),
                   f"for {chain}, {grid} {value}, {function}: expected thesis mean ÷ our mean = "
                   f"{thesis[function]} s ÷ {thesis[function] / ratio:.6g} s = {ratio:.1f}x, got "
                   f"{got[function]!r} (keep only the rows of that chain, grid and value, and use mean_s: "
                   "the thesis reports means)")
    low = min(_expected_speedups(records, "anvil", "blocks", 0).values())
    return (f"even the smallest speed-up in this CSV's anvil cell at 0 blocks is {low:.0f}x. Try it on your "
            f"own run: speedups_over_thesis(result.csv_path, 'anvil', 'blocks', 0, ...)")


# -------------------------------------------------------------------- 11.2
@lru_cache(maxsize=1)
def _ratio_csvs() -> tuple[tuple[str, tuple], ...]:
    """Two CSVs, each with a known largest ratio, a decoy that wins as text, and a slowest row that
    is not it."""
    out = []
    for seed, (chain, grid, value, function) in ((1, ("anvil", "users", 100, "Query Information")),
                                                 (2, ("tester", "blocks", 1000, "Transfer Power"))):
        rng = random.Random(seed)
        records = []
        for c, scale in (("anvil", 1e-3), ("tester", 6e-3)):
            for g, values in (("blocks", (0, 1000)), ("users", (10, 100))):
                for v in values:
                    records += _cell(rng, c, g, v, scale)
        for r in records:
            key = (r["chain"], r["grid"], r["function"])
            if (r["chain"], r["grid"], int(r["value"]), r["function"]) == (chain, grid, value, function):
                floor = float(r["floor_p50_s"])
                r.update(_row(chain, grid, value, function, mean=floor * 11, p50=floor * 10.25, floor=floor))
            elif key == ("anvil", "blocks", "Consume Power") and r["value"] == 0:
                floor = float(r["floor_p50_s"])   # the decoy: "9.5" > "10.25" as text, not as a number
                r.update(_row("anvil", "blocks", 0, "Consume Power", mean=floor * 10, p50=floor * 9.5,
                              floor=floor))
            elif key == ("tester", "users", "Generate Power") and r["value"] == 100:
                # the slowest request of the file, but close to its own floor
                r.update(_row("tester", "users", 100, "Generate Power", mean=0.06, p50=0.05, floor=0.04))
        rng.shuffle(records)
        out.append((str(_write(records, f"bench_{seed}.csv")), tuple(records)))
    return tuple(out)


@exercise("11.2", "the largest ratio to the floor in a bench CSV")
def check_largest_ratio(largest_ratio_to_floor) -> str:
    for path, records in _ratio_csvs():
        best = max(records, key=lambda r: float(r["p50_s"]) / float(r["floor_p50_s"]))
        want = (best["chain"], best["grid"], int(best["value"]), best["function"],
                float(best["p50_s"]) / float(best["floor_p50_s"]))
        got = largest_ratio_to_floor(path)
        expect(isinstance(got, tuple) and len(got) == 5,
               f"expected a tuple (chain, grid, value, function, ratio), got {got!r}")
        expect(got[:2] == want[:2] and got[3] == want[3] and isinstance(got[2], (int, float))
               and got[2] == want[2],
               f"expected the row {want[:4]}, got {got[:4]} (compare ratio_to_floor as numbers, "
               f"not as text, and not the slowest p50)")
        expect(isinstance(got[4], (int, float)) and math.isclose(got[4], want[4], rel_tol=1e-6),
               f"expected the ratio {want[4]:.4g}, got {got[4]!r}")
    return ("the worst row is 10.25x its floor. As text, '9.5' > '10.25': csv gives strings, so convert "
            "before comparing. In our runs the query usually has the largest ratio: its floor is so small "
            "that the client's fixed cost weighs most")


# -------------------------------------------------------------------- 11.3
def _timing_sets() -> list[list[float]]:
    rng = random.Random(95)
    sets = [[rng.lognormvariate(-6.5, 0.4) for _ in range(n)] for n in (10, 37, 100)]
    sets.append([0.004, 0.001, 0.003, 0.002])    # unsorted
    sets.append([0.002, 0.002, 0.002, 0.009])    # ties and one slow request
    sets.append([0.0015])
    return sets


@exercise("11.3", "a p95 from raw timings")
def check_p95(p95) -> str:
    for timings in _timing_sets():
        want = float(np.percentile(timings, 95))   # linear interpolation, numpy's default
        if len(timings) > 1:   # the standard library agrees (inclusive method)
            assert math.isclose(want, statistics.quantiles(timings, n=100, method="inclusive")[94])
        got = p95(list(timings))
        shown = f" ({', '.join(f'{t:g}' for t in timings)})" if len(timings) < 6 else ""
        expect(isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-15),
               f"for {len(timings)} timings{shown} expected p95 = {want:.6g} s (rank (n-1)·0.95 on the "
               f"sorted list, interpolating between the two neighbours), got {got!r}")
    return ("p95 = the time 95% of requests beat. With 10 timings it sits between the 9th and the 10th: "
            "quote p95 only with enough repeats (the bench's full run takes 100 per cell)")


# -------------------------------------------------------------------- 11.4
def _load_phases() -> list[list[tuple[float, float]]]:
    phases = []
    for seed, users, per_user, start in ((4, 4, 10, 1000.0), (5, 10, 5, 73.25), (6, 1, 3, 5.0)):
        rng = random.Random(seed)
        records = []
        for _ in range(users):
            t = start + rng.uniform(0, 0.002)
            for _ in range(per_user):
                took = rng.uniform(0.005, 0.02)
                records.append((t, t + took))
                t += took + rng.uniform(0, 0.0005)
        rng.shuffle(records)
        phases.append(records)
    return phases


@exercise("11.4", "throughput from a concurrent phase's timings")
def check_throughput(throughput_tx_s) -> str:
    for requests in _load_phases():
        wall = max(end for _, end in requests) - min(start for start, _ in requests)
        want = len(requests) / wall
        got = throughput_tx_s(list(requests))
        one_by_one = len(requests) / sum(end - start for start, end in requests)
        expect(isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-9),
               f"for {len(requests)} requests expected {len(requests)} ÷ {wall:.6f} s (first start to last "
               f"end) = {want:.1f} tx/s, got {got!r}"
               + (" (that is one request at a time: the users overlap)" if isinstance(got, (int, float))
                  and math.isclose(got, one_by_one, rel_tol=1e-9) else ""))
    first = _load_phases()[0]
    latency = statistics.mean(end - start for start, end in first)
    measured = len(first) / (max(e for _, e in first) - min(s for s, _ in first))
    return (f"4 users at once, mean latency {latency * 1e3:.1f} ms: at best 4 ÷ {latency * 1e3:.1f} ms = "
            f"{4 / latency:.0f} tx/s (Little's law: throughput = requests in flight ÷ latency); "
            f"{measured:.0f} tx/s here, because users that finish early leave fewer in flight at the end")


# -------------------------------------------------------------------- 11.5
MODEL_CASES = ((0, 0.0015, 0), (1, 0.002, 0), (12, 0.002, 0), (12, 0.002, 6), (1, 0.25, 2), (0.5, 0.001, 1))


@exercise("11.5", "the real-network model for a transaction")
def check_model(expected_transaction_time) -> str:
    for block_time, base, confirmations in MODEL_CASES:
        # the notebook's model: half an interval to the next block, one block to be included,
        # one more per confirmation; instant blocks cost just the base.
        want = base + 1.5 * block_time + confirmations * block_time
        got = expected_transaction_time(block_time, base, confirmations)
        expect(isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-9),
               f"for blocks every {block_time} s, a base of {base} s and {confirmations} confirmations "
               f"expected {base} + {block_time}/2 + {block_time} + {confirmations}×{block_time} = {want:g} "
               f"s, got {got!r}")
    return ("with 12 s blocks a transaction takes about 18 s to be included, 10,000 times anvil's; "
            "a query still takes a millisecond")
