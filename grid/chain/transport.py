"""How a `Chain` reaches a node: the `Transport` protocol and what every transport shares.

Two transports implement it, so the contract client never cares which chain
it talks to:
  * `grid.chain.tester.TesterTransport` drives eth-tester (py-evm) in this process;
  * `grid.chain.rpc.RpcTransport` speaks raw JSON-RPC to a node over a
    kept-alive HTTP connection, with pre-encoded parameters.
A reverted call raises `TxReverted` (a GridError carrying the revert
payload); a reverted transaction is mined and comes back as a receipt with
status 0. Every other failure is a GridError too. Only `Chain` holds a
transport: code outside grid/chain/ uses the chain's public methods.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from ..accounts import NamedAccount
from ..errors import GridError
from .jsonrpc import redacted

# Fee caps for the local dev chains: the base fee there starts at 1 gwei and
# only falls; a fixed cap spares the two fee round trips web3 would add.
LOCAL_MAX_FEE = 100 * 10**9
LOCAL_PRIORITY_FEE = 10**9


@dataclass(frozen=True)
class LogRecord:
    """One log (event) a transaction emitted, as the receipt holds it."""

    address: str                  # the emitting contract, checksummed
    topics: tuple[bytes, ...]     # 32 bytes each; topics[0] is the event's signature hash
    data: bytes                   # the ABI-encoded non-indexed arguments
    log_index: int = 0
    block_number: int = -1        # where it was mined (-1 when the source did not say)
    tx_hash: str = ""


@dataclass(frozen=True)
class Receipt:
    """The parts of a transaction receipt the toolkit reports."""

    tx_hash: str              # 32 bytes, 0x-hex
    block_number: int
    gas_used: int
    status: int               # 1 success, 0 reverted
    contract_address: str | None = None
    logs: tuple[LogRecord, ...] = ()


@dataclass(frozen=True)
class TxRequest:
    """One transaction to send: who from, to which contract (None deploys), calldata, gas and wei."""

    sender: NamedAccount
    to: str | None
    data: bytes
    gas: int
    value: int = 0


class TxReverted(GridError):
    """A transaction or call reverted; `data` is the raw revert payload."""

    def __init__(self, message: str, *, data: bytes = b"", receipt: Receipt | None = None) -> None:
        super().__init__(message, kind="revert")
        self.data = bytes(data)
        self.receipt = receipt


class RpcFailed(GridError):
    """The node answered a raw request with a JSON-RPC error (`code`, `message`, `data`)."""

    def __init__(self, method: str, code: int, message: str, data: Any = None) -> None:
        unsupported = code == -32601 or "not found" in message.lower() or "not supported" in message.lower()
        super().__init__(f"the node refused {method} ({message}): "
                         + ("this node does not offer that method" if unsupported
                            else "check the parameters and the node's log"),
                         kind="unsupported" if unsupported else "node")
        self.method, self.code, self.rpc_message, self.data = method, code, message, data


def node_down(url: str, cause: str = "refused") -> GridError:
    """The one sentence for a node that does not answer; `cause` as NodeUnreachable's."""
    shown = redacted(url)
    if cause == "timeout":
        return GridError(f"the node at {shown} accepted the connection but did not answer in time: it "
                         f"may be frozen or overloaded; restart it (`python -m grid node`), or wait and "
                         f"try again", kind="node")
    if cause == "tls":
        return GridError(f"the secure (https) connection to {shown} failed: if the node serves plain "
                         f"HTTP, write http:// instead of https://", kind="node")
    return GridError(f"cannot reach the Ethereum node at {shown}: is it running? Start one with "
                     f"`python -m grid node`, or check the URL", kind="node")


def not_a_node(url: str, why: str) -> GridError:
    """The one sentence for a URL that answers, but not as an Ethereum node."""
    return GridError(f"{redacted(url)} is not an Ethereum JSON-RPC endpoint ({why}): check the URL "
                     f"(a node usually listens on http://host:8545)", kind="node")


def refused(sender: NamedAccount, why: str) -> GridError:
    """The one sentence for a transaction the node would not accept."""
    why = why.strip().splitlines()[0] if why.strip() else "no reason given"
    return GridError(f"the chain refused {sender.name}'s transaction ({why}): check that the "
                     f"account has ether for gas and that the chain is the one you meant",
                     kind="node")


_HISTORY_GONE = ("blockoutofrange", "block height is", "missing trie node", "historical state",
                 "header not found", "state not available")


def history_gone(message: str) -> bool:
    """True when a node refused a read because it no longer keeps that block's state."""
    text = message.lower()
    return any(marker in text for marker in _HISTORY_GONE)


def past_state_unavailable(block: object) -> GridError:
    """The one sentence for a read of a block whose state the node has pruned."""
    return GridError(f"this node no longer keeps the state of block {block} (a long-running node keeps "
                     f"only its recent blocks' state): read the latest state instead, or use a fresh "
                     f"chain for lessons that look back to block 0", kind="unsupported")


def unsupported(what: str, instead: str) -> GridError:
    """The one sentence for chain control this node does not offer."""
    return GridError(f"this chain cannot {what}: {instead}", kind="unsupported")


class Transport(Protocol):
    """What a chain needs from the thing that reaches its node.

    Addresses are 0x-hex strings; transaction fields are web3-style
    (`from`, `to`, `data`, `gas`, `value`, `chainId`, ints and bytes).
    """

    signs_locally: bool   # True when every transaction is signed here, not by the node

    def rpc(self, method: str, params: list) -> Any:
        """One raw JSON-RPC request; RpcFailed when the node answers with an error."""

    def send(self, tx: dict, sender: NamedAccount) -> Receipt:
        """Send a transaction from `sender`, wait until it is mined, return its receipt."""

    def send_many(self, items: list[tuple[dict, NamedAccount]]) -> list[Receipt]:
        """Send several transactions, into one block where the node allows it; their receipts in order."""

    def call(self, tx: dict, block: int | str = "latest") -> bytes:
        """Run a read-only call; TxReverted when it reverts."""

    def estimate_gas(self, tx: dict) -> int:
        """The node's gas estimate; TxReverted when the transaction would revert."""

    def block_number(self) -> int:
        """The latest block's number."""

    def block_timestamp(self, block: int | str = "latest") -> int:
        """A block's timestamp (seconds since 1970)."""

    def storage_at(self, address: str, slot: int) -> bytes:
        """The 32-byte word in a storage slot."""

    def code_at(self, address: str) -> bytes:
        """The runtime code at an address."""

    def balance(self, address: str) -> int:
        """An address's balance in wei."""

    def next_nonce(self, address: str) -> int:
        """The nonce the address's next transaction will use (pending included)."""

    def forget_nonces(self) -> None:
        """Drop locally cached nonces (another client, or a revert, changed them)."""

    def adopt(self, account: NamedAccount) -> None:
        """Be able to send from `account` too (a key this transport was not given at the start)."""

    def holds_key(self, address: str) -> bool:
        """True when the node signs for `address` (an unlocked account)."""

    def fee_fields(self) -> dict[str, int]:
        """The fee fields a transaction on this chain carries (EIP-1559 caps, or a gas price)."""

    def mine(self, count: int) -> None:
        """Mine `count` blocks now."""

    def set_automine(self, on: bool) -> None:
        """Mine a block for every transaction (on), or only when asked (off)."""

    def set_interval_mining(self, seconds: float) -> None:
        """Mine a block every `seconds` (0: stop interval mining)."""

    def set_next_block_timestamp(self, timestamp: int) -> None:
        """The next mined block gets `timestamp`."""

    def snapshot(self) -> Any:
        """Remember the state; return an id for `revert`."""

    def revert(self, snapshot_id: Any) -> None:
        """Return to a remembered state."""

    def exclusive(self) -> AbstractContextManager[None]:
        """Hold the chain for several reads that must see one state."""

    def recording(self) -> AbstractContextManager[list[tuple[str, float]]]:
        """Record (method, seconds) of every request sent inside the block."""

    def in_process(self) -> AbstractContextManager[Any]:
        """The in-process EthereumTester, held exclusively (tester chains only)."""


def to_rpc(value: Any) -> Any:
    """A Python value in JSON-RPC's wire format: quantities and bytes as 0x-hex, containers recursively."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return hex(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, Mapping):
        return {key: to_rpc(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_rpc(item) for item in value]
    return value


def iter_logs(raw_logs: Any, to_bytes: Any, checksum: Any) -> Iterator[LogRecord]:
    """LogRecords from a receipt's raw `logs` (hex strings on nodes, bytes on eth-tester)."""
    for i, log in enumerate(raw_logs or ()):
        block = log.get("blockNumber", log.get("block_number"))
        tx_hash = log.get("transactionHash", log.get("transaction_hash"))
        yield LogRecord(address=checksum(log["address"]),
                        topics=tuple(to_bytes(t) for t in log.get("topics", ())),
                        data=to_bytes(log.get("data", b"")),
                        log_index=_quantity(log.get("logIndex", log.get("log_index", i))),
                        block_number=-1 if block is None else _quantity(block),
                        tx_hash="" if tx_hash is None else "0x" + to_bytes(tx_hash).hex())


def _quantity(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)
