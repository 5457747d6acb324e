"""Tables for notebook 03: a header field by field, and chains of headers.

Every value comes from `primitives.block`; these functions only lay it out
(pandas DataFrames, which notebooks display as tables).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from primitives.block import Block, BlockHeader, bits_to_target, difficulty_from_bits, work_from_target


@dataclass(frozen=True)
class HeaderField:
    """Where a field sits in the 80-byte header, and what the thesis says it is."""

    name: str
    offset: int     # first byte
    size: int       # bytes
    meaning: str    # thesis Table 2-1 ("The block header of Bitcoin")


# The wire layout (Bitcoin Core CBlockHeader::SERIALIZE_METHODS) with the
# descriptions of thesis Table 2-1.
HEADER_LAYOUT = (
    HeaderField("version", 0, 4, "The Bitcoin version number"),
    HeaderField("previous block hash", 4, 32, "The previous block header hash"),
    HeaderField("Merkle root", 36, 32, "A hash of the root of the Merkle tree of this block's transactions"),
    HeaderField("timestamp", 68, 4, "The timestamp of the block in UNIX time"),
    HeaderField("difficulty target (bits)", 72, 4, "The difficulty target for the block"),
    HeaderField("nonce", 76, 4, "The counter used by miners to generate a correct hash"),
)


def utc(timestamp: int) -> str:
    """A UNIX timestamp as 'YYYY-MM-DD HH:MM:SS UTC'."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _field_values(header: BlockHeader) -> list[str]:
    return [
        str(header.version),
        f"{header.prev_hash_hex} (display order)",
        f"{header.merkle_root_hex} (display order)",
        f"{header.timestamp} = {utc(header.timestamp)}",
        f"0x{header.bits:08x} → target 0x{header.target:064x}",
        str(header.nonce),
    ]


def header_fields(header: BlockHeader) -> pd.DataFrame:
    """Thesis Table 2-1 filled in for one real header: field, bytes, raw bytes, value, meaning."""
    raw = header.serialize()
    rows = []
    for field, value in zip(HEADER_LAYOUT, _field_values(header), strict=True):
        rows.append({
            "field": field.name,
            "bytes": f"{field.offset}–{field.offset + field.size - 1} ({field.size})",
            "raw bytes (as stored)": raw[field.offset:field.offset + field.size].hex(),
            "value": value,
            "meaning (Table 2-1)": field.meaning,
        })
    return pd.DataFrame(rows)


def chain_table(headers: list[BlockHeader], first_height: int = 0) -> pd.DataFrame:
    """One row per header: hash, prev_hash, does it link to the row above, PoW, time."""
    rows = []
    for i, header in enumerate(headers):
        parent = headers[i - 1] if i else None
        rows.append({
            "height": first_height + i,
            "hash": header.hash_hex(),
            "prev_hash": header.prev_hash_hex,
            "links to row above": "—" if parent is None
            else ("✓" if header.prev_hash == parent.hash() else "✗"),
            "PoW (hash ≤ target)": "✓" if header.check_pow() else "✗",
            "nonce": header.nonce,
            "time": utc(header.timestamp),
            "minutes after row above": None if parent is None
            else round((header.timestamp - parent.timestamp) / 60, 1),
        })
    return pd.DataFrame(rows)


def _describe_transactions(block: Block) -> str:
    """Readable text transactions as they are; binary ones (real Bitcoin) by their txid."""
    parts = []
    for i, txid_hex in enumerate(block.txids_hex):
        try:
            text = block.raw_txs[i].decode("utf-8") if block.raw_txs else ""
        except UnicodeDecodeError:
            text = ""
        parts.append(text if text.isprintable() and text else f"txid {txid_hex[:16]}…")
    return " | ".join(parts)


def blocks_table(blocks: list[Block], first_height: int = 0) -> pd.DataFrame:
    """One row per block: hash, prev_hash, nonce, transactions, and both commitments."""
    rows = []
    for i, block in enumerate(blocks):
        parent = blocks[i - 1] if i else None
        rows.append({
            "height": first_height + i,
            "hash": block.hash_hex(),
            "prev_hash": block.header.prev_hash_hex,
            "nonce": block.header.nonce,
            "transactions": _describe_transactions(block),
            "Merkle root matches": "✓" if block.check_merkle_root() else "✗",
            "links to row above": "—" if parent is None
            else ("✓" if block.header.prev_hash == parent.hash() else "✗"),
        })
    return pd.DataFrame(rows)


def difficulty_table(headers: dict[int, BlockHeader]) -> pd.DataFrame:
    """Bits, target, difficulty and expected hashes of headers keyed by height."""
    rows = []
    for height, header in sorted(headers.items()):
        target = bits_to_target(header.bits)
        rows.append({
            "height": height,
            "date": utc(header.timestamp)[:10],
            "bits": f"0x{header.bits:08x}",
            "target": f"0x{target:064x}",
            "difficulty": f"{difficulty_from_bits(header.bits):,.0f}",
            "expected hashes": f"{work_from_target(target):.3e}",
        })
    return pd.DataFrame(rows)
