"""The embedded chain: eth-tester (py-evm) in this process, behind the `Transport` protocol."""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from eth.exceptions import HeaderNotFound, TransactionNotFound
from eth_keys import KeyAPI
from eth_tester import EthereumTester, PyEVMBackend
from eth_tester.backends.pyevm.main import _get_transaction_by_hash as scan_for_transaction
from eth_tester.backends.pyevm.serializers import serialize_transaction, serialize_transaction_receipt
from eth_tester.exceptions import SnapshotNotFound, TransactionFailed
from eth_tester.exceptions import ValidationError as TesterRejected
from eth_utils import to_checksum_address
from eth_utils.exceptions import ValidationError as EvmRejected
from hexbytes import HexBytes
from web3 import EthereumTesterProvider, Web3
from web3.exceptions import ContractLogicError
from web3.providers.eth_tester.defaults import API_ENDPOINTS, static_return

from ..accounts import Accounts, NamedAccount
from ..errors import GridError
from .constants import THESIS_CHAIN_ID, THESIS_GENESIS_TIMESTAMP
from .transport import (
    LOCAL_MAX_FEE,
    LOCAL_PRIORITY_FEE,
    Receipt,
    RpcFailed,
    TxReverted,
    iter_logs,
    refused,
    to_rpc,
    unsupported,
)

TESTER_BALANCE_WEI = 10_000 * 10**18


class IndexedKeysBackend(PyEVMBackend):
    """PyEVMBackend that looks keys and transactions up in an index, not by scanning.

    eth-tester's own `add_account` scans every account it holds, and its
    backend rebuilds an address -> key table (one keccak per account) for
    every transaction; the bench's 10,000 users would dominate the timings.
    It also finds a transaction by walking every block back from the head,
    and eth_getLogs does that once per transaction in range: a day's history
    (1,600 transactions in 280 blocks) took 38 s a query. py-evm keeps a
    hash -> (block, index) table; it is used here, checked, and the walk kept
    for what it does not hold (the pending block, blocks a snapshot undid).
    """

    def get_transaction_by_hash(self, transaction_hash):
        block, transaction, index = self._find_transaction(transaction_hash)
        return serialize_transaction(block, transaction, index, self._is_pending(block))

    def get_transaction_receipt(self, transaction_hash):
        block, transaction, index = self._find_transaction(transaction_hash)
        receipts = block.get_receipts(self.chain.chaindb)
        return serialize_transaction_receipt(block, receipts, transaction, index, self._is_pending(block),
                                             self.chain.get_vm())

    def _find_transaction(self, transaction_hash):
        try:
            number, index = self.chain.chaindb.get_transaction_index(transaction_hash)
            block = self.chain.get_canonical_block_by_number(number)
            if index < len(block.transactions) and block.transactions[index].hash == transaction_hash:
                return block, block.transactions[index], index
        except (TransactionNotFound, HeaderNotFound):
            pass
        return scan_for_transaction(self.chain, transaction_hash)

    def _is_pending(self, block) -> bool:
        return block.number == self.chain.get_block().number

    @property
    def _key_lookup(self):
        if getattr(self, "_lookup_keys", None) is not self.account_keys:
            self._lookup = {k.public_key.to_canonical_address(): k for k in self.account_keys}
            self._lookup_keys = self.account_keys
        return self._lookup


def tester_web3(named: Accounts) -> tuple[Web3, EthereumTester]:
    """eth-tester with `named` funded, unlocked accounts, built in O(n), and a web3 on it."""
    genesis_state = {bytes.fromhex(a.address[2:]): {"balance": TESTER_BALANCE_WEI, "nonce": 0, "code": b"",
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
    return Web3(EthereumTesterProvider(tester, api_endpoints=endpoints)), tester


class TesterTransport:
    """eth-tester in this process: instant blocks, snapshots, no network."""

    signs_locally = False

    def __init__(self, w3: Web3, eth_tester: EthereumTester) -> None:
        self.w3 = w3
        self.eth_tester = eth_tester
        # py-evm's pending block is shared state: one request at a time.
        self.lock = threading.RLock()
        self._request: Callable[..., Any] | None = None

    def rpc(self, method: str, params: list) -> Any:
        # Through the provider's own middleware, which takes JSON-RPC's wire format
        # (camelCase keys, hex quantities); the answer goes back to wire format too,
        # so chain.rpc() reads the same on the tester chain as on a node.
        with self.lock:
            if self._request is None:
                self._request = self.w3.provider.request_func(self.w3, self.w3.middleware_onion)
            reply = self._request(method, list(params))
        error = reply.get("error")
        if error:
            if isinstance(error, str):
                raise RpcFailed(method, -32601 if "unknown" in error.lower() else 0, error)
            raise RpcFailed(method, error.get("code", 0), str(error.get("message", "")), error.get("data"))
        return to_rpc(reply.get("result"))

    def send(self, tx: dict, sender: NamedAccount) -> Receipt:
        tx = {**tx, **self.fee_fields()}
        with self.lock:
            try:
                tx_hash = self.w3.eth.send_transaction(tx)
            except (TesterRejected, EvmRejected) as exc:
                raise refused(sender, str(exc)) from None
            return _receipt(self.w3.eth.get_transaction_receipt(tx_hash))

    def send_many(self, items: list[tuple[dict, NamedAccount]]) -> list[Receipt]:
        # One by one: eth-tester re-runs a pending block's transactions as it
        # grows (measured: 32 transfers 1.0 s in one block, 0.4 s one by one).
        return [self.send(tx, sender) for tx, sender in items]

    def call(self, tx: dict, block: int | str = "latest") -> bytes:
        with self.lock:
            try:
                return bytes(self.w3.eth.call(tx, block))
            except (ContractLogicError, TransactionFailed):
                raise TxReverted("the call reverted", data=self._revert_data(tx, block)) from None

    def estimate_gas(self, tx: dict) -> int:
        with self.lock:
            try:
                return int(self.w3.eth.estimate_gas(tx))
            except (ContractLogicError, TransactionFailed):
                raise TxReverted("the estimate reverted", data=self._revert_data(tx, "latest")) from None
            except EvmRejected as exc:
                raise GridError(f"the chain refused to estimate this transaction ({exc}): check the "
                                f"sender has ether for gas", kind="node") from None

    def _revert_data(self, tx: dict, block: int | str) -> bytes:
        """The exact bytes a reverting transaction returned.

        web3 and eth-tester each rewrite a revert on its way up (a require's
        text decoded, other payloads as a repr), so the bytes are read again
        one level down: eth-tester's estimate hands over py-evm's Revert intact.
        """
        probe = {"from": tx["from"], "data": HexBytes(tx.get("data", b"")).to_0x_hex(),
                 "value": int(tx.get("value", 0))}
        if tx.get("to"):
            probe["to"] = tx["to"]
        try:
            self.eth_tester.estimate_gas(probe, block)
        except TransactionFailed as exc:
            reason = exc.args[0] if exc.args else None
            payload = reason.args[0] if isinstance(reason, Exception) and reason.args else reason
            return bytes(payload) if isinstance(payload, (bytes, bytearray)) else b""
        return b""

    def block_number(self) -> int:
        with self.lock:
            return self.w3.eth.block_number

    def block_timestamp(self, block: int | str = "latest") -> int:
        with self.lock:
            return int(self.eth_tester.get_block_by_number(block)["timestamp"])

    def storage_at(self, address: str, slot: int) -> bytes:
        with self.lock:
            return bytes(self.w3.eth.get_storage_at(address, slot)).rjust(32, b"\0")

    def code_at(self, address: str) -> bytes:
        with self.lock:
            return bytes(self.w3.eth.get_code(address))

    def balance(self, address: str) -> int:
        with self.lock:
            return int(self.eth_tester.get_balance(address))

    def next_nonce(self, address: str) -> int:
        with self.lock:
            return int(self.eth_tester.get_nonce(address))

    def forget_nonces(self) -> None:
        pass  # eth-tester assigns nonces itself

    def adopt(self, account: NamedAccount) -> None:
        with self.lock:
            if not any(a.lower() == account.address.lower() for a in self.eth_tester.get_accounts()):
                self.eth_tester.add_account("0x" + account.private_key.hex())

    def holds_key(self, address: str) -> bool:
        return True  # eth-tester signs for every named account

    def fee_fields(self) -> dict[str, int]:
        return {"maxFeePerGas": LOCAL_MAX_FEE, "maxPriorityFeePerGas": LOCAL_PRIORITY_FEE}

    def mine(self, count: int) -> None:
        with self.lock:
            self.eth_tester.mine_blocks(count)

    def set_automine(self, on: bool) -> None:
        with self.lock:
            if on:
                # Only the switch, as on a node: enable_auto_mine_transactions() would
                # also mine a block, an empty one after chain.batch() mined its own.
                self.eth_tester.auto_mine_transactions = True
            else:
                self.eth_tester.disable_auto_mine_transactions()

    def set_interval_mining(self, seconds: float) -> None:
        raise unsupported("mine on an interval", "eth-tester mines on each transaction or on mine(); "
                          "use the anvil chain for interval mining")

    def set_next_block_timestamp(self, timestamp: int) -> None:
        with self.lock:
            latest = self.block_timestamp("latest")
            if timestamp <= latest:
                raise GridError(f"the next block's timestamp must be after the latest block's ({latest}), "
                                f"not {timestamp}: a chain's clock never runs backwards", kind="input")
            chain = self.eth_tester.backend.chain
            chain.header = chain.header.copy(timestamp=timestamp)

    def snapshot(self) -> Any:
        with self.lock:
            return self.eth_tester.take_snapshot()

    def revert(self, snapshot_id: Any) -> None:
        with self.lock:
            try:
                self.eth_tester.revert_to_snapshot(snapshot_id)
            except SnapshotNotFound:
                raise GridError(f"there is no snapshot {snapshot_id!r} on this chain: use an id that "
                                f"snapshot() returned", kind="input") from None

    def exclusive(self) -> contextlib.AbstractContextManager[None]:
        return self.lock

    def recording(self) -> contextlib.AbstractContextManager[list[tuple[str, float]]]:
        raise unsupported("record JSON-RPC requests", "the tester chain sends none (it runs in this "
                          "process); use the anvil chain to trace requests")

    @contextlib.contextmanager
    def in_process(self) -> Iterator[EthereumTester]:
        with self.lock:
            yield self.eth_tester


def _receipt(r: Any) -> Receipt:
    return Receipt(tx_hash=HexBytes(r["transactionHash"]).to_0x_hex(),
                   block_number=int(r["blockNumber"]), gas_used=int(r["gasUsed"]),
                   status=int(r["status"]), contract_address=r.get("contractAddress"),
                   logs=tuple(iter_logs(r.get("logs"), lambda v: bytes(HexBytes(v)), to_checksum_address)))
