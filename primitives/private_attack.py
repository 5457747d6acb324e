"""A double-spend attacker inside the gossip simulation: private mining, then a reorg.

`primitives.double_spend.simulate_attack` plays the whitepaper's race as a game of
coin flips. Here the same attack runs on the network of `simulate`: honest
nodes gossip blocks with a latency and follow the highest chain, and one
extra node, the attacker, mines in secret. When it wins, the honest nodes
really do throw away the blocks that confirmed the merchant's payment.

The attacker's policy (node index n, after the n honest nodes):

- at time 0 the merchant's payment goes into the next honest block; the
  attacker forks from genesis at once and mines its double-spend branch in
  private, always on the highest block of that branch it knows;
- it is linked to every honest node (same latency) and hears every honest
  block, but relays none of them;
- it publishes its whole branch to every honest node as soon as the honest
  chain it knows has at least z blocks (the merchant's z confirmations) *and*
  its branch is strictly higher. Level is not enough: honest nodes keep the
  block they saw first. From then on each new attacker block is sent at once;
- it gives up when it is `give_up` blocks behind, or after `max_blocks`
  blocks in all.

The attack succeeds when every honest node's tip is on the attacker's branch:
each of them went through a reorg that undid its honest blocks (at least z of
them in a full mesh, where everyone hears an honest block at the same time).
Everything random comes from random.Random(seed), so a seed replays exactly.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .network import Gossip, NodeView, SimBlock, fork_height, neighbours


@dataclass(frozen=True)
class PrivateAttackResult:
    """What happened in one run of `simulate_private_attack`."""

    seed: int
    share: float                       # attacker's share q of the hash power
    confirmations: int                 # z: honest blocks the merchant waits for
    succeeded: bool                    # every honest node ended on the attacker's branch
    published_at: float | None         # simulated seconds when the branch was released (None: never)
    replaced_at: float | None          # when the last honest node switched to it (None: never)
    honest_height_at_release: int      # honest chain height the attacker knew when it released (0: never)
    reorg_depths: tuple[int, ...]      # blocks undone by each honest node's switch to the attacker's branch
    honest_tips: tuple[SimBlock, ...]  # each honest node's tip at the end
    blocks: tuple[SimBlock, ...]       # every block mined, genesis first (blocks[i].id == i)
    attacker: int                      # node index of the attacker (= number of honest nodes)
    duration: float                    # simulated seconds until the run stopped

    @property
    def attacker_blocks(self) -> int:
        """Blocks the attacker mined."""
        return sum(1 for b in self.blocks if b.miner == self.attacker)


def simulate_private_attack(
    share: float,
    confirmations: int,
    *,
    honest_shares: Sequence[float] = (1.0,) * 5,
    block_interval: float = 600.0,
    latency: float = 2.0,
    topology: str | Sequence[Sequence[int]] = "full",
    seed: int = 0,
    give_up: int = 20,
    max_blocks: int = 1000,
) -> PrivateAttackResult:
    """Run one private-mining double-spend attack on the gossip network.

    share: the attacker's fraction q of all hash power; the honest nodes
    split the rest in proportion to honest_shares. confirmations: z.
    latency: seconds per hop; topology links the honest nodes ('full',
    'ring', 'line' or neighbour lists). Stops at success, when the attacker
    gives up, or after max_blocks blocks once all messages are delivered.
    """
    n = len(honest_shares)
    if not 0.0 <= share < 1.0 or confirmations < 0:
        raise ValueError("need 0 <= share < 1 and confirmations >= 0")
    if n == 0 or sum(honest_shares) <= 0 or any(s < 0 for s in honest_shares):
        raise ValueError("honest_shares must be non-negative with a positive sum")
    if give_up < 1 or max_blocks < 1:
        raise ValueError("give_up and max_blocks must be at least 1")
    attacker = n
    total, cumulative, running = sum(honest_shares), [], 0.0
    for s in honest_shares:
        running += s / total
        cumulative.append(running)
    # Honest nodes keep their topology and also reach the attacker, who is linked to all of them.
    links = [[*row, attacker] for row in neighbours(n, topology)] + [list(range(n))]
    gossip = Gossip(links, latency)

    rng = random.Random(seed)
    genesis = SimBlock(0, -1, 0, -1, 0.0)
    blocks = [genesis]
    on_branch = [False]                 # on_branch[id]: the block descends from the attacker's fork
    honest = [NodeView(genesis) for _ in range(n)]
    attacker_view = NodeView(genesis)   # used only for its orphan handling: what the attacker knows
    attacker_tip = genesis              # highest block on the attacker's branch that it knows
    honest_height = 0                   # highest honest-branch block that the attacker knows
    published_at: float | None = None
    height_at_release = 0
    reorg_depths: list[int] = []
    now = 0.0
    next_find = rng.expovariate(1.0 / block_interval)

    def attacker_hears(block: SimBlock) -> None:
        """Update the attacker's two heights: its own branch and the honest chain."""
        nonlocal attacker_tip, honest_height
        for known in attacker_view.receive(block):
            if on_branch[known.id]:
                if known.height > attacker_tip.height:
                    attacker_tip = known
            else:
                honest_height = max(honest_height, known.height)

    def honest_hears(node: int, block: SimBlock, t: float) -> None:
        """An honest node takes a block, relays what it connects, and may reorg."""
        view = honest[node]
        old_tip = view.tip
        for connected in view.receive(block):
            gossip.send(node, connected.id, t)
        if not on_branch[old_tip.id] and on_branch[view.tip.id]:
            reorg_depths.append(old_tip.height - fork_height(blocks, old_tip, view.tip))

    def branch_from_fork() -> list[SimBlock]:
        """The attacker's branch from its first block up to its tip."""
        chain, block = [], attacker_tip
        while block.id != 0:
            chain.append(block)
            block = blocks[block.parent]
        return chain[::-1]

    succeeded = False
    while True:
        mining = len(blocks) - 1 < max_blocks
        if mining and next_find <= gossip.next_time():
            now = next_find
            draw = rng.random()
            if draw < share:
                miner, parent = attacker, attacker_tip
            else:
                # Rescale the rest of [share, 1) to [0, 1) to pick an honest miner.
                point = (draw - share) / (1.0 - share)
                miner = next((i for i, c in enumerate(cumulative) if point < c), n - 1)
                parent = honest[miner].tip
            block = SimBlock(len(blocks), parent.id, parent.height + 1, miner, now)
            blocks.append(block)
            on_branch.append(on_branch[parent.id] if parent.id else miner == attacker)
            if miner == attacker:
                attacker_hears(block)
                if published_at is not None:
                    gossip.send(attacker, block.id, now)
            else:
                honest_hears(miner, block, now)
            next_find = now + rng.expovariate(1.0 / block_interval)
        elif gossip:
            now, node, block_id = gossip.pop()
            if node == attacker:
                attacker_hears(blocks[block_id])
            else:
                honest_hears(node, blocks[block_id], now)
        else:
            break
        if published_at is None and honest_height >= confirmations and attacker_tip.height > honest_height:
            published_at, height_at_release = now, honest_height
            for block in branch_from_fork():
                gossip.send(attacker, block.id, now)
        if published_at is not None and all(on_branch[view.tip.id] for view in honest):
            succeeded = True
            break
        if honest_height - attacker_tip.height >= give_up:
            break

    return PrivateAttackResult(
        seed=seed,
        share=share,
        confirmations=confirmations,
        succeeded=succeeded,
        published_at=published_at,
        replaced_at=now if succeeded else None,
        honest_height_at_release=height_at_release,
        reorg_depths=tuple(reorg_depths),
        honest_tips=tuple(view.tip for view in honest),
        blocks=tuple(blocks),
        attacker=attacker,
        duration=now,
    )
