"""Reference solutions for notebook 02 (Merkle trees)."""
import hashlib
import math

from lab.solutions import ModelAnswer, mychain


def merkle_parent(left: bytes, right: bytes) -> bytes:
    """Double SHA-256 of left || right."""
    return hashlib.sha256(hashlib.sha256(left + right).digest()).digest()


def verify_by_hand(leaf: bytes, proof, root: bytes) -> bool:
    """Fold the proof's siblings into the leaf, bottom up; compare with the root."""
    node = leaf
    for sibling, side in zip(proof.siblings, proof.sides, strict=True):
        node = merkle_parent(sibling, node) if side == "left" else merkle_parent(node, sibling)
    return node == root


def block_merkle_root(txids: list[str]) -> str:
    """Bitcoin's Merkle root of display-order txids, in display order."""
    level = [bytes.fromhex(txid)[::-1] for txid in txids]
    while len(level) > 1:
        if len(level) % 2 == 1:
            level.append(level[-1])
        level = [merkle_parent(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0][::-1].hex()


def proof_size_bytes(n: int) -> int:
    """Bytes in a Merkle proof for one of n leaves: 32 per level."""
    return 32 * math.ceil(math.log2(n))


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "02.1": merkle_parent,
    "02.2": verify_by_hand,
    "02.3": block_merkle_root,
    "02.4": proof_size_bytes,
    "02.5": mychain.merkle_root,      # a library exercise: notebooks/mychain.py
}

MODEL_ANSWERS = {
    "02.Q1": ModelAnswer(
        points=3,
        answer=(
            'The header holds the Merkle root, and the proof gives one sibling hash per level, so the '
            'client can hash its own transaction up the path, about log2 n hashes, and compare the result '
            'with the root; it never needs the other transactions. To fake a proof for a transaction that '
            'is not in the block, the node would have to find sibling hashes that hash to the same root, a '
            'second pre-image or collision of SHA-256, which is infeasible. But the proof only shows that '
            'the transaction is in a block with that header: it does not show that the block is on the '
            "chain with the most work (the client must check the headers' proof of work and wait for "
            'confirmations), that the transaction is valid (the seller really had the energy, it is not a '
            'double spend; full nodes check that), or that nothing is missing, since a node can simply '
            'withhold a transaction that concerns you.'
        ),
        marking=(
            '1 point: the proof recomputes the root in the header from the transaction and one sibling per '
            'level, without the other transactions; 1 point: faking it needs a hash collision or second '
            'pre-image; 1 point: one thing it does not prove (block on the most-work chain / confirmations, '
            'validity of the transaction, completeness) with what would settle it'
        ),
    ),
}
