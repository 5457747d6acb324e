"""Check for notebook 15's pool exercise: the order a tip-maximising block producer takes the pool in.

The rule is EIP-1559's effective tip, min(maxPriorityFeePerGas, maxFeePerGas - baseFee), which is
what the producer earns per gas; nonces go in order within a sender, a transaction below the base
fee cannot be included (nor anything its sender sent after it), and a nonce gap stops a sender.
Expected orders are worked out by hand in the comments below, or, for the seeded random pools, by
the small exhaustive search here (every order the nonce rules allow, keep the one whose tips read
highest first), never by the reference solution.
"""
from __future__ import annotations

import itertools
import random

from ..exercises import exercise, expect

GWEI = 10**9
# (pending (id, sender, nonce, max fee, tip) in arrival order, next nonces, base fee, order), in gwei
WORKED = [
    # effective tips: a 2, b 5, c min(3, 4 - 1) = 3, d 2: b c a d (a before d: it arrived first)
    ([("a", "s1", 0, 200, 2), ("b", "s2", 0, 100, 5), ("c", "s3", 0, 4, 3), ("d", "s4", 0, 100, 2)],
     {"s1": 0, "s2": 0, "s3": 0, "s4": 0}, 1, ["b", "c", "a", "d"]),
    # by max fee it would be a d b c: the max fee is what the sender allows, not what the producer earns
    ([("a", "s1", 0, 300, 1), ("b", "s2", 0, 50, 20), ("c", "s3", 0, 12, 10), ("d", "s4", 0, 100, 4)],
     {"s1": 0, "s2": 0, "s3": 0, "s4": 0}, 2, ["b", "c", "d", "a"]),
    # s1's nonce 1 pays most but waits for nonce 0 (tip 1, below z's 9); s2 lacks nonce 2, so y stays queued
    ([("x1", "s1", 1, 50, 40), ("x0", "s1", 0, 10, 1), ("y", "s2", 3, 90, 80), ("z", "s3", 7, 20, 9)],
     {"s1": 0, "s2": 2, "s3": 7}, 1, ["z", "x0", "x1"]),
    # p cannot pay the base fee of 10, and q (same sender, next nonce) is stuck behind it
    ([("p", "s1", 0, 5, 5), ("q", "s1", 1, 100, 50), ("r", "s2", 0, 30, 2)], {"s1": 0, "s2": 0}, 10, ["r"]),
    # u's tip is capped by max fee - base fee = 12 - 10 = 2, below v's 3
    ([("u", "s1", 0, 12, 9), ("v", "s2", 0, 40, 3)], {"s1": 0, "s2": 0}, 10, ["v", "u"]),
    # an empty pool gives an empty block
    ([], {}, 7, []),
]


def _allowed_orders(pending, nonces, base):
    """Every order of includable transactions that respects each sender's nonces, longest first."""
    by_key = {(s, n): (i, fee, tip) for i, s, n, fee, tip in pending}
    includable = []
    for sender, start in nonces.items():
        n = start
        while (sender, n) in by_key and by_key[(sender, n)][1] >= base:
            includable.append((sender, n))
            n += 1
    for order in itertools.permutations(includable):
        # allowed when each transaction's nonce is its sender's next one at that point of the block
        if all(nonces[s] + sum(1 for t, _ in order[:k] if t == s) == n for k, (s, n) in enumerate(order)):
            yield [(by_key[key], key) for key in order]


def _best_by_search(pending, nonces, base):
    # A producer filling its block greedily earns the most up front: among the allowed orders, the one
    # whose (tip, -arrival) sequence is largest, compared position by position.
    arrival = {i: k for k, (i, *_rest) in enumerate(pending)}
    best, best_key = [], None
    for order in _allowed_orders(pending, nonces, base):
        key = [(min(tip, fee - base), -arrival[i]) for (i, fee, tip), _ in order]
        if best_key is None or key > best_key:
            best, best_key = [i for (i, _, _), _ in order], key
    return best


def _random_pool(rng):
    senders = [f"s{k}" for k in range(rng.randint(2, 3))]
    nonces = {s: rng.randint(0, 3) for s in senders}
    pending, used = [], set()
    for k in range(rng.randint(3, 6)):
        sender = rng.choice(senders)
        nonce = nonces[sender] + rng.randint(0, 2)
        if (sender, nonce) in used:
            continue
        used.add((sender, nonce))
        fee = rng.randint(5, 60)
        pending.append((f"t{k}", sender, nonce, fee, rng.randint(0, fee)))
    return pending, nonces, rng.randint(1, 20)


def _ask(block_order, pending, nonces, base):
    scaled = [(i, s, n, fee * GWEI, tip * GWEI) for i, s, n, fee, tip in pending]
    return block_order(scaled, dict(nonces), base * GWEI)


@exercise("15.5", "the order a tip-maximising producer takes the pool in")
def check_block_order(block_order):
    for pending, nonces, base, want in WORKED:
        got = _ask(block_order, pending, nonces, base)
        expect(isinstance(got, (list, tuple)), f"block_order should return a list of ids, got {got!r}")
        expect(list(got) == want, f"base fee {base} gwei, pending {pending}: you ordered {list(got)}, "
                                  f"expected {want} (effective tip min(tip, max fee - base fee) first, "
                                  "nonces in order, none below the base fee or after a nonce gap)")
    rng = random.Random(1559)
    for _ in range(40):
        pending, nonces, base = _random_pool(rng)
        want = _best_by_search(pending, nonces, base)
        got = list(_ask(block_order, pending, nonces, base))
        expect(got == want, f"base fee {base} gwei, next nonces {nonces}, pending {pending}: you ordered "
                            f"{got}, expected {want}")
    return "nonces first within a sender, then the highest effective tip across senders, as geth's miner does"
