"""Casper FFG in a few rules: how proof of stake makes blocks final (Buterin and Griffith, 2017).

Validators lock stake. Once an epoch, each online validator votes for a *link* from the
last justified checkpoint (the source) to the current epoch's checkpoint (the target).

* A checkpoint is **justified** when links to it from a justified source carry at least
  two thirds of all stake.
* A justified checkpoint is **finalized** when the checkpoint of the very next epoch is
  justified with it as the source. A finalized block is never reverted unless validators
  holding a third of the stake break a rule below, and lose that stake.
* **Slashing**: no validator may cast two votes with the same target epoch (a *double
  vote*), nor a vote whose source and target surround another of its votes
  (s1 < s2 and t2 < t1, a *surround vote*).

With more than a third of the stake offline, nothing is justified and finality stops.
Ethereum then leaks the offline validators' stake (the *inactivity leak*) until the online
ones hold two thirds again; here a simple model of it removes `leak` of each offline
validator's remaining stake per epoch without finality. Deterministic: no randomness.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

SUPERMAJORITY = Fraction(2, 3)


@dataclass(frozen=True)
class Vote:
    """A validator's signed link from a source checkpoint epoch to a target checkpoint epoch."""

    validator: int
    source: int
    target: int


@dataclass
class FfgRun:
    """Which epochs were justified and finalized, and each validator's stake at the end."""

    justified: list[int]
    finalized: list[int]
    finalized_at: dict[int, int]      # checkpoint -> the epoch in which it became final
    stakes: list[float]
    epochs: int

    @property
    def epochs_to_finality(self) -> int | None:
        """The epoch in which a checkpoint after genesis first became final, or None if none did."""
        later = [self.finalized_at[c] for c in self.finalized if c > 0]
        return later[0] if later else None


def is_supermajority(voting_stake: float, total_stake: float) -> bool:
    """At least two thirds of all stake (exact arithmetic for whole numbers)."""
    return Fraction(voting_stake) >= SUPERMAJORITY * Fraction(total_stake)


def run_ffg(stakes: Sequence[float], offline: Iterable[int] = (), epochs: int = 10,
            leak: float = 0.0) -> FfgRun:
    """Run `epochs` epochs with the given validators offline; genesis (epoch 0) is justified and final."""
    stake = [float(s) for s in stakes]
    down = set(offline)
    justified, finalized, finalized_at = [0], [0], {0: 0}
    for epoch in range(1, epochs + 1):
        source = justified[-1]
        online = sum(s for v, s in enumerate(stake) if v not in down)
        if is_supermajority(online, sum(stake)):
            justified.append(epoch)
            if source == epoch - 1 and source not in finalized_at:   # its direct child is justified
                finalized.append(source)
                finalized_at[source] = epoch
        elif leak:
            stake = [s * (1 - leak) if v in down else s for v, s in enumerate(stake)]
    return FfgRun(justified, finalized, finalized_at, stake, epochs)


def slashable(votes: Iterable[Vote]) -> set[int]:
    """Validators that cast a double vote or a surround vote."""
    by_validator: dict[int, list[Vote]] = {}
    for vote in votes:
        by_validator.setdefault(vote.validator, []).append(vote)
    guilty = set()
    for validator, mine in by_validator.items():
        for i, a in enumerate(mine):
            for b in mine[i + 1:]:
                double = a.target == b.target and a != b
                surround = (a.source < b.source and b.target < a.target) or \
                           (b.source < a.source and a.target < b.target)
                if double or surround:
                    guilty.add(validator)
    return guilty


def epochs_to_finality_by_offline(n_validators: int = 30, epochs: int = 64, leak: float = 0.0
                                  ) -> list[tuple[float, int | None]]:
    """(offline share of stake, epochs to finality or None) for 0..n offline validators of equal stake."""
    rows = []
    for k in range(n_validators + 1):
        run = run_ffg([32.0] * n_validators, offline=range(k), epochs=epochs, leak=leak)
        rows.append((k / n_validators, run.epochs_to_finality))
    return rows
