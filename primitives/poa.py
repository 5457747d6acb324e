"""Proof of authority as Clique runs it (EIP-225): known signers take turns.

A consortium of grid operators knows who its block producers are, so it needs no mining:
each block is signed by one of a fixed list of authorised signers.

Rules, from EIP-225:

* Signers take turns: at height h the *in-turn* signer is signers[h mod N]. Its block has
  difficulty 2 and is sealed `period` seconds after its parent.
* Any other authorised signer may seal *out of turn*, with difficulty 1, after a random
  extra delay (the "wiggle") of up to (N // 2 + 1) × 0.5 s, so the in-turn signer
  normally wins.
* A signer may sign at most one of any N // 2 + 1 consecutive blocks, so fewer than
  N // 2 + 1 signers online cannot extend the chain at all.
* Forks are resolved by total difficulty: the chain with more in-turn blocks wins.

An *offline* signer misses its turns; another signer fills them out of turn, later. An
*equivocating* signer seals two different blocks at its height and sends each to half of
the network: the two headers signed by one key at one height are the evidence against it.
Everything random comes from random.Random(seed).
"""
from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

IN_TURN, OUT_OF_TURN = 2, 1
WIGGLE_S = 0.5


@dataclass(frozen=True)
class Block:
    """A sealed header: who signed it, at which height and time, with which difficulty."""

    height: int
    signer: int
    time: float
    difficulty: int
    branch: str = "main"

    @property
    def in_turn(self) -> bool:
        """True when the block was sealed by the signer whose turn it was."""
        return self.difficulty == IN_TURN


def signer_limit(n_signers: int) -> int:
    """A signer may sign one of any `N // 2 + 1` consecutive blocks (EIP-225's SIGNER_LIMIT)."""
    return n_signers // 2 + 1


def in_turn_signer(height: int, n_signers: int) -> int:
    """The signer whose turn height `height` is."""
    return height % n_signers


@dataclass
class PoaRun:
    """A run of the chain: its blocks, and any equivocation seen on the way."""

    n_signers: int
    period: float
    blocks: list[Block]
    forks: list[tuple[Block, Block]]
    requested: int

    @property
    def halted(self) -> bool:
        """True when the chain stopped before sealing all the blocks asked for."""
        return len(self.blocks) - 1 < self.requested

    @property
    def block_times(self) -> list[float]:
        """Seconds between consecutive blocks of the chain."""
        return [b.time - a.time for a, b in zip(self.blocks, self.blocks[1:], strict=False)]

    @property
    def mean_block_time(self) -> float:
        """The average interval, or infinity when the chain halted."""
        times = self.block_times
        return float("inf") if self.halted or not times else sum(times) / len(times)

    @property
    def total_difficulty(self) -> int:
        """What fork choice compares: the sum of the blocks' difficulties."""
        return sum(b.difficulty for b in self.blocks)


def _may_sign(signer: int, chain: list[Block], limit: int) -> bool:
    recent = [b.signer for b in chain[-(limit - 1):]] if limit > 1 else []
    return signer not in recent


def run_poa(n_signers: int = 5, blocks: int = 50, period: float = 5.0, offline: Iterable[int] = (),
            equivocating: Iterable[int] = (), seed: int = 0) -> PoaRun:
    """Seal `blocks` blocks after the genesis with the given signers offline or equivocating.

    The chain halts early (fewer blocks) when no online signer may sign, which happens once
    fewer than `signer_limit(N)` signers are online.
    """
    if n_signers < 1:
        raise ValueError("a proof-of-authority chain needs at least one signer")
    down, liars = set(offline), set(equivocating)
    rng = random.Random(seed)
    limit = signer_limit(n_signers)
    chain = [Block(0, -1, 0.0, IN_TURN)]
    forks: list[tuple[Block, Block]] = []
    for height in range(1, blocks + 1):
        parent = chain[-1]
        turn = in_turn_signer(height, n_signers)
        candidates = []
        for signer in range(n_signers):
            if signer in down or not _may_sign(signer, chain, limit):
                continue
            if signer == turn:
                candidates.append(Block(height, signer, parent.time + period, IN_TURN))
            else:
                delay = rng.uniform(0, limit * WIGGLE_S)
                candidates.append(Block(height, signer, parent.time + period + delay, OUT_OF_TURN))
        if not candidates:
            break                      # not enough signers online: the chain stops
        winner = min(candidates, key=lambda b: (b.time, -b.difficulty, b.signer))
        if winner.signer in liars:
            twin = Block(height, winner.signer, winner.time, winner.difficulty, branch="twin")
            forks.append((winner, twin))
        chain.append(winner)
    return PoaRun(n_signers, period, chain, forks, blocks)


def find_equivocations(headers: Iterable[Block]) -> set[int]:
    """Signers that sealed two different blocks at the same height."""
    seen: dict[tuple[int, int], set[str]] = {}
    for block in headers:
        seen.setdefault((block.signer, block.height), set()).add(block.branch)
    return {signer for (signer, _), branches in seen.items() if len(branches) > 1}


def block_time_by_offline(n_signers: int = 7, blocks: int = 200, period: float = 5.0,
                          seed: int = 0) -> list[tuple[int, float]]:
    """(signers offline, mean block time in s) from none offline to all: the chart's data."""
    return [(k, run_poa(n_signers, blocks, period, offline=range(k), seed=seed).mean_block_time)
            for k in range(n_signers + 1)]
