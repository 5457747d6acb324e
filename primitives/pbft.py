"""One round of Practical Byzantine Fault Tolerance (Castro and Liskov, OSDI 1999).

Why 3f + 1: among n replicas up to f may be Byzantine (lie, equivocate, collude). A
replica can wait for at most n - f answers, since f may never reply, and of those up to
f may be lies; n - 2f honest answers must still outnumber the f lies, so n ≥ 3f + 1.
Quorums have 2f + 1 members: any two quorums share f + 1 replicas, at least one honest,
and an honest replica never votes for two values, so two quorums never back two values.

The round, for one request in view 0 (primary = replica view mod n):

1. PRE-PREPARE: the primary proposes a digest to every backup.
2. PREPARE: a backup that accepted a pre-prepare tells everyone. A replica is *prepared*
   for digest d when it holds the pre-prepare of d and PREPAREs for d from 2f distinct
   backups (its own included): with the primary, a quorum of 2f + 1.
3. COMMIT: a prepared replica tells everyone. It *commits* d when it holds COMMITs for d
   from 2f + 1 distinct replicas (its own included).

Byzantine replicas here do the worst they can: a faulty primary sends digest "A" to one
half of the honest replicas and "B" to the other; faulty replicas send PREPARE and COMMIT
for both digests to everyone. The split among honest replicas is drawn from
random.Random(seed), so a seed replays exactly.

    run_round(n=4, faulty=1)    # f = 1: safe (no two honest replicas commit different values)
    run_round(n=4, faulty=2)    # f + 1 colluding, the primary among them: a safety violation

`faulty` is a count (replicas 0, 1, ... are faulty, so the primary is) or explicit ids.
With at most f faults the round is always safe; a faulty primary may stall it (some or all
honest replicas commit nothing), which PBFT's view change, not modelled here, repairs by
electing the next primary. With f + 1 faults including the primary, two honest replicas
commit different values. `find_equivocators(result.messages)` names the replicas that
signed two different digests for one phase of one round: the evidence that convicts them.
"""
from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

PRE_PREPARE, PREPARE, COMMIT = "pre-prepare", "prepare", "commit"
VALUES = ("A", "B")


def max_faults(n: int) -> int:
    """The largest f that n replicas tolerate: n ≥ 3f + 1."""
    return (n - 1) // 3


def quorum(n: int) -> int:
    """2f + 1 for the largest f of n replicas."""
    return 2 * max_faults(n) + 1


@dataclass(frozen=True)
class Message:
    """One signed protocol message: `sender` tells `receiver` it backs `digest` in `phase`."""

    phase: str
    view: int
    sequence: int
    sender: int
    receiver: int
    digest: str


@dataclass
class RoundResult:
    """What happened in one round: who committed what, and the whole message log."""

    n: int
    f: int
    faulty: frozenset[int]
    primary: int
    committed: dict[int, str]          # honest replica -> the digest it committed
    prepared: dict[int, str]           # honest replica -> the digest it prepared
    messages: list[Message] = field(repr=False)

    @property
    def honest(self) -> list[int]:
        """The replicas that follow the protocol."""
        return [r for r in range(self.n) if r not in self.faulty]

    @property
    def safe(self) -> bool:
        """No two honest replicas committed different values."""
        return len(set(self.committed.values())) <= 1

    @property
    def live(self) -> bool:
        """Every honest replica committed (without a view change)."""
        return set(self.committed) == set(self.honest)


def _faulty_set(n: int, faulty: int | Iterable[int]) -> frozenset[int]:
    ids = frozenset(range(faulty)) if isinstance(faulty, int) else frozenset(faulty)
    if not ids <= set(range(n)):
        raise ValueError(f"faulty replicas must be among 0..{n - 1}, got {sorted(ids)}")
    return ids


def run_round(n: int | None = None, faulty: int | Iterable[int] = 1, seed: int = 0, *,
              f: int | None = None, view: int = 0, sequence: int = 1) -> RoundResult:
    """Play one PBFT round among `n` replicas (or 3f + 1 of them) with the given Byzantine ones.

    See the module's docstring for the model; `run_round(f=1, faulty=2)` is a round of four
    replicas with two faulty ones, the primary among them.
    """
    if n is None:
        n = 3 * (1 if f is None else f) + 1
    if n < 1:
        raise ValueError("a round needs at least one replica")
    bad = _faulty_set(n, faulty)
    f = max_faults(n)
    primary = view % n
    honest = [r for r in range(n) if r not in bad]
    rng = random.Random(seed)
    log: list[Message] = []

    def send(phase: str, sender: int, digest: str, to: Iterable[int]) -> None:
        log.extend(Message(phase, view, sequence, sender, r, digest) for r in to)

    # 1. Pre-prepare. An honest primary proposes "A" to all; a faulty one splits the honest replicas.
    proposal: dict[int, str] = {}
    if primary in bad:
        order = honest[:]
        rng.shuffle(order)
        half = len(order) // 2
        for r in order:
            proposal[r] = VALUES[0] if order.index(r) < half else VALUES[1]
        for r in range(n):
            if r != primary:
                send(PRE_PREPARE, primary, proposal.get(r, VALUES[0]), [r])
    else:
        proposal = {r: VALUES[0] for r in honest}
        send(PRE_PREPARE, primary, VALUES[0], [r for r in range(n) if r != primary])

    everyone = range(n)
    # 2. Prepare: honest backups echo what they were proposed; faulty replicas back both values.
    for r in range(n):
        if r in bad:
            for value in VALUES:
                send(PREPARE, r, value, everyone)
        elif r != primary:
            send(PREPARE, r, proposal[r], everyone)
    prepared = {}
    for r in honest:
        digest = proposal[r]
        backers = {m.sender for m in log if m.phase == PREPARE and m.receiver == r and m.digest == digest
                   and m.sender != primary}
        if len(backers) >= 2 * f:
            prepared[r] = digest

    # 3. Commit: prepared honest replicas commit their digest; faulty ones commit both.
    for r in range(n):
        if r in bad:
            for value in VALUES:
                send(COMMIT, r, value, everyone)
        elif r in prepared:
            send(COMMIT, r, prepared[r], everyone)
    committed = {}
    for r, digest in prepared.items():
        backers = {m.sender for m in log if m.phase == COMMIT and m.receiver == r and m.digest == digest}
        if len(backers) >= 2 * f + 1:
            committed[r] = digest
    return RoundResult(n, f, bad, primary, committed, prepared, log)


def find_equivocators(messages: Iterable[Message]) -> set[int]:
    """Replicas that signed two different digests for the same phase, view and sequence number."""
    seen: dict[tuple[int, str, int, int], set[str]] = {}
    for m in messages:
        seen.setdefault((m.sender, m.phase, m.view, m.sequence), set()).add(m.digest)
    return {sender for (sender, *_), digests in seen.items() if len(digests) > 1}


@dataclass(frozen=True)
class OutcomeRow:
    """One cell of the outcome table: n replicas, k of them faulty (the primary first)."""

    n: int
    faulty: int
    safe: bool
    live: bool
    messages: int


def outcome_table(sizes: Iterable[int] = (4, 7, 10), seed: int = 0) -> list[OutcomeRow]:
    """Safety and liveness for every count of faulty replicas, 0..n, of each size (for a chart)."""
    rows = []
    for n in sizes:
        for k in range(n + 1):
            result = run_round(n, k, seed)
            rows.append(OutcomeRow(n, k, result.safe, result.live, len(result.messages)))
    return rows
