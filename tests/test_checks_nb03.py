"""Notebook 03's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
import hashlib

import pytest

from lab.exercises import WRONG, check


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


@pytest.mark.parametrize("exercise_id, wrong", [
    # big-endian instead of little-endian
    ("03.1", lambda raw: int.from_bytes(raw[68:72], "big")),
    # off by one field: reads the bits instead of the timestamp
    ("03.1", lambda raw: int.from_bytes(raw[72:76], "little")),
    # internal order, not reversed for display
    ("03.2", lambda raw: _sha256d(raw).hex()),
    # a single SHA-256
    ("03.2", lambda raw: hashlib.sha256(raw).digest()[::-1].hex()),
    # exponent without the "- 3"
    ("03.3", lambda bits: (bits & 0x7FFFFF) << (8 * (bits >> 24))),
    # always shifts left: fails (raises) for sizes below 3
    ("03.3", lambda bits: (bits & 0x7FFFFF) << (8 * ((bits >> 24) - 3))),
    # compares the display-order hash with the stored (internal-order) prev_hash
    ("03.4", lambda parent, child: child[4:36] == _sha256d(parent)[::-1]),
    # believes every pair links
    ("03.4", lambda parent, child: True),
])
def test_plausible_mistake_is_rejected(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG
