"""Checks for notebook 06: addresses, EIP-55, EIP-191 signatures, a signed block header.

Expected values come from data/ethereum_keys.json (EIP-55's own examples,
web3.js / viem / alloy documentation) and data/bitcoin_genesis.json, or are
computed with hashlib, eth-keys, eth-account and eth-utils, never with primitives/.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_keys import keys as eth_keys
from eth_utils import keccak, to_checksum_address

from ..exercises import exercise, expect

ROOT = Path(__file__).resolve().parents[2]
KEYS = json.loads((ROOT / "data" / "ethereum_keys.json").read_text())


def _as_hex(value) -> str:
    return value.hex() if isinstance(value, (bytes, bytearray)) else str(value)


@exercise("06.1", "address from a public key")
def check_address_from_public_key(address_from_public_key):
    for vector in KEYS["key_to_address"]:
        public = eth_keys.PrivateKey(bytes.fromhex(vector["private_key"])).public_key
        got = address_from_public_key(public.to_bytes())
        want = public.to_address()   # eth-keys: 0x + 40 lower-case hex digits
        expect(isinstance(got, str) and got.lower() == want.lower(),
               f"for the public key 0x{public.to_bytes().hex()[:16]}... you returned {got!r}, expected "
               f"{want} (0x + the last 20 bytes of keccak256 of the 64-byte key)")
        expect(got.lower() == vector["address"].lower(), f"{got} is not the published {vector['address']}")
    return ("an address is the last 20 bytes of keccak256(public key): finding a key for a given "
            "address takes ~2**160 tries")


@exercise("06.2", "EIP-55 checksum")
def check_eip55(eip55):
    examples = KEYS["eip55_examples"]["addresses"]
    for want in examples:
        for given in (want.lower(), "0x" + want[2:].upper()):
            got = eip55(given)
            expect(got == want, f"eip55({given!r}) returned {got!r}, EIP-55's own example is {want!r}")
    for vector in KEYS["key_to_address"]:
        want = to_checksum_address(vector["address"])   # eth-utils, independent of your code
        got = eip55(vector["address"].lower())
        expect(got == want, f"eip55({vector['address'].lower()!r}) returned {got!r}, expected {want!r}")
    # EIP-55 text: "on average 15 check bits per address, and the net probability that a randomly
    # generated address if accidentally mistyped will accidentally pass a check is 0.0247%".
    return ("about 15 letters carry one check bit each: a mistyped address slips through only "
            "0.0247 % of the time (EIP-55), and the 20 bytes stay the same")


@exercise("06.3", "EIP-191 message hash")
def check_eip191_hash(eip191_hash):
    for vector in KEYS["eip191_hashes"]:
        got = eip191_hash(vector["message"])
        expect(isinstance(got, (bytes, bytearray)) and bytes(got).hex() == vector["hash"],
               f"eip191_hash({vector['message']!r}) returned {_as_hex(got)[:20]}..., expected "
               f"{vector['hash'][:20]}... (source: {vector['source'].split(',')[0]})")
    message = "1 kWh from generator1 to consumer1 ⚡"
    want = encode_defunct(text=message)
    got = eip191_hash(message)
    expected = keccak(b"\x19" + want.version + want.header + want.body)
    expect(bytes(got) == expected, f"for a message with a non-ASCII character the length must count UTF-8 "
                                   f"bytes: got {_as_hex(got)[:20]}..., expected {expected.hex()[:20]}...")
    return ("the 0x19 first byte (EIP-191) makes the signed bytes invalid RLP, so a signed text "
            "cannot pass as a transaction")


@exercise("06.4", "recover the signer")
def check_recover_signer(recover_signer):
    vector = KEYS["signatures"][0]
    signer = Account.from_key(bytes.fromhex(vector["private_key"])).address
    got = recover_signer(vector["message"], bytes.fromhex(vector["signature"]))
    expect(isinstance(got, str) and got.lower() == signer.lower(),
           f"recover_signer({vector['message']!r}, <web3.js example signature>) returned {got!r}, "
           f"expected {signer} (web3.js docs)")
    key = Account.from_key(bytes.fromhex(KEYS["key_to_address"][2]["private_key"]))
    for message, tampered in (("GeneratePower 10", "GeneratePower 1000"),
                              ("sell 100 to consumer1", "sell 100 to consumer2")):
        signature = bytes(Account.sign_message(encode_defunct(text=message), key.key).signature)
        got = recover_signer(message, signature)
        expect(isinstance(got, str) and got.lower() == key.address.lower(),
               f"recover_signer({message!r}, ...) returned {got!r}, expected the signer {key.address}")
        want = Account.recover_message(encode_defunct(text=tampered), signature=signature)
        got = recover_signer(tampered, signature)
        expect(isinstance(got, str) and got.lower() == want.lower(),
               f"recover_signer({tampered!r}, same signature) returned {got!r}, eth-account recovers {want}")
        expect(want != key.address, "unexpected: the tampered text recovered the signer")
    return "change one character and the same signature points to a stranger: that is how tampering is caught"


def _sign(digest: bytes, private_key: str) -> bytes:
    """r || s || v (v = 27 or 28) over a 32-byte digest, with eth-keys (independent of your code)."""
    signature = eth_keys.PrivateKey(bytes.fromhex(private_key)).sign_msg_hash(digest)
    return signature.r.to_bytes(32, "big") + signature.s.to_bytes(32, "big") + bytes([signature.v + 27])


@exercise("06.5", "your library: who signed this header? (signed_by in mychain.py)")
def check_signed_by(signed_by):
    genesis = bytes.fromhex(json.loads((ROOT / "data" / "bitcoin_genesis.json").read_text())["raw_header"])
    later = (int.from_bytes(genesis[68:72], "little") + 1).to_bytes(4, "little")
    tampered = genesis[:68] + later + genesis[72:]
    signer, stranger = KEYS["key_to_address"][0], KEYS["key_to_address"][1]
    block_hash = hashlib.sha256(hashlib.sha256(genesis).digest()).digest()   # Bitcoin's hash of the header
    signature = _sign(block_hash, signer["private_key"])
    low_v = signature[:64] + bytes([signature[64] - 27])
    single = _sign(hashlib.sha256(genesis).digest(), signer["private_key"])
    cases = [(genesis, signature, signer["address"], True, "the signer's EIP-55 address"),
             (genesis, signature, signer["address"].lower(), True, "the signer's lower-case address"),
             (genesis, low_v, signer["address"], True, "v given as 0 or 1"),
             (genesis, signature, stranger["address"], False, "someone else's address"),
             (tampered, signature, signer["address"], False, "a header with its timestamp changed"),
             (genesis, single, signer["address"], False, "a signature over a single SHA-256")]
    for header, sig, address, want, name in cases:
        got = signed_by(header, sig, address)
        expect(got is want or got == want,
               f"signed_by with {name} returned {got!r}, expected {want} (the signature is over "
               "hash256(header), the 32-byte digest as hashlib gives it)")
    return ("one signature binds one key to one header: change a byte, or ask about another address, "
            "and it no longer matches")
