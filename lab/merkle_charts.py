"""Notebook 02's chart: a Merkle proof's size against downloading every txid.

Proof sizes are measured, not assumed: for each n, primitives.merkle builds a
real tree of n leaves and the proof of its last leaf is counted (32 bytes a
sibling hash). The alternative, checking a transaction without a proof, needs
the whole list of n txids: 32 * n bytes.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from primitives.hashing import sha256
from primitives.merkle import MerkleTree

HASH_BYTES = 32


@dataclass(frozen=True)
class ProofSize:
    """Bytes a light client downloads to check one transaction among n."""

    n_leaves: int
    proof_bytes: int      # the sibling hashes of one Merkle proof
    download_bytes: int   # every txid of the block: 32 * n


def sizes_to_measure(n_max: int = 2 ** 16) -> list[int]:
    """About two tree sizes per doubling, from 1 to n_max (both included)."""
    sizes, j = set(), 0
    while round(2 ** (j / 2)) <= n_max:
        sizes.add(round(2 ** (j / 2)))
        j += 1
    return sorted(sizes | {n_max})


def measure_proof_sizes(sizes: Iterable[int],
                        progress: Callable[[int], object] | None = None) -> list[ProofSize]:
    """Build a tree for each n and measure a real proof; call progress(1) after each."""
    sizes = sorted(sizes)
    # Stand-in txids: any distinct 32-byte values make a tree of the same shape.
    leaves = [sha256(i.to_bytes(8, "big")) for i in range(sizes[-1])]
    measured = []
    for n in sizes:
        proof = MerkleTree(leaves[:n]).proof(n - 1)
        measured.append(ProofSize(n, HASH_BYTES * len(proof.siblings), HASH_BYTES * n))
        if progress is not None:
            progress(1)
    return measured


def plot_proof_sizes(sizes: list[ProofSize], marks: dict[str, int] | None = None) -> Figure:
    """Log-log chart of proof size and full txid download against n; `marks` labels some n."""
    fig, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    ns = [s.n_leaves for s in sizes]
    # A one-leaf tree needs no proof (0 bytes), which a log axis cannot show.
    proof = [(s.n_leaves, s.proof_bytes) for s in sizes if s.proof_bytes > 0]
    ax.step(*zip(*proof, strict=True), where="pre", color="tab:orange", marker="o", ms=3,
            label="Merkle proof: 32 B × ⌈log₂ n⌉")
    ax.plot(ns, [s.download_bytes for s in sizes], color="tab:blue", label="every txid: 32 B × n")
    for name, n in (marks or {}).items():
        ax.axvline(n, color="grey", ls=":", lw=1)
        ax.annotate(name, (n, ax.get_ylim()[1]), textcoords="offset points", xytext=(3, -12),
                    fontsize=8, color="dimgrey")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_title("Checking one transaction: a Merkle proof grows like log n, a download like n")
    ax.set_xlabel("transactions in the block, n (count)")
    ax.set_ylabel("bytes to download (bytes)")
    ax.legend()
    return fig
