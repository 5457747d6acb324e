"""Ethereum's block header: its fields, its RLP, and the block hash as keccak256 of that RLP.

Bitcoin's header (primitives.block) is 80 fixed bytes. Ethereum's is an RLP
list whose length grew with the forks: each upgrade appended fields, and a
header carries exactly the fields of its fork, in this order:

    frontier  parentHash .. nonce (15 fields; PoW: difficulty, mixHash, nonce)
    london    + baseFeePerGas (EIP-1559)
    shanghai  + withdrawalsRoot (EIP-4895)
    cancun    + blobGasUsed, excessBlobGas (EIP-4844), parentBeaconBlockRoot (EIP-4788)
    prague    + requestsHash (EIP-7685)

The block hash is keccak256(rlp(header)): a node recomputes it from the fields,
so none of them can be changed without changing the hash. The header commits
to the whole state (stateRoot), the block's transactions (transactionsRoot) and
their receipts (receiptsRoot), each the root of a Merkle-Patricia trie
(primitives.trie).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import rlp

from .hashing import keccak256

#: Fields that are numbers (RLP: big-endian without leading zeros); all others are byte strings.
INT_FIELDS = frozenset({"difficulty", "number", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas",
                        "blobGasUsed", "excessBlobGas"})
#: The fields every header has; the ones after them are optional and appear in fork order.
FRONTIER_FIELD_COUNT = 15
#: Byte widths of the fixed-size fields that are not 32-byte hashes.
WIDTHS = {"miner": 20, "logsBloom": 256, "nonce": 8, "extraData": 0}


class HeaderError(ValueError):
    """Bytes or JSON that are not a valid Ethereum header."""


def _field_value(name: str, value: str | bytes | int) -> bytes | int:
    """One field from JSON-RPC (hex string) or from web3 / eth-tester (bytes or int)."""
    if name in INT_FIELDS:
        if isinstance(value, str):
            return int(value.removeprefix("0x") or "0", 16)
        return int.from_bytes(value, "big") if isinstance(value, bytes | bytearray) else int(value)
    width = WIDTHS.get(name, 32)
    if isinstance(value, int):
        return value.to_bytes(width, "big")
    if isinstance(value, str):
        digits = value.removeprefix("0x")
        raw = bytes.fromhex(digits.rjust(len(digits) + len(digits) % 2, "0"))
    else:
        raw = bytes(value)
    # Some nodes shorten an all-zero fixed-size field ("0x0" for an empty bloom): pad it back.
    return raw.rjust(width, b"\0") if width else raw


@dataclass(frozen=True)
class EthHeader:
    """An Ethereum block header, fields in RLP order (names as JSON-RPC spells them).

    Optional fields are None when the header's fork predates them; they can
    only be missing from the end (a later field implies every earlier one).
    """

    parentHash: bytes
    sha3Uncles: bytes
    miner: bytes
    stateRoot: bytes
    transactionsRoot: bytes
    receiptsRoot: bytes
    logsBloom: bytes
    difficulty: int
    number: int
    gasLimit: int
    gasUsed: int
    timestamp: int
    extraData: bytes
    mixHash: bytes
    nonce: bytes
    baseFeePerGas: int | None = None
    withdrawalsRoot: bytes | None = None
    blobGasUsed: int | None = None
    excessBlobGas: int | None = None
    parentBeaconBlockRoot: bytes | None = None
    requestsHash: bytes | None = None

    def __post_init__(self) -> None:
        present = [getattr(self, f.name) is not None for f in fields(self)]
        if not all(present[:FRONTIER_FIELD_COUNT]):
            raise HeaderError("the first 15 header fields are always present")
        last = max(i for i, p in enumerate(present) if p)
        if not all(present[: last + 1]):
            raise HeaderError("a header field is missing before a later one: forks only append fields")

    @classmethod
    def field_names(cls) -> list[str]:
        """All field names, in RLP order."""
        return [f.name for f in fields(cls)]

    def items(self) -> list[int | bytes]:
        """The values that go into the RLP list: the present fields, in order."""
        return [v for v in (getattr(self, name) for name in self.field_names()) if v is not None]

    def encode(self) -> bytes:
        """The header's RLP: a list of its present fields."""
        return rlp.encode(self.items())

    def hash(self) -> bytes:
        """The block hash: keccak256 of the header's RLP."""
        return keccak256(self.encode())

    @classmethod
    def decode(cls, raw: bytes) -> EthHeader:
        """Read a header from its RLP (as ``debug_getRawHeader`` returns it); HeaderError if it is not one."""
        try:
            items = rlp.decode(bytes(raw))
        except rlp.DecodingError as exc:
            raise HeaderError(f"not RLP: {exc}") from exc
        names = cls.field_names()
        if not isinstance(items, list) or not FRONTIER_FIELD_COUNT <= len(items) <= len(names):
            raise HeaderError(f"a header is a list of {FRONTIER_FIELD_COUNT} to {len(names)} items")
        if not all(isinstance(item, bytes) for item in items):
            raise HeaderError("every header field is a byte string, not a list")
        values = {name: (int.from_bytes(item, "big") if name in INT_FIELDS else item)
                  for name, item in zip(names, items, strict=False)}
        return cls(**values)

    @classmethod
    def from_rpc(cls, block: dict) -> EthHeader:
        """Build a header from ``eth_getBlockByNumber`` JSON (hex strings, or web3's bytes and ints)."""
        names = cls.field_names()
        values = {name: _field_value(name, block[name]) for name in names if block.get(name) is not None}
        missing = [name for name in cls.field_names()[:FRONTIER_FIELD_COUNT] if name not in values]
        if missing:
            raise HeaderError(f"the block has no {', '.join(missing)}")
        return cls(**values)

    def fork(self) -> str:
        """The newest fork whose fields this header carries."""
        present = len(self.items())
        return {15: "frontier", 16: "london", 17: "shanghai", 20: "cancun", 21: "prague"}.get(
            present, f"unknown ({present} fields)")


def from_rpc(block: dict) -> EthHeader:
    """The header of a block as JSON-RPC returns it (same as `EthHeader.from_rpc`)."""
    return EthHeader.from_rpc(block)


def decode(raw: bytes) -> EthHeader:
    """A header read from its RLP (same as `EthHeader.decode`)."""
    return EthHeader.decode(raw)
