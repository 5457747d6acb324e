"""primitives.block on real mainnet headers and blocks.

Sources (see data/README.md): genesis from Bitcoin Core chainparams.cpp;
headers from libbitcoin, btcd, Bitcoin Wiki, Mastering Bitcoin,
programmingbitcoin and sui-bitcoin-spv; compact-bits vectors from Bitcoin
Core's arith_uint256_tests.cpp; full blocks 1-9 from libbitcoin. Hashes are
recomputed with hashlib, never with the code under test.
"""

import hashlib
import json
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from primitives.block import (
    DIFFICULTY_1_BITS,
    MAINNET_POW_LIMIT,
    REGTEST_POW_LIMIT,
    Block,
    BlockHeader,
    bits_to_target,
    decode_compact,
    difficulty_from_bits,
    encode_varint,
    read_varint,
    target_to_bits,
    transaction_length,
    work_from_target,
)

DATA = Path(__file__).resolve().parents[2] / "data"
GENESIS = json.loads((DATA / "bitcoin_genesis.json").read_text())
HEADERS = json.loads((DATA / "bitcoin_mainnet_headers.json").read_text())
BLOCKS_1_9 = json.loads((DATA / "bitcoin_blocks_1_to_9.json").read_text())["blocks"]
COMPACT = json.loads((DATA / "bitcoin_compact_bits.json").read_text())
MERKLE = json.loads((DATA / "bitcoin_merkle_blocks.json").read_text())["blocks"]
REGTEST = json.loads((DATA / "bitcoin_regtest_genesis.json").read_text())
ALL_HEADERS = [GENESIS, REGTEST] + HEADERS["headers"]


def dsha_display(raw: bytes) -> str:
    return hashlib.sha256(hashlib.sha256(raw).digest()).digest()[::-1].hex()


def test_genesis_fields():
    header = BlockHeader.from_hex(GENESIS["raw_header"])
    assert header.version == GENESIS["version"]
    assert header.prev_hash_hex == GENESIS["prev_hash"]
    assert header.merkle_root_hex == GENESIS["merkle_root"]
    assert header.timestamp == GENESIS["timestamp"]
    assert header.bits == int(GENESIS["bits"], 16)
    assert header.nonce == GENESIS["nonce"]
    assert header.hash_hex() == GENESIS["hash"]
    assert header.hash() == bytes.fromhex(GENESIS["hash"])[::-1]
    assert header.serialize().hex() == GENESIS["raw_header"]


@pytest.mark.parametrize("entry", ALL_HEADERS, ids=lambda e: str(e.get("height", "regtest")))
def test_real_headers_hash_and_meet_their_target(entry):
    raw = bytes.fromhex(entry["raw_header"])
    header = BlockHeader.parse(raw)
    assert dsha_display(raw) == entry["hash"]          # the data checks itself
    assert header.hash_hex() == entry["hash"]
    assert header.check_pow()
    assert header.serialize() == raw
    # Independent PoW check: hash as little-endian integer <= mantissa * 256**(exponent-3).
    bits = struct.unpack("<I", raw[72:76])[0]
    target = (bits & 0xFFFFFF) * 256 ** ((bits >> 24) - 3)
    assert int(entry["hash"], 16) <= target == header.target


@pytest.mark.parametrize("entry", [e for e in ALL_HEADERS if "nonce" in e],
                         ids=lambda e: str(e.get("height", "regtest")))
def test_published_fields_match_parsed_header(entry):
    header = BlockHeader.from_hex(entry["raw_header"])
    assert header.version == entry["version"]
    assert header.prev_hash_hex == entry["prev_hash"]
    assert header.merkle_root_hex == entry["merkle_root"]
    assert header.timestamp == entry["timestamp"]
    assert header.bits == int(entry["bits"], 16)
    assert header.nonce == entry["nonce"]


def test_headers_1_to_9_link_to_their_parent():
    previous = GENESIS["hash"]
    for entry in HEADERS["headers"][:9]:
        header = BlockHeader.from_hex(entry["raw_header"])
        assert header.prev_hash_hex == previous
        previous = entry["hash"]


def header_at(height):
    return next(BlockHeader.from_hex(e["raw_header"]) for e in HEADERS["headers"] if e["height"] == height)


def test_target_and_difficulty_programmingbitcoin_block_471744():
    entry = next(e for e in HEADERS["headers"] if e["height"] == 471744)
    header = header_at(471744)
    assert header.target == int(entry["target"], 16)
    assert int(header.difficulty) == entry["difficulty_int"]


def test_difficulty_mastering_bitcoin_block_277316():
    entry = next(e for e in HEADERS["headers"] if e["height"] == 277316)
    assert header_at(277316).difficulty == pytest.approx(entry["difficulty"], abs=1e-6)


def test_genesis_difficulty_is_one():
    assert BlockHeader.from_hex(GENESIS["raw_header"]).difficulty == 1.0
    assert difficulty_from_bits(DIFFICULTY_1_BITS) == 1.0


def test_difficulty_of_a_zero_mantissa_is_a_readable_error():
    # 0x1d000000 decodes to the target 0 (mantissa 0): no hash can meet it.
    with pytest.raises(ValueError, match="zero mantissa"):
        difficulty_from_bits(0x1D000000)


def test_work_sui_bitcoin_spv_block_794143():
    entry = next(e for e in HEADERS["headers"] if e["height"] == 794143)
    assert header_at(794143).work == entry["work"]


def test_work_of_difficulty_one_by_arithmetic():
    # 2**256 // (0xffff * 2**208 + 1): the familiar 0x100010001 per genesis-era block.
    assert work_from_target(bits_to_target(0x1D00FFFF)) == 0x100010001
    assert work_from_target(REGTEST_POW_LIMIT) == 2


@pytest.mark.parametrize("vector", HEADERS["check_pow_vectors"], ids=lambda v: v["source"][:30])
def test_check_pow_vectors(vector):
    header = BlockHeader.from_hex(vector["raw_header"])
    assert header.check_pow() is vector["valid"]
    if "hash" in vector:
        assert header.hash_hex() == vector["hash"]


def test_check_pow_respects_pow_limit():
    regtest = BlockHeader.from_hex(REGTEST["raw_header"])
    assert regtest.check_pow()
    assert regtest.check_pow(REGTEST_POW_LIMIT)
    assert not regtest.check_pow(MAINNET_POW_LIMIT)   # regtest target is far too easy for mainnet
    assert int(REGTEST["pow_limit"], 16) == REGTEST_POW_LIMIT


def test_parse_rejects_wrong_length():
    with pytest.raises(ValueError):
        BlockHeader.parse(b"\x00" * 79)


# -- compact bits ----------------------------------------------------------------------

@pytest.mark.parametrize("v", COMPACT["set_compact"], ids=lambda v: v["compact"])
def test_set_compact_vectors_from_bitcoin_core(v):
    bits = int(v["compact"], 16)
    value, negative, overflow = decode_compact(bits)
    assert negative is v["negative"] and overflow is v["overflow"]
    if "value" in v:
        assert value == int(v["value"], 16)
    if "get_compact" in v:
        assert target_to_bits(value) == int(v["get_compact"], 16)
        assert bits_to_target(bits) == value
    if "get_compact_negative" in v:
        assert target_to_bits(value, negative=True) == int(v["get_compact_negative"], 16)
    if v["negative"] or v["overflow"]:
        with pytest.raises(ValueError):
            bits_to_target(bits)


@pytest.mark.parametrize("v", COMPACT["get_compact"])
def test_get_compact_never_sets_the_sign_bit(v):
    assert target_to_bits(int(v["value"], 16)) == int(v["compact"], 16)


@pytest.mark.parametrize("v", COMPACT["known_targets"], ids=lambda v: v["bits"])
def test_known_targets(v):
    assert bits_to_target(int(v["bits"], 16)) == int(v["target"], 16)
    assert target_to_bits(int(v["target"], 16)) == int(v["bits"], 16)


@given(st.integers(1, 2 ** 256 - 1))
@settings(max_examples=200, deadline=None)
def test_compact_keeps_the_top_three_bytes(target):
    bits = target_to_bits(target)
    decoded = bits_to_target(bits)
    assert not bits & 0x00800000
    assert decoded <= target
    # Only bytes below the mantissa are lost: fewer than 256**(exponent - 3).
    # (A top byte >= 0x80 costs one more byte, as the mantissa is signed.)
    assert target - decoded < 256 ** max((bits >> 24) - 3, 0)
    assert target_to_bits(decoded) == bits              # canonical bits round-trip


def test_non_canonical_bits_come_back_canonical():
    # By hand: 0x03000001 is size 3, mantissa 0x000001, so the target is 1.
    # Canonically 1 is one byte: size 1, mantissa 0x01 shifted to the top of
    # the three mantissa bytes, 0x010000. Both encodings mean the same target.
    assert bits_to_target(0x03000001) == 1
    assert target_to_bits(1) == 0x01010000
    assert bits_to_target(0x01010000) == 1
    # Bitcoin Core arith_uint256_tests.cpp: SetCompact(0x02123456) then GetCompact() == 0x02123400.
    assert target_to_bits(bits_to_target(0x02123456)) == 0x02123400


# -- headers round trip --------------------------------------------------------------------

headers = st.builds(
    BlockHeader,
    version=st.integers(-(2 ** 31), 2 ** 31 - 1),
    prev_hash=st.binary(min_size=32, max_size=32),
    merkle_root=st.binary(min_size=32, max_size=32),
    timestamp=st.integers(0, 2 ** 32 - 1),
    bits=st.integers(0, 2 ** 32 - 1),
    nonce=st.integers(0, 2 ** 32 - 1),
)


@given(headers)
@settings(max_examples=100, deadline=None)
def test_parse_serialize_round_trip(header):
    raw = header.serialize()
    assert len(raw) == 80
    assert BlockHeader.parse(raw) == header
    assert header.hash() == hashlib.sha256(hashlib.sha256(raw).digest()).digest()


def test_header_rejects_short_hashes():
    with pytest.raises(ValueError):
        BlockHeader(1, b"\x00" * 31, b"\x00" * 32, 0, 0x1D00FFFF, 0)


# -- blocks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("entry", BLOCKS_1_9, ids=lambda e: str(e["height"]))
def test_parse_real_blocks_1_to_9(entry):
    raw = bytes.fromhex(entry["raw_block"])
    block = Block.parse(raw)
    assert block.hash_hex() == entry["hash"]
    assert len(block.txids) == 1
    coinbase = raw[81:]                       # header (80) + tx count varint (1)
    assert block.raw_txs == (coinbase,)
    # A lone coinbase: its txid is the Merkle root the header commits to.
    assert block.txids[0] == hashlib.sha256(hashlib.sha256(coinbase).digest()).digest()
    assert block.txids[0] == block.header.merkle_root
    assert block.check_merkle_root()
    assert block.serialize() == raw


@pytest.mark.parametrize("entry", MERKLE, ids=lambda e: str(e["height"]))
def test_block_commits_to_its_txids(entry):
    header = header_at(entry["height"])
    block = Block.from_txids(header, entry["txids"])
    assert block.check_merkle_root()
    assert block.txids_hex == entry["txids"]
    assert not Block.from_txids(header, entry["txids"][::-1]).check_merkle_root()
    assert not Block.from_txids(header, entry["txids"][:-1]).check_merkle_root()


def test_mutated_block_is_rejected():
    # CVE-2012-2459: [a, b, c] and [a, b, c, c] share a root; only the first is valid.
    a, b, c = (hashlib.sha256(bytes([i])).digest() for i in range(3))
    dsha = lambda x: hashlib.sha256(hashlib.sha256(x).digest()).digest()  # noqa: E731
    root = dsha(dsha(a + b) + dsha(c + c))
    header = BlockHeader(1, bytes(32), root, 0, 0x207FFFFF, 0)
    assert Block(header, (a, b, c)).check_merkle_root()
    mutated = Block(header, (a, b, c, c))
    assert mutated.computed_merkle_root() == root
    assert not mutated.check_merkle_root()
    assert not Block(header, ()).check_merkle_root()


def test_block_parse_rejects_trailing_bytes_and_segwit():
    raw = bytes.fromhex(BLOCKS_1_9[0]["raw_block"])
    with pytest.raises(ValueError):
        Block.parse(raw + b"\x00")
    segwit_like = bytes.fromhex("01000000" "00" "01")
    with pytest.raises(ValueError):
        transaction_length(segwit_like, 0)


@pytest.mark.parametrize("cut", [0, 40, 80, 81, 85, 120, -5, -1])
def test_truncated_block_is_a_value_error(cut):
    # Real block 1 cut short at various points: the header, the tx count,
    # inside the input, inside the output script, the lock time.
    raw = bytes.fromhex(BLOCKS_1_9[0]["raw_block"])
    with pytest.raises(ValueError, match="truncated"):
        Block.parse(raw[:cut])


def test_serialize_needs_raw_transactions():
    with pytest.raises(ValueError):
        Block.from_txids(header_at(100000), MERKLE[0]["txids"]).serialize()


@pytest.mark.parametrize("n, encoded", [(0, "00"), (0xFC, "fc"), (0xFD, "fdfd00"), (0xFFFF, "fdffff"),
                                        (0x10000, "fe00000100"), (2 ** 32, "ff0000000001000000")])
def test_varint(n, encoded):
    # CompactSize encoding as documented for the Bitcoin P2P protocol.
    assert encode_varint(n).hex() == encoded
    assert read_varint(bytes.fromhex(encoded), 0) == (n, len(encoded) // 2)
