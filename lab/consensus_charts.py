"""Charts for notebook 05: block trees with forks, stale rates, the majority attack.

The numbers all come from primitives.network, primitives.double_spend and primitives.private_attack;
this module only runs sweeps over their parameters and draws the results.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D

import primitives.double_spend as double_spend
import primitives.network as network
from primitives.network import SimBlock, SimulationResult
from primitives.private_attack import simulate_private_attack

Progress = Callable[[int], object] | None


# -----------------------------------------------------------------------------
# The block tree of a gossip simulation

@dataclass(frozen=True)
class SimulationRun:
    """A simulation result together with every block mined (genesis first)."""

    result: SimulationResult
    blocks: tuple[SimBlock, ...]   # blocks[i].id == i

    @property
    def best_tip(self) -> SimBlock:
        """Tip of the final main chain (highest; the earliest on a tie, as simulate decides)."""
        return best_tip(self.result.final_tips)


def best_tip(tips: Sequence[SimBlock]) -> SimBlock:
    """The main chain's tip among the nodes' tips: highest, then lowest id."""
    # Same rule as the end of primitives.network.simulate, which does not
    # return its main chain (see simulate_with_blocks).
    return min(tips, key=lambda b: (-b.height, b.id))


def simulate_with_blocks(shares: Sequence[float], **kwargs) -> SimulationRun:
    """Run primitives.network.simulate and keep the blocks it mined (for the tree)."""
    result = network.simulate(shares, **kwargs)
    return SimulationRun(result, result.blocks)


def main_chain_ids(blocks: Sequence[SimBlock], tip: SimBlock) -> set[int]:
    """Ids of the blocks from genesis up to tip."""
    ids, block = set(), tip
    while True:
        ids.add(block.id)
        if block.parent < 0:
            return ids
        block = blocks[block.parent]


def tree_lanes(blocks: Sequence[SimBlock], main: set[int]) -> dict[int, int]:
    """Vertical lane of every block: 0 for the main chain, 1, 2, ... for side branches.

    A side branch is a run of stale blocks, each the first child of the one
    before. Branches are laid out in order of the height they fork at, and a
    lane is reused once the branch that held it has ended.
    """
    branch_of: dict[int, list[SimBlock]] = {}   # block id -> the branch it belongs to
    branches: list[list[SimBlock]] = []
    continued: set[int] = set()                 # stale blocks whose branch a child already extends
    for block in blocks:                        # ids grow with discovery: parents come first
        if block.id in main:
            continue
        if block.parent in branch_of and block.parent not in continued:
            branch = branch_of[block.parent]
            continued.add(block.parent)
        else:
            branch = []
            branches.append(branch)
        branch.append(block)
        branch_of[block.id] = branch
    lanes = {block_id: 0 for block_id in main}
    lane_end: list[int] = []                    # lane_end[k - 1]: last height used in lane k
    for branch in sorted(branches, key=lambda br: br[0].height):
        start = branch[0].height - 1            # the first edge leaves from the parent
        lane = next((k + 1 for k, end in enumerate(lane_end) if end < start), len(lane_end) + 1)
        if lane > len(lane_end):
            lane_end.append(0)
        lane_end[lane - 1] = branch[-1].height
        lanes.update({block.id: lane for block in branch})
    return lanes


def _miner_colour(miner: int):
    return "lightgray" if miner < 0 else plt.get_cmap("tab10")(miner % 10)


def plot_block_tree(blocks: Sequence[SimBlock], tip: SimBlock, *, x: str = "height",
                    title: str = "Every block mined: main chain and stale branches",
                    miner_names: dict[int, str] | None = None,
                    colours: dict[int, object] | None = None,
                    max_height: int | None = None, ax=None):
    """Draw the tree of all blocks: main chain on lane 0, stale branches above it.

    x is "height" (blocks) or "time" (minutes). Colours say who mined a block;
    filled markers are on the main chain ending at tip, crosses went stale.
    """
    if x not in ("height", "time"):
        raise ValueError('x is "height" or "time"')
    main = main_chain_ids(blocks, tip)
    lanes = tree_lanes(blocks, main)
    shown = [b for b in blocks if max_height is None or b.height <= max_height]

    def xpos(b: SimBlock) -> float:
        return b.height if x == "height" else b.time / 60.0

    if ax is None:
        _, ax = plt.subplots(figsize=(11, 2.2 + 0.35 * max(lanes.values(), default=0)))
    for b in shown:
        if b.parent >= 0:
            parent = blocks[b.parent]
            ax.plot([xpos(parent), xpos(b)], [lanes[parent.id], lanes[b.id]],
                    color="black" if b.id in main else "gray", lw=1.2 if b.id in main else 0.8, zorder=1)
    names = miner_names or {}
    colour_of = (lambda m: colours.get(m, _miner_colour(m))) if colours else _miner_colour
    for b in shown:
        on_main = b.id in main
        ax.scatter(xpos(b), lanes[b.id], s=55 if on_main else 60, marker="o" if on_main else "X",
                   color=colour_of(b.miner), edgecolors="black" if on_main else "none", zorder=2)
    miners = sorted({b.miner for b in shown if b.miner >= 0})
    handles, labels = [], set()
    for m in miners:
        label = names.get(m, f"miner {m}")
        if label not in labels:   # several miners may share one label (e.g. "honest miners")
            labels.add(label)
            handles.append(Line2D([], [], marker="o", ls="", color=colour_of(m), label=label))
    handles += [Line2D([], [], marker="o", ls="", color="white", markeredgecolor="black", label="main chain"),
                Line2D([], [], marker="X", ls="", color="gray", label="stale")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_xlabel("height (blocks)" if x == "height" else "time (min)")
    ax.set_ylabel("branch (lane)")
    top = max((lanes[b.id] for b in shown), default=0)
    ax.set_yticks(range(top + 1))
    ax.set_ylim(-0.6, top + 0.6)
    ax.set_title(title)
    ax.figure.tight_layout()
    return ax.figure


# -----------------------------------------------------------------------------
# Stale rate against latency / block interval

@dataclass(frozen=True)
class StaleSweep:
    """Stale rates measured over several seeds at each latency / interval ratio."""

    ratios: tuple[float, ...]                  # latency / block interval (s/s)
    block_interval: float                      # s
    stale_rates: tuple[tuple[float, ...], ...]  # per ratio, one per seed
    estimates: tuple[float, ...]               # approx_stale_rate at each ratio

    @property
    def means(self) -> tuple[float, ...]:
        """Mean stale rate per ratio."""
        return tuple(sum(r) / len(r) for r in self.stale_rates)


def stale_rate_sweep(ratios: Sequence[float], *, block_interval: float = 60.0,
                     shares: Sequence[float] = (1.0,) * 5, n_blocks: int = 200, seeds: int = 3,
                     progress: Progress = None) -> StaleSweep:
    """Simulate each latency = ratio * block_interval with `seeds` seeds.

    progress (e.g. tqdm's bar.update) is called with 1 after every simulation.
    """
    rates = []
    for ratio in ratios:
        row = []
        for seed in range(seeds):
            row.append(network.simulate(shares, block_interval=block_interval, latency=ratio * block_interval,
                                        n_blocks=n_blocks, seed=seed).stale_rate)
            if progress:
                progress(1)
        rates.append(tuple(row))
    estimates = tuple(network.approx_stale_rate(r * block_interval, block_interval) for r in ratios)
    return StaleSweep(tuple(ratios), block_interval, tuple(rates), estimates)


def plot_stale_rate(sweep: StaleSweep, *, ax=None):
    """Simulated stale rates (dots: seeds, line: mean) beside the simple estimate."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for ratio, row in zip(sweep.ratios, sweep.stale_rates, strict=True):
        ax.scatter([ratio] * len(row), row, s=12, color="tab:blue", alpha=0.4)
    ax.plot(sweep.ratios, sweep.means, "o-", color="tab:blue", label="simulated (mean over seeds)")
    ax.plot(sweep.ratios, sweep.estimates, "--", color="tab:orange",
            label="estimate 1 - exp(-latency/interval)")
    ax.set_xlabel("latency / block interval (s per s)")
    ax.set_ylabel("stale rate (fraction of blocks)")
    ax.set_title(f"More latency per block interval, more forks (interval {sweep.block_interval:g} s)")
    ax.legend()
    ax.grid(alpha=0.3)
    ax.figure.tight_layout()
    return ax.figure


# -----------------------------------------------------------------------------
# The majority attack: simulation against Nakamoto's formula

@dataclass(frozen=True)
class AttackSweep:
    """Attacker success probabilities over hash shares q, for several confirmations z."""

    qs: tuple[float, ...]
    zs: tuple[int, ...]
    trials: int
    simulated: dict[int, tuple[float, ...]]       # z -> estimate per q
    standard_errors: dict[int, tuple[float, ...]]  # z -> standard error per q
    nakamoto: dict[int, tuple[float, ...]]        # z -> whitepaper formula per q
    exact: dict[int, tuple[float, ...]]           # z -> exact race (no Poisson shortcut) per q


def attack_sweep(qs: Sequence[float], zs: Sequence[int], *, trials: int = 1000, seed: int = 0,
                 progress: Progress = None) -> AttackSweep:
    """Run simulate_attack for every (q, z); progress is called with 1 per pair."""
    simulated, errors, nakamoto, exact = {}, {}, {}, {}
    for z in zs:
        runs = []
        for q in qs:
            runs.append(double_spend.simulate_attack(q, z, trials=trials, seed=seed))
            if progress:
                progress(1)
        simulated[z] = tuple(r.probability for r in runs)
        errors[z] = tuple(r.standard_error for r in runs)
        nakamoto[z] = tuple(double_spend.nakamoto_attack_probability(q, z) for q in qs)
        exact[z] = tuple(double_spend.exact_attack_probability(q, z) for q in qs)
    return AttackSweep(tuple(qs), tuple(zs), trials, simulated, errors, nakamoto, exact)


def plot_attack_sweep(sweep: AttackSweep, table: dict | None = None):
    """Left: success probability against q; right: against z, with the whitepaper's table."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
    for i, z in enumerate(sweep.zs):
        colour = plt.get_cmap("tab10")(i)
        left.errorbar(sweep.qs, sweep.simulated[z], yerr=sweep.standard_errors[z], fmt="o", ms=4,
                      color=colour, label=f"z = {z}: simulated ({sweep.trials} trials)")
        left.plot(sweep.qs, sweep.nakamoto[z], "-", color=colour, label=f"z = {z}: Nakamoto's formula")
        left.plot(sweep.qs, sweep.exact[z], ":", color=colour, lw=1,
                  label=f"z = {z}: exact race (no Poisson shortcut)")
    left.axvline(0.5, color="gray", lw=0.8)
    left.set_xlabel("attacker's hash share q (fraction)")
    left.set_ylabel("success probability (fraction)")
    left.set_title("Double spend after z confirmations (dotted: exact race)")
    left.legend(fontsize=7)
    left.grid(alpha=0.3)
    if table:
        for i, q in enumerate(sorted({row["q"] for row in table["probabilities"]})):
            rows = [r for r in table["probabilities"] if r["q"] == q]
            zs = list(range(0, max(r["z"] for r in rows) + 1))
            right.semilogy(zs, [double_spend.nakamoto_attack_probability(q, z) for z in zs], "-",
                           color=plt.get_cmap("Set1")(i), label=f"q = {q}: formula")
            right.semilogy([r["z"] for r in rows], [r["P"] for r in rows], "o", mfc="none",
                           color=plt.get_cmap("Set1")(i), label=f"q = {q}: whitepaper table")
        right.legend(fontsize=8)
    right.set_xlabel("confirmations z (blocks)")
    right.set_ylabel("success probability (fraction, log scale)")
    right.set_title("Nakamoto's formula vs the whitepaper's printed table")
    right.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig


@dataclass(frozen=True)
class GossipAttackSweep:
    """Success rates of simulate_private_attack over hash shares, for one z."""

    qs: tuple[float, ...]
    confirmations: int
    seeds: int
    success_rates: tuple[float, ...]   # fraction of seeds in which the attacker's branch won
    nakamoto: tuple[float, ...]        # the whitepaper's formula at the same q (1 for q >= 1/2)


def gossip_attack_sweep(qs: Sequence[float], confirmations: int, *, seeds: int = 100,
                        progress: Progress = None, **kwargs) -> GossipAttackSweep:
    """Run simulate_private_attack with `seeds` seeds per share; progress(1) after each run."""
    rates = []
    for q in qs:
        wins = 0
        for seed in range(seeds):
            wins += simulate_private_attack(q, confirmations, seed=seed, **kwargs).succeeded
            if progress:
                progress(1)
        rates.append(wins / seeds)
    formula = tuple(double_spend.nakamoto_attack_probability(min(q, 0.5), confirmations) for q in qs)
    return GossipAttackSweep(tuple(qs), confirmations, seeds, tuple(rates), formula)


def plot_gossip_attack_sweep(sweep: GossipAttackSweep, *, ax=None):
    """Attacker's success in the gossip simulation beside Nakamoto's formula."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    ax.plot(sweep.qs, sweep.success_rates, "o-", label=f"gossip simulation ({sweep.seeds} seeds per point)")
    ax.plot(sweep.qs, sweep.nakamoto, "--", label="Nakamoto's formula")
    ax.axvline(0.5, color="gray", lw=0.8)
    ax.set_xlabel("attacker's hash share q (fraction)")
    ax.set_ylabel("success probability (fraction)")
    ax.set_title(f"Private attack on the gossip network, z = {sweep.confirmations} confirmations")
    ax.legend()
    ax.grid(alpha=0.3)
    ax.figure.tight_layout()
    return ax.figure


def plot_private_attack(result, *, title: str | None = None):
    """Tree of a simulate_private_attack run: attacker red, honest miners blue."""
    blocks = result.blocks
    tip = best_tip(result.honest_tips)
    names = {result.attacker: "attacker"}
    colours = {result.attacker: "tab:red"}
    for b in blocks:
        if 0 <= b.miner != result.attacker:
            names[b.miner], colours[b.miner] = "honest miners", "tab:blue"

    if title is None:
        verdict = ("succeeded: every honest node reorganised onto the attacker's chain" if result.succeeded
                   else "failed: the honest chain stayed ahead")
        title = f"Private attack, q = {result.share:g}, z = {result.confirmations}: {verdict}"
    fig = plot_block_tree(blocks, tip, title=title, miner_names=names, colours=colours)
    ax = fig.axes[0]
    if len(blocks) > 1:
        first_honest = next((b for b in blocks[1:] if b.miner != result.attacker), None)
        first_attack = next((b for b in blocks[1:] if b.miner == result.attacker), None)
        main = main_chain_ids(blocks, tip)
        lanes = tree_lanes(blocks, main)
        for block, text in ((first_honest, "pays merchant"), (first_attack, "double spend")):
            if block is not None:
                ax.annotate(text, (block.height, lanes[block.id]), textcoords="offset points",
                            xytext=(4, 8), fontsize=8)
    return fig


def format_ratio(value: float) -> str:
    """A probability as a percentage with sensible digits."""
    if value == 0 or math.isnan(value):
        return "0 %"
    return f"{100 * value:.3g} %"
