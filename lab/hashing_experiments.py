"""Notebook 01's experiments: birthday collisions, a pre-image search, and a speed test.

Collisions come from primitives.hashing.find_collision on SHA-256 cut down to k
bits; this module repeats it over several k and seeds and draws the result
beside the birthday law. primitives has no pre-image search, so `find_preimage`
(a brute-force loop over primitives.hashing.truncated_hash) lives here.
"""
from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from primitives.hashing import (
    expected_collision_attempts,
    find_collision,
    sha256,
    sha256_scratch,
    truncated_hash,
)


@dataclass(frozen=True)
class CollisionRun:
    """One birthday search: two inputs whose SHA-256 agree on the first k bits."""

    k_bits: int
    seed: int
    first: bytes
    second: bytes
    attempts: int     # messages hashed until the collision appeared


def run_collision_experiment(k_values: Iterable[int], seeds: Iterable[int] = range(5),
                             progress: Callable[[int], object] | None = None) -> list[CollisionRun]:
    """find_collision for every (k, seed); call progress(1) after each search (e.g. bar.update)."""
    runs = []
    for k in k_values:
        for seed in seeds:
            first, second, attempts = find_collision(k, seed=seed)
            runs.append(CollisionRun(k, seed, first, second, attempts))
            if progress is not None:
                progress(1)
    return runs


def mean_attempts(runs: Iterable[CollisionRun]) -> dict[int, float]:
    """Average attempts per k, over the seeds."""
    by_k: dict[int, list[int]] = {}
    for run in runs:
        by_k.setdefault(run.k_bits, []).append(run.attempts)
    return {k: statistics.fmean(v) for k, v in sorted(by_k.items())}


def plot_collision_attempts(runs: list[CollisionRun]) -> Figure:
    """Attempts until a k-bit collision against k, beside the 2**(k/2) law (log y axis)."""
    means = mean_attempts(runs)
    ks = np.array(sorted(means))
    fig, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    ax.scatter([r.k_bits for r in runs], [r.attempts for r in runs], s=12, alpha=0.35,
               color="tab:blue", label="one search (one seed)")
    ax.plot(ks, [means[k] for k in ks], "o-", color="tab:blue", label="mean over seeds")
    ax.plot(ks, [expected_collision_attempts(int(k)) for k in ks], "k--",
            label="birthday bound √(π/2 · 2ᵏ)")
    ax.plot(ks, 2.0 ** (ks / 2), ":", color="tab:green", label="2^(k/2) law")
    ax.plot(ks, 2.0 ** ks, "-.", color="tab:red", label="pre-image: 2ᵏ")
    ax.set_yscale("log", base=2)
    ax.set_xticks(ks)
    ax.set_title("Collisions on SHA-256 cut to k bits come after about 2^(k/2) tries")
    ax.set_xlabel("k (bits of the digest kept)")
    ax.set_ylabel("attempts (hashes computed, log scale)")
    ax.legend()
    return fig


@dataclass(frozen=True)
class PreimageSearch:
    """A second input whose SHA-256 starts with the same k bits as a target's."""

    target: bytes
    k_bits: int
    prefix: int       # the k-bit value both digests start with
    found: bytes
    attempts: int


def find_preimage(target: bytes, k_bits: int, seed: int = 0,
                  max_attempts: int | None = None) -> PreimageSearch:
    """Hash random 16-byte messages until one's first k_bits match those of sha256(target).

    Expect about 2**k_bits attempts: every try is a fresh 1-in-2**k lottery
    ticket, with no birthday shortcut because the target is fixed.
    """
    rng = random.Random(seed)
    prefix = truncated_hash(target, k_bits)
    limit = max_attempts if max_attempts is not None else 64 * 2 ** k_bits
    for attempt in range(1, limit + 1):
        message = rng.getrandbits(128).to_bytes(16, "big")
        if message != target and truncated_hash(message, k_bits) == prefix:
            return PreimageSearch(target, k_bits, prefix, message, attempt)
    raise RuntimeError(f"no {k_bits}-bit pre-image within {limit} attempts")


@dataclass(frozen=True)
class SpeedComparison:
    """Time to hash the same bytes with hashlib (C) and with the from-scratch SHA-256."""

    n_bytes: int
    hashlib_s: float
    scratch_s: float

    @property
    def slowdown(self) -> float:
        """How many times slower the pure-Python version is."""
        return self.scratch_s / self.hashlib_s

    def __str__(self) -> str:
        return (f"{self.n_bytes:,} bytes: hashlib {self.hashlib_s * 1e6:,.0f} µs, "
                f"from scratch {self.scratch_s * 1e3:,.1f} ms: about {self.slowdown:,.0f}× slower")


def compare_speed(data: bytes = bytes(10_000), repeats: int = 3) -> SpeedComparison:
    """Best-of-`repeats` wall time of sha256 (hashlib) and sha256_scratch on `data`."""
    def best(fn) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn(data)
            times.append(time.perf_counter() - start)
        return max(min(times), 1e-9)  # never 0, so the ratio is defined
    return SpeedComparison(len(data), best(sha256), best(sha256_scratch))
