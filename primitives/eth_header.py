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
            raise ValueError("the first 15 header fields are always present")
        last = max(i for i, p in enumerate(present) if p)
        if not all(present[: last + 1]):
            raise ValueError("a header field is missing before a later one: forks only append fields")

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
        """Read a header from its RLP (as ``debug_getRawHeader`` returns it)."""
        items = rlp.decode(raw)
        names = cls.field_names()
        if not isinstance(items, list) or not FRONTIER_FIELD_COUNT <= len(items) <= len(names):
            raise ValueError(f"a header is a list of {FRONTIER_FIELD_COUNT} to {len(names)} items")
        values = {name: (int.from_bytes(item, "big") if name in INT_FIELDS else item)
                  for name, item in zip(names, items, strict=False)}
        return cls(**values)

    @classmethod
    def from_rpc(cls, block: dict) -> EthHeader:
        """Build a header from ``eth_getBlockByNumber``/``eth_getBlockByHash`` JSON (hex strings)."""
        values = {}
        for name in cls.field_names():
            text = block.get(name)
            if text is None:
                continue
            if not isinstance(text, str):  # web3 may hand over HexBytes or ints already
                values[name] = int(text) if name in INT_FIELDS else bytes(text)
                continue
            values[name] = int(text, 16) if name in INT_FIELDS else bytes.fromhex(text.removeprefix("0x"))
        return cls(**values)

    def fork(self) -> str:
        """The newest fork whose fields this header carries."""
        present = len(self.items())
        return {15: "frontier", 16: "london", 17: "shanghai", 20: "cancun", 21: "prague"}.get(
            present, f"unknown ({present} fields)")
