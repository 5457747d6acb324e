"""Reference solutions for notebook 07."""
import re

from eth_abi import decode

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
