"""Experiments and charts for notebook 04 (proof of work).

- `run_trials` mines many practice blocks at one difficulty and records the
  attempts and time of each; `plot_trials` draws their histograms with the
  geometric / exponential law on top.
- `measure_hash_rates` times `mine` (midstate) against `mine_naive`;
  `plot_hash_rates` draws the bar chart.
- `simulate_retargeting` runs Bitcoin's difficulty adjustment over a few
  2016-block periods while the hash rate changes; `plot_retargeting` shows
  block interval and difficulty per period.

Mining and retargeting are `primitives.pow`; this module only repeats,
measures and draws.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from statistics import mean

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from grid.chain import THESIS_GENESIS_TIMESTAMP
from primitives.block import bits_to_target, difficulty_from_bits
from primitives.pow import (
    RETARGET_INTERVAL,
    TARGET_SPACING,
    expected_attempts,
    mine,
    mine_naive,
    next_work_required,
    practice_header,
    target_for_k_bits,
)

# -----------------------------------------------------------------------------
# Many mining runs


@dataclass(frozen=True)
class MiningTrials:
    """Attempts and solve times of independent mining runs at one target."""

    k_bits: int
    target: int
    attempts: tuple[int, ...]      # hashes until success, one per run
    seconds: tuple[float, ...]     # wall-clock solve time, one per run

    @property
    def expected(self) -> float:
        """Theoretical mean attempts: 2**256 / (target + 1)."""
        return expected_attempts(self.target)

    @property
    def mean_attempts(self) -> float:
        """Measured mean attempts."""
        return mean(self.attempts)

    @property
    def hash_rate(self) -> float:
        """Hashes per second over all runs together."""
        return sum(self.attempts) / sum(self.seconds)


def run_trials(k_bits: int, runs: int, seed: int = 0,
               progress: Callable[[int], object] | None = None) -> MiningTrials:
    """Mine `runs` different practice blocks at target 2**(256 - k); progress(1) after each."""
    attempts, seconds = [], []
    for run in range(runs):
        # A different transaction per run gives an independent lottery.
        result = mine(practice_header(f"trial {seed}-{run}", k_bits, THESIS_GENESIS_TIMESTAMP), start_nonce=0)
        if not result.found:
            raise RuntimeError(f"run {run} found no nonce: choose a smaller k")
        attempts.append(result.attempts)
        seconds.append(result.elapsed)
        if progress:
            progress(1)
    return MiningTrials(k_bits, target_for_k_bits(k_bits), tuple(attempts), tuple(seconds))


def plot_trials(trials: MiningTrials, bins: int = 20) -> plt.Figure:
    """Histograms of attempts and solve times, with the geometric / exponential law overlaid."""
    p = 1 / trials.expected                      # success probability of one hash
    runs = len(trials.attempts)
    fig, (ax_n, ax_t) = plt.subplots(1, 2, figsize=(11, 4))

    _, edges, _ = ax_n.hist(trials.attempts, bins=bins, color="tab:blue", alpha=0.6,
                                 label=f"measured ({runs} runs)")
    x = np.linspace(1, edges[-1], 300)
    width = edges[1] - edges[0]
    # Geometric law P(N = n) = p (1 - p)^(n - 1), scaled to runs per bin.
    ax_n.plot(x, runs * width * p * (1 - p) ** (x - 1), color="tab:red",
              label=f"geometric law, mean 2^{trials.k_bits} = {trials.expected:,.0f}")
    ax_n.axvline(trials.mean_attempts, color="k", linestyle="--",
                 label=f"measured mean = {trials.mean_attempts:,.0f}")
    ax_n.set(title=f"Attempts until success, k = {trials.k_bits} bits",
             xlabel="attempts (count)", ylabel="runs (count)")
    ax_n.legend()

    millis = [s * 1000 for s in trials.seconds]
    _, edges, _ = ax_t.hist(millis, bins=bins, color="tab:green", alpha=0.6,
                                 label=f"measured ({runs} runs)")
    mean_ms = trials.expected / trials.hash_rate * 1000     # expected attempts / (hashes per ms)
    x = np.linspace(0, edges[-1], 300)
    width = edges[1] - edges[0]
    ax_t.plot(x, runs * width / mean_ms * np.exp(-x / mean_ms), color="tab:red",
              label=f"exponential law, mean {mean_ms:.2f} ms")
    ax_t.set(title="Solve time per block", xlabel="solve time (ms)", ylabel="runs (count)")
    ax_t.legend()
    fig.tight_layout()
    return fig


# -----------------------------------------------------------------------------
# Hash rate: midstate versus naive


@dataclass(frozen=True)
class HashRates:
    """Best hash rates (hashes/s) of the two mining loops on the same work."""

    midstate: float
    naive: float
    hashes: int           # hashes per timed run

    @property
    def speed_up(self) -> float:
        """How many times faster the midstate loop is."""
        return self.midstate / self.naive


def measure_hash_rates(hashes: int = 50_000, repeats: int = 2) -> HashRates:
    """Time `mine` and `mine_naive` over the same nonces; keep the best of `repeats` runs each."""
    header = practice_header("hash-rate benchmark", 32, THESIS_GENESIS_TIMESTAMP)
    best = {"midstate": 0.0, "naive": 0.0}
    for _ in range(repeats):
        # target=0: no hash wins, so both loops do exactly `hashes` attempts.
        for name, miner in (("midstate", mine), ("naive", mine_naive)):
            result = miner(header, max_attempts=hashes, start_nonce=0, target=0)
            best[name] = max(best[name], result.hash_rate)
    return HashRates(best["midstate"], best["naive"], hashes)


def plot_hash_rates(rates: HashRates) -> plt.Figure:
    """Bar chart of hashes per second: naive loop versus midstate loop."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    names = ["naive: whole header\nevery nonce", "midstate: first 64 bytes\nhashed once"]
    values = [rates.naive, rates.midstate]
    bars = ax.bar(names, values, color=["tab:gray", "tab:orange"])
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in values])
    ax.set(title=f"Hash rate on this computer (midstate is {rates.speed_up:.2f}× faster)",
           ylabel="hash rate (hashes/s)")
    ax.set_ylim(0, max(values) * 1.2)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    fig.tight_layout()
    return fig


# -----------------------------------------------------------------------------
# Difficulty retargeting


@dataclass(frozen=True)
class RetargetPeriod:
    """One 2016-block period of the simulation."""

    index: int
    bits: int                 # compact bits used during the period
    hash_rate: float          # network hashes per second
    interval_s: float         # mean seconds between blocks during the period

    @property
    def difficulty(self) -> float:
        """Difficulty of the period's bits (1 = genesis target)."""
        return difficulty_from_bits(self.bits)

    @property
    def interval_min(self) -> float:
        """Mean block interval in minutes."""
        return self.interval_s / 60


def genesis_hash_rate(bits: int = 0x1D00FFFF) -> float:
    """Hash rate (hashes/s) that finds blocks at `bits` every ten minutes on average."""
    return expected_attempts(bits_to_target(bits)) / TARGET_SPACING


def simulate_retargeting(hash_rate_factors: list[float], start_bits: int = 0x1D00FFFF,
                         start_time: int = 1231006505) -> list[RetargetPeriod]:
    """Run one period per factor; the network hash rate is factor × the genesis rate.

    Each period lasts its expected length: RETARGET_INTERVAL blocks at
    expected_attempts(target) / hash_rate seconds each. Its first and last
    block times go to `next_work_required`, exactly as Bitcoin Core does.
    """
    base = genesis_hash_rate(start_bits)
    bits, first_time = start_bits, start_time
    periods = []
    for index, factor in enumerate(hash_rate_factors):
        rate = base * factor
        interval = expected_attempts(bits_to_target(bits)) / rate
        periods.append(RetargetPeriod(index, bits, rate, interval))
        # 2016 blocks but 2015 intervals from the first to the last (Core's off-by-one).
        last_time = first_time + round((RETARGET_INTERVAL - 1) * interval)
        bits = next_work_required(bits, first_time, last_time)
        first_time = first_time + round(RETARGET_INTERVAL * interval)
    return periods


def plot_retargeting(periods: list[RetargetPeriod]) -> plt.Figure:
    """Block interval (minutes) and difficulty / hash rate (× start) per period."""
    index = [p.index for p in periods]
    fig, (ax_i, ax_d) = plt.subplots(1, 2, figsize=(11, 4))
    ax_i.plot(index, [p.interval_min for p in periods], "o-", label="mean block interval")
    ax_i.axhline(TARGET_SPACING / 60, color="gray", linestyle="--", label="goal: 10 minutes")
    ax_i.set(title="Block interval per retarget period",
             xlabel="retarget period (2016 blocks each)", ylabel="block interval (minutes)")
    ax_i.set_ylim(0, max(p.interval_min for p in periods) * 1.2)
    ax_i.legend()

    base_rate, base_difficulty = periods[0].hash_rate, periods[0].difficulty
    ax_d.step(index, [p.hash_rate / base_rate for p in periods], "o-", where="post",
              label="hash rate (× start)")
    ax_d.step(index, [p.difficulty / base_difficulty for p in periods], "s--", where="post",
              label="difficulty (× start)")
    ax_d.set(title="Hash rate and difficulty", xlabel="retarget period (2016 blocks each)",
             ylabel="relative to period 0 (×)")
    ax_d.legend()
    fig.tight_layout()
    return fig


def periods_text(periods: list[RetargetPeriod]) -> str:
    """One line per period: bits, difficulty, hash rate and block interval."""
    lines = []
    for p in periods:
        lines.append(f"period {p.index}: bits 0x{p.bits:08x}, difficulty {p.difficulty:,.5f}, "
                     f"hash rate {p.hash_rate / 1e6:,.1f} MH/s, block interval {p.interval_min:.2f} min")
    return "\n".join(lines)
