"""`python -m primitives.bench`: the building blocks timed against the plainest code doing the same work.

- **mining**: `pow.mine` against a bare hashlib loop with the same midstate
  trick over the same nonces; `mine` also tests each hash against the target
  (unreachable here, so every nonce is tried), the floor only hashes;
- **merkle_root**: over 2^20 leaves, against bare double SHA-256 of the pairs,
  level by level;
- **trie**: inserting keys and reading the root, against py-trie's
  `HexaryTrie` (the trie py-evm runs Ethereum's state on). That floor is a
  library, not bare hashing: a ratio above 1 is the price of readable code.

Rounds are interleaved (ours, floor, ours, floor, ...) so that a busy machine
slows both alike; the figure is the median over rounds of ours ÷ floor, and
the spread over rounds is reported beside it. Writes `primitives.csv`.
"""
from __future__ import annotations

import argparse
import csv
import gc
import hashlib
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .block import BlockHeader
from .merkle import merkle_root
from .pow import mine
from .trie import Trie

SEED = 20200601
MERKLE_LEAVES = 2 ** 20
GENESIS_RAW = bytes.fromhex(   # Bitcoin's genesis header: any 80 bytes would do
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e"
    "67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c")


@dataclass(frozen=True)
class Figure:
    """One building block's time against its floor, over interleaved rounds."""

    name: str
    size: int            # nonces tried, leaves hashed or keys inserted
    ours_s: float        # median seconds per round, ours
    floor_s: float       # median seconds per round, the floor
    ratio: float         # median over rounds of ours ÷ floor
    ratio_low: float     # the lowest round's ratio
    ratio_high: float    # the highest round's ratio
    rounds: int
    floor: str           # what the floor is


def interleaved(ours: Callable[[], object], floor: Callable[[], object], rounds: int) -> tuple[list, list]:
    """Time `ours` and `floor` alternately `rounds` times each; the lists of seconds."""
    mine_s, floor_s = [], []
    for _ in range(rounds):
        for work, times in ((ours, mine_s), (floor, floor_s)):
            gc.collect()
            began = time.perf_counter()
            work()
            times.append(time.perf_counter() - began)
    return mine_s, floor_s


def figure(name: str, size: int, floor_name: str, ours_s: list[float], floor_s: list[float]) -> Figure:
    """Summarise interleaved timings as a Figure."""
    ratios = [a / b for a, b in zip(ours_s, floor_s, strict=True)]
    return Figure(name, size, statistics.median(ours_s), statistics.median(floor_s),
                  statistics.median(ratios), min(ratios), max(ratios), len(ratios), floor_name)


def bare_hashing(raw: bytes, attempts: int) -> bytes:
    """The floor: the midstate double SHA-256 of each nonce and nothing else (no target test)."""
    midstate = hashlib.sha256(raw[:64])
    tail = raw[64:76]
    sha256 = hashlib.sha256
    digest = b""
    for nonce in range(attempts):
        inner = midstate.copy()
        inner.update(tail + nonce.to_bytes(4, "little"))
        digest = sha256(inner.digest()).digest()
    return digest


def bare_merkle_root(leaves: list[bytes]) -> bytes:
    """The floor: double SHA-256 of each pair, level by level, the odd last node paired with itself."""
    sha256 = hashlib.sha256
    level = leaves
    while len(level) > 1:
        if len(level) % 2:
            level = [*level, level[-1]]
        level = [sha256(sha256(level[i] + level[i + 1]).digest()).digest() for i in range(0, len(level), 2)]
    return level[0]


def bench_mining(attempts: int, rounds: int) -> Figure:
    """mine() against bare_hashing over the same nonces (target 0: no nonce wins, every one is tried)."""
    header = BlockHeader.parse(GENESIS_RAW)
    ours, floor = interleaved(lambda: mine(header, start_nonce=0, max_attempts=attempts, target=0),
                              lambda: bare_hashing(GENESIS_RAW, attempts), rounds)
    return figure("mining", attempts, "bare hashlib midstate loop, no target test", ours, floor)


def bench_merkle(leaves: int, rounds: int) -> Figure:
    """merkle_root against bare_merkle_root over the same seeded leaves (their roots must agree)."""
    blob = random.Random(SEED).randbytes(32 * leaves)
    data = [blob[i:i + 32] for i in range(0, len(blob), 32)]
    if merkle_root(data) != bare_merkle_root(data):
        raise AssertionError("merkle_root and the bare loop disagree: the comparison would be meaningless")
    ours, floor = interleaved(lambda: merkle_root(data), lambda: bare_merkle_root(data), rounds)
    return figure("merkle_root", leaves, "bare double SHA-256 per pair", ours, floor)


def bench_trie(keys: int, rounds: int) -> Figure:
    """Trie inserts plus root against py-trie's HexaryTrie on the same seeded keys (roots must agree)."""
    from trie import HexaryTrie  # noqa: PLC0415  (the reference implementation, only for this figure)

    rng = random.Random(SEED)
    pairs = [(rng.randbytes(32), rng.randbytes(rng.randint(1, 40))) for _ in range(keys)]

    def ours() -> bytes:
        trie = Trie()
        for key, value in pairs:
            trie.put(key, value)
        return trie.root

    def library() -> bytes:
        trie = HexaryTrie({})
        for key, value in pairs:
            trie[key] = value
        return trie.root_hash

    if ours() != library():
        raise AssertionError("our trie and py-trie disagree on the root")
    mine_s, floor_s = interleaved(ours, library, rounds)
    return figure("trie", keys, "py-trie HexaryTrie", mine_s, floor_s)


def run(quick: bool = False) -> list[Figure]:
    """Every figure; `quick` uses fewer rounds and a smaller trie, the same 2^20-leaf tree."""
    rounds = 5 if quick else 15
    return [bench_mining(100_000 if quick else 300_000, rounds),
            bench_merkle(MERKLE_LEAVES, rounds),
            bench_trie(1_000 if quick else 5_000, rounds)]


def table(figures: list[Figure]) -> str:
    """The figures as a Markdown table."""
    lines = ["| building block | size | ours (s) | floor (s) | ours ÷ floor | rounds' range | floor |",
             "|---|---:|---:|---:|---:|---:|---|"]
    lines += [f"| {f.name} | {f.size:,} | {f.ours_s:.3f} | {f.floor_s:.3f} | {f.ratio:.2f}x | "
              f"{f.ratio_low:.2f}-{f.ratio_high:.2f}x | {f.floor} |" for f in figures]
    return "\n".join(lines)


def write_csv(figures: list[Figure], path: Path) -> Path:
    """Write the figures to `path` (one row each) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[f.name for f in fields(Figure)])
        writer.writeheader()
        writer.writerows(asdict(f) for f in figures)
    return path


def main(argv: list[str] | None = None) -> int:
    """Run the primitives bench; the node bench's options are ignored, so `make bench` can pass both."""
    parser = argparse.ArgumentParser(prog="python -m primitives.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 15, a 1,000-key trie")
    parser.add_argument("--out", type=Path, default=Path("bench-results"), help="folder for primitives.csv")
    args, _ = parser.parse_known_args(argv)
    figures = run(quick=args.quick)
    print("Building blocks against their floors (median of interleaved rounds):")
    print(table(figures))
    print(f"CSV: {write_csv(figures, args.out / 'primitives.csv')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
