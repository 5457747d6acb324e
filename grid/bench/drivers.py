"""Three ways to do the same work, timed side by side.

  * `ToolkitDriver`: the toolkit's `PowerGridClient`, one per virtual user;
  * `FloorDriver`: the bare round trip, the fastest a client could possibly be:
    raw HTTP on one kept-alive connection with request bodies encoded before
    the clock starts (on tester: the bare eth-tester call, no web3, no client);
  * `Web3Driver`: a plain, default-configured web3.py client:
    `contract.functions.X(...).transact()` + `wait_for_transaction_receipt`,
    and `.call()`.

The four functions of the thesis's chapter 6 map to the contract like this:
Generate Power -> GeneratePower(1), Transfer Power -> Transfer(buyer, 1),
Consume Power -> PowerConsume(1), Query Information -> GetUsedOfSelf()
(the first query of section 5.1.2.5).
"""
from __future__ import annotations

import http.client
import json
import threading
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlparse

from eth_abi import encode
from eth_account import Account
from web3 import Web3
from web3.middleware import SignAndSendRawMiddlewareBuilder

from ..accounts import NamedAccount
from ..chain import LOCAL_MAX_FEE, LOCAL_PRIORITY_FEE, Chain, node_down
from ..errors import GridError
from ..powergrid import GAS_BASE, PowerGridClient

GENERATE, CONSUME, TRANSFER, QUERY = "Generate Power", "Consume Power", "Transfer Power", "Query Information"
FUNCTIONS = (GENERATE, CONSUME, TRANSFER, QUERY)
TRANSACTIONS = (GENERATE, CONSUME, TRANSFER)
CONTRACT_FUNCTION = {GENERATE: "GeneratePower", CONSUME: "PowerConsume", TRANSFER: "Transfer",
                     QUERY: "GetUsedOfSelf"}
AMOUNT = 1  # every transaction moves 1 Wh


@dataclass(frozen=True)
class Request:
    """One request of the workload: who does what (buyer only for Transfer Power)."""

    function: str
    sender: NamedAccount
    buyer: NamedAccount | None = None


def contract_arguments(request: Request) -> list:
    """The contract function's arguments for `request`."""
    if request.function == TRANSFER:
        return [request.buyer.address, AMOUNT]
    if request.function == QUERY:
        return []
    return [AMOUNT]


# ------------------------------------------------------------------ toolkit
class ToolkitDriver:
    """Each request goes through the sender's own PowerGridClient."""

    name = "toolkit"

    def __init__(self, clients: dict[str, PowerGridClient]) -> None:
        self.clients = clients  # address -> that virtual user's client

    def run(self, request: Request) -> None:
        client = self.clients[request.sender.address]
        if request.function == GENERATE:
            client.generate_power(AMOUNT)
        elif request.function == TRANSFER:
            client.sell_power(request.buyer.address, AMOUNT)
        elif request.function == CONSUME:
            client.consume_power(AMOUNT)
        else:
            client.remaining_power()


# -------------------------------------------------------------------- floor
class FloorDriver:
    """The bare round trip: `prepare()` encodes outside the clock, `send()` is timed."""

    name = "floor"

    def prepare(self, requests: list[Request]) -> list[Any]:
        raise NotImplementedError

    def send(self, prepared: Any) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


def floor_driver(chain: Chain, contract: PowerGridClient) -> FloorDriver:
    """The floor for this chain: in-process eth-tester, or raw JSON-RPC over HTTP."""
    if chain.target == "tester":
        return TesterFloor(chain, contract)
    return RpcFloor(chain, contract)


def _calldata(contract: PowerGridClient, request: Request) -> bytes:
    spec = contract.functions[CONTRACT_FUNCTION[request.function]]
    return spec.selector + encode([t for t, _ in spec.inputs], contract_arguments(request))


class TesterFloor(FloorDriver):
    """eth-tester's own API, without web3 or the client: the in-process floor."""

    def __init__(self, chain: Chain, contract: PowerGridClient) -> None:
        self.chain = chain
        self.contract = contract

    def prepare(self, requests: list[Request]) -> list[tuple[bool, dict]]:
        out = []
        for request in requests:
            tx = {"from": request.sender.address, "to": self.contract.address,
                  "data": "0x" + _calldata(self.contract, request).hex()}
            if request.function != QUERY:
                tx.update(gas=GAS_BASE, max_fee_per_gas=LOCAL_MAX_FEE,
                          max_priority_fee_per_gas=LOCAL_PRIORITY_FEE)
            out.append((request.function == QUERY, tx))
        return out

    def send(self, prepared: tuple[bool, dict]) -> None:
        is_call, tx = prepared
        with self.chain.in_process() as tester:  # held: py-evm is not thread-safe
            if is_call:
                tester.call(tx, "latest")
                return
            receipt = tester.get_transaction_receipt(tester.send_transaction(tx))
        if receipt["status"] != 1:
            raise GridError("a floor transaction reverted on the tester chain: the bench's "
                            "workload is out of step with the contract", kind="revert")


class RpcFloor(FloorDriver):
    """Raw JSON-RPC: http.client, one kept-alive connection per thread, pre-encoded bodies."""

    HEADERS: ClassVar[dict[str, str]] = {"Content-Type": "application/json"}

    def __init__(self, chain: Chain, contract: PowerGridClient) -> None:
        self.chain = chain
        self.contract = contract
        self.url = chain.rpc_url
        parts = urlparse(self.url)
        self._connection_args = (parts.scheme, parts.hostname, parts.port, parts.path or "/")
        self._local = threading.local()
        self.sync = self._node_has_sync_methods()

    # -- plumbing
    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            scheme, host, port, _ = self._connection_args
            cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            conn = self._local.conn = cls(host, port, timeout=60)
        return conn

    def post(self, body: bytes) -> bytes:
        """One POST on this thread's kept-alive connection; the raw reply."""
        conn = self._connection()
        try:
            conn.request("POST", self._connection_args[3], body, self.HEADERS)
            return conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self._local.conn = None
            raise node_down(self.url) from None

    def _node_has_sync_methods(self) -> bool:
        reply = json.loads(self.post(rpc_body("eth_sendTransactionSync", [])))
        code = (reply.get("error") or {}).get("code")
        message = str((reply.get("error") or {}).get("message", "")).lower()
        return not (code == -32601 or "not found" in message or "not supported" in message)

    # -- the floor
    def prepare(self, requests: list[Request]) -> list[tuple[bool, bytes]]:
        out = []
        nonces: dict[str, int] = {}
        for request in requests:
            data = "0x" + _calldata(self.contract, request).hex()
            sender = request.sender
            if request.function == QUERY:
                call = {"from": sender.address, "to": self.contract.address, "data": data}
                out.append((True, rpc_body("eth_call", [call, "latest"])))
            elif self.chain.holds_key(sender):
                tx = {"from": sender.address, "to": self.contract.address, "data": data,
                      "gas": hex(GAS_BASE), **self._fees()}
                method = "eth_sendTransactionSync" if self.sync else "eth_sendTransaction"
                out.append((False, rpc_body(method, [tx])))
            else:  # sign now, outside the clock, with consecutive nonces
                if sender.address not in nonces:
                    nonces[sender.address] = self.chain.next_nonce(sender)
                raw = self._signed(sender, data, nonces[sender.address])
                nonces[sender.address] += 1
                method = "eth_sendRawTransactionSync" if self.sync else "eth_sendRawTransaction"
                out.append((False, rpc_body(method, [raw])))
        return out

    def _fees(self) -> dict:
        return wire_fee_fields(self.chain)

    def _signed(self, sender: NamedAccount, data: str, nonce: int) -> str:
        fields = {"to": self.contract.address, "data": data, "gas": GAS_BASE, "value": 0,
                  "nonce": nonce, "chainId": self.chain.chain_id}
        fields.update(self.chain.fee_fields())
        return "0x" + bytes(Account.sign_transaction(fields, sender.private_key).raw_transaction).hex()

    def send(self, prepared: tuple[bool, bytes]) -> None:
        is_call, body = prepared
        reply = self.post(body)
        if b'"error"' in reply:
            message = json.loads(reply).get("error", {}).get("message", "no message")
            raise GridError(f"the node refused a floor request ({message}): is the chain the one "
                            f"the bench set up?", kind="node")
        if is_call:
            return
        if not self.sync:  # an older node: poll for the receipt, as tightly as possible
            tx_hash = json.loads(reply)["result"]
            poll = rpc_body("eth_getTransactionReceipt", [tx_hash])
            while b'"result":null' in (reply := self.post(poll)).replace(b" ", b""):
                pass
        if b'"status":"0x0"' in reply.replace(b" ", b""):
            raise GridError("a floor transaction reverted: the bench's workload is out of step "
                            "with the contract", kind="revert")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()


def wire_fee_fields(chain: Chain) -> dict[str, str]:
    """The EIP-1559 fee caps as JSON-RPC hex fields; none where the node prices gas itself."""
    fees = chain.fee_fields()
    return {} if "gasPrice" in fees else {name: hex(value) for name, value in fees.items()}


def rpc_body(method: str, params: list) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params},
                      separators=(",", ":")).encode()


# --------------------------------------------------------------------- web3
class Web3Driver:
    """A plain web3.py client with its default configuration (middleware and all)."""

    name = "web3"

    def __init__(self, chain: Chain, contract: PowerGridClient, signers: list[NamedAccount]) -> None:
        if chain.target == "tester":
            w3 = Web3(chain.w3.provider)  # the same in-process chain, default middleware
        else:
            w3 = Web3(Web3.HTTPProvider(chain.rpc_url))
            locked = [a for a in signers if not chain.holds_key(a)]
            if locked:  # web3's documented way to send from keys it holds
                w3.middleware_onion.inject(
                    SignAndSendRawMiddlewareBuilder.build([a.private_key for a in locked]), layer=0)
        self.w3 = w3
        self.contract = w3.eth.contract(address=contract.address, abi=contract.artifact.abi)

    def run(self, request: Request) -> None:
        function = getattr(self.contract.functions, CONTRACT_FUNCTION[request.function])
        bound = function(*contract_arguments(request))
        if request.function == QUERY:
            bound.call({"from": request.sender.address})
            return
        tx_hash = bound.transact({"from": request.sender.address})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash)
        if receipt["status"] != 1:
            raise GridError("a web3.py transaction reverted: the bench's workload is out of step "
                            "with the contract", kind="revert")
