"""Reference for the library students build in notebooks/mychain.py, one function per lesson.

Which notebook introduces each name is recorded in INTRODUCED_IN; a later function calls the
earlier ones (merkle_root uses hash256, mine uses parse_header and bits_to_target, ...),
exactly as a student's own copy does. The course build hands out this file's functions for
earlier notebooks in an assignment's mychain.py and keeps the current notebook's as stubs.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from eth_keys import keys
from eth_utils import keccak

# function -> the notebook whose exercise asks for it (and its exercise id)
INTRODUCED_IN = {
    "hash256": ("01", "01.6"),
    "merkle_root": ("02", "02.5"),
    "bits_to_target": ("03", "03.3"),
    "parse_header": ("03", "03.5"),
    "mine": ("04", "04.5"),
    "chain_work": ("05", "05.2"),
    "signed_by": ("06", "06.5"),
}


@dataclass(frozen=True)
class Header:
    """The six fields of an 80-byte Bitcoin block header; hashes in internal byte order."""

    version: int
    prev_block: bytes
    merkle_root: bytes
    timestamp: int
    bits: int
    nonce: int


def hash256(data: bytes) -> bytes:
    """Notebook 01: Bitcoin's hash, SHA-256 applied twice (32 bytes, internal order)."""
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def merkle_root(hashes: list[bytes]) -> bytes:
    """Notebook 02: Bitcoin's Merkle root of 32-byte hashes in internal order; an odd last node pairs with
    a copy of itself."""
    level = list(hashes)
    while len(level) > 1:
        if len(level) % 2 == 1:
            level.append(level[-1])
        level = [hash256(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def bits_to_target(bits: int) -> int:
    """Notebook 03: the target of compact bits, mantissa × 256^(size − 3), shifting right when size < 3."""
    size = bits >> 24
    mantissa = bits & 0x007FFFFF
    if size <= 3:
        return mantissa >> (8 * (3 - size))
    return mantissa << (8 * (size - 3))


def parse_header(raw: bytes) -> Header:
    """Notebook 03: the fields of an 80-byte header (integers little-endian, hashes as stored)."""
    return Header(
        version=int.from_bytes(raw[0:4], "little"),
        prev_block=bytes(raw[4:36]),
        merkle_root=bytes(raw[36:68]),
        timestamp=int.from_bytes(raw[68:72], "little"),
        bits=int.from_bytes(raw[72:76], "little"),
        nonce=int.from_bytes(raw[76:80], "little"),
    )


def mine(header: bytes, start: int = 0, stop: int = 2 ** 32) -> int | None:
    """Notebook 04: the first nonce in [start, stop) whose header hash meets the header's own target."""
    target = bits_to_target(parse_header(header).bits)
    for nonce in range(start, stop):
        digest = hash256(header[:76] + nonce.to_bytes(4, "little"))
        if int.from_bytes(digest, "little") <= target:
            return nonce
    return None


def chain_work(headers: list[bytes]) -> int:
    """Notebook 05: the chain's total expected hashes, the sum of 2**256 // (target + 1) over its headers."""
    return sum(2 ** 256 // (bits_to_target(parse_header(raw).bits) + 1) for raw in headers)


def signed_by(header: bytes, signature: bytes, address: str) -> bool:
    """Notebook 06: True when `signature` (r || s || v) over hash256(header) recovers to `address`."""
    r, s, v = signature[:32], signature[32:64], signature[64]
    sig = keys.Signature(vrs=(v - 27 if v >= 27 else v, int.from_bytes(r, "big"), int.from_bytes(s, "big")))
    public = sig.recover_public_key_from_msg_hash(hash256(header))
    return "0x" + keccak(public.to_bytes())[-20:].hex() == address.lower()
