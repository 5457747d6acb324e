"""Checks for notebook 15's consensus and pool exercises: a faulty replica, finality, a block's order.

Expected values are worked out by hand from the protocols' rules (PBFT: Castro and Liskov
1999; Casper FFG: Buterin and Griffith 2017; EIP-1559's effective tip) and written here,
or are the faulty replicas planted into a simulated round, never an answer computed by
the reference solution.
"""
from __future__ import annotations

from primitives.pbft import run_round

from ..exercises import exercise, expect

# (replicas, the planted faulty ones, seed): the primary is replica 0.
PLANTED = [(4, {0}, 0), (4, set(), 1), (7, {0, 4}, 2), (7, {3}, 3), (10, {0, 2, 9}, 4), (10, {5, 6}, 5)]


@exercise("15.3", "find the faulty replica")
def check_find_faulty(find_faulty):
    for n, faulty, seed in PLANTED:
        result = run_round(n, faulty, seed)
        got = find_faulty(result.messages)
        expect(isinstance(got, (set, frozenset)),
               f"find_faulty should return a set of replica ids, got {got!r}")
        expect(set(got) == faulty,
               f"in a round of {n} replicas (seed {seed}) you named {sorted(got)}, but the faulty ones are "
               f"{sorted(faulty) or 'none'}: an honest replica may pass on a value it was given, it never "
               "signs two different digests for one phase")
    return "each faulty replica convicted by two signed messages that contradict each other, no honest one"


# (stakes, votes (validator, source, target), justified, finalized), worked out by hand.
FFG_CASES = [
    # 3 equal validators, all vote 0->1 and 1->2: 1 and 2 justified; 1 final (its child 2 justified from 1)
    ([1, 1, 1], [(0, 0, 1), (1, 0, 1), (2, 0, 1), (0, 1, 2), (1, 1, 2), (2, 1, 2)], {0, 1, 2}, {0, 1}),
    # only 2 of 4 vote: half the stake, nothing justified
    ([1, 1, 1, 1], [(0, 0, 1), (1, 0, 1)], {0}, {0}),
    # a heavy validator: 6 of 9 stake is exactly two thirds, enough
    ([6, 1, 1, 1], [(0, 0, 1), (0, 1, 2)], {0, 1, 2}, {0, 1}),
    # 1 justified, then 3 justified from 1 (skipping 2): 3 is not 1's direct child, so 1 is not final
    ([1, 1, 1], [(v, 0, 1) for v in range(3)] + [(v, 1, 3) for v in range(3)], {0, 1, 3}, {0}),
    # a link from an unjustified source counts for nothing: 2 -> 3 with 2 never justified
    ([1, 1, 1], [(v, 2, 3) for v in range(3)], {0}, {0}),
    # links split between two sources: 2/3 from 0->2, but only 1/3 from 1->2 and 1 unjustified
    ([1, 1, 1], [(0, 0, 2), (1, 0, 2), (2, 1, 2)], {0, 2}, {0}),
]


@exercise("15.4", "which checkpoints are justified and final?")
def check_ffg(justified_and_finalized):
    for stakes, votes, justified, finalized in FFG_CASES:
        got = justified_and_finalized(stakes, votes)
        expect(isinstance(got, tuple) and len(got) == 2,
               f"return (justified, finalized), two sets of epochs; got {got!r}")
        case = f"stakes {stakes}, votes {votes}"
        expect(set(got[0]) == justified, f"{case}: justified {sorted(got[0])}, expected {sorted(justified)} "
                                         "(links from a justified source with 2/3 of all stake)")
        expect(set(got[1]) == finalized, f"{case}: finalized {sorted(got[1])}, expected {sorted(finalized)} "
                                         "(justified, and its direct child justified from it)")
    return "justification by two-thirds links, finality by a justified direct child"


GWEI = 10**9
# (pending (id, sender, nonce, max fee, priority fee), next nonce per sender, base fee, expected order)
POOLS = [
    # effective tips: a 2, b 5, c min(3, 4-1) = 3, d 2 -> b c a d (a before d: it arrived first)
    ([("a", "s1", 0, 200, 2), ("b", "s2", 0, 100, 5), ("c", "s3", 0, 4, 3), ("d", "s4", 0, 100, 2)],
     {"s1": 0, "s2": 0, "s3": 0, "s4": 0}, 1, ["b", "c", "a", "d"]),
    # a sender's nonce 1 pays most but waits for nonce 0; s2's nonce 3 has a gap and stays out
    ([("x1", "s1", 1, 50, 40), ("x0", "s1", 0, 10, 1), ("y", "s2", 3, 90, 80), ("z", "s3", 7, 20, 9)],
     {"s1": 0, "s2": 2, "s3": 7}, 1, ["z", "x0", "x1"]),
    # below the base fee: it cannot pay, and its sender's next nonce is stuck behind it
    ([("p", "s1", 0, 5, 5), ("q", "s1", 1, 100, 50), ("r", "s2", 0, 30, 2)], {"s1": 0, "s2": 0}, 10, ["r"]),
    # the tip is capped by max fee - base fee: 12 - 10 = 2 < 3
    ([("u", "s1", 0, 12, 9), ("v", "s2", 0, 40, 3)], {"s1": 0, "s2": 0}, 10, ["v", "u"]),
]


@exercise("15.5", "the order a tip-maximising producer takes the pool in")
def check_block_order(block_order):
    for pending, nonces, base, want in POOLS:
        scaled = [(i, s, n, fee * GWEI, tip * GWEI) for i, s, n, fee, tip in pending]
        got = block_order(scaled, dict(nonces), base * GWEI)
        expect(list(got) == want, f"base fee {base} gwei, pending {pending}: you ordered {list(got)}, "
                                  f"expected {want} (effective tip min(tip, max fee - base fee), nonces in "
                                  "order, none below the base fee or after a gap)")
    return "nonces first within a sender, the highest effective tip first across senders"
