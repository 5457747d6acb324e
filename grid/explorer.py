"""A small block explorer over any `Chain`: blocks, their transactions, decoded calls.

    recent_blocks(chain, 5)                       # newest first: BlockSummary rows
    block_transactions(chain, 3, client=client)   # TxSummary rows, calls decoded with the ABI
    transactions_to(chain, client.address, 1, 9)  # what went to the contract in blocks 1..9
    print(format_blocks(recent_blocks(chain, 5)))

It reads the chain through web3 (`eth_getBlockByNumber` with full
transactions, `eth_getTransactionReceipt`), exactly what Etherscan does for
mainnet, and names the accounts and the contract it knows. A node that is
down, a block that does not exist or a transaction hash that is unknown is a
`GridError` with one readable sentence.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
from eth_utils import to_checksum_address
from hexbytes import HexBytes
from web3.exceptions import BlockNotFound, TransactionNotFound, Web3Exception

from .chain import Chain, node_down
from .errors import GridError

CREATION = "(contract creation)"
TRANSFER = "(ether transfer)"
DEFAULT_COUNT = 10
MAX_COUNT = 1000


@dataclass(frozen=True)
class BlockSummary:
    """One block, as an explorer's block list shows it."""

    number: int
    hash: str                 # 0x-hex
    parent_hash: str
    timestamp: int            # seconds since 1970 (UTC)
    transaction_count: int
    gas_used: int
    gas_limit: int
    miner: str                # the coinbase (the zero address on anvil and eth-tester)
    base_fee: int | None      # wei per gas (EIP-1559), None before London

    @property
    def time(self) -> str:
        """The block's time in UTC, e.g. '2019-11-28 09:11:26'."""
        return datetime.fromtimestamp(self.timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class TxSummary:
    """One transaction of a block, with its call decoded when it went to the known contract."""

    hash: str
    block_number: int
    index: int                      # position in the block
    sender: str                     # address
    sender_name: str | None         # the named account ("generator1"), when known
    to: str | None                  # None for a contract creation
    to_name: str | None             # "PowerGeneration" or an account name, when known
    function: str                   # "Transfer", "(contract creation)", "(ether transfer)", "0x1234abcd"
    arguments: dict[str, Any] = field(default_factory=dict)  # {"address _to": "0x..", "uint256 _value": 100}
    status: str = "ok"              # "ok" or "reverted"
    gas_used: int = 0
    value: int = 0                  # wei sent along
    input: str = "0x"               # the raw calldata (or creation code)
    contract_address: str | None = None  # the created contract, for a creation
    names: dict[str, str] = field(default_factory=dict, repr=False)  # address -> name, for call_text

    @property
    def is_creation(self) -> bool:
        """True for a transaction that created a contract."""
        return self.to is None

    def as_row(self) -> dict[str, Any]:
        """The transaction as one table row (for pandas.DataFrame or a printed table)."""
        return {"block": self.block_number, "hash": short_hash(self.hash),
                "from": self.sender_name or short_hash(self.sender),
                "to": self.to_name or (short_hash(self.to) if self.to else "(new contract)"),
                "call": self.call_text(), "status": self.status, "gas used": self.gas_used}

    def call_text(self) -> str:
        """The call as one line: 'Transfer(_to=consumer1, _value=100)'."""
        if self.is_creation:
            made = f" -> {self.contract_address}" if self.contract_address else ""
            return f"{CREATION}{made}"
        if not self.arguments:
            return self.function if self.function.startswith(("(", "0x")) else f"{self.function}()"
        args = ", ".join(f"{name.split()[-1]}={_short_value(value, self.names)}"
                         for name, value in self.arguments.items())
        return f"{self.function}({args})"


# ------------------------------------------------------------ node access
@contextlib.contextmanager
def node_errors(chain: Chain) -> Iterator[None]:
    """Turn what web3 raises when the node is gone into the toolkit's one-sentence GridError."""
    try:
        with chain.exclusive():  # eth-tester's py-evm is shared state: one request at a time
            yield
    except GridError:
        raise
    except requests.HTTPError as exc:  # before OSError: requests' errors are OSErrors too
        status = exc.response.status_code if exc.response is not None else "an error"
        raise GridError(f"the node at {chain.rpc_url} answered HTTP {status}: check the URL",
                        kind="node") from None
    except (requests.ConnectionError, requests.Timeout, ConnectionError, OSError):
        raise node_down(chain.rpc_url or chain.target) from None
    except Web3Exception as exc:
        raise GridError(f"the node refused the request ({_first_line(exc)}): check that the chain is "
                        f"running and is the one you meant", kind="node") from None


def latest_block_number(chain: Chain) -> int:
    """The number of the newest block."""
    with node_errors(chain):
        return int(chain.w3.eth.block_number)


def _check_number(chain: Chain, number: Any) -> int:
    """A block number from an int or a text box; a readable GridError otherwise."""
    text = str(number).strip() if isinstance(number, str) else number
    if isinstance(text, str):
        if not text.lstrip("-").isdigit():
            raise GridError(f"a block number is a whole number such as 0 or 12, not {str(number)[:20]!r}",
                            kind="input")
        if len(text.lstrip("-")) > 30:  # far beyond any chain (and int() refuses > 4300 digits)
            raise GridError(f"there is no block {text[:12]}... ({len(text)} digits) on this chain: choose "
                            f"a block from 0 to {latest_block_number(chain)}", kind="input")
        text = int(text)
    if not isinstance(text, int) or isinstance(text, bool):
        raise GridError(f"a block number is a whole number such as 0 or 12, not {number!r}", kind="input")
    latest = latest_block_number(chain)
    if not 0 <= text <= latest:
        shown = str(text) if len(str(text)) <= 20 else f"{str(text)[:12]}... ({len(str(text))} digits)"
        raise GridError(f"there is no block {shown} on this chain: choose a block from 0 to {latest}",
                        kind="input")
    return text


def _get_block(chain: Chain, number: int, full: bool) -> Any:
    with node_errors(chain):
        try:
            return chain.w3.eth.get_block(number, full_transactions=full)
        except BlockNotFound:
            raise GridError(f"there is no block {number} on this chain: choose one from 0 to "
                            f"{chain.w3.eth.block_number}", kind="input") from None


def block_summary(chain: Chain, number: Any) -> BlockSummary:
    """The summary of block `number` (an int, or digits typed in a box)."""
    return _summary(_get_block(chain, _check_number(chain, number), False))


def _summary(block: Any) -> BlockSummary:
    return BlockSummary(
        number=int(block["number"]), hash=hex_text(block["hash"]), parent_hash=hex_text(block["parentHash"]),
        timestamp=int(block["timestamp"]), transaction_count=len(block["transactions"]),
        gas_used=int(block["gasUsed"]), gas_limit=int(block["gasLimit"]),
        miner=to_checksum_address(block["miner"]) if block.get("miner") else "",
        base_fee=int(block["baseFeePerGas"]) if block.get("baseFeePerGas") is not None else None)


def recent_blocks(chain: Chain, count: int = DEFAULT_COUNT) -> list[BlockSummary]:
    """The newest `count` blocks, newest first (fewer when the chain is shorter)."""
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
        raise GridError(f"count must be a whole number from 1 to {MAX_COUNT}, not {count!r}", kind="input")
    latest = latest_block_number(chain)
    return [_summary(_get_block(chain, n, False)) for n in range(latest, max(-1, latest - count), -1)]


def block_transactions(chain: Chain, number: Any, client: Any = None) -> list[TxSummary]:
    """Every transaction in block `number`, decoded with `client`'s ABI when sent to its contract."""
    return _block_txs(chain, _check_number(chain, number), client)


def _block_txs(chain: Chain, number: int, client: Any) -> list[TxSummary]:
    block = _get_block(chain, number, True)
    return [_tx_summary(chain, tx, client, number, i) for i, tx in enumerate(block["transactions"])]


def transaction(chain: Chain, tx_hash: str, client: Any = None) -> TxSummary:
    """One transaction by its hash (0x + 64 hex digits)."""
    text = tx_hash.strip() if isinstance(tx_hash, str) else ""
    if not (text.startswith("0x") and len(text) == 66 and _is_hex(text[2:])):
        raise GridError(f"a transaction hash is 0x followed by 64 hex digits, not {tx_hash!r}", kind="input")
    with node_errors(chain):
        try:
            tx = chain.w3.eth.get_transaction(text)
        except TransactionNotFound:
            raise GridError(f"no transaction {text[:12]}... on this chain: is the hash from another "
                            f"chain, or from before a restart without state?", kind="input") from None
    return _tx_summary(chain, tx, client)


def chain_transactions(chain: Chain, first: int = 0, last: int | None = None,
                       client: Any = None) -> list[TxSummary]:
    """Every transaction in blocks `first`..`last` (default: to the latest), oldest first."""
    end = latest_block_number(chain) if last is None else _check_number(chain, last)
    found: list[TxSummary] = []
    for number in range(_check_number(chain, first), end + 1):
        found += _block_txs(chain, number, client)
    return found


def transactions_to(chain: Chain, address: str, first: Any, last: Any, client: Any = None,
                    function: str | None = None) -> list[TxSummary]:
    """The transactions sent to `address` in blocks `first`..`last` (both included), oldest first.

    With `client`, calls to its contract are decoded; with `function` too, only
    the calls of that function are kept.
    """
    return [tx for _, txs in transactions_to_by_block(chain, address, first, last, client, function)
            for tx in txs]


def transactions_to_by_block(chain: Chain, address: str, first: Any, last: Any, client: Any = None,
                             function: str | None = None) -> Iterator[tuple[BlockSummary, list[TxSummary]]]:
    """Block by block, oldest first: each block of `first`..`last` and its transactions sent to `address`.

    Every block is yielded, empty ones too, so that a caller reading the chain
    bit by bit can remember the last block it read and that block's hash.
    Each transaction carries its status and, with `client`, its decoded call;
    `function` (a function of `client`'s contract) keeps only its calls. Only
    the kept transactions cost a receipt request. A transaction whose receipt
    is gone (the chain was rewound while we read) is left out: its block's
    hash tells.
    """
    target = to_checksum_address(address).lower()
    selector = _selector(client, function)
    for number in range(_check_number(chain, first), _check_number(chain, last) + 1):
        block = _get_block(chain, number, True)
        kept = []
        for index, tx in enumerate(block["transactions"]):
            if not tx.get("to") or tx["to"].lower() != target:
                continue
            if selector is not None and bytes(HexBytes(tx.get("input", tx.get("data", b""))))[:4] != selector:
                continue
            receipt = _receipt_or_none(chain, tx["hash"])
            if receipt is not None:
                kept.append(_tx_summary(chain, tx, client, number, index, receipt))
        yield _summary(block), kept


def _selector(client: Any, function: str | None) -> bytes | None:
    if function is None:
        return None
    if client is None:
        raise GridError(f"to keep only the calls of {function!r}, pass the contract's client too",
                        kind="input")
    if function not in client.functions:
        raise GridError(f"{function!r} is not a function of the contract: choose one of "
                        f"{', '.join(sorted(client.functions))}", kind="input")
    return bytes(client.functions[function].selector)


def _receipt_or_none(chain: Chain, tx_hash: Any) -> Any:
    with node_errors(chain):
        try:
            return chain.w3.eth.get_transaction_receipt(tx_hash)
        except TransactionNotFound:
            return None


def _tx_summary(chain: Chain, tx: Any, client: Any, block_number: int | None = None,
                index: int | None = None, receipt: Any = None) -> TxSummary:
    if receipt is None:
        with node_errors(chain):
            receipt = chain.w3.eth.get_transaction_receipt(tx["hash"])
    # eth-tester's full transactions lack blockNumber/transactionIndex: the receipt has them.
    block_number = int(receipt["blockNumber"]) if block_number is None else block_number
    index = int(receipt["transactionIndex"]) if index is None else index
    sender = to_checksum_address(tx["from"])
    to = to_checksum_address(tx["to"]) if tx.get("to") else None
    data = hex_text(tx.get("input", tx.get("data", b"")))
    contract = getattr(client, "address", None)
    created = to_checksum_address(receipt["contractAddress"]) if receipt.get("contractAddress") else None
    function, arguments = _describe_call(client, to, data, created)
    return TxSummary(
        hash=hex_text(tx["hash"]), block_number=block_number, index=index,
        sender=sender, sender_name=account_name(chain, sender), to=to,
        to_name=(_contract_name(client) if to is not None and to == contract else account_name(chain, to)),
        function=function, arguments=arguments, status="ok" if int(receipt["status"]) == 1 else "reverted",
        gas_used=int(receipt["gasUsed"]), value=int(tx.get("value", 0)), input=data,
        contract_address=created,
        names={v: account_name(chain, v) for v in arguments.values()
               if isinstance(v, str) and len(v) == 42 and account_name(chain, v)})


def _describe_call(client: Any, to: str | None, data: str, created: str | None) -> tuple[str, dict]:
    if to is None:
        return CREATION, {}
    if data in ("0x", ""):
        return TRANSFER, {}
    if client is not None and to == client.address:
        try:
            spec, arguments = client.decode_input(data)
            return spec.name, arguments
        except GridError:
            pass  # not one of the contract's functions: show the raw selector
    return data[:10], {}


# -------------------------------------------------------------- text views
def format_blocks(blocks: list[BlockSummary]) -> str:
    """A plain-text table of blocks."""
    lines = [f"{'block':>6}  {'hash':<15} {'time (UTC)':<19}  {'txs':>3}  {'gas used':>9}"]
    for b in blocks:
        lines.append(f"{b.number:>6}  {short_hash(b.hash):<15} {b.time:<19}  {b.transaction_count:>3}  "
                     f"{b.gas_used:>9,}")
    return "\n".join(lines)


def format_transactions(txs: list[TxSummary]) -> str:
    """A plain-text table of transactions with their decoded calls."""
    if not txs:
        return "(no transactions in this block)"
    lines = []
    for tx in txs:
        who = tx.sender_name or short_hash(tx.sender)
        to = tx.to_name or (short_hash(tx.to) if tx.to else "-")
        lines.append(f"{short_hash(tx.hash)}  {who} -> {to}: {tx.call_text()}  [{tx.status}, gas "
                     f"{tx.gas_used:,}]")
    return "\n".join(lines)


def short_hash(value: str) -> str:
    """'0x1234…cdef': enough of a hash or address to recognise it."""
    return value if len(value) <= 13 else f"{value[:6]}…{value[-4:]}"


# ----------------------------------------------------------------- helpers
def hex_text(value: Any) -> str:
    """A hash or bytes value as 0x-hex text."""
    if isinstance(value, str):
        return value if value.startswith("0x") else "0x" + value
    return HexBytes(value).to_0x_hex()


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
        return True
    except ValueError:
        return False


def account_name(chain: Chain, address: str | None) -> str | None:
    """The chain's name for `address` ("consumer1"), or None for an address it does not hold."""
    return chain.account(address).name if address and address in chain.accounts else None


def _contract_name(client: Any) -> str:
    artifact = getattr(client, "artifact", None)
    return getattr(artifact, "contract_name", "contract")


def _short_value(value: Any, names: dict[str, str]) -> str:
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return names.get(value) or short_hash(value)
    return repr(value) if isinstance(value, str) else str(value)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__


_MOVED_TO_CHAIN_STATE = ("ChainState", "StateComparison", "chain_state", "compare_states",
                         "format_comparison")


def __getattr__(name: str) -> object:
    # The before/after comparison lives in grid.chain_state now; older imports keep working.
    if name in _MOVED_TO_CHAIN_STATE:
        from . import chain_state  # noqa: PLC0415 - chain_state imports this module: only lazily here

        return getattr(chain_state, name)
    raise AttributeError(f"module 'grid.explorer' has no attribute {name!r}")
