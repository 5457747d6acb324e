"""primitives.eth_header on Ethereum mainnet's genesis header (data/ethereum_mainnet_genesis_header.json).

The file's hash is the published mainnet genesis hash; recomputing it from the
fields checks the field order and the RLP encoding of every field type.
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest
import rlp
from Crypto.Hash import keccak as pycryptodome_keccak

from primitives.eth_header import EthHeader, HeaderError, decode, from_rpc

GENESIS = json.loads((Path(__file__).resolve().parents[2] / "data" / "ethereum_mainnet_genesis_header.json")
                     .read_text())


def keccak(data: bytes) -> bytes:
    return pycryptodome_keccak.new(digest_bits=256, data=data).digest()


@pytest.fixture
def genesis():
    return EthHeader.from_rpc(GENESIS["header"])


def test_genesis_hash_is_recomputed(genesis):
    assert "0x" + genesis.hash().hex() == GENESIS["hash"]
    assert genesis.fork() == "frontier"
    assert genesis.baseFeePerGas is None


def test_encode_is_rlp_of_the_fields_in_order(genesis):
    decoded = rlp.decode(genesis.encode())
    assert len(decoded) == 15
    assert decoded[8] == b""  # number 0: RLP's empty string
    assert int.from_bytes(decoded[9], "big") == 5000  # gasLimit
    assert decoded[14] == bytes.fromhex("0000000000000042")  # nonce: 8 bytes kept as bytes
    assert keccak(genesis.encode()) == genesis.hash()


def test_decode_round_trip(genesis):
    assert EthHeader.decode(genesis.encode()) == genesis


def test_any_changed_field_changes_the_hash(genesis):
    changes = [("stateRoot", b"\x01" * 32), ("timestamp", 1), ("nonce", bytes(8)), ("extraData", b"")]
    for name, changed in changes:
        assert replace(genesis, **{name: changed}).hash() != genesis.hash(), name


def test_fields_can_only_be_missing_at_the_end(genesis):
    with pytest.raises(ValueError):
        replace(genesis, withdrawalsRoot=b"\x00" * 32)  # shanghai's field without london's baseFeePerGas
    with pytest.raises(HeaderError):
        EthHeader.decode(rlp.encode([b""] * 14))


def test_bad_bytes_are_refused():
    for raw in (b"\xc1", bytes.fromhex("c3010203"), b"\xff", rlp.encode([[b""]] * 15)):
        with pytest.raises(HeaderError):
            decode(raw)
    assert issubclass(HeaderError, ValueError)


def test_numbers_and_shortened_fields_from_other_clients(genesis):
    # web3 hands back ints and bytes; some nodes write an all-zero bloom as "0x0".
    other = dict(GENESIS["header"], logsBloom="0x0", difficulty=2**34, nonce=66, miner=b"")
    assert from_rpc(other) == genesis
