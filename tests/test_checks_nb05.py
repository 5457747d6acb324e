"""Notebook 05's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
import math

import pytest

from lab.exercises import SOLVED, WRONG, check
from lab.solutions import nb05
from primitives.block import bits_to_target


def _bits(raw):
    return int.from_bytes(raw[72:76], "little")     # bytes 72-76 of a header, little-endian


def _tip_by_length_always(blocks, rule="work"):
    return nb05.choose_tip(blocks, "length")


def _tip_last_on_tie(blocks, rule="work"):
    total, best, best_total = {}, None, None
    for name, parent, work in blocks:
        total[name] = (total[parent] if parent else 0) + (work if rule == "work" else 1)
        if best_total is None or total[name] >= best_total:      # >= : the later block wins ties
            best, best_total = name, total[name]
    return best


def _gamblers_ruin_only(q, z):
    return (q / (1 - q)) ** z


def _paper_without_poisson_weights(q, z):
    p = 1 - q
    return sum((q / p) ** (z - k) for k in range(z + 1)) / (z + 1)


@pytest.mark.parametrize("exercise_id, wrong", [
    ("05.1", lambda latency, interval: latency / interval),              # the small-ratio shortcut
    ("05.1", lambda latency, interval: math.exp(-latency / interval)),   # the chance of *no* competitor
    # (forgetting the + 1 moves the work by under one hash at real targets: same numbers on these blocks)
    # float division loses digits:
    ("05.2", lambda headers: sum(int(2 ** 256 / (bits_to_target(_bits(h)) + 1)) for h in headers)),
    ("05.2", lambda headers: len(headers)),                                # the length, not the work
    ("05.2", lambda headers: sum(bits_to_target(_bits(h)) for h in headers)),   # the target, not its inverse
    ("05.3", _tip_by_length_always),
    ("05.3", _tip_last_on_tie),
    ("05.4", _gamblers_ruin_only),
    ("05.4", _paper_without_poisson_weights),
])
def test_each_check_rejects_a_plausible_mistake(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG


def test_the_same_code_done_right_passes():
    """The wrong answers above fail for their one mistake: with + 1 and whole-number division
    the same code passes."""
    def chain_work(headers):
        return sum(2 ** 256 // (bits_to_target(_bits(h)) + 1) for h in headers)
    assert check("05.2", chain_work).status == SOLVED
