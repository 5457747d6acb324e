"""Notebook 11's tables, measurements, model and charts: the thesis's chapter 6 beside our bench.

Measuring the response times is grid.bench's job; this module reads its rows,
times the parts of one request, models a real network, and draws.

- Tables (pandas): `thesis_table` (Tables 6.1/6.2 as printed), `bench_frame`
  (the bench's rows), `beside_thesis` (thesis mean, ours, how many times
  faster), `pivot` (one column per function and cell), `load_table`
  (throughput of the concurrent virtual users).
- Where the time goes: `measure_parts` (a round trip, an eth_call, the EVM,
  a block, a signature, the web3.py poll interval), `trace_transactions`
  (every JSON-RPC request a client makes for one transaction, timed) and
  `breakdown` (those traces as stacked parts).
- The real-network model: `expected_transaction_s`, `expected_query_s`,
  `network_table`, `block_capacity`.
- Charts: `plot_ratio_to_floor`, `plot_parts`, `plot_breakdown`,
  `plot_network_model` (each with a title, axis labels with units, a legend);
  `show_figure` displays the bench's own Figures 6.1/6.2 (made without pyplot).
"""
from __future__ import annotations

import inspect
import json
import math
import statistics
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterable, Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from grid.bench import Row
from grid.bench.drivers import FUNCTIONS, GENERATE, QUERY, Request, Web3Driver, floor_driver
from grid.bench.results import CONCURRENT
from grid.bench.thesis import TABLE_OF_GRID, thesis_cells
from grid.client import GAS_BASE, PowerGridClient

COLOURS = {"Generate Power": "tab:blue", "Consume Power": "tab:orange",
           "Transfer Power": "tab:green", "Query Information": "tab:red"}
FLOOR_TARGET = 1.5  # the target: p50 within 1.5x of the bare round trip


# ====================================================================== tables
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
                        "overhead first (ms)": first["overhead_ms"], "overhead last (ms)": last["overhead_ms"]})
    return pd.DataFrame(out).set_index(["grid", "function"])


def load_table(rows: Iterable[Row], chain: str) -> pd.DataFrame:
    """The concurrent virtual users of each cell: throughput and latency under load, ours and the floor's."""
    frame = bench_frame(rows)
    load = frame[(frame["chain"] == chain) & (frame["function"] == CONCURRENT)]
    alone = {(r.grid, r.value): r.p50_s for r in frame[(frame["chain"] == chain)
                                                       & (frame["function"] == GENERATE)].itertuples()}
    return pd.DataFrame({
        "cell": [f"{g} {v}" for g, v in zip(load["grid"], load["value"])],
        "virtual users": load["users"].to_numpy(),
        "in flight": load["concurrency"].to_numpy(),
        "transactions": load["n"].to_numpy(),
        "throughput (tx/s)": load["throughput_tx_s"].to_numpy(),
        "floor throughput (tx/s)": load["floor_throughput_tx_s"].to_numpy(),
        "p50 under load (ms)": (load["p50_s"] * 1e3).to_numpy(),
        "one user alone: 1 ÷ p50 (tx/s)": [1 / alone.get((g, v), math.nan)
                                           for g, v in zip(load["grid"], load["value"])],
    }).set_index("cell")


def target_verdicts(rows: Iterable[Row], chain: str, target: float = FLOOR_TARGET) -> str:
    """One line per function: its median ratio to the floor over the cells, against `target`."""
    frame = _functions_of(bench_frame(rows), chain)
    lines = []
    for function in FUNCTIONS:
        ratios = frame[frame["function"] == function]["ratio_to_floor"]
        if ratios.empty:
            continue
        median = float(ratios.median())
        verdict = "within" if median <= target else "above"
        lines.append(f"{function}: median ratio to the floor {median:.2f}x, {verdict} the {target}x target "
                     f"(cells: {', '.join(f'{r:.2f}x' for r in ratios)})")
    return "\n".join(lines)


# ========================================================= where the time goes
@dataclass(frozen=True)
class Part:
    """One timed piece of a request: its median time and where the figure comes from."""

    name: str
    seconds: float
    source: str       # e.g. "measured on anvil", "documented default"


def median_time(action: Callable[[], Any], repeats: int) -> float:
    """The median wall time of `repeats` calls of `action()` (one warm-up call first)."""
    return statistics.median(time_calls(action, repeats))


def time_calls(action: Callable[[], Any], repeats: int, warm_up: int = 1) -> list[float]:
    """Wall times (s) of `repeats` calls of `action()`, after `warm_up` untimed calls."""
    for _ in range(warm_up):
        action()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def _rpc_body(method: str, params: list) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params},
                      separators=(",", ":")).encode()


def _calldata(client: PowerGridClient, function: str, *args: Any) -> str:
    from eth_abi import encode

    spec = client.functions[function]
    return "0x" + (spec.selector + encode([t for t, _ in spec.inputs], list(args))).hex()


def web3_poll_interval_s() -> float:
    """web3.py's default receipt poll interval: `wait_for_transaction_receipt(poll_latency=...)`."""
    from web3.eth import Eth

    return float(inspect.signature(Eth.wait_for_transaction_receipt).parameters["poll_latency"].default)


def measure_parts(client: PowerGridClient, sender: str, *, tester_client: PowerGridClient | None = None,
                  repeats: int = 20) -> list[Part]:
    """Time the parts of one Generate Power: round trip, EVM, block, signature; medians of `repeats`.

    `client` is on a JSON-RPC node (anvil) where `sender` may generate power;
    `tester_client`, on the in-process tester chain with the same right for
    `sender`, adds py-evm's figures. Uses the bench's floor (raw HTTP on one
    kept-alive connection, bodies encoded before the clock starts).
    """
    from eth_account import Account

    chain = client.chain
    if not chain.rpc_url:
        raise ValueError("measure_parts needs a JSON-RPC node (anvil, geth or a URL), not the tester chain")
    who = chain.account(sender)
    floor = floor_driver(chain, client)
    try:
        generate_call = _rpc_body("eth_call", [{"from": who.address, "to": client.address,
                                                "data": _calldata(client, "GeneratePower", 1)}, "latest"])
        block_number = _rpc_body("eth_blockNumber", [])
        queries = floor.prepare([Request(QUERY, who)] * (repeats + 1))
        sends = floor.prepare([Request(GENERATE, who)] * (repeats + 1))
        parts = [
            Part("HTTP round trip: eth_blockNumber", median_time(lambda: floor.post(block_number), repeats),
                 "measured on anvil"),
            Part("a query: eth_call GetUsedOfSelf()",
                 median_time(lambda: floor.send(queries.pop()), repeats), "measured on anvil"),
            Part("EVM run of GeneratePower(1), no block: eth_call",
                 median_time(lambda: floor.post(generate_call), repeats), "measured on anvil"),
            Part("a transaction: run + seal a block + receipt",
                 median_time(lambda: floor.send(sends.pop()), repeats), "measured on anvil"),
        ]
    finally:
        floor.close()
    fields = {"to": client.address, "data": _calldata(client, "GeneratePower", 1), "gas": GAS_BASE, "value": 0,
              "nonce": 0, "chainId": chain.chain_id, "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**9}
    parts.append(Part("sign a transaction locally (eth_account)",
                      median_time(lambda: Account.sign_transaction(fields, who.private_key), repeats),
                      "measured in Python"))
    if tester_client is not None:
        parts += _tester_parts(tester_client, sender, repeats)
    parts.append(Part("web3.py's receipt poll interval", web3_poll_interval_s(), "documented default"))
    return parts


def _tester_parts(client: PowerGridClient, sender: str, repeats: int) -> list[Part]:
    """py-evm's figures: the EVM run alone (a call), and run + mine a block (a transaction)."""
    from grid.chain.transport import LOCAL_MAX_FEE, LOCAL_PRIORITY_FEE

    transport = client.chain.transport
    tester = transport.eth_tester
    tx = {"from": client.chain.account(sender).address, "to": client.address,
          "data": _calldata(client, "GeneratePower", 1)}
    sent = {**tx, "gas": GAS_BASE, "max_fee_per_gas": LOCAL_MAX_FEE, "max_priority_fee_per_gas": LOCAL_PRIORITY_FEE}

    def mine_one() -> None:
        tester.get_transaction_receipt(tester.send_transaction(sent))

    with transport.lock:
        return [Part("EVM run of GeneratePower(1) in Python (py-evm call)",
                     median_time(lambda: tester.call(tx, "latest"), repeats), "measured on tester"),
                Part("py-evm run + mine a block", median_time(mine_one, repeats), "measured on tester")]


def parts_table(parts: Sequence[Part]) -> pd.DataFrame:
    """The parts as a table, in milliseconds."""
    return pd.DataFrame([{"part": p.name, "time (ms)": p.seconds * 1e3, "source": p.source}
                         for p in parts]).set_index("part")


# -- traces: every JSON-RPC request a client makes, timed
@dataclass(frozen=True)
class Trace:
    """One timed transaction of one client: its total time and its JSON-RPC requests in order."""

    client: str
    total_s: float
    requests: tuple[tuple[str, float], ...]   # (method, seconds) in the order sent


@contextmanager
def recording(provider, attribute: str = "make_request"):
    """Record (method, seconds) of every request `provider.<attribute>(method, params)` sends inside the block.

    For web3, patch the provider before its first request: web3 caches its
    request function, so a later patch sees only calls that bypass web3's
    middleware. The toolkit's own connection (`chain.transport.connection`,
    attribute "request") has no such cache.
    """
    log: list[tuple[str, float]] = []
    original = getattr(provider, attribute)
    state = {"on": True}

    def make_request(method, params):
        started = time.perf_counter()
        try:
            return original(method, params)
        finally:
            if state["on"]:
                log.append((str(method), time.perf_counter() - started))

    had_own = attribute in vars(provider)
    setattr(provider, attribute, make_request)
    try:
        yield log
    finally:
        state["on"] = False   # a copy web3 cached stays harmless: it only passes requests on
        if had_own:
            setattr(provider, attribute, original)
        else:
            delattr(provider, attribute)


def _traced(name: str, connection, action: Callable[[], Any], repeats: int) -> list[Trace]:
    action()  # warm-up: caches, connection, nonces
    out = []
    with recording(connection, "request") as log:
        for _ in range(repeats):
            log.clear()
            started = time.perf_counter()
            action()
            out.append(Trace(name, time.perf_counter() - started, tuple(log)))
    return out


TOOLKIT_BENCH = "toolkit, as in the bench"
TOOLKIT_DEFAULT = "toolkit, default client"
WEB3_DEFAULT = "default web3.py"
FLOOR = "bare JSON-RPC (the floor)"


def trace_transactions(client: PowerGridClient, sender: str, repeats: int = 20) -> dict[str, list[Trace]]:
    """One Generate Power, `repeats` times, by four clients on the same JSON-RPC node, each traced.

    - the floor: one pre-encoded request on a kept-alive connection;
    - the toolkit as the bench runs it (preflight off: one request);
    - the toolkit's default client (preflight on: it reads the sender's rights first);
    - a default-configured web3.py client: `transact()` + `wait_for_transaction_receipt`.
    """
    chain = client.chain
    who = chain.account(sender)
    bench_client = client.using(who)
    bench_client.preflight_checks = False   # as the bench's virtual users
    default_client = client.using(who)
    default_client.preflight_checks = True
    web3 = Web3Driver(chain, client, [who])  # its provider has sent nothing yet: patch it first
    traces = {}
    with recording(web3.w3.provider) as log:
        web3.run(Request(GENERATE, who))
        traces[WEB3_DEFAULT] = []
        for _ in range(repeats):
            log.clear()
            started = time.perf_counter()
            web3.run(Request(GENERATE, who))
            traces[WEB3_DEFAULT].append(Trace(WEB3_DEFAULT, time.perf_counter() - started, tuple(log)))
    connection = chain.transport.connection   # the toolkit's own kept-alive JSON-RPC connection
    traces[TOOLKIT_DEFAULT] = _traced(TOOLKIT_DEFAULT, connection, lambda: default_client.generate_power(1),
                                      repeats)
    traces[TOOLKIT_BENCH] = _traced(TOOLKIT_BENCH, connection, lambda: bench_client.generate_power(1), repeats)
    floor = floor_driver(chain, client)
    try:
        sends = floor.prepare([Request(GENERATE, who)] * repeats)
        method = "eth_sendTransactionSync" if getattr(floor, "sync", False) else "eth_sendTransaction + polls"
        traces[FLOOR] = []
        for body in sends:
            started = time.perf_counter()
            floor.send(body)
            took = time.perf_counter() - started
            traces[FLOOR].append(Trace(FLOOR, took, ((method, took),)))
    finally:
        floor.close()
    return {name: traces[name] for name in (FLOOR, TOOLKIT_BENCH, TOOLKIT_DEFAULT, WEB3_DEFAULT)}


def request_list(trace: Trace) -> pd.DataFrame:
    """One trace's requests, in the order sent, in milliseconds."""
    return pd.DataFrame([{"method": m, "time (ms)": s * 1e3} for m, s in trace.requests],
                        index=pd.RangeIndex(1, len(trace.requests) + 1, name="request"))


CLIENT_SIDE = "client-side Python (encode, check, decode)"


def breakdown(traces: dict[str, list[Trace]]) -> pd.DataFrame:
    """Median milliseconds per JSON-RPC method for each client, plus its client-side Python.

    Per transaction, a method's time is the sum over its requests; the client-side
    part is the median total minus the sum of the method medians (at least 0).
    Rows are clients; columns are methods in order of first use.
    """
    methods = list(dict.fromkeys(m for runs in traces.values() for t in runs for m, _ in t.requests))
    out = {}
    for name, runs in traces.items():
        per_method = {m: statistics.median(sum(s for mm, s in t.requests if mm == m) for t in runs)
                      for m in methods}
        total = statistics.median(t.total_s for t in runs)
        row = {m: v * 1e3 for m, v in per_method.items()}
        row[CLIENT_SIDE] = max(0.0, total - sum(per_method.values())) * 1e3
        row["requests"] = statistics.median(len(t.requests) for t in runs)
        row["total (ms)"] = total * 1e3
        out[name] = row
    return pd.DataFrame(out).T


# ================================================================ the model
def expected_transaction_s(block_time_s: float, *, base_s: float, confirmations: int = 0,
                           poll_interval_s: float = 0.0) -> float:
    """Expected response time of a transaction on a chain with blocks every `block_time_s` seconds.

    The model: the client's own work and one round trip (`base_s`, measured on
    anvil, whose blocks take no time), plus half a block interval on average
    until the next block starts, plus one block interval for the block that
    includes it, plus one interval per confirmation awaited, plus half the
    receipt poll interval (a polling client notices the receipt that late on
    average; a node answering eth_sendTransactionSync does not poll).
    """
    if block_time_s < 0 or base_s < 0 or confirmations < 0 or poll_interval_s < 0:
        raise ValueError("block time, base time, confirmations and poll interval must be >= 0")
    if block_time_s == 0:   # instant blocks (anvil, tester): the receipt exists when the send returns
        return base_s
    return base_s + 0.5 * block_time_s + block_time_s + confirmations * block_time_s + poll_interval_s / 2


def expected_query_s(block_time_s: float, *, base_s: float) -> float:
    """A query (eth_call) reads the latest state: it waits for no block, whatever the block time."""
    if block_time_s < 0 or base_s < 0:
        raise ValueError("block time and base time must be >= 0")
    return base_s


def network_table(block_times_s: Sequence[float], *, transaction_base_s: float, query_base_s: float,
                  confirmations: int = 6, poll_interval_s: float = 0.0) -> pd.DataFrame:
    """The model for each block time: query, transaction included, and after `confirmations`."""
    rows = []
    for t in block_times_s:
        rows.append({"block interval (s)": t,
                     "query (s)": expected_query_s(t, base_s=query_base_s),
                     "transaction, included (s)": expected_transaction_s(
                         t, base_s=transaction_base_s, poll_interval_s=poll_interval_s),
                     f"transaction, {confirmations} confirmations (s)": expected_transaction_s(
                         t, base_s=transaction_base_s, confirmations=confirmations,
                         poll_interval_s=poll_interval_s)})
    return pd.DataFrame(rows).set_index("block interval (s)")


def block_capacity(gas_limit: int, gas_per_transaction: int) -> int:
    """How many transactions of `gas_per_transaction` gas fit in one block of `gas_limit` gas."""
    if gas_per_transaction <= 0:
        raise ValueError("gas per transaction must be > 0")
    return gas_limit // gas_per_transaction


# ==================================================================== charts
def plot_ratio_to_floor(rows: Iterable[Row], chain: str) -> Figure:
    """p50 ÷ floor p50 for each function against blocks (left) and users (right), with the 1.5x target."""
    frame = _functions_of(bench_frame(rows), chain)
    grids = [g for g in ("blocks", "users") if (frame["grid"] == g).any()]
    fig, axes = plt.subplots(1, len(grids), figsize=(6 * len(grids), 4.2), layout="constrained", squeeze=False)
    for ax, grid in zip(axes[0], grids):
        mine = frame[frame["grid"] == grid].sort_values("value")
        for function in FUNCTIONS:
            one = mine[mine["function"] == function]
            ax.plot(one["value"], one["ratio_to_floor"], "-o", color=COLOURS[function], label=function)
        ax.axhline(FLOOR_TARGET, color="grey", linestyle="--", label=f"target: {FLOOR_TARGET}x the floor")
        ax.axhline(1.0, color="black", linewidth=0.8, label="the floor itself (1x)")
        if grid == "blocks":  # symlog: 0 blocks has a place on a logarithmic axis
            ax.set_xscale("symlog", linthresh=10)
            ax.set_xlim(-0.5, max(10, mine["value"].max()) * 1.5)
        else:
            ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.set_title(f"{chain}: toolkit p50 ÷ floor p50, against {grid}")
        ax.set_xlabel(f"{grid} in the cell ({grid})")
        ax.set_ylabel("ratio to the floor (times)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    return fig


def show_figure(fig: Figure, dpi: int = 100) -> None:
    """Display a figure made without pyplot (e.g. grid.bench.charts') in a notebook, as a PNG."""
    from io import BytesIO

    from IPython.display import Image, display

    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    display(Image(data=buffer.getvalue()))


SOURCE_COLOURS = {"measured on anvil": "tab:blue", "measured in Python": "tab:purple",
                  "measured on tester": "tab:olive", "documented default": "tab:grey"}


def plot_parts(parts: Sequence[Part]) -> Figure:
    """The measured parts of a request as horizontal bars on a logarithmic time axis."""
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(parts) + 2.2), layout="constrained")
    names = [p.name for p in parts][::-1]
    values = [p.seconds * 1e3 for p in parts][::-1]
    colours = [SOURCE_COLOURS.get(p.source, "tab:cyan") for p in parts][::-1]
    ax.barh(names, values, color=colours)
    for y, value in enumerate(values):
        ax.text(value * 1.1, y, f"{value:.3g} ms", va="center", fontsize="small")
    ax.set_xscale("log")
    ax.set_xlim(right=max(values) * 8)
    for source, colour in SOURCE_COLOURS.items():
        if any(p.source == source for p in parts):
            ax.barh([names[0]], [0], color=colour, label=source)  # legend entries only
    ax.set_title("Where a request's time goes: each part timed on its own (medians)")
    ax.set_xlabel("time (ms, logarithmic)")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4)
    ax.grid(True, axis="x", which="both", alpha=0.3)
    return fig


def plot_breakdown(table: pd.DataFrame) -> Figure:
    """Stacked bars: each client's transaction as its JSON-RPC requests plus its client-side Python."""
    parts = [c for c in table.columns if c not in ("requests", "total (ms)")]
    fig, ax = plt.subplots(figsize=(9, 0.7 * len(table) + 2.2), layout="constrained")
    cmap = plt.get_cmap("tab10")
    left = [0.0] * len(table)
    labels = [f"{name}\n({int(n)} request{'s' if n != 1 else ''})" for name, n in
              zip(table.index, table["requests"])][::-1]
    for i, part in enumerate(parts):
        values = [float(v) for v in table[part]][::-1]
        colour = "lightgrey" if part == CLIENT_SIDE else cmap(i % 10)
        ax.barh(labels, values, left=left, color=colour, edgecolor="white", label=part)
        left = [a + b for a, b in zip(left, values)]
    for y, total in enumerate(left):
        ax.text(total + max(left) * 0.01, y, f"{total:.2f} ms", va="center", fontsize="small")
    ax.set_xlim(right=max(left) * 1.15)
    ax.set_title("One Generate Power on anvil, request by request (medians)")
    ax.set_xlabel("time per transaction (ms)")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)
    return fig


def plot_network_model(*, transaction_base_s: float, query_base_s: float, confirmations: int = 6,
                       poll_interval_s: float = 0.0, thesis: dict[str, float] | None = None) -> Figure:
    """The model against the block interval (log-log), with 1 s and 12 s marked and the thesis's means."""
    block_times = [10 ** (e / 20) for e in range(-80, 27)]  # 0.0001 s to ~20 s
    fig, ax = plt.subplots(figsize=(8.5, 5), layout="constrained")
    ax.plot(block_times, [expected_query_s(t, base_s=query_base_s) for t in block_times],
            color="tab:red", label="query (waits for no block)")
    ax.plot(block_times, [expected_transaction_s(t, base_s=transaction_base_s, poll_interval_s=poll_interval_s)
                          for t in block_times], color="tab:blue", label="transaction, included")
    ax.plot(block_times, [expected_transaction_s(t, base_s=transaction_base_s, confirmations=confirmations,
                                                 poll_interval_s=poll_interval_s) for t in block_times],
            color="tab:blue", linestyle="--", label=f"transaction, {confirmations} confirmations")
    for t, name in ((1.0, "1 s blocks"), (12.0, "12 s blocks (Ethereum)")):
        ax.axvline(t, color="grey", linestyle=":", linewidth=1)
        ax.text(t * 1.08, query_base_s * 1.5, name, rotation=90, fontsize="small", color="grey",
                va="bottom")
    for (label, value), style in zip((thesis or {}).items(), ("-.", (0, (1, 1)), "-.", ":")):
        ax.axhline(value, color="black", linestyle=style, linewidth=1, label=f"thesis: {label}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title("The model: expected response time as blocks take longer")
    ax.set_xlabel("block interval (s, logarithmic)")
    ax.set_ylabel("expected response time (s, logarithmic)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    return fig
