"""Notebook 15's trie checks: the references pass, plausible mistakes are caught in one readable line."""
import pytest
import rlp

from lab.exercises import SOLVED, WRONG, check
from lab.solutions import nb15_trie as ref
from primitives.hashing import keccak256


def _trusting(root, key, proof):           # reads the last node's value without checking any hash
    node = rlp.decode(proof[-1]) if proof else b""
    if isinstance(node, list) and len(node) == 2:
        return node[1] or None
    return None


def _walk_without_hashes(root, key, proof):  # trusts the first node instead of the root it was given
    try:
        return ref.follow_proof(keccak256(proof[0]), key, proof) if proof else None
    except ValueError:
        return None


def _slot_without_padding(user, mapping_slot, offset):   # hashes the 20-byte address unpadded
    data = bytes.fromhex(user[2:]) + mapping_slot.to_bytes(32, "big")
    return int.from_bytes(keccak256(data), "big") + offset


def _slot_swapped(user, mapping_slot, offset):           # slot first, then key: the order of a dynamic array
    data = mapping_slot.to_bytes(32, "big") + bytes.fromhex(user[2:]).rjust(32, b"\0")
    return int.from_bytes(keccak256(data), "big") + offset


def _slot_offset_forgotten(user, mapping_slot, offset):
    return ref.member_slot(user, mapping_slot, 0)


@pytest.mark.parametrize("exercise_id", sorted(ref.SOLUTIONS))
def test_the_reference_passes(exercise_id):
    assert check(exercise_id, ref.SOLUTIONS[exercise_id]).status == SOLVED


@pytest.mark.parametrize(("exercise_id", "wrong"), [
    ("15.1", _trusting), ("15.1", _walk_without_hashes), ("15.1", lambda root, key, proof: None),
    ("15.2", _slot_without_padding), ("15.2", _slot_swapped), ("15.2", _slot_offset_forgotten),
])
def test_a_plausible_mistake_is_caught_in_one_readable_line(exercise_id, wrong, capsys):
    outcome = check(exercise_id, wrong)
    assert outcome.status == WRONG
    assert "Traceback" not in capsys.readouterr().out and "\n" not in outcome.message


@pytest.mark.parametrize("exercise_id", ["15.1", "15.2"])
def test_an_unanswered_stub_is_not_wrong(exercise_id):
    def stub(*args):
        raise NotImplementedError
    assert check(exercise_id, stub).status != SOLVED
