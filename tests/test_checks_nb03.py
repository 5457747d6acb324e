"""Notebook 03's checks: the reference solutions pass, and plausible mistakes are caught."""
import hashlib

import pytest

from lab.exercises import SOLVED, WRONG, check, registered
from lab.solutions import nb03


def test_four_exercises_registered():
    assert registered("03") == ["03.1", "03.2", "03.3", "03.4"]


@pytest.mark.parametrize("exercise_id, solution", [
    ("03.1", nb03.parse_timestamp),
    ("03.2", nb03.header_hash_hex),
    ("03.3", nb03.compact_to_target),
    ("03.4", nb03.links_to),
])
def test_reference_solution_passes(exercise_id, solution):
    assert check(exercise_id, solution).status == SOLVED


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
