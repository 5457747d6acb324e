"""Where the time of one request goes: its parts timed, and every JSON-RPC request of four clients traced."""
from __future__ import annotations

import inspect
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from eth_account import Account
from web3.eth import Eth

from grid.bench.drivers import GENERATE, QUERY, Request, Web3Driver, floor_driver, rpc_body
from grid.bench.timing import Trace, median_time, recording, traced
from grid.chain import LOCAL_MAX_FEE, LOCAL_PRIORITY_FEE
from grid.powergrid import GAS_BASE, PowerGridClient


@dataclass(frozen=True)
class Part:
    """One timed piece of a request: its median time and where the figure comes from."""

    name: str
    seconds: float
    source: str       # e.g. "measured on anvil", "documented default"



def web3_poll_interval_s() -> float:
    """web3.py's default receipt poll interval: `wait_for_transaction_receipt(poll_latency=...)`."""
    return float(inspect.signature(Eth.wait_for_transaction_receipt).parameters["poll_latency"].default)


def measure_parts(client: PowerGridClient, sender: str, *, tester_client: PowerGridClient | None = None,
                  repeats: int = 20) -> list[Part]:
    """Time the parts of one Generate Power: round trip, EVM, block, signature; medians of `repeats`.

    `client` is on a JSON-RPC node (anvil) where `sender` may generate power;
    `tester_client`, on the in-process tester chain with the same right for
    `sender`, adds py-evm's figures. Uses the bench's floor (raw HTTP on one
    kept-alive connection, bodies encoded before the clock starts).
    """
    chain = client.chain
    if not chain.rpc_url:
        raise ValueError("measure_parts needs a JSON-RPC node (anvil, geth or a URL), not the tester chain")
    who = chain.account(sender)
    floor = floor_driver(chain, client)
    try:
        calldata = "0x" + client.encode_input("GeneratePower", 1).hex()
        generate_call = rpc_body("eth_call", [{"from": who.address, "to": client.address, "data": calldata},
                                              "latest"])
        block_number = rpc_body("eth_blockNumber", [])
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
    fields = {"to": client.address, "data": "0x" + client.encode_input("GeneratePower", 1).hex(),
              "gas": GAS_BASE, "value": 0, "nonce": 0, "chainId": chain.chain_id, "maxFeePerGas": 10**11,
              "maxPriorityFeePerGas": 10**9}
    parts.append(Part("sign a transaction locally (eth_account)",
                      median_time(lambda: Account.sign_transaction(fields, who.private_key), repeats),
                      "measured in Python"))
    if tester_client is not None:
        parts += _tester_parts(tester_client, sender, repeats)
    parts.append(Part("web3.py's receipt poll interval", web3_poll_interval_s(), "documented default"))
    return parts


def _tester_parts(client: PowerGridClient, sender: str, repeats: int) -> list[Part]:
    """py-evm's figures: the EVM run alone (a call), and run + mine a block (a transaction)."""
    tx = {"from": client.chain.account(sender).address, "to": client.address,
          "data": "0x" + client.encode_input("GeneratePower", 1).hex()}
    sent = {**tx, "gas": GAS_BASE, "max_fee_per_gas": LOCAL_MAX_FEE,
            "max_priority_fee_per_gas": LOCAL_PRIORITY_FEE}

    def mine_one() -> None:
        tester.get_transaction_receipt(tester.send_transaction(sent))

    with client.chain.in_process() as tester:
        return [Part("EVM run of GeneratePower(1) in Python (py-evm call)",
                     median_time(lambda: tester.call(tx, "latest"), repeats), "measured on tester"),
                Part("py-evm run + mine a block", median_time(mine_one, repeats), "measured on tester")]


def parts_table(parts: Sequence[Part]) -> pd.DataFrame:
    """The parts as a table, in milliseconds."""
    return pd.DataFrame([{"part": p.name, "time (ms)": p.seconds * 1e3, "source": p.source}
                         for p in parts]).set_index("part")


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
    traces[TOOLKIT_DEFAULT] = traced(TOOLKIT_DEFAULT, chain, lambda: default_client.generate_power(1),
                                     repeats)
    traces[TOOLKIT_BENCH] = traced(TOOLKIT_BENCH, chain, lambda: bench_client.generate_power(1), repeats)
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
