"""The `Chain` object and `connect(target)`."""
from __future__ import annotations

import atexit
import os
import weakref
from typing import Any

from web3 import Web3

from ..accounts import Accounts, NamedAccount, mnemonic_from_env, TEST_MNEMONIC
from ..errors import GridError
from .anvil import AnvilProcess, THESIS_CHAIN_ID, THESIS_GENESIS_TIMESTAMP
from .transport import Receipt, RpcTransport, TesterTransport, RpcError

TARGETS = ("tester", "anvil", "geth", "http(s)://...")
DEFAULT_ACCOUNTS = 10
MAX_ACCOUNTS = 1000  # HD derivation in pure Python costs ~40 ms an account
GETH_FUNDING_WEI = 1000 * 10**18

_open_chains: "weakref.WeakSet[Chain]" = weakref.WeakSet()


class Chain:
    """A connected chain: web3, named funded accounts, and chain control."""

    def __init__(self, target: str, w3: Web3, accounts: Accounts, transport: Any,
                 chain_id: int, rpc_url: str | None = None, process: Any = None) -> None:
        self.target = target
        self.w3 = w3
        self.accounts = accounts
        self.transport = transport
        self.chain_id = chain_id
        self.rpc_url = rpc_url
        self.process = process  # the node we spawned (anvil/geth), if any
        self.closed = False
        _open_chains.add(self)

    # -- context manager
    def __enter__(self) -> "Chain":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = f" at {self.rpc_url}" if self.rpc_url else ""
        return f"<Chain {self.target}{where} chainId={self.chain_id} accounts={len(self.accounts)}>"

    # -- chain control
    @property
    def live(self):
        """The transport, or a readable GridError once the chain is closed."""
        if self.closed:
            raise GridError(f"this {self.target} chain is closed: connect again with connect({self.target!r})",
                            kind="node")
        return self.transport

    @property
    def block_number(self) -> int:
        """The number of the latest block."""
        return self.live.block_number()

    def mine(self, count: int = 1) -> int:
        """Mine `count` empty blocks; return the new block number."""
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise GridError(f"mine() takes a whole number of blocks >= 0, not {count!r}", kind="input")
        if count:
            self.live.mine(count)
        return self.block_number

    def snapshot(self) -> Any:
        """Remember the chain's state; pass the result to `revert()` to go back."""
        return self.live.snapshot()

    def revert(self, snapshot_id: Any) -> None:
        """Return the chain to a state remembered by `snapshot()`."""
        self.live.revert(snapshot_id)

    def close(self) -> None:
        """Stop the node if this object started it; afterwards every use is a GridError."""
        if self.closed:
            return
        self.closed = True
        if self.process is not None:
            self.process.stop()

    # -- transactions (used by the contract client)
    def account(self, who: "str | NamedAccount") -> NamedAccount:
        """Resolve a name or address to one of this chain's accounts."""
        return self.accounts.resolve(who)

    def send_transaction(self, sender: NamedAccount, to: str | None, data: bytes, gas: int,
                         value: int = 0) -> Receipt:
        """Send a transaction from `sender`, wait until mined, return its receipt."""
        tx = {"from": sender.address, "data": data, "gas": gas, "value": value,
              "chainId": self.chain_id}
        if to is not None:
            tx["to"] = to
        return self.live.send(tx, sender)

    def call(self, sender: NamedAccount, to: str, data: bytes, block: int | str = "latest") -> bytes:
        """Run a read-only call as `sender`; return the raw returned bytes."""
        return self.live.call({"from": sender.address, "to": to, "data": data}, block)

    def estimate_gas(self, sender: NamedAccount, to: str, data: bytes) -> int:
        """The node's gas estimate (eth_estimateGas); a would-be revert raises TxReverted."""
        return self.live.estimate_gas({"from": sender.address, "to": to, "data": data})

    def storage_at(self, address: str, slot: int) -> bytes:
        """The raw 32-byte word in storage `slot` of the contract at `address`."""
        return self.live.storage_at(address, slot)

    def code_at(self, address: str) -> bytes:
        """The runtime bytecode at `address` (empty when no contract lives there)."""
        return self.live.code_at(address)

    def describe(self) -> str:
        """A few lines a student can read: target, endpoint, chain id, accounts."""
        lines = [f"chain: {self.target}" + (f" at {self.rpc_url}" if self.rpc_url else " (in process)"),
                 f"chainId: {self.chain_id}   latest block: {self.block_number}", "accounts:"]
        lines += [f"  {a.name:<11} {a.address}" for a in self.accounts]
        return "\n".join(lines)


# ------------------------------------------------------------------ connecting
def connect(target: str = "tester", *, accounts: int = DEFAULT_ACCOUNTS,
            state_file: str | os.PathLike | None = None, mnemonic: str | None = None) -> Chain:
    """Connect to `target`: "tester", "anvil", "geth" or an http(s):// URL.

    `accounts` named accounts are derived from the test mnemonic (or
    $GRIDCHAIN_MNEMONIC for URL targets). `state_file` (anvil only) keeps the
    private chain across restarts.
    """
    if not isinstance(target, str) or not target.strip():
        raise GridError(f"unknown chain target {target!r}: use one of {', '.join(TARGETS)}", kind="input")
    target = target.strip()
    if not isinstance(accounts, int) or isinstance(accounts, bool) or not 1 <= accounts <= MAX_ACCOUNTS:
        raise GridError(f"accounts must be a whole number from 1 to {MAX_ACCOUNTS}, not {accounts!r}",
                        kind="input")
    if state_file is not None and target != "anvil":
        raise GridError("a state file works with the anvil chain only: use --chain anvil", kind="input")
    if target == "tester":
        return _connect_tester(accounts, mnemonic or TEST_MNEMONIC)
    if target == "anvil":
        return _connect_anvil(accounts, mnemonic or TEST_MNEMONIC, state_file)
    if target == "geth":
        return _connect_geth(accounts, mnemonic or TEST_MNEMONIC)
    if target.startswith(("http://", "https://")):
        return _connect_url(target, accounts, mnemonic or mnemonic_from_env())
    raise GridError(f"unknown chain target {target!r}: use one of {', '.join(TARGETS)}", kind="input")


def _connect_tester(count: int, mnemonic: str) -> Chain:
    """eth-tester with `count` funded, unlocked accounts, built in O(count).

    eth-tester's own `add_account` scans every account it holds, and its
    backend rebuilds an address -> key table (one keccak per account) for
    every transaction; the bench's 10,000 users would dominate the timings.
    The table is built once instead, so a transaction costs the same at 10 and
    at 10,000 accounts, as it does on a real node.
    """
    from eth_keys import KeyAPI
    from eth_tester import EthereumTester, PyEVMBackend
    from web3 import EthereumTesterProvider
    from web3.providers.eth_tester.defaults import API_ENDPOINTS, static_return

    class IndexedKeysBackend(PyEVMBackend):
        """PyEVMBackend whose address -> key table is built once, not per transaction."""

        @property
        def _key_lookup(self):
            if getattr(self, "_lookup_keys", None) is not self.account_keys:
                self._lookup = {k.public_key.to_canonical_address(): k for k in self.account_keys}
                self._lookup_keys = self.account_keys
            return self._lookup

    named = Accounts.derive(count, mnemonic)
    balance = 10_000 * 10**18
    genesis_state = {bytes.fromhex(a.address[2:]): {"balance": balance, "nonce": 0, "code": b"",
                                                     "storage": {}} for a in named}
    # The thesis's genesis timestamp, not "now", so genesis is reproducible.
    params = PyEVMBackend.generate_genesis_params(overrides={"timestamp": THESIS_GENESIS_TIMESTAMP})
    backend = IndexedKeysBackend(genesis_parameters=params, genesis_state=genesis_state)
    backend.chain.chain_id = THESIS_CHAIN_ID  # the same chainId as the anvil private chain
    # Only our named accounts, not eth-tester's own default keys.
    backend.account_keys = tuple(KeyAPI().PrivateKey(a.private_key) for a in named)
    tester = EthereumTester(backend)
    endpoints = {namespace: dict(methods) for namespace, methods in API_ENDPOINTS.items()}
    endpoints["eth"]["chainId"] = static_return(THESIS_CHAIN_ID)
    w3 = Web3(EthereumTesterProvider(tester, api_endpoints=endpoints))
    return Chain("tester", w3, named, TesterTransport(w3, tester), THESIS_CHAIN_ID)


def _http_web3(url: str) -> Web3:
    from web3 import HTTPProvider
    from web3.middleware import AttributeDictMiddleware

    # Only attrdict: web3's validation and gas middlewares each add round trips
    # per request; the toolkit supplies chainId, gas and fees itself. No request
    # cache: it keeps blocks it judges old by their timestamp, and our chains
    # stamp blocks with the thesis's 2019 date, so after a revert or a restart
    # it would show blocks that are gone.
    provider = HTTPProvider(url, request_kwargs={"timeout": 60}, cache_allowed_requests=False)
    return Web3(provider, middleware=[(AttributeDictMiddleware, "attrdict")])


def _rpc_chain(target: str, url: str, named: Accounts, *, local_fees: bool,
               process: Any = None) -> Chain:
    w3 = _http_web3(url)
    probe = RpcTransport(w3, url, unlocked=set(), local_fees=local_fees)
    try:
        chain_id = int(probe.rpc("eth_chainId", []), 16)
        node_accounts = set(probe.rpc("eth_accounts", []) or [])
    except RpcError as exc:
        if process is not None:
            process.stop()
        raise GridError(f"{url} answered, but not as an Ethereum node ({exc.message}): check the URL",
                        kind="node") from None
    except GridError:
        if process is not None:
            process.stop()
        raise
    ours = {a.address.lower() for a in named}
    unlocked = {a for a in node_accounts if a.lower() in ours}
    transport = RpcTransport(w3, url, unlocked=unlocked, local_fees=local_fees)
    return Chain(target, w3, named, transport, chain_id, rpc_url=url, process=process)


def _connect_anvil(count: int, mnemonic: str, state_file: Any) -> Chain:
    node = AnvilProcess.start(accounts=count, mnemonic=mnemonic, state_file=state_file)
    return _rpc_chain("anvil", node.url, Accounts.derive(count, mnemonic), local_fees=True, process=node)


def _connect_geth(count: int, mnemonic: str) -> Chain:
    from .geth import GethProcess

    node = GethProcess.start()
    chain = _rpc_chain("geth", node.url, Accounts.derive(count, mnemonic), local_fees=False, process=node)
    try:
        dev = chain.transport.rpc("eth_accounts", [])[0]
        for account in chain.accounts:  # fund the named accounts from geth's dev account
            chain.transport.submit("eth_sendTransactionSync", "eth_sendTransaction",
                                    {"from": dev, "to": account.address, "value": hex(GETH_FUNDING_WEI)})
    except Exception:
        chain.close()
        raise
    return chain


def _connect_url(url: str, count: int, mnemonic: str) -> Chain:
    return _rpc_chain(url, url, Accounts.derive(count, mnemonic), local_fees=False)


@atexit.register
def _close_all() -> None:
    # Belt and braces with PR_SET_PDEATHSIG: stop nodes we started on exit.
    for chain in list(_open_chains):
        try:
            chain.close()
        except Exception:
            pass
