"""A model of response time on a real network: block interval, confirmations, receipt polling."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


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
