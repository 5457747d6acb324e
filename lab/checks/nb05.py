"""Checks for notebook 05: forks, the most-work rule and the majority attack.

Expected values come from the Bitcoin whitepaper's printed table
(data/nakamoto_attack_table.json), from block work values published by
others (data/bitcoin_mainnet_headers.json) and from Bitcoin Core's genesis
chainwork, or are computed here with the math module and small independent
code (never with primitives/).
"""
from __future__ import annotations

import json
import math
import random
from pathlib import Path

from ..exercises import exercise, expect

DATA = Path(__file__).resolve().parents[2] / "data"

# Bitcoin Core: `bitcoin-cli getblockheader <genesis>` reports
# "chainwork": "0000...0100010001", the work of the genesis block alone.
GENESIS_BITS = 0x1D00FFFF
GENESIS_WORK = 0x100010001
REGTEST_BITS = 0x207FFFFF   # Bitcoin Core chainparams.cpp (regtest): any hash below ~2**255 wins


def _close(a: float, b: float, rel: float = 1e-9, abs_: float = 1e-12) -> bool:
    return isinstance(a, (int, float)) and math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


@exercise("05.1", "the stale-rate estimate")
def check_stale_estimate(stale_estimate):
    for latency, interval in ((2, 600), (12, 600), (8, 60), (30, 60), (60, 60), (0, 600)):
        want = 1 - math.exp(-latency / interval)
        got = stale_estimate(latency, interval)
        expect(_close(got, want), f"stale_estimate({latency}, {interval}) returned {got!r}, "
                                  f"expected 1 - exp(-{latency}/{interval}) = {want:.6f}")
    return (f"Bitcoin (2 s to spread, 600 s between blocks) loses about {1 - math.exp(-2 / 600):.2%} of "
            f"its blocks; a 15-second chain with the same network would lose {1 - math.exp(-2 / 15):.1%}")


def _work_by_math(bits: int) -> int:
    # Independent of primitives: target = mantissa * 256**(exponent - 3) for
    # the canonical, positive bits used here, and work = 2**256 // (target + 1).
    exponent, mantissa = bits >> 24, bits & 0x007FFFFF
    target = mantissa * 256 ** (exponent - 3) if exponent >= 3 else mantissa >> (8 * (3 - exponent))
    return 2 ** 256 // (target + 1)


def _block_794143() -> tuple[int, int]:
    headers = json.loads((DATA / "bitcoin_mainnet_headers.json").read_text())["headers"]
    block = next(h for h in headers if h.get("height") == 794143)
    raw = bytes.fromhex(block["raw_header"])
    return int.from_bytes(raw[72:76], "little"), block["work"]   # bits are header bytes 72..76


def _raw_headers() -> list[bytes]:
    genesis = json.loads((DATA / "bitcoin_genesis.json").read_text())["raw_header"]
    later = json.loads((DATA / "bitcoin_mainnet_headers.json").read_text())["headers"]
    return [bytes.fromhex(genesis), *(bytes.fromhex(h["raw_header"]) for h in later if h["height"] <= 9)]


@exercise("05.2", "your library: the work of a chain (chain_work in mychain.py)")
def check_chain_work(chain_work):
    first_ten = _raw_headers()
    got = chain_work(first_ten[:1])
    expect(got == GENESIS_WORK, f"chain_work([genesis]) returned {got!r}, expected {GENESIS_WORK} "
                                "(the genesis block's chainwork 0x100010001 in Bitcoin Core)")
    got = chain_work(first_ten)
    expect(got == 10 * GENESIS_WORK, f"chain_work(genesis .. block 9) returned {got!r}, expected "
                                     f"{10 * GENESIS_WORK} (ten blocks at the genesis target)")
    expect(chain_work([]) == 0, "an empty chain has no work: chain_work([]) should be 0")
    headers = json.loads((DATA / "bitcoin_mainnet_headers.json").read_text())["headers"]
    recent = bytes.fromhex(next(h for h in headers if h["height"] == 794143)["raw_header"])
    bits, work = _block_794143()
    got = chain_work([recent])
    expect(got == work, f"chain_work([block 794143]) returned {got!r}, expected {work} "
                        f"(sui-bitcoin-spv's test value): use whole-number division //, not floats")
    got = chain_work([*first_ten, recent])
    want = 10 * GENESIS_WORK + _work_by_math(bits)
    expect(got == want, f"chain_work(ten early blocks + block 794143) returned {got!r}, expected {want}")
    return (f"one block of 2023 (794143) outweighs {work // (10 * GENESIS_WORK):,} chains of ten 2009 "
            "blocks: work, not length, measures a chain")


# Small block trees: (name, parent, work) in the order a node received them.
TREES = [
    # A shorter chain with more work: heights say a3, work says b2.
    ([("G", None, 1), ("a1", "G", 1), ("a2", "a1", 1), ("a3", "a2", 1), ("b1", "G", 4), ("b2", "b1", 4)],
     {"length": "a3", "work": "b2"}),
    # Two blocks of equal height and work: the first one seen stays the tip.
    ([("G", None, 1), ("x1", "G", 1), ("y1", "G", 1)], {"length": "x1", "work": "x1"}),
    # ... until one side gets a child.
    ([("G", None, 1), ("x1", "G", 1), ("y1", "G", 1), ("y2", "y1", 1)], {"length": "y2", "work": "y2"}),
    # Equal work, different length: p2 was first to reach 5, q4 is higher.
    ([("G", None, 1), ("p1", "G", 2), ("p2", "p1", 2), ("q1", "G", 1), ("q2", "q1", 1), ("q3", "q2", 1),
      ("q4", "q3", 1)], {"length": "q4", "work": "p2"}),
    # The rules agree when every block has the same work (all of section 05.1's simulation).
    ([("G", None, 1), ("m1", "G", 1), ("m2", "m1", 1), ("s2", "m1", 1), ("m3", "m2", 1)],
     {"length": "m3", "work": "m3"}),
]


def _tip(blocks, rule: str) -> str:
    # Independent reference: height or cumulative work per block, best value
    # wins, ties go to the block received first.
    score, best, best_key = {}, None, None
    for index, (name, parent, work) in enumerate(blocks):
        score[name] = (score[parent] if parent else 0) + (1 if rule == "length" else work)
        key = (score[name], -index)
        if best_key is None or key > best_key:
            best, best_key = name, key
    return best


def _random_tree(rng: random.Random, size: int):
    blocks = [("G", None, 1)]
    for i in range(1, size):
        parent = blocks[rng.randrange(len(blocks))][0]
        blocks.append((f"b{i}", parent, rng.choice((1, 1, 2, 3, 8))))
    return blocks


@exercise("05.3", "choose the tip: most work or longest")
def check_choose_tip(choose_tip):
    for blocks, answers in TREES:
        for rule, want in answers.items():
            got = choose_tip(list(blocks), rule)
            names = " ".join(f"{n}<-{p}({w})" for n, p, w in blocks[1:])
            expect(got == want, f"choose_tip(..., {rule!r}) on the tree {names} returned {got!r}, expected "
                                f"{want!r}")
    rng = random.Random(2020)
    for _ in range(20):
        blocks = _random_tree(rng, rng.randrange(3, 15))
        for rule in ("length", "work"):
            want, got = _tip(blocks, rule), choose_tip(list(blocks), rule)
            expect(got == want, f"choose_tip(..., {rule!r}) on a random tree of {len(blocks)} blocks "
                                f"returned {got!r}, expected {want!r}")
    return "a shorter chain wins when it holds more work: Bitcoin's real rule is most work, not most blocks"


def _table() -> dict:
    return json.loads((DATA / "nakamoto_attack_table.json").read_text())


@exercise("05.4", "Nakamoto's attack probability")
def check_nakamoto_probability(nakamoto_probability):
    table = _table()
    for row in table["probabilities"]:
        got = nakamoto_probability(row["q"], row["z"])
        expect(_close(got, row["P"], rel=0, abs_=6e-8),
               f"nakamoto_probability({row['q']}, {row['z']}) returned {got!r}, the whitepaper prints "
               f"{row['P']}")
    for row in table["z_for_p_below_0_001"]:
        q, z = row["q"], row["z"]
        below, before = nakamoto_probability(q, z), nakamoto_probability(q, z - 1)
        expect(below < 0.001 <= before, f"for q = {q} the whitepaper needs z = {z} for P < 0.1 %, but your "
                                        f"function gives P({q}, {z - 1}) = {before:.5f} and P({q}, {z}) = "
                                        f"{below:.5f}")
    return ("you reproduced section 11 of the Bitcoin whitepaper: at q = 0.3 a merchant needs "
            "24 confirmations for 0.1 %")
