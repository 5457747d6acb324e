"""Decode what a reverted transaction or call returned (Solidity ABI spec).

A revert carries `Error(string)` (a `require` with a message), `Panic(uint256)`
(an `assert`, an overflow, a division by zero, an array index out of bounds),
a custom error declared in the contract (`error InsufficientEscrow(uint256
need, uint256 got)`, ABI-encoded like a call), or nothing at all.
"""
from __future__ import annotations

from collections.abc import Mapping

from eth_abi import decode

from .abi import ErrorSpec, argument_names, python_value

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


def decode_revert_reason(data: bytes, errors: Mapping[bytes, ErrorSpec] | None = None) -> str | None:
    """The reason a revert carried, in words; None when it carried none.

    `errors` are the contract's custom errors by selector (ContractABI.errors):
    with them a custom error reads "InsufficientEscrow(need=5, got=3)".

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
    spec = (errors or {}).get(bytes(data[:4]))
    if spec is None:
        return f"custom error 0x{data[:4].hex()}"
    try:
        values = decode([t for t, _ in spec.inputs], data[4:])
    except Exception:
        return f"the custom error {spec.name}, whose arguments could not be decoded"
    named = zip(argument_names(spec.inputs), spec.inputs, values, strict=True)
    shown = ", ".join(f"{name}={_shown(kind, v)}" for name, (kind, _), v in named)
    return f"{spec.name}({shown})"


def decode_custom_error(data: bytes, errors: Mapping[bytes, ErrorSpec]) -> tuple[str, dict] | None:
    """(name, arguments by name) of a custom error in a revert payload; None for anything else."""
    spec = errors.get(bytes(data[:4])) if len(data) >= 4 else None
    if spec is None:
        return None
    try:
        values = decode([t for t, _ in spec.inputs], data[4:])
    except Exception:
        return None
    return spec.name, {name: python_value(kind, v)
                       for name, (kind, _), v in zip(argument_names(spec.inputs), spec.inputs, values,
                                                     strict=True)}


def _shown(kind: str, value: object) -> str:
    value = python_value(kind, value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return repr(value) if kind == "string" else str(value)
