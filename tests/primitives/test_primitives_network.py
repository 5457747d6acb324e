"""primitives.network: the gossip simulation of miners, forks and stale blocks.

Expected values: graph distances for propagation times, the simple stale-rate
estimate 1 - exp(-delay / interval); statistical checks use binomial standard
errors.
"""

import math

import pytest

from primitives.network import NodeView, SimBlock, approx_stale_rate, simulate

TEN_EQUAL = [0.1] * 10


# -- the gossip simulation ------------------------------------------------------------------------

def test_same_seed_same_result_and_seeds_differ():
    a = simulate(TEN_EQUAL, latency=30.0, n_blocks=150, seed=11)
    b = simulate(TEN_EQUAL, latency=30.0, n_blocks=150, seed=11)
    assert a == b
    others = {simulate(TEN_EQUAL, latency=30.0, n_blocks=150, seed=s).convergence_times for s in range(5)}
    assert len(others) == 5


def test_node_view_follows_the_highest_block_and_keeps_the_first_seen_on_ties():
    genesis = SimBlock(0, -1, 0, -1, 0.0)
    a = SimBlock(1, 0, 1, 0, 1.0)
    b = SimBlock(2, 0, 1, 1, 2.0)
    b_child = SimBlock(3, 2, 2, 1, 3.0)
    b_grandchild = SimBlock(4, 3, 3, 1, 4.0)
    view = NodeView(genesis)
    assert view.receive(a) == [a] and view.tip == a
    assert view.receive(b) == [b] and view.tip == a          # same height: first seen stays
    assert view.receive(a) == []                              # already known
    assert view.receive(b_grandchild) == [] and view.tip == a  # parent missing: waits
    assert view.receive(b_child) == [b_child, b_grandchild]    # the orphan connects too
    assert view.tip == b_grandchild


def test_two_hundred_blocks_are_all_accounted_for():
    # (Speed is a benchmark's business, not a test's: no timing here.)
    result = simulate(TEN_EQUAL, latency=10.0, n_blocks=200, seed=1)
    assert result.blocks_mined == 200
    assert result.main_chain_length + result.stale_blocks == 200
    assert sum(result.mined_by) == 200 and sum(result.main_chain_by) == result.main_chain_length


def test_instant_propagation_never_forks():
    result = simulate(TEN_EQUAL, latency=0.0, n_blocks=200, seed=3)
    assert result.stale_blocks == 0 and result.forks == 0 and result.reorgs == 0
    assert result.main_chain_length == 200


def test_stale_rate_grows_with_latency_over_interval():
    def mean_stale(latency, interval):
        runs = [simulate(TEN_EQUAL, latency=latency, block_interval=interval, n_blocks=200, seed=s)
                for s in range(12)]
        return sum(r.stale_rate for r in runs) / len(runs)

    rates = [mean_stale(latency, 600.0) for latency in (1.0, 20.0, 60.0)]
    assert rates[0] < rates[1] < rates[2]
    # Same ratio latency/interval, same physics: shorter blocks with shorter latency.
    assert mean_stale(6.0, 60.0) > mean_stale(6.0, 600.0)


def test_stale_rate_is_close_to_the_simple_estimate():
    # One hop of 30 s in a full mesh: a competitor must appear within 30 s,
    # probability 1 - exp(-30/600) ~ 4.9%; over 30 x 200 blocks the mean
    # should land within 20% of it.
    runs = [simulate(TEN_EQUAL, latency=30.0, n_blocks=200, seed=s) for s in range(30)]
    mean = sum(r.stale_rate for r in runs) / len(runs)
    assert mean == pytest.approx(approx_stale_rate(30.0, 600.0), rel=0.2)
    assert approx_stale_rate(30.0, 600.0) == pytest.approx(1 - math.exp(-0.05))


def test_every_stale_block_is_undone_by_a_reorg():
    # A stale block was once its miner's tip; for it to end off the best chain
    # some reorg must disconnect it, so the undone blocks add up to at least
    # the number of stale blocks.
    for seed in range(8):
        result = simulate([0.25] * 4, latency=60.0, n_blocks=150, seed=seed)
        assert result.stale_blocks > 0
        assert sum(result.reorg_depths) >= result.stale_blocks
        assert result.reorgs == len(result.reorg_depths) and result.max_reorg_depth >= 1


def test_convergence_takes_at_least_one_hop():
    result = simulate(TEN_EQUAL, latency=5.0, n_blocks=100, seed=2)
    assert result.convergence_times
    assert min(result.convergence_times) == pytest.approx(5.0)
    assert result.mean_convergence_time >= 5.0
    assert result.max_convergence_time >= result.mean_convergence_time


def runs_until(settled, latency=30.0):
    """The first of 60 seeds whose 40-block run ends settled (or not)."""
    for seed in range(60):
        result = simulate(TEN_EQUAL, latency=latency, n_blocks=40, seed=seed)
        if result.settled == settled:
            return result
    raise AssertionError(f"no seed in range(60) ends with settled={settled}")


def test_a_run_can_end_unsettled_and_says_so():
    # Two blocks of the same height found within one hop's latency split the
    # nodes, and with no next block to break the tie the split stays.
    result = runs_until(settled=False)
    tips = result.final_tips
    assert len({t.id for t in tips}) >= 2
    assert len({t.height for t in tips}) == 1         # every node knows every block: only a tie is left
    # Each competing tip's miner has kept its own block since finding it, so
    # the open disagreement is at least as old as the newest of those blocks,
    # which took one 30 s hop to reach the others.
    assert result.unsettled_for >= result.duration - max(t.time for t in tips) >= 30.0
    assert sum(result.convergence_times) + result.unsettled_for <= result.duration


def test_a_settled_run_says_so():
    result = runs_until(settled=True)
    assert result.unsettled_for == 0.0
    assert len({t.id for t in result.final_tips}) == 1
    assert result.final_tips[0].height == result.main_chain_length


def test_propagation_time_follows_graph_distance():
    # Full mesh: one hop. Ring of 10: the farthest node is 5 hops away.
    # A line of 10: 9 hops from one end, so at least 5 from the middle.
    full = simulate(TEN_EQUAL, latency=2.0, n_blocks=50, seed=4)
    ring = simulate(TEN_EQUAL, latency=2.0, n_blocks=50, seed=4, topology="ring")
    assert full.mean_propagation_time == pytest.approx(2.0)
    assert ring.mean_propagation_time == pytest.approx(10.0)
    assert full.mean_latency == 2.0


def test_explicit_topology_and_latency_matrix():
    star = [[1, 2, 3], [0], [0], [0]]
    latency = [[0, 1, 2, 3], [1, 0, 0, 0], [2, 0, 0, 0], [3, 0, 0, 0]]
    result = simulate([0.25] * 4, latency=latency, topology=star, n_blocks=60, seed=5)
    assert result.n_nodes == 4 and result.blocks_mined == 60
    with pytest.raises(ValueError):
        simulate([0.5, 0.5], topology=[[1]])
    with pytest.raises(ValueError):
        simulate([0.0, 0.0])
    with pytest.raises(ValueError):
        simulate([1.0, 1.0], topology="mesh")


def test_relay_only_nodes_mine_nothing():
    result = simulate([0.5, 0.0, 0.5], latency=1.0, n_blocks=80, seed=6, topology="line")
    assert result.mined_by[1] == 0 and result.mined_by[0] + result.mined_by[2] == 80


def test_hash_share_is_reflected_in_blocks_found():
    result = simulate([0.7, 0.2, 0.1], latency=1.0, n_blocks=400, seed=8)
    # Binomial(400, 0.7): mean 280, sd ~9.2.
    assert abs(result.mined_by[0] - 280) < 5 * 9.2


def test_result_carries_every_block_with_consistent_links():
    result = simulate(TEN_EQUAL, latency=30.0, n_blocks=60, seed=5)
    blocks = result.blocks
    assert len(blocks) == result.blocks_mined + 1            # plus genesis
    assert all(b.id == i for i, b in enumerate(blocks))
    assert all(blocks[b.parent].height == b.height - 1 for b in blocks[1:])
    assert sum(1 for b in blocks[1:] if b.miner >= 0) == sum(result.mined_by)
