"""The double-spend race of the Bitcoin whitepaper, section 11: formula, exact value, simulation.

An attacker pays a merchant and secretly mines a chain in which the money
returns to him. Each new block is his with probability q (his hash share).
`nakamoto_attack_probability` is Satoshi's formula, `exact_attack_probability`
the same race without the Poisson shortcut, `simulate_attack` estimates it by
playing the race many times (seeded), and `attack_race` plays one race block
by block. The same attack on the gossip network of primitives.network, with
honest nodes reorganising onto the attacker's chain, is primitives.private_attack.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass


def catch_up_probability(q: float, z: int) -> float:
    """Chance an attacker with share q ever catches up from z blocks behind.

    Gambler's ruin: 1 if q >= p, else (q/p)**z, where p = 1 - q.
    """
    p = 1.0 - q
    return 1.0 if q >= p else (q / p) ** z


def nakamoto_attack_probability(q: float, z: int) -> float:
    """Satoshi's double-spend success probability (whitepaper, section 11).

    The attacker's progress while the honest chain gains z blocks is taken
    as Poisson with mean lambda = z * q / p; from a deficit of z - k he then
    catches up with probability (q/p)**(z - k). Direct port of the paper's
    C function AttackerSuccessProbability.
    """
    if not 0.0 <= q <= 1.0 or z < 0:
        raise ValueError("need 0 <= q <= 1 and z >= 0")
    p = 1.0 - q
    if q >= p:
        return 1.0
    lam = z * (q / p)
    total = 1.0
    for k in range(z + 1):
        poisson = math.exp(-lam)
        for i in range(1, k + 1):
            poisson *= lam / i
        total -= poisson * (1.0 - (q / p) ** (z - k))
    return total


def exact_attack_probability(q: float, z: int) -> float:
    """The same race without the Poisson shortcut.

    While the honest chain finds z blocks, the attacker's count k is negative
    binomial: P(k) = C(k + z - 1, k) p**z q**k (cf. M. Rosenfeld, "Analysis of
    hashrate-based double spending", 2014). Same catch-up rule as the paper.
    """
    if not 0.0 <= q <= 1.0 or z < 0:
        raise ValueError("need 0 <= q <= 1 and z >= 0")
    p = 1.0 - q
    if q >= p or z == 0:
        return 1.0
    total, k, mass = 0.0, 0, 0.0
    while mass < 1.0 - 1e-15 and k < 100_000:
        pk = math.comb(k + z - 1, k) * p ** z * q ** k
        mass += pk
        total += pk * (1.0 if k >= z else (q / p) ** (z - k))
        k += 1
    return total


@dataclass(frozen=True)
class AttackResult:
    """Monte Carlo estimate of a double-spend attack's success probability."""

    q: float           # attacker's share of the hash power
    z: int             # confirmations the merchant waits for
    trials: int
    successes: int
    honest_time: str   # 'random' (exact race) or 'expected' (the paper's Poisson model)
    seed: int

    @property
    def probability(self) -> float:
        """Fraction of trials in which the attacker caught up."""
        return self.successes / self.trials

    @property
    def standard_error(self) -> float:
        """Binomial standard error of the estimate."""
        p = self.probability
        return math.sqrt(max(p * (1 - p), 1e-12) / self.trials)


def _poisson(rng: random.Random, lam: float) -> int:
    """Number of rate-1 arrivals in a window of length lam."""
    count, t = 0, rng.expovariate(1.0)
    while t < lam:
        count += 1
        t += rng.expovariate(1.0)
    return count


def _give_up_deficit(q: float, tolerance: float) -> int | None:
    """Deficit from which catching up has probability < tolerance (None if q >= 1/2)."""
    p = 1.0 - q
    if q >= p:
        return None
    return max(1, math.ceil(math.log(tolerance) / math.log(q / p)))


@dataclass(frozen=True)
class RaceStep:
    """The race after one more block: how many blocks each side has found."""

    honest: int
    attacker: int

    @property
    def attacker_level(self) -> bool:
        """True when the attacker's private chain is at least as long as the honest one."""
        return self.attacker >= self.honest


def attack_race(q: float, z: int, seed: int = 0, max_blocks: int = 10_000) -> list[RaceStep]:
    """One block-by-block race: the blocks each side has after each block found.

    The attacker mines privately from the moment the payment is sent; the race
    ends when the merchant has z confirmations *and* the attacker's chain is
    at least as long (success), or after max_blocks (a plot-friendly trace).
    """
    rng = random.Random(seed)
    honest = attacker = 0
    trace = [RaceStep(0, 0)]
    for _ in range(max_blocks):
        if rng.random() < q:
            attacker += 1
        else:
            honest += 1
        trace.append(RaceStep(honest, attacker))
        if honest >= z and attacker >= honest:
            break
    return trace


def simulate_attack(
    q: float,
    z: int,
    *,
    trials: int = 10_000,
    seed: int = 0,
    honest_time: str = "random",
    tolerance: float = 1e-9,
    max_steps: int = 100_000,
) -> AttackResult:
    """Estimate by simulation the chance that a private attacker with share q
    overtakes a merchant's z confirmations.

    Phase 1: while the honest chain finds z blocks, count the attacker's
    blocks k. With honest_time='random' every block goes to the attacker with
    probability q (the exact race, compare `exact_attack_probability`); with
    'expected' the honest chain takes exactly its mean time, so k is Poisson
    with mean z*q/p as in the paper (compare `nakamoto_attack_probability`).
    Phase 2: from a deficit of z - k, a +1/-1 random walk until the attacker
    draws level (success). A walk that falls so far behind that returning has
    probability < tolerance counts as a failure, which biases the estimate by
    less than tolerance; max_steps bounds each trial.
    """
    if honest_time not in ("random", "expected"):
        raise ValueError("honest_time is 'random' or 'expected'")
    if not 0.0 <= q <= 1.0 or z < 0 or trials <= 0:
        raise ValueError("need 0 <= q <= 1, z >= 0 and trials > 0")
    rng = random.Random(seed)
    p = 1.0 - q
    give_up = _give_up_deficit(q, tolerance)
    successes = 0
    for _ in range(trials):
        if honest_time == "random":
            honest = k = 0
            while honest < z:
                if rng.random() < q:
                    k += 1
                else:
                    honest += 1
        else:
            k = _poisson(rng, z * q / p) if p > 0 else z
        deficit = z - k
        steps = 0
        while deficit > 0 and (give_up is None or deficit < give_up) and steps < max_steps:
            deficit += -1 if rng.random() < q else 1
            steps += 1
        successes += deficit <= 0
    return AttackResult(q, z, trials, successes, honest_time, seed)
