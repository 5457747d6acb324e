"""Merkle trees, Bitcoin style.

A block header holds one 32-byte Merkle root that commits to every
transaction in the block. Bitcoin's rules:

- nodes are double SHA-256 of the concatenation of two children;
- hashes are in *internal* byte order (as serialised on the wire). Block
  explorers and RPC show txids *reversed* ("display order"); the helpers
  `bitcoin_merkle_root` and `MerkleTree.from_txids` take display-order hex;
- when a level has an odd number of nodes, the last one is paired with itself.

That last rule has a known weakness, CVE-2012-2459: the transaction lists
[a, b, c] and [a, b, c, c] produce the same root, so a block can be "mutated"
into an invalid twin with the same header hash. Bitcoin Core detects it by
refusing to hash two identical siblings (see `is_mutated`) and by not marking
such a block hash as permanently invalid. Reference: the warning comment in
bitcoin/bitcoin src/consensus/merkle.cpp.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .hashing import double_sha256

LEFT = "left"
RIGHT = "right"


def merkle_parent(left: bytes, right: bytes) -> bytes:
    """Parent node: double SHA-256 of left || right (32 bytes)."""
    return double_sha256(left + right)


def merkle_parent_level(level: list[bytes]) -> list[bytes]:
    """Hash one level into the level above, pairing an odd last node with itself."""
    if not level:
        raise ValueError("a Merkle level needs at least one node")
    if len(level) % 2 == 1:
        level = [*level, level[-1]]
    # merkle_parent written out: a tree of 2^20 leaves makes 2^20 parents, and two
    # Python calls fewer per parent keep this within a few percent of bare hashlib.
    sha256 = hashlib.sha256
    pairs = zip(level[::2], level[1::2], strict=True)   # the level was made even above
    return [sha256(sha256(left + right).digest()).digest() for left, right in pairs]


def merkle_levels(leaves: list[bytes]) -> list[list[bytes]]:
    """All levels of the tree: levels[0] are the leaves, levels[-1] == [root].

    The duplicated odd node is not stored: each level holds only real nodes.
    """
    if not leaves:
        raise ValueError("a Merkle tree needs at least one leaf")
    levels = [list(leaves)]
    while len(levels[-1]) > 1:
        levels.append(merkle_parent_level(levels[-1]))
    return levels


def merkle_root(leaves: list[bytes]) -> bytes:
    """Merkle root (32 bytes, internal byte order) of 32-byte leaf hashes."""
    if not leaves:
        raise ValueError("a Merkle tree needs at least one leaf")
    level = list(leaves)
    while len(level) > 1:   # only the current level is kept: the root needs no history
        level = merkle_parent_level(level)
    return level[0]


def bitcoin_merkle_root(txids: list[str]) -> str:
    """Merkle root from txids, both as hex in display (RPC/explorer) byte order."""
    leaves = [bytes.fromhex(txid)[::-1] for txid in txids]
    return merkle_root(leaves)[::-1].hex()


def is_mutated(leaves: list[bytes]) -> bool:
    """True if some level hashes two identical siblings (CVE-2012-2459).

    Mirrors the `mutated` flag of Bitcoin Core's ComputeMerkleRoot: a list such
    as [a, b, c, c] shares its root with [a, b, c] and must be rejected.
    """
    for level in merkle_levels(leaves)[:-1]:
        if any(level[i] == level[i + 1] for i in range(0, len(level) - 1, 2)):
            return True
    return False


@dataclass(frozen=True)
class MerkleProof:
    """Evidence that one leaf is in a tree: the sibling at each level, bottom up."""

    index: int                  # position of the leaf among the leaves
    siblings: tuple[bytes, ...]  # 32 bytes each, from the leaf level upwards
    sides: tuple[str, ...]       # for each sibling: LEFT or RIGHT of our path


def verify_proof(leaf: bytes, proof: MerkleProof, root: bytes) -> bool:
    """Check that leaf (32 bytes) hashes up to root along the proof's path.

    The sides must match the binary digits of proof.index, and the index must
    fit in the proof's length. That stops a proof being relabelled for an
    arbitrary position, but a verifier that knows only the root cannot tell
    how many leaves the tree has, and Bitcoin-style proofs have two known
    limits (the lesson shows both; see the tests):

    - Duplicated nodes (CVE-2012-2459): where an odd level paired its last
      node with itself, the sibling equals the node, so the same proof with
      that side flipped verifies at another index. In a 3-leaf tree, leaf 2
      with itself as sibling also verifies at index 3, a leaf that does not
      exist: the proof is valid for the mutated list [a, b, c, c].
    - Inner nodes as leaves (the 64-byte transaction ambiguity): an inner
      node is 32 bytes like a leaf, so a proof cut short proves an inner node
      as if it were a leaf. In Bitcoin a 64-byte transaction hashes exactly
      like the pair of children below an inner node, which is how fake SPV
      proofs are built; Bitcoin Core stopped relaying such transactions in
      0.16.1, and BIP 54 (Consensus Cleanup) proposes to make them invalid.

    A verifier that knows the number of leaves n (from the block) should also
    check index < n and that the proof has exactly the tree's height.
    """
    if len(proof.siblings) != len(proof.sides) or proof.index < 0:
        return False
    if proof.index >> len(proof.siblings):
        return False  # the index needs more levels than the proof has
    node = leaf
    for level, (sibling, side) in enumerate(zip(proof.siblings, proof.sides, strict=True)):
        expected = LEFT if (proof.index >> level) & 1 else RIGHT
        if side != expected:
            return False
        node = merkle_parent(sibling, node) if side == LEFT else merkle_parent(node, sibling)
    return node == root


class MerkleTree:
    """A full Merkle tree over 32-byte leaves (internal byte order)."""

    def __init__(self, leaves: list[bytes]):
        """Build every level of the tree from the leaf hashes."""
        if any(len(leaf) != 32 for leaf in leaves):
            raise ValueError("leaves must be 32-byte hashes")
        self.levels: list[list[bytes]] = merkle_levels(leaves)

    @classmethod
    def from_txids(cls, txids: list[str]) -> MerkleTree:
        """Build a tree from display-order txid hex strings."""
        return cls([bytes.fromhex(txid)[::-1] for txid in txids])

    @property
    def leaves(self) -> list[bytes]:
        """The leaf hashes (level 0)."""
        return self.levels[0]

    @property
    def root(self) -> bytes:
        """The Merkle root in internal byte order."""
        return self.levels[-1][0]

    @property
    def root_hex(self) -> str:
        """The Merkle root in display byte order, as block explorers show it."""
        return self.root[::-1].hex()

    @property
    def height(self) -> int:
        """Number of hashing levels above the leaves (0 for a single leaf)."""
        return len(self.levels) - 1

    def proof(self, index: int) -> MerkleProof:
        """The Merkle proof (authentication path) for leaf number index."""
        if not 0 <= index < len(self.leaves):
            raise IndexError(f"leaf {index} out of range (tree has {len(self.leaves)})")
        siblings, sides = [], []
        position = index
        for level in self.levels[:-1]:
            if position % 2 == 1:
                siblings.append(level[position - 1])
                sides.append(LEFT)
            else:
                # An odd last node is its own sibling (Bitcoin's duplication rule).
                partner = position + 1 if position + 1 < len(level) else position
                siblings.append(level[partner])
                sides.append(RIGHT)
            position //= 2
        return MerkleProof(index, tuple(siblings), tuple(sides))

    def path(self, index: int) -> list[tuple[int, int]]:
        """(level, position) of every node from leaf `index` up to the root."""
        return [(level, index >> level) for level in range(len(self.levels))]

    def __len__(self) -> int:
        return len(self.leaves)


def changed_nodes(tree_a: MerkleTree, tree_b: MerkleTree) -> list[tuple[int, int]]:
    """(level, position) of every node that differs between two same-shape trees.

    Tamper with one leaf and exactly the nodes on its path to the root change:
    one per level, which is why a proof needs only log2(n) hashes.
    """
    if len(tree_a) != len(tree_b):
        raise ValueError("compare trees with the same number of leaves")
    return [
        (level, i)
        for level, (row_a, row_b) in enumerate(zip(tree_a.levels, tree_b.levels, strict=True))
        for i, (x, y) in enumerate(zip(row_a, row_b, strict=True))
        if x != y
    ]
