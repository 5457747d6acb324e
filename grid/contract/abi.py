"""A contract's ABI as specs: functions, events and custom errors, with their selectors.

Everything here follows the Solidity ABI specification: a function's selector
is the first 4 bytes of keccak256 of its canonical signature, an event's
topic 0 is the whole keccak256 of its signature, and a custom error is
encoded like a function call.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address

from ..errors import GridError


def canonical_type(param: dict) -> str:
    """The canonical ABI type of one parameter: tuples spelled out, e.g. "(uint256,address)[]"."""
    kind = param["type"]
    if kind.startswith("tuple"):
        inner = ",".join(canonical_type(c) for c in param.get("components", []))
        return f"({inner}){kind[len('tuple'):]}"
    return kind


@dataclass(frozen=True)
class FunctionSpec:
    """One contract function (or the constructor) from the ABI."""

    name: str
    inputs: tuple[tuple[str, str], ...]   # (canonical type, name)
    outputs: tuple[tuple[str, str], ...]
    is_view: bool
    selector: bytes                       # 4 bytes; b"" for the constructor
    payable: bool = False
    abi_inputs: tuple[dict, ...] = ()     # the ABI's own parameter entries (struct member names)

    @property
    def signature(self) -> str:
        """The canonical signature, e.g. 'Transfer(address,uint256)'."""
        return f"{self.name}({','.join(t for t, _ in self.inputs)})"

    @classmethod
    def from_abi(cls, item: dict) -> FunctionSpec:
        """Build from one ABI entry of type "function" or "constructor"."""
        inputs = tuple((canonical_type(p), p.get("name", "")) for p in item.get("inputs", []))
        outputs = tuple((canonical_type(p), p.get("name", "")) for p in item.get("outputs", []))
        name = item.get("name", "(constructor)")
        mutability = item.get("stateMutability", "nonpayable")
        signature = f"{name}({','.join(t for t, _ in inputs)})"
        selector = keccak(text=signature)[:4] if item.get("type") == "function" else b""
        return cls(name, inputs, outputs, mutability in ("view", "pure"), selector,
                   payable=mutability == "payable", abi_inputs=tuple(item.get("inputs", [])))

    def encode(self, values: list) -> bytes:
        """Selector + ABI-encoded arguments (values already checked)."""
        return self.selector + encode([t for t, _ in self.inputs], values)


@dataclass(frozen=True)
class ErrorSpec:
    """One custom error, e.g. `error InsufficientEscrow(uint256 need, uint256 got)`."""

    name: str
    inputs: tuple[tuple[str, str], ...]
    selector: bytes

    @classmethod
    def from_abi(cls, item: dict) -> ErrorSpec:
        """Build from one ABI entry of type "error"."""
        inputs = tuple((canonical_type(p), p.get("name", "")) for p in item.get("inputs", []))
        return cls(item["name"], inputs, keccak(text=f"{item['name']}({','.join(t for t, _ in inputs)})")[:4])


@dataclass(frozen=True)
class EventSpec:
    """One event, e.g. `event Sold(address indexed buyer, uint256 wh)`."""

    name: str
    inputs: tuple[tuple[str, str, bool], ...]   # (canonical type, name, indexed)
    topic: bytes                                # keccak256 of the signature: the log's topic 0
    anonymous: bool = False

    @property
    def signature(self) -> str:
        """The canonical signature, e.g. 'Sold(address,uint256)'."""
        return f"{self.name}({','.join(t for t, _, _ in self.inputs)})"

    @classmethod
    def from_abi(cls, item: dict) -> EventSpec:
        """Build from one ABI entry of type "event"."""
        inputs = tuple((canonical_type(p), p.get("name", ""), bool(p.get("indexed")))
                       for p in item.get("inputs", []))
        signature = f"{item['name']}({','.join(t for t, _, _ in inputs)})"
        return cls(item["name"], inputs, keccak(text=signature), bool(item.get("anonymous")))

    def decode(self, topics: tuple[bytes, ...], data: bytes) -> dict[str, Any]:
        """The event's arguments by name; an indexed string, bytes, array or struct shows as its hash."""
        indexed = [(t, n) for t, n, i in self.inputs if i]
        plain = [(t, n) for t, n, i in self.inputs if not i]
        values = dict(zip((n for _, n in plain), decode([t for t, _ in plain], data), strict=True))
        hashed = set()   # an indexed string, bytes, array or struct is stored as its keccak256
        for (kind, name), topic in zip(indexed, topics[0 if self.anonymous else 1:], strict=False):
            if kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("("):
                hashed.add(name)
                values[name] = "0x" + topic.hex()
            else:
                values[name] = decode([kind], topic)[0]
        return {name: values.get(name) if name in hashed or values.get(name) is None
                else python_value(kind, values[name]) for kind, name, _ in self.inputs}


def argument_names(inputs: Iterable[tuple[str, str]]) -> list[str]:
    """Parameter names, with a position for unnamed ones ("arg1")."""
    return [name or f"arg{i + 1}" for i, (_, name) in enumerate(inputs)]


def decode_values(types: list[str], raw: bytes, what: str) -> tuple:
    """ABI-decode `raw` as Python values (see `python_value`); invalid UTF-8 in a string shows as U+FFFD."""
    try:
        values = decode(types, raw)
    except Exception:
        try:
            values = decode(["bytes" if t == "string" else t for t in types], raw)
        except Exception:
            raise GridError(f"{what} returned data that does not match its ABI: is this the contract "
                            f"you meant?", kind="revert") from None
        values = [v.decode("utf-8", errors="replace") if t == "string" else v
                  for t, v in zip(types, values, strict=True)]
    return tuple(python_value(t, v) for t, v in zip(types, values, strict=True))


def python_value(abi_type: str, value: Any) -> Any:
    """A decoded value as a student writes it: addresses checksummed, arrays as lists, structs as tuples."""
    if abi_type.endswith("]"):
        item = abi_type[:abi_type.rindex("[")]
        return [python_value(item, v) for v in value]
    if abi_type.startswith("("):
        return tuple(python_value(t, v) for t, v in zip(tuple_members(abi_type), value, strict=True))
    if abi_type == "address":
        return to_checksum_address(value)
    return value


def tuple_members(abi_type: str) -> list[str]:
    """The member types of a canonical tuple type.

    "(address,(uint8,bool)[])" -> ["address", "(uint8,bool)[]"]
    """
    members, depth, start = [], 0, 1
    for i, char in enumerate(abi_type[:abi_type.rindex(")") + 1]):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if (char == "," and depth == 1) or (char == ")" and depth == 0):
            if i > start:
                members.append(abi_type[start:i])
            start = i + 1
    return members


def decode_calldata(functions: Iterable[FunctionSpec], data: str | bytes) -> tuple[FunctionSpec, list]:
    """Match calldata's 4-byte selector against `functions` and decode the arguments."""
    if isinstance(data, str):
        text = data.strip()
        try:
            data = bytes.fromhex(text[2:] if text.lower().startswith("0x") else text)
        except ValueError:
            raise GridError(f"the input {text[:20]!r} is not hex calldata: copy it from the "
                            f"transaction log (it starts with 0x)", kind="input") from None
    if not isinstance(data, (bytes, bytearray)) or len(data) < 4:
        raise GridError("calldata needs at least the 4-byte function selector: copy the whole "
                        "input from the transaction log", kind="input")
    by_selector = {spec.selector: spec for spec in functions}
    spec = by_selector.get(bytes(data[:4]))
    if spec is None:
        raise GridError(f"selector 0x{bytes(data[:4]).hex()} is none of this contract's functions: "
                        f"is this input for another contract?", kind="input")
    try:
        values = decode([t for t, _ in spec.inputs], bytes(data[4:]))
    except Exception:
        raise GridError(f"the arguments after {spec.name}'s selector do not decode as "
                        f"({', '.join(t for t, _ in spec.inputs)}): the input is cut or altered",
                        kind="input") from None
    return spec, [python_value(t, v) for (t, _), v in zip(spec.inputs, values, strict=True)]


@dataclass(frozen=True)
class ContractABI:
    """Every function, event and custom error of one contract, indexed the ways lookups need."""

    functions: dict[str, FunctionSpec]
    constructor: FunctionSpec
    events: dict[bytes, EventSpec]      # by topic 0
    errors: dict[bytes, ErrorSpec]      # by selector

    @classmethod
    def from_abi(cls, abi: list[dict]) -> ContractABI:
        """Index an artifact's ABI."""
        constructor = next((i for i in abi if i.get("type") == "constructor"),
                           {"type": "constructor", "inputs": []})
        return cls(functions={i["name"]: FunctionSpec.from_abi(i)
                              for i in abi if i.get("type") == "function"},
                   constructor=FunctionSpec.from_abi(constructor),
                   events={e.topic: e
                           for e in (EventSpec.from_abi(i) for i in abi if i.get("type") == "event")},
                   errors={e.selector: e
                           for e in (ErrorSpec.from_abi(i) for i in abi if i.get("type") == "error")})
