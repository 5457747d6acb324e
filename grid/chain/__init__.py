"""Connect to a chain: one object, the same accounts, on every target.

    with connect("tester") as chain:      # in-process eth-tester (default)
    with connect("anvil") as chain:       # a real node: anvil, chainId 666
    with connect("geth") as chain:        # geth --dev, when geth is installed
    with connect("http://host:8545") as chain:   # any JSON-RPC node

`chain.w3` is a web3 instance, `chain.accounts` the named accounts (admin,
generator1, generator2, consumer1, consumer2, user5, ...) derived from the
documented test mnemonic, and `mine(n)`, `snapshot()`, `revert()`, `close()`
work the same everywhere (where the node supports them).
"""
from __future__ import annotations

from .base import Chain, connect, TARGETS
from .transport import Receipt, TxReverted

__all__ = ["Chain", "connect", "TARGETS", "Receipt", "TxReverted"]
