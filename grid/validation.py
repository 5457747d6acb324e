"""Check contract arguments before anything is sent.

Each check returns the value in the form the ABI encoder wants, or raises a
GridError (kind "input") whose one sentence says what is wrong and what to
type instead. Nothing reaches the chain until every argument has passed.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from eth_utils import is_checksum_address, to_checksum_address

from .errors import GridError

UINT256_MAX = 2**256 - 1
INT256_MIN, INT256_MAX = -(2**255), 2**255 - 1
MAX_STRING_BYTES = 1024  # keeps a transaction's gas bounded and predictable

_HEX_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")  # ASCII digits only: "١٢" is not 12 here
MAX_DIGITS = 90  # 2**256 has 78 digits; longer text is too large before parsing it


def _fail(label: str, problem: str, fix: str) -> GridError:
    return GridError(f"{label} {problem}: {fix}", kind="input")


def check_address(value: Any, label: str = "the address",
                  resolve_name: Callable[[str], str] | None = None) -> str:
    """A 0x address (EIP-55 checked when mixed case) or, with `resolve_name`, an account name."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(label, "is missing", "give a 0x address of 40 hex digits or an account name")
    text = value.strip()
    if _HEX_ADDRESS.match(text):
        mixed = text[2:] != text[2:].lower() and text[2:] != text[2:].upper()
        if mixed and not is_checksum_address(text):
            raise _fail(label, f"{text} has a wrong EIP-55 checksum (a typo?)",
                        "copy the address again, or type it all in lower case")
        return to_checksum_address(text)
    if resolve_name is not None and not text.lower().startswith("0x"):
        return resolve_name(text)
    if text.lower().startswith("0x"):
        digits = len(text) - 2
        raise _fail(label, f"{text!r} is not an address ({digits} characters after 0x, need 40 hex digits)",
                    "copy the full address")
    raise _fail(label, f"{text!r} is not an address", "give a 0x address of 40 hex digits or an account name")


def _short(number: int) -> str:
    # A 78-digit number is not readable; its size is what matters.
    text = str(number)
    return text if len(text) <= 24 else f"{text[:6]}...({len(text)} digits)"


def _to_int(value: Any, label: str) -> int:
    if isinstance(value, bool):
        raise _fail(label, f"must be a whole number, not {value!r}", "type a number such as 100")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _fail(label, f"must be a whole number of units, not {value!r}", "round it, e.g. 100")
    if isinstance(value, str) and _INTEGER.match(value.strip().replace("_", "")):
        digits = value.strip().replace("_", "")
        if len(digits.lstrip("+-")) > MAX_DIGITS:
            raise _fail(label, f"is too large ({len(digits)} digits)", "give a smaller amount")
        return int(digits)
    raise _fail(label, f"must be a whole number, not {value!r}", "type digits only, e.g. 100")


def check_uint256(value: Any, label: str = "the amount") -> int:
    """A whole number from 0 to 2**256 - 1."""
    number = _to_int(value, label)
    if number < 0:
        raise _fail(label, f"cannot be negative ({number})", "give an amount of 0 or more")
    if number > UINT256_MAX:
        raise _fail(label, f"is too large ({_short(number)} does not fit in uint256, whose maximum "
                           f"is 2**256 - 1)", "give a smaller amount")
    return number


def check_int256(value: Any, label: str = "the value") -> int:
    """A whole number from -2**255 to 2**255 - 1."""
    number = _to_int(value, label)
    if not INT256_MIN <= number <= INT256_MAX:
        raise _fail(label, f"is out of range ({_short(number)} does not fit in int256, which holds "
                           f"-2**255 to 2**255 - 1)", "give a smaller number")
    return number


def check_bool(value: Any, label: str = "the flag") -> bool:
    """A real True/False (strings like 'true' and 'false' are accepted too)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _fail(label, f"must be true or false, not {value!r}", "tick or untick it")


def check_string(value: Any, label: str = "the text", *, required: bool = True) -> str:
    """Text of at most MAX_STRING_BYTES UTF-8 bytes; non-empty when `required`."""
    if not isinstance(value, str):
        raise _fail(label, f"must be text, not {type(value).__name__}", "type some text")
    if required and not value.strip():
        raise _fail(label, "is empty", "type some text")
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        raise _fail(label, "contains characters that are not valid Unicode text", "retype it") from None
    if size > MAX_STRING_BYTES:
        raise _fail(label, f"is too long ({size} bytes, max {MAX_STRING_BYTES})", "shorten it")
    return value


def check_argument(abi_type: str, value: Any, label: str, *,
                   resolve_name: Callable[[str], str] | None = None) -> Any:
    """Check one argument of ABI type `abi_type`."""
    if abi_type == "address":
        return check_address(value, label, resolve_name)
    if abi_type == "uint256":
        return check_uint256(value, label)
    if abi_type == "int256":
        return check_int256(value, label)
    if abi_type == "bool":
        return check_bool(value, label)
    if abi_type == "string":
        return check_string(value, label)
    raise GridError(f"{label} has ABI type {abi_type}, which this toolkit does not check yet",
                    kind="unsupported")
