"""Decode what a reverted transaction or call returned (Solidity ABI spec)."""
from __future__ import annotations

from eth_abi import decode

ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string): require(cond, "reason")
PANIC_SELECTOR = bytes.fromhex("4e487b71")  # Panic(uint256): assert, overflow, ...

# Solidity docs, "Panic via assert and Error via require".
PANIC_CODES = {
    0x00: "a generic compiler-inserted panic",
    0x01: "an assert() failed",
    0x11: "an arithmetic operation overflowed or underflowed",
    0x12: "division or modulo by zero",
    0x21: "a value was converted to an invalid enum",
    0x22: "an incorrectly encoded storage byte array was accessed",
    0x31: ".pop() was called on an empty array",
    0x32: "an array index was out of bounds",
    0x41: "too much memory was allocated",
    0x51: "an uninitialised internal function was called",
}


def decode_revert_reason(data: bytes) -> str | None:
    """The reason a revert carried, in words; None when it carried none.

    The seed contract's `require`s have no message, so its reverts carry no
    data at all: the client then explains them from the contract's state.
    """
    if not data:
        return None
    if data[:4] == ERROR_SELECTOR:
        try:
            return decode(["string"], data[4:])[0]
        except Exception:
            return "an Error(string) whose text could not be decoded"
    if data[:4] == PANIC_SELECTOR:
        try:
            code = decode(["uint256"], data[4:])[0]
        except Exception:
            return "a Panic whose code could not be decoded"
        return f"panic 0x{code:02x}: {PANIC_CODES.get(code, 'an unknown panic code')}"
    return f"custom error 0x{data[:4].hex()}"
