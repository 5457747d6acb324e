"""A node over JSON-RPC (anvil, geth, any URL), behind the `Transport` protocol."""
from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from eth_account import Account
from eth_utils import to_checksum_address
from hexbytes import HexBytes

from ..accounts import NamedAccount
from ..errors import GridError
from .jsonrpc import HttpStatusError, JsonRpcConnection, NodeUnreachable
from .nonces import NONCE_RETRIES, AccountSlot, account_slot, forget_slots, nonce_conflict
from .transport import (
    LOCAL_MAX_FEE,
    LOCAL_PRIORITY_FEE,
    Receipt,
    RpcFailed,
    TxReverted,
    history_gone,
    iter_logs,
    node_down,
    not_a_node,
    past_state_unavailable,
    refused,
    to_rpc,
    unsupported,
)

RECEIPT_POLL_S = 0.002
RECEIPT_TIMEOUT_S = 120.0
BATCH_EXTRA_BLOCKS = 8   # blocks mined for a batch too big for one block's gas limit


class RpcTransport:
    """Raw JSON-RPC to a node over a kept-alive http.client connection per thread."""

    def __init__(self, url: str, *, unlocked: set[str], local_fees: bool) -> None:
        self.url = url
        self.connection = JsonRpcConnection(url)
        self.unlocked = {a.lower() for a in unlocked}
        self.local_fees = local_fees
        self.signs_locally = not self.unlocked
        self._sync_methods = True  # eth_send*TransactionSync until the node says no
        self._recorders: list[list[tuple[str, float]]] = []

    # -- plumbing
    def close(self) -> None:
        """Close the connection to the node (a later request would open a new one)."""
        self.connection.close()

    def rpc(self, method: str, params: list) -> Any:
        """One JSON-RPC request; RpcFailed for a JSON-RPC error, GridError when the node is down or odd."""
        started = time.perf_counter() if self._recorders else 0.0
        try:
            reply = self.connection.request(method, list(params))
        except HttpStatusError as exc:
            raise not_a_node(self.url, f"it answered HTTP {exc.status}") from None
        except NodeUnreachable as exc:
            raise node_down(self.url, exc.cause) from None
        except ValueError:  # the body was not JSON (an HTML page, say)
            raise not_a_node(self.url, "its answer is not JSON") from None
        finally:
            for log in self._recorders:
                log.append((method, time.perf_counter() - started))
        if not isinstance(reply, dict) or ("result" not in reply and "error" not in reply):
            raise not_a_node(self.url, "its answer is not a JSON-RPC reply")
        error = reply.get("error")
        if error:
            if not isinstance(error, dict):
                raise not_a_node(self.url, "its error is not a JSON-RPC error object")
            raise RpcFailed(method, error.get("code", 0), str(error.get("message", "")), error.get("data"))
        return reply["result"]

    # -- transactions
    def send(self, tx: dict, sender: NamedAccount) -> Receipt:
        slot = account_slot(self.url, sender.address)
        # One transaction per account at a time, for every client of this node in
        # this process: two in flight would race for the same nonce.
        with slot.lock:
            for _ in range(NONCE_RETRIES):
                try:
                    if self.holds_key(sender.address):
                        # The node picks the nonce and fills in a gas price itself.
                        fees = self.fee_fields() if self.local_fees else {}
                        return self.submit("eth_sendTransactionSync", "eth_sendTransaction",
                                           to_rpc({**tx, **fees}))
                    return self._send_signed(tx, sender, slot)
                except RpcFailed as exc:
                    if not nonce_conflict(exc.rpc_message):
                        raise refused(sender, exc.rpc_message) from None
                    # The node refused it, so it did not land: another program took
                    # the nonce. Read the account's nonce again and resend.
                    slot.next = None
        raise GridError(f"another program is sending from {sender.name} at the same time, and its "
                        f"transactions keep taking the nonce this one needs: send from one program per "
                        f"account (or give each program its own account), then try again", kind="node")

    def send_many(self, items: list[tuple[dict, NamedAccount]]) -> list[Receipt]:
        """Send several transactions into one block: automine paused, all sent, one block mined.

        A node without an automine switch (geth, a public node) gets them one
        by one instead. Each transaction succeeds or reverts on its own; one the
        node refuses stops the rest from being sent, and those sent before it
        are still mined.
        """
        if len(items) < 2 or not self._pause_automine():
            return [self.send(tx, sender) for tx, sender in items]
        slots = {sender.address.lower(): account_slot(self.url, sender.address) for _, sender in items}
        hashes: list[str] = []
        try:
            with contextlib.ExitStack() as held:
                for _, slot in sorted(slots.items()):    # one order everywhere: no two batches deadlock
                    held.enter_context(slot.lock)
                for tx, sender in items:
                    hashes.append(self._send_pending(tx, sender, slots[sender.address.lower()]))
        finally:
            try:
                if hashes:
                    self.mine(1)
            finally:
                self.set_automine(True)
        return [self._mined(tx_hash) for tx_hash in hashes]

    def _pause_automine(self) -> bool:
        try:
            self.set_automine(False)
        except GridError as exc:
            if exc.kind != "unsupported":
                raise
            return False
        return True

    def _send_pending(self, tx: dict, sender: NamedAccount, slot: AccountSlot) -> str:
        """Hand one transaction to the node's pool without waiting for a block; its hash."""
        try:
            if self.holds_key(sender.address):
                fees = self.fee_fields() if self.local_fees else {}
                return self.rpc("eth_sendTransaction", [to_rpc({**tx, **fees})])
            if slot.next is None:
                slot.next = self.next_nonce(sender.address)
            fields = {k: v for k, v in tx.items() if k != "from"} | {"nonce": slot.next} | self.fee_fields()
            signed = Account.sign_transaction(fields, sender.private_key)
            tx_hash = self.rpc("eth_sendRawTransaction", ["0x" + bytes(signed.raw_transaction).hex()])
        except RpcFailed as exc:
            slot.next = None
            raise refused(sender, exc.rpc_message) from None
        slot.next += 1
        return tx_hash

    def _mined(self, tx_hash: str) -> Receipt:
        """The receipt of a transaction sent with `send_many` (a further block when the first was full)."""
        for _ in range(BATCH_EXTRA_BLOCKS + 1):
            found = self.rpc("eth_getTransactionReceipt", [tx_hash])
            if found:
                return _receipt(found)
            self.mine(1)
        raise GridError(f"transaction {tx_hash} was sent but not mined in {BATCH_EXTRA_BLOCKS + 1} blocks: "
                        f"is another program pausing this node's mining?", kind="node")

    def _send_signed(self, tx: dict, sender: NamedAccount, slot: AccountSlot) -> Receipt:
        if slot.next is None:
            slot.next = self.next_nonce(sender.address)
        fields = {k: v for k, v in tx.items() if k != "from"}
        fields["nonce"] = slot.next
        fields.update(self.fee_fields())
        signed = Account.sign_transaction(fields, sender.private_key)
        raw = "0x" + bytes(signed.raw_transaction).hex()
        try:
            receipt = self.submit("eth_sendRawTransactionSync", "eth_sendRawTransaction", raw)
        except RpcFailed as exc:
            if nonce_conflict(exc.rpc_message):
                # "already known" can be this very transaction: then it is in, not lost.
                landed = self.rpc("eth_getTransactionReceipt", ["0x" + bytes(signed.hash).hex()])
                if landed:
                    slot.next += 1
                    return _receipt(landed)
            raise
        except GridError:
            slot.next = None  # the node went away mid-send: whether it landed is unknown
            raise
        slot.next += 1
        return receipt

    def submit(self, sync_method: str, async_method: str, param: Any) -> Receipt:
        """Send with the node's *Sync method (one round trip), else send and poll for the receipt."""
        if self._sync_methods:
            try:
                return _receipt(self.rpc(sync_method, [param]))
            except RpcFailed as exc:
                if exc.kind != "unsupported":
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
                return _receipt(found)
            time.sleep(RECEIPT_POLL_S)
        raise GridError(f"transaction {tx_hash} was not mined within {RECEIPT_TIMEOUT_S:.0f} s: "
                        f"is the node mining?", kind="node")

    # -- calls and reads
    def call(self, tx: dict, block: int | str = "latest") -> bytes:
        tag = hex(block) if isinstance(block, int) else block
        try:
            return bytes(HexBytes(self.rpc("eth_call", [to_rpc(tx), tag])))
        except RpcFailed as exc:
            if _is_revert(exc):
                raise TxReverted("the call reverted", data=_revert_payload(exc.data)) from None
            if history_gone(exc.rpc_message):
                raise past_state_unavailable(block) from None
            raise GridError(f"the node refused the call ({exc.rpc_message}): check the contract "
                            f"address and the node's log", kind="node") from None

    def estimate_gas(self, tx: dict) -> int:
        try:
            return int(self.rpc("eth_estimateGas", [to_rpc(tx)]), 16)
        except RpcFailed as exc:
            if _is_revert(exc):
                raise TxReverted("the estimate reverted", data=_revert_payload(exc.data)) from None
            raise GridError(f"the node could not estimate the gas ({exc.rpc_message}): check the node's "
                            f"log", kind="node") from None

    def block_number(self) -> int:
        return int(self.rpc("eth_blockNumber", []), 16)

    def block_timestamp(self, block: int | str = "latest") -> int:
        tag = hex(block) if isinstance(block, int) else block
        found = self.rpc("eth_getBlockByNumber", [tag, False])
        if not found:
            raise GridError(f"there is no block {block} on this chain: the latest is {self.block_number()}",
                            kind="input")
        return int(found["timestamp"], 16)

    def storage_at(self, address: str, slot: int) -> bytes:
        return bytes(HexBytes(self.rpc("eth_getStorageAt", [address, hex(slot), "latest"]))).rjust(32, b"\0")

    def code_at(self, address: str) -> bytes:
        return bytes(HexBytes(self.rpc("eth_getCode", [address, "latest"]) or "0x"))

    def balance(self, address: str) -> int:
        return int(self.rpc("eth_getBalance", [address, "latest"]), 16)

    def next_nonce(self, address: str) -> int:
        return int(self.rpc("eth_getTransactionCount", [address, "pending"]), 16)

    def forget_nonces(self) -> None:
        forget_slots(self.url)

    def adopt(self, account: NamedAccount) -> None:
        pass  # a key the node does not hold is signed with locally anyway

    def holds_key(self, address: str) -> bool:
        return address.lower() in self.unlocked

    def fee_fields(self) -> dict[str, int]:
        if self.local_fees:
            return {"maxFeePerGas": LOCAL_MAX_FEE, "maxPriorityFeePerGas": LOCAL_PRIORITY_FEE}
        return {"gasPrice": int(self.rpc("eth_gasPrice", []), 16)}

    # -- chain control
    def mine(self, count: int) -> None:
        with contextlib.suppress(RpcFailed):
            self.rpc("anvil_mine", [hex(count)])
            return
        try:
            for _ in range(count):
                self.rpc("evm_mine", [])
        except RpcFailed:
            raise unsupported("mine on request (no anvil_mine or evm_mine)",
                              "blocks arrive at the node's own pace") from None

    def set_automine(self, on: bool) -> None:
        try:
            self.rpc("evm_setAutomine", [bool(on)])
        except RpcFailed:
            raise unsupported("switch automine (no evm_setAutomine)",
                              "use the tester or anvil chain") from None

    def set_interval_mining(self, seconds: float) -> None:
        try:
            self.rpc("evm_setIntervalMining", [seconds])
        except RpcFailed:
            raise unsupported("mine on an interval (no evm_setIntervalMining)",
                              "use the anvil chain, or start the node with a block time") from None

    def set_next_block_timestamp(self, timestamp: int) -> None:
        try:
            self.rpc("evm_setNextBlockTimestamp", [int(timestamp)])
        except RpcFailed as exc:
            if exc.kind == "unsupported":
                raise unsupported("set the next block's timestamp", "use the tester or anvil chain") from None
            latest = self.block_timestamp("latest")
            raise GridError(f"the node refused timestamp {timestamp} ({exc.rpc_message}): it must be after "
                            f"the latest block's ({latest})", kind="input") from None

    def snapshot(self) -> Any:
        try:
            return self.rpc("evm_snapshot", [])
        except RpcFailed:
            raise unsupported("take snapshots (no evm_snapshot)", "use the tester or anvil chain for that") \
                from None

    def revert(self, snapshot_id: Any) -> None:
        try:
            ok = self.rpc("evm_revert", [snapshot_id])
        except RpcFailed:
            ok = False
        if not ok:
            raise GridError("the node could not revert to that snapshot (each snapshot can be "
                            "reverted to once): take a new snapshot", kind="unsupported")
        self.forget_nonces()  # the reverted state has the older nonces

    def exclusive(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()  # a node answers each request on one state already

    @contextlib.contextmanager
    def recording(self) -> Iterator[list[tuple[str, float]]]:
        log: list[tuple[str, float]] = []
        self._recorders.append(log)
        try:
            yield log
        finally:
            self._recorders.remove(log)

    def in_process(self) -> contextlib.AbstractContextManager[Any]:
        raise unsupported("hand over an in-process EthereumTester", f"it is a node at {self.url}")


def _is_revert(exc: RpcFailed) -> bool:
    return exc.code == 3 or "revert" in exc.rpc_message.lower()


def _revert_payload(data: Any) -> bytes:
    # Nodes put the revert bytes in error.data, as hex or as {"data": hex}.
    if isinstance(data, dict):
        data = data.get("data")
    return bytes(HexBytes(data)) if isinstance(data, str) and data.startswith("0x") else b""


def _receipt(r: dict) -> Receipt:
    address = r.get("contractAddress")
    return Receipt(tx_hash=r["transactionHash"], block_number=int(r["blockNumber"], 16),
                   gas_used=int(r["gasUsed"], 16), status=int(r["status"], 16),
                   contract_address=to_checksum_address(address) if address else None,
                   logs=tuple(iter_logs(r.get("logs"), lambda v: bytes(HexBytes(v)), to_checksum_address)))
