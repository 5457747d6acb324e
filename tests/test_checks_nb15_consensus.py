"""Notebook 15's consensus checks: the reference passes, plausible mistakes do not."""
from fractions import Fraction

import pytest

import lab.checks.nb15_consensus  # noqa: F401 - registers 15.3-15.5 (the loader looks for lab.checks.nb15)
from lab.exercises import SOLVED, WRONG, check
from lab.solutions import nb15_consensus as ref


def _senders_of_the_second_value(messages):
    return {m.sender for m in messages if m.digest == "B"}           # honest replicas pass "B" on too


def _primary_always(messages):
    return {0}


def _final_when_any_later_checkpoint_is_justified(stakes, votes):
    justified, _ = ref.justified_and_finalized(stakes, votes)
    return justified, {j for j in justified if any(k > j for k in justified)} | {0}


def _simple_majority(stakes, votes):
    total, justified = sum(stakes), {0}
    for target in sorted({t for _, _, t in votes}):
        voters = {v for v, s, t in votes if t == target and s in justified}
        if Fraction(sum(stakes[v] for v in voters)) >= Fraction(1, 2) * total:
            justified.add(target)
    return justified, {j for j in justified if j + 1 in justified} | {0}


@pytest.mark.parametrize("exercise_id, fn", sorted(ref.SOLUTIONS.items()))
def test_the_reference_passes(exercise_id, fn):
    assert check(exercise_id, fn).status == SOLVED


@pytest.mark.parametrize("exercise_id, wrong", [
    ("15.3", _senders_of_the_second_value),
    ("15.3", _primary_always),
    ("15.4", _final_when_any_later_checkpoint_is_justified),
    ("15.4", _simple_majority),
])
def test_a_plausible_mistake_is_caught_in_one_readable_line(exercise_id, wrong):
    outcome = check(exercise_id, wrong)
    assert outcome.status == WRONG and "\n" not in outcome.message and "Traceback" not in outcome.message
