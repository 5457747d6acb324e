"""`run_bench(options) -> BenchResult`: the experiment of the thesis's chapter 6, on our stack.

On tester and anvil every cell gets a fresh chain: start the node, deploy
PowerGeneration, register the cell's users through the contract (`empower`),
mine the cell's empty blocks (real blocks, `chain.mine`), measure, stop. (A
fresh node per cell matters: anvil re-hashes the state it has stored for
every block it mines, so a node reused across cells would make each cell
slower than the one before.) A URL node is shared: users are registered
cumulatively and each cell's blocks are undone with a snapshot if the node
has snapshots.

A cell measures, for each of the four functions, `repeats` requests through
three drivers interleaved request by request (floor, toolkit, default
web3.py), so a burst of load on a shared machine hits all three alike.
Toolkit request k is sent by virtual user k mod U through its own client, one
request in flight at a time: the response time of Tables 6.1/6.2. Then the
virtual users all work at once (`_measure_load`) for the throughput row, and
the floor does the same work the same way.
"""
from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import GridError
from .charts import save_charts
from .drivers import (
    CONSUME,
    FUNCTIONS,
    GENERATE,
    QUERY,
    TRANSFER,
    FloorDriver,
    Request,
    ToolkitDriver,
    Web3Driver,
    floor_driver,
)
from .options import BenchOptions
from .results import CONCURRENT, BenchResult, Row, write_csv
from .stats import summarize
from .testbed import MEASURING_ACCOUNTS, Testbed, open_testbed

MEASURE_ORDER = (GENERATE, TRANSFER, CONSUME, QUERY)  # transfers first: buyers then have power to consume
MINE_CHUNK = 500  # blocks per anvil_mine call (anvil 1.7.1 takes ~15 ms a block at 8,000+ blocks)
CSV_NAME = "bench.csv"
LOAD_ROUNDS = 4   # the concurrent phase alternates toolkit and floor in this many rounds


@dataclass(frozen=True)
class Cell:
    """One column of Table 6.1 or 6.2: a grid, its variable's value, users and blocks."""

    grid: str
    value: int
    users: int
    blocks: int


def plan_cells(options: BenchOptions) -> list[Cell]:
    """Every cell, in the order measured: by users (registration is cumulative), then blocks."""
    cells = [Cell("users", u, u, options.fixed_blocks) for u in options.users]
    cells += [Cell("blocks", b, options.fixed_users, b) for b in options.blocks]
    return sorted(cells, key=lambda c: (c.users, c.grid == "users", c.blocks))


def fresh_chain_per_cell(target: str) -> bool:
    """tester and anvil start afresh for every cell; a URL node is shared by all cells."""
    return target in ("tester", "anvil")


def requests_per_chain(options: BenchOptions, target: str) -> int:
    """Units of work the progress bar counts for one chain."""
    cells = plan_cells(options)
    per_cell = len(FUNCTIONS) * options.repeats * (3 if options.web3_baseline else 2)
    load = sum(2 * _load_size(c, options) for c in cells)
    if fresh_chain_per_cell(target):
        registrations = sum(len(MEASURING_ACCOUNTS) + c.users for c in cells)
    else:
        registrations = len(MEASURING_ACCOUNTS) + options.max_users
    return registrations + per_cell * len(cells) + load


def _load_size(cell: Cell, options: BenchOptions) -> int:
    """Transactions in a cell's concurrent phase."""
    return options.load_requests


def run_bench(options: BenchOptions) -> BenchResult:
    """Run the benchmark on every chain of `options`; write CSV, charts and summary if `out` is set."""
    options = options.checked()
    result = BenchResult(options)
    started = time.perf_counter()
    bar = _progress(options, total=sum(requests_per_chain(options, t) for t in options.chains))
    try:
        for target in options.chains:
            _run_chain(target, options, bar, result.rows)
    finally:
        bar.close()
    result.wall_s = time.perf_counter() - started
    if options.out is not None:
        _write_outputs(result)
    return result


def _write_outputs(result: BenchResult) -> None:
    out = result.options.out
    result.csv_path = write_csv(result.rows, out / CSV_NAME)
    result.summary_path = out / "summary.md"
    fork = result.options.anvil_hardfork or "anvil's default"
    result.summary_path.write_text(f"# Bench summary ({'quick' if result.options.quick else 'full'} run, "
                                   f"{result.wall_s:.0f} s; anvil on {fork})\n\n{result.summary()}\n",
                                   encoding="utf-8")
    if result.options.charts:
        result.chart_paths = save_charts(result.rows, out)


def _progress(options: BenchOptions, total: int):
    from tqdm.auto import tqdm  # noqa: PLC0415 - only when a bench runs: grid.cli imports the bench's options

    return tqdm(total=total, unit="req", disable=not options.progress, file=sys.stderr,
                desc="bench", dynamic_ncols=True, mininterval=0.5)


def _run_chain(target: str, options: BenchOptions, bar, rows: list[Row]) -> None:
    """Measure every cell on `target`, appending to `rows` cell by cell."""
    if fresh_chain_per_cell(target):
        # A fresh node per cell: anvil's cost per block grows with everything it
        # has ever stored, so cells must not inherit each other's state.
        for cell in plan_cells(options):
            with _opened(target, cell.users, bar, options) as (bed, floor, web3):
                bar.set_description(f"{target}: registering {cell.users} users")
                bed.register_users(cell.users, bar.update)
                rows += _measure_at_blocks(bed, cell, options, floor, web3, bar, snapshot=False)
                _checkpoint(options, rows)
        return
    with _opened(target, options.max_users, bar, options) as (bed, floor, web3):
        for cell in plan_cells(options):
            if len(bed.users) < cell.users:
                bar.set_description(f"{target}: registering {cell.users} users")
                bed.register_users(cell.users, bar.update)
            rows += _measure_at_blocks(bed, cell, options, floor, web3, bar, snapshot=True)
            _checkpoint(options, rows)


def _checkpoint(options: BenchOptions, rows: list[Row]) -> None:
    """Rewrite the CSV after every cell, so a run that fails late keeps what it measured."""
    if options.out is not None:
        write_csv(rows, options.out / CSV_NAME)


@contextmanager
def _opened(target: str, users: int, bar, options: BenchOptions):
    """A testbed for `target` with its floor and default-web3 drivers; closed on exit."""
    bar.set_description(f"{target}: starting")
    bed = open_testbed(target, users, bar.update, anvil_hardfork=options.anvil_hardfork)
    floor = None
    try:
        floor = floor_driver(bed.chain, bed.admin)
        web3 = Web3Driver(bed.chain, bed.admin, list(bed.web3_pair))
        yield bed, floor, web3
    finally:
        if floor is not None:
            floor.close()
        bed.chain.close()


def _measure_at_blocks(bed: Testbed, cell: Cell, options: BenchOptions, floor: FloorDriver,
                       web3: Web3Driver, bar, snapshot: bool) -> list[Row]:
    """Mine the cell's empty blocks, measure, and (on a shared node) revert to before."""
    chain = bed.chain
    saved = None
    if snapshot:
        try:
            saved = chain.snapshot()
        except GridError:  # a node without snapshots: blocks accumulate (the height column shows it)
            saved = None
    try:
        height = chain.block_number
        for done in range(0, cell.blocks, MINE_CHUNK):  # in chunks: each one RPC call well within its timeout
            bar.set_description(f"{chain.target}: mining {cell.blocks} blocks (height {height})")
            height = chain.mine(min(MINE_CHUNK, cell.blocks - done))
        bar.set_description(f"{chain.target}: {cell.grid} {cell.value}")
        rows = _measure_cell(bed, cell, options, floor, web3 if options.web3_baseline else None,
                             bar.update, height)
        rows.append(_measure_load(bed, cell, options, floor, bar.update, height))
        return rows
    finally:
        if saved is not None:
            chain.revert(saved)
            chain.forget_nonces()


def _measure_cell(bed: Testbed, cell: Cell, options: BenchOptions, floor: FloorDriver,
                  web3: Web3Driver | None, tick: Callable[[int], None], height: int) -> list[Row]:
    users = bed.users[:cell.users]
    toolkit = ToolkitDriver({u.account.address: u.client for u in users})
    n = options.repeats
    rows = []
    for function in MEASURE_ORDER:
        ours = [_request(function, users[k % len(users)].account, users[(k + 1) % len(users)].account)
                for k in range(n)]
        prepared = floor.prepare([_request(function, *bed.floor_pair)] * n)
        theirs = [_request(function, *bed.web3_pair)] * n
        times: dict[str, list[float]] = {"floor": [], "toolkit": [], "web3": []}
        for k in range(n):
            times["floor"].append(_timed(floor.send, prepared[k]))
            times["toolkit"].append(_timed(toolkit.run, ours[k]))
            if web3 is not None:
                times["web3"].append(_timed(web3.run, theirs[k]))
            tick(3 if web3 is not None else 2)
        rows.append(_row(bed, cell, height, function, times))
    return sorted(rows, key=lambda r: FUNCTIONS.index(r.function))


def _request(function: str, sender, buyer) -> Request:
    """The request of `function` for a (sender, buyer) pair: the buyer consumes what it bought."""
    if function == CONSUME:
        return Request(CONSUME, buyer)
    return Request(function, sender, buyer if function == TRANSFER else None)


def _timed(action: Callable, argument) -> float:
    started = time.perf_counter()
    action(argument)
    return time.perf_counter() - started


def _row(bed: Testbed, cell: Cell, height: int, function: str, times: dict[str, list[float]]) -> Row:
    ours, floor = summarize(times["toolkit"]), summarize(times["floor"])
    web3 = summarize(times["web3"]) if times["web3"] else None
    return Row(chain=bed.chain.target, grid=cell.grid, variable=cell.grid, value=cell.value,
               users=cell.users, blocks=cell.blocks, height=height, function=function, n=ours.n,
               mean_s=ours.mean_s, sigma_s=ours.sigma_s, p50_s=ours.p50_s, p95_s=ours.p95_s,
               floor_p50_s=floor.p50_s, ratio_to_floor=ours.p50_s / floor.p50_s,
               web3_p50_s=web3.p50_s if web3 else math.nan,
               speedup_vs_web3=web3.p50_s / ours.p50_s if web3 else math.nan)


def _measure_load(bed: Testbed, cell: Cell, options: BenchOptions, floor: FloorDriver,
                  tick: Callable[[int], None], height: int) -> Row:
    """All virtual users at once, each sending Generate Power through its own client.

    Like a LoadRunner virtual user, each user does one thing at a time: its
    requests run one after another in its own thread; up to `max_in_flight`
    users run at once (two cores cannot serve more in parallel anyway). The
    toolkit and the floor take turns in LOAD_ROUNDS rounds, so both meet the
    chain at the same heights (anvil slows down as blocks accumulate).
    """
    total = _load_size(cell, options)
    users = bed.users[:min(cell.users, total)]  # distinct senders, as many as there are requests
    in_flight = min(len(users), options.max_in_flight)
    toolkit = ToolkitDriver({u.account.address: u.client for u in users})
    rounds = _load_rounds(users, total)

    def run_script(action: Callable, script: list) -> list[float]:
        times = []
        for item in script:
            times.append(_timed(action, item))
            tick(1)
        return times

    def run(action: Callable, scripts: list[list]) -> tuple[list[float], float]:
        started = time.perf_counter()
        times = [t for done in pool.map(lambda s: run_script(action, s), scripts) for t in done]
        return times, time.perf_counter() - started

    ours, bare, our_wall, floor_wall = [], [], 0.0, 0.0
    with ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="virtual-user") as pool:
        for number, scripts in enumerate(rounds):
            for turn in ((0, 1) if number % 2 == 0 else (1, 0)):
                if turn == 0:
                    times, wall = run(toolkit.run, scripts)
                    ours, our_wall = ours + times, our_wall + wall
                else:
                    prepared = [floor.prepare(script) for script in scripts]  # outside the clock
                    times, wall = run(floor.send, prepared)
                    bare, floor_wall = bare + times, floor_wall + wall
    bed.chain.forget_nonces()  # the floor may have used the users' nonces
    load, floor_load = summarize(ours), summarize(bare)
    return Row(chain=bed.chain.target, grid=cell.grid, variable=cell.grid, value=cell.value,
               users=cell.users, blocks=cell.blocks, height=height, function=CONCURRENT, n=total,
               mean_s=load.mean_s, sigma_s=load.sigma_s, p50_s=load.p50_s, p95_s=load.p95_s,
               floor_p50_s=floor_load.p50_s, ratio_to_floor=load.p50_s / floor_load.p50_s,
               throughput_tx_s=total / our_wall, floor_throughput_tx_s=total / floor_wall,
               concurrency=min(in_flight, max(len(r) for r in rounds)))


def _load_rounds(users: list, total: int) -> list[list[list[Request]]]:
    """Split `total` Generate Power requests over `users` into LOAD_ROUNDS rounds of per-user scripts.

    User i's j-th request goes to round (i + j) mod LOAD_ROUNDS: users with
    many requests spread over every round, users with one spread across rounds.
    """
    per_user = [total // len(users) + (i < total % len(users)) for i in range(len(users))]
    rounds: list[list[list[Request]]] = [[] for _ in range(LOAD_ROUNDS)]
    for i, (user, count) in enumerate(zip(users, per_user, strict=True)):
        parts: list[list[Request]] = [[] for _ in range(LOAD_ROUNDS)]
        for j in range(count):
            parts[(i + j) % LOAD_ROUNDS].append(Request(GENERATE, user.account))
        for number, part in enumerate(parts):
            if part:
                rounds[number].append(part)
    return [r for r in rounds if r]
