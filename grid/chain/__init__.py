"""Connect to a chain: one object, the same accounts, on every target.

    with connect("tester") as chain:      # in-process eth-tester (default)
    with connect("anvil") as chain:       # a real node: anvil, chainId 666
    with connect("geth") as chain:        # geth --dev, when geth is installed
    with connect("http://host:8545") as chain:   # any JSON-RPC node

`chain.w3` is a web3 instance, `chain.accounts` the named accounts (admin,
generator1, generator2, consumer1, consumer2, user5, ...) derived from the
documented test mnemonic. `mine(n)`, `travel(seconds)`, `snapshot()`,
`revert()`, `rpc(method, ...)` and `close()` work the same everywhere (where
the node supports them). The transport behind a chain is private to this
package: `Transport` is its protocol.
"""
from __future__ import annotations

from .anvil import AnvilProcess, anvil_binary
from .base import MAX_ACCOUNTS, TARGETS, Chain, connect
from .constants import THESIS_CHAIN_ID, THESIS_GENESIS_TIMESTAMP
from .transport import (
                        LOCAL_MAX_FEE,
                        LOCAL_PRIORITY_FEE,
                        LogRecord,
                        Receipt,
                        RpcFailed,
                        Transport,
                        TxRequest,
                        TxReverted,
                        history_gone,
                        node_down,
)

__all__ = [
                        "LOCAL_MAX_FEE",
                        "LOCAL_PRIORITY_FEE",
                        "MAX_ACCOUNTS",
                        "TARGETS",
                        "THESIS_CHAIN_ID",
                        "THESIS_GENESIS_TIMESTAMP",
                        "AnvilProcess",
                        "Chain",
                        "LogRecord",
                        "Receipt",
                        "RpcFailed",
                        "Transport",
                        "TxRequest",
                        "TxReverted",
                        "anvil_binary",
                        "connect",
                        "history_gone",
                        "node_down",
]
