"""mychain: your own small blockchain library, one function per notebook.

Open this file in JupyterLab's editor (double-click mychain.py in the file browser), replace a
function's `raise NotImplementedError` with your code, save (Ctrl+S), and run the notebook's
check cell: it reloads this file each time, so you never need to restart the kernel.
Later functions call your earlier ones: merkle_root uses your hash256, mine uses your
parse_header and bits_to_target, and so on.
"""
from __future__ import annotations

import hashlib  # noqa: F401 - notebook 01 uses it
from dataclasses import dataclass

from eth_keys import keys  # noqa: F401 - notebook 06 uses it
from eth_utils import keccak  # noqa: F401 - notebook 06 uses it


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
    """Notebook 01 (exercise 01.6): Bitcoin's hash of `data`, SHA-256 applied twice.

    Return the 32-byte digest as hashlib gives it (internal byte order), not reversed.
    """
    raise NotImplementedError


def merkle_root(hashes: list[bytes]) -> bytes:
    """Notebook 02 (exercise 02.5): Bitcoin's Merkle root of a list of 32-byte hashes (internal order).

    Pair neighbours and hash each pair with your hash256(left + right), level by level, until one
    hash is left. When a level has an odd number of nodes, pair the last with a copy of itself.
    """
    raise NotImplementedError


def bits_to_target(bits: int) -> int:
    """Notebook 03 (exercise 03.3): the 256-bit target encoded by the compact `bits` of a header.

    The top byte is a size in bytes, the low 23 bits a mantissa: target = mantissa * 256**(size - 3),
    shifting right instead when size < 3.
    """
    raise NotImplementedError


def parse_header(raw: bytes) -> Header:
    """Notebook 03 (exercise 03.5): the six fields of an 80-byte header, as a Header.

    version (bytes 0..4), prev_block (4..36), merkle_root (36..68), timestamp (68..72), bits (72..76)
    and nonce (76..80): the integers little-endian, the two hashes as the bytes stored.
    """
    raise NotImplementedError


def mine(header: bytes, start: int = 0, stop: int = 2 ** 32) -> int | None:
    """Notebook 04 (exercise 04.5): the first nonce in range(start, stop) making `header` valid, else None.

    Read the target from the header's own bits (your parse_header and bits_to_target), put each nonce
    into bytes 76..80 (4 bytes, little-endian) and hash the 80 bytes with your hash256; the header is
    valid when the digest, read as a little-endian number, is at most the target.
    """
    raise NotImplementedError


def chain_work(headers: list[bytes]) -> int:
    """Notebook 05 (exercise 05.2): the total work of a chain of raw 80-byte headers.

    Each block is worth 2**256 // (target + 1) expected hashes, its target from its own bits (your
    parse_header and bits_to_target); use whole-number division.
    """
    raise NotImplementedError


def signed_by(header: bytes, signature: bytes, address: str) -> bool:
    """Notebook 06 (exercise 06.5): True when `signature` over hash256(header) was made by `address`'s key.

    The signature is 65 bytes r || s || v (v is 27 or 28, or 0 or 1). Recover the public key from it
    and your hash256 of the header (keys.Signature(vrs=...).recover_public_key_from_msg_hash), turn
    that key into an address (0x + the last 20 bytes of keccak of its 64 bytes) and compare it with
    `address`, ignoring upper and lower case.
    """
    raise NotImplementedError
