"""The thesis's Tables 6.1/6.2 beside the bench's rows: pandas tables for notebook 11."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict

import pandas as pd

from grid.bench import Row
from grid.bench.drivers import FUNCTIONS, GENERATE
from grid.bench.results import CONCURRENT
from grid.bench.thesis import TABLE_OF_GRID, thesis_cells

FLOOR_TARGET = 1.5  # the toolkit's aim: p50 within 1.5x of the bare round trip


def thesis_table(grid: str) -> pd.DataFrame:
    """Table 6.1 (grid="blocks") or 6.2 (grid="users") as printed: "mean ± σ" in seconds."""
    table = TABLE_OF_GRID[grid]
    cells = [c for c in thesis_cells() if c.table == table]
    frame = pd.DataFrame([{"function": c.function, grid: c.value, "cell": f"{c.mean_s:.2f} ± {c.sigma_s:.2f}"}
                          for c in cells])
    out = frame.pivot(index="function", columns=grid, values="cell").reindex(list(FUNCTIONS))
    out.columns.name = f"{grid} (Table {table}: mean ± σ, s)"
    return out


def bench_frame(rows: Iterable[Row]) -> pd.DataFrame:
    """The bench's rows as a DataFrame, plus `overhead_ms`: the toolkit's p50 minus the floor's."""
    frame = pd.DataFrame([asdict(r) for r in rows])
    if not frame.empty:
        frame["overhead_ms"] = (frame["p50_s"] - frame["floor_p50_s"]) * 1e3
    return frame


def _functions_of(frame: pd.DataFrame, chain: str) -> pd.DataFrame:
    return frame[(frame["chain"] == chain) & frame["function"].isin(FUNCTIONS)]


def beside_thesis(rows: Iterable[Row], chain: str, grid: str) -> pd.DataFrame:
    """For each function and measured cell of `grid`: the thesis's mean and ours, and the ratio.

    The thesis reports means (LoadRunner's average), so the ratio compares means.
    A cell the thesis did not measure (e.g. 10,000 blocks) has no thesis figure.
    """
    table = TABLE_OF_GRID[grid]
    thesis = {(c.function, c.value): c for c in thesis_cells() if c.table == table}
    frame = _functions_of(bench_frame(rows), chain)
    frame = frame[frame["grid"] == grid]
    out = []
    for function in FUNCTIONS:
        for _, r in frame[frame["function"] == function].sort_values("value").iterrows():
            cell = thesis.get((function, int(r["value"])))
            out.append({"function": function, grid: int(r["value"]),
                        "thesis mean (s)": cell.mean_s if cell else math.nan,
                        "thesis σ (s)": cell.sigma_s if cell else math.nan,
                        "ours mean (ms)": r["mean_s"] * 1e3, "ours p50 (ms)": r["p50_s"] * 1e3,
                        "ours p95 (ms)": r["p95_s"] * 1e3,
                        "thesis ÷ ours (means)": cell.mean_s / r["mean_s"] if cell else math.nan})
    return pd.DataFrame(out).set_index(["function", grid])


def pivot(rows_or_frame: Iterable[Row] | pd.DataFrame, chain: str, column: str) -> pd.DataFrame:
    """`column` of the bench (e.g. "ratio_to_floor") for each function (rows) and cell (columns)."""
    frame = rows_or_frame if isinstance(rows_or_frame, pd.DataFrame) else bench_frame(rows_or_frame)
    mine = _functions_of(frame, chain)
    out = mine.pivot_table(index="function", columns=["grid", "value"], values=column, aggfunc="first")
    return out.reindex([f for f in FUNCTIONS if f in out.index])


def scaling_table(rows: Iterable[Row], chain: str) -> pd.DataFrame:
    """Is it flat? For each function and grid: last cell ÷ first cell, for ours and the floor.

    Also the toolkit's overhead (p50 minus the floor's p50, in ms) in the first and
    the last cell: if the floor grows and the overhead does not, the node grows,
    not the client.
    """
    frame = _functions_of(bench_frame(rows), chain)
    out = []
    for grid in ("blocks", "users"):
        mine = frame[frame["grid"] == grid]
        values = sorted(mine["value"].unique())
        if len(values) < 2:
            continue
        for function in FUNCTIONS:
            one = mine[mine["function"] == function].set_index("value")
            first, last = one.loc[values[0]], one.loc[values[-1]]
            out.append({"grid": f"{grid} {values[0]} → {values[-1]}", "function": function,
                        "ours: p50 ×": last["p50_s"] / first["p50_s"],
                        "floor: p50 ×": last["floor_p50_s"] / first["floor_p50_s"],
                        "overhead first (ms)": first["overhead_ms"],
                        "overhead last (ms)": last["overhead_ms"]})
    return pd.DataFrame(out).set_index(["grid", "function"])


def load_table(rows: Iterable[Row], chain: str) -> pd.DataFrame:
    """The concurrent virtual users of each cell: throughput and latency under load, ours and the floor's."""
    frame = bench_frame(rows)
    load = frame[(frame["chain"] == chain) & (frame["function"] == CONCURRENT)]
    alone = {(r.grid, r.value): r.p50_s for r in frame[(frame["chain"] == chain)
                                                       & (frame["function"] == GENERATE)].itertuples()}
    return pd.DataFrame({
        "cell": [f"{g} {v}" for g, v in zip(load["grid"], load["value"], strict=True)],
        "virtual users": load["users"].to_numpy(),
        "in flight": load["concurrency"].to_numpy(),
        "transactions": load["n"].to_numpy(),
        "throughput (tx/s)": load["throughput_tx_s"].to_numpy(),
        "floor throughput (tx/s)": load["floor_throughput_tx_s"].to_numpy(),
        "p50 under load (ms)": (load["p50_s"] * 1e3).to_numpy(),
        "one user alone: 1 ÷ p50 (tx/s)": [1 / alone.get((g, v), math.nan)
                                           for g, v in zip(load["grid"], load["value"], strict=True)],
    }).set_index("cell")


def target_verdicts(rows: Iterable[Row], chain: str, target: float = FLOOR_TARGET) -> str:
    """One line per function: its median ratio to the floor over the cells, against our aim `target`."""
    frame = _functions_of(bench_frame(rows), chain)
    lines = []
    for function in FUNCTIONS:
        ratios = frame[frame["function"] == function]["ratio_to_floor"]
        if ratios.empty:
            continue
        median = float(ratios.median())
        verdict = "within" if median <= target else "above"
        lines.append(f"{function}: median ratio to the floor {median:.2f}x, {verdict} our aim of {target}x "
                     f"(cells: {', '.join(f'{r:.2f}x' for r in ratios)})")
    return "\n".join(lines)
