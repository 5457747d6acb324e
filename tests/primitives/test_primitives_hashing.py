"""primitives.hashing: digests against published vectors, avalanche and birthday tools.

Expected digests come from data/sha256_vectors.json (NIST FIPS 180-4, Bitcoin
Core crypto_tests.cpp) and data/keccak256_vectors.json (go-ethereum, alloy).
Everything else is checked against hashlib or plain arithmetic.
"""

import hashlib
import json
import statistics
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from primitives import hashing

DATA = Path(__file__).resolve().parents[2] / "data"
SHA = json.loads((DATA / "sha256_vectors.json").read_text())
KECCAK = json.loads((DATA / "keccak256_vectors.json").read_text())


@pytest.mark.parametrize("vector", SHA["vectors"], ids=lambda v: v["message"][:20] or "empty")
def test_sha256_published_vectors(vector):
    assert hashing.sha256(vector["message"].encode()).hex() == vector["digest"]


def test_sha256_one_million_a():
    vector = SHA["repeated"][0]
    assert hashing.sha256(vector["repeat"].encode() * vector["count"]).hex() == vector["digest"]


@pytest.mark.parametrize("vector", KECCAK["vectors"], ids=lambda v: v["message_hex"] or "empty")
def test_keccak256_published_vectors(vector):
    assert hashing.keccak256(bytes.fromhex(vector["message_hex"])).hex() == vector["digest"]


def test_keccak256_is_not_sha3_256():
    # Ethereum kept Keccak's original padding; FIPS 202 SHA3-256 differs.
    contrast = KECCAK["sha3_256_is_different"]
    message = bytes.fromhex(contrast["message_hex"])
    assert hashlib.sha3_256(message).hexdigest() == contrast["sha3_256"]
    assert hashing.keccak256(message).hex() != contrast["sha3_256"]


def test_double_sha256_of_genesis_header_is_its_hash():
    genesis = json.loads((DATA / "bitcoin_genesis.json").read_text())
    digest = hashing.double_sha256(bytes.fromhex(genesis["raw_header"]))
    assert digest[::-1].hex() == genesis["hash"]


@given(st.binary(max_size=300))
@settings(max_examples=50, deadline=None)
def test_double_sha256_matches_hashlib(data):
    assert hashing.double_sha256(data) == hashlib.sha256(hashlib.sha256(data).digest()).digest()


def test_scratch_sha256_is_reexported():
    assert hashing.sha256_scratch(b"abc").hex() == SHA["vectors"][1]["digest"]


# -- bits and the avalanche effect -------------------------------------------------

def test_flip_bit_numbering_starts_at_most_significant_bit():
    assert hashing.flip_bit(b"\x00\x00", 0) == b"\x80\x00"
    assert hashing.flip_bit(b"\x00\x00", 7) == b"\x01\x00"
    assert hashing.flip_bit(b"\x00\x00", 8) == b"\x00\x80"
    with pytest.raises(IndexError):
        hashing.flip_bit(b"\x00", 8)


def test_bit_difference_and_changed_bits_by_hand():
    assert hashing.bit_difference(b"\x0f", b"\xf0") == 8
    assert hashing.bit_difference(b"\xff\x00", b"\xfe\x01") == 2
    assert hashing.changed_bits(b"\xff\x00", b"\xfe\x01") == [7, 15]
    assert hashing.changed_bits(b"abc", b"abc") == []
    with pytest.raises(ValueError):
        hashing.bit_difference(b"a", b"ab")


@given(st.binary(min_size=1, max_size=64), st.data())
@settings(max_examples=60, deadline=None)
def test_flip_bit_changes_exactly_that_bit(data, draw):
    i = draw.draw(st.integers(0, len(data) * 8 - 1))
    flipped = hashing.flip_bit(data, i)
    assert hashing.changed_bits(data, flipped) == [i]
    assert hashing.bit_difference(data, flipped) == 1
    assert hashing.flip_bit(flipped, i) == data


def test_avalanche_reports_the_flipped_output_bits():
    message = b"GridChain Lab"
    result = hashing.avalanche(message, 3)
    before = hashlib.sha256(message).digest()
    after = hashlib.sha256(bytes([message[0] ^ 0x10]) + message[1:]).digest()
    assert result.digest_before == before and result.digest_after == after
    expected = bin(int.from_bytes(before, "big") ^ int.from_bytes(after, "big")).count("1")
    assert result.n_changed == expected
    assert result.fraction == expected / 256


def test_avalanche_about_half_the_bits_change():
    # For an ideal hash each output bit flips with probability 1/2, so over
    # 1024 flipped input bits the mean is 128 with standard error 8/32 = 0.25.
    counts = hashing.avalanche_counts(bytes(range(128)))
    assert len(counts) == 1024
    assert abs(statistics.mean(counts) - 128) < 2
    assert min(counts) > 100 and max(counts) < 156


def test_avalanche_counts_with_keccak():
    counts = hashing.avalanche_counts(b"power trade #42", hash_fn=hashing.keccak256)
    assert abs(statistics.mean(counts) - 128) < 4


# -- birthday collisions ----------------------------------------------------------

@given(st.binary(max_size=100), st.integers(1, 256))
@settings(max_examples=50, deadline=None)
def test_truncated_hash_is_the_top_bits(data, k):
    full = int.from_bytes(hashlib.sha256(data).digest(), "big")
    assert hashing.truncated_hash(data, k) == full >> (256 - k)


def test_truncated_hash_rejects_bad_widths():
    with pytest.raises(ValueError):
        hashing.truncated_hash(b"x", 0)
    with pytest.raises(ValueError):
        hashing.truncated_hash(b"x", 257)


@pytest.mark.parametrize("k", [8, 16, 24])
def test_find_collision_returns_a_real_collision(k):
    a, b, attempts = hashing.find_collision(k, seed=7)
    assert a != b
    top = lambda m: int.from_bytes(hashlib.sha256(m).digest(), "big") >> (256 - k)  # noqa: E731
    assert top(a) == top(b)
    assert attempts >= 2


def test_find_collision_is_deterministic_per_seed():
    assert hashing.find_collision(20, seed=3) == hashing.find_collision(20, seed=3)
    assert hashing.find_collision(20, seed=3) != hashing.find_collision(20, seed=4)


def test_collisions_follow_the_birthday_bound():
    # Birthday paradox: mean attempts ~ sqrt(pi/2 * 2**k) = 320.8 for k = 16,
    # with standard deviation ~ 0.52 of the mean; 200 seeds pin it within ~4%.
    k = 16
    mean = statistics.mean(hashing.find_collision(k, seed=s)[2] for s in range(200))
    expected = (3.141592653589793 / 2 * 2 ** k) ** 0.5
    assert hashing.expected_collision_attempts(k) == pytest.approx(expected)
    assert 0.85 * expected < mean < 1.15 * expected


def test_find_collision_gives_up_after_max_attempts():
    with pytest.raises(RuntimeError):
        hashing.find_collision(64, seed=0, max_attempts=1000)
