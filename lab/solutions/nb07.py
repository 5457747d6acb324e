"""Reference solutions for notebook 07."""
import re

from eth_abi import decode

from lab.solutions import ModelAnswer
from primitives.hashing import keccak256


def split_calls_and_transactions(abi: list[dict]) -> tuple[list[str], list[str]]:
    """(calls, transactions): names of the view/pure functions and of the other functions."""
    calls, transactions = [], []
    for item in abi:
        if item.get("type") != "function":
            continue  # constructor, event, receive, fallback, error
        # Old ABIs (solc < 0.4.16) say "constant": true instead of a stateMutability.
        mutability = item.get("stateMutability") or ("view" if item.get("constant") else "nonpayable")
        (calls if mutability in ("view", "pure") else transactions).append(item["name"])
    return calls, transactions


def function_selector(signature: str) -> bytes:
    """First 4 bytes of keccak256 of the canonical signature (no spaces, uint -> uint256)."""
    canonical = re.sub(r"\s+", "", signature)
    canonical = re.sub(r"\b(u?int)\b", r"\g<1>256", canonical)
    return keccak256(canonical.encode("ascii"))[:4]


def transfer_calldata(to: str, amount: int) -> bytes:
    """Transfer(address,uint256) calldata: selector, then the address and the amount as 32-byte words."""
    selector = keccak256(b"Transfer(address,uint256)")[:4]
    return selector + bytes.fromhex(to[2:]).rjust(32, b"\0") + amount.to_bytes(32, "big")


def runtime_code_size(w3, address: str) -> int:
    """Bytes of runtime code stored at `address` (0 for an account held by a key)."""
    return len(w3.eth.get_code(address))


def generation_balance_call(w3, contract_address: str, caller_address: str) -> int:
    """GetGeneration() as `caller_address`, with web3 only: build calldata, eth_call, decode int256."""
    calldata = keccak256(b"GetGeneration()")[:4]           # no arguments: the selector is all
    raw = w3.eth.call({"from": caller_address, "to": contract_address, "data": calldata})
    return decode(["int256"], raw)[0]


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "07.1": split_calls_and_transactions,
    "07.2": function_selector,
    "07.3": transfer_calldata,
    "07.4": runtime_code_size,
    "07.5": generation_balance_call,
}

MODEL_ANSWERS = {
    "07.Q1": ModelAnswer(
        points=3,
        answer=(
            'A call is run by one node alone, on its copy of the state, and changes nothing: nothing is'
            ' mined, no other node repeats it, so there is nothing to pay for. A transaction is signed,'
            ' sent to every node, included in a block and executed by every node that validates the '
            'block, and its state change is stored forever; gas pays for that work and stops endless '
            "loops. A call's answer is only as good as the node that gives it: a node you do not "
            'control (a public RPC provider, a compromised server) can lie, a node that is out of sync '
            "or on a minority fork gives a stale answer, and a call on 'latest' may describe a block "
            'that is later reorganised away. To be sure, ask your own synced node, read at a block that'
            ' has enough confirmations, or check a Merkle proof of the storage against a block header '
            'you trust.'
        ),
        marking=(
            '1 point: a call runs on one node and changes no state, so no gas is paid; 1 point: a '
            'transaction is executed by every validating node and stored, which gas pays for; 1 point: '
            'a concrete case where a call cannot be trusted (untrusted or unsynced node, reorg) with a '
            'remedy (own node, confirmations, proof)'
        ),
    ),
}
