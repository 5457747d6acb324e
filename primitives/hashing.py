"""Hash functions, and tools to *see* what makes them useful.

- `sha256`, `double_sha256` (Bitcoin's "hash256") and `keccak256` (Ethereum's
  hash: the original Keccak padding, *not* the standardised SHA3-256).
- The avalanche effect: flip one input bit and about half of the 256 output
  bits change (`flip_bit`, `bit_difference`, `changed_bits`, `avalanche`).
- Birthday collisions on a hash cut down to k bits: a collision appears after
  about 2**(k/2) tries, not 2**k (`truncated_hash`, `find_collision`).

Bit numbering used throughout: bit i is in byte i // 8, counting from the most
significant bit of that byte (so bit 0 is the leftmost bit of the hex string).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from Crypto.Hash import keccak as _keccak

from .sha256_scratch import sha256 as sha256_scratch  # noqa: F401  (re-exported for notebooks)

HashFunction = Callable[[bytes], bytes]


def sha256(data: bytes) -> bytes:
    """SHA-256 digest (32 bytes) of data."""
    return hashlib.sha256(data).digest()


def double_sha256(data: bytes) -> bytes:
    """SHA-256 applied twice (32 bytes): Bitcoin's block and transaction hash."""
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def keccak256(data: bytes) -> bytes:
    """Keccak-256 digest (32 bytes) as used by Ethereum (pre-FIPS-202 padding)."""
    return _keccak.new(digest_bits=256, data=bytes(data)).digest()


# -----------------------------------------------------------------------------
# Avalanche effect

def flip_bit(data: bytes, i: int) -> bytes:
    """Return a copy of data with bit i inverted (bit 0 = MSB of byte 0)."""
    if not 0 <= i < len(data) * 8:
        raise IndexError(f"bit {i} is outside a {len(data)}-byte input")
    out = bytearray(data)
    out[i // 8] ^= 0x80 >> (i % 8)
    return bytes(out)


def bit_difference(a: bytes, b: bytes) -> int:
    """Number of bit positions where two equal-length byte strings differ."""
    if len(a) != len(b):
        raise ValueError("compare byte strings of equal length")
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).bit_count()


def changed_bits(a: bytes, b: bytes) -> list[int]:
    """Positions (bit 0 = MSB of byte 0) where a and b differ, ascending."""
    if len(a) != len(b):
        raise ValueError("compare byte strings of equal length")
    diff = int.from_bytes(a, "big") ^ int.from_bytes(b, "big")
    width = len(a) * 8
    return [i for i in range(width) if diff >> (width - 1 - i) & 1]


@dataclass(frozen=True)
class Avalanche:
    """What one flipped input bit did to a digest."""

    input_bit: int               # which input bit was flipped
    digest_before: bytes         # 32 bytes for SHA-256 / Keccak-256
    digest_after: bytes          # same length as digest_before
    changed: tuple[int, ...]     # output bit positions that flipped

    @property
    def n_changed(self) -> int:
        """How many output bits flipped (about half for a good hash)."""
        return len(self.changed)

    @property
    def fraction(self) -> float:
        """Share of output bits that flipped (ideal: 0.5)."""
        return self.n_changed / (len(self.digest_before) * 8)


def avalanche(data: bytes, bit: int, hash_fn: HashFunction = sha256) -> Avalanche:
    """Flip input bit `bit` and report which output bits of hash_fn changed."""
    before = hash_fn(data)
    after = hash_fn(flip_bit(data, bit))
    return Avalanche(bit, before, after, tuple(changed_bits(before, after)))


def avalanche_counts(data: bytes, hash_fn: HashFunction = sha256) -> list[int]:
    """For every input bit, how many output bits change when it is flipped.

    A histogram of this list is the classic avalanche picture: a binomial
    bump centred on half the digest size (128 for SHA-256).
    """
    before = hash_fn(data)
    return [bit_difference(before, hash_fn(flip_bit(data, i))) for i in range(len(data) * 8)]


# -----------------------------------------------------------------------------
# Birthday collisions on truncated hashes

def truncated_hash(data: bytes, k_bits: int, hash_fn: HashFunction = sha256) -> int:
    """The first k_bits of hash_fn(data), as an integer in [0, 2**k_bits)."""
    digest = hash_fn(data)
    width = len(digest) * 8
    if not 1 <= k_bits <= width:
        raise ValueError(f"k_bits must be in 1..{width}")
    return int.from_bytes(digest, "big") >> (width - k_bits)


def expected_collision_attempts(k_bits: int) -> float:
    """Mean number of random inputs hashed before the first k-bit collision.

    The birthday bound: about sqrt(pi/2 * 2**k), i.e. roughly 2**(k/2).
    """
    return math.sqrt(math.pi / 2 * 2 ** k_bits)


def find_collision(
    k_bits: int,
    seed: int = 0,
    hash_fn: HashFunction = sha256,
    max_attempts: int | None = None,
) -> tuple[bytes, bytes, int]:
    """Find two different inputs whose hashes agree on the first k_bits.

    Hashes random 16-byte messages drawn from random.Random(seed) and
    remembers each truncated digest; returns (a, b, attempts) where attempts
    counts the messages hashed. Deterministic for a given seed.
    """
    rng = random.Random(seed)
    limit = max_attempts if max_attempts is not None else 64 * 2 ** (k_bits // 2 + 1)
    seen: dict[int, bytes] = {}
    for attempt in range(1, limit + 1):
        message = rng.getrandbits(128).to_bytes(16, "big")
        key = truncated_hash(message, k_bits, hash_fn)
        other = seen.get(key)
        if other is not None and other != message:
            return other, message, attempt
        seen[key] = message
    raise RuntimeError(f"no {k_bits}-bit collision within {limit} attempts")
