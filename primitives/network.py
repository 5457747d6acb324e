"""Discrete-event simulation of miners gossiping blocks over a network.

Why forks happen: a block needs time to reach everyone. If another miner
finds a block before hearing of the last one, two blocks share a parent, the
network is split for a while, and one of them ends up stale. The stale rate
grows with (propagation delay) / (block interval), which is why Bitcoin
chose ten minutes when blocks take seconds to spread.

Model (kept small on purpose):
- node i mines with a share s_i of the total hash power; blocks are found as
  a Poisson process with rate 1 / block_interval, each by node i with
  probability s_i (memorylessness makes this equal to every miner racing
  independently with rate s_i / block_interval);
- a miner always builds on its own current tip;
- when a node connects a block it relays it to its neighbours, which receive
  it `latency` seconds later; a block whose parent is missing waits;
- each node follows the highest chain; on a tie it keeps the block it saw
  first (all blocks have equal difficulty here, so most work == highest).

No real proof of work or hashing is involved: blocks are small records.
Everything random comes from random.Random(seed), so a seed replays exactly.

The double-spend race of the Bitcoin whitepaper, section 11, is in
primitives.double_spend; the same attack played out on this gossip network,
with honest nodes reorganising onto the attacker's chain, is in
primitives.private_attack.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

# -----------------------------------------------------------------------------
# Gossip network simulation


@dataclass(frozen=True)
class SimBlock:
    """A block in the simulation: only the facts fork choice needs."""

    id: int          # 0 is genesis; ids increase in order of discovery
    parent: int      # id of the parent block (-1 for genesis)
    height: int      # genesis is 0
    miner: int       # index of the node that found it (-1 for genesis)
    time: float      # simulated seconds when it was found


@dataclass(frozen=True)
class SimulationResult:
    """Summary of one run of `simulate`."""

    seed: int
    n_nodes: int
    block_interval: float            # seconds, mean time between blocks
    mean_latency: float              # seconds, mean over the links used
    blocks_mined: int
    main_chain_length: int           # blocks on the final best chain, genesis excluded
    stale_blocks: int                # mined blocks that ended off the best chain
    stale_rate: float                # stale_blocks / blocks_mined
    forks: int                       # blocks that got two or more children
    reorg_depths: tuple[int, ...]    # blocks undone by each tip switch to a non-descendant, all nodes
    convergence_times: tuple[float, ...]  # length of each finished period the nodes' tips disagreed
    mean_propagation_time: float     # mean time for a block to reach every node
    duration: float                  # simulated seconds until the last message was delivered
    mined_by: tuple[int, ...]        # blocks found per node
    main_chain_by: tuple[int, ...]   # best-chain blocks per node
    # Every node knows every block at the end, yet two blocks of equal height
    # can still split the nodes (each keeps the one it saw first) until a next
    # block, never mined, would break the tie. Such a run is not settled, and
    # its open disagreement is *not* in convergence_times (it never ended).
    settled: bool                    # all nodes on the same tip at the end
    unsettled_for: float             # seconds the final, open disagreement had lasted (0 if settled)
    final_tips: tuple[SimBlock, ...]  # each node's tip at the end
    blocks: tuple[SimBlock, ...] = ()  # every block mined, genesis first (ids are indices)

    @property
    def reorgs(self) -> int:
        """Number of reorganisations, summed over all nodes."""
        return len(self.reorg_depths)

    @property
    def max_reorg_depth(self) -> int:
        """Most blocks any node had to undo at once (0 if none)."""
        return max(self.reorg_depths, default=0)

    @property
    def mean_convergence_time(self) -> float:
        """Average length of a finished disagreement period (0 if there was none)."""
        if not self.convergence_times:
            return 0.0
        return sum(self.convergence_times) / len(self.convergence_times)

    @property
    def max_convergence_time(self) -> float:
        """Longest time the nodes' tips disagreed."""
        return max(self.convergence_times, default=0.0)


class NodeView:
    """One node's knowledge: which blocks it has, orphans waiting, its tip.

    A lightweight BlockTree: every block has the same difficulty here, so the
    best tip is simply the highest block, and on equal height the first seen.
    """

    def __init__(self, genesis: SimBlock):
        """Start knowing only the genesis block."""
        self.known: set[int] = {genesis.id}
        self.waiting: dict[int, list[SimBlock]] = {}
        self.tip = genesis

    def receive(self, block: SimBlock) -> list[SimBlock]:
        """Take in a block; return the blocks connected as a result (to relay)."""
        if block.id in self.known:
            return []
        if block.parent not in self.known:
            pending = self.waiting.setdefault(block.parent, [])
            if all(b.id != block.id for b in pending):
                pending.append(block)
            return []
        connected, queue = [], [block]
        while queue:
            current = queue.pop(0)
            if current.id in self.known:
                continue
            self.known.add(current.id)
            connected.append(current)
            if current.height > self.tip.height:   # strictly higher: first seen wins ties
                self.tip = current
            queue.extend(self.waiting.pop(current.id, []))
        return connected


def neighbours(n: int, topology: str | Sequence[Sequence[int]]) -> list[list[int]]:
    """Neighbour lists of the n nodes for a named topology or explicit lists."""
    if not isinstance(topology, str):
        adjacency = [sorted(set(row)) for row in topology]
        if len(adjacency) != n:
            raise ValueError("topology must list neighbours for every node")
        return adjacency
    if topology == "full":
        return [[j for j in range(n) if j != i] for i in range(n)]
    if topology == "ring":
        return [sorted({(i - 1) % n, (i + 1) % n} - {i}) for i in range(n)]
    if topology == "line":
        return [[j for j in (i - 1, i + 1) if 0 <= j < n] for i in range(n)]
    raise ValueError("topology is 'full', 'ring', 'line' or a list of neighbour lists")


def _ancestor_at(blocks: list[SimBlock], block: SimBlock, height: int) -> SimBlock:
    """The ancestor of block at the given height (the block itself if already there)."""
    while block.height > height:
        block = blocks[block.parent]
    return block


def fork_height(blocks: list[SimBlock], a: SimBlock, b: SimBlock) -> int:
    """Height of the last block shared by the chains ending at a and b."""
    a = _ancestor_at(blocks, a, min(a.height, b.height))
    b = _ancestor_at(blocks, b, a.height)
    while a.id != b.id:
        a, b = blocks[a.parent], blocks[b.parent]
    return a.height


class Gossip:
    """The wires: who is linked to whom, and the block messages in flight.

    Shared by `simulate` and the private-attack simulation
    (primitives.private_attack). Messages are delivered in time order; equal
    times go in the order they were sent, so a seed replays exactly.
    """

    def __init__(self, links: list[list[int]], latency: float | Sequence[Sequence[float]]):
        """links[i]: neighbours of node i; latency: seconds per hop, a number or a matrix."""
        self.links = links
        self.latency = latency
        self._queue: list[tuple[float, int, int, int]] = []  # (time, sequence, node, block id)
        self._sequence = 0

    def delay(self, i: int, j: int) -> float:
        """Seconds for a message from node i to reach node j."""
        if isinstance(self.latency, (int, float)):
            return float(self.latency)
        return float(self.latency[i][j])

    def send(self, sender: int, block_id: int, t: float) -> None:
        """Send a block at time t to every neighbour of sender."""
        for receiver in self.links[sender]:
            self._sequence += 1
            arrival = t + self.delay(sender, receiver)
            heapq.heappush(self._queue, (arrival, self._sequence, receiver, block_id))

    def next_time(self) -> float:
        """Arrival time of the next message (infinity when none is in flight)."""
        return self._queue[0][0] if self._queue else math.inf

    def pop(self) -> tuple[float, int, int]:
        """Take the next message: (arrival time, receiving node, block id)."""
        t, _, node, block_id = heapq.heappop(self._queue)
        return t, node, block_id

    def __bool__(self) -> bool:
        """True while some message is still in flight."""
        return bool(self._queue)


def simulate(
    shares: Sequence[float],
    *,
    block_interval: float = 600.0,
    latency: float | Sequence[Sequence[float]] = 2.0,
    n_blocks: int = 200,
    seed: int = 0,
    topology: str | Sequence[Sequence[int]] = "full",
) -> SimulationResult:
    """Simulate n_blocks being mined and gossiped; return forks, stale rate and more.

    shares: hash-power share of each node (normalised; zeros are relay-only
    nodes). latency: seconds per hop, one number or an n x n matrix.
    topology: 'full' (everyone linked), 'ring', 'line' or neighbour lists.
    After the last block is mined the simulation runs until every message
    has been delivered, so every node knows every block. The nodes may still
    be split between blocks of equal height (a few percent of runs with
    latency in the tens of seconds): result.settled says whether they agree,
    result.unsettled_for how long the open disagreement had lasted.
    """
    n = len(shares)
    total_share = float(sum(shares))
    if n == 0 or total_share <= 0 or any(s < 0 for s in shares):
        raise ValueError("shares must be non-negative with a positive sum")
    cumulative = []
    running = 0.0
    for s in shares:
        running += s / total_share
        cumulative.append(running)
    links = neighbours(n, topology)
    gossip = Gossip(links, latency)
    used = [gossip.delay(i, j) for i in range(n) for j in links[i]]
    mean_latency = sum(used) / len(used) if used else 0.0

    rng = random.Random(seed)
    genesis = SimBlock(0, -1, 0, -1, 0.0)
    blocks = [genesis]
    nodes = [NodeView(genesis) for _ in range(n)]
    seen_at: list[list[float]] = [[0.0] * n]     # seen_at[block][node]
    tip_count = {0: n}                           # how many nodes have each tip
    reorg_depths: list[int] = []
    episodes: list[float] = []
    disagree_since: float | None = None
    mined_by = [0] * n
    now = 0.0
    next_find = rng.expovariate(1.0 / block_interval)

    def deliver(node: int, block: SimBlock, t: float) -> None:
        """Hand a block to a node: relay what it connects, count tip changes and reorgs."""
        view = nodes[node]
        old_tip = view.tip
        for connected in view.receive(block):
            seen_at[connected.id][node] = t
            gossip.send(node, connected.id, t)
        if view.tip.id != old_tip.id:
            tip_count[old_tip.id] -= 1
            if not tip_count[old_tip.id]:
                del tip_count[old_tip.id]
            tip_count[view.tip.id] = tip_count.get(view.tip.id, 0) + 1
            fork = fork_height(blocks, old_tip, view.tip)
            if fork < old_tip.height:             # old tip is not an ancestor: a reorg
                reorg_depths.append(old_tip.height - fork)

    while True:
        mining = len(blocks) - 1 < n_blocks
        if mining and next_find <= gossip.next_time():
            now = next_find
            draw = rng.random()
            miner = next((i for i, c in enumerate(cumulative) if draw < c), n - 1)
            parent = nodes[miner].tip
            block = SimBlock(len(blocks), parent.id, parent.height + 1, miner, now)
            blocks.append(block)
            seen_at.append([math.inf] * n)
            mined_by[miner] += 1
            deliver(miner, block, now)
            next_find = now + rng.expovariate(1.0 / block_interval)
        elif gossip:
            now, node, block_id = gossip.pop()
            deliver(node, blocks[block_id], now)
        else:
            break
        agree = len(tip_count) == 1
        if not agree and disagree_since is None:
            disagree_since = now
        elif agree and disagree_since is not None:
            episodes.append(now - disagree_since)
            disagree_since = None

    # Every node knows every block now. Ties left at equal height (an
    # unsettled end) are resolved the way the next block most likely would:
    # take the earliest.
    best = min((view.tip for view in nodes), key=lambda b: (-b.height, b.id))
    main = set()
    walker = best
    while walker.id != 0:
        main.add(walker.id)
        walker = blocks[walker.parent]
    children: dict[int, int] = {}
    for b in blocks[1:]:
        children[b.parent] = children.get(b.parent, 0) + 1
    main_by = [0] * n
    for block_id in main:
        main_by[blocks[block_id].miner] += 1
    mined = len(blocks) - 1
    spread = [max(seen_at[b.id]) - b.time for b in blocks[1:] if max(seen_at[b.id]) < math.inf]
    return SimulationResult(
        seed=seed,
        n_nodes=n,
        block_interval=block_interval,
        mean_latency=mean_latency,
        blocks_mined=mined,
        main_chain_length=len(main),
        stale_blocks=mined - len(main),
        stale_rate=(mined - len(main)) / mined if mined else 0.0,
        forks=sum(1 for count in children.values() if count > 1),
        reorg_depths=tuple(reorg_depths),
        convergence_times=tuple(episodes),
        mean_propagation_time=sum(spread) / len(spread) if spread else 0.0,
        duration=now,
        mined_by=tuple(mined_by),
        main_chain_by=tuple(main_by),
        settled=disagree_since is None,
        unsettled_for=0.0 if disagree_since is None else now - disagree_since,
        final_tips=tuple(view.tip for view in nodes),
        blocks=tuple(blocks),
    )


def approx_stale_rate(delay: float, block_interval: float) -> float:
    """Rough stale rate when every block takes `delay` seconds to reach everyone.

    A block goes stale if a competitor appears while it propagates:
    1 - exp(-delay / interval), about delay / interval when that is small.
    """
    return 1.0 - math.exp(-delay / block_interval)
