"""Checks for notebook 01 (hashing).

Expected values come from computations independent of your code (hashlib,
plain integer arithmetic, math), from NIST FIPS 180-4 section 5.1.1 (SHA-256
padding) and section 3.2 (ROTR), and from data/keccak256_vectors.json
(go-ethereum's own constants).
"""
import hashlib
import json
import math
import random
from pathlib import Path

from ..exercises import exercise, expect

DATA = Path(__file__).resolve().parents[2] / "data"


def _popcount_xor(a: bytes, b: bytes) -> int:
    # Independent of primitives: compare bit strings character by character.
    bits = lambda data: "".join(f"{byte:08b}" for byte in data)  # noqa: E731
    return sum(x != y for x, y in zip(bits(a), bits(b), strict=True))


@exercise("01.1", "Ethereum's hash is Keccak-256, not SHA3-256")
def check_ethereum_hash(ethereum_hash):
    vectors = json.loads((DATA / "keccak256_vectors.json").read_text())
    for vector in vectors["vectors"]:
        message = bytes.fromhex(vector["message_hex"])
        got = ethereum_hash(message)
        got_hex = got.hex() if isinstance(got, (bytes, bytearray)) else repr(got)
        hint = (" (that is hashlib.sha3_256: the FIPS 202 standard, with different padding)"
                if got_hex == hashlib.sha3_256(message).hexdigest() else "")
        expect(got_hex == vector["digest"], f"ethereum_hash({message!r}) returned {got_hex[:16]}..., "
                                            f"expected {vector['digest'][:16]}... ({vector['source']}){hint}")
    return ("keccak256(b'') = c5d24601... is go-ethereum's EmptyCodeHash; SHA3-256(b'') = a7ffc6f8... "
            "is a different function")


@exercise("01.2", "count the bits two digests differ in")
def check_bit_difference(bit_difference):
    cases = [(b"\x00", b"\x00"), (b"\x00", b"\xff"), (b"\x0f\xf0", b"\xff\x00"),
             (hashlib.sha256(b"GridChain").digest(), hashlib.sha256(b"Gridchain").digest()),
             (hashlib.sha256(b"").digest(), hashlib.sha3_256(b"").digest())]
    for a, b in cases:
        want, got = _popcount_xor(a, b), bit_difference(a, b)
        expect(got == want, f"bit_difference({a[:4].hex()}..., {b[:4].hex()}...) returned {got!r}, expected "
                            f"{want}")
    return "XOR keeps exactly the bits that differ; count its 1s. One changed letter flips ~128 of 256 bits"


@exercise("01.3", "the birthday bound")
def check_expected_attempts(expected_attempts):
    for k in (1, 8, 16, 24, 32, 64, 128, 256):
        want = math.sqrt(math.pi / 2 * 2 ** k)
        got = expected_attempts(k)
        expect(isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-6),
               f"expected_attempts({k}) returned {got!r}, expected {want:.6g} = sqrt(pi/2 * 2**{k})")
    return ("sqrt(pi/2) ≈ 1.25 times 2^(k/2): a full 256-bit SHA-256 collision would take "
            f"about {math.sqrt(math.pi / 2 * 2 ** 256):.2e} hashes")


@exercise("01.4", "rotate a 32-bit word right")
def check_rotr(rotr):
    rng = random.Random(180_4)
    cases = [(0x00000001, 1), (0x80000000, 31), (0x12345678, 8), (0xFFFFFFFF, 5), (0x6A09E667, 0)]
    cases += [(rng.getrandbits(32), rng.randrange(32)) for _ in range(20)]
    for x, n in cases:
        bits = f"{x:032b}"
        want = int(bits[32 - n:] + bits[:32 - n], 2)  # FIPS 180-4 section 3.2: ROTR^n(x)
        got = rotr(x, n)
        expect(got == want, f"rotr(0x{x:08x}, {n}) returned {got!r}, expected 0x{want:08x}")
    return "ROTR keeps all 32 bits, just moved: SHA-256's Σ and σ functions are built from it"


@exercise("01.5", "SHA-256 padding (FIPS 180-4 section 5.1.1)")
def check_pad(pad):
    for length in (0, 3, 55, 56, 63, 64, 100, 119, 120):
        message = bytes((7 * i + 1) % 256 for i in range(length))
        got = pad(message)
        expect(isinstance(got, (bytes, bytearray)), f"pad returned a {type(got).__name__}, expected bytes")
        # Section 5.1.1: message, a 1 bit, k zero bits with l + 1 + k = 448 mod 512,
        # then l as a 64-bit big-endian number (l = message length in bits).
        k_bits = (448 - (8 * length + 1)) % 512
        want = message + b"\x80" + bytes((k_bits - 7) // 8) + (8 * length).to_bytes(8, "big")
        where = f"pad of a {length}-byte message"
        expect(len(got) % 64 == 0, f"{where}: length {len(got)} is not a multiple of 64 bytes")
        expect(len(got) == len(want), f"{where}: length {len(got)}, expected {len(want)} "
                                      f"(the shortest padding that leaves 8 bytes for the length)")
        expect(bytes(got[:length]) == message, f"{where}: must start with the message itself")
        expect(got[length] == 0x80, f"{where}: byte {length} is 0x{got[length]:02x}, expected 0x80 (a 1 bit)")
        expect(bytes(got[-8:]) == want[-8:], f"{where}: last 8 bytes {bytes(got[-8:]).hex()}, expected "
                                             f"{want[-8:].hex()} (bit length, big-endian)")
        expect(bytes(got) == want, f"{where}: the bytes between 0x80 and the length must all be zero")
    return "55 bytes fit in one block, 56 need two: the 0x80 byte and the 8-byte length must both fit"


@exercise("01.6", "your library: hash256 in mychain.py")
def check_hash256(hash256):
    messages = [b"", b"abc", b"GridChain", bytes(range(256)) * 3]
    genesis = json.loads((DATA / "bitcoin_genesis.json").read_text())
    for message in messages:
        want = hashlib.sha256(hashlib.sha256(message).digest()).digest()
        got = hash256(message)
        got_hex = bytes(got).hex() if isinstance(got, (bytes, bytearray)) else repr(got)
        hint = " (that is a single SHA-256: hash the digest again)" \
            if got_hex == hashlib.sha256(message).hexdigest() else ""
        expect(isinstance(got, (bytes, bytearray)) and bytes(got) == want,
               f"hash256({message[:8]!r}...) returned {got_hex[:16]}..., expected {want.hex()[:16]}...{hint}")
    got = hash256(bytes.fromhex(genesis["raw_header"]))
    expect(bytes(got)[::-1].hex() == genesis["hash"],
           "hash256 of the genesis header, reversed, should be the genesis block hash 000000000019d6...")
    return "hash256 of the genesis header, reversed, is 000000000019d6...: the hash every explorer shows"
