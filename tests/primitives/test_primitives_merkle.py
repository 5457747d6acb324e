"""primitives.merkle against real blocks, plus proof and tamper properties.

Real roots: data/bitcoin_merkle_blocks.json (block 100000 from btcd's tests,
block 170) and the genesis block (one transaction: root == txid, Bitcoin Core
chainparams). CVE-2012-2459 examples: the comment in Bitcoin Core
src/consensus/merkle.cpp ([1..6] vs [1..6,5,6]). The two known limits of
proofs (a duplicated leaf verifying at a missing index, an inner node passing
as a leaf: the 64-byte transaction ambiguity of BIP 54) are shown on trees
whose roots are computed by hand. Node hashes in the hand-built checks use
hashlib directly.
"""

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from primitives.merkle import (
    LEFT,
    RIGHT,
    MerkleProof,
    MerkleTree,
    bitcoin_merkle_root,
    changed_nodes,
    is_mutated,
    merkle_levels,
    merkle_parent,
    merkle_root,
    verify_proof,
)

DATA = Path(__file__).resolve().parents[2] / "data"
BLOCKS = json.loads((DATA / "bitcoin_merkle_blocks.json").read_text())["blocks"]
GENESIS = json.loads((DATA / "bitcoin_genesis.json").read_text())


def dsha(b: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def fake_leaf(i: int) -> bytes:
    return hashlib.sha256(b"tx %d" % i).digest()


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: str(b["height"]))
def test_bitcoin_merkle_root_of_real_blocks(block):
    assert bitcoin_merkle_root(block["txids"]) == block["merkle_root"]


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: str(b["height"]))
def test_merkle_root_uses_internal_byte_order(block):
    leaves = [bytes.fromhex(t)[::-1] for t in block["txids"]]
    assert merkle_root(leaves) == bytes.fromhex(block["merkle_root"])[::-1]
    # Feeding display-order bytes gives a different (wrong) root.
    assert merkle_root([bytes.fromhex(t) for t in block["txids"]])[::-1].hex() != block["merkle_root"]


def test_single_transaction_root_is_the_txid():
    assert bitcoin_merkle_root(GENESIS["txids"]) == GENESIS["merkle_root"]


def test_block_100000_by_hand():
    a, b, c, d = (bytes.fromhex(t)[::-1] for t in BLOCKS[0]["txids"])
    expected = dsha(dsha(a + b) + dsha(c + d))
    tree = MerkleTree.from_txids(BLOCKS[0]["txids"])
    assert tree.root == expected
    assert tree.levels[1] == [dsha(a + b), dsha(c + d)]
    assert tree.root_hex == BLOCKS[0]["merkle_root"]
    assert tree.height == 2 and len(tree) == 4


def test_odd_level_duplicates_last_node():
    a, b, c = fake_leaf(1), fake_leaf(2), fake_leaf(3)
    assert merkle_root([a, b, c]) == dsha(dsha(a + b) + dsha(c + c))
    assert merkle_parent(a, b) == dsha(a + b)


def test_empty_tree_is_an_error():
    with pytest.raises(ValueError):
        merkle_root([])
    with pytest.raises(ValueError):
        MerkleTree([b"short"])


# -- CVE-2012-2459 -------------------------------------------------------------------

def test_cve_2012_2459_abc_and_abcc_share_a_root():
    a, b, c = fake_leaf(1), fake_leaf(2), fake_leaf(3)
    assert merkle_root([a, b, c]) == merkle_root([a, b, c, c])
    assert not is_mutated([a, b, c])
    assert is_mutated([a, b, c, c])


def test_cve_2012_2459_bitcoin_core_example():
    # [1,2,3,4,5,6] and [1,2,3,4,5,6,5,6] (comment in src/consensus/merkle.cpp)
    leaves = [fake_leaf(i) for i in range(1, 7)]
    mutated = [*leaves, leaves[4], leaves[5]]
    assert merkle_root(leaves) == merkle_root(mutated)
    assert not is_mutated(leaves)
    assert is_mutated(mutated)


def test_real_blocks_are_not_mutated():
    for block in BLOCKS:
        assert not is_mutated([bytes.fromhex(t)[::-1] for t in block["txids"]])


# -- proofs ---------------------------------------------------------------------------

def test_proof_for_block_100000_third_transaction():
    a, b, c, d = (bytes.fromhex(t)[::-1] for t in BLOCKS[0]["txids"])
    tree = MerkleTree([a, b, c, d])
    proof = tree.proof(2)
    assert proof == MerkleProof(2, (d, dsha(a + b)), (RIGHT, LEFT))
    assert verify_proof(c, proof, bytes.fromhex(BLOCKS[0]["merkle_root"])[::-1])


def test_proof_of_odd_last_leaf_uses_itself_as_sibling():
    leaves = [fake_leaf(i) for i in range(3)]
    proof = MerkleTree(leaves).proof(2)
    assert proof.siblings[0] == leaves[2] and proof.sides[0] == RIGHT
    assert verify_proof(leaves[2], proof, merkle_root(leaves))


def test_proof_index_out_of_range():
    with pytest.raises(IndexError):
        MerkleTree([fake_leaf(0)]).proof(1)


def test_proof_replayed_at_another_index_fails():
    leaves = [fake_leaf(i) for i in range(4)]
    tree = MerkleTree(leaves)
    proof = tree.proof(1)
    forged = MerkleProof(3, proof.siblings, proof.sides)
    assert not verify_proof(leaves[1], forged, tree.root)
    assert not verify_proof(leaves[1], MerkleProof(1, proof.siblings[:1], proof.sides[:1]), tree.root)


# -- known limits of Bitcoin-style proofs (documented in verify_proof) ------------------------

def test_limit_duplicated_last_leaf_also_verifies_at_a_missing_index():
    # CVE-2012-2459 in proof form. Root of [a, b, c] by hand:
    # H(H(a + b) + H(c + c)). Leaf c at index 3 (binary 11: left, left) with
    # siblings c and H(a + b) hashes to H(H(a + b) + H(c + c)) as well, so a
    # verifier that knows only the root accepts a fourth leaf the tree lacks.
    a, b, c = fake_leaf(0), fake_leaf(1), fake_leaf(2)
    root = dsha(dsha(a + b) + dsha(c + c))
    assert merkle_root([a, b, c]) == root
    honest = MerkleProof(2, (c, dsha(a + b)), (RIGHT, LEFT))
    phantom = MerkleProof(3, (c, dsha(a + b)), (LEFT, LEFT))
    assert verify_proof(c, honest, root)
    assert verify_proof(c, phantom, root)
    # The phantom position is real in the mutated list [a, b, c, c].
    assert MerkleTree([a, b, c, c]).proof(3) == phantom


def test_limit_inner_node_verifies_as_a_leaf_with_a_shorter_proof():
    # The 64-byte-transaction ambiguity: an inner node is 32 bytes like a
    # leaf. In a 4-leaf tree H(a + b) is the left child of the root; a
    # one-step proof with sibling H(c + d) "proves" it as leaf 0.
    a, b, c, d = (fake_leaf(i) for i in range(4))
    root = dsha(dsha(a + b) + dsha(c + d))
    inner = dsha(a + b)
    assert verify_proof(inner, MerkleProof(0, (dsha(c + d),), (RIGHT,)), root)
    # Equivalently: the 64 bytes a + b, hashed as if they were a transaction,
    # give a "txid" that this proof accepts.
    assert dsha(a + b) == inner and len(a + b) == 64
    # Knowing the tree's height (2) exposes it: the proof is one step short.
    assert MerkleTree([a, b, c, d]).height == 2


leaf_lists = st.integers(1, 40).map(lambda n: [fake_leaf(i) for i in range(n)])


@given(leaf_lists)
@settings(max_examples=40, deadline=None)
def test_every_leaf_has_a_valid_proof(leaves):
    tree = MerkleTree(leaves)
    for i, leaf in enumerate(leaves):
        proof = tree.proof(i)
        assert len(proof.siblings) == tree.height
        assert verify_proof(leaf, proof, tree.root)


@given(leaf_lists, st.data())
@settings(max_examples=60, deadline=None)
def test_tampered_leaf_or_sibling_fails(leaves, draw):
    tree = MerkleTree(leaves)
    i = draw.draw(st.integers(0, len(leaves) - 1))
    proof = tree.proof(i)
    bit = draw.draw(st.integers(0, 255))
    flip = lambda h: (int.from_bytes(h, "big") ^ (1 << bit)).to_bytes(32, "big")  # noqa: E731
    assert not verify_proof(flip(leaves[i]), proof, tree.root)
    if proof.siblings:
        level = draw.draw(st.integers(0, len(proof.siblings) - 1))
        siblings = list(proof.siblings)
        siblings[level] = flip(siblings[level])
        assert not verify_proof(leaves[i], MerkleProof(i, tuple(siblings), proof.sides), tree.root)
    assert not verify_proof(leaves[i], proof, flip(tree.root))


# -- showing where tampering propagates ---------------------------------------------------

@given(leaf_lists, st.data())
@settings(max_examples=40, deadline=None)
def test_tampering_changes_exactly_the_path_to_the_root(leaves, draw):
    i = draw.draw(st.integers(0, len(leaves) - 1))
    tampered = list(leaves)
    tampered[i] = hashlib.sha256(b"evil" + leaves[i]).digest()
    a, b = MerkleTree(leaves), MerkleTree(tampered)
    expected = [(level, i >> level) for level in range(len(a.levels))]
    assert changed_nodes(a, b) == expected
    assert a.path(i) == expected


def test_changed_nodes_needs_same_shape():
    with pytest.raises(ValueError):
        changed_nodes(MerkleTree([fake_leaf(0)]), MerkleTree([fake_leaf(0), fake_leaf(1)]))


def test_levels_shape():
    levels = merkle_levels([fake_leaf(i) for i in range(5)])
    assert [len(level) for level in levels] == [5, 3, 2, 1]
