"""Checks for notebook 02 (Merkle trees).

Expected values come from hashlib (independent of your code and of
primitives), from real Bitcoin headers in data/ (the Merkle root is bytes
36..68 of the raw 80-byte header, Bitcoin Core src/primitives/block.h), and
from math. Exercise 02.2's valid proofs are built by primitives.merkle: the
library is the prover there, your function the verifier.
"""
import hashlib
import json
import math
from pathlib import Path

from primitives.merkle import MerkleProof, MerkleTree

from ..exercises import exercise, expect

DATA = Path(__file__).resolve().parents[2] / "data"


def _dsha(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _root_by_hashlib(txids: list[str]) -> str:
    """Bitcoin's Merkle root, written out again with hashlib only (display-order hex in and out)."""
    level = [bytes.fromhex(t)[::-1] for t in txids]
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])  # Bitcoin Core ComputeMerkleRoot: an odd last node pairs with itself
        level = [_dsha(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0][::-1].hex()


def _header_merkle_root(raw_header_hex: str) -> str:
    """The Merkle root stored in a raw 80-byte header (bytes 36..68), in display order."""
    return bytes.fromhex(raw_header_hex)[36:68][::-1].hex()


def _blocks() -> list[tuple[str, list[str], str]]:
    """(name, txids, merkle root from the real header) for the blocks in data/."""
    mainnet = json.loads((DATA / "bitcoin_mainnet_headers.json").read_text())
    headers = {h["height"]: h for h in mainnet["headers"]}
    genesis = json.loads((DATA / "bitcoin_genesis.json").read_text())
    blocks = [(f"block {b['height']}", b["txids"], _header_merkle_root(headers[b["height"]]["raw_header"]))
              for b in json.loads((DATA / "bitcoin_merkle_blocks.json").read_text())["blocks"]]
    return [*blocks, ("the genesis block", genesis["txids"], _header_merkle_root(genesis["raw_header"]))]


@exercise("02.1", "a Merkle parent is the double SHA-256 of both children")
def check_merkle_parent(merkle_parent):
    a, b = hashlib.sha256(b"left").digest(), hashlib.sha256(b"right").digest()
    for left, right in ((a, b), (b, a), (a, a), (bytes(32), bytes(32))):
        want, got = _dsha(left + right), merkle_parent(left, right)
        expect(got == want, f"merkle_parent({left[:3].hex()}..., {right[:3].hex()}...) returned "
                            f"{got.hex()[:16] if isinstance(got, bytes) else repr(got)}..., expected "
                            f"{want.hex()[:16]}...")
    return "order matters: parent(a, b) != parent(b, a), so a proof must say which side each sibling is on"


@exercise("02.2", "verify a Merkle proof by hand")
def check_verify_by_hand(verify_by_hand):
    block = json.loads((DATA / "bitcoin_merkle_blocks.json").read_text())["blocks"][0]
    real = MerkleTree.from_txids(block["txids"])
    header_root = bytes.fromhex(block["merkle_root"])[::-1]
    made_up = MerkleTree([hashlib.sha256(b"tx %d" % i).digest() for i in range(5)])
    for tree, root, name in ((real, header_root, "block 100000"), (made_up, made_up.root, "a 5-leaf tree")):
        for i, leaf in enumerate(tree.leaves):
            proof = tree.proof(i)
            got = verify_by_hand(leaf, proof, root)
            expect(got is True, f"{name}, leaf {i} (sides {', '.join(proof.sides)}): a genuine proof "
                                f"returned {got!r}, expected True")
    proof = real.proof(2)
    forged_leaf = hashlib.sha256(b"Alice pays Mallory").digest()
    forged_sibling = MerkleProof(2, (forged_leaf, *proof.siblings[1:]), proof.sides)
    for leaf, p, root, what in ((forged_leaf, proof, header_root, "a tampered leaf"),
                                (real.leaves[2], forged_sibling, header_root, "a tampered sibling"),
                                (real.leaves[2], proof, made_up.root, "the wrong root")):
        got = verify_by_hand(leaf, p, root)
        expect(got is False, f"block 100000, leaf 2 with {what}: returned {got!r}, expected False")
    return (f"{real.height} hashes prove one of block 100000's {len(real)} transactions, "
            f"and any tampering shows")


@exercise("02.3", "the Merkle root of a real block")
def check_block_merkle_root(block_merkle_root):
    for name, txids, root in _blocks():
        got = block_merkle_root(txids)
        expect(got == root, f"{name} ({len(txids)} txids): returned {got!r}, expected {root} "
                            f"(from the block's header); remember txids are shown in reversed byte order")
    # Odd levels: no real block in data/ has one, so compare with hashlib on made-up txid lists.
    for n in (3, 5, 7):
        txids = [hashlib.sha256(b"tx %d" % i).hexdigest() for i in range(n)]
        want, got = _root_by_hashlib(txids), block_merkle_root(txids)
        expect(got == want, f"{n} txids: returned {got!r}, expected {want}: "
                            f"an odd last node is paired with a copy of itself")
    return "block 100000's four txids hash up to f3e94742..., exactly the root its header commits to"


@exercise("02.4", "proof size")
def check_proof_size_bytes(proof_size_bytes):
    sizes = list(range(1, 1100)) + [2 ** k + d for k in range(11, 31) for d in (-1, 0, 1)]
    for n in sizes:
        want = 32 * math.ceil(math.log2(n))
        got = proof_size_bytes(n)
        expect(got == want, f"proof_size_bytes({n}) returned {got!r}, expected {want} = 32 * ceil(log2 {n})")
    return (f"a proof for one transaction among a million needs just "
            f"{32 * math.ceil(math.log2(10 ** 6))} bytes")


@exercise("02.5", "your library: merkle_root in mychain.py")
def check_merkle_root(merkle_root):
    for name, txids, root in _blocks():
        got = merkle_root([bytes.fromhex(t)[::-1] for t in txids])
        shown = bytes(got)[::-1].hex() if isinstance(got, (bytes, bytearray)) else repr(got)
        expect(isinstance(got, (bytes, bytearray)) and shown == root,
               f"{name} ({len(txids)} hashes): your root, reversed for display, is {shown[:16]}..., expected "
               f"{root[:16]}... (from the block's header)")
    for n in (1, 3, 5, 6, 7):
        txids = [hashlib.sha256(b"tx %d" % i).hexdigest() for i in range(n)]
        want = _root_by_hashlib(txids)
        got = merkle_root([bytes.fromhex(t)[::-1] for t in txids])
        shown = bytes(got)[::-1].hex() if isinstance(got, (bytes, bytearray)) else repr(got)
        expect(shown == want, f"{n} hashes: returned {shown[:16]}..., expected {want[:16]}...: "
                              "an odd last node is paired with a copy of itself")
    return "your hash256 and merkle_root reproduce the root in real Bitcoin headers"
