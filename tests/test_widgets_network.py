"""Notebook 05's widget and charts, driven through their Python API."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

import primitives.network as network
from lab.chart_rules import problems
from lab.consensus_charts import (
    attack_sweep,
    gossip_attack_sweep,
    main_chain_ids,
    plot_attack_sweep,
    plot_block_tree,
    plot_gossip_attack_sweep,
    plot_private_attack,
    plot_stale_rate,
    simulate_with_blocks,
    stale_rate_sweep,
    tree_lanes,
)
from lab.widgets.network import NetworkSimulator, parse_shares
from primitives.network import SimBlock, simulate
from primitives.private_attack import simulate_private_attack


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_simulate_with_blocks_matches_simulate_and_leaves_the_module_untouched():
    original = network.SimBlock
    run = simulate_with_blocks([3, 2, 1], block_interval=60, latency=10, n_blocks=50, seed=3)
    assert network.SimBlock is original
    assert run.result == simulate([3, 2, 1], block_interval=60, latency=10, n_blocks=50, seed=3)
    assert [b.id for b in run.blocks] == list(range(51))
    main = main_chain_ids(run.blocks, run.best_tip)
    assert len(main) - 1 == run.result.main_chain_length
    assert len(run.blocks) - len(main) == run.result.stale_blocks


def test_tree_lanes_put_the_main_chain_on_zero_and_branches_apart():
    g = SimBlock(0, -1, 0, -1, 0.0)
    blocks = [g, SimBlock(1, 0, 1, 0, 1), SimBlock(2, 0, 1, 1, 2), SimBlock(3, 1, 2, 0, 3),
              SimBlock(4, 2, 2, 1, 4), SimBlock(5, 1, 2, 2, 5), SimBlock(6, 3, 3, 0, 6)]
    lanes = tree_lanes(blocks, main_chain_ids(blocks, blocks[6]))
    assert lanes[0] == lanes[1] == lanes[3] == lanes[6] == 0
    assert lanes[2] == lanes[4] != 0                      # a stale branch keeps its lane
    assert lanes[5] not in (0, lanes[2])                  # an overlapping branch gets another


def test_widget_runs_on_construction_and_on_click():
    w = NetworkSimulator(latency=8, block_interval=60, shares="30, 25, 20, 15, 10", n_blocks=40, seed=1)
    assert w.run is not None and w.run.result.blocks_mined == 40
    assert "stale rate" in w.summary() and "forks" in w.summary() and "convergence" in w.summary()
    assert w.figure is not None and w.button.description == "Run"
    w.latency.value, w.block_interval.value, w.n_blocks.value, w.seed.value = 0.0, 600.0, 30, 2
    w.shares.value = "1, 1"
    w.button.click()
    assert w.run.result.n_nodes == 2 and w.run.result.stale_blocks == 0
    assert "2 miners" in w.summary() and "stale: 0" in w.summary()
    assert "stale rate" in w.message.value


def test_more_latency_makes_more_stale_blocks_in_the_widget():
    w = NetworkSimulator(latency=1, block_interval=60, n_blocks=200, seed=0)
    calm = w.run.result.stale_rate
    w.latency.value = 60
    w.button.click()
    assert w.run.result.stale_rate > calm


def test_time_axis_redraws():
    w = NetworkSimulator(n_blocks=20)
    w.x_axis.value = "time"
    w.button.click()
    assert w.figure.axes[0].get_xlabel() == "time (min)"


@pytest.mark.parametrize("text", ["thirty, seventy", "50", "-1, 2", "0, 0", ""])
def test_bad_shares_show_one_readable_message(text):
    w = NetworkSimulator(n_blocks=10)
    w.shares.value = text
    w.button.click()
    assert w.run is None and w.figure is None
    assert w.error and "Traceback" not in w.message.value and "⚠" in w.message.value
    assert w.summary().startswith("no simulation:")
    w.shares.value = "1, 2, 3"
    w.button.click()
    assert w.run is not None and not w.error


def test_parse_shares_accepts_spaces_and_semicolons():
    assert parse_shares("30 25;20, 15") == [30, 25, 20, 15]


def test_charts_have_titles_labels_with_units_and_legends():
    run = simulate_with_blocks([1, 1, 1], block_interval=60, latency=20, n_blocks=30, seed=0)
    figures = [
        plot_block_tree(run.blocks, run.best_tip),
        plot_stale_rate(stale_rate_sweep([0.05, 0.2], seeds=2, n_blocks=50)),
        plot_attack_sweep(attack_sweep([0.1, 0.3], [1, 2], trials=50),
                          {"probabilities": [{"q": 0.1, "z": 1, "P": 0.2045873}]}),
        plot_gossip_attack_sweep(gossip_attack_sweep([0.3, 0.6], 2, seeds=5)),
        plot_private_attack(simulate_private_attack(0.6, 3, seed=2)),
    ]
    for fig in figures:
        assert problems(fig) == []
        for ax in fig.axes:
            assert ax.get_legend() is not None


def test_sweeps_report_progress_once_per_run():
    ticks = []
    stale_rate_sweep([0.1, 0.2], seeds=3, n_blocks=20, progress=ticks.append)
    attack_sweep([0.1, 0.2], [1], trials=10, progress=ticks.append)
    gossip_attack_sweep([0.2], 1, seeds=4, progress=ticks.append)
    assert ticks == [1] * (6 + 2 + 4)
