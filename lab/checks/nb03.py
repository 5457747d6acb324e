"""Checks for notebook 03: reading a Bitcoin block header byte by byte.

Expected values come from the data files (each cites its source: Bitcoin
Core, libbitcoin, btcd, see data/README.md) or from hashlib.
"""
import hashlib
import json
from pathlib import Path

from ..exercises import exercise, expect

DATA = Path(__file__).resolve().parents[2] / "data"


def _load(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def _headers_with_fields() -> list[dict]:
    """Headers whose data file states the fields (genesis, 170, 100000, 277316)."""
    genesis = _load("bitcoin_genesis.json")
    mainnet = [h for h in _load("bitcoin_mainnet_headers.json")["headers"] if "timestamp" in h]
    return [genesis, *mainnet]


@exercise("03.1", "read the timestamp")
def check_parse_timestamp(parse_timestamp):
    for entry in _headers_with_fields():
        raw = bytes.fromhex(entry["raw_header"])
        got = parse_timestamp(raw)
        expect(got == entry["timestamp"],
               f"block {entry['height']}: parse_timestamp returned {got!r}, expected {entry['timestamp']} "
               "(bytes 68..71, little-endian)")
    return ("bytes 68–71 read little-endian give 1231006505: the genesis block was stamped "
            "2009-01-03 18:15:05 UTC")


@exercise("03.2", "the block hash")
def check_header_hash_hex(header_hash_hex):
    entries = [_load("bitcoin_genesis.json"), *_load("bitcoin_mainnet_headers.json")["headers"]]
    for entry in entries:
        got = header_hash_hex(bytes.fromhex(entry["raw_header"]))
        expect(isinstance(got, str), f"header_hash_hex should return a hex str, got {type(got).__name__}")
        hint = ""
        if got == entry["hash"][::-1] or got == bytes.fromhex(entry["hash"])[::-1].hex():
            hint = " (that is internal order: reverse the bytes for display order)"
        elif got == hashlib.sha256(bytes.fromhex(entry["raw_header"])).digest()[::-1].hex():
            hint = " (that is a single SHA-256: Bitcoin hashes twice)"
        expect(got == entry["hash"],
               f"block {entry['height']}: got {got[:16]}..., expected {entry['hash'][:16]}...{hint}")
    return f"{len(entries)} real headers: double SHA-256, bytes reversed, exactly the hashes explorers show"


@exercise("03.3", "your library: compact bits to target (bits_to_target in mychain.py)")
def check_bits_to_target(bits_to_target):
    data = _load("bitcoin_compact_bits.json")
    vectors = [(int(v["compact"], 16), int(v["value"], 16)) for v in data["set_compact"]
               if not v["negative"] and not v["overflow"]]
    vectors += [(int(v["bits"], 16), int(v["target"], 16)) for v in data["known_targets"]]
    for bits, want in vectors:
        got = bits_to_target(bits)
        expect(isinstance(got, int) and got == want,
               f"bits_to_target(0x{bits:08x}) returned {got!r}, expected {want:#x} "
               "(Bitcoin Core arith_uint256_tests / chainparams)")
    return (f"{len(vectors)} vectors from Bitcoin Core: 0x1d00ffff is 0xffff × 256^26, "
            "the easiest mainnet target")


@exercise("03.4", "does a block link to its parent?")
def check_links_to(links_to):
    raws = [bytes.fromhex(b["raw_block"])[:80] for b in _load("bitcoin_blocks_1_to_9.json")["blocks"]]
    genesis = bytes.fromhex(_load("bitcoin_genesis.json")["raw_header"])
    block1, block2, block3 = raws[0], raws[1], raws[2]
    cases = [
        ("genesis -> 1", genesis, block1, True),
        ("1 -> 2", block1, block2, True),
        ("2 -> 3", block2, block3, True),
        ("2 -> 1 (wrong way round)", block2, block1, False),
        ("1 -> 3 (skips block 2)", block1, block3, False),
    ]
    for name, parent, child, want in cases:
        got = links_to(parent, child)
        expect(got is want or got == want,
               f"links_to for {name} returned {got!r}, expected {want} (prev_hash is stored "
               "in internal order, exactly as hashlib outputs the parent's double SHA-256)")
    return "block 2 names block 1's hash in its bytes 4–35: change block 1 and that link breaks"


@exercise("03.5", "your library: parse a header into its six fields (parse_header in mychain.py)")
def check_parse_header(parse_header):
    for entry in _headers_with_fields():
        raw = bytes.fromhex(entry["raw_header"])
        got = parse_header(raw)
        want = {"version": entry["version"], "prev_block": bytes.fromhex(entry["prev_hash"])[::-1],
                "merkle_root": bytes.fromhex(entry["merkle_root"])[::-1], "timestamp": entry["timestamp"],
                "bits": int(entry["bits"], 16), "nonce": entry["nonce"]}
        for field, value in want.items():
            have = getattr(got, field, "<missing>")
            shown = have.hex() if isinstance(have, (bytes, bytearray)) else repr(have)
            hint = " (that is display order: keep the bytes as stored)" \
                if isinstance(have, (bytes, bytearray)) and bytes(have) == value[::-1] else ""
            expect(have == value, f"block {entry['height']}: parse_header(raw).{field} is {shown[:20]}, "
                                  f"expected {value.hex()[:20] if isinstance(value, bytes) else value}{hint}")
    return "six fields in 80 bytes: integers little-endian, the two hashes in the order hashlib makes them"
