"""primitives.keys: addresses, EIP-55 and signatures against published vectors.

Vectors: data/ethereum_keys.json (ApeWorX/ape tests, Foundry Anvil docs,
Hardhat config, go-ethereum crypto_test.go, web3.js docs, EIP-55 text, viem
and alloy docs). Independent cross-checks use eth-account, eth-keys and
eth-utils, which the module does not use for the address steps.
"""

import json
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_keys import keys as eth_keys
from eth_utils import keccak as eth_utils_keccak
from eth_utils import to_checksum_address as eth_utils_checksum
from hypothesis import given, settings
from hypothesis import strategies as st

from primitives.keys import (
    SECP256K1_N,
    KeyPair,
    Signature,
    address_derivation,
    hash_message,
    is_checksum_address,
    private_key_to_address,
    private_key_to_public_key,
    public_key_to_address,
    recover_address,
    recover_public_key,
    sign_hash,
    sign_message,
    to_checksum_address,
    verify_hash,
    verify_message,
)

DATA = Path(__file__).resolve().parents[2] / "data"
KEYS = json.loads((DATA / "ethereum_keys.json").read_text())

private_keys = st.integers(1, SECP256K1_N - 1)


@pytest.mark.parametrize("vector", KEYS["key_to_address"], ids=lambda v: v["address"][:10])
def test_private_key_to_address_vectors(vector):
    address = private_key_to_address(vector["private_key"])
    assert address.lower() == vector["address"].lower()
    if vector["address"] != vector["address"].lower():      # the source gave the EIP-55 form
        assert address == vector["address"]


@pytest.mark.parametrize("vector", [v for v in KEYS["key_to_address"] if "mnemonic" in v],
                         ids=lambda v: v["path"])
def test_test_mnemonic_accounts(vector):
    # Independent derivation of the Hardhat/Anvil mnemonic with eth-account's BIP-32/39/44 code.
    Account.enable_unaudited_hdwallet_features()
    account = Account.from_mnemonic(vector["mnemonic"], account_path=vector["path"])
    assert account.key.hex().removeprefix("0x") == vector["private_key"]
    assert account.address == vector["address"] == private_key_to_address(vector["private_key"])


def test_private_key_one_step_by_step():
    steps = address_derivation(1)
    # 1*G is the secp256k1 generator point (SEC 2, section 2.4.1).
    gx = 0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798
    gy = 0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8
    assert steps.public_key == gx.to_bytes(32, "big") + gy.to_bytes(32, "big")
    assert steps.public_key_hash == eth_utils_keccak(steps.public_key)
    assert steps.address_bytes == steps.public_key_hash[-20:]
    assert steps.address == KEYS["key_to_address"][0]["address"]
    assert "private_key" not in repr(steps)


@pytest.mark.parametrize("address", KEYS["eip55_examples"]["addresses"])
def test_eip55_examples(address):
    assert to_checksum_address(address.lower()) == address
    assert to_checksum_address(address.upper().replace("0X", "0x")) == address
    assert to_checksum_address(bytes.fromhex(address[2:])) == address
    assert is_checksum_address(address)
    assert not is_checksum_address(address.lower())
    swapped = address[:-1] + (address[-1].lower() if address[-1].isupper() else address[-1].upper())
    if swapped != address:
        assert not is_checksum_address(swapped)


def test_checksum_rejects_malformed_addresses():
    with pytest.raises(ValueError):
        to_checksum_address("0x1234")
    with pytest.raises(ValueError):
        to_checksum_address("0x" + "g" * 40)
    assert not is_checksum_address("not an address")


@given(st.binary(min_size=20, max_size=20))
@settings(max_examples=100, deadline=None)
def test_checksum_matches_eth_utils(raw):
    assert to_checksum_address(raw) == eth_utils_checksum("0x" + raw.hex())


@given(private_keys)
@settings(max_examples=40, deadline=None)
def test_address_matches_eth_account_and_eth_keys(secret):
    key = secret.to_bytes(32, "big")
    public = private_key_to_public_key(key)
    assert public == eth_keys.PrivateKey(key).public_key.to_bytes()
    assert public_key_to_address(public) == Account.from_key(key).address
    assert public_key_to_address(b"\x04" + public) == Account.from_key(key).address


def test_invalid_private_keys():
    for bad in (0, SECP256K1_N, b"\x00" * 32, b"\x01" * 31):
        with pytest.raises(ValueError):
            private_key_to_address(bad)
    with pytest.raises(ValueError):
        public_key_to_address(b"\x00" * 33)


# -- messages and signatures ------------------------------------------------------------------------

@pytest.mark.parametrize("vector", KEYS["eip191_hashes"], ids=lambda v: v["message"])
def test_eip191_message_hashes(vector):
    assert hash_message(vector["message"]).hex() == vector["hash"]
    signable = encode_defunct(text=vector["message"])       # eth-account's EIP-191 envelope
    assert hash_message(vector["message"].encode()) == eth_utils_keccak(
        b"\x19" + signable.version + signable.header + signable.body)


@pytest.mark.parametrize("vector", KEYS["signatures"], ids=lambda v: v["message"])
def test_deterministic_signature_vector(vector):
    signature = sign_message(vector["message"], vector["private_key"])
    assert signature.r == int(vector["r"], 16)
    assert signature.s == int(vector["s"], 16)
    assert signature.v == vector["v"]
    assert signature.to_bytes().hex() == vector["signature"]
    assert Signature.from_bytes(vector["signature"]) == signature
    signer = private_key_to_address(vector["private_key"])
    assert recover_address(vector["message"], signature) == signer
    assert verify_message(vector["message"], signature, signer)


def test_signature_matches_eth_account():
    key = KEYS["key_to_address"][1]["private_key"]
    ours = sign_message("deliver 5 kWh at 14:00", key)
    theirs = Account.sign_message(encode_defunct(text="deliver 5 kWh at 14:00"), private_key=key)
    assert (ours.r, ours.s, ours.v) == (theirs.r, theirs.s, theirs.v)


def test_tampered_message_fails_to_verify():
    pair = KeyPair.from_private_key(KEYS["key_to_address"][1]["private_key"])
    signature = pair.sign_message("sell 10 kWh for 3 EUR")
    assert pair.verify_message("sell 10 kWh for 3 EUR", signature)
    assert not pair.verify_message("sell 10 kWh for 30 EUR", signature)
    assert not verify_message("sell 10 kWh for 3 EUR", signature, KEYS["key_to_address"][0]["address"])
    forged = Signature(signature.r, (signature.s + 1) % SECP256K1_N, signature.v)
    assert not verify_message("sell 10 kWh for 3 EUR", forged, pair.address)
    assert not verify_message("sell 10 kWh for 3 EUR", Signature(0, 0, 27), pair.address)


@given(private_keys, st.binary(max_size=100), st.data())
@settings(max_examples=30, deadline=None)
def test_sign_recover_verify_roundtrip(secret, message, draw):
    pair = KeyPair.from_private_key(secret)
    signature = sign_message(message, secret)
    assert recover_address(message, signature) == pair.address
    assert verify_message(message, signature, pair.address)
    digest = hash_message(message)
    assert verify_hash(digest, sign_hash(digest, secret), pair.public_key)
    assert recover_public_key(digest, signature) == pair.public_key
    tampered = bytearray(message or b"\x00")
    i = draw.draw(st.integers(0, len(tampered) - 1))
    tampered[i] ^= 0x01
    assert not verify_message(bytes(tampered), signature, pair.address)
    assert not verify_hash(hash_message(bytes(tampered)), signature, pair.public_key)


def test_keypair_generation_and_privacy():
    pair = KeyPair.generate()
    assert 1 <= int.from_bytes(pair.private_key, "big") < SECP256K1_N
    assert pair.address == Account.from_key(pair.private_key).address
    assert pair.private_key.hex() not in repr(pair)
    assert KeyPair.generate().private_key != pair.private_key


def test_sign_hash_needs_32_bytes():
    with pytest.raises(ValueError):
        sign_hash(b"short", 1)
    with pytest.raises(ValueError):
        Signature.from_bytes(b"\x00" * 64)
