"""primitives.private_attack: a private-mining attacker on the gossip network.

Expected values: the success probability of the race is recomputed here with
math.comb (negative binomial count of attacker blocks while the honest chain
finds z, then gambler's ruin to get one block *ahead*, as honest nodes keep
the first-seen block on a tie: cf. the whitepaper, section 11, and
M. Rosenfeld, "Analysis of hashrate-based double spending", 2014). Chains and
reorgs are checked by walking parent links in the test itself.
"""

import math

import pytest

from primitives.private_attack import simulate_private_attack


def chain_of(result, tip):
    """Blocks from height 1 up to tip, by walking parent ids."""
    chain = []
    while tip.id != 0:
        chain.append(tip)
        tip = result.blocks[tip.parent]
    return chain[::-1]


def on_attacker_branch(result, block):
    """A block is on the attacker's branch if its height-1 ancestor is the attacker's."""
    return block.id != 0 and chain_of(result, block)[0].miner == result.attacker


def test_majority_attacker_overtakes_in_almost_every_run():
    runs = [simulate_private_attack(0.6, 6, seed=s) for s in range(20)]
    # With q > 1/2 the only way to lose is to fall 20 blocks behind first:
    # probability about (0.4 / 0.6) ** 20 ~ 3e-4 per run.
    assert sum(r.succeeded for r in runs) >= 19
    for r in runs:
        if r.succeeded:
            assert r.honest_height_at_release >= 6
            assert r.published_at <= r.replaced_at


def test_minority_attacker_essentially_never_does():
    runs = [simulate_private_attack(0.1, 6, seed=s) for s in range(40)]
    assert not any(r.succeeded for r in runs)
    for r in runs:
        assert r.replaced_at is None
        # It gave up 20 blocks behind: check by looking at the blocks themselves.
        honest_top = max(b.height for b in r.blocks if b.id and not on_attacker_branch(r, b))
        attacker_top = max((b.height for b in r.blocks if on_attacker_branch(r, b)), default=0)
        assert honest_top - attacker_top >= 20


def test_same_seed_same_result():
    a = simulate_private_attack(0.45, 3, seed=7)
    assert a == simulate_private_attack(0.45, 3, seed=7)
    outcomes = {simulate_private_attack(0.45, 3, seed=s).blocks for s in range(5)}
    assert len(outcomes) == 5


def test_honest_nodes_really_reorganise_onto_the_attackers_blocks():
    result = simulate_private_attack(0.6, 6, seed=0)
    assert result.succeeded
    released = result.honest_height_at_release
    # The payment's honest confirmations: honest-branch blocks at heights 1..6.
    confirming = {b.id for b in result.blocks if b.id and not on_attacker_branch(result, b) and b.height <= 6}
    assert len(confirming) >= 6
    for tip in result.honest_tips:
        chain = chain_of(result, tip)
        # Up to one block past the honest height at release, everything is
        # the attacker's private branch; none of the confirming blocks is left.
        assert all(b.miner == result.attacker for b in chain[:released + 1])
        assert not confirming & {b.id for b in chain}
    # Every honest node switched once, undoing at least z = 6 blocks (full mesh).
    assert len(result.reorg_depths) >= len(result.honest_tips)
    assert min(result.reorg_depths) >= 6


def test_success_rate_matches_the_race_with_a_strict_lead():
    # With no latency the network plays the race exactly. While the honest
    # chain finds z blocks the attacker finds k ~ NegBin; it then needs to
    # get one block ahead from z - k behind: (q/p) ** (z - k + 1).
    q, z, trials = 0.3, 2, 300
    p = 1 - q
    expected = sum(math.comb(k + z - 1, k) * p ** z * q ** k * (1 if k > z else (q / p) ** (z - k + 1))
                   for k in range(400))
    wins = sum(simulate_private_attack(q, z, latency=0.0, seed=s).succeeded for s in range(trials))
    assert abs(wins / trials - expected) < 4 * math.sqrt(expected * (1 - expected) / trials)


def test_other_topologies_and_honest_shares():
    result = simulate_private_attack(0.6, 2, honest_shares=[3, 1, 0, 1], topology="ring", latency=5.0, seed=3)
    assert result.attacker == 4 and len(result.honest_tips) == 4
    assert all(b.miner != 2 for b in result.blocks)   # a relay-only honest node mines nothing
    assert result.succeeded and all(on_attacker_branch(result, t) for t in result.honest_tips)


def test_arguments_are_checked():
    for bad in (dict(share=1.0, confirmations=1), dict(share=-0.1, confirmations=1),
                dict(share=0.3, confirmations=-1)):
        with pytest.raises(ValueError):
            simulate_private_attack(**bad)
    with pytest.raises(ValueError):
        simulate_private_attack(0.3, 2, honest_shares=[])
    with pytest.raises(ValueError):
        simulate_private_attack(0.3, 2, give_up=0)
