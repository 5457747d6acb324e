"""Checks for notebook 15's trie exercises.

15.1: a Merkle-Patricia proof followed by hand; 15.2: the storage slot of a mapping entry's member.

Expected answers come from independent code, never from the reference solution: py-trie's HexaryTrie
builds the tries and their proofs (15.1), and eth_abi + eth_utils compute Solidity's mapping slots (15.2).
"""
from __future__ import annotations

import random

import rlp
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address
from trie import HexaryTrie

from ..exercises import exercise, expect


def _random_trie(rng: random.Random) -> tuple[HexaryTrie, list[bytes]]:
    reference, keys = HexaryTrie({}), []
    for _ in range(rng.randint(1, 40)):
        # short values give embedded nodes, long ones hashed nodes: both must be followed
        key = rng.randbytes(rng.randint(1, 4))
        reference[key] = rng.randbytes(rng.randint(1, 40))
        keys.append(key)
    return reference, keys


def _proof(reference: HexaryTrie, key: bytes) -> list[bytes]:
    return [rlp.encode(node) for node in reference.get_proof(key)]


def _raises_value_error(follow_proof, root, key, proof) -> bool:
    try:
        follow_proof(root, key, proof)
    except ValueError:
        return True
    return False


@exercise("15.1", "verify a Merkle-Patricia proof by hand")
def check_follow_proof(follow_proof):
    rng = random.Random(1186)  # EIP-1186 is eth_getProof
    for _ in range(25):
        reference, keys = _random_trie(rng)
        root = reference.root_hash
        present = rng.choice(keys)
        for key in [present, rng.randbytes(rng.randint(1, 4))]:
            want = reference.get(key) or None
            got = follow_proof(root, key, _proof(reference, key))
            expect(got == want, f"key 0x{key.hex()}: you returned {got!r}, the trie holds {want!r}")
        proof = _proof(reference, present)
        # py-trie also lists embedded nodes, which no hash covers: alter the deepest node named by its hash
        deepest = max(i for i, node in enumerate(proof) if len(node) >= 32 or i == 0)
        altered = list(proof)
        altered[deepest] = altered[deepest][:-1] + bytes([altered[deepest][-1] ^ 1])
        expect(_raises_value_error(follow_proof, root, present, altered),
               f"key 0x{present.hex()}: a proof with one flipped bit was accepted; each node must hash to "
               "the reference its parent holds, else raise ValueError")
        if deepest > 0:
            expect(_raises_value_error(follow_proof, root, present, proof[:deepest] + proof[deepest + 1:]),
                   f"key 0x{present.hex()}: a proof missing a node was accepted; raise ValueError")
    return "every node hashed to its parent's reference, embedded nodes read in place, absence shown"


def _expected_slot(user: str, mapping_slot: int, offset: int) -> int:
    return int.from_bytes(keccak(abi_encode(["address", "uint256"], [user, mapping_slot])), "big") + offset


@exercise("15.2", "the storage slot of a mapping entry's member")
def check_member_slot(member_slot):
    rng = random.Random(2)
    cases = [("0x" + "00" * 19 + "01", 0, 0), ("0x" + "00" * 19 + "01", 1, 0)]
    for _ in range(20):
        cases.append((to_checksum_address(rng.randbytes(20)), rng.randint(0, 5), rng.randint(0, 4)))
    for user, slot, offset in cases:
        want = _expected_slot(user, slot, offset)
        got = member_slot(user, slot, offset)
        expect(isinstance(got, int), f"member_slot should return an int, got {type(got).__name__}")
        expect(got == want, f"user {user}, mapping at slot {slot}, member offset {offset}: you gave "
                            f"{got:#x}, expected {want:#x} (keccak256(pad32(user) ++ pad32(slot)) + offset)")
    return "keccak256(pad32(key) ++ pad32(slot)) + offset: the slot solc gives that member"
