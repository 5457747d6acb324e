"""A Merkle-Patricia trie, the structure behind Ethereum's state, storage, transaction and receipt roots.

The trie maps byte keys to byte values, and its root hash commits to every pair:
change one value and the root changes. Keys are walked a nibble (4 bits) at a
time (see `bytes_to_nibbles`). There are three kinds of node, each an RLP list:

* **leaf** ``[hex_prefix(rest_of_path, leaf=True), value]``: where a key ends;
* **extension** ``[hex_prefix(shared_path, leaf=False), child]``: a run of
  nibbles that every key below shares, so no branch is spent on it;
* **branch** ``[child_0, ..., child_15, value]``: one slot per next nibble,
  plus a value for a key that ends exactly here.

A parent refers to a child by ``keccak256(rlp(child))``, unless the child's RLP
is shorter than 32 bytes: then the child is *embedded* (inlined) in the parent,
since a hash would be longer than the node. The root is always hashed; the
empty trie's root is ``keccak256(rlp(b""))`` = ``56e81f17...b421``.

A *proof* for a key is the list of RLP-encoded nodes met on the way from the
root to the key (the format of ``eth_getProof``). Anyone who knows only the
root can check it: each node must hash to the reference its parent holds.

Ethereum's state and storage tries are *secure* tries: the key is
``keccak256(key)``, so paths are evenly spread and fixed in length
(`SecureTrie`, `verify_secure_proof`).
"""

from __future__ import annotations

import rlp

from .hashing import keccak256

#: A decoded node: b"" (blank), a 2-item list (leaf / extension) or a 17-item list (branch).
Node = bytes | list

BLANK_NODE = b""
#: keccak256(rlp(b"")): the root of the empty trie.
EMPTY_ROOT = keccak256(rlp.encode(b""))


# ------------------------------------------------------------ paths: nibbles and hex-prefix
# A path is walked 4 bits (one nibble, 0-15) at a time, so a branch has 16 slots.
# Leaf and extension nodes store a run of nibbles; the run may be odd in length and the
# node must say which kind it is, so Ethereum packs it with a flag nibble, the
# "hex-prefix" encoding (Yellow Paper, appendix C):
#     0 = extension, even length (then a padding 0)    1 = extension, odd length
#     2 = leaf, even length (then a padding 0)         3 = leaf, odd length


def bytes_to_nibbles(data: bytes) -> list[int]:
    """Split each byte into its high and low nibble: b"\\x12\\xab" -> [1, 2, 10, 11]."""
    out: list[int] = []
    for byte in data:
        out.extend((byte >> 4, byte & 0x0F))
    return out


def hex_prefix_encode(nibbles: list[int], is_leaf: bool) -> bytes:
    """Pack a nibble path and the leaf/extension flag into bytes."""
    flag = 2 if is_leaf else 0
    packed = [flag + 1, *nibbles] if len(nibbles) % 2 else [flag, 0, *nibbles]
    return bytes(16 * hi + lo for hi, lo in zip(packed[::2], packed[1::2], strict=True))


def hex_prefix_decode(encoded: bytes) -> tuple[list[int], bool]:
    """Unpack a hex-prefix path into (nibbles, is_leaf); ValueError if it is not one."""
    nibbles = bytes_to_nibbles(encoded)
    if not nibbles or nibbles[0] > 3 or (nibbles[0] % 2 == 0 and nibbles[1] != 0):
        raise ValueError(f"not a hex-prefix path: {bytes(encoded).hex() or 'empty'}")
    # An odd flag shares its byte with the first nibble; an even one is followed by a padding 0.
    return (nibbles[1:] if nibbles[0] % 2 else nibbles[2:]), nibbles[0] >= 2


def common_prefix_length(a: list[int], b: list[int]) -> int:
    """How many leading nibbles two paths share."""
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


class ProofError(ValueError):
    """A proof that does not fit the root it is checked against (a missing, altered or malformed node)."""


def _is_branch(node: Node) -> bool:
    return isinstance(node, list) and len(node) == 17


class Trie:
    """An in-memory hexary Merkle-Patricia trie with Ethereum's encoding.

    ``db`` maps ``keccak256(rlp(node))`` to ``rlp(node)`` for every node that is
    referred to by hash (old nodes are kept; they cost memory, not correctness).
    """

    def __init__(self) -> None:
        """An empty trie."""
        self.db: dict[bytes, bytes] = {}
        self._root_node: Node = BLANK_NODE

    # ------------------------------------------------------------------ public
    @property
    def root(self) -> bytes:
        """The 32-byte root hash: keccak256 of the root node's RLP (always hashed, even if short)."""
        return keccak256(rlp.encode(self._root_node))

    def get(self, key: bytes) -> bytes | None:
        """The value stored under `key`, or None if there is none."""
        node, path = self._root_node, bytes_to_nibbles(key)
        while True:
            if node == BLANK_NODE:
                return None
            if _is_branch(node):
                if not path:
                    return node[16] or None
                node, path = self._resolve(node[path[0]]), path[1:]
                continue
            node_path, is_leaf = hex_prefix_decode(node[0])
            if is_leaf:
                return node[1] if node_path == path else None
            if path[: len(node_path)] != node_path:
                return None
            node, path = self._resolve(node[1]), path[len(node_path):]

    def put(self, key: bytes, value: bytes) -> None:
        """Store `value` under `key`; an empty value deletes the key (as Ethereum does)."""
        path = bytes_to_nibbles(key)
        if value == b"":
            self._root_node = self._delete(self._root_node, path)
        else:
            self._root_node = self._put(self._root_node, path, bytes(value))
        self.db[self.root] = rlp.encode(self._root_node)

    def delete(self, key: bytes) -> None:
        """Remove `key` (same as ``put(key, b"")``)."""
        self.put(key, b"")

    def prove(self, key: bytes) -> list[bytes]:
        """The RLP-encoded nodes on the path from the root towards `key`, root first.

        Embedded nodes travel inside their parent, so only hashed nodes are listed,
        as in ``eth_getProof``. The proof also works for a missing key: it ends
        where the path leaves the trie.
        """
        proof = [rlp.encode(self._root_node)]
        node, path = self._root_node, bytes_to_nibbles(key)
        while node != BLANK_NODE:
            if _is_branch(node):
                if not path:
                    break
                ref, path = node[path[0]], path[1:]
            else:
                node_path, is_leaf = hex_prefix_decode(node[0])
                if is_leaf or path[: len(node_path)] != node_path:
                    break
                ref, path = node[1], path[len(node_path):]
            if isinstance(ref, bytes) and len(ref) == 32:
                proof.append(self.db[ref])
            node = self._resolve(ref)
        return proof

    # --------------------------------------------------------------- internals
    def _ref(self, node: Node) -> Node:
        """How a parent points at `node`: the node itself if its RLP is < 32 bytes, else its hash."""
        if node == BLANK_NODE:
            return BLANK_NODE
        encoded = rlp.encode(node)
        if len(encoded) < 32:
            return node
        digest = keccak256(encoded)
        self.db[digest] = encoded
        return digest

    def _resolve(self, ref: Node) -> Node:
        """The node a reference points at (inverse of `_ref`)."""
        if isinstance(ref, list) or ref == BLANK_NODE:
            return ref
        return rlp.decode(self.db[ref])

    def _put(self, node: Node, path: list[int], value: bytes) -> Node:
        """Return the node that replaces `node` once `path` -> `value` is stored below it."""
        if node == BLANK_NODE:
            return [hex_prefix_encode(path, True), value]
        if _is_branch(node):
            new = list(node)
            if not path:
                new[16] = value
            else:
                new[path[0]] = self._ref(self._put(self._resolve(node[path[0]]), path[1:], value))
            return new
        node_path, is_leaf = hex_prefix_decode(node[0])
        shared = common_prefix_length(node_path, path)
        if is_leaf and node_path == path:
            return [node[0], value]
        if not is_leaf and shared == len(node_path):
            child = self._put(self._resolve(node[1]), path[shared:], value)
            return [node[0], self._ref(child)]
        # The paths part ways after `shared` nibbles: a branch goes there, holding both.
        branch: list = [BLANK_NODE] * 17
        old_rest, new_rest = node_path[shared:], path[shared:]
        if is_leaf:
            if not old_rest:
                branch[16] = node[1]
            else:
                branch[old_rest[0]] = self._ref([hex_prefix_encode(old_rest[1:], True), node[1]])
        elif len(old_rest) == 1:
            branch[old_rest[0]] = node[1]  # the extension is used up: its child hangs off the branch
        else:
            branch[old_rest[0]] = self._ref([hex_prefix_encode(old_rest[1:], False), node[1]])
        if not new_rest:
            branch[16] = value
        else:
            branch[new_rest[0]] = self._ref([hex_prefix_encode(new_rest[1:], True), value])
        if shared:
            return [hex_prefix_encode(path[:shared], False), self._ref(branch)]
        return branch

    def _delete(self, node: Node, path: list[int]) -> Node:
        """Return the node that replaces `node` once `path` is removed below it (kept canonical)."""
        if node == BLANK_NODE:
            return BLANK_NODE
        if _is_branch(node):
            new = list(node)
            if not path:
                new[16] = BLANK_NODE
            else:
                child = self._resolve(node[path[0]])
                new[path[0]] = self._ref(self._delete(child, path[1:]))
            return self._normalise_branch(new)
        node_path, is_leaf = hex_prefix_decode(node[0])
        if is_leaf:
            return BLANK_NODE if node_path == path else node
        if path[: len(node_path)] != node_path:
            return node
        child = self._delete(self._resolve(node[1]), path[len(node_path):])
        return self._prepend(node_path, child)

    def _prepend(self, prefix: list[int], child: Node) -> Node:
        """Put the nibbles `prefix` in front of `child`, merging with its own path if it has one."""
        if child == BLANK_NODE or not prefix:
            return child
        if _is_branch(child):
            return [hex_prefix_encode(prefix, False), self._ref(child)]
        child_path, is_leaf = hex_prefix_decode(child[0])
        return [hex_prefix_encode(prefix + child_path, is_leaf), child[1]]

    def _normalise_branch(self, branch: list) -> Node:
        """A branch left with one entry is not canonical: fold it into a leaf or extension."""
        used = [i for i in range(16) if branch[i] != BLANK_NODE]
        if branch[16] != BLANK_NODE:
            return branch if used else [hex_prefix_encode([], True), branch[16]]
        if len(used) > 1:
            return branch
        if not used:
            return BLANK_NODE
        return self._prepend([used[0]], self._resolve(branch[used[0]]))


class SecureTrie(Trie):
    """A trie whose keys are hashed first, as in Ethereum's state and storage tries.

    ``put(key, ...)`` stores under ``keccak256(key)``; `get` and `prove` hash the
    same way, so callers use the plain key (an address, a 32-byte slot).
    """

    def get(self, key: bytes) -> bytes | None:
        """The value stored under keccak256(`key`)."""
        return super().get(keccak256(key))

    def put(self, key: bytes, value: bytes) -> None:
        """Store `value` under keccak256(`key`); an empty value deletes."""
        super().put(keccak256(key), value)

    def prove(self, key: bytes) -> list[bytes]:
        """The proof for keccak256(`key`)."""
        return super().prove(keccak256(key))


def _decode_node(encoded: bytes) -> Node:
    try:
        node = rlp.decode(encoded)
    except rlp.DecodingError as exc:
        raise ProofError(f"a proof node is not valid RLP: {exc}") from exc
    if not (node == BLANK_NODE or (isinstance(node, list) and len(node) in (2, 17))):
        raise ProofError("a proof node is neither blank, a leaf/extension (2 items) nor a branch (17 items)")
    return node


def verify_proof(root: bytes, key: bytes, proof: list[bytes]) -> bytes | None:
    """Check `proof` against `root` and return the value of `key`, or None if the proof shows it is absent.

    Only the root is trusted. Every node is looked up by the hash its parent
    holds (embedded nodes are read from inside the parent), so an altered node
    is simply not found. Raises `ProofError` (a ValueError) when the proof is
    inconsistent with `root`: a node missing, malformed, or not the one expected.
    """
    by_hash = {keccak256(bytes(encoded)): bytes(encoded) for encoded in proof}

    def fetch(ref: Node) -> Node:
        if isinstance(ref, list):
            if len(ref) not in (2, 17):
                raise ProofError("an embedded node has the wrong number of items")
            return ref
        if ref == BLANK_NODE:
            return BLANK_NODE
        if len(ref) != 32:
            raise ProofError(f"a child reference is {len(ref)} bytes, neither a hash nor an embedded node")
        if ref not in by_hash:
            raise ProofError(f"the proof lacks the node with hash {ref.hex()} (missing or altered)")
        return _decode_node(by_hash[ref])

    node, path = fetch(bytes(root)), bytes_to_nibbles(key)
    try:
        while True:
            if node == BLANK_NODE:
                return None  # the path ends in an empty slot: the key is absent
            if _is_branch(node):
                if not path:
                    return node[16] or None
                node, path = fetch(node[path[0]]), path[1:]
                continue
            node_path, is_leaf = hex_prefix_decode(node[0])
            if is_leaf:
                return node[1] if node_path == path else None
            if path[: len(node_path)] != node_path:
                return None  # the extension leads elsewhere: the key is absent
            node, path = fetch(node[1]), path[len(node_path):]
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ProofError):
            raise
        raise ProofError(f"a proof node is malformed: {exc}") from exc


def verify_secure_proof(root: bytes, key: bytes, proof: list[bytes]) -> bytes | None:
    """`verify_proof` for a secure trie: the path is keccak256(`key`)."""
    return verify_proof(root, keccak256(key), proof)
