"""PBFT's round against its own rules: quorums from n, safety up to f faults, a violation at f + 1.

The thresholds are Castro and Liskov's (OSDI 1999, section 4): n = 3f + 1 replicas,
prepared after 2f matching PREPAREs from backups, committed after 2f + 1 COMMITs. The
expected outcomes below follow from counting those quorums by hand in each test.
"""
from __future__ import annotations

import pytest

from primitives import pbft
from primitives.pbft import COMMIT, PRE_PREPARE, find_equivocators, max_faults, quorum, run_round

SEEDS = range(8)


@pytest.mark.parametrize(("n", "f", "q"), [(1, 0, 1), (4, 1, 3), (6, 1, 3), (7, 2, 5), (10, 3, 7),
                                           (13, 4, 9)])
def test_fault_tolerance_and_quorum_from_n(n, f, q):
    assert (max_faults(n), quorum(n)) == (f, q)


@pytest.mark.parametrize("n", [4, 7, 10])
def test_no_faults_every_replica_commits_the_proposal(n):
    result = run_round(n, 0)
    assert result.committed == {r: "A" for r in range(n)} and result.safe and result.live
    assert find_equivocators(result.messages) == set()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [4, 7, 10])
def test_up_to_f_faults_are_always_safe(n, seed):
    for k in range(max_faults(n) + 1):
        result = run_round(n, k, seed)
        assert len(set(result.committed.values())) <= 1, (n, k, seed, result.committed)
        assert result.safe


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [4, 7, 10])
def test_f_plus_one_colluding_with_the_primary_break_safety(n, seed):
    result = run_round(n, max_faults(n) + 1, seed)
    assert set(result.committed.values()) == {"A", "B"}, result.committed
    assert not result.safe


def test_faulty_backups_cannot_break_safety_under_an_honest_primary():
    f = 2
    result = run_round(f=f, faulty=range(1, f + 3))            # f + 2 faulty backups, primary 0 honest
    assert result.safe and set(result.committed.values()) == {"A"}


def test_a_faulty_primary_within_f_may_stall_but_commits_one_value():
    result = run_round(7, 1, seed=0)
    # the honest six are split 3/3: 3 prepares for A from backups < 2f = 4, so nobody prepares
    assert result.prepared == {} and result.committed == {} and result.safe and not result.live


def test_the_two_sides_of_a_violation_each_hold_a_quorum():
    result = run_round(4, 2, seed=0)
    for replica, digest in result.committed.items():
        commits = {m.sender for m in result.messages
                   if m.phase == COMMIT and m.receiver == replica and m.digest == digest}
        assert len(commits) >= 3            # 2f + 1 for n = 4


@pytest.mark.parametrize("faulty", [{0}, {0, 3}, {2}, {1, 2, 5}])
def test_the_equivocators_are_exactly_the_planted_faulty_replicas(faulty):
    result = run_round(7, faulty, seed=3)
    assert find_equivocators(result.messages) == faulty


def test_an_equivocating_primary_sends_both_values():
    result = run_round(4, 1, seed=0)
    sent = {m.digest for m in result.messages if m.phase == PRE_PREPARE and m.sender == 0}
    assert sent == {"A", "B"}


def test_a_seed_replays_exactly_and_seeds_differ():
    assert run_round(10, 4, seed=5).messages == run_round(10, 4, seed=5).messages
    assert len({tuple(sorted(run_round(10, 4, seed=s).committed.items())) for s in SEEDS}) > 1


def test_the_outcome_table_matches_the_threshold():
    rows = pbft.outcome_table((4, 7), seed=0)
    assert len(rows) == 5 + 8
    for row in rows:
        f = (row.n - 1) // 3
        honest_left = row.n - row.faulty
        # a lone honest replica cannot disagree with itself
        expected_safe = row.faulty <= f or honest_left < 2
        assert row.safe == expected_safe, row


def test_faulty_ids_outside_the_replicas_are_refused():
    with pytest.raises(ValueError, match=r"among 0\.\.3"):
        run_round(4, [5])
