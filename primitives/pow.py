"""Proof of work: searching nonces, and keeping blocks ten minutes apart.

Mining is a lottery in which every ticket costs one double SHA-256. A header
wins if its hash, read as a little-endian integer, is <= the target. Each try
succeeds with probability (target + 1) / 2**256, so the number of tries is
geometric with mean `expected_attempts(target)`.

Speed trick ("midstate"): SHA-256 eats 64-byte blocks, and the nonce sits in
bytes 76..80 of the header, i.e. in the *second* block. The compression of
the first 64 bytes is the same for every nonce, so we do it once and copy the
hash object's state for each nonce. Real mining hardware does the same.

Difficulty adjustment: every 2016 blocks the target is scaled by
(actual time of the period) / (two weeks), the ratio clamped to [1/4, 4]
(Bitcoin Core's CalculateNextWorkRequired in pow.cpp).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from .block import BITCOIN_GENESIS_HASH, MAINNET_POW_LIMIT, BlockHeader, bits_to_target, target_to_bits
from .hashing import double_sha256
from .merkle import merkle_root

TARGET_SPACING = 10 * 60                             # seconds per block (nPowTargetSpacing)
TARGET_TIMESPAN = 14 * 24 * 60 * 60                  # two weeks (nPowTargetTimespan)
RETARGET_INTERVAL = TARGET_TIMESPAN // TARGET_SPACING  # 2016 blocks
MAX_NONCE = 0xFFFFFFFF

ProgressCallback = Callable[[int], object]


@dataclass(frozen=True)
class MiningResult:
    """Outcome of a nonce search."""

    header: BlockHeader   # winning header if found, else the last one tried
    found: bool           # whether a nonce meeting the target was found
    attempts: int         # hashes computed (one double SHA-256 each)
    elapsed: float        # wall-clock seconds

    @property
    def hash_rate(self) -> float:
        """Hashes per second achieved by this search."""
        return self.attempts / self.elapsed if self.elapsed > 0 else float("inf")


def expected_attempts(target: int) -> float:
    """Mean number of hashes needed to hit target: 2**256 / (target + 1)."""
    return 2 ** 256 / (target + 1)


def _search_range(header: BlockHeader, start_nonce: int | None, max_attempts: int | None) -> range:
    start = header.nonce if start_nonce is None else start_nonce
    if not 0 <= start <= MAX_NONCE:
        raise ValueError("nonce must fit in 32 bits")
    stop = MAX_NONCE + 1 if max_attempts is None else min(MAX_NONCE + 1, start + max_attempts)
    return range(start, stop)


def mine(
    header: BlockHeader,
    *,
    max_attempts: int | None = None,
    start_nonce: int | None = None,
    target: int | None = None,
    progress: ProgressCallback | None = None,
    progress_every: int = 65_536,
) -> MiningResult:
    """Search nonces upward from start_nonce (default header.nonce) for a valid header.

    Uses the midstate trick. `target` defaults to the header's own target
    (a larger one makes a "share", as pools do). `progress` is called with the
    number of new attempts every `progress_every` hashes and at the end, so
    `tqdm(total=n).update` can be passed directly. Stops after max_attempts
    or when the 32-bit nonce space is exhausted. progress_every must be >= 1.
    """
    if progress_every < 1:
        # A zero or negative chunk size would make the search loop below empty
        # (or crash inside range()), silently reporting "not found".
        raise ValueError(f"progress_every must be a positive number of hashes, got {progress_every}")
    goal = header.target if target is None else target
    nonces = _search_range(header, start_nonce, max_attempts)
    raw = header.serialize()
    midstate = hashlib.sha256(raw[:64])   # first block, compressed once
    tail = raw[64:76]                     # end of merkle root, time, bits
    sha256 = hashlib.sha256
    from_bytes = int.from_bytes
    began = time.perf_counter()
    done = 0
    for chunk_start in range(nonces.start, nonces.stop, progress_every):
        chunk = range(chunk_start, min(chunk_start + progress_every, nonces.stop))
        for nonce in chunk:
            inner = midstate.copy()
            inner.update(tail + nonce.to_bytes(4, "little"))
            if from_bytes(sha256(inner.digest()).digest(), "little") <= goal:
                attempts = done + (nonce - chunk.start) + 1
                if progress:
                    progress(nonce - chunk.start + 1)
                return MiningResult(header.with_nonce(nonce), True, attempts,
                                    time.perf_counter() - began)
        done += len(chunk)
        if progress:
            progress(len(chunk))
    last = header.with_nonce(nonces[-1]) if nonces else header
    return MiningResult(last, False, done, time.perf_counter() - began)


def mine_naive(
    header: BlockHeader,
    *,
    max_attempts: int | None = None,
    start_nonce: int | None = None,
    target: int | None = None,
) -> MiningResult:
    """The textbook loop: rebuild and double-hash the whole header for every nonce.

    Same result as `mine`, only slower; kept so a notebook can time both.
    """
    goal = header.target if target is None else target
    nonces = _search_range(header, start_nonce, max_attempts)
    began = time.perf_counter()
    for attempts, nonce in enumerate(nonces, start=1):
        candidate = header.with_nonce(nonce)
        if int.from_bytes(double_sha256(candidate.serialize()), "little") <= goal:
            return MiningResult(candidate, True, attempts, time.perf_counter() - began)
    last = header.with_nonce(nonces[-1]) if nonces else header
    return MiningResult(last, False, len(nonces), time.perf_counter() - began)


# -----------------------------------------------------------------------------
# Difficulty retargeting

def retarget_target(
    old_target: int,
    actual_timespan: int,
    *,
    target_timespan: int = TARGET_TIMESPAN,
    pow_limit: int = MAINNET_POW_LIMIT,
) -> int:
    """New target after a period that took actual_timespan seconds.

    The timespan is clamped to [target_timespan / 4, target_timespan * 4] so
    one period can change difficulty by at most a factor of 4, and the result
    never exceeds pow_limit (the easiest target allowed).
    """
    clamped = min(max(actual_timespan, target_timespan // 4), target_timespan * 4)
    return min(old_target * clamped // target_timespan, pow_limit)


def retarget(
    old_bits: int,
    actual_timespan: int,
    *,
    target_timespan: int = TARGET_TIMESPAN,
    pow_limit: int = MAINNET_POW_LIMIT,
) -> int:
    """New compact bits after a 2016-block period that took actual_timespan seconds."""
    new_target = retarget_target(bits_to_target(old_bits), actual_timespan,
                                 target_timespan=target_timespan, pow_limit=pow_limit)
    return target_to_bits(new_target)


def next_work_required(
    last_bits: int,
    first_block_time: int,
    last_block_time: int,
    *,
    target_timespan: int = TARGET_TIMESPAN,
    pow_limit: int = MAINNET_POW_LIMIT,
) -> int:
    """Bits for the block after a period, from its first and last block times.

    Mirrors CalculateNextWorkRequired: note the period spans 2016 blocks but
    only 2015 intervals (first to last block), an off-by-one kept for consensus.
    """
    return retarget(last_bits, last_block_time - first_block_time,
                    target_timespan=target_timespan, pow_limit=pow_limit)


def target_for_k_bits(k_bits: int) -> int:
    """The target 2**(256 - k): a hash wins with probability about 2**-k.

    Powers of two are exact in Bitcoin's compact format, so the header's
    bits field encodes this target without rounding.
    """
    if not 1 <= k_bits <= 255:
        raise ValueError(f"k must be between 1 and 255 bits, got {k_bits}")
    return 1 << (256 - k_bits)


def practice_header(data: str, k_bits: int, timestamp: int,
                    parent_hash: bytes = BITCOIN_GENESIS_HASH) -> BlockHeader:
    """A header whose one transaction is `data`, with target 2**(256 - k), nonce 0, on `parent_hash`."""
    txid = double_sha256(data.encode())
    bits = target_to_bits(target_for_k_bits(k_bits))
    return BlockHeader(1, parent_hash, merkle_root([txid]), timestamp, bits, 0)

