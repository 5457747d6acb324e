"""Reference solutions for notebook 01 (hashing)."""
import math

from lab.solutions import ModelAnswer, mychain
from primitives.hashing import keccak256

MASK32 = 0xFFFFFFFF


def bit_difference(a: bytes, b: bytes) -> int:
    """Number of bit positions where a and b differ."""
    return sum(bin(x ^ y).count("1") for x, y in zip(a, b, strict=True))


def rotr(x: int, n: int) -> int:
    """Rotate the 32-bit word x right by n bits."""
    return ((x >> n) | (x << (32 - n))) & MASK32


def pad(message: bytes) -> bytes:
    """SHA-256 padding: 0x80, zeros to 56 mod 64 bytes, then the bit length (8 bytes, big-endian)."""
    zeros = (55 - len(message)) % 64
    return message + b"\x80" + bytes(zeros) + (8 * len(message)).to_bytes(8, "big")


def expected_attempts(k: int) -> float:
    """Mean number of hashes before the first collision on k bits: sqrt(pi/2 * 2**k)."""
    return math.sqrt(math.pi / 2 * 2 ** k)


def ethereum_hash(data: bytes) -> bytes:
    """Ethereum's hash: Keccak-256 with the original padding (not hashlib.sha3_256)."""
    return keccak256(data)


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "01.1": ethereum_hash,
    "01.2": bit_difference,
    "01.3": expected_attempts,
    "01.4": rotr,
    "01.5": pad,
    "01.6": mychain.hash256,      # a library exercise: notebooks/mychain.py
}

MODEL_ANSWERS = {
    "01.Q1": ModelAnswer(
        points=3,
        answer=(
            'By the birthday law a collision among k-bit hashes is expected after about 2^(k/2) tries: '
            '2^16, some 65,000 tries, for 32 bits, which a laptop does in a fraction of a second, but '
            '2^128, about 3.4 x 10^38, for 256 bits; even at 10^18 hashes per second, more than the whole '
            'Bitcoin network, that takes about 10^13 years. Pre-images are harder still, about 2^k tries. '
            'With a 32-bit fingerprint an attacker could quickly find a second, different reading (say 12.5 '
            'kWh instead of 1.25 kWh) with the same fingerprint, or two readings that collide, and swap one '
            'for the other without the fingerprint showing it. With 256 bits no one can find such a pair, '
            'so a matching fingerprint really does pin down the reading.'
        ),
        marking=(
            '1 point: collisions after about 2^(k/2) tries (birthday law), not 2^k; 1 point: rough numbers, '
            'about 2^16 tries (instant) for 32 bits against 2^128 (impossible) for 256 bits; 1 point: a '
            'forged or swapped meter reading with the same short fingerprint, which 256 bits rule out'
        ),
    ),
}
