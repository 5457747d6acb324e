"""Charts for notebook 15: PBFT's safety against faulty replicas, a PoA chain's pace, PoS finality.

The numbers come from primitives.pbft, primitives.poa and primitives.ffg; this module
only sweeps their parameters and draws the results.
"""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt

from primitives import ffg, pbft, poa


def plot_pbft_outcomes(sizes: Sequence[int] = (4, 7, 10), seed: int = 0):
    """For each n, safe or violated against the number of faulty replicas, with f marked."""
    rows = pbft.outcome_table(sizes, seed)
    fig, ax = plt.subplots(figsize=(8, 3.2))
    for lane, n in enumerate(sizes):
        lone = [r for r in rows if r.n == n and r.n - r.faulty < 2]     # no two honest replicas to disagree
        mine = [r for r in rows if r.n == n and r not in lone]
        ax.scatter([r.faulty for r in mine if r.safe], [lane] * sum(r.safe for r in mine), marker="o",
                   color="tab:green", s=70, label="safe" if lane == 0 else None)
        ax.scatter([r.faulty for r in lone], [lane] * len(lone), marker="o", facecolors="none",
                   edgecolors="grey", s=70, label="fewer than two honest replicas" if lane == 0 else None)
        violated = "two honest replicas commit different values" if lane == 0 else None
        ax.scatter([r.faulty for r in mine if not r.safe], [lane] * sum(not r.safe for r in mine), marker="X",
                   color="tab:red", s=80, label=violated)
        f = pbft.max_faults(n)
        ax.axvline(f + 0.5, ymin=lane / len(sizes), ymax=(lane + 1) / len(sizes), color="grey",
                   linestyle="--")
        ax.annotate(f"f = {f}", (f + 0.6, lane + 0.15), fontsize=9, color="grey")
    ax.set_yticks(range(len(sizes)), [f"n = {n}" for n in sizes])
    ax.set_ylim(-0.5, len(sizes) - 0.5)
    ax.set_xlabel("faulty replicas, the primary among them (count)")
    ax.set_ylabel("replicas in the round (n)")
    ax.set_title("PBFT: safe up to f = (n - 1) // 3 faulty replicas, broken beyond")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_poa_block_time(n_signers: int = 7, blocks: int = 200, period: float = 5.0, seed: int = 0):
    """Mean block time against the number of offline signers; where the chain halts, a cross."""
    data = poa.block_time_by_offline(n_signers, blocks, period, seed)
    fig, ax = plt.subplots(figsize=(7, 3.4))
    running = [(k, t) for k, t in data if t != float("inf")]
    halted = [k for k, t in data if t == float("inf")]
    ax.plot([k for k, _ in running], [t for _, t in running], marker="o", label="mean block time")
    top = max(t for _, t in running) * 1.15
    ax.scatter(halted, [top] * len(halted), marker="X", color="tab:red", s=70, label="the chain halts")
    ax.axhline(period, color="grey", linestyle=":", label=f"period ({period:g} s)")
    ax.set_xlabel(f"signers offline, of {n_signers} (count)")
    ax.set_ylabel("mean time between blocks (s)")
    limit = poa.signer_limit(n_signers)
    ax.set_title(f"Clique PoA: offline signers slow the chain; below {limit} online it stops")
    ax.set_ylim(0, top * 1.1)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def plot_ffg_finality(n_validators: int = 30, epochs: int = 64, leak: float = 0.05):
    """Epochs until a checkpoint is final against the offline share of stake, with and without a leak."""
    fig, ax = plt.subplots(figsize=(7, 3.4))
    for rate, style in ((0.0, "o-"), (leak, "s--")):
        rows = ffg.epochs_to_finality_by_offline(n_validators, epochs, rate)
        final = [(share, e) for share, e in rows if e is not None]
        label = "no leak" if rate == 0 else f"inactivity leak, {rate:.0%} a epoch"
        ax.plot([100 * s for s, _ in final], [e for _, e in final], style, label=label)
    ax.axvline(100 / 3, color="grey", linestyle=":", label="one third of the stake")
    ax.annotate("without a leak: never final\nbeyond a third offline", (100 / 3 + 2, epochs * 0.75),
                fontsize=8, color="tab:blue")
    ax.set_xlabel("stake offline (%)")
    ax.set_ylabel("epochs until first finality (epochs)")
    ax.set_title(f"Casper FFG: finality needs 2/3 of the stake online (first {epochs} epochs)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
