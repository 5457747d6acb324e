"""Notebook 02's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
import hashlib
import math

import pytest

from lab.exercises import WRONG, check
from lab.solutions import nb02
from primitives.merkle import merkle_root


def _root_without_reversing(txids):
    return merkle_root([bytes.fromhex(t) for t in txids]).hex()


def _root_carrying_odd_node_up(txids):
    # Promotes an odd last node unchanged instead of pairing it with a copy.
    level = [bytes.fromhex(t)[::-1] for t in txids]
    while len(level) > 1:
        level = [nb02.merkle_parent(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
                 for i in range(0, len(level), 2)]
    return level[0][::-1].hex()


def _verify_ignoring_sides(leaf, proof, root):
    node = leaf
    for sibling in proof.siblings:
        node = nb02.merkle_parent(node, sibling)
    return node == root


@pytest.mark.parametrize("exercise_id, wrong", [
    ("02.1", lambda left, right: hashlib.sha256(left + right).digest()),     # single SHA-256
    ("02.1", lambda left, right: hashlib.sha256(hashlib.sha256(left).digest()
                                                + hashlib.sha256(right).digest()).digest()),
    ("02.2", _verify_ignoring_sides),
    ("02.2", lambda leaf, proof, root: True),
    ("02.3", _root_without_reversing),
    ("02.3", _root_carrying_odd_node_up),
    ("02.4", lambda n: 32 * int(math.log2(n))),                              # floor instead of ceil
    ("02.4", lambda n: 32 * n.bit_length()),                                 # one too many for powers of 2
])
def test_plausible_mistake_is_rejected(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG
