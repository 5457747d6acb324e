"""Ethereum's block header: its fields in order, its RLP encoding and its hash.

A block's hash is keccak256 of the RLP list of its header fields, in a fixed
order. The list has grown with the forks: London added ``baseFeePerGas``,
Shanghai ``withdrawalsRoot``, Cancun ``blobGasUsed``, ``excessBlobGas`` and
``parentBeaconBlockRoot``, Prague ``requestsHash``. A header carries a
prefix of the full list: the fields of every fork up to its own.

Compare Bitcoin's header (primitives.block): 80 fixed bytes, hashed with
double SHA-256, holding one Merkle root of transactions. Ethereum's commits to
three tries (state, transactions, receipts), so one header lets a light client
check an account's balance or a contract's storage (primitives.state_proof).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import rlp

from .hashing import keccak256

#: (field name in this dataclass, name in the JSON-RPC block, kind), in RLP order.
#: kind "hash" = fixed-length bytes, "int" = a number, "bytes" = variable bytes.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("parent_hash", "parentHash", "hash"),
    ("ommers_hash", "sha3Uncles", "hash"),
    ("coinbase", "miner", "hash"),
    ("state_root", "stateRoot", "hash"),
    ("transactions_root", "transactionsRoot", "hash"),
    ("receipts_root", "receiptsRoot", "hash"),
    ("logs_bloom", "logsBloom", "hash"),
    ("difficulty", "difficulty", "int"),
    ("number", "number", "int"),
    ("gas_limit", "gasLimit", "int"),
    ("gas_used", "gasUsed", "int"),
    ("timestamp", "timestamp", "int"),
    ("extra_data", "extraData", "bytes"),
    ("mix_hash", "mixHash", "hash"),  # prevRandao since the Merge
    ("nonce", "nonce", "hash"),
    ("base_fee_per_gas", "baseFeePerGas", "int"),  # London
    ("withdrawals_root", "withdrawalsRoot", "hash"),  # Shanghai
    ("blob_gas_used", "blobGasUsed", "int"),  # Cancun
    ("excess_blob_gas", "excessBlobGas", "int"),  # Cancun
    ("parent_beacon_block_root", "parentBeaconBlockRoot", "hash"),  # Cancun
    ("requests_hash", "requestsHash", "hash"),  # Prague
)
#: The first 15 fields are in every header; the rest arrived fork by fork.
REQUIRED = 15
#: Byte widths of fixed-size fields, for nodes (eth-tester) that hand some back as numbers.
WIDTHS = {"coinbase": 20, "logs_bloom": 256, "nonce": 8}


class HeaderError(ValueError):
    """Bytes or JSON that are not a valid Ethereum header."""


@dataclass
class EthHeader:
    """An Ethereum block header; the fields after nonce are None before their fork."""

    parent_hash: bytes
    ommers_hash: bytes
    coinbase: bytes
    state_root: bytes
    transactions_root: bytes
    receipts_root: bytes
    logs_bloom: bytes
    difficulty: int
    number: int
    gas_limit: int
    gas_used: int
    timestamp: int
    extra_data: bytes
    mix_hash: bytes
    nonce: bytes
    base_fee_per_gas: int | None = None
    withdrawals_root: bytes | None = None
    blob_gas_used: int | None = None
    excess_blob_gas: int | None = None
    parent_beacon_block_root: bytes | None = None
    requests_hash: bytes | None = None

    def present(self) -> list[tuple[str, bytes | int]]:
        """(name, value) of the fields this header carries, in RLP order."""
        out = []
        for name, _, _ in FIELDS:
            value = getattr(self, name)
            if value is None:
                break  # a later fork's field cannot appear without the earlier ones
            out.append((name, value))
        return out

    def encode(self) -> bytes:
        """The header's RLP encoding: a list of its fields, numbers big-endian without leading zeros."""
        return rlp.encode([value for _, value in self.present()])

    def hash(self) -> bytes:
        """The block hash: keccak256 of the RLP-encoded header."""
        return keccak256(self.encode())


def _from_hex(text: str | bytes | int, kind: str, width: int = 32) -> bytes | int:
    if isinstance(text, int):
        return text if kind == "int" else text.to_bytes(width, "big")
    if isinstance(text, bytes):
        return int.from_bytes(text, "big") if kind == "int" else text
    raw = text[2:] if text.startswith("0x") else text
    if kind == "int":
        return int(raw or "0", 16)
    # eth-tester writes an all-zero bloom as "0x0": fixed-size fields are padded back to size.
    return bytes.fromhex(raw.rjust(2 * width, "0") if kind == "hash" else raw)


def from_rpc(block: dict) -> EthHeader:
    """The header of a block as eth_getBlockByNumber returns it (hex strings, or web3's types)."""
    values = {}
    for name, rpc_name, kind in FIELDS:
        if rpc_name in block and block[rpc_name] is not None:
            values[name] = _from_hex(block[rpc_name], kind, WIDTHS.get(name, 32))
    missing = [rpc for name, rpc, _ in FIELDS[:REQUIRED] if name not in values]
    if missing:
        raise HeaderError(f"the block has no {', '.join(missing)}")
    return EthHeader(**values)


def decode(raw: bytes) -> EthHeader:
    """Read an RLP-encoded header back into its fields."""
    try:
        items = rlp.decode(bytes(raw))
    except rlp.exceptions.DecodingError as error:
        raise HeaderError(f"not RLP: {error}") from error
    if not isinstance(items, list) or not REQUIRED <= len(items) <= len(FIELDS):
        raise HeaderError(f"a header is a list of {REQUIRED} to {len(FIELDS)} fields")
    values = {}
    for (name, _, kind), item in zip(FIELDS, items, strict=False):
        if not isinstance(item, bytes):
            raise HeaderError(f"field {name} is a list, not bytes")
        values[name] = int.from_bytes(item, "big") if kind == "int" else item
    return EthHeader(**values)


def field_names() -> list[str]:
    """The dataclass's field names, in RLP order."""
    return [f.name for f in fields(EthHeader)]
