"""Checks for notebook 15's consensus exercises: a faulty replica, and finality.

Expected values are worked out by hand from the protocols' rules (PBFT: Castro and Liskov
1999; Casper FFG: Buterin and Griffith 2017) and written here,
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
