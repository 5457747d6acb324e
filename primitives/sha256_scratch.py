"""SHA-256 from scratch, following NIST FIPS 180-4 step by step.

Pure Python and slow (tens of kB/s): it exists to be read, not used. Every
other module calls hashlib; tests check this file bit for bit against it.

Section numbers refer to FIPS 180-4 (August 2015):
https://nvlpubs.nist.gov/nistpubs/FIPS/NIST.FIPS.180-4.pdf
"""

from __future__ import annotations

MASK32 = 0xFFFFFFFF


# -----------------------------------------------------------------------------
# Constants (sections 4.2.2 and 5.3.3), derived rather than pasted, so a reader
# can see there is no hidden backdoor: they are the first 32 bits of the
# fractional parts of square and cube roots of the first primes.

def first_primes(n: int) -> list[int]:
    """Return the first n prime numbers (trial division is plenty for n=64)."""
    primes: list[int] = []
    candidate = 2
    while len(primes) < n:
        if all(candidate % p for p in primes if p * p <= candidate):
            primes.append(candidate)
        candidate += 1
    return primes


def _integer_root(x: int, k: int) -> int:
    """floor(x ** (1/k)) computed exactly with integers (Newton's method)."""
    if x < 2:
        return x
    # Start above the root so Newton decreases monotonically to the floor.
    y = 1 << ((x.bit_length() + k - 1) // k)
    while True:
        z = ((k - 1) * y + x // y ** (k - 1)) // k
        if z >= y:
            return y
        y = z


def _fractional_root_bits(p: int, k: int) -> int:
    """First 32 bits of the fractional part of p ** (1/k)."""
    # floor(p^(1/k) * 2^32) == floor((p * 2^(32k))^(1/k)); keep the low 32 bits.
    return _integer_root(p << (32 * k), k) & MASK32


K = tuple(_fractional_root_bits(p, 3) for p in first_primes(64))  # 64 round constants
H0 = tuple(_fractional_root_bits(p, 2) for p in first_primes(8))  # initial hash value


# -----------------------------------------------------------------------------
# The six logical functions (section 4.1.2), on 32-bit words.

def rotr(x: int, n: int) -> int:
    """Rotate a 32-bit word right by n bits (section 3.2)."""
    return ((x >> n) | (x << (32 - n))) & MASK32


def ch(x: int, y: int, z: int) -> int:
    """'Choose': each bit of x picks the bit from y (1) or z (0)."""
    return (x & y) ^ (~x & z)


def maj(x: int, y: int, z: int) -> int:
    """'Majority': each output bit is the majority vote of x, y, z."""
    return (x & y) ^ (x & z) ^ (y & z)


def big_sigma0(x: int) -> int:
    """Σ0 of FIPS 180-4 (4.4), applied to working variable a."""
    return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22)


def big_sigma1(x: int) -> int:
    """Σ1 of FIPS 180-4 (4.5), applied to working variable e."""
    return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25)


def small_sigma0(x: int) -> int:
    """σ0 of FIPS 180-4 (4.6), used in the message schedule."""
    return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)


def small_sigma1(x: int) -> int:
    """σ1 of FIPS 180-4 (4.7), used in the message schedule."""
    return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10)


# -----------------------------------------------------------------------------
# Preprocessing (section 5.1.1) and the hash computation (section 6.2.2).

def pad(message: bytes) -> bytes:
    """Pad a message to a multiple of 64 bytes (512 bits), section 5.1.1.

    Append one '1' bit, then '0' bits until the length is 56 mod 64 bytes,
    then the original length in bits as a 64-bit big-endian integer. A
    message of 55 bytes fits in one block; 56 bytes needs a second block.
    """
    bit_length = len(message) * 8
    padded = message + b"\x80"
    padded += b"\x00" * ((56 - len(padded)) % 64)
    return padded + bit_length.to_bytes(8, "big")


def message_schedule(block: bytes) -> list[int]:
    """Expand one 64-byte block into the 64 words W0..W63 (step 1 of 6.2.2)."""
    if len(block) != 64:
        raise ValueError("a SHA-256 block is exactly 64 bytes")
    w = [int.from_bytes(block[4 * t:4 * t + 4], "big") for t in range(16)]
    for t in range(16, 64):
        w.append((small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16]) & MASK32)
    return w


def compress(state: tuple[int, ...], block: bytes) -> tuple[int, ...]:
    """Run the 64 rounds on one block and return the next hash value H(i)."""
    w = message_schedule(block)
    a, b, c, d, e, f, g, h = state
    for t in range(64):
        t1 = (h + big_sigma1(e) + ch(e, f, g) + K[t] + w[t]) & MASK32
        t2 = (big_sigma0(a) + maj(a, b, c)) & MASK32
        h, g, f, e = g, f, e, (d + t1) & MASK32
        d, c, b, a = c, b, a, (t1 + t2) & MASK32
    # Adding the input state back (Davies-Meyer) is what makes the round
    # function one-way even though each round on its own is invertible.
    return tuple((x + y) & MASK32 for x, y in zip(state, (a, b, c, d, e, f, g, h), strict=True))


def sha256(message: bytes) -> bytes:
    """SHA-256 digest (32 bytes) of a message, computed from scratch."""
    state = H0
    padded = pad(bytes(message))
    for i in range(0, len(padded), 64):
        state = compress(state, padded[i:i + 64])
    return b"".join(word.to_bytes(4, "big") for word in state)
