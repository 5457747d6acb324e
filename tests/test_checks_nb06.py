"""Notebook 06's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
import hashlib

import pytest
from eth_keys import keys
from eth_utils import to_checksum_address

from lab.exercises import SOLVED, WRONG, check
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


def _signed_by(digest_of):
    """A signed_by that recovers the signer from `digest_of(header)` (the right one: double SHA-256)."""
    def signed_by(header, signature, address):
        v = signature[64] - 27 if signature[64] >= 27 else signature[64]
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big")
        sig = keys.Signature(vrs=(v, r, s))
        return sig.recover_public_key_from_msg_hash(digest_of(header)).to_checksum_address() == address
    return signed_by


def _double_sha256(data):
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _signed_by_ignoring_low_v(header, signature, address):
    sig = keys.Signature(vrs=(signature[64] - 27, int.from_bytes(signature[:32], "big"),
                              int.from_bytes(signature[32:64], "big")))
    return sig.recover_public_key_from_msg_hash(_double_sha256(header)).to_checksum_address().lower() \
        == address.lower()


@pytest.mark.parametrize("exercise_id, wrong", [
    ("06.1", lambda public_key: "0x" + keccak256(public_key)[:20].hex()),          # first 20 bytes
    ("06.1", lambda public_key: "0x" + hashlib.sha3_256(public_key).digest()[-20:].hex()),  # SHA3, not Keccak
    ("06.2", _eip55_hashing_bytes),
    ("06.2", lambda address: address.lower()),
    ("06.3", lambda message: keccak256(message.encode())),                          # no prefix
    ("06.3", _eip191_counting_characters),
    ("06.4", _recover_without_prefix),
    ("06.5", _signed_by(lambda header: hashlib.sha256(header).digest())),   # one SHA-256, not two
    ("06.5", _signed_by(keccak256)),                                          # Ethereum's hash, not Bitcoin's
    ("06.5", _signed_by(_double_sha256)),                  # compares EIP-55 text with a lower-case address
    ("06.5", _signed_by_ignoring_low_v),                   # v of 0 or 1 becomes -27 or -26
    ("06.5", lambda header, signature, address: True),     # signed by anyone
])
def test_each_check_rejects_a_plausible_mistake(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG



def test_the_same_code_done_right_passes():
    """The wrong answers above fail for their one mistake: with double SHA-256 and addresses
    compared case-blind, the same code passes."""
    def signed_by(header, signature, address):
        return _signed_by(_double_sha256)(header, signature, to_checksum_address(address))
    assert check("06.5", signed_by).status == SOLVED
