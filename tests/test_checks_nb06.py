"""Notebook 06's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
import hashlib

import pytest
from eth_keys import keys

from lab.exercises import WRONG, check
from primitives.hashing import keccak256


def _eip55_hashing_bytes(address):
    # Hashes the 20 raw bytes instead of the 40-character text.
    lower = address[2:].lower()
    digest = keccak256(bytes.fromhex(lower)).hex()
    # 40 address digits against 64 digest digits (strict=False): only the first 40 are used.
    return "0x" + "".join(c.upper() if int(d, 16) >= 8 else c for c, d in zip(lower, digest, strict=False))


def _eip191_counting_characters(message):
    data = message.encode()
    return keccak256(b"\x19Ethereum Signed Message:\n" + str(len(message)).encode() + data)


def _recover_without_prefix(message, signature):
    sig = keys.Signature(vrs=(signature[64] - 27, int.from_bytes(signature[:32], "big"),
                              int.from_bytes(signature[32:64], "big")))
    return sig.recover_public_key_from_msg_hash(keccak256(message.encode())).to_checksum_address()


@pytest.mark.parametrize("exercise_id, wrong", [
    ("06.1", lambda public_key: "0x" + keccak256(public_key)[:20].hex()),          # first 20 bytes
    ("06.1", lambda public_key: "0x" + hashlib.sha3_256(public_key).digest()[-20:].hex()),  # SHA3, not Keccak
    ("06.2", _eip55_hashing_bytes),
    ("06.2", lambda address: address.lower()),
    ("06.3", lambda message: keccak256(message.encode())),                          # no prefix
    ("06.3", _eip191_counting_characters),
    ("06.4", _recover_without_prefix),
    ("06.5", lambda amount: keccak256(b"GeneratePower(uint256)")[:4] + amount.to_bytes(32, "little")),
    ("06.5", lambda amount: hashlib.sha3_256(b"GeneratePower(uint256)").digest()[:4]
     + amount.to_bytes(32, "big")),
])
def test_each_check_rejects_a_plausible_mistake(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG
