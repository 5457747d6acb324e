"""primitives.trie against Ethereum's own trie test vectors and against py-trie.

Expected roots: data/ethereum_trie_tests/*.json, copied from ethereum/tests
TrieTests (see data/README.md). Independent implementation: py-trie's
`trie.HexaryTrie` (the Ethereum Foundation's Python trie), for roots, lookups
and proofs of seeded random tries.
"""

import json
import random
from pathlib import Path

import pytest
import rlp
from Crypto.Hash import keccak as pycryptodome_keccak
from trie import HexaryTrie

from primitives.trie import (
    EMPTY_ROOT,
    ProofError,
    SecureTrie,
    Trie,
    bytes_to_nibbles,
    hex_prefix_decode,
    hex_prefix_encode,
    verify_proof,
    verify_secure_proof,
)

VECTORS = Path(__file__).resolve().parents[2] / "data" / "ethereum_trie_tests"


def keccak(data: bytes) -> bytes:
    return pycryptodome_keccak.new(digest_bits=256, data=data).digest()


def load(name: str) -> dict:
    return json.loads((VECTORS / name).read_text())


def as_bytes(text: str | None) -> bytes:
    """The ethereum/tests convention: "0x..." is hex, anything else is UTF-8, null is empty (a delete)."""
    if text is None:
        return b""
    return bytes.fromhex(text[2:]) if text.startswith("0x") else text.encode()


def cases(name: str) -> list:
    return [pytest.param(case, id=f"{name}:{title}") for title, case in load(name).items()]


ORDERED = cases("trietest.json") + cases("trietest_secureTrie.json")
ANY_ORDER = (cases("trieanyorder.json") + cases("trieanyorder_secureTrie.json")
             + cases("hex_encoded_securetrie_test.json"))
SECURE_IDS = ("secureTrie", "securetrie")


def is_secure(request) -> bool:
    return any(tag in request.node.callspec.id for tag in SECURE_IDS)


def test_the_vector_files_hold_the_expected_number_of_cases():
    assert len(ORDERED) == 8
    assert len(ANY_ORDER) == 17


def test_empty_trie_root_is_keccak_of_rlp_empty_string():
    assert Trie().root == keccak(rlp.encode(b""))
    assert EMPTY_ROOT.hex() == "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
    assert SecureTrie().root == EMPTY_ROOT


@pytest.mark.parametrize("case", ORDERED)
def test_ordered_vectors(case, request):
    t = SecureTrie() if is_secure(request) else Trie()
    final: dict[bytes, bytes] = {}
    for key, value in case["in"]:
        t.put(as_bytes(key), as_bytes(value))
        final[as_bytes(key)] = as_bytes(value)
    assert "0x" + t.root.hex() == case["root"]
    for key, value in final.items():
        assert t.get(key) == (value or None)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("case", ANY_ORDER)
def test_any_order_vectors_in_several_orders(case, seed, request):
    pairs = [(as_bytes(k), as_bytes(v)) for k, v in case["in"].items()]
    random.Random(seed).shuffle(pairs)
    t = SecureTrie() if is_secure(request) else Trie()
    for key, value in pairs:
        t.put(key, value)
    assert "0x" + t.root.hex() == case["root"]
    for key, value in pairs:
        assert t.get(key) == value
        proof = t.prove(key)
        verify = verify_secure_proof if is_secure(request) else verify_proof
        assert verify(t.root, key, proof) == value


def test_hex_prefix_examples_from_the_yellow_paper():
    # Ethereum wiki "Patricia Tree" / Yellow Paper appendix C: flag nibble 0-3.
    assert hex_prefix_encode([1, 2, 3, 4, 5], False).hex() == "112345"
    assert hex_prefix_encode([0, 1, 2, 3, 4, 5], False).hex() == "00012345"
    assert hex_prefix_encode([0, 15, 1, 12, 11, 8], True).hex() == "200f1cb8"
    assert hex_prefix_encode([15, 1, 12, 11, 8], True).hex() == "3f1cb8"
    assert hex_prefix_decode(bytes.fromhex("3f1cb8")) == ([15, 1, 12, 11, 8], True)
    assert bytes_to_nibbles(b"\x12\xab") == [1, 2, 10, 11]
    with pytest.raises(ValueError):
        hex_prefix_decode(bytes.fromhex("4f"))


# ------------------------------------------------------------ against py-trie
ALPHABET = [0x00, 0x01, 0x10, 0x11, 0xAB, 0xFF]  # few bytes, so keys share prefixes and splits land mid-byte


def random_ops(seed: int, n: int = 120) -> list[tuple[bytes, bytes]]:
    rng = random.Random(seed)
    ops = []
    keys: list[bytes] = []
    for _ in range(n):
        if keys and rng.random() < 0.2:
            ops.append((rng.choice(keys), b""))  # delete (or delete-again) an existing key
            continue
        key = bytes(rng.choice(ALPHABET) for _ in range(rng.randint(1, 5)))
        value = bytes(rng.randrange(256) for _ in range(rng.choice([1, 3, 10, 31, 40])))
        keys.append(key)
        ops.append((key, value))
    return ops


@pytest.mark.parametrize("seed", range(12))
def test_random_tries_match_py_trie(seed):
    ours, theirs, model = Trie(), HexaryTrie({}), {}
    for step, (key, value) in enumerate(random_ops(seed)):
        model[key] = value or None
        ours.put(key, value)
        if value:
            theirs.set(key, value)
        else:
            theirs.delete(key)
        assert ours.root == theirs.root_hash, f"roots differ after step {step}"
    probes = {key for key, _ in random_ops(seed)} | {b"\x00\x00\x00\x00\x00\x00", b"\x12", b"\xab\xcd"}
    for key in probes:
        # A plain dict is the reference for lookups: py-trie 4.0 raises ValidationError on some absent keys.
        expected = model.get(key)
        assert ours.get(key) == expected
        assert verify_proof(ours.root, key, ours.prove(key)) == expected
        if expected is not None:
            # py-trie's proof lists embedded nodes too; verify_proof only needs the hashed ones.
            their_proof = [rlp.encode(node) for node in theirs.get_proof(key)]
            assert verify_proof(ours.root, key, their_proof) == expected


def test_secure_trie_matches_py_trie_on_hashed_keys():
    ours, theirs = SecureTrie(), HexaryTrie({})
    for key, value in random_ops(99, 60):
        ours.put(key, value)
        if value:
            theirs.set(keccak(key), value)
        else:
            theirs.delete(keccak(key))
    assert ours.root == theirs.root_hash


# ------------------------------------------------------------ proofs: tampering and absence
DOGS = [(b"do", b"verb"), (b"dog", b"puppy"), (b"doge", b"coin" * 10), (b"horse", b"stallion")]


@pytest.fixture
def dogs():
    t = Trie()
    for key, value in DOGS:
        t.put(key, value)
    return t


def test_every_single_byte_change_in_a_proof_is_rejected(dogs):
    proof = dogs.prove(b"doge")
    assert len(proof) >= 3
    for i, node in enumerate(proof):
        for j in range(len(node)):
            tampered = bytearray(node)
            tampered[j] ^= 0x01
            bad = [*proof[:i], bytes(tampered), *proof[i + 1:]]
            with pytest.raises(ProofError):
                verify_proof(dogs.root, b"doge", bad)


def test_a_missing_node_or_a_wrong_root_is_rejected(dogs):
    proof = dogs.prove(b"doge")
    for i in range(len(proof)):
        with pytest.raises(ProofError):
            verify_proof(dogs.root, b"doge", proof[:i] + proof[i + 1:])
    with pytest.raises(ProofError):
        verify_proof(keccak(b"another root"), b"doge", proof)
    assert issubclass(ProofError, ValueError)


def test_a_forged_value_needs_a_different_root(dogs):
    forged = Trie()
    for key, value in DOGS:
        forged.put(key, b"gold" * 10 if key == b"doge" else value)
    with pytest.raises(ProofError):
        verify_proof(dogs.root, b"doge", forged.prove(b"doge"))


@pytest.mark.parametrize("key", [b"cat", b"d", b"dogs", b"doge\x00", b"horses", b""])
def test_absence_is_proved(dogs, key):
    proof = dogs.prove(key)
    assert verify_proof(dogs.root, key, proof) is None
    their = HexaryTrie({})
    for k in (b"do", b"dog", b"doge", b"horse"):
        their.set(k, dogs.get(k))
    assert their.root_hash == dogs.root
    assert verify_proof(dogs.root, key, [rlp.encode(n) for n in their.get_proof(key)]) is None


def test_a_proof_of_presence_cannot_be_reused_to_claim_absence_under_another_root(dogs):
    proof = dogs.prove(b"dog")
    dogs.put(b"dog", b"")
    assert dogs.get(b"dog") is None
    assert verify_proof(dogs.root, b"dog", dogs.prove(b"dog")) is None
    with pytest.raises(ProofError):
        verify_proof(dogs.root, b"dog", proof)


def test_embedded_nodes_are_inlined_not_hashed():
    t = Trie()
    t.put(b"\x10", b"a")
    t.put(b"\x20", b"b")
    # Both leaves are a few bytes: they sit inside the root branch, so the proof is the root alone.
    assert len(t.prove(b"\x10")) == 1
    root_node = rlp.decode(t.prove(b"\x10")[0])
    assert root_node[1] == [bytes([0x30]), b"a"]  # leaf: odd-length path [0] after slot 1
    assert verify_proof(t.root, b"\x20", t.prove(b"\x20")) == b"b"
