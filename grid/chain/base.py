"""The `Chain` facade and `connect(target)`.

A `Chain` holds its transport privately: everything a caller needs (sending,
calls, storage, raw RPC, mining, time travel, fees, nonces, snapshots) is a
public method here, and works the same on every target where the node
supports it.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import weakref
from collections.abc import Iterator
from typing import Any

from eth_utils import to_checksum_address
from hexbytes import HexBytes
from tqdm.auto import tqdm
from web3 import HTTPProvider, Web3
from web3.middleware import AttributeDictMiddleware

from ..accounts import TEST_MNEMONIC, Accounts, NamedAccount, mnemonic_from_env
from ..errors import GridError
from .anvil import AnvilProcess
from .constants import THESIS_CHAIN_ID
from .geth import GethProcess
from .jsonrpc import check_url, redacted
from .rpc import RpcTransport
from .transport import LogRecord, Receipt, RpcFailed, Transport, TxRequest, iter_logs

TARGETS = ("tester", "anvil", "geth", "http(s)://...")
DEFAULT_ACCOUNTS = 10
# Child keys are derived from one parent in ~2 ms each (grid.accounts), so the
# bench's 10,000 virtual users fit; more would mostly cost node memory.
MAX_ACCOUNTS = 20_000
# anvil mines ~1,000 empty blocks a second at first and slows as its chain
# grows (measured: 10,000 blocks in 77 s); py-evm ~650 a second.
MAX_MINE = 10_000
MINE_CHUNK = 500
GETH_FUNDING_WEI = 1000 * 10**18

_open_chains: weakref.WeakSet[Chain] = weakref.WeakSet()


def _topic(value: bytes | str) -> str:
    return "0x" + bytes(value).hex() if isinstance(value, (bytes, bytearray)) else value


def _whole(value: Any, what: str, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise GridError(f"{what} must be a whole number >= {minimum}, not {value!r}", kind="input")
    return value


class Chain:
    """A connected chain: web3, named funded accounts, and chain control."""

    def __init__(self, target: str, w3: Web3, accounts: Accounts, transport: Transport,
                 chain_id: int, rpc_url: str | None = None, process: Any = None) -> None:
        self.target = target
        self.w3 = w3
        self.accounts = accounts
        self._transport = transport
        self.chain_id = chain_id
        self.rpc_url = rpc_url
        self.process = process  # the node we spawned (anvil/geth), if any
        self.closed = False
        _open_chains.add(self)

    # -- context manager
    def __enter__(self) -> Chain:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = f" at {redacted(self.rpc_url)}" if self.rpc_url else ""
        return f"<Chain {self.target}{where} chainId={self.chain_id} accounts={len(self.accounts)}>"

    @property
    def _live(self) -> Transport:
        """The transport, or a readable GridError once the chain is closed."""
        if self.closed:
            raise GridError(f"this {self.target} chain is closed: "
                            f"connect again with connect({self.target!r})", kind="node")
        return self._transport

    # -- reading the chain
    @property
    def block_number(self) -> int:
        """The number of the latest block."""
        return self._live.block_number()

    def timestamp(self, block: int | str = "latest") -> int:
        """A block's timestamp in seconds since 1970 (default: the latest block's)."""
        return self._live.block_timestamp(block)

    def storage_at(self, address: str, slot: int) -> bytes:
        """The raw 32-byte word in storage `slot` of the contract at `address`."""
        return self._live.storage_at(address, slot)

    def code_at(self, address: str) -> bytes:
        """The runtime bytecode at `address` (empty when no contract lives there)."""
        return self._live.code_at(address)

    def balance(self, who: str | NamedAccount) -> int:
        """The balance of an account (name or address) in wei."""
        return self._live.balance(self._address(who))

    def logs(self, address: str, first_block: int = 0, last_block: int | str = "latest",
             topics: list | None = None) -> list[LogRecord]:
        """The logs (events) `address` emitted in blocks first..last, oldest first (eth_getLogs).

        `topics` filters as eth_getLogs does: position 0 is the event's
        signature hash, and a list at a position means "any of these".
        """
        query: dict[str, Any] = {"address": [address],
                                 "fromBlock": hex(_whole(first_block, "the first block")),
                                 "toBlock": last_block if isinstance(last_block, str)
                                 else hex(_whole(last_block, "the last block"))}
        if topics:
            query["topics"] = [[_topic(t) for t in item] if isinstance(item, list)
                               else None if item is None else _topic(item) for item in topics]
        raw = self.rpc("eth_getLogs", query)
        return list(iter_logs(raw, lambda v: bytes(HexBytes(v)), to_checksum_address))

    def rpc(self, method: str, *params: Any) -> Any:
        """Send one raw JSON-RPC request, e.g. `chain.rpc("net_version")`; RpcFailed when refused."""
        return self._live.rpc(method, list(params))

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[Chain]:
        """Hold the chain while several reads must see one state (in process: no block in between)."""
        with self._live.exclusive():
            yield self

    # -- accounts, nonces, fees
    def account(self, who: str | NamedAccount) -> NamedAccount:
        """Resolve a name or address to one of this chain's accounts."""
        return self.accounts.resolve(who)

    def add_account(self, account: NamedAccount) -> NamedAccount:
        """Sign with `account` too: a key derived elsewhere, such as a meter's. Idempotent."""
        if account in self.accounts:
            return self.accounts.resolve(account.address)
        self._live.adopt(account)
        self.accounts = Accounts([*self.accounts, account], self.accounts.mnemonic)
        return account

    def _address(self, who: str | NamedAccount) -> str:
        if isinstance(who, NamedAccount):
            return who.address
        return self.account(who).address if who in self.accounts else who

    def holds_key(self, who: str | NamedAccount) -> bool:
        """True when the node signs for this account itself; else the toolkit signs locally."""
        return self._live.holds_key(self._address(who))

    def next_nonce(self, who: str | NamedAccount) -> int:
        """The nonce the account's next transaction will carry (pending transactions counted)."""
        return self._live.next_nonce(self._address(who))

    def forget_nonces(self) -> None:
        """Drop cached nonces: call it after another program sent from our accounts."""
        self._live.forget_nonces()

    def fee_fields(self) -> dict[str, int]:
        """The fee fields this chain's transactions carry: EIP-1559 caps on local chains, else a gas price."""
        return self._live.fee_fields()

    # -- transactions (used by the contract client)
    def send_transaction(self, sender: NamedAccount, to: str | None, data: bytes, gas: int,
                         value: int = 0, access_list: list[dict] | None = None) -> Receipt:
        """Send a transaction from `sender`, wait until mined, return its receipt.

        `access_list` (EIP-2930) pre-declares the addresses and storage slots
        the transaction touches, so their first access is charged as warm.
        """
        tx = self._tx_fields(TxRequest(sender, to, data, gas, value))
        if access_list is not None:
            tx["accessList"] = access_list
        return self._live.send(tx, sender)

    def send_transactions(self, requests: list[TxRequest]) -> list[Receipt]:
        """Send several transactions and wait for all; their receipts, in order.

        On anvil they share one block (automine paused while they are sent),
        which is what makes a busy slot cheap; elsewhere they go one by one.
        Each succeeds or reverts on its own, so the caller checks every status.
        """
        return self._live.send_many([(self._tx_fields(r), r.sender) for r in requests])

    def _tx_fields(self, request: TxRequest) -> dict[str, Any]:
        tx = {"from": request.sender.address, "data": request.data, "gas": request.gas,
              "value": request.value, "chainId": self.chain_id}
        if request.to is not None:
            tx["to"] = request.to
        return tx

    def call(self, sender: NamedAccount, to: str, data: bytes, block: int | str = "latest",
             value: int = 0) -> bytes:
        """Run a read-only call as `sender`; return the raw returned bytes (TxReverted if it reverts)."""
        tx = {"from": sender.address, "to": to, "data": data}
        if value:
            tx["value"] = value
        return self._live.call(tx, block)

    def estimate_gas(self, sender: NamedAccount, to: str | None, data: bytes, value: int = 0) -> int:
        """The node's gas estimate (eth_estimateGas); a would-be revert raises TxReverted."""
        tx: dict[str, Any] = {"from": sender.address, "data": data}
        if to is not None:
            tx["to"] = to
        if value:
            tx["value"] = value
        return self._live.estimate_gas(tx)

    # -- chain control
    def mine(self, count: int = 1) -> int:
        """Mine `count` empty blocks (at most MAX_MINE, with a progress bar); return the new block number."""
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise GridError(f"mine() takes a whole number of blocks >= 0, not {count!r}", kind="input")
        if count > MAX_MINE:
            raise GridError(f"mine() mines at most {MAX_MINE:,} blocks per call, not {count:,} (a node "
                            f"takes about a minute for {MAX_MINE:,}): call it again for more, or use "
                            f"travel(seconds) to move the clock forward", kind="input")
        chunks = [MINE_CHUNK] * (count // MINE_CHUNK) + ([count % MINE_CHUNK] if count % MINE_CHUNK else [])
        # Chunks keep each request well inside the node's answer timeout.
        with tqdm(total=count, desc="mining", unit="block", disable=len(chunks) < 2, leave=False) as bar:
            for chunk in chunks:
                self._live.mine(chunk)
                bar.update(chunk)
        return self.block_number

    def set_automine(self, on: bool) -> None:
        """On: every transaction is mined at once (the default). Off: transactions wait for `mine()`."""
        self._live.set_automine(bool(on))

    @contextlib.contextmanager
    def batch(self) -> Iterator[Chain]:
        """Inside the block, automine is off; on leaving, one block mines what was sent."""
        self.set_automine(False)
        try:
            yield self
        finally:
            self.mine(1)
            self.set_automine(True)

    def set_interval_mining(self, seconds: float) -> None:
        """Mine a block every `seconds` seconds, like a real network (0 stops it; anvil only)."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise GridError(f"the block interval must be a number of seconds >= 0, not {seconds!r}",
                            kind="input")
        self._live.set_interval_mining(seconds)

    def set_next_block_timestamp(self, timestamp: int) -> None:
        """Give the next mined block this timestamp (seconds since 1970, after the latest block's)."""
        self._live.set_next_block_timestamp(_whole(timestamp, "a block timestamp", 1))

    def travel(self, seconds: int) -> int:
        """Move the chain's clock `seconds` forward and mine a block there; return its timestamp."""
        target = self.timestamp("latest") + _whole(seconds, "the time to travel (seconds)", 1)
        self._live.set_next_block_timestamp(target)
        self._live.mine(1)
        return self.timestamp("latest")

    def snapshot(self) -> Any:
        """Remember the chain's state; pass the result to `revert()` to go back."""
        return self._live.snapshot()

    def revert(self, snapshot_id: Any) -> None:
        """Return the chain to a state remembered by `snapshot()`."""
        self._live.revert(snapshot_id)

    def close(self) -> None:
        """Stop the node if this object started it; afterwards every use is a GridError."""
        if self.closed:
            return
        self.closed = True
        if self.process is not None:
            self.process.stop()
        close = getattr(self._transport, "close", None)
        if close is not None:   # the node's kept-alive connection, so no socket outlives the chain
            close()

    # -- for measurements (notebook 11 and the bench)
    def record_requests(self) -> contextlib.AbstractContextManager[list[tuple[str, float]]]:
        """Record (method, seconds) of every JSON-RPC request the toolkit sends inside the block."""
        return self._live.recording()

    def in_process(self) -> contextlib.AbstractContextManager[Any]:
        """The tester chain's own EthereumTester, held exclusively inside the block (the bench's floor)."""
        return self._live.in_process()

    def describe(self) -> str:
        """A few lines a student can read: target, endpoint, chain id, accounts."""
        lines = [f"chain: {self.target}" + (f" at {redacted(self.rpc_url)}" if self.rpc_url
                                             else " (in process)"),
                 f"chainId: {self.chain_id}   latest block: {self.block_number}", "accounts:"]
        lines += [f"  {a.name:<11} {a.address}" for a in self.accounts]
        return "\n".join(lines)


# ------------------------------------------------------------------ connecting
def connect(target: str = "tester", *, accounts: int = DEFAULT_ACCOUNTS,
            state_file: str | os.PathLike | None = None, mnemonic: str | None = None,
            hardfork: str | None = None) -> Chain:
    """Connect to `target`: "tester", "anvil", "geth" or an http(s):// URL.

    `accounts` named accounts (at most MAX_ACCOUNTS) are derived from the test
    mnemonic (or $GRIDCHAIN_MNEMONIC for URL targets). `state_file` (anvil
    only) keeps the private chain across restarts; `hardfork` (anvil only)
    overrides the node's default fork (grid.chain.anvil.LONG_CHAIN_HARDFORK).
    """
    if not isinstance(target, str) or not target.strip():
        raise GridError(f"unknown chain target {target!r}: use one of {', '.join(TARGETS)}", kind="input")
    target = target.strip()
    if not isinstance(accounts, int) or isinstance(accounts, bool) or not 1 <= accounts <= MAX_ACCOUNTS:
        raise GridError(f"accounts must be a whole number from 1 to {MAX_ACCOUNTS}, not {accounts!r}",
                        kind="input")
    if state_file is not None and target != "anvil":
        raise GridError("a state file works with the anvil chain only: use --chain anvil", kind="input")
    if hardfork is not None and target != "anvil":
        raise GridError("choosing the hardfork works with the anvil chain only: use --chain anvil",
                        kind="input")
    if target == "tester":
        return _connect_tester(accounts, mnemonic or TEST_MNEMONIC)
    if target == "anvil":
        return _connect_anvil(accounts, mnemonic or TEST_MNEMONIC, state_file, hardfork)
    if target == "geth":
        return _connect_geth(accounts, mnemonic or TEST_MNEMONIC)
    if target.startswith(("http://", "https://")):
        return _connect_url(target, accounts, mnemonic or mnemonic_from_env())
    raise GridError(f"unknown chain target {target!r}: use one of {', '.join(TARGETS)}", kind="input")


def _connect_tester(count: int, mnemonic: str) -> Chain:
    named = Accounts.derive(count, mnemonic)
    # py-evm is imported only here: a page that talks to a node never loads it (about 20 MB a kernel)
    from .tester import TesterTransport, tester_web3  # noqa: PLC0415

    w3, tester = tester_web3(named)
    return Chain("tester", w3, named, TesterTransport(w3, tester), THESIS_CHAIN_ID)


def _http_web3(url: str) -> Web3:
    # Only attrdict: web3's validation and gas middlewares each add round trips
    # per request; the toolkit supplies chainId, gas and fees itself. No request
    # cache: it keeps blocks it judges old by their timestamp, and our chains
    # stamp blocks with the thesis's 2019 date, so after a revert or a restart
    # it would show blocks that are gone.
    provider = HTTPProvider(url, request_kwargs={"timeout": 60}, cache_allowed_requests=False)
    return Web3(provider, middleware=[(AttributeDictMiddleware, "attrdict")])


def _rpc_chain(target: str, url: str, named: Accounts, *, local_fees: bool,
               process: Any = None) -> Chain:
    probe = RpcTransport(url, unlocked=set(), local_fees=local_fees)
    try:
        chain_id = _chain_id(probe.rpc("eth_chainId", []), url)
        node_accounts = probe.rpc("eth_accounts", []) or []
        probe.close()
        if not isinstance(node_accounts, list) or not all(isinstance(a, str) for a in node_accounts):
            raise GridError(f"{redacted(url)} answered eth_accounts with something other than a list "
                            f"of addresses: check that it is an Ethereum node", kind="node")
    except RpcFailed as exc:
        if process is not None:
            process.stop()
        raise GridError(f"{redacted(url)} answered, but not as an Ethereum node ({exc.rpc_message}): "
                        f"check the URL", kind="node") from None
    except GridError:
        if process is not None:
            process.stop()
        raise
    ours = {a.address.lower() for a in named}
    unlocked = {a for a in set(node_accounts) if a.lower() in ours}
    transport = RpcTransport(url, unlocked=unlocked, local_fees=local_fees)
    return Chain(target, _http_web3(url), named, transport, chain_id, rpc_url=url, process=process)


def _connect_anvil(count: int, mnemonic: str, state_file: Any, hardfork: str | None) -> Chain:
    node = AnvilProcess.start(accounts=count, mnemonic=mnemonic, state_file=state_file, hardfork=hardfork)
    return _rpc_chain("anvil", node.url, Accounts.derive(count, mnemonic), local_fees=True, process=node)


def _connect_geth(count: int, mnemonic: str) -> Chain:
    node = GethProcess.start()
    chain = _rpc_chain("geth", node.url, Accounts.derive(count, mnemonic), local_fees=False, process=node)
    try:
        dev = chain.rpc("eth_accounts")[0]
        for account in chain.accounts:  # fund the named accounts from geth's dev account
            chain._transport.submit("eth_sendTransactionSync", "eth_sendTransaction",
                                    {"from": dev, "to": account.address, "value": hex(GETH_FUNDING_WEI)})
    except Exception:
        chain.close()
        raise
    return chain


def _connect_url(url: str, count: int, mnemonic: str) -> Chain:
    try:
        check_url(url)
    except ValueError as exc:
        raise GridError(f"{exc}", kind="input") from None
    return _rpc_chain(redacted(url), url, Accounts.derive(count, mnemonic), local_fees=False)


def _chain_id(answer: Any, url: str) -> int:
    """eth_chainId's answer as a number, or the sentence for a node that is not speaking Ethereum."""
    if isinstance(answer, str) and answer.startswith("0x"):
        try:
            return int(answer, 16)
        except ValueError:
            pass
    raise GridError(f"{redacted(url)} answered eth_chainId with {str(answer)[:40]!r}, not a chain id: "
                    f"it is not an Ethereum node, or a broken one; check the URL", kind="node")


@atexit.register
def _close_all() -> None:
    # Belt and braces with PR_SET_PDEATHSIG: stop nodes we started on exit.
    for chain in list(_open_chains):
        with contextlib.suppress(Exception):
            chain.close()
