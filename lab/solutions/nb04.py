"""Reference solutions for notebook 04."""
import hashlib

from lab.solutions import ModelAnswer, mychain

TWO_WEEKS = 14 * 24 * 60 * 60            # nPowTargetTimespan, seconds
POW_LIMIT = (1 << 224) - 1               # mainnet powLimit: the easiest target allowed


def is_below_target(hash_bytes: bytes, target: int) -> bool:
    """Proof of work: the digest read as a little-endian number is at most the target."""
    return int.from_bytes(hash_bytes, "little") <= target


def expected_hashes(target: int) -> float:
    """Mean number of hashes to find one at or below target: 2**256 / (target + 1)."""
    return 2 ** 256 / (target + 1)


def next_target(old_target: int, actual_timespan: int) -> int:
    """Scale the target by actual / two weeks, the ratio clamped to [1/4, 4], capped at the limit."""
    clamped = min(max(actual_timespan, TWO_WEEKS // 4), TWO_WEEKS * 4)
    return min(old_target * clamped // TWO_WEEKS, POW_LIMIT)


def midstate_hashes(header: bytes, nonces: list[int]) -> list[bytes]:
    """Double SHA-256 of the header with each nonce, compressing the first 64 bytes once."""
    midstate = hashlib.sha256(header[:64])
    tail = header[64:76]
    digests = []
    for nonce in nonces:
        inner = midstate.copy()
        inner.update(tail + nonce.to_bytes(4, "little"))
        digests.append(hashlib.sha256(inner.digest()).digest())
    return digests


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "04.1": is_below_target,
    "04.2": expected_hashes,
    "04.3": midstate_hashes,
    "04.4": next_target,
    "04.5": mychain.mine,      # a library exercise: notebooks/mychain.py
}

MODEL_ANSWERS = {
    "04.Q1": ModelAnswer(
        points=3,
        answer=(
            'The target stays the same until the next retarget, so each block still needs the same expected '
            'number of hashes, and with half the hash rate that takes twice as long: about 20 minutes per '
            'block. The period is counted in blocks, 2,016 of them, so it lasts about four weeks instead of '
            'two. At the retarget the target is multiplied by actual time over two weeks, about 2 (well '
            'inside the 4x clamp), so the target doubles: each try wins twice as often, the expected number '
            'of hashes per block halves, and the remaining miners find blocks about every ten minutes '
            'again.'
        ),
        marking=(
            '1 point: same target, half the hash rate, so about 20 minutes per block; 1 point: the period '
            'is 2,016 blocks, so it lasts about four weeks; 1 point: the retarget roughly doubles the '
            'target (factor actual/expected time, within the 4x clamp), halving the work per block and '
            'restoring ten minutes'
        ),
    ),
}
