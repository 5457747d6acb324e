"""Checks for notebook 04: proof of work, expected work, retargeting, midstate.

Expected values come from the data files (Bitcoin Core pow_tests.cpp and
arith_uint256 vectors, programmingbitcoin, sui-bitcoin-spv; see
data/README.md), from exact fractions (the `fractions` module) or from hashlib.
"""
import hashlib
import json
import math
from fractions import Fraction
from pathlib import Path

from primitives.block import bits_to_target, target_to_bits

from ..exercises import exercise, expect

DATA = Path(__file__).resolve().parents[2] / "data"
POW_LIMIT = (1 << 224) - 1     # Bitcoin Core chainparams.cpp, main: powLimit = 00000000ffff...ff
TARGET_TIMESPAN = 14 * 24 * 60 * 60  # nPowTargetTimespan: two weeks, in seconds


def _load(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def _hash256(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


@exercise("04.1", "hash below target")
def check_is_below_target(is_below_target):
    # Real headers marked valid / invalid by their sources (programmingbitcoin, sui-bitcoin-spv).
    for vector in _load("bitcoin_mainnet_headers.json")["check_pow_vectors"]:
        raw = bytes.fromhex(vector["raw_header"])
        target = bits_to_target(int.from_bytes(raw[72:76], "little"))
        got = is_below_target(_hash256(raw), target)
        expect(got == vector["valid"],
               f"header ...{vector['raw_header'][-16:]}: returned {got!r}, expected {vector['valid']} "
               f"({vector['source'].split(' (')[0]}); Bitcoin reads the digest little-endian")
    # Byte order: this digest *ends* in 0x01, so as a little-endian number it is 2**248, far above 2**240.
    digest = bytes(31) + b"\x01"
    got = is_below_target(digest, 1 << 240)
    expect(got is False or got == False,  # noqa: E712
           "a digest ending in byte 0x01 is the number 2**248 (little-endian), which is above the "
           f"target 2**240; you returned {got!r}: did you read the bytes big-endian?")
    # The boundary: Bitcoin Core's CheckProofOfWork fails only when hash > target.
    digest = _hash256(b"boundary")
    number = int.from_bytes(digest, "little")
    expect(is_below_target(digest, number) == True,  # noqa: E712
           "a hash equal to the target is valid (Bitcoin Core rejects only hash > target); "
           "you returned False")
    expect(is_below_target(digest, number - 1) == False,  # noqa: E712
           "a hash one above the target must fail; you returned True")
    return "read the digest little-endian, then one comparison: hash ≤ target is all a node checks"


@exercise("04.2", "expected attempts")
def check_expected_hashes(expected_hashes):
    cases = [(0, "target 0: only the hash 0 wins"), (1, "target 1: hashes 0 and 1 win"),
             ((1 << 256) - 1, "target 2**256 - 1: every hash wins")]
    cases += [((1 << (256 - k)) - 1, f"target 2**{256 - k} - 1") for k in (1, 8, 32)]
    cases.append((bits_to_target(0x1D00FFFF), "the genesis target"))
    for target, name in cases:
        want = float(Fraction(1 << 256, target + 1))
        got = expected_hashes(target)
        expect(isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-12),
               f"{name}: returned {got!r}, expected 2**256 / (target + 1) = {want:.10g}")
    # Block 794143's work from sui-bitcoin-spv (Bitcoin Core's GetBlockProof, an integer division).
    entry = next(h for h in _load("bitcoin_mainnet_headers.json")["headers"] if h["height"] == 794143)
    raw = bytes.fromhex(entry["raw_header"])
    got = expected_hashes(bits_to_target(int.from_bytes(raw[72:76], "little")))
    expect(math.isclose(got, entry["work"], rel_tol=1e-12),
           f"block 794143: returned {got!r}, expected about {entry['work']:.6e} (its published work)")
    return (f"block 794143 needed about {entry['work']:.2e} hashes; the genesis target "
            f"about {want:,.0f}: each try wins with probability (target + 1) / 2**256")


@exercise("04.3", "the midstate trick")
def check_midstate_hashes(midstate_hashes):
    genesis = _load("bitcoin_genesis.json")
    block1 = next(h for h in _load("bitcoin_mainnet_headers.json")["headers"] if h["height"] == 1)
    for entry, nonces in ((genesis, [0, 1, genesis["nonce"], 0xFFFFFFFF]), (block1, [7, 2573394689])):
        raw = bytes.fromhex(entry["raw_header"])
        got = list(midstate_hashes(raw, nonces))
        want = [_hash256(raw[:76] + n.to_bytes(4, "little")) for n in nonces]
        expect(len(got) == len(want), f"returned {len(got)} digests for {len(nonces)} nonces")
        for nonce, g, w in zip(nonces, got, want, strict=True):
            expect(g == w, f"block {entry['height']} with nonce {nonce}: got {bytes(g).hex()[:16]}..., "
                           f"expected {w.hex()[:16]}... (double SHA-256 of the 80-byte header, "
                           "internal order)")
    winner = next(iter(midstate_hashes(bytes.fromhex(genesis["raw_header"]), [genesis["nonce"]])))
    expect(bytes(winner)[::-1].hex() == genesis["hash"], "the genesis nonce should give the genesis hash")
    return ("same digests as hashing all 80 bytes, but the first 64-byte block is compressed once: "
            "3 SHA-256 compressions per nonce become 2")


@exercise("04.4", "retarget with the 4x clamp")
def check_next_target(next_target):
    data = _load("bitcoin_retarget.json")
    for case in data["cases"]:
        if "actual_timespan" in case:
            timespan = case["actual_timespan"]
        else:  # Core measures from the period's first block to its last (2015 intervals)
            timespan = case["last_block_time"] - case["first_block_time"]
        old_target = bits_to_target(int(case["last_bits"], 16))
        got = next_target(old_target, timespan)
        expect(isinstance(got, int), f"{case['name']}: return an int (use // for division), got "
                                     f"{type(got).__name__}")
        # Core's CalculateNextWorkRequired, in exact integers: clamp, multiply, divide, cap.
        clamped = min(max(timespan, TARGET_TIMESPAN // 4), TARGET_TIMESPAN * 4)
        exact = min(old_target * clamped // TARGET_TIMESPAN, POW_LIMIT)
        expect(got == exact, f"{case['name']}: your target is {got:#x}, expected {exact:#x} "
                             f"(integer arithmetic: old * clamped timespan // two weeks, capped at powLimit)")
        got_bits = target_to_bits(got)
        want_bits = int(case["expected_bits"], 16)
        expect(got_bits == want_bits,
               f"{case['name']} ({case['comment']}): your target encodes as bits 0x{got_bits:08x}, "
               f"expected 0x{want_bits:08x}")
    return ("you reproduce Bitcoin Core's pow_tests: difficulty moves at most 4× per two weeks, "
            "and never below the easiest target")


def _first_winner(raw: bytes, start: int, stop: int) -> int | None:
    """The first winning nonce in [start, stop), searched with hashlib (independent of your code)."""
    target = bits_to_target(int.from_bytes(raw[72:76], "little"))
    for nonce in range(start, stop):
        if int.from_bytes(_hash256(raw[:76] + nonce.to_bytes(4, "little")), "little") <= target:
            return nonce
    return None


@exercise("04.5", "your library: a miner (mine in mychain.py)")
def check_mine(mine):
    regtest = bytes.fromhex(_load("bitcoin_regtest_genesis.json")["raw_header"])
    genesis = _load("bitcoin_genesis.json")
    raw = bytes.fromhex(genesis["raw_header"])
    nonce = genesis["nonce"]
    block1 = next(h for h in _load("bitcoin_mainnet_headers.json")["headers"] if h["height"] == 1)
    raw1 = bytes.fromhex(block1["raw_header"])
    nonce1 = int.from_bytes(raw1[76:80], "little")
    # Easy regtest headers (bits 0x207fffff), with their time changed so each needs its own search.
    easy = [regtest[:68] + (int.from_bytes(regtest[68:72], "little") + k).to_bytes(4, "little") + regtest[72:]
            for k in range(8)]
    cases = [(h, 0, 1000, f"the regtest genesis with timestamp +{k}") for k, h in enumerate(easy)]
    cases += [(raw, nonce - 3, nonce + 3, "the mainnet genesis, nonces around its own"),
              (raw1, nonce1 - 2, nonce1 + 1, "block 1, nonces around its own"),
              (raw, nonce + 1, nonce + 300, "the mainnet genesis, 299 nonces after its own (no winner)")]
    for header, start, stop, name in cases:
        want = _first_winner(header, start, stop)
        got = mine(header, start, stop)
        expect(got == want and (got is None) == (want is None),
               f"{name}: mine(header, {start}, {stop}) returned {got!r}, expected {want!r} (the first nonce "
               "whose double SHA-256, read little-endian, is at most the target from the header's bits)")
    expect(_first_winner(raw, nonce, nonce + 1) == nonce, "the genesis nonce should win")
    return (f"your miner finds the genesis nonce {nonce:,} again, and says None when a range has no winner: "
            "mainnet needs about 4 billion tries per block")
