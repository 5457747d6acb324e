"""Bench results: one `Row` per chain, grid, value and function; CSV and a figures table."""
from __future__ import annotations

import csv
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .drivers import FUNCTIONS
from .options import BenchOptions

CONCURRENT = "Concurrent Generate Power"  # the concurrent virtual users' row of each cell


@dataclass(frozen=True)
class Row:
    """One measured cell and function. Times in seconds; NaN where a column does not apply."""

    chain: str
    grid: str                  # "blocks" (Table 6.1's design) or "users" (Table 6.2's)
    variable: str              # the grid's variable: "blocks" or "users"
    value: int                 # its value in this cell
    users: int                 # virtual users in the cell
    blocks: int                # empty blocks mined on top of the set-up state
    height: int                # the chain's real height when the cell started
    function: str              # a thesis function, or CONCURRENT
    n: int
    mean_s: float
    sigma_s: float
    p50_s: float
    p95_s: float
    floor_p50_s: float         # the bare round trip of the same request, same run
    ratio_to_floor: float      # p50_s / floor_p50_s
    web3_p50_s: float = math.nan       # a default web3.py client doing the same request
    speedup_vs_web3: float = math.nan  # web3_p50_s / p50_s
    throughput_tx_s: float = math.nan  # CONCURRENT rows: transactions per second, all users at once
    floor_throughput_tx_s: float = math.nan
    concurrency: int = 1       # requests in flight at once

    @classmethod
    def columns(cls) -> list[str]:
        """The CSV header, in order."""
        return [f.name for f in fields(cls)]


@dataclass
class BenchResult:
    """Everything one run produced."""

    options: BenchOptions
    rows: list[Row] = field(default_factory=list)
    wall_s: float = 0.0
    csv_path: Path | None = None
    chart_paths: list[Path] = field(default_factory=list)
    summary_path: Path | None = None
    notes: list[str] = field(default_factory=list)

    def select(self, **where) -> list[Row]:
        """The rows whose fields equal every keyword given, e.g. select(chain="anvil", grid="users")."""
        return [r for r in self.rows if all(getattr(r, k) == v for k, v in where.items())]

    def summary(self) -> str:
        """The figures table (Markdown): per chain, the numbers the toolkit's aims are about."""
        return summary_table(self)


def write_csv(rows: list[Row], path: Path) -> Path:
    """Write `rows` as CSV (NaN as an empty field) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=Row.columns())
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if isinstance(v, float) and math.isnan(v) else
                                 f"{v:.9g}" if isinstance(v, float) else v)
                             for k, v in asdict(row).items()})
    return path


def read_csv(path: Path) -> list[Row]:
    """Read a CSV written by `write_csv` back into rows."""
    types = {f.name: f.type for f in fields(Row)}
    out = []
    with Path(path).open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            values = {}
            for key, text in record.items():
                kind = types[key]
                if kind == "int":
                    values[key] = int(text)
                elif kind == "float":
                    values[key] = float(text) if text else math.nan
                else:
                    values[key] = text
            out.append(Row(**values))
    return out


def _p50(rows: list[Row], grid: str, value: int, function: str) -> float:
    found = [r.p50_s for r in rows if r.grid == grid and r.value == value and r.function == function]
    return found[0] if found else math.nan


def _ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1e3:.2f} ms"


def _x(ratio: float) -> str:
    return "-" if math.isnan(ratio) else f"{ratio:.2f}x"


def summary_table(result: BenchResult) -> str:
    """Per chain: p50 and ratio to floor per function, scaling ratios, throughput, speed-up vs web3."""
    lines = []
    for chain in dict.fromkeys(r.chain for r in result.rows):
        rows = [r for r in result.rows if r.chain == chain]
        blocks = sorted({r.value for r in rows if r.grid == "blocks"})
        users = sorted({r.value for r in rows if r.grid == "users"})
        grid, ref = ("blocks", blocks[0]) if blocks else ("users", users[0])
        where = f"{ref} {grid}"
        lines += [f"### {chain}", "",
                  f"| function | p50 at {where} | floor p50 there "
                  f"| ratio to floor: there, median, worst cell "
                  f"| web3.py p50 there | speed-up vs web3.py (median) | blocks scaling | users scaling |",
                  "|---|---|---|---|---|---|---|---|"]
        for function in FUNCTIONS:
            mine = [r for r in rows if r.function == function]
            if not mine:
                continue
            at = next(r for r in mine if r.grid == grid and r.value == ref)
            ratios = [r.ratio_to_floor for r in mine]
            by_blocks = (_p50(rows, "blocks", blocks[-1], function)
                         / _p50(rows, "blocks", blocks[0], function)
                         if len(blocks) > 1 else math.nan)
            by_users = (_p50(rows, "users", users[-1], function) / _p50(rows, "users", users[0], function)
                        if len(users) > 1 else math.nan)
            lines.append(f"| {function} | {_ms(at.p50_s)} | {_ms(at.floor_p50_s)} | {_x(at.ratio_to_floor)}, "
                         f"{_x(_pooled_median(ratios))}, {_x(max(ratios))} | {_ms(at.web3_p50_s)} "
                         f"| {_x(_pooled_median([r.speedup_vs_web3 for r in mine]))} | {_x(by_blocks)} "
                         f"| {_x(by_users)} |")
        lines.append("")
        if len(blocks) > 1 or len(users) > 1:
            lines.append(f"Scaling = p50 at {blocks[-1] if blocks else '-'} blocks / p50 at "
                         f"{blocks[0] if blocks else '-'} blocks, and p50 at {users[-1] if users else '-'} "
                         f"users / p50 at {users[0] if users else '-'} users.")
            lines.append("")
        load = [r for r in rows if r.function == CONCURRENT]
        if load:
            lines += ["| concurrent virtual users (grid, value) | in flight | throughput | floor throughput "
                      "| p50 under load | floor p50 under load |", "|---|---|---|---|---|---|"]
            for r in load:
                lines.append(f"| {r.grid} {r.value} ({r.users} users) | {r.concurrency} "
                             f"| {r.throughput_tx_s:.0f} tx/s | {r.floor_throughput_tx_s:.0f} tx/s "
                             f"| {_ms(r.p50_s)} | {_ms(r.floor_p50_s)} |")
            lines.append("")
    return "\n".join(lines)


def _pooled_median(values: list[float]) -> float:
    values = sorted(v for v in values if not math.isnan(v))
    if not values:
        return math.nan
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


__all__ = ["CONCURRENT", "BenchResult", "Row", "read_csv", "summary_table", "write_csv"]
