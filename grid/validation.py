"""Check contract arguments before anything is sent.

Each check returns the value in the form the ABI encoder wants, or raises a
GridError (kind "input") whose one sentence says what is wrong and what to
type instead. Nothing reaches the chain until every argument has passed.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from eth_utils import is_checksum_address, to_checksum_address

from .errors import GridError

UINT256_MAX = 2**256 - 1
INT256_MIN, INT256_MAX = -(2**255), 2**255 - 1
MAX_STRING_BYTES = 1024  # keeps a transaction's gas bounded and predictable

_HEX_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")  # ASCII digits only: "١٢" is not 12 here
MAX_DIGITS = 90  # 2**256 has 78 digits; longer text is too large before parsing it
MAX_ARRAY_ITEMS = 1024  # like MAX_STRING_BYTES: keeps one transaction's gas bounded


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


FLOAT_EXACT_LIMIT = 2**53  # every whole number up to here is exactly one float; above, floats skip some


def _to_int(value: Any, label: str) -> int:
    if isinstance(value, bool):
        raise _fail(label, f"must be a whole number, not {value!r}", "type a number such as 100")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise _fail(label, f"must be a whole number, not {value!r}", "round it, e.g. 100")
        if abs(value) > FLOAT_EXACT_LIMIT:
            # 1e30 is really 1000000000000000019884624839424: never send a float's rounding.
            raise _fail(label, f"is the float {value!r}, which is not exact above 2**53",
                        "write the whole number as an int, e.g. 10**30 instead of 1e30")
        return int(value)
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


def check_uint(value: Any, label: str, bits: int = 256) -> int:
    """A whole number from 0 to 2**bits - 1 (Solidity's uintN)."""
    if bits == 256:
        return check_uint256(value, label)
    number = _to_int(value, label)
    if number < 0:
        raise _fail(label, f"cannot be negative ({number})", "give a number of 0 or more")
    if number >= 2**bits:
        raise _fail(label, f"is too large ({_short(number)} does not fit in uint{bits}, whose maximum "
                           f"is 2**{bits} - 1)", "give a smaller number")
    return number


def check_int(value: Any, label: str, bits: int = 256) -> int:
    """A whole number from -2**(bits-1) to 2**(bits-1) - 1 (Solidity's intN)."""
    if bits == 256:
        return check_int256(value, label)
    number = _to_int(value, label)
    if not -(2 ** (bits - 1)) <= number < 2 ** (bits - 1):
        raise _fail(label, f"is out of range ({_short(number)} does not fit in int{bits}, which holds "
                           f"-2**{bits - 1} to 2**{bits - 1} - 1)", "give a smaller number")
    return number


def check_bytes(value: Any, label: str, size: int | None = None) -> bytes:
    """Bytes, or 0x-hex text; exactly `size` bytes for bytesN (None: any length, Solidity's `bytes`)."""
    kind = f"bytes{size}" if size else "bytes"
    if isinstance(value, str):
        text = value.strip()
        digits = text[2:] if text.lower().startswith("0x") else None
        if digits is None or not re.fullmatch(r"[0-9a-fA-F]*", digits) or len(digits) % 2:
            raise _fail(label, f"{text[:24]!r} is not 0x-hex",
                        f"give {kind} as 0x followed by hex digit pairs")
        value = bytes.fromhex(digits)
    if not isinstance(value, (bytes, bytearray)):
        raise _fail(label, f"must be {kind}, not {type(value).__name__}", "give bytes or 0x-hex text")
    if size is not None and len(value) != size:
        raise _fail(label, f"has {len(value)} byte(s), but {kind} holds exactly {size}",
                    f"give {2 * size} hex digits after 0x")
    if size is None and len(value) > MAX_STRING_BYTES:
        raise _fail(label, f"is too long ({len(value)} bytes, max {MAX_STRING_BYTES})", "shorten it")
    return bytes(value)


_ARRAY = re.compile(r"^(?P<item>.+)\[(?P<length>[0-9]*)\]$")
_SIZED = re.compile(r"^(?P<base>u?int|bytes)(?P<size>[0-9]+)$")


def check_argument(abi_type: str, value: Any, label: str, *,
                   resolve_name: Callable[[str], str] | None = None,
                   components: list[dict] | None = None, allow_empty: bool = False) -> Any:
    """Check one argument of ABI type `abi_type` ("uint8", "bytes32", "address[]", "tuple", ...).

    `components` are the ABI's members of a tuple (a Solidity struct); a
    struct argument may be a dict by member name or a sequence in order.
    An empty string is refused unless `allow_empty`.
    """
    array = _ARRAY.match(abi_type)
    if array:
        return _check_array(array.group("item"), array.group("length"), value, label,
                            resolve_name=resolve_name, components=components, allow_empty=allow_empty)
    if abi_type == "tuple":
        return _check_tuple(components or [], value, label, resolve_name, allow_empty)
    if abi_type == "address":
        return check_address(value, label, resolve_name)
    if abi_type == "bool":
        return check_bool(value, label)
    if abi_type == "string":
        return check_string(value, label, required=not allow_empty)
    if abi_type == "bytes":
        return check_bytes(value, label)
    sized = _SIZED.match(abi_type)
    if sized:
        base, size = sized.group("base"), int(sized.group("size"))
        if base == "bytes" and 1 <= size <= 32:
            return check_bytes(value, label, size)
        if base != "bytes" and 8 <= size <= 256 and size % 8 == 0:
            return check_uint(value, label, size) if base == "uint" else check_int(value, label, size)
    if abi_type in ("uint", "int"):
        return check_argument(abi_type + "256", value, label)
    raise GridError(f"{label} has ABI type {abi_type}, which this toolkit does not check yet",
                    kind="unsupported")


def _check_array(item: str, length: str, value: Any, label: str, **kwargs: Any) -> list:
    if isinstance(value, (str, bytes, bytearray, dict)) or not isinstance(value, (list, tuple)):
        raise _fail(label, f"must be a list, not {type(value).__name__}",
                    f"give a list such as [{_example(item)}]")
    if length and len(value) != int(length):
        raise _fail(label, f"has {len(value)} item(s), but {item}[{length}] holds exactly {length}",
                    f"give {length} items")
    if len(value) > MAX_ARRAY_ITEMS:
        raise _fail(label, f"has {len(value)} items (max {MAX_ARRAY_ITEMS})", "send fewer at a time")
    return [check_argument(item, v, f"{label}[{i}]", **kwargs) for i, v in enumerate(value)]


def _check_tuple(components: list[dict], value: Any, label: str,
                 resolve_name: Callable[[str], str] | None, allow_empty: bool) -> tuple:
    names = [c.get("name") or f"#{i}" for i, c in enumerate(components)]
    if isinstance(value, dict):
        missing = [n for n in names if n not in value]
        extra = [k for k in value if k not in names]
        if missing or extra:
            problem = (f"lacks {', '.join(missing)}" if missing
                       else f"has no member {', '.join(map(str, extra))}")
            raise _fail(label, problem, f"give the members {', '.join(names)}")
        items = [value[n] for n in names]
    elif isinstance(value, (list, tuple)) and not isinstance(value, (str, bytes)):
        if len(value) != len(components):
            raise _fail(label, f"has {len(value)} member(s), not {len(components)}",
                        f"give ({', '.join(names)})")
        items = list(value)
    else:
        raise _fail(label, f"must be a struct, not {type(value).__name__}",
                    f"give a dict with {', '.join(names)} or a tuple in that order")
    return tuple(check_argument(c["type"], v, f"{label}.{n}", resolve_name=resolve_name,
                                components=c.get("components"), allow_empty=allow_empty)
                 for c, n, v in zip(components, names, items, strict=True))


def _example(abi_type: str) -> str:
    return "1, 2" if "int" in abi_type else '"0x..."' if abi_type.startswith(("address", "bytes")) else "..."
