"""How transactions and calls reach a chain: in process, or over JSON-RPC.

Two transports with one interface, so the contract client never cares which
chain it talks to:
  * `TesterTransport` drives eth-tester (py-evm) in this process through web3;
  * `RpcTransport` speaks raw JSON-RPC over web3's kept-alive HTTP session,
    with pre-encoded parameters: the bench holds it to the bare round trip.
A reverted call raises `TxReverted` (a GridError carrying the revert
payload); a reverted transaction is mined and comes back as a receipt with
status 0. Every other failure is a GridError too.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from eth_account import Account
from hexbytes import HexBytes

from ..accounts import NamedAccount
from ..errors import GridError
from .jsonrpc import HttpStatusError, JsonRpcConnection, NodeUnreachable

# Fee caps for the local dev chains: the base fee there starts at 1 gwei and
# only falls; a fixed cap spares the two fee round trips web3 would add.
LOCAL_MAX_FEE = 100 * 10**9
LOCAL_PRIORITY_FEE = 10**9
RECEIPT_POLL_S = 0.002
RECEIPT_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Receipt:
    """The parts of a transaction receipt the toolkit reports."""

    tx_hash: str              # 32 bytes, 0x-hex
    block_number: int
    gas_used: int
    status: int               # 1 success, 0 reverted
    contract_address: str | None = None


class TxReverted(GridError):
    """A transaction or call reverted; `data` is the raw revert payload."""

    def __init__(self, message: str, *, data: bytes = b"", receipt: Receipt | None = None) -> None:
        super().__init__(message, kind="revert")
        self.data = bytes(data)
        self.receipt = receipt


def node_down(url: str) -> GridError:
    """The one sentence for a node that does not answer."""
    return GridError(f"cannot reach the Ethereum node at {url}: is it running? Start one with "
                     f"`python -m grid node`, or check the URL", kind="node")


def not_a_node(url: str, why: str) -> GridError:
    """The one sentence for a URL that answers, but not as an Ethereum node."""
    return GridError(f"{url} is not an Ethereum JSON-RPC endpoint ({why}): check the URL "
                     f"(a node usually listens on http://host:8545)", kind="node")


def refused(sender: NamedAccount, why: str) -> GridError:
    """The one sentence for a transaction the node would not accept."""
    why = why.strip().splitlines()[0] if why.strip() else "no reason given"
    return GridError(f"the chain refused {sender.name}'s transaction ({why}): check that the "
                     f"account has ether for gas and that the chain is the one you meant",
                     kind="node")


# ------------------------------------------------------------------ in process
class TesterTransport:
    """eth-tester in this process: instant blocks, snapshots, no network."""

    signs_locally = False

    def __init__(self, w3, eth_tester) -> None:
        self.w3 = w3
        self.eth_tester = eth_tester
        # py-evm's pending block is shared state: one request at a time.
        self.lock = threading.RLock()

    def send(self, tx: dict, sender: NamedAccount) -> Receipt:
        from eth_tester.exceptions import ValidationError as TesterRejected
        from eth_utils.exceptions import ValidationError as EvmRejected

        tx = {**tx, "maxFeePerGas": LOCAL_MAX_FEE, "maxPriorityFeePerGas": LOCAL_PRIORITY_FEE}
        with self.lock:
            try:
                tx_hash = self.w3.eth.send_transaction(tx)
            except (TesterRejected, EvmRejected) as exc:
                raise refused(sender, str(exc)) from None
            return _receipt(self.w3.eth.get_transaction_receipt(tx_hash))

    def call(self, tx: dict, block: int | str = "latest") -> bytes:
        from eth_tester.exceptions import TransactionFailed
        from web3.exceptions import ContractLogicError

        with self.lock:
            try:
                return bytes(self.w3.eth.call(tx, block))
            except ContractLogicError as exc:  # web3 decoded Error(string)/Panic: keep the bytes
                raise TxReverted("the call reverted", data=_revert_payload(exc.data)) from None
            except TransactionFailed as exc:
                arg = exc.args[0] if exc.args else b""
                data = bytes(arg) if isinstance(arg, (bytes, bytearray)) else b""
                raise TxReverted("the call reverted", data=data) from None

    def estimate_gas(self, tx: dict) -> int:
        from eth_tester.exceptions import TransactionFailed
        from eth_utils.exceptions import ValidationError
        from web3.exceptions import ContractLogicError

        with self.lock:
            try:
                return int(self.w3.eth.estimate_gas(tx))
            except ContractLogicError as exc:
                raise TxReverted("the estimate reverted", data=_revert_payload(exc.data)) from None
            except TransactionFailed:
                raise TxReverted("the estimate reverted") from None
            except ValidationError as exc:
                raise GridError(f"the chain refused to estimate this transaction ({exc}): check the "
                                f"sender has ether for gas", kind="node") from None

    def block_number(self) -> int:
        with self.lock:
            return self.w3.eth.block_number

    def storage_at(self, address: str, slot: int) -> bytes:
        with self.lock:
            return bytes(self.w3.eth.get_storage_at(address, slot)).rjust(32, b"\0")

    def code_at(self, address: str) -> bytes:
        with self.lock:
            return bytes(self.w3.eth.get_code(address))

    def mine(self, count: int) -> None:
        with self.lock:
            self.eth_tester.mine_blocks(count)

    def snapshot(self) -> Any:
        with self.lock:
            return self.eth_tester.take_snapshot()

    def revert(self, snapshot_id: Any) -> None:
        from eth_tester.exceptions import SnapshotNotFound

        with self.lock:
            try:
                self.eth_tester.revert_to_snapshot(snapshot_id)
            except SnapshotNotFound:
                raise GridError(f"there is no snapshot {snapshot_id!r} on this chain: use an id that "
                                f"snapshot() returned", kind="input") from None


# -------------------------------------------------------------------- JSON-RPC
class RpcError(Exception):
    """A JSON-RPC error object (internal: translated before it reaches users)."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.data = code, message, data


class RpcTransport:
    """Raw JSON-RPC to a node over a kept-alive http.client connection per thread."""

    def __init__(self, w3, url: str, *, unlocked: set[str], local_fees: bool) -> None:
        self.w3 = w3
        self.url = url
        self.connection = JsonRpcConnection(url)
        self.unlocked = {a.lower() for a in unlocked}
        self.local_fees = local_fees
        self.signs_locally = not self.unlocked
        self._nonces: dict[str, int] = {}
        self._nonce_lock = threading.Lock()  # one locally signed transaction per account at a time
        self._sync_methods = True  # eth_send*TransactionSync until the node says no

    # -- plumbing
    def rpc(self, method: str, params: list) -> Any:
        """One JSON-RPC request; raises RpcError, or a GridError when the node is down or odd."""
        try:
            reply = self.connection.request(method, params)
        except HttpStatusError as exc:
            raise not_a_node(self.url, f"it answered HTTP {exc.status}") from None
        except NodeUnreachable:
            raise node_down(self.url) from None
        except ValueError:  # the body was not JSON (an HTML page, say)
            raise not_a_node(self.url, "its answer is not JSON") from None
        if not isinstance(reply, dict) or ("result" not in reply and "error" not in reply):
            raise not_a_node(self.url, "its answer is not a JSON-RPC reply")
        error = reply.get("error")
        if error:
            if not isinstance(error, dict):
                raise not_a_node(self.url, "its error is not a JSON-RPC error object")
            raise RpcError(error.get("code", 0), str(error.get("message", "")), error.get("data"))
        return reply["result"]

    # -- transactions
    def send(self, tx: dict, sender: NamedAccount) -> Receipt:
        try:
            if sender.address.lower() in self.unlocked:
                return self._send_unlocked(_to_rpc(tx))
            return self._send_signed(tx, sender)
        except RpcError as exc:
            raise refused(sender, exc.message) from None

    def _send_unlocked(self, rpc_tx: dict) -> Receipt:
        if self.local_fees:
            rpc_tx = {**rpc_tx, "maxFeePerGas": hex(LOCAL_MAX_FEE),
                      "maxPriorityFeePerGas": hex(LOCAL_PRIORITY_FEE)}
        return self.submit("eth_sendTransactionSync", "eth_sendTransaction", rpc_tx)

    def _send_signed(self, tx: dict, sender: NamedAccount) -> Receipt:
        with self._nonce_lock:
            return self._send_signed_locked(tx, sender)

    def _send_signed_locked(self, tx: dict, sender: NamedAccount) -> Receipt:
        key = sender.address.lower()
        for attempt in range(2):
            if key not in self._nonces:
                self._nonces[key] = int(self.rpc("eth_getTransactionCount", [sender.address, "pending"]), 16)
            fields = {k: v for k, v in tx.items() if k != "from"}
            fields["nonce"] = self._nonces[key]
            if self.local_fees:
                fields.update(maxFeePerGas=LOCAL_MAX_FEE, maxPriorityFeePerGas=LOCAL_PRIORITY_FEE)
            else:
                fields["gasPrice"] = int(self.rpc("eth_gasPrice", []), 16)
            raw = "0x" + bytes(Account.sign_transaction(fields, sender.private_key).raw_transaction).hex()
            try:
                receipt = self.submit("eth_sendRawTransactionSync", "eth_sendRawTransaction", raw)
            except RpcError as exc:
                if "nonce" in exc.message.lower() and attempt == 0:
                    self._nonces.pop(key, None)  # another client used this account: resync
                    continue
                raise
            self._nonces[key] += 1
            return receipt
        raise AssertionError("unreachable")

    def submit(self, sync_method: str, async_method: str, param: Any) -> Receipt:
        if self._sync_methods:
            try:
                return _receipt_from_rpc(self.rpc(sync_method, [param]))
            except RpcError as exc:
                if exc.code != -32601 and "not found" not in exc.message.lower() \
                        and "not supported" not in exc.message.lower():
                    raise
                self._sync_methods = False  # an older node: poll for receipts
        tx_hash = self.rpc(async_method, [param])
        return self.wait_for_receipt(tx_hash)

    def wait_for_receipt(self, tx_hash: str) -> Receipt:
        """Poll fast for a receipt (local nodes mine in milliseconds)."""
        deadline = time.monotonic() + RECEIPT_TIMEOUT_S
        while time.monotonic() < deadline:
            found = self.rpc("eth_getTransactionReceipt", [tx_hash])
            if found:
                return _receipt_from_rpc(found)
            time.sleep(RECEIPT_POLL_S)
        raise GridError(f"transaction {tx_hash} was not mined within {RECEIPT_TIMEOUT_S:.0f} s: "
                        f"is the node mining?", kind="node")

    # -- calls and chain control
    def call(self, tx: dict, block: int | str = "latest") -> bytes:
        tag = hex(block) if isinstance(block, int) else block
        try:
            return bytes(HexBytes(self.rpc("eth_call", [_to_rpc(tx), tag])))
        except RpcError as exc:
            if exc.code == 3 or "revert" in exc.message.lower():
                raise TxReverted("the call reverted", data=_revert_payload(exc.data)) from None
            raise GridError(f"the node refused the call ({exc.message}): check the contract "
                            f"address and the node's log", kind="node") from None

    def estimate_gas(self, tx: dict) -> int:
        try:
            return int(self.rpc("eth_estimateGas", [_to_rpc(tx)]), 16)
        except RpcError as exc:
            if exc.code == 3 or "revert" in exc.message.lower():
                raise TxReverted("the estimate reverted", data=_revert_payload(exc.data)) from None
            raise GridError(f"the node could not estimate the gas ({exc.message}): check the node's log",
                            kind="node") from None

    def block_number(self) -> int:
        return int(self.rpc("eth_blockNumber", []), 16)

    def storage_at(self, address: str, slot: int) -> bytes:
        return bytes(HexBytes(self.rpc("eth_getStorageAt", [address, hex(slot), "latest"]))).rjust(32, b"\0")

    def code_at(self, address: str) -> bytes:
        return bytes(HexBytes(self.rpc("eth_getCode", [address, "latest"]) or "0x"))

    def mine(self, count: int) -> None:
        try:
            self.rpc("anvil_mine", [hex(count)])
            return
        except RpcError:
            pass
        try:
            for _ in range(count):
                self.rpc("evm_mine", [])
        except RpcError:
            raise GridError("this node cannot mine on request (no anvil_mine or evm_mine): "
                            "blocks arrive at the node's own pace", kind="unsupported") from None

    def snapshot(self) -> Any:
        try:
            return self.rpc("evm_snapshot", [])
        except RpcError:
            raise GridError("this node does not support snapshots (evm_snapshot): use the "
                            "tester or anvil chain for that", kind="unsupported") from None

    def revert(self, snapshot_id: Any) -> None:
        try:
            ok = self.rpc("evm_revert", [snapshot_id])
        except RpcError:
            ok = False
        if not ok:
            raise GridError("the node could not revert to that snapshot (each snapshot can be "
                            "reverted to once): take a new snapshot", kind="unsupported")


def _revert_payload(data: Any) -> bytes:
    # Nodes put the revert bytes in error.data, as hex or as {"data": hex}.
    if isinstance(data, dict):
        data = data.get("data")
    return bytes(HexBytes(data)) if isinstance(data, str) and data.startswith("0x") else b""


def _to_rpc(tx: dict) -> dict:
    """web3-style transaction fields to JSON-RPC hex strings."""
    out = {}
    for key, value in tx.items():
        if isinstance(value, int) and not isinstance(value, bool):
            out[key] = hex(value)
        elif isinstance(value, (bytes, bytearray)):
            out[key] = "0x" + bytes(value).hex()
        else:
            out[key] = value
    return out


def _receipt(r: Any) -> Receipt:
    return Receipt(tx_hash=HexBytes(r["transactionHash"]).to_0x_hex(),
                   block_number=int(r["blockNumber"]), gas_used=int(r["gasUsed"]),
                   status=int(r["status"]), contract_address=r.get("contractAddress"))


def _receipt_from_rpc(r: dict) -> Receipt:
    from eth_utils import to_checksum_address

    address = r.get("contractAddress")
    return Receipt(tx_hash=r["transactionHash"], block_number=int(r["blockNumber"], 16),
                   gas_used=int(r["gasUsed"], 16), status=int(r["status"], 16),
                   contract_address=to_checksum_address(address) if address else None)
