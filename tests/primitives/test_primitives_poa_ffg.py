"""Proof of authority (EIP-225's rules) and Casper FFG (two-thirds links), each against its rule counted here.

EIP-225 (https://eips.ethereum.org/EIPS/eip-225): in-turn difficulty 2, out-of-turn 1,
SIGNER_LIMIT = floor(N / 2) + 1, wiggle up to SIGNER_LIMIT x 500 ms. Casper FFG (Buterin and
Griffith, arXiv:1710.09437): justification by links of at least 2/3 of stake, finality by a
justified direct child, slashing for double and surround votes.
"""
from __future__ import annotations

import pytest

from primitives import ffg, poa


@pytest.mark.parametrize(("n", "limit"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (7, 4), (10, 6)])
def test_the_signer_limit_is_half_plus_one(n, limit):
    assert poa.signer_limit(n) == limit


def test_all_online_signers_take_turns_every_period():
    run = poa.run_poa(5, blocks=20, period=5.0)
    assert [b.signer for b in run.blocks[1:]] == [h % 5 for h in range(1, 21)]
    assert all(b.difficulty == 2 for b in run.blocks[1:]) and run.block_times == pytest.approx([5.0] * 20)
    assert run.total_difficulty == 2 * 21


@pytest.mark.parametrize("seed", range(5))
def test_an_offline_signer_is_covered_out_of_turn_later_and_lighter(seed):
    run = poa.run_poa(5, blocks=40, offline=[1], seed=seed)
    assert not run.halted and all(b.signer != 1 for b in run.blocks)
    missed = [b for b in run.blocks[1:] if b.height % 5 == 1]
    assert missed and all(b.difficulty == 1 for b in missed)
    for block, parent in zip(run.blocks[1:], run.blocks, strict=False):
        gap = block.time - parent.time
        if block.difficulty == 1:
            assert 5.0 <= gap <= 5.0 + poa.signer_limit(5) * 0.5
        else:
            assert gap == pytest.approx(5.0)
    assert run.mean_block_time > 5.0


@pytest.mark.parametrize("seed", range(5))
def test_no_signer_signs_twice_within_the_limit(seed):
    run = poa.run_poa(7, blocks=100, offline=[0, 3], seed=seed)
    signers = [b.signer for b in run.blocks[1:]]
    window = poa.signer_limit(7)
    for i in range(len(signers) - window + 1):
        assert len(set(signers[i:i + window])) == window


@pytest.mark.parametrize("n", [3, 4, 5, 7, 9])
def test_the_chain_halts_once_fewer_than_the_limit_are_online(n):
    for k in range(n + 1):
        run = poa.run_poa(n, blocks=30, offline=range(k))
        assert run.halted == (n - k < n // 2 + 1), (n, k)


def test_an_equivocating_signer_is_caught_by_its_two_headers():
    run = poa.run_poa(5, blocks=20, equivocating=[3])
    headers = [b for pair in run.forks for b in pair] + run.blocks
    assert run.forks and poa.find_equivocations(headers) == {3}
    assert poa.find_equivocations(run.blocks) == set()


def test_ffg_all_online_finalizes_each_checkpoint_one_epoch_after_its_child_is_justified():
    run = ffg.run_ffg([32] * 4, epochs=5)
    assert run.justified == [0, 1, 2, 3, 4, 5] and run.finalized == [0, 1, 2, 3, 4]
    assert run.epochs_to_finality == 2


@pytest.mark.parametrize(("online", "total", "final"), [(2, 3, True), (20, 30, True), (19, 30, False),
                                                         (67, 100, True), (66, 100, False)])
def test_ffg_needs_two_thirds_of_the_stake(online, total, final):
    stakes = [1] * total
    run = ffg.run_ffg(stakes, offline=range(total - online), epochs=4)
    assert (run.epochs_to_finality is not None) == (3 * online >= 2 * total)
    assert (run.epochs_to_finality is not None) == final


def test_the_inactivity_leak_restores_finality_when_the_offline_stake_drains():
    # 5 of 12 offline: online 7/12 < 2/3. Offline stake shrinks by 5 % a epoch until
    # 7 x 32 >= 2/3 (7 x 32 + 5 x 32 x 0.95^k), i.e. 0.95^k <= 0.7, k = 7 epochs of leak.
    run = ffg.run_ffg([32] * 12, offline=range(5), epochs=20, leak=0.05)
    k = next(k for k in range(1, 50) if 2 * (7 * 32 + 5 * 32 * 0.95 ** k) <= 3 * 7 * 32)
    assert k == 7
    assert run.justified[1] == k + 1 and run.epochs_to_finality == k + 2


def test_slashing_finds_double_and_surround_votes_only():
    votes = [ffg.Vote(1, 0, 3), ffg.Vote(1, 1, 2),      # surround: 0 < 1 and 2 < 3
             ffg.Vote(2, 0, 1), ffg.Vote(2, 1, 2),      # consecutive links: fine
             ffg.Vote(3, 0, 2), ffg.Vote(3, 1, 2),      # two votes for target 2: double
             ffg.Vote(4, 0, 2), ffg.Vote(4, 0, 2)]      # the same vote twice: fine
    assert ffg.slashable(votes) == {1, 3}
