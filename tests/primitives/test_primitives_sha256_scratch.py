"""primitives.sha256_scratch: the teaching SHA-256 must equal hashlib bit for bit.

Constants and vectors: NIST FIPS 180-4 (sections 4.2.2, 5.3.3 and the 'abc'
and 448-bit examples) via data/sha256_vectors.json; padding rule: FIPS 180-4
section 5.1.1. Random inputs are checked against hashlib.
"""

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from primitives import sha256_scratch as s

DATA = Path(__file__).resolve().parents[2] / "data"
SHA = json.loads((DATA / "sha256_vectors.json").read_text())


def test_constants_match_fips_180_4():
    constants = SHA["constants"]
    assert len(s.K) == 64 and len(s.H0) == 8
    assert s.K[0] == int(constants["K_first"], 16)
    assert s.K[-1] == int(constants["K_last"], 16)
    assert s.H0[0] == int(constants["H0_first"], 16)
    assert s.H0[-1] == int(constants["H0_last"], 16)


def test_first_primes():
    assert s.first_primes(10) == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]


@pytest.mark.parametrize("vector", SHA["vectors"], ids=lambda v: v["message"][:20] or "empty")
def test_published_vectors(vector):
    assert s.sha256(vector["message"].encode()).hex() == vector["digest"]


@pytest.mark.parametrize("length, padded", [(0, 64), (1, 64), (55, 64), (56, 128), (63, 128),
                                            (64, 128), (119, 128), (120, 192)])
def test_padding_lengths(length, padded):
    # FIPS 180-4 5.1.1: 1 bit + zeros + 64-bit length, total a multiple of 512 bits.
    out = s.pad(b"\xaa" * length)
    assert len(out) == padded
    assert out[length] == 0x80
    assert int.from_bytes(out[-8:], "big") == 8 * length


@pytest.mark.parametrize("length", [0, 1, 54, 55, 56, 57, 63, 64, 65, 111, 119, 120, 127, 128, 129])
def test_lengths_around_block_boundaries(length):
    message = bytes((7 * i + 3) % 256 for i in range(length))
    assert s.sha256(message) == hashlib.sha256(message).digest()


@given(st.binary(max_size=200))
@settings(max_examples=80, deadline=None)
def test_matches_hashlib_on_random_inputs(message):
    assert s.sha256(message) == hashlib.sha256(message).digest()


@given(st.integers(50, 70).flatmap(lambda n: st.binary(min_size=n, max_size=n)))
@settings(max_examples=40, deadline=None)
def test_matches_hashlib_near_the_55_56_64_byte_edges(message):
    assert s.sha256(message) == hashlib.sha256(message).digest()


def test_message_schedule_rejects_wrong_block_size():
    with pytest.raises(ValueError):
        s.message_schedule(b"\x00" * 63)


def test_logical_functions_by_hand():
    # Definitions from FIPS 180-4 section 4.1.2, evaluated on tiny words.
    assert s.rotr(1, 1) == 0x80000000
    assert s.ch(0xFFFF0000, 0x12345678, 0x9ABCDEF0) == 0x1234DEF0
    assert s.maj(0b1100, 0b1010, 0b0110) == 0b1110
