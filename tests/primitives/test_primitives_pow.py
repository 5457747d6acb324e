"""primitives.pow: nonce search, expected work and difficulty retargeting.

Retarget vectors: data/bitcoin_retarget.json (Bitcoin Core pow_tests.cpp and
programmingbitcoin). Mining is checked on the real genesis header (its nonce
2083236893 is in Bitcoin Core chainparams.cpp) and on random regtest-difficulty
headers, with hashes recomputed by hashlib.
"""

import hashlib
import json
import statistics
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from primitives.block import MAINNET_POW_LIMIT, REGTEST_BITS, BlockHeader, bits_to_target
from primitives.pow import (
    RETARGET_INTERVAL,
    TARGET_TIMESPAN,
    expected_attempts,
    mine,
    mine_naive,
    next_work_required,
    retarget,
    retarget_target,
)

DATA = Path(__file__).resolve().parents[2] / "data"
GENESIS = json.loads((DATA / "bitcoin_genesis.json").read_text())
RETARGET = json.loads((DATA / "bitcoin_retarget.json").read_text())


def dsha_int(raw: bytes) -> int:
    return int.from_bytes(hashlib.sha256(hashlib.sha256(raw).digest()).digest(), "little")


def genesis_header() -> BlockHeader:
    return BlockHeader.from_hex(GENESIS["raw_header"])


def test_mine_rediscovers_the_genesis_nonce():
    start = GENESIS["nonce"] - 5000
    result = mine(genesis_header(), start_nonce=start)
    assert result.found
    assert result.header.nonce == GENESIS["nonce"]
    assert result.header.hash_hex() == GENESIS["hash"]
    assert result.attempts == 5001
    assert result.hash_rate > 0


def test_naive_and_midstate_agree():
    start = GENESIS["nonce"] - 2000
    fast = mine(genesis_header(), start_nonce=start)
    slow = mine_naive(genesis_header(), start_nonce=start)
    assert fast.header == slow.header and fast.attempts == slow.attempts == 2001


def test_max_attempts_stops_the_search():
    result = mine(genesis_header(), start_nonce=0, max_attempts=3000)
    assert not result.found and result.attempts == 3000
    assert result.header.nonce == 2999
    naive = mine_naive(genesis_header(), start_nonce=0, max_attempts=300)
    assert not naive.found and naive.attempts == 300


def test_progress_callback_counts_every_attempt():
    calls = []
    result = mine(genesis_header(), start_nonce=GENESIS["nonce"] - 2500, progress=calls.append,
                  progress_every=1000)
    assert calls == [1000, 1000, 501]
    assert sum(calls) == result.attempts


@pytest.mark.parametrize("every", [0, -1, -65536])
def test_progress_every_must_be_positive(every):
    # Otherwise the search would either crash inside range() or quietly
    # report "not found" for a header whose nonce is known to work.
    with pytest.raises(ValueError, match="progress_every"):
        mine(genesis_header(), start_nonce=GENESIS["nonce"], progress_every=every)


def test_nonce_space_is_32_bits():
    last = genesis_header().with_nonce(0xFFFFFFFF)
    result = mine(last, max_attempts=10)
    assert result.attempts == 1 and not result.found
    with pytest.raises(ValueError):
        mine(genesis_header(), start_nonce=2 ** 32)


def test_easier_target_finds_a_share():
    # Pools accept 'shares' against a larger target than the block's.
    share_target = 2 ** 248
    result = mine(genesis_header(), start_nonce=0, target=share_target)
    assert result.found
    assert dsha_int(result.header.serialize()) <= share_target


@given(st.binary(min_size=32, max_size=32), st.integers(0, 2 ** 32 - 1))
@settings(max_examples=40, deadline=None)
def test_mining_finds_a_hash_below_the_target(merkle, timestamp):
    header = BlockHeader(1, bytes(32), merkle, timestamp, 0x2000FFFF, 0)
    result = mine(header)
    assert result.found
    assert dsha_int(result.header.serialize()) <= bits_to_target(0x2000FFFF)
    assert result.header.check_pow()


def test_expected_attempts():
    # 2**256 / (target + 1), computed here with exact integers.
    genesis_target = bits_to_target(0x1D00FFFF)
    assert expected_attempts(genesis_target) == pytest.approx(2 ** 256 // (genesis_target + 1))
    assert expected_attempts(bits_to_target(REGTEST_BITS)) == pytest.approx(2.0, rel=1e-6)


def test_mean_attempts_match_expectation():
    # Attempts are geometric with mean 2**256 / (target + 1) (~256 here);
    # 150 searches put the sample mean within ~25% with overwhelming probability.
    bits = 0x2000FFFF
    attempts = [mine(BlockHeader(1, bytes(32), hashlib.sha256(bytes([i % 256, i // 256])).digest(),
                                 0, bits, 0)).attempts for i in range(150)]
    expected = expected_attempts(bits_to_target(bits))
    assert 0.75 * expected < statistics.mean(attempts) < 1.25 * expected


# -- retargeting ------------------------------------------------------------------------------

def test_constants():
    assert RETARGET["target_timespan"] == TARGET_TIMESPAN
    assert RETARGET_INTERVAL == 2016


@pytest.mark.parametrize("case", RETARGET["cases"], ids=lambda c: c["name"])
def test_retarget_vectors(case):
    expected = int(case["expected_bits"], 16)
    last_bits = int(case["last_bits"], 16)
    if "actual_timespan" in case:
        assert retarget(last_bits, case["actual_timespan"]) == expected
    else:
        assert next_work_required(last_bits, case["first_block_time"], case["last_block_time"]) == expected
        assert retarget(last_bits, case["last_block_time"] - case["first_block_time"]) == expected


@given(st.integers(1, MAINNET_POW_LIMIT), st.integers(-10 ** 7, 10 ** 8))
@settings(max_examples=150, deadline=None)
def test_retarget_is_clamped_to_a_factor_of_four(old_target, timespan):
    new = retarget_target(old_target, timespan)
    assert new <= MAINNET_POW_LIMIT
    assert new >= old_target // 4 - 1
    assert new <= old_target * 4
    if TARGET_TIMESPAN // 4 <= timespan <= TARGET_TIMESPAN * 4:
        assert new == min(old_target * timespan // TARGET_TIMESPAN, MAINNET_POW_LIMIT)


@given(st.integers(1, MAINNET_POW_LIMIT), st.integers(0, 10 ** 7), st.integers(0, 10 ** 7))
@settings(max_examples=100, deadline=None)
def test_slower_periods_never_make_mining_harder(old_target, t1, t2):
    slow, fast = max(t1, t2), min(t1, t2)
    assert retarget_target(old_target, slow) >= retarget_target(old_target, fast)
