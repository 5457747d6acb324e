"""Throughput with many transactions per block: latency against throughput for four block times.

With automine (block time 0) anvil mines one block per transaction, one after
the other, and rebuilds its state root each time: that caps throughput. With
a block time, the transactions that arrive while a block is open share it and
share its state-root rebuild. The price is latency: a transaction waits for the
block to close, up to a whole block time (a user who sends as soon as its last
receipt arrives, at a block's start, waits all of it).

For each block time the bench starts a fresh anvil, deploys PowerGeneration and
registers the largest users cell of the grid (automine on, so set-up is quick).
It then switches automine off and a miner thread calls `evm_mine` every block
time: the manual mining a class chain can use, with sub-second intervals that
anvil's `evm_setIntervalMining` (whole seconds) cannot give. Then, at several
numbers of virtual users in flight, every user sends Generate Power through its
own client and waits for its receipt, one request at a time; throughput is
the transactions mined divided by the wall time.
"""
from __future__ import annotations

import csv
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..chain import Chain
from ..chain.jsonrpc import JsonRpcConnection
from ..errors import GridError
from .drivers import GENERATE, Request, ToolkitDriver
from .options import BenchOptions
from .results import Row
from .stats import summarize
from .testbed import Testbed, open_testbed

BLOCK_TIMES_S = (0.0, 0.05, 0.2, 1.0)     # 0: automine, one block per transaction
QUICK_IN_FLIGHT = (16, 64, 256)
FULL_IN_FLIGHT = (16, 64, 256, 512)
REQUESTS_PER_USER = 3                    # each virtual user's script at every level
MIN_REQUESTS = 300
CSV_NAME = "batched.csv"
CHART_NAME = "batched_latency_throughput.png"
BATCHED = "Generate Power, batched blocks"   # the function name of these rows in bench.csv


@dataclass(frozen=True)
class BatchedRow:
    """One block time at one number of virtual users in flight. Times in seconds."""

    block_time_s: float
    users: int               # registered users on the chain
    in_flight: int           # virtual users sending at once
    n: int                   # transactions sent (all mined)
    wall_s: float
    throughput_tx_s: float
    mean_s: float
    sigma_s: float
    p50_s: float
    p95_s: float
    blocks: int              # blocks mined while they were sent
    tx_per_block: float

    @classmethod
    def columns(cls) -> list[str]:
        """The CSV header, in order."""
        return [f.name for f in fields(cls)]

    @property
    def label(self) -> str:
        """"automine" or the block time in ms."""
        return "automine" if self.block_time_s == 0 else f"{self.block_time_s * 1000:.0f} ms blocks"

    def as_bench_row(self) -> Row:
        """This figure as a row of bench.csv (grid "batched", value = block time in ms; no floor)."""
        return Row(chain="anvil", grid="batched", variable="block_time_ms",
                   value=round(self.block_time_s * 1000), users=self.users, blocks=0, height=0,
                   function=BATCHED, n=self.n, mean_s=self.mean_s,
                   sigma_s=self.sigma_s, p50_s=self.p50_s, p95_s=self.p95_s, floor_p50_s=math.nan,
                   ratio_to_floor=math.nan, throughput_tx_s=self.throughput_tx_s, concurrency=self.in_flight)


class IntervalMiner:
    """A thread that mines a block every `interval_s` on its own connection, with automine off."""

    def __init__(self, chain: Chain, interval_s: float) -> None:
        self.chain, self.interval_s = chain, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="interval-miner", daemon=True)
        self.failure: str | None = None

    def __enter__(self) -> IntervalMiner:
        self.chain.rpc("evm_setAutomine", False)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.chain.rpc("evm_setAutomine", True)

    def _run(self) -> None:
        connection = JsonRpcConnection(self.chain.rpc_url, timeout=30.0)
        deadline = time.perf_counter()
        try:
            while not self._stop.is_set():
                deadline += self.interval_s   # a fixed cadence: a slow block does not push the next one back
                self._stop.wait(max(0.0, deadline - time.perf_counter()))
                reply = connection.request("evm_mine", [])
                if "error" in reply:
                    self.failure = str(reply["error"])
                    return
        finally:
            connection.close()


def in_flight_levels(options: BenchOptions, users: int) -> list[int]:
    """The numbers of virtual users in flight to measure (never more than there are users)."""
    levels = QUICK_IN_FLIGHT if options.quick else FULL_IN_FLIGHT
    return sorted({min(level, users) for level in levels})


def measure_level(bed: Testbed, in_flight: int, block_time_s: float,
                  tick: Callable[[int], None] = lambda n: None) -> BatchedRow:
    """`in_flight` virtual users send Generate Power at once, each waiting for its own receipt."""
    users = bed.users[:in_flight]
    per_user = max(REQUESTS_PER_USER, -(-MIN_REQUESTS // in_flight))
    toolkit = ToolkitDriver({u.account.address: u.client for u in users})

    def script(user) -> list[float]:
        times = []
        for _ in range(per_user):
            began = time.perf_counter()
            toolkit.run(Request(GENERATE, user.account))
            times.append(time.perf_counter() - began)
            tick(1)
        return times

    first = bed.chain.block_number
    with ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="virtual-user") as pool:
        began = time.perf_counter()
        latencies = [t for times in pool.map(script, users) for t in times]
        wall = time.perf_counter() - began
    blocks = max(1, bed.chain.block_number - first)
    stats = summarize(latencies)
    return BatchedRow(block_time_s, len(bed.users), in_flight, len(latencies), wall, len(latencies) / wall,
                      stats.mean_s, stats.sigma_s, stats.p50_s, stats.p95_s, blocks, len(latencies) / blocks)


def run_batched(options: BenchOptions, tick: Callable[[int], None] = lambda n: None,
                describe: Callable[[str], None] = lambda text: None) -> list[BatchedRow]:
    """Every block time at every level, each block time on a fresh anvil with the largest users cell."""
    users = max(options.users or (options.fixed_users,))
    rows: list[BatchedRow] = []
    for block_time in BLOCK_TIMES_S:
        describe(f"batched {block_time * 1000:.0f} ms: registering {users} users")
        bed = open_testbed("anvil", users, tick, anvil_hardfork=options.anvil_hardfork)
        try:
            bed.register_users(users, tick)
            describe(f"batched {block_time * 1000:.0f} ms blocks")
            for level in in_flight_levels(options, users):
                if block_time == 0:
                    rows.append(measure_level(bed, level, block_time, tick))
                    continue
                with IntervalMiner(bed.chain, block_time) as miner:
                    rows.append(measure_level(bed, level, block_time, tick))
                if miner.failure:
                    raise GridError(f"anvil stopped mining blocks ({miner.failure}): see its log",
                                    kind="node")
        finally:
            bed.chain.close()
    return rows


def requests_batched(options: BenchOptions) -> int:
    """How many requests `run_batched` sends, for a progress bar."""
    users = max(options.users or (options.fixed_users,))
    sent = sum(level * max(REQUESTS_PER_USER, -(-MIN_REQUESTS // level))
               for level in in_flight_levels(options, users))
    return len(BLOCK_TIMES_S) * (sent + users)


def batched_table(rows: list[BatchedRow]) -> str:
    """The rows as a Markdown table."""
    lines = ["| block time | users | in flight | throughput | p50 latency | p95 latency | tx per block |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.label} | {r.users:,} | {r.in_flight} | {r.throughput_tx_s:,.0f} tx/s | "
                     f"{r.p50_s * 1000:.1f} ms | {r.p95_s * 1000:.1f} ms | {r.tx_per_block:.1f} |")
    return "\n".join(lines)


def write_batched_csv(rows: list[BatchedRow], path: Path) -> Path:
    """Write the rows to `path` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=BatchedRow.columns())
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)
    return path


def latency_throughput_figure(rows: list[BatchedRow]):
    """p50 latency against throughput, one line per block time, each point labelled with users in flight."""
    from matplotlib.figure import Figure  # noqa: PLC0415 - matplotlib loads only when a chart is drawn

    fig = Figure(figsize=(8, 5), layout="constrained")
    ax = fig.subplots()
    for block_time in dict.fromkeys(r.block_time_s for r in rows):
        line = [r for r in rows if r.block_time_s == block_time]
        ax.plot([r.throughput_tx_s for r in line], [r.p50_s * 1000 for r in line], marker="o",
                label=line[0].label)
        for r in line:
            ax.annotate(f"{r.in_flight}", (r.throughput_tx_s, r.p50_s * 1000), textcoords="offset points",
                        xytext=(4, 4), fontsize="x-small")
    ax.axvline(1000, color="grey", linestyle=":", label="1,000 tx/s")
    ax.set_xscale("log")
    ax.set_yscale("log")
    users = rows[0].users if rows else 0
    ax.set_title(f"Latency against throughput on anvil, {users:,} users (labels: virtual users in flight)")
    ax.set_xlabel("throughput (transactions per second)")
    ax.set_ylabel("p50 latency, send to receipt (ms)")
    ax.legend(fontsize="small")
    return fig
