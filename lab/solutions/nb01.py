"""Reference solutions for notebook 01 (hashing)."""
import math

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
}
